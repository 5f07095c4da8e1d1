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
	strcpy(ring.op_names[3], "rf_verify");
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
	struct rf_chain_hdr hdr = { .error = -EBADMSG, .stage = 1, .detail = 0x1234 };
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
	struct rf_chain_hdr hdr = { .error = -EIO, .stage = 0 };
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
