/* serve.h -- serving on the event engine: replicas behind a load balancer, each
 * with iteration-level (continuous or static) batching, chunked prefill and a paged
 * KV cache with preemption by recompute; latency and utilisation statistics.
 * Invariant: every request ends completed or rejected (only when it can never fit
 * a replica's cache); a run is a pure function of its setup and requests. */
#ifndef CAPSIM_SERVE_H
#define CAPSIM_SERVE_H

#include <stdint.h>

#include "models/infer.h"
#include "models/load.h"
#include "models/serve_cost.h"

typedef struct {
	const serve_cost *cost;
	long kv_blocks;           /* pages per replica */
	int replicas;
	int max_batch, max_tokens, chunk; /* chunk 0: whole prompts */
	batch_sched sched;
	lb_kind lb;
	uint64_t seed;            /* the "serve.lb" stream of LB_RANDOM */
	slo_cfg slo;              /* per-request targets for attainment */
} serve_setup;

#define SERVE_SERIES_MAX 256

/* One interval of the time series. */
typedef struct {
	double t_s;               /* interval start */
	double gpu_util;          /* busy share of replica time */
	double kv_util;           /* time-averaged share of KV pages in use */
	double tokens_per_s;      /* output tokens */
	double running;           /* time-averaged sequences in the batch, all replicas */
} serve_sample;

typedef struct {
	long requests, completed, rejected, preemptions, iterations;
	uint64_t events;
	double makespan_s, last_arrival_s;
	double input_tokens, output_tokens;
	double throughput_tokens_per_s, requests_per_s;
	double ttft_p50_s, ttft_p90_s, ttft_p99_s;
	double tpot_p50_s, tpot_p90_s, tpot_p99_s;
	double e2e_p50_s, e2e_p90_s, e2e_p99_s;
	double queue_mean_s, queue_p50_s, queue_p99_s;
	double kv_util_mean, kv_util_peak, gpu_util_mean, batch_mean;
	double slo_attainment;    /* share of completed requests meeting every target */
	serve_sample series[SERVE_SERIES_MAX];
	int nseries;
	double series_step_s;
} serve_stats;

/* Serves `rs` on the replicas of `s`. Returns 0 and *out, or -1 with err set
 * (nothing written) when memory runs out or the setup is invalid. */
int serve_run(const serve_setup *s, const req_stream *rs, serve_stats *out,
	      char *err, size_t errlen);

/* The q-quantile (0..1) of n ascending values by linear interpolation between
 * closest ranks (numpy's default); 0 when n == 0. */
double serve_percentile(const double *sorted, long n, double q);

/* 1 when the stats meet every target of `slo`, none was rejected, and the run kept
 * up with its arrivals (the backlog after the last arrival drains within 5% of the
 * arrival window plus the P99 end-to-end latency; a growing queue shows first in
 * the TTFT targets, which include queueing). An offline run (all arrivals at time
 * 0) is judged on its targets alone. */
int serve_slo_met(const slo_cfg *slo, const serve_stats *st);

#endif
