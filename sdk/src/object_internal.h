/* SPDX-License-Identifier: MIT */
/* The SDK's view of the record and payload maps objects share (object.c). */
#ifndef RF_OBJECT_INTERNAL_H
#define RF_OBJECT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <ringflow/layout.h>
#include "record_type.h"
#include "slots.h"

/* An mmapable BPF array whose entries start with a header the SDK owns. */
struct rf_mapped {
	int		fd;		/* -1 when no object declared such a map */
	__u32		id;		/* kernel map id: its tag is in every reference */
	void		*base;
	size_t		map_len;
	size_t		stride;		/* the kernel rounds values up to 8 bytes */
	size_t		hdr_size;
	size_t		user_size;	/* value size minus header */
	struct rf_slots	slots;
};

/* A BPF object sharing the maps. */
struct rf_member {
	struct bpf_object	*bpf;
};

struct rf_object {
	struct rf_mapped	records;
	struct rf_mapped	payloads;
	/* the maps are a loaded object's own: they cannot grow for another object */
	bool			adopted;
	struct rf_record_type	record_type;	/* the largest of the members' */
	struct rf_member	*members;
	unsigned int		nr_members;
};

/* The entry a valid reference names (header first), or NULL. Inline: every reap uses it. */
static inline void *rf_mapped_entry(const struct rf_mapped *m, __u64 ref)
{
	if (!m->base || rf_slots_check(&m->slots, ref))
		return NULL;
	return (char *)m->base + (size_t)RF_REF_INDEX(ref) * m->stride;
}
/* Allocates a zeroed entry whose header carries its reference; 0 when full. */
__u64 rf_mapped_alloc(struct rf_mapped *m);
/* Clears the header (stale for BPF too) and frees; what rf_slots_check() says. */
int rf_mapped_free(struct rf_mapped *m, __u64 ref);

#endif
