// SPDX-License-Identifier: MIT
/*
 * A checksum stage for a read -> crc32c -> write pipeline: it walks the buffer the
 * read filled and leaves the CRC32C in the chain record for userspace.
 */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct sum_record {
	u32 crc;
	u32 len;
};

RF_CHAIN_RECORD(struct sum_record, 64);

int RF_CALLBACK(sum_issue, struct io_uring_bpf_req *ctx)
{
	struct sum_record *rec = rf_record(ctx);
	u32 crc;
	int n;

	if (!rec)
		return -ESTALE;
	n = rf_crc32c_buf(ctx, 0, &crc);
	if (n < 0)
		return rf_fail(ctx, n, "sum: cannot read the buffer");
	rec->crc = crc;
	rec->len = (u32)n;
	return rf_set_result(ctx, n);
}

RF_OPS(sum, RF_ISSUE(sum_issue));
