// SPDX-License-Identifier: MIT
/*
 * a. Per-request overhead: the built-in rf_nop op against IORING_OP_NOP, raw SQEs
 * and SDK chains, batches of BATCH requests on the shared ring.
 */
#include <ringflow/ringflow.h>
#include "bench.h"

#define V_NOP	"IORING_OP_NOP (raw SQEs)"

/* Raw SQEs on the ring's io_uring, in batches of BATCH: IORING_OP_NOP (slot < 0) or BPF. */
static void nop_raw(struct bench *b, struct result *r, int slot)
{
	struct io_uring *u = rf_ring_uring(b->ring);

	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = batch_at(r->ops, done);

		for (unsigned int i = 0; i < k; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(u);

			if (slot >= 0)
				rf_prep_bpf(sqe, (unsigned int)slot, 0, NULL, 0, 0, 0);
			else
				io_uring_prep_nop(sqe);
			sqe->user_data = done + i;
		}
		wait_results(b, r, u, k, 0);
	}
	finish(b, r);
}

static void run_nop(struct bench *b, struct result *r, void *work)
{
	(void)work;
	nop_raw(b, r, -1);
}

/* IORING_BPF_BIND_KERNEL_NOP: the request path without a program */
static void run_kernel_nop(struct bench *b, struct result *r, void *work)
{
	(void)work;
	nop_raw(b, r, SLOT_KERNEL_NOP);
}

static void run_bpf_nop(struct bench *b, struct result *r, void *work)
{
	(void)work;
	nop_raw(b, r, SLOT_NOP);
}

/* The same BPF op through the SDK: one chain of one stage per request. */
static void run_nop_chains(struct bench *b, struct result *r, void *work)
{
	(void)work;
	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = batch_at(r->ops, done);

		for (unsigned int i = 0; i < k; i++) {
			struct rf_chain *c = rf_chain_new(b->ring, NULL);

			must(c ? 0 : -ENOSPC, "new chain");
			rf_chain_bpf(c, SLOT_NOP, 0);
			must(rf_chain_queue(c), "queueing a chain");
		}
		drain_chains(b, r, b->ring, k, NULL, NULL);
	}
	finish(b, r);
}

static void nop_round(struct bench *b, struct result *r, void *work, const struct variant *v)
{
	v->run(b, r, work);
}

void section_nop(struct bench *b, unsigned long n)
{
	static const struct variant v[] = {
		{ V_NOP, run_nop, false },
		{ "IORING_OP_BPF, kernel nop: no program", run_kernel_nop, false },
		{ "IORING_OP_BPF rf_nop (raw SQEs)", run_bpf_nop, false },
		{ "IORING_OP_BPF rf_nop (SDK chains)", run_nop_chains, false },
	};

	run_section(b, "a. per-request overhead: IORING_OP_BPF rf_nop vs IORING_OP_NOP, "
		    "batches of 32 requests", "nop", 0, n, NULL, v, sizeof(v) / sizeof(v[0]),
		    nop_round);
}

/* --check: 32 nops complete inline within one io_uring_enter(). */
bool nop_entries_ok(const struct bench *b)
{
	const struct result *r = find_result(b, "nop", V_NOP);

	return r && result_entries(b, r) == (long)((r->ops + BATCH - 1) / BATCH);
}
