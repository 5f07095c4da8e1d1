/* SPDX-License-Identifier: MIT */
/*
 * The BPF side of ringflow: include this one header in a .bpf.c.
 *
 *	#include <ringflow.bpf.h>
 *
 * It pulls vmlinux.h of the ringflow kernel, libbpf's helpers, the shared layouts
 * (ringflow/layout.h), the kfuncs (and rf_has_kfunc()), op definition macros (RF_OPS, RF_CALLBACK),
 * typed records and payloads (RF_CHAIN_RECORD, RF_PAYLOAD, rf_fail) and helpers
 * over request buffers (ringflow/buf.bpf.h).
 */
#ifndef RINGFLOW_BPF_H
#define RINGFLOW_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <ringflow/layout.h>
#include <ringflow/errno.bpf.h>
#include <ringflow/kfuncs.bpf.h>
#include <ringflow/ops.bpf.h>
#include <ringflow/maps.bpf.h>
#include <ringflow/buf.bpf.h>

#endif /* RINGFLOW_BPF_H */
