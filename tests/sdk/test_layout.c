// SPDX-License-Identifier: MIT
/* Layouts BPF programs and userspace must agree on byte for byte. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <ringflow/ringflow.h>
#include <ringflow/builtin.h>

Test(layout, record_header_is_fixed)
{
	cr_assert_eq(sizeof(struct rf_record_hdr), 80 + RF_CHAIN_MAX_STAGES * 12);
	cr_assert_eq(offsetof(struct rf_record_hdr, ref), 0, "the reference first");
	cr_assert_eq(offsetof(struct rf_record_hdr, error), 8);
	cr_assert_eq(offsetof(struct rf_record_hdr, stage), 12);
	cr_assert_eq(offsetof(struct rf_record_hdr, flags), 14);
	cr_assert_eq(offsetof(struct rf_record_hdr, op_flags), 16);
	cr_assert_eq(offsetof(struct rf_record_hdr, detail), 24);
	cr_assert_eq(offsetof(struct rf_record_hdr, steered), 20);
	cr_assert_eq(offsetof(struct rf_record_hdr, reason), 32);
	cr_assert_eq(offsetof(struct rf_record_hdr, steer_pos), 80);
	cr_assert_eq(offsetof(struct rf_record_hdr, steer_len), 80 + RF_CHAIN_MAX_STAGES * 8);
	cr_assert_eq(sizeof(struct rf_record_hdr) % 8, 0, "records follow 8-aligned");
}

Test(layout, payload_header_is_fixed)
{
	cr_assert_eq(sizeof(struct rf_payload_hdr), 8);
	cr_assert_eq(offsetof(struct rf_payload_hdr, ref), 0);
}

Test(layout, builtin_record_and_args)
{
	cr_assert_eq(sizeof(struct rf_builtin_record), 16);
	cr_assert_eq(offsetof(struct rf_builtin_record, crc), 0);
	cr_assert_eq(offsetof(struct rf_builtin_record, expect_crc), 4);
	cr_assert_eq(offsetof(struct rf_builtin_record, bytes), 8);
	cr_assert_eq(sizeof(struct rf_builtin_args), 16);
	cr_assert_eq(offsetof(struct rf_builtin_args, xor_key), 0);
	cr_assert_eq(offsetof(struct rf_builtin_args, inject_err), 4);
	cr_assert_eq(offsetof(struct rf_builtin_args, inject_every), 8);
}

Test(layout, uapi_ctx_matches_the_kernel_contract)
{
	cr_assert_eq(offsetof(struct io_uring_bpf_req, args), 8);
	cr_assert_eq(offsetof(struct io_uring_bpf_req, pdu), 48);
	cr_assert_eq(sizeof(struct io_uring_bpf_buf), 16);
	cr_assert_eq(sizeof(struct io_uring_bpf_bind), 16);
}
