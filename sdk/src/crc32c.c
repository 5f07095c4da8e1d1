// SPDX-License-Identifier: MIT
/*
 * Bitwise CRC32C: slow, but written independently of the BPF side's table, so
 * that each checks the other.
 */
#include <ringflow/crc32c.h>

uint32_t rf_crc32c(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = ~0U;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	}
	return ~crc;
}
