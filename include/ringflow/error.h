/* SPDX-License-Identifier: MIT */
/*
 * Errors. Every function that fails returns a negative errno (or NULL) and leaves a
 * sentence saying what went wrong and what to do in rf_errmsg().
 */
#ifndef RINGFLOW_ERROR_H
#define RINGFLOW_ERROR_H

/* The message of the last failed ringflow call in this thread ("" if none). */
const char *rf_errmsg(void);

/* strerror() with the errno's name: "Bad message (EBADMSG)". err may be negative. */
const char *rf_strerror(int err);

#endif /* RINGFLOW_ERROR_H */
