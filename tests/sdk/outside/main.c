// SPDX-License-Identifier: MIT
/* Runs the doubler op in a chain: nop -> doubler -> nop. Prints the answer. */
#include <stdint.h>
#include <stdio.h>
#include <ringflow/ringflow.h>
#include "doubler.skel.h"

struct doubler_args {
	int64_t in;
};

struct doubler_record {
	int64_t out;
};

static int64_t answer = -1;

static void done(const struct rf_chain_result *r, void *arg)
{
	char line[256];

	(void)arg;
	rf_chain_describe(r, line, sizeof(line));
	printf("outside: chain %s\n", line);
	if (!r->status)
		answer = ((const struct doubler_record *)r->record)->out;
}

int main(void)
{
	struct rf_object *obj = NULL;
	struct rf_ring *ring = NULL;
	struct doubler *skel;
	struct doubler_args *args;
	struct rf_chain *c;
	int err;

	skel = doubler__open();
	if (!skel)
		return 1;
	err = rf_load_skeleton(skel->skeleton);
	if (!err)
		err = doubler__attach(skel);
	if (!err)
		err = rf_object_open(skel->obj, &obj);
	if (!err)
		err = rf_ring_create(NULL, &ring);
	if (!err)
		err = rf_ring_bind(ring, 7, skel->links.doubler);
	if (err) {
		fprintf(stderr, "outside: %s\n", rf_errmsg());
		return 1;
	}
	c = rf_chain_new(ring, obj);
	rf_chain_nop(c);
	args = rf_stage_payload(rf_chain_bpf(c, 7, 0));
	rf_chain_nop(c);
	if (args)
		args->in = 21;
	if (rf_chain_queue(c) || rf_ring_drain(ring, done, NULL) != 1) {
		fprintf(stderr, "outside: %s\n", rf_errmsg());
		return 1;
	}
	printf("outside: 21 doubled is %lld\n", (long long)answer);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	doubler__destroy(skel);
	return answer == 42 ? 0 : 1;
}
