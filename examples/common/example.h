/* SPDX-License-Identifier: MIT */
/*
 * What every tutorial does the same way: stop on error, print a chain's report.
 * A failure is explained by whoever failed: ringflow (check), the system (check_errno,
 * check_io) or the tutorial's own comparison (expect); rf_errmsg() only tells of the
 * last ringflow call that failed, so it is no explanation for the others.
 */
#ifndef RINGFLOW_EXAMPLE_H
#define RINGFLOW_EXAMPLE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ringflow/ringflow.h>

/* Exits with ringflow's explanation when a ringflow step fails. */
static inline void check(int err, const char *step)
{
	if (err) {
		fprintf(stderr, "%s failed: %s\n", step, rf_errmsg());
		exit(1);
	}
}

/* Exits when a call that is not ringflow's fails: @err is 0 or a negative errno. */
static inline void check_errno(int err, const char *step)
{
	if (err) {
		fprintf(stderr, "%s failed: %s\n", step, strerror(err < 0 ? -err : err));
		exit(1);
	}
}

/* Exits unless a read or write (pread(), pwrite()) moved all @want bytes. */
static inline void check_io(ssize_t got, size_t want, const char *step)
{
	check_errno(got < 0 ? -errno : 0, step);
	if ((size_t)got != want) {
		fprintf(stderr, "%s: %zd of %zu bytes\n", step, got, want);
		exit(1);
	}
}

/* Exits when what the tutorial computed says @claim is not so. */
static inline void expect(bool ok, const char *claim)
{
	if (!ok) {
		fprintf(stderr, "not so: %s\n", claim);
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

	check_errno(fd < 0 ? -errno : 0, "creating a scratch file");
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
