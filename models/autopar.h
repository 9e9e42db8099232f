/* autopar.h -- the `auto` parallel layout: every layout that divides the cluster,
 * the model and the batch and fits in memory, ranked by the closed-form step time;
 * the best few are then simulated and the fastest simulated one wins.
 *
 * Invariant: explicit degrees in the request are kept; only PAR_AUTO ones vary. */
#ifndef CAPSIM_AUTOPAR_H
#define CAPSIM_AUTOPAR_H

#include "models/cluster.h"
#include "models/gpu.h"
#include "models/train.h"

typedef struct {
	parallel_cfg best;
	double step_s;            /* simulated step time of the winner */
	int candidates;           /* layouts that divide everything */
	int feasible;             /* of those, layouts that fit in memory */
	int simulated;
	double min_need_B;        /* least memory any candidate needs (when none fit) */
} autopar_result;

/* Returns 0 with *out, or -1 with err set when no layout fits (err names the
 * least memory any divisible layout needs). */
int autopar_search(const train_cfg *t, const parallel_cfg *req, const cluster_nodes *g,
		   const cluster_scaleout *so, const gpu_model *gm, int gpus,
		   autopar_result *out, char *err, size_t errlen);

/* Checks a resolved layout divides the cluster, the model and the batch.
 * Returns 0, or -1 with a reason in err. */
int autopar_divides(const train_cfg *t, const parallel_cfg *p, int gpus, char *err, size_t errlen);

#endif
