// SPDX-License-Identifier: MIT
/*
 * The soak: many requests through the same chains with buffers, read (plain or
 * registered buffer) -> xor (BPF) -> crc32c (BPF) -> write, every result checked,
 * on a new ring every tenth of the run (plain, SQPOLL, DEFER_TASKRUN in turn).
 * The guest's memory is sampled after each ring closed; after the first tenth
 * (the warm-up: slab caches and fd_out's page cache grown to their steady size)
 * nothing may grow beyond the tolerances below, VmPin must be back to its start
 * and nothing may stay charged to memlock. On a kernel with kmemleak, a scan at
 * the end must find nothing the warm-up did not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "fuzz.h"

/*
 * On the debug kernel, KASAN's quarantine keeps freed objects (up to 1/32 of the
 * memory) in their slabs for a while and kmemleak's own metadata is slab too:
 * Slab and MemFree move by megabytes there without a leak (measured over
 * 1,000,000 requests: Slab +4 MiB in the next 200,000, then flat within 0.4 MiB
 * to the end, kmemleak silent). They are printed, and kmemleak judges.
 *
 * Tolerances, from the first sample after the warm-up to the last: a leak of the
 * smallest slab object (8 bytes) per chain of 4 requests over the 900,000 measured
 * requests of a 1,000,000 run is 1.7 MiB, one page per 1,000 requests 3.5 MiB.
 * Slab moves by whole slab pages on 2 CPUs, and MemFree by the per-CPU page lists
 * (a few hundred kB each), which the margins absorb.
 */
#define SOAK_SLAB_KB		1024
#define SOAK_MEMFREE_KB		3072

#define SOAK_CHAINS	32	/* per batch, 4 requests each */
#define SOAK_REQS	(SOAK_CHAINS * 4)
#define SOAK_LEN	4096
#define SOAK_PHASES	10

struct sample {
	long memfree, slab, sunreclaim, vmpin;
	unsigned long long prep;
};

static struct sample sample(struct fz_env *env)
{
	struct sample s = {
		.memfree = fz_meminfo_kb("MemFree:"),
		.slab = fz_meminfo_kb("Slab:"),
		.sunreclaim = fz_meminfo_kb("SUnreclaim:"),
		.vmpin = fz_status_kb("VmPin:"),
		.prep = env->skel->bss->calls[KT_CB_PREP],
	};
	return s;
}

static void print_sample(const char *when, uint64_t done, const struct sample *s)
{
	printf("soak: %-9s %9llu requests: MemFree %8ld kB, Slab %7ld kB (unreclaimable %7ld kB), "
	       "VmPin %ld kB, prep callbacks %llu\n", when, (unsigned long long)done, s->memfree,
	       s->slab, s->sunreclaim, s->vmpin, s->prep);
}

static int kmemleak(const char *cmd)
{
	FILE *f = fopen("/sys/kernel/debug/kmemleak", "w");

	if (!f)
		return -errno;
	fputs(cmd, f);
	return fclose(f) ? -errno : 0;
}

/* Suspected leaks the last scan found (kmemleak reports objects older than 5 s). */
static long kmemleak_count(void)
{
	char line[512];
	long n = 0;
	FILE *f;

	sleep(6);
	if (kmemleak("scan"))
		return -1;
	f = fopen("/sys/kernel/debug/kmemleak", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "unreferenced object")) {
			n++;
			fputs(line, stdout);
		}
	fclose(f);
	return n;
}

static const unsigned int phase_flags[3] = {
	0, IORING_SETUP_SQPOLL, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
};

static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = fz_get_sqe(ring);

	if (!sqe) {
		printf("soak: the SQ ring stays full\n");
		exit(1);
	}
	return sqe;
}

/* One batch of chains; returns the violations found. */
static int batch(struct fz_env *env, struct io_uring *ring, struct fz_rng *rng, uint64_t *ud)
{
	struct io_uring_bpf_buf desc[SOAK_CHAINS];
	int32_t want[SOAK_REQS], got[SOAK_REQS];
	uint64_t base = *ud, out_off[SOAK_CHAINS];
	unsigned char *buf[SOAK_CHAINS], tmp[SOAK_LEN];
	int bad = 0, seen = 0;
	bool check_out = fz_one_in(rng, 16);

	for (int c = 0; c < SOAK_CHAINS; c++) {
		uint64_t in_off = (uint64_t)fz_below(rng, FZ_IN_LEN / SOAK_LEN) * SOAK_LEN;
		uint8_t key = (uint8_t)fz_next(rng);
		bool fixed = c & 1;
		struct io_uring_sqe *sqe;
		int32_t *w = want + (size_t)c * 4;

		buf[c] = (fixed ? env->fixed : env->arena) + (size_t)c * SOAK_LEN;
		desc[c].type = fixed ? IORING_BPF_BUF_FIXED : IORING_BPF_BUF_USER;
		desc[c].flags = 0;
		desc[c].buf_index = 0;
		desc[c].len = SOAK_LEN;
		desc[c].addr = (uint64_t)(uintptr_t)buf[c];
		out_off[c] = (*ud / 4 % (FZ_OUT_LEN / SOAK_LEN)) * SOAK_LEN;

		sqe = get_sqe(ring);
		io_uring_prep_read(sqe, env->fd_in, buf[c], SOAK_LEN, in_off);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = (*ud)++;
		w[0] = SOAK_LEN;

		sqe = get_sqe(ring);
		io_uring_prep_rw(IORING_OP_BPF, sqe, -1, &desc[c], 1, key);
		sqe->rw_flags = (int)IORING_BPF_OP_FLAGS(FZ_SLOT_MAIN, KT_MODE_XOR);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = (*ud)++;
		w[1] = SOAK_LEN;

		sqe = get_sqe(ring);
		io_uring_prep_rw(IORING_OP_BPF, sqe, -1, &desc[c], 1, IORING_BPF_BUF_POS(0, 0));
		sqe->rw_flags = (int)IORING_BPF_OP_FLAGS(FZ_SLOT_MAIN, KT_MODE_CRC_RES);
		sqe->addr3 = SOAK_LEN;
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = (*ud)++;
		for (int i = 0; i < SOAK_LEN; i++)
			tmp[i] = env->in[in_off + i] ^ key;
		w[2] = (int32_t)(fz_crc32c(tmp, SOAK_LEN) & 0x7fffffff);
		memcpy(env->out_model + out_off[c], tmp, SOAK_LEN);

		sqe = get_sqe(ring);
		io_uring_prep_write(sqe, env->fd_out, buf[c], SOAK_LEN, out_off[c]);
		sqe->user_data = (*ud)++;
		w[3] = SOAK_LEN;
	}
	for (int i = 0; i < SOAK_REQS; i++)
		got[i] = INT32_MIN;
	if (io_uring_submit(ring) != SOAK_REQS) {
		printf("VIOLATION soak: io_uring_submit did not take the whole batch\n");
		return 1;
	}
	while (seen < SOAK_REQS) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = { 120, 0 };
		uint64_t i;

		if (io_uring_wait_cqe_timeout(ring, &cqe, &ts)) {
			printf("VIOLATION soak: %d of %d requests never completed\n",
			       SOAK_REQS - seen, SOAK_REQS);
			return bad + 1;
		}
		i = cqe->user_data - base;
		if (i >= (uint64_t)SOAK_REQS || got[i] != INT32_MIN) {
			printf("VIOLATION soak: unknown or second CQE, user_data %llu res %d\n",
			       (unsigned long long)cqe->user_data, cqe->res);
			bad++;
		} else {
			got[i] = cqe->res;
			seen++;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	for (int i = 0; i < SOAK_REQS; i++)
		if (got[i] != want[i]) {
			printf("VIOLATION soak: request %llu (stage %d of its chain): res %d, "
			       "expected %d\n", (unsigned long long)base + (unsigned long long)i, i % 4, got[i],
			       want[i]);
			bad++;
		}
	for (int c = 0; check_out && !bad && c < SOAK_CHAINS; c++)
		if (pread(env->fd_out, tmp, SOAK_LEN, (off_t)out_off[c]) != SOAK_LEN ||
		    memcmp(tmp, env->out_model + out_off[c], SOAK_LEN) != 0) {
			printf("VIOLATION soak: fd_out at %llu is not what chain %d computed\n",
			       (unsigned long long)out_off[c], c);
			bad++;
		}
	return bad;
}

static int open_ring(struct fz_env *env, struct io_uring *ring, unsigned int flags)
{
	struct iovec iov = { env->fixed, FZ_FIXED_LEN / 2 };
	int ret = io_uring_queue_init(SOAK_REQS, ring, flags);

	if (ret)
		return ret;
	ret = fz_bind(ring->ring_fd, FZ_SLOT_MAIN, bpf_link__fd(env->link_main), 0);
	if (!ret)
		ret = io_uring_register_buffers(ring, &iov, 1);
	if (ret)
		io_uring_queue_exit(ring);
	return ret;
}

int fz_soak(struct fz_env *env, uint64_t requests, uint64_t seed, bool debug_kernel)
{
	struct fz_rng rng = { seed };
	struct sample first = { 0 }, s;
	uint64_t ud = 1, done = 0, per_phase = requests / SOAK_PHASES;
	long leaks = 0, vmpin;
	struct timespec t0, t1;
	int bad = 0, ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("soak: seed 0x%016llx, %llu requests in chains of 4 (read, xor, crc32c, write), "
	       "%d chains a batch, a new ring every %llu\n", (unsigned long long)seed,
	       (unsigned long long)requests, SOAK_CHAINS, (unsigned long long)per_phase);
	s = sample(env);
	print_sample("start", 0, &s);
	for (int phase = 0; phase < SOAK_PHASES && !bad; phase++) {
		struct io_uring ring;
		uint64_t end = phase == SOAK_PHASES - 1 ? requests : done + per_phase;

		ret = open_ring(env, &ring, phase_flags[phase % 3]);
		if (ret) {
			printf("soak: ring set-up: %s\n", strerror(-ret));
			return -1;
		}
		while (done < end && !bad) {
			bad += batch(env, &ring, &rng, &ud);
			done += (uint64_t)SOAK_REQS;
		}
		io_uring_queue_exit(&ring);
		if (!fz_wait_vmpin(env, &vmpin)) {
			printf("VIOLATION soak: VmPin %ld kB after the ring closed, %ld at start\n",
			       vmpin, env->vmpin_start);
			bad++;
		}
		s = sample(env);
		print_sample(phase ? "sample" : "warmed up", done, &s);
		if (phase == 0) {
			first = s;
			if (debug_kernel && (kmemleak("scan") || kmemleak("clear")))
				printf("soak: kmemleak not usable\n");
		}
	}
	if (bad)
		return -1;
	/* before the memlock probe, whose 48 MiB the ring exit work frees later */
	s = sample(env);
	printf("soak: growth after the warm-up: Slab %+ld kB (tolerance %d%s), MemFree %+ld kB "
	       "(tolerance -%d%s), VmPin %+ld kB (tolerance 0)\n", s.slab - first.slab,
	       SOAK_SLAB_KB, debug_kernel ? ", not judged" : "", s.memfree - first.memfree,
	       SOAK_MEMFREE_KB, debug_kernel ? ", not judged" : "", s.vmpin - first.vmpin);
	if ((!debug_kernel && (s.slab - first.slab > SOAK_SLAB_KB ||
			       first.memfree - s.memfree > SOAK_MEMFREE_KB)) ||
	    s.vmpin != env->vmpin_start) {
		printf("VIOLATION soak: memory grew beyond the tolerance\n");
		bad++;
	}
	if (fz_memlock_free(env)) {
		printf("VIOLATION soak: memlock still charged after the rings closed\n");
		bad++;
	}
	if (debug_kernel) {
		leaks = kmemleak_count();
		printf("soak: kmemleak: %ld suspected leaks since the warm-up\n", leaks);
		if (leaks)
			bad++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("soak: %s: %llu requests in %.0f s, %d violations\n", bad ? "FAILED" : "passed",
	       (unsigned long long)done, (double)(t1.tv_sec - t0.tv_sec), bad);
	return bad ? -1 : 0;
}
