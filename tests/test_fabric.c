/* test_fabric.c -- the training step on the flow network: an oversubscribed fabric
 * shows in the pipeline sends that cross leaves and so in the step time, while the
 * same training on a non-blocking fabric runs its sends at the NICs' rate; and the
 * report says the network was simulated as flows.
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

static void test_oversubscription_slows_cross_leaf_sends(void)
{
	run_results *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	if (!a || !b || run_file("tests/data/fabric/oversub-1.xml", a) != 0 ||
	    run_file("tests/data/fabric/oversub-7.xml", b) != 0) {
		free(a);
		free(b);
		T_CHECK(0);
		return;
	}
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

int main(void)
{
	T_RUN(test_oversubscription_slows_cross_leaf_sends);
	return t_done();
}
