/* SPDX-License-Identifier: MIT */
/*
 * The built-in ops (bpf/rf_builtin.bpf.c, installed as RINGFLOW_BUILTIN_OPS_SOURCE):
 * their chain record and payload layouts. Shared by userspace and BPF, like
 * layout.h.
 *
 *   rf_copy    buf 0 -> buf 1 (min of both lengths); result: bytes copied
 *   rf_crc32c  CRC32C of buf 0 into record.crc; result: bytes summed
 *   rf_xor     buf 0 ^= payload.xor_key (4-byte key, repeated), in place
 *   rf_verify  fails the chain with -EBADMSG when record.crc != record.expect_crc
 *   rf_inject  fails with payload.inject_err, always (inject_every 0 or 1) or on
 *              every inject_every-th request it sees
 *   rf_nop     result 0
 *
 * rf_copy, rf_crc32c and rf_xor add the bytes they processed to record.bytes (when
 * the chain has a record). Ops that need their record or payload fail at
 * submission with the lookup's errno (-ENODATA: none given, -EXDEV: another
 * object's, -ESTALE, -ERANGE; bpf/ringflow/maps.bpf.h).
 *
 * To use them in chains with ops of your own, share one rf_object between your
 * object and theirs (object.h), and start your record type with their record:
 *
 *	struct my_record {
 *		struct rf_builtin_record builtin;	// crc, expect_crc, bytes
 *		__u32 my_field;
 *	};
 *
 * Payload slots belong to one stage each: a built-in stage's payload is a
 * struct rf_builtin_args, whatever type your ops' payloads have.
 */
#ifndef RINGFLOW_BUILTIN_H
#define RINGFLOW_BUILTIN_H

#include <ringflow/layout.h>

#define RF_BUILTIN_MAX_CHAINS	4096
#define RF_BUILTIN_MAX_PAYLOADS	8192

/* The record of the built-in ops, and the start of every record shared with them. */
struct rf_builtin_record {
	__u32	crc;		/* written by rf_crc32c */
	__u32	expect_crc;	/* set by userspace, checked by rf_verify */
	__u64	bytes;		/* bytes processed by the chain's ops */
};

struct rf_builtin_args {
	__u32	xor_key;	/* rf_xor */
	__s32	inject_err;	/* rf_inject: -errno to fail with (else -EIO; at least -IORING_BPF_MAX_ERRNO) */
	__u32	inject_every;	/* rf_inject: fail every Nth request (0, 1: always) */
	__u32	resv;
};

#endif /* RINGFLOW_BUILTIN_H */
