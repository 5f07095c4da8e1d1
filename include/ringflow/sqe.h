/* SPDX-License-Identifier: MIT */
/*
 * Filling IORING_OP_BPF SQEs by hand. liburing predates the opcode, so these are
 * the small inline helpers it would have: one generic prep and buffer-descriptor
 * setters. The chain API (chain.h) uses them; use them directly for raw requests.
 */
#ifndef RINGFLOW_SQE_H
#define RINGFLOW_SQE_H

#include <stdint.h>
#include <string.h>
#include <liburing.h>
#include <ringflow/uapi.h>

/*
 * An IORING_OP_BPF request for the op bound in @slot: @op_flags (24 bits) reach the
 * program as req->op_flags, @bufs/@nr_bufs are the buffers it may access, @arg0 and
 * @arg1 become req->args[0] and req->args[1].
 */
static inline void rf_prep_bpf(struct io_uring_sqe *sqe, unsigned int slot,
			       __u32 op_flags, const struct io_uring_bpf_buf *bufs,
			       unsigned int nr_bufs, __u64 arg0, __u64 arg1)
{
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_BPF;
	sqe->fd = -1;
	sqe->rw_flags = (__kernel_rwf_t)IORING_BPF_OP_FLAGS(slot, op_flags);
	sqe->addr = nr_bufs ? (__u64)(uintptr_t)bufs : 0;
	sqe->len = nr_bufs;
	sqe->off = arg0;
	sqe->addr3 = arg1;
}

/* A descriptor for user memory the program may read and write. */
static inline void rf_buf_user(struct io_uring_bpf_buf *b, void *addr, __u32 len)
{
	memset(b, 0, sizeof(*b));
	b->type = IORING_BPF_BUF_USER;
	b->len = len;
	b->addr = (__u64)(uintptr_t)addr;
}

/* A descriptor for a range of registered buffer @index. */
static inline void rf_buf_fixed(struct io_uring_bpf_buf *b, unsigned int index,
				void *addr, __u32 len)
{
	memset(b, 0, sizeof(*b));
	b->type = IORING_BPF_BUF_FIXED;
	b->buf_index = (__u16)index;
	b->len = len;
	b->addr = (__u64)(uintptr_t)addr;
}

#endif /* RINGFLOW_SQE_H */
