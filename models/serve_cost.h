/* serve_cost.h -- the time of one serving iteration on one replica: a roofline per
 * layer (linear layers compute-bound when many tokens run, bound by the weight
 * reads when few do; attention over the cached context bound by KV reads in decode)
 * plus the tensor-parallel all-reduces, pipeline hand-offs and fixed overheads.
 *
 * Invariant: a serve_cost is immutable after serve_cost_init(); iteration time is
 * a pure function of the batch aggregates, O(1) in the batch size. */
#ifndef CAPSIM_SERVE_COST_H
#define CAPSIM_SERVE_COST_H

#include "models/coll.h"
#include "models/gpu.h"
#include "models/transformer.h"

#define SERVE_AR_OCTAVES 24

typedef struct {
	const model_arch *m;
	int tp, pp;
	gpu_model gemm;           /* linear layers in the weight precision */
	gpu_model attn;           /* attention kernels in 16-bit */
	double w_bytes, kv_bytes; /* per element */
	double read_Bps;          /* achieved bandwidth of serving reads */
	double gemm_scale;        /* serving share of the GEMM plateau (profile) */
	double iter_ns, layer_ns; /* fixed costs (profile) */
	coll_comm tpc;            /* the TP group (unused when tp == 1) */
	coll_comm ppc;            /* two neighbouring PP stages (unused when pp == 1) */
	/* per GPU, per layer */
	double attn_w_B;          /* attention and norm weights, bytes */
	double expert_w_B;        /* one expert MLP (the MLP when dense), bytes */
	double lin_flops_tok;     /* linear FLOPs per token */
	double kv_tok_B;          /* cached bytes per token */
	double attn_flops_pair;   /* attention FLOPs per (query, key) pair */
	double act_tok_B;         /* activation traffic per token */
	int experts, topk;
	/* TP all-reduce time of n tokens' activations, tabulated at 4 points per
	 * doubling of n from 1 to 2^SERVE_AR_OCTAVES and interpolated linearly */
	double ar_ns[4 * SERVE_AR_OCTAVES + 1];
} serve_cost;

/* Aggregates of one iteration's batch. */
typedef struct {
	double tokens;            /* all tokens processed (decode + prefill chunks) */
	double decode_ctx;        /* decode: summed context lengths (keys read) */
	double prefill_pairs;     /* prefill: summed (query, key) pairs of the chunks */
	double prefill_ctx;       /* prefill: summed keys read (chunk end positions) */
	double sampled;           /* sequences producing a token */
} serve_batch;

/* Prepares the cost of `m` on `gpu` in `compute` (weights), with `kv_bytes` per
 * cached element, TP `tp` and PP `pp`; tpc/ppc describe the groups (may be NULL
 * when the degree is 1). Returns 0, or -1 with err set when the GPU lacks the
 * precision or the profile has no entry for it. */
int serve_cost_init(serve_cost *c, const model_arch *m, const hw_gpu *gpu,
		    const profile *prof, hw_dtype compute, double kv_bytes, int tp, int pp,
		    const coll_comm *tpc, const coll_comm *ppc, char *err, size_t errlen);

/* Time in ns of one iteration that advances every sequence of `b` by one step. */
double serve_iter_ns(const serve_cost *c, const serve_batch *b);

/* Parts of the time of `b` in ns, for reports and tests: linear layers, attention,
 * TP communication, fixed overheads (they sum to serve_iter_ns within rounding). */
typedef struct {
	double linear_ns, attn_ns, comm_ns, overhead_ns;
} serve_parts;
void serve_iter_parts(const serve_cost *c, const serve_batch *b, serve_parts *out);

#endif
