// SPDX-License-Identifier: MIT
/*
 * Thousands of chains, hundreds in flight at once, one ring: every chain reports
 * exactly once, with its own record, and chains that must fail fail where they
 * should while their neighbours go through.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ringflow/crc32c.h>
#include "fixture.h"

enum { CHAINS = 5000, BLOCK = 512, IN_FLIGHT = 500, BAD_EVERY = 97 };

static unsigned char in_data[CHAINS][BLOCK], bufs[CHAINS][BLOCK], out_data[BLOCK];
static struct report reports[CHAINS];

Test(stress, thousands_of_chains_each_report_once, .timeout = 600)
{
	struct rf_ring_opts opts = { .entries = 1024, .max_chains = IN_FLIGHT };
	unsigned int next = 0, reaped = 0, failed = 0;
	struct fixture fx;
	int in = scratch_file(), out = scratch_file();

	fixture_open(&fx, &opts);
	srand(42);
	for (int i = 0; i < CHAINS; i++)
		for (int k = 0; k < BLOCK; k++)
			in_data[i][k] = (unsigned char)rand();
	cr_assert_eq(pwrite(in, in_data, sizeof(in_data), 0), (ssize_t)sizeof(in_data));

	while (reaped < CHAINS) {
		int n;

		while (next < CHAINS && rf_ring_in_flight(fx.ring) < IN_FLIGHT) {
			struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
			struct rf_builtin_record *rec;

			cr_assert_not_null(c, "%s", rf_errmsg());
			rec = rf_chain_record(c);
			rec->expect_crc = rf_crc32c_mem(in_data[next], BLOCK);
			if (next % BAD_EVERY == 0)
				rec->expect_crc ^= 0x80;
			rf_chain_set_user(c, (void *)(uintptr_t)next);
			rf_chain_read(c, in, bufs[next], BLOCK, (__u64)next * BLOCK);
			rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), bufs[next], BLOCK);
			rf_chain_bpf(c, SLOT_VERIFY, 0);
			rf_chain_write(c, out, bufs[next], BLOCK, (__u64)next * BLOCK);
			cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
			next++;
		}
		n = rf_ring_reap(fx.ring, 1, collect, reports);
		cr_assert_geq(n, 0, "%s", rf_errmsg());
		reaped += (unsigned int)n;
	}
	cr_assert_eq(rf_ring_in_flight(fx.ring), 0);
	cr_assert_eq(rf_object_records_in_use(fx.obj), 0);

	for (unsigned int i = 0; i < CHAINS; i++) {
		struct report *r = &reports[i];

		cr_assert_eq(r->count, 1, "chain %u reported %u times", i, r->count);
		cr_assert_eq(r->rec.crc, rf_crc32c_mem(in_data[i], BLOCK), "chain %u got another's record", i);
		cr_assert_eq(pread(out, out_data, BLOCK, (off_t)i * BLOCK), BLOCK);
		if (i % BAD_EVERY == 0) {
			failed++;
			cr_assert_eq(r->status, -EBADMSG, "chain %u: %s", i, r->line);
			cr_assert_eq(r->failed_stage, 2);
			cr_assert_eq(r->res[3], -ECANCELED);
			for (int k = 0; k < BLOCK; k++)
				cr_assert_eq(out_data[k], 0, "chain %u wrote despite failing", i);
		} else {
			cr_assert_eq(r->status, 0, "chain %u: %s", i, r->line);
			cr_assert_eq(memcmp(out_data, in_data[i], BLOCK), 0, "chain %u output", i);
		}
	}
	cr_assert_eq(failed, (CHAINS + BAD_EVERY - 1) / BAD_EVERY);
	close(in);
	close(out);
	fixture_close(&fx);
}
