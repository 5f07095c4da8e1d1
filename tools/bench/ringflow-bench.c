// SPDX-License-Identifier: MIT
/*
 * ringflow-bench: IORING_OP_BPF against the best a user would write instead, every
 * variant in the same run on the same data, reported as ratios. The sections:
 *
 *   a. per-request overhead: the built-in rf_nop op against IORING_OP_NOP (nop.c);
 *   b. read -> crc32c -> write, per block, from one RAM disk to another with
 *      O_DIRECT: linked chains with the rf_crc32c op in the kernel, against
 *      pread/pwrite and batched io_uring round trips with the crc32c in userspace;
 *   c. crc32c alone, to tell how much of b is the checksum code itself (b and c:
 *      pipeline.c);
 *   d. per-request arguments: an mmap'ed payload slot against
 *      bpf_map_update_elem() (payload.c);
 *   e. B+-tree lookups, steered BPF chains against pread and io_uring round trips
 *      per level, and where a steered lookup's instructions go (btree.c).
 *
 * What the figures are, and how kernel entries are counted: harness.c. This file
 * has the options, the set-up every section shares (the built-in ops bound into
 * one ring) and --check.
 *
 * Every variant's checksums and output are compared; any mismatch exits 1.
 * Runs in the ringflow VM: tools/bench/run [--quick] [--check] [--json FILE].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <bpf/libbpf.h>
#include <ringflow/ringflow.h>
#include <ringflow/builtin.h>
#include "rf_builtin.skel.h"
#include "bench.h"

/* The built-in ops, bound into the SLOT_* of one ring the sections a to d use. */
static void setup(struct bench *b)
{
	struct rf_ring_opts opts = { .entries = 256, .max_chains = WINDOW + BATCH };

	must(rf_probe(), "probing the kernel");
	b->skel = rf_builtin__open();
	must(b->skel ? 0 : -errno, "opening the built-in ops");
	must(rf_load_skeleton(b->skel->skeleton), "loading the built-in ops");
	must(rf_builtin__attach(b->skel), "attaching the built-in ops");
	must(rf_object_open(b->skel->obj, &b->obj), "mapping the record map");
	must(rf_ring_create(&opts, &b->ring), "creating the ring");
	must(rf_ring_bind(b->ring, SLOT_CRC, b->skel->links.rf_crc32c), "binding rf_crc32c");
	must(rf_ring_bind(b->ring, SLOT_NOP, b->skel->links.rf_nop), "binding rf_nop");
	must(rf_ring_bind(b->ring, SLOT_XOR, b->skel->links.rf_xor), "binding rf_xor");
	must(bind_kernel_nop(b->ring, SLOT_KERNEL_NOP), "binding the kernel's null op");
	must(bpf_map__value_size(b->skel->maps.rf_payloads) ==
	     sizeof(struct rf_payload_hdr) + sizeof(struct rf_builtin_args) ? 0 : -EINVAL,
	     "checking the payload map's value size");
}

/*
 * --check: the counting pass must see every system call. Rows whose entries are
 * known in advance: pread + pwrite make 2 per block; 32 nops complete inline
 * within one io_uring_enter(); bpf_map_update_elem() adds one bpf() per request;
 * the B+-tree's rows one per level, per level of a batch, per batch.
 */
static bool check_entries(const struct bench *b)
{
	bool rw = pipeline_entries_ok(b), nop = nop_entries_ok(b), bpf = payload_entries_ok(b);
	bool btree = btree_entries_ok(b);

	printf("--check: kernel entries counted exactly: pread + pwrite 2 per block: %s, "
	       "IORING_OP_NOP 1 per batch: %s, bpf_map_update_elem 1 per request + 1 per batch: %s\n",
	       rw ? "yes" : "NO", nop ? "yes" : "NO", bpf ? "yes" : "NO");
	printf("--check: B+-tree kernel entries counted exactly: pread 1 per level, io_uring 1 per "
	       "level of 32 lookups, BPF chains 1 per 32 lookups at every depth: %s\n",
	       btree ? "yes" : "NO");
	return rw && nop && bpf && btree;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ringflow-bench [--icount] [--quick] [--check] [--json FILE] [--git REV]\n"
		"  --icount     the guest runs under qemu -icount shift=0: report guest instructions\n"
		"               (checked at start); without it, TCG wall time\n"
		"  --quick      small counts (a few seconds under TCG)\n"
		"  --check      also make sure the result verification catches wrong results and\n"
		"               the kernel entry counts are exact (one round per variant)\n"
		"  --json FILE  write the results as JSON (tools/bench/compare compares two)\n"
		"  --git REV    the source revision, for the header and the JSON\n"
		"Exits 1 when a variant fails or computes a different result.\n");
}

int main(int argc, char **argv)
{
	static struct bench b;
	const char *json = NULL, *rev = "unknown", *crc32c_name;
	bool quick = false, check = false;
	/* fixed counts (multiples of BATCH), so a run takes bounded time */
	unsigned long nops, blocks4k, blocks64k, npayload;
	uint64_t loop = 0;
	int status;

	/*
	 * Without address space randomization: where the stack and the mappings land
	 * changes how many instructions some copies and lookups take, and the guest
	 * draws that randomness afresh in every boot.
	 */
	status = personality(0xffffffff);
	if (status != -1 && !(status & ADDR_NO_RANDOMIZE) &&
	    personality((unsigned long)status | ADDR_NO_RANDOMIZE) != -1)
		execv("/proc/self/exe", argv);	/* on failure, go on randomized */

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "--icount")) {
			b.icount = true;
		} else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
			json = argv[++i];
		} else if (!strcmp(argv[i], "--git") && i + 1 < argc) {
			rev = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	nops = quick ? 3200 : 100000;
	blocks4k = quick ? 128 : 2048;
	blocks64k = quick ? 16 : 256;
	npayload = quick ? 3200 : 32000;
	b.rounds = ROUNDS;
	/* --check is about results, not speed (the VM test runs it): one round */
	if (check)
		b.rounds = 1;
	memset(b.entries, 0xff, sizeof(b.entries));	/* -1: not counted */

	if (b.icount)
		loop = check_icount();
	crc32c_name = pick_crc32c();

	start_counting_pass(&b);
	setup(&b);
	if (!b.icount && !b.counting)
		calibrate_tsc();
	if (!b.counting)
		print_header(&b, rev, quick, loop, crc32c_name);
	section_nop(&b, nops);
	section_pipeline(&b, 4096, blocks4k, "pipeline 4K", "crc32c 4K");
	section_pipeline(&b, 65536, blocks64k, "pipeline 64K", "crc32c 64K");
	section_payload(&b, npayload);
	section_btree(&b, quick);
	rf_ring_destroy(b.ring);
	rf_object_close(b.obj);
	rf_builtin__destroy(b.skel);
	if (b.counting) {
		end_counting_pass(&b);
		return b.failures ? 1 : 0;
	}

	if (b.counted != (long)b.nr_results) {
		fprintf(stderr, "ringflow-bench: the counting pass ran %ld variants, this one %u\n",
			b.counted, b.nr_results);
		b.failures++;
	}
	if (check && !pipeline_check_verifier(&b))
		b.failures++;
	if (check && !check_entries(&b))
		b.failures++;
	if (json && write_json(&b, json, rev, quick, crc32c_name))
		b.failures++;
	if (b.failures) {
		printf("\nFAILED: %d variant(s) failed or computed a different result\n", b.failures);
		return 1;
	}
	printf("\nall variants verified: identical checksums, output files equal to the input,\n"
	       "every payload request's buffer xored with its own key, every B+-tree lookup\n"
	       "equal to a userspace lookup\n");
	return 0;
}
