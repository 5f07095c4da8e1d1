// SPDX-License-Identifier: MIT
/*
 * Completions: every CQE of the SDK names its chain and stage (user_data); a chain
 * reports once all of its stages have completed, which the kernel guarantees even
 * when a stage fails (the rest complete with -ECANCELED). CQEs of requests the
 * program submitted itself go to its handler.
 */
#include <errno.h>
#include <string.h>

#include <ringflow/ring.h>
#include "chain_internal.h"
#include "error_internal.h"

/* A chain whose every stage completed: its result to @cb, then back to the ring. */
static void report(struct rf_chain *c, rf_chain_cb cb, void *arg)
{
	struct rf_chain_result r;

	memset(&r, 0, sizeof(r));
	r.chain = c;
	r.user = c->user;
	r.nr_stages = c->nr_stages;
	r.res = c->res;
	if (c->record)
		r.record = rf_chain_record_entry(c, &r.hdr);
	rf_chain_outcome(c, &r);
	if (cb)
		cb(&r, arg);
	rf_chain_free(c);
}

/* Returns 1 when the CQE completed its chain. */
static int handle_cqe(struct rf_ring *ring, const struct io_uring_cqe *cqe, rf_chain_cb cb,
		      void *arg)
{
	__u64 index = RF_UDATA_CHAIN(cqe->user_data);
	unsigned int stage = RF_UDATA_STAGE(cqe->user_data);
	struct rf_chain *c;
	struct rf_stage *s;

	if (!RF_UDATA_IS_SDK(cqe->user_data)) {
		ring->user_cqes++;
		if (ring->user_cqe_cb)
			ring->user_cqe_cb(cqe, ring->user_cqe_arg);
		return 0;
	}
	if (index >= ring->max_chains)
		goto stray;
	c = &ring->chains[index];
	if (c->state != RF_CHAIN_QUEUED || stage >= c->nr_stages || c->stages[stage].done)
		goto stray;
	s = &c->stages[stage];
	/* a zero-copy send's notification carries no result of its own */
	if (!(cqe->flags & IORING_CQE_F_NOTIF))
		c->res[stage] = cqe->res;
	/* more completions follow (zero-copy send, multishot): the request is not over */
	if (cqe->flags & IORING_CQE_F_MORE)
		return 0;
	s->done = true;
	/* the request is over: its payload slot can serve another one */
	rf_stage_release(s);
	if (++c->nr_done < c->nr_stages)
		return 0;
	report(c, cb, arg);
	return 1;
stray:
	ring->stray_cqes++;
	return 0;
}

int rf_ring_submit(struct rf_ring *ring)
{
	int ret = io_uring_submit(&ring->uring);

	return ret < 0 ? rf_set_errmsg(ret, "io_uring_submit failed: %s", strerror(-ret)) : ret;
}

int rf_ring_reap(struct rf_ring *ring, unsigned int min_chains, rf_chain_cb cb, void *arg)
{
	unsigned long stray = ring->stray_cqes;
	struct io_uring_cqe *cqe;
	unsigned int head, n;
	int done = 0, ret;

	ret = rf_ring_submit(ring);
	if (ret < 0)
		return ret;
	for (;;) {
		n = 0;
		io_uring_for_each_cqe(&ring->uring, head, cqe) {
			n++;
			done += handle_cqe(ring, cqe, cb, arg);
		}
		io_uring_cq_advance(&ring->uring, n);
		if ((unsigned int)done >= min_chains || !ring->nr_queued)
			break;
		/* callbacks may have queued chains: submit them while waiting */
		ret = io_uring_submit_and_wait(&ring->uring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -ETIME)
			return rf_set_errmsg(ret, "waiting for completions failed: %s", strerror(-ret));
	}
	if (ring->stray_cqes != stray)
		return rf_set_errmsg(-EPROTO, "%lu completions marked as the SDK's (user_data bit "
			       "63) named no stage in flight: a stage completed twice, "
			       "or a request of yours has bit 63 set",
			       ring->stray_cqes - stray);
	return done;
}

int rf_ring_drain(struct rf_ring *ring, rf_chain_cb cb, void *arg)
{
	int done = 0, ret;

	while (ring->nr_queued) {
		ret = rf_ring_reap(ring, ring->nr_queued, cb, arg);
		if (ret < 0)
			return ret;
		done += ret;
	}
	return done;
}
