/* SPDX-License-Identifier: MIT */
/*
 * Walking the bytes of a request's buffers, chunk by chunk, in place:
 *
 *	struct rf_buf_chunk ch;
 *
 *	rf_buf_for_each_chunk(req, 0, &ch) {		// read only
 *		for (u32 k = 0; k < RF_CHUNK; k++)	// constant bound: see below
 *			sum += ch.data[k];		// bytes past ch.len: don't care
 *	}
 *	if (ch.err)
 *		return ch.err;
 *
 *	rf_buf_for_each_chunk_rw(req, 0, &ch) {	// read and write
 *		for (u32 k = 0; k < RF_CHUNK; k++)
 *			ch.data[k] ^= 0x5a;
 *		if (rf_buf_chunk_store(req, &ch))	// no-op unless bounced
 *			break;
 *	}
 *
 * The body sees ch.data (RF_CHUNK bytes), ch.off (where data[0] is in the buffer)
 * and ch.len (how many of the bytes belong to the buffer: RF_CHUNK but in the
 * last chunk). ch.data points into the buffer itself (bpf_io_buf_window(), no
 * copy) whenever the chunk lies in one run of memory; otherwise, at the last
 * chunk or where a chunk spans two pages that do not follow each other, it points
 * at a copy on the stack (bpf_io_buf_load()), which rf_buf_chunk_store() writes
 * back. Call rf_buf_chunk_store() after changing a chunk: it costs nothing for
 * a window. rf_buf_for_each_chunk() asks for read-only windows, so it also walks
 * IORING_BPF_BUF_RDONLY buffers; writing through its ch.data fails to verify.
 *
 * Loops over a chunk's bytes, for the verifier: a constant bound (RF_CHUNK, or
 * RF_CHUNK / 8 words) verifies and runs with no call per step; so does bpf_for(k,
 * 0, ch.len), at the cost of a kfunc call per step. A plain loop bounded by
 * ch.len does not: the verifier follows one path per possible length and gives
 * up ("The sequence of 8193 jumps is too complex").
 */
#ifndef RINGFLOW_BUF_BPF_H
#define RINGFLOW_BUF_BPF_H

#define RF_CHUNK 256	/* a power of two, at most a page */

struct rf_buf_chunk {
	u8	*data;		/* RF_CHUNK bytes: the buffer itself, or bounce */
	u32	buf;		/* the buffer walked */
	u32	size;		/* its length */
	u32	off;		/* offset of data[0] in the buffer */
	u32	len;		/* bytes of data that are the buffer's */
	int	err;		/* -errno of the read that stopped the walk, else 0 */
	bool	bounced;	/* data is the copy in bounce */
	u8	bounce[RF_CHUNK] __attribute__((aligned(8)));
};

static __always_inline int rf__chunk_begin(struct io_uring_bpf_req *req, u32 buf,
					   struct rf_buf_chunk *ch)
{
	ch->buf = buf;
	ch->size = rf_buf_len(req, buf);
	ch->off = 0;
	ch->len = 0;
	ch->err = 0;
	ch->bounced = false;
	return 0;
}

/*
 * Maps chunk @i into ch (@rw: a writable window); false at the end of the buffer
 * or on error.
 */
static __always_inline bool rf__chunk_map(struct io_uring_bpf_req *req,
					  struct rf_buf_chunk *ch, int i, bool rw)
{
	u32 off = (u32)i * RF_CHUNK, n;
	int ret;

	if (off >= ch->size)
		return false;
	n = ch->size - off;
	if (n > RF_CHUNK)
		n = RF_CHUNK;
	ch->off = off;
	ch->len = n;
	/* windows where the kernel has them (and the page allows), else a copy */
	if (n == RF_CHUNK && rf_has_kfunc(bpf_io_buf_window) &&
	    rf_has_kfunc(bpf_io_buf_window_ro)) {
		ch->data = rw ? bpf_io_buf_window(req, ch->buf, off, RF_CHUNK) :
				(u8 *)bpf_io_buf_window_ro(req, ch->buf, off, RF_CHUNK);
		if (ch->data) {
			ch->bounced = false;
			return true;
		}
	}
	ret = bpf_io_buf_load(req, ch->buf, off, ch->bounce, n);
	if (ret < 0) {
		ch->err = ret;
		return false;
	}
	ch->data = ch->bounce;
	ch->bounced = true;
	return true;
}

#define rf__for_each_chunk(req, buf, ch, rw)					\
	for (int ___i = rf__chunk_begin(req, buf, ch), ___once = 1; ___once;	\
	     ___once = 0)							\
		bpf_for(___i, 0, ((ch)->size + RF_CHUNK - 1) / RF_CHUNK)	\
			if (!rf__chunk_map(req, ch, ___i, rw))			\
				break;						\
			else

/*
 * Runs the statement that follows once per chunk of buffer @buf of the request,
 * with *@ch holding it, read-only. `break` ends the walk; after it, @ch->err is 0
 * or -errno.
 */
#define rf_buf_for_each_chunk(req, buf, ch) rf__for_each_chunk(req, buf, ch, false)
/* The same, with chunks the body may change (then call rf_buf_chunk_store()). */
#define rf_buf_for_each_chunk_rw(req, buf, ch) rf__for_each_chunk(req, buf, ch, true)

/*
 * Makes a changed chunk the buffer's: nothing to do for a window, the copy
 * written back otherwise. 0 or -errno.
 */
static __always_inline int rf_buf_chunk_store(struct io_uring_bpf_req *req,
					      struct rf_buf_chunk *ch)
{
	u32 n = ch->len;
	int ret;

	if (!ch->bounced)
		return 0;
	if (n > RF_CHUNK)
		return -EINVAL;
	ret = bpf_io_buf_store(req, ch->buf, ch->off, ch->bounce, n);
	return ret < 0 ? ret : 0;
}

/*
 * CRC32C of buffer @buf of the request into *@crc, by the kernel's crc32c
 * library (the CPU's crc32 instruction). Returns the bytes summed or -errno.
 * Needs the bpf_io_buf_crc32c() kfunc: guard with rf_has_kfunc() where a kernel
 * may lack it.
 */
static __always_inline int rf_crc32c_buf(struct io_uring_bpf_req *req, u32 buf, u32 *crc)
{
	u32 len = rf_buf_len(req, buf);
	s64 c = bpf_io_buf_crc32c(req, buf, 0, len, ~0U);

	if (c < 0)
		return (int)c;
	*crc = ~(u32)c;
	return (int)len;
}

/*
 * XORs buffer @buf in place with a 4-byte @key repeated (byte k of the buffer
 * with byte k % 4 of the key, little-endian). Returns bytes done or -errno.
 */
static __always_inline int rf_xor_buf(struct io_uring_bpf_req *req, u32 buf, u32 key)
{
	u64 k8 = (u64)key << 32 | key;
	struct rf_buf_chunk ch;
	int err = 0;

	rf_buf_for_each_chunk_rw(req, buf, &ch) {
		/* whole chunk, 8-byte words, constant bound; RF_CHUNK is a multiple
		 * of 8, so the key phase restarts at every chunk */
		for (u32 k = 0; k < RF_CHUNK / 8; k++)
			((u64 *)ch.data)[k] ^= k8;
		err = rf_buf_chunk_store(req, &ch);
		if (err)
			break;
	}
	if (ch.err || err)
		return ch.err ? ch.err : err;
	return (int)ch.size;
}

#endif /* RINGFLOW_BUF_BPF_H */
