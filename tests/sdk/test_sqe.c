// SPDX-License-Identifier: MIT
/* How the SDK encodes IORING_OP_BPF SQEs, references and user_data. */
#include <criterion/criterion.h>
#include <ringflow/ringflow.h>

Test(sqe, bpf_prep_fills_the_uapi_fields)
{
	struct io_uring_bpf_buf bufs[2];
	struct io_uring_sqe sqe;
	char data[16];

	memset(&sqe, 0xab, sizeof(sqe));
	rf_buf_user(&bufs[0], data, sizeof(data));
	rf_buf_fixed(&bufs[1], 3, data + 4, 8);
	rf_prep_bpf(&sqe, 5, 0x123456, bufs, 2, 0x1111, 0x2222);

	cr_assert_eq(sqe.opcode, IORING_OP_BPF);
	cr_assert_eq((__u32)sqe.rw_flags >> IORING_BPF_OP_SHIFT, 5, "slot in the top 8 bits");
	cr_assert_eq((__u32)sqe.rw_flags & IORING_BPF_OP_FLAGS_MASK, 0x123456);
	cr_assert_eq(sqe.addr, (__u64)(uintptr_t)bufs);
	cr_assert_eq(sqe.len, 2);
	cr_assert_eq(sqe.off, 0x1111, "args[0]");
	cr_assert_eq(sqe.addr3, 0x2222, "args[1]");
	cr_assert_eq(sqe.ioprio, 0, "reserved fields zero");
	cr_assert_eq(sqe.buf_index, 0);
	cr_assert_eq(sqe.file_index, 0);
	cr_assert_eq(sqe.__pad2[0], 0);
	cr_assert_eq(sqe.flags, 0);

	cr_assert_eq(bufs[0].type, IORING_BPF_BUF_USER);
	cr_assert_eq(bufs[0].len, sizeof(data));
	cr_assert_eq(bufs[0].addr, (__u64)(uintptr_t)data);
	cr_assert_eq(bufs[1].type, IORING_BPF_BUF_FIXED);
	cr_assert_eq(bufs[1].buf_index, 3);
	cr_assert_eq(bufs[1].flags, 0);
}

Test(sqe, no_buffers_means_null_addr)
{
	struct io_uring_sqe sqe;
	struct io_uring_bpf_buf b;

	rf_prep_bpf(&sqe, 0, 0, &b, 0, 0, 0);
	cr_assert_eq(sqe.addr, 0, "the kernel rejects addr != 0 with len 0");
	cr_assert_eq(sqe.len, 0);
}

Test(sqe, op_flags_are_masked_to_24_bits)
{
	cr_assert_eq(IORING_BPF_OP_FLAGS(63, 0xffffffffu), (63u << 24) | 0xffffffu);
}

Test(sqe, references_pack_tag_generation_and_index)
{
	__u64 ref = RF_REF(0xabcde, 0x54321, 0x123456);

	cr_assert_eq(ref, 0xabcde54321123456ULL, "tag 63..44, generation 43..24, index 23..0");
	cr_assert_eq(RF_REF_TAG(ref), 0xabcde);
	cr_assert_eq(RF_REF_GEN(ref), 0x54321);
	cr_assert_eq(RF_REF_INDEX(ref), 0x123456);
	cr_assert_eq(RF_REF(RF_REF_TAG_MASK, RF_REF_GEN_MASK, RF_REF_INDEX_MASK), ~0ULL);
	/* wider values are cut to their field, never spill into the next */
	cr_assert_eq(RF_REF(0, 0x1fffff, 0), (__u64)RF_REF_GEN_MASK << RF_REF_GEN_SHIFT);
	cr_assert_eq(RF_MAP_TAG(0x1abcde), 0xabcde, "a map's tag is its id's low 20 bits");
}

Test(sqe, user_data_marks_the_sdk_and_round_trips)
{
	__u64 ud = RF_UDATA(0xabcdef, 7);

	cr_assert(RF_UDATA_IS_SDK(ud));
	cr_assert_eq(RF_UDATA_CHAIN(ud), 0xabcdef);
	cr_assert_eq(RF_UDATA_STAGE(ud), 7);
	cr_assert_gt(1u << RF_STAGE_BITS, RF_CHAIN_MAX_STAGES, "every stage fits");
	cr_assert_not(RF_UDATA_IS_SDK(0x7fffffffffffffffULL), "user_data of your own requests");
	cr_assert_not(RF_UDATA_IS_SDK((__u64)(uintptr_t)&ud), "user pointers are never the SDK's");
}
