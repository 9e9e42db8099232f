/* uncertainty.h -- `capsim run --uncertainty N`: the design point re-run N times with
 * the calibration profile's fitted figures drawn from their fits' covariances.
 *
 * Invariant: sample i draws from the stream named "uncertainty/<i>" of a set seeded
 * with `seed`, so the percentiles are byte-identical whatever the thread count. */
#ifndef CAPSIM_UNCERTAINTY_H
#define CAPSIM_UNCERTAINTY_H

#include <stddef.h>
#include <stdint.h>

#include "reports/results.h"
#include "scenarios/scenario.h"

/* Draws one sample of every fitted figure of `g` (multivariate normal, mean the
 * figure, covariance the fit's) from rng stream `r`; efficiencies are clamped to
 * (0, 1]. Returns the number of figures drawn. */
struct rng;
int uncertainty_draw(profile_gpu *g, struct rng *r);

/* Runs `samples` (>= 2) perturbed copies of `sc` in parallel (OpenMP) and fills
 * *out with P10/P50/P90 of step time and time to train. Returns 0, or -1 with err
 * set when the profile has no fitted figures or a run fails. */
int uncertainty_run(const scenario *sc, int samples, uint64_t seed, uncertainty_results *out,
		    char *err, size_t errlen);

#endif
