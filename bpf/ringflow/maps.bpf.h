/* SPDX-License-Identifier: MIT */
/*
 * Chain-wide records and extended-SQE payloads, typed.
 *
 *	struct my_record { u32 crc; };
 *	struct my_args { u32 key; };
 *	RF_CHAIN_RECORD(struct my_record, 1024);  // map rf_chains, rf_record(ctx)
 *	RF_PAYLOAD(struct my_args, 1024);         // map rf_payloads, rf_payload(ctx)
 *
 * Both maps are BPF_F_MMAPABLE arrays that userspace maps (object.h): one record
 * per chain in flight, one payload slot per request in flight. Entries are found
 * through the references the SDK puts in ctx->args[0] (record) and ctx->args[1]
 * (payload), and a reference whose generation does not match the entry's is
 * refused: a request can never touch the record or arguments of another chain.
 */
#ifndef RINGFLOW_MAPS_BPF_H
#define RINGFLOW_MAPS_BPF_H

/* Looks up a generation-checked entry of an rf map: 0, -ERANGE or -ESTALE. */
#define rf__entry(map, ref, out) ({						\
	u64 __ref = (ref);							\
	u32 __idx = RF_REF_INDEX(__ref);					\
	typeof(*(out)) __e = bpf_map_lookup_elem(map, &__idx);		\
	int __err = 0;								\
	if (!__e)								\
		__err = -ERANGE;						\
	else if (!__e->hdr.gen || __e->hdr.gen != RF_REF_GEN(__ref))		\
		__err = -ESTALE;						\
	*(out) = __err ? NULL : __e;						\
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

/*
 * The chain record map, with rf_record(ctx) -> record_type * (NULL when the
 * request's record reference is bad) and rf_chain_hdr(ctx).
 */
#define RF_CHAIN_RECORD(record_type, max)					\
	struct rf_chain_value {							\
		struct rf_chain_hdr hdr;					\
		record_type rec;						\
	};									\
	_Static_assert(__builtin_offsetof(struct rf_chain_value, rec) ==	\
		       sizeof(struct rf_chain_hdr),				\
		       "records must not need more than 8-byte alignment");	\
	rf__mmapable_array(rf_chains, struct rf_chain_value, max);		\
	static __always_inline struct rf_chain_value *				\
	rf__chain_value(struct io_uring_bpf_req *ctx)				\
	{									\
		struct rf_chain_value *v;					\
		rf__entry(&rf_chains, ctx->args[RF_ARG_RECORD], &v);		\
		return v;							\
	}									\
	static __always_inline record_type *rf_record(struct io_uring_bpf_req *ctx) \
	{									\
		struct rf_chain_value *v = rf__chain_value(ctx);		\
		return v ? &v->rec : NULL;					\
	}									\
	static __always_inline struct rf_chain_hdr *				\
	rf_chain_hdr(struct io_uring_bpf_req *ctx)				\
	{									\
		struct rf_chain_value *v = rf__chain_value(ctx);		\
		return v ? &v->hdr : NULL;					\
	}

/*
 * The payload map, with rf_payload_get(ctx, &args) -> 0, -ERANGE (slot out of
 * range) or -ESTALE (slot freed or reused), and rf_payload(ctx) -> args or NULL.
 * Read payloads in prep or issue: the slot is recycled once the request completed.
 */
#define RF_PAYLOAD(args_type, max)						\
	struct rf_payload_value {						\
		struct rf_payload_hdr hdr;					\
		args_type args;							\
	};									\
	rf__mmapable_array(rf_payloads, struct rf_payload_value, max);		\
	static __always_inline int rf_payload_get(struct io_uring_bpf_req *ctx,	\
						  args_type **args)		\
	{									\
		struct rf_payload_value *v;					\
		int err = rf__entry(&rf_payloads, ctx->args[RF_ARG_PAYLOAD], &v); \
		*args = v ? &v->args : NULL;					\
		return err;							\
	}									\
	static __always_inline args_type *rf_payload(struct io_uring_bpf_req *ctx) \
	{									\
		args_type *args;						\
		rf_payload_get(ctx, &args);					\
		return args;							\
	}

/*
 * Raises an error for userspace: the first op of a chain that calls it records
 * -errno, its stage, its flags, a @detail value and a @reason (a string literal)
 * in the chain record's header, which the chain's report shows. Evaluates to @err,
 * so `return rf_fail(ctx, -EBADMSG, "crc mismatch");` fails the request too.
 * Needs RF_CHAIN_RECORD().
 */
#define rf_fail_detail(_ctx, _err, _detail, _reason) ({			\
	_Static_assert(sizeof(_reason) <= RF_REASON_LEN, "reason too long");	\
	struct rf_chain_hdr *__h = rf_chain_hdr(_ctx);				\
	int __err = (_err);							\
	if (__h && !__h->error) {						\
		__h->error = __err;						\
		__h->stage = rf_stage(_ctx);					\
		__h->op_flags = rf_op_flags(_ctx);				\
		__h->detail = (_detail);					\
		__builtin_memcpy(__h->reason, _reason, sizeof(_reason));	\
	}									\
	__err;									\
})
#define rf_fail(_ctx, _err, _reason) rf_fail_detail(_ctx, _err, 0, _reason)

#endif /* RINGFLOW_MAPS_BPF_H */
