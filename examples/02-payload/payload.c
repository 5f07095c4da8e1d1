// SPDX-License-Identifier: MIT
/*
 * Tutorial 2: arguments through a payload map, results through the chain record.
 * rf_stage_payload() hands out a slot of the mmapped payload map: writing the
 * arguments is a plain store, no bpf() call; the SQE carries the slot reference.
 * The payload and record types are in include/calc.h, which payload.bpf.c includes
 * too.
 */
#include <calc.h>
#include "example.h"
#include "payload.skel.h"

#define CALC_SLOT 0

static const struct calc_args problems[] = {
	{ 6, 7, '*' }, { 40, 2, '+' }, { 50, 8, '-' }, { 1, 1, '/' },
};

static void print_calc(const struct rf_chain_result *r, void *arg)
{
	const struct calc_args *p = r->user;
	const struct calc_record *rec = r->record;
	char line[256];

	(void)arg;
	if (r->status) {
		rf_chain_describe(r, line, sizeof(line));
		printf("  %lld %c %lld: %s\n", (long long)p->a, p->op, (long long)p->b, line);
		return;
	}
	printf("  %lld %c %lld = %lld\n", (long long)p->a, p->op, (long long)p->b,
	       (long long)rec->value);
}

int main(void)
{
	struct rf_object *obj;
	struct rf_ring *ring;
	struct payload *skel;
	size_t i;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(payload__open(), "opening the skeleton");
	check(rf_object_open(skel->obj, &obj), "creating the record and payload maps");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(payload__attach(skel), "attaching");
	expect(rf_object_payload_size(obj) >= sizeof(struct calc_args),
	       "a payload slot holds a struct calc_args");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, CALC_SLOT, skel->links.calc), "binding");

	for (i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
		struct calc_args *args = rf_stage_payload(rf_chain_bpf(c, CALC_SLOT, 0));

		check_ptr(args, "payload slot");
		*args = problems[i];
		rf_chain_set_user(c, (void *)&problems[i]);
		check(rf_chain_queue(c), "queueing");
	}
	printf("%u payload slots in use before running\n", rf_object_payloads_in_use(obj));
	check(rf_ring_drain(ring, print_calc, NULL) < 0, "running");
	printf("%u payload slots in use after: recycled at completion\n",
	       rf_object_payloads_in_use(obj));

	rf_ring_destroy(ring);
	rf_object_close(obj);
	payload__destroy(skel);
	return 0;
}
