// SPDX-License-Identifier: MIT
/*
 * What an op is, seen from its struct_ops link: its name for reports, and which
 * record and payload maps its programs use, so that a chain whose record lives in
 * another map than the op's can be refused before it runs (chain.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <ringflow/layout.h>
#include "op_info.h"

#define MAX_PROG_MAPS 64
#define MAX_CALLBACKS 8

/* Where an op's struct_ops map value holds the ids of its callback programs. */
static struct {
	__u32		value_size;
	unsigned int	nr_callbacks;	/* 0: not known */
	__u32		prog_id_off[MAX_CALLBACKS];
} layout;

/*
 * struct bpf_struct_ops_io_uring_bpf_req_ops: a common header, then the
 * callbacks' program ids at a cacheline-aligned offset ("data").
 */
void rf_op_info_read_layout(const struct btf *btf, const struct btf_type *ops)
{
	const struct btf_type *value;
	const struct btf_member *m;
	__u32 data_off = 0;
	int id, i;

	id = btf__find_by_name_kind(btf, "bpf_struct_ops_io_uring_bpf_req_ops", BTF_KIND_STRUCT);
	value = id < 0 ? NULL : btf__type_by_id(btf, id);
	if (!value)
		return;
	for (i = 0, m = btf_members(value); i < btf_vlen(value); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "data"))
			data_off = btf_member_bit_offset(value, i) / 8;
	if (!data_off)
		return;
	for (i = 0, m = btf_members(ops); i < btf_vlen(ops); i++, m++) {
		const struct btf_type *t = btf__type_by_id(btf, m->type);

		if (t && btf_is_ptr(t) && layout.nr_callbacks < MAX_CALLBACKS)
			layout.prog_id_off[layout.nr_callbacks++] =
				data_off + btf_member_bit_offset(ops, i) / 8;
	}
	layout.value_size = value->size;
}

/*
 * The struct_ops map behind a link. The system's linux/bpf.h may predate
 * struct_ops link info, so spell out its layout.
 */
static __u32 link_map_id(int link_fd)
{
	struct {
		__u32 type, id, prog_id, pad;
		__u32 map_id;
		__u8 rest[64];
	} info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_link_get_info_by_fd(link_fd, (struct bpf_link_info *)&info, &len) ||
	    info.type != 9 /* BPF_LINK_TYPE_STRUCT_OPS */)
		return 0;
	return info.map_id;
}

/* Notes the rf_records / rf_payloads maps among the maps of program @prog_id. */
static bool read_prog_maps(__u32 prog_id, struct rf_op_info *op)
{
	__u32 ids[MAX_PROG_MAPS], len = sizeof(struct bpf_prog_info), i;
	struct bpf_prog_info info;
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool ok;

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(uintptr_t)ids;
	ok = !bpf_prog_get_info_by_fd(fd, &info, &len) && info.nr_map_ids <= MAX_PROG_MAPS;
	close(fd);
	for (i = 0; ok && i < info.nr_map_ids; i++) {
		struct bpf_map_info minfo;
		__u32 mlen = sizeof(minfo);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			return false;
		memset(&minfo, 0, sizeof(minfo));
		ok = !bpf_map_get_info_by_fd(mfd, &minfo, &mlen);
		close(mfd);
		if (ok && !strcmp(minfo.name, RF_RECORDS_MAP))
			op->record_map = minfo.id;
		if (ok && !strcmp(minfo.name, RF_PAYLOADS_MAP))
			op->payload_map = minfo.id;
	}
	return ok;
}

/* The callback programs' ids sit in the struct_ops value, where the layout says. */
static void read_op_maps(int ops_fd, struct rf_op_info *op)
{
	__u32 key = 0;
	unsigned char *value;
	unsigned int i;
	bool ok;

	if (!layout.nr_callbacks)
		return;
	value = calloc(1, layout.value_size);
	ok = value && !bpf_map_lookup_elem(ops_fd, &key, value);
	for (i = 0; ok && i < layout.nr_callbacks; i++) {
		__u64 prog_id;

		memcpy(&prog_id, value + layout.prog_id_off[i], sizeof(prog_id));
		if (prog_id)
			ok = read_prog_maps((__u32)prog_id, op);
	}
	op->maps_known = ok;
	free(value);
}

void rf_op_info_read(int link_fd, unsigned int slot, struct rf_op_info *op)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	__u32 map_id = link_map_id(link_fd);
	int fd;

	memset(op, 0, sizeof(*op));
	snprintf(op->name, sizeof(op->name), "slot%u", slot);
	fd = map_id ? bpf_map_get_fd_by_id(map_id) : -1;
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_map_get_info_by_fd(fd, &info, &len))
		snprintf(op->name, sizeof(op->name), "%s", info.name);
	read_op_maps(fd, op);
	close(fd);
}
