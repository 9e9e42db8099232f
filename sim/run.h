/* run.h -- one design point: a loaded scenario through the models and the engine
 * to a results struct.
 *
 * Invariant: run_* never print and never exit; failures come back as -1 with a
 * message naming the scenario file and line where the input is at fault. */
#ifndef CAPSIM_RUN_H
#define CAPSIM_RUN_H

#include "reports/results.h"
#include "scenarios/scenario.h"

/* Resolves the layout (searching `auto` degrees), checks memory, simulates one
 * step and fills *r (power and cost included). When r->want_timeline is set on
 * entry, r also keeps the step timeline, which run_results_release frees. Returns 0, or -1 with err set (r is then unspecified). */
int run_scenario(const scenario *sc, run_results *r, char *err, size_t errlen);

/* Frees what run_scenario() allocated inside *r (the step timeline); r itself
 * stays the caller's. A released or zeroed r may be released again. */
void run_results_release(run_results *r);

/* Everything run_scenario() checks, without simulating a step (explicit layouts)
 * or with the search's own simulations (auto ones). Returns 0 or -1 with err. */
int run_validate(const scenario *sc, char *err, size_t errlen);

#endif
