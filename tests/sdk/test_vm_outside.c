// SPDX-License-Identifier: MIT
/*
 * A project outside the tree (tests/sdk/outside), built on the host against the
 * installed SDK with CMake (static and shared libringflow) and with pkg-config,
 * runs its chain on the ringflow kernel.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static void run(const char *program)
{
	char out[4096] = "";
	size_t len = 0, n;
	FILE *p = popen(program, "r");
	int status;

	cr_assert_not_null(p, "cannot run %s", program);
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	status = pclose(p);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s failed:\n%s", program, out);
	cr_assert_not_null(strstr(out, "outside: chain ok (3 stages)"), "%s", out);
	cr_assert_not_null(strstr(out, "outside: 21 doubled is 42"), "%s", out);
}

Test(outside, cmake_package_static_library)
{
	run(OUTSIDE_STATIC);
}

Test(outside, cmake_package_shared_library)
{
	run(OUTSIDE_SHARED);
}

Test(outside, pkg_config_and_make)
{
	run(OUTSIDE_MAKE);
}
