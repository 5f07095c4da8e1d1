// SPDX-License-Identifier: MIT
/* Shared set-up of the VM tests (fixture.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fixture.h"

void fixture_bind(struct rf_ring *ring, struct rf_builtin *skel)
{
	cr_assert_eq(rf_ring_bind(ring, SLOT_COPY, skel->links.rf_copy), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(ring, SLOT_CRC, skel->links.rf_crc32c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(ring, SLOT_XOR, skel->links.rf_xor), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(ring, SLOT_VERIFY, skel->links.rf_verify), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(ring, SLOT_INJECT, skel->links.rf_inject), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_bind(ring, SLOT_NOP, skel->links.rf_nop), 0, "%s", rf_errmsg());
}

void fixture_open(struct fixture *f, const struct rf_ring_opts *opts)
{
	memset(f, 0, sizeof(*f));
	cr_assert_eq(rf_probe(), 0, "%s", rf_errmsg());
	f->skel = rf_builtin__open();
	cr_assert_not_null(f->skel);
	cr_assert_eq(rf_object_open(f->skel->obj, &f->obj), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_load_skeleton(f->skel->skeleton), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_builtin__attach(f->skel), 0);
	cr_assert_eq(rf_ring_create(opts, &f->ring), 0, "%s", rf_errmsg());
	fixture_bind(f->ring, f->skel);
}

void fixture_close(struct fixture *f)
{
	rf_ring_destroy(f->ring);
	rf_object_close(f->obj);
	rf_builtin__destroy(f->skel);
}

void collect(const struct rf_chain_result *res, void *arg)
{
	struct report *r = (struct report *)arg + (uintptr_t)res->user;

	r->count++;
	r->status = res->status;
	r->failed_stage = res->failed_stage;
	r->cancelled = res->cancelled;
	memcpy(r->res, res->res, res->nr_stages * sizeof(res->res[0]));
	if (res->record)
		memcpy(&r->rec, res->record, sizeof(r->rec));
	if (res->hdr)
		r->hdr = *res->hdr;
	rf_chain_describe(res, r->line, sizeof(r->line));
}

struct fixture fx;

void fixture_setup(void)
{
	fixture_open(&fx, NULL);
}

void fixture_teardown(void)
{
	fixture_close(&fx);
}

int scratch_file(void)
{
	char path[] = "/tmp/rf-test-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	unlink(path);
	return fd;
}
