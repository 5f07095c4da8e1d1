// SPDX-License-Identifier: MIT
/*
 * e. B+-tree lookups: tutorial 9's tree (examples/09-btree/include/btree_file.h)
 * and op (btree.bpf.c), at depths 3, 4 and 5, looked up three ways:
 *
 *   - pread + search per level: one pread() of a node per level, searched here;
 *   - io_uring round trips per level: the reads of 1 or 32 lookups per
 *     io_uring_enter(), each level a round trip, the nodes searched here;
 *   - BPF chains: one chain per lookup, the op searching each node in the kernel
 *     and steering the read of the child; 1 or 32 chains per io_uring_enter().
 *
 * Userspace and the op run the same search (btree_search()), and every read is
 * of one 4 KiB node into a registered buffer (pread into a plain one), from the
 * page cache of /dev/ram0: a RAM disk, whose buffered reads io_uring completes
 * inline, as pread does (files of the guest's tmpfs would send every io_uring read
 * to an io-wq thread). Every lookup's outcome is compared with a host-side
 * lookup.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ringflow/ringflow.h>
#include <btree.h>
#include <btree_file.h>
#include "btree.skel.h"
#include "rf_builtin.skel.h"
#include "bench.h"

#define BTREE_DEVICE	"/dev/ram0"
/*
 * The trees start half-way into the 256 MiB RAM disk (about 50 MiB for the
 * three): section b's pipeline reads and writes the first MiBs of the VM's RAM
 * disks with O_DIRECT.
 */
#define BTREE_FIRST_NODE	(128ULL * 1024 * 1024 / BTREE_NODE_SIZE)
#define BTREE_KEYS	1000000
/* the slots of the btree ring, whose ops are not the shared ring's SLOT_* */
enum { BT_SLOT_BTREE, BT_SLOT_NOP, BT_SLOT_KERNEL_NOP };
#define DEPTHS		3	/* 3, 4 and 5 */
#define FIRST_DEPTH	3
#define WHERE_DEPTH	4	/* the depth of the targets, broken down */
#define WHERE_WORKLOAD	"btree depth 4, where"

struct btree_work {
	int			fd;
	struct btree_file	tree;
	unsigned long		nr;		/* lookups */
	__u64			*keys;
	__u64			*want;		/* the host-side lookup: the value */
	bool			*want_found;	/* or not found */
	__u64			*values;	/* what the variant found, per round */
	bool			*found;
	__u64			*path;		/* nodes of each lookup, level by level */
	/* the chains' ring, and a plain one for the round trips, sharing the buffers */
	struct rf_object	*obj;
	struct rf_ring		*ring;
	struct io_uring		uring;
	unsigned char		*nodes;		/* WINDOW 4 KiB buffers, registered as index 0 */
};

#define V_BTREE_PREAD		"pread + search, per level"
#define V_BTREE_URING32	"io_uring round trips per level, 32 lookups"
#define V_BTREE_CHAINS32	"BPF chains steered, 32 per io_uring_enter"

static const char *const workloads[DEPTHS] = { "btree depth 3", "btree depth 4", "btree depth 5" };

/* ---- userspace: a level at a time ------------------------------------------------- */

/*
 * One level of a lookup in userspace: @n is the node just read. Returns true at
 * the leaf (with the outcome stored for lookup @i), else sets *@node to the child.
 */
static bool descend(struct bench *b, struct result *r, struct btree_work *t, unsigned long i,
		    const struct btree_node *n, __u64 *node)
{
	bool ok = btree_node_ok(n);
	__u32 k = ok ? btree_search(n, t->keys[i]) : 0;

	if (!ok || (!n->leaf && n->vals[k] > BTREE_MAX_NODE)) {
		fail(b, r->variant, "a bad node: no keys, too many, or a child beyond any offset");
		t->found[i] = false;
		return true;
	}
	if (!n->leaf) {
		*node = n->vals[k];
		return false;
	}
	t->found[i] = n->keys[k] == t->keys[i];
	t->values[i] = t->found[i] ? n->vals[k] : 0;
	return true;
}

static void run_btree_pread(struct bench *b, struct result *r, void *work)
{
	struct btree_work *t = work;
	struct btree_node *n = xalloc(sizeof(*n));

	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i++) {
		__u64 node = t->tree.root;

		for (unsigned int level = 0;; level++) {
			if (level == t->tree.depth ||
			    pread(t->fd, n, sizeof(*n), (off_t)(node * BTREE_NODE_SIZE)) != sizeof(*n)) {
				fail(b, r->variant, "short pread, or a tree deeper than built");
				break;
			}
			if (descend(b, r, t, i, n, &node))
				break;
		}
	}
	finish(b, r);
	r->lat_sum = r->ticks;	/* one at a time: latency is the time per lookup */
	free(n);
}

/* An SQE of @u; its SQ ring is sized for the largest batch. */
static struct io_uring_sqe *get_sqe(struct io_uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(u);

	if (!sqe) {
		fprintf(stderr, "ringflow-bench: the SQ ring is full\n");
		exit(1);
	}
	return sqe;
}

/* A level of a batch of lookups in userspace: where each is, whether they reached their leaves. */
struct level_ctx {
	struct btree_work	*t;
	unsigned long		first;
	unsigned int		k;
	bool			at_leaf;
	__u64			node[WINDOW];
};

/* A cqe_fn: lookup first + user_data read its node: search it. */
static inline void cqe_search_node(struct bench *b, struct result *r,
				   const struct io_uring_cqe *cqe, void *arg)
{
	struct level_ctx *ctx = arg;
	unsigned int j = (unsigned int)cqe->user_data;

	if (cqe->res != BTREE_NODE_SIZE || j >= ctx->k) {
		fail(b, r->variant, "a short or failed read");
		return;
	}
	/* every lookup reaches its leaf at the same level: the depth is fixed */
	ctx->at_leaf = descend(b, r, ctx->t, ctx->first + j,
			       (const void *)(ctx->t->nodes + (size_t)j * BTREE_NODE_SIZE),
			       &ctx->node[j]);
}

/* Lookups @first .. @first + @k, a round trip per level: all their reads, then all searches. */
static void uring_lookups(struct bench *b, struct result *r, struct btree_work *t,
			  unsigned long first, unsigned int k)
{
	struct level_ctx ctx;

	/* not an initializer: it would clear node[] at every call, a measured cost */
	ctx.t = t;
	ctx.first = first;
	ctx.k = k;
	ctx.at_leaf = false;

	for (unsigned int j = 0; j < k; j++)
		ctx.node[j] = t->tree.root;
	for (unsigned int level = 0; level < t->tree.depth && !ctx.at_leaf; level++) {
		for (unsigned int j = 0; j < k; j++) {
			struct io_uring_sqe *sqe = get_sqe(&t->uring);

			io_uring_prep_read_fixed(sqe, t->fd, t->nodes + (size_t)j * BTREE_NODE_SIZE,
						 BTREE_NODE_SIZE, ctx.node[j] * BTREE_NODE_SIZE, 0);
			sqe->user_data = j;
		}
		if (!wait_cqes(b, r, &t->uring, k, cqe_search_node, &ctx))
			return;
	}
	if (!ctx.at_leaf)
		fail(b, r->variant, "a tree deeper than built");
}

static void btree_round_trips(struct bench *b, struct result *r, struct btree_work *t,
			      unsigned int k)
{
	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i += k)
		uring_lookups(b, r, t, i, k);
	finish(b, r);
	if (k == 1)
		r->lat_sum = r->ticks;
}

static void run_btree_uring1(struct bench *b, struct result *r, void *work)
{
	btree_round_trips(b, r, work, 1);
}

static void run_btree_uring32(struct bench *b, struct result *r, void *work)
{
	btree_round_trips(b, r, work, BATCH);
}

/* ---- BPF chains: a lookup per submission ------------------------------------------ */

struct lookup_ctx {
	struct bench		*b;
	struct result		*r;
	struct btree_work	*t;
};

static void lookup_done(const struct rf_chain_result *res, void *arg)
{
	const struct btree_lookup *look = res->record;
	struct lookup_ctx *ctx = arg;
	unsigned long i = (unsigned long)(uintptr_t)res->user;
	char line[256];

	/* not found: the op at the leaf, the chain's last stage, said -ENOENT */
	if (res->status == -ENOENT && res->failed_stage == (int)res->nr_stages - 1) {
		ctx->t->found[i] = false;
		ctx->t->values[i] = 0;
		return;
	}
	if (res->status) {
		rf_chain_describe(res, line, sizeof(line));
		fail(ctx->b, ctx->r->variant, line);
		return;
	}
	ctx->t->found[i] = true;
	ctx->t->values[i] = look->value;
}

/* Chains of @k lookups, one io_uring_enter() each (rf_ring_drain()). */
static void btree_chains(struct bench *b, struct result *r, struct btree_work *t, unsigned int k)
{
	struct lookup_ctx ctx = { b, r, t };

	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i += k) {
		for (unsigned int j = 0; j < k; j++) {
			unsigned char *buf = t->nodes + (size_t)j * BTREE_NODE_SIZE;
			struct rf_chain *c = rf_chain_new(t->ring, t->obj);
			struct btree_lookup *look;

			must(c ? 0 : -errno, "new chain");
			look = rf_chain_record(c);
			look->key = t->keys[i + j];
			rf_chain_set_user(c, (void *)(uintptr_t)(i + j));
			for (unsigned int level = 0; level < t->tree.depth; level++) {
				/* at the root; the op before each other read steers it */
				rf_chain_read_fixed(c, t->fd, buf, BTREE_NODE_SIZE,
						    t->tree.root * BTREE_NODE_SIZE, 0);
				rf_stage_buf_fixed(rf_chain_bpf(c, BT_SLOT_BTREE, 0), 0, buf,
						   BTREE_NODE_SIZE);
			}
			must(rf_chain_queue(c), "queueing a lookup");
		}
		drain_chains(b, r, t->ring, k, lookup_done, &ctx);
	}
	finish(b, r);
	if (k == 1)
		r->lat_sum = r->ticks;
}

static void run_btree_chains1(struct bench *b, struct result *r, void *work)
{
	btree_chains(b, r, work, 1);
}

static void run_btree_chains32(struct bench *b, struct result *r, void *work)
{
	btree_chains(b, r, work, WINDOW);
}

/* ---- where a steered lookup's instructions go ------------------------------------- */

/*
 * The same lookups as chains of the same shape with parts taken away, the path of
 * each lookup worked out here beforehand (btree_paths()), so that the reads need
 * nobody to steer them: the differences between rows are what each part costs.
 */

/* The copy every read makes, kernel or user: rep movsb, as the kernel's memcpy with FSRM. */
static void run_btree_copies(struct bench *b, struct result *r, void *work)
{
	struct btree_work *t = work;

	begin(b, r);
	for (unsigned long i = 0; i < t->nr * t->tree.depth; i++) {
		void *dst = t->nodes + BTREE_NODE_SIZE, *src = t->nodes;
		size_t n = BTREE_NODE_SIZE;

		__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	}
	finish(b, r);
	/* nothing was looked up: take the host's answers, so the round's check passes */
	memcpy(t->found, t->want_found, t->nr * sizeof(*t->found));
	memcpy(t->values, t->want, t->nr * sizeof(*t->values));
}

/* After a batch: each lookup's leaf is in its buffer; search it here. */
static void search_leaves(struct bench *b, struct result *r, struct btree_work *t,
			  unsigned long first, unsigned int k)
{
	for (unsigned int j = 0; j < k; j++) {
		__u64 node;

		if (!descend(b, r, t, first + j,
			     (const void *)(t->nodes + (size_t)j * BTREE_NODE_SIZE), &node))
			fail(b, r->variant, "the last node read is not a leaf");
	}
}

/* A cqe_fn: a read of a node (BTREE_NODE_SIZE) or an op (0). */
static inline void cqe_read_or_op(struct bench *b, struct result *r,
				  const struct io_uring_cqe *cqe, void *arg)
{
	(void)arg;
	if (cqe->res != BTREE_NODE_SIZE && cqe->res != 0)
		fail(b, r->variant, "a read or an op failed");
}

/*
 * Raw SQEs, BATCH lookups per io_uring_enter(): each lookup its reads along its
 * path, linked, each followed by an IORING_OP_BPF stage in @slot (< 0: none).
 */
static void raw_chains(struct bench *b, struct result *r, struct btree_work *t, int slot)
{
	struct io_uring *u = rf_ring_uring(t->ring);
	unsigned int depth = t->tree.depth, per_lookup = depth * (slot < 0 ? 1 : 2);
	struct io_uring_bpf_buf desc[BATCH];

	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i += BATCH) {
		unsigned int want = BATCH * per_lookup;

		for (unsigned int j = 0; j < BATCH; j++) {
			unsigned char *buf = t->nodes + (size_t)j * BTREE_NODE_SIZE;

			rf_buf_fixed(&desc[j], 0, buf, BTREE_NODE_SIZE);
			for (unsigned int level = 0; level < depth; level++) {
				struct io_uring_sqe *sqe = get_sqe(u);
				bool last = level + 1 == depth;

				io_uring_prep_read_fixed(sqe, t->fd, buf, BTREE_NODE_SIZE,
							 t->path[(i + j) * depth + level] * BTREE_NODE_SIZE, 0);
				sqe->user_data = 0;
				/* linked to what follows in the lookup: its op, or the next read */
				if (slot >= 0 || !last)
					sqe->flags |= IOSQE_IO_LINK;
				if (slot < 0)
					continue;
				sqe = get_sqe(u);
				rf_prep_bpf(sqe, (unsigned int)slot, 0, &desc[j], 1, 0, 0);
				if (!last)
					sqe->flags |= IOSQE_IO_LINK;
			}
		}
		wait_cqes(b, r, u, want, cqe_read_or_op, NULL);
		search_leaves(b, r, t, i, BATCH);
	}
	finish(b, r);
}

static void run_btree_raw_reads(struct bench *b, struct result *r, void *work)
{
	raw_chains(b, r, work, -1);
}

static void run_btree_raw_no_program(struct bench *b, struct result *r, void *work)
{
	raw_chains(b, r, work, BT_SLOT_KERNEL_NOP);
}

static void run_btree_raw_nop(struct bench *b, struct result *r, void *work)
{
	raw_chains(b, r, work, BT_SLOT_NOP);
}

/* SDK chains without a record, read along the known path -> rf_nop, per level. */
static void run_btree_sdk_nop(struct bench *b, struct result *r, void *work)
{
	struct btree_work *t = work;

	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i += BATCH) {
		for (unsigned int j = 0; j < BATCH; j++) {
			unsigned char *buf = t->nodes + (size_t)j * BTREE_NODE_SIZE;
			struct rf_chain *c = rf_chain_new(t->ring, NULL);

			must(c ? 0 : -errno, "new chain");
			for (unsigned int level = 0; level < t->tree.depth; level++) {
				__u64 node = t->path[(i + j) * t->tree.depth + level];

				rf_chain_read_fixed(c, t->fd, buf, BTREE_NODE_SIZE,
						    node * BTREE_NODE_SIZE, 0);
				rf_stage_buf_fixed(rf_chain_bpf(c, BT_SLOT_NOP, 0), 0, buf, BTREE_NODE_SIZE);
			}
			must(rf_chain_queue(c), "queueing a chain");
		}
		drain_chains(b, r, t->ring, BATCH, NULL, NULL);
		search_leaves(b, r, t, i, BATCH);
	}
	finish(b, r);
}

#define V_WHERE_STEERED	"BPF chains steered (as above)"
#define V_WHERE_COPIES	"4 KiB copies only (rep movsb), 1 per level"
#define V_WHERE_READS	"linked READ_FIXED on the path, raw SQEs"
#define V_WHERE_KNOP	"+ IORING_OP_BPF per level, no program"
#define V_WHERE_NOP	"+ the program: rf_nop"
#define V_WHERE_SDK	"+ SDK chains (rf_nop, no record)"

static const struct variant where_variants[] = {
	{ V_WHERE_STEERED, run_btree_chains32, false },
	{ V_WHERE_COPIES, run_btree_copies, false },
	{ V_WHERE_READS, run_btree_raw_reads, false },
	{ V_WHERE_KNOP, run_btree_raw_no_program, false },
	{ V_WHERE_NOP, run_btree_raw_nop, false },
	{ V_WHERE_SDK, run_btree_sdk_nop, false },
};
#define NR_WHERE	(sizeof(where_variants) / sizeof(where_variants[0]))

/* Instructions per lookup of the row @variant of section @workload. */
static double per_lookup(const struct bench *b, const char *workload, const char *variant)
{
	const struct result *r = find_result(b, workload, variant);

	return r && r->ops ? (double)r->ticks / (double)r->ops : 0;
}

/* The rows' differences: what each part of a steered lookup costs. */
static void print_where(const struct bench *b, const char *workload)
{
	static const char *const rows[] = { V_WHERE_COPIES, V_WHERE_READS, V_WHERE_KNOP,
					    V_WHERE_NOP, V_WHERE_SDK, V_WHERE_STEERED };
	static const char *const parts[] = {
		"copying the nodes into the buffers (rep movsb)",
		"the rest of the reads, linked (io_uring read path)",
		"an IORING_OP_BPF request per level, no program",
		"calling a BPF program (rf_nop) per level",
		"the SDK: building, queueing, reaping, reporting",
		"the op's work: record, window, search, steering",
	};
	double total = per_lookup(b, workload, V_WHERE_STEERED), prev = 0;

	if (b->counting || !b->icount || total <= 0)
		return;
	printf("  where a steered lookup's %.0f instructions go (differences of the rows above):\n",
	       total);
	for (unsigned int k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		double v = per_lookup(b, workload, rows[k]);

		printf("    %-52s %8.0f  %3.0f%%\n", parts[k], v - prev, 100 * (v - prev) / total);
		prev = v;
	}
	printf("    (the rows below the first also search each leaf in userspace; pread + search\n"
	       "    per level makes the same copies: %.0f per lookup in all)\n",
	       per_lookup(b, workloads[WHERE_DEPTH - FIRST_DEPTH], V_BTREE_PREAD));
}

/* Kernel entries of row @variant of section @workload per batch of BATCH lookups. */
static double entries_per_batch(const struct bench *b, const char *workload, const char *variant)
{
	const struct result *r = find_result(b, workload, variant);
	long e = r ? result_entries(b, r) : -1;

	return e < 0 || !r->ops ? -1 : (double)e * BATCH / (double)r->ops;
}

/* The targets, met or not, from the rows of the sections. */
static void print_targets(const struct bench *b)
{
	const char *depth4 = workloads[WHERE_DEPTH - FIRST_DEPTH];
	double chains = per_lookup(b, depth4, V_BTREE_CHAINS32);
	double vs_pread = chains > 0 ? per_lookup(b, depth4, V_BTREE_PREAD) / chains : 0;
	double vs_uring = chains > 0 ? per_lookup(b, depth4, V_BTREE_URING32) / chains : 0;
	bool one_entry = true;

	if (b->counting || !b->icount)
		return;
	for (unsigned int d = 0; d < DEPTHS; d++)
		one_entry &= entries_per_batch(b, workloads[d], V_BTREE_CHAINS32) == 1;
	printf("  targets at depth 4, 32 in flight, in instructions per lookup: pread per level /\n"
	       "  steered chains %.2f (target 1.5): %s; io_uring round trips per level / steered\n"
	       "  chains %.2f (target 1.2): %s; one kernel entry per batch of 32 at depths 3, 4\n"
	       "  and 5: %s\n", vs_pread, vs_pread >= 1.5 ? "met" : "MISSED", vs_uring,
	       vs_uring >= 1.2 ? "met" : "MISSED", one_entry ? "met" : "MISSED");
}

/* ---- the section ------------------------------------------------------------------ */

/* Not measured: every lookup's outcome must be the host-side lookup's. */
static void btree_round(struct bench *b, struct result *r, void *work, const struct variant *v)
{
	struct btree_work *t = work;
	char why[160];

	memset(t->found, 0, t->nr * sizeof(*t->found));
	memset(t->values, 0xee, t->nr * sizeof(*t->values));
	v->run(b, r, t);
	for (unsigned long i = 0; i < t->nr; i++) {
		if (t->found[i] != t->want_found[i] || (t->found[i] && t->values[i] != t->want[i])) {
			snprintf(why, sizeof(why), "lookup %lu of key %llu: %s 0x%llx, the host-side "
				 "lookup %s 0x%llx", i, (unsigned long long)t->keys[i],
				 t->found[i] ? "found" : "not found", (unsigned long long)t->values[i],
				 t->want_found[i] ? "found" : "did not find",
				 (unsigned long long)t->want[i]);
			fail(b, r->variant, why);
			return;
		}
	}
}

static const struct variant btree_variants[] = {
	{ V_BTREE_PREAD, run_btree_pread, true },
	{ "io_uring round trips per level, 1 lookup", run_btree_uring1, true },
	{ V_BTREE_URING32, run_btree_uring32, false },
	{ "BPF chains steered, 1 in flight", run_btree_chains1, true },
	{ V_BTREE_CHAINS32, run_btree_chains32, false },
};
#define NR_VARIANTS	(sizeof(btree_variants) / sizeof(btree_variants[0]))

/* The keys to look up, 3 in 4 in the tree, and what the host-side lookup says of them. */
static void pick_lookups(struct btree_work *t, unsigned long nr)
{
	uint64_t seed = 0x2545f4914f6cdd1dULL;

	t->nr = nr;
	t->keys = calloc(nr, sizeof(*t->keys));
	t->want = calloc(nr, sizeof(*t->want));
	t->want_found = calloc(nr, sizeof(*t->want_found));
	t->values = calloc(nr, sizeof(*t->values));
	t->found = calloc(nr, sizeof(*t->found));
	must(t->keys && t->want && t->want_found && t->values && t->found ? 0 : -ENOMEM,
	     "allocating the lookups");
	for (unsigned long i = 0; i < nr; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		t->keys[i] = btree_key(seed % BTREE_KEYS) + (i % 4 == 3);
		t->want_found[i] = btree_host_lookup(BTREE_KEYS, t->keys[i], &t->want[i]);
	}
}

/* The nodes each lookup reads, level by level, found here with pread (not measured). */
static void btree_paths(struct btree_work *t)
{
	struct btree_node *n = xalloc(sizeof(*n));
	unsigned int depth = t->tree.depth;

	free(t->path);
	t->path = calloc(t->nr * depth, sizeof(*t->path));
	must(t->path ? 0 : -ENOMEM, "allocating the paths");
	for (unsigned long i = 0; i < t->nr; i++) {
		__u64 node = t->tree.root;

		for (unsigned int level = 0; level < depth; level++) {
			t->path[i * depth + level] = node;
			must(pread(t->fd, n, sizeof(*n), (off_t)(node * BTREE_NODE_SIZE)) == sizeof(*n) &&
			     btree_node_ok(n) ? 0 : -EIO, "walking the tree");
			node = n->vals[btree_search(n, t->keys[i])];
		}
	}
	free(n);
}

/*
 * The chains' ring with the op bound (and rf_nop and the kernel's null op for the
 * break-down), a plain ring, both with the node buffers registered.
 */
static struct btree *setup_rings(struct bench *b, struct btree_work *t)
{
	struct rf_ring_opts opts = { .entries = WINDOW * 2 * (FIRST_DEPTH + DEPTHS - 1),
				     .max_chains = WINDOW };
	struct btree *skel = btree__open();
	struct iovec iov;

	must(skel ? 0 : -errno, "opening the btree op");
	must(rf_object_open(skel->obj, &t->obj), "creating the btree op's record map");
	must(rf_load_skeleton(skel->skeleton), "loading the btree op");
	must(btree__attach(skel), "attaching the btree op");
	must(rf_ring_create(&opts, &t->ring), "creating the btree ring");
	must(rf_ring_bind(t->ring, BT_SLOT_BTREE, skel->links.btree), "binding the btree op");
	must(rf_ring_bind(t->ring, BT_SLOT_NOP, b->skel->links.rf_nop), "binding rf_nop");
	must(bind_kernel_nop(t->ring, BT_SLOT_KERNEL_NOP), "binding the kernel's null op");
	must(io_uring_queue_init(2 * BATCH, &t->uring, 0), "creating a plain io_uring");
	t->nodes = xalloc((size_t)WINDOW * BTREE_NODE_SIZE);
	iov.iov_base = t->nodes;
	iov.iov_len = (size_t)WINDOW * BTREE_NODE_SIZE;
	must(io_uring_register_buffers(rf_ring_uring(t->ring), &iov, 1), "registering node buffers");
	must(io_uring_register_buffers(&t->uring, &iov, 1), "registering node buffers");
	return skel;
}

void section_btree(struct bench *b, bool quick)
{
	struct btree_file trees[DEPTHS];
	struct btree_work t = { .fd = open(BTREE_DEVICE, O_RDWR) };
	struct btree *skel;
	__u64 root = BTREE_FIRST_NODE;
	char title[200];

	if (t.fd < 0) {
		fprintf(stderr, "ringflow-bench: cannot open %s (%s): the B+-tree section runs on "
			"the ringflow kernel's RAM disk, in tools/vm-run\n", BTREE_DEVICE,
			strerror(errno));
		exit(1);
	}
	/* the three trees one after the other; fsync, so no writeback runs while measuring */
	for (unsigned int d = 0; d < DEPTHS; d++) {
		must(btree_write(t.fd, BTREE_KEYS, FIRST_DEPTH + d, root, &trees[d]), "writing a tree");
		root += trees[d].nr_nodes;
	}
	must(fsync(t.fd) ? -errno : 0, "syncing the trees");
	pick_lookups(&t, quick ? 320 : 3200);
	skel = setup_rings(b, &t);

	for (unsigned int d = 0; d < DEPTHS; d++) {
		t.tree = trees[d];
		snprintf(title, sizeof(title), "e. B+-tree lookup, depth %u: %d keys, 4 KiB nodes "
			 "(leaves of %d keys, up to %u children) on %s", t.tree.depth, BTREE_KEYS,
			 BTREE_MAX_KEYS, t.tree.fanout, BTREE_DEVICE);
		run_section(b, title, workloads[d], BTREE_NODE_SIZE, t.nr, &t, btree_variants,
			    NR_VARIANTS, btree_round);
	}
	t.tree = trees[WHERE_DEPTH - FIRST_DEPTH];
	btree_paths(&t);
	snprintf(title, sizeof(title), "e. where the instructions of a steered lookup go, depth %u, "
		 "32 lookups per io_uring_enter(); below the first row, every read goes where the "
		 "path found beforehand says", WHERE_DEPTH);
	run_section(b, title, WHERE_WORKLOAD, BTREE_NODE_SIZE, t.nr, &t, where_variants, NR_WHERE,
		    btree_round);
	print_where(b, WHERE_WORKLOAD);
	print_targets(b);

	io_uring_queue_exit(&t.uring);
	rf_ring_destroy(t.ring);
	rf_object_close(t.obj);
	btree__destroy(skel);
	free(t.nodes);
	free(t.keys);
	free(t.want);
	free(t.want_found);
	free(t.values);
	free(t.found);
	free(t.path);
	close(t.fd);
}

/* Entries of the row @variant of section @workload, which must be @want. */
static bool btree_entries_are(const struct bench *b, const char *workload, const char *variant,
			      long want)
{
	const struct result *r = find_result(b, workload, variant);

	return r && result_entries(b, r) == want;
}

/*
 * --check: pread makes one entry per level of a lookup, the round trips one per
 * level of a batch of 32, the chains one per batch of 32 whatever the depth.
 */
bool btree_entries_ok(const struct bench *b)
{
	bool ok = true;

	for (unsigned int d = 0; d < DEPTHS; d++) {
		const struct result *r = find_result(b, workloads[d], V_BTREE_PREAD);
		long depth = FIRST_DEPTH + d, batches;

		if (!r)
			return false;
		batches = (long)((r->ops + BATCH - 1) / BATCH);
		ok &= btree_entries_are(b, workloads[d], V_BTREE_PREAD, depth * (long)r->ops);
		ok &= btree_entries_are(b, workloads[d], V_BTREE_URING32, depth * batches);
		ok &= btree_entries_are(b, workloads[d], V_BTREE_CHAINS32, batches);
	}
	return ok;
}
