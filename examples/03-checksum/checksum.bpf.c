// SPDX-License-Identifier: MIT
/*
 * A checksum stage for a read -> crc32c -> write pipeline: it walks the buffer the
 * read filled and leaves the CRC32C in the chain record for userspace.
 */
#include <ringflow.bpf.h>
#include <sum_record.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct sum_record, 64);

int RF_CALLBACK(sum_issue, struct io_uring_bpf_req *req)
{
	struct sum_record *rec = rf_record(req);
	u32 crc;
	int n;

	if (!rec)
		return -ESTALE;
	n = rf_crc32c_buf(req, 0, &crc);
	if (n < 0)
		return rf_fail(req, n, "sum: cannot read the buffer");
	rec->crc = crc;
	rec->len = (u32)n;
	return rf_set_result(req, n);
}

RF_OPS(sum, RF_ISSUE(sum_issue));
