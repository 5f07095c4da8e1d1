// SPDX-License-Identifier: MIT
/*
 * libringflow.so exports exactly the functions declared in the headers of
 * include/ringflow (sdk/libringflow.map): no internal symbol leaks into programs'
 * namespace, no documented one is missing.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 256

struct names {
	char *v[MAX_NAMES];
	int n;
};

static void add(struct names *s, const char *name, size_t len)
{
	for (int i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && !strncmp(s->v[i], name, len))
			return;
	cr_assert_lt(s->n, MAX_NAMES);
	s->v[s->n++] = strndup(name, len);
}

static bool has(const struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

/* Function declarations of the public headers: "type name(" not static inline. */
static void declared(struct names *s)
{
	regex_t re;
	regmatch_t m[2];
	struct dirent *e;
	char path[512], line[512];
	DIR *d = opendir(HEADERS);

	cr_assert_not_null(d, "%s", HEADERS);
	cr_assert_eq(regcomp(&re, "^[a-z_][a-z0-9_ ]*[ *](rf_[a-z0-9_]+)\\(", REG_EXTENDED), 0);
	while ((e = readdir(d))) {
		FILE *f;

		if (!strstr(e->d_name, ".h"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", HEADERS, e->d_name);
		f = fopen(path, "r");
		cr_assert_not_null(f, "%s", path);
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "static", 6) != 0 && !regexec(&re, line, 2, m, 0))
				add(s, line + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
		fclose(f);
	}
	closedir(d);
	regfree(&re);
}

/* The library's dynamic symbols that are defined functions. */
static void exported(struct names *s)
{
	char line[512], name[256], type;
	FILE *p = popen("nm -D --defined-only --format=posix " LIBRARY, "r");

	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%255s %c", name, &type) == 2 && (type == 'T' || type == 'W'))
			add(s, name, strcspn(name, "@")); /* without its version, @@RINGFLOW_1 */
	cr_assert_eq(pclose(p), 0, "nm failed on %s", LIBRARY);
}

Test(exports, the_shared_library_exports_exactly_the_api)
{
	struct names api = { 0 }, lib = { 0 };

	declared(&api);
	exported(&lib);
	cr_assert_gt(api.n, 40, "only %d functions found in %s", api.n, HEADERS);
	for (int i = 0; i < api.n; i++)
		cr_expect(has(&lib, api.v[i]), "%s is declared but not exported", api.v[i]);
	for (int i = 0; i < lib.n; i++)
		cr_expect(has(&api, lib.v[i]), "%s is exported but not declared in %s",
			  lib.v[i], HEADERS);
}
