// SPDX-License-Identifier: MIT
/*
 * The fuzzer's CI run: fixed seeds, a bounded number of SQEs, on every ring kind
 * the seeds pick. Any violation fails the test; its seed is in the output, and
 * `tools/fuzz --seed S --count N` replays it.
 */
#include <criterion/criterion.h>
#include "fuzz.h"

/* 20 seeds of 1,500 SQEs: 9 s in the VM on the base kernel, 24 s on the debug one */
#define CI_SEED		0x72696e67666c6f77ULL	/* "ringflow" */
#define CI_SEEDS	20
#define CI_PER_SEED	1500

Test(fuzz, fixed_seeds, .timeout = 1800)
{
	struct fz_stats st = { 0 };
	struct fz_env env;

	cr_assert_eq(fz_env_init(&env, true), 0, "fuzzer set-up failed (see above)");
	for (uint64_t i = 0; i < CI_SEEDS; i++)
		fz_run_seed(&env, fz_seed_after(CI_SEED, i), CI_PER_SEED, &st, false);
	cr_expect_eq(fz_memlock_free(&env), 0, "memlock still charged after every ring closed");
	fz_env_fini(&env);
	cr_log_info("fuzz: %llu SQEs, %llu seeds, %llu chains checked byte for byte, %llu kills, "
		    "%llu ring closes, %llu chaos actions", (unsigned long long)st.sqes,
		    (unsigned long long)st.seeds, (unsigned long long)st.checked_chains,
		    (unsigned long long)st.kills, (unsigned long long)st.closes,
		    (unsigned long long)st.chaos);
	cr_assert_eq(st.violations, 0, "%llu violations (printed above with their seeds)",
		     (unsigned long long)st.violations);
	cr_assert_eq(st.seeds, CI_SEEDS);
}
