// SPDX-License-Identifier: MIT
/*
 * What every seed of a fuzzing process shares: the test ops (kt_ops.bpf.c, loaded
 * twice: the second copy's op_min is the link the chaos thread detaches), the
 * memory chains read and write, the files, and the process-wide measures (VmPin,
 * memlock) the oracle compares against their start values.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fuzz.h"

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void pattern(unsigned char *p, size_t n, unsigned int salt)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131) ^ (i >> 8) ^ salt);
}

static int tmpfile_fd(void)
{
	char path[] = "/tmp/rf-fuzz.XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

/*
 * Without CAP_IPC_LOCK, user buffers are charged to RLIMIT_MEMLOCK: drop it so
 * the fuzzer can check that nothing stays charged (fz_memlock_free). The rest of
 * root's capabilities stay: detaching and re-attaching links needs bpf().
 */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { FZ_MEMLOCK, FZ_MEMLOCK };

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[0].effective &= ~(1U << CAP_IPC_LOCK);
	d[0].permitted &= ~(1U << CAP_IPC_LOCK);
	d[0].inheritable &= ~(1U << CAP_IPC_LOCK);
	if (syscall(SYS_capset, &h, d))
		return -errno;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return -errno;
	return 0;
}

int fz_env_init(struct fz_env *env, bool charge_memlock)
{
	int ret;

	memset(env, 0, sizeof(*env));
	pthread_mutex_init(&env->det_lock, NULL);
	libbpf_set_print(quiet_libbpf);
	env->skel = kt_ops__open_and_load();
	env->skel2 = kt_ops__open_and_load();
	if (!env->skel || !env->skel2) {
		fprintf(stderr, "fuzz: loading kt_ops.bpf.c failed: %s\n", strerror(errno));
		return -1;
	}
	env->link_main = bpf_map__attach_struct_ops(env->skel->maps.op_main);
	env->link_min = bpf_map__attach_struct_ops(env->skel->maps.op_min);
	env->link_det = bpf_map__attach_struct_ops(env->skel2->maps.op_min);
	if (!env->link_main || !env->link_min || !env->link_det) {
		fprintf(stderr, "fuzz: attaching the ops failed: %s\n", strerror(errno));
		return -1;
	}
	env->in = malloc(FZ_IN_LEN);
	env->out_model = calloc(1, FZ_OUT_LEN);
	env->arena = map_anon(FZ_ARENA_LEN);
	env->arena_model = malloc(FZ_ARENA_LEN);
	env->fixed = map_anon(FZ_FIXED_LEN);
	env->fixed_model = malloc(FZ_FIXED_LEN);
	env->chaos_a = map_anon(65536);
	env->ro = map_anon(65536);
	env->hole = map_anon(3UL * 4096);
	env->big = map_anon(FZ_BIG_LEN);
	if (!env->in || !env->out_model || !env->arena || !env->arena_model || !env->fixed ||
	    !env->fixed_model || !env->chaos_a || !env->ro || !env->hole ||
	    !env->big) {
		fprintf(stderr, "fuzz: out of memory\n");
		return -1;
	}
	/*
	 * A page no access reaches: PROT_NONE rather than unmapped, which a later
	 * mmap() (a ring, a buffer) could fill. Truly unmapped: FZ_UNMAPPED.
	 */
	env->hole += 4096;
	mprotect(env->hole, 4096, PROT_NONE);
	pattern(env->in, FZ_IN_LEN, 0x5a);
	pattern(env->chaos_a, 65536, 0x33);
	pattern(env->ro, 65536, 0x77);
	mprotect(env->ro, 65536, PROT_READ);
	env->fd_in = tmpfile_fd();
	env->fd_out = tmpfile_fd();
	if (env->fd_in < 0 || env->fd_out < 0 || pipe(env->pipe) ||
	    pwrite(env->fd_in, env->in, FZ_IN_LEN, 0) != (ssize_t)FZ_IN_LEN ||
	    ftruncate(env->fd_out, FZ_OUT_LEN)) {
		fprintf(stderr, "fuzz: files in /tmp: %s\n", strerror(errno));
		return -1;
	}
	if (charge_memlock) {
		ret = drop_ipc_lock();
		if (ret) {
			fprintf(stderr, "fuzz: dropping CAP_IPC_LOCK: %s\n", strerror(-ret));
			return -1;
		}
		env->memlock_charged = true;
	}
	env->vmpin_start = fz_status_kb("VmPin:");
	return 0;
}

void fz_env_fini(struct fz_env *env)
{
	bpf_link__destroy(env->link_main);
	bpf_link__destroy(env->link_min);
	bpf_link__destroy(env->link_det);
	kt_ops__destroy(env->skel);
	kt_ops__destroy(env->skel2);
	close(env->fd_in);
	close(env->fd_out);
	close(env->pipe[0]);
	close(env->pipe[1]);
	free(env->in);
	free(env->out_model);
	free(env->arena_model);
	free(env->fixed_model);
	munmap(env->arena, FZ_ARENA_LEN);
	munmap(env->fixed, FZ_FIXED_LEN);
	munmap(env->chaos_a, 65536);
	munmap(env->ro, 65536);
	munmap(env->hole - 4096, 3UL * 4096);
	munmap(env->big, FZ_BIG_LEN);
	pthread_mutex_destroy(&env->det_lock);
}

static long file_kb(const char *path, const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field))) {
			v = strtol(line + strlen(field), NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

long fz_status_kb(const char *field)
{
	return file_kb("/proc/self/status", field);
}

long fz_meminfo_kb(const char *field)
{
	return file_kb("/proc/meminfo", field);
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Ring exit unpins from a worker: give it up to 60 s (the debug kernel is slow). */
bool fz_wait_vmpin(struct fz_env *env, long *now)
{
	for (int i = 0; i < 6000; i++) {
		*now = fz_status_kb("VmPin:");
		if (*now == env->vmpin_start)
			return true;
		nap_ms(10);
	}
	return false;
}

/*
 * Registering one buffer of exactly RLIMIT_MEMLOCK succeeds only when nothing else
 * of this user is charged: the proof that no request left memlock behind. Retries
 * while rings still exit. Returns 0, or the last error.
 */
int fz_memlock_free(struct fz_env *env)
{
	struct io_uring r;
	struct iovec iov;
	int ret = 0;
	void *p;

	if (!env->memlock_charged)
		return 0;
	p = map_anon(FZ_MEMLOCK);
	if (!p)
		return -ENOMEM;
	iov.iov_base = p;
	iov.iov_len = FZ_MEMLOCK;
	ret = io_uring_queue_init(4, &r, 0);
	if (ret)
		goto out;
	for (int i = 0; i < 600; i++) {
		ret = io_uring_register_buffers(&r, &iov, 1);
		if (ret != -ENOMEM)
			break;
		nap_ms(100);
	}
	if (!ret)
		io_uring_unregister_buffers(&r);
	io_uring_queue_exit(&r);
out:
	munmap(p, FZ_MEMLOCK);
	return ret;
}

/* Destroy the (maybe detached) chaos link and attach op_min of skel2 again. */
int fz_det_reattach(struct fz_env *env)
{
	struct bpf_link *l;

	bpf_link__destroy(env->link_det);
	env->link_det = NULL;
	l = bpf_map__attach_struct_ops(env->skel2->maps.op_min);
	if (!l)
		return -errno;
	env->link_det = l;
	return 0;
}

int fz_bind(int ring_fd, unsigned int slot, int link_fd, unsigned int flags)
{
	struct io_uring_bpf_bind b = { .slot = slot, .link_fd = link_fd, .flags = flags };
	long ret = syscall(__NR_io_uring_register, ring_fd, IORING_REGISTER_BPF_OP, &b, 1);

	return ret < 0 ? -errno : (int)ret;
}

int fz_unbind(int ring_fd, unsigned int slot)
{
	struct io_uring_bpf_bind b = { .slot = slot, .link_fd = -1 };
	long ret = syscall(__NR_io_uring_register, ring_fd, IORING_UNREGISTER_BPF_OP, &b, 1);

	return ret < 0 ? -errno : (int)ret;
}

/* CRC32C (Castagnoli), bitwise: the reference for the op's crc32c kfunc. */
uint32_t fz_crc32c(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	uint32_t crc = ~0U;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = (c >> 1) ^ (0x82f63b78U & (0U - (c & 1)));
			table[i] = c;
		}
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/*
 * An SQE, waiting for the SQPOLL thread where it has not yet moved the SQ head
 * past requests it already completed (it advances the head after its batch).
 */
struct io_uring_sqe *fz_get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;

	for (int i = 0; i < 100000; i++) {
		sqe = io_uring_get_sqe(ring);
		if (sqe || !(ring->flags & IORING_SETUP_SQPOLL))
			return sqe;
		io_uring_sqring_wait(ring);
	}
	return NULL;
}
