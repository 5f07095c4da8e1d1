// SPDX-License-Identifier: MIT
/*
 * An op whose arguments do not fit in the SQE: they come from a payload slot that
 * userspace filled through mapped memory, and the answer goes to the chain record.
 */
#include <ringflow.bpf.h>
#include <calc.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_RECORD(struct calc_record, 64);
RF_PAYLOAD(struct calc_args, 64);

/* Refuse a bad slot at submission, before anything runs. */
int RF_CALLBACK(calc_prep, struct io_uring_bpf_req *req)
{
	struct calc_args *args;

	return rf_payload_lookup(req, &args);
}

int RF_CALLBACK(calc_issue, struct io_uring_bpf_req *req)
{
	struct calc_args *args = rf_payload(req);
	struct calc_record *rec = rf_record(req);

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
		return rf_fail_detail(req, -EINVAL, args->op, "calc: unknown operator");
	}
	return rf_set_result(req, 0);
}

RF_OPS(calc, RF_PREP(calc_prep), RF_ISSUE(calc_issue));
