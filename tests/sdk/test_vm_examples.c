// SPDX-License-Identifier: MIT
/* The tutorials, as tools/run-examples runs them: all must pass. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

Test(examples, run_all_passes, .timeout = 300)
{
	static char out[65536];
	size_t len = 0, n;
	FILE *p = popen(RUN_ALL " " BUILD_DIR " 2>&1", "r");
	int status;

	cr_assert_not_null(p);
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	status = pclose(p);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "run-all failed:\n%s", out);
	cr_assert_not_null(strstr(out, "9 examples, all ok"), "%s", out);
	cr_assert_not_null(strstr(out, "output block 1: not written (its chain stopped)"), "%s", out);
	cr_assert_not_null(strstr(out, "chain 2: failed at stage 2 (bpf op inject, slot 1): "
				  "Input/output error (EIO): inject: injected failure [detail 0x3]; "
				  "1 other stage cancelled"), "%s", out);
	cr_assert_not_null(strstr(out, "6 chains ok, 3 failed (one inject in 3 fails)"), "%s", out);
	cr_assert_not_null(strstr(out, "64 blocks copied, the adler-32 and crc32c of every block "
				  "as computed here"), "%s", out);
	cr_assert_not_null(strstr(out, "output file matches the input byte for byte"), "%s", out);
	cr_assert_not_null(strstr(out, "3 of 3 records match the ones computed here"), "%s", out);
	cr_assert_not_null(strstr(out, "then the end of the log: ok, ended at stage 9 (bpf op "
				  "parse_header), 6 stages skipped"), "%s", out);
	cr_assert_not_null(strstr(out, "30 records in 8 submissions"), "%s", out);
	cr_assert_not_null(strstr(out, "4096 lookups: 3071 found, 1025 not in the tree; every value "
				  "and every miss as the lookup here says"), "%s", out);
}
