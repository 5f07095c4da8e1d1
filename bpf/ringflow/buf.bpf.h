/* SPDX-License-Identifier: MIT */
/*
 * Walking the bytes of a request's buffers, chunk by chunk:
 *
 *	struct rf_buf_chunk ch;
 *
 *	rf_buf_for_each_chunk(ctx, 0, &ch) {
 *		for (u32 k = 0; k < RF_CHUNK; k++)	// constant bound: see below
 *			sum += ch.data[k];		// bytes past ch.len: don't care
 *	}
 *	if (ch.err)
 *		return ch.err;
 *
 * The body sees ch.data (RF_CHUNK bytes, 8-byte aligned), ch.off (where data[0]
 * is in the buffer) and ch.len (how many of the bytes belong to the buffer:
 * RF_CHUNK but in the last chunk). After changing ch.data, rf_buf_chunk_store()
 * writes the chunk back. Today a chunk is a copy on the stack (bpf_io_buf_load);
 * callers written against these names keep working when chunks become windows
 * into the buffer itself.
 *
 * Loops over a chunk's bytes, for the verifier: a constant bound (RF_CHUNK, or
 * RF_CHUNK / 8 words) verifies and runs with no call per step; so does bpf_for(k,
 * 0, ch.len), at the cost of a kfunc call per step. A plain loop bounded by
 * ch.len does not: the verifier follows one path per possible length and gives
 * up ("The sequence of 8193 jumps is too complex").
 */
#ifndef RINGFLOW_BUF_BPF_H
#define RINGFLOW_BUF_BPF_H

#include <ringflow/crc32c.bpf.h>

#define RF_CHUNK 256	/* a power of two */

struct rf_buf_chunk {
	u8	data[RF_CHUNK] __attribute__((aligned(8)));
	u32	buf;		/* the buffer walked */
	u32	size;		/* its length */
	u32	off;		/* offset of data[0] in the buffer */
	u32	len;		/* bytes of data that are the buffer's */
	int	err;		/* -errno of the read that stopped the walk, else 0 */
};

static __always_inline int rf__chunk_begin(struct io_uring_bpf_req *ctx, u32 buf,
					   struct rf_buf_chunk *ch)
{
	ch->buf = buf;
	ch->size = rf_buf_len(ctx, buf);
	ch->off = 0;
	ch->len = 0;
	ch->err = 0;
	return 0;
}

/* Reads chunk @i into ch; false at the end of the buffer or on error. */
static __always_inline bool rf__chunk_read(struct io_uring_bpf_req *ctx,
					   struct rf_buf_chunk *ch, int i)
{
	u32 off = (u32)i * RF_CHUNK, n;
	int ret;

	if (off >= ch->size)
		return false;
	n = ch->size - off;
	if (n > RF_CHUNK)
		n = RF_CHUNK;
	ret = bpf_io_buf_load(ctx, ch->buf, off, ch->data, n);
	if (ret < 0) {
		ch->err = ret;
		return false;
	}
	ch->off = off;
	ch->len = n;
	return true;
}

/*
 * Runs the statement that follows once per chunk of buffer @buf of the request,
 * with *@ch holding it. `break` ends the walk; after it, @ch->err is 0 or -errno.
 */
#define rf_buf_for_each_chunk(ctx, buf, ch)					\
	for (int ___i = rf__chunk_begin(ctx, buf, ch), ___once = 1; ___once;	\
	     ___once = 0)							\
		bpf_for(___i, 0, ((ch)->size + RF_CHUNK - 1) / RF_CHUNK)	\
			if (!rf__chunk_read(ctx, ch, ___i))			\
				break;						\
			else

/* Writes the chunk's ch->len bytes back into its buffer: 0 or -errno. */
static __always_inline int rf_buf_chunk_store(struct io_uring_bpf_req *ctx,
					      struct rf_buf_chunk *ch)
{
	u32 n = ch->len;
	int ret;

	if (n > RF_CHUNK)
		return -EINVAL;
	ret = bpf_io_buf_store(ctx, ch->buf, ch->off, ch->data, n);
	return ret < 0 ? ret : 0;
}

/*
 * CRC32C of buffer @buf of the request into *@crc. Returns the bytes summed or
 * -errno from the kfunc.
 */
static __always_inline int rf_crc32c_buf(struct io_uring_bpf_req *ctx, u32 buf, u32 *crc)
{
	struct rf_buf_chunk ch;
	u32 c = ~0U;

	rf_buf_for_each_chunk(ctx, buf, &ch)
		c = rf_crc32c_update(c, ch.data, ch.len, RF_CHUNK);
	if (ch.err)
		return ch.err;
	*crc = ~c;
	return (int)ch.size;
}

/*
 * XORs buffer @buf in place with a 4-byte @key repeated (byte k of the buffer
 * with byte k % 4 of the key, little-endian). Returns bytes done or -errno.
 */
static __always_inline int rf_xor_buf(struct io_uring_bpf_req *ctx, u32 buf, u32 key)
{
	struct rf_buf_chunk ch;
	int err = 0;

	rf_buf_for_each_chunk(ctx, buf, &ch) {
		/* whole chunk, constant bound; RF_CHUNK is a multiple of 4, so the key
		 * phase restarts at every chunk */
		for (u32 k = 0; k < RF_CHUNK; k++)
			ch.data[k] ^= (u8)(key >> (8 * (k & 3)));
		err = rf_buf_chunk_store(ctx, &ch);
		if (err)
			break;
	}
	if (ch.err || err)
		return ch.err ? ch.err : err;
	return (int)ch.size;
}

#endif /* RINGFLOW_BUF_BPF_H */
