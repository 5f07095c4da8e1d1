/* SPDX-License-Identifier: MIT */
/* Setting the thread's error message (error.c). */
#ifndef RF_ERROR_INTERNAL_H
#define RF_ERROR_INTERNAL_H

/* Records a message for rf_errmsg() and returns err (a negative errno). */
int rf_set_errmsg(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends to the current message. */
void rf_append_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
