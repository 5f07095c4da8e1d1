/* SPDX-License-Identifier: MIT */
/*
 * The chain-record map (rf_records) and payload map (rf_payloads) that chains use,
 * shared by BPF objects, mapped into this process, and the allocators handing out
 * their entries. Ops of every object sharing an rf_object work on the same chain
 * records and payload slots, so your ops and the built-in ones mix in one chain:
 *
 *	mine = mine__open();  builtin = rf_builtin__open();
 *	rf_object_open(mine->obj, &obj);     // the SDK creates the maps
 *	rf_object_share(obj, builtin->obj);  // ... and sizes them for both
 *	rf_load_skeleton(mine->skeleton);  rf_load_skeleton(builtin->skeleton);
 *
 * Rings sharing the rf_object share its maps, so the allocators live here. Not
 * thread-safe: use an rf_object from one thread.
 */
#ifndef RINGFLOW_OBJECT_H
#define RINGFLOW_OBJECT_H

#include <stddef.h>
#include <linux/types.h>

struct bpf_object;
struct rf_object;

/*
 * An rf_object for @obj (skel->obj). Before loading (the usual way), the SDK
 * creates the maps @obj declares with RF_CHAIN_RECORD() / RF_PAYLOAD() and libbpf
 * uses them when it loads @obj. After loading, the rf_object maps @obj's own maps.
 * Either map may be absent. The bpf_object must outlive the rf_object.
 */
int rf_object_open(struct bpf_object *obj, struct rf_object **out);

/*
 * Makes @bpf, opened but not loaded yet, use @obj's maps when it loads, so that
 * its ops and those of every other object sharing @obj work on the same records
 * and payloads. The maps grow to the largest record and payload any of them
 * declares while none is loaded. Fails (-EINVAL) when the objects' record types
 * disagree: each must be the record's type or a leading part of it (to use the
 * built-in ops, start your record type with struct rf_builtin_record).
 */
int rf_object_share(struct rf_object *obj, struct bpf_object *bpf);

void rf_object_close(struct rf_object *obj);

/* Size of the user part of a chain record / payload slot (0 without the map). */
size_t rf_object_record_size(const struct rf_object *obj);
size_t rf_object_payload_size(const struct rf_object *obj);
unsigned int rf_object_max_records(const struct rf_object *obj);
unsigned int rf_object_max_payloads(const struct rf_object *obj);
/* Records / payload slots in use now. */
unsigned int rf_object_records_in_use(const struct rf_object *obj);
unsigned int rf_object_payloads_in_use(const struct rf_object *obj);

/*
 * Payload slots outside a chain. alloc returns the slot's argument memory (zeroed)
 * and its reference for req->args[1]; writing it costs no system call. get and
 * free refuse a reference of another map (EXDEV), out of range (ERANGE) or no
 * longer allocated (ESTALE). alloc and get return NULL with errno and rf_errmsg()
 * set (alloc: ENOENT without a payload map, ENOSPC when every slot is in use);
 * free returns -errno.
 */
void *rf_payload_alloc(struct rf_object *obj, __u64 *ref);
void *rf_payload_get(struct rf_object *obj, __u64 ref);
int rf_payload_free(struct rf_object *obj, __u64 ref);

#endif /* RINGFLOW_OBJECT_H */
