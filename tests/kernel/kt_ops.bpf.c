// SPDX-License-Identifier: GPL-2.0
/*
 * The struct_ops programs the kernel tests drive. One op ("kt_ops") whose issue
 * behaviour is chosen per request by the low bits of rq->op_flags, and which
 * counts every callback in .bss, in an array, a hash and an mmapable array map,
 * and per request (by user_data) in a hash map.
 */
#include "vmlinux.h"
#include <asm-generic/errno.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <ringflow/uapi.h>
#include "kt_modes.h"


char LICENSE[] SEC("license") = "GPL";

extern int bpf_io_set_result(struct io_uring_bpf_req *rq, s32 res) __ksym;
extern int bpf_io_buf_load(struct io_uring_bpf_req *rq, u32 buf, u64 off,
			   void *dst, u32 dst__sz) __ksym;
extern int bpf_io_buf_store(struct io_uring_bpf_req *rq, u32 buf, u64 off,
			    const void *src, u32 src__sz) __ksym;
extern s64 bpf_io_buf_copy(struct io_uring_bpf_req *rq, u64 dst_pos, u64 src_pos,
			   u64 len) __ksym;

/* weak: the object also loads on kernels without them (-EOPNOTSUPP then) */
extern u8 *bpf_io_buf_window(struct io_uring_bpf_req *rq, u32 buf, u64 off,
			     const u32 rdwr_buf_size) __ksym __weak;
extern const u8 *bpf_io_buf_window_ro(struct io_uring_bpf_req *rq, u32 buf, u64 off,
				      const u32 rdonly_buf_size) __ksym __weak;
extern s64 bpf_io_buf_crc32c(struct io_uring_bpf_req *rq, u32 buf, u64 off, u64 len,
			     u32 crc) __ksym __weak;
extern int bpf_io_steer_next(struct io_uring_bpf_req *rq, u64 pos, u32 len) __ksym __weak;
extern int bpf_io_chain_done(struct io_uring_bpf_req *rq) __ksym __weak;


#define POS_BUF(pos) ((u32)((pos) >> 32))
#define POS_OFF(pos) ((u32)(pos))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KT_NR_CB);
	__type(key, u32);
	__type(value, u64);
} cb_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_NR_CB);
	__type(key, u32);
	__type(value, u64);
} cb_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KT_NR_CB);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, u32);
	__type(value, u64);
} cb_mmap SEC(".maps");

/* per request: struct kt_req_stat keyed by user_data */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct kt_req_stat);
} reqs SEC(".maps");

__u64 calls[KT_NR_CB];
__s64 last_value;		/* KT_MODE_CRC, KT_MODE_COPY_REPEAT */
__s64 last_fail_res;
__u64 last_fail_user_data;
__s64 fail_order_bad;		/* fail after cleanup, or cleanup twice */

static __always_inline void count(struct io_uring_bpf_req *rq, u32 cb, s32 res)
{
	struct kt_req_stat zero = {}, *st;
	u64 key = rq->user_data, one = 1, *v;
	u32 cbkey = cb;

	__sync_fetch_and_add(&calls[cb], 1);
	v = bpf_map_lookup_elem(&cb_array, &cbkey);
	if (v)
		__sync_fetch_and_add(v, 1);
	v = bpf_map_lookup_elem(&cb_mmap, &cbkey);
	if (v)
		__sync_fetch_and_add(v, 1);
	v = bpf_map_lookup_elem(&cb_hash, &cbkey);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&cb_hash, &cbkey, &one, BPF_NOEXIST);

	if (rq->op_flags & KT_FLAG_NOSTAT)
		return;
	st = bpf_map_lookup_elem(&reqs, &key);
	if (!st) {
		bpf_map_update_elem(&reqs, &key, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&reqs, &key);
		if (!st)
			return;
	}
	if (st->n[KT_CB_CLEANUP])
		fail_order_bad++;
	__sync_fetch_and_add(&st->n[cb], 1);
	if (cb == KT_CB_FAIL)
		st->fail_res = res;
}

/* KT_FLAG_STEER_CB: steering outside issue must be refused */
static __always_inline void steer_attempt(struct io_uring_bpf_req *rq, u32 cb)
{
	struct kt_req_stat *st;
	u64 key = rq->user_data;
	int sr, dr;

	if (!bpf_ksym_exists(bpf_io_steer_next) || !bpf_ksym_exists(bpf_io_chain_done))
		return;
	sr = bpf_io_steer_next(rq, IORING_BPF_STEER_KEEP_POS, IORING_BPF_STEER_KEEP_LEN);
	dr = bpf_io_chain_done(rq);
	st = bpf_map_lookup_elem(&reqs, &key);
	if (st && cb < KT_NR_CB) {
		st->steer_res[cb] = sr;
		st->done_res[cb] = dr;
	}
}

SEC("struct_ops/prep")
int BPF_PROG(kt_prep, struct io_uring_bpf_req *rq)
{
	u32 err = (rq->op_flags >> KT_PREP_ERR_SHIFT) & 0xff;
	u32 mode = rq->op_flags & KT_MODE_MASK;

	count(rq, KT_CB_PREP, 0);
	/* the pdu is writable and starts zeroed; no stale length of a buffer it has not */
	if (rq->pdu[0] || rq->pdu[47])
		return -EPROTO;
	if ((rq->nr_bufs < 1 && rq->buf_len[0]) || (rq->nr_bufs < 2 && rq->buf_len[1]) ||
	    (rq->nr_bufs < 3 && rq->buf_len[2]) || (rq->nr_bufs < 4 && rq->buf_len[3]))
		return -EPROTO;
	if (mode == KT_MODE_PDU)
		*(u64 *)&rq->pdu[8] = rq->args[0];
	if (rq->op_flags & KT_FLAG_PREP_HUGE)
		return -5000;
	if (rq->op_flags & KT_FLAG_STEER_CB)
		steer_attempt(rq, KT_CB_PREP);
	if (err)
		return -(int)err;
	return 0;
}

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

/*
 * xor buffer 0 (at most 64 KiB + 63 bytes) in place with key. Offsets derive
 * from the iterator's index so that the loop body is verified once.
 */
static int xor_buf(struct io_uring_bpf_req *rq, u8 key)
{
	u64 data[8] = {}, k = 0x0101010101010101ULL * key;
	u32 len = rq->buf_len[0], off, n;
	int nb = len / 64, err = 0, j, *i;
	struct bpf_iter_num it;

	if (nb > 1024)
		nb = 1024;
	bpf_iter_num_new(&it, 0, nb);
	while ((i = bpf_iter_num_next(&it))) {
		off = (u32)*i * 64;
		if (bpf_io_buf_load(rq, 0, off, data, 64) != 64) {
			err = -EIO;
			break;
		}
		for (j = 0; j < 8; j++)
			data[j] ^= k;
		if (bpf_io_buf_store(rq, 0, off, data, 64) != 64) {
			err = -EIO;
			break;
		}
	}
	bpf_iter_num_destroy(&it);
	if (err)
		return err;
	off = (u32)nb * 64;
	if (off >= len)
		return off;
	n = (len - off) & 63;
	if (!n)
		return -E2BIG;
	if (bpf_io_buf_load(rq, 0, off, data, n) != n)
		return -EIO;
	for (j = 0; j < 8; j++)
		data[j] ^= k;
	if (bpf_io_buf_store(rq, 0, off, data, n) != n)
		return -EIO;
	return off + n;
}

/* sum of the little-endian u64 words of buffer 0 (256-byte blocks, 256 KiB) */
static s64 sum_buf(struct io_uring_bpf_req *rq)
{
	u64 data[32] = {}, sum = 0;
	int nb = rq->buf_len[0] / 256, j, err = 0, *i;
	struct bpf_iter_num it;

	if (nb > 1024)
		nb = 1024;
	bpf_iter_num_new(&it, 0, nb);
	while ((i = bpf_iter_num_next(&it))) {
		if (bpf_io_buf_load(rq, 0, (u32)*i * 256, data, 256) != 256) {
			err = -EIO;
			break;
		}
		for (j = 0; j < 32; j++)
			sum += data[j];
	}
	bpf_iter_num_destroy(&it);
	if (err)
		return err;
	return (sum ^ (sum >> 32)) & 0x7fffffff;
}

/* xor 4096 bytes at BUF_POS args[0] in place with the byte args[1], zero-copy */
static int window_page_xor(struct io_uring_bpf_req *rq)
{
	u8 key = (u8)rq->args[1], *w;
	int *i;
	struct bpf_iter_num it;

	if (!bpf_ksym_exists(bpf_io_buf_window))
		return -EOPNOTSUPP;
	w = bpf_io_buf_window(rq, POS_BUF(rq->args[0]), POS_OFF(rq->args[0]), 4096);
	if (!w)
		return -KT_NO_WINDOW;
	bpf_iter_num_new(&it, 0, 4096);
	while ((i = bpf_iter_num_next(&it)))
		w[*i & 4095] ^= key;
	bpf_iter_num_destroy(&it);
	bpf_io_set_result(rq, 4096);
	return 0;
}

/* copy all of buf 0 to buf 1, args[0] times; the number of copies done -> value */
static int copy_repeat(struct io_uring_bpf_req *rq)
{
	u64 len = rq->buf_len[0];
	s64 r = 0, done = 0;
	int *i;
	struct bpf_iter_num it;

	bpf_iter_num_new(&it, 0, (int)(rq->args[0] & 0xff));
	while ((i = bpf_iter_num_next(&it))) {
		r = bpf_io_buf_copy(rq, IORING_BPF_BUF_POS(1, 0), IORING_BPF_BUF_POS(0, 0), len);
		if (r < 0)
			break;
		done++;
	}
	bpf_iter_num_destroy(&it);
	last_value = done;
	return r < 0 ? (int)r : 0;
}

/*
 * copy buf 0 -> buf 1 in up to 8 calls of (args[0] >> 8 * i) & 0xff MiB each (a 0
 * ends the list): bit i of value is set when call i copied, its error otherwise
 * -> value >> 8 (the last one)
 */
static int copy_sizes(struct io_uring_bpf_req *rq)
{
	s64 r, copied = 0, err = 0;
	int *i;
	struct bpf_iter_num it;

	bpf_iter_num_new(&it, 0, 8);
	while ((i = bpf_iter_num_next(&it))) {
		u64 mib = (rq->args[0] >> (8 * (*i & 7))) & 0xff;

		if (!mib)
			break;
		r = bpf_io_buf_copy(rq, IORING_BPF_BUF_POS(1, 0), IORING_BPF_BUF_POS(0, 0), mib << 20);
		if (r >= 0)
			copied |= 1 << (*i & 7);
		else
			err = r;
	}
	bpf_iter_num_destroy(&it);
	last_value = copied | (-err << 8);
	return 0;
}

static int steer(struct io_uring_bpf_req *rq, u32 mode)
{
	int r;

	if (!bpf_ksym_exists(bpf_io_steer_next) || !bpf_ksym_exists(bpf_io_chain_done))
		return -EOPNOTSUPP;
	switch (mode) {
	case KT_MODE_STEER:
		r = bpf_io_steer_next(rq, rq->args[0], (u32)rq->args[1]);
		break;
	case KT_MODE_DONE:
		r = bpf_io_chain_done(rq);
		if (!r)
			r = 7;
		break;
	case KT_MODE_DONE_FAIL:
		r = bpf_io_chain_done(rq);
		if (!r)
			r = -EIO;
		break;
	case KT_MODE_STEER_TWICE:
		r = bpf_io_steer_next(rq, IORING_BPF_STEER_KEEP_POS, IORING_BPF_STEER_KEEP_LEN);
		if (!r)
			r = bpf_io_steer_next(rq, IORING_BPF_STEER_KEEP_POS, IORING_BPF_STEER_KEEP_LEN);
		break;
	default:
		r = bpf_io_steer_next(rq, IORING_BPF_STEER_KEEP_POS, IORING_BPF_STEER_KEEP_LEN);
		if (!r)
			r = bpf_io_chain_done(rq);
		break;
	}
	bpf_io_set_result(rq, r);
	return 0;
}

SEC("struct_ops/issue")
int BPF_PROG(kt_issue, struct io_uring_bpf_req *rq)
{
	u32 mode = rq->op_flags & KT_MODE_MASK;
	u8 data[32] = {};
	s64 r;

	count(rq, KT_CB_ISSUE, 0);
	switch (mode) {
	case KT_MODE_RESULT:
		bpf_io_set_result(rq, (s32)rq->args[0]);
		return 0;
	case KT_MODE_RET:
		return (int)rq->args[0];
	case KT_MODE_NORESULT:
		return 0;
	case KT_MODE_XOR:
		r = xor_buf(rq, (u8)rq->args[0]);
		if (r < 0)
			return r;
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_COPY:
		/* buf 1 [args[1] >> 32 ..] = buf 0 [args[1] & 0xffffffff ..], args[0] bytes */
		r = bpf_io_buf_copy(rq, IORING_BPF_BUF_POS(1, rq->args[1] >> 32),
				    IORING_BPF_BUF_POS(0, rq->args[1] & 0xffffffff), rq->args[0]);
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_LOADSTORE:
		/* 32 bytes: buf 0 at args[0] -> buf 1 at args[1] */
		r = bpf_io_buf_load(rq, 0, rq->args[0], data, sizeof(data));
		if (r < 0) {
			bpf_io_set_result(rq, r);
			return 0;
		}
		r = bpf_io_buf_store(rq, 1, rq->args[1], data, sizeof(data));
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_LOAD:
		/* load 8 bytes of buf args[0] at offset args[1] */
		r = bpf_io_buf_load(rq, rq->args[0], rq->args[1], data, 8);
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_STORE:
		__builtin_memset(data, 0xab, sizeof(data));
		r = bpf_io_buf_store(rq, rq->args[0], rq->args[1], data, 8);
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_PDU:
		bpf_io_set_result(rq, (s32)(*(u64 *)&rq->pdu[8] + 1));
		return 0;
	case KT_MODE_SUM:
		r = sum_buf(rq);
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_STORE_CONST: {
		/* store the 8-byte little-endian value args[1] at offset 0 of buf 0 */
		u64 v = rq->args[1];

		r = bpf_io_buf_store(rq, 0, 0, &v, 8);
		bpf_io_set_result(rq, r);
		return 0;
	}
	case KT_MODE_WINDOW: {
		u8 *w;
		int j;

		if (!bpf_ksym_exists(bpf_io_buf_window))
			return -EOPNOTSUPP;
		w = bpf_io_buf_window(rq, POS_BUF(rq->args[0]), POS_OFF(rq->args[0]), 64);
		if (!w)
			return -KT_NO_WINDOW;
		for (j = 0; j < 64; j++)
			w[j] = 0xcd;
		bpf_io_set_result(rq, 64);
		return 0;
	}
	case KT_MODE_WINDOW_RO: {
		const u8 *w;
		int j, sum = 0;

		if (!bpf_ksym_exists(bpf_io_buf_window_ro))
			return -EOPNOTSUPP;
		w = bpf_io_buf_window_ro(rq, POS_BUF(rq->args[0]), POS_OFF(rq->args[0]), 64);
		if (!w)
			return -KT_NO_WINDOW;
		for (j = 0; j < 64; j++)
			sum += w[j];
		bpf_io_set_result(rq, sum);
		return 0;
	}
	case KT_MODE_WINDOW_PAGE:
		return window_page_xor(rq);
	case KT_MODE_CRC:
		if (!bpf_ksym_exists(bpf_io_buf_crc32c))
			return -EOPNOTSUPP;
		r = bpf_io_buf_crc32c(rq, POS_BUF(rq->args[0]), POS_OFF(rq->args[0]),
				      rq->args[1], ~0U);
		last_value = r;
		return r < 0 ? (int)r : 0;
	case KT_MODE_CRC_RES:
		/* per request, unlike last_value: concurrent requests (the fuzzer) check each */
		if (!bpf_ksym_exists(bpf_io_buf_crc32c))
			return -EOPNOTSUPP;
		r = bpf_io_buf_crc32c(rq, POS_BUF(rq->args[0]), POS_OFF(rq->args[0]),
				      rq->args[1], ~0U);
		if (r < 0)
			return (int)r;
		bpf_io_set_result(rq, (s32)(~(u32)r & 0x7fffffff));
		return 0;
	case KT_MODE_COPY_REPEAT:
		return copy_repeat(rq);
	case KT_MODE_COPY_SIZES:
		return copy_sizes(rq);
	case KT_MODE_COPY_USER:
		r = bpf_io_buf_copy(rq, IORING_BPF_BUF_POS(1, 0),
				    IORING_BPF_BUF_POS(0, rq->args[1]), rq->args[0]);
		bpf_io_set_result(rq, r);
		return 0;
	case KT_MODE_STEER:
	case KT_MODE_DONE:
	case KT_MODE_DONE_FAIL:
	case KT_MODE_STEER_TWICE:
	case KT_MODE_STEER_DONE:
		return steer(rq, mode);
	}
	return -EOPNOTSUPP;
}

/* KT_FLAG_TOUCH: load a byte of every buffer index the request could have */
static __always_inline void touch(struct io_uring_bpf_req *rq, u32 cb)
{
	struct kt_req_stat *st;
	u64 key = rq->user_data;
	unsigned int ok = 0;
	int err = 0, r, i;
	u8 b;

	for (i = 0; i < 4; i++) {
		r = bpf_io_buf_load(rq, i, 0, &b, 1);
		if (r == 1)
			ok |= 1U << i;
		else
			err = r;
	}
	st = bpf_map_lookup_elem(&reqs, &key);
	if (st && cb < KT_NR_CB) {
		st->touch_ok[cb] = ok;
		st->touch_err[cb] = err;
	}
}

static __always_inline void mark(struct io_uring_bpf_req *rq, u64 off)
{
	u64 v = rq->args[1];

	bpf_io_buf_store(rq, 0, off, &v, 8);
}

SEC("struct_ops/fail")
void BPF_PROG(kt_fail, struct io_uring_bpf_req *rq, int res)
{
	count(rq, KT_CB_FAIL, res);
	last_fail_res = res;
	last_fail_user_data = rq->user_data;
	if (rq->op_flags & KT_FLAG_TOUCH)
		touch(rq, KT_CB_FAIL);
	if (rq->op_flags & KT_FLAG_MARK)
		mark(rq, 0);
	if (rq->op_flags & KT_FLAG_STEER_CB)
		steer_attempt(rq, KT_CB_FAIL);
}

SEC("struct_ops/cleanup")
void BPF_PROG(kt_cleanup, struct io_uring_bpf_req *rq)
{
	count(rq, KT_CB_CLEANUP, 0);
	if (rq->op_flags & KT_FLAG_TOUCH)
		touch(rq, KT_CB_CLEANUP);
	if (rq->op_flags & KT_FLAG_MARK)
		mark(rq, 8);
	if (rq->op_flags & KT_FLAG_STEER_CB)
		steer_attempt(rq, KT_CB_CLEANUP);
}

SEC(".struct_ops.link")
struct io_uring_bpf_req_ops op_main = {
	.prep		= (void *)kt_prep,
	.issue		= (void *)kt_issue,
	.fail		= (void *)kt_fail,
	.cleanup	= (void *)kt_cleanup,
	.name		= "kt_ops",
};

/* A second op with only the mandatory callback: results 1000 + args[0]. */
SEC("struct_ops/issue")
int BPF_PROG(kt_issue_only, struct io_uring_bpf_req *rq)
{
	bpf_io_set_result(rq, 1000 + (s32)rq->args[0]);
	return 0;
}

SEC(".struct_ops.link")
struct io_uring_bpf_req_ops op_min = {
	.issue		= (void *)kt_issue_only,
};
