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
#include "bench.h"

#define BTREE_DEVICE	"/dev/ram0"
#define BTREE_KEYS	1000000
#define BTREE_SLOT	0
#define DEPTHS		3	/* 3, 4 and 5 */
#define FIRST_DEPTH	3

struct btree_work {
	int			fd;
	struct btree_file	tree;
	unsigned long		nr;		/* lookups */
	__u64			*keys;
	__u64			*want;		/* the host-side lookup: the value */
	bool			*want_found;	/* or not found */
	__u64			*values;	/* what the variant found, per round */
	bool			*found;
	/* the chains' ring, and a plain one for the round trips, sharing the buffers */
	struct rf_object	*obj;
	struct rf_ring		*ring;
	struct io_uring		uring;
	unsigned char		*nodes;		/* WINDOW 4 KiB buffers, registered as index 0 */
};

/* ---- userspace: a level at a time ------------------------------------------------- */

/*
 * One level of a lookup in userspace: @n is the node just read. Returns true at
 * the leaf (with the outcome stored for lookup @i), else sets *@node to the child.
 */
static bool descend(struct bench *b, struct result *r, struct btree_work *t, unsigned long i,
		    const struct btree_node *n, __u64 *node)
{
	__u64 key = t->keys[i];
	__u32 k;

	if (!btree_node_ok(n)) {
		fail(b, r->variant, "a node with a bad key count");
		t->found[i] = false;
		return true;
	}
	k = btree_search(n, key);
	if (!n->leaf) {
		*node = n->vals[k];
		return false;
	}
	t->found[i] = n->keys[k] == key;
	t->values[i] = t->found[i] ? n->vals[k] : 0;
	return true;
}

static void run_pread(struct bench *b, struct result *r, struct work *w)
{
	struct btree_work *t = w->btree;
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

/* Lookups @first .. @first + @k, a round trip per level: all their reads, then all searches. */
static void uring_lookups(struct bench *b, struct result *r, struct btree_work *t,
			  unsigned long first, unsigned int k)
{
	__u64 node[WINDOW];
	bool at_leaf = false;

	for (unsigned int j = 0; j < k; j++)
		node[j] = t->tree.root;
	for (unsigned int level = 0; level < t->tree.depth && !at_leaf; level++) {
		unsigned int seen = 0;

		for (unsigned int j = 0; j < k; j++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&t->uring);

			io_uring_prep_read_fixed(sqe, t->fd, t->nodes + (size_t)j * BTREE_NODE_SIZE,
						 BTREE_NODE_SIZE, node[j] * BTREE_NODE_SIZE, 0);
			sqe->user_data = j;
		}
		while (seen < k) {
			int ret = io_uring_submit_and_wait(&t->uring, k - seen);
			struct io_uring_cqe *cqe;
			unsigned int head, n = 0;

			if (ret < 0 && ret != -EINTR) {
				fail(b, r->variant, strerror(-ret));
				return;
			}
			io_uring_for_each_cqe(&t->uring, head, cqe) {
				unsigned int j = (unsigned int)cqe->user_data;

				n++;
				if (cqe->res != BTREE_NODE_SIZE || j >= k) {
					fail(b, r->variant, "a short or failed read");
					continue;
				}
				/* every lookup reaches its leaf at the same level: the depth is fixed */
				at_leaf = descend(b, r, t, first + j,
						  (const void *)(t->nodes + (size_t)j * BTREE_NODE_SIZE),
						  &node[j]);
			}
			io_uring_cq_advance(&t->uring, n);
			seen += n;
		}
	}
	if (!at_leaf)
		fail(b, r->variant, "a tree deeper than built");
}

static void uring_round_trips(struct bench *b, struct result *r, struct work *w, unsigned int k)
{
	struct btree_work *t = w->btree;

	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i += k)
		uring_lookups(b, r, t, i, k);
	finish(b, r);
	if (k == 1)
		r->lat_sum = r->ticks;
}

static void run_uring1(struct bench *b, struct result *r, struct work *w)
{
	uring_round_trips(b, r, w, 1);
}

static void run_uring32(struct bench *b, struct result *r, struct work *w)
{
	uring_round_trips(b, r, w, BATCH);
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
static void chains(struct bench *b, struct result *r, struct work *w, unsigned int k)
{
	struct btree_work *t = w->btree;
	struct lookup_ctx ctx = { b, r, t };

	begin(b, r);
	for (unsigned long i = 0; i < t->nr; i += k) {
		int n;

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
				rf_stage_buf_fixed(rf_chain_bpf(c, BTREE_SLOT, 0), 0, buf,
						   BTREE_NODE_SIZE);
			}
			must(rf_chain_queue(c), "queueing a lookup");
		}
		n = rf_ring_drain(t->ring, lookup_done, &ctx);
		if (n != (int)k)
			fail(b, r->variant, n < 0 ? rf_errmsg() : "chains went missing");
	}
	finish(b, r);
	if (k == 1)
		r->lat_sum = r->ticks;
}

static void run_chains1(struct bench *b, struct result *r, struct work *w)
{
	chains(b, r, w, 1);
}

static void run_chains32(struct bench *b, struct result *r, struct work *w)
{
	chains(b, r, w, WINDOW);
}

/* ---- the section ------------------------------------------------------------------ */

/* Not measured: every lookup's outcome must be the host-side lookup's. */
static void btree_round(struct bench *b, struct result *r, struct work *w, const struct variant *v)
{
	struct btree_work *t = w->btree;
	char why[160];

	memset(t->found, 0, t->nr * sizeof(*t->found));
	memset(t->values, 0xee, t->nr * sizeof(*t->values));
	v->run(b, r, w);
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

#define V_PREAD		"pread + search, per level"
#define V_URING32	"io_uring round trips per level, 32 lookups"
#define V_CHAINS32	"BPF chains steered, 32 per io_uring_enter"

static const struct variant btree_variants[] = {
	{ V_PREAD, run_pread, true },
	{ "io_uring round trips per level, 1 lookup", run_uring1, true },
	{ V_URING32, run_uring32, false },
	{ "BPF chains steered, 1 in flight", run_chains1, true },
	{ V_CHAINS32, run_chains32, false },
};
#define NR_VARIANTS	(sizeof(btree_variants) / sizeof(btree_variants[0]))

static const char *const workloads[DEPTHS] = { "btree depth 3", "btree depth 4", "btree depth 5" };

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

/* The chains' ring with the op bound, the plain ring, both with the node buffers registered. */
static struct btree *setup_rings(struct btree_work *t)
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
	must(rf_ring_bind(t->ring, BTREE_SLOT, skel->links.btree), "binding the btree op");
	must(io_uring_queue_init(2 * BATCH, &t->uring, 0), "creating a plain io_uring");
	t->nodes = xalloc((size_t)WINDOW * BTREE_NODE_SIZE);
	iov.iov_base = t->nodes;
	iov.iov_len = (size_t)WINDOW * BTREE_NODE_SIZE;
	must(io_uring_register_buffers(rf_ring_uring(t->ring), &iov, 1), "registering node buffers");
	must(io_uring_register_buffers(&t->uring, &iov, 1), "registering node buffers");
	return skel;
}

void workload_btree(struct bench *b, bool quick)
{
	struct btree_file trees[DEPTHS];
	struct btree_work t = { .fd = open(BTREE_DEVICE, O_RDWR) };
	struct work w = { .in = -1, .out = -1, .btree = &t };
	struct btree *skel;
	__u64 root = 0;
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
	skel = setup_rings(&t);

	for (unsigned int d = 0; d < DEPTHS; d++) {
		t.tree = trees[d];
		snprintf(title, sizeof(title), "e. B+-tree lookup, depth %u: %d keys, 4 KiB nodes "
			 "(leaves of %d keys, up to %u children) on %s", t.tree.depth, BTREE_KEYS,
			 BTREE_MAX_KEYS, t.tree.fanout, BTREE_DEVICE);
		run_section(b, title, workloads[d], BTREE_NODE_SIZE, t.nr, &w, btree_variants,
			    NR_VARIANTS, btree_round);
	}

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
	close(t.fd);
}

/* Entries of the row @variant of section @workload, which must be @want. */
static bool btree_entries_are(const struct bench *b, const char *workload, const char *variant,
			      long want)
{
	for (unsigned int i = 0; i < b->nr_results; i++)
		if (!strcmp(b->results[i].workload, workload) &&
		    !strcmp(b->results[i].variant, variant))
			return b->entries[i] == want;
	return false;
}

/*
 * --check: pread makes one entry per level of a lookup, the round trips one per
 * level of a batch of 32, the chains one per batch of 32 whatever the depth.
 */
bool btree_check_entries(const struct bench *b)
{
	bool ok = true;

	for (unsigned int d = 0; d < DEPTHS; d++) {
		const struct result *r = NULL;
		long depth = FIRST_DEPTH + d, batches;

		for (unsigned int i = 0; i < b->nr_results && !r; i++)
			if (!strcmp(b->results[i].workload, workloads[d]))
				r = &b->results[i];
		if (!r)
			return false;
		batches = (long)((r->ops + BATCH - 1) / BATCH);
		ok &= btree_entries_are(b, workloads[d], V_PREAD, depth * (long)r->ops);
		ok &= btree_entries_are(b, workloads[d], V_URING32, depth * batches);
		ok &= btree_entries_are(b, workloads[d], V_CHAINS32, batches);
	}
	printf("--check: B+-tree kernel entries counted exactly: pread 1 per level, io_uring 1 per "
	       "level of 32 lookups, BPF chains 1 per 32 lookups at every depth: %s\n",
	       ok ? "yes" : "NO");
	return ok;
}
