/* rng.c -- named streams over GSL's MT19937; the only engine file that sees GSL.
 *
 * Invariant: stream i of a set was seeded with rng_seed_for(master, name_i) and no
 * two streams of a set share a name. Seeds come from FNV-1a 64 of the name mixed with
 * the master seed by splitmix64, fixed here so runs reproduce across builds.
 * Exponential draws use Marsaglia and Tsang's 256-layer ziggurat (about 99% of draws
 * cost one 32-bit output and a multiply, no logarithm); its tables are computed per
 * set, so sets in different threads share nothing. */
#include "sim/engine/rng.h"

#include "sim/engine/pool.h"

/* GSL's inline gsl_rng_get/gsl_rng_uniform: one indirect call per draw, not two. */
#define HAVE_INLINE 1
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ziggurat's rightmost layer edge and common layer area (Marsaglia & Tsang 2000). */
#define ZIG_R 7.697117470131487
#define ZIG_V 3.949659822581572e-3

typedef struct {
	uint32_t k[256];          /* accept jz < k[i] at once: inside the layer's core */
	double w[256];            /* x = jz * w[i] */
	double f[256];            /* exp(-x) at the layer edges */
} rng_zig;

struct rng {
	gsl_rng *g;
	const rng_zig *zig;
	char *name;
};

struct rng_set {
	uint64_t seed;
	rng **streams;
	size_t n, cap;
	rng_zig zig;
};

static void zig_init(rng_zig *z)
{
	const double m2 = 4294967296.0;
	double de = ZIG_R, te = ZIG_R;
	double q = ZIG_V / exp(-de);
	z->k[0] = (uint32_t)(de / q * m2);
	z->k[1] = 0;
	z->w[0] = q / m2;
	z->w[255] = de / m2;
	z->f[0] = 1.0;
	z->f[255] = exp(-de);
	for (int i = 254; i >= 1; i--) {
		de = -log(ZIG_V / de + exp(-de));
		z->k[i + 1] = (uint32_t)(de / te * m2);
		te = de;
		z->f[i] = exp(-de);
		z->w[i] = de / m2;
	}
}

/* Uniform on (0, 1): never 0, so its logarithm is finite. */
static double rng_open01(rng *r)
{
	return ((double)gsl_rng_get(r->g) + 0.5) * 0x1p-32;
}

/* Standard exponential (mean 1) by the ziggurat. */
static double zig_exp(rng *r)
{
	const rng_zig *z = r->zig;
	uint32_t jz = (uint32_t)gsl_rng_get(r->g);
	unsigned iz = jz & 255u;
	if (jz < z->k[iz])
		return jz * z->w[iz];
	for (;;) {
		if (iz == 0)
			return ZIG_R - log(rng_open01(r));
		double x = jz * z->w[iz];
		if (z->f[iz] + rng_open01(r) * (z->f[iz - 1] - z->f[iz]) < exp(-x))
			return x;
		jz = (uint32_t)gsl_rng_get(r->g);
		iz = jz & 255u;
		if (jz < z->k[iz])
			return jz * z->w[iz];
	}
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* The 32-bit seed MT19937 takes for stream `name` under master seed `seed`. */
static unsigned long rng_seed_for(uint64_t seed, const char *name)
{
	uint64_t x = splitmix64(splitmix64(seed) ^ fnv1a64(name));
	return (unsigned long)((x ^ (x >> 32)) & 0xffffffffu);
}

rng_set *rng_set_new(uint64_t seed)
{
	rng_set *set = pool_xrealloc(NULL, sizeof *set);
	memset(set, 0, sizeof *set);
	set->seed = seed;
	zig_init(&set->zig);
	return set;
}

void rng_set_free(rng_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		gsl_rng_free(set->streams[i]->g);
		free(set->streams[i]->name);
		free(set->streams[i]);
	}
	free(set->streams);
	free(set);
}

rng *rng_stream(rng_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->streams[i]->name, name) == 0)
			return set->streams[i];
	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 8;
		set->streams = pool_xrealloc(set->streams, set->cap * sizeof *set->streams);
	}
	size_t len = strlen(name) + 1;
	rng *r = pool_xrealloc(NULL, sizeof *r);
	r->name = pool_xrealloc(NULL, len);
	memcpy(r->name, name, len);
	r->g = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r->g) {
		fprintf(stderr, "capsim: %s:%d: out of memory making random stream \"%s\"\n",
			__FILE__, __LINE__, name);
		abort();
	}
	gsl_rng_set(r->g, rng_seed_for(set->seed, name));
	r->zig = &set->zig;
	set->streams[set->n++] = r;
	return r;
}

/* MT19937 gives all 32-bit values (min 0, max 2^32 - 1), so this is GSL's
 * gsl_rng_uniform bit for bit, without its division. */
double rng_uniform(rng *r)
{
	return (double)gsl_rng_get(r->g) * 0x1p-32;
}

double rng_exponential(rng *r, double mean)
{
	return mean * zig_exp(r);
}

double rng_gaussian(rng *r, double sigma)
{
	return gsl_ran_gaussian_ziggurat(r->g, sigma);
}

double rng_lognormal(rng *r, double zeta, double sigma)
{
	return gsl_ran_lognormal(r->g, zeta, sigma);
}

/* 64 random bits from two MT19937 outputs (each a full 32 bits). */
static uint64_t rng_bits64(rng *r)
{
	uint64_t hi = gsl_rng_get(r->g) & 0xffffffffu;
	uint64_t lo = gsl_rng_get(r->g) & 0xffffffffu;
	return hi << 32 | lo;
}

uint64_t rng_below(rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	if (n <= 0xffffffffu)
		return gsl_rng_uniform_int(r->g, (unsigned long)n);
	/* Reject the lowest 2^64 mod n values so the rest split evenly into n. */
	uint64_t low = (0 - n) % n;
	uint64_t x;
	do
		x = rng_bits64(r);
	while (x < low);
	return x % n;
}
