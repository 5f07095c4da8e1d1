// SPDX-License-Identifier: GPL-2.0
/* Loads, but cannot be registered: io_uring ops attach only through links. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/issue")
int BPF_PROG(nolink_issue, struct io_uring_bpf_req *rq)
{
	return 0;
}

SEC(".struct_ops")
struct io_uring_bpf_req_ops op_nolink = {
	.issue = (void *)nolink_issue,
};
