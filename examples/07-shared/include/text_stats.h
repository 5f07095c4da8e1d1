/* SPDX-License-Identifier: MIT */
/*
 * Types shared by shared.bpf.c and shared.c: the chain record and the payload of
 * the wc op. One definition for both sides, so they can never disagree.
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

/* wc's arguments: which bytes separate words besides ' ', '\t' and '\n'. */
struct text_args {
	__u8	separator;
	__u8	resv[7];
};

#endif
