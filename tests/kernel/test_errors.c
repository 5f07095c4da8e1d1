// SPDX-License-Identifier: MIT
/* Every bad input of the UAPI gets its documented errno. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "kt.h"
#include "kt_bad_noissue.skel.h"
#include "kt_bad_sleepable.skel.h"
#include "kt_bad_write.skel.h"
#include "kt_bad_nolink.skel.h"
#include "kt_bad_foreign.skel.h"

KT_SUITE(errors, 64, KT_BIND_MAIN, 60);

/* A BPF SQE for slot 0 that would succeed, to be spoiled by each test. */
static struct io_uring_sqe *good_sqe(const struct io_uring_bpf_buf *b, unsigned int nr)
{
	return kt_prep_bpf(&ring, 0, KT_MODE_RESULT, b, nr, 5, 0, 99);
}

static int32_t submit1(void)
{
	struct kt_cqe c;

	kt_submit_wait(&ring, 1, &c);
	return c.res;
}

static int32_t run_bufs(const struct io_uring_bpf_buf *b, unsigned int nr)
{
	good_sqe(b, nr);
	return submit1();
}

Test(errors, good_sqe_succeeds)
{
	char x[8];
	struct io_uring_bpf_buf b = kt_ubuf(x, 8);

	cr_assert_eq(run_bufs(&b, 1), 5);
}

Test(errors, slot_out_of_range)
{
	cr_assert_eq(kt_run(&ring, IORING_BPF_MAX_OPS, 0, NULL, 0, 1, 0), -ERANGE);
	cr_assert_eq(kt_run(&ring, 255, 0, NULL, 0, 1, 0), -ERANGE);
}

Test(errors, unbound_slot)
{
	cr_assert_eq(kt_run(&ring, 1, 0, NULL, 0, 1, 0), -ENOENT);
	cr_assert_eq(kt_run(&ring, IORING_BPF_MAX_OPS - 1, 0, NULL, 0, 1, 0), -ENOENT);
}

Test(errors, unbound_slot_on_a_fresh_ring)
{
	struct io_uring r2;

	kt_ring(&r2, 4);
	cr_assert_eq(kt_run(&r2, 0, 0, NULL, 0, 1, 0), -ENOENT);
	io_uring_queue_exit(&r2);
}

Test(errors, reserved_sqe_fields)
{
	struct io_uring_sqe *sqe;

	sqe = good_sqe(NULL, 0);
	sqe->ioprio = 1;
	cr_assert_eq(submit1(), -EINVAL);
	sqe = good_sqe(NULL, 0);
	sqe->buf_index = 1;
	cr_assert_eq(submit1(), -EINVAL);
	sqe = good_sqe(NULL, 0);
	sqe->file_index = 1;
	cr_assert_eq(submit1(), -EINVAL);
	sqe = good_sqe(NULL, 0);
	sqe->__pad2[0] = 1;
	cr_assert_eq(submit1(), -EINVAL);
	/* the fd is ignored */
	sqe = good_sqe(NULL, 0);
	sqe->fd = 12345;
	cr_assert_eq(submit1(), 5);
}

Test(errors, addr_without_len_and_len_without_addr)
{
	struct io_uring_sqe *sqe;
	char x[8];

	sqe = good_sqe(NULL, 0);
	sqe->addr = (uintptr_t)x;
	cr_assert_eq(submit1(), -EINVAL);
	sqe = good_sqe(NULL, 0);
	sqe->len = 1;
	cr_assert_eq(submit1(), -EINVAL);
}

Test(errors, too_many_descriptors)
{
	char x[8];
	struct io_uring_bpf_buf b[IORING_BPF_MAX_BUFS + 1];

	for (int i = 0; i <= IORING_BPF_MAX_BUFS; i++)
		b[i] = kt_ubuf(x, 8);
	cr_assert_eq(run_bufs(b, IORING_BPF_MAX_BUFS), 5);
	cr_assert_eq(run_bufs(b, IORING_BPF_MAX_BUFS + 1), -E2BIG);
}

Test(errors, unreadable_descriptor_array)
{
	struct io_uring_sqe *sqe;
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	sqe = good_sqe(NULL, 0);
	sqe->addr = (uintptr_t)p;
	sqe->len = 1;
	cr_assert_eq(submit1(), -EFAULT);
	sqe = good_sqe(NULL, 0);
	sqe->addr = 0xffff888000000000ULL;
	sqe->len = 1;
	cr_assert_eq(submit1(), -EFAULT);
	munmap(p, 4096);
}

Test(errors, bad_descriptor_type_and_reserved)
{
	char x[8];
	struct io_uring_bpf_buf b = kt_ubuf(x, 8);

	b.type = 0;
	cr_assert_eq(run_bufs(&b, 1), -EINVAL);
	b.type = 3;
	cr_assert_eq(run_bufs(&b, 1), -EINVAL);
	b = kt_ubuf(x, 8);
	b.flags = 2;	/* only IORING_BPF_BUF_RDONLY is defined */
	cr_assert_eq(run_bufs(&b, 1), -EINVAL);
	/* buf_index is reserved for user buffers */
	b = kt_ubuf(x, 8);
	b.buf_index = 1;
	cr_assert_eq(run_bufs(&b, 1), -EINVAL);
}

Test(errors, user_buffer_too_long)
{
	struct io_uring_bpf_buf b;
	size_t n = IORING_BPF_MAX_BUF_LEN + 4096;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	b = kt_ubuf(p, IORING_BPF_MAX_BUF_LEN);
	cr_assert_eq(run_bufs(&b, 1), 5);
	b = kt_ubuf(p, IORING_BPF_MAX_BUF_LEN + 1);
	cr_assert_eq(run_bufs(&b, 1), -E2BIG);
	munmap(p, n);
}

Test(errors, buffer_length_overflow)
{
	struct io_uring_bpf_buf b = kt_ubuf(NULL, 100);

	b.addr = ~0ULL - 10;
	cr_assert_eq(run_bufs(&b, 1), -EOVERFLOW);
	b.type = IORING_BPF_BUF_FIXED;
	cr_assert_eq(run_bufs(&b, 1), -EOVERFLOW);
}

Test(errors, null_kernel_unmapped_readonly_user_buffers)
{
	struct io_uring_bpf_buf b;
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(gone, 4096);
	b = kt_ubuf(NULL, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "NULL");
	b = kt_ubuf(NULL, 0);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "NULL, empty");
	b = kt_ubuf((void *)0xffff888000000000ULL, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "kernel");
	b = kt_ubuf((void *)0x00007ffffffff000ULL, 8192);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "crosses into kernel space");
	b = kt_ubuf(gone, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "unmapped");
	b = kt_ubuf(ro, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "read-only, not marked IORING_BPF_BUF_RDONLY");
	munmap(ro, 4096);
}

Test(errors, partially_unmapped_user_buffer)
{
	char *p = mmap(NULL, (size_t)3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring_bpf_buf b;

	munmap(p + 4096, 4096);
	b = kt_ubuf(p, 3 * 4096);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT);
	/* a later bad descriptor releases the pages of the earlier good ones */
	{
		struct io_uring_bpf_buf bb[2] = { kt_ubuf(p, 4096), kt_ubuf(p + 4096, 8) };

		cr_assert_eq(run_bufs(bb, 2), -EFAULT);
	}
	munmap(p, (size_t)3 * 4096);
}

Test(errors, fixed_buffer_index_and_range)
{
	char *reg = malloc(8192);
	struct iovec iov = { reg, 8192 };
	struct io_uring_bpf_buf b;

	/* no registered buffers at all */
	b = kt_fbuf(0, reg, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT);
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	b = kt_fbuf(0, reg, 8192);
	cr_assert_eq(run_bufs(&b, 1), 5);
	b = kt_fbuf(1, reg, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "index out of range");
	b = kt_fbuf(0, reg + 1, 8192);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "ends past the buffer");
	b = kt_fbuf(0, reg - 1, 8);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "starts before the buffer");
	b = kt_fbuf(0, NULL, 0);
	cr_assert_eq(run_bufs(&b, 1), -EFAULT, "NULL");
	free(reg);
}

Test(errors, bind_arguments)
{
	struct io_uring_bpf_bind b = { .slot = 2, .link_fd = kt_main_fd(&k) };
	int pipefd[2];

	b.flags = 2;	/* only IORING_BPF_BIND_KERNEL_NOP is defined */
	cr_assert_eq(kt_bind_raw(ring.ring_fd, &b, 1), -EINVAL, "flags");
	b.flags = 0;
	b.resv = 1;
	cr_assert_eq(kt_bind_raw(ring.ring_fd, &b, 1), -EINVAL, "resv");
	b.resv = 0;
	cr_assert_eq(kt_bind_raw(ring.ring_fd, &b, 2), -EINVAL, "nr_args");
	cr_assert_eq(kt_bind_raw(ring.ring_fd, NULL, 1), -EINVAL, "NULL arg");
	cr_assert_eq(kt_bind_raw(ring.ring_fd, (void *)8, 1), -EFAULT, "bad arg pointer");
	cr_assert_eq(kt_bind(ring.ring_fd, IORING_BPF_MAX_OPS, kt_main_fd(&k)), -ERANGE);
	cr_assert_eq(kt_bind(ring.ring_fd, ~0U, kt_main_fd(&k)), -ERANGE);
	cr_assert_eq(kt_bind(ring.ring_fd, 0, kt_main_fd(&k)), -EBUSY, "slot 0 is taken");
	cr_assert_eq(kt_bind(ring.ring_fd, 2, -1), -EBADF);
	cr_assert_eq(kt_bind(ring.ring_fd, 2, 999), -EBADF);
	cr_assert_eq(pipe(pipefd), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 2, pipefd[0]), -EINVAL, "not a link");
	/* a struct_ops map fd is not a link */
	cr_assert_eq(kt_bind(ring.ring_fd, 2, bpf_map__fd(k.skel->maps.op_main)), -EINVAL);
	/* an unbound slot stays free after all that */
	cr_assert_eq(kt_bind(ring.ring_fd, 2, kt_main_fd(&k)), 0);
	cr_assert_eq(kt_run(&ring, 2, KT_MODE_RESULT, NULL, 0, 8, 0), 8);
	close(pipefd[0]);
	close(pipefd[1]);
}

Test(errors, iopoll_rings_do_not_support_the_opcode)
{
	struct io_uring r;
	struct kt_cqe c;

	kt_ring_flags(&r, 8, IORING_SETUP_IOPOLL);
	cr_assert_eq(kt_bind(r.ring_fd, 0, kt_main_fd(&k)), 0);
	kt_prep_bpf(&r, 0, KT_MODE_RESULT, NULL, 0, 5, 0, 1);
	kt_submit_wait(&r, 1, &c);
	cr_assert_eq(c.res, -EINVAL);
	cr_assert_eq(kt_stat(&k, 1).n[KT_CB_PREP], 0, "no program ran");
	io_uring_queue_exit(&r);
}

Test(errors, fixed_buffer_longer_than_the_limit)
{
	size_t n = IORING_BPF_MAX_BUF_LEN + 4096;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov = { p, n };
	struct io_uring_bpf_buf b;

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(io_uring_register_buffers(&ring, &iov, 1), 0);
	b = kt_fbuf(0, p, IORING_BPF_MAX_BUF_LEN);
	cr_assert_eq(run_bufs(&b, 1), 5);
	b = kt_fbuf(0, p, IORING_BPF_MAX_BUF_LEN + 1);
	cr_assert_eq(run_bufs(&b, 1), -E2BIG);
	cr_assert_eq(io_uring_unregister_buffers(&ring), 0);
	munmap(p, n);
}

Test(errors, bind_a_detached_link)
{
	int fd = kt_min_fd(&k);

	cr_assert_eq(bpf_link__detach(k.link_min), 0);
	cr_assert_eq(kt_bind(ring.ring_fd, 3, fd), -EINVAL);
}

Test(errors, unbind_arguments)
{
	struct io_uring_bpf_bind b = { .slot = 0, .flags = 1 };
	long ret;

	cr_assert_eq(kt_unbind(ring.ring_fd, 5), -ENOENT);
	cr_assert_eq(kt_unbind(ring.ring_fd, IORING_BPF_MAX_OPS), -ERANGE);
	ret = syscall(__NR_io_uring_register, ring.ring_fd, IORING_UNREGISTER_BPF_OP, &b, 1);
	cr_assert_eq(ret < 0 ? -errno : ret, -EINVAL);
	cr_assert_eq(kt_unbind(ring.ring_fd, 0), 0);
	cr_assert_eq(kt_unbind(ring.ring_fd, 0), -ENOENT);
}

Test(errors, struct_ops_without_issue_is_rejected)
{
	struct kt_bad_noissue *s = kt_bad_noissue__open_and_load();
	struct bpf_link *l;

	/* validated when the map is registered, i.e. at attach: it loads */
	cr_assert_not_null(s, "loading kt_bad_noissue failed: errno %d", errno);
	l = bpf_map__attach_struct_ops(s->maps.op_noissue);
	cr_assert_null(l, "an op without issue attached");
	cr_assert_eq(errno, EINVAL, "errno %d", errno);
	kt_bad_noissue__destroy(s);
}

Test(errors, sleepable_programs_are_rejected)
{
	struct kt_bad_sleepable *s = kt_bad_sleepable__open_and_load();

	cr_assert_null(s, "a sleepable op loaded");
}

Test(errors, writes_outside_pdu_are_rejected)
{
	struct kt_bad_write *s = kt_bad_write__open_and_load();

	cr_assert_null(s, "an op writing ctx->user_data loaded");
}

static char load_log[16384];

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t used = strlen(load_log);

	(void)level;
	if (used < sizeof(load_log) - 1)
		vsnprintf(load_log + used, sizeof(load_log) - used, fmt, ap);
	return 0;
}

Test(errors, other_struct_ops_types_do_not_get_the_kfuncs)
{
	libbpf_print_fn_t old = libbpf_set_print(capture);
	struct kt_bad_foreign *s;

	load_log[0] = '\0';
	s = kt_bad_foreign__open_and_load();
	libbpf_set_print(old);
	cr_assert_null(s, "a bpf_dummy_ops program calling bpf_io_set_result loaded");
	cr_assert_not_null(strstr(load_log, "calling kernel function bpf_io_set_result is not allowed"),
			   "%s", load_log);
}

Test(errors, ops_attach_only_through_links)
{
	struct kt_bad_nolink *s = kt_bad_nolink__open_and_load();
	struct bpf_link *l;

	/* the map loads, registering it without a link fails */
	cr_assert_not_null(s, "loading kt_bad_nolink failed: errno %d", errno);
	l = bpf_map__attach_struct_ops(s->maps.op_nolink);
	cr_assert_null(l, "a struct_ops map without BPF_F_LINK attached");
	cr_assert_eq(errno, EOPNOTSUPP, "errno %d", errno);
	kt_bad_nolink__destroy(s);
}
