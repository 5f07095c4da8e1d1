/* SPDX-License-Identifier: MIT */
/* Do objects agree on their record type? (record_type.c) */
#ifndef RF_RECORD_TYPE_H
#define RF_RECORD_TYPE_H

struct bpf_map;
struct bpf_object;
struct rf_record_type;

/* What @bpf's BTF says of its record map @map's type (before the map is shared). */
void rf_record_type_read(struct bpf_object *bpf, const struct bpf_map *map,
			 struct rf_record_type *rt);
/*
 * Checks @rt against the record type objects sharing the map use so far; -EINVAL
 * with a message when neither starts with the other. @shared becomes the larger.
 */
int rf_record_type_join(struct rf_record_type *shared, const struct rf_record_type *rt);

#endif
