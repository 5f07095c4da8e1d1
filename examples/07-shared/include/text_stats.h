/* SPDX-License-Identifier: MIT */
/*
 * The types of tutorial 7, for its three files: the chain record that the ops of
 * two BPF objects write (wc in shared.bpf.c, sum in sum.bpf.c) and wc's payload.
 * One definition for every side, so they can never disagree: ops of objects
 * sharing one rf_object work on one record, and rf_object_share() refuses an
 * object whose record type is not the record's type or its start.
 *
 * A BPF program includes vmlinux.h first, which defines __VMLINUX_H__ and the
 * kernel's __u32 & co; userspace gets them from <linux/types.h>. Anything else
 * either side needs goes under the same test (see <ringflow/layout.h>).
 */
#ifndef TEXT_STATS_H
#define TEXT_STATS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* What wc counts in a buffer of text. */
struct text_stats {
	__u32	bytes;
	__u32	lines;		/* newlines */
	__u32	words;		/* runs of bytes that are not separators */
	__u32	longest;	/* bytes of the longest line, newline excluded */
};

/* The chain record: wc writes stats, sum crc. */
struct text_record {
	struct text_stats	stats;
	__u32			crc;		/* CRC32C of the text */
	__u32			resv;
};

/* wc's arguments: which bytes separate words besides ' ', '\t' and '\n'. */
struct text_args {
	__u8	separator;
	__u8	resv[7];
};

#endif
