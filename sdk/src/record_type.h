/* SPDX-License-Identifier: MIT */
/* Do objects agree on their record type? (record_type.c) */
#ifndef RF_RECORD_TYPE_H
#define RF_RECORD_TYPE_H

#include <stddef.h>

struct bpf_map;
struct bpf_object;

/* What BTF says of an object's record type, to check objects agree on it. */
#define RF_TYPE_DEPTH	4
#define RF_TYPE_NAME	64
struct rf_record_type {
	char		object[RF_TYPE_NAME];	/* the BPF object that declared it */
	size_t		size;			/* 0: header only (RF_CHAIN_HEADER) */
	unsigned int	depth;			/* 0: unknown (no BTF) */
	/* the type, the type of its first member, of that one's first member, ... */
	char		names[RF_TYPE_DEPTH][RF_TYPE_NAME];
};

/* What @bpf's BTF says of its record map @map's type (before the map is shared). */
void rf_record_type_read(struct bpf_object *bpf, const struct bpf_map *map,
			 struct rf_record_type *rt);
/*
 * Checks @rt against the record type objects sharing the map use so far; -EINVAL
 * with a message when neither starts with the other. @shared becomes the larger.
 */
int rf_record_type_join(struct rf_record_type *shared, const struct rf_record_type *rt);

#endif
