// SPDX-License-Identifier: MIT
/*
 * Corners of the contract in include/ringflow/uapi.h that an outside suite,
 * written from the docs alone, met: short steered reads, the byte budget call by
 * call, the errno range of bpf_io_set_result(), empty buffers, which errno wins,
 * the kernel null op's checks, private file mappings, and submission stopping at
 * a refused request.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include "kt.h"

KT_SUITE(contract, 64, KT_BIND_MAIN, 300);

#define FILE_LEN	((size_t)64 * 1024)

/* A temporary file of FILE_LEN bytes of pattern; its fd. */
static int pattern_file(unsigned char *data)
{
	char path[] = "/tmp/kt-contract.XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	unlink(path);
	for (unsigned int i = 0; i < FILE_LEN; i++)
		data[i] = (unsigned char)(i * 13 + (i >> 8));
	cr_assert_eq(pwrite(fd, data, FILE_LEN, 0), (ssize_t)FILE_LEN);
	return fd;
}

/*
 * BPF steer (pos, len) -> READ of 4 KiB at 0 -> NOP, linked: the results of the
 * read and of the NOP.
 */
static void steer_read_nop(int fd, uint64_t pos, uint32_t len, unsigned char *buf,
			   int32_t *read_res, int32_t *nop_res)
{
	struct io_uring_sqe *sqe;
	struct kt_cqe c[3];

	sqe = kt_prep_bpf(&ring, 0, KT_MODE_STEER, NULL, 0, pos, len, 1);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, 4096, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 2;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 3;
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(kt_res(c, 3, 1), 0, "the steering op");
	*read_res = kt_res(c, 3, 2);
	*nop_res = kt_res(c, 3, 3);
}

/* io_uring breaks a link at a short read; the steered length is the one expected. */
Test(contract, a_short_steered_read_breaks_the_chain)
{
	static unsigned char data[FILE_LEN];
	unsigned char buf[4096];
	int fd = pattern_file(data);
	int32_t rd, nop;

	steer_read_nop(fd, 100, 300, buf, &rd, &nop);
	cr_assert_eq(rd, 300, "a full steered length");
	cr_assert_arr_eq(buf, data + 100, 300);
	cr_assert_eq(nop, 0, "a read of its full steered length continues the chain");

	steer_read_nop(fd, FILE_LEN - 10, 300, buf, &rd, &nop);
	cr_assert_eq(rd, 10, "the end of the file");
	cr_assert_arr_eq(buf, data + FILE_LEN - 10, 10);
	cr_assert_eq(nop, -ECANCELED, "a short read breaks the chain");
	close(fd);
}

/*
 * The budget refuses a call that would cross it whole (nothing of it is copied),
 * and smaller calls that fit still succeed after it.
 */
Test(contract, the_byte_budget_refuses_a_crossing_call_whole)
{
	size_t n = IORING_BPF_MAX_BUF_LEN;
	unsigned char *src = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *dst = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov[2] = { { src, n }, { dst, n } };
	struct io_uring_bpf_buf b[2] = { kt_fbuf(0, src, n), kt_fbuf(1, dst, n) };
	/* MiB per call: 16 16 16 8 = 56, 16 would make 72: refused, 8 makes 64, 1 is over */
	uint64_t sizes = 0x01081008101010ULL;

	cr_assert_eq(IORING_BPF_MAX_REQ_BYTES, 64ULL << 20, "the sizes below assume 64 MiB");
	cr_assert_neq(src, MAP_FAILED);
	cr_assert_neq(dst, MAP_FAILED);
	memset(src, 0x3c, n);
	memset(dst, 0, n);
	cr_assert_eq(io_uring_register_buffers(&ring, iov, 2), 0);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_SIZES, b, 2, sizes, 0), 0);
	cr_assert_eq(k.skel->bss->last_value & 0xff, 0x2f, "calls 0-3 and 5 copied: %#llx",
		     (unsigned long long)k.skel->bss->last_value);
	cr_assert_eq(k.skel->bss->last_value >> 8, EDQUOT);
	cr_assert_eq(dst[0], 0x3c);
	cr_assert_eq(dst[n - 1], 0x3c, "the 16 MiB calls copied");
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	munmap(src, n);
	munmap(dst, n);
}

/* bpf_io_set_result() follows the same range as issue's return value. */
Test(contract, set_result_below_the_errno_range_is_einval)
{
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, (uint64_t)-512, 0), -EINVAL);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, (uint64_t)-4095, 0), -EINVAL);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, (uint64_t)-511, 0), -511);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, (uint64_t)-EIO, 0), -EIO);
}

Test(contract, an_empty_user_buffer_is_accepted)
{
	char x[8];
	struct io_uring_bpf_buf b = kt_ubuf(x, 0);

	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, &b, 1, 5, 0), 5);
	/* and a kfunc on it copies nothing: 0 bytes of buf 0 into buf 1 */
	{
		struct io_uring_bpf_buf two[2] = { kt_ubuf(x, 0), kt_ubuf(x, 8) };

		cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, two, 2, 0, 0), 0);
		cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, two, 2, 1, 0), -ERANGE,
			     "a byte beyond an empty buffer");
	}
}

/* When several checks fail, the order in uapi.h decides. */
Test(contract, the_first_failing_check_gives_the_errno)
{
	char x[8];
	struct io_uring_bpf_buf b = kt_ubuf(NULL, IORING_BPF_MAX_BUF_LEN + 1);
	struct io_uring_bpf_buf two[2] = { kt_ubuf(x, 8), kt_ubuf(NULL, 8) };
	struct io_uring_sqe *sqe;
	struct kt_cqe c;

	b.addr = ~0ULL - 10;	/* wraps and is too long */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, &b, 1, 5, 0), -E2BIG);
	b.buf_index = 1;	/* and names a registered buffer */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, &b, 1, 5, 0), -EINVAL);
	/* a reserved SQE field comes before the slot */
	sqe = kt_prep_bpf(&ring, IORING_BPF_MAX_OPS, 0, &b, 1, 5, 0, 7);
	sqe->ioprio = 1;
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -EINVAL);
	/* the slot before the descriptors */
	cr_assert_eq(kt_run(&ring, IORING_BPF_MAX_OPS, 0, &b, 1, 5, 0), -ERANGE);
	cr_assert_eq(kt_run(&ring, 9, 0, &b, 1, 5, 0), -ENOENT);
	/* descriptors in array order: the second one's error */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, two, 2, 5, 0), -EFAULT);
	two[1] = b;
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, two, 2, 5, 0), -EINVAL);
}

/* A slot bound to the kernel's null op checks the request as any other. */
Test(contract, kernel_null_op_slots_check_the_sqe_and_descriptors)
{
	struct io_uring_bpf_bind bind = { .slot = 5, .link_fd = -1,
					  .flags = IORING_BPF_BIND_KERNEL_NOP };
	struct io_uring_bpf_buf b;
	struct io_uring_sqe *sqe;
	struct kt_cqe c;
	char x[8];

	cr_assert_eq(kt_bind_raw(ring.ring_fd, &bind, 1), 0);
	b = kt_ubuf(x, 8);
	cr_assert_eq(kt_run(&ring, 5, 0, &b, 1, 0, 0), 0);
	sqe = kt_prep_bpf(&ring, 5, 0, NULL, 0, 0, 0, 7);
	sqe->buf_index = 1;
	kt_submit_wait(&ring, 1, &c);
	cr_assert_eq(c.res, -EINVAL, "reserved field");
	b.type = 9;
	cr_assert_eq(kt_run(&ring, 5, 0, &b, 1, 0, 0), -EINVAL, "descriptor type");
	b = kt_ubuf(NULL, 8);
	cr_assert_eq(kt_run(&ring, 5, 0, &b, 1, 0, 0), -EFAULT, "NULL buffer");
	b = kt_ubuf(x, IORING_BPF_MAX_BUF_LEN + 1);
	cr_assert_eq(kt_run(&ring, 5, 0, &b, 1, 0, 0), -E2BIG);
}

/*
 * A writable buffer may be a private mapping of a file: stores land in the
 * process's copy of the page (copy on write), never in the file.
 */
Test(contract, a_writable_private_file_mapping_is_accepted)
{
	static unsigned char data[FILE_LEN];
	unsigned char got[16];
	int fd = pattern_file(data);
	unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	uint64_t v = 0x1122334455667788ULL;
	struct io_uring_bpf_buf b = kt_ubuf(p, 4096);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE_CONST, &b, 1, 0, v), 8);
	cr_assert_eq(memcmp(p, &v, 8), 0, "the store reached the mapping");
	cr_assert_arr_eq(p + 8, data + 8, 4088);
	cr_assert_eq(pread(fd, got, sizeof(got), 0), (ssize_t)sizeof(got));
	cr_assert_arr_eq(got, data, sizeof(got), "the file is unchanged");
	munmap(p, 4096);
	close(fd);
}

/*
 * Without IORING_SETUP_SUBMIT_ALL, io_uring_enter() stops consuming SQEs at one
 * whose submission fails (a prep failure included): it is completed with its
 * error, the rest wait in the SQ ring for the next call.
 */
static unsigned int submit_nop_bad_nop(struct io_uring *r, unsigned int slot,
				       unsigned int op_flags)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(r);

	io_uring_prep_nop(sqe);
	sqe->user_data = 1;
	kt_prep_bpf(r, slot, op_flags, NULL, 0, 5, 0, 2);
	sqe = io_uring_get_sqe(r);
	io_uring_prep_nop(sqe);
	sqe->user_data = 3;
	return (unsigned int)io_uring_submit(r);
}

/* Collect n CQEs without submitting anything. */
static void wait_cqes(struct io_uring *r, unsigned int n, struct kt_cqe *out)
{
	struct io_uring_cqe *cqe;

	for (unsigned int i = 0; i < n; i++) {
		cr_assert_eq(io_uring_wait_cqe(r, &cqe), 0);
		out[i].user_data = cqe->user_data;
		out[i].res = cqe->res;
		io_uring_cqe_seen(r, cqe);
	}
}

Test(contract, a_request_refused_at_submission_stops_the_submit)
{
	struct io_uring all;
	struct kt_cqe c[3];
	/* an unbound slot, and a prep that returns -EIO */
	const unsigned int slots[2] = { 9, 0 }, flags[2] = { 0, EIO << KT_PREP_ERR_SHIFT };
	const int errs[2] = { -ENOENT, -EIO };

	for (int i = 0; i < 2; i++) {
		cr_assert_eq(submit_nop_bad_nop(&ring, slots[i], flags[i]), 2,
			     "the SQEs up to the refused one");
		wait_cqes(&ring, 2, c);
		cr_assert_eq(kt_res(c, 2, 1), 0);
		cr_assert_eq(kt_res(c, 2, 2), errs[i]);
		cr_assert_eq(io_uring_sq_ready(&ring), 1, "the last NOP waits in the SQ ring");
		kt_submit_wait(&ring, 1, c);
		cr_assert_eq(c[0].user_data, 3);
		cr_assert_eq(c[0].res, 0);
	}

	kt_ring_flags(&all, 8, IORING_SETUP_SUBMIT_ALL);
	cr_assert_eq(kt_bind(all.ring_fd, 0, kt_main_fd(&k)), 0);
	cr_assert_eq(submit_nop_bad_nop(&all, 0, EIO << KT_PREP_ERR_SHIFT), 3,
		     "with IORING_SETUP_SUBMIT_ALL every SQE is consumed");
	wait_cqes(&all, 3, c);
	cr_assert_eq(kt_res(c, 3, 2), -EIO);
	cr_assert_eq(kt_res(c, 3, 3), 0);
	io_uring_queue_exit(&all);
}
