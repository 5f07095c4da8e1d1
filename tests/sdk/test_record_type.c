// SPDX-License-Identifier: MIT
/* Objects sharing records must agree on the record's start (record_type.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <ringflow/error.h>
#include "record_type.h"

/* A record type as read from BTF: @names, the type then its first members' types. */
static struct rf_record_type type(const char *object, size_t size, const char *n0,
				  const char *n1)
{
	struct rf_record_type rt;

	memset(&rt, 0, sizeof(rt));
	snprintf(rt.object, sizeof(rt.object), "%s", object);
	rt.size = size;
	if (n0)
		snprintf(rt.names[rt.depth++], RF_TYPE_NAME, "%s", n0);
	if (n1)
		snprintf(rt.names[rt.depth++], RF_TYPE_NAME, "%s", n1);
	return rt;
}

Test(record_type, a_type_starting_with_the_other_shares_and_the_larger_wins)
{
	struct rf_record_type shared = { 0 };
	struct rf_record_type builtin = type("rf_builtin", 16, "struct rf_builtin_record", NULL);
	struct rf_record_type mine = type("mine", 40, "struct mine", "struct rf_builtin_record");

	cr_assert_eq(rf_record_type_join(&shared, &builtin), 0);
	cr_assert_str_eq(shared.object, "rf_builtin", "the first one sets the type");
	cr_assert_eq(rf_record_type_join(&shared, &mine), 0, "%s", rf_errmsg());
	cr_assert_str_eq(shared.object, "mine", "the larger type is the record's");
	cr_assert_eq(rf_record_type_join(&shared, &builtin), 0, "either order");
	cr_assert_str_eq(shared.object, "mine");
}

Test(record_type, types_that_do_not_start_with_each_other_are_refused)
{
	struct rf_record_type shared = type("a", 40, "struct a", "struct rf_builtin_record");
	struct rf_record_type b = type("b", 24, "struct b", "struct rf_builtin_record");

	cr_assert_eq(rf_record_type_join(&shared, &b), -EINVAL);
	cr_assert_not_null(strstr(rf_errmsg(), "object 'b' (records: struct b, 24 bytes) and "
				  "object 'a' (records: struct a, 40 bytes) cannot share chain "
				  "records"), "%s", rf_errmsg());
	cr_assert_not_null(strstr(rf_errmsg(), "Make struct a start with a member of type "
				  "struct b"), "%s", rf_errmsg());
	cr_assert_str_eq(shared.object, "a", "a refused type changes nothing");
}

Test(record_type, header_only_and_unknown_types_fit_anything)
{
	struct rf_record_type shared = type("a", 40, "struct a", NULL);
	struct rf_record_type header = type("inject", 0, "(header only)", NULL);
	struct rf_record_type no_btf = type("stripped", 8, NULL, NULL);

	cr_assert_eq(rf_record_type_join(&shared, &header), 0);
	cr_assert_eq(rf_record_type_join(&shared, &no_btf), 0, "no BTF: nothing to compare");
	cr_assert_str_eq(shared.object, "a");
}
