// SPDX-License-Identifier: MIT
/*
 * A project outside the tree (tests/sdk/outside), built on the host against the
 * installed SDK with CMake and with pkg-config, each against the static and the
 * shared libringflow, runs its file copier on the ringflow kernel: its own op and
 * built-in ops in one chain, sharing the record, with an fsync stage, many chains
 * in flight, every byte checked; an op of an object not sharing the maps refused.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static void run(const char *program)
{
	static char out[8192];
	size_t len = 0, n;
	FILE *p = popen(program, "r");
	int status;

	cr_assert_not_null(p, "cannot run %s", program);
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	status = pclose(p);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s failed:\n%s", program, out);
	cr_assert_not_null(strstr(out, "outside: 64 chains of read -> hist -> rf_xor -> rf_crc32c "
				  "-> write -> fsync, 16 in flight: 0 failed, every byte checked"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "outside: op of an object not sharing the maps: refused\n"
				  "outside: op 'rf_crc32c' in slot 3 keeps its chain records in map"),
			   "%s", out);
}

Test(outside, cmake_package_static_library)
{
	run(OUTSIDE_STATIC);
}

Test(outside, cmake_package_shared_library)
{
	run(OUTSIDE_SHARED);
}

Test(outside, pkg_config_shared_library_runs_without_rpath_flags_of_its_own)
{
	run(OUTSIDE_MAKE);
}

Test(outside, pkg_config_static_library)
{
	run(OUTSIDE_MAKE_STATIC);
}
