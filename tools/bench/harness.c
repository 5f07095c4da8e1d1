// SPDX-License-Identifier: MIT
/*
 * The harness of ringflow-bench: measuring, the traced pass counting kernel
 * entries, results and their rounds, sections of variants, the report and its
 * JSON. It knows no section (they are nop.c, pipeline.c, payload.c, btree.c).
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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <ringflow/ringflow.h>
#include "bench.h"

#define CHECK_LOOP	1000000UL	/* iterations of the two-instruction counter check */
#define TICK_GAP	1000	/* instructions: more between two counter reads is an interrupt */
#define MARK_MAGIC	0x7266626dUL	/* "rfbm": the counting pass's marker calls */

enum mark { MARK_END, MARK_BEGIN, MARK_DONE };

/* ---- measuring ------------------------------------------------------------------ */

static double tsc_hz;	/* wall mode only: TSC ticks per second */

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
void calibrate_tsc(void)
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

/* The counting pass: the same benchmark, once, in a traced child, before any set-up. */
void start_counting_pass(struct bench *b)
{
	pid_t child;
	int status;

	fflush(NULL);
	child = fork();
	must(child < 0 ? -errno : 0, "forking the counting pass");
	if (child == 0) {
		must(ptrace(PTRACE_TRACEME, 0, 0, 0) ? -errno : 0, "PTRACE_TRACEME");
		raise(SIGSTOP);
		b->counting = true;
		b->rounds = 1;
		return;
	}
	status = count_entries(b, child);
	if (status) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		fprintf(stderr, "ringflow-bench: the counting pass failed (%d)\n", status);
		exit(1);
	}
}

void end_counting_pass(const struct bench *b)
{
	mark(b, MARK_DONE, b->nr_results);
}

/*
 * --icount: a loop of 2 * CHECK_LOOP instructions must read as many TSC ticks,
 * give or take the reading itself.
 */
uint64_t check_icount(void)
{
	uint64_t loop = counter_check();

	if (loop < 2 * CHECK_LOOP || loop > 2 * CHECK_LOOP + 64) {
		fprintf(stderr, "ringflow-bench: --icount, but a loop of %lu instructions read "
			"%llu TSC ticks: the guest is not running under qemu -icount shift=0 "
			"(use tools/bench/run --icount)\n", 2 * CHECK_LOOP, (unsigned long long)loop);
		exit(1);
	}
	return loop;
}

/* ---- failing ------------------------------------------------------------------ */

void fail(struct bench *b, const char *what, const char *why)
{
	if (!b->quiet)
		fprintf(stderr, "ringflow-bench%s: %s: %s\n", b->counting ? " (counting pass)" : "",
			what, why);
	b->failures++;
}

void must_fail(int err, const char *step)
{
	fprintf(stderr, "ringflow-bench: %s failed: %s\n", step,
		rf_errmsg()[0] ? rf_errmsg() : strerror(err < 0 ? -err : err));
	exit(1);
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

const struct result *find_result(const struct bench *b, const char *workload,
				 const char *variant)
{
	for (unsigned int i = 0; i < b->nr_results; i++)
		if (!strcmp(b->results[i].workload, workload) &&
		    !strcmp(b->results[i].variant, variant))
			return &b->results[i];
	return NULL;
}

long result_entries(const struct bench *b, const struct result *r)
{
	return b->entries[result_index(b, r)];
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
		 unsigned int block, unsigned long ops, void *work,
		 const struct variant *v, unsigned int nr, round_fn round)
{
	struct result *r[MAX_VARIANTS];

	if (nr > MAX_VARIANTS) {
		fprintf(stderr, "ringflow-bench: section %s has %u variants, more than %d\n",
			workload, nr, MAX_VARIANTS);
		exit(1);
	}
	start_section(b, title);
	for (unsigned int i = 0; i < nr; i++) {
		r[i] = add_result(b, workload, v[i].name, block, ops);
		r[i]->base = i == 0;
		r[i]->lat = v[i].lat;
	}
	for (unsigned int k = 0; k < b->rounds; k++) {
		for (unsigned int i = 0; i < nr; i++) {
			unsigned int j = (k + i) % nr;

			round(b, r[j], work, &v[j]);
			end_round(r[j]);
		}
	}
	end_section(b);
}

/* ---- completions ---------------------------------------------------------------- */

static inline void cqe_res_is(struct bench *b, struct result *r, const struct io_uring_cqe *cqe,
			      void *want)
{
	if (cqe->res != *(const int *)want)
		fail(b, r->variant, "a request completed with an unexpected result");
}

bool wait_results(struct bench *b, struct result *r, struct io_uring *u, unsigned int k,
		  int want)
{
	return wait_cqes(b, r, u, k, cqe_res_is, &want);
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

void drain_chains(struct bench *b, struct result *r, struct rf_ring *ring, unsigned int k,
		  rf_chain_cb cb, void *arg)
{
	struct chain_check ctx = { b, r->variant };
	int n = cb ? rf_ring_drain(ring, cb, arg) : rf_ring_drain(ring, chain_ok, &ctx);

	if (n != (int)k)
		fail(b, r->variant, n < 0 ? rf_errmsg() : "chains went missing");
}

/* The SDK has no call for this measuring aid: bind it with the raw register opcode. */
int bind_kernel_nop(struct rf_ring *ring, unsigned int slot)
{
	struct io_uring_bpf_bind bind = { .slot = slot, .link_fd = -1,
					  .flags = IORING_BPF_BIND_KERNEL_NOP };

	return io_uring_register(rf_ring_uring(ring)->ring_fd, IORING_REGISTER_BPF_OP, &bind, 1);
}

/* ---- the report ------------------------------------------------------------------ */

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

void print_header(const struct bench *b, const char *rev, bool quick, uint64_t check,
		  const char *user_crc32c_name)
{
	const char *acc = accel();

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

int write_json(const struct bench *b, const char *path, const char *rev, bool quick,
	       const char *user_crc32c_name)
{
	const char *acc = accel();
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

