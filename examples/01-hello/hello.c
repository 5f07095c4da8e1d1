// SPDX-License-Identifier: MIT
/*
 * Tutorial 1: write an op in BPF, bind it into a ring, run it.
 * open -> load -> attach -> create ring -> bind -> run chains -> report -> destroy.
 */
#include "example.h"
#include "hello.skel.h"

#define HELLO_SLOT 0

static void print_hello(const struct rf_chain_result *r, void *arg)
{
	(void)arg;
	printf("  chain %lu: %s, the op returned %d\n", (unsigned long)(uintptr_t)r->user,
	       r->status ? rf_strerror(r->status) : "ok", r->res[0]);
}

int main(void)
{
	struct rf_ring *ring;
	struct hello *skel;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(hello__open(), "opening the skeleton");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(hello__attach(skel), "attaching");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, HELLO_SLOT, skel->links.hello), "binding");
	printf("op '%s' bound in slot %d\n", rf_ring_op_name(ring, HELLO_SLOT), HELLO_SLOT);

	/* three one-stage chains, one io_uring_enter() */
	for (uintptr_t i = 0; i < 3; i++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, NULL), "new chain");

		rf_chain_set_user(c, (void *)i);
		rf_chain_bpf(c, HELLO_SLOT, (__u32)i);
		check(rf_chain_queue(c), "queueing");
	}
	check(rf_ring_drain(ring, print_hello, NULL) == 3 ? 0 : -1, "running");

	rf_ring_destroy(ring);
	hello__destroy(skel);
	return 0;
}
