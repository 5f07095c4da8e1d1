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

/*
 * Loads chunk @i (RF_CHUNK bytes from i * RF_CHUNK) of the @len-byte buffer @buf
 * into @chunk. Returns the chunk's length, 0 past the end, or -errno.
 */
static __always_inline int rf__load_chunk(struct io_uring_bpf_req *ctx, u32 buf, u32 len,
					  int i, u8 *chunk)
{
	u32 off = (u32)i * RF_CHUNK, n;
	int ret;

	if (off >= len)
		return 0;
	n = len - off;
	if (n > RF_CHUNK)
		n = RF_CHUNK;
	ret = bpf_io_buf_load(ctx, buf, off, chunk, n);
	return ret < 0 ? ret : (int)n;
}

#define rf__nr_chunks(len) (((len) + RF_CHUNK - 1) / RF_CHUNK)

/*
 * CRC32C of buffer @buf of the request into *@crc. Returns the bytes summed or
 * -errno from the kfunc.
 */
static __always_inline int rf_crc32c_buf(struct io_uring_bpf_req *ctx, u32 buf, u32 *crc)
{
	u32 len = rf_buf_len(ctx, buf), c = ~0U;
	u8 chunk[RF_CHUNK] __attribute__((aligned(8)));	/* read in 8-byte words */
	int i, n;

	bpf_for(i, 0, rf__nr_chunks(len)) {
		n = rf__load_chunk(ctx, buf, len, i, chunk);
		if (n <= 0)
			return n;
		c = rf_crc32c_update(c, chunk, (u32)n, RF_CHUNK);
	}
	*crc = ~c;
	return (int)len;
}

/*
 * XORs buffer @buf in place with a 4-byte @key repeated (byte k of the buffer
 * with byte k % 4 of the key, little-endian). Returns bytes done or -errno.
 */
static __always_inline int rf_xor_buf(struct io_uring_bpf_req *ctx, u32 buf, u32 key)
{
	u32 len = rf_buf_len(ctx, buf);
	u8 chunk[RF_CHUNK];
	int i, j, n, ret;

	bpf_for(i, 0, rf__nr_chunks(len)) {
		n = rf__load_chunk(ctx, buf, len, i, chunk);
		if (n <= 0)
			return n;
		/* RF_CHUNK is a multiple of 4: the key phase restarts at every chunk */
		bpf_for(j, 0, n)
			chunk[j & (RF_CHUNK - 1)] ^= (u8)(key >> (8 * (j & 3)));
		ret = bpf_io_buf_store(ctx, buf, (u32)i * RF_CHUNK, chunk, (u32)n);
		if (ret < 0)
			return ret;
	}
	return (int)len;
}

#endif /* RINGFLOW_BUF_BPF_H */
