// SPDX-License-Identifier: MIT
/* Per-thread error messages: rf_errmsg() explains the last failure. */
#define _GNU_SOURCE	/* strerrorname_np() */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ringflow/error.h>
#include "error_internal.h"

static _Thread_local char errmsg[4096];

const char *rf_errmsg(void)
{
	return errmsg;
}

int rf_set_errmsg(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void rf_append_errmsg(const char *fmt, ...)
{
	size_t used = strlen(errmsg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg + used, sizeof(errmsg) - used, fmt, ap);
	va_end(ap);
}

const char *rf_strerror(int err)
{
	static _Thread_local char buf[128];
	const char *name;

	if (err < 0)
		err = -err;
	/* the names people grep for, which strerror() alone hides */
	name = strerrorname_np(err);
	if (name)
		snprintf(buf, sizeof(buf), "%s (%s)", strerror(err), name);
	else
		snprintf(buf, sizeof(buf), "%s (errno %d)", strerror(err), err);
	return buf;
}
