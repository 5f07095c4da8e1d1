/* SPDX-License-Identifier: MIT */
/*
 * Byte access to a request's buffers: the kfuncs copy between buffers and BPF
 * memory; these helpers walk a whole buffer in RF_CHUNK-byte pieces on the stack,
 * so programs can checksum and transform data in place of any length.
 */
#ifndef RINGFLOW_BUF_BPF_H
#define RINGFLOW_BUF_BPF_H

#include <ringflow/crc32c.bpf.h>

#define RF_CHUNK 256	/* a power of two */

/* Bytes of the chunk at @off of a @len-byte buffer, at most RF_CHUNK. */
static __always_inline u32 rf__chunk_len(u32 len, u32 off)
{
	u32 n = len - off;

	return n > RF_CHUNK ? RF_CHUNK : n;
}

/*
 * CRC32C of buffer @buf of the request into *@crc. Returns the bytes summed or
 * -errno from the kfunc.
 */
static __always_inline int rf_crc32c_buf(struct io_uring_bpf_ctx *ctx, u32 buf, u32 *crc)
{
	u32 len = rf_buf_len(ctx, buf), nr = (len + RF_CHUNK - 1) / RF_CHUNK;
	u32 c = ~0U;
	u8 chunk[RF_CHUNK];
	int i, ret;

	bpf_for(i, 0, nr) {
		u32 off = (u32)i * RF_CHUNK, n = rf__chunk_len(len, off);

		if (n == 0 || n > RF_CHUNK)
			break;
		ret = bpf_io_buf_load(ctx, buf, off, chunk, n);
		if (ret < 0)
			return ret;
		c = rf_crc32c_update(c, chunk, n, RF_CHUNK);
	}
	*crc = ~c;
	return (int)len;
}

/*
 * XORs buffer @buf in place with a 4-byte @key repeated (byte k of the buffer
 * with byte k % 4 of the key, little-endian). Returns bytes done or -errno.
 */
static __always_inline int rf_xor_buf(struct io_uring_bpf_ctx *ctx, u32 buf, u32 key)
{
	u32 len = rf_buf_len(ctx, buf), nr = (len + RF_CHUNK - 1) / RF_CHUNK;
	u8 chunk[RF_CHUNK];
	int i, j, ret;

	bpf_for(i, 0, nr) {
		u32 off = (u32)i * RF_CHUNK, n = rf__chunk_len(len, off);

		if (n == 0 || n > RF_CHUNK)
			break;
		ret = bpf_io_buf_load(ctx, buf, off, chunk, n);
		if (ret < 0)
			return ret;
		/* RF_CHUNK is a multiple of 4: key phase restarts at every chunk */
		bpf_for(j, 0, n)
			chunk[j & (RF_CHUNK - 1)] ^= (u8)(key >> (8 * (j & 3)));
		ret = bpf_io_buf_store(ctx, buf, off, chunk, n);
		if (ret < 0)
			return ret;
	}
	return (int)len;
}

#endif /* RINGFLOW_BUF_BPF_H */
