// SPDX-License-Identifier: MIT
/*
 * The oracle of a batch: every request completed exactly once (checked while
 * reaping, fuzz_run.c), with a result its chain allows, and every byte a chain
 * that went as modelled wrote is the model's. A violation prints the seed, the
 * request, what was expected and what came back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fuzz.h"

static const char *kind_name(uint8_t k)
{
	static const char *const names[] = { "BPF", "READ", "WRITE", "NOP", "FSYNC",
					     "TIMEOUT", "LINK_TIMEOUT", "READ(pipe)" };

	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

void fz_print_req(const struct fz_req *r)
{
	fprintf(stderr, "    ud %llu %s (%s)%s%s%s", (unsigned long long)r->ud, kind_name(r->kind),
		r->what, r->sqe_flags & IOSQE_IO_LINK ? " LINK" : "",
		r->sqe_flags & IOSQE_IO_HARDLINK ? " HARDLINK" : "",
		r->sqe_flags & IOSQE_ASYNC ? " ASYNC" : "");
	if (r->kind == FZ_BPF) {
		fprintf(stderr, " slot %u mode %u flags 0x%x args 0x%llx 0x%llx reserved %u "
			"desc 0x%llx nr %u", r->slot, r->op_flags & KT_MODE_MASK,
			r->op_flags & ~KT_MODE_MASK, (unsigned long long)r->args[0],
			(unsigned long long)r->args[1], r->reserved,
			(unsigned long long)r->desc_addr, r->nr);
		for (unsigned int i = 0; i < r->nr && i < FZ_MAX_DESC; i++)
			fprintf(stderr, " [type %u flags %u idx %u len %u addr 0x%llx]",
				r->desc[i].type, r->desc[i].flags, r->desc[i].buf_index,
				r->desc[i].len, (unsigned long long)r->desc[i].addr);
	} else if (r->kind == FZ_READ || r->kind == FZ_WRITE) {
		fprintf(stderr, " buf %p len %u at %llu (expects %u)", (void *)r->buf, r->len,
			(unsigned long long)r->off, r->full_len);
	}
	fprintf(stderr, "\n      allowed:");
	for (int i = 0; i < r->nexp; i++)
		fprintf(stderr, " %d", r->exp[i]);
	if (r->nsub) {
		fprintf(stderr, "; at submission%s:", r->must_sub ? " (certain)" : "");
		for (int i = 0; i < r->nsub; i++)
			fprintf(stderr, " %d", r->sub[i]);
	}
	fprintf(stderr, "; got %d (%d CQEs)\n", r->res, r->ncqe);
}

void fz_violation(struct fz_seed *s, const struct fz_req *r, const char *fmt, ...)
{
	va_list ap;

	s->st->violations++;
	fprintf(stderr, "VIOLATION seed 0x%016llx ring %s: ", (unsigned long long)s->seed,
		s->ring_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (r)
		fz_print_req(r);
	fprintf(stderr, "  replay: tools/fuzz --seed 0x%016llx --count %llu --per-seed %llu\n",
		(unsigned long long)s->seed, (unsigned long long)s->count,
		(unsigned long long)s->count);
}

static bool in(const int32_t *set, int n, int32_t v)
{
	for (int i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

static void print_chain(const struct fz_seed *s, const struct fz_chain *c)
{
	fprintf(stderr, "  its chain (%s links):\n", c->hard ? "hard" : "soft");
	for (int i = c->first; i < c->first + c->n; i++)
		fz_print_req(&s->req[i]);
}

/* Results against the chain's rules; true when every request went as modelled. */
static bool check_results(struct fz_seed *s, const struct fz_chain *c)
{
	bool refused = false, modelled = true;
	int state = 0;	/* 0 running, 1 cancelled by a failure, 2 ended */

	for (int i = c->first; i < c->first + c->n; i++) {
		const struct fz_req *r = &s->req[i];

		if (r->must_sub || (in(r->sub, r->nsub, r->res) && !in(r->exp, r->nexp, r->res)))
			refused = true;
	}
	s->st->refused_chains += refused;
	for (int i = c->first; i < c->first + c->n; i++) {
		const struct fz_req *r = &s->req[i];
		bool ok;

		if (r->kind == FZ_BPF && r->slot == FZ_SLOT_CHAOS) {
			s->st->chaos_enoent += r->res == -ENOENT;
			s->st->chaos_enolink += r->res == -ENOLINK;
			s->st->chaos_ops += r->res >= 0;
		}

		if (refused) {
			/* a request refused at submission fails its whole chain */
			ok = r->must_sub ? in(r->sub, r->nsub, r->res) :
			     r->res == -ECANCELED || in(r->sub, r->nsub, r->res);
			modelled &= r->res == (r->must_sub ? r->sub[0] : -ECANCELED);
		} else if (r->kind == FZ_LINK_TIMEOUT) {
			ok = in(r->exp, r->nexp, r->res);
		} else if (state == 1) {
			ok = r->res == -ECANCELED;
		} else if (state == 2) {
			ok = r->res == -EALREADY;
		} else {
			ok = in(r->exp, r->nexp, r->res);
			if (r->ends_chain && r->res >= 0 && r->res == r->exp[0])
				state = 2;
			else if ((r->res < 0 || ((r->kind == FZ_READ || r->kind == FZ_WRITE) &&
						 r->res != (int32_t)r->full_len)) && !c->hard)
				state = 1;
		}
		if (!refused)
			modelled &= r->res == r->exp[0];
		if (!ok) {
			fz_violation(s, r, "result not allowed here");
			print_chain(s, c);
			return false;
		}
	}
	return modelled;
}

static void check_bytes(struct fz_seed *s, const struct fz_chain *c)
{
	static unsigned char buf[1 << 17];

	for (int i = 0; i < c->nreg; i++) {
		const struct fz_region *g = &c->reg[i];

		if (memcmp(g->mem, g->model, g->len) != 0) {
			size_t at = 0;

			while (g->mem[at] == g->model[at])
				at++;
			fz_violation(s, &s->req[c->first],
				     "memory %p + %zu (of %zu): byte 0x%02x, the ops computed 0x%02x",
				     (void *)g->mem, at, g->len, g->mem[at], g->model[at]);
			print_chain(s, c);
			return;
		}
	}
	if (c->out_len) {
		ssize_t n = pread(s->env->fd_out, buf, c->out_len, (off_t)c->out_off);

		if (n != (ssize_t)c->out_len ||
		    memcmp(buf, s->env->out_model + c->out_off, c->out_len) != 0) {
			fz_violation(s, &s->req[c->first], "fd_out at %llu, %u bytes: not what "
				     "the chain computed", (unsigned long long)c->out_off, c->out_len);
			print_chain(s, c);
		}
	}
}

/*
 * The callbacks op_main counted for request r (st; NULL: none), against the
 * contract of uapi.h: none when the kernel's checks refused it; prep once; fail
 * once with the CQE's result when that is negative; cleanup once after a prep
 * that succeeded; issue once unless it was cancelled or its chain ended before.
 */
static void check_callbacks(struct fz_seed *s, const struct fz_req *r,
			    const struct kt_req_stat *st)
{
	bool prep_failed = r->prep_err && r->res == r->sub[0];
	bool refused = !prep_failed && in(r->sub, r->nsub, r->res) && !in(r->exp, r->nexp, r->res);
	bool not_run = prep_failed || r->res == -ECANCELED || r->res == -EALREADY;
	unsigned long long want[KT_NR_CB] = { 1, !not_run, r->res < 0, !prep_failed };

	if (refused || r->res == INT32_MIN) {
		if (st)
			fz_violation(s, r, "callbacks ran for a request the kernel refused: "
				     "prep %llu issue %llu fail %llu cleanup %llu", st->n[0],
				     st->n[1], st->n[2], st->n[3]);
		return;
	}
	if (!st) {
		fz_violation(s, r, "no callback ran");
		return;
	}
	if (st->n[0] != want[0] || st->n[1] != want[1] || st->n[2] != want[2] ||
	    st->n[3] != want[3] || (want[2] && st->fail_res != r->res))
		fz_violation(s, r, "callbacks prep %llu issue %llu fail %llu (res %lld) cleanup "
			     "%llu; the contract: %llu %llu %llu (res %d) %llu", st->n[0], st->n[1],
			     st->n[2], st->fail_res, st->n[3], want[0], want[1], want[2], r->res,
			     want[3]);
}

/* Take every per-request record op_main made out of its map, and check each. */
static void drain_callbacks(struct fz_seed *s, uint64_t base)
{
	static __u64 keys[512];
	static struct kt_req_stat vals[512];
	static bool seen[1024];
	int fd = bpf_map__fd(s->env->skel->maps.reqs), ret;
	__u64 token = 0;
	void *in_batch = NULL;

	memset(seen, 0, sizeof(seen));
	do {
		__u32 n = 512;

		ret = bpf_map_lookup_and_delete_batch(fd, in_batch, &token, keys, vals, &n, NULL);
		if (ret && errno != ENOENT) {
			fz_violation(s, NULL, "reading op_main's records: %s", strerror(errno));
			return;
		}
		for (__u32 i = 0; i < n; i++) {
			uint64_t at = keys[i] - base;

			if (keys[i] < base || at >= (uint64_t)s->nreq || s->req[at].kind != FZ_BPF) {
				fz_violation(s, NULL, "callbacks ran for user_data %llu, no request "
					     "of this batch", (unsigned long long)keys[i]);
				continue;
			}
			seen[at] = true;
			check_callbacks(s, &s->req[at], &vals[i]);
		}
		in_batch = &token;
	} while (!ret);
	for (int i = 0; i < s->nreq; i++)
		if (!seen[i] && s->req[i].kind == FZ_BPF && s->req[i].slot == FZ_SLOT_MAIN &&
		    s->req[i].ncqe)
			check_callbacks(s, &s->req[i], NULL);
}

void fz_check_batch(struct fz_seed *s, uint64_t base)
{
	drain_callbacks(s, base);
	for (int i = 0; i < s->nchain; i++) {
		const struct fz_chain *c = &s->chain[i];

		for (int j = c->first; j < c->first + c->n; j++)
			if (s->req[j].prep_err && s->req[j].res == s->req[j].sub[0])
				s->env->prep_fails++;
		if (check_results(s, c)) {
			s->st->checked_chains++;
			check_bytes(s, c);
		}
	}
}
