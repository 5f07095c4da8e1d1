/* SPDX-License-Identifier: MIT */
/*
 * A ringflow ring: an io_uring whose kernel supports IORING_OP_BPF, the ops bound
 * into its slots, and the chains in flight on it. Not thread-safe.
 *
 * Requests you prepare on rf_ring_uring() yourself share the ring with chains:
 * give them a user_data without bit 63 (RF_UDATA_SDK marks the SDK's own), and
 * rf_ring_reap() hands their completions to the rf_ring_set_cqe_handler() callback.
 */
#ifndef RINGFLOW_RING_H
#define RINGFLOW_RING_H

#include <liburing.h>

struct bpf_link;
struct rf_ring;
struct rf_chain_result;

struct rf_ring_opts {
	unsigned int	entries;	/* SQ entries (default 256) */
	unsigned int	max_chains;	/* chains in flight at once (default entries) */
	unsigned int	flags;		/* io_uring_setup flags (IORING_SETUP_*; not SQE128) */
};

/*
 * Creates a ring (opts may be NULL). Fails with -EOPNOTSUPP and a message telling
 * how to run on the ringflow kernel when io_uring lacks IORING_FEAT_BPF.
 */
int rf_ring_create(const struct rf_ring_opts *opts, struct rf_ring **out);
void rf_ring_destroy(struct rf_ring *ring);

/* The io_uring underneath, e.g. to register buffers or files. */
struct io_uring *rf_ring_uring(struct rf_ring *ring);

/*
 * Binds the op of an attached struct_ops link (skel->links.<ops>) into @slot
 * (< IORING_BPF_MAX_OPS). The same link may be bound into any number of rings.
 */
int rf_ring_bind(struct rf_ring *ring, unsigned int slot, const struct bpf_link *link);
int rf_ring_unbind(struct rf_ring *ring, unsigned int slot);
/* Name of the op bound in @slot ("" when none). */
const char *rf_ring_op_name(const struct rf_ring *ring, unsigned int slot);

/* Called for each completion of a request that is not the SDK's (cqe valid during the call). */
typedef void (*rf_cqe_cb)(const struct io_uring_cqe *cqe, void *arg);
/*
 * Sets the callback for completions of your own requests on the ring (NULL: they
 * are only counted). rf_ring_reap() consumes every CQE, so this is where yours go.
 */
void rf_ring_set_cqe_handler(struct rf_ring *ring, rf_cqe_cb cb, void *arg);
/* Completions of your own requests that rf_ring_reap() consumed so far. */
unsigned long rf_ring_user_cqes(const struct rf_ring *ring);

/* Passes every queued chain to the kernel with one io_uring_enter(). */
int rf_ring_submit(struct rf_ring *ring);

/* Called once per completed chain; the result is valid during the call only. */
typedef void (*rf_chain_cb)(const struct rf_chain_result *res, void *arg);

/*
 * Submits what is queued, then waits until at least @min_chains chains completed
 * (0: only what is ready), calling @cb for each. Returns the number of chains
 * completed, or -errno (-EPROTO when a completion marked as the SDK's names no
 * stage in flight). Your own requests' completions go to the CQE handler; they
 * are not waited for.
 */
int rf_ring_reap(struct rf_ring *ring, unsigned int min_chains, rf_chain_cb cb, void *arg);

/* Submits and reaps until no chain is in flight. Returns chains completed. */
int rf_ring_drain(struct rf_ring *ring, rf_chain_cb cb, void *arg);

/* Chains queued or in flight. */
unsigned int rf_ring_in_flight(const struct rf_ring *ring);

#endif /* RINGFLOW_RING_H */
