// SPDX-License-Identifier: MIT
/*
 * Adler-32 of a block, into the chain record it shares with the built-in ops
 * (include/copy_record.h: the record starts with struct rf_builtin_record, where
 * rf_crc32c writes).
 */
#include <ringflow.bpf.h>
#include <copy_record.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define ADLER_MOD 65521

RF_CHAIN_RECORD(struct copy_record, 64);

int RF_CALLBACK(adler_issue, struct io_uring_bpf_req *req)
{
	struct copy_record *rec = rf_record(req);
	struct rf_buf_chunk ch;
	u32 a = 1, b = 0;
	int k;

	if (!rec)
		return -ENODATA;
	rf_buf_for_each_chunk(req, 0, &ch) {
		/* a chunk of 256 bytes cannot overflow b before the reduction */
		bpf_for(k, 0, ch.len) {
			a += ch.data[k & (RF_CHUNK - 1)];
			b += a;
		}
		a %= ADLER_MOD;
		b %= ADLER_MOD;
	}
	if (ch.err)
		return rf_fail(req, ch.err, "adler: cannot read the block");
	rec->adler = b << 16 | a;
	return rf_set_result(req, (s32)ch.size);
}

RF_OPS(adler, RF_ISSUE(adler_issue));
