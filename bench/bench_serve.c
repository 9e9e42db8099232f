/* bench_serve.c -- wall time of serving one hour at 20 requests/s (about 72,000
 * requests) on 8 GPUs: Llama 3 70B FP8 on one XE9680, four TP2 replicas. Target on
 * one core: at most 1 s. */
#include "scenarios/scenario.h"
#include "sim/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(CAPSIM_SRCDIR "/bench/serve-llama3-70b-8xh100-1h.xml", &sc, err, sizeof err) != 0) {
		fprintf(stderr, "bench_serve: %s\n", err);
		return 1;
	}
	run_results *r = calloc(1, sizeof *r);
	double t0 = now_s();
	int rc = r ? run_scenario(sc, r, err, sizeof err) : -1;
	double wall = now_s() - t0;
	if (rc != 0) {
		fprintf(stderr, "bench_serve: %s\n", r ? err : "out of memory");
		free(r);
		scenario_free(sc);
		return 1;
	}
	const infer_results *o = &r->inference;
	printf("serving simulation: %ld requests over 1 h on %d GPUs (%d x TP%d)  wall %.3f s "
	       "(target <= 1 s: %s)  %llu events, %ld iterations, %.0f simulated requests/s of wall\n",
	       o->requests, o->gpus_used, o->replicas, o->tp, wall, wall <= 1.0 ? "met" : "NOT MET",
	       (unsigned long long)o->events, o->iterations, o->requests / wall);
	free(r);
	scenario_free(sc);
	return 0;
}
