// SPDX-License-Identifier: MIT
/*
 * Error injection: fail this request, or every Nth one, with the errno the payload
 * asks for. Useful to see how a pipeline behaves when a stage fails.
 *
 * The op keeps nothing in the chain record (RF_CHAIN_HEADER: only the header
 * rf_fail() writes), so its object can share the maps of any pipeline: the
 * record's type is the pipeline's, this op never touches it.
 */
#include <ringflow.bpf.h>
#include <inject_args.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_HEADER(64);
RF_PAYLOAD(struct inject_args, 64);

/* Shared by every ring the op is bound into. */
__u64 requests;

/* Refuse a bad payload at submission, before anything of the chain runs. */
int RF_CALLBACK(inject_prep, struct io_uring_bpf_req *req)
{
	struct inject_args *args;
	int err = rf_payload_lookup(req, &args);

	if (!err && (args->err >= 0 || args->err < -IORING_BPF_MAX_ERRNO))
		err = -EINVAL;
	return err;
}

int RF_CALLBACK(inject_issue, struct io_uring_bpf_req *req)
{
	struct inject_args *args;
	u64 n = __sync_fetch_and_add(&requests, 1) + 1;
	int err = rf_payload_lookup(req, &args);

	if (err)
		return err;
	if (args->every > 1 && n % args->every)
		return rf_set_result(req, 0);
	return rf_fail_detail(req, args->err, n, "inject: injected failure");
}

RF_OPS(inject, RF_PREP(inject_prep), RF_ISSUE(inject_issue));
