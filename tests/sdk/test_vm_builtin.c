// SPDX-License-Identifier: MIT
/* The built-in ops, data checked byte for byte. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ringflow/crc32c.h>
#include "fixture.h"


TestSuite(builtin, .init = fixture_setup, .fini = fixture_teardown);

static void fill_random(unsigned char *p, size_t len, unsigned int seed)
{
	srand(seed);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)rand();
}

static void run(struct report *reports, unsigned int nr)
{
	cr_assert_eq(rf_ring_drain(fx.ring, collect, reports), (int)nr, "%s", rf_errmsg());
	for (unsigned int i = 0; i < nr; i++)
		cr_assert_eq(reports[i].count, 1, "chain %u reported %u times", i, reports[i].count);
}

Test(builtin, crc32c_of_every_length_matches_userspace)
{
	static const unsigned int lens[] = { 0, 1, 3, 255, 256, 257, 4096, 65537 };
	enum { N = sizeof(lens) / sizeof(lens[0]) };
	static unsigned char data[N][65537];
	struct report reports[N] = { 0 };

	for (uintptr_t i = 0; i < N; i++) {
		struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);

		fill_random(data[i], lens[i], (unsigned int)i);
		rf_chain_set_user(c, (void *)i);
		rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data[i], lens[i]);
		cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	}
	run(reports, N);
	for (unsigned int i = 0; i < N; i++) {
		cr_assert_eq(reports[i].status, 0, "len %u: %s", lens[i], reports[i].line);
		cr_assert_eq(reports[i].res[0], (int)lens[i]);
		cr_assert_eq(reports[i].rec.crc, rf_crc32c_mem(data[i], lens[i]), "len %u", lens[i]);
		cr_assert_eq(reports[i].rec.bytes, lens[i]);
	}
}

Test(builtin, crc32c_check_value)
{
	char text[] = "123456789";
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);

	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), text, 9);
	cr_assert_eq(rf_chain_queue(c), 0);
	run(&r, 1);
	cr_assert_eq(r.rec.crc, 0xe3069283, "the CRC32C check value");
	cr_assert_eq(rf_crc32c_mem(text, 9), 0xe3069283);
}

Test(builtin, copy_moves_the_shorter_length)
{
	static unsigned char src[3][10000], dst[3][10000];
	static const unsigned int slen[] = { 10000, 4096, 100 }, dlen[] = { 10000, 5000, 50 };
	struct report reports[3] = { 0 };

	for (uintptr_t i = 0; i < 3; i++) {
		struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
		struct rf_stage *s = rf_chain_bpf(c, SLOT_COPY, 0);

		fill_random(src[i], sizeof(src[i]), 100 + (unsigned int)i);
		memset(dst[i], 0xee, sizeof(dst[i]));
		rf_stage_buf(s, src[i], slen[i]);
		rf_stage_buf(s, dst[i], dlen[i]);
		rf_chain_set_user(c, (void *)i);
		cr_assert_eq(rf_chain_queue(c), 0);
	}
	run(reports, 3);
	for (unsigned int i = 0; i < 3; i++) {
		unsigned int n = slen[i] < dlen[i] ? slen[i] : dlen[i];

		cr_assert_eq(reports[i].status, 0, "%s", reports[i].line);
		cr_assert_eq(reports[i].res[0], (int)n);
		cr_assert_eq(memcmp(dst[i], src[i], n), 0, "copy %u", i);
		for (unsigned int k = n; k < sizeof(dst[i]); k++)
			cr_assert_eq(dst[i][k], 0xee, "byte %u beyond the copy touched", k);
	}
}

Test(builtin, copy_needs_two_buffers)
{
	char buf[8];
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);

	rf_stage_buf(rf_chain_bpf(c, SLOT_COPY, 0), buf, sizeof(buf));
	cr_assert_eq(rf_chain_queue(c), 0);
	run(&r, 1);
	cr_assert_eq(r.status, -EINVAL, "%s", r.line);
}

static void queue_xor(void *data, unsigned int len, __u32 key, uintptr_t user)
{
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	struct rf_stage *s = rf_chain_bpf(c, SLOT_XOR, 0);
	struct rf_builtin_args *args = rf_stage_payload(s);

	cr_assert_not_null(args, "%s", rf_errmsg());
	args->xor_key = key;
	rf_stage_buf(s, data, len);
	rf_chain_set_user(c, (void *)user);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
}

Test(builtin, xor_transforms_in_place_and_back)
{
	static unsigned char data[5000], orig[5000];
	const __u32 key = 0xa1b2c3d4;
	struct report reports[2] = { 0 };

	fill_random(data, sizeof(data), 7);
	memcpy(orig, data, sizeof(data));
	queue_xor(data, 4097, key, 0);
	run(reports, 1);
	cr_assert_eq(reports[0].status, 0, "%s", reports[0].line);
	cr_assert_eq(reports[0].res[0], 4097);
	for (unsigned int i = 0; i < sizeof(data); i++) {
		unsigned char want = orig[i];

		if (i < 4097)
			want ^= (unsigned char)(key >> (8 * (i % 4)));
		cr_assert_eq(data[i], want, "byte %u", i);
	}
	queue_xor(data, 4097, key, 1);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, reports), 1);
	cr_assert_eq(memcmp(data, orig, sizeof(data)), 0, "xor twice is the identity");
}

static struct rf_chain *crc_verify_chain(void *data, unsigned int len, __u32 expect,
					 uintptr_t user)
{
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	struct rf_builtin_record *rec = rf_chain_record(c);

	cr_assert_not_null(rec);
	rec->expect_crc = expect;
	rf_chain_set_user(c, (void *)user);
	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data, len);
	rf_chain_bpf(c, SLOT_VERIFY, 0);
	return c;
}

Test(builtin, verify_passes_on_match_and_stops_the_chain_on_mismatch)
{
	static unsigned char data[2048];
	struct report reports[2] = { 0 };
	struct rf_chain *c;
	char want[256];
	__u32 crc;

	fill_random(data, sizeof(data), 3);
	crc = rf_crc32c_mem(data, sizeof(data));
	c = crc_verify_chain(data, sizeof(data), crc, 0);
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0);
	c = crc_verify_chain(data, sizeof(data), crc ^ 1, 1);
	rf_chain_nop(c);
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0);
	run(reports, 2);

	cr_assert_eq(reports[0].status, 0, "%s", reports[0].line);
	cr_assert_eq(reports[0].rec.crc, crc);
	cr_assert_eq(reports[0].hdr.error, 0);

	cr_assert_eq(reports[1].status, -EBADMSG, "%s", reports[1].line);
	cr_assert_eq(reports[1].failed_stage, 1);
	cr_assert_eq(reports[1].cancelled, 2);
	cr_assert_eq(reports[1].res[0], (int)sizeof(data));
	cr_assert_eq(reports[1].res[2], -ECANCELED);
	cr_assert_eq(reports[1].res[3], -ECANCELED);
	cr_assert_eq(reports[1].hdr.error, -EBADMSG);
	cr_assert_eq(reports[1].hdr.stage, 1);
	cr_assert_eq(reports[1].hdr.detail, crc, "the crc the op found");
	cr_assert_str_eq(reports[1].hdr.reason, "verify: crc mismatch");
	snprintf(want, sizeof(want), "failed at stage 1 (bpf op rf_verify, slot 3): Bad "
		 "message (EBADMSG): verify: crc mismatch [detail 0x%x]; 2 other stages "
		 "cancelled", crc);
	cr_assert_str_eq(reports[1].line, want);
}

static void queue_inject(__s32 err, __u32 every, uintptr_t user)
{
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	struct rf_builtin_args *args;

	rf_chain_set_user(c, (void *)user);
	rf_chain_nop(c);
	args = rf_stage_payload(rf_chain_bpf(c, SLOT_INJECT, 0));
	rf_chain_nop(c);
	cr_assert_not_null(args, "%s", rf_errmsg());
	args->inject_err = err;
	args->inject_every = every;
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
}

Test(builtin, inject_fails_with_the_requested_errno)
{
	struct report reports[6] = { 0 };

	fx.skel->bss->rf_inject_seen = 0;
	queue_inject(-ENOSPC, 0, 0);
	queue_inject(-ENOSPC, 1, 1);
	queue_inject(-ETIME, 0, 2);
	queue_inject(5, 0, 3);		/* not an errno: -EIO */
	/* below -IORING_BPF_MAX_ERRNO the kernel would make it -EINVAL: -EIO, both sides */
	queue_inject(-(IORING_BPF_MAX_ERRNO + 1), 0, 4);
	queue_inject(-IORING_BPF_MAX_ERRNO, 0, 5);
	run(reports, 6);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(reports[i].failed_stage, 1, "%s", reports[i].line);
		cr_assert_eq(reports[i].res[0], 0, "the nop before ran");
		cr_assert_eq(reports[i].res[2], -ECANCELED);
		cr_assert_str_eq(reports[i].hdr.reason, "inject: injected error");
	}
	cr_assert_eq(reports[0].status, -ENOSPC);
	cr_assert_eq(reports[1].status, -ENOSPC);
	cr_assert_eq(reports[2].status, -ETIME);
	cr_assert_eq(reports[3].status, -EIO);
	cr_assert_eq(reports[4].status, -EIO);
	cr_assert_eq(reports[4].hdr.error, -EIO, "the record says what the CQE says");
	cr_assert_eq(reports[5].status, -IORING_BPF_MAX_ERRNO);
	cr_assert_eq(reports[5].hdr.error, -IORING_BPF_MAX_ERRNO);
}

Test(builtin, inject_every_nth_request)
{
	struct report reports[12] = { 0 };

	fx.skel->bss->rf_inject_seen = 0;
	for (uintptr_t i = 0; i < 12; i++) {
		/* one at a time, so that the op sees them in order */
		queue_inject(-EIO, 4, i);
		cr_assert_eq(rf_ring_drain(fx.ring, collect, reports), 1);
	}
	for (int i = 0; i < 12; i++) {
		if (i % 4 == 3) {
			cr_assert_eq(reports[i].status, -EIO, "chain %d: %s", i, reports[i].line);
			cr_assert_eq(reports[i].hdr.detail, (__u64)i + 1, "requests seen");
		} else {
			cr_assert_eq(reports[i].status, 0, "chain %d: %s", i, reports[i].line);
		}
	}
	cr_assert_eq(fx.skel->bss->rf_inject_seen, 12);
}

Test(builtin, nop_completes_with_zero)
{
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, NULL);

	rf_chain_bpf(c, SLOT_NOP, 0x42);
	cr_assert_eq(rf_chain_queue(c), 0);
	run(&r, 1);
	cr_assert_eq(r.status, 0);
	cr_assert_eq(r.res[0], 0);
}
