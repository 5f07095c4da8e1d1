/* SPDX-License-Identifier: MIT */
/* The fuzzer's random numbers: one 64-bit seed decides every choice (splitmix64). */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H

#include <stdint.h>

struct fz_rng {
	uint64_t s;
};

static inline uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n); n > 0 */
static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)(((fz_next(r) >> 32) * n) >> 32);
}

/* true with probability 1/n */
static inline int fz_one_in(struct fz_rng *r, uint32_t n)
{
	return fz_below(r, n) == 0;
}

/* the seed of run i after seed s: printed, so any one replays alone */
static inline uint64_t fz_seed_after(uint64_t s, uint64_t i)
{
	struct fz_rng r = { s + i };

	return i ? fz_next(&r) : s;
}

#endif
