// SPDX-License-Identifier: MIT
/*
 * The privilege model: loading ops needs CAP_BPF and CAP_PERFMON; binding and
 * unbinding need only the ring fd and the link fd, whoever holds them (the
 * loader decides who may bind its op by handing out the link fd).
 */
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kt.h"

KT_SUITE(privilege, 64, KT_BIND_MAIN, 60);

/* Becomes nobody: no capability left. */
static void drop_privileges(void)
{
	if (setgid(65534) || setuid(65534))
		_exit(100);
}

/* Runs fn in a child that dropped its privileges; returns the child's exit code. */
static int as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		drop_privileges();
		_exit(fn());
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int bind_use_unbind(void)
{
	if (kt_bind(ring.ring_fd, 7, kt_main_fd(&k)))
		return 1;
	if (kt_run(&ring, 7, KT_MODE_RESULT, NULL, 0, 3, 0) != 3)
		return 2;
	if (kt_unbind(ring.ring_fd, 7))
		return 3;
	if (kt_run(&ring, 7, KT_MODE_RESULT, NULL, 0, 3, 0) != -ENOENT)
		return 4;
	return 0;
}

Test(privilege, holder_of_both_fds_binds_uses_and_unbinds)
{
	int rc = as_nobody(bind_use_unbind);

	cr_assert_eq(rc, 0, "child exit %d (1 bind, 2 run, 3 unbind, 4 run after unbind)", rc);
}

static int unbind_what_another_process_bound(void)
{
	/* slot 0 was bound by the parent: the ring's owner may empty any slot */
	if (kt_unbind(ring.ring_fd, 0))
		return 1;
	return kt_run(&ring, 0, KT_MODE_RESULT, NULL, 0, 3, 0) == -ENOENT ? 0 : 2;
}

Test(privilege, ring_owner_unbinds_an_op_bound_by_another_process)
{
	int rc = as_nobody(unbind_what_another_process_bound);

	cr_assert_eq(rc, 0, "child exit %d (1 unbind, 2 run after unbind)", rc);
}

static int own_ring(void)
{
	struct io_uring r;
	int ret;

	if (io_uring_queue_init(8, &r, 0))
		return 1;
	ret = kt_bind(r.ring_fd, 0, kt_main_fd(&k));
	if (ret)
		return 2;
	ret = kt_run(&r, 0, KT_MODE_RESULT, NULL, 0, 11, 0) == 11 ? 0 : 3;
	io_uring_queue_exit(&r);
	return ret;
}

Test(privilege, unprivileged_ring_binds_a_link_it_was_handed)
{
	int rc = as_nobody(own_ring);

	cr_assert_eq(rc, 0, "child exit %d (1 ring, 2 bind, 3 run)", rc);
}

static int load_ops(void)
{
	struct kt_ops *s = kt_ops__open_and_load();

	if (s) {
		kt_ops__destroy(s);
		return 1;
	}
	return errno == EPERM ? 0 : 2;
}

Test(privilege, loading_ops_needs_privilege)
{
	int rc = as_nobody(load_ops);

	cr_assert_eq(rc, 0, "child exit %d (1 loaded, 2 not EPERM)", rc);
}

static int bind_a_non_link(void)
{
	/* the fd is the authority: a map fd or an unrelated fd binds nothing */
	if (kt_bind(ring.ring_fd, 9, bpf_map__fd(k.skel->maps.op_main)) != -EINVAL)
		return 1;
	return kt_bind(ring.ring_fd, 9, 0) == -EINVAL ? 0 : 2;
}

Test(privilege, only_a_link_fd_binds)
{
	int rc = as_nobody(bind_a_non_link);

	cr_assert_eq(rc, 0, "child exit %d (1 map fd, 2 stdin)", rc);
}

static const char *pin = "/sys/fs/bpf/kt-privilege-link";

/* As nobody: open the pin and bind what it holds into slot 7; 0, or 10 + errno. */
static int bind_from_pin(void)
{
	int fd = bpf_obj_get(pin);

	if (fd < 0)
		return 10 + errno;
	return kt_bind(ring.ring_fd, 7, fd) == 0 ? 0 : 1;
}

/*
 * A struct_ops link's bpffs pin opens read-write only (BPF_F_RDONLY is -EINVAL),
 * so binding from a pin needs write permission on it: its mode and owner decide
 * who may bind the op (a 0444 pin binds for root only).
 */
Test(privilege, binding_from_a_pin_needs_write_permission_on_it)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	int rc;

	unlink(pin);
	cr_assert_eq(bpf_link__pin(k.link_main, pin), 0);
	cr_assert_eq(chmod(pin, 0444), 0);
	cr_assert_lt(bpf_obj_get_opts(pin, &ro), 0);
	cr_assert_eq(errno, EINVAL, "a read-only fd of a link: errno %d", errno);
	rc = as_nobody(bind_from_pin);
	cr_assert_eq(rc, 10 + EACCES, "nobody, 0444 pin: child exit %d", rc);
	cr_assert_eq(chmod(pin, 0666), 0);
	rc = as_nobody(bind_from_pin);
	cr_assert_eq(rc, 0, "nobody, 0666 pin: child exit %d (10 + errno: open)", rc);
	cr_assert_eq(kt_run(&ring, 7, KT_MODE_RESULT, NULL, 0, 4, 0), 4);
	cr_assert_eq(bpf_link__unpin(k.link_main), 0);
}
