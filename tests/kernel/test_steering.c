// SPDX-License-Identifier: MIT
/*
 * Steering: an op sets the position and length of the next read or write of its
 * chain (bpf_io_steer_next) or ends the chain with success (bpf_io_chain_done),
 * inline, from io-wq, on SQPOLL and DEFER_TASKRUN rings; every misuse has its
 * own errno. Data is checked byte for byte.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "kt.h"

#define FILE_LEN	(64UL * 1024)

static struct kt k;
static struct io_uring ring;
static int fd;
static unsigned char data[FILE_LEN];

static void fill_file(void)
{
	char path[] = "/tmp/kt-steer.XXXXXX";

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + (i >> 9));
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(pwrite(fd, data, sizeof(data), 0), (ssize_t)sizeof(data));
}

static void setup_flags(unsigned int flags)
{
	kt_load(&k);
	kt_ring_flags(&ring, 64, flags);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
	fill_file();
}

static void setup(void)
{
	setup_flags(0);
}

static void teardown(void)
{
	close(fd);
	kt_teardown(&k, &ring);
}

TestSuite(steering, .init = setup, .fini = teardown, .timeout = 60);

/* BPF request (slot 0, mode) linked to the next SQE; user_data 1. */
static struct io_uring_sqe *bpf_head(unsigned int mode, uint64_t arg0, uint64_t arg1)
{
	struct io_uring_sqe *sqe = kt_prep_bpf(&ring, 0, mode, NULL, 0, arg0, arg1, 1);

	sqe->flags |= IOSQE_IO_LINK;
	return sqe;
}

static struct io_uring_sqe *rw_sqe(uint8_t opcode, void *buf, unsigned int len, uint64_t off,
				   uint64_t ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	cr_assert_not_null(sqe);
	io_uring_prep_rw(opcode, sqe, fd, buf, len, off);
	sqe->user_data = ud;
	return sqe;
}

/* steer a 4 KiB read at 0 to (pos, len); returns the read's result */
static int32_t steered_read(uint64_t pos, uint32_t len, unsigned char *buf, uint8_t bpf_flags)
{
	struct kt_cqe c[2];

	bpf_head(KT_MODE_STEER, pos, len)->flags |= bpf_flags;
	rw_sqe(IORING_OP_READ, buf, 4096, 0, 2);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 1), 0, "the steering op: %d", kt_res(c, 2, 1));
	return kt_res(c, 2, 2);
}

static void check_steered_read(uint8_t bpf_flags)
{
	unsigned char buf[4096];

	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(steered_read(8192 + 100, 50, buf, bpf_flags), 50);
	cr_assert_arr_eq(buf, data + 8192 + 100, 50);
	for (int i = 50; i < 4096; i++)
		cr_assert_eq(buf[i], 0xee, "byte %d past the steered length was written", i);
}

Test(steering, read_goes_where_the_op_says)
{
	check_steered_read(0);
}

Test(steering, read_steered_from_io_wq)
{
	check_steered_read(IOSQE_ASYNC);
}

Test(steering, keep_position_or_length)
{
	unsigned char buf[4096];

	cr_assert_eq(steered_read(20000, IORING_BPF_STEER_KEEP_LEN, buf, 0), 4096);
	cr_assert_arr_eq(buf, data + 20000, 4096);
	cr_assert_eq(steered_read(IORING_BPF_STEER_KEEP_POS, 10, buf, 0), 10);
	cr_assert_arr_eq(buf, data, 10);
}

Test(steering, read_past_end_of_file)
{
	unsigned char buf[4096];

	cr_assert_eq(steered_read(FILE_LEN + 4096, 100, buf, 0), 0);
	cr_assert_eq(steered_read(FILE_LEN - 10, 100, buf, 0), 10);
	cr_assert_arr_eq(buf, data + FILE_LEN - 10, 10);
}

Test(steering, write_goes_where_the_op_says)
{
	unsigned char src[4096], got[FILE_LEN];
	struct kt_cqe c[2];

	memset(src, 0x5a, sizeof(src));
	bpf_head(KT_MODE_STEER, 30000, 123);
	rw_sqe(IORING_OP_WRITE, src, sizeof(src), 0, 2);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 2), 123);
	memset(data + 30000, 0x5a, 123);
	cr_assert_eq(pread(fd, got, sizeof(got), 0), (ssize_t)sizeof(got));
	cr_assert_arr_eq(got, data, sizeof(got), "the file differs outside [30000, 30123)");
}

Test(steering, fixed_read_and_write)
{
	unsigned char *reg = aligned_alloc(4096, 8192), got[FILE_LEN];
	struct iovec iov = { reg, 8192 };
	struct kt_cqe c[2];

	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	memset(reg, 0, 8192);
	bpf_head(KT_MODE_STEER, 40000, 777);
	rw_sqe(IORING_OP_READ_FIXED, reg, 8192, 0, 2)->buf_index = 0;
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 2), 777);
	cr_assert_arr_eq(reg, data + 40000, 777);

	memset(reg, 0x11, 8192);
	bpf_head(KT_MODE_STEER, 100, 1000);
	rw_sqe(IORING_OP_WRITE_FIXED, reg, 8192, 0, 2)->buf_index = 0;
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 2), 1000);
	memset(data + 100, 0x11, 1000);
	cr_assert_eq(pread(fd, got, sizeof(got), 0), (ssize_t)sizeof(got));
	cr_assert_arr_eq(got, data, sizeof(got));
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	free(reg);
}

/* Two steered reads in one chain: read -> op -> read -> op -> read. */
Test(steering, several_steps_in_one_chain)
{
	unsigned char a[4096], b[4096];
	struct kt_cqe c[5];
	struct io_uring_sqe *sqe;

	sqe = kt_prep_bpf(&ring, 0, KT_MODE_STEER, NULL, 0, 1000, 8, 1);
	sqe->flags |= IOSQE_IO_LINK;
	rw_sqe(IORING_OP_READ, a, 4096, 0, 2)->flags |= IOSQE_IO_LINK;
	sqe = kt_prep_bpf(&ring, 0, KT_MODE_STEER, NULL, 0, 50000, 16, 3);
	sqe->flags |= IOSQE_IO_LINK;
	rw_sqe(IORING_OP_READ, b, 4096, 0, 4)->flags |= IOSQE_IO_LINK;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 9, 0, 5);
	kt_submit_wait(&ring, 5, c);
	cr_assert_eq(kt_res(c, 5, 2), 8);
	cr_assert_eq(kt_res(c, 5, 4), 16);
	cr_assert_eq(kt_res(c, 5, 5), 9);
	cr_assert_arr_eq(a, data + 1000, 8);
	cr_assert_arr_eq(b, data + 50000, 16);
}

static void check_chain_done(uint8_t link_flag)
{
	unsigned char buf[4096];
	struct kt_cqe c[3];
	struct kt_req_stat st;

	bpf_head(KT_MODE_DONE, 0, 0)->flags = link_flag;
	rw_sqe(IORING_OP_READ, buf, 4096, 0, 2)->flags |= link_flag;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT, NULL, 0, 5, 0, 3);
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(kt_res(c, 3, 1), 7, "the ending op keeps its result");
	cr_assert_eq(kt_res(c, 3, 2), -EALREADY);
	cr_assert_eq(kt_res(c, 3, 3), -EALREADY);
	/* a skipped BPF request: prepped, never issued, fail(-EALREADY), cleanup */
	st = kt_stat(&k, 3);
	cr_assert_eq(st.n[KT_CB_ISSUE], 0);
	cr_assert_eq(st.n[KT_CB_FAIL], 1);
	cr_assert_eq(st.fail_res, -EALREADY);
	cr_assert_eq(st.n[KT_CB_CLEANUP], 1);
}

Test(steering, chain_done_skips_the_rest)
{
	check_chain_done(IOSQE_IO_LINK);
}

Test(steering, chain_done_ends_hard_links_too)
{
	check_chain_done(IOSQE_IO_HARDLINK);
}

Test(steering, chain_done_from_io_wq)
{
	struct kt_cqe c[2];
	char buf[16];

	bpf_head(KT_MODE_DONE, 0, 0)->flags |= IOSQE_ASYNC;
	rw_sqe(IORING_OP_READ, buf, sizeof(buf), 0, 2);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 1), 7);
	cr_assert_eq(kt_res(c, 2, 2), -EALREADY);
}

Test(steering, a_failure_after_chain_done_cancels_as_usual)
{
	struct kt_cqe c[2];
	char buf[16];

	bpf_head(KT_MODE_DONE_FAIL, 0, 0);
	rw_sqe(IORING_OP_READ, buf, sizeof(buf), 0, 2);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 1), -EIO);
	cr_assert_eq(kt_res(c, 2, 2), -ECANCELED);
}

/* The op's result for a misuse, the next request cancelled by it. */
static int32_t misuse(unsigned int mode, uint64_t pos, uint64_t len, uint8_t next_opcode)
{
	unsigned char buf[4096];
	struct iovec iov = { buf, sizeof(buf) };
	struct kt_cqe c[2];

	bpf_head(mode, pos, len);
	if (next_opcode == IORING_OP_READV)
		rw_sqe(IORING_OP_READV, &iov, 1, 0, 2);
	else if (next_opcode == IORING_OP_NOP) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		sqe->user_data = 2;
	} else
		rw_sqe(next_opcode, buf, sizeof(buf), 0, 2);
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 2), -ECANCELED, "a failed op cancels the rest");
	return kt_res(c, 2, 1);
}

Test(steering, misuse_gets_its_errno)
{
	struct kt_cqe c;

	cr_assert_eq(misuse(KT_MODE_STEER, IORING_BPF_STEER_KEEP_POS, 4097, IORING_OP_READ),
		     -ERANGE, "longer");
	cr_assert_eq(misuse(KT_MODE_STEER, LLONG_MAX, IORING_BPF_STEER_KEEP_LEN, IORING_OP_READ),
		     -EOVERFLOW);
	cr_assert_eq(misuse(KT_MODE_STEER, (uint64_t)LLONG_MAX + 1, 0, IORING_OP_READ), -EOVERFLOW);
	cr_assert_eq(misuse(KT_MODE_STEER, 0, 10, IORING_OP_NOP), -EOPNOTSUPP, "a nop");
	cr_assert_eq(misuse(KT_MODE_STEER, 0, 10, IORING_OP_READV), -EOPNOTSUPP, "a readv");
	cr_assert_eq(misuse(KT_MODE_STEER_TWICE, 0, 0, IORING_OP_READ), -EALREADY);
	cr_assert_eq(misuse(KT_MODE_STEER_DONE, 0, 0, IORING_OP_READ), -EALREADY);
	/* not linked */
	kt_prep_bpf(&ring, 0, KT_MODE_STEER, NULL, 0, 0, 10, 1);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -ENOLINK);
	kt_prep_bpf(&ring, 0, KT_MODE_DONE, NULL, 0, 0, 0, 1);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -ENOLINK);
	/* linked, but nothing follows in the submission */
	bpf_head(KT_MODE_STEER, 0, 10);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -ENOENT);
	bpf_head(KT_MODE_DONE, 0, 0);
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -ENOENT);
}

Test(steering, a_linked_timeout_is_left_alone)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_sqe *sqe;
	struct kt_cqe c[2];

	bpf_head(KT_MODE_STEER, 0, 10);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 2;
	kt_submit_wait(&ring, 2, c);
	cr_assert_eq(kt_res(c, 2, 1), -EOPNOTSUPP);
	cr_assert_eq(kt_res(c, 2, 2), -ECANCELED);
}

Test(steering, only_from_issue)
{
	struct kt_req_stat st;
	unsigned char buf[64];
	struct kt_cqe c[3];

	/* prep and cleanup of a request, fail and cleanup of a cancelled one */
	kt_prep_bpf(&ring, 0, KT_MODE_RET | KT_FLAG_STEER_CB, NULL, 0, (uint64_t)-EIO, 0, 1)
		->flags |= IOSQE_IO_LINK;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT | KT_FLAG_STEER_CB, NULL, 0, 1, 0, 2)
		->flags |= IOSQE_IO_LINK;
	rw_sqe(IORING_OP_READ, buf, sizeof(buf), 0, 3);
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(kt_res(c, 3, 2), -ECANCELED);
	for (uint64_t ud = 1; ud <= 2; ud++) {
		st = kt_stat(&k, ud);
		cr_assert_eq(st.steer_res[KT_CB_PREP], -EPERM);
		cr_assert_eq(st.done_res[KT_CB_PREP], -EPERM);
		cr_assert_eq(st.steer_res[KT_CB_FAIL], -EPERM);
		cr_assert_eq(st.done_res[KT_CB_FAIL], -EPERM);
		cr_assert_eq(st.steer_res[KT_CB_CLEANUP], -EPERM);
		cr_assert_eq(st.done_res[KT_CB_CLEANUP], -EPERM);
	}
}

static void steer_on(unsigned int flags)
{
	unsigned char buf[4096];

	close(fd);
	kt_teardown(&k, &ring);
	setup_flags(flags);
	cr_assert_eq(steered_read(12345, 99, buf, 0), 99);
	cr_assert_arr_eq(buf, data + 12345, 99);
	bpf_head(KT_MODE_DONE, 0, 0);
	rw_sqe(IORING_OP_READ, buf, 16, 0, 2);
	{
		struct kt_cqe c[2];

		kt_submit_wait(&ring, 2, c);
		cr_assert_eq(kt_res(c, 2, 2), -EALREADY);
	}
}

Test(steering, on_an_sqpoll_ring)
{
	steer_on(IORING_SETUP_SQPOLL);
}

Test(steering, on_a_defer_taskrun_ring)
{
	steer_on(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
}
