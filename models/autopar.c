/* autopar.c -- search over parallel layouts. */
#include "models/autopar.h"
#include "models/layout.h"
#include "models/memory.h"
#include "models/step.h"

#include <stdio.h>
#include <string.h>

#define AUTOPAR_SIMULATE 3

int autopar_divides(const train_cfg *t, const parallel_cfg *p, int gpus, char *err, size_t errlen)
{
	const model_arch *m = &t->model;
	long prod = (long)p->tp * p->pp * p->dp * p->cp;
	int v = p->schedule == SCHED_INTERLEAVED ? p->virtual_stages : 1;
	if (prod != gpus) {
		snprintf(err, errlen, "tp x pp x dp x cp = %d x %d x %d x %d = %ld, but the cluster has %d GPUs",
			 p->tp, p->pp, p->dp, p->cp, prod, gpus);
		return -1;
	}
	if (m->heads % p->tp != 0) {
		snprintf(err, errlen, "tp = %d does not divide the %d attention heads", p->tp, m->heads);
		return -1;
	}
	if (m->layers < p->pp * v) {
		snprintf(err, errlen, "pp x virtual-stages = %d exceeds the %d layers", p->pp * v, m->layers);
		return -1;
	}
	if (t->global_batch % (p->dp * p->microbatch) != 0) {
		snprintf(err, errlen, "global batch %d is not divisible by dp x microbatch = %d",
			 t->global_batch, p->dp * p->microbatch);
		return -1;
	}
	int nmb = t->global_batch / (p->dp * p->microbatch);
	if (p->schedule == SCHED_INTERLEAVED && p->pp > 1 && nmb % p->pp != 0) {
		snprintf(err, errlen, "interleaved 1F1B needs the %d microbatches per step to be a multiple of pp = %d",
			 nmb, p->pp);
		return -1;
	}
	if (t->seq_len % p->cp != 0) {
		snprintf(err, errlen, "cp = %d does not divide the sequence length %d", p->cp, t->seq_len);
		return -1;
	}
	if (p->ep > 1 && (p->dp % p->ep != 0 || m->experts % p->ep != 0)) {
		snprintf(err, errlen, "ep = %d must divide both dp = %d and the %d experts", p->ep, p->dp, m->experts);
		return -1;
	}
	return 0;
}

typedef struct {
	parallel_cfg p;
	double est_s;
} cand;

static int choices(int req, int gpus, int *out)
{
	int n = 0;
	if (req != PAR_AUTO) {
		out[n++] = req;
		return n;
	}
	for (int d = 1; d <= gpus && n < 64; d++)
		if (gpus % d == 0)
			out[n++] = d;
	return n;
}

int autopar_search(const train_cfg *t, const parallel_cfg *req, const cluster_nodes *g,
		   const cluster_scaleout *so, const gpu_model *gm, int gpus,
		   autopar_result *out, char *err, size_t errlen)
{
	int tps[64], pps[64], cps[64], dps[64], eps[64];
	int ntp = choices(req->tp, gpus, tps), npp = choices(req->pp, gpus, pps);
	int ncp = choices(req->cp, gpus, cps), ndp = choices(req->dp, gpus, dps);
	int nep = choices(req->ep, gpus, eps);
	cand best[AUTOPAR_SIMULATE];
	int nbest = 0, candidates = 0, feasible = 0;
	double min_need = 0;
	char why[256];
	int domain = g->scaleup && g->scaleup->domain_gpus > 0 ? g->scaleup->domain_gpus : g->node->gpus;

	for (int a = 0; a < ntp; a++)
	for (int b = 0; b < npp; b++)
	for (int c = 0; c < ncp; c++)
	for (int d = 0; d < ndp; d++)
	for (int e = 0; e < nep; e++) {
		parallel_cfg p = *req;
		p.tp = tps[a]; p.pp = pps[b]; p.cp = cps[c]; p.dp = dps[d]; p.ep = eps[e];
		if (req->tp == PAR_AUTO && p.tp > domain)
			continue; /* tensor parallelism stays inside the scale-up domain */
		if (req->ep == PAR_AUTO && t->model.experts <= 1 && p.ep != 1)
			continue;
		if (req->cp == PAR_AUTO && p.cp > 1 && t->seq_len / p.cp < 4096)
			continue; /* context parallelism only for long sequences */
		if (p.pp == 1 && p.schedule == SCHED_INTERLEAVED)
			p.virtual_stages = 1;
		if (req->tp == PAR_AUTO)
			p.sequence_parallel = p.tp > 1;
		if (autopar_divides(t, &p, gpus, why, sizeof why) != 0)
			continue;
		candidates++;
		mem_breakdown mb;
		memory_per_gpu(t, &p, gm->eff->memory_reserve_B, &mb);
		if (min_need == 0 || mb.total_B < min_need)
			min_need = mb.total_B;
		if (mb.total_B > gm->gpu->memory_B)
			continue;
		train_layout lay;
		if (layout_build(g, so, gm->eff, &p, &lay, why, sizeof why) != 0)
			continue;
		feasible++;
		step_input in = { t, p, gm, &lay, STEP_DP_BUCKET_PARAMS, NULL, NULL, NULL, NULL, 0 };
		double est = step_analytic_s(&in);
		int pos = nbest < AUTOPAR_SIMULATE ? nbest++ : AUTOPAR_SIMULATE;
		if (pos == AUTOPAR_SIMULATE) {
			if (est >= best[AUTOPAR_SIMULATE - 1].est_s)
				continue;
			pos = AUTOPAR_SIMULATE - 1;
		}
		while (pos > 0 && best[pos - 1].est_s > est) {
			best[pos] = best[pos - 1];
			pos--;
		}
		best[pos].p = p;
		best[pos].est_s = est;
	}
	out->candidates = candidates;
	out->feasible = feasible;
	out->min_need_B = min_need;
	if (nbest == 0) {
		if (candidates == 0)
			snprintf(err, errlen, "no parallel layout divides %d GPUs, the model and the batch", gpus);
		else
			snprintf(err, errlen, "no parallel layout fits in memory: the best of %d candidates needs %.1f GB per GPU, %s has %.1f GB",
				 candidates, min_need / 1e9, gm->gpu->id, gm->gpu->memory_B / 1e9);
		return -1;
	}
	out->simulated = 0;
	double best_s = 0;
	for (int i = 0; i < nbest; i++) {
		train_layout lay;
		step_result sr;
		if (layout_build(g, so, gm->eff, &best[i].p, &lay, why, sizeof why) != 0)
			continue;
		step_input in = { t, best[i].p, gm, &lay, STEP_DP_BUCKET_PARAMS, g, so, gm->eff, NULL, 0 };
		if (step_simulate(&in, &sr, why, sizeof why) != 0)
			continue;
		out->simulated++;
		if (best_s == 0 || sr.step_s < best_s) {
			best_s = sr.step_s;
			out->best = best[i].p;
		}
	}
	if (out->simulated == 0) {
		snprintf(err, errlen, "no candidate layout could be simulated: %s", why);
		return -1;
	}
	out->step_s = best_s;
	return 0;
}
