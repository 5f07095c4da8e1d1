// SPDX-License-Identifier: MIT
/*
 * Tutorial 5: error injection. Every chain is nop -> inject -> nop; the inject
 * stage fails every third request with -EIO, so every third chain reports the
 * failure at stage 1, with the op's reason, and its last stage cancelled.
 */
#include <errno.h>
#include "example.h"
#include "inject.skel.h"

#define INJECT_SLOT 0
#define CHAINS 9
#define EVERY 3

struct inject_args {
	int32_t err;
	uint32_t every;
};

struct tally {
	unsigned int ok, failed;
};

static void count(const struct rf_chain_result *r, void *arg)
{
	struct tally *t = arg;

	print_report(r, NULL);
	if (r->status)
		t->failed++;
	else
		t->ok++;
}

int main(void)
{
	struct tally tally = { 0 };
	struct rf_object *obj;
	struct rf_ring *ring;
	struct inject *skel;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(inject__open(), "opening the skeleton");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(inject__attach(skel), "attaching");
	check(rf_object_open(skel->obj, &obj), "mapping the maps");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, INJECT_SLOT, skel->links.inject), "binding");

	for (uintptr_t i = 0; i < CHAINS; i++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
		struct inject_args *args;

		rf_chain_set_user(c, (void *)i);
		rf_chain_nop(c);
		args = rf_stage_payload(rf_chain_bpf(c, INJECT_SLOT, 0));
		rf_chain_nop(c);
		check_ptr(args, "payload slot");
		args->err = -EIO;
		args->every = EVERY;
		/* queued one by one: each chain's inject runs after the previous one's */
		check(rf_chain_queue(c), "queueing");
		check(rf_ring_drain(ring, count, &tally) != 1, "running");
	}
	printf("%u chains ok, %u failed (one inject in %d fails)\n", tally.ok, tally.failed,
	       EVERY);

	rf_ring_destroy(ring);
	rf_object_close(obj);
	inject__destroy(skel);
	return tally.failed == CHAINS / EVERY ? 0 : 1;
}
