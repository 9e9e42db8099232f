/* step.h -- one training step as a task graph per pipeline rank, run on the
 * discrete-event engine: compute, tensor/expert-parallel collectives, context-
 * parallel exchange, pipeline send/recv, data-parallel gradient reduction in
 * buckets overlapped with backward, parameter all-gathers, the optimizer step.
 *
 * Folding: tensor-parallel ranks and data-parallel replicas do identical compute,
 * so one rank per pipeline stage runs its kernels (step_result.folded). With a
 * cluster given, each data-parallel collective, expert-parallel all-to-all and
 * pipeline send that leaves the scale-up domain starts the flows of every peer
 * group at once (models/collflow),
 * so rings of different stages and ranks meet on shared NICs and fabric links.
 * Only where the answer cannot differ is that traffic folded too: when tensor
 * parallelism spans whole nodes, every peer group's GPUs share one local index,
 * hence one rail, and on rail planes that share no link and route alike
 * (net_rail_planes) the groups of rail 0 run for all (step_result.planes_folded). Collectives inside one scale-up
 * domain take their cost model's time (their ports carry no other group's
 * traffic in these layouts). */
#ifndef CAPSIM_STEP_H
#define CAPSIM_STEP_H

#include <stdint.h>

#include "models/gpu.h"
#include "models/layout.h"
#include "models/profile.h"
#include "models/steptrace.h"
#include "models/train.h"

/* Megatron-Core's default data-parallel gradient bucket: 40M parameters
 * (DistributedDataParallelConfig.bucket_size). */
#define STEP_DP_BUCKET_PARAMS 40e6

typedef struct {
	const train_cfg *t;
	parallel_cfg p;           /* resolved: no PAR_AUTO */
	const gpu_model *gpu;
	const train_layout *lay;
	double bucket_params;     /* data-parallel gradient bucket size, parameters */
	/* The cluster, for communication as flows over its links (models/collflow):
	 * data-parallel collectives and pipeline sends whose groups leave the scale-up
	 * domain run on the node group's NICs and fabric, every peer group's traffic
	 * included. NULL group: every collective takes its cost model's time. */
	const cluster_nodes *group;
	const cluster_scaleout *so;
	const profile_gpu *eff;
	step_trace *trace;        /* NULL: off; else every task's span is appended */
	int unfold_planes;        /* 1: run every rail plane's flows even where they are
	                           * identical (tests check that folding changes nothing) */
} step_input;

/* Per-microbatch costs of one layer and of the pipeline ends, in ns. */
typedef struct {
	double attn_pre_ns, attn_post_ns, mlp_ns;   /* forward compute */
	double attn_pre_bwd_ns, attn_post_bwd_ns, mlp_bwd_ns; /* backward, input grads */
	double wgrad_ns;          /* weight-gradient GEMMs of one layer */
	double recompute_ns;      /* extra forward work in backward */
	double tp_ns;             /* attention block's tensor-parallel collective, exposed */
	double tp_mlp_ns;         /* MLP block's tensor-parallel collective, exposed */
	double ep_ns;             /* expert all-to-alls of one MoE block, forward */
	double cp_ns;             /* context-parallel K/V exchange, forward */
	double pp_ns;             /* one activation send/recv */
	double logits_ns, logits_bwd_ns, embed_ns, embed_bwd_ns;
	double optimizer_ns;
	double dp_layer_ns;       /* gradient reduce of one layer's bucket share */
	double ag_layer_ns;       /* parameter all-gather of one layer */
	double layer_params_gpu;  /* parameters of one layer on one GPU */
	/* the same traffic in bytes, for the flow network */
	double dp_layer_bytes, ag_layer_bytes, pp_bytes;
	double ep_bytes;          /* one expert all-to-all's bytes per GPU (dispatch or combine) */
	coll_op dp_op;            /* reduce-scatter (ZeRO >= 1) or all-reduce */
} step_costs;

typedef struct {
	double step_s;
	/* averaged over pipeline ranks; they add up to step_s */
	double compute_s, exposed_comm_s, bubble_s, other_s;
	double tp_comm_s, pp_comm_s, dp_comm_s, cp_comm_s; /* busy time per rank */
	uint64_t events;
	long tasks;
	int folded;               /* 1: symmetric ranks' compute folded (always) */
	int flows_used;           /* 1: some communication ran as flows, every peer's */
	uint64_t flows;           /* flows started */
	int net_gpus;             /* GPUs wired into the flow network */
	int planes_folded;        /* > 1: flows ran for one of this many identical rail
	                           * planes (net_rail_planes), 1: for all */
} step_result;

/* Fills *c from the input. */
void step_costs_compute(const step_input *in, step_costs *c);

/* Simulates one step. Returns 0 and *out, or -1 with err set (a schedule that
 * cannot run these numbers, or a deadlock, which is a bug). */
int step_simulate(const step_input *in, step_result *out, char *err, size_t errlen);

/* Closed-form step time from the same costs, no event simulation: used to rank
 * layouts in `auto` searches. Agrees with step_simulate() where no stream
 * overlap differs (see tests/test_step.c). */
double step_analytic_s(const step_input *in);

#endif
