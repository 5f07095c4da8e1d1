/* SPDX-License-Identifier: MIT */
/*
 * Writing a B+-tree file (btree.h's nodes) of a fixed depth, and the keys it is
 * made of. Userspace only: tutorial 9 and the benchmark (tools/bench/btree.c)
 * build their trees with it.
 */
#ifndef BTREE_FILE_H
#define BTREE_FILE_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <btree.h>

/* What btree_write() made. */
struct btree_file {
	unsigned int	depth;
	unsigned int	fanout;		/* children of an internal node, at most */
	__u64		root;		/* node number of the root, the tree's first node */
	__u64		nr_nodes;
	__u64		nr_leaves;
};

/*
 * The keys of a tree of @n: ascending, 4 apart on average (4 * i plus 0..3), so
 * that 3 numbers of 4 in their range are not keys. The value of a key is
 * btree_value(key).
 */
static inline __u64 btree_key(size_t i)
{
	__u64 h = (__u64)i * 0x9e3779b97f4a7c15ULL;

	return 4 * (__u64)i + (h >> 62);
}

static inline __u64 btree_value(__u64 key)
{
	return (key ^ 0x5bd1e995ULL) * 0xff51afd7ed558ccdULL;
}

/* Fewest children per internal node that give @leaves leaves @depth levels. */
static inline unsigned int btree_fanout(__u64 leaves, unsigned int depth)
{
	unsigned int f;

	for (f = 2; f <= BTREE_MAX_KEYS; f++) {
		__u64 reach = 1;

		for (unsigned int l = 1; l < depth && reach < leaves; l++)
			reach *= f;
		if (reach >= leaves)
			return f;
	}
	return 0;
}

static inline int btree_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * Writes the B+-tree of the @n keys btree_key(0 .. n - 1) to @fd with exactly
 * @depth levels (1 .. BTREE_MAX_DEPTH), its nodes numbered from @root on (byte
 * offset root * 4096), the root first and then level by level down to the leaves.
 * Leaves are full (255 keys), internal nodes get the fewest children that make
 * @depth levels. 0 or -errno: -EINVAL when no such tree exists (too many keys for
 * the depth), -ENOMEM, or pwrite()'s error.
 */
static inline int btree_write(int fd, size_t n, unsigned int depth, __u64 root,
			      struct btree_file *out)
{
	__u64 count[BTREE_MAX_DEPTH], first[BTREE_MAX_DEPTH], total = 0;
	__u64 leaves = (n + BTREE_MAX_KEYS - 1) / BTREE_MAX_KEYS;
	unsigned int fanout = depth > 1 ? btree_fanout(leaves, depth) : 0;
	struct btree_node *nodes;
	int err;

	if (!n || !depth || depth > BTREE_MAX_DEPTH || (depth > 1 && !fanout) ||
	    (depth == 1 && leaves > 1))
		return -EINVAL;
	count[depth - 1] = leaves;
	for (unsigned int l = depth - 1; l > 0; l--)
		count[l - 1] = (count[l] + fanout - 1) / fanout;
	for (unsigned int l = 0; l < depth; l++) {
		first[l] = root + total;
		total += count[l];
	}
	nodes = calloc(total, sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	for (__u64 j = 0; j < leaves; j++) {
		struct btree_node *leaf = &nodes[first[depth - 1] - root + j];
		size_t k0 = j * BTREE_MAX_KEYS;

		leaf->leaf = 1;
		leaf->nkeys = n - k0 < BTREE_MAX_KEYS ? (__u32)(n - k0) : BTREE_MAX_KEYS;
		for (__u32 i = 0; i < leaf->nkeys; i++) {
			leaf->keys[i] = btree_key(k0 + i);
			leaf->vals[i] = btree_value(leaf->keys[i]);
		}
	}
	/* each internal node points at its children and starts with their first keys */
	for (unsigned int l = depth - 1; l > 0; l--) {
		for (__u64 j = 0; j < count[l - 1]; j++) {
			struct btree_node *node = &nodes[first[l - 1] - root + j];
			__u64 c0 = j * fanout;

			node->nkeys = count[l] - c0 < fanout ? (__u32)(count[l] - c0) : fanout;
			for (__u32 i = 0; i < node->nkeys; i++) {
				node->vals[i] = first[l] + c0 + i;
				node->keys[i] = nodes[node->vals[i] - root].keys[0];
			}
		}
	}
	err = btree_pwrite_all(fd, nodes, total * sizeof(*nodes), (off_t)(root * BTREE_NODE_SIZE));
	free(nodes);
	if (!err)
		*out = (struct btree_file){ depth, fanout, root, total, leaves };
	return err;
}

/* The host-side lookup: a binary search over the keys the tree was built from. */
static inline int btree_host_lookup(size_t n, __u64 key, __u64 *value)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		__u64 k = btree_key(mid);

		if (k == key) {
			*value = btree_value(k);
			return 1;
		}
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

#endif /* BTREE_FILE_H */
