/* SPDX-License-Identifier: MIT */
/* Loading BPF skeletons with readable errors. */
#ifndef RINGFLOW_LOAD_H
#define RINGFLOW_LOAD_H

struct bpf_object_skeleton;

/*
 * Loads a skeleton (pass skel->skeleton) like <name>__load(), capturing libbpf's
 * output. On failure rf_errmsg() names the program that failed, the tail of its
 * verifier log and a hint for the usual causes (kernel without IORING_OP_BPF,
 * missing kfunc, vmlinux.h not from the running kernel); rf_load_log() has the
 * whole log.
 */
int rf_load_skeleton(struct bpf_object_skeleton *skeleton);

/* Everything libbpf printed during the last rf_load_skeleton() in this thread. */
const char *rf_load_log(void);

#endif /* RINGFLOW_LOAD_H */
