// SPDX-License-Identifier: MIT
/*
 * wc in BPF: counts the bytes, lines, words and the longest line of a buffer of
 * text into the chain record, whose other field sum (sum.bpf.c, another object)
 * writes. The record and payload types come from include/text_stats.h, which
 * sum.bpf.c and the userspace program include too
 * (ringflow_bpf_skeleton(... INCLUDE_DIRS include)).
 */
#include <ringflow.bpf.h>
#include <text_stats.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct text_record, 64);
RF_PAYLOAD(struct text_args, 64);

int RF_CALLBACK(wc_issue, struct io_uring_bpf_req *req)
{
	struct text_record *rec;
	struct text_stats *st;
	struct text_args *args;
	struct rf_buf_chunk ch;
	u32 line = 0, in_word = 0;
	int k, err = rf_record_lookup(req, &rec);

	if (err)
		return err;
	err = rf_payload_lookup(req, &args);
	if (err)
		return rf_fail(req, err, "wc: no arguments");
	st = &rec->stats;
	rf_buf_for_each_chunk(req, 0, &ch) {
		bpf_for(k, 0, ch.len) {
			u8 c = ch.data[k & (RF_CHUNK - 1)];
			bool sep = c == ' ' || c == '\t' || c == '\n' || c == args->separator;

			st->words += !sep && !in_word;
			in_word = !sep;
			if (c == '\n') {
				st->lines++;
				line = 0;
			} else if (++line > st->longest) {
				st->longest = line;
			}
		}
	}
	if (ch.err)
		return rf_fail(req, ch.err, "wc: cannot read the text");
	st->bytes = ch.size;
	return rf_set_result(req, (s32)ch.size);
}

RF_OPS(wc, RF_ISSUE(wc_issue));
