// SPDX-License-Identifier: MIT
/* Per-thread error messages: rf_errmsg() explains the last failure. */
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

int rf_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void rf_fail_append(const char *fmt, ...)
{
	size_t used = strlen(errmsg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg + used, sizeof(errmsg) - used, fmt, ap);
	va_end(ap);
}

/* The names people grep for; strerror() alone hides them. */
static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EXDEV: return "EXDEV";
	case EALREADY: return "EALREADY";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case ENODATA: return "ENODATA";
	case ENOLINK: return "ENOLINK";
	case EPROTO: return "EPROTO";
	case EBADMSG: return "EBADMSG";
	case EOVERFLOW: return "EOVERFLOW";
	case EILSEQ: return "EILSEQ";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ESTALE: return "ESTALE";
	case ECANCELED: return "ECANCELED";
	case ETIME: return "ETIME";
	default: return NULL;
	}
}

const char *rf_strerror(int err)
{
	static _Thread_local char buf[128];
	const char *name;

	if (err < 0)
		err = -err;
	name = errno_name(err);
	if (name)
		snprintf(buf, sizeof(buf), "%s (%s)", strerror(err), name);
	else
		snprintf(buf, sizeof(buf), "%s (errno %d)", strerror(err), err);
	return buf;
}
