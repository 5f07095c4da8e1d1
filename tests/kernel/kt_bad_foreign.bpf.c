// SPDX-License-Identifier: GPL-2.0
/*
 * Must not load: another struct_ops type's program (bpf_dummy_ops, always built)
 * calling an IORING_OP_BPF kfunc, which only io_uring_bpf_req_ops programs get.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_io_set_result(struct io_uring_bpf_req *rq, s32 res) __ksym;

SEC("struct_ops/test_1")
int BPF_PROG(foreign_test_1, struct bpf_dummy_ops_state *state)
{
	return bpf_io_set_result((struct io_uring_bpf_req *)state, 0);
}

SEC(".struct_ops.link")
struct bpf_dummy_ops foreign = {
	.test_1 = (void *)foreign_test_1,
};
