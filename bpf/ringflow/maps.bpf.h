/* SPDX-License-Identifier: MIT */
/*
 * Chain-wide records and extended-SQE payloads, typed.
 *
 *	struct my_record { u32 crc; };
 *	struct my_args { u32 key; };
 *	RF_CHAIN_RECORD(struct my_record, 1024);  // map rf_records, rf_record(req)
 *	RF_PAYLOAD(struct my_args, 1024);         // map rf_payloads, rf_payload(req)
 *
 * Both maps are BPF_F_MMAPABLE arrays that userspace maps (object.h): one record
 * per chain in flight, one payload slot per request in flight. Objects added to one
 * rf_object share one pair of maps, so ops of several objects (yours and the
 * built-in ones) work on one chain's record. Entries are found through the
 * references the SDK puts in req->args[0] (record) and req->args[1] (payload), and
 * a reference is refused unless it names a live entry of this very map: a request
 * can never touch the record or arguments of another chain, nor another map's.
 *
 * The lookups return 0 or:
 *   -ENODATA  the request carries no reference (a chain created without an
 *             rf_object, a stage given no payload)
 *   -EXDEV    a reference to another map: the op's object does not share the
 *             chain's maps (rf_object_share() it before loading it)
 *   -ERANGE   index beyond the map
 *   -ESTALE   the entry was freed or reused since
 */
#ifndef RINGFLOW_MAPS_BPF_H
#define RINGFLOW_MAPS_BPF_H

/*
 * The entry of @map that @ref names, its header first (both headers start with
 * the reference the entry was allocated under). The tag is checked against the
 * map's own id, which the verifier lets programs read from the map.
 */
#define rf__lookup(map, ref, out) ({						\
	u64 __ref = (ref);							\
	u32 __idx = RF_REF_INDEX(__ref);					\
	u64 *__e = NULL;							\
	int __err = 0;								\
	if (!__ref)								\
		__err = -ENODATA;						\
	else if (RF_REF_TAG(__ref) != RF_MAP_TAG(((struct bpf_map *)(map))->id)) \
		__err = -EXDEV;							\
	else if (!(__e = bpf_map_lookup_elem(map, &__idx)))			\
		__err = -ERANGE;						\
	else if (*__e != __ref)							\
		__err = -ESTALE;						\
	*(out) = __err ? NULL : (void *)__e;					\
	__err;									\
})

#define rf__mmapable_array(name, value_type, max)				\
	struct {								\
		__uint(type, BPF_MAP_TYPE_ARRAY);				\
		__uint(map_flags, BPF_F_MMAPABLE);				\
		__uint(max_entries, max);					\
		__type(key, u32);						\
		__type(value, value_type);					\
	} name SEC(".maps")

/* The helpers these macros define are used by some ops and not by others. */
#define rf__helper static __always_inline __attribute__((unused))

/*
 * A typed map of entries { hdr_type hdr; type member; } named @map, with
 * lookup(req, &p) -> 0 or -errno (above) and get(req) -> p or NULL, p pointing at
 * the member of the entry the reference in req->args[@arg] names. The SDK finds
 * the member right after the header (the record's type is read from BTF by the
 * name "rec": sdk/src/record_type.c).
 */
#define rf__typed_map(map, value, hdr_type, member, type, max, arg, lookup, get) \
	struct value {								\
		hdr_type hdr;							\
		type member;							\
	};									\
	_Static_assert(__builtin_offsetof(struct value, member) == sizeof(hdr_type), \
		       #type " must not need more than 8-byte alignment");	\
	rf__mmapable_array(map, struct value, max);				\
	rf__helper int lookup(struct io_uring_bpf_req *req, type **out)		\
	{									\
		struct value *v;						\
		int err = rf__lookup(&map, req->args[arg], &v);			\
		*out = v ? &v->member : NULL;					\
		return err;							\
	}									\
	rf__helper type *get(struct io_uring_bpf_req *req)			\
	{									\
		type *p;							\
		lookup(req, &p);						\
		return p;							\
	}

/* The header of the chain's record, which rf_fail() and rf_steer_next() write. */
#define rf__record_hdr_helper							\
	rf__helper struct rf_record_hdr *rf__record_hdr(struct io_uring_bpf_req *req) \
	{									\
		struct rf_record_hdr *h;					\
		rf__lookup(&rf_records, req->args[RF_ARG_RECORD], &h);		\
		return h;							\
	}

/*
 * The chain record map with a record of @record_type after the SDK's header:
 * rf_record_lookup(req, &rec) -> 0 or -errno (above) and rf_record(req) -> the
 * record or NULL. Ops of objects sharing one rf_object must agree on the start of
 * the record: each object's type is the record's type or a leading part of it
 * (rf_object_share() checks).
 */
#define RF_CHAIN_RECORD(record_type, max)					\
	rf__typed_map(rf_records, rf_record_value, struct rf_record_hdr, rec,	\
		      record_type, max, RF_ARG_RECORD, rf_record_lookup, rf_record) \
	rf__record_hdr_helper

/*
 * The chain record map for ops that keep nothing in the record but report
 * failures with rf_fail(): it fits any record type, so such ops join any chain.
 */
#define RF_CHAIN_HEADER(max)							\
	struct rf_record_value {						\
		struct rf_record_hdr hdr;					\
	};									\
	rf__mmapable_array(rf_records, struct rf_record_value, max);		\
	rf__record_hdr_helper

/*
 * The payload map, with rf_payload_lookup(req, &args) -> 0 or -errno (above) and
 * rf_payload(req) -> args or NULL. Read payloads in prep or issue: the slot is
 * recycled once the request completed. Payload slots belong to one request each,
 * so objects sharing the map may each use their own args_type.
 */
#define RF_PAYLOAD(args_type, max)						\
	rf__typed_map(rf_payloads, rf_payload_value, struct rf_payload_hdr, args, \
		      args_type, max, RF_ARG_PAYLOAD, rf_payload_lookup, rf_payload)

#define rf__fail(_ctx, _err, _detail, _flags, _reason) ({			\
	_Static_assert(sizeof(_reason) <= RF_REASON_LEN, "reason too long");	\
	struct rf_record_hdr *__h = rf__record_hdr(_ctx);			\
	int __err = (_err);							\
	if (__h && !__h->error) {						\
		__h->error = __err;						\
		__h->stage = rf_stage(_ctx);					\
		__h->flags = (_flags);						\
		__h->op_flags = rf_op_flags(_ctx);				\
		__h->detail = (_detail);					\
		__builtin_memcpy(__h->reason, _reason, sizeof(_reason));	\
	}									\
	__err;									\
})

/*
 * Raises an error for userspace: the first op of a chain that calls it records
 * -errno, its stage, its flags, a @detail value (rf_fail_detail) and a @reason (a
 * string literal) in the chain record's header, which the chain's report shows.
 * Evaluates to @err, so `return rf_fail(req, -EBADMSG, "crc mismatch");` fails the
 * request too. Needs RF_CHAIN_RECORD() or RF_CHAIN_HEADER(); in a chain without a
 * record only the errno reaches userspace.
 */
#define rf_fail_detail(req, err, detail, reason) \
	rf__fail(req, err, detail, RF_FAIL_DETAIL, reason)
#define rf_fail(req, err, reason) rf__fail(req, err, 0, 0, reason)

/*
 * From issue: the next read or write of the chain goes to @pos and moves @len
 * bytes (IORING_BPF_STEER_KEEP_POS / IORING_BPF_STEER_KEEP_LEN keep what was submitted; the length
 * can only shrink). The chain's record remembers both, so the chain's result shows
 * where that stage went and judges its transfer by the new length. 0, -ENODATA
 * when the chain has no record (its result could not tell), or the kernel's errno:
 * -EPERM outside issue, -EALREADY when the chain was already steered or ended,
 * -ENOLINK when this request is not linked, -ENOENT when no request follows,
 * -EOPNOTSUPP when the next request is not a plain or fixed read or write (or uses
 * a linked timeout or buffer selection), -ECANCELED when it already failed at
 * submission, -ERANGE for a longer length, -EOVERFLOW for a position beyond
 * LLONG_MAX.
 * Needs RF_CHAIN_RECORD() or RF_CHAIN_HEADER().
 */
#define rf_steer_next(_ctx, _pos, _len) ({					\
	struct rf_record_hdr *__h = rf__record_hdr(_ctx);			\
	u32 __next = rf_stage(_ctx) + 1;					\
	u64 __pos = (_pos);							\
	u32 __len = (_len);							\
	int __err = -ENODATA;							\
	if (__h) {								\
		__err = bpf_io_steer_next(_ctx, __pos, __len);			\
		if (!__err && __next < RF_CHAIN_MAX_STAGES) {			\
			__h->steered |= 1U << __next;				\
			__h->steer_pos[__next] = __pos;				\
			__h->steer_len[__next] = __len;				\
		}								\
	}									\
	__err;									\
})

#endif /* RINGFLOW_MAPS_BPF_H */
