/* SPDX-License-Identifier: MIT */
/*
 * kfuncs of the ringflow kernel, and the generic open-coded iterator. vmlinux.h
 * does not declare kfuncs (pahole too old for decl tags), so we do.
 */
#ifndef RINGFLOW_KFUNCS_BPF_H
#define RINGFLOW_KFUNCS_BPF_H

/* Result of the request when issue returns 0 (else the return value). */
extern int bpf_io_set_result(struct io_uring_bpf_req *ctx, s32 res) __ksym;
/* Copy bytes of buffer @buf at @off into @dst; returns bytes copied or -errno. */
extern int bpf_io_buf_load(struct io_uring_bpf_req *ctx, u32 buf, u64 off, void *dst,
			   u32 dst__sz) __ksym;
/* Copy @src into buffer @buf at @off; returns bytes copied or -errno. */
extern int bpf_io_buf_store(struct io_uring_bpf_req *ctx, u32 buf, u64 off,
			    const void *src, u32 src__sz) __ksym;
/*
 * Copy between two buffers of the request; returns bytes copied or -errno. A
 * position is (buffer << 32 | offset): BPF calls take at most 5 arguments.
 */
extern s64 bpf_io_buf_copy(struct io_uring_bpf_req *ctx, u64 dst_pos, u64 src_pos,
			   u64 len) __ksym;
#define RF_BUF_POS(buf, off)	(((u64)(buf) << 32) | (u32)(off))

static __always_inline s64 rf_buf_copy(struct io_uring_bpf_req *ctx, u32 dst_buf,
				       u32 dst_off, u32 src_buf, u32 src_off, u64 len)
{
	return bpf_io_buf_copy(ctx, RF_BUF_POS(dst_buf, dst_off),
			       RF_BUF_POS(src_buf, src_off), len);
}

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

/*
 * for (i = start; i < end; i++) that the verifier checks once, not per iteration
 * (as in the kernel's selftests/bpf/bpf_experimental.h).
 */
#ifndef bpf_for
#define bpf_for(i, start, end) for (						\
	struct bpf_iter_num ___it __attribute__((aligned(8),			\
						 cleanup(bpf_iter_num_destroy))),	\
	*___p __attribute__((unused)) = (					\
		bpf_iter_num_new(&___it, (start), (end)),			\
		(void)bpf_iter_num_destroy, (void *)0);				\
	({									\
		int *___t = bpf_iter_num_next(&___it);				\
		(___t && ((i) = *___t, (i) >= (start) && (i) < (end)));		\
	});									\
	)
#endif

#endif /* RINGFLOW_KFUNCS_BPF_H */
