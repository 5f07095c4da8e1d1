// SPDX-License-Identifier: MIT
/* Chains mixing ordinary io_uring ops with BPF ops; failures and their reports. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ringflow/crc32c.h>
#include "fixture.h"


TestSuite(chain, .init = fixture_setup, .fini = fixture_teardown);

#define KEY 0x5a5aa5a5u

static unsigned char xor_byte(unsigned int i)
{
	return (unsigned char)(KEY >> (8 * (i % 4)));
}

Test(chain, read_fixed_crc_xor_write_fixed_nop)
{
	enum { LEN = 8192 };
	static unsigned char in_data[LEN], out_data[LEN];
	struct report r = { 0 };
	struct rf_builtin_args *args;
	struct iovec iov;
	struct rf_chain *c;
	struct rf_stage *s;
	unsigned char *buf;
	int in = scratch_file(), out = scratch_file();

	for (int i = 0; i < LEN; i++)
		in_data[i] = (unsigned char)(i * 7 + 3);
	cr_assert_eq(pwrite(in, in_data, LEN, 0), LEN);
	buf = aligned_alloc(4096, LEN);
	iov.iov_base = buf;
	iov.iov_len = LEN;
	cr_assert_eq(io_uring_register_buffers(rf_ring_uring(fx.ring), &iov, 1), 0);

	c = rf_chain_new(fx.ring, fx.obj);
	rf_chain_read_fixed(c, in, buf, LEN, 0, 0);
	rf_stage_buf_fixed(rf_chain_bpf(c, SLOT_CRC, 0), 0, buf, LEN);
	s = rf_chain_bpf(c, SLOT_XOR, 0);
	rf_stage_buf(s, buf, LEN);
	args = rf_stage_payload(s);
	cr_assert_not_null(args, "%s", rf_errmsg());
	args->xor_key = KEY;
	rf_chain_write_fixed(c, out, buf, LEN, 0, 0);
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);

	cr_assert_eq(r.status, 0, "%s", r.line);
	cr_assert_eq(r.res[0], LEN);
	cr_assert_eq(r.res[1], LEN);
	cr_assert_eq(r.res[2], LEN);
	cr_assert_eq(r.res[3], LEN);
	cr_assert_eq(r.res[4], 0);
	cr_assert_eq(r.rec.crc, rf_crc32c_mem(in_data, LEN), "crc of what was read");
	cr_assert_eq(r.rec.bytes, 2ULL * LEN, "crc and xor counted their bytes");
	cr_assert_eq(pread(out, out_data, LEN, 0), LEN);
	for (int i = 0; i < LEN; i++)
		cr_assert_eq(out_data[i], in_data[i] ^ xor_byte((unsigned int)i), "byte %d", i);
	free(buf);
	close(in);
	close(out);
}

Test(chain, failing_first_stage_cancels_the_rest)
{
	char buf[64];
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);

	rf_chain_read(c, -1, buf, sizeof(buf), 0);	/* EBADF */
	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), buf, sizeof(buf));
	rf_chain_write(c, 1, buf, sizeof(buf), 0);
	cr_assert_eq(rf_chain_queue(c), 0);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	cr_assert_eq(r.status, -EBADF, "%s", r.line);
	cr_assert_eq(r.failed_stage, 0);
	cr_assert_eq(r.cancelled, 2);
	cr_assert_eq(r.rec.crc, 0, "the crc op never ran");
	cr_assert_str_eq(r.line, "failed at stage 0 (read): Bad file descriptor (EBADF); 2 other "
			 "stages cancelled");
}

Test(chain, short_read_stops_the_chain)
{
	char buf[4096];
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	int fd = scratch_file();

	cr_assert_eq(pwrite(fd, "short", 5, 0), 5);
	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), buf, sizeof(buf));
	cr_assert_eq(rf_chain_queue(c), 0);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	cr_assert_eq(r.status, -EIO, "%s", r.line);
	cr_assert_eq(r.failed_stage, 0);
	cr_assert_eq(r.res[0], 5);
	cr_assert_eq(r.res[1], -ECANCELED);
	cr_assert_not_null(strstr(r.line, "short transfer, 5 of 4096 bytes"), "%s", r.line);
	close(fd);
}

Test(chain, bad_buffer_descriptor_fails_its_stage)
{
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);

	rf_chain_nop(c);
	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), NULL, 16);	/* NULL user buffer */
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	/* failing at submission cancels the stage linked before it too */
	cr_assert_eq(r.failed_stage, 1, "%s", r.line);
	cr_assert_eq(r.status, -EFAULT, "%s", r.line);
	cr_assert_eq(r.res[0], -ECANCELED);
	cr_assert_eq(r.res[2], -ECANCELED);
	cr_assert_eq(r.cancelled, 2);
}

Test(chain, many_chains_go_in_with_one_enter)
{
	enum { N = 64, STAGES = 3 };
	static unsigned char data[N][256];
	struct report reports[N];
	int submitted;

	memset(reports, 0, sizeof(reports));
	for (uintptr_t i = 0; i < N; i++) {
		struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);

		memset(data[i], (int)i, sizeof(data[i]));
		rf_chain_set_user(c, (void *)i);
		rf_chain_nop(c);
		rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data[i], sizeof(data[i]));
		rf_chain_bpf(c, SLOT_NOP, 0);
		cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	}
	submitted = rf_ring_submit(fx.ring);
	cr_assert_eq(submitted, N * STAGES, "one io_uring_enter took every SQE");
	cr_assert_eq(rf_ring_drain(fx.ring, collect, reports), N);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(reports[i].count, 1);
		cr_assert_eq(reports[i].status, 0, "%s", reports[i].line);
		cr_assert_eq(reports[i].rec.crc, rf_crc32c_mem(data[i], sizeof(data[i])), "chain %d", i);
	}
}

Test(chain, records_start_zeroed_and_carry_userspace_values)
{
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	struct rf_builtin_record *rec = rf_chain_record(c);

	cr_assert_eq(rf_object_record_size(fx.obj), sizeof(*rec));
	cr_assert_eq(rec->crc, 0);
	cr_assert_eq(rec->bytes, 0);
	rec->expect_crc = 0x12345678;
	rf_chain_bpf(c, SLOT_NOP, 0);
	cr_assert_eq(rf_chain_queue(c), 0);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	cr_assert_eq(r.rec.expect_crc, 0x12345678);
}

/* A chain of the op in @slot alone, over a small buffer, given no payload. */
static struct report run_bare(struct rf_object *obj, unsigned int slot)
{
	static char buf[16];
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, obj);

	rf_stage_buf(rf_chain_bpf(c, slot, 0), buf, sizeof(buf));
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	return r;
}

Test(chain, a_forgotten_payload_is_named)
{
	struct report r = run_bare(fx.obj, SLOT_XOR);

	cr_assert_eq(r.status, -ENODATA, "%s", r.line);
	cr_assert_str_eq(r.line, "failed at stage 0 (bpf op rf_xor, slot 2): No data available "
			 "(ENODATA): the op needs a payload, and this stage has none: give it one "
			 "with rf_stage_payload()");
}

Test(chain, a_chain_without_an_object_is_named)
{
	struct report r = run_bare(NULL, SLOT_CRC);
	struct rf_chain *c;

	cr_assert_eq(r.status, -ENODATA, "%s", r.line);
	cr_assert_str_eq(r.line, "failed at stage 0 (bpf op rf_crc32c, slot 1): No data "
			 "available (ENODATA): the op needs a chain record, and this chain has "
			 "none: create it with rf_chain_new(ring, obj)");
	/* and a payload asked for such a chain is refused at once */
	c = rf_chain_new(fx.ring, NULL);
	cr_assert_null(rf_stage_payload(rf_chain_bpf(c, SLOT_XOR, 0)));
	cr_assert_eq(rf_chain_queue(c), -EINVAL);
	cr_assert_str_eq(rf_errmsg(), "this chain was created without an rf_object "
			 "(rf_chain_new(ring, NULL)): create it with the rf_object whose payload "
			 "map the op uses");
}

Test(chain, a_full_ring_says_ebusy)
{
	struct rf_ring_opts opts = { .max_chains = 2 };
	struct rf_chain *c[2];
	struct rf_ring *ring;

	cr_assert_eq(rf_ring_create(&opts, &ring), 0, "%s", rf_errmsg());
	c[0] = rf_chain_new(ring, fx.obj);
	c[1] = rf_chain_new(ring, fx.obj);
	cr_assert(c[0] && c[1]);
	errno = 0;
	cr_assert_null(rf_chain_new(ring, fx.obj));
	cr_assert_eq(errno, EBUSY, "backpressure: reap, then retry");
	cr_assert_str_eq(rf_errmsg(), "2 chains are in flight on this ring (max_chains): reap "
			 "some first");
	cr_assert_eq(rf_object_records_in_use(fx.obj), 2, "no record taken by the refusal");
	rf_chain_discard(c[0]);
	rf_chain_discard(c[1]);
	rf_ring_destroy(ring);
}
