// SPDX-License-Identifier: MIT
/*
 * Feature probe: the two things a kernel without the ringflow patches lacks are
 * IORING_FEAT_BPF in io_uring_setup()'s features and struct io_uring_bpf_req_ops in its
 * BTF. A ctx layout different from uapi.h means this SDK was built for another
 * version of the kernel interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <liburing.h>

#include <ringflow/error.h>
#include <ringflow/probe.h>
#include <ringflow/uapi.h>
#include "error_internal.h"
#include "op_info.h"
#include "probe_internal.h"

#define RUN_HINT "run on the ringflow kernel, see tools/vm-run"

static const char *kernel_release(void)
{
	static _Thread_local struct utsname uts;

	return uname(&uts) ? "?" : uts.release;
}

int rf_probe_features(__u32 features)
{
	if (features & IORING_FEAT_BPF)
		return 0;
	return rf_set_errmsg(-EOPNOTSUPP,
		       "kernel %s lacks IORING_OP_BPF (io_uring reports no IORING_FEAT_BPF): " RUN_HINT,
		       kernel_release());
}

int rf_probe_setup_error(int err)
{
	return rf_set_errmsg(err, "io_uring_setup failed: %s: io_uring is disabled or unavailable "
		       "on kernel %s; " RUN_HINT, strerror(-err), kernel_release());
}

static char rf_probe_msg[512];

static int probe_btf_uncached(void);

static int probe_btf(void)
{
	int err = probe_btf_uncached();

	if (err)
		snprintf(rf_probe_msg, sizeof(rf_probe_msg), "%s", rf_errmsg());
	return err;
}

static int probe_btf_uncached(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	int id, err = 0;

	if (!btf)
		return rf_set_errmsg(-EOPNOTSUPP, "kernel %s has no BTF (/sys/kernel/btf/vmlinux): "
			       RUN_HINT, kernel_release());
	id = btf__find_by_name_kind(btf, "io_uring_bpf_req_ops", BTF_KIND_STRUCT);
	if (id < 0) {
		err = rf_set_errmsg(-EOPNOTSUPP, "kernel %s lacks IORING_OP_BPF (no struct "
			      "io_uring_bpf_req_ops in its BTF): " RUN_HINT, kernel_release());
		goto out;
	}
	rf_op_info_read_layout(btf, btf__type_by_id(btf, id));
	id = btf__find_by_name_kind(btf, "io_uring_bpf_req", BTF_KIND_STRUCT);
	t = id < 0 ? NULL : btf__type_by_id(btf, id);
	if (!t || t->size != sizeof(struct io_uring_bpf_req))
		err = rf_set_errmsg(-EOPNOTSUPP, "kernel %s's struct io_uring_bpf_req (%u bytes) does "
			      "not match this SDK's uapi.h (%zu bytes): rebuild the SDK and "
			      "your BPF programs against this kernel", kernel_release(),
			      t ? t->size : 0, sizeof(struct io_uring_bpf_req));
out:
	btf__free(btf);
	return err;
}

/*
 * The BTF check, once per process: bit 16 of the features means IORING_FEAT_BPF
 * only on the ringflow kernel (kernels from 6.15 use it for IORING_FEAT_RW_ATTR),
 * so ring creation cannot trust it alone.
 */
int rf_probe_btf_once(void)
{
	static int result = 1;

	if (result > 0)
		result = probe_btf();
	else if (result < 0)
		rf_set_errmsg(result, "%s", rf_probe_msg);
	return result;
}

int rf_probe(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int err;

	memset(&p, 0, sizeof(p));
	err = io_uring_queue_init_params(2, &ring, &p);
	if (err)
		return rf_probe_setup_error(err);
	io_uring_queue_exit(&ring);
	err = rf_probe_features(p.features);
	return err ? err : rf_probe_btf_once();
}
