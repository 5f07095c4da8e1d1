/* SPDX-License-Identifier: MIT */
/* VM tests: the built-in ops loaded, mapped and bound into a ring. */
#ifndef RF_TEST_FIXTURE_H
#define RF_TEST_FIXTURE_H

#include <ringflow/ringflow.h>
#include <ringflow/builtin.h>
#include "rf_builtin.skel.h"

enum { SLOT_COPY, SLOT_CRC, SLOT_XOR, SLOT_VERIFY, SLOT_INJECT, SLOT_NOP };

struct fixture {
	struct rf_builtin	*skel;
	struct rf_object	*obj;
	struct rf_ring		*ring;
};

/* What a test remembers of each chain's report (user pointer = chain number). */
struct report {
	unsigned int		count;		/* reports received: must end at 1 */
	int			status;
	int			failed_stage;
	unsigned int		cancelled;
	__s32			res[RF_CHAIN_MAX_STAGES];
	struct rf_builtin_record rec;
	struct rf_record_hdr	hdr;
	char			line[256];
};

/* The fixture of suites declared with .init = fixture_setup, .fini = fixture_teardown. */
extern struct fixture fx;
void fixture_setup(void);
void fixture_teardown(void);

/* An unlinked scratch file in /tmp (the guest's is a tmpfs). */
int scratch_file(void);

/* Opens, shares, loads and attaches the built-in ops and binds them into a new ring. */
void fixture_open(struct fixture *f, const struct rf_ring_opts *opts);
void fixture_bind(struct rf_ring *ring, struct rf_builtin *skel);
void fixture_close(struct fixture *f);

/* rf_chain_cb filling reports[(uintptr_t)res->user]. */
void collect(const struct rf_chain_result *res, void *reports);

#endif
