// SPDX-License-Identifier: MIT
/*
 * Two ops that walk a log of length-prefixed records (include/log_record.h) in
 * one chain: read header -> parse_header -> read body -> check_body -> read
 * header -> ... parse_header reads the body's length from the header and steers
 * the next read to fetch exactly the body; check_body computes the body's
 * CRC32C, compares it with the header's, and steers the next read to the header
 * that follows. A header of length 0 ends the log: parse_header ends the chain
 * there, with success.
 */
#include <ringflow.bpf.h>
#include <log_record.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct log_walk, 64);

/* Which record of the chain a stage works on. */
static __always_inline u32 record_of(const struct io_uring_bpf_req *req)
{
	return (rf_stage(req) / LOG_STAGES_PER_RECORD) % LOG_RECORDS_PER_CHAIN;
}

int RF_CALLBACK(parse_issue, struct io_uring_bpf_req *req)
{
	const struct log_header *h;
	struct log_walk *walk;
	u32 r = record_of(req);
	int err = rf_record_lookup(req, &walk);

	if (err)
		return err;
	h = (const void *)bpf_io_buf_window_ro(req, 0, 0, sizeof(*h));
	if (!h)
		return rf_fail(req, -EFAULT, "parse_header: no header in buffer 0");
	if (!h->len)		/* the end of the log: the rest of the chain does not run */
		return rf_chain_done(req);
	if (h->len > LOG_MAX_BODY)
		return rf_fail_detail(req, -EBADMSG, h->len, "parse_header: body over 4 KiB");
	walk->len[r] = h->len;
	walk->crc[r] = h->crc;
	/* the body follows its header: read exactly it */
	return rf_steer_next(req, walk->next + sizeof(*h), h->len);
}

int RF_CALLBACK(check_issue, struct io_uring_bpf_req *req)
{
	struct log_walk *walk;
	u32 r = record_of(req), len;
	s64 crc;
	int err = rf_record_lookup(req, &walk);

	if (err)
		return err;
	len = walk->len[r];
	crc = bpf_io_buf_crc32c(req, 0, 0, len, ~0U);
	if (crc < 0)
		return rf_fail(req, (int)crc, "check_body: cannot read the body");
	if (~(u32)crc != walk->crc[r])
		return rf_fail_detail(req, -EBADMSG, ~(u32)crc, "check_body: crc32c mismatch");
	walk->next += sizeof(struct log_header) + len;
	walk->records++;
	/* on to the next record's header, unless this is the chain's last stage */
	if (rf_stage(req) + 1 < LOG_CHAIN_STAGES)
		return rf_steer_next(req, walk->next, IORING_BPF_STEER_KEEP_LEN);
	return 0;
}

RF_OPS(parse_header, RF_ISSUE(parse_issue));
RF_OPS(check_body, RF_ISSUE(check_issue));
