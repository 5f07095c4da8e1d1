/* SPDX-License-Identifier: MIT */
/*
 * kfuncs of the ringflow kernel, and the generic open-coded iterator. vmlinux.h
 * does not declare kfuncs (pahole too old for decl tags), so we do. The ones added
 * after the base series (windows, crc32c, steering) are __weak: an object using
 * them still loads on a kernel without them if every call is guarded by
 * rf_has_kfunc():
 *
 *	if (!rf_has_kfunc(bpf_io_steer_next))
 *		return rf_fail(req, -EOPNOTSUPP, "this kernel cannot steer");
 *
 * Building against a vmlinux.h that lacks the IORING_OP_BPF types fails in
 * ringflow_bpf_skeleton() with a message (the C compiler alone would only say
 * "incomplete type"); at run time rf_probe() and rf_load_skeleton() explain a
 * kernel without them.
 */
#ifndef RINGFLOW_KFUNCS_BPF_H
#define RINGFLOW_KFUNCS_BPF_H

/* Whether the running kernel has the __weak kfunc @fn (false: calling it fails to load). */
#define rf_has_kfunc(fn) bpf_ksym_exists(fn)

/* Result of the request when issue returns 0 (else the return value). */
extern int bpf_io_set_result(struct io_uring_bpf_req *req, s32 res) __ksym;
/* Copy bytes of buffer @buf at @off into @dst; returns bytes copied or -errno. */
extern int bpf_io_buf_load(struct io_uring_bpf_req *req, u32 buf, u64 off, void *dst,
			   u32 dst__sz) __ksym;
/* Copy @src into buffer @buf at @off; returns bytes copied or -errno. */
extern int bpf_io_buf_store(struct io_uring_bpf_req *req, u32 buf, u64 off,
			    const void *src, u32 src__sz) __ksym;
/*
 * Copy between two buffers of the request; returns bytes copied or -errno. A
 * position is (buffer << 32 | offset): BPF calls take at most 5 arguments.
 */
extern s64 bpf_io_buf_copy(struct io_uring_bpf_req *req, u64 dst_pos, u64 src_pos,
			   u64 len) __ksym;

static __always_inline s64 rf_buf_copy(struct io_uring_bpf_req *req, u32 dst_buf,
				       u32 dst_off, u32 src_buf, u32 src_off, u64 len)
{
	return bpf_io_buf_copy(req, IORING_BPF_BUF_POS(dst_buf, dst_off),
			       IORING_BPF_BUF_POS(src_buf, src_off), len);
}

/*
 * Direct access to @rdwr_buf_size (a constant) bytes of buffer @buf at @off:
 * a pointer into the buffer, valid during the callback, or NULL (bad index,
 * range outside the buffer, read-only buffer, byte budget spent, or the range
 * crosses into a page that does not follow in memory: use load/store there).
 */
extern u8 *bpf_io_buf_window(struct io_uring_bpf_req *req, u32 buf, u64 off,
			     const u32 rdwr_buf_size) __ksym __weak;
/* The same, read-only; works on IORING_BPF_BUF_RDONLY buffers too. */
extern const u8 *bpf_io_buf_window_ro(struct io_uring_bpf_req *req, u32 buf, u64 off,
				      const u32 rdonly_buf_size) __ksym __weak;
/*
 * Raw CRC32C update of @len bytes of buffer @buf at @off (~0 to start, invert at
 * the end) by the kernel's crc32c library; the new CRC (0..U32_MAX) or -errno.
 */
extern s64 bpf_io_buf_crc32c(struct io_uring_bpf_req *req, u32 buf, u64 off, u64 len,
			     u32 crc) __ksym __weak;
/*
 * From issue only: the next read or write of the chain goes to @pos with @len
 * bytes (IORING_BPF_STEER_KEEP_POS / _LEN keep what was submitted); 0 or
 * -errno. See rf_steer_next() in maps.bpf.h.
 */
extern int bpf_io_steer_next(struct io_uring_bpf_req *req, u64 pos,
			     u32 len) __ksym __weak;
/* From issue only: the rest of the chain completes with -EALREADY, unrun. */
extern int bpf_io_chain_done(struct io_uring_bpf_req *req) __ksym __weak;

/* bpf_for() and the bpf_iter_num_*() kfuncs it uses come from libbpf's bpf_helpers.h. */

#endif /* RINGFLOW_KFUNCS_BPF_H */
