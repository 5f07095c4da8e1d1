/* SPDX-License-Identifier: MIT */
/* The chain record sum and check share, for verify.bpf.c and verify.c both. */
#ifndef VERIFY_RECORD_H
#define VERIFY_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>	/* userspace: __u32 & co; BPF has them from vmlinux.h */
#endif

struct verify_record {
	__u32	crc;		/* written by sum */
	__u32	expect;		/* written by userspace before queueing the chain */
};

#endif
