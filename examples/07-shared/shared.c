// SPDX-License-Identifier: MIT
/*
 * Tutorial 7: several objects, one record. Two BPF objects, wc (shared.bpf.c) and
 * sum (sum.bpf.c), run one after the other in each chain and write one chain
 * record: wc its counts, sum the text's CRC32C. Both objects and
 * this program take the record's type from one header, include/text_stats.h, so
 * they agree on where every field is; the objects share one rf_object before they
 * load, so their ops find the chain's record in the same map.
 */
#include <string.h>
#include <text_stats.h>
#include "example.h"
#include "shared.skel.h"
#include "sum.skel.h"

enum { WC_SLOT, SUM_SLOT };

static const struct {
	const char	*name;
	const char	*text;
	char		separator;	/* wc's, besides blanks and newlines */
} texts[] = {
	{ "poem", "Ops in the kernel,\nchains that decide their own IO,\nbytes checked on the way.\n", 0 },
	{ "csv", "key,value\nalpha,1\nbeta,22\ngamma,333\n", ',' },
	{ "no final newline", "one two  three\tfour", 0 },
};
#define NR_TEXTS (sizeof(texts) / sizeof(texts[0]))

/* Request buffers must be writable memory (the kernel pins them for writing). */
static char bufs[NR_TEXTS][128];

/* The same record, computed here. */
static struct text_record count(const char *text, char separator)
{
	struct text_record rec = { 0 };
	struct text_stats *st = &rec.stats;
	unsigned int line = 0;
	int in_word = 0;

	for (const char *p = text; *p; p++) {
		int sep = *p == ' ' || *p == '\t' || *p == '\n' || (separator && *p == separator);

		st->bytes++;
		if (!sep && !in_word)
			st->words++;
		in_word = !sep;
		if (*p == '\n') {
			st->lines++;
			line = 0;
		} else if (++line > st->longest) {
			st->longest = line;
		}
	}
	rec.crc = rf_crc32c_mem(text, strlen(text));
	return rec;
}

static void report(const struct rf_chain_result *r, void *arg)
{
	const struct text_record *rec = r->record;
	size_t i = (uintptr_t)r->user;
	struct text_record want = count(texts[i].text, texts[i].separator);
	unsigned int *matched = arg;
	char line[256];

	if (r->status) {
		rf_chain_describe(r, line, sizeof(line));
		printf("  %-17s %s\n", texts[i].name, line);
		return;
	}
	printf("  %-17s %u lines, %2u words, %3u bytes, longest line %2u bytes, crc32c 0x%08x\n",
	       texts[i].name, rec->stats.lines, rec->stats.words, rec->stats.bytes,
	       rec->stats.longest, rec->crc);
	*matched += !memcmp(rec, &want, sizeof(want));
}

int main(void)
{
	unsigned int matched = 0;
	struct rf_object *obj;
	struct rf_ring *ring;
	struct shared *wc;
	struct sum *sum;

	check(rf_probe(), "probing the kernel");
	wc = check_ptr(shared__open(), "opening wc's skeleton");
	sum = check_ptr(sum__open(), "opening sum's skeleton");
	/* one record map for both: their record types must agree, and do (one header) */
	check(rf_object_open(wc->obj, &obj), "creating the record and payload maps");
	check(rf_object_share(obj, sum->obj), "sharing them with sum");
	check(rf_load_skeleton(wc->skeleton), "loading wc");
	check(rf_load_skeleton(sum->skeleton), "loading sum");
	check(shared__attach(wc), "attaching wc");
	check(sum__attach(sum), "attaching sum");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, WC_SLOT, wc->links.wc), "binding wc");
	check(rf_ring_bind(ring, SUM_SLOT, sum->links.sum), "binding sum");

	for (uintptr_t i = 0; i < NR_TEXTS; i++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
		struct rf_stage *s = rf_chain_bpf(c, WC_SLOT, 0);
		struct text_args *args = check_ptr(rf_stage_payload(s), "payload slot");

		args->separator = (__u8)texts[i].separator;
		snprintf(bufs[i], sizeof(bufs[i]), "%s", texts[i].text);
		rf_stage_buf(s, bufs[i], (unsigned int)strlen(bufs[i]));
		rf_stage_buf(rf_chain_bpf(c, SUM_SLOT, 0), bufs[i], (unsigned int)strlen(bufs[i]));
		rf_chain_set_user(c, (void *)i);
		check(rf_chain_queue(c), "queueing");
	}
	printf("wc -> sum, two objects writing one record (include/text_stats.h):\n");
	check(rf_ring_drain(ring, report, &matched) != (int)NR_TEXTS, "running");
	printf("%u of %zu records match the ones computed here\n", matched, NR_TEXTS);

	rf_ring_destroy(ring);
	rf_object_close(obj);
	sum__destroy(sum);
	shared__destroy(wc);
	return matched == NR_TEXTS ? 0 : 1;
}
