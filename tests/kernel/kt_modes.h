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
	KT_MODE_WINDOW,		/* rdwr window of 64 bytes at BUF_POS args[0]: fill 0xcd */
	KT_MODE_WINDOW_RO,	/* ro window of 64 bytes at BUF_POS args[0]: byte sum */
	KT_MODE_WINDOW_PAGE,	/* rdwr window of 4096 at BUF_POS args[0]: ^= args[1] */
	KT_MODE_CRC,		/* crc32c of args[1] bytes at BUF_POS args[0] -> value */
	KT_MODE_COPY_REPEAT,	/* copy buf 0 -> buf 1 args[0] times; copies -> value */
	KT_MODE_COPY_USER,	/* args[0] bytes: buf 1 @ 0 <- buf 0 @ args[1] */
	KT_MODE_STEER,		/* steer the next request to pos args[0], len args[1] */
	KT_MODE_DONE,		/* end the chain; result 7 */
	KT_MODE_DONE_FAIL,	/* end the chain, then fail with -EIO */
	KT_MODE_STEER_TWICE,	/* steer (keep, keep) twice: the second's error */
	KT_MODE_STEER_DONE,	/* steer (keep, keep), then end: the second's error */
	KT_MODE_COPY_SIZES,	/* copy buf 0 -> 1 in calls of args[0] bytes 0..7 MiB */
	KT_MODE_CRC_RES,	/* as KT_MODE_CRC, the final crc & 0x7fffffff -> result */
};

#define KT_MODE_MASK		0xff
#define KT_PREP_ERR_SHIFT	8	/* op_flags bits 15..8: prep returns -that */
/* fail and cleanup load a byte of every buffer index 0..3 (kt_req_stat.touch_*) */
#define KT_FLAG_TOUCH		(1U << 16)
/* fail stores args[1] at buf 0 @ 0, cleanup at buf 0 @ 8 (8 bytes each) */
#define KT_FLAG_MARK		(1U << 17)
/* prep returns -5000, which is not an errno */
#define KT_FLAG_PREP_HUGE	(1U << 18)
/* prep, fail and cleanup try to steer and end the chain (kt_req_stat.steer_res) */
#define KT_FLAG_STEER_CB	(1U << 19)
/* count in the globals only, not per request (the fuzzer's requests it cannot match) */
#define KT_FLAG_NOSTAT		(1U << 20)
/* the result is ENODATA when a window kfunc returned NULL */
#define KT_NO_WINDOW		61

enum { KT_CB_PREP, KT_CB_ISSUE, KT_CB_FAIL, KT_CB_CLEANUP, KT_NR_CB };

struct kt_req_stat {
	unsigned long long n[KT_NR_CB];
	long long fail_res;
	/* KT_FLAG_TOUCH: bit i set when a load from buffer i worked; last error */
	unsigned int touch_ok[KT_NR_CB];
	int touch_err[KT_NR_CB];
	/* KT_FLAG_STEER_CB: what bpf_io_steer_next / bpf_io_chain_done returned */
	int steer_res[KT_NR_CB];
	int done_res[KT_NR_CB];
};

#endif
