// SPDX-License-Identifier: MIT
/*
 * rf_crc32c_mem() and the slicing-by-8 tables it shares with the BPF side, against a
 * bitwise CRC32C written here from the polynomial alone and the standard check
 * values (RFC 3720, appendix B.4).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <ringflow/crc32c.h>
#include "crc32c_table.h"

/* @bits steps of the CRC register: feeds it @bits zero bits */
static uint32_t bitwise_shift(uint32_t crc, unsigned int bits)
{
	while (bits--)
		crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	return crc;
}

static uint32_t bitwise_crc32c(const unsigned char *p, size_t len)
{
	uint32_t crc = ~0U;

	while (len--)
		crc = bitwise_shift(crc ^ *p++, 8);
	return ~crc;
}

Test(crc32c, every_table_entry_from_the_polynomial)
{
	for (unsigned int k = 0; k < 8; k++)
		for (uint32_t b = 0; b < 256; b++)
			cr_assert_eq(rf_crc32c_table[k][b], bitwise_shift(b, 8 * (k + 1)),
				     "rf_crc32c_table[%u][%u]", k, b);
}

Test(crc32c, check_values)
{
	unsigned char zeros[32] = { 0 }, ones[32], up[32], down[32];

	for (int i = 0; i < 32; i++) {
		ones[i] = 0xff;
		up[i] = (unsigned char)i;
		down[i] = (unsigned char)(31 - i);
	}
	cr_assert_eq(rf_crc32c_mem("", 0), 0);
	cr_assert_eq(rf_crc32c_mem("123456789", 9), 0xe3069283);
	cr_assert_eq(rf_crc32c_mem(zeros, 32), 0x8a9136aa);
	cr_assert_eq(rf_crc32c_mem(ones, 32), 0x62a8ab43);
	cr_assert_eq(rf_crc32c_mem(up, 32), 0x46dd794e);
	cr_assert_eq(rf_crc32c_mem(down, 32), 0x113fdb5c);
}

Test(crc32c, every_length_and_alignment_matches_bitwise)
{
	static unsigned char data[8 + 600];

	srand(1);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 600; len++)
			cr_assert_eq(rf_crc32c_mem(data + off, len), bitwise_crc32c(data + off, len),
				     "offset %zu, length %zu", off, len);
}
