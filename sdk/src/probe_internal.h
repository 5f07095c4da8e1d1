/* SPDX-License-Identifier: MIT */
/* Probe pieces ring creation reuses (probe.c). */
#ifndef RF_PROBE_INTERNAL_H
#define RF_PROBE_INTERNAL_H

#include <linux/types.h>

/* 0 when features has IORING_FEAT_BPF, else -EOPNOTSUPP with a message. */
int rf_probe_features(__u32 features);
/* The message for a failed io_uring_setup(); returns err. */
int rf_probe_setup_error(int err);

/* The kernel BTF check of rf_probe(), done once per process. */
int rf_probe_btf_once(void);

/* Where an op's struct_ops map value holds the ids of its callback programs. */
#define RF_OPS_MAX_CALLBACKS 8
struct rf_ops_layout {
	__u32		value_size;
	unsigned int	nr_callbacks;
	__u32		prog_id_off[RF_OPS_MAX_CALLBACKS];
};

/* Read from the kernel BTF by the check above; NULL before it or if unknown. */
const struct rf_ops_layout *rf_probe_ops_layout(void);

#endif
