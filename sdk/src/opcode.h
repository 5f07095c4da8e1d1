/* SPDX-License-Identifier: MIT */
/* Names of io_uring opcodes, for reports of raw SQE stages (opcode.c). */
#ifndef RF_OPCODE_H
#define RF_OPCODE_H

#include <linux/types.h>

/* "fsync", "link_timeout", ..., or "opcode N". */
const char *rf_opcode_name(__u8 opcode);

#endif
