/* calib_results.h -- the calibration block of the results: which profile entry
 * produced the numbers and how each of its figures was obtained.
 *
 * Invariant: a figure is "fitted" only if a <fit> of the entry carries it, and
 * "defaulted" whenever the GPU has no entry of its own or the figure is absent. */
#ifndef CAPSIM_CALIB_RESULTS_H
#define CAPSIM_CALIB_RESULTS_H

#include "models/profile.h"
#include "reports/results.h"

/* Fills *out for the entry `e` (as profile_for returned it for `gpu_id`) of
 * profile `p`, the compute dtype `dt`, and whether the model fell back from dt's
 * GEMM efficiency to bf16's. */
void calib_results_fill(const profile *p, const profile_gpu *e, const char *gpu_id, hw_dtype dt,
			int gemm_defaulted, calib_results *out);

#endif
