// SPDX-License-Identifier: MIT
/* What a completed chain reports: which stage failed and why, in one line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ringflow/error.h>
#include "chain_internal.h"

/* Reads and writes that moved fewer bytes than asked break the link too. */
static bool short_transfer(const struct rf_stage *s, __s32 res)
{
	return s->kind != RF_STAGE_NOP && s->kind != RF_STAGE_BPF && res >= 0 &&
	       (unsigned int)res < s->len;
}

/*
 * The failed stage is the first that failed on its own: a request that fails at
 * submission cancels the requests linked before it too, so a -ECANCELED stage is
 * the culprit only when no stage failed otherwise (e.g. the ring was closed).
 */
void rf_chain_outcome(const struct rf_chain *c, struct rf_chain_result *r)
{
	unsigned int i;

	r->status = 0;
	r->failed_stage = -1;
	r->cancelled = 0;
	for (i = 0; i < c->nr_stages && r->failed_stage < 0; i++) {
		__s32 res = c->res[i];

		if ((res < 0 && res != -ECANCELED) || short_transfer(&c->stages[i], res)) {
			r->failed_stage = (int)i;
			r->status = res < 0 ? res : -EIO;
		}
	}
	for (i = 0; i < c->nr_stages && r->failed_stage < 0; i++) {
		if (c->res[i] < 0) {
			r->failed_stage = (int)i;
			r->status = c->res[i];
		}
	}
	for (i = 0; i < c->nr_stages; i++)
		r->cancelled += (int)i != r->failed_stage && c->res[i] == -ECANCELED;
}

int rf_chain_describe(const struct rf_chain_result *r, char *buf, size_t size)
{
	const struct rf_chain *c = r->chain;
	const struct rf_stage *s;
	const struct rf_chain_hdr *h = r->hdr;
	int n, stage = r->failed_stage;
	size_t used;

	if (r->status == 0)
		return snprintf(buf, size, "ok (%u stage%s)", r->nr_stages,
				r->nr_stages == 1 ? "" : "s");
	s = &c->stages[stage];
	if (s->kind == RF_STAGE_BPF)
		n = snprintf(buf, size, "failed at stage %d (bpf op %s, slot %u): ", stage,
			     rf_chain_stage_name(c, (unsigned int)stage), s->slot);
	else
		n = snprintf(buf, size, "failed at stage %d (%s): ", stage,
			     rf_chain_stage_name(c, (unsigned int)stage));
#define APPEND(...) do {						\
		used = n < 0 ? 0 : (size_t)n;				\
		n += snprintf(buf + (used < size ? used : size),		\
			      used < size ? size - used : 0, __VA_ARGS__);	\
	} while (0)
	if (r->res[stage] >= 0)
		APPEND("short transfer, %d of %u bytes", r->res[stage], s->len);
	else
		APPEND("%s", rf_strerror(r->status));
	if (h && h->error && h->stage == (unsigned int)stage) {
		APPEND(": %.*s", RF_REASON_LEN, h->reason);
		if (h->detail)
			APPEND(" [detail 0x%llx]", (unsigned long long)h->detail);
	}
	if (r->cancelled)
		APPEND("; %u other stage%s cancelled", r->cancelled, r->cancelled == 1 ? "" : "s");
#undef APPEND
	return n;
}
