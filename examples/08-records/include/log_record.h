/* SPDX-License-Identifier: MIT */
/*
 * The log file of tutorial 8 and the chain record that walks it, for both sides.
 *
 * A log is a run of records, each an 8-byte header (the body's length and its
 * CRC32C) and then the body; a header whose length is 0 ends the log. Where a
 * record starts depends on the length of every record before it.
 */
#ifndef LOG_RECORD_H
#define LOG_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LOG_MAX_BODY		4096
/*
 * A chain walks LOG_RECORDS_PER_CHAIN records, LOG_STAGES_PER_RECORD stages each:
 * read header -> parse -> read body -> check. 4 x 4 is the most a chain holds
 * (RF_CHAIN_MAX_STAGES).
 */
#define LOG_RECORDS_PER_CHAIN	4
#define LOG_STAGES_PER_RECORD	4
#define LOG_CHAIN_STAGES	(LOG_RECORDS_PER_CHAIN * LOG_STAGES_PER_RECORD)

struct log_header {
	__u32	len;		/* bytes of the body, 1 .. LOG_MAX_BODY; 0 ends the log */
	__u32	crc;		/* CRC32C of the body */
};

/*
 * The chain record: userspace sets where the first header is; parse and check
 * keep the rest.
 */
struct log_walk {
	__u64	next;				/* file position of the next header */
	__u32	records;			/* records this chain checked */
	__u32	resv;
	__u32	len[LOG_RECORDS_PER_CHAIN];	/* their headers, as parse read them */
	__u32	crc[LOG_RECORDS_PER_CHAIN];
};

#endif /* LOG_RECORD_H */
