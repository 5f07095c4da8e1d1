// SPDX-License-Identifier: MIT
/* The running kernel matches include/ringflow/uapi.h. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kt.h"

Test(uapi, feature_bit)
{
	cr_assert(kt_kernel_has_bpf(),
		  "the running kernel lacks IORING_FEAT_BPF: not the ringflow kernel, "
		  "or built without CONFIG_IO_URING_BPF_OP");
}

Test(uapi, opcode_is_probed_as_supported)
{
	struct io_uring_probe *probe = io_uring_get_probe();

	cr_assert_not_null(probe);
	cr_assert_geq(probe->last_op, IORING_OP_BPF, "last_op %u", probe->last_op);
	cr_assert(io_uring_opcode_supported(probe, IORING_OP_BPF));
	io_uring_free_probe(probe);
}

static const struct btf_type *find(struct btf *btf, const char *name, int kind, int *id)
{
	*id = btf__find_by_name_kind(btf, name, kind);
	cr_assert_gt(*id, 0, "%s not in the kernel's BTF", name);
	return btf__type_by_id(btf, *id);
}

static void member(struct btf *btf, const struct btf_type *t, const char *name, size_t off)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name) != 0)
			continue;
		cr_assert_eq(btf_member_bit_offset(t, i) / 8, off, "%s at %u, header says %zu",
			     name, btf_member_bit_offset(t, i) / 8, off);
		return;
	}
	cr_assert_fail("member %s missing", name);
}

Test(uapi, ctx_layout_matches_the_header)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	int id;

	cr_assert_not_null(btf);
	t = find(btf, "io_uring_bpf_req", BTF_KIND_STRUCT, &id);
	cr_assert_eq(t->size, sizeof(struct io_uring_bpf_req));
	member(btf, t, "user_data", offsetof(struct io_uring_bpf_req, user_data));
	member(btf, t, "args", offsetof(struct io_uring_bpf_req, args));
	member(btf, t, "op_flags", offsetof(struct io_uring_bpf_req, op_flags));
	member(btf, t, "nr_bufs", offsetof(struct io_uring_bpf_req, nr_bufs));
	member(btf, t, "buf_len", offsetof(struct io_uring_bpf_req, buf_len));
	member(btf, t, "pdu", offsetof(struct io_uring_bpf_req, pdu));
	t = find(btf, "io_uring_bpf_buf", BTF_KIND_STRUCT, &id);
	cr_assert_eq(t->size, 16);
	t = find(btf, "io_uring_bpf_bind", BTF_KIND_STRUCT, &id);
	cr_assert_eq(t->size, sizeof(struct io_uring_bpf_bind));
	t = find(btf, "io_uring_bpf_req_ops", BTF_KIND_STRUCT, &id);
	member(btf, t, "prep", 0);
	member(btf, t, "issue", 8);
	member(btf, t, "fail", 16);
	member(btf, t, "cleanup", 24);
	member(btf, t, "name", 32);
	find(btf, "bpf_io_set_result", BTF_KIND_FUNC, &id);
	find(btf, "bpf_io_buf_load", BTF_KIND_FUNC, &id);
	find(btf, "bpf_io_buf_store", BTF_KIND_FUNC, &id);
	find(btf, "bpf_io_buf_copy", BTF_KIND_FUNC, &id);
	btf__free(btf);
}

Test(uapi, pdu_is_at_least_40_bytes)
{
	cr_assert_geq(sizeof(((struct io_uring_bpf_req *)0)->pdu), 40);
}

/* The probe, the feature bit and the registration agree: all on, or all off. */
Test(uapi, probe_and_feature_bit_agree)
{
	struct io_uring_probe *probe = io_uring_get_probe();

	cr_assert_not_null(probe);
	cr_assert_eq(!!io_uring_opcode_supported(probe, IORING_OP_BPF), kt_kernel_has_bpf());
	io_uring_free_probe(probe);
}

/* IORING_BPF_BIND_KERNEL_NOP: the request path with no program. */
Test(uapi, kernel_nop_binding)
{
	struct io_uring_bpf_bind b = { .slot = 5, .link_fd = -1,
				       .flags = IORING_BPF_BIND_KERNEL_NOP };
	struct io_uring ring;

	kt_ring(&ring, 8);
	cr_assert_eq(kt_bind_raw(ring.ring_fd, &b, 1), 0);
	cr_assert_eq(kt_run(&ring, 5, 0, NULL, 0, 123, 0), 0);
	cr_assert_eq(kt_bind_raw(ring.ring_fd, &b, 1), -EBUSY);
	cr_assert_eq(kt_unbind(ring.ring_fd, 5), 0);
	cr_assert_eq(kt_run(&ring, 5, 0, NULL, 0, 123, 0), -ENOENT);
	io_uring_queue_exit(&ring);
}
