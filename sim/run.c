/* run.c -- one design point: scenario -> layout -> step simulation -> results. */
#include "sim/run.h"
#include "models/autopar.h"
#include "models/gpu.h"
#include "models/layout.h"
#include "models/memory.h"
#include "models/pipeline.h"
#include "models/step.h"
#include "models/topo.h"
#include "models/transformer.h"

#include <stdio.h>
#include <string.h>

static const char *recompute_name(recompute_kind k)
{
	return k == RECOMPUTE_FULL ? "full" : k == RECOMPUTE_SELECTIVE ? "selective" : "none";
}

static int has_auto(const parallel_cfg *p)
{
	return p->tp == PAR_AUTO || p->pp == PAR_AUTO || p->dp == PAR_AUTO ||
	       p->cp == PAR_AUTO || p->ep == PAR_AUTO;
}

typedef struct {
	const cluster_nodes *g;
	gpu_model gm;
	parallel_cfg p;
	train_layout lay;
	mem_breakdown mem;
	autopar_result ap;
	int gpus, was_auto;
} plan;

static int plan_build(const scenario *sc, plan *pl, char *err, size_t errlen)
{
	const train_cfg *t = &sc->train;
	char why[512];
	memset(pl, 0, sizeof *pl);
	if (sc->cl.ngroups < 1) {
		snprintf(err, errlen, "%s: the cluster has no <nodes>", sc->file);
		return -1;
	}
	pl->g = &sc->cl.groups[0];
	for (int i = 1; i < sc->cl.ngroups; i++)
		if (sc->cl.groups[i].node != pl->g->node) {
			snprintf(err, errlen, "%s:%d: <nodes type=\"%s\">: training runs on one node type; "
				 "this cluster mixes %s and %s", sc->file, sc->cl.groups[i].line,
				 sc->cl.groups[i].node->id, pl->g->node->id, sc->cl.groups[i].node->id);
			return -1;
		}
	pl->gpus = scenario_gpus(sc);
	if (gpu_model_init(&pl->gm, pl->g->gpu, &sc->prof, t->compute, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: %s", sc->file, t->line_parallel, why);
		return -1;
	}
	pl->p = t->par;
	pl->was_auto = has_auto(&t->par);
	if (pl->was_auto) {
		if (autopar_search(t, &t->par, pl->g, &sc->cl.scaleout, &pl->gm, pl->gpus,
				   &pl->ap, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s:%d: <parallel>: %s", sc->file, t->line_parallel, why);
			return -1;
		}
		pl->p = pl->ap.best;
	} else if (autopar_divides(t, &pl->p, pl->gpus, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: <parallel>: %s", sc->file, t->line_parallel, why);
		return -1;
	}
	memory_per_gpu(t, &pl->p, pl->gm.eff->memory_reserve_B, &pl->mem);
	if (pl->mem.total_B > pl->g->gpu->memory_B) {
		snprintf(err, errlen, "%s:%d: <parallel>: out of memory: this layout needs %.1f GB per GPU "
			 "(weights %.1f, gradients %.1f, optimizer %.1f, activations %.1f, reserve %.1f), "
			 "but %s has %.1f GB; raise tp/pp, zero or recompute, or lower the microbatch",
			 sc->file, t->line_parallel, pl->mem.total_B / 1e9, pl->mem.weights_B / 1e9,
			 pl->mem.grads_B / 1e9, pl->mem.optimizer_B / 1e9, pl->mem.activations_B / 1e9,
			 pl->mem.reserve_B / 1e9, pl->g->gpu->id, pl->g->gpu->memory_B / 1e9);
		return -1;
	}
	if (layout_build(pl->g, &sc->cl.scaleout, pl->gm.eff, &pl->p, &pl->lay, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: %s", sc->file, t->line_parallel, why);
		return -1;
	}
	return 0;
}

int run_validate(const scenario *sc, char *err, size_t errlen)
{
	plan pl;
	if (sc->kind == WORK_NONE)
		return 0; /* a cluster alone: schema, catalog and fabric checks only */
	if (sc->kind != WORK_TRAINING) {
		snprintf(err, errlen, "%s: inference workloads are not simulated yet", sc->file);
		return -1;
	}
	return plan_build(sc, &pl, err, errlen);
}

static void fill_results(const scenario *sc, const plan *pl, const step_result *sr,
			 double analytic_s, train_results *o)
{
	const train_cfg *t = &sc->train;
	const model_arch *m = &t->model;
	const parallel_cfg *p = &pl->p;
	memset(o, 0, sizeof *o);
	o->present = 1;
	snprintf(o->model, sizeof o->model, "%s", m->id[0] ? m->id : "custom");
	snprintf(o->gpu, sizeof o->gpu, "%s", pl->g->gpu->id);
	snprintf(o->node, sizeof o->node, "%s", pl->g->node->id);
	o->gpus = pl->gpus;
	for (int i = 0; i < sc->cl.ngroups; i++)
		o->nodes += sc->cl.groups[i].count;
	o->params = transformer_params(m);
	o->tokens = t->tokens;
	o->seq_len = t->seq_len;
	o->global_batch = t->global_batch;
	snprintf(o->precision, sizeof o->precision, "%s", hw_dtype_name(t->compute));
	o->tp = p->tp; o->pp = p->pp; o->dp = p->dp; o->cp = p->cp; o->ep = p->ep;
	o->microbatch = p->microbatch;
	o->virtual_stages = p->schedule == SCHED_INTERLEAVED ? p->virtual_stages : 1;
	o->zero = p->zero;
	o->sequence_parallel = p->sequence_parallel && p->tp > 1;
	snprintf(o->schedule, sizeof o->schedule, "%s", pipeline_schedule_name(p->schedule));
	snprintf(o->recompute, sizeof o->recompute, "%s", recompute_name(p->recompute));
	o->layout_auto = pl->was_auto;
	o->auto_candidates = pl->ap.candidates;
	o->auto_feasible = pl->ap.feasible;
	o->auto_simulated = pl->ap.simulated;

	double tokens_step = (double)t->global_batch * t->seq_len;
	double model_flops = transformer_train_flops_per_token(m, t->seq_len) * tokens_step;
	double hw_flops = model_flops;
	double fwd_layers = m->layers * transformer_layer_fwd_flops(m, t->seq_len) * tokens_step;
	if (p->recompute == RECOMPUTE_FULL)
		hw_flops += fwd_layers;
	else if (p->recompute == RECOMPUTE_SELECTIVE)
		hw_flops += m->layers * 4.0 * t->seq_len * m->hidden * tokens_step;
	o->step_time_s = sr->step_s;
	o->tokens_per_s = tokens_step / sr->step_s;
	o->tflops_per_gpu = model_flops / sr->step_s / pl->gpus / 1e12;
	o->hw_tflops_per_gpu = hw_flops / sr->step_s / pl->gpus / 1e12;
	o->mfu = o->tflops_per_gpu * 1e12 / pl->gm.peak_flops;
	double train_s = t->tokens / o->tokens_per_s;
	o->time_to_train_days = train_s / 86400.0;
	o->gpu_hours = train_s * pl->gpus / 3600.0;
	o->compute_s = sr->compute_s;
	o->exposed_comm_s = sr->exposed_comm_s;
	o->bubble_s = sr->bubble_s;
	o->other_s = sr->other_s;
	o->tp_comm_s = sr->tp_comm_s;
	o->pp_comm_s = sr->pp_comm_s;
	o->dp_comm_s = sr->dp_comm_s;
	o->cp_comm_s = sr->cp_comm_s;
	o->analytic_step_s = analytic_s;
	o->memory_per_gpu_gb = pl->mem.total_B / 1e9;
	o->memory_capacity_gb = pl->g->gpu->memory_B / 1e9;
	o->mem_weights_gb = pl->mem.weights_B / 1e9;
	o->mem_grads_gb = pl->mem.grads_B / 1e9;
	o->mem_optimizer_gb = pl->mem.optimizer_B / 1e9;
	o->mem_activations_gb = pl->mem.activations_B / 1e9;
	o->mem_reserve_gb = pl->mem.reserve_B / 1e9;
	snprintf(o->profile, sizeof o->profile, "%s", sc->prof.name);
	snprintf(o->profile_file, sizeof o->profile_file, "%s", sc->prof.file);
	o->gemm_eff_measured = pl->gm.eff->measured;
	o->gemm_eff_defaulted = pl->gm.gemm_eff_defaulted;
	o->gemm_eff = pl->gm.gemm_eff;
	o->attn_eff = pl->gm.attn_eff;
	o->hbm_eff = pl->gm.hbm_Bps / pl->g->gpu->mem_bw_Bps;
	o->events = sr->events;
	o->tasks = sr->tasks;
	o->folded = sr->folded;
	o->claim_days = t->claim_time_s / 86400.0;
	o->claim_tflops_per_gpu = t->claim_flops_per_gpu / 1e12;
	o->claim_hw_flops = t->claim_hw_flops;
	snprintf(o->claim_source, sizeof o->claim_source, "%s", t->claim_source);
}

/* The cluster's bill of materials into the results. */
static int run_bom(const scenario *sc, run_results *r, char *err, size_t errlen)
{
	bom b;
	char why[512];
	if (topo_bom(&sc->cl, &b, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: <scale-out>: %s", sc->file, sc->cl.scaleout.line, why);
		return -1;
	}
	r->nbom = 0;
	for (int i = 0; i < b.n && i < RESULTS_BOM_MAX; i++) {
		bom_result *o = &r->bom[r->nbom++];
		snprintf(o->item, sizeof o->item, "%s", b.lines[i].item);
		snprintf(o->kind, sizeof o->kind, "%s", b.lines[i].kind);
		o->count = b.lines[i].count;
	}
	return 0;
}

int run_scenario(const scenario *sc, run_results *r, char *err, size_t errlen)
{
	plan pl;
	char why[512];
	memset(r, 0, sizeof *r);
	snprintf(r->scenario, sizeof r->scenario, "%s", sc->name);
	snprintf(r->description, sizeof r->description, "%s", sc->description);
	if (sc->kind == WORK_NONE) {
		snprintf(err, errlen, "%s: the scenario has no <training> or <inference> to simulate "
			 "(a cluster alone serves `capsim nccl-tests` and `capsim validate`)", sc->file);
		return -1;
	}
	if (sc->kind != WORK_TRAINING) {
		snprintf(err, errlen, "%s: inference workloads are not simulated yet", sc->file);
		return -1;
	}
	if (plan_build(sc, &pl, err, errlen) != 0)
		return -1;
	step_input in = { &sc->train, pl.p, &pl.gm, &pl.lay, STEP_DP_BUCKET_PARAMS, NULL };
	step_result sr;
	if (step_simulate(&in, &sr, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: %s", sc->file, sc->train.line_parallel, why);
		return -1;
	}
	fill_results(sc, &pl, &sr, step_analytic_s(&in), &r->training);
	return run_bom(sc, r, err, errlen);
}
