// SPDX-License-Identifier: MIT
/* The generation-checked index allocator behind records and payload slots. */
#include <errno.h>
#include <stdlib.h>

#include <ringflow/layout.h>
#include "slots.h"

int rf_slots_init(struct rf_slots *s, unsigned int nr, __u32 tag)
{
	unsigned int i;

	if (nr > RF_REF_INDEX_MASK + 1U)
		return -E2BIG;
	s->nr = nr;
	s->tag = tag;
	s->nr_free = nr;
	s->free = calloc(nr ? nr : 1, sizeof(*s->free));
	s->gen = calloc(nr ? nr : 1, sizeof(*s->gen));
	s->used = calloc(nr ? nr : 1, sizeof(*s->used));
	if (!s->free || !s->gen || !s->used) {
		rf_slots_fini(s);
		return -ENOMEM;
	}
	/* lowest index on top: allocation order is 0, 1, 2, ... */
	for (i = 0; i < nr; i++)
		s->free[i] = nr - 1 - i;
	return 0;
}

void rf_slots_fini(struct rf_slots *s)
{
	free(s->free);
	free(s->gen);
	free(s->used);
	s->free = NULL;
	s->gen = NULL;
	s->used = NULL;
	s->nr = s->nr_free = 0;
}

__u64 rf_slots_alloc(struct rf_slots *s)
{
	__u32 idx;

	if (!s->nr_free)
		return 0;
	idx = s->free[--s->nr_free];
	s->gen[idx] = (s->gen[idx] + 1) & RF_REF_GEN_MASK;
	if (s->gen[idx] == 0)
		s->gen[idx] = 1;
	s->used[idx] = true;
	return RF_REF(s->tag, s->gen[idx], idx);
}

int rf_slots_check(const struct rf_slots *s, __u64 ref)
{
	__u32 idx = RF_REF_INDEX(ref);

	if (!ref)
		return -ENODATA;
	if (RF_REF_TAG(ref) != s->tag)
		return -EXDEV;
	if (idx >= s->nr)
		return -ERANGE;
	if (!s->used[idx] || s->gen[idx] != RF_REF_GEN(ref))
		return -ESTALE;
	return 0;
}

int rf_slots_free(struct rf_slots *s, __u64 ref)
{
	int err = rf_slots_check(s, ref);

	if (err)
		return err;
	s->used[RF_REF_INDEX(ref)] = false;
	s->free[s->nr_free++] = RF_REF_INDEX(ref);
	return 0;
}
