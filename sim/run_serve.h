/* run_serve.h -- one inference design point: a loaded scenario's <inference>
 * through the serving model (and its auto searches) to the inference results.
 *
 * Invariant: never prints, never exits; errors name the scenario file and the line
 * of the element at fault. */
#ifndef CAPSIM_RUN_SERVE_H
#define CAPSIM_RUN_SERVE_H

#include "reports/results.h"
#include "scenarios/scenario.h"

/* Solves and simulates the scenario's inference workload into *o. Returns 0, or -1
 * with err set (o is then unspecified). */
int run_serve(const scenario *sc, infer_results *o, char *err, size_t errlen);

/* Checks that the serving layout fits (memory, heads, node size) without
 * simulating. Returns 0 or -1 with err. */
int run_serve_validate(const scenario *sc, char *err, size_t errlen);

#endif
