// SPDX-License-Identifier: MIT
/* The smallest op: complete the request with 42 plus the flags it was given. */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

int RF_CALLBACK(hello_issue, struct io_uring_bpf_req *req)
{
	return rf_set_result(req, 42 + (s32)rf_op_flags(req));
}

RF_OPS(hello, RF_ISSUE(hello_issue));
