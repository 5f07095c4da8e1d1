/* SPDX-License-Identifier: MIT */
/* CRC32C (Castagnoli, reflected polynomial 0x82f63b78), slicing-by-8. */
#ifndef RINGFLOW_CRC32C_BPF_H
#define RINGFLOW_CRC32C_BPF_H

#include <ringflow/crc32c_table.h>

/* Folds the 8 bytes of @w, as loaded from memory, into @crc. */
static __always_inline u32 rf__crc32c_word(u32 crc, u64 w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return rf__crc32c_8(crc, (u32)w, (u32)(w >> 32));
}

/*
 * Folds @n bytes of @p into @crc; start with ~0 and finish with ~crc. @p is an
 * 8-byte aligned array of @size bytes, a power of two of at least 8; eight table
 * lookups per 8-byte word. A full array (@n == @size) goes through a loop with a
 * constant bound: the verifier walks its size / 8 steps, and running it costs no
 * call per step. Otherwise open-coded iterators, one step per word then one per
 * byte of the last n % 8, whose bodies the verifier checks once; the masks prove
 * their accesses in bounds.
 */
static __always_inline u32 rf_crc32c_update(u32 crc, const u8 *p, u32 n, u32 size)
{
	const u64 *words = (const u64 *)p;
	u32 k;
	int i;

	if (n == size) {
		for (k = 0; k < size / 8; k++)
			crc = rf__crc32c_word(crc, words[k]);
		return crc;
	}
	bpf_for(i, 0, n / 8)
		crc = rf__crc32c_word(crc, words[i & (size / 8 - 1)]);
	bpf_for(i, n & ~7U, n)
		crc = rf__crc32c_1(crc, p[i & (size - 1)]);
	return crc;
}

#endif /* RINGFLOW_CRC32C_BPF_H */
