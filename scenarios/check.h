/* check.h -- semantic checks of a scenario: the arithmetic between values that the
 * XSD cannot see (tp divides the heads, the degrees multiply to the GPU count, the
 * batch splits into microbatches, the GPU runs the chosen precision, ...).
 *
 * Invariant: checks only read; each failure names the scenario file, the line of
 * the element at fault and the numbers involved. Memory fit is not checked here
 * (the models layer does it once the layout is known). */
#ifndef CAPSIM_CHECK_H
#define CAPSIM_CHECK_H

#include <stddef.h>

#include "scenarios/scenario.h"

/* Checks that a model shape is self-consistent: hidden divisible by heads, heads by
 * kv-heads, top-k in [1, experts] for mixture-of-experts. Returns 0, or -1 with a
 * message without location (the caller adds file:line) in why. */
int check_model(const model_arch *m, char *why, size_t len);

/* Checks the loaded scenario: the cluster (node counts positive) and, for
 * training, the model, data, precision and the layout in sc->train.par, skipping
 * any relation that involves a degree still PAR_AUTO. Returns 0, or -1 with
 * "file:line: <element>: message" in err. */
int check_scenario(const scenario *sc, char *err, size_t errlen);

/* The training checks of check_scenario against the layout `par` instead of
 * sc->train.par, for the run code once it has resolved `auto` degrees (with every
 * degree concrete, the full product tp x pp x dp x cp must equal the GPU count).
 * Returns 0, or -1 with err set. */
int check_training(const scenario *sc, const parallel_cfg *par, char *err, size_t errlen);

#endif
