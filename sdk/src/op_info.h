/* SPDX-License-Identifier: MIT */
/* What the SDK learns about an op when it binds it (op_info.c). */
#ifndef RF_OP_INFO_H
#define RF_OP_INFO_H

#include <stdbool.h>
#include <linux/types.h>

struct btf;
struct btf_type;

#define RF_OP_NAME_LEN 16

struct rf_op_info {
	char	name[RF_OP_NAME_LEN];	/* "" when no op is bound */
	bool	maps_known;		/* false when the kernel did not tell */
	__u32	record_map;		/* id of the rf_records map its programs use, or 0 */
	__u32	payload_map;		/* id of the rf_payloads map, or 0 */
};

/*
 * Fills @info for the op of an attached struct_ops link: its name and the record
 * and payload maps its programs use (from the program ids the kernel keeps in the
 * op's struct_ops map). Looking programs and maps up by id needs CAP_SYS_ADMIN;
 * without it maps_known stays false. Never fails: what cannot be found stays unset.
 */
void rf_op_info_read(int link_fd, unsigned int slot, struct rf_op_info *info);

/*
 * Learns from the kernel's BTF (@ops: struct io_uring_bpf_req_ops) where an op's
 * struct_ops map value holds its callbacks' program ids; the kernel BTF check
 * (probe.c) calls it once. Until then, or when BTF does not tell, maps_known stays
 * false.
 */
void rf_op_info_read_layout(const struct btf *btf, const struct btf_type *ops);

#endif
