// SPDX-License-Identifier: MIT
/*
 * An object of "the user's" for the sharing tests: its op writes its own part of
 * the record and reads the part the built-in ops write. It uses every record and
 * payload helper but rf_record() and rf_payload(), which must build under -Werror.
 */
#include <ringflow.bpf.h>
#include "other.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct other_record, OTHER_MAX_RECORDS);
RF_PAYLOAD(struct other_args, OTHER_MAX_RECORDS);

int RF_CALLBACK(mark_issue, struct io_uring_bpf_req *req)
{
	struct other_record *rec;
	struct other_args *args;
	int err = rf_record_lookup(req, &rec);

	if (err)
		return err;
	err = rf_payload_lookup(req, &args);
	if (err)
		return rf_fail(req, err, "mark: no payload");
	rec->mark = args->mark;
	rec->crc_seen = rec->builtin.crc;
	return rf_set_result(req, 0);
}
RF_OPS(mark, RF_ISSUE(mark_issue));
