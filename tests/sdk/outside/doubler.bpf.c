// SPDX-License-Identifier: MIT
/* An op of a project outside the ringflow tree, built against the installed SDK. */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct doubler_args {
	s64 in;
};

struct doubler_record {
	s64 out;
};

RF_CHAIN_RECORD(struct doubler_record, 16);
RF_PAYLOAD(struct doubler_args, 16);

int RF_CALLBACK(doubler_issue, struct io_uring_bpf_req *ctx)
{
	struct doubler_args *args = rf_payload(ctx);
	struct doubler_record *rec = rf_record(ctx);

	if (!args || !rec)
		return rf_fail(ctx, -ESTALE, "doubler: bad reference");
	rec->out = 2 * args->in;
	return rf_set_result(ctx, 0);
}
RF_OPS(doubler, RF_ISSUE(doubler_issue));
