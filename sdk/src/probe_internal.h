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

#endif
