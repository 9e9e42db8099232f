/* test_power.c -- power from activity: the Llama 2 model card's carbon accounting,
 * the DGX H100's 10.2 kW rating from the catalog, the measured share of it a
 * training node draws, the XE9680 training module's racks at a 40 kW limit, and
 * activity series from a step trace. */
#include "models/power.h"
#include "reports/results.h"
#include "scenarios/scenario.h"
#include "sim/run.h"
#include "tests/t.h"

#include <stdlib.h>
#include <string.h>

/* One GPU in a node with no host draw: the accounting of the Llama 2 model card,
 * which counts GPU power only, at a flat per-GPU figure. */
typedef struct {
	hw_gpu gpu;
	hw_node node;
	cluster cl;
	site st;
	power_curve curve;
} card_rig;

static void card_rig_init(card_rig *r, double watts, double carbon_g_per_kwh)
{
	memset(r, 0, sizeof *r);
	strcpy(r->gpu.id, "nvidia-a100-sxm-80gb");
	r->gpu.tdp_w = 400;
	r->node.gpus = 1;
	r->cl.ngroups = 1;
	r->cl.groups[0].node = &r->node;
	r->cl.groups[0].gpu = &r->gpu;
	r->cl.groups[0].count = 1;
	r->st.pue = 1.0;
	r->st.carbon_kg_per_j = carbon_g_per_kwh * 1e-3 / 3.6e6;
	for (int k = 0; k < POWER_STATE_COUNT; k++)
		r->curve.state_w[k] = watts; /* the card's stated per-GPU power, all states */
}

static double card_co2_t(double gpu_hours, double watts, double carbon_g_per_kwh)
{
	card_rig r;
	card_rig_init(&r, watts, carbon_g_per_kwh);
	power_input in;
	memset(&in, 0, sizeof in);
	in.cl = &r.cl;
	in.site = &r.st;
	in.curve = &r.curve;
	in.duration_s = gpu_hours * 3600.0; /* one GPU for all the GPU-hours */
	in.gpu_state_s[POWER_COMPUTE] = in.duration_s;
	power_result o;
	char err[256];
	if (power_estimate(&in, &o, err, sizeof err) != 0)
		return -1;
	return o.co2_kg / 1e3;
}

/* Llama 2 model card (github.com/meta-llama/llama MODEL_CARD.md, commit 0e3444bc) and
 * paper Table 2 (arXiv:2307.09288), rows in ../shared/data/training_runs.csv:
 * 7B 184320 GPU-h, 13B 368640, 70B 1720320 at 400 W, 34B 1038336 at 350 W; 31.22,
 * 62.44, 291.42 and 153.9 tCO2e; total 3311616 GPU-h, 539.0 tCO2e. The card states
 * no carbon intensity: it is taken from the 7B row and must reproduce every other. */
static void test_llama2_model_card_carbon(void)
{
	double intensity = 31.22e6 / (184320 * 0.4); /* g per kWh: t -> g over kWh */
	T_NEAR(intensity, 423.5, 0.001);
	double t13 = card_co2_t(368640, 400, intensity);
	double t70 = card_co2_t(1720320, 400, intensity);
	double t34 = card_co2_t(1038336, 350, intensity);
	double t7 = card_co2_t(184320, 400, intensity);
	T_NEAR(t7, 31.22, 0.001);
	T_NEAR(t13, 62.44, 0.002);
	T_NEAR(t70, 291.42, 0.002);
	T_NEAR(t34, 153.9, 0.002);
	T_NEAR(t7 + t13 + t70 + t34, 539.0, 0.002);
	T_EQ_INT(184320 + 368640 + 1720320 + 1038336, 3311616);
}

static catalog *load_catalog(void)
{
	catalog *cat = NULL;
	char err[1024];
	if (catalog_load_dir(t_src("models/catalog"), &cat, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	return cat;
}

static void test_dgx_h100_nameplate_is_10_2_kw(void)
{
	catalog *cat = load_catalog();
	T_CHECK(cat != NULL);
	if (!cat)
		return;
	const hw_node *n = catalog_node(cat, "nvidia-dgx-h100");
	const hw_gpu *g = n ? catalog_gpu(cat, n->gpu) : NULL;
	T_CHECK(n && g);
	if (n && g) {
		T_NEAR(power_node_nameplate_w(n, g), 10200.0, 1e-9);
		T_NEAR(power_node_nameplate_w(n, g), n->max_power_w, 1e-9);
	}
	catalog_free(cat);
}

/* A cluster of `nodes` nodes of one catalog type, no network. */
static void one_group(cluster *cl, const hw_node *n, const hw_gpu *g, const hw_nic *nic, int nodes)
{
	memset(cl, 0, sizeof *cl);
	cl->ngroups = 1;
	cl->groups[0].node = n;
	cl->groups[0].gpu = g;
	cl->groups[0].nic = nic;
	cl->groups[0].count = nodes;
}

static double node_avg_w(const hw_node *n, const hw_gpu *g, const double mix[POWER_STATE_COUNT])
{
	cluster cl;
	one_group(&cl, n, g, NULL, 1);
	site st;
	memset(&st, 0, sizeof st);
	st.pue = 1.0;
	power_curve c;
	char err[256];
	if (power_curve_published(g, &c, err, sizeof err) != 0)
		return -1;
	power_input in;
	memset(&in, 0, sizeof in);
	in.cl = &cl;
	in.site = &st;
	in.curve = &c;
	in.duration_s = 3600;
	for (int k = 0; k < POWER_STATE_COUNT; k++)
		in.gpu_state_s[k] = mix[k] * 3600;
	power_result o;
	if (power_estimate(&in, &o, err, sizeof err) != 0)
		return -1;
	T_NEAR(o.it_energy_j, o.it_avg_w * 3600, 1e-12);
	return o.it_avg_w;
}

/* GPU power follows activity: each state draws its own figure, between the
 * catalog's idle and TDP; a node's draw moves with the mix. */
static void test_power_follows_activity(void)
{
	catalog *cat = load_catalog();
	if (!cat)
		return;
	const hw_node *n = catalog_node(cat, "nvidia-dgx-h100");
	const hw_gpu *g = catalog_gpu(cat, "nvidia-h100-sxm");
	power_curve c;
	char err[256];
	T_CHECK(power_curve_published(g, &c, err, sizeof err) == 0);
	T_NEAR(c.state_w[POWER_IDLE], 70, 1e-9);
	T_NEAR(c.state_w[POWER_COMPUTE], 700, 1e-9);
	T_CHECK(c.state_w[POWER_IDLE] < c.state_w[POWER_COMM]);
	T_CHECK(c.state_w[POWER_COMM] < c.state_w[POWER_MEMORY]);
	T_CHECK(c.state_w[POWER_MEMORY] < c.state_w[POWER_COMPUTE]);
	T_CHECK(strstr(c.source, "Estimate") != NULL);
	double idle[4] = { 1, 0, 0, 0 }, busy[4] = { 0, 1, 0, 0 }, half[4] = { 0.5, 0.5, 0, 0 };
	double wi = node_avg_w(n, g, idle), wb = node_avg_w(n, g, busy), wh = node_avg_w(n, g, half);
	T_NEAR(wi, 8 * 70 + 0.3 * 4600, 1e-9);
	T_NEAR(wb, 8 * 700 + 0.6 * 4600, 1e-9);
	T_NEAR(wh, 0.5 * (wi + wb), 1e-9);
	T_CHECK(wb < 10200); /* a busy node stays under its rating */
	hw_gpu no_tdp = *g;
	no_tdp.tdp_w = 0;
	T_EQ_INT(power_curve_published(&no_tdp, &c, err, sizeof err), -1);
	T_CHECKF(strstr(err, "no tdp") != NULL, "%s", err);
	catalog_free(cat);
}

/* Latif et al. (arXiv:2506.14551) measured 8-GPU H100 nodes at 76% of the 10.2 kW
 * rating during compute-intensive AI training; a training mix (85% compute, 10%
 * communication, 5% idle) lands there. */
static void test_dgx_h100_training_share_of_rating(void)
{
	catalog *cat = load_catalog();
	if (!cat)
		return;
	const hw_node *n = catalog_node(cat, "nvidia-dgx-h100");
	const hw_gpu *g = catalog_gpu(cat, "nvidia-h100-sxm");
	double mix[4] = { 0.05, 0.85, 0, 0.10 };
	T_NEAR(node_avg_w(n, g, mix) / 10200.0, 0.76, 0.02);
	catalog_free(cat);
}

/* The default scenario is the Dell/NVIDIA minimum training module: 8 XE9680 at a
 * 40 kW rack limit. Seven 6U nodes fit a 42U rack by space and draw 7 x 8 kW at
 * peak, so the limit binds: 5 nodes per rack, 2 node racks, plus one rack for the
 * switches and storage. */
static void test_xe9680_module_racks_at_40_kw(void)
{
	char err[2048];
	scenario *sc = NULL;
	T_CHECK(scenario_load(t_src("scenarios/default.xml"), &sc, err, sizeof err) == 0);
	if (!sc)
		return;
	run_results *r = calloc(1, sizeof *r);
	r->want_timeline = 1;
	T_CHECK(run_scenario(sc, r, err, sizeof err) == 0);
	const power_results *p = &r->power;
	T_CHECK(p->present);
	T_NEAR(p->rack_limit_kw, 40, 1e-12);
	T_NEAR(p->node_nameplate_kw, 9.6, 1e-9);
	T_NEAR(p->node_peak_kw, 8 * 0.7 + 0.6 * 4.0, 1e-9);
	T_EQ_INT(p->nodes_per_rack, 7);
	T_NEAR(p->rack_peak_kw, 7 * 8.0, 1e-9);
	T_EQ_INT(p->rack_violation, 1);
	T_EQ_INT(p->nodes_per_rack_limit, 5);
	T_EQ_INT(p->racks_needed, 2);
	T_EQ_INT(p->infra_racks, 1);
	T_EQ_INT(p->total_racks, 3);
	T_NEAR(p->facility_peak_kw, 1.3 * p->it_peak_kw, 1e-9);
	T_NEAR(p->facility_avg_kw, 1.3 * p->it_avg_kw, 1e-9);
	T_CHECK(p->it_peak_kw >= p->it_avg_kw);
	T_CHECK(p->it_peak_kw < p->it_nameplate_kw);
	/* switches (QM9700 1.7 kW, Z9432F 0.9 kW) and 4 PowerScale F600 at 718 W */
	T_NEAR(p->switches_kw, 2.6, 1e-9);
	T_NEAR(p->storage_kw, 4 * 0.718, 1e-9);
	/* energy = average facility power x time to train; CO2 at 380 g/kWh */
	double hours = r->training.time_to_train_days * 24;
	T_NEAR(p->energy_mwh, p->facility_avg_kw * hours / 1e3, 1e-9);
	T_NEAR(p->co2_t, p->energy_mwh * 0.380, 1e-9);
	T_NEAR(p->energy_per_token_j, p->energy_mwh * 3.6e9 / 300e9, 1e-9);
	/* the GPU time splits like the step breakdown */
	T_NEAR(p->gpu_state_share[1], r->training.compute_s / r->training.step_time_s, 1e-6);
	T_NEAR(p->gpu_state_share[0], r->training.bubble_s / r->training.step_time_s, 1e-6);
	/* power over one step */
	T_EQ_INT(r->npower, RESULTS_POWER_POINTS);
	T_CHECK(r->timeline.nspans == r->training.tasks);
	double peak = 0;
	for (int i = 0; i < r->npower; i++)
		if (r->power_series[i].it_kw > peak)
			peak = r->power_series[i].it_kw;
	T_NEAR(peak, p->it_peak_kw, 1e-9);
	run_results_release(r);
	free(r);
	scenario_free(sc);
}

/* A stage that computes for half the step, runs the optimizer for a tenth, then
 * waits while a gradient reduce runs for a fifth and idles for the rest. */
static void test_samples_from_trace(void)
{
	step_trace tr;
	memset(&tr, 0, sizeof tr);
	T_CHECK(step_trace_add(&tr, 0, TRACE_STREAM_COMPUTE, TRACE_COMPUTE, 0, 50, 0) == 0);
	T_CHECK(step_trace_add(&tr, 0, TRACE_STREAM_COMPUTE, TRACE_OPTIMIZER, 50, 60, 0) == 0);
	T_CHECK(step_trace_add(&tr, 0, TRACE_STREAM_DP, TRACE_DP, 60, 80, 0) == 0);
	T_CHECK(step_trace_add(&tr, 0, TRACE_STREAM_COMPUTE, TRACE_COMPUTE, 80, 80, 0) == 0);
	tr.makespan_ns = 100;
	power_sample s[10];
	char err[128];
	T_CHECK(power_samples_from_trace(&tr, 10, s, err, sizeof err) == 0);
	for (int i = 0; i < 5; i++)
		T_NEAR(s[i].share[POWER_COMPUTE], 1.0, 1e-12);
	T_NEAR(s[5].share[POWER_MEMORY], 1.0, 1e-12);
	T_NEAR(s[6].share[POWER_COMM], 1.0, 1e-12);
	T_NEAR(s[7].share[POWER_COMM], 1.0, 1e-12);
	T_NEAR(s[9].share[POWER_IDLE], 1.0, 1e-12);
	T_NEAR(s[9].t_s, 95e-9, 1e-9);
	step_trace_free(&tr);
	step_trace empty;
	memset(&empty, 0, sizeof empty);
	T_EQ_INT(power_samples_from_trace(&empty, 10, s, err, sizeof err), -1);
}

int main(void)
{
	T_RUN(test_llama2_model_card_carbon);
	T_RUN(test_dgx_h100_nameplate_is_10_2_kw);
	T_RUN(test_power_follows_activity);
	T_RUN(test_dgx_h100_training_share_of_rating);
	T_RUN(test_xe9680_module_racks_at_40_kw);
	T_RUN(test_samples_from_trace);
	return t_done();
}
