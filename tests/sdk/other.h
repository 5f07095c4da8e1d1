/* SPDX-License-Identifier: MIT */
/*
 * Types of the test object other.bpf.c, included by it and by the tests (the
 * pattern of examples/07-shared): its record starts with the built-in ops' fields,
 * so it can share records with them; both are larger than the built-ins' types.
 */
#ifndef RF_TEST_OTHER_H
#define RF_TEST_OTHER_H

#include <ringflow/builtin.h>

#define OTHER_MAX_RECORDS	16

struct other_record {
	struct rf_builtin_record builtin;
	__u64	mark;			/* from the payload */
	__u32	crc_seen;		/* builtin.crc when the op ran */
	__u32	resv;
	__u64	more[4];
};

struct other_args {
	__u64	mark;
	__u64	more[3];
};

#endif
