/* SPDX-License-Identifier: MIT */
/* Load-failure diagnosis, exposed for unit tests (load.c). */
#ifndef RF_LOAD_INTERNAL_H
#define RF_LOAD_INTERNAL_H

/* What to tell the user about a failed load, given libbpf's output. */
const char *rf_load_hint(const char *log);

#endif
