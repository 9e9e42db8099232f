/* test_engine.c -- unit tests of the event engine: run loop ordering and limits,
 * the pending-event set against a sorted reference, the pool, and the RNG streams.
 *
 * What this misses: timing (bench/bench_engine.c measures it), the automatic
 * renumbering after 2^32 pushes (eq_renumber itself is checked directly), and
 * out-of-memory paths (they abort by design). */
#include "tests/t.h"

#include "sim/engine/eq.h"
#include "sim/engine/pool.h"
#include "sim/engine/rng.h"
#include "sim/engine/sim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A fixed generator for test inputs, so tests do not lean on the module under test. */
static uint64_t mix_state = 12345;

static uint64_t mix_next(void)
{
	uint64_t x = (mix_state += 0x9e3779b97f4a7c15u);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* What handlers saw, in firing order. */
#define REC_MAX 40000
typedef struct {
	size_t n;
	uint64_t t[REC_MAX];
	uint64_t data[REC_MAX];
	uint64_t stop_at;          /* data value whose handler calls sim_stop, or ~0 */
} rec;

static rec R;

static void rec_reset(void)
{
	memset(&R, 0, sizeof R);
	R.stop_at = UINT64_MAX;
}

static void h_record(sim *s, void *arg, uint64_t data)
{
	rec *r = arg;
	if (r->n < REC_MAX) {
		r->t[r->n] = sim_now(s);
		r->data[r->n] = data;
		r->n++;
	}
	if (data == r->stop_at)
		sim_stop(s);
}

static void test_order_by_time(void)
{
	rec_reset();
	sim *s = sim_new(16);
	/* 1000 distinct times 5, 15, ..., 9995 in a scrambled order; data = time. */
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t t = (i * 7919 % 1000) * 10 + 5;
		T_EQ_INT(sim_at(s, t, h_record, &R, t), 0);
	}
	T_EQ_INT(sim_pending(s), 1000);
	T_EQ_INT(sim_run(s, UINT64_MAX), 1000);
	T_EQ_INT(R.n, 1000);
	for (size_t i = 0; i < R.n; i++) {
		T_EQ_INT(R.t[i], i * 10 + 5);
		T_EQ_INT(R.data[i], R.t[i]);
	}
	T_EQ_INT(sim_now(s), 9995);
	T_EQ_INT(sim_fired(s), 1000);
	T_EQ_INT(sim_pending(s), 0);
	sim_free(s);
}

static void test_ties_fifo(void)
{
	rec_reset();
	sim *s = sim_new(0);
	/* 10000 events at t=100 (data 0..9999) interleaved with events at 50 and 150. */
	for (uint64_t i = 0; i < 10000; i++) {
		T_EQ_INT(sim_at(s, 100, h_record, &R, i), 0);
		if (i % 100 == 0) {
			T_EQ_INT(sim_at(s, 150, h_record, &R, 200000 + i), 0);
			T_EQ_INT(sim_at(s, 50, h_record, &R, 100000 + i), 0);
		}
	}
	T_EQ_INT(sim_run(s, UINT64_MAX), 10200);
	T_EQ_INT(R.n, 10200);
	size_t k = 0;
	for (uint64_t i = 0; i < 10000; i += 100, k++) {
		T_EQ_INT(R.t[k], 50);
		T_EQ_INT(R.data[k], 100000 + i);
	}
	for (uint64_t i = 0; i < 10000; i++, k++) {
		T_EQ_INT(R.t[k], 100);
		T_EQ_INT(R.data[k], i);
	}
	for (uint64_t i = 0; i < 10000; i += 100, k++) {
		T_EQ_INT(R.t[k], 150);
		T_EQ_INT(R.data[k], 200000 + i);
	}
	sim_free(s);
}

/* Schedules data + 100 at the current time, once. */
static void h_same_time(sim *s, void *arg, uint64_t data)
{
	h_record(s, arg, data);
	if (data < 100)
		T_EQ_INT(sim_at(s, sim_now(s), h_same_time, arg, data + 100), 0);
}

static void test_same_time_from_handler(void)
{
	rec_reset();
	sim *s = sim_new(4);
	/* Events scheduled at "now" by a handler fire after those already pending at now. */
	for (uint64_t i = 0; i < 3; i++)
		sim_at(s, 10, h_same_time, &R, i);
	sim_at(s, 11, h_record, &R, 999);
	T_EQ_INT(sim_run(s, UINT64_MAX), 7);
	static const uint64_t want[7] = { 0, 1, 2, 100, 101, 102, 999 };
	for (size_t i = 0; i < 7; i++)
		T_EQ_INT(R.data[i], want[i]);
	T_EQ_INT(R.t[5], 10);
	T_EQ_INT(R.t[6], 11);
	sim_free(s);
}

static int past_rc = 7;

static void h_try_past(sim *s, void *arg, uint64_t data)
{
	(void)arg;
	(void)data;
	past_rc = sim_at(s, sim_now(s) - 1, h_record, &R, 0);
}

static void test_past_refused(void)
{
	rec_reset();
	sim *s = sim_new(4);
	T_EQ_INT(sim_at(s, 100, h_try_past, NULL, 0), 0);
	T_EQ_INT(sim_run(s, UINT64_MAX), 1);
	T_EQ_INT(past_rc, -1);
	T_EQ_INT(sim_now(s), 100);
	T_EQ_INT(sim_pending(s), 0);
	T_EQ_INT(sim_at(s, 99, h_record, &R, 1), -1);
	T_EQ_INT(sim_at(s, 0, h_record, &R, 1), -1);
	T_EQ_INT(sim_pending(s), 0);
	T_EQ_INT(sim_after(s, UINT64_MAX, h_record, &R, 1), -1);
	T_EQ_INT(sim_after(s, UINT64_MAX - 100, h_record, &R, 2), 0);
	T_EQ_INT(sim_at(s, 100, h_record, &R, 3), 0);
	T_EQ_INT(sim_after(s, 0, h_record, &R, 4), 0);
	T_EQ_INT(sim_pending(s), 3);
	T_EQ_INT(sim_run(s, UINT64_MAX), 3);
	T_EQ_INT(R.n, 3);
	T_EQ_INT(R.data[0], 3);
	T_EQ_INT(R.data[1], 4);
	T_EQ_INT(R.data[2], 2);
	T_CHECK(R.t[2] == UINT64_MAX);
	sim_free(s);
}

static void test_run_until(void)
{
	rec_reset();
	sim *s = sim_new(4);
	for (uint64_t t = 50; t >= 10; t -= 10)
		sim_at(s, t, h_record, &R, t);
	T_EQ_INT(sim_run(s, 30), 3);      /* an event exactly at t_end fires */
	T_EQ_INT(sim_now(s), 30);
	T_EQ_INT(sim_pending(s), 2);
	T_EQ_INT(sim_run(s, 39), 0);
	T_EQ_INT(sim_now(s), 30);         /* the clock stays at the last event */
	T_EQ_INT(sim_at(s, 35, h_record, &R, 35), 0);
	T_EQ_INT(sim_run(s, UINT64_MAX), 3);
	T_EQ_INT(sim_fired(s), 6);
	T_EQ_INT(sim_now(s), 50);
	static const uint64_t want[6] = { 10, 20, 30, 35, 40, 50 };
	for (size_t i = 0; i < 6; i++)
		T_EQ_INT(R.t[i], want[i]);
	T_EQ_INT(sim_run(s, UINT64_MAX), 0);
	sim_free(s);
}

static void test_stop(void)
{
	rec_reset();
	sim *s = sim_new(4);
	for (uint64_t t = 1; t <= 10; t++)
		sim_at(s, t, h_record, &R, t);
	R.stop_at = 3;
	T_EQ_INT(sim_run(s, UINT64_MAX), 3);
	T_EQ_INT(sim_now(s), 3);
	T_EQ_INT(sim_pending(s), 7);
	R.stop_at = UINT64_MAX;
	sim_stop(s);                      /* outside a run: no effect */
	T_EQ_INT(sim_run(s, 6), 3);
	T_EQ_INT(sim_run(s, UINT64_MAX), 4);
	T_EQ_INT(R.n, 10);
	for (size_t i = 0; i < R.n; i++)
		T_EQ_INT(R.data[i], i + 1);
	sim_free(s);
}

/* Reschedules itself `data` more times, 1 to 64 ns ahead. */
static void h_hold(sim *s, void *arg, uint64_t data)
{
	(void)arg;
	if (data > 0)
		sim_after(s, 1 + mix_next() % 64, h_hold, NULL, data - 1);
}

static void test_pool_reuse(void)
{
	rec_reset();
	sim *s = sim_new(0);
	for (uint64_t i = 0; i < 5000; i++)
		sim_at(s, mix_next() % 1000, h_record, &R, i);
	size_t cap = sim_event_capacity(s);
	T_CHECKF(cap >= 5000, "capacity %zu below the 5000 pending", cap);
	T_EQ_INT(sim_run(s, UINT64_MAX), 5000);
	for (uint64_t i = 0; i < 5000; i++)
		sim_at(s, 1000 + mix_next() % 1000, h_record, &R, i);
	T_EQ_INT(sim_event_capacity(s), cap);
	T_EQ_INT(sim_run(s, UINT64_MAX), 5000);
	/* 200 self-rescheduling events firing 100000 times in all stay in the pool. */
	for (uint64_t i = 0; i < 200; i++)
		sim_at(s, sim_now(s) + i, h_hold, NULL, 499);
	T_EQ_INT(sim_run(s, UINT64_MAX), 100000);
	T_EQ_INT(sim_event_capacity(s), cap);
	T_EQ_INT(sim_pending(s), 0);
	sim_free(s);
}

static void test_pool_objects(void)
{
	enum { N = 20000 };
	pool *p = pool_new(3 * sizeof(uint64_t), 0);
	static uint64_t *ptr[N];
	static uint32_t ids[N];
	for (uint32_t i = 0; i < N; i++) {
		ptr[i] = pool_alloc(p, &ids[i]);
		ptr[i][0] = i;
		ptr[i][2] = ~(uint64_t)i;
		T_CHECK(((uintptr_t)ptr[i] & 7) == 0);
	}
	T_EQ_INT(pool_in_use(p), N);
	size_t cap = pool_capacity(p);
	T_CHECK(cap >= N);
	/* Objects never moved while the pool grew around them. */
	for (uint32_t i = 0; i < N; i++) {
		T_CHECK(pool_at(p, ids[i]) == (void *)ptr[i]);
		T_EQ_INT(ptr[i][0], i);
		T_CHECK(ptr[i][2] == ~(uint64_t)i);
	}
	/* Ids are dense: each of 0..N-1 exactly once. */
	static unsigned char seen[N];
	memset(seen, 0, sizeof seen);
	for (uint32_t i = 0; i < N; i++) {
		T_CHECK(ids[i] < N);
		if (ids[i] < N)
			seen[ids[i]]++;
	}
	for (uint32_t i = 0; i < N; i++)
		T_EQ_INT(seen[i], 1);
	/* Release the odd ones; reallocating reuses them, last released first. */
	memset(seen, 0, sizeof seen);
	for (uint32_t i = 1; i < N; i += 2) {
		pool_release(p, ids[i]);
		seen[ids[i]] = 1;
	}
	T_EQ_INT(pool_in_use(p), N / 2);
	uint32_t id;
	pool_alloc(p, &id);
	T_EQ_INT(id, ids[N - 1]);
	seen[id] = 2;
	size_t reused = 1;
	for (uint32_t i = 1; i < N / 2; i++) {
		pool_alloc(p, &id);
		if (id < N && seen[id] == 1) {
			seen[id] = 2;
			reused++;
		}
	}
	T_EQ_INT(reused, N / 2);
	T_EQ_INT(pool_in_use(p), N);
	T_EQ_INT(pool_capacity(p), cap);
	for (uint32_t i = 0; i < N; i += 2)
		T_EQ_INT(((uint64_t *)pool_at(p, ids[i]))[0], i);
	pool_free(p);
	pool_free(NULL);
}

/* The reference: entries sorted by (t, seq) in ref[0 .. ref_n). */
typedef struct {
	uint64_t t, seq;
	uint32_t id;
} ref_entry;

static ref_entry ref[40000];
static size_t ref_n;

static void ref_push(uint64_t t, uint64_t seq, uint32_t id)
{
	/* New entries have the largest seq, so they go after every entry with t' <= t. */
	size_t lo = 0, hi = ref_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ref[mid].t <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&ref[lo + 1], &ref[lo], (ref_n - lo) * sizeof ref[0]);
	ref[lo] = (ref_entry){ t, seq, id };
	ref_n++;
}

static void ref_pop(void)
{
	memmove(&ref[0], &ref[1], (ref_n - 1) * sizeof ref[0]);
	ref_n--;
}

static void test_eq_random_vs_reference(void)
{
	eq *q = eq_new(0);
	ref_n = 0;
	uint64_t seq = 0, base = 0;
	size_t mismatches = 0, max_len = 0, pops = 0;
	for (int op = 0; op < 100000; op++) {
		/* Grow for 5000 ops, shrink for 5000: sizes sweep 0 .. ~1000 repeatedly. */
		int grow = (op / 5000) % 2 == 0;
		uint64_t r = mix_next();
		int push = (r % 100) < (grow ? 60u : 40u);
		if (push && ref_n < 40000) {
			uint64_t t;
			switch ((r >> 8) % 4) {
			case 0: t = base; break;                        /* ties at now */
			case 1: t = base + (r >> 16) % 8; break;         /* near ties */
			case 2: t = base + (r >> 16) % 100000; break;
			default: t = (r >> 16) % 1000; break;           /* anywhere, even past */
			}
			eq_push(q, t, (uint32_t)seq);
			ref_push(t, seq, (uint32_t)seq);
			seq++;
		} else {
			uint64_t t = 7, t_end = UINT64_MAX;
			uint32_t id = 7;
			int rc;
			if ((r >> 8) % 4 == 0) {
				t_end = base + (r >> 16) % 50;
				rc = eq_pop_until(q, t_end, &t, &id);
			} else {
				rc = eq_pop(q, &t, &id);
			}
			int want = ref_n > 0 && ref[0].t <= t_end ? 0 : -1;
			if (rc != want) {
				mismatches++;
			} else if (rc == 0) {
				if (t != ref[0].t || id != ref[0].id)
					mismatches++;
				base = t;
				ref_pop();
				pops++;
			} else if (t != 7 || id != 7) {
				mismatches++;         /* outputs written on failure */
			}
		}
		if (eq_len(q) != ref_n)
			mismatches++;
		if (ref_n > max_len)
			max_len = ref_n;
		if (op % 7919 == 0)
			eq_renumber(q);
		if (op % 1013 == 0 && ref_n > 0) {
			uint64_t t;
			uint32_t id;
			if (eq_peek(q, &t, &id) != 0 || t != ref[0].t || id != ref[0].id)
				mismatches++;
		}
	}
	while (ref_n > 0) {
		uint64_t t;
		uint32_t id;
		if (eq_pop(q, &t, &id) != 0 || t != ref[0].t || id != ref[0].id)
			mismatches++;
		ref_pop();
	}
	uint64_t t;
	uint32_t id;
	T_EQ_INT(eq_pop(q, &t, &id), -1);
	T_EQ_INT(eq_peek(q, &t, &id), -1);
	T_EQ_INT(eq_len(q), 0);
	T_EQ_INT(mismatches, 0);
	T_CHECKF(max_len >= 500, "the sizes only reached %zu", max_len);
	T_CHECKF(pops >= 40000, "only %zu pops", pops);
	eq_free(q);
	eq_free(NULL);
}

/* 200000 entries over 5000 distinct times, pushed in a scrambled order, drain in
 * (time, push order): deep heaps, many ties, the hole refilled by pushes. */
static void test_eq_large_drain(void)
{
	enum { N = 200000 };
	eq *q = eq_new(0);
	for (uint32_t i = 0; i < N; i++)
		eq_push(q, mix_next() % 5000, i);
	uint64_t t, last_t = 0;
	uint32_t id, last_id = 0;
	size_t n = 0, bad = 0;
	/* Pop half, pushing a later entry after every other pop. */
	for (uint32_t i = 0; i < N / 2; i++) {
		if (eq_pop(q, &t, &id) != 0)
			bad++;
		if (n > 0 && (t < last_t || (t == last_t && id <= last_id)))
			bad++;
		last_t = t;
		last_id = id;
		n++;
		if (i % 2 == 0)
			eq_push(q, t + mix_next() % 3, N + i);
	}
	while (eq_pop(q, &t, &id) == 0) {
		if (t < last_t || (t == last_t && id <= last_id))
			bad++;
		last_t = t;
		last_id = id;
		n++;
	}
	T_EQ_INT(n, N + N / 4);
	T_EQ_INT(bad, 0);
	eq_free(q);
}

static void test_eq_renumber(void)
{
	eq *q = eq_new(4);
	/* 3000 entries over 10 distinct times, pushed in a scrambled time order. */
	for (uint32_t i = 0; i < 3000; i++)
		eq_push(q, (uint64_t)(i * 7 % 10), i);
	uint64_t t;
	uint32_t id;
	T_EQ_INT(eq_pop(q, &t, &id), 0);  /* leaves a hole for renumber to settle */
	T_EQ_INT(t, 0);
	T_EQ_INT(id, 0);
	eq_renumber(q);
	T_EQ_INT(eq_len(q), 2999);
	for (uint32_t i = 3000; i < 4000; i++)
		eq_push(q, (uint64_t)(i * 7 % 10), i);
	eq_renumber(q);
	uint64_t last_t = 0;
	uint32_t last_id = 0;
	size_t n = 1, bad = 0;
	while (eq_pop(q, &t, &id) == 0) {
		if (t < last_t || (t == last_t && id <= last_id))
			bad++;
		if (t != (uint64_t)(id * 7 % 10))
			bad++;
		last_t = t;
		last_id = id;
		n++;
	}
	T_EQ_INT(n, 4000);
	T_EQ_INT(bad, 0);
	eq_free(q);
}

static void test_rng_same_seed_same_sequence(void)
{
	rng_set *a = rng_set_new(42), *b = rng_set_new(42);
	rng *ra = rng_stream(a, "fabric"), *rb = rng_stream(b, "fabric");
	T_CHECK(rng_stream(a, "fabric") == ra);
	size_t diff = 0;
	for (int i = 0; i < 1000; i++) {
		if (rng_uniform(ra) != rng_uniform(rb))
			diff++;
		if (rng_below(ra, 1000000007) != rng_below(rb, 1000000007))
			diff++;
	}
	T_EQ_INT(diff, 0);
	rng_set_free(a);
	rng_set_free(b);
	rng_set_free(NULL);
}

static void test_rng_streams_differ(void)
{
	rng_set *a = rng_set_new(42), *b = rng_set_new(43);
	rng *x = rng_stream(a, "a"), *y = rng_stream(a, "b"), *z = rng_stream(b, "a");
	T_CHECK(x != y);
	size_t same_xy = 0, same_xz = 0;
	for (int i = 0; i < 100; i++) {
		double u = rng_uniform(x);
		same_xy += u == rng_uniform(y);
		same_xz += u == rng_uniform(z);
	}
	T_EQ_INT(same_xy, 0);
	T_EQ_INT(same_xz, 0);
	rng_set_free(a);
	rng_set_free(b);
}

static void test_rng_creation_order(void)
{
	static const char *const names[3] = { "gpu", "failures", "storage" };
	rng_set *a = rng_set_new(7), *b = rng_set_new(7);
	rng *ra[3], *rb[3];
	for (int i = 0; i < 3; i++)
		ra[i] = rng_stream(a, names[i]);
	for (int i = 2; i >= 0; i--)
		rb[i] = rng_stream(b, names[i]);
	double xa[3][50], xb[3][50];
	/* Draw a's streams one after another and b's interleaved. */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 50; j++)
			xa[i][j] = rng_exponential(ra[i], 1.0);
	for (int j = 0; j < 50; j++)
		for (int i = 2; i >= 0; i--)
			xb[i][j] = rng_exponential(rb[i], 1.0);
	size_t diff = 0;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 50; j++)
			diff += xa[i][j] != xb[i][j];
	T_EQ_INT(diff, 0);
	rng_set_free(a);
	rng_set_free(b);
}

static void test_rng_exponential_mean(void)
{
	rng_set *set = rng_set_new(2024);
	rng *r = rng_stream(set, "arrivals");
	double sum = 0;
	size_t neg = 0;
	for (int i = 0; i < 100000; i++) {
		double x = rng_exponential(r, 250.0);
		neg += x < 0;
		sum += x;
	}
	T_EQ_INT(neg, 0);
	/* The standard error is 250 / sqrt(1e5) = 0.32% of the mean. */
	T_NEAR(sum / 100000, 250.0, 0.015);

	/* The shape, tail included (draws past 7.7 take the ziggurat's tail path):
	 * E[X^2] = 2 and P(X > x) = exp(-x) for mean 1, over 1e6 draws. */
	enum { N = 1000000 };
	double sum2 = 0;
	size_t over1 = 0, over3 = 0, over8 = 0;
	for (int i = 0; i < N; i++) {
		double x = rng_exponential(r, 1.0);
		sum2 += x * x;
		over1 += x > 1;
		over3 += x > 3;
		over8 += x > 8;
	}
	T_NEAR(sum2 / N, 2.0, 0.01);
	T_NEAR((double)over1 / N, exp(-1.0), 0.005);   /* 5 standard errors */
	T_NEAR((double)over3 / N, exp(-3.0), 0.025);
	T_NEAR((double)over8 / N, exp(-8.0), 0.25);    /* ~335 draws: 4.5 s.e. */
	rng_set_free(set);
}

static void test_rng_distributions(void)
{
	rng_set *set = rng_set_new(99);
	rng *r = rng_stream(set, "dist");
	enum { N = 100000 };
	double su = 0, sg = 0, sg2 = 0, sl = 0;
	size_t out_of_range = 0;
	for (int i = 0; i < N; i++) {
		double u = rng_uniform(r);
		out_of_range += !(u >= 0 && u < 1);
		su += u;
		double g = rng_gaussian(r, 2.0);
		sg += g;
		sg2 += g * g;
		sl += rng_lognormal(r, 0.5, 0.4);
	}
	T_EQ_INT(out_of_range, 0);
	T_NEAR(su / N, 0.5, 0.01);
	T_CHECKF(fabs(sg / N) < 0.03, "gaussian mean %g", sg / N);
	T_NEAR(sqrt(sg2 / N), 2.0, 0.01);
	T_NEAR(sl / N, exp(0.5 + 0.4 * 0.4 / 2), 0.01);

	size_t count[10] = { 0 }, big_out = 0;
	for (int i = 0; i < N; i++) {
		uint64_t k = rng_below(r, 10);
		if (k < 10)
			count[k]++;
	}
	for (int k = 0; k < 10; k++)
		T_NEAR((double)count[k], N / 10.0, 0.05);
	const uint64_t big = 3000000000000ull;
	double sb = 0;
	for (int i = 0; i < N; i++) {
		uint64_t k = rng_below(r, big);
		big_out += k >= big;
		sb += (double)k;
	}
	T_EQ_INT(big_out, 0);
	T_NEAR(sb / N, (double)big / 2, 0.01);
	T_EQ_INT(rng_below(r, 0), 0);
	T_EQ_INT(rng_below(r, 1), 0);
	rng_set_free(set);
}

int main(void)
{
	T_RUN(test_order_by_time);
	T_RUN(test_ties_fifo);
	T_RUN(test_same_time_from_handler);
	T_RUN(test_past_refused);
	T_RUN(test_run_until);
	T_RUN(test_stop);
	T_RUN(test_pool_reuse);
	T_RUN(test_pool_objects);
	T_RUN(test_eq_random_vs_reference);
	T_RUN(test_eq_large_drain);
	T_RUN(test_eq_renumber);
	T_RUN(test_rng_same_seed_same_sequence);
	T_RUN(test_rng_streams_differ);
	T_RUN(test_rng_creation_order);
	T_RUN(test_rng_exponential_mean);
	T_RUN(test_rng_distributions);
	return t_done();
}
