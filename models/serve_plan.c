/* serve_plan.c -- replica layouts and the auto searches. Rate search: the offline
 * throughput bounds the rate; bisection (12 halvings) keeps the highest rate whose
 * run meets the SLO, each probe at most SERVE_PROBE_REQUESTS arrivals. Replica
 * search: bisection on the count (SLO attainment grows with replicas). */
#include "models/serve_plan.h"

#include <stdio.h>
#include <string.h>

#include "models/layout.h"

#define SERVE_PROBE_REQUESTS 3000
#define SERVE_OFFLINE_PER_REPLICA 500
#define SERVE_RATE_HALVINGS 12

int serve_plan_build(const infer_cfg *ic, const cluster_nodes *g, const cluster_scaleout *so,
		     const profile *prof, int tp, int pp, serve_plan *out, char *err, size_t errlen)
{
	serve_plan p;
	const model_arch *m = &ic->model;
	memset(&p, 0, sizeof p);
	if (tp < 1 || pp < 1 || tp * pp > g->node->gpus) {
		snprintf(err, errlen, "a replica of TP%d x PP%d needs %d GPUs, but a replica runs inside "
			 "one %s node of %d GPUs", tp, pp, tp * pp, g->node->id, g->node->gpus);
		return -1;
	}
	if (m->heads % tp != 0) {
		snprintf(err, errlen, "tp %d does not divide the %d attention heads of %s", tp, m->heads,
			 m->id[0] ? m->id : "the model");
		return -1;
	}
	if (pp > m->layers) {
		snprintf(err, errlen, "pp %d exceeds the %d layers", pp, m->layers);
		return -1;
	}
	const profile_gpu *eff = profile_for(prof, g->gpu->id);
	if (!eff) {
		snprintf(err, errlen, "calibration profile %s has no entry for %s and no \"*\" entry",
			 prof->file, g->gpu->id);
		return -1;
	}
	coll_comm tpc, ppc;
	memset(&tpc, 0, sizeof tpc);
	memset(&ppc, 0, sizeof ppc);
	if ((tp > 1 && layout_comm(g, so, eff, tp, 1, &tpc, err, errlen) != 0) ||
	    (pp > 1 && layout_comm(g, so, eff, 2, tp, &ppc, err, errlen) != 0))
		return -1;
	if (serve_cost_init(&p.cost, m, g->gpu, prof, ic->compute, hw_dtype_bytes(ic->kv), tp, pp,
			    &tpc, &ppc, err, errlen) != 0)
		return -1;
	p.cost.w_bytes = hw_dtype_bytes(ic->weights);
	if (kv_plan_build(m, hw_dtype_bytes(ic->weights), hw_dtype_bytes(ic->kv), tp, pp,
			  g->gpu->memory_B, ic->mem_util, eff->memory_reserve_B, ic->max_tokens,
			  ic->max_batch, &p.kv, err, errlen) != 0)
		return -1;
	p.g = g;
	p.tp = tp;
	p.pp = pp;
	*out = p;
	return 0;
}

void serve_setup_of(const serve_plan *p, const infer_cfg *ic, int replicas, serve_setup *out)
{
	memset(out, 0, sizeof *out);
	out->cost = &p->cost;
	out->kv_blocks = p->kv.blocks;
	out->replicas = replicas;
	out->max_batch = ic->max_batch;
	out->max_tokens = ic->max_tokens;
	out->chunk = ic->chunk;
	out->sched = ic->sched;
	out->lb = ic->lb;
	out->seed = ic->load.seed;
	out->slo = ic->slo;
}

/* One simulation: `replicas` replicas at `rate` (offline when rate <= 0 and the
 * load is not a trace), at most `cap` requests (0: all). */
static int evaluate(const serve_plan *p, const infer_cfg *ic, int replicas, double rate,
		    long cap, serve_stats *st, char *err, size_t errlen)
{
	req_stream rs;
	serve_setup s;
	load_cfg lc = ic->load;
	int offline = ic->load.arrival != ARRIVAL_TRACE && rate <= 0;
	if (offline && lc.requests <= 0)
		lc.requests = (long)SERVE_OFFLINE_PER_REPLICA * replicas;
	if (ic->load.arrival == ARRIVAL_TRACE && ic->load.mode == RATE_MAX)
		offline = 1;
	if (load_generate(&lc, rate, offline, cap, &rs, err, errlen) != 0)
		return -1;
	serve_setup_of(p, ic, replicas, &s);
	int rc = serve_run(&s, &rs, st, err, errlen);
	load_free(&rs);
	return rc;
}

typedef struct {
	serve_stats st;
	int replicas;
	double rate;
	int met, runs;
} layout_answer;

/* Smallest replica count in [1, max] meeting the SLO at `rate` (max when none). */
static int search_replicas(const serve_plan *p, const infer_cfg *ic, int max, double rate,
			   long cap, layout_answer *a, char *err, size_t errlen)
{
	int lo = 1, hi = max;
	serve_stats st;
	/* does the largest meet it at all? */
	if (evaluate(p, ic, hi, rate, cap, &a->st, err, errlen) != 0)
		return -1;
	a->runs++;
	a->replicas = hi;
	a->met = serve_slo_met(&ic->slo, &a->st);
	if (!a->met)
		return 0;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (evaluate(p, ic, mid, rate, cap, &st, err, errlen) != 0)
			return -1;
		a->runs++;
		if (serve_slo_met(&ic->slo, &st)) {
			hi = mid;
			a->st = st;
			a->replicas = mid;
		} else {
			lo = mid + 1;
		}
	}
	if (a->replicas != hi) {
		if (evaluate(p, ic, hi, rate, cap, &a->st, err, errlen) != 0)
			return -1;
		a->runs++;
		a->replicas = hi;
	}
	return 0;
}

static int solve_layout(const serve_plan *p, const infer_cfg *ic, int max_rep,
			layout_answer *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	int reps = ic->replicas == PAR_AUTO ? max_rep : ic->replicas;
	if (ic->load.mode == RATE_MAX || (ic->load.arrival == ARRIVAL_TRACE && ic->load.mode != RATE_AUTO)) {
		if (ic->load.arrival == ARRIVAL_TRACE && ic->replicas == PAR_AUTO && ic->load.mode != RATE_MAX)
			return search_replicas(p, ic, max_rep, 0, 0, a, err, errlen);
		if (evaluate(p, ic, reps, 0, 0, &a->st, err, errlen) != 0)
			return -1;
		a->runs = 1;
		a->replicas = reps;
		a->met = serve_slo_met(&ic->slo, &a->st);
		return 0;
	}
	if (ic->load.mode == RATE_FIXED && ic->replicas == PAR_AUTO)
		return search_replicas(p, ic, max_rep, ic->load.rate_per_s, 0, a, err, errlen);
	if (ic->load.mode == RATE_FIXED) {
		if (evaluate(p, ic, reps, ic->load.rate_per_s, 0, &a->st, err, errlen) != 0)
			return -1;
		a->runs = 1;
		a->replicas = reps;
		a->met = serve_slo_met(&ic->slo, &a->st);
		return 0;
	}
	/* RATE_AUTO: bisection between 0 and the offline request rate */
	serve_stats st;
	if (evaluate(p, ic, reps, 0, 0, &st, err, errlen) != 0)
		return -1;
	a->runs = 1;
	double lo = 0, hi = st.requests_per_s * 1.05;
	int have = 0;
	for (int k = 0; k < SERVE_RATE_HALVINGS && hi > 0; k++) {
		double mid = 0.5 * (lo + hi);
		if (evaluate(p, ic, reps, mid, SERVE_PROBE_REQUESTS, &st, err, errlen) != 0)
			return -1;
		a->runs++;
		if (serve_slo_met(&ic->slo, &st)) {
			lo = mid;
			a->st = st;
			have = 1;
		} else {
			hi = mid;
		}
	}
	a->replicas = reps;
	a->rate = lo;
	a->met = have;
	if (!have) {
		/* no rate met it: report the lowest probe */
		if (evaluate(p, ic, reps, hi > 0 ? hi : 1e-3, SERVE_PROBE_REQUESTS, &a->st, err, errlen) != 0)
			return -1;
		a->rate = hi;
	}
	return 0;
}

/* Is answer a better than b? Meeting the SLO first; then the higher rate per GPU
 * (rate auto) or fewer GPUs; then output tokens/s per GPU. */
static int better(const infer_cfg *ic, const layout_answer *a, int ga, const layout_answer *b, int gb)
{
	if (a->met != b->met)
		return a->met > b->met;
	if (ic->load.mode == RATE_AUTO && a->rate / ga != b->rate / gb)
		return a->rate / ga > b->rate / gb;
	if (a->met && ga != gb)
		return ga < gb;
	return a->st.throughput_tokens_per_s / ga > b->st.throughput_tokens_per_s / gb;
}

int serve_solve(const infer_cfg *ic, const cluster_nodes *g, const cluster_scaleout *so,
		const profile *prof, int gpus, serve_answer *out, char *err, size_t errlen)
{
	int npg = g->node->gpus;
	int tps[8], pps[8], ntp = 0, npp = 0;
	char why[512] = "";
	if (ic->tp != PAR_AUTO)
		tps[ntp++] = ic->tp;
	else
		for (int t = 1; t <= npg && ntp < 8; t *= 2)
			tps[ntp++] = t;
	if (ic->pp != PAR_AUTO)
		pps[npp++] = ic->pp;
	else
		for (int q = 1; q <= npg && npp < 8; q *= 2)
			pps[npp++] = q;
	serve_answer best;
	layout_answer la, bla;
	int have = 0, tried = 0, runs = 0;
	memset(&best, 0, sizeof best);
	memset(&bla, 0, sizeof bla);
	for (int i = 0; i < npp; i++) {
		int fitted_pp = 0;
		for (int j = 0; j < ntp; j++) {
			serve_plan p;
			if (serve_plan_build(ic, g, so, prof, tps[j], pps[i], &p, why, sizeof why) != 0)
				continue;
			int per = p.tp * p.pp;
			int max_rep = gpus / per;
			if (max_rep < 1) {
				snprintf(why, sizeof why, "a replica needs %d GPUs; the cluster has %d", per, gpus);
				continue;
			}
			if (ic->replicas != PAR_AUTO && ic->replicas > max_rep) {
				snprintf(why, sizeof why, "%d replicas of %d GPUs need %d GPUs; the cluster has %d",
					 ic->replicas, per, ic->replicas * per, gpus);
				continue;
			}
			if (solve_layout(&p, ic, max_rep, &la, err, errlen) != 0)
				return -1;
			tried++;
			fitted_pp = 1;
			runs += la.runs;
			int ga = la.replicas * per;
			if (!have || better(ic, &la, ga, &bla, best.gpus)) {
				bla = la;
				best.plan = p;
				best.gpus = ga;
				have = 1;
			}
		}
		/* pp auto: a deeper pipeline only when no shallower one fits */
		if (ic->pp == PAR_AUTO && fitted_pp)
			break;
	}
	if (!have) {
		snprintf(err, errlen, "no serving layout fits: %s", why);
		return -1;
	}
	best.st = bla.st;
	best.replicas = bla.replicas;
	best.rate_per_s = ic->load.mode == RATE_AUTO ? bla.rate :
			  ic->load.mode == RATE_FIXED && ic->load.arrival != ARRIVAL_TRACE ?
			  ic->load.rate_per_s : 0;
	best.slo_met = bla.met;
	best.layouts_tried = tried;
	best.runs = runs;
	best.rate_auto = ic->load.mode == RATE_AUTO;
	best.replicas_auto = ic->replicas == PAR_AUTO;
	best.layout_auto = ic->tp == PAR_AUTO || ic->pp == PAR_AUTO;
	best.offline = ic->load.mode == RATE_MAX;
	*out = best;
	return 0;
}
