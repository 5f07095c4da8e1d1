// SPDX-License-Identifier: MIT
/*
 * Tutorial 7: one header of types for both sides. include/text_stats.h defines the
 * wc op's record and payload; shared.bpf.c and this program include the same
 * file, so a field added or moved on one side is on the other too (tutorial 2
 * copied its types by hand instead). The header guards what only one side has
 * with __VMLINUX_H__, as <ringflow/layout.h> and <ringflow/builtin.h> do.
 */
#include <string.h>
#include <text_stats.h>
#include "example.h"
#include "shared.skel.h"

#define WC_SLOT 0

static const struct {
	const char	*name;
	const char	*text;
	char		separator;
} texts[] = {
	{ "poem", "Ops in the kernel,\nchains that decide their own IO,\nbytes checked on the way.\n", 0 },
	{ "csv", "key,value\nalpha,1\nbeta,22\ngamma,333\n", ',' },
	{ "no final newline", "one two  three\tfour", 0 },
};
#define NR_TEXTS (sizeof(texts) / sizeof(texts[0]))

/* Request buffers must be writable memory (the kernel pins them for writing). */
static char bufs[NR_TEXTS][128];

/* The same counts, computed here. */
static struct text_stats count(const char *text, char separator)
{
	struct text_stats st = { 0 };
	unsigned int line = 0;
	int in_word = 0;

	for (const char *p = text; *p; p++) {
		int sep = *p == ' ' || *p == '\t' || *p == '\n' || (separator && *p == separator);

		st.bytes++;
		if (!sep && !in_word)
			st.words++;
		in_word = !sep;
		if (*p == '\n') {
			st.lines++;
			line = 0;
		} else if (++line > st.longest) {
			st.longest = line;
		}
	}
	return st;
}

static void report(const struct rf_chain_result *r, void *arg)
{
	const struct text_stats *st = r->record;
	size_t i = (uintptr_t)r->user;
	struct text_stats want = count(texts[i].text, texts[i].separator);
	unsigned int *matched = arg;
	char line[256];

	if (r->status) {
		rf_chain_describe(r, line, sizeof(line));
		printf("  %-17s %s\n", texts[i].name, line);
		return;
	}
	printf("  %-17s %u lines, %2u words, %3u bytes, longest line %u bytes\n",
	       texts[i].name, st->lines, st->words, st->bytes, st->longest);
	*matched += !memcmp(st, &want, sizeof(want));
}

int main(void)
{
	unsigned int matched = 0;
	struct rf_object *obj;
	struct rf_ring *ring;
	struct shared *skel;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(shared__open(), "opening the skeleton");
	check(rf_object_open(skel->obj, &obj), "creating the record and payload maps");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(shared__attach(skel), "attaching");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, WC_SLOT, skel->links.wc), "binding");

	for (uintptr_t i = 0; i < NR_TEXTS; i++) {
		struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
		struct rf_stage *s = rf_chain_bpf(c, WC_SLOT, 0);
		struct text_args *args = check_ptr(rf_stage_payload(s), "payload slot");

		args->separator = (__u8)texts[i].separator;
		snprintf(bufs[i], sizeof(bufs[i]), "%s", texts[i].text);
		rf_stage_buf(s, bufs[i], (unsigned int)strlen(bufs[i]));
		rf_chain_set_user(c, (void *)i);
		check(rf_chain_queue(c), "queueing");
	}
	printf("wc in BPF, its types from include/text_stats.h on both sides:\n");
	check(rf_ring_drain(ring, report, &matched) != (int)NR_TEXTS, "running");
	printf("%u of %zu counts match the ones computed here\n", matched, NR_TEXTS);

	rf_ring_destroy(ring);
	rf_object_close(obj);
	shared__destroy(skel);
	return matched == NR_TEXTS ? 0 : 1;
}
