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

int RF_CALLBACK(btree_issue, struct io_uring_bpf_req *req)
{
	const struct btree_node *node;
	struct btree_lookup *look;
	__u32 i;
	int err = rf_record_lookup(req, &look);

	if (err)
		return err;
	node = (const void *)bpf_io_buf_window_ro(req, 0, 0, BTREE_NODE_SIZE);
	if (!node)
		return rf_fail(req, -EFAULT, "btree: no 4 KiB node in buffer 0");
	if (!btree_node_ok(node))
		return rf_fail_detail(req, -EBADMSG, node->nkeys, "btree: bad key count");
	i = btree_search(node, look->key);
	if (!node->leaf) {
		if (node->vals[i] > BTREE_MAX_NODE)
			return rf_fail_detail(req, -EBADMSG, node->vals[i], "btree: bad child");
		return rf_steer_next(req, node->vals[i] * BTREE_NODE_SIZE, IORING_BPF_STEER_KEEP_LEN);
	}
	if (node->keys[i] != look->key)
		return -ENOENT;		/* not in the tree: the chain reports it */
	look->value = node->vals[i];
	return 0;
}

RF_OPS(btree, RF_ISSUE(btree_issue));
