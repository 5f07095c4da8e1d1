// SPDX-License-Identifier: MIT
/*
 * d. Per-request arguments: rf_xor's key in a payload slot, written through the
 * mapping (raw SQEs or SDK chains) against bpf_map_update_elem(). Every buffer
 * must come back xored with its own request's key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ringflow/ringflow.h>
#include <ringflow/builtin.h>
#include "rf_builtin.skel.h"
#include "bench.h"

#define XOR_LEN		16	/* bytes rf_xor transforms per request */

/* What the variants work on: one XOR_LEN buffer per request. */
struct payload_work {
	unsigned char	*xbufs;
};

/* The key request @i xors its buffer with, and the bytes the buffer starts with. */
static uint32_t xor_key(unsigned long i)
{
	return (uint32_t)(i * 0x9e3779b1UL) | 1;
}

static unsigned char xor_fill(unsigned long i, unsigned int j)
{
	return (unsigned char)(i * 7 + (unsigned long)j * 13);
}

/*
 * rf_xor on one XOR_LEN buffer per request, raw SQEs in batches of BATCH; the key is
 * in a payload slot, written through the mapping or, @syscall, with
 * bpf_map_update_elem(). The slot is allocated and freed the same way in both (the
 * SDK's allocator writes the slot's reference into the mapping), so the difference
 * is how the arguments get there.
 */
static void payload_raw(struct bench *b, struct result *r, struct payload_work *w, bool syscall)
{
	struct io_uring *u = rf_ring_uring(b->ring);
	int map_fd = bpf_map__fd(b->skel->maps.rf_payloads);
	struct io_uring_bpf_buf desc[BATCH];
	__u64 refs[BATCH];

	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = batch_at(r->ops, done);

		for (unsigned int i = 0; i < k; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(u);
			struct rf_builtin_args *args = rf_payload_alloc(b->obj, &refs[i]);
			struct {
				struct rf_payload_hdr	hdr;
				struct rf_builtin_args	args;
			} value = { { refs[i] }, { xor_key(done + i), 0, 0, 0 } };
			__u32 index = RF_REF_INDEX(refs[i]);

			must(args ? 0 : -ENOSPC, "allocating a payload slot");
			if (syscall)
				must(bpf_map_update_elem(map_fd, &index, &value, BPF_ANY),
				     "bpf_map_update_elem");
			else
				args->xor_key = xor_key(done + i);
			rf_buf_user(&desc[i], w->xbufs + (done + i) * XOR_LEN, XOR_LEN);
			rf_prep_bpf(sqe, SLOT_XOR, 0, &desc[i], 1, 0, refs[i]);
		}
		wait_results(b, r, u, k, XOR_LEN);
		for (unsigned int i = 0; i < k; i++)
			rf_payload_free(b->obj, refs[i]);
	}
	finish(b, r);
}

static void run_payload_syscall(struct bench *b, struct result *r, void *work)
{
	payload_raw(b, r, work, true);
}

static void run_payload_mmap(struct bench *b, struct result *r, void *work)
{
	payload_raw(b, r, work, false);
}

/* The SDK's way: a chain of one rf_xor stage whose rf_stage_payload() gets the key. */
static void run_payload_chains(struct bench *b, struct result *r, void *work)
{
	struct payload_work *w = work;

	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = batch_at(r->ops, done);

		for (unsigned int i = 0; i < k; i++) {
			struct rf_chain *c = rf_chain_new(b->ring, b->obj);
			struct rf_stage *s;
			struct rf_builtin_args *args;

			must(c ? 0 : -ENOSPC, "new chain");
			s = rf_chain_bpf(c, SLOT_XOR, 0);
			rf_stage_buf(s, w->xbufs + (done + i) * XOR_LEN, XOR_LEN);
			args = rf_stage_payload(s);
			if (args)
				args->xor_key = xor_key(done + i);
			must(rf_chain_queue(c), "queueing a chain");
		}
		drain_chains(b, r, b->ring, k, NULL, NULL);
	}
	finish(b, r);
}

static void payload_round(struct bench *b, struct result *r, void *work,
			  const struct variant *v)
{
	struct payload_work *w = work;
	char why[128];

	for (unsigned long i = 0; i < r->ops; i++)
		for (unsigned int j = 0; j < XOR_LEN; j++)
			w->xbufs[i * XOR_LEN + j] = xor_fill(i, j);
	v->run(b, r, w);
	/* not measured: every buffer must hold its bytes xored with its own key */
	for (unsigned long i = 0; i < r->ops; i++) {
		for (unsigned int j = 0; j < XOR_LEN; j++) {
			unsigned char want = xor_fill(i, j) ^ (unsigned char)(xor_key(i) >> (8 * (j & 3)));

			if (w->xbufs[i * XOR_LEN + j] != want) {
				snprintf(why, sizeof(why), "request %lu: byte %u is 0x%02x, not 0x%02x",
					 i, j, w->xbufs[i * XOR_LEN + j], want);
				fail(b, r->variant, why);
				return;
			}
		}
	}
}

#define V_UPDATE	"rf_xor, args by bpf_map_update_elem()"

void section_payload(struct bench *b, unsigned long n)
{
	static const struct variant v[] = {
		{ V_UPDATE, run_payload_syscall, false },
		{ "rf_xor, args in the mmap'ed slot (raw SQEs)", run_payload_mmap, false },
		{ "rf_xor, rf_stage_payload() (SDK chains)", run_payload_chains, false },
	};
	struct payload_work w = { .xbufs = xalloc(n * XOR_LEN) };

	run_section(b, "d. per-request arguments: a 4-byte key for rf_xor (16-byte buffer) in a "
		    "payload slot, batches of 32", "payload", XOR_LEN, n, &w, v, sizeof(v) / sizeof(v[0]),
		    payload_round);
	free(w.xbufs);
}

/* --check: bpf_map_update_elem() adds one bpf() per request to one io_uring_enter() per batch. */
bool payload_entries_ok(const struct bench *b)
{
	const struct result *r = find_result(b, "payload", V_UPDATE);

	return r && result_entries(b, r) == (long)(r->ops + (r->ops + BATCH - 1) / BATCH);
}
