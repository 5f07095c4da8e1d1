// SPDX-License-Identifier: MIT
/*
 * Loading skeletons with libbpf's output captured, so that a failed load tells the
 * user which program failed and why in a few lines instead of a raw verifier dump.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include <ringflow/error.h>
#include <ringflow/load.h>
#include "error_internal.h"
#include "load_internal.h"

#define TAIL_LINES 12
#define VERIFIER_LOG "-- BEGIN PROG LOAD LOG --"

static _Thread_local char *log_buf;
static _Thread_local size_t log_len, log_cap;

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n <= 0)
		return 0;
	if (log_len + (size_t)n + 1 > log_cap) {
		size_t cap = (log_cap ? log_cap : 4096);
		char *p;

		while (cap < log_len + (size_t)n + 1)
			cap *= 2;
		p = realloc(log_buf, cap);
		if (!p)
			return 0;
		log_buf = p;
		log_cap = cap;
	}
	vsnprintf(log_buf + log_len, log_cap - log_len, fmt, ap);
	log_len += (size_t)n;
	return 0;
}

const char *rf_load_log(void)
{
	return log_buf ? log_buf : "";
}

const char *rf_load_hint(const char *log)
{
	if (strstr(log, "failed to find valid kernel BTF") ||
	    strstr(log, "Error loading vmlinux BTF"))
		return "the running kernel has no BTF (/sys/kernel/btf/vmlinux): run on the "
		       "ringflow kernel, see tools/vm-run";
	if (strstr(log, "io_uring_bpf_req_ops") &&
	    (strstr(log, "not found in kernel BTF") || strstr(log, "struct_ops init_kern")))
		return "the running kernel lacks IORING_OP_BPF (struct io_uring_bpf_req_ops): "
		       "run on the ringflow kernel, see tools/vm-run";
	if (strstr(log, "failed to find kernel BTF type ID of") ||
	    strstr(log, "kfunc") || strstr(log, "bpf_io_"))
		if (strstr(log, "failed to find") || strstr(log, "not found"))
			return "a kfunc the program calls is missing from the running kernel: "
			       "run on the ringflow kernel (tools/vm-run), and build with "
			       "its vmlinux.h";
	if (strstr(log, "invalid func unknown#") || strstr(log, "calling kernel function"))
		return "a kfunc is not allowed here or not known to this kernel";
	if (strstr(log, "failed to resolve CO-RE relocation") ||
	    strstr(log, "Invalid CO-RE"))
		return "the program was built against a vmlinux.h that does not match the "
		       "running kernel: regenerate it from this kernel's BTF";
	if (strstr(log, "outside pdu") || strstr(log, "only read is supported"))
		return "ops may write only ctx->pdu of their io_uring_bpf_req";
	/* the verifier says EACCES too: its log, not the errno, tells a rejection */
	if (strstr(log, VERIFIER_LOG))
		return "see the verifier log below";
	if (strstr(log, "Permission denied") || strstr(log, "Operation not permitted"))
		return "loading BPF programs needs CAP_BPF (run as root in the VM)";
	return "see libbpf's output below";
}

/* The last lines of the text between BEGIN and END PROG LOAD LOG, if any. */
static void append_log_tail(const char *log)
{
	const char *begin = strstr(log, VERIFIER_LOG);
	const char *end, *p;
	int lines = 0;

	if (!begin) {
		rf_append_errmsg("\nlibbpf said:\n%s", log);
		return;
	}
	begin = strchr(begin, '\n');
	begin = begin ? begin + 1 : log;
	end = strstr(begin, "-- END PROG LOAD LOG --");
	if (!end)
		end = log + strlen(log);
	for (p = end; p > begin; p--) {
		if (p[-1] == '\n' && p != end && ++lines > TAIL_LINES)
			break;
	}
	rf_append_errmsg("\nverifier log (last %d lines; rf_load_log() has all):\n%.*s",
		       TAIL_LINES, (int)(end - p), p);
}

/* "libbpf: prog 'x': failed to load: -13" names the culprit: "'x'", or "". */
static void failed_prog(const char *log, char *name, size_t size)
{
	const char *line = log;

	snprintf(name, size, "%s", "");
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *p = memmem(line, len, "prog '", 6);
		const char *q;

		if (p && memmem(line, len, "failed to load", 14)) {
			q = memchr(p + 6, '\'', len - (size_t)(p + 6 - line));
			if (q) {
				snprintf(name, size, "'%.*s'", (int)(q - p - 6), p + 6);
				return;
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
}

int rf_load_skeleton(struct bpf_object_skeleton *skeleton)
{
	char prog[64];
	libbpf_print_fn_t old;
	int err;

	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
	old = libbpf_set_print(capture);
	err = bpf_object__load_skeleton(skeleton);
	libbpf_set_print(old);
	if (!err)
		return 0;
	if (err > 0)
		err = -err;
	failed_prog(rf_load_log(), prog, sizeof(prog));
	if (strstr(rf_load_log(), VERIFIER_LOG))
		rf_set_errmsg(err, "loading BPF object '%s' failed: the verifier rejected program %s "
			"(%s)", skeleton->name, prog[0] ? prog : "(unnamed)", rf_strerror(err));
	else
		rf_set_errmsg(err, "loading BPF object '%s' failed: %s%s%s", skeleton->name,
			rf_strerror(err), prog[0] ? " in program " : "", prog);
	rf_append_errmsg(": %s", rf_load_hint(rf_load_log()));
	append_log_tail(rf_load_log());
	return err;
}
