/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The ringflow kernel's additions to <linux/io_uring.h>, for userspace.
 *
 * This mirrors what kernel-patches/ adds to include/uapi/linux/io_uring.h, so that
 * programs build against distribution headers (and liburing) that predate it.
 * Keep the two in sync: tests/kernel checks the values against the running kernel.
 *
 * The numbers (opcode 58, register opcodes 31/32, feature bit 16) extend the 6.12
 * lists and are taken by other features in later upstream kernels (6.15 reports
 * bit 16 as IORING_FEAT_RW_ATTR): check the kernel BTF for struct io_uring_bpf_req_ops,
 * as rf_probe() does, before trusting the feature bit alone.
 */
#ifndef RINGFLOW_UAPI_H
#define RINGFLOW_UAPI_H

/*
 * BPF programs include this after vmlinux.h, which already has the types (from the
 * kernel's BTF): they get the constants and macros only, one definition for both
 * sides.
 */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* io_uring_setup(2) reports this in io_uring_params.features. */
#ifndef IORING_FEAT_BPF
#define IORING_FEAT_BPF			(1U << 16)
#endif

/*
 * IORING_OP_BPF: a request whose behaviour is a BPF struct_ops program
 * (struct io_uring_bpf_req_ops) bound into a slot of this ring.
 *
 * SQE fields:
 *   opcode        IORING_OP_BPF
 *   bpf_op_flags  (the rw_flags word) bits 31..24: op slot, bits 23..0: passed to
 *                 the program as req->op_flags
 *   addr, len     array of len struct io_uring_bpf_buf (len <= IORING_BPF_MAX_BUFS),
 *                 the buffers the program may access; addr = 0 if and only if
 *                 len = 0 (-EINVAL otherwise). A descriptor of length 0 with a
 *                 user address is accepted: a buffer no kfunc can reach into.
 *   off, addr3    two 64-bit arguments, req->args[0] and req->args[1]
 *   ioprio, buf_index, file_index, __pad2 must be 0; fd is ignored
 * IORING_SETUP_IOPOLL rings do not support the opcode (-EINVAL).
 *
 * The kernel checks a request at submission (in io_uring's prep), in this order;
 * the first check that fails gives the errno: reserved SQE fields (-EINVAL), the
 * slot (-ERANGE, -ENOENT, -ENOLINK), the descriptor count (-E2BIG), addr/len
 * (-EINVAL), reading the descriptor array (-EFAULT), then each descriptor in array
 * order: flags and type (-EINVAL); a user buffer's buf_index (-EINVAL), length
 * (-E2BIG), wrap-around (-EOVERFLOW), address (-EFAULT), RLIMIT_MEMLOCK (-ENOMEM),
 * pinning (-EFAULT); a fixed buffer's length (-E2BIG), wrap-around (-EOVERFLOW),
 * index and range (-EFAULT). Slots bound with IORING_BPF_BIND_KERNEL_NOP make the
 * same checks. A request refused at submission, a failing prep program included,
 * is an ordinary failed request (its CQE carries the error, its links are
 * cancelled), but as for any opcode, io_uring_enter(2) stops consuming the SQ ring
 * there unless the ring has IORING_SETUP_SUBMIT_ALL: the SQEs after it wait for
 * the next call.
 *
 * Callback contract (struct io_uring_bpf_req_ops). The kernel first checks the
 * SQE, the slot and the buffer descriptors: a request failing those checks
 * completes with the error and no callback runs. Then:
 *   prep     runs once, at submission. Returns 0 or -errno; -errno completes the
 *            request with that error (fail runs, cleanup does not).
 *   issue    runs once, inline or from io-wq (IOSQE_ASYNC), when the request is
 *            due. The request completes when issue returns: with the result set by
 *            bpf_io_set_result() (0 if never called) when it returns 0, with its
 *            return value when that is negative, and with -EINVAL otherwise (values
 *            above 0 are reserved; below -511 are the kernel's internal codes, from
 *            prep too). A negative result breaks the link chain like any failed
 *            request.
 *   fail     runs once when the request completes with a negative result after the
 *            kernel's checks passed: prep or issue error, or cancellation
 *            (-ECANCELED), e.g. because an earlier request of its link chain failed
 *            or the ring was closed.
 *   cleanup  runs once after a successful prep, whatever the outcome (after fail,
 *            when fail runs).
 * Every request completes exactly once. All callbacks, and the release of the
 * request's buffers, happen before its CQE is posted: once userspace sees the CQE
 * the kernel no longer touches the request's memory. Programs may not sleep.
 *
 * Buffers. A user buffer is pinned from prep until the request completes
 * (FOLL_LONGTERM), and its pages are charged to the ring creator's RLIMIT_MEMLOCK
 * as registered buffers are (unless it has CAP_IPC_LOCK): each descriptor's pages,
 * even where descriptors overlap, so three descriptors of one 16 MiB buffer charge
 * 48 MiB. IORING_BPF_BUF_RDONLY
 * marks a buffer the program only reads: it is pinned read-only, so read-only and
 * file-backed mappings work, and the kfuncs refuse to write it (-EACCES). Other
 * user buffers must be writable, and not a shared mapping of a file other than
 * shmem (-EFAULT); a private mapping of a file is accepted (stores go to the
 * process's copy-on-write pages, not to the file). Pinning runs at submission
 * with the ring's lock held, like buffer registration: memory that faults in
 * slowly (userfaultfd, FUSE or network files) holds up the ring meanwhile. The
 * buffer kfuncs of one request move at most
 * IORING_BPF_MAX_REQ_BYTES bytes in all: a call that would cross that budget fails
 * whole with -EDQUOT (it moves nothing), and smaller calls that still fit succeed
 * after it. What is bounded is the bytes the kfuncs touch, not a program's own
 * loops (the verifier bounds those). Each buffer is at most
 * IORING_BPF_MAX_BUF_LEN bytes, user or fixed, and the kernel offers to reschedule
 * before each program runs: programs cannot be preempted.
 *
 * Steering, from issue only: bpf_io_steer_next() sets the file position of the
 * next request of the link chain and may shorten it, when that request is an
 * IORING_OP_READ, WRITE, READ_FIXED or WRITE_FIXED (its buffer stays what was
 * submitted). io_uring breaks a link chain at a read or write that transfers
 * less than asked, and for a steered request "asked" is the steered length: a
 * steered read that comes back short at the end of the file completes with the
 * bytes it read, and the requests linked after it with -ECANCELED; one that
 * returns its full steered length continues the chain. The steered position and
 * length are checked as the read or write itself checks them, when it runs: on an
 * O_DIRECT file, one the device cannot take (not a multiple of its logical block
 * size) fails that request (-EINVAL), not the steering. bpf_io_chain_done() ends
 * the chain after this request: when it
 * completes with a result >= 0, the requests linked after it complete without
 * running, with -EALREADY (a failure-induced cancellation is -ECANCELED).
 *
 * Errors of IORING_OP_BPF requests, in the CQE:
 *   -EOPNOTSUPP  kernel built without CONFIG_IO_URING_BPF_OP, or its BPF types
 *                failed to register at boot
 *   -EINVAL      reserved SQE field set, bad buffer descriptor (type, unknown
 *                flags, buf_index of a user buffer), len > 0 with addr = 0 or
 *                addr != 0 with len = 0, IOPOLL ring; a result above 0 or below
 *                -511 (the kernel's internal codes), whether prep or issue
 *                returned it or the program set it with bpf_io_set_result()
 *   -ERANGE      op slot >= IORING_BPF_MAX_OPS
 *   -ENOENT      no op bound in that slot
 *   -ENOLINK     the op bound in that slot was detached (its struct_ops link
 *                was destroyed or detached); unbind it and bind a live one
 *   -E2BIG       more than IORING_BPF_MAX_BUFS descriptors, or a buffer longer
 *                than IORING_BPF_MAX_BUF_LEN
 *   -EOVERFLOW   buffer addr + len wraps around
 *   -EFAULT      unreadable descriptor array; NULL, kernel or unmapped user
 *                buffer; a writable user buffer on a read-only or shared file
 *                mapping (see IORING_BPF_BUF_RDONLY); fixed buffer index out of
 *                range or range outside the registered buffer
 *   -ENOMEM      pinning the user buffers would exceed RLIMIT_MEMLOCK
 *   -EALREADY    an op earlier in the chain ended it (bpf_io_chain_done()): this
 *                request did not run
 *   whatever prep or issue returned
 */
#ifndef IORING_OP_BPF
#define IORING_OP_BPF			58
#endif

#define IORING_BPF_MAX_OPS		64
#define IORING_BPF_MAX_BUFS		4
#define IORING_BPF_MAX_BUF_LEN		(1U << 24)
#define IORING_BPF_MAX_REQ_BYTES	(1ULL << 26)
#define IORING_BPF_OP_SHIFT		24
#define IORING_BPF_OP_FLAGS_MASK	((1U << IORING_BPF_OP_SHIFT) - 1)

/* Build the SQE's bpf_op_flags word from an op slot and program flags. */
#define IORING_BPF_OP_FLAGS(slot, flags) \
	(((__u32)(slot) << IORING_BPF_OP_SHIFT) | ((flags) & IORING_BPF_OP_FLAGS_MASK))

/*
 * A position in one of a request's buffers, as the bpf_io_buf_copy() kfunc takes
 * it: buffer index in the high 32 bits, offset in the low 32 bits. (BPF calls
 * take at most five arguments, so the kfunc cannot take index and offset apart.)
 */
#define IORING_BPF_BUF_POS(buf, off) \
	(((__u64)(buf) << 32) | (__u32)(off))

/* bpf_io_steer_next(): keep the submitted position or length */
#define IORING_BPF_STEER_KEEP_POS	(~0ULL)
#define IORING_BPF_STEER_KEEP_LEN	(~0U)

/*
 * The bound of io_bpf_errno() in the kernel (not in its UAPI header): results
 * below -IORING_BPF_MAX_ERRNO are its internal codes and complete as -EINVAL.
 */
#define IORING_BPF_MAX_ERRNO		511

#ifndef __VMLINUX_H__
/* Buffer descriptor types. */
enum {
	IORING_BPF_BUF_USER	= 1,	/* addr/len: user memory */
	IORING_BPF_BUF_FIXED	= 2,	/* addr/len inside registered buffer buf_index */
};


/* One buffer a BPF request may access; an array of these is in sqe->addr. */
struct io_uring_bpf_buf {
	__u8	type;		/* IORING_BPF_BUF_* */
	__u8	flags;		/* IORING_BPF_BUF_RDONLY */
	__u16	buf_index;	/* registered buffer, for IORING_BPF_BUF_FIXED */
	__u32	len;
	__u64	addr;
};
#endif /* !__VMLINUX_H__ */

/* Buffer descriptor flags. */
#define IORING_BPF_BUF_RDONLY		(1U << 0)	/* programs only read it */

/*
 * io_uring_register(2) opcodes. Both take a struct io_uring_bpf_bind and
 * nr_args = 1. The ring fd and the struct_ops link fd are the authority: no
 * capability is needed to bind or unbind (loading the programs needs CAP_BPF and
 * CAP_PERFMON, and whoever loaded them decides who may bind them by handing out
 * the link fd, or the mode of its bpffs pin: a link's pin opens read-write only,
 * so binding from it needs write permission on the pin).
 *   IORING_REGISTER_BPF_OP    bind the op of a struct_ops link (bind.link_fd) into
 *                             bind.slot: -EBUSY when the slot is taken, -ERANGE
 *                             for a bad slot, -EBADF/-EINVAL when link_fd is not
 *                             an attached io_uring_bpf_req_ops link. One op can be
 *                             bound into many rings. With IORING_BPF_BIND_KERNEL_NOP,
 *                             link_fd is ignored and the slot runs no program: its
 *                             requests complete with 0 (this measures what the
 *                             request path itself costs).
 *   IORING_UNREGISTER_BPF_OP  unbind bind.slot (link_fd ignored): -ENOENT when
 *                             empty. Requests already submitted keep the op alive
 *                             and finish normally; new ones get -ENOENT.
 * Closing the ring unbinds every slot at once (requests still in flight finish
 * first).
 */
#ifndef IORING_REGISTER_BPF_OP
#define IORING_REGISTER_BPF_OP		31
#define IORING_UNREGISTER_BPF_OP	32
#endif

#define IORING_BPF_BIND_KERNEL_NOP	(1U << 0)

#ifndef __VMLINUX_H__
struct io_uring_bpf_bind {
	__u32	slot;
	__s32	link_fd;
	__u32	flags;		/* IORING_BPF_BIND_* */
	__u32	resv;		/* must be 0 */
};

/*
 * What the program sees of its request (the argument of every callback).
 * Only pdu is writable; it is zeroed before prep and kept until cleanup.
 */
struct io_uring_bpf_req {
	__u64	user_data;
	__u64	args[2];	/* sqe->off, sqe->addr3 */
	__u32	op_flags;	/* low 24 bits of sqe->bpf_op_flags */
	__u32	nr_bufs;
	__u32	buf_len[IORING_BPF_MAX_BUFS];
	__u8	pdu[48];
};
#endif /* !__VMLINUX_H__ */

#endif /* RINGFLOW_UAPI_H */
