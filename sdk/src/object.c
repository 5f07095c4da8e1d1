// SPDX-License-Identifier: MIT
/*
 * The chain-record and payload maps of a loaded object, mapped into this process so
 * that userspace reads records and writes arguments with plain memory accesses (no
 * bpf() system call per chain or request), and the allocators handing them out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/libbpf.h>

#include <ringflow/layout.h>
#include <ringflow/object.h>
#include "error_internal.h"
#include "object_internal.h"

/* Both headers start with the generation BPF checks. */
_Static_assert(offsetof(struct rf_chain_hdr, gen) == 0, "gen first");
_Static_assert(offsetof(struct rf_payload_hdr, gen) == 0, "gen first");

static int map_open(struct rf_mapped *m, struct bpf_object *obj, const char *name,
		    size_t hdr_size)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	__u32 value_size, nr;
	int fd, err;

	memset(m, 0, sizeof(*m));
	if (!map)
		return 0;
	value_size = bpf_map__value_size(map);
	nr = bpf_map__max_entries(map);
	fd = bpf_map__fd(map);
	if (bpf_map__type(map) != BPF_MAP_TYPE_ARRAY ||
	    !(bpf_map__map_flags(map) & BPF_F_MMAPABLE) || value_size < hdr_size)
		return rf_fail(-EINVAL, "map %s of object %s is not a BPF_F_MMAPABLE array of "
			       "entries starting with the ringflow header: define it with "
			       "RF_CHAIN_RECORD() / RF_PAYLOAD()", name, bpf_object__name(obj));
	if (fd < 0)
		return rf_fail(-EINVAL, "map %s of object %s is not created: load the "
			       "skeleton before rf_object_open()", name, bpf_object__name(obj));
	m->stride = ((size_t)value_size + 7) & ~(size_t)7;
	m->hdr_size = hdr_size;
	m->user_size = value_size - hdr_size;
	m->map_len = (m->stride * nr + page - 1) & ~(page - 1);
	m->base = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m->base == MAP_FAILED) {
		err = -errno;
		m->base = NULL;
		return rf_fail(err, "mmap of map %s failed: %s", name, strerror(-err));
	}
	err = rf_slots_init(&m->slots, nr);
	if (err) {
		munmap(m->base, m->map_len);
		m->base = NULL;
		return rf_fail(err, "out of memory");
	}
	return 0;
}

static void map_close(struct rf_mapped *m)
{
	if (m->base)
		munmap(m->base, m->map_len);
	rf_slots_fini(&m->slots);
	m->base = NULL;
}

int rf_object_open(struct bpf_object *bpf, struct rf_object **out)
{
	struct rf_object *obj = calloc(1, sizeof(*obj));
	int err;

	*out = NULL;
	if (!obj)
		return rf_fail(-ENOMEM, "out of memory");
	obj->bpf = bpf;
	err = map_open(&obj->records, bpf, RF_CHAINS_MAP, sizeof(struct rf_chain_hdr));
	if (!err)
		err = map_open(&obj->payloads, bpf, RF_PAYLOADS_MAP, sizeof(struct rf_payload_hdr));
	if (err) {
		rf_object_close(obj);
		return err;
	}
	*out = obj;
	return 0;
}

void rf_object_close(struct rf_object *obj)
{
	if (!obj)
		return;
	map_close(&obj->records);
	map_close(&obj->payloads);
	free(obj);
}

size_t rf_object_record_size(const struct rf_object *obj)
{
	return obj->records.user_size;
}

size_t rf_object_payload_size(const struct rf_object *obj)
{
	return obj->payloads.user_size;
}

unsigned int rf_object_max_records(const struct rf_object *obj)
{
	return obj->records.slots.nr;
}

unsigned int rf_object_max_payloads(const struct rf_object *obj)
{
	return obj->payloads.slots.nr;
}

unsigned int rf_object_records_in_use(const struct rf_object *obj)
{
	return rf_slots_in_use(&obj->records.slots);
}

unsigned int rf_object_payloads_in_use(const struct rf_object *obj)
{
	return rf_slots_in_use(&obj->payloads.slots);
}

void *rf_mapped_entry(const struct rf_mapped *m, __u64 ref)
{
	if (!m->base || rf_slots_check(&m->slots, ref))
		return NULL;
	return (char *)m->base + (size_t)RF_REF_INDEX(ref) * m->stride;
}

__u64 rf_mapped_alloc(struct rf_mapped *m)
{
	__u64 ref = m->base ? rf_slots_alloc(&m->slots) : 0;
	char *entry;

	if (!ref)
		return 0;
	entry = (char *)m->base + (size_t)RF_REF_INDEX(ref) * m->stride;
	memset(entry, 0, m->stride);
	*(__u32 *)entry = RF_REF_GEN(ref);
	return ref;
}

int rf_mapped_free(struct rf_mapped *m, __u64 ref)
{
	int err = m->base ? rf_slots_check(&m->slots, ref) : -ERANGE;

	if (err)
		return err;
	*(__u32 *)((char *)m->base + (size_t)RF_REF_INDEX(ref) * m->stride) = 0;
	return rf_slots_free(&m->slots, ref);
}

static int bad_payload_ref(const struct rf_object *obj, __u64 ref, int err)
{
	if (err == -ERANGE)
		return rf_fail(err, "payload slot %u out of range (the map has %u slots)",
			       RF_REF_INDEX(ref), obj->payloads.slots.nr);
	return rf_fail(err, "stale payload reference (slot %u, generation %u): it was "
		       "freed or reallocated", RF_REF_INDEX(ref), RF_REF_GEN(ref));
}

void *rf_payload_alloc(struct rf_object *obj, __u64 *ref)
{
	if (!obj->payloads.base) {
		rf_fail(-ENOENT, "object %s has no payload map: declare one with RF_PAYLOAD()",
			bpf_object__name(obj->bpf));
		return NULL;
	}
	*ref = rf_mapped_alloc(&obj->payloads);
	if (!*ref) {
		rf_fail(-ENOSPC, "all %u payload slots are in use", obj->payloads.slots.nr);
		return NULL;
	}
	return (char *)rf_mapped_entry(&obj->payloads, *ref) + obj->payloads.hdr_size;
}

void *rf_payload_get(struct rf_object *obj, __u64 ref)
{
	char *entry = rf_mapped_entry(&obj->payloads, ref);

	if (!entry) {
		bad_payload_ref(obj, ref, obj->payloads.base ?
				rf_slots_check(&obj->payloads.slots, ref) : -ERANGE);
		return NULL;
	}
	return entry + obj->payloads.hdr_size;
}

int rf_payload_free(struct rf_object *obj, __u64 ref)
{
	int err = rf_mapped_free(&obj->payloads, ref);

	return err ? bad_payload_ref(obj, ref, err) : 0;
}
