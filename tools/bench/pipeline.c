// SPDX-License-Identifier: MIT
/*
 * b. read -> crc32c -> write, per block, from one RAM disk to another with O_DIRECT
 * (/dev/ram0 -> /dev/ram1; a tmpfs file where there are none): linked chains with
 * the rf_crc32c op in the kernel, against pread/pwrite and io_uring round trips
 * with the crc32c in userspace;
 * c. crc32c alone on the blocks in memory, to tell how much of b is the checksum
 * code itself.
 *
 * Every variant's checksums must equal the first's, and its output the input.
 */
#define _GNU_SOURCE /* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nmmintrin.h>
#include <ringflow/ringflow.h>
#include "bench.h"

/* What the variants of b and c work on. */
struct pipe_work {
	/* the input, its blocks and their reference checksums */
	int		in;
	unsigned int	block;
	unsigned long	blocks;
	const unsigned char *data;
	uint32_t	*want;
	bool		have_want;
	/* per round: the output (-1 for c) and the checksums computed */
	int		out;
	uint32_t	*crcs;
};

/*
 * Userspace CRC32C as a user would write it: the SSE4.2 crc32 instruction, eight
 * bytes at a time, when the CPU has it; the SDK's table code otherwise.
 */
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t crc = 0xffffffffU;
	uint32_t c;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		crc = _mm_crc32_u64(crc, v);
	}
	c = (uint32_t)crc;
	for (; len; len--)
		c = _mm_crc32_u8(c, *p++);
	return ~c;
}

static uint32_t (*user_crc32c)(const void *data, size_t len) = rf_crc32c_mem;

const char *pick_crc32c(void)
{
	unsigned char data[4096 + 7];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + (i >> 8));
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("sse4.2"))
		return "rf_crc32c_mem() table code (no SSE4.2)";
	/* every tail length and a whole page, against the SDK's reference code */
	for (size_t len = 0; len < sizeof(data); len += len < 64 ? 1 : 4096 - 64)
		must(crc32c_sse42(data, len) == rf_crc32c_mem(data, len) ? 0 : -EPROTO,
		     "checking the crc32 instruction against rf_crc32c_mem()");
	user_crc32c = crc32c_sse42;
	return "SSE4.2 crc32 instruction (checked equal to rf_crc32c_mem())";
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

/*
 * Where the pipeline reads (0) and writes (1): the VM's RAM disks /dev/ram0 and
 * /dev/ram1 with O_DIRECT, storage whose reads and writes io_uring completes
 * without an io-wq worker, as on a fast device. Elsewhere a tmpfs file, whose
 * io_uring reads and writes all go to io-wq threads in 6.12.
 */
static const char *storage_name = "a tmpfs file";

static int open_storage(unsigned int which)
{
	char dev[32];
	int fd;

	snprintf(dev, sizeof(dev), "/dev/ram%u", which);
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0)
		return scratch_file();
	storage_name = "RAM disks, O_DIRECT";
	return fd;
}

/*
 * A fresh output of @size bytes: zeroed, so that a write that never happened
 * cannot pass the check, and allocated, so that the writes measure the copy,
 * not the allocator (tmpfs pages, RAM disk pages).
 */
static void clear_output(int fd, size_t size)
{
	static unsigned char *zeros;
	const size_t chunk = 1 << 20;

	if (!zeros)
		zeros = xalloc(chunk);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;

		must(pwrite(fd, zeros, n, (off_t)off) == (ssize_t)n ? 0 : -EIO,
		     "clearing the output");
	}
}

/* Per buffer of the window: which block its chain carries, since when. */
struct pipe_slot {
	unsigned int	index;
	unsigned long	block;
	uint64_t	queued;
};

struct pipe_chain_ctx {
	struct bench	*b;
	struct result	*r;
	uint32_t	*crcs;
	unsigned int	*free;		/* buffers (slots) not in flight */
	unsigned int	nr_free;
	unsigned int	stages;		/* 3: read, crc32c, write; 1: crc32c only */
};

static void pipe_chain_done(const struct rf_chain_result *res, void *arg)
{
	struct pipe_chain_ctx *ctx = arg;
	struct pipe_slot *s = res->user;
	const struct rf_builtin_record *rec = res->record;
	char line[256];

	ctx->r->lat_sum += ticks() - s->queued;
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
 * Blocks as chains, @window of them in flight: read -> rf_crc32c -> write with an
 * output file, rf_crc32c alone on the block in memory otherwise.
 */
static void pipe_chains(struct bench *b, struct result *r, struct pipe_work *w,
			unsigned int window)
{
	unsigned char *bufs = xalloc((size_t)window * w->block);
	struct pipe_slot *slots = calloc(window, sizeof(*slots));
	unsigned int *free_slots = calloc(window, sizeof(*free_slots));
	struct pipe_chain_ctx ctx = { b, r, w->crcs, free_slots, window, w->out >= 0 ? 3 : 1 };
	unsigned long next = 0, reaped = 0;
	int failures = b->failures;

	must(slots && free_slots ? 0 : -ENOMEM, "allocating the window");
	for (unsigned int i = 0; i < window; i++) {
		slots[i].index = i;
		free_slots[i] = window - 1 - i;
	}
	begin(b, r);
	while (reaped < w->blocks && b->failures == failures) {
		int n;

		while (next < w->blocks && ctx.nr_free) {
			struct pipe_slot *s = &slots[ctx.free[--ctx.nr_free]];
			unsigned char *buf = bufs + (size_t)s->index * w->block;
			__u64 off = (__u64)next * w->block;
			struct rf_chain *c = rf_chain_new(b->ring, b->obj);

			must(c ? 0 : -ENOSPC, "new chain");
			s->block = next++;
			rf_chain_set_user(c, s);
			if (w->out >= 0) {
				rf_chain_read(c, w->in, buf, w->block, off);
				rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), buf, w->block);
				rf_chain_write(c, w->out, buf, w->block, off);
			} else {
				rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0),
					     (void *)(w->data + off), w->block);
			}
			must(rf_chain_queue(c), "queueing a chain");
			s->queued = ticks();
		}
		n = rf_ring_reap(b->ring, 1, pipe_chain_done, &ctx);
		if (n < 0) {
			fail(b, r->variant, rf_errmsg());
			break;
		}
		reaped += (unsigned long)n;
	}
	finish(b, r);
	/* after a failure, let what is in flight complete before the buffers go */
	if (rf_ring_drain(b->ring, pipe_chain_done, &ctx) < 0)
		fail(b, r->variant, rf_errmsg());
	free(free_slots);
	free(slots);
	free(bufs);
}

static void run_pipe_chains32(struct bench *b, struct result *r, void *work)
{
	pipe_chains(b, r, work, WINDOW);
}

static void run_pipe_chains1(struct bench *b, struct result *r, void *work)
{
	pipe_chains(b, r, work, 1);
}

/* A cqe_fn: a read or write must have moved the whole block (*@block bytes). */
static inline void cqe_moved_block(struct bench *b, struct result *r,
				   const struct io_uring_cqe *cqe, void *block)
{
	if (cqe->res != *(const int *)block)
		fail(b, r->variant, "a short or failed read or write");
}

/* Queues reads or writes of blocks @first .. @first + @k, one buffer each, and reaps them. */
static bool uring_batch(struct bench *b, struct result *r, struct io_uring *u, bool write,
			const struct pipe_work *w, unsigned char *bufs, unsigned long first,
			unsigned int k)
{
	int block = (int)w->block;

	for (unsigned int i = 0; i < k; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(u);
		__u64 off = (__u64)(first + i) * w->block;

		if (write)
			io_uring_prep_write(sqe, w->out, bufs + (size_t)i * w->block, w->block, off);
		else
			io_uring_prep_read(sqe, w->in, bufs + (size_t)i * w->block, w->block, off);
	}
	return wait_cqes(b, r, u, k, cqe_moved_block, &block);
}

/*
 * What a user without BPF ops would do with io_uring: read @batch blocks, checksum,
 * write them, one round trip to userspace between the reads and the writes.
 */
static void pipe_round_trips(struct bench *b, struct result *r, struct pipe_work *w,
			     unsigned int batch)
{
	unsigned char *bufs = xalloc((size_t)batch * w->block);
	struct io_uring u;

	must(io_uring_queue_init(2 * BATCH, &u, 0), "creating a plain io_uring");
	begin(b, r);
	for (unsigned long i = 0; i < w->blocks; i += batch) {
		unsigned int k = w->blocks - i < batch ? (unsigned int)(w->blocks - i) : batch;

		if (!uring_batch(b, r, &u, false, w, bufs, i, k))
			break;
		for (unsigned int j = 0; j < k; j++)
			w->crcs[i + j] = user_crc32c(bufs + (size_t)j * w->block, w->block);
		if (!uring_batch(b, r, &u, true, w, bufs, i, k))
			break;
	}
	finish(b, r);
	if (batch == 1)
		r->lat_sum = r->ticks;	/* one at a time: latency is the time per block */
	io_uring_queue_exit(&u);
	free(bufs);
}

static void run_pipe_uring32(struct bench *b, struct result *r, void *work)
{
	pipe_round_trips(b, r, work, BATCH);
}

static void run_pipe_uring1(struct bench *b, struct result *r, void *work)
{
	pipe_round_trips(b, r, work, 1);
}

static void run_pipe_syscalls(struct bench *b, struct result *r, void *work)
{
	struct pipe_work *w = work;
	unsigned char *buf = xalloc(w->block);

	begin(b, r);
	for (unsigned long i = 0; i < w->blocks; i++) {
		off_t off = (off_t)(i * w->block);

		if (pread(w->in, buf, w->block, off) != (ssize_t)w->block) {
			fail(b, r->variant, "short or failed pread");
			break;
		}
		w->crcs[i] = user_crc32c(buf, w->block);
		if (pwrite(w->out, buf, w->block, off) != (ssize_t)w->block) {
			fail(b, r->variant, "short or failed pwrite");
			break;
		}
	}
	finish(b, r);
	r->lat_sum = r->ticks;	/* one at a time: latency is the time per block */
	free(buf);
}

static void crc_loop(struct bench *b, struct result *r, struct pipe_work *w,
		     uint32_t (*crc)(const void *, size_t))
{
	begin(b, r);
	for (unsigned long i = 0; i < w->blocks; i++)
		w->crcs[i] = crc(w->data + i * w->block, w->block);
	finish(b, r);
	r->lat_sum = r->ticks;
}

static void run_crc_user(struct bench *b, struct result *r, void *work)
{
	crc_loop(b, r, work, user_crc32c);
}

static void run_crc_table(struct bench *b, struct result *r, void *work)
{
	crc_loop(b, r, work, rf_crc32c_mem);
}

/* Not measured: the output must be the input, the checksums the reference's. */
static bool verify(struct bench *b, const struct result *r, const struct pipe_work *w)
{
	size_t size = (size_t)w->blocks * w->block;
	unsigned char *got;
	char why[128];

	for (unsigned long i = 0; i < w->blocks; i++) {
		if (w->crcs[i] != w->want[i]) {
			snprintf(why, sizeof(why), "block %lu: crc32c 0x%08x, the reference has 0x%08x",
				 i, w->crcs[i], w->want[i]);
			fail(b, r->variant, why);
			return false;
		}
	}
	if (w->out < 0)
		return true;
	got = xalloc(size);
	if (pread(w->out, got, size, 0) != (ssize_t)size || memcmp(got, w->data, size) != 0) {
		fail(b, r->variant, "the output file differs from the input");
		free(got);
		return false;
	}
	free(got);
	return true;
}

/* A fresh output file (when @writes) and checksum array, the variant, the checks. */
static void pipe_round(struct bench *b, struct result *r, struct pipe_work *w,
		       const struct variant *v, bool writes)
{
	w->crcs = calloc(w->blocks, sizeof(*w->crcs));
	w->out = writes ? open_storage(1) : -1;
	must(w->crcs ? 0 : -ENOMEM, "allocating checksums");
	if (w->out >= 0)
		clear_output(w->out, w->blocks * w->block);
	v->run(b, r, w);
	if (!w->have_want) {
		/* the first variant's checksums are the reference the others must match */
		memcpy(w->want, w->crcs, w->blocks * sizeof(*w->crcs));
		w->have_want = true;
	}
	verify(b, r, w);
	if (w->out >= 0)
		close(w->out);
	free(w->crcs);
}

static void copy_round(struct bench *b, struct result *r, void *work, const struct variant *v)
{
	pipe_round(b, r, work, v, true);
}

static void crc_round(struct bench *b, struct result *r, void *work, const struct variant *v)
{
	pipe_round(b, r, work, v, false);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The input file: @blocks blocks of pseudo-random bytes, also kept in memory. */
static struct pipe_work make_input(unsigned int block, unsigned long blocks)
{
	struct pipe_work w = { .block = block, .blocks = blocks, .out = -1 };
	size_t size = (size_t)block * blocks;
	unsigned char *data = xalloc(size);
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ block;

	for (size_t i = 0; i + 8 <= size; i += 8) {
		uint64_t v = xorshift(&seed);

		memcpy(data + i, &v, 8);
	}
	w.data = data;
	w.want = calloc(blocks, sizeof(*w.want));
	must(w.want ? 0 : -ENOMEM, "allocating checksums");
	w.in = open_storage(0);
	must(pwrite(w.in, data, size, 0) == (ssize_t)size ? 0 : -EIO, "writing the input");
	return w;
}

static void free_input(struct pipe_work *w)
{
	close(w->in);
	free((void *)w->data);
	free(w->want);
}

#define V_PIPE_PREAD	"pread + user crc32c + pwrite"

void section_pipeline(struct bench *b, unsigned int block, unsigned long blocks,
		      const char *workload, const char *crc_workload)
{
	static const struct variant pipeline[] = {
		{ V_PIPE_PREAD, run_pipe_syscalls, true },
		{ "io_uring 32 reads, user crc32c, 32 writes", run_pipe_uring32, false },
		{ "io_uring round trips, 1 block at a time", run_pipe_uring1, true },
		{ "BPF chains, 32 in flight", run_pipe_chains32, false },
		{ "BPF chains, 1 in flight", run_pipe_chains1, true },
	};
	static const struct variant crc[] = {
		{ "userspace crc32c (best available)", run_crc_user, false },
		{ "userspace rf_crc32c_mem() table code", run_crc_table, false },
		{ "BPF rf_crc32c op, 32 in flight", run_pipe_chains32, false },
	};
	struct pipe_work w = make_input(block, blocks);
	char title[160];

	snprintf(title, sizeof(title), "b. read -> crc32c -> write, %u KiB blocks, %lu blocks "
		 "(%lu KiB), %s", block / 1024, blocks, blocks * block / 1024, storage_name);
	run_section(b, title, workload, block, blocks, &w, pipeline,
		    sizeof(pipeline) / sizeof(pipeline[0]), copy_round);
	snprintf(title, sizeof(title), "c. crc32c alone, %u KiB blocks in memory", block / 1024);
	run_section(b, title, crc_workload, block, blocks, &w, crc, sizeof(crc) / sizeof(crc[0]),
		    crc_round);
	free_input(&w);
}

/*
 * --check: the verification must catch a wrong result, or a benchmark that
 * computes garbage would pass. Feed verify() a bad checksum and a bad output file.
 */
bool pipeline_check_verifier(struct bench *b)
{
	enum { BLOCK = 4096, BLOCKS = 4, SIZE = BLOCK * BLOCKS };
	struct pipe_work w = make_input(BLOCK, BLOCKS);
	struct result r = { .workload = "check", .variant = "--check (a planted error)", .block = BLOCK };
	uint32_t crcs[BLOCKS];
	int before = b->failures;
	bool caught_crc, caught_file;

	w.out = scratch_file();
	w.crcs = crcs;
	for (unsigned int i = 0; i < BLOCKS; i++)
		w.want[i] = crcs[i] = rf_crc32c_mem(w.data + (size_t)i * BLOCK, BLOCK);
	must(pwrite(w.out, w.data, SIZE, 0) == SIZE ? 0 : -EIO, "writing");
	if (!verify(b, &r, &w)) {
		fprintf(stderr, "ringflow-bench: --check: the verifier rejects a correct result\n");
		return false;
	}
	b->quiet = true;
	crcs[2] ^= 1;
	caught_crc = !verify(b, &r, &w);
	crcs[2] ^= 1;
	must(pwrite(w.out, "x", 1, BLOCK + 17) == 1 ? 0 : -EIO, "writing");
	caught_file = !verify(b, &r, &w);
	b->quiet = false;
	b->failures = before;	/* those two failures were the point */
	close(w.out);
	free_input(&w);
	printf("\n--check: the verifier caught a wrong checksum: %s, a wrong output byte: %s\n",
	       caught_crc ? "yes" : "NO", caught_file ? "yes" : "NO");
	return caught_crc && caught_file;
}

/* --check: pread + pwrite make 2 entries per block. */
bool pipeline_entries_ok(const struct bench *b)
{
	bool ok = false;

	for (unsigned int i = 0; i < b->nr_results; i++) {
		const struct result *r = &b->results[i];

		if (strcmp(r->variant, V_PIPE_PREAD) != 0)
			continue;
		if (result_entries(b, r) != (long)(2 * r->ops))
			return false;
		ok = true;
	}
	return ok;
}
