// SPDX-License-Identifier: MIT
/*
 * Lifecycle safety: unbinding and detaching ops with requests in flight,
 * closing the ring and exiting the process with BPF requests pending, and one
 * op shared by several rings.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "kt.h"

KT_SUITE(lifecycle, 256, KT_BIND_NONE, 120);

/*
 * Queue a chain: read(pipe) -> BPF(slot, result arg) and return without
 * waiting; the BPF request is prepped (it holds the op) but blocked behind the
 * read until something is written to the pipe.
 */
static void queue_blocked_chain(struct io_uring *r, int pipe_rd, char *buf,
				unsigned int slot, uint64_t ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(r);

	io_uring_prep_read(sqe, pipe_rd, buf, 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = ud;
	kt_prep_bpf(r, slot, KT_MODE_RESULT, NULL, 0, ud + 1000, 0, ud + 1);
}

Test(lifecycle, unbind_with_requests_in_flight)
{
	int p[2];
	char buf[16][1];
	struct kt_cqe c[32];
	int i, ret;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 4, kt_main_fd(&k)), 0);
	for (i = 0; i < 16; i++)
		queue_blocked_chain(&ring, p[0], buf[i], 4, 100 + 2 * i);
	ret = io_uring_submit(&ring);
	cr_assert_eq(ret, 32);
	cr_assert(kt_wait_calls(&k, KT_CB_PREP, 16));

	/* unbind while all 16 are in flight; new requests get -ENOENT */
	cr_assert_eq(kt_unbind(ring.ring_fd, 4), 0);
	cr_assert_eq(kt_run(&ring, 4, KT_MODE_RESULT, NULL, 0, 1, 0), -ENOENT);

	/* the in-flight ones complete normally: no completion is lost */
	cr_assert_eq(write(p[1], "0123456789abcdef", 16), 16);
	kt_submit_wait(&ring, 32, c);
	for (i = 0; i < 16; i++) {
		cr_assert_eq(kt_res(c, 32, 100 + 2 * i), 1);
		cr_assert_eq(kt_res(c, 32, 101 + 2 * i), 1100 + 2 * i);
	}
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 16));
	cr_assert_eq(k.skel->bss->calls[KT_CB_FAIL], 0);
	/* and the slot can be bound again */
	cr_assert_eq(kt_bind(ring.ring_fd, 4, kt_min_fd(&k)), 0);
	cr_assert_eq(kt_run(&ring, 4, 0, NULL, 0, 1, 0), 1001);
	close(p[0]);
	close(p[1]);
}

Test(lifecycle, unbind_under_load_loses_no_completion)
{
	unsigned int total = 0, done = 0, n, i, j;
	struct io_uring_cqe *cqe;
	int bound = 1;

	/* a failed prep must not stop the submission of the rest of a batch */
	io_uring_queue_exit(&ring);
	kt_ring_flags(&ring, 256, IORING_SETUP_SUBMIT_ALL);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
	/* batches of async requests; unbind and rebind between batches */
	for (i = 0; i < 20; i++) {
		n = 32;
		for (j = 0; j < n; j++) {
			struct io_uring_sqe *sqe = kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0,
							       7, 0, 5000 + total + j);

			if (j & 1)
				sqe->flags |= IOSQE_ASYNC;
		}
		cr_assert_eq(io_uring_submit(&ring), (int)n);
		total += n;
		if (bound)
			cr_assert_eq(kt_unbind(ring.ring_fd, 0), 0);
		else
			cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
		bound = !bound;
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			cr_assert(cqe->res == 7 || cqe->res == -ENOENT, "res %d", cqe->res);
			io_uring_cqe_seen(&ring, cqe);
			done++;
		}
	}
	while (done < total) {
		cr_assert_eq(io_uring_wait_cqe(&ring, &cqe), 0);
		cr_assert(cqe->res == 7 || cqe->res == -ENOENT, "res %d", cqe->res);
		io_uring_cqe_seen(&ring, cqe);
		done++;
	}
	cr_assert_eq(done, total);
	/* every request that got the op ran prep, issue and cleanup once */
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, k.skel->bss->calls[KT_CB_PREP]));
	cr_assert_eq(k.skel->bss->calls[KT_CB_ISSUE], k.skel->bss->calls[KT_CB_PREP]);
}

Test(lifecycle, link_detach_with_requests_in_flight)
{
	int p[2];
	char buf[4][1];
	struct kt_cqe c[8];
	int i;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 9, kt_main_fd(&k)), 0);
	for (i = 0; i < 4; i++)
		queue_blocked_chain(&ring, p[0], buf[i], 9, 200 + 2 * i);
	cr_assert_eq(io_uring_submit(&ring), 8);
	cr_assert(kt_wait_calls(&k, KT_CB_PREP, 4));

	cr_assert_eq(bpf_link__detach(k.link_main), 0);
	/* new requests: the op is detached */
	cr_assert_eq(kt_run(&ring, 9, KT_MODE_RESULT, NULL, 0, 1, 0), -ENOLINK);

	cr_assert_eq(write(p[1], "abcd", 4), 4);
	kt_submit_wait(&ring, 8, c);
	for (i = 0; i < 4; i++)
		cr_assert_eq(kt_res(c, 8, 201 + 2 * i), 1200 + 2 * i);
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 4));

	/* unbind the dead op, bind a live one */
	cr_assert_eq(kt_unbind(ring.ring_fd, 9), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 9, kt_min_fd(&k)), 0);
	cr_assert_eq(kt_run(&ring, 9, 0, NULL, 0, 2, 0), 1002);
	close(p[0]);
	close(p[1]);
}

Test(lifecycle, link_destroyed_and_object_unloaded_while_bound)
{
	struct kt k2;
	int p[2];
	char buf[1];
	struct kt_cqe c[2];

	/* a second object whose every fd is closed while a request holds its op */
	kt_load(&k2);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 1, kt_min_fd(&k2)), 0);
	queue_blocked_chain(&ring, p[0], buf, 1, 300);
	cr_assert_eq(io_uring_submit(&ring), 2);
	kt_unload(&k2);
	cr_assert_eq(kt_run(&ring, 1, 0, NULL, 0, 1, 0), -ENOLINK);
	cr_assert_eq(write(p[1], "x", 1), 1);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 301), 1000 + 1300);
	cr_assert_eq(kt_unbind(ring.ring_fd, 1), 0);
	close(p[0]);
	close(p[1]);
}

Test(lifecycle, close_ring_with_requests_pending)
{
	struct io_uring r2;
	int p[2];
	char buf[8][1];
	int i;

	cr_assert_eq(pipe(p), 0);
	kt_ring(&r2, 32);
	cr_assert_eq(kt_bind(r2.ring_fd, 0, kt_main_fd(&k)), 0);
	for (i = 0; i < 8; i++)
		queue_blocked_chain(&r2, p[0], buf[i], 0, 400 + 2 * i);
	cr_assert_eq(io_uring_submit(&r2), 16);
	cr_assert(kt_wait_calls(&k, KT_CB_PREP, 8));
	io_uring_queue_exit(&r2);
	/* ring exit cancels the chains: fail (-ECANCELED) and cleanup run once each */
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 8), "cleanup ran %llu times",
		  k.skel->bss->calls[KT_CB_CLEANUP]);
	cr_assert_eq(k.skel->bss->calls[KT_CB_ISSUE], 0);
	cr_assert_eq(k.skel->bss->calls[KT_CB_FAIL], 8);
	cr_assert_eq(k.skel->bss->last_fail_res, -ECANCELED);
	cr_assert_eq(k.skel->bss->fail_order_bad, 0);
	close(p[0]);
	close(p[1]);
}

Test(lifecycle, process_exits_mid_chain)
{
	int p[2], status;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct io_uring r;
		char buf[4][1];
		int i;

		if (io_uring_queue_init(32, &r, 0))
			_exit(10);
		if (kt_bind(r.ring_fd, 0, kt_main_fd(&k)))
			_exit(11);
		for (i = 0; i < 4; i++)
			queue_blocked_chain(&r, p[0], buf[i], 0, 500 + 2 * i);
		if (io_uring_submit(&r) != 8)
			_exit(12);
		/* exit without closing anything */
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	/* the child's maps are ours (shared .bss mapping, same map) */
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 4), "cleanup ran %llu times",
		  k.skel->bss->calls[KT_CB_CLEANUP]);
	cr_assert_eq(k.skel->bss->calls[KT_CB_PREP], 4);
	cr_assert_eq(k.skel->bss->calls[KT_CB_FAIL], 4);
	cr_assert_eq(k.skel->bss->calls[KT_CB_ISSUE], 0);
	cr_assert_eq(k.skel->bss->last_fail_res, -ECANCELED);
	close(p[0]);
	close(p[1]);
}

Test(lifecycle, process_killed_mid_chain)
{
	int p[2], ready[2], status;
	pid_t pid;
	char x;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct io_uring r;
		char buf[4][1];
		int i;

		if (io_uring_queue_init(32, &r, 0) || kt_bind(r.ring_fd, 0, kt_main_fd(&k)))
			_exit(10);
		for (i = 0; i < 4; i++)
			queue_blocked_chain(&r, p[0], buf[i], 0, 700 + 2 * i);
		io_uring_submit(&r);
		if (write(ready[1], "r", 1) != 1)
			_exit(11);
		pause();
		_exit(0);
	}
	cr_assert_eq(read(ready[0], &x, 1), 1);
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 4));
	cr_assert_eq(k.skel->bss->calls[KT_CB_FAIL], 4);
	close(p[0]);
	close(p[1]);
	close(ready[0]);
	close(ready[1]);
}

Test(lifecycle, one_op_serves_two_rings)
{
	struct io_uring r2;
	int i;

	kt_ring(&r2, 32);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
	cr_assert_eq(kt_bind(r2.ring_fd, 63, kt_main_fd(&k)), 0);
	for (i = 0; i < 10; i++) {
		cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, i, 0), i);
		cr_assert_eq(kt_run(&r2, 63, KT_MODE_RESULT, NULL, 0, 100 + i, 0), 100 + i);
	}
	cr_assert(kt_wait_calls(&k, KT_CB_CLEANUP, 20));
	/* unbinding from one ring leaves the other bound */
	cr_assert_eq(kt_unbind(ring.ring_fd, 0), 0);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, 1, 0), -ENOENT);
	cr_assert_eq(kt_run(&r2, 63, KT_MODE_RESULT, NULL, 0, 1, 0), 1);
	/* closing that ring leaves the op attached and bindable */
	io_uring_queue_exit(&r2);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, 2, 0), 2);
}

Test(lifecycle, one_op_in_many_slots_and_many_rings)
{
	struct io_uring rings[8];
	int i, s;

	for (i = 0; i < 8; i++) {
		kt_ring(&rings[i], 8);
		for (s = 0; s < IORING_BPF_MAX_OPS; s += 9)
			cr_assert_eq(kt_bind(rings[i].ring_fd, s, kt_min_fd(&k)), 0);
	}
	for (i = 0; i < 8; i++)
		for (s = 0; s < IORING_BPF_MAX_OPS; s += 9)
			cr_assert_eq(kt_run(&rings[i], s, 0, NULL, 0, i, 0), 1000 + i);
	/* detach: every slot of every ring reports it */
	cr_assert_eq(bpf_link__detach(k.link_min), 0);
	for (i = 0; i < 8; i++)
		cr_assert_eq(kt_run(&rings[i], 9, 0, NULL, 0, i, 0), -ENOLINK);
	for (i = 0; i < 8; i++)
		io_uring_queue_exit(&rings[i]);
}

Test(lifecycle, pinned_buffer_survives_munmap_in_flight)
{
	int p[2];
	char rd[1];
	struct kt_cqe c[2];
	struct io_uring_sqe *sqe;
	struct io_uring_bpf_buf b;
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
	b = kt_ubuf(m, 8192);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, p[0], rd, 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	kt_prep_bpf(&ring, 0, KT_MODE_XOR, &b, 1, 0x11, 0, 2);
	cr_assert_eq(io_uring_submit(&ring), 2);
	/* the pages stay pinned by the request: writing to them is safe */
	munmap(m, 8192);
	cr_assert_eq(write(p[1], "x", 1), 1);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 2), 8192);
	close(p[0]);
	close(p[1]);
}
