// SPDX-License-Identifier: MIT
/* What a completed chain reports: which stage failed and why, in one line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ringflow/error.h>
#include "chain_internal.h"

static bool is_rw(const struct rf_stage *s)
{
	return s->kind >= RF_STAGE_READ && s->kind <= RF_STAGE_WRITE_FIXED;
}

/* Reads and writes that moved fewer bytes than asked (or steered) break the link. */
static bool short_transfer(const struct rf_chain *c, unsigned int i)
{
	return is_rw(&c->stages[i]) && c->res[i] >= 0 && (unsigned int)c->res[i] < c->len[i];
}

/* A link timeout is cancelled when the request it guards completes in time. */
static bool link_timeout_unneeded(const struct rf_chain *c, unsigned int i)
{
	return c->stages[i].kind == RF_STAGE_SQE &&
	       c->stages[i].sqe.opcode == IORING_OP_LINK_TIMEOUT && i > 0 &&
	       c->res[i] == -ECANCELED && c->res[i - 1] != -ECANCELED;
}

static bool stage_failed(const struct rf_chain *c, unsigned int i)
{
	return (c->res[i] < 0 && !link_timeout_unneeded(c, i)) || short_transfer(c, i);
}

/* Where each read/write ran: as submitted, unless an op steered it. */
static void steered_io(struct rf_chain *c, struct rf_chain_result *r)
{
	const struct rf_record_hdr *h = r->hdr;
	unsigned int i;

	r->steered = 0;
	for (i = 0; i < c->nr_stages; i++) {
		const struct rf_stage *s = &c->stages[i];

		c->pos[i] = is_rw(s) ? s->off : 0;
		c->len[i] = is_rw(s) ? s->len : 0;
		if (!h || !is_rw(s) || !(h->steered & (1U << i)))
			continue;
		r->steered |= 1U << i;
		if (h->steer_pos[i] != IORING_BPF_STEER_KEEP_POS)
			c->pos[i] = h->steer_pos[i];
		if (h->steer_len[i] != IORING_BPF_STEER_KEEP_LEN)
			c->len[i] = h->steer_len[i];
	}
	r->pos = c->pos;
	r->len = c->len;
}

/*
 * An op ended the chain (rf_chain_done()): the stages after it completed with
 * -EALREADY without running, and the one before them, a BPF stage, succeeded.
 */
static void ended_early(const struct rf_chain *c, struct rf_chain_result *r)
{
	unsigned int first = c->nr_stages;

	r->ended_at = -1;
	r->skipped = 0;
	while (first > 0 && c->res[first - 1] == -EALREADY)
		first--;
	if (first == c->nr_stages || first == 0 || c->stages[first - 1].kind != RF_STAGE_BPF ||
	    c->res[first - 1] < 0)
		return;
	r->ended_at = (int)first - 1;
	r->skipped = c->nr_stages - first;
}

/*
 * The failed stage is the first that failed on its own: a request that fails at
 * submission cancels the requests linked before it too, so a -ECANCELED stage is
 * the culprit only when no stage failed otherwise (e.g. the ring was closed).
 */
void rf_chain_outcome(struct rf_chain *c, struct rf_chain_result *r)
{
	unsigned int i, n;

	steered_io(c, r);
	ended_early(c, r);
	/* the skipped stages are not failures */
	n = c->nr_stages - r->skipped;
	r->status = 0;
	r->failed_stage = -1;
	r->cancelled = 0;
	for (i = 0; i < n && r->failed_stage < 0; i++) {
		if (stage_failed(c, i) && c->res[i] != -ECANCELED) {
			r->failed_stage = (int)i;
			r->status = c->res[i] < 0 ? c->res[i] : -EIO;
		}
	}
	for (i = 0; i < n && r->failed_stage < 0; i++) {
		if (stage_failed(c, i)) {
			r->failed_stage = (int)i;
			r->status = c->res[i] < 0 ? c->res[i] : -EIO;
		}
	}
	if (r->failed_stage < 0)
		return;
	for (i = 0; i < n; i++)
		r->cancelled += (int)i != r->failed_stage && stage_failed(c, i) &&
				c->res[i] == -ECANCELED;
}

/*
 * What an errno a BPF stage failed with (and gave no reason for) means in
 * ringflow: the record and payload lookups (maps.bpf.h) and the kernel's slot
 * errors (uapi.h).
 */
static const char *bpf_hint(const struct rf_chain *c, const struct rf_stage *s, int err)
{
	switch (err) {
	case -ENODATA:
		if (!c->record)
			return "the op needs a chain record, and this chain has none: create it "
			       "with rf_chain_new(ring, obj)";
		if (!s->payload)
			return "the op needs a payload, and this stage has none: give it one "
			       "with rf_stage_payload()";
		return "the op found no record or payload reference";
	case -EXDEV:
		return "the op's object does not share this chain's maps: share the chain's "
		       "rf_object with it (rf_object_share()) before loading it";
	case -ESTALE:
		return "a record or payload reference of this stage was stale (freed or "
		       "reused)";
	case -ERANGE:
		return "a record or payload reference of this stage is beyond its map";
	case -ENOENT:
		return c->ring->ops[s->slot].name[0] ? NULL :
		       "bind an op into the slot with rf_ring_bind()";
	case -ENOLINK:
		return "the op's link was detached: unbind the slot and bind a live op";
	default:
		return NULL;
	}
}

int rf_chain_describe(const struct rf_chain_result *r, char *buf, size_t size)
{
	const struct rf_chain *c = r->chain;
	const struct rf_stage *s;
	const struct rf_record_hdr *h = r->hdr;
	const char *name, *hint = NULL;
	int n, stage = r->failed_stage;
	size_t used;

	if (r->status == 0 && r->ended_at >= 0)
		return snprintf(buf, size, "ok, ended at stage %d (bpf op %s), %u stage%s skipped",
				r->ended_at, rf_chain_stage_name(c, (unsigned int)r->ended_at),
				r->skipped, r->skipped == 1 ? "" : "s");
	if (r->status == 0)
		return snprintf(buf, size, "ok (%u stage%s)", r->nr_stages,
				r->nr_stages == 1 ? "" : "s");
	s = &c->stages[stage];
	name = rf_chain_stage_name(c, (unsigned int)stage);
	if (s->kind == RF_STAGE_BPF && name[0])
		n = snprintf(buf, size, "failed at stage %d (bpf op %s, slot %u): ", stage, name,
			     s->slot);
	else if (s->kind == RF_STAGE_BPF)
		n = snprintf(buf, size, "failed at stage %d (bpf, slot %u, no op bound): ",
			     stage, s->slot);
	else
		n = snprintf(buf, size, "failed at stage %d (%s): ", stage, name);
#define APPEND(...) do {						\
		used = n < 0 ? 0 : (size_t)n;				\
		n += snprintf(buf + (used < size ? used : size),		\
			      used < size ? size - used : 0, __VA_ARGS__);	\
	} while (0)
	if (r->res[stage] >= 0 && (r->steered & (1U << stage)))
		APPEND("short transfer, %d of %u bytes at %llu (steered)", r->res[stage],
		       r->len[stage], (unsigned long long)r->pos[stage]);
	else if (r->res[stage] >= 0)
		APPEND("short transfer, %d of %u bytes", r->res[stage], r->len[stage]);
	else
		APPEND("%s", rf_strerror(r->status));
	if (h && h->error && h->stage == (unsigned int)stage) {
		APPEND(": %.*s", RF_REASON_LEN, h->reason);
		if (h->flags & RF_FAIL_DETAIL)
			APPEND(" [detail 0x%llx]", (unsigned long long)h->detail);
	} else if (s->kind == RF_STAGE_BPF && r->res[stage] < 0) {
		hint = bpf_hint(c, s, r->res[stage]);
	}
	if (hint)
		APPEND(": %s", hint);
	if (r->cancelled)
		APPEND("; %u other stage%s cancelled", r->cancelled, r->cancelled == 1 ? "" : "s");
#undef APPEND
	return n;
}
