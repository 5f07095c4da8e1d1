// SPDX-License-Identifier: MIT
/*
 * The chain-record and payload maps objects share, mapped into this process so that
 * userspace reads records and writes arguments with plain memory accesses (no
 * bpf() system call per chain or request), and the allocators handing them out.
 *
 * Objects shared before they are loaded use maps the SDK creates, sized for the
 * largest record and payload any of them declares (libbpf reuses them at load
 * instead of creating the object's own). An object opened after loading keeps its
 * own maps, which objects shared afterwards must fit in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <ringflow/error.h>
#include <ringflow/layout.h>
#include <ringflow/object.h>
#include "error_internal.h"
#include "object_internal.h"

/* Both headers start with the reference BPF checks. */
_Static_assert(offsetof(struct rf_record_hdr, ref) == 0, "ref first");
_Static_assert(offsetof(struct rf_payload_hdr, ref) == 0, "ref first");

/* What an object declares for one of the two maps. */
struct decl {
	struct bpf_object *bpf;
	struct bpf_map	*map;		/* NULL: not declared */
	__u32		value_size;
	__u32		max_entries;
};

static int read_decl(struct bpf_object *bpf, const char *name, size_t hdr_size,
		     struct decl *d)
{
	memset(d, 0, sizeof(*d));
	d->bpf = bpf;
	d->map = bpf_object__find_map_by_name(bpf, name);
	if (!d->map)
		return 0;
	d->value_size = bpf_map__value_size(d->map);
	d->max_entries = bpf_map__max_entries(d->map);
	if (bpf_map__type(d->map) != BPF_MAP_TYPE_ARRAY ||
	    !(bpf_map__map_flags(d->map) & BPF_F_MMAPABLE) || d->value_size < hdr_size)
		return rf_set_errmsg(-EINVAL, "map %s of object '%s' is not a BPF_F_MMAPABLE array of "
			       "entries starting with the ringflow header: define it with "
			       "RF_CHAIN_RECORD() / RF_PAYLOAD()", name, bpf_object__name(bpf));
	if (d->max_entries > RF_REF_INDEX_MASK + 1U)
		return rf_set_errmsg(-E2BIG, "map %s of object '%s' has %u entries; references "
			       "address at most %u", name, bpf_object__name(bpf),
			       d->max_entries, RF_REF_INDEX_MASK + 1U);
	return 0;
}

/* Takes @fd (a mmapable array) as the map of @m: its id, a mapping, an allocator. */
static int map_attach(struct rf_mapped *m, int fd, const char *name, size_t hdr_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_map_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return rf_set_errmsg(err, "reading map %s failed: %s", name, strerror(-err));
	}
	m->fd = fd;
	m->id = info.id;
	m->stride = ((size_t)info.value_size + 7) & ~(size_t)7;
	m->hdr_size = hdr_size;
	m->user_size = info.value_size - hdr_size;
	m->map_len = (m->stride * info.max_entries + page - 1) & ~(page - 1);
	m->base = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m->base == MAP_FAILED) {
		err = -errno;
		m->base = NULL;
		return rf_set_errmsg(err, "mmap of map %s failed: %s", name, strerror(-err));
	}
	err = rf_slots_init(&m->slots, info.max_entries, RF_MAP_TAG(info.id));
	return err ? rf_set_errmsg(err, "out of memory for %u entries of map %s",
			     info.max_entries, name) : 0;
}

static void map_release(struct rf_mapped *m)
{
	if (m->base)
		munmap(m->base, m->map_len);
	if (m->fd >= 0)
		close(m->fd);
	rf_slots_fini(&m->slots);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

static int map_create(struct rf_mapped *m, const char *name, size_t hdr_size,
		      __u32 value_size, __u32 max_entries)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(__u32), value_size,
				max_entries, &opts), err = -errno;

	if (fd < 0)
		return rf_set_errmsg(err, "creating map %s failed: %s%s", name, rf_strerror(err),
			       err == -EPERM ? ": creating BPF maps needs CAP_BPF (run as "
			       "root in the VM)" : "");
	return map_attach(m, fd, name, hdr_size);
}

/* Loading created the object's maps and programs (libbpf has no "loaded" flag). */
static bool object_loaded(struct bpf_object *bpf)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, bpf)
		if (bpf_program__fd(prog) >= 0)
			return true;
	return false;
}

static bool any_member_loaded(const struct rf_object *obj)
{
	unsigned int i;

	for (i = 0; i < obj->nr_members; i++)
		if (object_loaded(obj->members[i].bpf))
			return true;
	return false;
}

/* libbpf's bpf_map__reuse_fd(), with a message. */
static int reuse(struct bpf_object *bpf, struct bpf_map *map, int fd)
{
	int err = bpf_map__reuse_fd(map, fd);

	return err ? rf_set_errmsg(err, "sharing map %s with object '%s' failed: %s",
			     bpf_map__name(map), bpf_object__name(bpf), rf_strerror(err)) : 0;
}

/* Points every member declaring the map @name at @m's map. */
static int reuse_in_members(struct rf_object *obj, const char *name, const struct rf_mapped *m)
{
	unsigned int i;

	for (i = 0; i < obj->nr_members; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj->members[i].bpf, name);

		int err = map ? reuse(obj->members[i].bpf, map, m->fd) : 0;

		if (err)
			return err;
	}
	return 0;
}

/*
 * Makes sure @m can hold what @d declares: creates the map, or a larger one while
 * nothing uses the current one yet.
 */
static int fit_map(struct rf_object *obj, struct rf_mapped *m, const char *name,
		   size_t hdr_size, const struct decl *d, const char *what)
{
	__u32 value_size = (__u32)(m->hdr_size + m->user_size), nr = m->slots.nr;
	const char *object = d->map ? bpf_object__name(d->bpf) : "";
	int err;

	if (!d->map || (m->fd >= 0 && d->value_size <= value_size && d->max_entries <= nr))
		return 0;
	if (m->fd >= 0 && obj->adopted)
		return rf_set_errmsg(-E2BIG, "object '%s' needs %s of %u bytes (%u entries) but the "
			       "maps of loaded object '%s' hold %u bytes (%u entries): open the "
			       "rf_object before loading its objects, so that the SDK sizes "
			       "the maps for all of them", object, what, d->value_size,
			       d->max_entries, bpf_object__name(obj->members[0].bpf), value_size, nr);
	if (m->fd >= 0 && (any_member_loaded(obj) || rf_slots_in_use(&m->slots)))
		return rf_set_errmsg(-EBUSY, "object '%s' needs larger %s than the shared ones, which "
			       "are in use already: share every object before loading any",
			       object, what);
	if (m->fd < 0)
		value_size = nr = 0;
	if (d->value_size > value_size)
		value_size = d->value_size;
	if (d->max_entries > nr)
		nr = d->max_entries;
	map_release(m);
	err = map_create(m, name, hdr_size, value_size, nr);
	return err ? err : reuse_in_members(obj, name, m);
}

int rf_object_share(struct rf_object *obj, struct bpf_object *bpf)
{
	struct decl records, payloads;
	struct rf_record_type rt, joined = obj->record_type;
	struct rf_member *members;
	unsigned int i;
	int err;

	for (i = 0; i < obj->nr_members; i++)
		if (obj->members[i].bpf == bpf)
			return rf_set_errmsg(-EALREADY, "object '%s' shares these maps already",
				       bpf_object__name(bpf));
	if (object_loaded(bpf))
		return rf_set_errmsg(-EBUSY, "object '%s' is loaded already, with maps of its own: "
			       "share objects before loading them", bpf_object__name(bpf));
	err = read_decl(bpf, RF_RECORDS_MAP, sizeof(struct rf_record_hdr), &records);
	if (!err)
		err = read_decl(bpf, RF_PAYLOADS_MAP, sizeof(struct rf_payload_hdr), &payloads);
	if (err)
		return err;
	if (records.map) {
		rf_record_type_read(bpf, records.map, &rt);
		err = rf_record_type_join(&joined, &rt);
		if (err)
			return err;
	}
	members = realloc(obj->members, (obj->nr_members + 1) * sizeof(*members));
	if (!members)
		return rf_set_errmsg(-ENOMEM, "out of memory");
	obj->members = members;
	/* a member only once it shares both maps: fit_map() points members at new maps */
	err = fit_map(obj, &obj->records, RF_RECORDS_MAP, sizeof(struct rf_record_hdr),
		      &records, "chain records");
	if (!err)
		err = fit_map(obj, &obj->payloads, RF_PAYLOADS_MAP,
			      sizeof(struct rf_payload_hdr), &payloads, "payload slots");
	if (!err && records.map)
		err = reuse(bpf, records.map, obj->records.fd);
	if (!err && payloads.map)
		err = reuse(bpf, payloads.map, obj->payloads.fd);
	if (err)
		return err;
	members[obj->nr_members++].bpf = bpf;
	obj->record_type = joined;
	return 0;
}

/* A loaded object's own maps, mapped as they are. */
static int adopt(struct rf_object *obj, struct bpf_object *bpf)
{
	struct decl records, payloads;
	int err;

	obj->adopted = true;
	obj->members = calloc(1, sizeof(*obj->members));
	if (!obj->members)
		return rf_set_errmsg(-ENOMEM, "out of memory");
	obj->members[obj->nr_members++].bpf = bpf;
	err = read_decl(bpf, RF_RECORDS_MAP, sizeof(struct rf_record_hdr), &records);
	if (!err)
		err = read_decl(bpf, RF_PAYLOADS_MAP, sizeof(struct rf_payload_hdr), &payloads);
	if (!err && records.map) {
		rf_record_type_read(bpf, records.map, &obj->record_type);
		err = map_attach(&obj->records, fcntl(bpf_map__fd(records.map), F_DUPFD_CLOEXEC, 3),
				 RF_RECORDS_MAP, sizeof(struct rf_record_hdr));
	}
	if (!err && payloads.map)
		err = map_attach(&obj->payloads, fcntl(bpf_map__fd(payloads.map), F_DUPFD_CLOEXEC, 3),
				 RF_PAYLOADS_MAP, sizeof(struct rf_payload_hdr));
	return err;
}

int rf_object_open(struct bpf_object *bpf, struct rf_object **out)
{
	struct rf_object *obj = calloc(1, sizeof(*obj));
	int err;

	*out = NULL;
	if (!obj)
		return rf_set_errmsg(-ENOMEM, "out of memory");
	obj->records.fd = obj->payloads.fd = -1;
	err = object_loaded(bpf) ? adopt(obj, bpf) : rf_object_share(obj, bpf);
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
	map_release(&obj->records);
	map_release(&obj->payloads);
	free(obj->members);
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

__u64 rf_mapped_alloc(struct rf_mapped *m)
{
	__u64 ref = m->base ? rf_slots_alloc(&m->slots) : 0;
	char *entry;

	if (!ref)
		return 0;
	entry = (char *)m->base + (size_t)RF_REF_INDEX(ref) * m->stride;
	memset(entry, 0, m->stride);
	*(__u64 *)entry = ref;
	return ref;
}

int rf_mapped_free(struct rf_mapped *m, __u64 ref)
{
	int err = m->base ? rf_slots_check(&m->slots, ref) : -ENODATA;

	if (err)
		return err;
	*(__u64 *)((char *)m->base + (size_t)RF_REF_INDEX(ref) * m->stride) = 0;
	return rf_slots_free(&m->slots, ref);
}

static int bad_payload_ref(const struct rf_object *obj, __u64 ref, int err)
{
	switch (err) {
	case -ENODATA:
		return rf_set_errmsg(err, obj->payloads.base ? "payload reference 0 names no slot" :
			       "no payload map: declare one with RF_PAYLOAD()");
	case -EXDEV:
		return rf_set_errmsg(err, "payload reference of another map (tag %u; this map's is "
			       "%u): use it with the rf_object that allocated it",
			       RF_REF_TAG(ref), obj->payloads.slots.tag);
	case -ERANGE:
		return rf_set_errmsg(err, "payload slot %u out of range (the map has %u slots)",
			       RF_REF_INDEX(ref), obj->payloads.slots.nr);
	default:
		return rf_set_errmsg(err, "stale payload reference (slot %u, generation %u): it "
			       "was freed or reallocated", RF_REF_INDEX(ref), RF_REF_GEN(ref));
	}
}

void *rf_payload_alloc(struct rf_object *obj, __u64 *ref)
{
	if (!obj->payloads.base) {
		errno = -rf_set_errmsg(-ENOENT, "no object sharing this rf_object declares a "
				       "payload map: declare one with RF_PAYLOAD()");
		return NULL;
	}
	*ref = rf_mapped_alloc(&obj->payloads);
	if (!*ref) {
		errno = -rf_set_errmsg(-ENOSPC, "all %u payload slots are in use: reap chains, "
				       "or give RF_PAYLOAD() more entries", obj->payloads.slots.nr);
		return NULL;
	}
	return (char *)rf_mapped_entry(&obj->payloads, *ref) + obj->payloads.hdr_size;
}

void *rf_payload_get(struct rf_object *obj, __u64 ref)
{
	char *entry = rf_mapped_entry(&obj->payloads, ref);

	if (!entry) {
		errno = -bad_payload_ref(obj, ref, obj->payloads.base ?
					 rf_slots_check(&obj->payloads.slots, ref) : -ENODATA);
		return NULL;
	}
	return entry + obj->payloads.hdr_size;
}

int rf_payload_free(struct rf_object *obj, __u64 ref)
{
	int err = rf_mapped_free(&obj->payloads, ref);

	return err ? bad_payload_ref(obj, ref, err) : 0;
}
