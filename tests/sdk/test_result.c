// SPDX-License-Identifier: MIT
/* Per-chain reports: which stage failed, why, and what was cancelled. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <ringflow/ringflow.h>
#include "chain_internal.h"

static struct rf_ring ring;
static struct rf_chain chain;

static void setup(void)
{
	memset(&ring, 0, sizeof(ring));
	memset(&chain, 0, sizeof(chain));
	chain.ring = &ring;
	strcpy(ring.ops[3].name, "rf_verify");
}

static void stage(unsigned int i, enum rf_stage_kind kind, unsigned int len, __s32 res)
{
	chain.stages[i].chain = &chain;
	chain.stages[i].kind = kind;
	chain.stages[i].len = len;
	chain.stages[i].slot = 3;
	chain.res[i] = res;
	if (i + 1 > chain.nr_stages)
		chain.nr_stages = i + 1;
}

/* The result as reap.c builds it, with the record header @hdr (may be NULL). */
static void outcome_hdr(struct rf_chain_result *r, const struct rf_record_hdr *hdr, char *line,
			size_t size)
{
	memset(r, 0, sizeof(*r));
	r->chain = &chain;
	r->res = chain.res;
	r->nr_stages = chain.nr_stages;
	r->hdr = hdr;
	rf_chain_outcome(&chain, r);
	rf_chain_describe(r, line, size);
}

static void outcome(struct rf_chain_result *r, char *line, size_t size)
{
	outcome_hdr(r, NULL, line, size);
}

TestSuite(result, .init = setup);

Test(result, all_stages_done_is_success)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_READ, 4096, 4096);
	stage(1, RF_STAGE_BPF, 0, 7);
	stage(2, RF_STAGE_WRITE, 4096, 4096);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.status, 0);
	cr_assert_eq(r.failed_stage, -1);
	cr_assert_str_eq(line, "ok (3 stages)");
}

Test(result, failing_bpf_stage_with_reason_and_cancelled_rest)
{
	struct rf_record_hdr hdr = { .error = -EBADMSG, .stage = 1, .flags = RF_FAIL_DETAIL,
				     .detail = 0x1234 };
	struct rf_chain_result r;
	char line[256];

	strcpy(hdr.reason, "verify: crc mismatch");
	stage(0, RF_STAGE_NOP, 0, 0);
	stage(1, RF_STAGE_BPF, 0, -EBADMSG);
	stage(2, RF_STAGE_WRITE, 10, -ECANCELED);
	stage(3, RF_STAGE_NOP, 0, -ECANCELED);
	outcome_hdr(&r, &hdr, line, sizeof(line));
	cr_assert_eq(r.status, -EBADMSG);
	cr_assert_eq(r.failed_stage, 1);
	cr_assert_eq(r.cancelled, 2);
	cr_assert_str_eq(line, "failed at stage 1 (bpf op rf_verify, slot 3): Bad message "
			 "(EBADMSG): verify: crc mismatch [detail 0x1234]; 2 other stages "
			 "cancelled");
}

Test(result, short_read_breaks_the_chain_as_eio)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_READ, 4096, 100);
	stage(1, RF_STAGE_WRITE, 4096, -ECANCELED);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.status, -EIO);
	cr_assert_eq(r.failed_stage, 0);
	cr_assert_eq(r.cancelled, 1);
	cr_assert_str_eq(line, "failed at stage 0 (read): short transfer, 100 of 4096 bytes; "
			 "1 other stage cancelled");
}

Test(result, reason_of_another_stage_is_not_shown)
{
	struct rf_record_hdr hdr = { .error = -EIO, .stage = 0 };
	struct rf_chain_result r;
	char line[256];

	strcpy(hdr.reason, "unrelated");
	stage(0, RF_STAGE_BPF, 0, 0);
	stage(1, RF_STAGE_BPF, 0, -ENOENT);
	outcome_hdr(&r, &hdr, line, sizeof(line));
	cr_assert_null(strstr(line, "unrelated"), "%s", line);
	cr_assert_not_null(strstr(line, "ENOENT"), "%s", line);
}

Test(result, describe_truncates_safely)
{
	struct rf_chain_result r;
	char line[16];
	int n;

	stage(0, RF_STAGE_BPF, 0, -EINVAL);
	stage(1, RF_STAGE_NOP, 0, -ECANCELED);
	outcome(&r, line, sizeof(line));
	n = rf_chain_describe(&r, line, sizeof(line));
	cr_assert_gt(n, (int)sizeof(line));
	cr_assert_eq(strlen(line), sizeof(line) - 1);
}

Test(result, submission_failure_blames_the_failing_stage_not_the_cancelled_head)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_NOP, 0, -ECANCELED);
	stage(1, RF_STAGE_BPF, 0, -EFAULT);
	stage(2, RF_STAGE_NOP, 0, -ECANCELED);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.failed_stage, 1);
	cr_assert_eq(r.status, -EFAULT);
	cr_assert_eq(r.cancelled, 2);
}

Test(result, all_cancelled_blames_the_first)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_NOP, 0, -ECANCELED);
	stage(1, RF_STAGE_NOP, 0, -ECANCELED);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.failed_stage, 0);
	cr_assert_eq(r.status, -ECANCELED);
	cr_assert_eq(r.cancelled, 1);
}

static void raw_stage(unsigned int i, __u8 opcode, __s32 res)
{
	stage(i, RF_STAGE_SQE, 0, res);
	chain.stages[i].sqe.opcode = opcode;
}

Test(result, a_detail_of_zero_is_shown_when_the_op_gave_one)
{
	struct rf_record_hdr hdr = { .error = -EINVAL, .stage = 0, .flags = RF_FAIL_DETAIL };
	struct rf_chain_result r;
	char line[256];

	strcpy(hdr.reason, "calc: division by zero");
	stage(0, RF_STAGE_BPF, 0, -EINVAL);
	outcome_hdr(&r, &hdr, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 0 (bpf op rf_verify, slot 3): Invalid argument "
			 "(EINVAL): calc: division by zero [detail 0x0]");
	hdr.flags = 0;	/* rf_fail(), no detail */
	rf_chain_describe(&r, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 0 (bpf op rf_verify, slot 3): Invalid argument "
			 "(EINVAL): calc: division by zero");
}

Test(result, unbound_slot_is_named_as_such)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_BPF, 0, -ENOENT);
	chain.stages[0].slot = 9;
	outcome(&r, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 0 (bpf, slot 9, no op bound): No such file or "
			 "directory (ENOENT): bind an op into the slot with rf_ring_bind()");
	cr_assert_str_eq(rf_chain_stage_name(&chain, 0), "");
}

Test(result, missing_record_or_payload_says_which)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_BPF, 0, -ENODATA);
	outcome(&r, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 0 (bpf op rf_verify, slot 3): No data available "
			 "(ENODATA): the op needs a chain record, and this chain has none: "
			 "create it with rf_chain_new(ring, obj)");
	chain.record = RF_REF(1, 1, 0);
	outcome(&r, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 0 (bpf op rf_verify, slot 3): No data available "
			 "(ENODATA): the op needs a payload, and this stage has none: give it "
			 "one with rf_stage_payload()");
}

Test(result, errnos_of_the_reference_checks_are_explained)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_BPF, 0, -EXDEV);
	outcome(&r, line, sizeof(line));
	cr_assert_not_null(strstr(line, "(EXDEV): the op's object does not share this chain's "
				  "maps: share the chain's rf_object with it"), "%s", line);
	chain.res[0] = -ESTALE;
	outcome(&r, line, sizeof(line));
	cr_assert_not_null(strstr(line, "(ESTALE): a record or payload reference of this stage "
				  "was stale"), "%s", line);
	chain.res[0] = -EBADMSG;	/* the op's own errno, no reason: nothing added */
	outcome(&r, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 0 (bpf op rf_verify, slot 3): Bad message "
			 "(EBADMSG)");
}

Test(result, raw_stages_are_named_by_opcode)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_WRITE, 10, 10);
	raw_stage(1, IORING_OP_FSYNC, -EBADF);
	raw_stage(2, 200, -ECANCELED);
	outcome(&r, line, sizeof(line));
	cr_assert_str_eq(line, "failed at stage 1 (fsync): Bad file descriptor (EBADF); 1 other "
			 "stage cancelled");
	cr_assert_str_eq(rf_chain_stage_name(&chain, 2), "opcode 200");
	cr_assert_eq(chain.stages[1].len, 0, "a raw stage's result is not a transfer length");
}

Test(result, link_timeout_cancelled_by_a_timely_request_is_success)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_READ, 4096, 4096);
	raw_stage(1, IORING_OP_LINK_TIMEOUT, -ECANCELED);
	stage(2, RF_STAGE_NOP, 0, 0);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.status, 0, "%s", line);
	cr_assert_eq(r.cancelled, 0);
	cr_assert_str_eq(line, "ok (3 stages)");
}

Test(result, link_timeout_that_fired_is_the_failed_stage)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_READ, 4096, -ECANCELED);
	raw_stage(1, IORING_OP_LINK_TIMEOUT, -ETIME);
	stage(2, RF_STAGE_NOP, 0, -ECANCELED);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.status, -ETIME);
	cr_assert_eq(r.failed_stage, 1);
	cr_assert_str_eq(line, "failed at stage 1 (link_timeout): Timer expired (ETIME); 2 other "
			 "stages cancelled");
}

/* An op steered the read of stage 1: judged by the new length, shown at the new place. */
Test(result, steered_read_is_judged_by_its_new_length)
{
	struct rf_record_hdr hdr = { .steered = 1U << 1 };
	struct rf_chain_result r;
	char line[256];

	hdr.steer_pos[1] = 8292;
	hdr.steer_len[1] = 50;
	stage(0, RF_STAGE_BPF, 0, 0);
	stage(1, RF_STAGE_READ, 4096, 50);
	chain.stages[1].off = 0;
	outcome_hdr(&r, &hdr, line, sizeof(line));
	cr_assert_eq(r.status, 0, "%s", line);
	cr_assert_eq(r.steered, 1U << 1);
	cr_assert_eq(r.pos[1], 8292);
	cr_assert_eq(r.len[1], 50);
	cr_assert_eq(r.pos[0], 0);
	cr_assert_eq(r.len[0], 0);
}

Test(result, steered_read_past_the_end_is_a_short_transfer)
{
	struct rf_record_hdr hdr = { .steered = 1U << 1 };
	struct rf_chain_result r;
	char line[256];

	hdr.steer_pos[1] = 12345;
	hdr.steer_len[1] = 100;
	stage(0, RF_STAGE_BPF, 0, 0);
	stage(1, RF_STAGE_READ, 4096, 10);
	outcome_hdr(&r, &hdr, line, sizeof(line));
	cr_assert_eq(r.status, -EIO);
	cr_assert_eq(r.failed_stage, 1);
	cr_assert_str_eq(line, "failed at stage 1 (read): short transfer, 10 of 100 bytes at "
		       "12345 (steered)");
}

Test(result, steering_may_keep_the_position_or_the_length)
{
	struct rf_record_hdr hdr = { .steered = 1U << 1 | 1U << 3 };
	struct rf_chain_result r;
	char line[256];

	hdr.steer_pos[1] = IORING_BPF_STEER_KEEP_POS;
	hdr.steer_len[1] = 10;
	hdr.steer_pos[3] = 777;
	hdr.steer_len[3] = IORING_BPF_STEER_KEEP_LEN;
	stage(0, RF_STAGE_BPF, 0, 0);
	stage(1, RF_STAGE_READ_FIXED, 4096, 10);
	chain.stages[1].off = 4096;
	stage(2, RF_STAGE_BPF, 0, 0);
	stage(3, RF_STAGE_WRITE, 512, 512);
	chain.stages[3].off = 5;
	outcome_hdr(&r, &hdr, line, sizeof(line));
	cr_assert_eq(r.status, 0, "%s", line);
	cr_assert_eq(r.pos[1], 4096);
	cr_assert_eq(r.len[1], 10);
	cr_assert_eq(r.pos[3], 777);
	cr_assert_eq(r.len[3], 512);
}

Test(result, chain_ended_early_by_an_op_is_success)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_READ, 16, 16);
	stage(1, RF_STAGE_BPF, 0, 7);
	stage(2, RF_STAGE_READ, 16, -EALREADY);
	stage(3, RF_STAGE_BPF, 0, -EALREADY);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.status, 0, "%s", line);
	cr_assert_eq(r.failed_stage, -1);
	cr_assert_eq(r.ended_at, 1);
	cr_assert_eq(r.skipped, 2);
	cr_assert_eq(r.cancelled, 0);
	cr_assert_str_eq(line, "ok, ended at stage 1 (bpf op rf_verify), 2 stages skipped");
}

/* -EALREADY is only "skipped" after a BPF stage that succeeded, at the end. */
Test(result, ealready_elsewhere_is_a_failure)
{
	struct rf_chain_result r;
	char line[256];

	stage(0, RF_STAGE_READ, 16, -EIO);
	stage(1, RF_STAGE_BPF, 0, -EALREADY);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.ended_at, -1);
	cr_assert_eq(r.status, -EIO);
	cr_assert_eq(r.failed_stage, 0);
	stage(0, RF_STAGE_BPF, 0, -EALREADY);
	stage(1, RF_STAGE_BPF, 0, 0);
	outcome(&r, line, sizeof(line));
	cr_assert_eq(r.ended_at, -1);
	cr_assert_eq(r.status, -EALREADY);
}
