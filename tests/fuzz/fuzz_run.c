// SPDX-License-Identifier: MIT
/*
 * One seed: a ring of a random kind with the op slots and registered buffers of
 * fuzz.h, batches of random chains submitted and reaped with user_data
 * accounting (exactly one CQE each), chaos meanwhile, maybe a ring closed and a
 * child killed with requests in flight; then the process-wide checks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <bpf/libbpf.h>
#include "fuzz.h"

#define FZ_REAP_TIMEOUT_S	120	/* the debug kernel under emulation is slow */

static void pick_ring(struct fz_seed *s)
{
	switch (fz_below(&s->rng, 3)) {
	case 0:
		s->ring_flags = 0;
		s->ring_name = "plain";
		break;
	case 1:
		s->ring_flags = IORING_SETUP_SQPOLL;
		s->ring_name = "sqpoll";
		break;
	default:
		s->ring_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
		s->ring_name = "defer_taskrun";
		break;
	}
	/* without SUBMIT_ALL a refused request stops io_uring_enter(): resubmit */
	if (fz_one_in(&s->rng, 2))
		s->ring_flags |= IORING_SETUP_SUBMIT_ALL;
}

static int setup_ring(struct fz_seed *s, unsigned int entries)
{
	struct fz_env *env = s->env;
	struct io_uring_params p;
	struct iovec iov[3] = {
		{ env->fixed, FZ_FIXED_LEN / 2 },
		{ env->fixed + FZ_FIXED_LEN / 2, FZ_FIXED_LEN / 2 },
		{ env->chaos_a, 65536 },
	};
	__u64 tags[3] = { 0 };
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = s->ring_flags;
	ret = io_uring_queue_init_params(entries, &s->ring, &p);
	if (ret)
		return ret;
	if (!(p.features & IORING_FEAT_BPF)) {
		io_uring_queue_exit(&s->ring);
		return -EOPNOTSUPP;
	}
	if ((ret = fz_bind(s->ring.ring_fd, FZ_SLOT_MAIN, bpf_link__fd(env->link_main), 0)) ||
	    (ret = fz_bind(s->ring.ring_fd, FZ_SLOT_MIN, bpf_link__fd(env->link_min), 0)) ||
	    (ret = fz_bind(s->ring.ring_fd, FZ_SLOT_NULL, -1, IORING_BPF_BIND_KERNEL_NOP)) ||
	    (ret = io_uring_register_buffers_sparse(&s->ring, FZ_NR_FIXED)) ||
	    (ret = io_uring_register_buffers_update_tag(&s->ring, 0, iov, tags, 3)) != 3) {
		io_uring_queue_exit(&s->ring);
		return ret < 0 ? ret : -EIO;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void record(struct fz_seed *s, uint64_t ud, int32_t res, uint64_t base)
{
	struct fz_req *r;

	if (ud < base || ud >= base + (uint64_t)s->nreq) {
		fz_violation(s, NULL, "CQE with user_data %llu, no such request in flight "
			     "(res %d)", (unsigned long long)ud, res);
		return;
	}
	r = &s->req[ud - base];
	if (r->ncqe++) {
		fz_violation(s, r, "completed twice (second res %d)", res);
		return;
	}
	r->res = res;
}

/* Submit the batch (again where a refused request stopped io_uring_enter). */
static void submit(struct fz_seed *s, struct fz_chaos *chaos, bool inline_chaos)
{
	/* the SQPOLL thread takes the rest by itself */
	bool again = !(s->ring_flags & IORING_SETUP_SQPOLL);

	for (int i = 0; i < 1000; i++) {
		int ret = io_uring_submit(&s->ring);

		if (ret < 0 && ret != -EAGAIN && ret != -EBUSY) {
			fz_violation(s, NULL, "io_uring_submit: %s", strerror(-ret));
			return;
		}
		if (inline_chaos && fz_one_in(&s->rng, 2))
			fz_chaos_step(chaos);
		if (!again || !io_uring_sq_ready(&s->ring))
			break;
	}
	/* on DEFER_TASKRUN rings, chaos between submission and reaping */
	for (unsigned int n = inline_chaos ? fz_below(&s->rng, 4) : 0; n; n--)
		fz_chaos_step(chaos);
}

/* Let the chains waiting on the pipe go, after chaos had a moment with them. */
static void release_pipe(struct fz_seed *s)
{
	struct timespec ts = { 0, (long)fz_below(&s->rng, 500) * 1000 };
	char bytes[128];

	if (!s->pipe_reads)
		return;
	memset(bytes, FZ_PIPE_BYTE, sizeof(bytes));
	nanosleep(&ts, NULL);
	if (write(s->env->pipe[1], bytes, s->pipe_reads) != (ssize_t)s->pipe_reads)
		fz_violation(s, NULL, "writing the pipe: %s", strerror(errno));
}

/* Bytes no read took (their chain was refused): gone before the next batch. */
static void drain_pipe(struct fz_seed *s)
{
	char buf[128];
	int n = 0;

	if (s->pipe_reads && !ioctl(s->env->pipe[0], FIONREAD, &n) && n > 0 &&
	    read(s->env->pipe[0], buf, (size_t)n) != n)
		fz_violation(s, NULL, "draining the pipe: %s", strerror(errno));
}

static void reap(struct fz_seed *s, uint64_t base)
{
	double deadline = now_s() + FZ_REAP_TIMEOUT_S;
	int done = 0;
	struct io_uring_cqe *cqe;

	while (done < s->nreq) {
		struct __kernel_timespec ts = { 1, 0 };
		int ret = io_uring_wait_cqe_timeout(&s->ring, &cqe, &ts);

		if (ret == -ETIME || ret == -EINTR) {
			if (now_s() > deadline)
				break;
			continue;
		}
		if (ret) {
			fz_violation(s, NULL, "io_uring_wait_cqe: %s", strerror(-ret));
			break;
		}
		record(s, cqe->user_data, cqe->res, base);
		io_uring_cqe_seen(&s->ring, cqe);
		done = 0;
		for (int i = 0; i < s->nreq; i++)
			done += s->req[i].ncqe > 0;
	}
	/* a CQE posted twice would be here by now */
	while (io_uring_peek_cqe(&s->ring, &cqe) == 0) {
		record(s, cqe->user_data, cqe->res, base);
		io_uring_cqe_seen(&s->ring, cqe);
	}
	for (int i = 0; i < s->nreq; i++)
		if (!s->req[i].ncqe)
			fz_violation(s, &s->req[i], "no completion within %d s", FZ_REAP_TIMEOUT_S);
}

/*
 * The callback contract over the whole process, once everything settled: cleanup
 * ran once for every prep that succeeded, never before fail, issue at most once.
 */
bool fz_check_callbacks(struct fz_env *env, struct fz_stats *st, uint64_t seed)
{
	volatile __u64 *calls = env->skel->bss->calls;
	uint64_t prep = 0, cleanup = 0;

	for (int i = 0; i < 6000; i++) {
		prep = calls[KT_CB_PREP];
		cleanup = calls[KT_CB_CLEANUP];
		if (cleanup + env->prep_fails == prep)
			break;
		struct timespec ts = { 0, 10L * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (cleanup + env->prep_fails != prep || env->skel->bss->fail_order_bad ||
	    calls[KT_CB_ISSUE] > prep) {
		st->violations++;
		fprintf(stderr, "VIOLATION seed 0x%016llx: callbacks: prep %llu, prep errors %llu, "
			"issue %llu, fail %llu, cleanup %llu (must be prep - prep errors), "
			"fail after cleanup or cleanup twice: %lld\n", (unsigned long long)seed,
			(unsigned long long)prep, (unsigned long long)env->prep_fails,
			(unsigned long long)calls[KT_CB_ISSUE], (unsigned long long)calls[KT_CB_FAIL],
			(unsigned long long)cleanup, (long long)env->skel->bss->fail_order_bad);
		return false;
	}
	return true;
}

uint64_t fz_run_seed(struct fz_env *env, uint64_t seed, uint64_t count,
		     struct fz_stats *st, bool quiet)
{
	struct fz_seed s = { .env = env, .rng = { seed }, .seed = seed, .count = count,
			     .st = st, .quiet = quiet, .next_ud = 1 };
	uint64_t before = st->violations, sent = 0;
	unsigned int entries = fz_one_in(&s.rng, 2) ? 64 : 128;
	uint64_t kill_at, close_at;
	struct fz_chaos *chaos;
	bool inline_chaos;
	long vmpin;
	int ret;

	pick_ring(&s);
	kill_at = fz_one_in(&s.rng, 3) ? fz_below(&s.rng, (uint32_t)count + 1) : ~0ULL;
	close_at = fz_one_in(&s.rng, 3) ? fz_below(&s.rng, (uint32_t)count + 1) : ~0ULL;
	ret = setup_ring(&s, entries);
	if (ret) {
		fz_violation(&s, NULL, "setting up the ring: %s", strerror(-ret));
		return st->violations - before;
	}
	s.cap = (int)entries;
	s.req = calloc((size_t)s.cap, sizeof(*s.req));
	if (!s.req) {
		io_uring_queue_exit(&s.ring);
		return 1;
	}
	/* a DEFER_TASKRUN ring takes registrations from its submitter only */
	inline_chaos = s.ring_flags & IORING_SETUP_DEFER_TASKRUN;
	chaos = fz_chaos_start(&s, !inline_chaos);
	if (!quiet)
		printf("seed 0x%016llx: %llu SQEs, %s ring%s, %u entries\n",
		       (unsigned long long)seed, (unsigned long long)count, s.ring_name,
		       s.ring_flags & IORING_SETUP_SUBMIT_ALL ? " (submit all)" : "", entries);
	while (sent < count) {
		uint64_t base = s.next_ud;
		unsigned int n = count - sent < entries ? (unsigned int)(count - sent) : entries;

		fz_gen_batch(&s, n);
		for (int i = 0; i < s.nreq; i++) {
			struct io_uring_sqe *sqe = fz_get_sqe(&s.ring);

			if (!sqe) {
				fz_violation(&s, NULL, "SQ ring full");
				break;
			}
			fz_fill_sqe(&s, sqe, &s.req[i]);
		}
		submit(&s, chaos, inline_chaos);
		release_pipe(&s);
		if (sent <= kill_at && kill_at < sent + (uint64_t)s.nreq)
			fz_kill_episode(&s);
		if (sent <= close_at && close_at < sent + (uint64_t)s.nreq)
			fz_close_episode(&s);
		reap(&s, base);
		drain_pipe(&s);
		fz_check_batch(&s, base);
		sent += (uint64_t)s.nreq;
		st->sqes += (uint64_t)s.nreq;
		if (st->violations - before > 20)
			break;
	}
	fz_chaos_stop(chaos);
	io_uring_queue_exit(&s.ring);
	free(s.req);
	if (!fz_wait_vmpin(env, &vmpin))
		fz_violation(&s, NULL, "VmPin %ld kB after the ring closed, %ld kB at start", vmpin,
			     env->vmpin_start);
	fz_check_callbacks(env, st, seed);
	st->seeds++;
	return st->violations - before;
}
