// SPDX-License-Identifier: MIT
/*
 * Generating a batch: random link chains of IORING_OP_BPF and ordinary requests,
 * each request with the results include/ringflow/uapi.h allows for it. A model
 * of the memory and of fd_out follows every chain along the path the oracle
 * expects (exp[0] of each request), so that the bytes can be checked after.
 */
#include <errno.h>
#include <string.h>
#include "fuzz.h"

#define ETIME_		62	/* a timeout expired */
#define ENODATA_	61	/* kt_ops: a window kfunc returned NULL (KT_NO_WINDOW) */
#define PAGE		4096UL

/* the state of a chain along the modelled path */
enum { RUN, CANCELED, ENDED };

struct gen {
	struct fz_seed *s;
	struct fz_chain *c;
	int state;		/* along the modelled path */
	bool sub_fault;		/* a request of this chain is refused at submission */
};

static struct fz_req *new_req(struct gen *g, uint8_t kind, const char *what)
{
	struct fz_seed *s = g->s;
	struct fz_req *r = &s->req[s->nreq++];

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->what = what;
	r->ud = s->next_ud++;
	r->res = INT32_MIN;
	r->fixed_idx = -1;
	g->c->n++;
	return r;
}

static void exp1(struct fz_req *r, int32_t v)
{
	r->exp[0] = v;
	r->nexp = 1;
}

/* What a program's negative result completes with (uapi.h: the errno range). */
static int32_t completed_as(int32_t err)
{
	return err < -IORING_BPF_MAX_ERRNO ? -EINVAL : err;
}

static void also(struct fz_req *r, int32_t v)
{
	if (r->nexp < FZ_MAX_EXP)
		r->exp[r->nexp++] = v;
}

static void sub1(struct fz_req *r, int32_t v)
{
	if (r->nsub < FZ_MAX_EXP)
		r->sub[r->nsub++] = v;
}

static bool live(const struct gen *g)
{
	return g->state == RUN && !g->sub_fault;
}

/* Fill fresh memory and its model with the same random bytes. */
static void fill(struct fz_rng *rng, unsigned char *mem, unsigned char *model, size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t v = fz_next(rng);

		memcpy(mem + i, &v, 8);
	}
	for (; i < len; i++)
		mem[i] = (unsigned char)fz_next(rng);
	memcpy(model, mem, len);
}

static void add_region(struct gen *g, unsigned char *mem, unsigned char *model, size_t len)
{
	struct fz_chain *c = g->c;

	if (c->nreg < FZ_MAX_REGIONS && len) {
		c->reg[c->nreg].mem = mem;
		c->reg[c->nreg].model = model;
		c->reg[c->nreg].len = len;
		c->nreg++;
	}
}

/* A region of the arena (page-aligned when asked), filled, checked with the chain. */
static unsigned char *arena(struct gen *g, size_t len, bool page_align, unsigned char **model)
{
	struct fz_seed *s = g->s;
	size_t at = s->arena_used;

	if (page_align)
		at = (at + PAGE - 1) & ~(PAGE - 1);
	else
		at += fz_below(&s->rng, 64);
	if (at + len > FZ_ARENA_LEN)
		return NULL;
	s->arena_used = at + len;
	fill(&s->rng, s->env->arena + at, s->env->arena_model + at, len);
	*model = s->env->arena_model + at;
	add_region(g, s->env->arena + at, *model, len);
	return s->env->arena + at;
}

/* A region of registered buffer *idx (0 or 1: the halves of env->fixed). */
static unsigned char *fixed(struct gen *g, size_t len, unsigned int *idx, unsigned char **model)
{
	struct fz_seed *s = g->s;
	size_t half = FZ_FIXED_LEN / 2, at = s->fixed_used + fz_below(&s->rng, 64);

	if (at / half != (at + len - 1) / half)
		at = (at + len - 1) / half * half;
	if (at + len > FZ_FIXED_LEN)
		return NULL;
	s->fixed_used = at + len;
	*idx = (unsigned int)(at / half);
	fill(&s->rng, s->env->fixed + at, s->env->fixed_model + at, len);
	*model = s->env->fixed_model + at;
	add_region(g, s->env->fixed + at, *model, len);
	return s->env->fixed + at;
}

static struct io_uring_bpf_buf ubuf(const void *p, uint32_t len, uint8_t flags)
{
	struct io_uring_bpf_buf b = { .type = IORING_BPF_BUF_USER, .flags = flags, .len = len,
				      .addr = (uint64_t)(uintptr_t)p };
	return b;
}

static struct io_uring_bpf_buf fbuf(unsigned int idx, const void *p, uint32_t len, uint8_t flags)
{
	struct io_uring_bpf_buf b = { .type = IORING_BPF_BUF_FIXED, .flags = flags,
				      .buf_index = (uint16_t)idx, .len = len,
				      .addr = (uint64_t)(uintptr_t)p };
	return b;
}

static struct fz_req *bpf_req(struct gen *g, unsigned int slot, unsigned int mode,
			      const char *what)
{
	struct fz_req *r = new_req(g, FZ_BPF, what);

	r->slot = slot;
	r->op_flags = mode;
	r->desc_addr = (uint64_t)(uintptr_t)r->desc;
	g->s->st->bpf++;
	return r;
}

/* The descriptor of a buffer the request (and its model) works on. */
struct buf {
	unsigned char *mem, *model;
	uint32_t len;
};

/* A writable buffer in the arena or a registered buffer, described either way. */
static bool data_buf(struct gen *g, struct fz_req *r, uint32_t len, bool page_align,
		     struct buf *b)
{
	struct fz_rng *rng = &g->s->rng;
	unsigned int idx;

	if (fz_one_in(rng, 3)) {
		b->mem = fixed(g, len ? len : 1, &idx, &b->model);
		if (!b->mem)
			return false;
		r->desc[r->nr++] = fbuf(idx, b->mem, len, 0);
	} else {
		b->mem = arena(g, len ? len : 1, page_align, &b->model);
		if (!b->mem)
			return false;
		r->desc[r->nr++] = ubuf(b->mem, len, 0);
	}
	b->len = len;
	return true;
}

/* Extra valid descriptors after the ones the op uses, checked but not touched. */
static void extra_descs(struct gen *g, struct fz_req *r)
{
	struct fz_seed *s = g->s;
	struct fz_rng *rng = &s->rng;
	unsigned char *m;

	while (r->nr < IORING_BPF_MAX_BUFS && fz_one_in(rng, 2)) {
		switch (fz_below(rng, 7)) {
		case 0:	/* read-only mapping, read-only descriptor */
			r->desc[r->nr++] = ubuf(s->env->ro + fz_below(rng, 4096),
						fz_below(rng, 60000), IORING_BPF_BUF_RDONLY);
			break;
		case 1:	/* zero length */
			r->desc[r->nr++] = ubuf(s->env->arena, 0, 0);
			break;
		case 2:	/* the whole largest buffer, once a batch: a 16 MiB pin */
			if (!s->big_used && fz_one_in(rng, 64)) {
				s->big_used = true;
				r->desc[r->nr++] = ubuf(s->env->big, IORING_BPF_MAX_BUF_LEN, 0);
			}
			break;
		case 3:	/* overlapping an earlier one (not the 16 MiB one: each
			 * descriptor's pages count against RLIMIT_MEMLOCK) */
			if (r->nr && r->desc[r->nr - 1].len < IORING_BPF_MAX_BUF_LEN)
				r->desc[r->nr] = r->desc[r->nr - 1], r->nr++;
			break;
		case 4: { /* a registered buffer, read-only */
			unsigned int idx;

			unsigned char *model;

			m = fixed(g, 1 + fz_below(rng, 8192), &idx, &model);
			if (m)
				r->desc[r->nr++] = fbuf(idx, m, 1 + fz_below(rng, 100),
							IORING_BPF_BUF_RDONLY);
			break;
		}
		default: { /* writable arena memory */
			unsigned char *model;
			uint32_t len = fz_below(rng, 8192);

			m = arena(g, len ? len : 1, false, &model);
			if (m)
				r->desc[r->nr++] = ubuf(m, len, 0);
			break;
		}
		}
	}
}

/*
 * A request refused by the kernel's checks or by prep, before it runs: exactly
 * one fault, so that the errno is certain. Its chain fails as a whole.
 */
static void bpf_fault(struct gen *g)
{
	struct fz_seed *s = g->s;
	struct fz_env *env = s->env;
	struct fz_rng *rng = &s->rng;
	static const unsigned int slots[] = { FZ_SLOT_MAIN, FZ_SLOT_MIN, FZ_SLOT_NULL };
	unsigned int slot = slots[fz_below(rng, 3)];
	struct fz_req *r = bpf_req(g, slot, KT_MODE_RESULT, "");
	struct io_uring_bpf_buf *d;

	r->args[0] = fz_below(rng, 1000);
	r->must_sub = true;
	/* a valid descriptor or two the fault goes among */
	if (fz_one_in(rng, 2))
		r->desc[r->nr++] = ubuf(env->ro, 100, IORING_BPF_BUF_RDONLY);
	d = &r->desc[r->nr];
	*d = ubuf(env->arena, 64, 0);
	switch (fz_below(rng, 22)) {
	case 0:
		r->slot = FZ_SLOT_FREE + fz_below(rng, IORING_BPF_MAX_OPS - FZ_SLOT_FREE);
		r->what = "unbound slot";
		sub1(r, -ENOENT);
		return;
	case 1:
		r->slot = IORING_BPF_MAX_OPS + fz_below(rng, 256 - IORING_BPF_MAX_OPS);
		r->what = "slot out of range";
		sub1(r, -ERANGE);
		return;
	case 2:
		r->reserved = 1 + fz_below(rng, 4);
		r->what = "reserved SQE field";
		sub1(r, -EINVAL);
		return;
	case 3: {
		static const uint32_t many[] = { 5, 6, 255, 1U << 20, ~0U };

		r->nr = many[fz_below(rng, 5)];
		r->what = "too many descriptors";
		sub1(r, -E2BIG);
		return;
	}
	case 4:
		if (fz_one_in(rng, 2)) {
			r->nr = 0;
			r->desc_addr = (uint64_t)(uintptr_t)env->arena;
			r->what = "len = 0, addr != 0";
		} else {
			r->nr = 1 + fz_below(rng, 4);
			r->desc_addr = 0;
			r->what = "len > 0, addr = 0";
		}
		sub1(r, -EINVAL);
		return;
	case 5:
		r->nr = 1 + fz_below(rng, 4);
		{
			const uint64_t bad[] = { (uint64_t)(uintptr_t)env->hole, FZ_UNMAPPED,
						 0xffffffff81000000ULL };

			r->desc_addr = bad[fz_below(rng, 3)];
		}
		r->what = "descriptor array unreadable";
		sub1(r, -EFAULT);
		return;
	case 6:
		d->type = fz_one_in(rng, 2) ? 0 : (uint8_t)(3 + fz_below(rng, 253));
		r->what = "descriptor type";
		sub1(r, -EINVAL);
		break;
	case 7:
		d->flags = (uint8_t)(2 << fz_below(rng, 7));
		r->what = "descriptor flags";
		sub1(r, -EINVAL);
		break;
	case 8:
		d->buf_index = (uint16_t)(1 + fz_below(rng, 65535));
		r->what = "buf_index of a user buffer";
		sub1(r, -EINVAL);
		break;
	case 9:
		d->addr = (uint64_t)(uintptr_t)env->big;
		d->len = IORING_BPF_MAX_BUF_LEN + 1 + fz_below(rng, 1U << 30);
		r->what = "buffer longer than the limit";
		sub1(r, -E2BIG);
		break;
	case 10:
		d->len = 4096 + fz_below(rng, 65536);
		d->addr = ~0ULL - fz_below(rng, 4096);
		r->what = "addr + len wraps";
		sub1(r, -EOVERFLOW);
		break;
	case 11:
		d->len = IORING_BPF_MAX_BUF_LEN + 1;
		d->addr = ~0ULL - 10;
		r->what = "wraps and too long";
		sub1(r, -E2BIG);
		break;
	case 12: {
		static const uint64_t bad[] = { 0, FZ_UNMAPPED, 0xffff888000000000ULL,
						0xffffffff81000000ULL };

		d->addr = fz_one_in(rng, 2) ? (uint64_t)(uintptr_t)env->hole : bad[fz_below(rng, 4)];
		d->len = 1 + fz_below(rng, 4096);
		r->what = "NULL, kernel or unmapped buffer";
		sub1(r, -EFAULT);
		break;
	}
	case 13:
		*d = ubuf(env->ro + fz_below(rng, 4096), 1 + fz_below(rng, 4096), 0);
		r->what = "writable descriptor on a read-only mapping";
		sub1(r, -EFAULT);
		break;
	case 14:
		*d = fbuf(FZ_FIXED_CHAOS + 1 + fz_below(rng, 65535 - FZ_FIXED_CHAOS), env->fixed, 8, 0);
		r->what = "fixed buffer index empty or out of range";
		sub1(r, -EFAULT);
		break;
	case 15: {
		size_t half = FZ_FIXED_LEN / 2;

		if (fz_one_in(rng, 2))
			*d = fbuf(0, env->fixed + half - 8, 16 + fz_below(rng, 100), 0);
		else
			*d = fbuf(1, env->fixed + half - 1 - fz_below(rng, 100), 8, 0);
		r->what = "range outside the registered buffer";
		sub1(r, -EFAULT);
		break;
	}
	case 16:
		/* 64 MiB pinned at once: beyond RLIMIT_MEMLOCK (only charged without
		 * CAP_IPC_LOCK; costly, so rare) */
		if (!env->memlock_charged || s->big_used || !fz_one_in(rng, 8)) {
			r->slot = IORING_BPF_MAX_OPS;
			r->what = "slot out of range";
			sub1(r, -ERANGE);
			return;
		}
		s->big_used = true;
		for (r->nr = 0; r->nr < 4; r->nr++)
			r->desc[r->nr] = ubuf(env->big, IORING_BPF_MAX_BUF_LEN, 0);
		r->slot = FZ_SLOT_MAIN;
		r->what = "pins beyond RLIMIT_MEMLOCK";
		sub1(r, -ENOMEM);
		return;
	case 17:
	case 18: {
		static const unsigned int errs[] = { 52, 54, 56, 1, 12 };
		unsigned int e = errs[fz_below(rng, 5)];

		r->slot = FZ_SLOT_MAIN;
		r->op_flags |= e << KT_PREP_ERR_SHIFT;
		r->prep_err = true;
		r->what = "prep returns an error";
		sub1(r, -(int32_t)e);
		break;
	}
	case 19:
		r->slot = FZ_SLOT_MAIN;
		r->op_flags |= KT_FLAG_PREP_HUGE;
		r->prep_err = true;
		r->what = "prep returns -5000";
		sub1(r, -EINVAL);
		break;
	default:
		/* the fault in a descriptor after valid ones */
		while (r->nr < 3)
			r->desc[r->nr++] = ubuf(env->ro, 10, IORING_BPF_BUF_RDONLY);
		d = &r->desc[r->nr];
		*d = ubuf(env->hole, 1 + fz_below(rng, 9000), 0);
		r->what = "last descriptor unmapped";
		sub1(r, -EFAULT);
		break;
	}
	r->nr++;
}

/* op_main modes on buffer 0 (and 1), modelled; the kfuncs' own errors included. */
static void bpf_data(struct gen *g)
{
	struct fz_seed *s = g->s;
	struct fz_rng *rng = &s->rng;
	bool on = live(g);
	struct fz_req *r;
	struct buf a, b;
	uint32_t len = 1 + fz_below(rng, fz_one_in(rng, 8) ? 65536 + 63 : 8192);
	unsigned int mode = fz_below(rng, 8);

	r = bpf_req(g, FZ_SLOT_MAIN, 0, "");
	if (!data_buf(g, r, len, mode == 3, &a)) {
		r->op_flags = KT_MODE_NORESULT;
		r->what = "noresult";
		exp1(r, 0);
		return;
	}
	switch (mode) {
	case 0: { /* xor in place, or -EIO when the buffer is read-only */
		uint8_t key = (uint8_t)fz_next(rng);

		r->op_flags = KT_MODE_XOR;	/* len <= 64 KiB + 63: what its loop takes */
		r->args[0] = key;
		if (fz_one_in(rng, 6)) {
			r->desc[0].flags = IORING_BPF_BUF_RDONLY;
			r->what = "xor on a read-only descriptor";
			exp1(r, -EIO);
			break;
		}
		r->what = "xor";
		exp1(r, (int32_t)len);
		if (on)
			for (uint32_t i = 0; i < len; i++)
				a.model[i] ^= key;
		break;
	}
	case 1: { /* crc32c of a range, or -ERANGE */
		uint32_t off = fz_below(rng, len + 1), n = fz_below(rng, len - off + 1);

		r->op_flags = KT_MODE_CRC_RES;
		r->what = "crc32c";
		if (fz_one_in(rng, 2))
			r->desc[0].flags = IORING_BPF_BUF_RDONLY;
		if (fz_one_in(rng, 8)) {
			n = len - off + 1 + fz_below(rng, 100);
			r->what = "crc32c past the end";
		}
		r->args[0] = IORING_BPF_BUF_POS(0, off);
		r->args[1] = n;
		exp1(r, off + n > len ? -ERANGE : (int32_t)(fz_crc32c(a.model + off, n) & 0x7fffffff));
		break;
	}
	case 2: { /* byte sum in 256-byte blocks */
		uint64_t sum = 0, w;
		uint32_t blocks = len / 256;

		if (blocks > 1024)
			blocks = 1024;
		for (uint32_t i = 0; i < blocks * 256; i += 8) {
			memcpy(&w, a.model + i, 8);
			sum += w;
		}
		r->op_flags = KT_MODE_SUM;
		r->what = "sum";
		exp1(r, (int32_t)((sum ^ (sum >> 32)) & 0x7fffffff));
		break;
	}
	case 3: { /* windows inside a page; a crossing read-only one may return NULL */
		uint32_t off = fz_below(rng, len);
		bool ro = fz_one_in(rng, 2);
		uintptr_t at = (uintptr_t)a.mem + off;
		bool cross = (at & (PAGE - 1)) + 64 > PAGE;

		r->args[0] = IORING_BPF_BUF_POS(0, off);
		r->op_flags = ro ? KT_MODE_WINDOW_RO : KT_MODE_WINDOW;
		if (off + 64 > len) {
			r->what = "window past the end";
			exp1(r, -ENODATA_);
		} else if (ro) {
			int sum = 0;

			for (int i = 0; i < 64; i++)
				sum += a.model[off + i];
			r->what = "read-only window";
			exp1(r, sum);
			if (cross)
				also(r, -ENODATA_);
		} else if (cross) {
			r->desc[0].flags = IORING_BPF_BUF_RDONLY;
			r->what = "writable window on a read-only descriptor";
			exp1(r, -ENODATA_);
		} else {
			r->what = "window";
			exp1(r, 64);
			if (on)
				memset(a.model + off, 0xcd, 64);
		}
		break;
	}
	case 4:
	case 5: { /* copy into a second buffer: bounds, read-only and aliasing */
		uint32_t blen = 1 + fz_below(rng, 8192), n, so, dof;
		unsigned int kind = fz_below(rng, 10);

		if (kind == 0) {	/* the same memory twice: overlapping copy */
			r->desc[r->nr] = r->desc[0];
			r->nr++;
			n = 1 + fz_below(rng, len);
			r->args[0] = n;
			r->args[1] = 0;
			r->op_flags = KT_MODE_COPY;
			r->what = "copy between aliasing ranges";
			exp1(r, -EINVAL);
			break;
		}
		if (!data_buf(g, r, blen, false, &b)) {
			r->op_flags = KT_MODE_NORESULT;
			r->what = "noresult";
			exp1(r, 0);
			break;
		}
		n = fz_below(rng, (len < blen ? len : blen) + 1);
		so = fz_below(rng, len - n + 1);
		dof = fz_below(rng, blen - n + 1);
		r->op_flags = KT_MODE_COPY;
		r->what = "copy";
		if (kind == 1) {
			n = blen - dof + 1 + fz_below(rng, 64);
			r->what = "copy past the end";
			exp1(r, -ERANGE);
		} else if (kind == 2 && n) {
			r->desc[1].flags = IORING_BPF_BUF_RDONLY;
			r->what = "copy into a read-only descriptor";
			exp1(r, -EACCES);
		} else {
			exp1(r, (int32_t)n);
			if (on)
				memmove(b.model + dof, a.model + so, n);
		}
		r->args[0] = n;
		r->args[1] = ((uint64_t)dof << 32) | so;
		break;
	}
	case 6: { /* load 8 bytes of a buffer index, maybe a bad one */
		uint32_t idx = fz_below(rng, 6), off = fz_below(rng, len + 16);

		r->op_flags = KT_MODE_LOAD;
		r->args[0] = idx;
		r->args[1] = off;
		extra_descs(g, r);
		if (idx >= r->nr) {
			r->what = "load from a buffer index it has not";
			exp1(r, -EINVAL);
		} else if (off + 8 > r->desc[idx].len) {
			r->what = "load past the end";
			exp1(r, -ERANGE);
		} else {
			r->what = "load";
			exp1(r, 8);
		}
		break;
	}
	default: { /* store a constant at the start */
		uint64_t v = fz_next(rng);

		r->op_flags = KT_MODE_STORE_CONST;
		r->args[1] = v;
		if (len < 8) {
			r->what = "store past the end";
			exp1(r, -ERANGE);
		} else if (fz_one_in(rng, 6)) {
			r->desc[0].flags = IORING_BPF_BUF_RDONLY;
			r->what = "store into a read-only descriptor";
			exp1(r, -EACCES);
		} else {
			r->what = "store";
			exp1(r, 8);
			if (on)
				memcpy(a.model, &v, 8);
		}
		break;
	}
	}
}

/* A BPF request that moves no modelled bytes: results, slots, the chaos slot. */
static void bpf_plain(struct gen *g)
{
	struct fz_seed *s = g->s;
	struct fz_rng *rng = &s->rng;
	struct fz_req *r;
	int32_t v = (int32_t)fz_below(rng, 1000000);

	switch (fz_below(rng, 12)) {
	case 0:
		r = bpf_req(g, FZ_SLOT_MIN, 0, "op_min");
		r->args[0] = (uint64_t)v;
		exp1(r, 1000 + v);
		break;
	case 1:
		r = bpf_req(g, FZ_SLOT_NULL, 0, "kernel null op");
		r->args[0] = (uint64_t)v;
		exp1(r, 0);
		break;
	case 2:
	case 3:
		/* whatever chaos bound there (op_main, op_min, the null op, a link it
		 * detaches), or nothing */
		r = bpf_req(g, FZ_SLOT_CHAOS, KT_MODE_RESULT | KT_FLAG_NOSTAT, "chaos slot");
		r->args[0] = (uint64_t)v;
		exp1(r, v);
		also(r, 1000 + v);
		also(r, 0);
		sub1(r, -ENOENT);
		sub1(r, -ENOLINK);
		break;
	case 4: {
		/*
		 * registered buffer 2, updated by chaos meanwhile: 64 KiB, its first
		 * 32 KiB or empty; a range outside it is -EFAULT at submission
		 */
		uint32_t dlen = 1 + fz_below(rng, 65536), off = fz_below(rng, dlen);

		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_LOAD, "load from the updated buffer");
		r->desc[r->nr++] = fbuf(FZ_FIXED_CHAOS, s->env->chaos_a, dlen,
					IORING_BPF_BUF_RDONLY);
		r->args[1] = off;
		if (off + 8 > dlen) {
			exp1(r, -ERANGE);
			sub1(r, -EFAULT);
			break;
		}
		exp1(r, 8);
		sub1(r, -EFAULT);
		break;
	}
	case 5: {
		int32_t e = -(int32_t)(1 + fz_below(rng, 600));

		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_RET, "issue returns an error");
		r->args[0] = (uint64_t)(int64_t)e;
		exp1(r, completed_as(e));
		break;
	}
	case 6:
		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_RET, "issue returns > 0");
		r->args[0] = 1 + fz_below(rng, 100);
		exp1(r, -EINVAL);
		break;
	case 7:
		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_PDU, "pdu");
		r->args[0] = (uint64_t)v;
		exp1(r, v + 1);
		break;
	case 8: {
		int32_t e = -(int32_t)(1 + fz_below(rng, 600));

		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_RESULT, "negative result");
		r->args[0] = (uint64_t)(uint32_t)e;
		exp1(r, completed_as(e));
		break;
	}
	case 9:
		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_NORESULT, "no result");
		exp1(r, 0);
		break;
	default:
		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_RESULT, "result");
		r->args[0] = (uint64_t)v;
		exp1(r, v);
		break;
	}
	if (r->slot != FZ_SLOT_MAIN || r->op_flags != KT_MODE_LOAD)
		extra_descs(g, r);
	/* an error of issue that a cancellation would give too: the callbacks tell */
	if (r->exp[0] == -ECANCELED || r->exp[0] == -EALREADY) {
		exp1(r, -EIO);
		r->args[0] = (uint64_t)(uint32_t)-EIO;
	}
	/* callbacks that fail, clean up and try to steer on every request */
	if (r->slot == FZ_SLOT_MAIN && fz_one_in(rng, 4))
		r->op_flags |= KT_FLAG_TOUCH | KT_FLAG_STEER_CB;
}

/* A range of fd_out; a batch writes far less than the file, so none overlap. */
static uint64_t out_alloc(struct gen *g, uint32_t len)
{
	struct fz_seed *s = g->s;
	uint64_t at;

	if (s->out_used + len > FZ_OUT_LEN)
		s->out_used = 0;
	at = s->out_used;
	s->out_used += len;
	return at;
}

/* A read of fd_in into fresh memory; steered by the request before it, maybe. */
static struct fz_req *read_req(struct gen *g, uint32_t len, uint64_t pos, uint32_t slen,
			       struct buf *into)
{
	struct fz_req *r = new_req(g, FZ_READ, "read");
	unsigned int idx;

	if (fz_one_in(&g->s->rng, 3)) {
		into->mem = fixed(g, len, &idx, &into->model);
		/* READ_FIXED, or a plain read into registered memory */
		if (into->mem && fz_one_in(&g->s->rng, 2)) {
			r->fixed_idx = (int)idx;
			r->what = "read_fixed";
		}
	} else {
		into->mem = arena(g, len, false, &into->model);
	}
	if (!into->mem) {
		r->kind = FZ_NOP;
		r->what = "nop";
		exp1(r, 0);
		return r;
	}
	into->len = len;
	r->buf = into->mem;
	r->len = len;
	r->off = fz_below(&g->s->rng, FZ_IN_LEN - len + 1);
	if (slen) {
		if (pos != IORING_BPF_STEER_KEEP_POS)
			r->off = pos;
		if (slen != IORING_BPF_STEER_KEEP_LEN)
			r->full_len = slen;
	}
	if (!r->full_len)
		r->full_len = len;
	exp1(r, (int32_t)r->full_len);
	if (live(g))
		memcpy(into->model, g->s->env->in + r->off, r->full_len);
	return r;
}

/* A write of fd_out from the buffer, maybe shortened to slen by a steer before. */
static void write_req(struct gen *g, const struct buf *from, uint32_t slen)
{
	struct fz_req *r = new_req(g, FZ_WRITE, "write");
	struct fz_env *env = g->s->env;

	r->buf = from->mem;
	r->len = r->full_len = from->len;
	if (slen)
		r->full_len = slen;
	if (from->mem >= env->fixed && from->mem < env->fixed + FZ_FIXED_LEN &&
	    fz_one_in(&g->s->rng, 2)) {
		r->fixed_idx = (int)((size_t)(from->mem - env->fixed) / (FZ_FIXED_LEN / 2));
		r->what = "write_fixed";
	}
	r->off = out_alloc(g, from->len);
	exp1(r, (int32_t)r->full_len);
	if (live(g)) {
		memcpy(env->out_model + r->off, from->model, r->full_len);
		g->c->out_off = r->off;
		g->c->out_len = r->full_len;
	}
}

/* The chain's state after a running request r completed with exp[0]. */
static int next_state(const struct fz_chain *c, const struct fz_req *r)
{
	int32_t v = r->exp[0];
	bool short_rw = (r->kind == FZ_READ || r->kind == FZ_WRITE) && v != (int32_t)r->full_len;

	if (r->ends_chain && v >= 0)
		return ENDED;
	if ((v < 0 || short_rw) && !c->hard)
		return CANCELED;
	return RUN;
}

/* Advance the modelled chain state past request r, while generating. */
static void step(struct gen *g, struct fz_req *r)
{
	if (!g->sub_fault && g->state == RUN)
		g->state = next_state(g->c, r);
}

/* Once the chain is complete: what its requests past a failure or an end get. */
static void settle(struct gen *g)
{
	struct fz_chain *c = g->c;
	int state = RUN;

	if (g->sub_fault)
		return;	/* fuzz_check.c: the refused request's errno, -ECANCELED for the rest */
	for (int i = c->first; i < c->first + c->n; i++) {
		struct fz_req *r = &g->s->req[i];

		if (state == CANCELED)
			exp1(r, -ECANCELED);
		else if (state == ENDED)
			exp1(r, -EALREADY);
		else
			state = next_state(c, r);
	}
}

/* read [steered] -> op on the buffer -> write to fd_out [-> fsync] */
static void pipeline(struct gen *g)
{
	struct fz_seed *s = g->s;
	struct fz_rng *rng = &s->rng;
	uint32_t len = 1 + fz_below(rng, fz_one_in(rng, 4) ? 65536 : 4096);
	struct buf a;
	struct fz_req *r;
	uint64_t pos = 0;
	uint32_t slen = 0;

	if (fz_one_in(rng, 3)) {
		/* steer the read: a position and a shorter (or kept) length */
		r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_STEER, "steer");
		slen = fz_one_in(rng, 4) ? IORING_BPF_STEER_KEEP_LEN : 1 + fz_below(rng, len);
		pos = fz_one_in(rng, 4) ? IORING_BPF_STEER_KEEP_POS :
		      fz_below(rng, FZ_IN_LEN - (slen == IORING_BPF_STEER_KEEP_LEN ? len : slen) + 1);
		r->args[0] = pos;
		r->args[1] = slen;
		exp1(r, 0);
		if (fz_one_in(rng, 10)) {
			r->args[1] = len + 1 + fz_below(rng, 100);
			r->what = "steer longer than submitted";
			exp1(r, -ERANGE);
			slen = 0;
		} else if (fz_one_in(rng, 10)) {
			r->args[1] = 4096 < len ? 4096 : len;
			/* pos + len is LLONG_MAX + 1 or more */
			r->args[0] = (1ULL << 63) - 1 - fz_below(rng, (uint32_t)r->args[1]);
			r->what = "steer beyond LLONG_MAX";
			exp1(r, -EOVERFLOW);
			slen = 0;
		}
		step(g, r);
	}
	r = read_req(g, len, pos, slen, &a);
	step(g, r);
	if (r->kind != FZ_READ)
		return;
	if (slen && slen != IORING_BPF_STEER_KEEP_LEN)
		a.len = slen;	/* what the read filled */
	/* the op works on the filled part */
	{
		struct fz_req *op = bpf_req(g, FZ_SLOT_MAIN, 0, "");
		unsigned int m = fz_below(rng, 3);
		uint32_t n = a.len;

		op->desc[op->nr++] = a.mem >= s->env->fixed && a.mem < s->env->fixed + FZ_FIXED_LEN ?
			fbuf((unsigned int)((size_t)(a.mem - s->env->fixed) / (FZ_FIXED_LEN / 2)),
			     a.mem, n, 0) : ubuf(a.mem, n, 0);
		if (m == 0 && n <= 65536) {
			uint8_t key = (uint8_t)fz_next(rng);

			op->op_flags = KT_MODE_XOR;
			op->args[0] = key;
			op->what = "xor the read data";
			exp1(op, (int32_t)n);
			if (live(g))
				for (uint32_t i = 0; i < n; i++)
					a.model[i] ^= key;
		} else if (m == 1) {
			op->op_flags = KT_MODE_CRC_RES;
			op->args[0] = IORING_BPF_BUF_POS(0, 0);
			op->args[1] = n;
			op->what = "crc32c of the read data";
			/* when not live, settle() expects -ECANCELED or -EALREADY */
			exp1(op, (int32_t)(fz_crc32c(a.model, n) & 0x7fffffff));
		} else {
			uint64_t v = fz_next(rng);

			op->op_flags = KT_MODE_STORE_CONST;
			op->args[1] = v;
			op->what = "store into the read data";
			exp1(op, n < 8 ? -ERANGE : 8);
			if (live(g) && n >= 8)
				memcpy(a.model, &v, 8);
		}
		step(g, op);
	}
	{
		uint32_t wlen = 0;

		if (fz_one_in(rng, 4)) {
			/* steer the write: where it was submitted, shorter */
			r = bpf_req(g, FZ_SLOT_MAIN, KT_MODE_STEER, "steer the write");
			wlen = 1 + fz_below(rng, a.len);
			r->args[0] = IORING_BPF_STEER_KEEP_POS;
			r->args[1] = wlen;
			exp1(r, 0);
			step(g, r);
		}
		write_req(g, &a, wlen);
	}
	step(g, &s->req[s->nreq - 1]);
	if (fz_one_in(rng, 4)) {
		r = new_req(g, FZ_FSYNC, "fsync");
		exp1(r, 0);
	}
}

static void ordinary(struct gen *g, bool last)
{
	struct fz_rng *rng = &g->s->rng;
	struct fz_req *r;

	switch (fz_below(rng, last ? 4 : 3)) {
	case 0:
		r = new_req(g, FZ_NOP, "nop");
		exp1(r, 0);
		break;
	case 1:
		r = new_req(g, FZ_FSYNC, "fsync");
		exp1(r, 0);
		break;
	case 2: {
		struct buf b;

		r = read_req(g, 1 + fz_below(rng, 4096), 0, 0, &b);
		break;
	}
	default:
		r = new_req(g, FZ_TIMEOUT, "timeout 1 us");
		r->ts.tv_nsec = 1000;
		exp1(r, -ETIME_);
		break;
	}
	step(g, r);
}

/*
 * Steering and ending misused: each has its own errno (uapi.h, kernel README). The
 * last request of a chain has no link flag: -ENOLINK, as alone.
 */
static void steer_misuse(struct gen *g, int pos, int n, bool linked)
{
	struct fz_rng *rng = &g->s->rng;
	bool last = pos == n - 1;
	unsigned int m = fz_below(rng, 4);
	struct fz_req *r = bpf_req(g, FZ_SLOT_MAIN, 0, "");

	if (m == 0) {
		r->op_flags = KT_MODE_DONE;
		r->what = "end the chain";
		r->ends_chain = true;
		exp1(r, !linked || last ? -ENOLINK : 7);
	} else if (m == 1 && !g->c->hard) {
		r->op_flags = KT_MODE_DONE_FAIL;
		r->what = "end the chain, then fail";
		exp1(r, !linked || last ? -ENOLINK : -EIO);
	} else {
		r->op_flags = KT_MODE_STEER;
		r->args[0] = IORING_BPF_STEER_KEEP_POS;
		r->args[1] = IORING_BPF_STEER_KEEP_LEN;
		r->what = "steer what is not a read or write";
		/* the next request is never a READ/WRITE here (see mixed()) */
		exp1(r, !linked || last ? -ENOLINK : -EOPNOTSUPP);
	}
	step(g, r);
}

/* 1..6 random requests */
static void mixed(struct gen *g, int n)
{
	struct fz_rng *rng = &g->s->rng;

	for (int i = 0; i < n; i++) {
		unsigned int k = fz_below(rng, 10);

		if (k < 3) {
			ordinary(g, i == n - 1);
		} else if (k < 6) {
			bpf_plain(g);
			step(g, &g->s->req[g->s->nreq - 1]);
		} else if (k < 8) {
			bpf_data(g);
			step(g, &g->s->req[g->s->nreq - 1]);
		} else {
			/* a misuse, followed by no read or write of fd_in */
			steer_misuse(g, i, n, n > 1);
			if (i + 1 < n) {
				struct fz_req *r = new_req(g, FZ_NOP, "nop");

				exp1(r, 0);
				step(g, r);
				i++;
			}
		}
	}
}

/* The request before a linked timeout may lose to it (a 10 s timer: rarely). */
static void link_timeout(struct gen *g)
{
	struct fz_seed *s = g->s;
	struct fz_req *prev = &s->req[s->nreq - 1], *r;

	/* steering and ending refuse a linked timeout: keep them apart */
	for (int i = g->c->first; i < s->nreq; i++) {
		unsigned int m = s->req[i].op_flags & KT_MODE_MASK;

		if (s->req[i].kind == FZ_BPF && s->req[i].slot == FZ_SLOT_MAIN &&
		    m >= KT_MODE_STEER && m <= KT_MODE_STEER_DONE)
			return;
	}
	if (prev->kind == FZ_TIMEOUT)
		return;
	also(prev, -ECANCELED);
	r = new_req(g, FZ_LINK_TIMEOUT, "linked timeout 10 s");
	r->ts.tv_sec = 10;
	exp1(r, -ECANCELED);
	also(r, -ETIME_);
	also(r, -EALREADY);
}

/*
 * A chain that waits behind a read of the pipe: its requests are prepped (and
 * hold their op binding and pinned buffers) while the chaos slot changes; the
 * batch writes the bytes after submitting (fuzz_run.c).
 */
static void pipe_read(struct gen *g)
{
	struct fz_req *r = new_req(g, FZ_PIPE_READ, "read of the pipe");
	unsigned char *model;

	r->buf = arena(g, 1, false, &model);
	if (!r->buf) {
		r->kind = FZ_NOP;
		r->what = "nop";
		exp1(r, 0);
		return;
	}
	r->len = r->full_len = 1;
	exp1(r, 1);
	if (live(g))
		model[0] = FZ_PIPE_BYTE;
	g->s->pipe_reads++;
}

static void gen_chain(struct fz_seed *s)
{
	struct fz_rng *rng = &s->rng;
	struct fz_chain *c = &s->chain[s->nchain++];
	struct gen g = { .s = s, .c = c, .state = RUN };
	unsigned int t = fz_below(rng, 20);

	memset(c, 0, sizeof(*c));
	c->first = s->nreq;
	c->hard = fz_one_in(rng, 4);
	if (t < 14 && fz_one_in(rng, 5))
		pipe_read(&g);
	if (t < 7) {
		pipeline(&g);
	} else if (t < 14) {
		mixed(&g, 2 + (int)fz_below(rng, 4));
	} else if (t < 18) {
		/* a request of its own, maybe refused */
		if (fz_one_in(rng, 2)) {
			g.sub_fault = true;
			bpf_fault(&g);
		} else {
			mixed(&g, 1);
		}
	} else {
		/* a refused request inside a chain: the whole chain fails */
		mixed(&g, 1 + (int)fz_below(rng, 2));
		g.sub_fault = true;
		bpf_fault(&g);
		if (fz_one_in(rng, 2))
			mixed(&g, 1);
	}
	if (c->n > 1 && c->n < FZ_MAX_CHAIN && fz_one_in(rng, 8))
		link_timeout(&g);
	/* link flags, IOSQE_ASYNC; the expectations along the chain */
	for (int i = c->first; i < c->first + c->n; i++) {
		struct fz_req *r = &s->req[i];

		if (i < c->first + c->n - 1)
			r->sqe_flags |= c->hard ? IOSQE_IO_HARDLINK : IOSQE_IO_LINK;
		if (r->kind != FZ_LINK_TIMEOUT && fz_one_in(rng, 4))
			r->sqe_flags |= IOSQE_ASYNC;
	}
	if (g.sub_fault) {
		c->nreg = 0;
		c->out_len = 0;
	}
	settle(&g);
	s->st->chains++;
}

void fz_gen_batch(struct fz_seed *s, unsigned int sqes)
{
	s->nreq = 0;
	s->nchain = 0;
	s->arena_used = 0;
	s->fixed_used = 0;
	s->big_used = false;
	s->pipe_reads = 0;
	while (s->nreq + FZ_MAX_CHAIN <= (int)sqes && s->nchain < 64)
		gen_chain(s);
	if (!s->nreq) {
		/* fewer SQEs asked than a chain can take: single requests */
		while (s->nreq < (int)sqes && s->nchain < 64) {
			struct fz_chain *c = &s->chain[s->nchain++];
			struct gen g = { .s = s, .c = c, .state = RUN };

			memset(c, 0, sizeof(*c));
			c->first = s->nreq;
			ordinary(&g, true);
			s->st->chains++;
		}
	}
}

void fz_fill_sqe(struct fz_seed *s, struct io_uring_sqe *sqe, const struct fz_req *r)
{
	struct fz_env *env = s->env;

	switch (r->kind) {
	case FZ_BPF:
		/* addr = 0 when len = 0, unless that is the fault */
		io_uring_prep_rw(IORING_OP_BPF, sqe, -1,
				 r->nr || r->desc_addr != (uintptr_t)r->desc ?
				 (const void *)(uintptr_t)r->desc_addr : NULL, r->nr, r->args[0]);
		sqe->rw_flags = (int)IORING_BPF_OP_FLAGS(r->slot, r->op_flags);
		sqe->addr3 = r->args[1];
		switch (r->reserved) {
		case 1:
			sqe->ioprio = 1;
			break;
		case 2:
			sqe->buf_index = 1;
			break;
		case 3:
			sqe->file_index = 1;
			break;
		case 4:
			sqe->__pad2[0] = 1;
			break;
		default:
			break;
		}
		break;
	case FZ_READ:
		if (r->fixed_idx >= 0)
			io_uring_prep_read_fixed(sqe, env->fd_in, r->buf, r->len, r->off, r->fixed_idx);
		else
			io_uring_prep_read(sqe, env->fd_in, r->buf, r->len, r->off);
		break;
	case FZ_PIPE_READ:
		io_uring_prep_read(sqe, env->pipe[0], r->buf, 1, 0);
		break;
	case FZ_WRITE:
		if (r->fixed_idx >= 0)
			io_uring_prep_write_fixed(sqe, env->fd_out, r->buf, r->len, r->off,
						  r->fixed_idx);
		else
			io_uring_prep_write(sqe, env->fd_out, r->buf, r->len, r->off);
		break;
	case FZ_NOP:
		io_uring_prep_nop(sqe);
		break;
	case FZ_FSYNC:
		io_uring_prep_fsync(sqe, env->fd_out, 0);
		break;
	case FZ_TIMEOUT:
		io_uring_prep_timeout(sqe, (struct __kernel_timespec *)&r->ts, 0, 0);
		break;
	default:
		io_uring_prep_link_timeout(sqe, (struct __kernel_timespec *)&r->ts, 0);
		break;
	}
	sqe->flags |= r->sqe_flags;
	sqe->user_data = r->ud;
}
