/* fit.h -- weighted nonlinear least squares (GSL gsl_multifit_nlinear, trust-region
 * Levenberg-Marquardt) and the calibration curves fitted with it: GEMM efficiency
 * against shape, streaming time against size, collective time against size, power
 * against utilisation.
 *
 * Invariant: a fit_result is written only on success; its covariance is
 * (J^T W J)^-1 scaled by the residual variance chi^2/dof, so standard errors
 * reflect the scatter actually seen; dof >= 1 always. */
#ifndef CAPSIM_FIT_H
#define CAPSIM_FIT_H

#include <stddef.h>

#define FIT_MAX_PARAMS 8

/* Model value at point x (xdim numbers) for parameters p. */
typedef double (*fit_fn)(const double *p, const double *x, void *ctx);

typedef struct {
	int np, n, dof, iters;
	double p[FIT_MAX_PARAMS];
	double se[FIT_MAX_PARAMS];                  /* standard errors */
	double cov[FIT_MAX_PARAMS][FIT_MAX_PARAMS];
	double r2;                                  /* weighted coefficient of determination */
	double rms;                                 /* RMS of the weighted residuals */
	double rel_rms;                             /* RMS of (model - y) / y */
} fit_result;

/* Fits np parameters from p0 to n points (x row-major n x xdim, y, weights w or
 * NULL for 1). Returns 0 with *out, or -1 with err set when n < np + 1 ("too few
 * points"), a value is not finite, or the solver fails to converge. */
int fit_nlls(fit_fn f, void *ctx, const double *x, int xdim, const double *y,
	     const double *w, int n, int np, const double *p0, fit_result *out,
	     char *err, size_t errlen);

/* GEMM: x = {dtype slot, m, n, k}, y = achieved / peak. Model
 * eff = plateau[slot] * d / (d + half) with d = cbrt(m n k) (models/gpu.c).
 * Parameters: plateau[0..nslots-1], then half. */
double fit_gemm_model(const double *p, const double *x, void *ctx);
int fit_gemm(const double *x, const double *y, int n, int nslots, fit_result *out,
	     char *err, size_t errlen);

/* Alpha-beta: x = {bytes}, y = time (us). Model t = alpha_us + bytes / (bw_GBps * 1e3).
 * Parameters: alpha_us, bw_GBps; relative weights 1/y^2. With fix_alpha the only
 * parameter is bw_GBps (alpha 0), for sweeps without small sizes. */
int fit_alpha_beta(const double *bytes, const double *time_us, int n, int fix_alpha,
		   fit_result *out, char *err, size_t errlen);

/* Power: x = {utilisation 0..1}, y = watts. Model P = idle_w + dynamic_w * u.
 * Parameters: idle_w, dynamic_w. */
int fit_power(const double *util, const double *power_w, int n, fit_result *out,
	      char *err, size_t errlen);

#endif
