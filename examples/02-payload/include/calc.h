/* SPDX-License-Identifier: MIT */
/*
 * The calc op's payload and chain record, for payload.bpf.c and payload.c both.
 * vmlinux.h (included first on the BPF side) has the kernel's __s64 & co;
 * userspace gets them from <linux/types.h>.
 */
#ifndef CALC_H
#define CALC_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* The arguments: a problem, in a payload slot. */
struct calc_args {
	__s64	a, b;
	char	op;		/* '+', '-', '*' */
};

/* The answer, in the chain record. */
struct calc_record {
	__s64	value;
};

#endif
