// SPDX-License-Identifier: MIT
/* The guest kernel: ringflow release, BTF, struct_ops and a working io_uring. */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <liburing.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

Test(ground, runs_the_ringflow_kernel)
{
	struct utsname u;

	cr_assert_eq(uname(&u), 0);
	cr_assert_not_null(strstr(u.release, "-ringflow"), "release %s", u.release);
	cr_assert_eq(strncmp(u.release, "6.12.", 5), 0, "release %s", u.release);
}

Test(ground, has_kernel_btf)
{
	struct btf *btf = btf__load_vmlinux_btf();

	cr_assert_not_null(btf, "no /sys/kernel/btf/vmlinux");
	cr_assert_gt(btf__type_cnt(btf), 1000);
	cr_assert_gt(btf__find_by_name_kind(btf, "io_ring_ctx", BTF_KIND_STRUCT), 0);
	btf__free(btf);
}

Test(ground, supports_struct_ops)
{
	cr_assert_eq(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_STRUCT_OPS, NULL), 1);
	cr_assert_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_STRUCT_OPS, NULL), 1);
	cr_assert_eq(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_ARRAY, NULL), 1);
}

Test(ground, runs_io_uring)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;

	cr_assert_eq(io_uring_queue_init(8, &ring, 0), 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 42;
	cr_assert_eq(io_uring_submit(&ring), 1);
	cr_assert_eq(io_uring_wait_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 42);
	cr_assert_eq(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}
