/* SPDX-License-Identifier: MIT */
/* The inject op's payload, for inject.bpf.c and inject.c both. */
#ifndef INJECT_ARGS_H
#define INJECT_ARGS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>	/* userspace: __u32 & co; BPF has them from vmlinux.h */
#endif

struct inject_args {
	__s32	err;		/* -errno to fail with */
	__u32	every;		/* fail every Nth request (0 or 1: every one) */
};

#endif
