/* test_fabric.c -- the training step on the flow network: an oversubscribed fabric
 * shows in the pipeline sends and expert all-to-alls that cross leaves and so in the
 * step time, while the same training on a non-blocking fabric runs at the NICs'
 * rate; rail planes fold only where the answer is the same; and the report says the
 * network was simulated as flows.
 *
 * What this misses: collective accuracy against real runs (tests/test_nccl.c) and
 * the closed-form evaluator (tests/test_step.c). */
#include "scenarios/scenario.h"
#include "sim/run.h"
#include "tests/t.h"

#include <stdlib.h>
#include <string.h>

static int run_file(const char *rel, run_results *r)
{
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(t_src(rel), &sc, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		return -1;
	}
	int rc = run_scenario(sc, r, err, sizeof err);
	T_CHECKF(rc == 0, "%s", err);
	scenario_free(sc);
	return rc;
}

/* Runs scenarios `ra` and `rb` (the second with every rail plane's flows if
 * `unfold_b`) into *a and *b; returns 0, or -1 (both freed, failure recorded). */
static int run_pair(const char *ra, const char *rb, int unfold_b, run_results **a, run_results **b)
{
	*a = calloc(1, sizeof **a);
	*b = calloc(1, sizeof **b);
	if (*a && *b) {
		(*b)->unfold_planes = unfold_b;
		if (run_file(ra, *a) == 0 && run_file(rb, *b) == 0)
			return 0;
	}
	free(*a);
	free(*b);
	T_CHECK(0);
	return -1;
}

static void test_oversubscription_slows_cross_leaf_sends(void)
{
	run_results *a, *b;
	if (run_pair("tests/data/fabric/oversub-1.xml", "tests/data/fabric/oversub-7.xml", 0, &a, &b) != 0)
		return;
	const train_results *x = &a->training, *y = &b->training;
	printf("  1:1 step %.4f s, pipeline sends busy %.4f s; 7:1 step %.4f s, sends busy %.4f s\n",
	       x->step_time_s, x->pp_comm_s, y->step_time_s, y->pp_comm_s);
	/* At 7:1 a leaf holds 7 nodes and 8 uplinks: where a stage boundary falls
	 * inside a leaf's span the sends of several nodes crossing it share those
	 * uplinks (up to 4x slower); at 1:1 every NIC has an uplink of its own. */
	T_CHECKF(y->pp_comm_s > 1.5 * x->pp_comm_s, "7:1 sends %.4f s vs 1:1 %.4f s",
		 y->pp_comm_s, x->pp_comm_s);
	T_CHECK(y->step_time_s > x->step_time_s);
	T_CHECK(x->flows_used && y->flows_used);
	free(a);
	free(b);
}

static void test_expert_alltoall_on_flows(void)
{
	run_results *a, *b;
	if (run_pair("tests/data/fabric/moe-1.xml", "tests/data/fabric/moe-7.xml", 0, &a, &b) != 0)
		return;
	const train_results *x = &a->training, *y = &b->training;
	printf("  Mixtral TP8 x EP4 on 16 nodes: 1:1 step %.4f s (%llu flows, blocking comm %.4f s); "
	       "7:1 step %.4f s (blocking comm %.4f s)\n", x->step_time_s, (unsigned long long)x->flows,
	       x->tp_comm_s, y->step_time_s, y->tp_comm_s);
	/* Each EP group spans four nodes. At 1:1 a leaf holds four nodes, so every
	 * group stays under its leaf; at 7:1 a leaf holds seven, two groups straddle
	 * leaves and their all-to-alls share one leaf's uplink, so the blocking
	 * exchange and the step take longer. The data-parallel reductions alone
	 * would be 16,384 flows: the all-to-alls ran as flows too. */
	T_CHECK(x->flows_used && y->flows_used);
	T_CHECK(x->flows > 16384);
	T_CHECK(x->flows == y->flows);
	T_CHECKF(y->tp_comm_s > 1.3 * x->tp_comm_s, "7:1 %.4f s vs 1:1 %.4f s", y->tp_comm_s, x->tp_comm_s);
	T_CHECK(y->step_time_s > 1.1 * x->step_time_s);
	free(a);
	free(b);
}

/* Runs scenario `rel` twice, folding rail planes and simulating every plane's
 * flows; checks that `planes` planes were folded and that the step's times agree. */
static void check_fold(const char *rel, int planes)
{
	run_results *a, *b;
	if (run_pair(rel, rel, 1, &a, &b) != 0)
		return;
	const train_results *x = &a->training, *y = &b->training;
	printf("  %-36s planes folded %d: step %.9f s, %llu flows; every plane: %.9f s, %llu flows\n",
	       rel, x->planes_folded, x->step_time_s, (unsigned long long)x->flows, y->step_time_s,
	       (unsigned long long)y->flows);
	T_EQ_INT(x->planes_folded, planes);
	T_EQ_INT(y->planes_folded, 1);
	T_CHECK(x->flows_used && y->flows_used);
	/* The same step to the rounding of the rates (the solver keeps a rate that
	 * moved by less than 1e-12 of itself). */
	T_NEAR(x->step_time_s, y->step_time_s, 1e-9);
	T_NEAR(x->pp_comm_s, y->pp_comm_s, 1e-9);
	T_NEAR(x->dp_comm_s, y->dp_comm_s, 1e-9);
	if (planes > 1)
		T_EQ_INT((long long)x->flows * planes, (long long)y->flows);
	free(a);
	free(b);
}

static void test_rail_planes_fold_exactly(void)
{
	/* A rail-optimized fabric; GPT-3 on 1,024 H100 on one two-tier tree whose
	 * leaves have 32 uplinks to 32 spines (four per rail). */
	check_fold("tests/data/fabric/rail-opt.xml", 8);
	check_fold("bench/gpt3-175b-1024-h100.xml", 8);
	check_fold("tests/data/fabric/moe-rail.xml", 8);
	check_fold("bench/llama3-405b-16k-h100.xml", 8);
	/* Not folded: two leaves under one (logical) spine, whose uplink carries
	 * every rail; ECMP hashes each flow by its GPUs, so rails differ; with
	 * tensor parallelism over half a node a data-parallel ring spans two rails. */
	check_fold("tests/data/fabric/oversub-1.xml", 1);
	check_fold("tests/data/fabric/oversub-7.xml", 1);
	check_fold("tests/data/fabric/roce-7.xml", 1);
	check_fold("tests/data/fabric/tp4.xml", 1);
}

int main(void)
{
	T_RUN(test_oversubscription_slows_cross_leaf_sends);
	T_RUN(test_rail_planes_fold_exactly);
	T_RUN(test_expert_alltoall_on_flows);
	return t_done();
}
