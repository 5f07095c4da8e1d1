// SPDX-License-Identifier: MIT
/*
 * Objects sharing one record map must agree on where their fields are: each
 * object's record type must be the shared record's type or its leading part (the
 * built-in ops write struct rf_builtin_record, so a record they share starts with
 * one). BTF tells which type an object declared with RF_CHAIN_RECORD().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <ringflow/layout.h>
#include "error_internal.h"
#include "record_type.h"

static const struct btf_type *skip_modifiers(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && btf_is_mod(t)) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* Appends "struct x", "union x" or a typedef's or base type's name; not anonymous ones. */
static void add_name(const struct btf *btf, const struct btf_type *t, struct rf_record_type *rt)
{
	const char *name = btf__name_by_offset(btf, t->name_off);

	if (!name || !*name || rt->depth == RF_TYPE_DEPTH)
		return;
	if (btf_is_struct(t) || btf_is_union(t))
		snprintf(rt->names[rt->depth++], RF_TYPE_NAME, "%s %s",
			 btf_is_struct(t) ? "struct" : "union", name);
	else
		snprintf(rt->names[rt->depth++], RF_TYPE_NAME, "%s", name);
}

void rf_record_type_read(struct bpf_object *bpf, const struct bpf_map *map,
			 struct rf_record_type *rt)
{
	const struct btf *btf = bpf_object__btf(bpf);
	const struct btf_type *value, *t;
	const struct btf_member *m;
	__u32 id = bpf_map__btf_value_type_id(map);
	int i;

	memset(rt, 0, sizeof(*rt));
	snprintf(rt->object, sizeof(rt->object), "%s", bpf_object__name(bpf));
	rt->size = bpf_map__value_size(map) - sizeof(struct rf_record_hdr);
	value = btf && id ? skip_modifiers(btf, &id) : NULL;
	if (!value || !btf_is_struct(value))
		return;
	/* struct rf_record_value { hdr; rec; }: no rec is RF_CHAIN_HEADER() */
	for (i = 0, m = btf_members(value), id = 0; i < btf_vlen(value); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "rec"))
			id = m->type;
	if (!id) {
		rt->size = 0;
		rt->depth = 1;
		snprintf(rt->names[0], RF_TYPE_NAME, "(header only)");
		return;
	}
	rt->size = (size_t)btf__resolve_size(btf, id);
	/* the type's names, then its first member's type's, while at offset 0 */
	while (rt->depth < RF_TYPE_DEPTH) {
		t = skip_modifiers(btf, &id);
		if (!t)
			break;
		add_name(btf, t, rt);
		if (btf_is_typedef(t)) {
			id = t->type;
			continue;
		}
		if (!btf_is_struct(t) || !btf_vlen(t) || btf_member_bit_offset(t, 0))
			break;
		id = btf_members(t)->type;
	}
}

static bool starts_with(const struct rf_record_type *big, const struct rf_record_type *small)
{
	unsigned int i;

	for (i = 0; i < big->depth; i++)
		if (!strcmp(big->names[i], small->names[0]))
			return true;
	return false;
}

int rf_record_type_join(struct rf_record_type *shared, const struct rf_record_type *rt)
{
	const struct rf_record_type *big = rt->size > shared->size ? rt : shared;
	const struct rf_record_type *small = big == rt ? shared : rt;

	/* nothing to compare: header-only records fit anything, no BTF says nothing */
	if (small->size && small->depth && big->depth && !starts_with(big, small))
		return rf_set_errmsg(-EINVAL, "object '%s' (records: %s, %zu bytes) and object '%s' "
			       "(records: %s, %zu bytes) cannot share chain records: the ops of "
			       "each write their own type at the start of the record. Make %s "
			       "start with a member of type %s (a header both .bpf.c files "
			       "include: examples/07-shared), or give them separate rf_objects",
			       rt->object, rt->names[0], rt->size, shared->object,
			       shared->names[0], shared->size, big->names[0], small->names[0]);
	if (big == rt || !shared->object[0])
		*shared = *rt;
	return 0;
}
