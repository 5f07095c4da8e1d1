// SPDX-License-Identifier: MIT
/* An op the verifier must reject: it writes req outside the pdu. */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

int RF_CALLBACK(bad_issue, struct io_uring_bpf_req *req)
{
	req->args[0] = 1;
	return 0;
}
RF_OPS(bad, RF_ISSUE(bad_issue));
