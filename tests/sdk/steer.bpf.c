// SPDX-License-Identifier: MIT
/* An op that steers the next stage of its chain, or ends the chain, as told. */
#include <ringflow.bpf.h>
#include "steer.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

RF_CHAIN_HEADER(256);
RF_PAYLOAD(struct steer_args, 256);

int RF_CALLBACK(steer_issue, struct io_uring_bpf_req *req)
{
	struct steer_args *args;
	const u8 *w;
	u64 pos;
	int err = rf_payload_lookup(req, &args);

	if (err)
		return err;
	/* the probe every op using a newer kfunc should make */
	if (!rf_has_kfunc(bpf_io_steer_next) || !rf_has_kfunc(bpf_io_chain_done))
		return rf_fail(req, -EOPNOTSUPP, "steer: this kernel cannot steer");
	switch (args->mode) {
	case STEER_TO:
		return rf_steer_next(req, args->pos, args->len);
	case STEER_FROM_BUF:
		w = bpf_io_buf_window_ro(req, 0, 0, 8);
		if (!w)
			return rf_fail(req, -ERANGE, "steer: no 8-byte position");
		pos = *(const u64 *)w;
		return rf_steer_next(req, pos, args->len);
	case STEER_DONE:
		err = rf_chain_done(req);
		return err ? err : rf_set_result(req, 1);
	}
	return -EINVAL;
}
RF_OPS(steer, RF_ISSUE(steer_issue));
