// SPDX-License-Identifier: MIT
/*
 * The CRC32C of a buffer of text, into the chain record wc (shared.bpf.c, another
 * object) writes too. Both objects declare the record with the type of
 * include/text_stats.h, so they agree on where every field is.
 */
#include <ringflow.bpf.h>
#include <text_stats.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct text_record, 64);

int RF_CALLBACK(sum_issue, struct io_uring_bpf_req *req)
{
	struct text_record *rec = rf_record(req);
	int n;

	if (!rec)
		return -ESTALE;
	n = rf_crc32c_buf(req, 0, &rec->crc);
	if (n < 0)
		return rf_fail(req, n, "sum: cannot read the text");
	return rf_set_result(req, n);
}

RF_OPS(sum, RF_ISSUE(sum_issue));
