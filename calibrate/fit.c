/* fit.c -- weighted nonlinear least squares over GSL and the calibration curves.
 *
 * Invariant: GSL objects live only inside fit_nlls; callers see plain arrays. */
#include "calibrate/fit.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	fit_fn f;
	void *ctx;
	const double *x, *y, *w;
	int xdim, n;
	double scale[FIT_MAX_PARAMS]; /* magnitude of each parameter, for difference steps */
} nlls_data;

static int nlls_f(const gsl_vector *p, void *data, gsl_vector *r)
{
	const nlls_data *d = data;
	double pv[FIT_MAX_PARAMS];
	for (size_t j = 0; j < p->size; j++)
		pv[j] = gsl_vector_get(p, j);
	for (int i = 0; i < d->n; i++) {
		double m = d->f(pv, d->x + (size_t)i * d->xdim, d->ctx);
		double w = d->w ? d->w[i] : 1.0;
		gsl_vector_set(r, (size_t)i, sqrt(w) * (m - d->y[i]));
	}
	return GSL_SUCCESS;
}

/* Forward-difference Jacobian with steps relative to each parameter's magnitude
 * or its starting value, whichever is larger: GSL's own steps shrink to nothing
 * when a parameter converges to 0 (an intercept of a noise-free sweep). */
static int nlls_df(const gsl_vector *p, void *data, gsl_matrix *J)
{
	const nlls_data *d = data;
	double pv[FIT_MAX_PARAMS];
	size_t np = p->size;
	for (size_t j = 0; j < np; j++)
		pv[j] = gsl_vector_get(p, j);
	for (int i = 0; i < d->n; i++) {
		const double *xi = d->x + (size_t)i * d->xdim;
		double w = sqrt(d->w ? d->w[i] : 1.0);
		double m0 = d->f(pv, xi, d->ctx);
		for (size_t j = 0; j < np; j++) {
			double keep = pv[j];
			double h = 1.5e-8 * (fabs(keep) > d->scale[j] ? fabs(keep) : d->scale[j]);
			pv[j] = keep + h;
			double m1 = d->f(pv, xi, d->ctx);
			pv[j] = keep;
			gsl_matrix_set(J, (size_t)i, j, w * (m1 - m0) / h);
		}
	}
	return GSL_SUCCESS;
}

int fit_nlls(fit_fn f, void *ctx, const double *x, int xdim, const double *y,
	     const double *w, int n, int np, const double *p0, fit_result *out,
	     char *err, size_t errlen)
{
	if (np < 1 || np > FIT_MAX_PARAMS) {
		snprintf(err, errlen, "a fit takes 1 to %d parameters, not %d", FIT_MAX_PARAMS, np);
		return -1;
	}
	if (n < np + 1) {
		snprintf(err, errlen, "too few points: %d for %d parameter%s (at least %d are needed to "
			 "estimate the parameters and their uncertainty)", n, np, np > 1 ? "s" : "", np + 1);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!isfinite(y[i]) || (w && !(w[i] >= 0 && isfinite(w[i])))) {
			snprintf(err, errlen, "point %d is not a finite number", i + 1);
			return -1;
		}
		for (int k = 0; k < xdim; k++)
			if (!isfinite(x[(size_t)i * xdim + k])) {
				snprintf(err, errlen, "point %d is not a finite number", i + 1);
				return -1;
			}
	}
	int rc = -1;
	nlls_data d = { f, ctx, x, y, w, xdim, n, { 0 } };
	for (int j = 0; j < np; j++)
		d.scale[j] = fabs(p0[j]) > 1e-300 ? fabs(p0[j]) : 1e-8;
	gsl_multifit_nlinear_fdf fdf;
	memset(&fdf, 0, sizeof fdf);
	fdf.f = nlls_f;
	fdf.df = nlls_df;
	fdf.n = (size_t)n;
	fdf.p = (size_t)np;
	fdf.params = &d;
	gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
	fp.scale = gsl_multifit_nlinear_scale_more;
	gsl_multifit_nlinear_workspace *ws =
		gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, (size_t)n, (size_t)np);
	gsl_matrix *covar = gsl_matrix_alloc((size_t)np, (size_t)np);
	if (!ws || !covar) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	gsl_vector *p0v = gsl_vector_alloc((size_t)np);
	if (!p0v) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (int j = 0; j < np; j++)
		gsl_vector_set(p0v, (size_t)j, p0[j]);
	int info = 0;
	int st = gsl_multifit_nlinear_init(p0v, &fdf, ws);
	if (st == GSL_SUCCESS)
		st = gsl_multifit_nlinear_driver(500, 1e-10, 1e-10, 1e-12, NULL, NULL, &info, ws);
	gsl_vector_free(p0v);
	if (st != GSL_SUCCESS && st != GSL_EMAXITER) {
		snprintf(err, errlen, "the fit did not converge (%s)", gsl_strerror(st));
		goto done;
	}
	gsl_matrix *J = gsl_multifit_nlinear_jac(ws);
	if (gsl_multifit_nlinear_covar(J, 1e-12, covar) != GSL_SUCCESS) {
		snprintf(err, errlen, "the fit's parameters are not determined by the points");
		goto done;
	}
	/* GSL zeroes the rows of parameters the Jacobian cannot resolve */
	for (int j = 0; j < np; j++) {
		double v = gsl_matrix_get(covar, (size_t)j, (size_t)j);
		if (!(v > 0) || !isfinite(v)) {
			snprintf(err, errlen, "the fit's parameters are not determined by the points "
				 "(parameter %d has no independent information)", j + 1);
			goto done;
		}
	}
	fit_result r;
	memset(&r, 0, sizeof r);
	r.np = np;
	r.n = n;
	r.dof = n - np;
	r.iters = (int)gsl_multifit_nlinear_niter(ws);
	gsl_vector *res = gsl_multifit_nlinear_residual(ws);
	gsl_vector *pp = gsl_multifit_nlinear_position(ws);
	double chisq;
	gsl_blas_ddot(res, res, &chisq);
	for (int j = 0; j < np; j++) {
		r.p[j] = gsl_vector_get(pp, (size_t)j);
		if (!isfinite(r.p[j])) {
			snprintf(err, errlen, "the fit diverged");
			goto done;
		}
	}
	double s2 = chisq / r.dof;
	for (int a = 0; a < np; a++)
		for (int b = 0; b < np; b++)
			r.cov[a][b] = gsl_matrix_get(covar, (size_t)a, (size_t)b) * s2;
	for (int j = 0; j < np; j++)
		r.se[j] = sqrt(r.cov[j][j] > 0 ? r.cov[j][j] : 0);
	/* weighted R^2 about the weighted mean, and the relative residual */
	double sw = 0, swy = 0;
	for (int i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;
		sw += wi;
		swy += wi * y[i];
	}
	double ybar = sw > 0 ? swy / sw : 0, sst = 0, rel = 0;
	for (int i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;
		sst += wi * (y[i] - ybar) * (y[i] - ybar);
		double m = f(r.p, x + (size_t)i * xdim, ctx);
		double e = y[i] != 0 ? (m - y[i]) / y[i] : m;
		rel += e * e;
	}
	r.r2 = sst > 0 ? 1.0 - chisq / sst : 1.0;
	r.rms = sqrt(chisq / n);
	r.rel_rms = sqrt(rel / n);
	*out = r;
	rc = 0;
done:
	gsl_matrix_free(covar);
	if (ws)
		gsl_multifit_nlinear_free(ws);
	return rc;
}

double fit_gemm_model(const double *p, const double *x, void *ctx)
{
	int nslots = *(const int *)ctx;
	int slot = (int)x[0];
	double d = cbrt(x[1] * x[2] * x[3]);
	double half = p[nslots];
	return p[slot] * d / (d + half);
}

int fit_gemm(const double *x, const double *y, int n, int nslots, fit_result *out,
	     char *err, size_t errlen)
{
	if (nslots < 1 || nslots + 1 > FIT_MAX_PARAMS) {
		snprintf(err, errlen, "GEMM fit: 1 to %d dtypes, not %d", FIT_MAX_PARAMS - 1, nslots);
		return -1;
	}
	double p0[FIT_MAX_PARAMS];
	double dmin = HUGE_VAL;
	for (int s = 0; s < nslots; s++)
		p0[s] = 0;
	for (int i = 0; i < n; i++) {
		int s = (int)x[4 * i];
		if (s < 0 || s >= nslots) {
			snprintf(err, errlen, "GEMM fit: dtype slot %d out of range", s);
			return -1;
		}
		if (y[i] > p0[s])
			p0[s] = y[i];
		double d = cbrt(x[4 * i + 1] * x[4 * i + 2] * x[4 * i + 3]);
		if (d < dmin)
			dmin = d;
	}
	for (int s = 0; s < nslots; s++) {
		if (p0[s] <= 0) {
			snprintf(err, errlen, "GEMM fit: a dtype has no positive efficiency");
			return -1;
		}
		p0[s] *= 1.05;
	}
	p0[nslots] = isfinite(dmin) ? dmin : 256;
	return fit_nlls(fit_gemm_model, &nslots, x, 4, y, NULL, n, nslots + 1, p0, out, err,
			errlen);
}

static double ab_model(const double *p, const double *x, void *ctx)
{
	int fix = *(const int *)ctx;
	double alpha = fix ? 0 : p[0], bw = fix ? p[0] : p[1];
	return alpha + x[0] / (bw * 1e3);
}

int fit_alpha_beta(const double *bytes, const double *time_us, int n, int fix_alpha,
		   fit_result *out, char *err, size_t errlen)
{
	double *w = malloc((size_t)(n > 0 ? n : 1) * sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	double big = 0, tbig = 0, tsmall = HUGE_VAL;
	for (int i = 0; i < n; i++) {
		if (!(time_us[i] > 0) || !(bytes[i] > 0)) {
			free(w);
			snprintf(err, errlen, "point %d: size and time must be positive", i + 1);
			return -1;
		}
		w[i] = 1.0 / (time_us[i] * time_us[i]);
		if (bytes[i] > big) {
			big = bytes[i];
			tbig = time_us[i];
		}
		if (time_us[i] < tsmall)
			tsmall = time_us[i];
	}
	double p0[2];
	if (fix_alpha) {
		p0[0] = n ? big / (tbig * 1e3) : 1;
	} else {
		p0[0] = n ? 0.5 * tsmall : 1;
		p0[1] = n ? big / ((tbig - p0[0] > 0 ? tbig - p0[0] : tbig) * 1e3) : 1;
	}
	int rc = fit_nlls(ab_model, &fix_alpha, bytes, 1, time_us, w, n, fix_alpha ? 1 : 2, p0,
			  out, err, errlen);
	free(w);
	return rc;
}

static double power_model(const double *p, const double *x, void *ctx)
{
	(void)ctx;
	return p[0] + p[1] * x[0];
}

int fit_power(const double *util, const double *power_w, int n, fit_result *out,
	      char *err, size_t errlen)
{
	double lo = HUGE_VAL, hi = 0;
	for (int i = 0; i < n; i++) {
		if (power_w[i] < lo)
			lo = power_w[i];
		if (power_w[i] > hi)
			hi = power_w[i];
	}
	double p0[2] = { n ? lo : 0, n ? hi - lo : 0 };
	return fit_nlls(power_model, NULL, util, 1, power_w, NULL, n, 2, p0, out, err, errlen);
}
