// SPDX-License-Identifier: MIT
/*
 * Raw SQE stages (any io_uring request in a chain, reported like the others) and
 * requests the program submits itself on the SDK's ring.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <ringflow/crc32c.h>
#include "fixture.h"

TestSuite(sqe, .init = fixture_setup, .fini = fixture_teardown);

Test(sqe, fsync_stage_between_write_and_read_back)
{
	enum { LEN = 4096 };
	static unsigned char out[LEN], back[LEN];
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	int fd = scratch_file();

	for (int i = 0; i < LEN; i++)
		out[i] = (unsigned char)(i * 13);
	rf_chain_write(c, fd, out, LEN, 0);
	io_uring_prep_fsync(rf_chain_sqe(c), fd, 0);
	rf_chain_read(c, fd, back, LEN, 0);
	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), back, LEN);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1, "%s", rf_errmsg());
	cr_assert_eq(r.status, 0, "%s", r.line);
	cr_assert_eq(r.res[1], 0, "fsync's result");
	cr_assert_eq(memcmp(back, out, LEN), 0);
	cr_assert_eq(r.rec.crc, rf_crc32c_mem(out, LEN), "the crc stage saw what was read back");
	close(fd);
}

Test(sqe, failing_raw_stage_is_reported_by_its_opcode)
{
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, NULL);

	rf_chain_nop(c);
	io_uring_prep_fsync(rf_chain_sqe(c), -1, 0);
	rf_chain_bpf(c, SLOT_NOP, 0);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	cr_assert_eq(r.status, -EBADF);
	cr_assert_eq(r.failed_stage, 1);
	cr_assert_str_eq(r.line, "failed at stage 1 (fsync): Bad file descriptor (EBADF); 1 other "
			 "stage cancelled");
}

Test(sqe, link_timeout_that_fires_stops_the_chain)
{
	struct __kernel_timespec ts = { .tv_nsec = 20000000 };
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, NULL);
	char buf[16];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	rf_chain_read(c, p[0], buf, sizeof(buf), 0);	/* nothing ever comes */
	io_uring_prep_link_timeout(rf_chain_sqe(c), &ts, 0);
	rf_chain_bpf(c, SLOT_NOP, 0);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1, "%s", rf_errmsg());
	cr_assert_eq(r.res[0], -ECANCELED, "the read was cancelled");
	cr_assert_eq(r.res[1], -ETIME, "by the timeout");
	cr_assert_eq(r.res[2], -ECANCELED);
	cr_assert_eq(r.status, -ETIME);
	cr_assert_str_eq(r.line, "failed at stage 1 (link_timeout): Timer expired (ETIME); 2 other "
			 "stages cancelled");
	close(p[0]);
	close(p[1]);
}

Test(sqe, link_timeout_of_a_timely_request_is_success)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, NULL);
	char buf[16];
	int fd = scratch_file();

	cr_assert_eq(pwrite(fd, "0123456789abcdef", 16, 0), 16);
	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	io_uring_prep_link_timeout(rf_chain_sqe(c), &ts, 0);
	rf_chain_bpf(c, SLOT_NOP, 0);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1, "%s", rf_errmsg());
	cr_assert_eq(r.res[0], 16);
	cr_assert_eq(r.res[1], -ECANCELED, "the timeout was cancelled");
	cr_assert_eq(r.res[2], 0, "the chain went on");
	cr_assert_eq(r.status, 0, "%s", r.line);
	cr_assert_str_eq(r.line, "ok (3 stages)");
	close(fd);
}

Test(sqe, flags_the_sdk_owns_are_refused)
{
	struct rf_chain *c = rf_chain_new(fx.ring, NULL);
	struct io_uring_sqe *sqe = rf_chain_sqe(c);

	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	cr_assert_eq(rf_chain_queue(c), -EINVAL);
	cr_assert_not_null(strstr(rf_errmsg(), "IOSQE_CQE_SKIP_SUCCESS"), "%s", rf_errmsg());
	c = rf_chain_new(fx.ring, NULL);
	rf_chain_nop(c);
	sqe = rf_chain_sqe(c);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_IO_HARDLINK;
	cr_assert_eq(rf_chain_queue(c), -EINVAL);
	cr_assert_not_null(strstr(rf_errmsg(), "stage 1 is hard-linked"), "%s", rf_errmsg());
	cr_assert_eq(rf_ring_in_flight(fx.ring), 0);
}

Test(sqe, a_failed_chain_hands_out_scratch)
{
	struct rf_chain *c = rf_chain_new(fx.ring, NULL);

	for (int i = 0; i < RF_CHAIN_MAX_STAGES; i++)
		rf_chain_nop(c);
	/* one stage too many: the SQE is scratch, preparing it is harmless */
	io_uring_prep_fsync(rf_chain_sqe(c), 0, 0);
	cr_assert_eq(rf_chain_queue(c), -E2BIG);
}

struct seen {
	unsigned int	count;
	__u64		user_data;
	int		res;
};

static void on_cqe(const struct io_uring_cqe *cqe, void *arg)
{
	struct seen *s = arg;

	s->count++;
	s->user_data = cqe->user_data;
	s->res = cqe->res;
}

/* A nop of the program's own, before a chain in the SQ: it completes first. */
static void own_nop_then_chain(struct report *r, __u64 user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(rf_ring_uring(fx.ring));
	struct rf_chain *c;

	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, user_data);
	c = rf_chain_new(fx.ring, NULL);
	rf_chain_bpf(c, SLOT_NOP, 0);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, r), 1, "%s", rf_errmsg());
}

Test(sqe, own_requests_on_the_ring_go_to_the_handler)
{
	struct seen seen = { 0 };
	struct report r = { 0 };

	rf_ring_set_cqe_handler(fx.ring, on_cqe, &seen);
	own_nop_then_chain(&r, 42);
	cr_assert_eq(r.status, 0, "%s", r.line);
	cr_assert_eq(seen.count, 1);
	cr_assert_eq(seen.user_data, 42);
	cr_assert_eq(seen.res, 0);
	cr_assert_eq(rf_ring_user_cqes(fx.ring), 1);
	/* without a handler they are counted, never an error */
	rf_ring_set_cqe_handler(fx.ring, NULL, NULL);
	memset(&r, 0, sizeof(r));
	own_nop_then_chain(&r, 43);
	cr_assert_eq(r.count, 1);
	cr_assert_eq(seen.count, 1);
	cr_assert_eq(rf_ring_user_cqes(fx.ring), 2);
}

Test(sqe, a_completion_marked_as_the_sdks_but_naming_no_stage_is_a_protocol_error)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(rf_ring_uring(fx.ring));

	int ret = 0;

	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, RF_UDATA(100000, 3));
	for (int i = 0; i < 1000 && ret == 0; i++)	/* until its completion is in */
		ret = rf_ring_reap(fx.ring, 0, collect, NULL);
	cr_assert_eq(ret, -EPROTO);
	cr_assert_not_null(strstr(rf_errmsg(), "user_data bit 63"), "%s", rf_errmsg());
}

/* A UDP socket bound to a loopback port, with lo brought up (the VM leaves it down). */
static int udp_socket(struct sockaddr_in *addr)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	cr_assert_eq(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	*addr = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cr_assert_eq(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

/*
 * A zero-copy send completes twice (result with F_MORE, then a notification once
 * the kernel let go of the buffer): its chain is reported only after both, with the
 * send's result, and the late notification cannot land on the next chain.
 */
Test(sqe, zero_copy_send_is_reported_once_both_completions_came)
{
	static char msg[] = "zero-copy hello", got[64];
	struct sockaddr_in to;
	struct report r = { 0 }, next = { 0 };
	int rx = udp_socket(&to), tx = socket(AF_INET, SOCK_DGRAM, 0);
	int fd = scratch_file();
	struct rf_chain *c;

	cr_assert_eq(connect(tx, (struct sockaddr *)&to, sizeof(to)), 0);
	for (int i = 0; i < 8; i++) {
		memset(&r, 0, sizeof(r));
		c = rf_chain_new(fx.ring, NULL);
		io_uring_prep_send_zc(rf_chain_sqe(c), tx, msg, sizeof(msg), 0, 0);
		cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
		cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1, "%s", rf_errmsg());
		cr_assert_eq(r.status, 0, "%s", r.line);
		cr_assert_eq(r.res[0], (int)sizeof(msg), "the send's result, not the notification's");
		cr_assert_eq(recv(rx, got, sizeof(got), 0), (ssize_t)sizeof(msg));
		cr_assert_str_eq(got, msg);

		/* the next chain, very likely in the same slot, gets only its own CQE */
		memset(&next, 0, sizeof(next));
		c = rf_chain_new(fx.ring, NULL);
		rf_chain_write(c, fd, msg, 5, 0);
		cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
		cr_assert_eq(rf_ring_drain(fx.ring, collect, &next), 1, "%s", rf_errmsg());
		cr_assert_eq(next.count, 1);
		cr_assert_eq(next.res[0], 5, "the write's own result");
	}
	close(fd);
	close(tx);
	close(rx);
}
