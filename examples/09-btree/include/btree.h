/* SPDX-License-Identifier: MIT */
/*
 * The B+-tree file of tutorial 9, for both sides: its 4 KiB node, the chain record
 * of a lookup, and the search of one node. The BPF op searches the node its chain
 * just read; userspace runs the very same function on the same bytes (the
 * benchmark's pread and io_uring variants). btree_file.h builds such a file.
 *
 * A BPF program includes vmlinux.h first, which defines __VMLINUX_H__ and __u32 &
 * co; userspace gets them from <linux/types.h>.
 */
#ifndef BTREE_H
#define BTREE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BTREE_NODE_SIZE		4096
#define BTREE_MAX_KEYS		255	/* (4096 - 8) / 16 */
#define BTREE_SEARCH_STEPS	8	/* halvings that take 255 keys down to one */
/* The last node number whose position (number * 4096) is a file offset. */
#define BTREE_MAX_NODE		(0x7fffffffffffffffULL / BTREE_NODE_SIZE)
/* Two stages per level (read the node, search it): RF_CHAIN_MAX_STAGES / 2. */
#define BTREE_MAX_DEPTH		8

/*
 * A node: nkeys ascending keys. In a leaf, vals[i] is the value of keys[i]. In an
 * internal node, vals[i] is the node number (file offset / 4096) of child i, whose
 * subtree holds the keys k with keys[i] <= k < keys[i + 1]; child 0 also gets the
 * keys below keys[0].
 */
struct btree_node {
	__u32	nkeys;		/* 1 .. BTREE_MAX_KEYS */
	__u32	leaf;
	__u64	keys[BTREE_MAX_KEYS];
	__u64	vals[BTREE_MAX_KEYS];
	__u64	resv;
};
_Static_assert(sizeof(struct btree_node) == BTREE_NODE_SIZE, "a node is 4 KiB");

/* The chain record of one lookup: userspace writes the key, the leaf's op the value. */
struct btree_lookup {
	__u64	key;
	__u64	value;
};

/*
 * The index of the last key of @n that is <= @key, 0 when all are greater: in an
 * internal node the child to descend into, in a leaf where @key is if it is
 * there. A binary search with a constant bound on its steps and every index
 * kept inside the array, which is what the verifier needs to accept it. @n must
 * have 1 .. BTREE_MAX_KEYS keys.
 */
static inline __u32 btree_search(const struct btree_node *n, __u64 key)
{
	__u32 lo = 0, len = n->nkeys;

	for (int step = 0; step < BTREE_SEARCH_STEPS && len > 1; step++) {
		__u32 half = len / 2, mid = lo + half;

		if (mid >= BTREE_MAX_KEYS)	/* never: lo + len <= nkeys */
			break;
		if (n->keys[mid] <= key)
			lo = mid;
		len -= half;
	}
	return lo < BTREE_MAX_KEYS ? lo : 0;
}

/* A node a search can trust: the bytes of a file may be anything. */
static inline int btree_node_ok(const struct btree_node *n)
{
	return n->nkeys >= 1 && n->nkeys <= BTREE_MAX_KEYS;
}

#endif /* BTREE_H */
