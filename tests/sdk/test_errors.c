// SPDX-License-Identifier: MIT
/* Error messages users meet: wrong kernel, failed loads, errno names. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <ringflow/ringflow.h>
#include "error_internal.h"
#include "load_internal.h"

/* The host runs a stock kernel: the probe must say so, and how to fix it. */
Test(errors, probe_on_a_kernel_without_ringflow_says_what_to_do)
{
	int err = rf_probe();

	if (err == 0)
		cr_skip_test("this kernel has IORING_OP_BPF");
	cr_assert_lt(err, 0);
	cr_assert_not_null(strstr(rf_errmsg(), "ringflow kernel"), "%s", rf_errmsg());
	cr_assert_not_null(strstr(rf_errmsg(), "tools/vm-run"), "%s", rf_errmsg());
	if (err == -EOPNOTSUPP)
		cr_assert_not_null(strstr(rf_errmsg(), "IORING_OP_BPF"), "%s", rf_errmsg());
}

Test(errors, ring_creation_fails_clearly_without_ringflow)
{
	struct rf_ring *ring = (void *)1;
	int err;

	if (rf_probe() == 0)
		cr_skip_test("this kernel has IORING_OP_BPF");
	err = rf_ring_create(NULL, &ring);
	cr_assert_lt(err, 0);
	cr_assert_null(ring);
	cr_assert_not_null(strstr(rf_errmsg(), "run on the ringflow kernel"), "%s", rf_errmsg());
}

Test(errors, sqe128_rings_are_refused_before_any_kernel_call)
{
	struct rf_ring_opts o = { .flags = IORING_SETUP_SQE128 };
	struct rf_ring *ring = (void *)1;

	cr_assert_eq(rf_ring_create(&o, &ring), -EINVAL);
	cr_assert_null(ring);
	cr_assert_not_null(strstr(rf_errmsg(), "IORING_SETUP_SQE128 rings are not supported"),
			   "%s", rf_errmsg());
}

/* A stage call that failed returns NULL; the next call on it says so and why. */
Test(errors, a_null_stage_explains_itself)
{
	char x[8];

	/* what rf_chain_bpf() said when it failed */
	rf_set_errmsg(-ERANGE, "op slot 99 out of range (a ring has 64)");
	cr_assert_eq(rf_stage_buf(NULL, x, 8), -EINVAL);
	cr_assert_not_null(strstr(rf_errmsg(), "no stage (NULL) given to rf_stage_buf(): the "
				  "call that should have made it failed: op slot 99 out of range"),
			   "%s", rf_errmsg());
	cr_assert_eq(rf_stage_buf_fixed(NULL, 0, x, 8), -EINVAL);
	cr_assert_not_null(strstr(rf_errmsg(), "given to rf_stage_buf(): "), "the first reason stays: %s",
			   rf_errmsg());
}

Test(errors, strerror_names_the_errno)
{
	cr_assert_str_eq(rf_strerror(-EBADMSG), "Bad message (EBADMSG)");
	cr_assert_str_eq(rf_strerror(ESTALE), "Stale file handle (ESTALE)");
	cr_assert_not_null(strstr(rf_strerror(-4000), "errno 4000"));
	/* every errno has its name, those the kfuncs return and those users meet */
	cr_assert_str_eq(rf_strerror(-EDQUOT), "Disk quota exceeded (EDQUOT)");
	cr_assert_str_eq(rf_strerror(-EACCES), "Permission denied (EACCES)");
	cr_assert_str_eq(rf_strerror(-EALREADY), "Operation already in progress (EALREADY)");
	cr_assert_str_eq(rf_strerror(-EFBIG), "File too large (EFBIG)");
	cr_assert_str_eq(rf_strerror(-EUCLEAN), "Structure needs cleaning (EUCLEAN)");
	for (int e = 1; e <= EHWPOISON; e++) {
		if (e == 41 || e == 58)
			continue; /* the two numbers Linux never assigned */
		cr_assert_null(strstr(rf_strerror(e), "(errno "), "errno %d has no name", e);
	}
}

Test(errors, load_hints_match_the_usual_causes)
{
	cr_assert_not_null(strstr(rf_load_hint("libbpf: struct_ops init_kern: struct "
					       "io_uring_bpf_req_ops is not found in kernel BTF\n"),
				  "lacks IORING_OP_BPF"));
	cr_assert_not_null(strstr(rf_load_hint("libbpf: extern (func ksym) 'bpf_io_buf_load': "
					       "not found in kernel or module BTFs\n"),
				  "kfunc"));
	cr_assert_not_null(strstr(rf_load_hint("libbpf: prog 'x': relo #0: failed to resolve "
					       "CO-RE relocation\n"),
				  "vmlinux.h"));
	cr_assert_not_null(strstr(rf_load_hint("write to io_uring_bpf_req at off 8 size 8 "
					       "outside pdu\n"),
				  "pdu"));
	cr_assert_not_null(strstr(rf_load_hint("libbpf: failed to find valid kernel BTF\n"),
				  "no BTF"));
	cr_assert_not_null(strstr(rf_load_hint("libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\n"
					       "R1 invalid mem access 'scalar'\n"),
				  "verifier log"));
	cr_assert_not_null(strstr(rf_load_hint("libbpf: prog 'x': BPF program load failed: "
					       "Operation not permitted\n"),
				  "CAP_BPF"));
}

/* The verifier fails loads with EACCES: that is a rejection, not a privilege problem. */
Test(errors, verifier_rejection_is_not_blamed_on_privileges)
{
	const char *log = "libbpf: prog 'hist_issue': BPF program load failed: Permission denied\n"
			  "libbpf: prog 'hist_issue': -- BEGIN PROG LOAD LOG --\n"
			  "R5 unbounded memory access, make sure to bounds check any such access\n"
			  "-- END PROG LOAD LOG --\n";
	const char *hint = rf_load_hint(log);

	cr_assert_null(strstr(hint, "CAP_BPF"), "%s", hint);
	cr_assert_str_eq(hint, "see the verifier log below");
}
