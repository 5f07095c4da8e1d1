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

static void outcome(struct rf_chain_result *r, char *line, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->chain = &chain;
	r->res = chain.res;
	r->nr_stages = chain.nr_stages;
	rf_chain_outcome(&chain, r);
	rf_chain_describe(r, line, size);
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
	outcome(&r, line, sizeof(line));
	r.hdr = &hdr;
	rf_chain_describe(&r, line, sizeof(line));
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
	outcome(&r, line, sizeof(line));
	r.hdr = &hdr;
	rf_chain_describe(&r, line, sizeof(line));
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
	outcome(&r, line, sizeof(line));
	r.hdr = &hdr;
	rf_chain_describe(&r, line, sizeof(line));
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
