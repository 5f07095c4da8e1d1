// SPDX-License-Identifier: MIT
/*
 * A file copier outside the ringflow tree: each block runs
 *   read -> hist (this project's op) -> rf_xor -> rf_crc32c -> write -> fsync
 * in one chain, the own op and the built-in ones sharing the chain's record,
 * IN_FLIGHT chains at a time. Every output byte, checksum and histogram is
 * checked against what this program computes itself. Then an op of an object
 * that does not share the maps is refused, with the SDK's explanation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ringflow/ringflow.h>
#include "copier.h"
#include "copier.skel.h"
#include "rf_builtin.skel.h"

#define BLOCK		16384
#define BLOCKS		64
#define IN_FLIGHT	16
#define KEY		0x5eed1234u

enum { SLOT_HIST, SLOT_XOR, SLOT_CRC, SLOT_UNSHARED };

static unsigned char input[BLOCKS][BLOCK], bufs[IN_FLIGHT][BLOCK];
static unsigned int free_bufs[IN_FLIGHT], nr_free;
static unsigned int done, failed;

struct block {
	unsigned int	index, buf;
};
static struct block blocks[BLOCKS];

static int fail(const char *what)
{
	fprintf(stderr, "outside: %s: %s\n", what, rf_errmsg());
	return 1;
}

static void expected(unsigned int b, unsigned char *out, struct copier_record *want)
{
	memset(want, 0, sizeof(*want));
	for (unsigned int k = 0; k < BLOCK; k++) {
		want->hist[input[b][k] >> 4]++;
		out[k] = input[b][k] ^ (unsigned char)(KEY >> (8 * (k % 4)));
	}
	want->builtin.crc = rf_crc32c_mem(out, BLOCK);
	want->builtin.bytes = 2 * BLOCK;	/* xor and crc32c */
	want->block = b;
}

/* Checks a finished chain's record and returns its buffer to the pool. */
static void chain_done(const struct rf_chain_result *r, void *arg)
{
	const struct copier_record *rec = r->record;
	struct block *blk = r->user;
	static unsigned char out[BLOCK];
	struct copier_record want;
	char line[256];

	(void)arg;
	free_bufs[nr_free++] = blk->buf;
	done++;
	rf_chain_describe(r, line, sizeof(line));
	expected(blk->index, out, &want);
	if (r->status || rec->builtin.crc != want.builtin.crc ||
	    rec->builtin.bytes != want.builtin.bytes || rec->block != want.block ||
	    memcmp(rec->hist, want.hist, sizeof(want.hist))) {
		printf("outside: block %u: %s, crc 0x%08x (want 0x%08x)\n", blk->index, line,
		       rec->builtin.crc, want.builtin.crc);
		failed++;
	}
}

static int copy(struct rf_ring *ring, struct rf_object *obj, int in, int out)
{
	unsigned int next = 0;

	for (unsigned int i = 0; i < IN_FLIGHT; i++)
		free_bufs[nr_free++] = i;
	while (done < BLOCKS) {
		while (next < BLOCKS && nr_free) {
			struct block *blk = &blocks[next];
			struct rf_chain *c = rf_chain_new(ring, obj);
			struct copier_args *hist;
			struct rf_builtin_args *xor;
			unsigned char *buf;
			struct rf_stage *s;

			if (!c)
				return fail("new chain");
			blk->index = next++;
			blk->buf = free_bufs[--nr_free];
			buf = bufs[blk->buf];
			rf_chain_set_user(c, blk);
			rf_chain_read(c, in, buf, BLOCK, (__u64)blk->index * BLOCK);
			s = rf_chain_bpf(c, SLOT_HIST, 0);
			rf_stage_buf(s, buf, BLOCK);
			hist = rf_stage_payload(s);
			s = rf_chain_bpf(c, SLOT_XOR, 0);
			rf_stage_buf(s, buf, BLOCK);
			xor = rf_stage_payload(s);
			rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), buf, BLOCK);
			rf_chain_write(c, out, buf, BLOCK, (__u64)blk->index * BLOCK);
			io_uring_prep_fsync(rf_chain_sqe(c), out, IORING_FSYNC_DATASYNC);
			if (hist && xor) {
				hist->block = blk->index;
				xor->xor_key = KEY;
			}
			if (rf_chain_queue(c))
				return fail("queueing a chain");
		}
		if (rf_ring_reap(ring, 1, chain_done, NULL) < 0)
			return fail("reaping");
	}
	return 0;
}

static int check_output(int out)
{
	static unsigned char got[BLOCK], want[BLOCK];
	struct copier_record rec;

	for (unsigned int b = 0; b < BLOCKS; b++) {
		expected(b, want, &rec);
		if (pread(out, got, BLOCK, (off_t)b * BLOCK) != BLOCK || memcmp(got, want, BLOCK)) {
			printf("outside: output block %u differs\n", b);
			return 1;
		}
	}
	return 0;
}

/* The built-in ops loaded again with maps of their own: their ops must be refused. */
static int check_unshared(struct rf_ring *ring, struct rf_object *obj)
{
	struct rf_builtin *alone = rf_builtin__open();
	struct rf_chain *c;
	int err;

	if (!alone || rf_load_skeleton(alone->skeleton) || rf_builtin__attach(alone) ||
	    rf_ring_bind(ring, SLOT_UNSHARED, alone->links.rf_crc32c))
		return fail("loading the unshared built-in ops");
	c = rf_chain_new(ring, obj);
	rf_chain_bpf(c, SLOT_UNSHARED, 0);
	err = rf_chain_queue(c);
	printf("outside: op of an object not sharing the maps: %s\n", err == -EXDEV ?
	       "refused" : "NOT refused");
	printf("outside: %s\n", rf_errmsg());
	rf_builtin__destroy(alone);
	return err == -EXDEV ? 0 : 1;
}

static int scratch_file(void)
{
	char path[] = "/tmp/ringflow-outside-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

int main(void)
{
	struct rf_object *obj = NULL;
	struct rf_ring *ring = NULL;
	struct rf_builtin *builtin;
	struct copier *copier;
	int in = scratch_file(), out = scratch_file(), err;

	srand(11);
	for (unsigned int b = 0; b < BLOCKS; b++)
		for (unsigned int k = 0; k < BLOCK; k++)
			input[b][k] = (unsigned char)rand();
	if (in < 0 || out < 0 || pwrite(in, input, sizeof(input), 0) != (ssize_t)sizeof(input)) {
		perror("outside: input file");
		return 1;
	}

	copier = copier__open();
	builtin = rf_builtin__open();
	if (!copier || !builtin)
		return fail("opening the skeletons");
	err = rf_object_open(copier->obj, &obj);
	if (!err)
		err = rf_object_share(obj, builtin->obj);
	if (!err)
		err = rf_load_skeleton(copier->skeleton);
	if (!err)
		err = rf_load_skeleton(builtin->skeleton);
	if (!err)
		err = copier__attach(copier) || rf_builtin__attach(builtin);
	if (!err)
		err = rf_ring_create(NULL, &ring);
	if (!err)
		err = rf_ring_bind(ring, SLOT_HIST, copier->links.hist) ||
		      rf_ring_bind(ring, SLOT_XOR, builtin->links.rf_xor) ||
		      rf_ring_bind(ring, SLOT_CRC, builtin->links.rf_crc32c);
	if (err)
		return fail("setting up");

	if (copy(ring, obj, in, out) || check_output(out))
		return 1;
	printf("outside: %u chains of read -> hist -> rf_xor -> rf_crc32c -> write -> fsync, "
	       "%u in flight: %u failed, every byte checked\n", done, IN_FLIGHT, failed);
	if (failed || check_unshared(ring, obj))
		return 1;

	rf_ring_destroy(ring);
	rf_object_close(obj);
	rf_builtin__destroy(builtin);
	copier__destroy(copier);
	close(in);
	close(out);
	return 0;
}
