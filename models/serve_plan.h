/* serve_plan.h -- a serving deployment on one node type: the replica layout (TP and
 * PP inside a node), its cost model and KV cache, and the searches the `auto`
 * attributes ask for: the smallest replica count meeting the SLO at a rate, the
 * highest Poisson rate meeting it, and the TP/PP layout that needs the fewest GPUs.
 *
 * Invariant: a built plan's cost points at the infer_cfg's model, which must
 * outlive it; searches only simulate, never change the workload. */
#ifndef CAPSIM_SERVE_PLAN_H
#define CAPSIM_SERVE_PLAN_H

#include "models/cluster.h"
#include "models/infer.h"
#include "models/kvcache.h"
#include "models/profile.h"
#include "models/serve.h"
#include "models/serve_cost.h"

typedef struct {
	const cluster_nodes *g;
	int tp, pp;
	serve_cost cost;
	kv_plan kv;
} serve_plan;

/* Builds the replica of `ic` with degrees tp x pp on node group `g`. Returns 0, or
 * -1 with err set (nothing written) when the replica does not fit one node, the
 * heads do not divide by tp, the GPU lacks the precision, or memory leaves no KV
 * cache. */
int serve_plan_build(const infer_cfg *ic, const cluster_nodes *g, const cluster_scaleout *so,
		     const profile *prof, int tp, int pp, serve_plan *out, char *err, size_t errlen);

/* The engine setup of `replicas` replicas of plan `p` for `ic`. */
void serve_setup_of(const serve_plan *p, const infer_cfg *ic, int replicas, serve_setup *out);

typedef struct {
	serve_plan plan;
	serve_stats st;
	int replicas, gpus;
	double rate_per_s;        /* offered Poisson rate; 0 for offline and traces */
	int slo_met;
	int layouts_tried, runs;
	int rate_auto, replicas_auto, layout_auto, offline;
} serve_answer;

/* Resolves every `auto` of `ic` on `gpus` GPUs of node group `g` and simulates the
 * answer. Returns 0 and *out, or -1 with err set (nothing written) when no layout
 * fits or a run fails. */
int serve_solve(const infer_cfg *ic, const cluster_nodes *g, const cluster_scaleout *so,
		const profile *prof, int gpus, serve_answer *out, char *err, size_t errlen);

#endif
