// SPDX-License-Identifier: MIT
/*
 * ringflow-fuzz: run seeds of the IORING_OP_BPF fuzzer, or the soak.
 *
 *   ringflow-fuzz [--seed S] [--count N] [--per-seed M]   N SQEs, M per seed
 *   ringflow-fuzz --soak N [--seed S]                     N requests in chains
 *
 * Seed i after S is fz_seed_after(S, i) and is printed: `--seed X --count M
 * --per-seed M` replays seed X alone (M decides where its episodes fall too). Exit 0 when no violation was found, 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fuzz.h"

static void usage(void)
{
	fprintf(stderr, "usage: ringflow-fuzz [--seed S] [--count N] [--per-seed M] [--quiet]\n"
			"       ringflow-fuzz --soak N [--seed S]\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		usage();
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0, count = 10000, per_seed = 5000, soak = 0;
	bool have_seed = false, quiet = false;
	struct fz_stats st = { 0 };
	struct fz_env env;
	double t0;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = num(argv[++i]);
			have_seed = true;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = num(argv[++i]);
		} else if (!strcmp(argv[i], "--per-seed") && i + 1 < argc) {
			per_seed = num(argv[++i]);
		} else if (!strcmp(argv[i], "--soak") && i + 1 < argc) {
			soak = num(argv[++i]);
		} else if (!strcmp(argv[i], "--quiet")) {
			quiet = true;
		} else {
			usage();
		}
	}
	if (!per_seed)
		usage();
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = fz_seed_after((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
				     (uint64_t)getpid(), 1);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fz_env_init(&env, true))
		return 2;
	if (soak) {
		ret = fz_soak(&env, soak, seed, access("/sys/kernel/debug/kmemleak", W_OK) == 0);
		fz_env_fini(&env);
		return ret ? 1 : 0;
	}
	printf("fuzz: seed 0x%016llx, %llu SQEs, %llu per seed\n", (unsigned long long)seed,
	       (unsigned long long)count, (unsigned long long)per_seed);
	t0 = now_s();
	for (uint64_t i = 0, done = 0; done < count; i++) {
		uint64_t s = fz_seed_after(seed, i), n = count - done < per_seed ? count - done : per_seed;
		uint64_t v = fz_run_seed(&env, s, n, &st, quiet);

		done += n;
		if (v)
			printf("seed 0x%016llx: %llu violations: replay with tools/fuzz --seed "
			       "0x%016llx --count %llu --per-seed %llu\n", (unsigned long long)s,
			       (unsigned long long)v, (unsigned long long)s, (unsigned long long)n,
			       (unsigned long long)n);
		if (!quiet || i % 20 == 19)
			printf("fuzz: %llu SQEs, %llu seeds, %.0f SQEs/s, %llu violations\n",
			       (unsigned long long)st.sqes, (unsigned long long)st.seeds,
			       (double)st.sqes / (now_s() - t0), (unsigned long long)st.violations);
	}
	ret = fz_memlock_free(&env);
	if (ret) {
		st.violations++;
		printf("VIOLATION: memlock still charged after every ring closed: registering "
		       "RLIMIT_MEMLOCK bytes: %s\n", strerror(-ret));
	}
	printf("fuzz: chains: %llu, %llu checked byte for byte, %llu refused at submission; "
	       "chaos slot: %llu ran an op, %llu -ENOENT, %llu -ENOLINK; %llu kills, %llu ring "
	       "closes, %llu chaos actions\n", (unsigned long long)st.chains,
	       (unsigned long long)st.checked_chains, (unsigned long long)st.refused_chains,
	       (unsigned long long)st.chaos_ops, (unsigned long long)st.chaos_enoent,
	       (unsigned long long)st.chaos_enolink, (unsigned long long)st.kills,
	       (unsigned long long)st.closes, (unsigned long long)st.chaos);
	printf("fuzz: done: %llu SQEs (%llu BPF) in %.1f s: %.0f SQEs/s; %llu seeds from "
	       "0x%016llx; %llu violations\n", (unsigned long long)st.sqes,
	       (unsigned long long)st.bpf, now_s() - t0, (double)st.sqes / (now_s() - t0),
	       (unsigned long long)st.seeds, (unsigned long long)seed,
	       (unsigned long long)st.violations);
	fz_env_fini(&env);
	return st.violations ? 1 : 0;
}
