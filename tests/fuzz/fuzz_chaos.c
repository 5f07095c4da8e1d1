// SPDX-License-Identifier: MIT
/*
 * What happens beside the requests: the chaos slot bound, unbound and rebound,
 * its link detached and attached again, registered buffer 2 updated (from a
 * thread, or between submission and reaping on DEFER_TASKRUN rings, whose
 * registrations only their submitter may make); and rings closed or processes
 * killed with requests in flight. Their requests have no CQE to check: the
 * callback counts, VmPin and memlock checks at the end of the seed cover them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "fuzz.h"

struct fz_chaos {
	struct fz_seed *s;
	struct fz_rng rng;
	pthread_t thread;
	bool own_thread;
	atomic_bool stop;
};

static void nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

void fz_chaos_step(struct fz_chaos *c)
{
	struct fz_seed *s = c->s;
	struct fz_env *env = s->env;
	int fd = s->ring.ring_fd, ret;

	switch (fz_below(&c->rng, 8)) {
	case 0:
	case 1:
		ret = fz_unbind(fd, FZ_SLOT_CHAOS);
		if (ret && ret != -ENOENT)
			fz_violation(s, NULL, "unbinding the chaos slot: %d", ret);
		break;
	case 2:
	case 3: {
		unsigned int which = fz_below(&c->rng, 4), flags = 0;
		int link = -1;

		pthread_mutex_lock(&env->det_lock);
		if (which == 0)
			link = bpf_link__fd(env->link_main);
		else if (which == 1)
			link = bpf_link__fd(env->link_min);
		else if (which == 2 && env->link_det)
			link = bpf_link__fd(env->link_det);
		else
			flags = IORING_BPF_BIND_KERNEL_NOP;
		ret = fz_bind(fd, FZ_SLOT_CHAOS, link, flags);
		pthread_mutex_unlock(&env->det_lock);
		/* a detached link cannot be bound: -EINVAL (uapi.h: not an attached link) */
		if (ret && ret != -EBUSY && !(which == 2 && (ret == -EINVAL || ret == -ENOLINK)))
			fz_violation(s, NULL, "binding op %u into the chaos slot: %d", which, ret);
		break;
	}
	case 4:
		/* detach the op bound (maybe) in the chaos slot; attach a fresh link later */
		pthread_mutex_lock(&env->det_lock);
		if (env->link_det && fz_one_in(&c->rng, 2)) {
			bpf_link__detach(env->link_det);
		} else if (!env->reattach_broken) {
			ret = fz_det_reattach(env);
			if (ret) {
				env->reattach_broken = true;
				fprintf(stderr, "fuzz: attaching op_min again failed (%d): "
					"no more detaching this run\n", ret);
			}
		}
		pthread_mutex_unlock(&env->det_lock);
		break;
	default: {
		/* registered buffer 2: all 64 KiB, the first 32 KiB, or none */
		static const size_t lens[] = { 65536, 32768, 0 };
		size_t len = lens[fz_below(&c->rng, 3)];
		struct iovec iov = { len ? env->chaos_a : NULL, len };
		__u64 tag = 0;

		ret = io_uring_register_buffers_update_tag(&s->ring, FZ_FIXED_CHAOS, &iov, &tag, 1);
		if (ret != 1)
			fz_violation(s, NULL, "updating registered buffer 2: %d", ret);
		break;
	}
	}
	s->st->chaos++;
}

static void *chaos_thread(void *arg)
{
	struct fz_chaos *c = arg;

	while (!atomic_load(&c->stop)) {
		fz_chaos_step(c);
		nap_us(fz_below(&c->rng, 100));
	}
	return NULL;
}

struct fz_chaos *fz_chaos_start(struct fz_seed *s, bool own_thread)
{
	struct fz_chaos *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->s = s;
	c->rng.s = s->seed ^ 0xc4a05c4a05ULL;
	c->own_thread = own_thread;
	atomic_init(&c->stop, false);
	if (own_thread && pthread_create(&c->thread, NULL, chaos_thread, c))
		c->own_thread = false;
	return c;
}

void fz_chaos_stop(struct fz_chaos *c)
{
	if (!c)
		return;
	atomic_store(&c->stop, true);
	if (c->own_thread)
		pthread_join(c->thread, NULL);
	free(c);
}

/*
 * A ring with chains blocked behind reads of an empty pipe (prepped, holding
 * their op and pinned buffers), async requests and requests done already. mem:
 * 17 pages, descriptors in the first. Returns requests queued or -errno.
 */
static int busy_ring(struct fz_env *env, struct fz_rng *rng, struct io_uring *r, int pipe_rd,
		     unsigned char *mem, const char **kind)
{
	static const unsigned int flags[] = { 0, IORING_SETUP_SQPOLL,
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
	static const char *const kinds[] = { "plain", "sqpoll", "defer_taskrun" };
	struct io_uring_bpf_buf *d = (struct io_uring_bpf_buf *)mem;
	static char pipebuf[16];
	unsigned int k = fz_below(rng, 3);
	int ret, n = 0;

	*kind = kinds[k];
	ret = io_uring_queue_init(64, r, flags[k]);
	if (ret)
		return ret;
	ret = fz_bind(r->ring_fd, 0, bpf_link__fd(env->link_main), 0);
	if (ret) {
		io_uring_queue_exit(r);
		return ret;
	}
	/* descriptors at the start of mem, each over 4 KiB of the rest */
	for (int i = 0; i < 16; i++) {
		d[i].type = IORING_BPF_BUF_USER;
		d[i].len = 4096;
		d[i].addr = (uint64_t)(uintptr_t)(mem + 4096UL * (unsigned int)(i + 1));
	}
	for (int i = 0; i < 16; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(r);

		if (!sqe)
			break;
		if (i % 3 == 0) {
			io_uring_prep_read(sqe, pipe_rd, pipebuf + i, 1, 0);
			sqe->flags |= IOSQE_IO_LINK;
			sqe = io_uring_get_sqe(r);
			if (!sqe)
				break;
		}
		io_uring_prep_rw(IORING_OP_BPF, sqe, -1, &d[i], 1, (uint8_t)fz_next(rng));
		sqe->rw_flags = (int)IORING_BPF_OP_FLAGS(0, KT_MODE_XOR | KT_FLAG_NOSTAT |
					(i & 1 ? KT_FLAG_TOUCH | KT_FLAG_MARK : 0));
		if (i % 4 == 1)
			sqe->flags |= IOSQE_ASYNC;
		n++;
	}
	ret = io_uring_submit(r);
	if (ret < 0) {
		io_uring_queue_exit(r);
		return ret;
	}
	return n;
}

void fz_kill_episode(struct fz_seed *s)
{
	int ready[2], p[2], status;
	size_t len = 17UL * 4096;
	pid_t pid;
	char x;

	if (pipe(ready) || pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		/* no malloc here: the chaos thread may have held its lock at fork() */
		struct fz_rng rng = { s->seed ^ 0x6b1116b111ULL };
		unsigned char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct io_uring r;

		if (mem == MAP_FAILED || busy_ring(s->env, &rng, &r, p[0], mem, &(const char *){ NULL }) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* keep the ring busy until killed */
		for (;;) {
			struct io_uring_cqe *cqe;

			while (io_uring_peek_cqe(&r, &cqe) == 0)
				io_uring_cqe_seen(&r, cqe);
			io_uring_submit(&r);
			nap_us(50);
		}
	}
	close(ready[1]);
	if (pid > 0) {
		if (read(ready[0], &x, 1) == 1)
			nap_us(fz_below(&s->rng, 3000));
		if (!s->quiet)
			printf("  killing a child with a busy ring\n");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			fz_violation(s, NULL, "the killed child exited with status 0x%x", status);
		s->st->kills++;
	}
	close(ready[0]);
	close(p[0]);
	close(p[1]);
}

void fz_close_episode(struct fz_seed *s)
{
	size_t len = 17UL * 4096;
	unsigned char *mem = calloc(1, len);
	const char *ring_kind = "";
	struct io_uring r;
	int p[2];

	if (!mem || pipe(p)) {
		free(mem);
		return;
	}
	if (busy_ring(s->env, &s->rng, &r, p[0], mem, &ring_kind) >= 0) {
		if (!s->quiet)
			printf("  closing a busy %s ring\n", ring_kind);
		s->st->closes++;
		io_uring_queue_exit(&r);
	}
	close(p[0]);
	close(p[1]);
	/*
	 * Ring exit finishes the requests asynchronously: mem may still be pinned
	 * (freeing it is fine, pages stay pinned). The seed's end checks VmPin, when
	 * the fuzzed ring's registered buffers are gone too.
	 */
	free(mem);
}
