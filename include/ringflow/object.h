/* SPDX-License-Identifier: MIT */
/*
 * A loaded BPF object seen by the SDK: its chain-record map (rf_chains) and payload
 * map (rf_payloads), mapped into this process, and the allocators handing out their
 * entries. Rings sharing the object share its maps, so the allocators live here.
 * Not thread-safe: use an object from one thread.
 */
#ifndef RINGFLOW_OBJECT_H
#define RINGFLOW_OBJECT_H

#include <stddef.h>
#include <linux/types.h>

struct bpf_object;
struct rf_object;

/*
 * Wraps a loaded object (skel->obj, after loading). Either map may be absent (the
 * BPF side did not use RF_CHAIN_RECORD() or RF_PAYLOAD()); both must be
 * BPF_F_MMAPABLE arrays. The bpf_object must outlive the rf_object.
 */
int rf_object_open(struct bpf_object *obj, struct rf_object **out);
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
 * and its reference for ctx->args[1]; writing it costs no system call. get and
 * free reject a reference out of range (-ERANGE) or no longer allocated (-ESTALE).
 */
void *rf_payload_alloc(struct rf_object *obj, __u64 *ref);
void *rf_payload_get(struct rf_object *obj, __u64 ref);
int rf_payload_free(struct rf_object *obj, __u64 ref);

#endif /* RINGFLOW_OBJECT_H */
