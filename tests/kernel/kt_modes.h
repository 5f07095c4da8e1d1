/* SPDX-License-Identifier: MIT */
/* Shared between the kernel tests and their BPF programs (kt_ops.bpf.c). */
#ifndef KT_MODES_H
#define KT_MODES_H

enum {
	KT_MODE_RESULT,		/* set_result(args[0]), return 0 */
	KT_MODE_RET,		/* return args[0] */
	KT_MODE_NORESULT,	/* return 0 without set_result */
	KT_MODE_XOR,		/* xor buf 0 with args[0] in place */
	KT_MODE_COPY,		/* bpf_io_buf_copy, see ops.bpf.c */
	KT_MODE_LOADSTORE,	/* 32 bytes buf 0 @ args[0] -> buf 1 @ args[1] */
	KT_MODE_LOAD,		/* load 8 bytes of buf args[0] @ args[1] */
	KT_MODE_STORE,		/* store 8 bytes 0xab into buf args[0] @ args[1] */
	KT_MODE_PDU,		/* prep stores args[0] in pdu, issue returns it + 1 */
	KT_MODE_SUM,		/* byte sum of buf 0, 256-byte blocks */
	KT_MODE_STORE_CONST,	/* store args[1] (8 bytes) at buf 0 @ 0 */
};

#define KT_MODE_MASK		0xff
#define KT_PREP_ERR_SHIFT	8	/* op_flags bits 15..8: prep returns -that */

enum { KT_CB_PREP, KT_CB_ISSUE, KT_CB_FAIL, KT_CB_CLEANUP, KT_NR_CB };

struct kt_req_stat {
	unsigned long long n[KT_NR_CB];
	long long fail_res;
};

#endif
