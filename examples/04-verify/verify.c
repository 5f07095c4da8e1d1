// SPDX-License-Identifier: MIT
/*
 * Tutorial 4: a failing stage stops its chain. Chains read a block, checksum it,
 * verify the checksum against the one recorded when the data was written, and only
 * then copy the block out. One block is corrupted on disk: its chain fails at the
 * verify stage with the op's reason, and its write is cancelled by the kernel.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <verify_record.h>
#include "example.h"
#include "verify.skel.h"

enum { SUM_SLOT, CHECK_SLOT };
#define BLOCK 1024
#define BLOCKS 3
#define BAD_BLOCK 1

static char blocks[BLOCKS][BLOCK];

int main(void)
{
	uint32_t expect[BLOCKS];
	struct rf_object *obj;
	struct rf_ring *ring;
	struct verify *skel;
	char data[BLOCK];
	int in, out;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(verify__open(), "opening the skeleton");
	check(rf_object_open(skel->obj, &obj), "creating the record map");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(verify__attach(skel), "attaching");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, SUM_SLOT, skel->links.sum), "binding sum");
	check(rf_ring_bind(ring, CHECK_SLOT, skel->links.check), "binding check");

	in = scratch_file();
	out = scratch_file();
	for (int b = 0; b < BLOCKS; b++) {
		memset(data, '0' + b, sizeof(data));
		expect[b] = rf_crc32c_mem(data, sizeof(data));
		if (b == BAD_BLOCK)
			data[100] ^= 0x20;	/* bit rot after the checksum was taken */
		check_io(pwrite(in, data, BLOCK, (off_t)b * BLOCK), BLOCK, "writing the input");
	}

	for (uintptr_t b = 0; b < BLOCKS; b++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
		struct verify_record *rec = rf_chain_record(c);

		rec->expect = expect[b];
		rf_chain_set_user(c, (void *)b);
		rf_chain_read(c, in, blocks[b], BLOCK, b * BLOCK);
		rf_stage_buf(rf_chain_bpf(c, SUM_SLOT, 0), blocks[b], BLOCK);
		rf_chain_bpf(c, CHECK_SLOT, 0);
		rf_chain_write(c, out, blocks[b], BLOCK, b * BLOCK);
		check(rf_chain_queue(c), "queueing");
	}
	printf("%d chains of read -> sum -> check -> write (block %d is corrupt):\n", BLOCKS,
	       BAD_BLOCK);
	check(rf_ring_drain(ring, print_report, NULL) != BLOCKS, "running");

	for (int b = 0; b < BLOCKS; b++) {
		ssize_t n = pread(out, data, BLOCK, (off_t)b * BLOCK);

		printf("  output block %d: %s\n", b, n == BLOCK && data[0] == '0' + b ?
		       "written" : "not written (its chain stopped)");
	}

	close(in);
	close(out);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	verify__destroy(skel);
	return 0;
}
