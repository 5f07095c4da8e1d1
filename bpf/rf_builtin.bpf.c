// SPDX-License-Identifier: MIT
/*
 * The built-in ops (layouts in <ringflow/builtin.h>): building blocks for chains,
 * and the reference for writing ops with the SDK.
 */
#include <ringflow.bpf.h>
#include <ringflow/builtin.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct rf_builtin_record, RF_BUILTIN_MAX_CHAINS);
RF_PAYLOAD(struct rf_builtin_args, RF_BUILTIN_MAX_PAYLOADS);

/* Requests rf_inject has seen, for its every-Nth mode (shared by all rings). */
__u64 rf_inject_seen;

/*
 * Ops that need the record or payload refuse a missing or bad reference at
 * submission, with the lookup's errno (maps.bpf.h), before anything runs.
 */
int RF_CALLBACK(rf_need_record, struct io_uring_bpf_req *req)
{
	struct rf_builtin_record *rec;

	return rf_record_lookup(req, &rec);
}

int RF_CALLBACK(rf_need_payload, struct io_uring_bpf_req *req)
{
	struct rf_builtin_args *args;

	return rf_payload_lookup(req, &args);
}

/* @rec: the chain's record, NULL if none */
static __always_inline void add_bytes(struct rf_builtin_record *rec, int n)
{
	if (rec && n > 0)
		__sync_fetch_and_add(&rec->bytes, n);
}

int RF_CALLBACK(rf_copy_issue, struct io_uring_bpf_req *req)
{
	u32 len = rf_buf_len(req, 0), dst = rf_buf_len(req, 1);
	s64 n;

	if (req->nr_bufs != 2)
		return -EINVAL;
	n = rf_buf_copy(req, 1, 0, 0, 0, len < dst ? len : dst);
	if (n < 0)
		return (int)n;
	add_bytes(rf_record(req), (int)n);
	return rf_set_result(req, (s32)n);
}
RF_OPS(rf_copy, RF_ISSUE(rf_copy_issue));

int RF_CALLBACK(rf_crc32c_issue, struct io_uring_bpf_req *req)
{
	struct rf_builtin_record *rec;
	int n = rf_record_lookup(req, &rec);
	u32 crc;

	if (n)
		return n;
	n = rf_crc32c_buf(req, 0, &crc);
	if (n < 0)
		return rf_fail(req, n, "crc32c: cannot read buffer 0");
	rec->crc = crc;
	add_bytes(rec, n);
	return rf_set_result(req, n);
}
RF_OPS(rf_crc32c, RF_PREP(rf_need_record), RF_ISSUE(rf_crc32c_issue));

int RF_CALLBACK(rf_xor_issue, struct io_uring_bpf_req *req)
{
	struct rf_builtin_args *args;
	int n = rf_payload_lookup(req, &args);

	if (n)
		return n;
	n = rf_xor_buf(req, 0, args->xor_key);
	if (n < 0)
		return n;
	add_bytes(rf_record(req), n);
	return rf_set_result(req, n);
}
RF_OPS(rf_xor, RF_PREP(rf_need_payload), RF_ISSUE(rf_xor_issue));

int RF_CALLBACK(rf_verify_issue, struct io_uring_bpf_req *req)
{
	struct rf_builtin_record *rec;
	int err = rf_record_lookup(req, &rec);

	if (err)
		return err;
	if (rec->crc != rec->expect_crc)
		return rf_fail_detail(req, -EBADMSG, rec->crc, "verify: crc mismatch");
	return rf_set_result(req, 0);
}
RF_OPS(rf_verify, RF_PREP(rf_need_record), RF_ISSUE(rf_verify_issue));

int RF_CALLBACK(rf_inject_issue, struct io_uring_bpf_req *req)
{
	struct rf_builtin_args *args;
	u64 seen = __sync_fetch_and_add(&rf_inject_seen, 1) + 1;
	int err = rf_payload_lookup(req, &args);

	if (err)
		return err;
	err = args->inject_err;
	if (err >= 0 || err < -IORING_BPF_MAX_ERRNO)
		err = -EIO;
	if (args->inject_every > 1 && seen % args->inject_every)
		return rf_set_result(req, 0);
	return rf_fail_detail(req, err, seen, "inject: injected error");
}
RF_OPS(rf_inject, RF_PREP(rf_need_payload), RF_ISSUE(rf_inject_issue));

int RF_CALLBACK(rf_nop_issue, struct io_uring_bpf_req *req)
{
	return rf_set_result(req, 0);
}
RF_OPS(rf_nop, RF_ISSUE(rf_nop_issue));
