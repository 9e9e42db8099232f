/* bench_engine.c -- the classic hold model through the public sim API: N events
 * pending, each firing reschedules itself at now + exponential(mean), so the pending
 * count stays N while the queue churns.
 *
 * For N = 1e3, 1e5 and 1e6 it prefills N events, warms up, then times 5 runs of a
 * fixed event count with CLOCK_MONOTONIC and prints the median rate and whether the
 * target (20 M events/s at 1e3, 7 M/s at 1e5, one core, -O2) is met. The rate
 * includes one exponential draw per event, as a real model's would. Arguments, if
 * any, pick pending counts to run (e.g. "bench_engine 1000"). */
#include "sim/engine/rng.h"
#include "sim/engine/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPEATS 5
#define MEAN_NS 1000000.0

typedef struct {
	rng *r;
	uint64_t left;             /* events still to fire in this run */
} hold_state;

static void hold(sim *s, void *arg, uint64_t data)
{
	hold_state *h = arg;
	if (--h->left == 0)
		sim_stop(s);
	sim_after(s, (uint64_t)rng_exponential(h->r, MEAN_NS), hold, h, data);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Returns the median events/s over REPEATS timed runs of `events` each, or a
 * negative value if a run fired the wrong number of events or lost pending ones. */
static double hold_model(size_t pending, uint64_t events)
{
	rng_set *set = rng_set_new(1);
	hold_state h = { rng_stream(set, "hold"), 0 };
	sim *s = sim_new(pending);
	double rate[REPEATS];
	double ok = 1;
	for (size_t i = 0; i < pending; i++)
		sim_at(s, (uint64_t)rng_exponential(h.r, MEAN_NS), hold, &h, i);
	/* Warm up: let the time distribution of pending events settle. */
	h.left = pending < 1000000 ? 1000000 : pending;
	sim_run(s, UINT64_MAX);
	for (int k = 0; k < REPEATS; k++) {
		h.left = events;
		double t0 = now_s();
		uint64_t fired = sim_run(s, UINT64_MAX);
		double t1 = now_s();
		if (fired != events || sim_pending(s) != pending)
			ok = -1;
		rate[k] = (double)fired / (t1 - t0);
	}
	sim_free(s);
	rng_set_free(set);
	qsort(rate, REPEATS, sizeof rate[0], cmp_double);
	return ok * rate[REPEATS / 2];
}

int main(int argc, char **argv)
{
	static const struct {
		size_t pending;
		uint64_t events;
		double target;             /* events/s; 0: none */
	} runs[] = {
		{ 1000, 10000000, 20e6 },
		{ 100000, 10000000, 7e6 },
		{ 1000000, 5000000, 0 },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		int wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			wanted |= strtoul(argv[a], NULL, 10) == runs[i].pending;
		if (!wanted)
			continue;
		double r = hold_model(runs[i].pending, runs[i].events);
		if (r < 0) {
			printf("engine hold model: pending=%zu FAILED: wrong event count\n",
			       runs[i].pending);
			rc = 1;
			continue;
		}
		printf("engine hold model: pending=%zu events/s=%.3g (median of %d)",
		       runs[i].pending, r, REPEATS);
		if (runs[i].target > 0)
			printf(" target>=%.3g %s", runs[i].target,
			       r >= runs[i].target ? "met" : "NOT MET");
		printf("\n");
		fflush(stdout);
	}
	return rc;
}
