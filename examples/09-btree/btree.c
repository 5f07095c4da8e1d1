// SPDX-License-Identifier: MIT
/*
 * Tutorial 9: a B+-tree lookup in one submission. The program writes a file
 * holding a B+-tree of a million keys in 4 KiB nodes, 4 levels deep, then looks
 * keys up with one chain per lookup:
 *
 *   read root -> btree -> read node -> btree -> read node -> btree -> read leaf -> btree
 *
 * Each btree op searches the node just read and steers the next read to the
 * child that holds the key; the last one puts the key's value in the chain
 * record, or fails with -ENOENT. Userspace only knows where the root is. The
 * lookups go in batches of 32 chains, submitted together, each reading into a
 * registered 4 KiB buffer of its own; every result is checked against a lookup
 * done here.
 */
#include <errno.h>
#include <string.h>
#include <btree.h>
#include <btree_file.h>
#include "example.h"
#include "btree.skel.h"

#define BTREE_SLOT	0
#define NR_KEYS		1000000
#define DEPTH		4
#define LOOKUPS		4096
#define IN_FLIGHT	32
#define SHOWN		4	/* lookups whose path is printed */

/* One registered buffer, a 4 KiB node for each chain in flight (index 0). */
static unsigned char nodes[IN_FLIGHT][BTREE_NODE_SIZE] __attribute__((aligned(4096)));

struct lookups {
	__u64		keys[LOOKUPS];
	unsigned int	found, missing, wrong;
};

/* The keys to look up: the first, the last, one past it, then a mix of keys and gaps. */
static void pick_keys(struct lookups *run)
{
	__u64 seed = 9;

	run->keys[0] = btree_key(0);
	run->keys[1] = btree_key(NR_KEYS - 1);
	run->keys[2] = btree_key(NR_KEYS - 1) + 1;
	for (unsigned int i = 3; i < LOOKUPS; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		/* 3 in 4 are keys, the others most likely fall between two */
		run->keys[i] = btree_key(seed % NR_KEYS) + (i % 4 == 3);
	}
}

/* A chain of DEPTH (read a node, search it) pairs, in chain buffer @buf. */
static void queue_lookup(struct rf_ring *ring, struct rf_object *obj, int fd,
			 const struct btree_file *tree, unsigned int buf, __u64 key, size_t index)
{
	struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
	struct btree_lookup *look = rf_chain_record(c);

	look->key = key;
	rf_chain_set_user(c, (void *)index);
	for (unsigned int level = 0; level < tree->depth; level++) {
		/* every read is submitted at the root; the btree op before it steers it */
		rf_chain_read_fixed(c, fd, nodes[buf], BTREE_NODE_SIZE,
				    tree->root * BTREE_NODE_SIZE, 0);
		rf_stage_buf_fixed(rf_chain_bpf(c, BTREE_SLOT, 0), 0, nodes[buf], BTREE_NODE_SIZE);
	}
	check(rf_chain_queue(c), "queueing a lookup");
}

static void print_path(const struct rf_chain_result *r, __u64 key)
{
	const struct btree_lookup *look = r->record;
	char what[32];

	if (r->status)
		snprintf(what, sizeof(what), "not in the tree");
	else
		snprintf(what, sizeof(what), "0x%016llx", (unsigned long long)look->value);
	printf("  key %7llu: %-16s read nodes", (unsigned long long)key, what);
	for (unsigned int s = 0; s < r->nr_stages; s += 2)
		printf("%s %llu", s ? "," : "", (unsigned long long)(r->pos[s] / BTREE_NODE_SIZE));
	printf("\n");
}

/* Checks a lookup against the host-side one: the same value, or not found at the leaf. */
static void check_lookup(const struct rf_chain_result *r, void *arg)
{
	const struct btree_lookup *look = r->record;
	struct lookups *run = arg;
	size_t i = (uintptr_t)r->user;
	int leaf = (int)r->nr_stages - 1;
	__u64 want;
	char line[256];

	if (i < SHOWN)
		print_path(r, run->keys[i]);
	if (btree_host_lookup(NR_KEYS, run->keys[i], &want)) {
		if (!r->status && look->value == want) {
			run->found++;
			return;
		}
	} else if (r->status == -ENOENT && r->failed_stage == leaf) {
		run->missing++;
		return;
	}
	rf_chain_describe(r, line, sizeof(line));
	printf("  key %llu: %s, which is not what the lookup here says\n",
	       (unsigned long long)run->keys[i], line);
	run->wrong++;
}

int main(void)
{
	struct rf_ring_opts opts = { .entries = IN_FLIGHT * 2 * DEPTH, .max_chains = IN_FLIGHT };
	struct iovec iov = { nodes, sizeof(nodes) };
	static struct lookups run;
	struct btree_file tree;
	struct rf_object *obj;
	struct rf_ring *ring;
	struct btree *skel;
	int fd;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(btree__open(), "opening the skeleton");
	check(rf_object_open(skel->obj, &obj), "creating the record map");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(btree__attach(skel), "attaching");
	check(rf_ring_create(&opts, &ring), "creating the ring");
	check_errno(io_uring_register_buffers(rf_ring_uring(ring), &iov, 1),
		    "registering the node buffers");
	check(rf_ring_bind(ring, BTREE_SLOT, skel->links.btree), "binding");

	fd = scratch_file();
	check_errno(btree_write(fd, NR_KEYS, DEPTH, 0, &tree), "writing the tree");
	printf("a B+-tree of %d keys in a /tmp file, %u levels of 4 KiB nodes: %llu nodes (%.1f MiB),\n"
	       "  leaves of up to %d keys, internal nodes of up to %u children, the root at node %llu\n",
	       NR_KEYS, tree.depth, (unsigned long long)tree.nr_nodes,
	       (double)tree.nr_nodes * BTREE_NODE_SIZE / (1 << 20), BTREE_MAX_KEYS, tree.fanout,
	       (unsigned long long)tree.root);
	pick_keys(&run);
	printf("%d lookups, one chain each: (read a node -> btree op) x %u, %d chains in flight:\n",
	       LOOKUPS, tree.depth, IN_FLIGHT);
	for (unsigned int first = 0; first < LOOKUPS; first += IN_FLIGHT) {
		for (unsigned int j = 0; j < IN_FLIGHT; j++)
			queue_lookup(ring, obj, fd, &tree, j, run.keys[first + j], first + j);
		check(rf_ring_drain(ring, check_lookup, &run) != IN_FLIGHT, "looking keys up");
	}
	printf("%d lookups: %u found, %u not in the tree; every value and every miss as the "
	       "lookup here says\n", LOOKUPS, run.found, run.missing);

	close(fd);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	btree__destroy(skel);
	return run.wrong ? 1 : 0;
}
