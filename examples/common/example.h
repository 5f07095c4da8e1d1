/* SPDX-License-Identifier: MIT */
/* What every tutorial does the same way: stop on error, print a chain's report. */
#ifndef RINGFLOW_EXAMPLE_H
#define RINGFLOW_EXAMPLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <ringflow/ringflow.h>

/* Exits with ringflow's explanation when a step fails. */
static inline void check(int err, const char *step)
{
	if (err) {
		fprintf(stderr, "%s failed: %s\n", step, rf_errmsg());
		exit(1);
	}
}

static inline void *check_ptr(void *p, const char *step)
{
	check(p ? 0 : -1, step);
	return p;
}

/* A scratch file in /tmp, already unlinked. */
static inline int scratch_file(void)
{
	char path[] = "/tmp/ringflow-example-XXXXXX";
	int fd = mkstemp(path);

	check(fd < 0, "creating a scratch file");
	unlink(path);
	return fd;
}

/* rf_chain_cb printing "chain <user>: <what happened>". */
static inline void print_report(const struct rf_chain_result *r, void *arg)
{
	char line[256];

	(void)arg;
	rf_chain_describe(r, line, sizeof(line));
	printf("  chain %lu: %s\n", (unsigned long)(uintptr_t)r->user, line);
}

#endif
