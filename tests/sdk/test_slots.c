// SPDX-License-Identifier: MIT
/* The generation- and tag-checked allocator behind chain records and payload slots. */
#include <criterion/criterion.h>
#include <errno.h>

#include <ringflow/layout.h>
#include "slots.h"

#define TAG 0xabcdeU

Test(slots, hands_out_every_index_once_then_runs_out)
{
	struct rf_slots s;
	bool seen[64] = { false };

	cr_assert_eq(rf_slots_init(&s, 64, TAG), 0);
	for (int i = 0; i < 64; i++) {
		__u64 ref = rf_slots_alloc(&s);

		cr_assert_neq(ref, 0);
		cr_assert_lt(RF_REF_INDEX(ref), 64);
		cr_assert_not(seen[RF_REF_INDEX(ref)], "index %u twice", RF_REF_INDEX(ref));
		seen[RF_REF_INDEX(ref)] = true;
		cr_assert_neq(RF_REF_GEN(ref), 0, "generation 0 is never valid");
		cr_assert_eq(RF_REF_TAG(ref), TAG, "every reference carries the map's tag");
	}
	cr_assert_eq(rf_slots_alloc(&s), 0, "full");
	cr_assert_eq(rf_slots_in_use(&s), 64);
	rf_slots_fini(&s);
}

Test(slots, recycled_index_gets_a_new_generation)
{
	struct rf_slots s;
	__u64 a, b;

	cr_assert_eq(rf_slots_init(&s, 1, TAG), 0);
	a = rf_slots_alloc(&s);
	cr_assert_eq(rf_slots_free(&s, a), 0);
	b = rf_slots_alloc(&s);
	cr_assert_eq(RF_REF_INDEX(a), RF_REF_INDEX(b));
	cr_assert_neq(RF_REF_GEN(a), RF_REF_GEN(b));
	cr_assert_eq(rf_slots_check(&s, a), -ESTALE, "old reference is stale");
	cr_assert_eq(rf_slots_check(&s, b), 0);
	rf_slots_fini(&s);
}

Test(slots, rejects_out_of_range_stale_and_double_free)
{
	struct rf_slots s;
	__u64 a;

	cr_assert_eq(rf_slots_init(&s, 4, TAG), 0);
	a = rf_slots_alloc(&s);
	cr_assert_eq(rf_slots_check(&s, RF_REF(TAG, 1, 4)), -ERANGE);
	cr_assert_eq(rf_slots_free(&s, RF_REF(TAG, 1, 1000)), -ERANGE);
	cr_assert_eq(rf_slots_check(&s, RF_REF(TAG, RF_REF_GEN(a) + 1, RF_REF_INDEX(a))), -ESTALE);
	cr_assert_eq(rf_slots_check(&s, RF_REF(TAG, 1, 3)), -ESTALE, "never allocated");
	cr_assert_eq(rf_slots_check(&s, 0), -ENODATA, "no reference");
	cr_assert_eq(rf_slots_free(&s, a), 0);
	cr_assert_eq(rf_slots_free(&s, a), -ESTALE, "double free");
	cr_assert_eq(rf_slots_in_use(&s), 0);
	rf_slots_fini(&s);
}

Test(slots, generation_wraps_past_zero)
{
	struct rf_slots s;
	__u64 ref;

	cr_assert_eq(rf_slots_init(&s, 1, TAG), 0);
	s.gen[0] = RF_REF_GEN_MASK;
	ref = rf_slots_alloc(&s);
	cr_assert_eq(RF_REF_GEN(ref), 1);
	rf_slots_fini(&s);
}

/* The repro of the cross-object bug: same generation and index, another map. */
Test(slots, reference_of_another_map_is_refused_even_when_gen_and_index_match)
{
	struct rf_slots a, b;
	__u64 ra, rb;

	cr_assert_eq(rf_slots_init(&a, 8, TAG), 0);
	cr_assert_eq(rf_slots_init(&b, 8, TAG + 1), 0);
	ra = rf_slots_alloc(&a);
	rb = rf_slots_alloc(&b);
	cr_assert_eq(RF_REF_GEN(ra), RF_REF_GEN(rb));
	cr_assert_eq(RF_REF_INDEX(ra), RF_REF_INDEX(rb));
	cr_assert_neq(ra, rb, "the tags tell them apart");
	cr_assert_eq(rf_slots_check(&b, ra), -EXDEV);
	cr_assert_eq(rf_slots_free(&b, ra), -EXDEV);
	cr_assert_eq(rf_slots_check(&b, rb), 0, "b's own reference still valid");
	rf_slots_fini(&a);
	rf_slots_fini(&b);
}

Test(slots, more_entries_than_references_address_is_refused)
{
	struct rf_slots s;

	cr_assert_eq(rf_slots_init(&s, RF_REF_INDEX_MASK + 2U, TAG), -E2BIG);
}
