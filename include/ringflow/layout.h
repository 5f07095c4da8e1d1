/* SPDX-License-Identifier: MIT */
/*
 * Memory layouts shared by userspace and BPF programs: the header of every chain
 * record, the header of every payload slot, and how the SDK encodes references and
 * user_data in the SQEs it builds. Included from both sides, so it needs nothing but
 * the kernel's fixed-width types and the UAPI's constants (ringflow/uapi.h, whose
 * types BPF programs take from vmlinux.h).
 */
#ifndef RINGFLOW_LAYOUT_H
#define RINGFLOW_LAYOUT_H

#include <ringflow/uapi.h>

/* Names of the maps RF_CHAIN_RECORD() and RF_PAYLOAD() define in a BPF object. */
#define RF_RECORDS_MAP		"rf_records"
#define RF_PAYLOADS_MAP		"rf_payloads"

#define RF_REASON_LEN		48
/* Stages of a chain; stage numbers are 8 bits of user_data. */
#define RF_CHAIN_MAX_STAGES	16

/* rf_record_hdr.flags */
#define RF_FAIL_DETAIL		(1U << 0)	/* detail was given (it may be 0) */

/*
 * Every chain record starts with this header. Userspace sets ref when it hands the
 * record to a chain (a BPF op holding another reference finds a mismatch); the
 * first op that raises an error with rf_fail() fills error..reason, which is how a
 * BPF-side failure reaches userspace with a reason; an op that steers the next
 * stage with rf_steer_next() records where it sent it, for the chain's result.
 */
struct rf_record_hdr {
	__u64	ref;			/* the reference it was allocated under; 0: unused */
	__s32	error;			/* -errno raised by an op, 0 if none */
	__u16	stage;			/* stage of the chain that raised it */
	__u16	flags;			/* RF_FAIL_* */
	__u32	op_flags;		/* that op's flags (low 24 bits of bpf_op_flags) */
	__u32	steered;		/* bit s: stage s was steered (steer_pos/len[s]) */
	__u64	detail;			/* a value the op attaches, e.g. a checksum */
	char	reason[RF_REASON_LEN];	/* NUL-terminated when shorter than the array */
	__u64	steer_pos[RF_CHAIN_MAX_STAGES];	/* where stage s was sent, or KEEP */
	__u32	steer_len[RF_CHAIN_MAX_STAGES];	/* its new length, or KEEP */
};

/* Every payload slot starts with this header; userspace owns it. */
struct rf_payload_hdr {
	__u64	ref;			/* the reference it was allocated under; 0: unused */
};

/*
 * A record or payload slot is named by a 64-bit reference:
 *
 *   bits 63..44  tag: the low 20 bits of the kernel id of the map holding the entry
 *   bits 43..24  generation of the entry (never 0 in a valid reference)
 *   bits 23..0   index of the entry in the map
 *
 * The tag ties a reference to its map: a BPF op refuses a reference whose tag is
 * not its own map's (-EXDEV), so a chain's record can never be written by an op of
 * an object whose maps are not the chain's. The entry's header holds the whole
 * reference it was allocated under; a reference of a freed or reused entry
 * mismatches (-ESTALE). The SDK puts the chain record's reference in sqe->off
 * (req->args[0]) and the payload's in sqe->addr3 (req->args[1]); 0 means none.
 */
#define RF_REF_INDEX_BITS	24
#define RF_REF_GEN_BITS		20
#define RF_REF_TAG_BITS		20
#define RF_REF_INDEX_MASK	((1U << RF_REF_INDEX_BITS) - 1)
#define RF_REF_GEN_MASK		((1U << RF_REF_GEN_BITS) - 1)
#define RF_REF_TAG_MASK		((1U << RF_REF_TAG_BITS) - 1)
#define RF_REF_GEN_SHIFT	RF_REF_INDEX_BITS
#define RF_REF_TAG_SHIFT	(RF_REF_INDEX_BITS + RF_REF_GEN_BITS)

#define RF_MAP_TAG(map_id)	((__u32)(map_id) & RF_REF_TAG_MASK)
#define RF_REF(tag, gen, idx)						\
	(((__u64)((tag) & RF_REF_TAG_MASK) << RF_REF_TAG_SHIFT) |	\
	 ((__u64)((gen) & RF_REF_GEN_MASK) << RF_REF_GEN_SHIFT) |	\
	 ((__u64)(idx) & RF_REF_INDEX_MASK))
#define RF_REF_INDEX(ref)	((__u32)(ref) & RF_REF_INDEX_MASK)
#define RF_REF_GEN(ref)		((__u32)((__u64)(ref) >> RF_REF_GEN_SHIFT) & RF_REF_GEN_MASK)
#define RF_REF_TAG(ref)		((__u32)((__u64)(ref) >> RF_REF_TAG_SHIFT) & RF_REF_TAG_MASK)
#define RF_ARG_RECORD		0
#define RF_ARG_PAYLOAD		1

/*
 * user_data of each SQE of a chain: bit 63 marks the SDK's own requests, then the
 * chain slot of the ring and the stage number. Completions without bit 63 belong
 * to requests the program submitted itself on the ring (rf_ring_set_cqe_handler()).
 */
#define RF_STAGE_BITS		8
#define RF_UDATA_SDK		(1ULL << 63)
#define RF_UDATA(chain, stage)	\
	(RF_UDATA_SDK | ((__u64)(chain) << RF_STAGE_BITS) | (__u8)(stage))
#define RF_UDATA_IS_SDK(ud)	(((ud) & RF_UDATA_SDK) != 0)
#define RF_UDATA_STAGE(ud)	((__u32)((ud) & ((1U << RF_STAGE_BITS) - 1)))
#define RF_UDATA_CHAIN(ud)	(((__u64)(ud) & ~RF_UDATA_SDK) >> RF_STAGE_BITS)

#endif /* RINGFLOW_LAYOUT_H */
