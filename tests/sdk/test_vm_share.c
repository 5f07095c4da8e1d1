// SPDX-License-Identifier: MIT
/*
 * Ops of several objects in one chain: objects sharing an rf_object work on the
 * same record and payload slots; a reference never resolves in another object's
 * map, on the BPF side or in userspace; objects that disagree on the record's
 * start are refused.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <ringflow/crc32c.h>
#include "fixture.h"
#include "other.h"
#include "other.skel.h"
#include "header_only.skel.h"
#include "bad_unbounded.skel.h"

enum { SLOT_MARK = SLOT_NOP + 1, SLOT_REFUSE };

static void load(struct bpf_object_skeleton *skel)
{
	cr_assert_eq(rf_load_skeleton(skel), 0, "%s", rf_errmsg());
	cr_assert_eq(bpf_object__attach_skeleton(skel), 0);
}

/* The built-ins, other.bpf.c and header_only.bpf.c sharing one rf_object. */
struct shared {
	struct rf_builtin	*builtin;
	struct other		*other;
	struct header_only	*header;
	struct rf_object	*obj;
	struct rf_ring		*ring;
};

static void shared_open(struct shared *s, const struct rf_ring_opts *opts)
{
	memset(s, 0, sizeof(*s));
	s->builtin = rf_builtin__open();
	s->other = other__open();
	s->header = header_only__open();
	cr_assert(s->builtin && s->other && s->header);
	/* the smallest record first: the maps grow for the next objects */
	cr_assert_eq(rf_object_open(s->builtin->obj, &s->obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_object_record_size(s->obj), sizeof(struct rf_builtin_record));
	cr_assert_eq(rf_object_share(s->obj, s->other->obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_object_share(s->obj, s->header->obj), 0, "%s", rf_errmsg());
	load(s->builtin->skeleton);
	load(s->other->skeleton);
	load(s->header->skeleton);
	cr_assert_eq(rf_ring_create(opts, &s->ring), 0, "%s", rf_errmsg());
	fixture_bind(s->ring, s->builtin);
	cr_assert_eq(rf_ring_bind(s->ring, SLOT_MARK, s->other->links.mark), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(s->ring, SLOT_REFUSE, s->header->links.refuse), 0, "%s",
		     rf_errmsg());
}

static void shared_close(struct shared *s)
{
	rf_ring_destroy(s->ring);
	rf_object_close(s->obj);
	header_only__destroy(s->header);
	other__destroy(s->other);
	rf_builtin__destroy(s->builtin);
}

struct outcome {
	unsigned int		count;
	int			status;
	struct other_record	rec;
	char			line[256];
};

static void collect_other(const struct rf_chain_result *res, void *arg)
{
	struct outcome *o = (struct outcome *)arg + (uintptr_t)res->user;

	o->count++;
	o->status = res->status;
	memcpy(&o->rec, res->record, sizeof(o->rec));
	rf_chain_describe(res, o->line, sizeof(o->line));
}

Test(share, builtin_and_own_ops_work_on_one_record_and_payload_set)
{
	enum { N = 64, LEN = 3000, KEY = 0x0badf00d };
	static unsigned char data[N][LEN], orig[N][LEN];
	static struct outcome out[N];
	struct shared s;

	shared_open(&s, NULL);
	cr_assert_eq(rf_object_record_size(s.obj), sizeof(struct other_record), "grown");
	cr_assert_eq(rf_object_payload_size(s.obj), sizeof(struct other_args), "grown");
	cr_assert_eq(rf_object_max_records(s.obj), RF_BUILTIN_MAX_CHAINS, "the most entries");
	for (uintptr_t i = 0; i < N; i++) {
		struct rf_chain *c = rf_chain_new(s.ring, s.obj);
		struct other_record *rec = rf_chain_record(c);
		struct other_args *mark;
		struct rf_builtin_args *xor;
		struct rf_stage *st;

		for (int k = 0; k < LEN; k++)
			data[i][k] = orig[i][k] = (unsigned char)(i * 131 + (uintptr_t)k * 7);
		rec->builtin.expect_crc = rf_crc32c_mem(data[i], LEN);
		rf_chain_set_user(c, (void *)i);
		rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data[i], LEN);
		mark = rf_stage_payload(rf_chain_bpf(c, SLOT_MARK, 0));
		st = rf_chain_bpf(c, SLOT_XOR, 0);
		rf_stage_buf(st, data[i], LEN);
		xor = rf_stage_payload(st);
		rf_chain_bpf(c, SLOT_VERIFY, 0);
		cr_assert(mark && xor, "%s", rf_errmsg());
		mark->mark = 0x1000 + i;
		xor->xor_key = KEY + (__u32)i;
		cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	}
	cr_assert_eq(rf_ring_drain(s.ring, collect_other, out), N, "%s", rf_errmsg());
	for (unsigned int i = 0; i < N; i++) {
		__u32 crc = rf_crc32c_mem(orig[i], LEN), key = KEY + i;

		cr_assert_eq(out[i].count, 1);
		cr_assert_eq(out[i].status, 0, "chain %u: %s", i, out[i].line);
		cr_assert_eq(out[i].rec.builtin.crc, crc, "chain %u: rf_crc32c's field", i);
		cr_assert_eq(out[i].rec.crc_seen, crc, "chain %u: mark read rf_crc32c's crc", i);
		cr_assert_eq(out[i].rec.mark, 0x1000 + i, "chain %u: mark's own field", i);
		cr_assert_eq(out[i].rec.builtin.bytes, 2ULL * LEN, "crc and xor counted");
		for (int k = 0; k < LEN; k++)
			cr_assert_eq(data[i][k], orig[i][k] ^ (unsigned char)(key >> (8 * (k % 4))),
				     "chain %u byte %d", i, k);
	}
	cr_assert_eq(rf_object_records_in_use(s.obj), 0);
	cr_assert_eq(rf_object_payloads_in_use(s.obj), 0);
	shared_close(&s);
}

Test(share, a_header_only_op_reports_its_failure_in_any_chain)
{
	struct outcome out = { 0 };
	struct shared s;
	struct rf_chain *c;
	char data[64] = "header only";

	shared_open(&s, NULL);
	c = rf_chain_new(s.ring, s.obj);
	rf_stage_buf(rf_chain_bpf(c, SLOT_CRC, 0), data, sizeof(data));
	rf_chain_bpf(c, SLOT_REFUSE, 0);
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(s.ring, collect_other, &out), 1);
	cr_assert_eq(out.status, -EPERM);
	cr_assert_eq(out.rec.builtin.crc, rf_crc32c_mem(data, sizeof(data)), "the stage before ran");
	cr_assert_str_eq(out.line, "failed at stage 1 (bpf op refuse, slot 7): Operation not "
			 "permitted (EPERM): refuse: always [detail 0x0]; 1 other stage cancelled");
	shared_close(&s);
}

/* Runs @slot's op alone with @record_ref passed by hand (no userspace check). */
static struct report run_with_ref(struct rf_ring *ring, unsigned int slot, __u64 record_ref,
				  void *data, unsigned int len)
{
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(ring, NULL);
	struct rf_stage *s = rf_chain_bpf(c, slot, 0);

	rf_stage_buf(s, data, len);
	rf_stage_set_args(s, record_ref, 0);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(ring, collect, &r), 1, "%s", rf_errmsg());
	return r;
}

/*
 * The report of issue 11: a chain built on object A runs the built-in rf_crc32c
 * (object B) while B holds an unqueued chain whose reference has the same
 * generation and index. Neither record may change; the op fails with -EXDEV.
 */
Test(share, a_reference_never_resolves_in_another_objects_map)
{
	static char data[512];
	struct rf_builtin_record *held_rec;
	struct other_record *a_rec;
	struct rf_chain *held, *ca;
	struct rf_object *obj_a;
	struct report r;
	struct other *a;
	struct fixture b;
	__u64 ra, rb;

	fixture_open(&b, NULL);
	a = other__open();
	cr_assert_not_null(a);
	cr_assert_eq(rf_object_open(a->obj, &obj_a), 0, "%s", rf_errmsg());
	load(a->skeleton);
	cr_assert_eq(rf_ring_bind(b.ring, SLOT_MARK, a->links.mark), 0, "%s", rf_errmsg());
	memset(data, 0x5a, sizeof(data));

	held = rf_chain_new(b.ring, b.obj);
	ca = rf_chain_new(b.ring, obj_a);
	held_rec = rf_chain_record(held);
	a_rec = rf_chain_record(ca);
	ra = rf_chain_record_ref(ca);
	rb = rf_chain_record_ref(held);
	cr_assert_eq(RF_REF_GEN(ra), RF_REF_GEN(rb), "the same generation");
	cr_assert_eq(RF_REF_INDEX(ra), RF_REF_INDEX(rb), "and index");
	cr_assert_neq(RF_REF_TAG(ra), RF_REF_TAG(rb), "in two maps");

	/* the BPF side: B's op with A's reference, A's op with B's */
	r = run_with_ref(b.ring, SLOT_CRC, ra, data, sizeof(data));
	cr_assert_eq(r.status, -EXDEV, "%s", r.line);
	cr_assert_str_eq(r.line, "failed at stage 0 (bpf op rf_crc32c, slot 1): Invalid "
			 "cross-device link (EXDEV): the op's object does not share this chain's "
			 "maps: share the chain's rf_object with it (rf_object_share()) before "
			 "loading it");
	r = run_with_ref(b.ring, SLOT_MARK, rb, data, sizeof(data));
	cr_assert_eq(r.status, -EXDEV, "%s", r.line);
	cr_assert_eq(held_rec->crc, 0, "B's held record untouched");
	cr_assert_eq(held_rec->bytes, 0);
	cr_assert_eq(a_rec->builtin.crc, 0, "A's record untouched");
	cr_assert_eq(a_rec->builtin.bytes, 0);
	cr_assert_eq(a_rec->mark, 0);

	/* userspace refuses to build the chain at all */
	cr_assert_null(rf_chain_bpf(ca, SLOT_CRC, 0));
	cr_assert_eq(rf_chain_queue(ca), -EXDEV);
	cr_assert_not_null(strstr(rf_errmsg(), "op 'rf_crc32c' in slot 1 keeps its chain records "
				  "in map"), "%s", rf_errmsg());
	cr_assert_not_null(strstr(rf_errmsg(), "Share the chain's rf_object with it "
				  "(rf_object_share()) before loading it"), "%s", rf_errmsg());
	/* and a payload of B's map for A's op */
	ca = rf_chain_new(b.ring, b.obj);
	cr_assert_null(rf_stage_payload(rf_chain_bpf(ca, SLOT_MARK, 0)));
	cr_assert_eq(rf_chain_queue(ca), -EXDEV);
	cr_assert_not_null(strstr(rf_errmsg(), "op 'mark' in slot 6 keeps its chain records"),
			   "%s", rf_errmsg());

	rf_chain_discard(held);
	rf_object_close(obj_a);
	other__destroy(a);
	fixture_close(&b);
}

Test(share, record_types_that_disagree_are_refused)
{
	struct rf_builtin *builtin = rf_builtin__open();
	struct bad_unbounded *bytes = bad_unbounded__open();
	struct header_only *header = header_only__open();
	struct other *other = other__open();
	struct rf_object *obj;

	cr_assert(builtin && bytes && header && other);
	cr_assert_eq(rf_object_open(builtin->obj, &obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_object_share(obj, bytes->obj), -EINVAL);
	cr_assert_str_eq(rf_errmsg(), "object 'bad_unbounded' (records: struct bytes_record, 64 "
			 "bytes) and object 'rf_builtin' (records: struct rf_builtin_record, 16 "
			 "bytes) cannot share chain records: the ops of each write their own type "
			 "at the start of the record. Make struct bytes_record start with a member "
			 "of type struct rf_builtin_record (a header both .bpf.c files include: "
			 "examples/07-shared), or give them separate rf_objects");
	cr_assert_eq(rf_object_share(obj, header->obj), 0, "header-only fits: %s", rf_errmsg());
	cr_assert_eq(rf_object_share(obj, other->obj), 0, "starts with it: %s", rf_errmsg());
	cr_assert_eq(rf_object_share(obj, other->obj), -EALREADY);
	rf_object_close(obj);
	other__destroy(other);
	header_only__destroy(header);
	bad_unbounded__destroy(bytes);
	rf_builtin__destroy(builtin);
}

Test(share, objects_are_shared_before_they_load)
{
	struct rf_builtin *builtin = rf_builtin__open();
	struct header_only *header = header_only__open();
	struct other *other = other__open();
	struct rf_object *obj;

	cr_assert(builtin && header && other);
	load(builtin->skeleton);
	/* a loaded object keeps its own maps: others must fit in them */
	cr_assert_eq(rf_object_open(builtin->obj, &obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_object_share(obj, builtin->obj), -EALREADY);
	cr_assert_eq(rf_object_share(obj, other->obj), -E2BIG);
	{
		char want[64];

		snprintf(want, sizeof(want), "object 'other' needs chain records of %zu bytes",
			 sizeof(struct rf_record_hdr) + sizeof(struct other_record));
		cr_assert_not_null(strstr(rf_errmsg(), want), "%s", rf_errmsg());
	}
	cr_assert_not_null(strstr(rf_errmsg(), "open the rf_object before loading its objects"),
			   "%s", rf_errmsg());
	cr_assert_eq(rf_object_share(obj, header->obj), 0, "it fits: %s", rf_errmsg());
	rf_object_close(obj);
	load(other->skeleton);
	cr_assert_eq(rf_object_open(header->obj, &obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_object_share(obj, other->obj), -EBUSY);
	cr_assert_str_eq(rf_errmsg(), "object 'other' is loaded already, with maps of its own: "
			 "share objects before loading them");
	rf_object_close(obj);
	other__destroy(other);
	header_only__destroy(header);
	rf_builtin__destroy(builtin);
}

Test(share, chains_run_out_of_records_with_enospc)
{
	struct rf_ring_opts opts = { .max_chains = OTHER_MAX_RECORDS + 4 };
	struct rf_chain *c[OTHER_MAX_RECORDS];
	struct other *other = other__open();
	struct rf_object *obj;
	struct rf_ring *ring;

	cr_assert_not_null(other);
	cr_assert_eq(rf_object_open(other->obj, &obj), 0, "%s", rf_errmsg());
	load(other->skeleton);
	cr_assert_eq(rf_ring_create(&opts, &ring), 0, "%s", rf_errmsg());
	for (int i = 0; i < OTHER_MAX_RECORDS; i++)
		cr_assert_not_null(c[i] = rf_chain_new(ring, obj), "%s", rf_errmsg());
	errno = 0;
	cr_assert_null(rf_chain_new(ring, obj));
	cr_assert_eq(errno, ENOSPC);
	cr_assert_str_eq(rf_errmsg(), "all 16 chain records are in use: reap chains (of every "
			 "ring sharing the rf_object), or give RF_CHAIN_RECORD() more entries");
	cr_assert_not_null(rf_chain_new(ring, NULL), "chains without a record still start");
	for (int i = 0; i < OTHER_MAX_RECORDS; i++)
		rf_chain_discard(c[i]);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	other__destroy(other);
}
