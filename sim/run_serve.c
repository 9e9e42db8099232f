/* run_serve.c -- scenario -> serving plan and searches -> inference results. */
#include "sim/run_serve.h"

#include <stdio.h>
#include <string.h>

#include "models/kvcache.h"
#include "models/load.h"
#include "models/serve_plan.h"

static int one_node_type(const scenario *sc, char *err, size_t errlen)
{
	if (sc->cl.ngroups < 1) {
		snprintf(err, errlen, "%s: the cluster has no <nodes>", sc->file);
		return -1;
	}
	for (int i = 1; i < sc->cl.ngroups; i++)
		if (sc->cl.groups[i].node != sc->cl.groups[0].node) {
			snprintf(err, errlen, "%s:%d: <nodes type=\"%s\">: a serving pool runs on one node type; "
				 "this cluster mixes %s and %s", sc->file, sc->cl.groups[i].line,
				 sc->cl.groups[i].node->id, sc->cl.groups[0].node->id, sc->cl.groups[i].node->id);
			return -1;
		}
	return 0;
}

int run_serve_validate(const scenario *sc, char *err, size_t errlen)
{
	const infer_cfg *ic = &sc->infer;
	char why[512] = "no tp x pp layout fits one node";
	if (one_node_type(sc, err, errlen) != 0)
		return -1;
	const cluster_nodes *g = &sc->cl.groups[0];
	int npg = g->node->gpus;
	/* the layouts serve_solve() tries: the given degree, or powers of two */
	for (int pp = ic->pp != PAR_AUTO ? ic->pp : 1; pp <= (ic->pp != PAR_AUTO ? ic->pp : npg); pp *= 2) {
		for (int tp = ic->tp != PAR_AUTO ? ic->tp : 1; tp <= (ic->tp != PAR_AUTO ? ic->tp : npg); tp *= 2) {
			serve_plan p;
			if (serve_plan_build(ic, g, &sc->cl.scaleout, &sc->prof, tp, pp, &p, why, sizeof why) == 0)
				return 0;
		}
	}
	snprintf(err, errlen, "%s:%d: <serving>: %s", sc->file, ic->line_serving, why);
	return -1;
}

static const char *lb_name(lb_kind k)
{
	return k == LB_LEAST_OUTSTANDING ? "least-outstanding" : k == LB_RANDOM ? "random" : "round-robin";
}

static const char *arrival_name(const load_cfg *l)
{
	if (l->arrival == ARRIVAL_TRACE)
		return "trace";
	if (l->mode == RATE_MAX)
		return "offline";
	return l->arrival == ARRIVAL_CONSTANT ? "constant" : "poisson";
}

int run_serve(const scenario *sc, infer_results *o, char *err, size_t errlen)
{
	const infer_cfg *ic = &sc->infer;
	char why[512];
	serve_answer a;
	if (one_node_type(sc, err, errlen) != 0)
		return -1;
	const cluster_nodes *g = &sc->cl.groups[0];
	int gpus = scenario_gpus(sc);
	if (serve_solve(ic, g, &sc->cl.scaleout, &sc->prof, gpus, &a, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: <serving>: %s", sc->file, ic->line_serving, why);
		return -1;
	}
	const serve_stats *st = &a.st;
	const profile_gpu *e = profile_for(&sc->prof, g->gpu->id);
	memset(o, 0, sizeof *o);
	o->present = 1;
	snprintf(o->model, sizeof o->model, "%s", ic->model.id[0] ? ic->model.id : "custom");
	snprintf(o->gpu, sizeof o->gpu, "%s", g->gpu->id);
	snprintf(o->node, sizeof o->node, "%s", g->node->id);
	o->gpus_total = gpus;
	o->gpus_used = a.gpus;
	for (int i = 0; i < sc->cl.ngroups; i++)
		o->nodes += sc->cl.groups[i].count;
	o->params = transformer_params(&ic->model);
	snprintf(o->compute, sizeof o->compute, "%s", hw_dtype_name(ic->compute));
	snprintf(o->weights, sizeof o->weights, "%s", hw_dtype_name(ic->weights));
	snprintf(o->kv, sizeof o->kv, "%s", hw_dtype_name(ic->kv));
	o->tp = a.plan.tp;
	o->pp = a.plan.pp;
	o->replicas = a.replicas;
	o->max_batch = ic->max_batch;
	o->max_tokens = ic->max_tokens;
	o->chunk = ic->chunk;
	snprintf(o->scheduler, sizeof o->scheduler, "%s", ic->sched == BATCH_STATIC ? "static" : "continuous");
	snprintf(o->lb, sizeof o->lb, "%s", lb_name(ic->lb));
	o->layout_auto = a.layout_auto;
	o->replicas_auto = a.replicas_auto;
	o->rate_auto = a.rate_auto;
	o->offline = a.offline;
	o->layouts_tried = a.layouts_tried;
	o->runs = a.runs;
	snprintf(o->arrival, sizeof o->arrival, "%s", arrival_name(&ic->load));
	snprintf(o->trace_file, sizeof o->trace_file, "%s", ic->load.trace_file);
	o->rate_per_s = a.rate_per_s;
	o->duration_s = ic->load.arrival == ARRIVAL_TRACE || a.offline ? 0 : ic->load.duration_s;
	o->input_mean = st->completed > 0 ? st->input_tokens / st->completed : 0;
	o->output_mean = st->completed > 0 ? st->output_tokens / st->completed : 0;
	o->requests = st->requests;
	o->completed = st->completed;
	o->rejected = st->rejected;
	o->preemptions = st->preemptions;
	o->iterations = st->iterations;
	o->throughput_tokens_per_s = st->throughput_tokens_per_s;
	o->requests_per_s = st->requests_per_s;
	o->tokens_per_s_per_gpu = a.gpus > 0 ? st->throughput_tokens_per_s / a.gpus : 0;
	o->ttft_p50_s = st->ttft_p50_s;
	o->ttft_p90_s = st->ttft_p90_s;
	o->ttft_p99_s = st->ttft_p99_s;
	o->tpot_p50_s = st->tpot_p50_s;
	o->tpot_p90_s = st->tpot_p90_s;
	o->tpot_p99_s = st->tpot_p99_s;
	o->e2e_p50_s = st->e2e_p50_s;
	o->e2e_p90_s = st->e2e_p90_s;
	o->e2e_p99_s = st->e2e_p99_s;
	o->queue_mean_s = st->queue_mean_s;
	o->queue_p50_s = st->queue_p50_s;
	o->queue_p99_s = st->queue_p99_s;
	o->kv_util_mean = st->kv_util_mean;
	o->kv_util_peak = st->kv_util_peak;
	o->gpu_util_mean = st->gpu_util_mean;
	o->batch_mean = st->batch_mean;
	o->makespan_s = st->makespan_s;
	if (st->makespan_s > 0 && a.gpus > 0)
		o->mfu = 2.0 * transformer_params(&ic->model) * (st->input_tokens + st->output_tokens) /
			 (st->makespan_s * a.gpus * g->gpu->peak_flops[ic->compute]);
	o->slo_ttft_p50_s = ic->slo.ttft_p50_s;
	o->slo_ttft_p99_s = ic->slo.ttft_p99_s;
	o->slo_tpot_p50_s = ic->slo.tpot_p50_s;
	o->slo_tpot_p99_s = ic->slo.tpot_p99_s;
	o->slo_e2e_p99_s = ic->slo.e2e_p99_s;
	o->slo_attainment = st->slo_attainment;
	o->slo_met = a.slo_met;
	const kv_plan *k = &a.plan.kv;
	o->memory_capacity_gb = k->capacity_B / 1e9;
	o->mem_weights_gb = k->weights_B / 1e9;
	o->mem_kv_gb = k->kv_B / 1e9;
	o->mem_workspace_gb = k->workspace_B / 1e9;
	o->mem_reserve_gb = k->reserve_B / 1e9;
	o->kv_per_token_kb = k->kv_per_token_B / 1e3;
	o->kv_blocks = k->blocks;
	snprintf(o->profile, sizeof o->profile, "%s", sc->prof.name);
	o->serve_gemm_eff = a.plan.cost.gemm_scale * a.plan.cost.gemm.gemm_eff;
	o->serve_hbm_eff = a.plan.cost.read_Bps / g->gpu->mem_bw_Bps;
	o->serve_iter_us = a.plan.cost.iter_ns / 1e3;
	o->serve_layer_us = a.plan.cost.layer_ns / 1e3;
	(void)e;
	o->events = st->events;
	o->nseries = st->nseries < INFER_SERIES_MAX ? st->nseries : INFER_SERIES_MAX;
	o->series_step_s = st->series_step_s;
	for (int i = 0; i < o->nseries; i++) {
		const serve_sample *s = &st->series[i];
		infer_sample *d = &o->series[i];
		d->t_s = s->t_s;
		d->gpu_util = s->gpu_util;
		d->kv_util = s->kv_util;
		d->tokens_per_s = s->tokens_per_s;
		d->running = s->running;
	}
	return 0;
}
