// SPDX-License-Identifier: MIT
/*
 * The callback contract of IORING_OP_BPF: prep / issue / fail / cleanup run
 * exactly when the UAPI header says, all of them before the CQE is posted, the
 * CQE result follows the issue return value, failures break link chains, and
 * maps work from every callback.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kt.h"

KT_SUITE(callbacks, 64, KT_BIND_MAIN | KT_BIND_MIN, 60);

static void assert_stat(uint64_t ud, unsigned long long prep, unsigned long long issue,
			unsigned long long fail, unsigned long long cleanup)
{
	/* every callback ran before the CQE was posted: no waiting */
	struct kt_req_stat st = kt_stat(&k, ud);

	cr_assert_eq(st.n[KT_CB_PREP], prep, "prep ran %llu times, want %llu", st.n[KT_CB_PREP], prep);
	cr_assert_eq(st.n[KT_CB_ISSUE], issue, "issue ran %llu times, want %llu", st.n[KT_CB_ISSUE], issue);
	cr_assert_eq(st.n[KT_CB_FAIL], fail, "fail ran %llu times, want %llu", st.n[KT_CB_FAIL], fail);
	cr_assert_eq(st.n[KT_CB_CLEANUP], cleanup, "cleanup ran %llu times, want %llu",
		     st.n[KT_CB_CLEANUP], cleanup);
	cr_assert_eq(k.skel->bss->fail_order_bad, 0, "a callback ran after cleanup");
}

Test(callbacks, success_runs_prep_issue_cleanup_once)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1234, 0, 1);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, 1234);
	assert_stat(1, 1, 1, 0, 1);
}

Test(callbacks, result_defaults_to_zero)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_NORESULT, NULL, 0, 0, 0, 2);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, 0);
	assert_stat(2, 1, 1, 0, 1);
}

Test(callbacks, negative_set_result_fails_the_request)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, (uint64_t)-EIO, 0, 3);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -EIO);
	assert_stat(3, 1, 1, 1, 1);
	cr_assert_eq(kt_stat(&k, 3).fail_res, -EIO);
}

Test(callbacks, negative_return_is_the_result)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-ENOSPC, 0, 4);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -ENOSPC);
	assert_stat(4, 1, 1, 1, 1);
	cr_assert_eq(kt_stat(&k, 4).fail_res, -ENOSPC);
}

Test(callbacks, positive_return_is_einval)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_RET, NULL, 0, 7, 0, 5);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -EINVAL);
	assert_stat(5, 1, 1, 1, 1);
	cr_assert_eq(kt_stat(&k, 5).fail_res, -EINVAL);
}

Test(callbacks, prep_error_runs_fail_not_cleanup)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_RESULT | (EMLINK << KT_PREP_ERR_SHIFT), NULL, 0, 1, 0, 6);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -EMLINK);
	assert_stat(6, 1, 0, 1, 0);
	cr_assert_eq(kt_stat(&k, 6).fail_res, -EMLINK);
}

Test(callbacks, failure_breaks_the_link_chain)
{
	struct kt_cqe c[3];
	struct io_uring_sqe *sqe;

	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-EIO, 0, 10);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 5, 0, 11);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 12;
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(kt_res(c, 3, 10), -EIO);
	cr_assert_eq(kt_res(c, 3, 11), -ECANCELED);
	cr_assert_eq(kt_res(c, 3, 12), -ECANCELED);
	assert_stat(10, 1, 1, 1, 1);
	/* cancelled: prepped, never issued, failed with -ECANCELED, cleaned up */
	assert_stat(11, 1, 0, 1, 1);
	cr_assert_eq(kt_stat(&k, 11).fail_res, -ECANCELED);
}

Test(callbacks, success_continues_the_link_chain)
{
	struct kt_cqe c[3];
	struct io_uring_sqe *sqe;

	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0, 20);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = kt_prep_bpf(&ring, 1, 0, NULL, 0, 2, 0, 21);
	sqe->flags |= IOSQE_IO_LINK;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 3, 0, 22);
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(c[0].user_data, 20);
	cr_assert_eq(c[1].user_data, 21);
	cr_assert_eq(c[2].user_data, 22);
	cr_assert_eq(c[0].res, 1);
	cr_assert_eq(c[1].res, 1002);
	cr_assert_eq(c[2].res, 3);
}

Test(callbacks, earlier_failure_cancels_bpf_request)
{
	struct kt_cqe c[2];
	struct io_uring_sqe *sqe;
	char buf[8];

	/* a read of a bad fd fails; the linked BPF request sees -ECANCELED */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 1000, buf, sizeof(buf), 0);
	sqe->user_data = 30;
	sqe->flags |= IOSQE_IO_LINK;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0, 31);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 30), -EBADF);
	cr_assert_eq(kt_res(c, 2, 31), -ECANCELED);
	assert_stat(31, 1, 0, 1, 1);
	cr_assert_eq(kt_stat(&k, 31).fail_res, -ECANCELED);
}

Test(callbacks, op_without_optional_callbacks)
{
	cr_assert_eq(kt_run(&ring, 1, 0, NULL, 0, 5, 0), 1005);
}

Test(callbacks, pdu_is_kept_from_prep_to_issue)
{
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_PDU, NULL, 0, 41, 0), 42);
}

Test(callbacks, args_user_data_and_flags_reach_the_program)
{
	/* op_flags low 24 bits: mode 0 plus bits the program ignores */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT | 0x800000, NULL, 0, 77, 0), 77);
}

Test(callbacks, iosqe_async_runs_in_io_wq)
{
	struct kt_cqe c[8];
	struct io_uring_sqe *sqe;
	int i;

	for (i = 0; i < 8; i++) {
		sqe = kt_prep_bpf(&ring, 0, i & 1 ? KT_MODE_RET : KT_MODE_RESULT, NULL, 0,
				  i & 1 ? (uint64_t)-EAGAIN : (uint64_t)(100 + i), 0, 40 + i);
		sqe->flags |= IOSQE_ASYNC;
	}
	kt_submit_wait(&ring, 8, c);
	for (i = 0; i < 8; i++) {
		int32_t want = i & 1 ? -EAGAIN : 100 + i;

		cr_assert_eq(kt_res(c, 8, 40 + i), want, "request %d", i);
		assert_stat(40 + i, 1, 1, i & 1, 1);
	}
}

Test(callbacks, async_failure_breaks_the_link_chain)
{
	struct kt_cqe c[2];
	struct io_uring_sqe *sqe;

	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-EPIPE, 0, 50);
	sqe->flags |= IOSQE_IO_LINK | IOSQE_ASYNC;
	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0, 51);
	sqe->flags |= IOSQE_ASYNC;
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 50), -EPIPE);
	cr_assert_eq(kt_res(c, 2, 51), -ECANCELED);
	assert_stat(50, 1, 1, 1, 1);
	assert_stat(51, 1, 0, 1, 1);
}

Test(callbacks, cqe_skip_success_still_cleans_up)
{
	struct kt_cqe c;
	struct io_uring_sqe *sqe;

	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0, 60);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 2, 0, 61);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.user_data, 61);
	assert_stat(60, 1, 1, 0, 1);
}

Test(callbacks, maps_work_from_every_callback)
{
	struct kt_cqe c[2];
	__u64 v;
	__u32 cb;
	__u64 *mm;
	size_t sz = 4096;

	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0, 70);
	kt_prep_bpf(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-EIO, 0, 71);
	kt_submit_wait(&ring, 2, c);
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 2));

	mm = mmap(NULL, sz, PROT_READ, MAP_SHARED, bpf_map__fd(k.skel->maps.cb_mmap), 0);
	cr_assert_neq(mm, MAP_FAILED, "mmap of the mmapable array: %s", strerror(errno));
	for (cb = 0; cb < KT_NR_CB; cb++) {
		unsigned long long want = cb == KT_CB_FAIL ? 1 : 2;

		cr_assert_eq(k.skel->bss->calls[cb], want, ".bss cb %u", cb);
		cr_assert_eq(bpf_map__lookup_elem(k.skel->maps.cb_array, &cb, sizeof(cb),
						  &v, sizeof(v), 0), 0);
		cr_assert_eq(v, want, "array cb %u", cb);
		cr_assert_eq(bpf_map__lookup_elem(k.skel->maps.cb_hash, &cb, sizeof(cb),
						  &v, sizeof(v), 0), 0, "hash cb %u", cb);
		cr_assert_eq(v, want, "hash cb %u", cb);
		cr_assert_eq(mm[cb], want, "mmapable array cb %u", cb);
	}
	munmap(mm, sz);
}

/* A request the kernel's own checks refuse never reaches a program. */
Test(callbacks, kernel_checks_fail_before_any_callback)
{
	struct io_uring_bpf_buf b;
	struct io_uring_sqe *sqe;
	struct kt_cqe c;
	char x[8];
	uint64_t ud;

	for (ud = 60; ud < 65; ud++) {
		sqe = kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0, ud);
		if (ud == 60)
			sqe->ioprio = 1;
		else if (ud == 61)
			sqe->__pad2[0] = 1;
		else if (ud == 62)
			sqe->len = IORING_BPF_MAX_BUFS + 1, sqe->addr = (uintptr_t)x;
		else if (ud == 63)
			sqe->len = 1, sqe->addr = 8;	/* unreadable descriptor array */
		else {
			b = kt_ubuf(x, 8);
			b.type = 9;
			sqe->len = 1, sqe->addr = (uintptr_t)&b;
		}
		kt_submit_wait(&ring, 1, &c);
		cr_assert_lt(c.res, 0, "request %llu", (unsigned long long)ud);
		assert_stat(ud, 0, 0, 0, 0);
	}
}

Test(callbacks, results_outside_errno_range_are_einval)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, KT_MODE_RESULT | KT_FLAG_PREP_HUGE, NULL, 0, 1, 0, 70);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -EINVAL, "prep returned -5000");
	assert_stat(70, 1, 0, 1, 0);
	cr_assert_eq(kt_stat(&k, 70).fail_res, -EINVAL);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-5000, 0), -EINVAL);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, (uint64_t)-5000, 0), -EINVAL);
	/* the kernel's internal codes must not reach a CQE; -511 and above are errnos */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-512, 0), -EINVAL,
		     "-ERESTARTSYS");
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-529, 0), -EINVAL,
		     "-EIOCBQUEUED");
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-511, 0), -511);
}

/*
 * Seen from another CPU: on an SQPOLL ring the kernel thread completes the
 * requests while this thread polls the CQ ring without entering the kernel.
 * When a CQE shows up, the fail and cleanup callbacks must already have
 * written their marks into the buffer; on the issue path, and for a request
 * cancelled by its failed link.
 */
Test(callbacks, callbacks_finish_before_the_cqe_is_visible)
{
	uint64_t *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL, .sq_thread_idle = 1000 };
	struct io_uring_bpf_buf b = kt_ubuf(buf, 64);
	struct io_uring_cqe *cqe;
	struct io_uring r;
	int i, late = 0;

	cr_assert_neq(buf, MAP_FAILED);
	cr_assert_eq(io_uring_queue_init_params(8, &r, &p), 0);
	cr_assert_eq(kt_bind(r.ring_fd, 0, kt_main_fd(&k)), 0);
	for (i = 0; i < 300; i++) {
		uint64_t mark = 0x1000 + (uint64_t)i;
		bool chain = i & 1;

		memset(buf, 0, 64);
		if (chain) {
			/* a failing request cancels the marking one linked after it */
			kt_prep_bpf(&r, 0, KT_MODE_RET, NULL, 0, (uint64_t)-EIO, 0, 1)->flags |=
				IOSQE_IO_LINK;
		}
		kt_prep_bpf(&r, 0, KT_MODE_RET | KT_FLAG_MARK, &b, 1, (uint64_t)-EIO, mark, 2);
		io_uring_submit(&r);
		for (;;) {
			while (io_uring_peek_cqe(&r, &cqe))
				;
			if (cqe->user_data == 2)
				break;
			io_uring_cqe_seen(&r, cqe);
		}
		/* read before telling the kernel anything */
		if (__atomic_load_n(&buf[0], __ATOMIC_ACQUIRE) != mark ||
		    __atomic_load_n(&buf[1], __ATOMIC_ACQUIRE) != mark)
			late++;
		cr_assert_eq(cqe->res, chain ? -ECANCELED : -EIO);
		io_uring_cqe_seen(&r, cqe);
	}
	cr_assert_eq(late, 0, "%d of 300 CQEs were visible before fail and cleanup ran", late);
	io_uring_queue_exit(&r);
	munmap(buf, 4096);
}
