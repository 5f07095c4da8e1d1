/* SPDX-License-Identifier: MIT */
/* CRC32C in userspace, to compute what the BPF crc32c ops should find. */
#ifndef RINGFLOW_CRC32C_H
#define RINGFLOW_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC32C (Castagnoli) of @len bytes of memory, as rf_crc32c_buf() computes it in
 * BPF over a request's buffer (and the built-in rf_crc32c op with it).
 */
uint32_t rf_crc32c_mem(const void *data, size_t len);

#endif /* RINGFLOW_CRC32C_H */
