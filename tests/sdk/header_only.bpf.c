// SPDX-License-Identifier: MIT
/* An op that keeps nothing in the record but reports why it fails: it joins any chain. */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_HEADER(8);

int RF_CALLBACK(refuse_issue, struct io_uring_bpf_req *req)
{
	return rf_fail_detail(req, -EPERM, 0, "refuse: always");
}
RF_OPS(refuse, RF_ISSUE(refuse_issue));

/* ringflow.bpf.h gives programs every errno, those the kfuncs return included */
_Static_assert(EACCES == 13 && EFBIG == 27 && EALREADY == 114 && EUCLEAN == 117 &&
	       EDQUOT == 122, "errno values for BPF programs");
