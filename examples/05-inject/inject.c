// SPDX-License-Identifier: MIT
/*
 * Tutorial 5: error injection, dropped into a pipeline of ops from another object.
 * Every chain is read -> rf_crc32c -> inject -> write: the crc32c op comes from
 * the built-in ops' object, inject from this tutorial's, and both work on one
 * chain record because the two objects share one rf_object. inject fails every
 * third request with -EIO: those chains report the failure at stage 2, with the
 * op's reason, and their write never happens.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <inject_args.h>
#include "example.h"
#include "inject.skel.h"
#include "rf_builtin.skel.h"

enum { CRC_SLOT, INJECT_SLOT };
#define CHAINS 9
#define EVERY 3
#define BLOCK 512

static char blocks[CHAINS][BLOCK];

struct tally {
	unsigned int ok, failed;
};

static void count(const struct rf_chain_result *r, void *arg)
{
	const struct rf_builtin_record *rec = r->record;
	uintptr_t b = (uintptr_t)r->user;
	struct tally *t = arg;

	print_report(r, NULL);
	if (r->status) {
		t->failed++;
		return;
	}
	/* the stage before inject left its checksum in the shared record */
	expect(rec->crc == rf_crc32c_mem(blocks[b], BLOCK), "the record has the block's crc32c");
	t->ok++;
}

int main(void)
{
	struct tally tally = { 0 };
	struct rf_builtin *builtin;
	struct rf_object *obj;
	struct rf_ring *ring;
	struct inject *skel;
	char data[BLOCK];
	int in, out;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(inject__open(), "opening the skeleton");
	builtin = check_ptr(rf_builtin__open(), "opening the built-in ops");
	/* one set of maps for both objects: the built-ins' records, inject's payloads */
	check(rf_object_open(builtin->obj, &obj), "creating the record and payload maps");
	check(rf_object_share(obj, skel->obj), "sharing them with inject");
	check(rf_load_skeleton(builtin->skeleton), "loading the built-in ops");
	check(rf_load_skeleton(skel->skeleton), "loading inject");
	check(rf_builtin__attach(builtin), "attaching the built-in ops");
	check(inject__attach(skel), "attaching inject");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, CRC_SLOT, builtin->links.rf_crc32c), "binding rf_crc32c");
	check(rf_ring_bind(ring, INJECT_SLOT, skel->links.inject), "binding inject");

	in = scratch_file();
	out = scratch_file();
	for (int b = 0; b < CHAINS; b++) {
		memset(data, 'a' + b, sizeof(data));
		check_io(pwrite(in, data, BLOCK, (off_t)b * BLOCK), BLOCK, "writing the input");
	}
	for (uintptr_t b = 0; b < CHAINS; b++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
		struct inject_args *args;

		rf_chain_set_user(c, (void *)b);
		rf_chain_read(c, in, blocks[b], BLOCK, b * BLOCK);
		rf_stage_buf(rf_chain_bpf(c, CRC_SLOT, 0), blocks[b], BLOCK);
		args = rf_stage_payload(rf_chain_bpf(c, INJECT_SLOT, 0));
		rf_chain_write(c, out, blocks[b], BLOCK, b * BLOCK);
		check_ptr(args, "payload slot");
		args->err = -EIO;
		args->every = EVERY;
		/* queued one by one: each chain's inject runs after the previous one's */
		check(rf_chain_queue(c), "queueing");
		check(rf_ring_drain(ring, count, &tally) != 1, "running");
	}
	printf("%u chains ok, %u failed (one inject in %d fails)\n", tally.ok, tally.failed,
	       EVERY);
	for (int b = 0; b < CHAINS; b++) {
		bool failed = b % EVERY == EVERY - 1;

		memset(data, 0, sizeof(data));
		check_errno(pread(out, data, BLOCK, (off_t)b * BLOCK) < 0 ? -errno : 0,
			    "reading the output");
		expect(failed ? data[0] == 0 : memcmp(data, blocks[b], BLOCK) == 0,
		       "the blocks of chains that went through are written, the others not");
	}
	printf("output: the blocks of chains that went through match the input; the "
	       "others were never written\n");

	close(in);
	close(out);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	inject__destroy(skel);
	rf_builtin__destroy(builtin);
	return tally.failed == CHAINS / EVERY ? 0 : 1;
}
