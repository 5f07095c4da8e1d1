// SPDX-License-Identifier: GPL-2.0
/* Must not load: issue is mandatory. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/prep")
int BPF_PROG(noissue_prep, struct io_uring_bpf_req *rq)
{
	return 0;
}

SEC(".struct_ops.link")
struct io_uring_bpf_req_ops op_noissue = {
	.prep = (void *)noissue_prep,
};
