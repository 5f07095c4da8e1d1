/* SPDX-License-Identifier: MIT */
/*
 * The IORING_OP_BPF fuzzer: random chains of BPF and ordinary requests on random
 * rings, an oracle per request from include/ringflow/uapi.h, a model of every byte
 * the chains write, and process-wide checks (callbacks, pinned pages, memlock).
 * One 64-bit seed decides every choice the submitter makes; other threads and the
 * kernel's timing do not replay exactly, so a failing seed is rerun to reproduce.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include "ringflow/uapi.h"
#include "kt_modes.h"
#include "kt_ops.skel.h"
#include "fuzz_rng.h"

/* Op slots of every fuzzed ring. */
enum {
	FZ_SLOT_MAIN = 0,	/* op_main, stable */
	FZ_SLOT_MIN = 1,	/* op_min (1000 + args[0]), stable */
	FZ_SLOT_NULL = 2,	/* the kernel's null op, stable */
	FZ_SLOT_CHAOS = 3,	/* bound, unbound, rebound, detached by the chaos thread */
	FZ_SLOT_FREE = 4,	/* 4..63 stay empty */
};

/* Registered buffers: 0 and 1 halves of env.fixed, 2 updated by chaos, 3..7 empty. */
#define FZ_NR_FIXED	8
#define FZ_FIXED_CHAOS	2

#define FZ_ARENA_LEN	(4UL << 20)
#define FZ_FIXED_LEN	(1UL << 20)
#define FZ_IN_LEN	(256UL << 10)
#define FZ_OUT_LEN	(4UL << 20)
#define FZ_BIG_LEN	(IORING_BPF_MAX_BUF_LEN + 4096UL)
#define FZ_MEMLOCK	(48UL << 20)	/* RLIMIT_MEMLOCK while fuzzing */
#define FZ_UNMAPPED	0x1000ULL	/* below mmap_min_addr: never mapped */

/* What the whole process shares: the BPF objects, memory, files. */
struct fz_env {
	struct kt_ops *skel;
	struct bpf_link *link_main, *link_min;
	struct kt_ops *skel2;		/* its op_min is the link chaos detaches */
	struct bpf_link *link_det;
	pthread_mutex_t det_lock;
	bool reattach_broken;
	int fd_in, fd_out;
	int pipe[2];			/* chains wait on it while chaos goes on */
	unsigned char *in;		/* fd_in's content (constant) */
	unsigned char *out_model;	/* what fd_out must hold */
	unsigned char *arena, *arena_model;	/* RW anon memory the chains use */
	unsigned char *fixed, *fixed_model;	/* registered buffers 0 and 1 */
	unsigned char *chaos_a;		/* fixed index 2: all, half or none of it */
	unsigned char *ro;		/* a PROT_READ mapping (pattern) */
	unsigned char *hole;		/* a PROT_NONE page */
	unsigned char *big;		/* FZ_BIG_LEN bytes of anon memory */
	bool memlock_charged;		/* CAP_IPC_LOCK dropped: pins count */
	uint64_t prep_fails;		/* prep callbacks that returned an error */
	long vmpin_start;		/* kB */
};

enum fz_kind {
	FZ_BPF, FZ_READ, FZ_WRITE, FZ_NOP, FZ_FSYNC, FZ_TIMEOUT, FZ_LINK_TIMEOUT,
	FZ_PIPE_READ,	/* 1 byte of env->pipe: holds its chain until the batch is submitted */
};
#define FZ_PIPE_BYTE	'p'

#define FZ_MAX_EXP	6
#define FZ_MAX_DESC	6

/* One request: what was asked, which results the docs allow, what came back. */
struct fz_req {
	uint64_t ud;
	uint8_t kind;
	uint8_t sqe_flags;
	const char *what;		/* the case, for the report */
	/* BPF */
	uint32_t slot, op_flags, nr;
	uint64_t args[2];
	uint64_t desc_addr;		/* sqe->addr; usually desc */
	struct io_uring_bpf_buf desc[FZ_MAX_DESC];
	uint8_t reserved;		/* which reserved SQE field is set (0: none) */
	/* READ/WRITE: buffer, length, file position (after steering: full_len) */
	unsigned char *buf;
	uint32_t len, full_len;
	uint64_t off;
	int fixed_idx;			/* READ_FIXED/WRITE_FIXED with this buffer, or -1 */
	struct __kernel_timespec ts;
	/* oracle */
	int32_t exp[FZ_MAX_EXP];	/* allowed once the request runs; exp[0] modelled */
	int nexp;
	int32_t sub[FZ_MAX_EXP];	/* refused at submission: fails its whole chain */
	int nsub;
	bool must_sub;			/* sub[0] is certain */
	bool ends_chain;		/* exp[0] ends the chain (bpf_io_chain_done) */
	bool prep_err;			/* sub[0] comes from the prep callback */
	/* what came back */
	int32_t res;
	int ncqe;
};

/* A link chain: its requests, the memory it wrote (checked against the models). */
#define FZ_MAX_CHAIN	7
#define FZ_MAX_REGIONS	4
struct fz_region {
	unsigned char *mem, *model;
	size_t len;
};
struct fz_chain {
	int first, n;
	bool hard;
	int nreg;
	struct fz_region reg[FZ_MAX_REGIONS];
	uint64_t out_off;
	uint32_t out_len;		/* fd_out range written */
};

struct fz_stats {
	uint64_t sqes, bpf, chains, checked_chains, violations, seeds, kills, closes, chaos;
	uint64_t refused_chains;	/* a request refused at submission failed the chain */
	uint64_t chaos_ops, chaos_enoent, chaos_enolink;	/* chaos-slot results */
};

/* One seed's run. */
struct fz_seed {
	struct fz_env *env;
	struct fz_rng rng;
	uint64_t seed;
	uint64_t count;			/* SQEs to submit */
	unsigned int ring_flags;
	const char *ring_name;
	struct io_uring ring;
	struct fz_req *req;		/* this batch */
	int nreq, cap;
	struct fz_chain chain[64];
	int nchain;
	size_t arena_used, fixed_used;	/* bump allocators, reset per batch */
	uint64_t out_used;		/* fd_out, round robin */
	uint64_t next_ud;
	bool big_used;			/* one 16 MiB pin per batch */
	unsigned int pipe_reads;	/* FZ_PIPE_READs in this batch */
	bool quiet;
	struct fz_stats *st;
};

/* fuzz_env.c */
int fz_env_init(struct fz_env *env, bool charge_memlock);
void fz_env_fini(struct fz_env *env);
long fz_status_kb(const char *field);	/* /proc/self/status, kB; -1 if absent */
long fz_meminfo_kb(const char *field);	/* /proc/meminfo, kB; -1 if absent */
bool fz_wait_vmpin(struct fz_env *env, long *now);
int fz_memlock_free(struct fz_env *env);	/* 0 when nothing stays charged */
int fz_det_reattach(struct fz_env *env);
int fz_bind(int ring_fd, unsigned int slot, int link_fd, unsigned int flags);
int fz_unbind(int ring_fd, unsigned int slot);
struct io_uring_sqe *fz_get_sqe(struct io_uring *ring);
uint32_t fz_crc32c(const unsigned char *p, size_t n);

/* fuzz_gen.c: queue a batch of chains (at most `sqes` SQEs) into s->req */
void fz_gen_batch(struct fz_seed *s, unsigned int sqes);
void fz_fill_sqe(struct fz_seed *s, struct io_uring_sqe *sqe, const struct fz_req *r);

/* fuzz_check.c */
void fz_violation(struct fz_seed *s, const struct fz_req *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fz_check_batch(struct fz_seed *s, uint64_t base);
void fz_print_req(const struct fz_req *r);

/* fuzz_chaos.c */
struct fz_chaos;
struct fz_chaos *fz_chaos_start(struct fz_seed *s, bool own_thread);
void fz_chaos_step(struct fz_chaos *c);
void fz_chaos_stop(struct fz_chaos *c);
void fz_kill_episode(struct fz_seed *s);
void fz_close_episode(struct fz_seed *s);

/* fuzz_run.c: run one seed; returns its violations */
uint64_t fz_run_seed(struct fz_env *env, uint64_t seed, uint64_t count,
		     struct fz_stats *st, bool quiet);
bool fz_check_callbacks(struct fz_env *env, struct fz_stats *st, uint64_t seed);

/* fuzz_soak.c */
int fz_soak(struct fz_env *env, uint64_t requests, uint64_t seed, bool debug_kernel);

#endif
