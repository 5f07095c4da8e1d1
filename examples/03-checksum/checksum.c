// SPDX-License-Identifier: MIT
/*
 * Tutorial 3: a pipeline of ordinary and BPF stages. Each chain reads a block of a
 * file, checksums it in BPF, and writes it to another file; the checksum comes
 * back in the chain record. The SDK links the three SQEs, so the write never runs
 * unless the read and the checksum succeeded.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sum_record.h>
#include "example.h"
#include "checksum.skel.h"

#define SUM_SLOT 0
#define BLOCK 4096
#define BLOCKS 4

static char blocks[BLOCKS][BLOCK];

static void print_sum(const struct rf_chain_result *r, void *arg)
{
	const struct sum_record *rec = r->record;
	char line[256];

	(void)arg;
	rf_chain_describe(r, line, sizeof(line));
	printf("  block %lu: %s, crc32c 0x%08x over %u bytes\n",
	       (unsigned long)(uintptr_t)r->user, line, rec->crc, rec->len);
}

int main(void)
{
	struct checksum *skel;
	struct rf_object *obj;
	struct rf_ring *ring;
	char copy[BLOCK];
	int in, out;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(checksum__open(), "opening the skeleton");
	check(rf_object_open(skel->obj, &obj), "creating the record map");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(checksum__attach(skel), "attaching");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, SUM_SLOT, skel->links.sum), "binding");

	in = scratch_file();
	out = scratch_file();
	for (int b = 0; b < BLOCKS; b++) {
		memset(copy, 'a' + b, sizeof(copy));
		check_io(pwrite(in, copy, BLOCK, (off_t)b * BLOCK), BLOCK, "writing the input");
	}

	for (uintptr_t b = 0; b < BLOCKS; b++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");

		rf_chain_set_user(c, (void *)b);
		rf_chain_read(c, in, blocks[b], BLOCK, b * BLOCK);
		rf_stage_buf(rf_chain_bpf(c, SUM_SLOT, 0), blocks[b], BLOCK);
		rf_chain_write(c, out, blocks[b], BLOCK, b * BLOCK);
		check(rf_chain_queue(c), "queueing");
	}
	printf("%d chains of read -> crc32c -> write, one io_uring_enter():\n", BLOCKS);
	check(rf_ring_drain(ring, print_sum, NULL) != BLOCKS, "running");

	for (int b = 0; b < BLOCKS; b++) {
		check_io(pread(out, copy, BLOCK, (off_t)b * BLOCK), BLOCK, "reading the output");
		expect(memcmp(copy, blocks[b], BLOCK) == 0, "the output matches the input");
	}
	printf("output file matches the input\n");

	close(in);
	close(out);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	checksum__destroy(skel);
	return 0;
}
