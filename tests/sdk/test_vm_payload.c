// SPDX-License-Identifier: MIT
/*
 * Extended-SQE payloads: written through mapped memory with no bpf() system call,
 * recycled at completion, bad references rejected by userspace and by the BPF side.
 *
 * bpf() calls are counted by wrapping libc's syscall() at link time
 * (-Wl,--wrap=syscall): libbpf and the SDK issue every bpf() through it. (The
 * guest kernel has no CONFIG_SECCOMP, so a seccomp trap cannot count them.)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "fixture.h"

static unsigned long bpf_calls;

long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);

long __wrap_syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == __NR_bpf)
		bpf_calls++;
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

TestSuite(payload, .init = fixture_setup, .fini = fixture_teardown);

Test(payload, requests_use_no_bpf_syscall)
{
	enum { N = 2000, LEN = 64 };
	static unsigned char data[N][LEN];
	static struct report reports[N];
	unsigned long before;
	unsigned int next = 0;
	int fd = bpf_map__fd(fx.skel->maps.rf_payloads);
	__u32 key = 0;
	char value[64];

	cr_assert_gt(bpf_calls, 0, "loading the skeleton was counted: the wrapper works");
	bpf_calls = 0;
	/* keep the ring busy: queue up to 200 chains, reap, repeat */
	while (next < N) {
		while (next < N && rf_ring_in_flight(fx.ring) < 200) {
			struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
			struct rf_stage *s = rf_chain_bpf(c, SLOT_XOR, 0);
			struct rf_builtin_args *args = rf_stage_payload(s);

			cr_assert_not_null(args, "%s", rf_errmsg());
			args->xor_key = next * 2654435761u;
			rf_stage_buf(s, data[next], LEN);
			rf_chain_set_user(c, (void *)(uintptr_t)next);
			cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
			next++;
		}
		cr_assert_geq(rf_ring_reap(fx.ring, 1, collect, reports), 0, "%s", rf_errmsg());
	}
	cr_assert_geq(rf_ring_drain(fx.ring, collect, reports), 0);
	before = bpf_calls;

	for (unsigned int i = 0; i < N; i++) {
		__u32 key_i = i * 2654435761u;

		cr_assert_eq(reports[i].count, 1, "chain %u", i);
		cr_assert_eq(reports[i].status, 0, "chain %u: %s", i, reports[i].line);
		for (unsigned int k = 0; k < LEN; k++)
			cr_assert_eq(data[i][k], (unsigned char)(key_i >> (8 * (k % 4))),
				     "chain %u byte %u: the op read another request's key", i, k);
	}
	cr_assert_eq(rf_object_payloads_in_use(fx.obj), 0, "every slot recycled");
	cr_assert_eq(before, 0, "%lu bpf() calls for %d requests", before, N);
	/* the counter works: a real bpf() call is seen */
	bpf_map_lookup_elem(fd, &key, value);
	cr_assert_eq(bpf_calls, 1, "the counter missed a bpf() call");
}

static struct report run_xor_with_ref(__u64 payload_ref)
{
	unsigned char buf[16] = { 0 };
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	struct rf_stage *s = rf_chain_bpf(c, SLOT_XOR, 0);

	rf_stage_buf(s, buf, sizeof(buf));
	rf_stage_set_args(s, rf_chain_record_ref(c), payload_ref);
	rf_chain_nop(c);
	cr_assert_eq(rf_chain_queue(c), 0, "%s", rf_errmsg());
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	return r;
}

Test(payload, bpf_side_rejects_stale_and_out_of_range_slots)
{
	struct rf_builtin_args *args;
	struct report r;
	__u64 ref, stale;

	args = rf_payload_alloc(fx.obj, &stale);
	cr_assert_not_null(args, "%s", rf_errmsg());
	cr_assert_eq(rf_payload_free(fx.obj, stale), 0);
	r = run_xor_with_ref(stale);
	cr_assert_eq(r.status, -ESTALE, "freed slot: %s", r.line);
	cr_assert_eq(r.failed_stage, 0);
	cr_assert_eq(r.res[1], -ECANCELED);

	args = rf_payload_alloc(fx.obj, &ref);	/* same index, newer generation */
	cr_assert_eq(RF_REF_INDEX(ref), RF_REF_INDEX(stale));
	r = run_xor_with_ref(stale);
	cr_assert_eq(r.status, -ESTALE, "reused slot, old generation: %s", r.line);
	args->xor_key = 1;
	r = run_xor_with_ref(ref);
	cr_assert_eq(r.status, 0, "the live reference works: %s", r.line);
	cr_assert_eq(rf_payload_free(fx.obj, ref), 0);

	r = run_xor_with_ref(RF_REF(RF_REF_TAG(ref), 1, RF_BUILTIN_MAX_PAYLOADS));
	cr_assert_eq(r.status, -ERANGE, "out of range: %s", r.line);
	r = run_xor_with_ref(RF_REF(RF_REF_TAG(ref) + 1, RF_REF_GEN(ref), RF_REF_INDEX(ref)));
	cr_assert_eq(r.status, -EXDEV, "another map's tag: %s", r.line);
	r = run_xor_with_ref(0);
	cr_assert_eq(r.status, -ENODATA, "no payload at all: %s", r.line);
}

Test(payload, bpf_side_rejects_a_stale_record)
{
	char buf[8] = { 0 };
	struct report r = { 0 };
	struct rf_chain *c = rf_chain_new(fx.ring, fx.obj);
	struct rf_stage *s = rf_chain_bpf(c, SLOT_CRC, 0);
	__u64 rec = rf_chain_record_ref(c);

	rf_stage_buf(s, buf, sizeof(buf));
	rf_stage_set_args(s, RF_REF(RF_REF_TAG(rec), RF_REF_GEN(rec) + 1, RF_REF_INDEX(rec)), 0);
	cr_assert_eq(rf_chain_queue(c), 0);
	cr_assert_eq(rf_ring_drain(fx.ring, collect, &r), 1);
	cr_assert_eq(r.status, -ESTALE, "%s", r.line);
	cr_assert_eq(r.rec.crc, 0, "the chain's own record was not touched");
}

Test(payload, userspace_rejects_stale_and_out_of_range_references)
{
	__u64 ref;

	cr_assert_not_null(rf_payload_alloc(fx.obj, &ref));
	cr_assert_not_null(rf_payload_get(fx.obj, ref));
	cr_assert_eq(rf_payload_free(fx.obj, ref), 0);
	errno = 0;
	cr_assert_null(rf_payload_get(fx.obj, ref));
	cr_assert_eq(errno, ESTALE);
	cr_assert_not_null(strstr(rf_errmsg(), "stale payload reference"), "%s", rf_errmsg());
	cr_assert_eq(rf_payload_free(fx.obj, ref), -ESTALE, "double free");
	cr_assert_eq(rf_payload_free(fx.obj, RF_REF(RF_REF_TAG(ref), 1, RF_REF_INDEX_MASK)), -ERANGE);
	cr_assert_not_null(strstr(rf_errmsg(), "out of range"), "%s", rf_errmsg());
	cr_assert_eq(rf_payload_free(fx.obj, RF_REF(RF_REF_TAG(ref) + 1, 1, 0)), -EXDEV);
	cr_assert_not_null(strstr(rf_errmsg(), "payload reference of another map"), "%s", rf_errmsg());
	errno = 0;
	cr_assert_null(rf_payload_get(fx.obj, 0));
	cr_assert_eq(errno, ENODATA);
	cr_assert_not_null(strstr(rf_errmsg(), "reference 0 names no slot"), "%s", rf_errmsg());
	cr_assert_eq(rf_object_payloads_in_use(fx.obj), 0);
}

Test(payload, slots_run_out_then_come_back)
{
	static __u64 refs[RF_BUILTIN_MAX_PAYLOADS];
	__u64 extra;

	cr_assert_eq(rf_object_max_payloads(fx.obj), RF_BUILTIN_MAX_PAYLOADS);
	for (int i = 0; i < RF_BUILTIN_MAX_PAYLOADS; i++)
		cr_assert_not_null(rf_payload_alloc(fx.obj, &refs[i]));
	errno = 0;
	cr_assert_null(rf_payload_alloc(fx.obj, &extra));
	cr_assert_eq(errno, ENOSPC);
	cr_assert_not_null(strstr(rf_errmsg(), "in use"), "%s", rf_errmsg());
	for (int i = 0; i < RF_BUILTIN_MAX_PAYLOADS; i++)
		cr_assert_eq(rf_payload_free(fx.obj, refs[i]), 0);
	cr_assert_not_null(rf_payload_alloc(fx.obj, &extra));
}
