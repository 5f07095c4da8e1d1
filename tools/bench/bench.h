/* SPDX-License-Identifier: MIT */
/*
 * What ringflow-bench.c's machinery offers the sections written in files of their
 * own (btree.c): results and their rounds, the measured brackets, sections of
 * variants, failure reporting. See ringflow-bench.c's header comment for what the
 * figures are and how kernel entries are counted.
 */
#ifndef RINGFLOW_BENCH_H
#define RINGFLOW_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WINDOW		32	/* chains in flight in the pipelined variants */
#define BATCH		32	/* requests per io_uring_enter() in the batched variants */
#define MAX_RESULTS	64
#define ROUNDS		3	/* every variant runs once per round; the best counts */

struct rf_builtin;
struct rf_object;
struct rf_ring;

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

struct btree_work;

/* What the variants of a section work on; each section uses its part. */
struct work {
	/* b, c: the input file, its blocks and their reference checksums */
	int		in;
	unsigned int	block;
	unsigned long	blocks;
	const unsigned char *data;
	uint32_t	*want;
	bool		have_want;
	/* per round: the output file (-1 for c) and the checksums computed */
	int		out;
	uint32_t	*crcs;
	/* d: one XOR_LEN buffer per request */
	unsigned char	*xbufs;
	/* e: the B+-tree, its lookups and their results (btree.c) */
	struct btree_work *btree;
};

struct variant {
	const char	*name;
	void		(*run)(struct bench *b, struct result *r, struct work *w);
	bool		lat;	/* one op at a time: show its latency */
};

/* One round of a variant, between what its section prepares and checks. */
typedef void (*round_fn)(struct bench *b, struct result *r, struct work *w,
			 const struct variant *v);

/* The guest's TSC: instructions under --icount. */
uint64_t ticks(void);
/* Brackets the measured part of a variant. */
void begin(const struct bench *b, struct result *r);
void finish(const struct bench *b, struct result *r);
/* A variant failed or computed a wrong result: the run exits 1. */
void fail(struct bench *b, const char *what, const char *why);
/* Setting up is not measured: stop at once when it fails. */
void must(int err, const char *step);
/* Zeroed, page-aligned memory, or exit. */
void *xalloc(size_t size);
/* Every variant of @v once per round, rounds interleaved, then the rows. */
void run_section(struct bench *b, const char *title, const char *workload,
		 unsigned int block, unsigned long ops, struct work *w,
		 const struct variant *v, unsigned int nr, round_fn round);

/* IORING_BPF_BIND_KERNEL_NOP into @slot: the request path without a program. */
int bind_kernel_nop(struct rf_ring *ring, unsigned int slot);

/* Section e (btree.c): B+-tree lookups at depths 3, 4 and 5. */
void workload_btree(struct bench *b, bool quick);
bool btree_check_entries(const struct bench *b);

#endif /* RINGFLOW_BENCH_H */
