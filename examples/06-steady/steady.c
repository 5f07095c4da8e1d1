// SPDX-License-Identifier: MIT
/*
 * Tutorial 6: the steady-state loop of a real pipeline. A file is copied block by
 * block, each block a chain read -> adler (this tutorial's op) -> rf_crc32c (a
 * built-in op) -> write, with a bounded number of chains in flight:
 *
 *   - the ring allows WINDOW chains (max_chains); rf_chain_new() says EBUSY when
 *     they are all in flight: that is the backpressure, reap one and go on;
 *   - WINDOW buffers, each owned by one chain from rf_chain_new() to its report,
 *     then reused by the next block;
 *   - rf_ring_reap(ring, 1, ...) as we go: submit what is queued, wait for at least
 *     one chain, report every chain that completed.
 *
 * Each report checks the block's checksums against the ones computed here; at the
 * end the output file is compared with the input.
 */
#include <errno.h>
#include <string.h>
#include <zlib.h>
#include <copy_record.h>
#include "example.h"
#include "steady.skel.h"
#include "rf_builtin.skel.h"

enum { ADLER_SLOT, CRC_SLOT };
#define BLOCK	65536
#define BLOCKS	64
#define WINDOW	8

struct copy {
	unsigned char	*input;		/* the file's content, to check against */
	unsigned char	bufs[WINDOW][BLOCK];
	unsigned int	free[WINDOW];	/* buffers no chain owns */
	unsigned int	nr_free;
	unsigned int	owner[WINDOW];	/* block each buffer carries */
	unsigned int	copied, full;
};

/* A chain completed: check its block's checksums, give its buffer back. */
static void block_done(const struct rf_chain_result *r, void *arg)
{
	const struct copy_record *rec = r->record;
	unsigned int buf = (unsigned int)(uintptr_t)r->user;
	struct copy *cp = arg;
	const unsigned char *want = cp->input + (size_t)cp->owner[buf] * BLOCK;
	char line[256];

	if (r->status) {
		rf_chain_describe(r, line, sizeof(line));
		fprintf(stderr, "block %u: %s\n", cp->owner[buf], line);
		exit(1);
	}
	expect(rec->builtin.crc == rf_crc32c_mem(want, BLOCK), "the record has the block's crc32c");
	expect(rec->adler == adler32(1, want, BLOCK), "the record has the block's adler-32");
	cp->free[cp->nr_free++] = buf;
	cp->copied++;
}

/* Queues the chain copying @block, waiting for room when the ring is full. */
static void queue_block(struct rf_ring *ring, struct rf_object *obj, struct copy *cp,
			int in, int out, unsigned int block)
{
	struct rf_chain *c;
	unsigned int buf;
	__u64 off = (__u64)block * BLOCK;

	while (!(c = rf_chain_new(ring, obj))) {
		check(errno != EBUSY, "new chain");	/* anything but a full ring */
		cp->full++;
		check(rf_ring_reap(ring, 1, block_done, cp) < 0, "reaping");
	}
	/* a chain could start, so a buffer is free: there are as many as chains */
	buf = cp->free[--cp->nr_free];
	cp->owner[buf] = block;
	rf_chain_set_user(c, (void *)(uintptr_t)buf);
	rf_chain_read(c, in, cp->bufs[buf], BLOCK, off);
	rf_stage_buf(rf_chain_bpf(c, ADLER_SLOT, 0), cp->bufs[buf], BLOCK);
	rf_stage_buf(rf_chain_bpf(c, CRC_SLOT, 0), cp->bufs[buf], BLOCK);
	rf_chain_write(c, out, cp->bufs[buf], BLOCK, off);
	check(rf_chain_queue(c), "queueing");
}

int main(void)
{
	struct rf_ring_opts opts = { .max_chains = WINDOW };
	static struct copy cp;
	static unsigned char input[BLOCKS * BLOCK], output[BLOCK];
	struct rf_builtin *builtin;
	struct rf_object *obj;
	struct rf_ring *ring;
	struct steady *skel;
	int in, out;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(steady__open(), "opening the skeleton");
	builtin = check_ptr(rf_builtin__open(), "opening the built-in ops");
	check(rf_object_open(skel->obj, &obj), "creating the record map");
	check(rf_object_share(obj, builtin->obj), "sharing it with the built-in ops");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(rf_load_skeleton(builtin->skeleton), "loading the built-in ops");
	check(steady__attach(skel), "attaching");
	check(rf_builtin__attach(builtin), "attaching the built-in ops");
	check(rf_ring_create(&opts, &ring), "creating the ring");
	check(rf_ring_bind(ring, ADLER_SLOT, skel->links.adler), "binding adler");
	check(rf_ring_bind(ring, CRC_SLOT, builtin->links.rf_crc32c), "binding rf_crc32c");

	srand(6);
	for (size_t i = 0; i < sizeof(input); i++)
		input[i] = (unsigned char)rand();
	in = scratch_file();
	out = scratch_file();
	check_io(pwrite(in, input, sizeof(input), 0), sizeof(input), "writing the input");
	cp.input = input;
	for (unsigned int i = 0; i < WINDOW; i++)
		cp.free[cp.nr_free++] = i;

	printf("copying %d KiB in %d KiB blocks, at most %d chains in flight:\n",
	       BLOCKS * BLOCK / 1024, BLOCK / 1024, WINDOW);
	for (unsigned int b = 0; b < BLOCKS; b++)
		queue_block(ring, obj, &cp, in, out, b);
	check(rf_ring_drain(ring, block_done, &cp) < 0, "draining");
	printf("  %u blocks copied, the adler-32 and crc32c of every block as computed here\n",
	       cp.copied);
	printf("  the ring was full %u times: rf_chain_new() said EBUSY, we reaped and went on\n",
	       cp.full);

	for (unsigned int b = 0; b < BLOCKS; b++) {
		check_io(pread(out, output, BLOCK, (off_t)b * BLOCK), BLOCK, "reading the output");
		expect(memcmp(output, input + (size_t)b * BLOCK, BLOCK) == 0,
		       "the output matches the input");
	}
	printf("  output file matches the input byte for byte\n");

	close(in);
	close(out);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	rf_builtin__destroy(builtin);
	steady__destroy(skel);
	return cp.copied == BLOCKS ? 0 : 1;
}
