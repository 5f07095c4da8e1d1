// SPDX-License-Identifier: MIT
/* Rings and ops: probe, binding into several rings, bind errors, load errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <ringflow/crc32c.h>
#include "fixture.h"
#include "bad_op.skel.h"
#include "bad_unbounded.skel.h"

Test(ring, probe_passes_on_the_ringflow_kernel)
{
	cr_assert_eq(rf_probe(), 0, "%s", rf_errmsg());
}

Test(ring, one_object_serves_several_rings)
{
	enum { RINGS = 3, PER_RING = 20 };
	static unsigned char data[RINGS][PER_RING][600];
	struct report reports[RINGS][PER_RING];
	struct rf_ring *rings[RINGS];
	struct fixture fx;

	memset(reports, 0, sizeof(reports));
	fixture_open(&fx, NULL);
	rings[0] = fx.ring;
	for (int r = 1; r < RINGS; r++) {
		cr_assert_eq(rf_ring_create(NULL, &rings[r]), 0, "%s", rf_errmsg());
		fixture_bind(rings[r], fx.skel);
	}
	/* all rings' chains in flight at once: records come from one shared map */
	for (int r = 0; r < RINGS; r++) {
		for (uintptr_t i = 0; i < PER_RING; i++) {
			struct rf_chain *c = rf_chain_new(rings[r], fx.obj);

			memset(data[r][i], (int)((uintptr_t)r * PER_RING + i), sizeof(data[r][i]));
			rf_chain_set_user(c, (void *)i);
			rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data[r][i], sizeof(data[r][i]));
			cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
		}
		cr_assert_eq(rf_ring_submit(rings[r]), PER_RING);
	}
	cr_assert_eq(rf_object_records_in_use(fx.obj), RINGS * PER_RING);
	for (int r = 0; r < RINGS; r++) {
		cr_assert_eq(rf_ring_drain(rings[r], collect, reports[r]), PER_RING);
		for (int i = 0; i < PER_RING; i++) {
			cr_assert_eq(reports[r][i].count, 1);
			cr_assert_eq(reports[r][i].status, 0, "%s", reports[r][i].line);
			cr_assert_eq(reports[r][i].rec.crc,
				     rf_crc32c_mem(data[r][i], sizeof(data[r][i])), "ring %d chain %d", r, i);
		}
	}
	cr_assert_eq(rf_object_records_in_use(fx.obj), 0, "records recycled");
	for (int r = 1; r < RINGS; r++)
		rf_ring_destroy(rings[r]);
	fixture_close(&fx);
}

Test(ring, bind_errors_say_what_is_wrong)
{
	struct fixture fx;

	fixture_open(&fx, NULL);
	cr_assert_eq(rf_ring_bind(fx.ring, SLOT_CRC, fx.skel->links.rf_nop), -EBUSY);
	cr_assert_not_null(strstr(rf_errmsg(), "taken by op 'rf_crc32c'"), "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(fx.ring, IORING_BPF_MAX_OPS, fx.skel->links.rf_nop), -ERANGE);
	cr_assert_eq(rf_ring_bind(fx.ring, 10, NULL), -EINVAL);
	cr_assert_not_null(strstr(rf_errmsg(), "attach"), "%s", rf_errmsg());
	cr_assert_str_eq(rf_ring_op_name(fx.ring, SLOT_VERIFY), "rf_verify");
	fixture_close(&fx);
}

Test(ring, unbound_slot_is_refused_at_build_and_by_the_kernel)
{
	struct report r[2] = { 0 };
	struct fixture fx;
	struct rf_chain *c;

	fixture_open(&fx, NULL);
	/* queued while bound, unbound before submission: the kernel says ENOENT */
	c = rf_chain_new(fx.ring, NULL);
	rf_chain_bpf(c, SLOT_NOP, 0);
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0);
	cr_assert_eq(rf_ring_unbind(fx.ring, SLOT_NOP), 0, "%s", rf_errmsg());
	cr_assert_str_eq(rf_ring_op_name(fx.ring, SLOT_NOP), "");
	cr_assert_eq(rf_ring_unbind(fx.ring, SLOT_NOP), -ENOENT);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, r), 1);
	cr_assert_eq(r[0].status, -ENOENT, "%s", r[0].line);
	cr_assert_eq(r[0].failed_stage, 0);
	cr_assert_eq(r[0].cancelled, 1);
	cr_assert_str_eq(r[0].line, "failed at stage 0 (bpf, slot 5, no op bound): No such file "
			 "or directory (ENOENT): bind an op into the slot with rf_ring_bind(); "
			 "1 other stage cancelled");
	/* a chain built while the slot is empty never reaches the kernel */
	c = rf_chain_new(fx.ring, NULL);
	cr_assert_null(rf_chain_bpf(c, SLOT_NOP, 0));
	cr_assert_eq(rf_chain_queue(c), -ENOENT);
	cr_assert_str_eq(rf_errmsg(), "no op is bound in slot 5 of this ring: bind one with "
			 "rf_ring_bind() first");
	/* and the slot can take another op */
	cr_assert_eq(rf_ring_bind(fx.ring, SLOT_NOP, fx.skel->links.rf_nop), 0, "%s", rf_errmsg());
	fixture_close(&fx);
}

/* What loading a skeleton the verifier must reject says. */
static const char *load_error(struct bpf_object_skeleton *skel)
{
	cr_assert_lt(rf_load_skeleton(skel), 0);
	return rf_errmsg();
}

Test(ring, verifier_rejection_is_reported_readably)
{
	struct bad_op *skel = bad_op__open();
	const char *msg;

	cr_assert_not_null(skel);
	msg = load_error(skel->skeleton);
	cr_assert_not_null(strstr(msg, "loading BPF object 'bad_op' failed: the verifier "
				  "rejected program 'bad_issue' (Permission denied (EACCES))"), "%s", msg);
	cr_assert_not_null(strstr(msg, "may write only ctx->pdu"), "%s", msg);
	cr_assert_not_null(strstr(msg, "verifier log (last"), "%s", msg);
	cr_assert_not_null(strstr(msg, "outside pdu"), "%s", msg);
	cr_assert_not_null(strstr(rf_load_log(), "BEGIN PROG LOAD LOG"), "the whole log is kept");
	bad_op__destroy(skel);
}

/* The verifier's EACCES is not a privilege problem: say it rejected the program. */
Test(ring, unbounded_access_is_a_verifier_rejection_not_a_privilege_error)
{
	struct bad_unbounded *skel = bad_unbounded__open();
	const char *msg;

	cr_assert_not_null(skel);
	msg = load_error(skel->skeleton);
	cr_assert_not_null(strstr(msg, "loading BPF object 'bad_unbounded' failed: the verifier "
				  "rejected program 'unbounded_issue' (Permission denied (EACCES)): "
				  "see the verifier log below"), "%s", msg);
	cr_assert_null(strstr(msg, "CAP_BPF"), "%s", msg);
	cr_assert_not_null(strstr(msg, "unbounded memory access"), "%s", msg);
	bad_unbounded__destroy(skel);
}

Test(ring, chain_and_ring_limits)
{
	struct rf_ring_opts opts = { .entries = 8, .max_chains = 4 };
	struct rf_chain *chains[4];
	struct fixture fx;
	int i;

	fixture_open(&fx, &opts);
	for (i = 0; i < 4; i++)
		cr_assert_not_null(chains[i] = rf_chain_new(fx.ring, NULL));
	cr_assert_null(rf_chain_new(fx.ring, NULL));
	cr_assert_not_null(strstr(rf_errmsg(), "in flight"), "%s", rf_errmsg());
	for (i = 0; i < 4; i++)
		rf_chain_discard(chains[i]);
	cr_assert_eq(rf_ring_in_flight(fx.ring), 0);

	chains[0] = rf_chain_new(fx.ring, NULL);
	for (i = 0; i < RF_CHAIN_MAX_STAGES; i++)
		cr_assert_not_null(rf_chain_nop(chains[0]));
	cr_assert_null(rf_chain_nop(chains[0]), "one stage too many");
	cr_assert_eq(rf_chain_queue(chains[0]), -E2BIG);
	cr_assert_eq(rf_ring_in_flight(fx.ring), 0, "a failed queue frees the chain");

	chains[0] = rf_chain_new(fx.ring, NULL);
	cr_assert_eq(rf_chain_queue(chains[0]), -EINVAL, "empty chain");
	chains[0] = rf_chain_new(fx.ring, NULL);
	cr_assert_null(rf_chain_bpf(chains[0], IORING_BPF_MAX_OPS, 0));
	cr_assert_eq(rf_chain_queue(chains[0]), -ERANGE);
	fixture_close(&fx);
}

Test(ring, destroying_a_ring_with_chains_in_flight_frees_their_records)
{
	static unsigned char data[32][4096];
	struct fixture fx;

	fixture_open(&fx, NULL);
	for (int i = 0; i < 32; i++) {
		struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
		struct rf_builtin_args *args;
		struct rf_stage *s;

		rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data[i], sizeof(data[i]));
		s = rf_chain_bpf(c, SLOT_XOR, 0);
		rf_stage_buf(s, data[i], sizeof(data[i]));
		args = rf_stage_payload(s);
		cr_assert_not_null(args);
		args->xor_key = 7;
		cr_assert_eq(rf_chain_queue(c), 0);
		if (i % 2)
			cr_assert_geq(rf_ring_submit(fx.ring), 0);	/* half in the kernel */
	}
	cr_assert_eq(rf_object_records_in_use(fx.obj), 32);
	rf_ring_destroy(fx.ring);
	fx.ring = NULL;
	cr_assert_eq(rf_object_records_in_use(fx.obj), 0);
	cr_assert_eq(rf_object_payloads_in_use(fx.obj), 0);
	fixture_close(&fx);
}
