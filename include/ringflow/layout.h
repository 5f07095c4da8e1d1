/* SPDX-License-Identifier: MIT */
/*
 * Memory layouts shared by userspace and BPF programs: the header of every chain
 * record, the header of every payload slot, and how the SDK encodes references and
 * user_data in the SQEs it builds. Included from both sides, so it needs nothing but
 * the kernel's fixed-width types (vmlinux.h provides them to BPF programs).
 */
#ifndef RINGFLOW_LAYOUT_H
#define RINGFLOW_LAYOUT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Names of the maps RF_CHAIN_RECORD() and RF_PAYLOAD() define in a BPF object. */
#define RF_CHAINS_MAP		"rf_chains"
#define RF_PAYLOADS_MAP		"rf_payloads"

#define RF_REASON_LEN		48

/*
 * Every chain record starts with this header. Userspace sets gen when it hands the
 * record to a chain (so a BPF op holding a stale reference finds a mismatch); the
 * first op that raises an error with rf_fail() fills the rest, which is how a
 * BPF-side failure reaches userspace with a reason.
 */
struct rf_chain_hdr {
	__u32	gen;			/* generation of the reference; 0: record unused */
	__s32	error;			/* -errno raised by an op, 0 if none */
	__u16	stage;			/* stage of the chain that raised it */
	__u16	resv;
	__u32	op_flags;		/* that op's flags (low 24 bits of bpf_op_flags) */
	__u64	detail;			/* a value the op attaches, e.g. a checksum */
	char	reason[RF_REASON_LEN];	/* NUL-terminated when shorter than the array */
};

/* Every payload slot starts with this header; userspace owns it. */
struct rf_payload_hdr {
	__u32	gen;			/* generation of the reference; 0: slot unused */
	__u32	resv;
};

/*
 * A record or payload slot is named by a 64-bit reference: generation in the high
 * half, index in the low half. The SDK puts the chain record's reference in
 * sqe->off (ctx->args[0]) and the payload's in sqe->addr3 (ctx->args[1]).
 */
#define RF_REF(gen, idx)	(((__u64)(gen) << 32) | (__u32)(idx))
#define RF_REF_INDEX(ref)	((__u32)(ref))
#define RF_REF_GEN(ref)		((__u32)((__u64)(ref) >> 32))
#define RF_ARG_RECORD		0
#define RF_ARG_PAYLOAD		1

/* user_data of each SQE of a chain: chain slot of the ring, and stage number. */
#define RF_STAGE_BITS		8
#define RF_UDATA(chain, stage)	(((__u64)(chain) << RF_STAGE_BITS) | (__u8)(stage))
#define RF_UDATA_STAGE(ud)	((__u32)((ud) & ((1U << RF_STAGE_BITS) - 1)))
#define RF_UDATA_CHAIN(ud)	((__u64)(ud) >> RF_STAGE_BITS)

#endif /* RINGFLOW_LAYOUT_H */
