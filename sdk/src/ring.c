// SPDX-License-Identifier: MIT
/* Ring creation (with the feature probe) and per-ring op slots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <ringflow/ring.h>
#include <ringflow/uapi.h>
#include "chain_internal.h"
#include "error_internal.h"
#include "probe_internal.h"

#define DEFAULT_ENTRIES 256
#define MAX_CQ_ENTRIES 32768

int rf_ring_create(const struct rf_ring_opts *opts, struct rf_ring **out)
{
	struct rf_ring_opts o = { 0 };
	struct io_uring_params p;
	struct rf_ring *ring;
	unsigned int i, cq;
	int err;

	*out = NULL;
	if (opts)
		o = *opts;
	if (!o.entries)
		o.entries = DEFAULT_ENTRIES;
	if (!o.max_chains)
		o.max_chains = o.entries;
	if (o.max_chains > (1U << 24))
		return rf_set_errmsg(-EINVAL, "max_chains %u is too large", o.max_chains);
	/* chains' stages, raw ones included, are 64-byte SQEs */
	if (o.flags & IORING_SETUP_SQE128)
		return rf_set_errmsg(-EINVAL, "IORING_SETUP_SQE128 rings are not supported: chain stages "
			       "are 64-byte SQEs (make a ring without it)");

	ring = calloc(1, sizeof(*ring));
	if (!ring)
		return rf_set_errmsg(-ENOMEM, "out of memory");
	ring->max_chains = o.max_chains;
	ring->chains = calloc(o.max_chains, sizeof(*ring->chains));
	ring->free = calloc(o.max_chains, sizeof(*ring->free));
	if (!ring->chains || !ring->free) {
		err = rf_set_errmsg(-ENOMEM, "out of memory for %u chains", o.max_chains);
		goto fail;
	}
	for (i = 0; i < o.max_chains; i++) {
		ring->chains[i].ring = ring;
		ring->chains[i].index = i;
		ring->free[i] = o.max_chains - 1 - i;
	}
	ring->nr_free = o.max_chains;

	/* room for every stage of every chain in flight, so completions never wait */
	cq = o.max_chains * RF_CHAIN_MAX_STAGES;
	if (cq < 2 * o.entries)
		cq = 2 * o.entries;
	if (cq > MAX_CQ_ENTRIES)
		cq = MAX_CQ_ENTRIES;
	memset(&p, 0, sizeof(p));
	p.flags = o.flags | IORING_SETUP_CQSIZE;
	p.cq_entries = cq;
	err = io_uring_queue_init_params(o.entries, &ring->uring, &p);
	if (err) {
		rf_probe_setup_error(err);
		goto fail;
	}
	err = rf_probe_features(p.features);
	if (!err)
		err = rf_probe_btf_once();
	if (err) {
		io_uring_queue_exit(&ring->uring);
		goto fail;
	}
	*out = ring;
	return 0;
fail:
	free(ring->chains);
	free(ring->free);
	free(ring);
	return err;
}

void rf_ring_destroy(struct rf_ring *ring)
{
	unsigned int i;

	if (!ring)
		return;
	/* closing the ring cancels what is in flight and unbinds every slot */
	io_uring_queue_exit(&ring->uring);
	for (i = 0; i < ring->max_chains; i++)
		if (ring->chains[i].state != RF_CHAIN_FREE)
			rf_chain_free(&ring->chains[i]);
	free(ring->chains);
	free(ring->free);
	free(ring);
}

struct io_uring *rf_ring_uring(struct rf_ring *ring)
{
	return &ring->uring;
}

unsigned int rf_ring_in_flight(const struct rf_ring *ring)
{
	return ring->max_chains - ring->nr_free;
}

int rf_ring_bind(struct rf_ring *ring, unsigned int slot, const struct bpf_link *link)
{
	struct io_uring_bpf_bind bind = { .slot = slot };
	int err;

	if (!link)
		return rf_set_errmsg(-EINVAL, "no link to bind into slot %u: attach the skeleton "
			       "(<name>__attach()) first", slot);
	bind.link_fd = bpf_link__fd(link);
	err = io_uring_register(ring->uring.ring_fd, IORING_REGISTER_BPF_OP, &bind, 1);
	switch (err) {
	case 0:
		break;
	case -EBUSY:
		return rf_set_errmsg(err, "slot %u of this ring is taken by op '%s': unbind it "
			       "first or use another slot", slot, ring->ops[slot].name);
	case -ERANGE:
		return rf_set_errmsg(err, "op slot %u out of range (a ring has %d)", slot,
			       IORING_BPF_MAX_OPS);
	case -EINVAL:
	case -EBADF:
		return rf_set_errmsg(err, "link fd %d is not an attached io_uring_bpf_req_ops link: "
			       "declare the ops with RF_OPS() and attach the skeleton",
			       bind.link_fd);
	default:
		return rf_set_errmsg(err, "binding slot %u failed: %s", slot, strerror(-err));
	}
	rf_op_info_read(bind.link_fd, slot, &ring->ops[slot]);
	return 0;
}

int rf_ring_unbind(struct rf_ring *ring, unsigned int slot)
{
	struct io_uring_bpf_bind bind = { .slot = slot };
	int err;

	err = io_uring_register(ring->uring.ring_fd, IORING_UNREGISTER_BPF_OP, &bind, 1);
	if (err)
		return rf_set_errmsg(err, "unbinding slot %u failed: %s", slot,
			       err == -ENOENT ? "nothing is bound there" : strerror(-err));
	memset(&ring->ops[slot], 0, sizeof(ring->ops[slot]));
	return 0;
}

const char *rf_ring_op_name(const struct rf_ring *ring, unsigned int slot)
{
	return slot < IORING_BPF_MAX_OPS ? ring->ops[slot].name : "";
}

void rf_ring_set_cqe_handler(struct rf_ring *ring, rf_cqe_cb cb, void *arg)
{
	ring->user_cqe_cb = cb;
	ring->user_cqe_arg = arg;
}

unsigned long rf_ring_user_cqes(const struct rf_ring *ring)
{
	return ring->user_cqes;
}
