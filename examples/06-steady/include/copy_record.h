/* SPDX-License-Identifier: MIT */
/*
 * The chain record of the copy, for steady.bpf.c and steady.c both: it starts with
 * the built-in ops' record, where rf_crc32c writes, and adler's field follows.
 */
#ifndef COPY_RECORD_H
#define COPY_RECORD_H

#include <ringflow/builtin.h>	/* struct rf_builtin_record, on both sides */

struct copy_record {
	struct rf_builtin_record builtin;	/* crc: rf_crc32c's */
	__u32	adler;				/* adler's */
	__u32	resv;
};

#endif
