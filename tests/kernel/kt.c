// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kt.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

bool kt_kernel_has_bpf(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	memset(&p, 0, sizeof(p));
	if (io_uring_queue_init_params(2, &ring, &p))
		return false;
	io_uring_queue_exit(&ring);
	return p.features & IORING_FEAT_BPF;
}

void kt_ring(struct io_uring *ring, unsigned int entries)
{
	kt_ring_flags(ring, entries, 0);
}

void kt_ring_flags(struct io_uring *ring, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	ret = io_uring_queue_init_params(entries, ring, &p);
	cr_assert_eq(ret, 0, "io_uring_queue_init: %s", strerror(-ret));
	cr_assert(p.features & IORING_FEAT_BPF,
		  "the running kernel lacks IORING_FEAT_BPF: not the ringflow kernel, "
		  "or built without CONFIG_IO_URING_BPF_OP");
}

void kt_load(struct kt *k)
{
	memset(k, 0, sizeof(*k));
	libbpf_set_print(libbpf_print);
	cr_assert(kt_kernel_has_bpf(),
		  "the running kernel lacks IORING_FEAT_BPF: not the ringflow kernel, "
		  "or built without CONFIG_IO_URING_BPF_OP");
	k->skel = kt_ops__open_and_load();
	cr_assert_not_null(k->skel, "loading kt_ops.bpf.c failed: %s", strerror(errno));
	k->link_main = bpf_map__attach_struct_ops(k->skel->maps.op_main);
	cr_assert_not_null(k->link_main, "attaching op_main: %s", strerror(errno));
	k->link_min = bpf_map__attach_struct_ops(k->skel->maps.op_min);
	cr_assert_not_null(k->link_min, "attaching op_min: %s", strerror(errno));
}

void kt_unload(struct kt *k)
{
	if (k->link_main)
		bpf_link__destroy(k->link_main);
	if (k->link_min)
		bpf_link__destroy(k->link_min);
	kt_ops__destroy(k->skel);
	memset(k, 0, sizeof(*k));
}

void kt_setup(struct kt *k, struct io_uring *ring, unsigned int entries, int bind)
{
	kt_load(k);
	kt_ring(ring, entries);
	if (bind & KT_BIND_MAIN)
		cr_assert_eq(kt_bind(ring->ring_fd, 0, kt_main_fd(k)), 0);
	if (bind & KT_BIND_MIN)
		cr_assert_eq(kt_bind(ring->ring_fd, 1, kt_min_fd(k)), 0);
}

void kt_teardown(struct kt *k, struct io_uring *ring)
{
	io_uring_queue_exit(ring);
	kt_unload(k);
}

int kt_main_fd(struct kt *k)
{
	return bpf_link__fd(k->link_main);
}

int kt_min_fd(struct kt *k)
{
	return bpf_link__fd(k->link_min);
}

int kt_bind_raw(int ring_fd, const struct io_uring_bpf_bind *b, unsigned int nr_args)
{
	long ret = syscall(__NR_io_uring_register, ring_fd, IORING_REGISTER_BPF_OP, b, nr_args);

	return ret < 0 ? -errno : (int)ret;
}

int kt_bind(int ring_fd, unsigned int slot, int link_fd)
{
	struct io_uring_bpf_bind b = { .slot = slot, .link_fd = link_fd };

	return kt_bind_raw(ring_fd, &b, 1);
}

int kt_unbind(int ring_fd, unsigned int slot)
{
	struct io_uring_bpf_bind b = { .slot = slot, .link_fd = -1 };
	long ret = syscall(__NR_io_uring_register, ring_fd, IORING_UNREGISTER_BPF_OP, &b, 1);

	return ret < 0 ? -errno : (int)ret;
}

struct io_uring_sqe *kt_prep_bpf(struct io_uring *ring, unsigned int slot,
				 unsigned int op_flags,
				 const struct io_uring_bpf_buf *bufs, unsigned int nr,
				 uint64_t arg0, uint64_t arg1, uint64_t user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	cr_assert_not_null(sqe, "SQ ring full");
	io_uring_prep_rw(IORING_OP_BPF, sqe, -1, bufs, nr, arg0);
	sqe->rw_flags = IORING_BPF_OP_FLAGS(slot, op_flags);
	sqe->addr3 = arg1;
	sqe->user_data = user_data;
	return sqe;
}

void kt_submit_wait(struct io_uring *ring, unsigned int n, struct kt_cqe *out)
{
	struct io_uring_cqe *cqe;
	unsigned int i;
	int ret;

	ret = io_uring_submit(ring);
	cr_assert_geq(ret, 0, "io_uring_submit: %s", strerror(-ret));
	for (i = 0; i < n; i++) {
		ret = io_uring_wait_cqe(ring, &cqe);
		cr_assert_eq(ret, 0, "io_uring_wait_cqe: %s", strerror(-ret));
		out[i].user_data = cqe->user_data;
		out[i].res = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
}

int32_t kt_res(const struct kt_cqe *c, unsigned int n, uint64_t user_data)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (c[i].user_data == user_data)
			return c[i].res;
	cr_assert_fail("no CQE with user_data %llu", (unsigned long long)user_data);
	return 0;
}

int32_t kt_run(struct io_uring *ring, unsigned int slot, unsigned int op_flags,
	       const struct io_uring_bpf_buf *bufs, unsigned int nr,
	       uint64_t arg0, uint64_t arg1)
{
	static uint64_t ud = 1u << 20;
	struct kt_cqe c;

	kt_prep_bpf(ring, slot, op_flags, bufs, nr, arg0, arg1, ++ud);
	kt_submit_wait(ring, 1, &c);
	cr_assert_eq(c.user_data, ud);
	return c.res;
}

struct kt_req_stat kt_stat(struct kt *k, uint64_t user_data)
{
	struct kt_req_stat st;

	memset(&st, 0, sizeof(st));
	bpf_map__lookup_elem(k->skel->maps.reqs, &user_data, sizeof(user_data),
			     &st, sizeof(st), 0);
	return st;
}

static void kt_nap(void)
{
	struct timespec ts = { 0, 2L * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

bool kt_wait_stat(struct kt *k, uint64_t user_data, int cb, unsigned long long count)
{
	int i;

	for (i = 0; i < 2500; i++) {
		if (kt_stat(k, user_data).n[cb] >= count)
			return kt_stat(k, user_data).n[cb] == count;
		kt_nap();
	}
	return false;
}

bool kt_wait_calls(struct kt *k, int cb, unsigned long long count)
{
	int i;

	for (i = 0; i < 2500; i++) {
		if (__atomic_load_n(&k->skel->bss->calls[cb], __ATOMIC_SEQ_CST) >= count)
			return k->skel->bss->calls[cb] == count;
		kt_nap();
	}
	return false;
}
