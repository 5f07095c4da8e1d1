// SPDX-License-Identifier: MIT
/*
 * Buffers of IORING_OP_BPF requests: what a failed import leaves behind, the
 * memlock accounting of pinned pages, read-only buffers, aliasing descriptors,
 * and the byte budget of a request.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kt.h"

KT_SUITE(buffers, 64, KT_BIND_MAIN, 120);

static void *map_anon(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

static struct io_uring_bpf_buf ro(struct io_uring_bpf_buf b)
{
	b.flags = IORING_BPF_BUF_RDONLY;
	return b;
}

static int32_t run_ud(unsigned int op_flags, const struct io_uring_bpf_buf *b,
		      unsigned int nr, uint64_t arg0, uint64_t arg1, uint64_t ud)
{
	struct kt_cqe c;

	kt_prep_bpf(&ring, 0, op_flags, b, nr, arg0, arg1, ud);
	kt_submit_wait(&ring, 1, &c);
	return c.res;
}

/* The outside review's NULL dereference: a fail program reading a buffer whose import failed. */
Test(buffers, failed_import_runs_no_callback)
{
	char *good = map_anon(4096);
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring_bpf_buf b[3] = { kt_ubuf(good, 4096), kt_ubuf(none, 4096),
					 kt_ubuf(good, 8) };
	struct kt_req_stat st;

	cr_assert_neq(none, MAP_FAILED);
	cr_assert_eq(run_ud(KT_MODE_RESULT | KT_FLAG_TOUCH, b, 3, 1, 0, 501), -EFAULT);
	/* the kernel's checks failed: no program ran, not even fail */
	st = kt_stat(&k, 501);
	cr_assert_eq(st.n[KT_CB_PREP] + st.n[KT_CB_ISSUE] + st.n[KT_CB_FAIL] + st.n[KT_CB_CLEANUP], 0);
	/* the same at the head of a link chain: the rest is cancelled cleanly */
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT | KT_FLAG_TOUCH, b, 3, 1, 0, 502)->flags |= IOSQE_IO_LINK;
	kt_prep_bpf(&ring, 0, KT_MODE_RESULT | KT_FLAG_TOUCH, b, 1, 1, 0, 503);
	{
		struct kt_cqe c[2];

		kt_submit_wait(&ring, 2, c);
		cr_assert_eq(kt_res(c, 2, 502), -EFAULT);
		cr_assert_eq(kt_res(c, 2, 503), -ECANCELED);
	}
	cr_assert_eq(kt_stat(&k, 502).n[KT_CB_FAIL], 0);
	st = kt_stat(&k, 503);
	cr_assert_eq(st.n[KT_CB_FAIL], 1);
	cr_assert_eq(st.n[KT_CB_CLEANUP], 1);
	cr_assert_eq(st.touch_ok[KT_CB_FAIL], 1, "buffer 0 of the cancelled request is readable");
	cr_assert_eq(st.touch_err[KT_CB_FAIL], -EINVAL, "indexes 1..3 do not exist");
	cr_assert_eq(st.touch_ok[KT_CB_CLEANUP], 1);
	munmap(good, 4096);
	munmap(none, 4096);
}

/* fail and cleanup programs see exactly the buffers that were imported. */
Test(buffers, fail_and_cleanup_see_every_imported_buffer)
{
	char *p = map_anon(8192);
	struct io_uring_bpf_buf b[2] = { kt_ubuf(p, 100), kt_ubuf(p + 4096, 4096) };
	struct kt_req_stat st;

	/* prep fails: fail runs with both buffers, cleanup does not run */
	cr_assert_eq(run_ud(KT_MODE_RESULT | KT_FLAG_TOUCH | (5 << KT_PREP_ERR_SHIFT), b, 2,
			    1, 0, 511), -5);
	st = kt_stat(&k, 511);
	cr_assert_eq(st.n[KT_CB_FAIL], 1);
	cr_assert_eq(st.n[KT_CB_CLEANUP], 0);
	cr_assert_eq(st.touch_ok[KT_CB_FAIL], 3);
	cr_assert_eq(st.touch_err[KT_CB_FAIL], -EINVAL);
	/* issue fails: fail and cleanup both see both buffers */
	cr_assert_eq(run_ud(KT_MODE_RET | KT_FLAG_TOUCH, b, 2, (uint64_t)-EIO, 0, 512), -EIO);
	st = kt_stat(&k, 512);
	cr_assert_eq(st.touch_ok[KT_CB_FAIL], 3);
	cr_assert_eq(st.touch_ok[KT_CB_CLEANUP], 3);
	munmap(p, 8192);
}

/* Closing the ring cancels a request queued behind a read that never completes. */
Test(buffers, ring_close_cancels_with_buffers_intact)
{
	char *p = map_anon(4096), rd[8];
	struct io_uring r;
	struct io_uring_sqe *sqe;
	struct io_uring_bpf_buf b = kt_ubuf(p, 4096);
	int pfd[2];

	cr_assert_eq(pipe(pfd), 0);
	kt_ring(&r, 8);
	cr_assert_eq(kt_bind(r.ring_fd, 0, kt_main_fd(&k)), 0);
	sqe = io_uring_get_sqe(&r);
	io_uring_prep_read(sqe, pfd[0], rd, sizeof(rd), 0);
	sqe->flags |= IOSQE_IO_LINK;
	kt_prep_bpf(&r, 0, KT_MODE_RESULT | KT_FLAG_TOUCH, &b, 1, 1, 0, 521);
	cr_assert_eq(io_uring_submit(&r), 2);
	io_uring_queue_exit(&r);
	cr_assert(kt_wait_stat(&k, 521, KT_CB_CLEANUP, 1), "the cancelled request was cleaned up");
	cr_assert_eq(kt_stat(&k, 521).touch_ok[KT_CB_FAIL], 1);
	cr_assert_eq(kt_stat(&k, 521).fail_res, -ECANCELED);
	close(pfd[0]);
	close(pfd[1]);
	munmap(p, 4096);
}

static long vm_pinned_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * As nobody with RLIMIT_MEMLOCK = 64 KiB: 32 KiB buffers queued behind a read
 * that has not completed are charged until they complete; the third does not fit.
 */
static int memlock_child(void)
{
	struct rlimit lim = { 64 * 1024UL, 64 * 1024UL };
	struct io_uring r;
	struct io_uring_sqe *sqe;
	struct io_uring_bpf_buf b[3];
	struct io_uring_cqe *cqe;
	char *p, rd[3][8];
	int pfd[2], i, got = 0, seen[3] = { 0 };

	if (setrlimit(RLIMIT_MEMLOCK, &lim) || setgid(65534) || setuid(65534))
		return 100;
	if (pipe(pfd) || io_uring_queue_init(16, &r, 0))
		return 101;
	if (kt_bind(r.ring_fd, 0, kt_main_fd(&k)))
		return 102;
	p = mmap(NULL, 3 * 32768UL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 103;
	/* a 1 MiB buffer alone is over the limit */
	{
		char *big = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct io_uring_bpf_buf bb = kt_ubuf(big, 1 << 20);

		if (kt_run(&r, 0, KT_MODE_RESULT, &bb, 1, 1, 0) != -ENOMEM)
			return 1;
		munmap(big, 1 << 20);
	}
	for (i = 0; i < 3; i++) {
		b[i] = kt_ubuf(p + (size_t)i * 32768, 32768);
		sqe = io_uring_get_sqe(&r);
		io_uring_prep_read(sqe, pfd[0], rd[i], 1, 0);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = 10 + i;
		kt_prep_bpf(&r, 0, KT_MODE_RESULT, &b[i], 1, 7, 0, 20 + i);
	}
	if (io_uring_submit(&r) != 6)
		return 104;
	/* the third request failed at submission: its CQE and its read's are there */
	for (i = 0; i < 2; i++) {
		if (io_uring_wait_cqe(&r, &cqe))
			return 105;
		if (cqe->user_data == 22 && cqe->res != -ENOMEM)
			return 2;
		seen[cqe->user_data >= 20 ? cqe->user_data - 20 : 0] += cqe->user_data >= 20;
		io_uring_cqe_seen(&r, cqe);
	}
	if (!seen[2])
		return 3;
	if (vm_pinned_kb() != 64)
		return 4;
	/* completing the reads lets both requests run and releases their pins */
	if (write(pfd[1], "ab", 2) != 2)
		return 106;
	while (got < 4) {
		if (io_uring_wait_cqe(&r, &cqe))
			return 107;
		if (cqe->user_data >= 20 && cqe->res != 7)
			return 5;
		got++;
		io_uring_cqe_seen(&r, cqe);
	}
	if (vm_pinned_kb() != 0)
		return 6;
	/* and the memory is free again */
	if (kt_run(&r, 0, KT_MODE_RESULT, &b[2], 1, 9, 0) != 9)
		return 7;
	io_uring_queue_exit(&r);
	return 0;
}

Test(buffers, pins_are_charged_to_rlimit_memlock)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(memlock_child());
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 0,
		     "child exit %d (1 big buffer, 2 third request, 3 no CQE for it, 4 VmPin "
		     "in flight, 5 results, 6 VmPin after, 7 reuse)", WEXITSTATUS(status));
}

Test(buffers, read_only_mappings_work_for_loads)
{
	unsigned char *zero = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/self/exe", O_RDONLY);
	unsigned char *exe;
	struct io_uring_bpf_buf b;

	cr_assert_neq(zero, MAP_FAILED);
	cr_assert_geq(fd, 0);
	exe = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	cr_assert_neq(exe, MAP_FAILED);
	/* an anonymous read-only mapping, never touched */
	b = ro(kt_ubuf(zero, 8192));
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, &b, 1, IORING_BPF_BUF_POS(0, 4096), 0), 0);
	/* a file mapping (the test binary: "\x7fELF" + ...) */
	b = ro(kt_ubuf(exe, 8192));
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, &b, 1, 0, 0), (int32_t)kt_byte_sum(exe, 64));
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, &b, 1, 0, 4090), 8);
	/* without the flag, such buffers cannot be pinned for writing */
	b = kt_ubuf(exe, 8192);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, &b, 1, 0, 0), -EFAULT);
	munmap(exe, 8192);
	munmap(zero, 8192);
	close(fd);
}

Test(buffers, read_only_buffers_refuse_every_write)
{
	unsigned char *p = map_anon(8192), want[8192];
	struct io_uring_bpf_buf b[2];

	memset(p, 0x11, 8192);
	memcpy(want, p, 8192);
	b[0] = ro(kt_ubuf(p, 4096));
	b[1] = ro(kt_ubuf(p + 4096, 4096));
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE, b, 1, 0, 0), -EACCES);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, b, 2, 16, 0), -EACCES);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW, b, 1, 0, 0), -KT_NO_WINDOW);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_PAGE, b, 1, 0, 0x55), -KT_NO_WINDOW);
	cr_assert_arr_eq(p, want, 8192, "a read-only buffer was written");
	/* reading works, and a writable destination takes the copy */
	b[1] = kt_ubuf(p + 4096, 4096);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, b, 2, 16, 0), 16);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, b, 1, 0, 0), 64 * 0x11);
	munmap(p, 8192);
}

/* Copies between two descriptors of the same memory must not overlap. */
Test(buffers, copy_between_aliasing_descriptors)
{
	unsigned char *p = map_anon(8192);
	struct iovec iov = { p, 8192 };
	struct io_uring_bpf_buf b[2];

	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	memset(p, 0x22, 8192);
	/* buf 1 [0, 64) <- buf 0 [32, 96): the same bytes p[32..96) and p[0..64) overlap */
	b[0] = kt_ubuf(p, 4096);
	b[1] = kt_ubuf(p, 4096);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, b, 2, 64, 32), -EINVAL);
	/* a fixed descriptor of the same memory is caught too */
	b[1] = kt_fbuf(0, p + 16, 4096);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, b, 2, 64, 32), -EINVAL);
	/* disjoint ranges of the same memory are fine */
	b[1] = kt_fbuf(0, p + 4096, 4096);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_USER, b, 2, 64, 32), 64);
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	munmap(p, 8192);
}

/*
 * The largest request: 4 x 16 MiB copied between two 16 MiB registered buffers,
 * the whole byte budget; a fifth copy is refused. No soft lockup or RCU stall
 * report may follow (the VM runner fails the run on one).
 */
Test(buffers, byte_budget_bounds_a_request)
{
	size_t n = IORING_BPF_MAX_BUF_LEN;
	unsigned char *src = map_anon(n), *dst = map_anon(n);
	struct iovec iov[2] = { { src, n }, { dst, n } };
	struct io_uring_bpf_buf b[2] = { kt_fbuf(0, src, n), kt_fbuf(1, dst, n) };

	memset(src, 0x5c, n);
	cr_assert_eq(io_uring_register_buffers(&ring, iov, 2), 0);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_REPEAT, b, 2, 4, 0), 0);
	cr_assert_eq(k.skel->bss->last_value, 4);
	cr_assert_eq(dst[0], 0x5c);
	cr_assert_eq(dst[n - 1], 0x5c);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY_REPEAT, b, 2, 5, 0), -EDQUOT);
	cr_assert_eq(k.skel->bss->last_value, 4, "%lld copies", (long long)k.skel->bss->last_value);
	cr_assert_eq(IORING_BPF_MAX_REQ_BYTES, 4ULL * IORING_BPF_MAX_BUF_LEN);
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	munmap(src, n);
	munmap(dst, n);
}
