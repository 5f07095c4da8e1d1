// SPDX-License-Identifier: MIT
/*
 * Loading the built-in ops on the host's stock kernel fails; the message must say
 * why and what to do, whatever libbpf stumbled on first (no kernel BTF, no
 * struct_ops type, missing kfuncs).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <ringflow/ringflow.h>
#include "rf_builtin.skel.h"

Test(load_host, stock_kernel_load_failure_says_what_to_do)
{
	struct rf_builtin *skel;
	const char *msg;

	if (rf_probe() == 0)
		cr_skip_test("this kernel has IORING_OP_BPF");
	skel = rf_builtin__open();
	cr_assert_not_null(skel);
	cr_assert_lt(rf_load_skeleton(skel->skeleton), 0);
	msg = rf_errmsg();
	cr_assert_not_null(strstr(msg, "loading BPF object 'rf_builtin' failed"), "%s", msg);
	if (!strstr(msg, "Operation not permitted"))
		cr_assert_not_null(strstr(msg, "ringflow kernel"), "%s", msg);
	cr_assert_gt(strlen(rf_load_log()), 0, "libbpf's output was captured");
	rf_builtin__destroy(skel);
}
