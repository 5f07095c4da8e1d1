/* SPDX-License-Identifier: MIT */
/*
 * Index allocator with generations, for chain records and payload slots. A
 * reference (layout.h RF_REF) is valid while its index is allocated under the same
 * generation, in the allocator of the same map (tag); freeing bumps nothing,
 * allocating does, so an old reference to a recycled index never matches.
 * Generation 0 is never handed out.
 */
#ifndef RF_SLOTS_H
#define RF_SLOTS_H

#include <stdbool.h>
#include <linux/types.h>

struct rf_slots {
	unsigned int	nr;
	unsigned int	nr_free;
	__u32		tag;		/* RF_MAP_TAG of the map the indices are in */
	__u32		*free;		/* stack of free indices */
	__u32		*gen;		/* generation of each index */
	bool		*used;
};

/* nr <= RF_REF_INDEX_MASK + 1; -ENOMEM or -E2BIG. */
int rf_slots_init(struct rf_slots *s, unsigned int nr, __u32 tag);
void rf_slots_fini(struct rf_slots *s);
/* Allocates an index; returns its reference, or 0 when none is free. */
__u64 rf_slots_alloc(struct rf_slots *s);
/*
 * 0 when ref is allocated here; -ENODATA (ref 0), -EXDEV (another map's tag),
 * -ERANGE (index out of range), -ESTALE (freed or reallocated) otherwise.
 */
int rf_slots_check(const struct rf_slots *s, __u64 ref);
/* Frees ref after rf_slots_check(); returns what rf_slots_check() returns. */
int rf_slots_free(struct rf_slots *s, __u64 ref);

static inline unsigned int rf_slots_in_use(const struct rf_slots *s)
{
	return s->nr - s->nr_free;
}

#endif
