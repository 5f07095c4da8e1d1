// SPDX-License-Identifier: MIT
/*
 * A linked chain read(file) -> BPF transform -> write(file): the written file
 * is checked byte for byte. The BPF request's buffer is pinned at submission,
 * before the read fills it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kt.h"

KT_SUITE(chain, 64, KT_BIND_MAIN, 60);

static int tmpfile_with(const unsigned char *data, size_t n)
{
	char path[] = "/tmp/kt-chain.XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	unlink(path);
	if (n)
		cr_assert_eq(write(fd, data, n), (ssize_t)n);
	return fd;
}

static void check_file(int fd, const unsigned char *want, size_t n)
{
	unsigned char *got = malloc(n + 1);

	cr_assert_eq(pread(fd, got, n + 1, 0), (ssize_t)n);
	cr_assert_arr_eq(got, want, n);
	free(got);
}

static void run_chain(unsigned char *buf, size_t n, unsigned int flags, bool fixed)
{
	unsigned char *in = malloc(n), *want = malloc(n);
	int src, dst;
	struct io_uring_sqe *sqe;
	struct io_uring_bpf_buf b;
	struct kt_cqe c[3];
	size_t i;

	for (i = 0; i < n; i++)
		in[i] = (unsigned char)(i * 7 + (i >> 9));
	for (i = 0; i < n; i++)
		want[i] = in[i] ^ 0x5c;
	src = tmpfile_with(in, n);
	dst = tmpfile_with(NULL, 0);

	sqe = io_uring_get_sqe(&ring);
	if (fixed)
		io_uring_prep_read_fixed(sqe, src, buf, n, 0, 0);
	else
		io_uring_prep_read(sqe, src, buf, n, 0);
	sqe->flags |= IOSQE_IO_LINK | flags;
	sqe->user_data = 1;
	b = fixed ? kt_fbuf(0, buf, n) : kt_ubuf(buf, n);
	sqe = kt_prep_bpf(&ring, 0, KT_MODE_XOR, &b, 1, 0x5c, 0, 2);
	sqe->flags |= IOSQE_IO_LINK | flags;
	sqe = io_uring_get_sqe(&ring);
	if (fixed)
		io_uring_prep_write_fixed(sqe, dst, buf, n, 0, 0);
	else
		io_uring_prep_write(sqe, dst, buf, n, 0);
	sqe->flags |= flags;
	sqe->user_data = 3;
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(kt_res(c, 3, 1), (int)n);
	cr_assert_eq(kt_res(c, 3, 2), (int)n);
	cr_assert_eq(kt_res(c, 3, 3), (int)n);
	check_file(dst, want, n);
	close(src);
	close(dst);
	free(in);
	free(want);
}

Test(chain, read_transform_write)
{
	unsigned char *buf = malloc(10000);

	run_chain(buf, 10000, 0, false);
	free(buf);
}

Test(chain, read_transform_write_async)
{
	unsigned char *buf = malloc(10000);

	run_chain(buf, 10000, IOSQE_ASYNC, false);
	free(buf);
}

Test(chain, read_transform_write_into_untouched_mmap)
{
	size_t n = (size_t)64 * 1024;
	unsigned char *buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(buf, MAP_FAILED);
	run_chain(buf, n, 0, false);
	munmap(buf, n);
}

Test(chain, read_transform_write_fixed)
{
	size_t n = 40000;
	unsigned char *buf = malloc(n);
	struct iovec iov = { buf, n };

	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	run_chain(buf, n, 0, true);
	free(buf);
}

Test(chain, failing_transform_stops_the_write)
{
	unsigned char buf[64];
	int src, dst;
	struct io_uring_sqe *sqe;
	struct kt_cqe c[3];

	memset(buf, 1, sizeof(buf));
	src = tmpfile_with(buf, sizeof(buf));
	dst = tmpfile_with(NULL, 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, src, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = kt_prep_bpf(&ring, 0, KT_MODE_RET, NULL, 0, (uint64_t)-EBADMSG, 0, 2);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, dst, buf, sizeof(buf), 0);
	sqe->user_data = 3;
	kt_submit_wait(&ring, 3, c);
	cr_assert_eq(kt_res(c, 3, 1), 64);
	cr_assert_eq(kt_res(c, 3, 2), -EBADMSG);
	cr_assert_eq(kt_res(c, 3, 3), -ECANCELED);
	cr_assert_eq(lseek(dst, 0, SEEK_END), 0, "the write ran");
	close(src);
	close(dst);
}

/* The same chain on rings set up differently: prep runs in the SQPOLL thread, or
 * completions are deferred to the submitter (DEFER_TASKRUN). */
static void chain_on_ring(unsigned int flags)
{
	unsigned char *buf = malloc(8192);

	io_uring_queue_exit(&ring);
	kt_ring_flags(&ring, 64, flags);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), 0);
	run_chain(buf, 8192, 0, false);
	free(buf);
}

Test(chain, on_an_sqpoll_ring)
{
	chain_on_ring(IORING_SETUP_SQPOLL);
}

Test(chain, on_a_defer_taskrun_ring)
{
	chain_on_ring(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
}
