/* uncertainty.c -- Monte Carlo over the calibration profile's fitted figures.
 *
 * Each sample copies the scenario (the catalog is shared read-only), draws the
 * fitted figures of every profile entry as x = mean + L z (L the Cholesky factor of
 * the fit's covariance, z standard normal from the sample's own stream) and runs the
 * design point; percentiles are taken over the sorted samples. */
#include "sim/uncertainty.h"
#include "sim/engine/rng.h"
#include "sim/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Lower Cholesky factor of the n x n matrix a into l; a non-positive pivot (a
 * singular covariance) gets a zero column, so that direction does not vary. */
static void cholesky(int n, const double a[][PROFILE_FIT_PARAMS], double l[][PROFILE_FIT_PARAMS])
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			l[i][j] = 0;
	for (int j = 0; j < n; j++) {
		double d = a[j][j];
		for (int k = 0; k < j; k++)
			d -= l[j][k] * l[j][k];
		if (!(d > 1e-300))
			continue;
		l[j][j] = sqrt(d);
		for (int i = j + 1; i < n; i++) {
			double s = a[i][j];
			for (int k = 0; k < j; k++)
				s -= l[i][k] * l[j][k];
			l[i][j] = s / l[j][j];
		}
	}
}

int uncertainty_draw(profile_gpu *g, struct rng *r)
{
	int drawn = 0;
	for (int i = 0; i < g->nfits; i++) {
		const profile_fit *f = &g->fits[i];
		double l[PROFILE_FIT_PARAMS][PROFILE_FIT_PARAMS], z[PROFILE_FIT_PARAMS];
		cholesky(f->np, (const double (*)[PROFILE_FIT_PARAMS])f->cov, l);
		for (int j = 0; j < f->np; j++)
			z[j] = rng_gaussian(r, 1.0);
		for (int j = 0; j < f->np; j++) {
			double x = f->value[j];
			for (int k = 0; k <= j; k++)
				x += l[j][k] * z[k];
			profile_param_set(g, f->param[j], x, 0);
			drawn++;
		}
	}
	return drawn;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Linear-interpolated quantile q of sorted v[0..n-1]. */
static double quantile(const double *v, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)floor(pos);
	if (i >= n - 1)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

int uncertainty_run(const scenario *sc, int samples, uint64_t seed, uncertainty_results *out,
		    char *err, size_t errlen)
{
	if (samples < 2) {
		snprintf(err, errlen, "--uncertainty needs at least 2 samples");
		return -1;
	}
	/* the entries the cluster's GPUs use; only their figures matter */
	int used[PROFILE_MAX_GPUS] = { 0 }, nparams = 0;
	for (int gi = 0; gi < sc->cl.ngroups; gi++) {
		const profile_gpu *e = profile_for(&sc->prof, sc->cl.groups[gi].gpu->id);
		if (!e)
			continue;
		int i = (int)(e - sc->prof.gpus);
		if (used[i])
			continue;
		used[i] = 1;
		for (int k = 0; k < e->nfits; k++)
			nparams += e->fits[k].np;
	}
	if (nparams == 0) {
		snprintf(err, errlen, "%s: calibration profile %s has no fitted figures (no <fit>) to sample; "
			 "use a profile written by `capsim calibrate fit`", sc->file, sc->prof.file);
		return -1;
	}
	int nthreads = 1;
#ifdef _OPENMP
	nthreads = omp_get_max_threads();
#endif
	double *step = calloc((size_t)samples, sizeof *step), *ttt = calloc((size_t)samples, sizeof *ttt);
	scenario *copies = calloc((size_t)nthreads, sizeof *copies);
	run_results *res = calloc((size_t)nthreads, sizeof *res);
	char *errs = calloc((size_t)nthreads, 512);
	int *fail_at = malloc((size_t)nthreads * sizeof *fail_at);
	int rc = -1;
	if (!step || !ttt || !copies || !res || !errs || !fail_at) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (int t = 0; t < nthreads; t++)
		fail_at[t] = samples;
	int nfail = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : nfail)
	for (int i = 0; i < samples; i++) {
		int t = 0;
#ifdef _OPENMP
		t = omp_get_thread_num();
#endif
		scenario *c = &copies[t];
		*c = *sc;
		char name[48];
		snprintf(name, sizeof name, "uncertainty/%d", i);
		rng_set *rs = rng_set_new(seed);
		rng *r = rng_stream(rs, name);
		for (int g = 0; g < c->prof.ngpus; g++)
			if (used[g])
				uncertainty_draw(&c->prof.gpus[g], r);
		rng_set_free(rs);
		char why[512];
		if (run_scenario(c, &res[t], why, sizeof why) != 0) {
			/* each thread keeps its lowest failing sample: the report names the
			 * lowest overall, whatever the thread count */
			if (i < fail_at[t]) {
				fail_at[t] = i;
				snprintf(errs + (size_t)t * 512, 512, "%s", why);
			}
			nfail++;
			continue;
		}
		step[i] = res[t].training.step_time_s;
		ttt[i] = res[t].training.time_to_train_days;
	}
	if (nfail) {
		int ft = 0;
		for (int t = 1; t < nthreads; t++)
			if (fail_at[t] < fail_at[ft])
				ft = t;
		snprintf(err, errlen, "uncertainty sample %d of %d failed: %s", fail_at[ft] + 1, samples,
			 errs + (size_t)ft * 512);
		goto done;
	}
	qsort(step, (size_t)samples, sizeof *step, cmp_double);
	qsort(ttt, (size_t)samples, sizeof *ttt, cmp_double);
	memset(out, 0, sizeof *out);
	out->present = 1;
	out->samples = samples;
	out->threads = nthreads;
	out->seed = seed;
	out->nparams = nparams;
	out->step_p10_s = quantile(step, samples, 0.1);
	out->step_p50_s = quantile(step, samples, 0.5);
	out->step_p90_s = quantile(step, samples, 0.9);
	out->ttt_p10_days = quantile(ttt, samples, 0.1);
	out->ttt_p50_days = quantile(ttt, samples, 0.5);
	out->ttt_p90_days = quantile(ttt, samples, 0.9);
	rc = 0;
done:
	free(step);
	free(ttt);
	free(copies);
	free(res);
	free(errs);
	free(fail_at);
	return rc;
}
