// SPDX-License-Identifier: MIT
/*
 * ringflow-bench: IORING_OP_BPF against the best a user would write instead, every
 * variant in the same run on the same data, reported as ratios.
 *
 *   a. per-request overhead: the built-in rf_nop op against IORING_OP_NOP;
 *   b. read -> crc32c -> write of a tmpfs file, per block: linked chains with the
 *      rf_crc32c op in the kernel, against pread/pwrite and batched io_uring round
 *      trips with the crc32c in userspace;
 *   c. crc32c alone, to tell how much of b is the checksum code itself;
 *   d. per-request arguments: an mmap'ed payload slot against bpf_map_update_elem();
 *   e. B+-tree lookups, steered BPF chains against pread and io_uring round trips
 *      per level, and where a steered lookup's instructions go (btree.c).
 *
 * Cost. With --icount (tools/bench/run's default) the guest runs under qemu's
 * -icount shift=0,sleep=off: the TSC then advances exactly one tick per executed
 * guest instruction (measured: a loop of 2,000,000 instructions reads 2,000,005
 * between two rdtsc), so TSC deltas are instruction counts: user and kernel code,
 * interrupts and any other task that ran in between, identical from run to run.
 * CLOCK_MONOTONIC is no better: the kernel's clocksource is that TSC, scaled by a
 * calibrated ~1 GHz rate, so its nanoseconds are only nearly instructions. Without
 * --icount the TSC is calibrated against CLOCK_MONOTONIC and the figures are TCG
 * wall time: not performance (emulation cost is uneven), a smoke signal only.
 *
 * Kernel entries. Instruction counts do not weigh the cost of entering the kernel,
 * so every row also shows system calls per op, counted exactly: before measuring, a
 * forked child runs the whole benchmark once under ptrace(PTRACE_SYSCALL), and the
 * parent counts its syscall-entry stops between two marker calls around each
 * variant. liburing issues io_uring_enter() inline, so wrapping syscall() would
 * miss it; ptrace sees every entry. The measured pass is not traced.
 *
 * Every variant's checksums and output are compared; any mismatch exits 1.
 * Runs in the ringflow VM: tools/bench/run [--quick] [--check] [--json FILE].
 */
#define _GNU_SOURCE /* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <x86intrin.h>
#include <nmmintrin.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ringflow/ringflow.h>
#include <ringflow/builtin.h>
#include "rf_builtin.skel.h"
#include "bench.h"

enum { SLOT_CRC, SLOT_NOP, SLOT_XOR, SLOT_KERNEL_NOP };

#define XOR_LEN		16	/* bytes rf_xor transforms per request in section d */
#define CHECK_LOOP	1000000UL	/* iterations of the two-instruction counter check */
#define TICK_GAP	1000	/* instructions: more between two counter reads is an interrupt */
#define MARK_MAGIC	0x7266626dUL	/* "rfbm": the counting pass's marker calls */

enum mark { MARK_END, MARK_BEGIN, MARK_DONE };

/* ---- measuring ------------------------------------------------------------------ */

static double tsc_hz;	/* wall mode only: TSC ticks per second */

uint64_t ticks(void)
{
	return __rdtsc();
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Wall mode: under TCG the guest kernel may fall back to the jiffies clocksource,
 * far too coarse for times per op, while the TSC still runs at a constant rate; so
 * count TSC ticks, at a rate measured against CLOCK_MONOTONIC between two of its steps.
 */
static void calibrate_tsc(void)
{
	double t = mono(), t0, t1;
	uint64_t c0, c1;

	while ((t0 = mono()) == t)
		;
	c0 = ticks();
	while ((t1 = mono()) < t0 + 0.2)
		;
	c1 = ticks();
	tsc_hz = (double)(c1 - c0) / (t1 - t0);
}

/*
 * TSC ticks across a loop of exactly 2 * CHECK_LOOP instructions; under -icount
 * shift=0 this is that number plus the few instructions of reading the counter.
 * The best of three, in case a timer interrupt lands in one.
 */
static uint64_t counter_check(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 3; i++) {
		unsigned long n = CHECK_LOOP;
		uint64_t t0 = ticks(), t;

		__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
		t = ticks() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/* The counting pass's markers: a getppid() the tracer recognizes by its arguments. */
static void mark(const struct bench *b, enum mark what, unsigned long index)
{
	if (b->counting)
		syscall(SYS_getppid, MARK_MAGIC, (unsigned long)what, index);
}

static unsigned long result_index(const struct bench *b, const struct result *r)
{
	return (unsigned long)(r - b->results);
}

/*
 * icount: waits until an interrupt (normally the timer tick) has just run, seen as a
 * jump of the counter between two reads in a tight loop. Starting every measured
 * part right after a tick puts the ticks that fall inside it at the same places in
 * every run; otherwise their phase depends on how long the host took to answer the
 * guest's file reads while it booted.
 */
static void align_to_tick(void)
{
	uint64_t prev = ticks(), t;

	while ((t = ticks()) - prev < TICK_GAP)
		prev = t;
}

/* Brackets the measured part of a variant: ticks for the measuring pass, markers for the counting one. */
void begin(const struct bench *b, struct result *r)
{
	mark(b, MARK_BEGIN, result_index(b, r));
	if (b->icount)
		align_to_tick();
	r->t0 = ticks();
}

void finish(const struct bench *b, struct result *r)
{
	r->ticks = ticks() - r->t0;
	mark(b, MARK_END, result_index(b, r));
}

/*
 * The tracer: resumes @pid from one syscall stop to the next and counts the entries
 * between each MARK_BEGIN and MARK_END into b->entries[index]. Returns the child's
 * exit status, or -1.
 */
static int count_entries(struct bench *b, pid_t pid)
{
	long index = -1, count = 0;
	int status, sig = 0;

	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) {
		fprintf(stderr, "ringflow-bench: cannot trace the counting pass: %s\n", strerror(errno));
		return -1;
	}
	for (;;) {
		struct __ptrace_syscall_info info;

		if (ptrace(PTRACE_SYSCALL, pid, 0, sig) || waitpid(pid, &status, 0) != pid)
			return -1;
		sig = 0;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return -1;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(status);	/* a real signal: deliver it */
			continue;
		}
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) <= 0)
			return -1;
		if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
			continue;
		if (info.entry.nr != SYS_getppid || info.entry.args[0] != MARK_MAGIC) {
			count++;
			continue;
		}
		if (info.entry.args[2] >= MAX_RESULTS)
			return -1;
		switch (info.entry.args[1]) {
		case MARK_BEGIN:
			index = (long)info.entry.args[2];
			count = 0;
			break;
		case MARK_END:
			if (index >= 0)
				b->entries[index] = count;
			index = -1;
			break;
		default:
			b->counted = (long)info.entry.args[2];
			break;
		}
	}
}

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
static const char *user_crc32c_name = "rf_crc32c_mem() table code (no SSE4.2)";

void fail(struct bench *b, const char *what, const char *why)
{
	if (!b->quiet)
		fprintf(stderr, "ringflow-bench%s: %s: %s\n", b->counting ? " (counting pass)" : "",
			what, why);
	b->failures++;
}

/* Setting up is not measured: stop at once when it fails. */
void must(int err, const char *step)
{
	if (err) {
		fprintf(stderr, "ringflow-bench: %s failed: %s\n", step,
			rf_errmsg()[0] ? rf_errmsg() : strerror(err < 0 ? -err : err));
		exit(1);
	}
}

static void pick_crc32c(void)
{
	unsigned char data[4096 + 7];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + (i >> 8));
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("sse4.2"))
		return;
	/* every tail length and a whole page, against the SDK's reference code */
	for (size_t len = 0; len < sizeof(data); len += len < 64 ? 1 : 4096 - 64)
		must(crc32c_sse42(data, len) == rf_crc32c_mem(data, len) ? 0 : -EPROTO,
		     "checking the crc32 instruction against rf_crc32c_mem()");
	user_crc32c = crc32c_sse42;
	user_crc32c_name = "SSE4.2 crc32 instruction (checked equal to rf_crc32c_mem())";
}

void *xalloc(size_t size)
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

/* ---- results -------------------------------------------------------------------- */

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

/* Keeps the round just run; ticks and lat_sum start afresh for the next one. */
static void end_round(struct result *r)
{
	r->round_ticks[r->rounds] = r->ticks;
	r->round_lat[r->rounds] = r->lat_sum;
	r->rounds++;
	r->ticks = 0;
	r->lat_sum = 0;
}

/*
 * The rounds interleave the variants, rotating who goes first, so that the order of
 * runs does not favour one. The cheapest round counts: whatever else the system
 * does (an interrupt, a kernel worker, in wall mode a slow spell of the emulator)
 * only adds to a round, so the least disturbed one is the best estimate, and under
 * icount the one that repeats from run to run.
 */
static void take_best(struct result *r)
{
	unsigned int best = 0;

	for (unsigned int i = 1; i < r->rounds; i++)
		if (r->round_ticks[i] < r->round_ticks[best])
			best = i;
	if (r->rounds) {
		r->ticks = r->round_ticks[best];
		r->lat_sum = r->round_lat[best];
	}
}

/* Instructions (icount) or nanoseconds (wall) per op. */
static double cost(const struct bench *b, uint64_t t, unsigned long ops)
{
	double v = ops ? (double)t / (double)ops : 0;

	return b->icount ? v : v / tsc_hz * 1e9;
}

static double entries_per_op(const struct bench *b, const struct result *r)
{
	long e = b->entries[result_index(b, r)];

	return e < 0 || !r->ops ? -1 : (double)e / (double)r->ops;
}

/* Every section has a workload name of its own, and one base row. */
static const struct result *section_base(const struct bench *b, const struct result *r)
{
	for (unsigned int i = 0; i < b->nr_results; i++)
		if (b->results[i].base && !strcmp(b->results[i].workload, r->workload))
			return &b->results[i];
	return NULL;
}

/* Above 1: cheaper than the section's base row. */
static double ratio(const struct bench *b, const struct result *r)
{
	const struct result *base = section_base(b, r);

	return base && r->ticks && r->ops && base->ops ?
		cost(b, base->ticks, base->ops) / cost(b, r->ticks, r->ops) : 0;
}

static void start_section(struct bench *b, const char *title)
{
	b->section = b->nr_results;
	if (b->counting)
		return;
	printf("\n%s\n  %-44s %8s %11s %10s %11s %7s\n", title, "variant", "ops",
	       b->icount ? "instr/op" : "wall ns/op", "entries/op",
	       b->icount ? "lat instr" : "lat ns", "ratio");
	fflush(stdout);
}

static void print_row(const struct bench *b, const struct result *r)
{
	double e = entries_per_op(b, r);
	char ent[16], lat[24];

	if (e < 0)
		snprintf(ent, sizeof(ent), "?");
	else
		snprintf(ent, sizeof(ent), "%.3f", e);
	if (r->lat)
		snprintf(lat, sizeof(lat), "%.0f", cost(b, r->lat_sum, r->ops));
	else
		snprintf(lat, sizeof(lat), "-");
	printf("  %-44s %8lu %11.0f %10s %11s %6.2fx%s\n", r->variant, r->ops,
	       cost(b, r->ticks, r->ops), ent, lat, ratio(b, r), r->base ? " (base)" : "");
}

static void end_section(struct bench *b)
{
	for (unsigned int i = b->section; i < b->nr_results; i++)
		take_best(&b->results[i]);
	if (b->counting)
		return;
	for (unsigned int i = b->section; i < b->nr_results; i++)
		print_row(b, &b->results[i]);
	fflush(stdout);
}

/* ---- a section of variants --------------------------------------------------------- */

void run_section(struct bench *b, const char *title, const char *workload,
		 unsigned int block, unsigned long ops, struct work *w,
		 const struct variant *v, unsigned int nr, round_fn round)
{
	struct result *r[8];

	start_section(b, title);
	for (unsigned int i = 0; i < nr; i++) {
		r[i] = add_result(b, workload, v[i].name, block, ops);
		r[i]->base = i == 0;
		r[i]->lat = v[i].lat;
	}
	for (unsigned int k = 0; k < b->rounds; k++) {
		for (unsigned int i = 0; i < nr; i++) {
			unsigned int j = (k + i) % nr;

			round(b, r[j], w, &v[j]);
			end_round(r[j]);
		}
	}
	end_section(b);
}

/* ---- a. per-request overhead ------------------------------------------------------- */

/* Waits for @k completions of raw SQEs; each must have result @want. */
static void reap_raw(struct bench *b, struct result *r, struct io_uring *u, unsigned int k, int want)
{
	unsigned int seen = 0;

	while (seen < k) {
		int ret = io_uring_submit_and_wait(u, k - seen);
		struct io_uring_cqe *cqe;
		unsigned int head, n = 0;

		if (ret < 0 && ret != -EINTR) {
			fail(b, r->variant, strerror(-ret));
			return;
		}
		io_uring_for_each_cqe(u, head, cqe) {
			if (cqe->res != want)
				fail(b, r->variant, "a request completed with an unexpected result");
			n++;
		}
		io_uring_cq_advance(u, n);
		seen += n;
	}
}

/* Raw SQEs on the ring's io_uring, in batches of BATCH: IORING_OP_NOP (slot < 0) or BPF. */
static void nop_raw(struct bench *b, struct result *r, int slot)
{
	struct io_uring *u = rf_ring_uring(b->ring);

	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = r->ops - done < BATCH ? (unsigned int)(r->ops - done) : BATCH;

		for (unsigned int i = 0; i < k; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(u);

			if (slot >= 0)
				rf_prep_bpf(sqe, (unsigned int)slot, 0, NULL, 0, 0, 0);
			else
				io_uring_prep_nop(sqe);
			sqe->user_data = done + i;
		}
		reap_raw(b, r, u, k, 0);
	}
	finish(b, r);
}

static void run_nop(struct bench *b, struct result *r, struct work *w)
{
	(void)w;
	nop_raw(b, r, -1);
}

/* IORING_BPF_BIND_KERNEL_NOP: the request path without a program */
static void run_kernel_nop(struct bench *b, struct result *r, struct work *w)
{
	(void)w;
	nop_raw(b, r, SLOT_KERNEL_NOP);
}

static void run_bpf_nop(struct bench *b, struct result *r, struct work *w)
{
	(void)w;
	nop_raw(b, r, SLOT_NOP);
}

struct chain_check {
	struct bench	*b;
	const char	*variant;
};

static void chain_ok(const struct rf_chain_result *res, void *arg)
{
	struct chain_check *ctx = arg;
	char line[256];

	if (res->status) {
		rf_chain_describe(res, line, sizeof(line));
		fail(ctx->b, ctx->variant, line);
	}
}

/* Drains a batch of @k chains. */
static void drain_batch(struct bench *b, struct result *r, unsigned int k)
{
	struct chain_check ctx = { b, r->variant };
	int n = rf_ring_drain(b->ring, chain_ok, &ctx);

	if (n != (int)k)
		fail(b, r->variant, n < 0 ? rf_errmsg() : "chains went missing");
}

/* The same BPF op through the SDK: one chain of one stage per request. */
static void run_nop_chains(struct bench *b, struct result *r, struct work *w)
{
	(void)w;
	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = r->ops - done < BATCH ? (unsigned int)(r->ops - done) : BATCH;

		for (unsigned int i = 0; i < k; i++) {
			struct rf_chain *c = rf_chain_new(b->ring, NULL);

			must(c ? 0 : -ENOSPC, "new chain");
			rf_chain_bpf(c, SLOT_NOP, 0);
			must(rf_chain_queue(c), "queueing a chain");
		}
		drain_batch(b, r, k);
	}
	finish(b, r);
}

/* The SDK has no call for this measuring aid: bind it with the raw register opcode. */
int bind_kernel_nop(struct rf_ring *ring, unsigned int slot)
{
	struct io_uring_bpf_bind bind = { .slot = slot, .link_fd = -1,
					  .flags = IORING_BPF_BIND_KERNEL_NOP };

	return io_uring_register(rf_ring_uring(ring)->ring_fd, IORING_REGISTER_BPF_OP, &bind, 1);
}

static void nop_round(struct bench *b, struct result *r, struct work *w, const struct variant *v)
{
	v->run(b, r, w);
}

static void workload_nop(struct bench *b, unsigned long n)
{
	static const struct variant v[] = {
		{ "IORING_OP_NOP (raw SQEs)", run_nop, false },
		{ "IORING_OP_BPF, kernel nop: no program", run_kernel_nop, false },
		{ "IORING_OP_BPF rf_nop (raw SQEs)", run_bpf_nop, false },
		{ "IORING_OP_BPF rf_nop (SDK chains)", run_nop_chains, false },
	};

	run_section(b, "a. per-request overhead: IORING_OP_BPF rf_nop vs IORING_OP_NOP, "
		    "batches of 32 requests", "nop", 0, n, NULL, v, 4, nop_round);
}

/* ---- b, c. read -> crc32c -> write, crc32c alone ----------------------------------- */

/* Per buffer of the window: which block its chain carries, since when. */
struct slot {
	unsigned int	index;
	unsigned long	block;
	uint64_t	queued;
};

struct chain_ctx {
	struct bench	*b;
	struct result	*r;
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
static void run_chains(struct bench *b, struct result *r, struct work *w, unsigned int window)
{
	unsigned char *bufs = xalloc((size_t)window * w->block);
	struct slot *slots = calloc(window, sizeof(*slots));
	unsigned int *free_slots = calloc(window, sizeof(*free_slots));
	struct chain_ctx ctx = { b, r, w->crcs, free_slots, window, w->out >= 0 ? 3 : 1 };
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
			struct slot *s = &slots[ctx.free[--ctx.nr_free]];
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
		n = rf_ring_reap(b->ring, 1, chain_done, &ctx);
		if (n < 0) {
			fail(b, r->variant, rf_errmsg());
			break;
		}
		reaped += (unsigned long)n;
	}
	finish(b, r);
	/* after a failure, let what is in flight complete before the buffers go */
	if (rf_ring_drain(b->ring, chain_done, &ctx) < 0)
		fail(b, r->variant, rf_errmsg());
	free(free_slots);
	free(slots);
	free(bufs);
}

static void run_chains32(struct bench *b, struct result *r, struct work *w)
{
	run_chains(b, r, w, WINDOW);
}

static void run_chains1(struct bench *b, struct result *r, struct work *w)
{
	run_chains(b, r, w, 1);
}

/* Queues reads or writes of blocks @first .. @first + @k, one buffer each, and reaps them. */
static bool uring_batch(struct io_uring *u, bool write, const struct work *w, unsigned char *bufs,
			unsigned long first, unsigned int k)
{
	unsigned int seen = 0;
	bool ok = true;

	for (unsigned int i = 0; i < k; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(u);
		__u64 off = (__u64)(first + i) * w->block;

		if (write)
			io_uring_prep_write(sqe, w->out, bufs + (size_t)i * w->block, w->block, off);
		else
			io_uring_prep_read(sqe, w->in, bufs + (size_t)i * w->block, w->block, off);
	}
	while (seen < k) {
		struct io_uring_cqe *cqe;
		unsigned int head, n = 0;
		int ret = io_uring_submit_and_wait(u, k - seen);

		if (ret < 0 && ret != -EINTR)
			return false;
		io_uring_for_each_cqe(u, head, cqe) {
			ok &= cqe->res == (int)w->block;
			n++;
		}
		io_uring_cq_advance(u, n);
		seen += n;
	}
	return ok;
}

/*
 * What a user without BPF ops would do with io_uring: read @batch blocks, checksum,
 * write them, one round trip to userspace between the reads and the writes.
 */
static void uring_round_trips(struct bench *b, struct result *r, struct work *w,
			      unsigned int batch)
{
	unsigned char *bufs = xalloc((size_t)batch * w->block);
	struct io_uring u;

	must(io_uring_queue_init(2 * BATCH, &u, 0), "creating a plain io_uring");
	begin(b, r);
	for (unsigned long i = 0; i < w->blocks; i += batch) {
		unsigned int k = w->blocks - i < batch ? (unsigned int)(w->blocks - i) : batch;

		if (!uring_batch(&u, false, w, bufs, i, k)) {
			fail(b, r->variant, "short or failed read");
			break;
		}
		for (unsigned int j = 0; j < k; j++)
			w->crcs[i + j] = user_crc32c(bufs + (size_t)j * w->block, w->block);
		if (!uring_batch(&u, true, w, bufs, i, k)) {
			fail(b, r->variant, "short or failed write");
			break;
		}
	}
	finish(b, r);
	if (batch == 1)
		r->lat_sum = r->ticks;	/* one at a time: latency is the time per block */
	io_uring_queue_exit(&u);
	free(bufs);
}

static void run_uring(struct bench *b, struct result *r, struct work *w)
{
	uring_round_trips(b, r, w, BATCH);
}

static void run_uring1(struct bench *b, struct result *r, struct work *w)
{
	uring_round_trips(b, r, w, 1);
}

static void run_syscalls(struct bench *b, struct result *r, struct work *w)
{
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

static void crc_loop(struct bench *b, struct result *r, struct work *w,
		     uint32_t (*crc)(const void *, size_t))
{
	begin(b, r);
	for (unsigned long i = 0; i < w->blocks; i++)
		w->crcs[i] = crc(w->data + i * w->block, w->block);
	finish(b, r);
	r->lat_sum = r->ticks;
}

static void run_crc_user(struct bench *b, struct result *r, struct work *w)
{
	crc_loop(b, r, w, user_crc32c);
}

static void run_crc_table(struct bench *b, struct result *r, struct work *w)
{
	crc_loop(b, r, w, rf_crc32c_mem);
}

/* Not measured: the output must be the input, the checksums the reference's. */
static bool verify(struct bench *b, const struct result *r, const struct work *w)
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
static void pipe_round(struct bench *b, struct result *r, struct work *w, const struct variant *v,
		       bool writes)
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

static void copy_round(struct bench *b, struct result *r, struct work *w, const struct variant *v)
{
	pipe_round(b, r, w, v, true);
}

static void crc_round(struct bench *b, struct result *r, struct work *w, const struct variant *v)
{
	pipe_round(b, r, w, v, false);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The input file: @blocks blocks of pseudo-random bytes, also kept in memory. */
static struct work make_input(unsigned int block, unsigned long blocks)
{
	struct work w = { .block = block, .blocks = blocks, .out = -1 };
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

static void free_input(struct work *w)
{
	close(w->in);
	free((void *)w->data);
	free(w->want);
}

#define V_PREAD	"pread + user crc32c + pwrite"

static void workload_pipeline(struct bench *b, unsigned int block, unsigned long blocks,
			      const char *workload, const char *crc_workload)
{
	static const struct variant pipeline[] = {
		{ V_PREAD, run_syscalls, true },
		{ "io_uring 32 reads, user crc32c, 32 writes", run_uring, false },
		{ "io_uring round trips, 1 block at a time", run_uring1, true },
		{ "BPF chains, 32 in flight", run_chains32, false },
		{ "BPF chains, 1 in flight", run_chains1, true },
	};
	static const struct variant crc[] = {
		{ "userspace crc32c (best available)", run_crc_user, false },
		{ "userspace rf_crc32c_mem() table code", run_crc_table, false },
		{ "BPF rf_crc32c op, 32 in flight", run_chains32, false },
	};
	struct work w = make_input(block, blocks);
	char title[160];

	snprintf(title, sizeof(title), "b. read -> crc32c -> write, %u KiB blocks, %lu blocks "
		 "(%lu KiB), %s", block / 1024, blocks, blocks * block / 1024, storage_name);
	run_section(b, title, workload, block, blocks, &w, pipeline,
		    sizeof(pipeline) / sizeof(pipeline[0]), copy_round);
	snprintf(title, sizeof(title), "c. crc32c alone, %u KiB blocks in memory", block / 1024);
	run_section(b, title, crc_workload, block, blocks, &w, crc, 3, crc_round);
	free_input(&w);
}

/* ---- d. per-request arguments: payload slots ----------------------------------------- */

/* The key request @i xors its buffer with, and the bytes the buffer starts with. */
static uint32_t xor_key(unsigned long i)
{
	return (uint32_t)(i * 0x9e3779b1UL) | 1;
}

static unsigned char xor_fill(unsigned long i, unsigned int j)
{
	return (unsigned char)(i * 7 + (unsigned long)j * 13);
}

/*
 * rf_xor on one XOR_LEN buffer per request, raw SQEs in batches of BATCH; the key is
 * in a payload slot, written through the mapping or, @syscall, with
 * bpf_map_update_elem(). The slot is allocated and freed the same way in both (the
 * SDK's allocator writes the slot's reference into the mapping), so the difference
 * is how the arguments get there.
 */
static void payload_raw(struct bench *b, struct result *r, struct work *w, bool syscall)
{
	struct io_uring *u = rf_ring_uring(b->ring);
	int map_fd = bpf_map__fd(b->skel->maps.rf_payloads);
	struct io_uring_bpf_buf desc[BATCH];
	__u64 refs[BATCH];

	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = r->ops - done < BATCH ? (unsigned int)(r->ops - done) : BATCH;

		for (unsigned int i = 0; i < k; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(u);
			struct rf_builtin_args *args = rf_payload_alloc(b->obj, &refs[i]);
			struct {
				struct rf_payload_hdr	hdr;
				struct rf_builtin_args	args;
			} value = { { refs[i] }, { xor_key(done + i), 0, 0, 0 } };
			__u32 index = RF_REF_INDEX(refs[i]);

			must(args ? 0 : -ENOSPC, "allocating a payload slot");
			if (syscall)
				must(bpf_map_update_elem(map_fd, &index, &value, BPF_ANY),
				     "bpf_map_update_elem");
			else
				args->xor_key = xor_key(done + i);
			rf_buf_user(&desc[i], w->xbufs + (done + i) * XOR_LEN, XOR_LEN);
			rf_prep_bpf(sqe, SLOT_XOR, 0, &desc[i], 1, 0, refs[i]);
		}
		reap_raw(b, r, u, k, XOR_LEN);
		for (unsigned int i = 0; i < k; i++)
			rf_payload_free(b->obj, refs[i]);
	}
	finish(b, r);
}

static void run_payload_syscall(struct bench *b, struct result *r, struct work *w)
{
	payload_raw(b, r, w, true);
}

static void run_payload_mmap(struct bench *b, struct result *r, struct work *w)
{
	payload_raw(b, r, w, false);
}

/* The SDK's way: a chain of one rf_xor stage whose rf_stage_payload() gets the key. */
static void run_payload_chains(struct bench *b, struct result *r, struct work *w)
{
	begin(b, r);
	for (unsigned long done = 0; done < r->ops; done += BATCH) {
		unsigned int k = r->ops - done < BATCH ? (unsigned int)(r->ops - done) : BATCH;

		for (unsigned int i = 0; i < k; i++) {
			struct rf_chain *c = rf_chain_new(b->ring, b->obj);
			struct rf_stage *s;
			struct rf_builtin_args *args;

			must(c ? 0 : -ENOSPC, "new chain");
			s = rf_chain_bpf(c, SLOT_XOR, 0);
			rf_stage_buf(s, w->xbufs + (done + i) * XOR_LEN, XOR_LEN);
			args = rf_stage_payload(s);
			if (args)
				args->xor_key = xor_key(done + i);
			must(rf_chain_queue(c), "queueing a chain");
		}
		drain_batch(b, r, k);
	}
	finish(b, r);
}

static void payload_round(struct bench *b, struct result *r, struct work *w,
			  const struct variant *v)
{
	char why[128];

	for (unsigned long i = 0; i < r->ops; i++)
		for (unsigned int j = 0; j < XOR_LEN; j++)
			w->xbufs[i * XOR_LEN + j] = xor_fill(i, j);
	v->run(b, r, w);
	/* not measured: every buffer must hold its bytes xored with its own key */
	for (unsigned long i = 0; i < r->ops; i++) {
		for (unsigned int j = 0; j < XOR_LEN; j++) {
			unsigned char want = xor_fill(i, j) ^ (unsigned char)(xor_key(i) >> (8 * (j & 3)));

			if (w->xbufs[i * XOR_LEN + j] != want) {
				snprintf(why, sizeof(why), "request %lu: byte %u is 0x%02x, not 0x%02x",
					 i, j, w->xbufs[i * XOR_LEN + j], want);
				fail(b, r->variant, why);
				return;
			}
		}
	}
}

#define V_UPDATE	"rf_xor, args by bpf_map_update_elem()"

static void workload_payload(struct bench *b, unsigned long n)
{
	static const struct variant v[] = {
		{ V_UPDATE, run_payload_syscall, false },
		{ "rf_xor, args in the mmap'ed slot (raw SQEs)", run_payload_mmap, false },
		{ "rf_xor, rf_stage_payload() (SDK chains)", run_payload_chains, false },
	};
	struct work w = { .out = -1, .xbufs = xalloc(n * XOR_LEN) };

	run_section(b, "d. per-request arguments: a 4-byte key for rf_xor (16-byte buffer) in a "
		    "payload slot, batches of 32", "payload", XOR_LEN, n, &w, v, 3, payload_round);
	free(w.xbufs);
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

static const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		return "unknown";
	return u.release;
}

static void print_header(const struct bench *b, const char *acc, const char *rev, bool quick,
			 uint64_t check)
{
	printf("ringflow-bench: IORING_OP_BPF vs the best userspace alternative, side by side, "
	       "one run%s\n", quick ? " (--quick: small counts)" : "");
	printf("  kernel %s, %ld CPU(s) online, accel %s, git %s\n", kernel_release(),
	       sysconf(_SC_NPROCESSORS_ONLN), acc, rev);
	if (b->icount)
		printf("  MODE icount: figures are GUEST INSTRUCTIONS (qemu -icount shift=0,sleep=off; the\n"
		       "  TSC counts executed instructions: a loop of %lu read %llu). They count user and\n"
		       "  kernel code, interrupts and every task that ran; they repeat from run to run\n"
		       "  within 2 per op (io_uring work handed to io-wq threads, as on tmpfs, varies more).\n"
		       "  They do not weigh cache misses, memory bandwidth, atomics, the cost of entering\n"
		       "  the kernel (read entries/op beside them), nor what a string instruction costs:\n"
		       "  a 'rep movsb' copying 4 KiB counts 4096.\n",
		       2 * CHECK_LOOP, (unsigned long long)check);
	else
		printf("  MODE wall: figures are TCG WALL TIME (TSC at %.0f MHz): emulation cost is uneven\n"
		       "  and the host is shared, so they are no measure of performance; tools/bench/run\n"
		       "  --icount gives deterministic instruction counts.\n", tsc_hz / 1e6);
	printf("  entries/op: system calls per op, every one counted under ptrace in a separate pass.\n"
	       "  lat: submission -> completion, for rows doing one op at a time. ratio: the base\n"
	       "  row's cost per op / this row's (above 1: cheaper than base). Best of %u rounds.\n"
	       "  userspace crc32c: %s;\n"
	       "  the BPF rf_crc32c op: bpf_io_buf_crc32c(), the kernel's crc32c library.\n",
	       b->rounds, user_crc32c_name);
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

static int write_json(const struct bench *b, const char *path, const char *acc, const char *rev,
		      bool quick)
{
	const char *mode = b->icount ? "icount" : "wall";
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "ringflow-bench: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"mode\": \"%s\",\n  \"accel\": \"%s\",\n  \"kernel\": ", mode, acc);
	json_string(f, kernel_release());
	fprintf(f, ",\n  \"git\": ");
	json_string(f, rev);
	fprintf(f, ",\n  \"cpus\": %ld,\n  \"quick\": %s,\n  \"rounds\": %u,\n  \"user_crc32c\": ",
		sysconf(_SC_NPROCESSORS_ONLN), quick ? "true" : "false", b->rounds);
	json_string(f, user_crc32c_name);
	fprintf(f, ",\n  \"verified\": %s,\n  \"results\": [\n", b->failures ? "false" : "true");
	for (unsigned int i = 0; i < b->nr_results; i++) {
		const struct result *r = &b->results[i];
		double c = cost(b, r->ticks, r->ops);

		fprintf(f, "    {\"workload\": ");
		json_string(f, r->workload);
		fprintf(f, ", \"variant\": ");
		json_string(f, r->variant);
		fprintf(f, ", \"block\": %u, \"ops\": %lu, ", r->block, r->ops);
		if (b->icount)
			fprintf(f, "\"instr_per_op\": %.1f, \"wall_ns_per_op\": null, ", c);
		else
			fprintf(f, "\"instr_per_op\": null, \"wall_ns_per_op\": %.1f, ", c);
		fprintf(f, "\"entries\": %ld, \"entries_per_op\": %.5f, \"lat_per_op\": ",
			b->entries[i], entries_per_op(b, r));
		if (r->lat)
			fprintf(f, "%.1f", cost(b, r->lat_sum, r->ops));
		else
			fprintf(f, "null");
		fprintf(f, ", \"ratio\": %.4f, \"base\": %s, \"mode\": \"%s\", \"kernel\": ",
			ratio(b, r), r->base ? "true" : "false", mode);
		json_string(f, kernel_release());
		fprintf(f, ", \"git\": ");
		json_string(f, rev);
		fprintf(f, ", \"rounds\": [");
		for (unsigned int k = 0; k < r->rounds; k++)
			fprintf(f, "%s%.1f", k ? ", " : "", cost(b, r->round_ticks[k], r->ops));
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
	struct work w = make_input(BLOCK, BLOCKS);
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

/* Entries of the first row named @variant, which must be @want. */
static bool entries_are(const struct bench *b, const char *variant, long want)
{
	for (unsigned int i = 0; i < b->nr_results; i++)
		if (!strcmp(b->results[i].variant, variant))
			return b->entries[i] == want;
	return false;
}

/*
 * --check: the counting pass must see every system call. Rows whose entries are
 * known in advance: pread + pwrite make 2 per block; 32 nops complete inline
 * within one io_uring_enter(); bpf_map_update_elem() adds one bpf() per request.
 */
static bool check_entries(const struct bench *b, unsigned long nops, unsigned long blocks,
			  unsigned long npayload)
{
	bool rw = entries_are(b, V_PREAD, (long)(2 * blocks));
	bool nop = entries_are(b, "IORING_OP_NOP (raw SQEs)", (long)((nops + BATCH - 1) / BATCH));
	bool bpf = entries_are(b, V_UPDATE, (long)(npayload + (npayload + BATCH - 1) / BATCH));

	printf("--check: kernel entries counted exactly: pread + pwrite 2 per block: %s, "
	       "IORING_OP_NOP 1 per batch: %s, bpf_map_update_elem 1 per request + 1 per batch: %s\n",
	       rw ? "yes" : "NO", nop ? "yes" : "NO", bpf ? "yes" : "NO");
	return rw && nop && bpf;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ringflow-bench [--icount] [--quick] [--check] [--json FILE] [--git REV]\n"
		"  --icount     the guest runs under qemu -icount shift=0: report guest instructions\n"
		"               (checked at start); without it, TCG wall time\n"
		"  --quick      small counts (a few seconds under TCG)\n"
		"  --check      also make sure the result verification catches wrong results and\n"
		"               the kernel entry counts are exact (one round per variant)\n"
		"  --json FILE  write the results as JSON (tools/bench/compare compares two)\n"
		"  --git REV    the source revision, for the header and the JSON\n"
		"Exits 1 when a variant fails or computes a different result.\n");
}

int main(int argc, char **argv)
{
	static struct bench b;
	struct rf_ring_opts opts = { .entries = 256, .max_chains = WINDOW + BATCH };
	const char *json = NULL, *rev = "unknown", *acc;
	bool quick = false, check = false;
	/* fixed counts (multiples of BATCH), so a run takes bounded time */
	unsigned long nops, blocks4k, blocks64k, npayload;
	uint64_t loop = 0;
	pid_t child;
	int status;

	/*
	 * Without address space randomization: where the stack and the mappings land
	 * changes how many instructions some copies and lookups take, and the guest
	 * draws that randomness afresh in every boot.
	 */
	status = personality(0xffffffff);
	if (status != -1 && !(status & ADDR_NO_RANDOMIZE) &&
	    personality((unsigned long)status | ADDR_NO_RANDOMIZE) != -1)
		execv("/proc/self/exe", argv);	/* on failure, go on randomized */

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "--icount")) {
			b.icount = true;
		} else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
			json = argv[++i];
		} else if (!strcmp(argv[i], "--git") && i + 1 < argc) {
			rev = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	nops = quick ? 3200 : 100000;
	blocks4k = quick ? 128 : 2048;
	blocks64k = quick ? 16 : 256;
	npayload = quick ? 3200 : 32000;
	b.rounds = ROUNDS;
	/* --check is about results, not speed (the VM test runs it): one round */
	if (check)
		b.rounds = 1;
	memset(b.entries, 0xff, sizeof(b.entries));	/* -1: not counted */

	if (b.icount) {
		loop = counter_check();
		if (loop < 2 * CHECK_LOOP || loop > 2 * CHECK_LOOP + 64) {
			fprintf(stderr, "ringflow-bench: --icount, but a loop of %lu instructions read "
				"%llu TSC ticks: the guest is not running under qemu -icount shift=0 "
				"(use tools/bench/run --icount)\n", 2 * CHECK_LOOP, (unsigned long long)loop);
			return 1;
		}
	}
	pick_crc32c();

	/* The counting pass: the same benchmark, once, in a traced child, before any set-up. */
	fflush(NULL);
	child = fork();
	must(child < 0 ? -errno : 0, "forking the counting pass");
	if (child == 0) {
		must(ptrace(PTRACE_TRACEME, 0, 0, 0) ? -errno : 0, "PTRACE_TRACEME");
		raise(SIGSTOP);
		b.counting = true;
		b.rounds = 1;
	} else {
		status = count_entries(&b, child);
		if (status) {
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			fprintf(stderr, "ringflow-bench: the counting pass failed (%d)\n", status);
			return 1;
		}
	}

	must(rf_probe(), "probing the kernel");
	b.skel = rf_builtin__open();
	must(b.skel ? 0 : -errno, "opening the built-in ops");
	must(rf_load_skeleton(b.skel->skeleton), "loading the built-in ops");
	must(rf_builtin__attach(b.skel), "attaching the built-in ops");
	must(rf_object_open(b.skel->obj, &b.obj), "mapping the record map");
	must(rf_ring_create(&opts, &b.ring), "creating the ring");
	must(rf_ring_bind(b.ring, SLOT_CRC, b.skel->links.rf_crc32c), "binding rf_crc32c");
	must(rf_ring_bind(b.ring, SLOT_NOP, b.skel->links.rf_nop), "binding rf_nop");
	must(rf_ring_bind(b.ring, SLOT_XOR, b.skel->links.rf_xor), "binding rf_xor");
	must(bind_kernel_nop(b.ring, SLOT_KERNEL_NOP), "binding the kernel's null op");
	must(bpf_map__value_size(b.skel->maps.rf_payloads) ==
	     sizeof(struct rf_payload_hdr) + sizeof(struct rf_builtin_args) ? 0 : -EINVAL,
	     "checking the payload map's value size");

	acc = accel();
	if (!b.icount && !b.counting)
		calibrate_tsc();
	if (!b.counting)
		print_header(&b, acc, rev, quick, loop);
	workload_nop(&b, nops);
	workload_pipeline(&b, 4096, blocks4k, "pipeline 4K", "crc32c 4K");
	workload_pipeline(&b, 65536, blocks64k, "pipeline 64K", "crc32c 64K");
	workload_payload(&b, npayload);
	workload_btree(&b, quick);
	rf_ring_destroy(b.ring);
	rf_object_close(b.obj);
	rf_builtin__destroy(b.skel);
	if (b.counting) {
		mark(&b, MARK_DONE, b.nr_results);
		return b.failures ? 1 : 0;
	}

	if (b.counted != (long)b.nr_results) {
		fprintf(stderr, "ringflow-bench: the counting pass ran %ld variants, this one %u\n",
			b.counted, b.nr_results);
		b.failures++;
	}
	if (check && !check_verifier(&b))
		b.failures++;
	if (check && !check_entries(&b, nops, blocks4k, npayload))
		b.failures++;
	if (check && !btree_check_entries(&b))
		b.failures++;
	if (json && write_json(&b, json, acc, rev, quick))
		b.failures++;
	if (b.failures) {
		printf("\nFAILED: %d variant(s) failed or computed a different result\n", b.failures);
		return 1;
	}
	printf("\nall variants verified: identical checksums, output files equal to the input,\n"
	       "every payload request's buffer xored with its own key, every B+-tree lookup\n"
	       "equal to a userspace lookup\n");
	return 0;
}
