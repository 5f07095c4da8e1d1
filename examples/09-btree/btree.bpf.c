// SPDX-License-Identifier: MIT
/*
 * One level of a B+-tree lookup. The chain is read node -> btree -> read node ->
 * btree ...: each btree stage searches the node the read before it brought in
 * (its fixed buffer, seen through a zero-copy window) for the key in the chain
 * record, and steers the next read to the child that holds it. At the leaf it
 * puts the key's value in the record, or fails the chain with -ENOENT.
 */
#include <ringflow.bpf.h>
#include <btree.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct btree_lookup, 1024);

int RF_CALLBACK(btree_issue, struct io_uring_bpf_req *ctx)
{
	const struct btree_node *node;
	struct btree_lookup *look;
	__u32 i;
	int err = rf_record_lookup(ctx, &look);

	if (err)
		return err;
	node = (const void *)bpf_io_buf_window_ro(ctx, 0, 0, BTREE_NODE_SIZE);
	if (!node)
		return rf_fail(ctx, -EFAULT, "btree: no 4 KiB node in buffer 0");
	if (!btree_node_ok(node))
		return rf_fail_detail(ctx, -EBADMSG, node->nkeys, "btree: bad key count");
	i = btree_search(node, look->key);
	if (!node->leaf) {
		if (node->vals[i] > BTREE_MAX_NODE)
			return rf_fail_detail(ctx, -EBADMSG, node->vals[i], "btree: bad child");
		return rf_steer_next(ctx, node->vals[i] * BTREE_NODE_SIZE, RF_STEER_KEEP_LEN);
	}
	if (node->keys[i] != look->key)
		return -ENOENT;		/* not in the tree: the chain reports it */
	look->value = node->vals[i];
	return 0;
}

RF_OPS(btree, RF_ISSUE(btree_issue));
