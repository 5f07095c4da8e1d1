/* SPDX-License-Identifier: MIT */
/* The sum op's chain record, for checksum.bpf.c and checksum.c both. */
#ifndef SUM_RECORD_H
#define SUM_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>	/* userspace: __u32 & co; BPF has them from vmlinux.h */
#endif

struct sum_record {
	__u32	crc;		/* CRC32C of the buffer */
	__u32	len;		/* over this many bytes */
};

#endif
