/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the in-VM kernel tests: raw io_uring (liburing 2.3 does not know
 * IORING_OP_BPF, so the SQE fields are set here), op binding, and the test op
 * object (kt_ops.bpf.c).
 */
#ifndef KT_H
#define KT_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>
#include "ringflow/uapi.h"
#include "kt_modes.h"
#include "kt_ops.skel.h"

struct kt {
	struct kt_ops *skel;
	struct bpf_link *link_main;	/* op_main: the counting, mode-driven op */
	struct bpf_link *link_min;	/* op_min: issue only, 1000 + args[0] */
};

/* Load kt_ops.bpf.c and attach both ops; fails the test on error. */
void kt_load(struct kt *k);
void kt_unload(struct kt *k);
int kt_main_fd(struct kt *k);
int kt_min_fd(struct kt *k);

/*
 * The suites' fixture: load the op object, make a ring of `entries` entries and
 * bind the ops named in `bind` (op_main into slot 0, op_min into slot 1).
 */
enum { KT_BIND_NONE = 0, KT_BIND_MAIN = 1, KT_BIND_MIN = 2 };
void kt_setup(struct kt *k, struct io_uring *ring, unsigned int entries, int bind);
void kt_teardown(struct kt *k, struct io_uring *ring);
/*
 * A test file's suite: every test gets `k` (the ops loaded and attached) and `ring`
 * (@entries entries, ops bound as @bind), torn down after it.
 */
#define KT_SUITE(name, entries, bind, timeout_s)				\
	static struct kt k;							\
	static struct io_uring ring;						\
	static void name##_setup(void) { kt_setup(&k, &ring, (entries), (bind)); } \
	static void name##_teardown(void) { kt_teardown(&k, &ring); }		\
	TestSuite(name, .init = name##_setup, .fini = name##_teardown,		\
		  .timeout = (timeout_s))

/* A ring with IORING_FEAT_BPF; fails the test clearly without it. */
void kt_ring(struct io_uring *ring, unsigned int entries);
void kt_ring_flags(struct io_uring *ring, unsigned int entries, unsigned int flags);
bool kt_kernel_has_bpf(void);

/* io_uring_register(IORING_(UN)REGISTER_BPF_OP): 0 or -errno. */
int kt_bind(int ring_fd, unsigned int slot, int link_fd);
int kt_bind_raw(int ring_fd, const struct io_uring_bpf_bind *b, unsigned int nr_args);
int kt_unbind(int ring_fd, unsigned int slot);

/* Queue an IORING_OP_BPF SQE. */
struct io_uring_sqe *kt_prep_bpf(struct io_uring *ring, unsigned int slot,
				 unsigned int op_flags,
				 const struct io_uring_bpf_buf *bufs, unsigned int nr,
				 uint64_t arg0, uint64_t arg1, uint64_t user_data);

struct kt_cqe {
	uint64_t user_data;
	int32_t res;
};

/* Submit what is queued and collect n CQEs into out (in completion order). */
void kt_submit_wait(struct io_uring *ring, unsigned int n, struct kt_cqe *out);
/* The result of the CQE with that user_data among n. */
int32_t kt_res(const struct kt_cqe *c, unsigned int n, uint64_t user_data);
/* Submit one BPF request and return its result. */
int32_t kt_run(struct io_uring *ring, unsigned int slot, unsigned int op_flags,
	       const struct io_uring_bpf_buf *bufs, unsigned int nr,
	       uint64_t arg0, uint64_t arg1);

/* Per-request callback counts recorded by op_main; all zero if none. */
struct kt_req_stat kt_stat(struct kt *k, uint64_t user_data);
/*
 * Wait (up to 5 s) until op_main recorded `count` calls of callback cb for
 * user_data. Callbacks finish before a request's CQE is posted; waiting is for
 * requests cancelled without one being reaped (a ring torn down, an io-wq worker).
 */
bool kt_wait_stat(struct kt *k, uint64_t user_data, int cb, unsigned long long count);
bool kt_wait_calls(struct kt *k, int cb, unsigned long long count);

/* The sum of @n bytes, as the op's window modes compute it. */
static inline unsigned int kt_byte_sum(const unsigned char *p, size_t n)
{
	unsigned int s = 0;

	while (n--)
		s += *p++;
	return s;
}

static inline struct io_uring_bpf_buf kt_ubuf(const void *p, uint32_t len)
{
	struct io_uring_bpf_buf b = { .type = IORING_BPF_BUF_USER, .len = len,
				      .addr = (uint64_t)(uintptr_t)p };
	return b;
}

static inline struct io_uring_bpf_buf kt_fbuf(unsigned int idx, const void *p,
					      uint32_t len)
{
	struct io_uring_bpf_buf b = { .type = IORING_BPF_BUF_FIXED,
				      .buf_index = idx, .len = len,
				      .addr = (uint64_t)(uintptr_t)p };
	return b;
}

#endif
