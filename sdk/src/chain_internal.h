/* SPDX-License-Identifier: MIT */
/* Rings, chains and stages as the SDK keeps them (ring.c, chain.c, reap.c). */
#ifndef RF_CHAIN_INTERNAL_H
#define RF_CHAIN_INTERNAL_H

#include <stdbool.h>
#include <liburing.h>
#include <ringflow/chain.h>
#include <ringflow/ring.h>
#include <ringflow/uapi.h>
#include "op_info.h"

struct rf_stage {
	struct rf_chain		*chain;
	enum rf_stage_kind	kind;
	int			fd;
	void			*buf;
	unsigned int		len;
	__u64			off;
	unsigned int		buf_index;
	unsigned int		slot;
	__u32			op_flags;
	unsigned int		nr_bufs;
	union {
		/* RF_STAGE_BPF: the kernel reads these at submission, so they live
		 * as long as the chain */
		struct io_uring_bpf_buf	bufs[IORING_BPF_MAX_BUFS];
		/* RF_STAGE_SQE: as the caller prepared it */
		struct io_uring_sqe	sqe;
	};
	__u64			payload;	/* payload reference, 0 if none */
	__u64			args[2];
	bool			args_set;
	bool			done;
};

enum rf_chain_state { RF_CHAIN_FREE, RF_CHAIN_BUILDING, RF_CHAIN_QUEUED };

struct rf_chain {
	struct rf_ring		*ring;
	struct rf_object	*obj;
	unsigned int		index;		/* in ring->chains, stamped in user_data */
	enum rf_chain_state	state;
	__u64			record;		/* record reference, 0 if none */
	int			err;		/* first build error, sticky */
	void			*user;
	unsigned int		nr_stages;
	unsigned int		nr_done;
	struct rf_stage		stages[RF_CHAIN_MAX_STAGES];
	__s32			res[RF_CHAIN_MAX_STAGES];
	/* as each read/write ran: submitted, or steered by an op (result.c) */
	__u64			pos[RF_CHAIN_MAX_STAGES];
	__u32			len[RF_CHAIN_MAX_STAGES];
	struct io_uring_sqe	scratch_sqe;	/* rf_chain_sqe() once the chain failed */
};

struct rf_ring {
	struct io_uring		uring;
	unsigned int		max_chains;
	struct rf_chain		*chains;
	unsigned int		*free;		/* stack of free chain indices */
	unsigned int		nr_free;
	unsigned int		nr_queued;	/* chains whose SQEs are in the ring */
	unsigned long		stray_cqes;	/* SDK CQEs naming no live stage */
	unsigned long		user_cqes;	/* CQEs of requests not the SDK's */
	rf_cqe_cb		user_cqe_cb;
	void			*user_cqe_arg;
	struct rf_op_info	ops[IORING_BPF_MAX_OPS];
};

/*
 * The chain's record: its header in *@hdr and the record after it as the return
 * value; NULL and NULL when the chain has none (or its reference is stale).
 */
void *rf_chain_record_entry(const struct rf_chain *c, const struct rf_record_hdr **hdr);
/* Frees the payload of a stage, if it has one: its request is over. */
void rf_stage_release(struct rf_stage *s);
/*
 * Returns a chain to its ring: every stage's payload, then its record, then the
 * chain itself. For a completed chain, one being built and one still in flight
 * when its ring goes.
 */
void rf_chain_free(struct rf_chain *c);
/*
 * Fills a result from the CQE results and the record header (r->hdr, may be
 * NULL): where each read/write ran, whether an op ended the chain, which stage
 * failed.
 */
void rf_chain_outcome(struct rf_chain *c, struct rf_chain_result *r);

#endif
