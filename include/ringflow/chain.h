/* SPDX-License-Identifier: MIT */
/*
 * Chains: linked SQE pipelines mixing ordinary io_uring ops and BPF ops.
 *
 *   struct rf_chain *c = rf_chain_new(ring, obj);
 *   rf_chain_read(c, fd, buf, len, 0);
 *   struct rf_stage *s = rf_chain_bpf(c, CRC_SLOT, 0);
 *   rf_stage_buf(s, buf, len);
 *   rf_chain_write(c, out, buf, len, 0);
 *   rf_chain_queue(c);           // SQEs are in the ring, linked, stamped
 *   rf_ring_drain(ring, cb, arg); // one io_uring_enter, cb once per chain
 *
 * Building never fails half-way: the first error sticks to the chain, the next
 * calls do nothing, and rf_chain_queue() returns it (and frees the chain).
 * rf_errmsg() says what went wrong at the call that failed.
 */
#ifndef RINGFLOW_CHAIN_H
#define RINGFLOW_CHAIN_H

#include <stddef.h>
#include <linux/types.h>
#include <ringflow/layout.h>


struct io_uring_sqe;
struct rf_ring;
struct rf_object;
struct rf_chain;
struct rf_stage;

enum rf_stage_kind {
	RF_STAGE_READ,
	RF_STAGE_WRITE,
	RF_STAGE_READ_FIXED,
	RF_STAGE_WRITE_FIXED,
	RF_STAGE_NOP,
	RF_STAGE_BPF,
	RF_STAGE_SQE,		/* any request, prepared by the caller (rf_chain_sqe) */
};

/*
 * A new chain on @ring. With @obj, the chain gets a zeroed record of obj's record
 * map (rf_chain_record()) and its BPF stages can carry payloads; every BPF op of
 * the chain must then use obj's maps (or none). NULL, with errno and rf_errmsg():
 *   EBUSY   the ring has max_chains chains in flight: reap some, then retry
 *   ENOSPC  every record of obj is in use (by chains of rings sharing it): reap,
 *           or give RF_CHAIN_RECORD() more entries
 */
struct rf_chain *rf_chain_new(struct rf_ring *ring, struct rf_object *obj);

/* The chain's record (user part, after struct rf_record_hdr); NULL without obj. */
void *rf_chain_record(struct rf_chain *chain);
/* Reference to the record as BPF ops receive it in req->args[0]. */
__u64 rf_chain_record_ref(const struct rf_chain *chain);
/* Attach a pointer the result hands back. */
void rf_chain_set_user(struct rf_chain *chain, void *user);

/* Stages, in chain order. Each returns NULL once the chain has an error. */
struct rf_stage *rf_chain_read(struct rf_chain *c, int fd, void *buf, unsigned int len, __u64 off);
struct rf_stage *rf_chain_write(struct rf_chain *c, int fd, const void *buf, unsigned int len, __u64 off);
struct rf_stage *rf_chain_read_fixed(struct rf_chain *c, int fd, void *buf, unsigned int len,
				     __u64 off, unsigned int buf_index);
struct rf_stage *rf_chain_write_fixed(struct rf_chain *c, int fd, const void *buf,
				      unsigned int len, __u64 off, unsigned int buf_index);
struct rf_stage *rf_chain_nop(struct rf_chain *c);
/*
 * A BPF op: the op bound in @slot of the ring, with 24 bits of @op_flags. Refused
 * when no op is bound there (-ENOENT), or when the op keeps its records in another
 * map than the chain's (-EXDEV: share the chain's rf_object with its object).
 */
struct rf_stage *rf_chain_bpf(struct rf_chain *c, unsigned int slot, __u32 op_flags);
/*
 * A stage of any io_uring request (fsync, send, recv, splice, link timeout, ...):
 * returns a zeroed SQE to prepare with liburing's io_uring_prep_*(), as
 * io_uring_get_sqe() would. The SDK sets its user_data and the link to the next
 * stage; memory the request points to must stay valid until it is submitted.
 * Never NULL: once the chain has an error, the SQE is scratch that is not used.
 * The request must post its completion (no IOSQE_CQE_SKIP_SUCCESS); one that posts
 * several (IORING_CQE_F_MORE: a zero-copy send's notification) is over at its last,
 * and its stage's result is the send's. The chain breaks when it fails (no
 * IOSQE_IO_HARDLINK).
 * A link timeout's -ECANCELED, when the request it guards completed in time,
 * counts as success.
 */
struct io_uring_sqe *rf_chain_sqe(struct rf_chain *c);

/*
 * Buffers of a BPF stage (up to IORING_BPF_MAX_BUFS, index = call order). A NULL
 * stage (its call failed) gives -EINVAL, and rf_errmsg() says so and keeps why.
 */
int rf_stage_buf(struct rf_stage *s, void *addr, unsigned int len);
int rf_stage_buf_fixed(struct rf_stage *s, unsigned int index, void *addr, unsigned int len);
/*
 * A payload slot for a BPF stage: returns its zeroed argument memory (write the
 * op's arguments there; no system call involved). Freed when the stage completes.
 * The memory holds rf_object_payload_size() bytes, the largest argument type of
 * the objects sharing the chain's rf_object: cast it to the type the stage's op
 * reads (struct rf_builtin_args for the built-in ops).
 */
void *rf_stage_payload(struct rf_stage *s);
/* Override req->args[] of a BPF stage (raw use, tests). */
void rf_stage_set_args(struct rf_stage *s, __u64 arg0, __u64 arg1);

/*
 * Writes the chain's SQEs into the ring, linked (IOSQE_IO_LINK on all but the
 * last) and stamped; rf_ring_submit()/rf_ring_reap() pass them to the kernel.
 * Submits first when the SQ ring lacks room. On error the chain is freed.
 */
int rf_chain_queue(struct rf_chain *c);
/* Frees a chain that was not queued. */
void rf_chain_discard(struct rf_chain *c);

/* What a completed chain reports, exactly once. */
struct rf_chain_result {
	const struct rf_chain	*chain;
	void			*user;
	int			status;		/* 0, or -errno of the failed stage */
	int			failed_stage;	/* -1 when status is 0 */
	unsigned int		cancelled;	/* other stages cancelled by the failure */
	int			ended_at;	/* stage whose op ended the chain early
						 * (rf_chain_done()), -1 if none */
	unsigned int		skipped;	/* stages after it, which did not run */
	unsigned int		nr_stages;
	const __s32		*res;		/* CQE result of every stage */
	/*
	 * Read and write stages: the file position and length each ran with, as
	 * submitted or as an op steered them (rf_steer_next()); 0 for other stages.
	 */
	const __u64		*pos;
	const __u32		*len;
	unsigned int		steered;	/* bit s: an op steered stage s */
	void			*record;	/* the final record, NULL without obj */
	const struct rf_record_hdr *hdr;	/* what a BPF op raised (rf_fail) */
};

enum rf_stage_kind rf_chain_stage_kind(const struct rf_chain *c, unsigned int stage);
/*
 * "read", "write", ..., the name of the BPF op bound in the stage's slot ("" when
 * none is), or a raw stage's opcode ("fsync", "link_timeout", ..., "opcode 60").
 */
const char *rf_chain_stage_name(const struct rf_chain *c, unsigned int stage);

/*
 * One line describing a result, e.g. "failed at stage 2 (bpf op rf_verify, slot
 * 3): Bad message (EBADMSG): verify: crc mismatch [detail 0x1234]; 1 other stage
 * cancelled". A BPF stage that failed without a reason of its own gets what the
 * errno means for ringflow (no payload, another object's map, a stale reference,
 * no op bound). Returns what snprintf returns.
 */
int rf_chain_describe(const struct rf_chain_result *res, char *buf, size_t size);

#endif /* RINGFLOW_CHAIN_H */
