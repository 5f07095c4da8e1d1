// SPDX-License-Identifier: MIT
/*
 * An op the verifier must reject with EACCES: it indexes its record with a value
 * from userspace. It also uses rf_record() alone of the record helpers, which must
 * build under -Werror (the helpers it leaves unused are not errors).
 */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct bytes_record {
	u8 bytes[64];
};

RF_CHAIN_RECORD(struct bytes_record, 4);

int RF_CALLBACK(unbounded_issue, struct io_uring_bpf_req *req)
{
	struct bytes_record *rec = rf_record(req);

	if (!rec)
		return -ENODATA;
	return rf_set_result(req, rec->bytes[req->op_flags]);
}
RF_OPS(unbounded, RF_ISSUE(unbounded_issue));
