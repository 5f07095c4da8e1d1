// SPDX-License-Identifier: MIT
/* Building chains and writing them into the SQ ring, linked and stamped. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ringflow/chain.h>
#include <ringflow/error.h>
#include <ringflow/object.h>
#include <ringflow/sqe.h>
#include "chain_internal.h"
#include "error_internal.h"
#include "object_internal.h"
#include "opcode.h"

struct rf_chain *rf_chain_new(struct rf_ring *ring, struct rf_object *obj)
{
	struct rf_chain *c;
	__u64 record = 0;

	if (!ring->nr_free) {
		errno = -rf_set_errmsg(-EBUSY, "%u chains are in flight on this ring (max_chains): "
				 "reap some first", ring->max_chains);
		return NULL;
	}
	if (obj && obj->records.base) {
		record = rf_mapped_alloc(&obj->records);
		if (!record) {
			errno = -rf_set_errmsg(-ENOSPC, "all %u chain records are in use: reap chains "
					 "(of every ring sharing the rf_object), or give "
					 "RF_CHAIN_RECORD() more entries", obj->records.slots.nr);
			return NULL;
		}
	}
	c = &ring->chains[ring->free[--ring->nr_free]];
	c->obj = obj;
	c->state = RF_CHAIN_BUILDING;
	c->record = record;
	c->err = 0;
	c->user = NULL;
	c->nr_stages = 0;
	c->nr_done = 0;
	return c;
}

void *rf_chain_record_entry(const struct rf_chain *c, const struct rf_record_hdr **hdr)
{
	char *entry = c->record ? rf_mapped_entry(&c->obj->records, c->record) : NULL;

	*hdr = (const struct rf_record_hdr *)entry;
	return entry ? entry + c->obj->records.hdr_size : NULL;
}

void *rf_chain_record(struct rf_chain *c)
{
	const struct rf_record_hdr *hdr;

	return rf_chain_record_entry(c, &hdr);
}

__u64 rf_chain_record_ref(const struct rf_chain *c)
{
	return c->record;
}

void rf_chain_set_user(struct rf_chain *c, void *user)
{
	c->user = user;
}

static struct rf_stage *add_stage(struct rf_chain *c, enum rf_stage_kind kind)
{
	struct rf_stage *s;

	if (c->err)
		return NULL;
	if (c->nr_stages == RF_CHAIN_MAX_STAGES) {
		c->err = rf_set_errmsg(-E2BIG, "a chain has at most %d stages", RF_CHAIN_MAX_STAGES);
		return NULL;
	}
	s = &c->stages[c->nr_stages++];
	memset(s, 0, sizeof(*s));
	s->chain = c;
	s->kind = kind;
	s->fd = -1;
	return s;
}

static struct rf_stage *add_rw(struct rf_chain *c, enum rf_stage_kind kind, int fd,
			       const void *buf, unsigned int len, __u64 off,
			       unsigned int buf_index)
{
	struct rf_stage *s = add_stage(c, kind);

	if (s) {
		s->fd = fd;
		s->buf = (void *)buf;
		s->len = len;
		s->off = off;
		s->buf_index = buf_index;
	}
	return s;
}

struct rf_stage *rf_chain_read(struct rf_chain *c, int fd, void *buf, unsigned int len, __u64 off)
{
	return add_rw(c, RF_STAGE_READ, fd, buf, len, off, 0);
}

struct rf_stage *rf_chain_write(struct rf_chain *c, int fd, const void *buf, unsigned int len,
				__u64 off)
{
	return add_rw(c, RF_STAGE_WRITE, fd, buf, len, off, 0);
}

struct rf_stage *rf_chain_read_fixed(struct rf_chain *c, int fd, void *buf, unsigned int len,
				     __u64 off, unsigned int buf_index)
{
	return add_rw(c, RF_STAGE_READ_FIXED, fd, buf, len, off, buf_index);
}

struct rf_stage *rf_chain_write_fixed(struct rf_chain *c, int fd, const void *buf,
				      unsigned int len, __u64 off, unsigned int buf_index)
{
	return add_rw(c, RF_STAGE_WRITE_FIXED, fd, buf, len, off, buf_index);
}

struct rf_stage *rf_chain_nop(struct rf_chain *c)
{
	return add_stage(c, RF_STAGE_NOP);
}

/*
 * An op whose programs use another record or payload map than the chain's would
 * be refused by the BPF side (-EXDEV) anyway: say why and what to do now.
 */
static int check_map(const struct rf_op_info *op, unsigned int slot, __u32 op_map,
		     const struct rf_mapped *m, const char *what)
{
	if (!op->maps_known || !op_map || op_map == m->id)
		return 0;
	return rf_set_errmsg(-EXDEV, "op '%s' in slot %u keeps its %s in map %u, not in this "
		       "chain's (map %u): its object was loaded with maps of its own. Share "
		       "the chain's rf_object with it (rf_object_share()) before loading it",
		       op->name, slot, what, op_map, m->id);
}

static int check_bpf_stage(const struct rf_chain *c, unsigned int slot, __u32 op_flags)
{
	const struct rf_op_info *op;

	if (slot >= IORING_BPF_MAX_OPS)
		return rf_set_errmsg(-ERANGE, "op slot %u out of range (a ring has %d)", slot,
			       IORING_BPF_MAX_OPS);
	if (op_flags & ~IORING_BPF_OP_FLAGS_MASK)
		return rf_set_errmsg(-EINVAL, "op flags 0x%x do not fit in 24 bits", op_flags);
	op = &c->ring->ops[slot];
	if (!op->name[0])
		return rf_set_errmsg(-ENOENT, "no op is bound in slot %u of this ring: bind one with "
			       "rf_ring_bind() first", slot);
	return c->record ? check_map(op, slot, op->record_map, &c->obj->records,
				     "chain records") : 0;
}

struct rf_stage *rf_chain_bpf(struct rf_chain *c, unsigned int slot, __u32 op_flags)
{
	struct rf_stage *s;

	if (!c->err)
		c->err = check_bpf_stage(c, slot, op_flags);
	s = add_stage(c, RF_STAGE_BPF);
	if (s) {
		s->slot = slot;
		s->op_flags = op_flags;
	}
	return s;
}

struct io_uring_sqe *rf_chain_sqe(struct rf_chain *c)
{
	struct rf_stage *s = add_stage(c, RF_STAGE_SQE);

	if (s)
		return &s->sqe;	/* zeroed with its stage */
	memset(&c->scratch_sqe, 0, sizeof(c->scratch_sqe));
	return &c->scratch_sqe;
}

static struct io_uring_bpf_buf *next_buf(struct rf_stage *s)
{
	struct rf_chain *c;

	if (!s)
		return NULL;
	c = s->chain;
	if (c->err)
		return NULL;
	if (s->kind != RF_STAGE_BPF) {
		c->err = rf_set_errmsg(-EINVAL, "buffers can only be given to BPF stages");
		return NULL;
	}
	if (s->nr_bufs == IORING_BPF_MAX_BUFS) {
		c->err = rf_set_errmsg(-E2BIG, "a BPF stage has at most %d buffers", IORING_BPF_MAX_BUFS);
		return NULL;
	}
	return &s->bufs[s->nr_bufs++];
}

/*
 * A NULL stage comes from a stage call that failed: say so, and keep what that
 * failure said (once, however many calls follow).
 */
static int no_stage(const char *call)
{
	static const char head[] = "no stage (NULL)";
	char prev[512];

	if (!strncmp(rf_errmsg(), head, sizeof(head) - 1))
		return -EINVAL;
	snprintf(prev, sizeof(prev), "%s", rf_errmsg());
	return rf_set_errmsg(-EINVAL, "%s given to %s(): the call that should have made it "
			     "failed%s%s", head, call, prev[0] ? ": " : "", prev);
}

int rf_stage_buf(struct rf_stage *s, void *addr, unsigned int len)
{
	struct io_uring_bpf_buf *b;

	if (!s)
		return no_stage(__func__);
	b = next_buf(s);
	if (!b)
		return s->chain->err;
	rf_buf_user(b, addr, len);
	return 0;
}

int rf_stage_buf_fixed(struct rf_stage *s, unsigned int index, void *addr, unsigned int len)
{
	struct io_uring_bpf_buf *b;

	if (!s)
		return no_stage(__func__);
	b = next_buf(s);
	if (!b)
		return s->chain->err;
	rf_buf_fixed(b, index, addr, len);
	return 0;
}

static int check_payload(const struct rf_stage *s)
{
	const struct rf_chain *c = s->chain;

	if (s->kind != RF_STAGE_BPF || s->payload)
		return rf_set_errmsg(-EINVAL, "only a BPF stage gets a payload, and only one");
	if (!c->obj)
		return rf_set_errmsg(-EINVAL, "this chain was created without an rf_object "
			       "(rf_chain_new(ring, NULL)): create it with the rf_object whose "
			       "payload map the op uses");
	if (!c->obj->payloads.base)
		return rf_set_errmsg(-ENOENT, "no object sharing this chain's rf_object declares a "
			       "payload map: declare one with RF_PAYLOAD()");
	return check_map(&c->ring->ops[s->slot], s->slot, c->ring->ops[s->slot].payload_map,
			 &c->obj->payloads, "payloads");
}

void *rf_stage_payload(struct rf_stage *s)
{
	struct rf_chain *c = s ? s->chain : NULL;
	void *args;

	if (!c || c->err)
		return NULL;
	c->err = check_payload(s);
	if (c->err)
		return NULL;
	args = rf_payload_alloc(c->obj, &s->payload);
	if (!args)
		c->err = -ENOSPC;
	return args;
}

void rf_stage_set_args(struct rf_stage *s, __u64 arg0, __u64 arg1)
{
	if (!s)
		return;
	s->args[0] = arg0;
	s->args[1] = arg1;
	s->args_set = true;
}

static void prep_stage(struct io_uring_sqe *sqe, const struct rf_stage *s)
{
	const struct rf_chain *c = s->chain;

	switch (s->kind) {
	case RF_STAGE_READ:
		io_uring_prep_read(sqe, s->fd, s->buf, s->len, s->off);
		break;
	case RF_STAGE_WRITE:
		io_uring_prep_write(sqe, s->fd, s->buf, s->len, s->off);
		break;
	case RF_STAGE_READ_FIXED:
		io_uring_prep_read_fixed(sqe, s->fd, s->buf, s->len, s->off, (int)s->buf_index);
		break;
	case RF_STAGE_WRITE_FIXED:
		io_uring_prep_write_fixed(sqe, s->fd, s->buf, s->len, s->off, (int)s->buf_index);
		break;
	case RF_STAGE_NOP:
		io_uring_prep_nop(sqe);
		break;
	case RF_STAGE_BPF:
		if (s->args_set)
			rf_prep_bpf(sqe, s->slot, s->op_flags, s->bufs, s->nr_bufs,
				    s->args[0], s->args[1]);
		else
			rf_prep_bpf(sqe, s->slot, s->op_flags, s->bufs, s->nr_bufs,
				    c->record, s->payload);
		break;
	case RF_STAGE_SQE:
		*sqe = s->sqe;
		break;
	}
}

/* What a raw stage's flags may not ask for: the SDK owns links and completions. */
static int check_sqe_stages(const struct rf_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_stages; i++) {
		const struct rf_stage *s = &c->stages[i];

		if (s->kind != RF_STAGE_SQE)
			continue;
		if (s->sqe.flags & IOSQE_CQE_SKIP_SUCCESS)
			return rf_set_errmsg(-EINVAL, "stage %u asks for no completion on success "
				       "(IOSQE_CQE_SKIP_SUCCESS): a chain reports once every "
				       "stage completed", i);
		if (s->sqe.flags & IOSQE_IO_HARDLINK)
			return rf_set_errmsg(-EINVAL, "stage %u is hard-linked (IOSQE_IO_HARDLINK): "
				       "the SDK links stages, and a chain stops at its first "
				       "failure", i);
	}
	return 0;
}

int rf_chain_queue(struct rf_chain *c)
{
	struct io_uring *uring = &c->ring->uring;
	unsigned int i;
	int err = c->err;

	if (!err && !c->nr_stages)
		err = rf_set_errmsg(-EINVAL, "empty chain: add stages before queueing it");
	if (!err)
		err = check_sqe_stages(c);
	if (!err && io_uring_sq_space_left(uring) < c->nr_stages) {
		err = io_uring_submit(uring);
		err = err < 0 ? rf_set_errmsg(err, "io_uring_submit failed: %s", strerror(-err)) : 0;
		if (!err && io_uring_sq_space_left(uring) < c->nr_stages)
			err = rf_set_errmsg(-EBUSY, "the SQ ring has no room for %u stages",
				      c->nr_stages);
	}
	if (err) {
		rf_chain_free(c);
		return err;
	}
	for (i = 0; i < c->nr_stages; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(uring);

		prep_stage(sqe, &c->stages[i]);
		io_uring_sqe_set_data64(sqe, RF_UDATA(c->index, i));
		sqe->flags &= (__u8)~IOSQE_IO_LINK;
		if (i + 1 < c->nr_stages)
			sqe->flags |= IOSQE_IO_LINK;
		c->res[i] = 0;
	}
	c->state = RF_CHAIN_QUEUED;
	c->ring->nr_queued++;
	return 0;
}

void rf_chain_discard(struct rf_chain *c)
{
	if (c && c->state == RF_CHAIN_BUILDING)
		rf_chain_free(c);
}

void rf_stage_release(struct rf_stage *s)
{
	if (s->payload && s->chain->obj)
		rf_mapped_free(&s->chain->obj->payloads, s->payload);
	s->payload = 0;
}

void rf_chain_free(struct rf_chain *c)
{
	struct rf_ring *ring = c->ring;
	unsigned int i;

	/* a completed chain's stages gave their payloads back as each completed */
	if (c->nr_done < c->nr_stages)
		for (i = 0; i < c->nr_stages; i++)
			rf_stage_release(&c->stages[i]);
	if (c->record)
		rf_mapped_free(&c->obj->records, c->record);
	c->record = 0;
	if (c->state == RF_CHAIN_QUEUED)
		ring->nr_queued--;
	c->state = RF_CHAIN_FREE;
	ring->free[ring->nr_free++] = c->index;
}

enum rf_stage_kind rf_chain_stage_kind(const struct rf_chain *c, unsigned int stage)
{
	return c->stages[stage].kind;
}

const char *rf_chain_stage_name(const struct rf_chain *c, unsigned int stage)
{
	static const char *const names[] = {
		[RF_STAGE_READ] = "read",
		[RF_STAGE_WRITE] = "write",
		[RF_STAGE_READ_FIXED] = "read_fixed",
		[RF_STAGE_WRITE_FIXED] = "write_fixed",
		[RF_STAGE_NOP] = "nop",
	};
	const struct rf_stage *s = &c->stages[stage];

	if (s->kind == RF_STAGE_BPF)
		return c->ring->ops[s->slot].name;
	if (s->kind == RF_STAGE_SQE)
		return rf_opcode_name(s->sqe.opcode);
	return names[s->kind];
}
