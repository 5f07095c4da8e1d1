// SPDX-License-Identifier: MIT
/*
 * The buffer kfuncs (bpf_io_buf_load / store / copy, the zero-copy windows and
 * crc32c) over user and registered buffers, checked byte for byte, and
 * bpf_io_set_result.
 */
#define _GNU_SOURCE /* memfd_create */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kt.h"

KT_SUITE(kfuncs, 64, KT_BIND_MAIN, 60);

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed + (i >> 8));
}

Test(kfuncs, set_result)
{
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, 0x7fffffff, 0), 0x7fffffff);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, 0, 0), 0);
}

Test(kfuncs, load_and_store_user_buffers)
{
	unsigned char src[100], dst[100], want[100];
	struct io_uring_bpf_buf b[2];

	fill(src, sizeof(src), 1);
	memset(dst, 0x5a, sizeof(dst));
	b[0] = kt_ubuf(src, sizeof(src));
	b[1] = kt_ubuf(dst, sizeof(dst));
	/* 32 bytes of src at 10 -> dst at 60 */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOADSTORE, b, 2, 10, 60), 32);
	memset(want, 0x5a, sizeof(want));
	memcpy(want + 60, src + 10, 32);
	cr_assert_arr_eq(dst, want, sizeof(dst));
	/* the source is untouched */
	fill(want, sizeof(want), 1);
	cr_assert_arr_eq(src, want, sizeof(src));
}

Test(kfuncs, load_and_store_across_a_page_boundary)
{
	unsigned char *p = mmap(NULL, (size_t)3 * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char want[32];
	struct io_uring_bpf_buf b[2];

	cr_assert_neq(p, MAP_FAILED);
	fill(p, (size_t)4096 * 3, 7);
	/* src: [4000, 4200) straddles page 0/1; dst: page 2 at its end */
	b[0] = kt_ubuf(p + 4000, 200);
	b[1] = kt_ubuf(p + (size_t)2 * 4096 + 4090 - 64, 70);
	memcpy(want, p + 4000 + 80, 32);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOADSTORE, b, 2, 80, 38), 32);
	cr_assert_arr_eq(p + (size_t)2 * 4096 + 4090 - 64 + 38, want, 32);
	munmap(p, (size_t)3 * 4096);
}

Test(kfuncs, load_and_store_bounds)
{
	unsigned char a[64], bb[64];
	struct io_uring_bpf_buf b[2] = { kt_ubuf(a, 64), kt_ubuf(bb, 64) };

	memset(a, 1, sizeof(a));
	memset(bb, 2, sizeof(bb));
	/* exactly at the end: fine */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, b, 2, 1, 56), 8);
	/* one byte past the end */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, b, 2, 1, 57), -ERANGE);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE, b, 2, 0, 57), -ERANGE);
	/* offsets that would wrap */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, b, 2, 0, ~0ULL - 3), -ERANGE);
	/* bad buffer index */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, b, 2, 2, 0), -EINVAL);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE, b, 2, 0xffffffff, 0), -EINVAL);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, NULL, 0, 0, 0), -EINVAL);
	/* nothing was written by the failed stores */
	for (int i = 0; i < 64; i++)
		cr_assert_eq(a[i], 1);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE, b, 2, 1, 56), 8);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(bb[i], i >= 56 ? 0xab : 2, "byte %d", i);
}

Test(kfuncs, copy_between_user_buffers)
{
	size_t n = 3 * 4096 + 123;
	unsigned char *src = malloc(n), *dst = malloc(n), *want = malloc(n);
	struct io_uring_bpf_buf b[2];

	fill(src, n, 3);
	memset(dst, 0, n);
	b[0] = kt_ubuf(src, n);
	b[1] = kt_ubuf(dst, n);
	/* copy n - 200 bytes from src + 100 to dst + 50 */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, n - 200, (50ULL << 32) | 100), (int32_t)(n - 200));
	memset(want, 0, n);
	memcpy(want + 50, src + 100, n - 200);
	cr_assert_arr_eq(dst, want, n);
	/* bounds: one byte too many */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, n - 99, (0ULL << 32) | 100), -ERANGE);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, n - 49, (50ULL << 32) | 0), -ERANGE);
	/* zero bytes */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, 0, 0), 0);
	/* only one buffer: the destination index is bad */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 1, 10, 0), -EINVAL);
	free(src);
	free(dst);
	free(want);
}

Test(kfuncs, two_descriptors_of_one_memory)
{
	unsigned char p[256];
	struct io_uring_bpf_buf b[2];

	b[0] = kt_ubuf(p, sizeof(p));
	b[1] = b[0];	/* a second descriptor of the same memory is a separate buffer */
	fill(p, sizeof(p), 9);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, 64, (128ULL << 32) | 0), 64);
	cr_assert_arr_eq(p + 128, p, 64);
}

Test(kfuncs, fixed_buffers)
{
	size_t n = (size_t)64 * 1024;
	unsigned char *reg = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *want = malloc(n);
	struct iovec iov = { reg, n };
	struct io_uring_bpf_buf b[2];

	cr_assert_neq(reg, MAP_FAILED);
	fill(reg, n, 5);
	memcpy(want, reg, n);
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	/* fixed -> fixed, both inside registered buffer 0, across pages */
	b[0] = kt_fbuf(0, reg + 1000, 20000);
	b[1] = kt_fbuf(0, reg + 40000, 20000);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, 20000, (0ULL << 32) | 0), 20000);
	memcpy(want + 40000, want + 1000, 20000);
	cr_assert_arr_eq(reg, want, n);
	/* load/store at an offset in a fixed buffer */
	b[0] = kt_fbuf(0, reg + 4090, 100);
	b[1] = kt_fbuf(0, reg + 8190, 100);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOADSTORE, b, 2, 3, 5), 32);
	memcpy(want + 8190 + 5, want + 4090 + 3, 32);
	cr_assert_arr_eq(reg, want, n);
	/* xor in place, whole fixed buffer part */
	b[0] = kt_fbuf(0, reg + 5, 5000);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_XOR, b, 1, 0x3c, 0), 5000);
	for (size_t i = 5; i < 5005; i++)
		want[i] ^= 0x3c;
	cr_assert_arr_eq(reg, want, n);
	munmap(reg, n);
	free(want);
}

Test(kfuncs, fixed_and_user_mixed)
{
	size_t n = 8192;
	unsigned char *reg = malloc(n), *user = malloc(n);
	struct iovec iov = { reg, n };
	struct io_uring_bpf_buf b[2];

	fill(reg, n, 11);
	memset(user, 0, n);
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	b[0] = kt_fbuf(0, reg, n);
	b[1] = kt_ubuf(user, n);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, n, 0), (int)n);
	cr_assert_arr_eq(user, reg, n);
	free(reg);
	free(user);
}

Test(kfuncs, huge_page_fixed_buffer)
{
	size_t n = 4 << 20;
	unsigned char *reg = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *hp, *want = malloc((size_t)64 * 1024);
	struct iovec iov;
	struct io_uring_bpf_buf b[2];

	cr_assert_neq(reg, MAP_FAILED);
	/* 2 MiB aligned; coalesced into folio bvecs when THP backs it */
	hp = (unsigned char *)(((uintptr_t)reg + (2 << 20) - 1) & ~((uintptr_t)(2 << 20) - 1));
	madvise(hp, 2 << 20, MADV_HUGEPAGE);
	fill(hp, 2 << 20, 13);
	iov.iov_base = hp;
	iov.iov_len = 2 << 20;
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	b[0] = kt_fbuf(0, hp + 1234567, 64 * 1024);
	b[1] = kt_fbuf(0, hp + 100, 64 * 1024);
	memcpy(want, hp + 1234567, (size_t)64 * 1024);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_COPY, b, 2, (uint64_t)64 * 1024, 0), 64 * 1024);
	cr_assert_arr_eq(hp + 100, want, (size_t)64 * 1024);
	munmap(reg, n);
	free(want);
}

static long long sum_words(const unsigned char *p, size_t len)
{
	unsigned long long s = 0, w;
	size_t off;

	for (off = 0; off + 256 <= len && off < (size_t)256 * 1024; off += 256)
		for (size_t j = 0; j < 32; j++) {
			memcpy(&w, p + off + j * 8, 8);
			s += w;
		}
	return (long long)((s ^ (s >> 32)) & 0x7fffffff);
}

Test(kfuncs, never_touched_mmap_buffer)
{
	size_t n = (size_t)256 * 1024;
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring_bpf_buf b[1];
	unsigned char *q;

	cr_assert_neq(p, MAP_FAILED);
	/* not a single page of it is resident: store must fault them in at prep */
	b[0] = kt_ubuf(p + 8, n - 8);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE_CONST, b, 1, 0, 0x1122334455667788ULL), 8);
	cr_assert_eq(*(unsigned long long *)(p + 8), 0x1122334455667788ULL);
	munmap(p, n);

	/* same with a sum over never-touched memory: all zero */
	q = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(q, MAP_FAILED);
	b[0] = kt_ubuf(q, n);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_SUM, b, 1, 0, 0), 0);
	munmap(q, n);
}

Test(kfuncs, never_touched_shared_file_mapping)
{
	char path[] = "/tmp/kt-map.XXXXXX";
	size_t n = (size_t)64 * 1024;
	int fd = mkstemp(path);
	unsigned char *p, got[8];
	struct io_uring_bpf_buf b[1];

	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(ftruncate(fd, n), 0);
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	b[0] = kt_ubuf(p + (size_t)4096 * 3, 4096);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_STORE_CONST, b, 1, 0, 0x0102030405060708ULL), 8);
	munmap(p, n);
	/* the store reached the file (the page was dirtied) */
	cr_assert_eq(pread(fd, got, 8, (off_t)4096 * 3), 8);
	cr_assert_eq(*(unsigned long long *)got, 0x0102030405060708ULL);
	close(fd);
}

Test(kfuncs, sum_matches_userspace)
{
	size_t n = (size_t)200 * 1024;
	unsigned char *p = malloc(n);
	struct io_uring_bpf_buf b[1];

	fill(p, n, 17);
	b[0] = kt_ubuf(p, n);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_SUM, b, 1, 0, 0), sum_words(p, n));
	free(p);
}

Test(kfuncs, xor_odd_sizes)
{
	size_t sizes[] = { 0, 1, 63, 64, 65, 4095, 4097, 65536 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		unsigned char *p = malloc(n + 1), *want = malloc(n + 1);
		struct io_uring_bpf_buf b[1];

		fill(p, n + 1, (unsigned int)s);
		memcpy(want, p, n + 1);
		for (size_t i = 0; i < n; i++)
			want[i] ^= 0xa5;
		b[0] = kt_ubuf(p, n);
		cr_assert_eq(kt_run(&ring, 0, KT_MODE_XOR, b, 1, 0xa5, 0), (int)n, "size %zu", n);
		cr_assert_arr_eq(p, want, n + 1, "size %zu", n);
		free(p);
		free(want);
	}
}

/* Bitwise CRC32C (Castagnoli, reflected 0x82f63b78), raw: no inversion. */
static uint32_t crc32c_raw(uint32_t crc, const unsigned char *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return crc;
}

static int64_t crc_of(const struct io_uring_bpf_buf *b, unsigned int nr, unsigned int buf,
		      uint32_t off, uint64_t len)
{
	int32_t res = kt_run(&ring, 0, KT_MODE_CRC, b, nr, IORING_BPF_BUF_POS(buf, off), len);

	return res < 0 ? res : k.skel->bss->last_value;
}

Test(kfuncs, crc32c_matches_userspace)
{
	static const size_t lens[] = { 0, 1, 7, 8, 100, 4095, 4096, 4097, 20000 };
	size_t n = (size_t)64 * 1024;
	unsigned char *p = malloc(n), *reg = mmap(NULL, n, PROT_READ | PROT_WRITE,
						  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov = { reg, n };
	struct io_uring_bpf_buf b[2];

	cr_assert_neq(reg, MAP_FAILED);
	fill(p, n, 21);
	memcpy(reg, p, n);
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	b[0] = kt_ubuf(p + 3, n - 3);
	b[1] = kt_fbuf(0, reg + 3, n - 3);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (uint32_t off = 0; off < 5000; off += 1237) {
			int64_t want = crc32c_raw(~0U, p + 3 + off, lens[i]);

			cr_assert_eq(crc_of(b, 2, 0, off, lens[i]), want, "user, len %zu off %u",
				     lens[i], off);
			cr_assert_eq(crc_of(b, 2, 1, off, lens[i]), want, "fixed, len %zu off %u",
				     lens[i], off);
		}
	/* the check value of the standard: "123456789" -> 0xe3069283 */
	memcpy(p + 3, (const unsigned char[]){ '1', '2', '3', '4', '5', '6', '7', '8', '9' }, 9);
	cr_assert_eq((uint32_t)~crc_of(b, 1, 0, 0, 9), 0xe3069283U);
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	munmap(reg, n);
	free(p);
}

Test(kfuncs, crc32c_bounds)
{
	unsigned char p[64];
	struct io_uring_bpf_buf b = kt_ubuf(p, sizeof(p));

	cr_assert_eq(crc_of(&b, 1, 1, 0, 1), -EINVAL, "no buffer 1");
	cr_assert_eq(crc_of(&b, 1, 0, 60, 5), -ERANGE);
	cr_assert_eq(crc_of(&b, 1, 0, 65, 0), -ERANGE);
	cr_assert_geq(crc_of(&b, 1, 0, 64, 0), 0);
	cr_assert_eq(crc_of(&b, 1, 0, 0, ~0ULL), -ERANGE);
}

Test(kfuncs, window_writes_the_buffer_in_place)
{
	/* page-aligned: a window across a page boundary is NULL, by design */
	static unsigned char p[256] __attribute__((aligned(4096)));
	unsigned char want[256];
	struct io_uring_bpf_buf b[2];

	fill(p, sizeof(p), 3);
	memcpy(want, p, sizeof(p));
	b[0] = kt_ubuf(p, 100);
	b[1] = kt_ubuf(p + 100, 156);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW, b, 2, IORING_BPF_BUF_POS(1, 10), 0), 64);
	memset(want + 110, 0xcd, 64);
	cr_assert_arr_eq(p, want, sizeof(p));
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, b, 2, IORING_BPF_BUF_POS(0, 36), 0),
		     (int32_t)kt_byte_sum(want + 36, 64));
}

Test(kfuncs, window_bounds)
{
	unsigned char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	struct io_uring_bpf_buf b = kt_ubuf(p, 4096);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW, &b, 1, IORING_BPF_BUF_POS(0, 4032), 0), 64);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW, &b, 1, IORING_BPF_BUF_POS(0, 4033), 0),
		     -KT_NO_WINDOW, "past the end");
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW, &b, 1, IORING_BPF_BUF_POS(1, 0), 0),
		     -KT_NO_WINDOW, "no buffer 1");
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_PAGE, &b, 1, IORING_BPF_BUF_POS(0, 1), 1),
		     -KT_NO_WINDOW, "4096 bytes from offset 1 of a 4096-byte buffer");
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, &b, 1, IORING_BPF_BUF_POS(0, ~0U), 0),
		     -KT_NO_WINDOW);
	munmap(p, 8192);
}

/*
 * A window may not span two pages that do not follow each other in memory: map
 * one page of a memfd twice, side by side, and ask for a window across them.
 * The load/store kfuncs still work there.
 */
Test(kfuncs, window_across_discontiguous_pages)
{
	int fd = memfd_create("kt-window", 0);
	unsigned char *p;
	struct io_uring_bpf_buf b;

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 4096), 0);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_neq(mmap(p + 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0),
		      MAP_FAILED);
	fill(p, 4096, 7);
	b = kt_ubuf(p, 8192);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, &b, 1, IORING_BPF_BUF_POS(0, 4064), 0),
		     -KT_NO_WINDOW);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_RO, &b, 1, IORING_BPF_BUF_POS(0, 4096), 0),
		     (int32_t)kt_byte_sum(p, 64), "the second mapping is the first page again");
	/* the load kfunc copies page by page: fine across them */
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_LOAD, &b, 1, 0, 4092), 8);
	munmap(p, 8192);
	close(fd);
}

/* A whole-page window over a registered buffer, byte for byte. */
Test(kfuncs, page_window_over_a_fixed_buffer)
{
	size_t n = (size_t)3 * 4096;
	unsigned char *reg = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0), *want = malloc(n);
	struct iovec iov = { reg, n };
	struct io_uring_bpf_buf b;

	cr_assert_neq(reg, MAP_FAILED);
	fill(reg, n, 4);
	memcpy(want, reg, n);
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	b = kt_fbuf(0, reg, n);
	cr_assert_eq(kt_run(&ring, 0, KT_MODE_WINDOW_PAGE, &b, 1, IORING_BPF_BUF_POS(0, 4096),
			    0x5a), 4096);
	for (size_t i = 4096; i < 8192; i++)
		want[i] ^= 0x5a;
	cr_assert_arr_eq(reg, want, n);
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	munmap(reg, n);
	free(want);
}
