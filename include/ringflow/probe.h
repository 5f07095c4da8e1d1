/* SPDX-License-Identifier: MIT */
/* Does the running kernel have what ringflow needs? */
#ifndef RINGFLOW_PROBE_H
#define RINGFLOW_PROBE_H

/*
 * Checks that io_uring reports IORING_FEAT_BPF and that the kernel BTF describes
 * struct io_uring_bpf_req_ops and a struct io_uring_bpf_req matching this SDK's uapi.h.
 * Returns 0, or -EOPNOTSUPP (-ENOSYS, -EPERM when io_uring itself is unavailable)
 * with rf_errmsg() saying which check failed and how to run on the ringflow kernel.
 */
int rf_probe(void);

#endif /* RINGFLOW_PROBE_H */
