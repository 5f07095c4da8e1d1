/* SPDX-License-Identifier: MIT */
/* The steering test op (steer.bpf.c): its arguments, shared by both sides. */
#ifndef RF_TEST_STEER_H
#define RF_TEST_STEER_H

#include <ringflow/layout.h>

enum steer_mode {
	STEER_TO,		/* steer the next stage to pos/len */
	STEER_FROM_BUF,		/* ... to the little-endian u64 at buffer 0, len bytes */
	STEER_DONE,		/* end the chain */
};

struct steer_args {
	__u64	pos;
	__u32	len;
	__u32	mode;		/* enum steer_mode */
};

#endif
