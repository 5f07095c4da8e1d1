// SPDX-License-Identifier: MIT
/*
 * Chains that decide their own I/O through the SDK: rf_steer_next() sends the next
 * read or write elsewhere and the chain's result shows where it went and how much
 * it moved; rf_chain_done() ends a chain with success, reported as such. Data is
 * checked byte for byte.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <ringflow/ringflow.h>
#include "steer.h"
#include "steer.skel.h"

#define FILE_LEN	(64UL * 1024)

static struct steer *skel;
static struct rf_object *obj;
static struct rf_ring *ring;
static int fd;
static unsigned char data[FILE_LEN];

/* The last report, copied out of the callback. */
static struct rf_chain_result last;
static __u64 last_pos[RF_CHAIN_MAX_STAGES];
static __u32 last_len[RF_CHAIN_MAX_STAGES];
static __s32 last_res[RF_CHAIN_MAX_STAGES];
static char last_line[256];

static void keep(const struct rf_chain_result *r, void *arg)
{
	(void)arg;
	last = *r;
	memcpy(last_pos, r->pos, sizeof(last_pos));
	memcpy(last_len, r->len, sizeof(last_len));
	memcpy(last_res, r->res, sizeof(last_res));
	rf_chain_describe(r, last_line, sizeof(last_line));
}

static void setup(void)
{
	char path[] = "/tmp/sdk-steer.XXXXXX";

	skel = steer__open();
	cr_assert_not_null(skel);
	cr_assert_eq(rf_object_open(skel->obj, &obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_load_skeleton(skel->skeleton), 0, "%s", rf_errmsg());
	cr_assert_eq(steer__attach(skel), 0);
	cr_assert_eq(rf_ring_create(NULL, &ring), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(ring, 0, skel->links.steer), 0, "%s", rf_errmsg());
	for (size_t i = 0; i < FILE_LEN; i++)
		data[i] = (unsigned char)(i * 13 + (i >> 8));
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(pwrite(fd, data, FILE_LEN, 0), (ssize_t)FILE_LEN);
}

static void teardown(void)
{
	close(fd);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	steer__destroy(skel);
}

TestSuite(steer, .init = setup, .fini = teardown, .timeout = 60);

/* A chain on the object; its first stage is the steering op with these arguments. */
static struct rf_chain *chain_steer(enum steer_mode mode, __u64 pos, __u32 len)
{
	struct rf_chain *c = rf_chain_new(ring, obj);
	struct steer_args *args;

	cr_assert_not_null(c, "%s", rf_errmsg());
	args = rf_stage_payload(rf_chain_bpf(c, 0, 0));
	cr_assert_not_null(args, "%s", rf_errmsg());
	args->pos = pos;
	args->len = len;
	args->mode = mode;
	return c;
}

static void run(struct rf_chain *c)
{
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(ring, keep, NULL), 1, "%s", rf_errmsg());
}

Test(steer, steered_read_shows_where_it_went)
{
	unsigned char buf[4096];
	struct rf_chain *c = chain_steer(STEER_TO, 8292, 50);

	memset(buf, 0xee, sizeof(buf));
	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	run(c);
	cr_assert_eq(last.status, 0, "%s", last_line);
	cr_assert_eq(last.steered, 1U << 1);
	cr_assert_eq(last_pos[1], 8292);
	cr_assert_eq(last_len[1], 50);
	cr_assert_eq(last_res[1], 50);
	cr_assert_arr_eq(buf, data + 8292, 50);
	cr_assert_eq(buf[50], 0xee);
}

Test(steer, steered_read_past_the_end_is_reported)
{
	unsigned char buf[4096];
	struct rf_chain *c = chain_steer(STEER_TO, FILE_LEN - 10, 100);

	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	run(c);
	cr_assert_eq(last.status, -EIO);
	cr_assert_eq(last.failed_stage, 1);
	cr_assert_eq(last_res[1], 10);
	cr_assert_arr_eq(buf, data + FILE_LEN - 10, 10);
	cr_assert(strstr(last_line, "short transfer, 10 of 100 bytes at 65526 (steered)"),
		  "%s", last_line);
}

Test(steer, steered_write_lands_where_the_op_says)
{
	unsigned char src[4096], got[FILE_LEN];
	struct rf_chain *c = chain_steer(STEER_TO, 30000, 123);

	memset(src, 0x5a, sizeof(src));
	rf_chain_write(c, fd, src, sizeof(src), 0);
	run(c);
	cr_assert_eq(last.status, 0, "%s", last_line);
	cr_assert_eq(last_pos[1], 30000);
	cr_assert_eq(last_res[1], 123);
	memset(data + 30000, 0x5a, 123);
	cr_assert_eq(pread(fd, got, FILE_LEN, 0), (ssize_t)FILE_LEN);
	cr_assert_arr_eq(got, data, FILE_LEN);
}

/* read a position from the file, then read what it points at: one submission */
Test(steer, the_data_decides_the_next_read)
{
	unsigned char ptr[8], buf[4096];
	__u64 where = 40000;
	struct rf_chain *c = rf_chain_new(ring, obj);
	struct steer_args *args;
	struct rf_stage *s;

	memcpy(data + 100, &where, 8);
	cr_assert_eq(pwrite(fd, &where, 8, 100), 8);
	rf_chain_read(c, fd, ptr, sizeof(ptr), 100);
	s = rf_chain_bpf(c, 0, 0);
	rf_stage_buf(s, ptr, sizeof(ptr));
	args = rf_stage_payload(s);
	args->mode = STEER_FROM_BUF;
	args->len = 64;
	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	run(c);
	cr_assert_eq(last.status, 0, "%s", last_line);
	cr_assert_eq(last_pos[2], 40000);
	cr_assert_arr_eq(buf, data + 40000, 64);
}

Test(steer, an_op_ends_its_chain_with_success)
{
	unsigned char buf[16];
	struct rf_chain *c = chain_steer(STEER_DONE, 0, 0);

	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	rf_chain_nop(c);
	run(c);
	cr_assert_eq(last.status, 0, "%s", last_line);
	cr_assert_eq(last.ended_at, 0);
	cr_assert_eq(last.skipped, 2);
	cr_assert_eq(last_res[1], -EALREADY);
	cr_assert_eq(last_res[2], -EALREADY);
	cr_assert_str_eq(last_line, "ok, ended at stage 0 (bpf op steer), 2 stages skipped");
}

Test(steer, misuse_fails_the_stage_with_the_kernels_errno)
{
	unsigned char buf[16];
	struct rf_chain *c = chain_steer(STEER_TO, 0, 4096);

	/* longer than submitted */
	rf_chain_read(c, fd, buf, sizeof(buf), 0);
	run(c);
	cr_assert_eq(last.status, -ERANGE, "%s", last_line);
	cr_assert_eq(last.failed_stage, 0);
	/* nothing to steer */
	c = chain_steer(STEER_TO, 0, 1);
	run(c);
	cr_assert_eq(last.status, -ENOLINK, "%s", last_line);
}
