/* SPDX-License-Identifier: MIT */
/*
 * Defining ops without struct_ops boilerplate (in the spirit of scx's
 * BPF_STRUCT_OPS / SCX_OPS_DEFINE):
 *
 *	int RF_CALLBACK(hello_issue, struct io_uring_bpf_req *req)
 *	{
 *		return rf_set_result(req, 42);
 *	}
 *	RF_OPS(hello, RF_ISSUE(hello_issue));
 *
 * RF_OPS() declares a link-based struct_ops (attach it with <skel>__attach(),
 * bind skel->links.hello with rf_ring_bind()). issue is mandatory; prep, fail and
 * cleanup are optional. The op's name is the variable name (at most 15 chars).
 */
#ifndef RINGFLOW_OPS_BPF_H
#define RINGFLOW_OPS_BPF_H

/*
 * A callback: int (req) for prep and issue, void (req, int res) for fail, void
 * (req) for cleanup. As scx's BPF_STRUCT_OPS: a struct_ops program whose typed
 * arguments libbpf's BPF_PROG unpacks from the raw context, which BPF_PROG calls
 * ctx (so the request is called req, not ctx).
 */
#define RF_CALLBACK(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)

#define RF_PREP(fn)	.prep = (void *)(fn)
#define RF_ISSUE(fn)	.issue = (void *)(fn)
#define RF_FAIL(fn)	.fail = (void *)(fn)
#define RF_CLEANUP(fn)	.cleanup = (void *)(fn)

#define RF_OPS(__name, ...)							\
	_Static_assert(sizeof(#__name) <= 16, "op name longer than 15 characters"); \
	SEC(".struct_ops.link") struct io_uring_bpf_req_ops __name = {		\
		.name = #__name,						\
		__VA_ARGS__							\
	}

/* The request as its callbacks see it. */
static __always_inline unsigned int rf_stage(const struct io_uring_bpf_req *req)
{
	return RF_UDATA_STAGE(req->user_data);
}

static __always_inline u32 rf_op_flags(const struct io_uring_bpf_req *req)
{
	return req->op_flags;
}

/* Length of buffer @i of the request, 0 when it has no such buffer. */
static __always_inline u32 rf_buf_len(const struct io_uring_bpf_req *req, u32 i)
{
	if (i >= req->nr_bufs || i >= sizeof(req->buf_len) / sizeof(req->buf_len[0]))
		return 0;
	return req->buf_len[i];
}

/*
 * From issue: end the chain after this stage, with success. When the stage then
 * completes with a result >= 0, the stages after it do not run (they complete with
 * -EALREADY) and the chain's result says which stage ended it. 0 or -errno
 * (-EPERM outside issue, -EALREADY, -ENOLINK / -ENOENT when no stage follows,
 * -EOPNOTSUPP before a link timeout). Steering is rf_steer_next() (maps.bpf.h).
 */
static __always_inline int rf_chain_done(struct io_uring_bpf_req *req)
{
	return bpf_io_chain_done(req);
}

/* Sets the CQE result and returns 0, so `return rf_set_result(req, n);` works. */
static __always_inline int rf_set_result(struct io_uring_bpf_req *req, s32 res)
{
	bpf_io_set_result(req, res);
	return 0;
}

#endif /* RINGFLOW_OPS_BPF_H */
