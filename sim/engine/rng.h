/* rng.h -- named random-number streams: each model draws from its own stream, found
 * by name, so adding a draw in one model does not shift another's numbers.
 *
 * Invariant: a stream's sequence depends only on the set's master seed and the
 * stream's name, never on which streams exist or the order they were created in.
 * The generator (GSL's MT19937) stays behind this interface. */
#ifndef CAPSIM_RNG_H
#define CAPSIM_RNG_H

#include <stdint.h>

typedef struct rng_set rng_set;
typedef struct rng rng;

/* Returns an empty set of streams under master seed `seed`. Aborts with a message if
 * memory runs out; never returns NULL. */
rng_set *rng_set_new(uint64_t seed);
/* Frees the set and every stream it made. rng_set_free(NULL) is a no-op. */
void rng_set_free(rng_set *set);

/* Returns the stream called `name` (non-NULL, any length), making it on first use
 * seeded from (master seed, name). The same name gives the same stream; it belongs
 * to the set and lives until rng_set_free(). Lookup is a linear search: keep the
 * pointer rather than calling this per draw. Aborts with a message if memory runs
 * out. Known limit: MT19937 takes a 32-bit seed, so the 64-bit derived seed is
 * folded to 32 bits and two names collide with probability 2^-32. */
rng *rng_stream(rng_set *set, const char *name);

/* Uniform on [0, 1). */
double rng_uniform(rng *r);
/* Exponential with mean `mean` (> 0), by Marsaglia and Tsang's ziggurat: one 32-bit
 * output and a multiply for about 99% of draws. */
double rng_exponential(rng *r, double mean);
/* Normal with mean 0 and standard deviation `sigma`. */
double rng_gaussian(rng *r, double sigma);
/* Lognormal: exp(N(zeta, sigma^2)); its mean is exp(zeta + sigma^2 / 2). */
double rng_lognormal(rng *r, double zeta, double sigma);
/* Uniform integer in [0, n), without modulo bias, for any n up to UINT64_MAX;
 * returns 0 when n is 0 or 1. */
uint64_t rng_below(rng *r, uint64_t n);

#endif
