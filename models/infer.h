/* infer.h -- an inference serving workload: the model, its precisions, the serving
 * layout and batching limits of each replica, the load (arrivals and lengths) and
 * the latency targets.
 *
 * Invariant: a degree or count of PAR_AUTO means "capsim chooses"; a rate mode of
 * RATE_MAX or RATE_AUTO leaves rate_per_s unused; an SLO target of 0 is "none". */
#ifndef CAPSIM_INFER_H
#define CAPSIM_INFER_H

#include <stdint.h>

#include "models/train.h"

typedef enum { LEN_FIXED, LEN_LOGNORMAL, LEN_UNIFORM } len_dist_kind;

/* A token-length distribution: fixed a; lognormal with mean a and log-sigma b;
 * uniform integers in [a, b]. Draws are whole numbers >= 1. */
typedef struct {
	len_dist_kind kind;
	double a, b;
} len_dist;

typedef enum { ARRIVAL_POISSON, ARRIVAL_CONSTANT, ARRIVAL_TRACE } arrival_kind;
typedef enum { RATE_FIXED, RATE_MAX, RATE_AUTO } rate_mode;
typedef enum { LB_ROUND_ROBIN, LB_LEAST_OUTSTANDING, LB_RANDOM } lb_kind;
typedef enum { BATCH_CONTINUOUS, BATCH_STATIC } batch_sched;

/* One request of a replayed trace. */
typedef struct {
	double arrival_s;
	int in, out;
} trace_req;

typedef struct {
	arrival_kind arrival;
	rate_mode mode;
	double rate_per_s;        /* RATE_FIXED */
	double duration_s;        /* arrivals stop after this (Poisson, constant) */
	long requests;            /* RATE_MAX: requests offered at time 0 */
	len_dist in, out;
	trace_req *trace;         /* ARRIVAL_TRACE: owned by the scenario, sorted by time */
	long ntrace;
	char trace_file[512];
	uint64_t seed;
} load_cfg;

typedef struct {
	double ttft_p50_s, ttft_p99_s, tpot_p50_s, tpot_p99_s, e2e_p99_s; /* 0: none */
} slo_cfg;

typedef struct {
	model_arch model;
	hw_dtype compute;         /* GEMM precision (= weights) */
	hw_dtype weights;         /* weight storage */
	hw_dtype kv;              /* KV cache storage */
	int tp, pp, replicas;     /* PAR_AUTO allowed */
	int max_batch;            /* sequences per iteration */
	int max_tokens;           /* tokens per iteration (decode + prefill) */
	int chunk;                /* prefill tokens per iteration; 0: whole prompts */
	batch_sched sched;
	lb_kind lb;
	double mem_util;          /* share of device memory for weights, KV and workspace */
	load_cfg load;
	slo_cfg slo;
	int line_serving, line_load, line_slo;
} infer_cfg;

#endif
