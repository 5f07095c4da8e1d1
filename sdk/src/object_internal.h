/* SPDX-License-Identifier: MIT */
/* The SDK's view of a loaded object's record and payload maps (object.c). */
#ifndef RF_OBJECT_INTERNAL_H
#define RF_OBJECT_INTERNAL_H

#include <stddef.h>
#include <linux/types.h>
#include "slots.h"

/* An mmapable BPF array whose entries start with a header the SDK owns. */
struct rf_mapped {
	void		*base;		/* NULL when the object has no such map */
	size_t		map_len;
	size_t		stride;		/* the kernel rounds values up to 8 bytes */
	size_t		hdr_size;
	size_t		user_size;	/* value size minus header */
	struct rf_slots	slots;
};

struct rf_object {
	struct bpf_object	*bpf;
	struct rf_mapped	records;
	struct rf_mapped	payloads;
};

/* The entry a valid reference names (header first), or NULL. */
void *rf_mapped_entry(const struct rf_mapped *m, __u64 ref);
/* Allocates a zeroed entry whose header carries its generation; 0 when full. */
__u64 rf_mapped_alloc(struct rf_mapped *m);
/* Clears the header generation (stale for BPF too) and frees; -ERANGE/-ESTALE. */
int rf_mapped_free(struct rf_mapped *m, __u64 ref);

#endif
