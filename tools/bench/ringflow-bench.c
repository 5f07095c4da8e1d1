// SPDX-License-Identifier: MIT
/*
 * ringflow-bench: IORING_OP_BPF against doing the same work from userspace, every
 * variant in the same run on the same data, reported as ratios.
 *
 *   a. per-request overhead: the built-in rf_nop op against IORING_OP_NOP;
 *   b. read -> crc32c -> write of a tmpfs file, per block: one linked chain with the
 *      rf_crc32c op in the kernel, io_uring round trips with the crc32c in userspace,
 *      and plain pread/pwrite;
 *   c. crc32c alone, to tell how much of b is the checksum code itself.
 *
 * Every variant's checksums and output file are compared; any mismatch exits 1.
 * Runs in the ringflow VM: tools/bench/run [--quick] [--check] [--json FILE].
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <x86intrin.h>
#include <ringflow/ringflow.h>
#include <ringflow/builtin.h>
#include "rf_builtin.skel.h"

enum { SLOT_CRC, SLOT_NOP };

#define WINDOW		32	/* chains in flight in the pipelined variants */
#define NOP_BATCH	32	/* requests per io_uring_enter() in workload a */
#define MAX_RESULTS	32
#define ROUNDS		3	/* every variant runs once per round; the median counts */
#define TABLE_HEADER	"  variant                                    ops     ops/s      MB/s    us/op   lat us   ratio"

struct result {
	const char	*workload;
	const char	*variant;
	unsigned int	block;		/* bytes per op; 0 when no data moves */
	unsigned long	ops;
	double		secs;		/* wall time of one round of the variant */
	double		lat_sum;	/* sum over ops of submission -> completion, s */
	bool		base;		/* the row the section's ratios refer to */
	unsigned int	rounds;
	double		round_secs[ROUNDS], round_lat[ROUNDS];
};

struct bench {
	struct rf_builtin	*skel;
	struct rf_object	*obj;
	struct rf_ring		*ring;
	struct result		results[MAX_RESULTS];
	unsigned int		nr_results;
	unsigned int		section;	/* first result of the current section */
	int			failures;
	bool			quiet;		/* --check plants errors: say nothing of them */
};

/*
 * Timestamps. Under TCG the guest kernel may fail to calibrate its TSC and fall
 * back to the jiffies clocksource, whose 4 ms steps are far too coarse for times
 * per op. The TSC itself still runs at a constant rate, so count TSC ticks,
 * converted with a rate measured once against CLOCK_MONOTONIC between two of its
 * steps (exact to a step's detection, whatever the clock's resolution).
 */
static double tsc_hz;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void calibrate_tsc(void)
{
	double t = mono(), t0, t1;
	unsigned long long c0, c1;

	while ((t0 = mono()) == t)
		;
	c0 = __rdtsc();
	while ((t1 = mono()) < t0 + 0.2)
		;
	c1 = __rdtsc();
	tsc_hz = (double)(c1 - c0) / (t1 - t0);
}

static double now(void)
{
	return (double)__rdtsc() / tsc_hz;
}

static void fail(struct bench *b, const char *what, const char *why)
{
	if (!b->quiet)
		fprintf(stderr, "ringflow-bench: %s: %s\n", what, why);
	b->failures++;
}

/* Setting up is not measured: stop at once when it fails. */
static void must(int err, const char *step)
{
	if (err) {
		fprintf(stderr, "ringflow-bench: %s failed: %s\n", step,
			rf_errmsg()[0] ? rf_errmsg() : strerror(err < 0 ? -err : err));
		exit(1);
	}
}

static void *xalloc(size_t size)
{
	/* page-aligned like a real I/O buffer, and zeroed so reads of it are defined */
	void *p = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);

	if (!p) {
		fprintf(stderr, "ringflow-bench: out of memory (%zu bytes)\n", size);
		exit(1);
	}
	memset(p, 0, size);
	return p;
}

/* An unlinked scratch file in /tmp: a tmpfs in the VM. */
static int scratch_file(void)
{
	char path[] = "/tmp/ringflow-bench-XXXXXX";
	int fd = mkstemp(path);

	must(fd < 0 ? -errno : 0, "creating a scratch file in /tmp");
	unlink(path);
	return fd;
}

static struct result *add_result(struct bench *b, const char *workload, const char *variant,
				 unsigned int block, unsigned long ops)
{
	struct result *r;

	if (b->nr_results == MAX_RESULTS) {
		fprintf(stderr, "ringflow-bench: more than %d results\n", MAX_RESULTS);
		exit(1);
	}
	r = &b->results[b->nr_results++];
	memset(r, 0, sizeof(*r));
	r->workload = workload;
	r->variant = variant;
	r->block = block;
	r->ops = ops;
	return r;
}

/* Keeps the round just run; secs and lat_sum start afresh for the next one. */
static void end_round(struct result *r)
{
	r->round_secs[r->rounds] = r->secs;
	r->round_lat[r->rounds] = r->lat_sum;
	r->rounds++;
	r->secs = 0;
	r->lat_sum = 0;
}

/*
 * The rounds interleave the variants, rotating who goes first, so that a slow
 * spell of the emulator or the order of runs does not favour one; the median round
 * is reported.
 */
static void take_median(struct result *r)
{
	unsigned int order[ROUNDS];

	for (unsigned int i = 0; i < r->rounds; i++) {
		unsigned int j = i;

		for (; j > 0 && r->round_secs[order[j - 1]] > r->round_secs[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	if (r->rounds) {
		r->secs = r->round_secs[order[r->rounds / 2]];
		r->lat_sum = r->round_lat[order[r->rounds / 2]];
	}
}

static double per_op(const struct result *r)
{
	return r->ops ? r->secs / (double)r->ops : 0;
}

/* Every section has a workload name of its own, and one base row. */
static const struct result *section_base(const struct bench *b, const struct result *r)
{
	for (unsigned int i = 0; i < b->nr_results; i++)
		if (b->results[i].base && !strcmp(b->results[i].workload, r->workload))
			return &b->results[i];
	return NULL;
}

/* Above 1: faster than the section's base row. */
static double ratio(const struct bench *b, const struct result *r)
{
	const struct result *base = section_base(b, r);

	return base && r->secs > 0 ? per_op(base) / per_op(r) : 0;
}

static void start_section(struct bench *b, const char *title)
{
	b->section = b->nr_results;
	printf("\n%s\n%s\n", title, TABLE_HEADER);
	fflush(stdout);
}

static void print_row(const struct bench *b, const struct result *r)
{
	double us = per_op(r) * 1e6, mbs = 0;

	if (r->block && r->secs > 0)
		mbs = (double)r->ops * r->block / r->secs / 1e6;
	printf("  %-38s %8lu %9.0f %9.1f %8.1f %8.1f  %5.2fx%s\n", r->variant, r->ops,
	       r->secs > 0 ? (double)r->ops / r->secs : 0, mbs, us,
	       r->ops ? r->lat_sum / (double)r->ops * 1e6 : 0, ratio(b, r), r->base ? " (base)" : "");
}

static void end_section(struct bench *b)
{
	for (unsigned int i = b->section; i < b->nr_results; i++)
		take_median(&b->results[i]);
	for (unsigned int i = b->section; i < b->nr_results; i++)
		print_row(b, &b->results[i]);
	fflush(stdout);
}

/* ---- a. per-request overhead ------------------------------------------------ */

/* Raw SQEs on the ring's io_uring, @n requests in batches of NOP_BATCH. */
static void nop_raw(struct bench *b, struct result *r, bool bpf)
{
	struct io_uring *u = rf_ring_uring(b->ring);
	unsigned long done = 0;
	double t0 = now();

	while (done < r->ops) {
		unsigned int k = r->ops - done < NOP_BATCH ? (unsigned int)(r->ops - done) : NOP_BATCH;
		struct io_uring_cqe *cqe;
		unsigned int head, seen = 0;
		double t;

		for (unsigned int i = 0; i < k; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(u);

			if (bpf)
				rf_prep_bpf(sqe, SLOT_NOP, 0, NULL, 0, 0, 0);
			else
				io_uring_prep_nop(sqe);
			sqe->user_data = done + i;
		}
		t = now();
		while (seen < k) {
			int ret = io_uring_submit_and_wait(u, k - seen);
			unsigned int n = 0;

			if (ret < 0 && ret != -EINTR) {
				fail(b, r->variant, strerror(-ret));
				return;
			}
			io_uring_for_each_cqe(u, head, cqe) {
				if (cqe->res != 0)
					fail(b, r->variant, "a nop completed with an error");
				n++;
			}
			io_uring_cq_advance(u, n);
			seen += n;
		}
		/* every request of the batch waited for the whole batch at most */
		r->lat_sum += (now() - t) * k;
		done += k;
	}
	r->secs = now() - t0;
}

struct nop_ctx {
	struct bench	*b;
	const char	*variant;
};

static void nop_report(const struct rf_chain_result *res, void *arg)
{
	struct nop_ctx *ctx = arg;
	char line[256];

	if (res->status) {
		rf_chain_describe(res, line, sizeof(line));
		fail(ctx->b, ctx->variant, line);
	}
}

/* The same BPF op through the SDK: one chain of one stage per request. */
static void nop_chains(struct bench *b, struct result *r)
{
	struct nop_ctx ctx = { b, r->variant };
	unsigned long done = 0;
	double t0 = now();

	while (done < r->ops) {
		unsigned int k = r->ops - done < NOP_BATCH ? (unsigned int)(r->ops - done) : NOP_BATCH;
		double t;
		int n;

		for (unsigned int i = 0; i < k; i++) {
			struct rf_chain *c = rf_chain_new(b->ring, NULL);

			must(c ? 0 : -ENOSPC, "new chain");
			rf_chain_bpf(c, SLOT_NOP, 0);
			must(rf_chain_queue(c), "queueing a chain");
		}
		t = now();
		n = rf_ring_drain(b->ring, nop_report, &ctx);
		if (n != (int)k) {
			fail(b, r->variant, n < 0 ? rf_errmsg() : "chains went missing");
			return;
		}
		r->lat_sum += (now() - t) * k;
		done += k;
	}
	r->secs = now() - t0;
}

static void workload_nop(struct bench *b, unsigned long n)
{
	struct result *r[3];

	start_section(b, "a. per-request overhead: IORING_OP_BPF rf_nop vs IORING_OP_NOP, "
			 "batches of 32 requests");
	r[0] = add_result(b, "nop", "IORING_OP_NOP (raw SQEs)", 0, n);
	r[0]->base = true;
	r[1] = add_result(b, "nop", "IORING_OP_BPF rf_nop (raw SQEs)", 0, n);
	r[2] = add_result(b, "nop", "IORING_OP_BPF rf_nop (SDK chains)", 0, n);
	for (unsigned int round = 0; round < ROUNDS; round++) {
		for (unsigned int k = 0; k < 3; k++) {
			unsigned int v = (round + k) % 3;

			if (v == 2)
				nop_chains(b, r[v]);
			else
				nop_raw(b, r[v], v == 1);
			end_round(r[v]);
		}
	}
	end_section(b);
}

/* ---- b. read -> crc32c -> write ------------------------------------------------ */

struct pipe {
	int		in;
	unsigned int	block;
	unsigned long	blocks;
	const unsigned char *data;	/* the input file's content */
	uint32_t	*want;		/* crc32c of every block, from the first variant */
	bool		have_want;
};

/* Per buffer of the window: which block its chain carries, since when. */
struct slot {
	unsigned int	index;
	unsigned long	block;
	double		queued;
};

struct chain_ctx {
	struct bench	*b;
	struct result	*r;
	const struct pipe *p;
	uint32_t	*crcs;
	unsigned int	*free;		/* buffers (slots) not in flight */
	unsigned int	nr_free;
	unsigned int	stages;		/* 3: read, crc32c, write; 1: crc32c only */
};

static void chain_done(const struct rf_chain_result *res, void *arg)
{
	struct chain_ctx *ctx = arg;
	struct slot *s = res->user;
	const struct rf_builtin_record *rec = res->record;
	char line[256];

	ctx->r->lat_sum += now() - s->queued;
	ctx->free[ctx->nr_free++] = s->index;
	/* status is 0 only when the read and the write moved whole blocks (else -EIO) */
	if (res->status || res->nr_stages != ctx->stages) {
		rf_chain_describe(res, line, sizeof(line));
		fail(ctx->b, ctx->r->variant, line);
		return;
	}
	ctx->crcs[s->block] = rec->crc;
}

/*
 * Blocks as chains, @window of them in flight: read -> rf_crc32c -> write with
 * @out >= 0, rf_crc32c alone on the block in memory otherwise.
 */
static void run_chains(struct bench *b, struct result *r, const struct pipe *p, int out,
		       unsigned int window, uint32_t *crcs)
{
	unsigned char *bufs = xalloc((size_t)window * p->block);
	struct slot *slots = calloc(window, sizeof(*slots));
	unsigned int *free_slots = calloc(window, sizeof(*free_slots));
	struct chain_ctx ctx = { b, r, p, crcs, free_slots, window, out >= 0 ? 3 : 1 };
	unsigned long next = 0, reaped = 0;
	int failures = b->failures;
	double t0;

	must(slots && free_slots ? 0 : -ENOMEM, "allocating the window");
	for (unsigned int i = 0; i < window; i++) {
		slots[i].index = i;
		free_slots[i] = window - 1 - i;
	}
	t0 = now();
	while (reaped < p->blocks && b->failures == failures) {
		int n;

		while (next < p->blocks && ctx.nr_free) {
			struct slot *s = &slots[ctx.free[--ctx.nr_free]];
			unsigned char *buf = bufs + (size_t)s->index * p->block;
			__u64 off = (__u64)next * p->block;
			struct rf_chain *c = rf_chain_new(b->ring, b->obj);

			must(c ? 0 : -ENOSPC, "new chain");
			s->block = next++;
			rf_chain_set_user(c, s);
			if (out >= 0) {
				rf_chain_read(c, p->in, buf, p->block, off);
				rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), buf, p->block);
				rf_chain_write(c, out, buf, p->block, off);
			} else {
				rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0),
					     (void *)(p->data + off), p->block);
			}
			must(rf_chain_queue(c), "queueing a chain");
			s->queued = now();
		}
		n = rf_ring_reap(b->ring, 1, chain_done, &ctx);
		if (n < 0) {
			fail(b, r->variant, rf_errmsg());
			break;
		}
		reaped += (unsigned long)n;
	}
	r->secs = now() - t0;
	/* after a failure, let what is in flight complete before the buffers go */
	if (rf_ring_drain(b->ring, chain_done, &ctx) < 0)
		fail(b, r->variant, rf_errmsg());
	free(free_slots);
	free(slots);
	free(bufs);
}

/* One request, waited for: the round trip a userspace pipeline makes per step. */
static int uring_rw(struct io_uring *u, bool write, int fd, void *buf, unsigned int len,
		    __u64 off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(u);
	struct io_uring_cqe *cqe;
	int ret;

	if (write)
		io_uring_prep_write(sqe, fd, buf, len, off);
	else
		io_uring_prep_read(sqe, fd, buf, len, off);
	ret = io_uring_submit_and_wait(u, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_peek_cqe(u, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(u, cqe);
	return ret;
}

static void run_uring(struct bench *b, struct result *r, const struct pipe *p, int out,
		      uint32_t *crcs)
{
	unsigned char *buf = xalloc(p->block);
	struct io_uring u;
	double t0;

	must(io_uring_queue_init(4, &u, 0), "creating a plain io_uring");
	t0 = now();
	for (unsigned long i = 0; i < p->blocks; i++) {
		__u64 off = (__u64)i * p->block;

		if (uring_rw(&u, false, p->in, buf, p->block, off) != (int)p->block) {
			fail(b, r->variant, "short or failed read");
			break;
		}
		crcs[i] = rf_crc32c(buf, p->block);
		if (uring_rw(&u, true, out, buf, p->block, off) != (int)p->block) {
			fail(b, r->variant, "short or failed write");
			break;
		}
	}
	r->secs = now() - t0;
	r->lat_sum = r->secs;	/* one at a time: latency is the time per block */
	io_uring_queue_exit(&u);
	free(buf);
}

static void run_syscalls(struct bench *b, struct result *r, const struct pipe *p, int out,
			 uint32_t *crcs)
{
	unsigned char *buf = xalloc(p->block);
	double t0 = now();

	for (unsigned long i = 0; i < p->blocks; i++) {
		off_t off = (off_t)(i * p->block);

		if (pread(p->in, buf, p->block, off) != (ssize_t)p->block) {
			fail(b, r->variant, "short or failed pread");
			break;
		}
		crcs[i] = rf_crc32c(buf, p->block);
		if (pwrite(out, buf, p->block, off) != (ssize_t)p->block) {
			fail(b, r->variant, "short or failed pwrite");
			break;
		}
	}
	r->secs = now() - t0;
	r->lat_sum = r->secs;
	free(buf);
}

static void run_crc_user(struct result *r, const struct pipe *p, uint32_t *crcs)
{
	double t0 = now();

	for (unsigned long i = 0; i < p->blocks; i++)
		crcs[i] = rf_crc32c(p->data + i * p->block, p->block);
	r->secs = now() - t0;
	r->lat_sum = r->secs;
}

/* Not measured: the output must be the input, the checksums the reference's. */
static bool verify(struct bench *b, const struct result *r, const struct pipe *p, int out,
		   const uint32_t *crcs)
{
	size_t size = (size_t)p->blocks * p->block;
	unsigned char *got;
	char why[128];

	for (unsigned long i = 0; i < p->blocks; i++) {
		if (crcs[i] != p->want[i]) {
			snprintf(why, sizeof(why), "block %lu: crc32c 0x%08x, the reference has 0x%08x",
				 i, crcs[i], p->want[i]);
			fail(b, r->variant, why);
			return false;
		}
	}
	if (out < 0)
		return true;
	got = xalloc(size);
	if (pread(out, got, size, 0) != (ssize_t)size || memcmp(got, p->data, size) != 0) {
		fail(b, r->variant, "the output file differs from the input");
		free(got);
		return false;
	}
	free(got);
	return true;
}

enum variant { V_CHAINS, V_CHAIN1, V_URING, V_SYSCALLS, V_CRC_USER, V_CRC_BPF };

static const char *const variant_names[] = {
	[V_CHAINS] = "BPF chains, 32 in flight",
	[V_CHAIN1] = "BPF chains, 1 in flight",
	[V_URING] = "io_uring round trips + user crc32c",
	[V_SYSCALLS] = "pread + user crc32c + pwrite",
	[V_CRC_USER] = "userspace rf_crc32c()",
	[V_CRC_BPF] = "BPF rf_crc32c op, 32 in flight",
};

/* Runs one round of a variant into a fresh output file and checks what it produced. */
static void run_variant(struct bench *b, struct result *r, struct pipe *p, enum variant v)
{
	uint32_t *crcs = calloc(p->blocks, sizeof(*crcs));
	bool writes = v != V_CRC_USER && v != V_CRC_BPF;
	int out = writes ? scratch_file() : -1;

	must(crcs ? 0 : -ENOMEM, "allocating checksums");
	/* the output file exists at full size, as for a copy into a preallocated file */
	if (out >= 0)
		must(ftruncate(out, (off_t)(p->blocks * p->block)) ? -errno : 0, "sizing the output");
	switch (v) {
	case V_CHAINS:
	case V_CRC_BPF:
		run_chains(b, r, p, out, WINDOW, crcs);
		break;
	case V_CHAIN1:
		run_chains(b, r, p, out, 1, crcs);
		break;
	case V_URING:
		run_uring(b, r, p, out, crcs);
		break;
	case V_SYSCALLS:
		run_syscalls(b, r, p, out, crcs);
		break;
	case V_CRC_USER:
		run_crc_user(r, p, crcs);
		break;
	}
	if (!p->have_want) {
		/* the first variant's checksums are the reference the others must match */
		memcpy(p->want, crcs, p->blocks * sizeof(*crcs));
		p->have_want = true;
	}
	verify(b, r, p, out, crcs);
	end_round(r);
	if (out >= 0)
		close(out);
	free(crcs);
}

/* A section: @nr variants from @v, the first of them the base, ROUNDS rounds. */
static void run_section(struct bench *b, const char *title, const char *workload,
			struct pipe *p, const enum variant *v, unsigned int nr)
{
	struct result *r[V_CRC_BPF + 1];

	start_section(b, title);
	for (unsigned int i = 0; i < nr; i++) {
		r[i] = add_result(b, workload, variant_names[v[i]], p->block, p->blocks);
		r[i]->base = i == 0;
	}
	for (unsigned int round = 0; round < ROUNDS; round++)
		for (unsigned int k = 0; k < nr; k++)
			run_variant(b, r[(round + k) % nr], p, v[(round + k) % nr]);
	end_section(b);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The input file: @blocks blocks of pseudo-random bytes, also kept in memory. */
static struct pipe make_input(unsigned int block, unsigned long blocks)
{
	struct pipe p = { .block = block, .blocks = blocks };
	size_t size = (size_t)block * blocks;
	unsigned char *data = xalloc(size);
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ block;

	for (size_t i = 0; i + 8 <= size; i += 8) {
		uint64_t v = xorshift(&seed);

		memcpy(data + i, &v, 8);
	}
	p.data = data;
	p.want = calloc(blocks, sizeof(*p.want));
	must(p.want ? 0 : -ENOMEM, "allocating checksums");
	p.in = scratch_file();
	must(pwrite(p.in, data, size, 0) == (ssize_t)size ? 0 : -EIO, "writing the input file");
	return p;
}

static void free_input(struct pipe *p)
{
	close(p->in);
	free((void *)p->data);
	free(p->want);
}

static void workload_pipeline(struct bench *b, unsigned int block, unsigned long blocks,
			      const char *workload, const char *crc_workload)
{
	static const enum variant pipeline[] = { V_URING, V_SYSCALLS, V_CHAINS, V_CHAIN1 };
	static const enum variant crc[] = { V_CRC_USER, V_CRC_BPF };
	struct pipe p = make_input(block, blocks);
	char title[160];

	snprintf(title, sizeof(title), "b. read -> crc32c -> write, %u KiB blocks, %lu blocks "
		 "(%lu KiB) of a tmpfs file", block / 1024, blocks, blocks * block / 1024);
	run_section(b, title, workload, &p, pipeline, 4);
	snprintf(title, sizeof(title), "c. crc32c alone, %u KiB blocks in memory", block / 1024);
	run_section(b, title, crc_workload, &p, crc, 2);
	free_input(&p);
}

/* ---- set-up, report ------------------------------------------------------------ */

/* "QEMU TCG CPU ..." under software emulation; KVM guests see the host's CPU. */
static const char *accel(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	bool hypervisor = false, tcg = false;

	if (!f)
		return "unknown";
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strstr(line, "TCG"))
			tcg = true;
		if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
			hypervisor = true;
	}
	fclose(f);
	if (tcg)
		return "tcg";
	return hypervisor ? "kvm" : "none";
}

static const char *clocksource(void)
{
	static char name[64] = "unknown";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	if (f) {
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
	}
	return name;
}

static void print_header(const char *acc, bool quick)
{
	struct utsname u;

	uname(&u);
	printf("ringflow-bench: IORING_OP_BPF vs userspace, side by side, one run%s\n",
	       quick ? " (--quick: small counts)" : "");
	printf("  kernel %s, %ld CPU(s) online, ", u.release, sysconf(_SC_NPROCESSORS_ONLN));
	if (!strcmp(acc, "tcg"))
		printf("qemu software emulation (TCG, no KVM): absolute numbers are low,\n"
		       "  read the ratios\n");
	else if (!strcmp(acc, "kvm"))
		printf("virtual machine with hardware virtualization (KVM)\n");
	else
		printf("no hypervisor detected\n");
	printf("  timer: TSC at %.0f MHz (guest clocksource: %s)\n", tsc_hz / 1e6, clocksource());
	printf("  us/op: wall time / ops; lat us: mean submission -> completion of one op;\n"
	       "  ratio: the base row's time per op / this row's (above 1: faster than base).\n"
	       "  Each variant runs %d times, interleaved with the others: the median is shown.\n"
	       "  Both crc32c codes are slicing-by-8 over the same tables: userspace runs the\n"
	       "  SDK's rf_crc32c(), the BPF op its loop over 256-byte chunks of the buffer;\n"
	       "  section c compares them alone.\n",
	       ROUNDS);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int write_json(const struct bench *b, const char *path, const char *acc, bool quick)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "ringflow-bench: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"accel\": \"%s\",\n  \"cpus\": %ld,\n  \"quick\": %s,\n  \"verified\": %s,\n"
		"  \"results\": [\n", acc, sysconf(_SC_NPROCESSORS_ONLN), quick ? "true" : "false",
		b->failures ? "false" : "true");
	for (unsigned int i = 0; i < b->nr_results; i++) {
		const struct result *r = &b->results[i];

		fprintf(f, "    {\"workload\": ");
		json_string(f, r->workload);
		fprintf(f, ", \"variant\": ");
		json_string(f, r->variant);
		fprintf(f, ", \"block\": %u, \"ops\": %lu, \"seconds\": %.6f, \"us_per_op\": %.3f, "
			"\"lat_us\": %.3f, \"ratio\": %.4f, \"base\": %s, \"round_seconds\": [",
			r->block, r->ops, r->secs, per_op(r) * 1e6,
			r->ops ? r->lat_sum / (double)r->ops * 1e6 : 0, ratio(b, r),
			r->base ? "true" : "false");
		for (unsigned int k = 0; k < r->rounds; k++)
			fprintf(f, "%s%.6f", k ? ", " : "", r->round_secs[k]);
		fprintf(f, "]}%s\n", i + 1 < b->nr_results ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

/*
 * --check: the verification must catch a wrong result, or a benchmark that
 * computes garbage would pass. Feed verify() a bad checksum and a bad output file.
 */
static bool check_verifier(struct bench *b)
{
	enum { BLOCK = 4096, BLOCKS = 4, SIZE = BLOCK * BLOCKS };
	struct pipe p = make_input(BLOCK, BLOCKS);
	struct result r = { .workload = "check", .variant = "--check (a planted error)", .block = BLOCK };
	uint32_t crcs[BLOCKS];
	int out = scratch_file(), before = b->failures;
	bool caught_crc, caught_file;

	for (unsigned int i = 0; i < BLOCKS; i++)
		p.want[i] = crcs[i] = rf_crc32c(p.data + (size_t)i * BLOCK, BLOCK);
	must(pwrite(out, p.data, SIZE, 0) == SIZE ? 0 : -EIO, "writing");
	if (!verify(b, &r, &p, out, crcs)) {
		fprintf(stderr, "ringflow-bench: --check: the verifier rejects a correct result\n");
		return false;
	}
	b->quiet = true;
	crcs[2] ^= 1;
	caught_crc = !verify(b, &r, &p, out, crcs);
	crcs[2] ^= 1;
	must(pwrite(out, "x", 1, BLOCK + 17) == 1 ? 0 : -EIO, "writing");
	caught_file = !verify(b, &r, &p, out, crcs);
	b->quiet = false;
	b->failures = before;	/* those two failures were the point */
	close(out);
	free_input(&p);
	printf("\n--check: the verifier caught a wrong checksum: %s, a wrong output byte: %s\n",
	       caught_crc ? "yes" : "NO", caught_file ? "yes" : "NO");
	return caught_crc && caught_file;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ringflow-bench [--quick] [--check] [--json FILE]\n"
		"  --quick      small counts (a few seconds under TCG)\n"
		"  --check      also make sure the result verification catches wrong results\n"
		"  --json FILE  write the results as JSON\n"
		"Exits 1 when a variant fails or computes a different result.\n");
}

int main(int argc, char **argv)
{
	static struct bench b;
	struct rf_ring_opts opts = { .entries = 256, .max_chains = WINDOW + NOP_BATCH };
	const char *json = NULL, *acc;
	bool quick = false, check = false;
	/* fixed counts, so a run takes bounded time */
	unsigned long nops, blocks4k, blocks64k;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
			json = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	nops = quick ? 3000 : 100000;
	blocks4k = quick ? 128 : 2048;
	blocks64k = quick ? 16 : 256;

	must(rf_probe(), "probing the kernel");
	b.skel = rf_builtin__open();
	must(b.skel ? 0 : -errno, "opening the built-in ops");
	must(rf_load_skeleton(b.skel->skeleton), "loading the built-in ops");
	must(rf_builtin__attach(b.skel), "attaching the built-in ops");
	must(rf_object_open(b.skel->obj, &b.obj), "mapping the record map");
	must(rf_ring_create(&opts, &b.ring), "creating the ring");
	must(rf_ring_bind(b.ring, SLOT_CRC, b.skel->links.rf_crc32c), "binding rf_crc32c");
	must(rf_ring_bind(b.ring, SLOT_NOP, b.skel->links.rf_nop), "binding rf_nop");

	acc = accel();
	calibrate_tsc();
	print_header(acc, quick);
	workload_nop(&b, nops);
	workload_pipeline(&b, 4096, blocks4k, "pipeline 4K", "crc32c 4K");
	workload_pipeline(&b, 65536, blocks64k, "pipeline 64K", "crc32c 64K");

	if (check && !check_verifier(&b))
		b.failures++;
	if (json && write_json(&b, json, acc, quick))
		b.failures++;
	rf_ring_destroy(b.ring);
	rf_object_close(b.obj);
	rf_builtin__destroy(b.skel);
	if (b.failures) {
		printf("\nFAILED: %d variant(s) failed or computed a different result\n", b.failures);
		return 1;
	}
	printf("\nall variants verified: identical checksums, output files equal to the input\n");
	return 0;
}
