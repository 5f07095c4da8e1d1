// SPDX-License-Identifier: MIT
/*
 * An op of a project outside the ringflow tree, built against the installed SDK:
 * a histogram of a block's bytes by high nibble, in the record it shares with the
 * built-in ops.
 */
#include <ringflow.bpf.h>
#include "copier.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct copier_record, 256);
RF_PAYLOAD(struct copier_args, 256);

int RF_CALLBACK(hist_issue, struct io_uring_bpf_req *req)
{
	struct copier_record *rec = rf_record(req);
	struct copier_args *args = rf_payload(req);
	struct rf_buf_chunk ch;
	int k;

	if (!rec || !args)
		return rec ? rf_fail(req, -ENODATA, "hist: no payload") : -ENODATA;
	rec->block = args->block;
	rf_buf_for_each_chunk(req, 0, &ch) {
		bpf_for(k, 0, ch.len)
			rec->hist[(ch.data[k & (RF_CHUNK - 1)] >> 4) & 15]++;
	}
	if (ch.err)
		return rf_fail(req, ch.err, "hist: cannot read the block");
	return rf_set_result(req, (s32)ch.size);
}
RF_OPS(hist, RF_ISSUE(hist_issue));
