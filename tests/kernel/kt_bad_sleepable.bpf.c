// SPDX-License-Identifier: GPL-2.0
/* Must not load: programs of io_uring_bpf_req_ops may not sleep. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s/issue")
int BPF_PROG(sleepy_issue, struct io_uring_bpf_req *rq)
{
	return 0;
}

SEC(".struct_ops.link")
struct io_uring_bpf_req_ops op_sleepable = {
	.issue = (void *)sleepy_issue,
};
