// SPDX-License-Identifier: GPL-2.0
/* Must not load: only ctx->pdu is writable. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/issue")
int BPF_PROG(write_issue, struct io_uring_bpf_req *rq)
{
	rq->user_data = 1;
	return 0;
}

SEC(".struct_ops.link")
struct io_uring_bpf_req_ops op_write = {
	.issue = (void *)write_issue,
};
