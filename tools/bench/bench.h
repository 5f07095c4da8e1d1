/* SPDX-License-Identifier: MIT */
/*
 * What the harness (harness.c) offers the sections, each a file of its own
 * (nop.c, pipeline.c, payload.c, btree.c): results and their rounds, the measured
 * brackets, sections of variants, waiting for completions, failure reporting. The
 * harness knows no section; ringflow-bench.c runs them. See harness.c for what the
 * figures are and how kernel entries are counted.
 */
#ifndef RINGFLOW_BENCH_H
#define RINGFLOW_BENCH_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <liburing.h>
#include <x86intrin.h>
#include <ringflow/ringflow.h>

#define WINDOW		32	/* chains in flight in the pipelined variants */
#define BATCH		32	/* requests per io_uring_enter() in the batched variants */
#define MAX_RESULTS	64
#define MAX_VARIANTS	8	/* per section */
#define ROUNDS		3	/* every variant runs once per round; the best counts */

/* The slots of the built-in ops on the shared ring (struct bench). */
enum { SLOT_CRC, SLOT_NOP, SLOT_XOR, SLOT_KERNEL_NOP };

struct rf_builtin;
struct rf_object;

struct result {
	const char	*workload;
	const char	*variant;
	unsigned int	block;		/* bytes per op; 0 when no data moves */
	unsigned long	ops;
	bool		base;		/* the row the section's ratios refer to */
	bool		lat;		/* one op at a time: latency is meaningful */
	uint64_t	t0, ticks;	/* the round being run */
	uint64_t	lat_sum;	/* sum over ops of submission -> completion */
	unsigned int	rounds;
	uint64_t	round_ticks[ROUNDS], round_lat[ROUNDS];
};

struct bench {
	/* the built-in ops, bound into the SLOT_* of ring */
	struct rf_builtin	*skel;
	struct rf_object	*obj;
	struct rf_ring		*ring;
	struct result		results[MAX_RESULTS];
	unsigned int		nr_results;
	unsigned int		section;	/* first result of the current section */
	long			entries[MAX_RESULTS];	/* from the counting pass */
	long			counted;	/* results the counting pass had */
	unsigned int		rounds;
	int			failures;
	bool			icount;		/* ticks are guest instructions */
	bool			counting;	/* this is the traced counting pass */
	bool			quiet;		/* --check plants errors: say nothing of them */
};

/*
 * A variant of a section. @work is what the section's variants work on, handed
 * through by run_section() untouched; each section has a type of its own for it.
 */
struct variant {
	const char	*name;
	void		(*run)(struct bench *b, struct result *r, void *work);
	bool		lat;	/* one op at a time: show its latency */
};

/* One round of a variant, between what its section prepares and checks. */
typedef void (*round_fn)(struct bench *b, struct result *r, void *work, const struct variant *v);

/* Requests in the batch of @ops that starts at @done: BATCH, or what is left. */
static inline unsigned int batch_at(unsigned long ops, unsigned long done)
{
	return ops - done < BATCH ? (unsigned int)(ops - done) : BATCH;
}

/* ---- measuring ---- */

/* The guest's TSC: instructions under --icount. Inline: the chains' variants read it per op. */
static inline uint64_t ticks(void)
{
	return __rdtsc();
}
/* Brackets the measured part of a variant. */
void begin(const struct bench *b, struct result *r);
void finish(const struct bench *b, struct result *r);

/* ---- failing ---- */

/* A variant failed or computed a wrong result: the run exits 1. */
void fail(struct bench *b, const char *what, const char *why);
/* Setting up is not measured: stop at once when it fails (must()). */
__attribute__((noreturn)) void must_fail(int err, const char *step);
/* Inline, as the variants check every chain they build with it. */
static inline void must(int err, const char *step)
{
	if (err)
		must_fail(err, step);
}
/* Zeroed, page-aligned memory, or exit. */
void *xalloc(size_t size);

/* ---- sections and results ---- */

/* Every variant of @v (at most MAX_VARIANTS) once per round, rounds interleaved, then the rows. */
void run_section(struct bench *b, const char *title, const char *workload,
		 unsigned int block, unsigned long ops, void *work,
		 const struct variant *v, unsigned int nr, round_fn round);
/* The row @variant of section @workload, or NULL. */
const struct result *find_result(const struct bench *b, const char *workload,
				 const char *variant);
/* Kernel entries the counting pass saw in @r, -1 when it did not count them. */
long result_entries(const struct bench *b, const struct result *r);

/* ---- waiting for completions ---- */

/* Checks one completion of a variant: fail() when it is wrong. */
typedef void (*cqe_fn)(struct bench *b, struct result *r, const struct io_uring_cqe *cqe,
		       void *arg);

/*
 * Submits what is queued on @u and waits for @k completions, handing each to @check.
 * False when waiting failed or a completion was wrong (both said with fail()).
 * Inlined, so that @check is too: the measured loops pay no call per completion.
 */
static inline __attribute__((always_inline))
bool wait_cqes(struct bench *b, struct result *r, struct io_uring *u, unsigned int k,
	       cqe_fn check, void *arg)
{
	int failures = b->failures;
	unsigned int seen = 0;

	while (seen < k) {
		int ret = io_uring_submit_and_wait(u, k - seen);
		struct io_uring_cqe *cqe;
		unsigned int head, n = 0;

		if (ret < 0 && ret != -EINTR) {
			fail(b, r->variant, strerror(-ret));
			return false;
		}
		io_uring_for_each_cqe(u, head, cqe) {
			check(b, r, cqe, arg);
			n++;
		}
		io_uring_cq_advance(u, n);
		seen += n;
	}
	return b->failures == failures;
}

/* wait_cqes() where every completion's result must be @want (harness.c, out of line). */
bool wait_results(struct bench *b, struct result *r, struct io_uring *u, unsigned int k,
		  int want);

/*
 * Reaps the @k chains queued on @ring, each reported to @cb (NULL: it must have
 * succeeded); fail() when reaping fails or chains are missing.
 */
void drain_chains(struct bench *b, struct result *r, struct rf_ring *ring, unsigned int k,
		  rf_chain_cb cb, void *arg);

/* IORING_BPF_BIND_KERNEL_NOP into @slot: the request path without a program. */
int bind_kernel_nop(struct rf_ring *ring, unsigned int slot);

/* ---- the run: its checks, header and JSON (harness.c) ---- */

/* --icount: the loop count check (exits when the guest is not under -icount). */
uint64_t check_icount(void);
/* TSC ticks per second against CLOCK_MONOTONIC, for wall mode. */
void calibrate_tsc(void);
/* Forks the traced counting pass: returns in both, b->counting set in the child. */
void start_counting_pass(struct bench *b);
/* The counting pass is over (in the child, which then exits). */
void end_counting_pass(const struct bench *b);
void print_header(const struct bench *b, const char *rev, bool quick, uint64_t check,
		  const char *user_crc32c_name);
int write_json(const struct bench *b, const char *path, const char *rev, bool quick,
	       const char *user_crc32c_name);

/* ---- the sections ---- */

/* a (nop.c): per-request overhead, @n requests. */
void section_nop(struct bench *b, unsigned long n);
bool nop_entries_ok(const struct bench *b);

/*
 * b, c (pipeline.c): read -> crc32c -> write of @blocks blocks of @block bytes, and
 * the crc32c alone. pick_crc32c() chooses userspace's crc32c and returns its name.
 */
const char *pick_crc32c(void);
void section_pipeline(struct bench *b, unsigned int block, unsigned long blocks,
		      const char *workload, const char *crc_workload);
bool pipeline_entries_ok(const struct bench *b);
bool pipeline_check_verifier(struct bench *b);

/* d (payload.c): per-request arguments in payload slots, @n requests. */
void section_payload(struct bench *b, unsigned long n);
bool payload_entries_ok(const struct bench *b);

/* e (btree.c): B+-tree lookups at depths 3, 4 and 5. */
void section_btree(struct bench *b, bool quick);
bool btree_entries_ok(const struct bench *b);

#endif /* RINGFLOW_BENCH_H */
