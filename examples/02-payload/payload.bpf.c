// SPDX-License-Identifier: MIT
/*
 * An op whose arguments do not fit in the SQE: they come from a payload slot that
 * userspace filled through mapped memory, and the answer goes to the chain record.
 */
#include <ringflow.bpf.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct calc_args {
	s64 a, b;
	char op;		/* '+', '-', '*' */
};

struct calc_record {
	s64 value;
};

RF_CHAIN_RECORD(struct calc_record, 64);
RF_PAYLOAD(struct calc_args, 64);

/* Refuse a bad slot at submission, before anything runs. */
int RF_CALLBACK(calc_prep, struct io_uring_bpf_req *ctx)
{
	struct calc_args *args;

	return rf_payload_lookup(ctx, &args);
}

int RF_CALLBACK(calc_issue, struct io_uring_bpf_req *ctx)
{
	struct calc_args *args = rf_payload(ctx);
	struct calc_record *rec = rf_record(ctx);

	if (!args || !rec)
		return -ESTALE;
	switch (args->op) {
	case '+':
		rec->value = args->a + args->b;
		break;
	case '-':
		rec->value = args->a - args->b;
		break;
	case '*':
		rec->value = args->a * args->b;
		break;
	default:
		return rf_fail_detail(ctx, -EINVAL, args->op, "calc: unknown operator");
	}
	return rf_set_result(ctx, 0);
}

RF_OPS(calc, RF_PREP(calc_prep), RF_ISSUE(calc_issue));
