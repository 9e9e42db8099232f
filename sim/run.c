/* run.c -- one design point: scenario -> layout -> step simulation -> results. */
#include "sim/run.h"
#include "sim/calib_results.h"
#include "models/autopar.h"
#include "models/cost.h"
#include "models/inventory.h"
#include "models/power.h"
#include "models/gpu.h"
#include "models/layout.h"
#include "models/memory.h"
#include "models/pipeline.h"
#include "models/step.h"
#include "models/topo.h"
#include "models/transformer.h"
#include "sim/run_serve.h"

#include <stdio.h>
#include <stdlib.h>
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
	if (sc->kind == WORK_INFERENCE)
		return run_serve_validate(sc, err, errlen);
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
	o->flows_used = sr->flows_used;
	o->flows = sr->flows;
	o->net_gpus = sr->net_gpus;
	o->planes_folded = sr->planes_folded;
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

/* ---- power and cost ---------------------------------------------------------- */

static void timeline_fill(const step_trace *tr, timeline_results *o)
{
	memset(o, 0, sizeof *o);
	o->stages = tr->stages;
	o->step_s = tr->makespan_ns * 1e-9;
	o->nstreams = TRACE_STREAM_COUNT;
	o->nkinds = TRACE_KIND_COUNT;
	for (int i = 0; i < TRACE_STREAM_COUNT; i++)
		snprintf(o->stream_names[i], sizeof o->stream_names[i], "%s", step_trace_stream_name(i));
	for (int i = 0; i < TRACE_KIND_COUNT; i++)
		snprintf(o->kind_names[i], sizeof o->kind_names[i], "%s", step_trace_kind_name((trace_kind)i));
	o->links = tr->nlinks > 0 ? malloc((size_t)tr->nlinks * sizeof *o->links) : NULL;
	for (int i = 0; o->links && i < tr->nlinks; i++) {
		const step_link *l = &tr->links[i];
		timeline_link *d = &o->links[o->nlinks++];
		d->capacity_gbps = l->capacity_Bps * 8e-9;
		d->carried_gb = l->carried_B * 1e-9;
		d->busy_s = l->busy_ns * 1e-9;
		d->utilisation = l->capacity_Bps > 0 && tr->makespan_ns > 0 ?
				 l->carried_B / (l->capacity_Bps * tr->makespan_ns * 1e-9) : 0;
	}
	o->spans = tr->n > 0 ? malloc((size_t)tr->n * sizeof *o->spans) : NULL;
	if (!o->spans)
		return; /* the timeline is optional: reports say it is missing */
	for (long i = 0; i < tr->n; i++) {
		const step_span *s = &tr->spans[i];
		timeline_span *d = &o->spans[o->nspans++];
		d->start_s = s->start_ns * 1e-9;
		d->end_s = s->end_ns * 1e-9;
		d->comm_s = s->comm_ns * 1e-9;
		d->stage = s->stage;
		d->stream = s->stream;
		d->kind = s->kind;
	}
}

static void power_fill(const power_result *p, const power_curve *c, const site *st,
		       const double mix[POWER_STATE_COUNT], power_results *o)
{
	memset(o, 0, sizeof *o);
	o->present = 1;
	o->gpu_avg_w = p->gpu_avg_w;
	o->gpus_kw = p->gpus_w / 1e3;
	o->hosts_kw = p->hosts_w / 1e3;
	o->nics_kw = p->nics_w / 1e3;
	o->switches_kw = p->switches_w / 1e3;
	o->storage_kw = p->storage_w / 1e3;
	o->it_avg_kw = p->it_avg_w / 1e3;
	o->facility_avg_kw = p->facility_avg_w / 1e3;
	o->it_peak_kw = p->it_peak_w / 1e3;
	o->facility_peak_kw = p->facility_peak_w / 1e3;
	o->it_nameplate_kw = p->it_nameplate_w / 1e3;
	o->node_peak_kw = p->node_peak_w / 1e3;
	o->node_nameplate_kw = p->node_nameplate_w / 1e3;
	o->it_energy_mwh = p->it_energy_j / 3.6e9;
	o->energy_mwh = p->facility_energy_j / 3.6e9;
	o->energy_per_token_j = p->energy_per_token_j;
	o->co2_t = p->co2_kg / 1e3;
	o->pue = st->pue >= 1 ? st->pue : 1;
	o->carbon_g_per_kwh = st->carbon_kg_per_j * 3.6e9;
	for (int k = 0; k < POWER_STATE_COUNT; k++) {
		o->gpu_state_w[k] = c->state_w[k];
		o->gpu_state_share[k] = mix[k];
	}
	o->curve_measured = c->measured;
	snprintf(o->curve_source, sizeof o->curve_source, "%s", c->source);
	snprintf(o->rack, sizeof o->rack, "%s", st->rack ? st->rack->id : "42U rack");
	o->rack_units = p->racks.rack_units;
	o->nodes_per_rack = p->racks.nodes_per_rack;
	o->racks = p->racks.racks;
	o->rack_violation = p->racks.violation;
	o->nodes_per_rack_limit = p->racks.nodes_per_rack_limit;
	o->racks_needed = p->racks.racks_needed;
	o->infra_racks = p->racks.infra_racks;
	o->total_racks = p->racks.total_racks;
	o->rack_limit_kw = p->racks.limit_w / 1e3;
	o->rack_peak_kw = p->racks.rack_peak_w / 1e3;
	o->rack_nameplate_kw = p->racks.rack_nameplate_w / 1e3;
	o->infra_kw = p->racks.infra_w / 1e3;
}

static void cost_fill(const cost_result *c, const scenario *sc, cost_results *o)
{
	memset(o, 0, sizeof *o);
	o->present = 1;
	for (int i = 0; i < c->n && i < RESULTS_BOM_MAX + 1; i++) {
		const cost_line *l = &c->lines[i];
		cost_line_result *d = &o->lines[o->nlines++];
		snprintf(d->item, sizeof d->item, "%s", l->item);
		snprintf(d->kind, sizeof d->kind, "%s", inventory_kind_name(l->kind));
		d->count = l->count;
		d->unit_usd = l->unit_usd;
		d->total_usd = l->total_usd;
		d->priced = l->priced;
		d->list_price = l->price_list;
		snprintf(d->source, sizeof d->source, "%s", l->source ? l->source : "");
	}
	o->unpriced = c->unpriced;
	o->capex_usd = c->capex_usd;
	o->capex_nodes_usd = c->capex_by_kind_usd[INV_NODE];
	o->capex_network_usd = c->capex_by_kind_usd[INV_SWITCH] + c->capex_by_kind_usd[INV_CABLE] +
			       c->capex_by_kind_usd[INV_TRANSCEIVER];
	o->capex_storage_usd = c->capex_by_kind_usd[INV_STORAGE];
	o->capex_racks_usd = c->capex_by_kind_usd[INV_RACK];
	o->energy_usd_per_year = c->energy_usd_per_year;
	o->support_usd_per_year = c->support_usd_per_year;
	o->colocation_usd_per_year = c->colocation_usd_per_year;
	o->opex_usd_per_year = c->opex_usd_per_year;
	o->support_share = c->support_share;
	o->support_defaulted = c->support_defaulted;
	snprintf(o->support_source, sizeof o->support_source, "%s",
		 c->support_defaulted ? cost_support_default_source : "the scenario's <cost support>");
	o->years = sc->cost.years;
	o->depreciation_usd_per_year = c->depreciation_usd_per_year;
	o->tco_usd = c->tco_usd;
	o->run_cost_usd = c->run_cost_usd;
	o->cloud_cost_usd = c->cloud_cost_usd;
	o->cloud_usd_per_gpu_h = sc->cost.cloud_usd_per_gpu_s * 3600.0;
	o->usd_per_million_tokens = c->usd_per_million_tokens;
	o->electricity_usd_per_kwh = sc->site.electricity_usd_per_j * 3.6e6;
}

/* What the cluster's GPUs did over a run: a training run's steps, or a serving
 * window. */
typedef struct {
	double state_s[POWER_STATE_COUNT]; /* one GPU's time in each state, averaged
	                                    * over the cluster's GPUs */
	double run_s;             /* the run's length */
	double tokens;            /* tokens it produced (0: none stated) */
	double gpus;              /* GPUs rented in the cloud comparison */
	const step_trace *tr;     /* one step's record, for power over time; may be NULL */
} run_activity;

/* Power from the GPUs' activity, racks, then the priced inventory and the run's
 * cost; fills r->power, r->cost, r->timeline and r->power_series. */
static int run_power_cost(const scenario *sc, const run_activity *act, run_results *r,
			  char *err, size_t errlen)
{
	const cluster *cl = &sc->cl;
	char why[512];
	bom b;
	inventory inv;
	power_curve curves[CLUSTER_MAX_GROUPS];
	power_sample samples[RESULTS_POWER_POINTS];
	power_result pr;
	cost_result cr;
	const step_trace *tr = act->tr;

	if (topo_bom(cl, &b, why, sizeof why) != 0 ||
	    inventory_build(cl, &b, NULL, 0, &inv, why, sizeof why) != 0)
		goto fail;
	for (int g = 0; g < cl->ngroups; g++) {
		const hw_gpu *gpu = cl->groups[g].gpu;
		if (power_curve_from_profile(profile_for(&sc->prof, gpu->id), gpu, sc->prof.file, &curves[g]) != 0 &&
		    power_curve_published(gpu, &curves[g], why, sizeof why) != 0)
			goto fail;
	}
	double run_s = act->run_s;
	power_input pin;
	memset(&pin, 0, sizeof pin);
	pin.cl = cl;
	pin.inv = &inv;
	pin.site = &sc->site;
	pin.curve = curves;
	for (int k = 0; k < POWER_STATE_COUNT; k++)
		pin.gpu_state_s[k] = act->state_s[k];
	pin.duration_s = run_s;
	pin.tokens = act->tokens;
	if (tr && power_samples_from_trace(tr, RESULTS_POWER_POINTS, samples, why, sizeof why) == 0) {
		pin.series = samples;
		pin.nseries = RESULTS_POWER_POINTS;
	}
	if (power_estimate(&pin, &pr, why, sizeof why) != 0)
		goto fail;
	double mix[POWER_STATE_COUNT], tot = 0;
	for (int k = 0; k < POWER_STATE_COUNT; k++)
		tot += pin.gpu_state_s[k];
	for (int k = 0; k < POWER_STATE_COUNT; k++)
		mix[k] = pin.gpu_state_s[k] / tot;
	power_fill(&pr, &curves[0], &sc->site, mix, &r->power);
	double pue = r->power.pue;
	r->npower = pin.nseries;
	for (int i = 0; i < pin.nseries; i++) {
		power_point *p = &r->power_series[i];
		double it = power_it_w(&pin, samples[i].share);
		p->t_s = samples[i].t_s;
		p->gpu_w = power_gpu_w(&curves[0], samples[i].share);
		p->it_kw = it / 1e3;
		p->facility_kw = it * pue / 1e3;
	}

	if (inventory_build(cl, &b, sc->site.rack, pr.racks.total_racks, &inv, why, sizeof why) != 0)
		goto fail;
	cost_input cin;
	memset(&cin, 0, sizeof cin);
	cin.inv = &inv;
	cin.site = &sc->site;
	cin.terms = &sc->cost;
	cin.facility_avg_w = pr.facility_avg_w;
	cin.it_peak_w = pr.it_peak_w;
	cin.run_s = run_s;
	cin.run_facility_energy_j = pr.facility_energy_j;
	cin.gpus = act->gpus;
	cin.tokens = act->tokens;
	if (cost_estimate(&cin, &cr, why, sizeof why) != 0)
		goto fail;
	cost_fill(&cr, sc, &r->cost);
	if (r->want_timeline && tr)
		timeline_fill(tr, &r->timeline);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", sc->file, why);
	return -1;
}

/* A serving window's activity: the replicas' GPUs busy for their utilisation,
 * compute-bound for the share of that time their MFU implies against the
 * serving GEMM efficiency the profile states, memory-bound (decode) otherwise;
 * GPUs no replica uses, and the replicas' idle time, idle. */
static void serve_activity(const scenario *sc, const infer_results *in, run_activity *act)
{
	memset(act, 0, sizeof *act);
	const hw_gpu *gpu = sc->cl.groups[0].gpu;
	const profile_gpu *pg = profile_for(&sc->prof, gpu->id);
	hw_dtype dt = hw_dtype_parse(in->compute) >= 0 ? (hw_dtype)hw_dtype_parse(in->compute) : DT_BF16;
	double achievable = pg && pg->gemm_eff[dt] > 0 ? pg->gemm_eff[dt] : 0;
	if (pg && pg->serve_gemm_eff > 0)
		achievable *= pg->serve_gemm_eff;
	double total = scenario_gpus(sc) > 0 ? scenario_gpus(sc) : 1;
	double used = in->gpus_used > 0 ? in->gpus_used : total;
	double busy = in->gpu_util_mean > 0 ? (in->gpu_util_mean < 1 ? in->gpu_util_mean : 1) : 0;
	double compute = busy > 0 && achievable > 0 ? in->mfu / busy / achievable : 0;
	compute = compute < 0 ? 0 : compute > 1 ? 1 : compute;
	double T = in->makespan_s > 0 ? in->makespan_s : in->duration_s;
	double share = used / total;
	act->run_s = T;
	act->state_s[POWER_COMPUTE] = T * share * busy * compute;
	act->state_s[POWER_MEMORY] = T * share * busy * (1 - compute);
	act->state_s[POWER_IDLE] = T - act->state_s[POWER_COMPUTE] - act->state_s[POWER_MEMORY];
	act->tokens = in->throughput_tokens_per_s * T;
	act->gpus = used;
}

int run_scenario(const scenario *sc, run_results *r, char *err, size_t errlen)
{
	plan pl;
	char why[512];
	int want_timeline = r->want_timeline, unfold = r->unfold_planes;
	memset(r, 0, sizeof *r);
	r->want_timeline = want_timeline;
	r->unfold_planes = unfold;
	snprintf(r->scenario, sizeof r->scenario, "%s", sc->name);
	snprintf(r->description, sizeof r->description, "%s", sc->description);
	if (sc->kind == WORK_NONE) {
		snprintf(err, errlen, "%s: the scenario has no <training> or <inference> to simulate "
			 "(a cluster alone serves `capsim nccl-tests` and `capsim validate`)", sc->file);
		return -1;
	}
	if (sc->kind == WORK_INFERENCE) {
		if (run_serve(sc, &r->inference, err, errlen) != 0 || run_bom(sc, r, err, errlen) != 0)
			return -1;
		run_activity act;
		serve_activity(sc, &r->inference, &act);
		if (run_power_cost(sc, &act, r, err, errlen) != 0) {
			run_results_release(r);
			return -1;
		}
		return 0;
	}
	if (plan_build(sc, &pl, err, errlen) != 0)
		return -1;
	step_trace tr;
	memset(&tr, 0, sizeof tr);
	step_input in = { &sc->train, pl.p, &pl.gm, &pl.lay, STEP_DP_BUCKET_PARAMS,
			  &sc->cl.groups[0], &sc->cl.scaleout, pl.gm.eff, &tr, unfold };
	step_result sr;
	if (step_simulate(&in, &sr, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: %s", sc->file, sc->train.line_parallel, why);
		step_trace_free(&tr);
		return -1;
	}
	fill_results(sc, &pl, &sr, step_analytic_s(&in), &r->training);
	calib_results_fill(&sc->prof, pl.gm.eff, pl.g->gpu->id, pl.gm.dt, pl.gm.gemm_eff_defaulted,
			   &r->calibration);
	int rc = run_bom(sc, r, err, errlen);
	if (rc == 0) {
		const train_results *t = &r->training;
		run_activity act;
		memset(&act, 0, sizeof act);
		act.run_s = t->time_to_train_days * 86400.0;
		double scale = act.run_s / sr.step_s;
		act.state_s[POWER_COMPUTE] = sr.compute_s * scale;
		act.state_s[POWER_COMM] = sr.exposed_comm_s * scale;
		act.state_s[POWER_IDLE] = sr.bubble_s * scale;
		act.state_s[POWER_MEMORY] = sr.other_s * scale;
		act.tokens = t->tokens;
		act.gpus = t->gpus;
		act.tr = &tr;
		rc = run_power_cost(sc, &act, r, err, errlen);
	}
	step_trace_free(&tr);
	if (rc != 0)
		run_results_release(r);
	return rc;
}

void run_results_release(run_results *r)
{
	if (!r)
		return;
	free(r->timeline.spans);
	r->timeline.spans = NULL;
	r->timeline.nspans = 0;
	free(r->timeline.links);
	r->timeline.links = NULL;
	r->timeline.nlinks = 0;
}
