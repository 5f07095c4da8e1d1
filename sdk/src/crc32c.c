// SPDX-License-Identifier: MIT
/*
 * CRC32C, slicing-by-8 (crc32c_table.h), the same CRC as the kernel's crc32c
 * library computes for BPF programs (bpf_io_buf_crc32c()). tests/sdk/test_crc32c.c
 * checks it, and the tables, against a bitwise CRC and the standard check values.
 */
#include <ringflow/crc32c.h>
#include "crc32c_table.h"

/* Four bytes as a little-endian word, whatever the host's byte order. */
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t rf_crc32c_mem(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = ~0U;

	for (; len >= 8; p += 8, len -= 8)
		crc = rf__crc32c_8(crc, le32(p), le32(p + 4));
	while (len--)
		crc = rf__crc32c_1(crc, *p++);
	return ~crc;
}
