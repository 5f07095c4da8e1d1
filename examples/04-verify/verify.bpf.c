// SPDX-License-Identifier: MIT
/*
 * Two ops sharing one chain record: sum checksums a buffer into the record,
 * check compares it with what userspace expected and fails the chain if not.
 */
#include <ringflow.bpf.h>
#include <verify_record.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct verify_record, 64);

int RF_CALLBACK(sum_issue, struct io_uring_bpf_req *req)
{
	struct verify_record *rec = rf_record(req);
	int n;

	if (!rec)
		return -ESTALE;
	n = rf_crc32c_buf(req, 0, &rec->crc);
	return n < 0 ? n : rf_set_result(req, n);
}
RF_OPS(sum, RF_ISSUE(sum_issue));

int RF_CALLBACK(check_issue, struct io_uring_bpf_req *req)
{
	struct verify_record *rec = rf_record(req);

	if (!rec)
		return -ESTALE;
	/* the failure and its reason reach userspace through the record header */
	if (rec->crc != rec->expect)
		return rf_fail_detail(req, -EBADMSG, rec->crc, "check: checksum mismatch");
	return rf_set_result(req, 0);
}
RF_OPS(check, RF_ISSUE(check_issue));
