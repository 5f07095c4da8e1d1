/* SPDX-License-Identifier: MIT */
/*
 * Types shared by copier.bpf.c and main.c. Both sides include this header: BPF
 * gets __u32 & co from vmlinux.h, userspace from <linux/types.h> (through
 * <ringflow/builtin.h>).
 */
#ifndef COPIER_H
#define COPIER_H

#include <ringflow/builtin.h>

/* Starts with the built-in ops' fields, so rf_crc32c and rf_xor share it. */
struct copier_record {
	struct rf_builtin_record builtin;
	__u32	block;			/* from the hist stage's payload */
	__u32	hist[16];		/* bytes by high nibble */
};

struct copier_args {
	__u32	block;
};

#endif
