/* SPDX-License-Identifier: MIT */
/*
 * Compatibility checks for BPF programs. Building against a vmlinux.h that lacks
 * the IORING_OP_BPF types fails in ringflow_bpf_skeleton() with a message (the
 * C compiler alone would only say "incomplete type"); at run time rf_probe() and
 * rf_load_skeleton() explain a kernel without them. Inside a program:
 *
 *	if (!rf_has_kfunc(bpf_io_steer_next))   // the __weak kfuncs of kfuncs.bpf.h
 *		return rf_fail(ctx, -EOPNOTSUPP, "this kernel cannot steer");
 */
#ifndef RINGFLOW_COMPAT_BPF_H
#define RINGFLOW_COMPAT_BPF_H

#define rf_has_kfunc(fn) bpf_ksym_exists(fn)

#endif /* RINGFLOW_COMPAT_BPF_H */
