/* calib_fit.c -- `capsim calibrate fit`: suite results and nccl-tests logs fitted
 * into a calibration profile.
 *
 * Collectives: the figure the collective model's bandwidth for a log depends on
 * most (scale-up or scale-out link efficiency, NVLS, CollNet) is fitted through the
 * model itself (relative residuals of the model's times against the log's
 * bandwidth regime, the algorithm the log ran: its label, --algo, or NCCL's choice
 * in the model), started from the value whose asymptotic bandwidth matches the
 * slope of t = alpha + bytes / B; the latency regime's alpha gives the link alpha.
 * Several logs giving the same figure are combined by inverse-variance weighting, the variance widened by the Birge ratio when they
 * disagree beyond their errors; when they disagree by more than twice their errors
 * (Birge ratio chi^2/dof > 4) the model's own error dominates, and the plain mean
 * with its standard error is used instead, so that no one log's tight scatter
 * decides the figure alone. */
#include "sim/calib_fit.h"
#include "calibrate/fit.h"
#include "calibrate/nccl_log.h"
#include "calibrate/suite.h"
#include "models/coll.h"
#include "models/layout.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ACC_MAX 16
#define EST_MAX 16

/* Estimates of one collective figure (and its link's alpha) from several logs. */
typedef struct {
	char key[32], alpha_key[32];
	int n;
	double v[EST_MAX], var[EST_MAX];
	int has_alpha[EST_MAX];
	double a[EST_MAX], avar[EST_MAX], cov[EST_MAX];
	int points;
	double r2min, rms2;
	char inputs[256];
	int equal_weights;        /* 1: the logs disagreed; plain mean used */
} coll_acc;

typedef struct {
	const calib_fit_opts *o;
	profile *p;
	profile_gpu *g;
	calib_account acct;
	coll_acc acc[ACC_MAX];
	int nacc;
	profile_fit fits[PROFILE_MAX_FITS];
	int nfits;
	profile_fit p2p;          /* scale-up link from p2p.csv, used when no collective log gives it */
	int have_p2p;
	char *err;
	size_t errlen;
} fit_ctx;

/* A path inside the source tree without the tree's own location. */
static const char *rel_path(const char *path)
{
	size_t n = strlen(CAPSIM_SRCDIR);
	if (strncmp(path, CAPSIM_SRCDIR, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void account(fit_ctx *c, const char *input, const char *what, const char *param,
		    double value, double se, double r2, double rel_rms, int points)
{
	if (c->acct.nlines == CALIB_MAX_LINES)
		return;
	calib_line *l = &c->acct.lines[c->acct.nlines++];
	snprintf(l->input, sizeof l->input, "%s", input);
	snprintf(l->what, sizeof l->what, "%s", what);
	snprintf(l->param, sizeof l->param, "%s", param);
	l->value = value;
	l->se = se;
	l->r2 = r2;
	l->rel_rms = rel_rms;
	l->points = points;
}

static void add_input(fit_ctx *c, const char *file, const char *hw, const char *ver,
		      const char *date)
{
	profile *p = c->p;
	for (int i = 0; i < p->ninputs; i++)
		if (strcmp(p->inputs[i].file, file) == 0)
			return;
	if (p->ninputs == (int)(sizeof p->inputs / sizeof p->inputs[0]))
		return;
	profile_input *in = &p->inputs[p->ninputs++];
	memset(in, 0, sizeof *in);
	snprintf(in->file, sizeof in->file, "%s", file);
	snprintf(in->hardware, sizeof in->hardware, "%s", hw ? hw : "");
	snprintf(in->version, sizeof in->version, "%s", ver ? ver : "");
	snprintf(in->date, sizeof in->date, "%s", date ? date : "");
}

/* Adds a fit of np figures with covariance cov (profile units) and sets them. */
static int add_fit(fit_ctx *c, const char *name, const char *inputs, int points, double r2,
		   double rel_rms, int np, const char keys[][32], const double *vals,
		   double cov[][FIT_MAX_PARAMS])
{
	if (c->nfits == PROFILE_MAX_FITS) {
		snprintf(c->err, c->errlen, "more than %d fits for one GPU", PROFILE_MAX_FITS);
		return -1;
	}
	profile_fit *f = &c->fits[c->nfits++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->inputs, sizeof f->inputs, "%s", inputs);
	f->points = points;
	f->r2 = r2;
	f->rel_rms = rel_rms;
	f->np = np;
	for (int i = 0; i < np; i++) {
		snprintf(f->param[i], sizeof f->param[i], "%s", keys[i]);
		profile_param_set(c->g, keys[i], vals[i], 1);
		profile_param_get(c->g, keys[i], &f->value[i]);
		for (int j = 0; j < np; j++)
			f->cov[i][j] = cov[i][j];
	}
	return 0;
}

/* ---- suite results ---- */

static int fit_suite_gemm(fit_ctx *c, const suite_results *r, const hw_gpu *gpu)
{
	int slot_of[DT_COUNT], dts[DT_COUNT], ns = 0;
	char path[600];
	snprintf(path, sizeof path, "%s/gemm.csv", r->dir);
	for (int d = 0; d < DT_COUNT; d++)
		slot_of[d] = -1;
	double *x = malloc((size_t)r->ngemm * 4 * sizeof *x), *y = malloc((size_t)r->ngemm * sizeof *y);
	int rc = -1;
	if (!x || !y) {
		snprintf(c->err, c->errlen, "%s: out of memory", path);
		goto done;
	}
	for (int i = 0; i < r->ngemm; i++) {
		const suite_gemm *g = &r->gemm[i];
		double peak = gpu->peak_flops[g->dt];
		if (peak <= 0) {
			snprintf(c->err, c->errlen, "%s:%d: the catalog gives %s no %s peak; is this the GPU measured?",
				 path, g->line, gpu->id, hw_dtype_name(g->dt));
			goto done;
		}
		if (g->tflops * 1e12 > 1.02 * peak) {
			snprintf(c->err, c->errlen, "%s:%d: inconsistent: %g TFLOP/s is above %s's %s peak of %g; "
				 "is this the GPU measured?", path, g->line, g->tflops, gpu->id,
				 hw_dtype_name(g->dt), peak / 1e12);
			goto done;
		}
		if (slot_of[g->dt] < 0) {
			slot_of[g->dt] = ns;
			dts[ns++] = g->dt;
		}
		x[4 * i] = slot_of[g->dt];
		x[4 * i + 1] = g->m;
		x[4 * i + 2] = g->n;
		x[4 * i + 3] = g->k;
		y[i] = g->tflops * 1e12 / peak;
	}
	fit_result f;
	char why[256];
	if (fit_gemm(x, y, r->ngemm, ns, &f, why, sizeof why) != 0) {
		snprintf(c->err, c->errlen, "%s: GEMM efficiency fit: %s", path, why);
		goto done;
	}
	if (f.p[ns] <= 0) {
		snprintf(c->err, c->errlen, "%s: inconsistent: the GEMM efficiency does not rise with size "
			 "(fitted half-dimension %g)", path, f.p[ns]);
		goto done;
	}
	char keys[FIT_MAX_PARAMS][32];
	for (int s = 0; s < ns; s++) {
		if (f.p[s] > 1.02) {
			snprintf(c->err, c->errlen, "%s: inconsistent: the %s GEMM plateau is %.3f of peak",
				 path, hw_dtype_name((hw_dtype)dts[s]), f.p[s]);
			goto done;
		}
		snprintf(keys[s], sizeof keys[s], "gemm.%s", hw_dtype_name((hw_dtype)dts[s]));
		account(c, path, "GEMM eff vs shape", keys[s], f.p[s], f.se[s], f.r2, f.rel_rms, r->ngemm);
	}
	snprintf(keys[ns], sizeof keys[ns], "gemm-half-dim");
	account(c, path, "GEMM eff vs shape", keys[ns], f.p[ns], f.se[ns], f.r2, f.rel_rms, r->ngemm);
	rc = add_fit(c, "gemm", path, r->ngemm, f.r2, f.rel_rms, ns + 1, (const char (*)[32])keys, f.p, f.cov);
done:
	free(x);
	free(y);
	return rc;
}

/* Alpha-beta fit of rows of one hbm kind set (mask) -> (eff of peak_Bps, alpha). */
static int fit_stream(fit_ctx *c, const suite_results *r, unsigned mask, double peak_Bps,
		      const char *name, const char *eff_key, const char *alpha_key, double alpha_scale)
{
	char path[600];
	snprintf(path, sizeof path, "%s/hbm.csv", r->dir);
	double *b = malloc((size_t)(r->nhbm + 1) * sizeof *b), *t = malloc((size_t)(r->nhbm + 1) * sizeof *t);
	int n = 0, rc = -1;
	if (!b || !t) {
		snprintf(c->err, c->errlen, "%s: out of memory", path);
		goto done;
	}
	for (int i = 0; i < r->nhbm; i++)
		if (mask & (1u << r->hbm[i].kind)) {
			b[n] = r->hbm[i].gbps * r->hbm[i].time_us * 1e3; /* bytes as the suite counts them */
			t[n++] = r->hbm[i].time_us;
		}
	if (n == 0) {
		rc = 0;
		goto done;
	}
	fit_result f;
	char why[256];
	if (fit_alpha_beta(b, t, n, 0, &f, why, sizeof why) != 0) {
		snprintf(c->err, c->errlen, "%s: %s fit: %s", path, name, why);
		goto done;
	}
	double eff = f.p[1] * 1e9 / peak_Bps, ds = 1e9 / peak_Bps;
	if (eff > 1.02) {
		snprintf(c->err, c->errlen, "%s: inconsistent: %s reaches %.1f GB/s, above the catalog peak of %.1f GB/s",
			 path, name, f.p[1], peak_Bps / 1e9);
		goto done;
	}
	char keys[2][32];
	double vals[2] = { eff, f.p[0] * alpha_scale };
	double cov[2][FIT_MAX_PARAMS] = { { f.cov[1][1] * ds * ds, f.cov[0][1] * ds * alpha_scale },
					  { f.cov[0][1] * ds * alpha_scale, f.cov[0][0] * alpha_scale * alpha_scale } };
	snprintf(keys[0], 32, "%s", eff_key);
	snprintf(keys[1], 32, "%s", alpha_key);
	int np = vals[1] > 0 ? 2 : 1; /* a negative intercept says nothing about overhead */
	account(c, path, name, keys[0], eff, sqrt(cov[0][0]), f.r2, f.rel_rms, n);
	if (np == 2)
		account(c, path, name, keys[1], vals[1], sqrt(cov[1][1]), f.r2, f.rel_rms, n);
	rc = add_fit(c, name, path, n, f.r2, f.rel_rms, np, (const char (*)[32])keys, vals, cov);
done:
	free(b);
	free(t);
	return rc;
}

static int fit_suite_power(fit_ctx *c, const suite_results *r)
{
	char path[600];
	snprintf(path, sizeof path, "%s/power.csv", r->dir);
	double *u = malloc((size_t)r->npower * sizeof *u), *w = malloc((size_t)r->npower * sizeof *w);
	int rc = -1;
	if (!u || !w) {
		snprintf(c->err, c->errlen, "%s: out of memory", path);
		goto done;
	}
	for (int i = 0; i < r->npower; i++) {
		u[i] = r->power[i].util_pct / 100.0;
		w[i] = r->power[i].power_w;
	}
	fit_result f;
	char why[256];
	if (fit_power(u, w, r->npower, &f, why, sizeof why) != 0) {
		snprintf(c->err, c->errlen, "%s: power fit: %s", path, why);
		goto done;
	}
	if (f.p[0] <= 0 || f.p[1] <= 0) {
		snprintf(c->err, c->errlen, "%s: inconsistent: power does not rise with utilisation "
			 "(idle %.1f W, dynamic %.1f W)", path, f.p[0], f.p[1]);
		goto done;
	}
	char keys[2][32] = { "power-idle", "power-dynamic" };
	account(c, path, "power vs utilisation", keys[0], f.p[0], f.se[0], f.r2, f.rel_rms, r->npower);
	account(c, path, "power vs utilisation", keys[1], f.p[1], f.se[1], f.r2, f.rel_rms, r->npower);
	rc = add_fit(c, "power", path, r->npower, f.r2, f.rel_rms, 2, (const char (*)[32])keys, f.p, f.cov);
done:
	free(u);
	free(w);
	return rc;
}

/* Peer-to-peer copies between GPU pairs: t = alpha + bytes / B over every pair
 * gives the scale-up link's efficiency (B / line rate) and message latency. */
static int fit_suite_p2p(fit_ctx *c, const suite_results *r)
{
	char path[600];
	snprintf(path, sizeof path, "%s/p2p.csv", r->dir);
	const calib_fit_opts *o = c->o;
	const hw_scaleup *su = o->sc ? o->sc->cl.groups[0].scaleup : NULL;
	if (!su || su->bw_Bps <= 0 || su->kind == SCALEUP_PCIE)
		return 0; /* the line rate is unknown: nothing to take a fraction of */
	double *b = malloc((size_t)r->np2p * sizeof *b), *t = malloc((size_t)r->np2p * sizeof *t);
	int n = 0, rc = -1;
	if (!b || !t) {
		snprintf(c->err, c->errlen, "%s: out of memory", path);
		goto done;
	}
	for (int i = 0; i < r->np2p; i++)
		if (r->p2p[i].src != r->p2p[i].dst) {
			b[n] = r->p2p[i].gbps * r->p2p[i].time_us * 1e3;
			t[n++] = r->p2p[i].time_us;
		}
	fit_result f;
	char why[256];
	if (fit_alpha_beta(b, t, n, 0, &f, why, sizeof why) != 0) {
		snprintf(c->err, c->errlen, "%s: peer-to-peer fit: %s", path, why);
		goto done;
	}
	double ds = 1e9 / su->bw_Bps, eff = f.p[1] * ds;
	if (eff > 1.02) {
		snprintf(c->err, c->errlen, "%s: inconsistent: peer-to-peer %.1f GB/s is above %s's %.1f GB/s",
			 path, f.p[1], su->id, su->bw_Bps / 1e9);
		goto done;
	}
	profile_fit *p = &c->p2p;
	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "scale-up-p2p");
	snprintf(p->inputs, sizeof p->inputs, "%.255s", path);
	p->points = n;
	p->r2 = f.r2;
	p->rel_rms = f.rel_rms;
	p->np = f.p[0] > 0 ? 2 : 1;
	snprintf(p->param[0], sizeof p->param[0], "link.scale-up.efficiency");
	snprintf(p->param[1], sizeof p->param[1], "link.scale-up.alpha");
	p->value[0] = eff;
	p->value[1] = f.p[0] * 1e3;
	p->cov[0][0] = f.cov[1][1] * ds * ds;
	p->cov[1][1] = f.cov[0][0] * 1e6;
	p->cov[0][1] = p->cov[1][0] = f.cov[0][1] * ds * 1e3;
	c->have_p2p = 1;
	account(c, path, "peer-to-peer copies", p->param[0], eff, sqrt(p->cov[0][0]), f.r2, f.rel_rms, n);
	if (p->np == 2)
		account(c, path, "peer-to-peer copies", p->param[1], p->value[1], sqrt(p->cov[1][1]), f.r2,
			f.rel_rms, n);
	rc = 0;
done:
	free(b);
	free(t);
	return rc;
}

/* ---- collectives ---- */

static int op_of(const char *name, coll_op *op)
{
	static const struct { const char *n; coll_op op; } ops[] = {
		{ "all_reduce", COLL_ALLREDUCE }, { "all_gather", COLL_ALLGATHER },
		{ "reduce_scatter", COLL_REDUCESCATTER }, { "alltoall", COLL_ALLTOALL },
		{ "broadcast", COLL_BROADCAST }, { "sendrecv", COLL_SENDRECV },
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(name, ops[i].n) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

typedef struct {
	const scenario *sc;
	profile_gpu entry;        /* scratch copy the candidates are tried on */
	coll_op op;
	int nranks;
	int algo;
} coll_probe;

/* The model's bandwidth (GB/s, the slope of time against size at 1-2 GiB) with
 * figure `key` set to v; -1 when the algorithm cannot run. */
static double model_bw(coll_probe *pr, const char *key, double v)
{
	profile_gpu e = pr->entry;
	coll_comm cm;
	char why[256];
	profile_param_set(&e, key, v, 0);
	if (layout_comm(&pr->sc->cl.groups[0], &pr->sc->cl.scaleout, &e, pr->nranks, 1, &cm, why,
			sizeof why) != 0)
		return -1;
	if (pr->op == COLL_SENDRECV) {
		cm.nranks = 2;
		cm.ppn = cm.nnodes > 1 ? 1 : 2;
		cm.nnodes = cm.nnodes > 1 ? 2 : 1;
	}
	double b1 = 1073741824.0, b2 = 2.0 * b1;
	double t1 = coll_time_ns(&cm, pr->op, b1, (coll_algo)pr->algo, PROTO_SIMPLE);
	double t2 = coll_time_ns(&cm, pr->op, b2, (coll_algo)pr->algo, PROTO_SIMPLE);
	if (t1 < 0 || t2 <= t1)
		return -1;
	return (b2 - b1) / (t2 - t1);
}

/* The model's time (us) of the log's collective at x[0] bytes with the probe's
 * figure at p[0], the algorithm fixed and NCCL's protocol choice for it; for
 * fit_nlls. A configuration that cannot run gives a huge time. */
typedef struct {
	coll_probe *pr;
	const char *key;
} coll_fit_ctx;

static double coll_model_us(const double *p, const double *x, void *ctx)
{
	const coll_fit_ctx *fc = ctx;
	coll_probe *pr = fc->pr;
	profile_gpu e = pr->entry;
	coll_comm cm;
	char why[256];
	coll_algo a;
	coll_proto pp;
	profile_param_put(&e, fc->key, p[0]);
	if (!(p[0] > 0) ||
	    layout_comm(&pr->sc->cl.groups[0], &pr->sc->cl.scaleout, &e, pr->nranks, 1, &cm, why, sizeof why) != 0)
		return 1e30;
	if (pr->op == COLL_SENDRECV) {
		cm.nranks = 2;
		cm.ppn = cm.nnodes > 1 ? 1 : 2;
		cm.nnodes = cm.nnodes > 1 ? 2 : 1;
	}
	double t = coll_choose(&cm, pr->op, x[0], pr->algo, &a, &pp);
	return t < 0 ? 1e30 : t / 1e3;
}

static int label_algo(const char *label, int nnodes)
{
	char low[256];
	size_t i;
	for (i = 0; label[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)label[i]);
	low[i] = '\0';
	if (strstr(low, "nvls"))
		return nnodes > 1 ? ALGO_NVLSTREE : ALGO_NVLS;
	if (strstr(low, "ring"))
		return ALGO_RING;
	if (strstr(low, "tree"))
		return ALGO_TREE;
	return -1;
}

static coll_acc *acc_get(fit_ctx *c, const char *key, const char *alpha_key)
{
	for (int i = 0; i < c->nacc; i++)
		if (strcmp(c->acc[i].key, key) == 0)
			return &c->acc[i];
	if (c->nacc == ACC_MAX)
		return NULL;
	coll_acc *a = &c->acc[c->nacc++];
	memset(a, 0, sizeof *a);
	snprintf(a->key, sizeof a->key, "%s", key);
	snprintf(a->alpha_key, sizeof a->alpha_key, "%s", alpha_key);
	a->r2min = 1;
	return a;
}

static int fit_coll_log(fit_ctx *c, const nccl_log *l, const char *label)
{
	const calib_fit_opts *o = c->o;
	char input[1100];
	if (l->system[0])
		snprintf(input, sizeof input, "%s#%.40s", l->file, label && *label ? label : l->system);
	else
		snprintf(input, sizeof input, "%s", l->file);
	if (!o->sc) {
		snprintf(c->err, c->errlen, "%s: a collective log needs --scenario FILE describing the system it ran on",
			 l->file);
		return -1;
	}
	coll_op op;
	if (op_of(l->op, &op) != 0) {
		snprintf(c->err, c->errlen, "%s: cannot tell the collective (\"%s\"); name the file nccl_<op>... "
			 "or keep the \"# Collective test\" line", l->file, l->op);
		return -1;
	}
	int n = l->nranks ? l->nranks : l->nranks_bw;
	if (n < 2) {
		snprintf(c->err, c->errlen, "%s: the log states no rank count (no \"# Rank\" lines, and busbw/algbw implies none)",
			 l->file);
		return -1;
	}
	int total = scenario_gpus(o->sc);
	if (n > total) {
		snprintf(c->err, c->errlen, "%s: inconsistent: the log has %d ranks but %s has %d GPUs",
			 l->file, n, o->sc->file, total);
		return -1;
	}
	double *b = malloc((size_t)l->nrows * sizeof *b), *t = malloc((size_t)l->nrows * sizeof *t);
	int np = 0, rc = -1;
	if (!b || !t) {
		snprintf(c->err, c->errlen, "%s: out of memory", l->file);
		goto done;
	}
	/* two regimes, as NCCL's protocols split them: the bandwidth regime (Simple;
	 * sizes >= max(1 MiB, largest / 256)) gives the bandwidth, the latency regime
	 * (LL; sizes <= 64 KiB) the latency */
	double maxb = 0;
	for (int i = 0; i < l->nrows; i++)
		if (l->rows[i].bytes > maxb)
			maxb = l->rows[i].bytes;
	double bw_from = maxb / 256 > 1048576 ? maxb / 256 : 1048576;
	double *lb = malloc((size_t)l->nrows * sizeof *lb), *lt = malloc((size_t)l->nrows * sizeof *lt);
	int nl = 0, last_line = 0;
	if (!lb || !lt) {
		free(lb);
		free(lt);
		snprintf(c->err, c->errlen, "%s: out of memory", l->file);
		goto done;
	}
	for (int i = 0; i < l->nrows; i++) {
		const nccl_log_row *r = &l->rows[i];
		double tt = !isnan(r->oop_time_us) ? r->oop_time_us : r->ip_time_us;
		if (!(tt > 0) || !isfinite(tt))
			continue; /* a busbw of 0.00 in a table: below the print resolution */
		if (r->bytes >= bw_from) {
			b[np] = r->bytes;
			t[np++] = tt;
			last_line = r->line;
		} else if (r->bytes <= 65536) {
			lb[nl] = r->bytes;
			lt[nl++] = tt;
		}
	}
	fit_result f, fl;
	char why[256];
	int fix = np < 3, have_lat = 0;
	if (fit_alpha_beta(b, t, np, fix, &f, why, sizeof why) != 0) {
		snprintf(c->err, c->errlen, "%s:%d: sizes >= %.0f B (the bandwidth regime): %s", l->file,
			 last_line ? last_line : (l->nrows ? l->rows[l->nrows - 1].line : 0), bw_from, why);
		free(lb);
		free(lt);
		goto done;
	}
	if (nl >= 3 && fit_alpha_beta(lb, lt, nl, 0, &fl, why, sizeof why) == 0 && fl.p[0] > 0)
		have_lat = 1;
	free(lb);
	free(lt);
	double B = fix ? f.p[0] : f.p[1];

	coll_probe pr;
	memset(&pr, 0, sizeof pr);
	pr.sc = o->sc;
	pr.entry = *c->g;
	pr.op = op;
	pr.nranks = n;
	coll_comm cm;
	if (layout_comm(&o->sc->cl.groups[0], &o->sc->cl.scaleout, c->g, n, 1, &cm, why, sizeof why) != 0) {
		snprintf(c->err, c->errlen, "%s: %s", l->file, why);
		goto done;
	}
	int algo = o->force_algo;
	if (algo < 0 && l->system[0])
		algo = label_algo(l->system, cm.nnodes);
	pr.algo = algo;
	if (algo < 0 || coll_time_ns(&cm, op, b[np - 1], (coll_algo)algo, PROTO_SIMPLE) < 0) {
		coll_algo a;
		coll_proto p;
		if (coll_choose(&cm, op, b[np - 1], o->force_algo, &a, &p) < 0) {
			snprintf(c->err, c->errlen, "%s: the model cannot run %s on %d ranks of %s", l->file, l->op, n,
				 o->sc->file);
			goto done;
		}
		algo = (int)a;
		pr.algo = algo;
	}
	/* the figure the model's bandwidth depends on most */
	const char *cands[] = { cm.intra_pcie ? "link.pcie.efficiency" : "link.scale-up.efficiency",
				"link.scale-out.efficiency", "nvls", "collnet" };
	const char *key = NULL;
	double best = 0.3;
	for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
		double v0;
		profile_param_get(&pr.entry, cands[i], &v0);
		if (v0 <= 0)
			continue;
		double b0 = model_bw(&pr, cands[i], v0), b1 = model_bw(&pr, cands[i], v0 * 0.99);
		if (b0 <= 0 || b1 <= 0)
			continue;
		double el = (b0 - b1) / b0 / 0.01;
		if (el > best) {
			best = el;
			key = cands[i];
		}
	}
	if (!key) {
		snprintf(c->err, c->errlen, "%s: the model's %s bandwidth with %s depends on no profile figure",
			 l->file, l->op, coll_algo_name((coll_algo)algo));
		goto done;
	}
	double lo = 1e-3, hi = 1.0;
	double bhi = model_bw(&pr, key, hi);
	if (bhi < B * 0.98) {
		snprintf(c->err, c->errlen, "%s: inconsistent: %.1f GB/s measured, but %s at efficiency 1 gives only %.1f GB/s "
			 "with %s on %s; is the scenario's hardware the one measured?", l->file, B, key, bhi,
			 coll_algo_name((coll_algo)algo), o->sc->file);
		goto done;
	}
	double v = 1.0;
	if (bhi > B) {
		for (int it = 0; it < 80; it++) {
			double mid = 0.5 * (lo + hi);
			if (model_bw(&pr, key, mid) < B)
				lo = mid;
			else
				hi = mid;
		}
		v = 0.5 * (lo + hi);
	}
	double h = v * 1e-3;
	double d = (model_bw(&pr, key, v + h) - model_bw(&pr, key, v - h)) / (2 * h);
	if (!(d > 0)) {
		snprintf(c->err, c->errlen, "%s: the model's bandwidth does not move with %s", l->file, key);
		goto done;
	}
	const char *cls = strstr(key, "scale-out") || strcmp(key, "collnet") == 0 ? "scale-out" :
			  cm.intra_pcie ? "pcie" : "scale-up";
	char alpha_key[32];
	snprintf(alpha_key, sizeof alpha_key, "link.%s.alpha", cls);
	coll_acc *a = acc_get(c, key, alpha_key);
	if (!a || a->n == EST_MAX) {
		snprintf(c->err, c->errlen, "%s: too many logs for %s", l->file, key);
		goto done;
	}
	/* the figure itself, fitted through the model over the bandwidth regime,
	 * started from the asymptotic match */
	coll_fit_ctx fc = { &pr, key };
	fit_result fm;
	double p0[1] = { v }, *wt = malloc((size_t)np * sizeof *wt);
	if (!wt) {
		snprintf(c->err, c->errlen, "%s: out of memory", l->file);
		goto done;
	}
	for (int i = 0; i < np; i++)
		wt[i] = 1.0 / (t[i] * t[i]);
	int frc = fit_nlls(coll_model_us, &fc, b, 1, t, wt, np, 1, p0, &fm, why, sizeof why);
	free(wt);
	if (frc != 0) {
		snprintf(c->err, c->errlen, "%s:%d: fitting %s through the model: %s", l->file, last_line, key, why);
		goto done;
	}
	if (fm.p[0] > 1.02 || !(fm.p[0] > 0)) {
		snprintf(c->err, c->errlen, "%s: inconsistent: the sweep needs %s = %.3f with %s on %s; is the scenario's "
			 "hardware the one measured?", l->file, key, fm.p[0], coll_algo_name((coll_algo)algo), o->sc->file);
		goto done;
	}
	int k = a->n++;
	a->v[k] = fm.p[0];
	a->var[k] = fm.cov[0][0];
	v = fm.p[0];
	f = fm; /* the goodness of fit reported is the model's, with the fitted figure */
	if (have_lat) {
		double steps = op == COLL_ALLREDUCE ? 2.0 * (n - 1) :
			       op == COLL_ALLGATHER || op == COLL_REDUCESCATTER ? n - 1.0 :
			       op == COLL_ALLTOALL ? n : 1.0;
		double s = 1e3 / steps; /* us per collective -> ns per step */
		a->has_alpha[k] = 1;
		a->a[k] = fl.p[0] * s;
		a->avar[k] = fl.cov[0][0] * s * s;
		a->cov[k] = 0; /* disjoint rows: independent of the bandwidth */
	}
	a->points += np;
	if (f.r2 < a->r2min)
		a->r2min = f.r2;
	a->rms2 += f.rel_rms * f.rel_rms * np;
	snprintf(a->inputs + strlen(a->inputs), sizeof a->inputs - strlen(a->inputs), "%s%s",
		 a->inputs[0] ? ", " : "", base_name(input));
	char what[96];
	snprintf(what, sizeof what, "%s %d ranks %s", l->op, n, coll_algo_name((coll_algo)algo));
	account(c, input, what, key, v, sqrt(a->var[k]), f.r2, f.rel_rms, np);
	if (a->has_alpha[k]) {
		char wl[96];
		snprintf(wl, sizeof wl, "%s %d ranks, <= 64 KiB", l->op, n);
		account(c, input, wl, alpha_key, a->a[k], sqrt(a->avar[k]), fl.r2, fl.rel_rms, fl.n);
	}
	/* later logs see this figure */
	profile_param_set(c->g, key, v, 1);
	rc = 0;
done:
	free(b);
	free(t);
	return rc;
}

static int combine_colls(fit_ctx *c)
{
	for (int i = 0; i < c->nacc; i++) {
		coll_acc *a = &c->acc[i];
		double W = 0, sv = 0, Wa = 0, sa = 0;
		for (int k = 0; k < a->n; k++) {
			double w = a->var[k] > 0 ? 1.0 / a->var[k] : 1e30;
			W += w;
			sv += w * a->v[k];
			if (a->has_alpha[k]) {
				double wa = a->avar[k] > 0 ? 1.0 / a->avar[k] : 1e30;
				Wa += wa;
				sa += wa * a->a[k];
			}
		}
		double v = sv / W, var = 1.0 / W;
		if (a->n > 1) {
			double chi2 = 0;
			for (int k = 0; k < a->n; k++)
				chi2 += (a->v[k] - v) * (a->v[k] - v) / (a->var[k] > 0 ? a->var[k] : 1e-30);
			double birge = chi2 / (a->n - 1);
			if (birge > 4) {
				/* the logs disagree far beyond their own scatter: the model, not
				 * the measurement, limits this figure, so each log counts once */
				double m = 0, ss = 0;
				for (int k = 0; k < a->n; k++)
					m += a->v[k] / a->n;
				for (int k = 0; k < a->n; k++)
					ss += (a->v[k] - m) * (a->v[k] - m);
				double se2 = ss / (a->n - 1) / a->n;
				v = m;
				var = se2 > var ? se2 : var;
				a->equal_weights = 1;
			} else if (birge > 1) {
				var *= birge;
			}
		}
		char keys[2][32];
		double vals[2] = { v, 0 };
		double cov[2][FIT_MAX_PARAMS];
		memset(cov, 0, sizeof cov);
		cov[0][0] = var;
		snprintf(keys[0], 32, "%s", a->key);
		int np = 1;
		if (Wa > 0) {
			double av = sa / Wa, cross = 0;
			for (int k = 0; k < a->n; k++)
				if (a->has_alpha[k]) {
					double w = (a->var[k] > 0 ? 1.0 / a->var[k] : 1e30) / W;
					double wa = (a->avar[k] > 0 ? 1.0 / a->avar[k] : 1e30) / Wa;
					cross += w * wa * a->cov[k];
				}
			snprintf(keys[1], 32, "%s", a->alpha_key);
			vals[1] = av;
			cov[1][1] = 1.0 / Wa;
			cov[0][1] = cov[1][0] = cross;
			np = 2;
		}
		if (a->n > 1) {
			char what[96];
			snprintf(what, sizeof what, "%d logs, %s", a->n,
				 a->equal_weights ? "disagree: plain mean" : "inverse-variance mean");
			account(c, "(combined)", what, a->key, v, sqrt(var), a->r2min,
				sqrt(a->rms2 / (a->points ? a->points : 1)), a->points);
		}
		const char *name = strncmp(a->key, "link.", 5) == 0 ? a->key + 5 : a->key;
		char nm[32];
		snprintf(nm, sizeof nm, "%s", name);
		char *dot = strchr(nm, '.');
		if (dot)
			*dot = '\0';
		if (add_fit(c, nm, a->inputs, a->points, a->r2min, sqrt(a->rms2 / (a->points ? a->points : 1)), np,
			    (const char (*)[32])keys, vals, cov) != 0)
			return -1;
	}
	return 0;
}

static int fit_log_file(fit_ctx *c, const char *spec)
{
	char path[600], label[200] = "";
	snprintf(path, sizeof path, "%s", spec);
	char *hash = strchr(path, '#');
	if (hash) {
		*hash = '\0';
		snprintf(label, sizeof label, "%s", hash + 1);
	}
	nccl_log *logs;
	int n, used = 0, rc = -1;
	if (nccl_logs_read(path, &logs, &n, c->err, c->errlen) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (label[0] && !strstr(logs[i].system, label))
			continue;
		if (n > 1 && !label[0]) {
			snprintf(c->err, c->errlen, "%s: a table of %d systems; pick one with %s#<text of its column label>",
				 path, n, path);
			goto done;
		}
		if (fit_coll_log(c, &logs[i], label) != 0)
			goto done;
		add_input(c, path, logs[i].system[0] ? logs[i].system : logs[i].gpu, logs[i].version, NULL);
		used++;
	}
	if (!used) {
		snprintf(c->err, c->errlen, "%s: no column label contains \"%s\"", path, label);
		goto done;
	}
	rc = 0;
done:
	nccl_logs_free(logs, n);
	return rc;
}

static int fit_suite_dir(fit_ctx *c, const char *dir, const hw_gpu *gpu)
{
	suite_results r;
	if (suite_read(dir, &r, c->err, c->errlen) != 0)
		return -1;
	int rc = -1;
	char hw[128], ver[64];
	const char *mg = suite_meta(&r, "gpu"), *ng = suite_meta(&r, "gpus");
	snprintf(hw, sizeof hw, "%s%s%s", ng ? ng : "", ng ? " x " : "", mg ? mg : "");
	const char *nc = suite_meta(&r, "nccl"), *cu = suite_meta(&r, "cuda"), *dr = suite_meta(&r, "driver");
	snprintf(ver, sizeof ver, "%s%s%s%s%s%s", dr ? "driver " : "", dr ? dr : "", cu ? " CUDA " : "",
		 cu ? cu : "", nc ? " NCCL " : "", nc ? nc : "");
	add_input(c, dir, hw, ver, suite_meta(&r, "date"));
	if (r.ngemm && fit_suite_gemm(c, &r, gpu) != 0)
		goto done;
	if (fit_stream(c, &r, 1u << HBM_READ | 1u << HBM_WRITE | 1u << HBM_COPY, gpu->mem_bw_Bps,
		       "HBM stream", "hbm", "kernel-overhead", 1e3) != 0)
		goto done;
	double pcie = c->o->sc ? c->o->sc->cl.groups[0].node->pcie_bw_Bps : 0;
	if (pcie > 0 && fit_stream(c, &r, 1u << HBM_H2D | 1u << HBM_D2H, pcie, "host-device copy",
				   "link.pcie.efficiency", "link.pcie.alpha", 1e3) != 0)
		goto done;
	if (r.npower && fit_suite_power(c, &r) != 0)
		goto done;
	if (r.np2p && fit_suite_p2p(c, &r) != 0)
		goto done;
	for (int i = 0; i < r.nnccl; i++)
		if (fit_log_file(c, r.nccl[i]) != 0)
			goto done;
	rc = 0;
done:
	suite_free(&r);
	return rc;
}

int calib_fit(const calib_fit_opts *o, profile *out, calib_account *acct, char *err,
	      size_t errlen)
{
	const hw_gpu *gpu = o->gpu ? o->gpu : (o->sc ? o->sc->cl.groups[0].gpu : NULL);
	if (!gpu) {
		snprintf(err, errlen, "which GPU was measured? give --scenario FILE or --gpu ID");
		return -1;
	}
	if (o->ninputs < 1) {
		snprintf(err, errlen, "no inputs: give result folders, nccl-tests logs or tables");
		return -1;
	}
	fit_ctx *c = calloc(1, sizeof *c);
	profile *p = calloc(1, sizeof *p);
	int rc = -1;
	if (!c || !p) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	c->o = o;
	c->p = p;
	c->err = err;
	c->errlen = errlen;
	*p = *o->base;
	p->ninputs = 0;
	snprintf(p->name, sizeof p->name, "%s", o->name);
	p->file[0] = '\0';
	/* the entry fitted: the GPU's own, else a copy of what it used (the "*" entry) */
	profile_gpu *g = NULL;
	for (int i = 0; i < p->ngpus; i++)
		if (strcmp(p->gpus[i].gpu, gpu->id) == 0)
			g = &p->gpus[i];
	if (!g) {
		const profile_gpu *from = profile_for(o->base, gpu->id);
		if (!from || p->ngpus == PROFILE_MAX_GPUS) {
			snprintf(err, errlen, "the base profile %s has no entry for %s and no \"*\" entry",
				 o->base->file, gpu->id);
			goto done;
		}
		g = &p->gpus[p->ngpus++];
		*g = *from;
		snprintf(g->gpu, sizeof g->gpu, "%s", gpu->id);
	}
	c->g = g;
	for (int i = 0; i < o->ninputs; i++) {
		struct stat st;
		char path[600];
		snprintf(path, sizeof path, "%s", o->inputs[i]);
		char *hash = strchr(path, '#');
		if (hash)
			*hash = '\0';
		if (stat(path, &st) != 0) {
			snprintf(err, errlen, "%s: cannot open: no such file or folder", path);
			goto done;
		}
		if (S_ISDIR(st.st_mode) ? fit_suite_dir(c, o->inputs[i], gpu) != 0 :
					  fit_log_file(c, o->inputs[i]) != 0)
			goto done;
	}
	if (combine_colls(c) != 0)
		goto done;
	if (c->have_p2p) {
		int from_logs = 0;
		for (int i = 0; i < c->nacc; i++)
			if (strcmp(c->acc[i].key, "link.scale-up.efficiency") == 0)
				from_logs = 1;
		if (!from_logs) {
			const profile_fit *pf = &c->p2p;
			char keys[2][32];
			double cov[2][FIT_MAX_PARAMS];
			for (int a = 0; a < pf->np; a++) {
				snprintf(keys[a], 32, "%s", pf->param[a]);
				for (int b = 0; b < pf->np; b++)
					cov[a][b] = pf->cov[a][b];
			}
			if (add_fit(c, pf->name, pf->inputs, pf->points, pf->r2, pf->rel_rms, pf->np,
				    (const char (*)[32])keys, pf->value, cov) != 0)
				goto done;
		}
	}
	if (c->nfits == 0) {
		snprintf(err, errlen, "nothing to fit in the inputs");
		goto done;
	}
	/* keep the base's fits of figures not fitted now, then the new ones */
	int keep = 0;
	for (int i = 0; i < g->nfits; i++) {
		int clash = 0;
		for (int j = 0; j < g->fits[i].np; j++)
			for (int k = 0; k < c->nfits; k++)
				for (int m = 0; m < c->fits[k].np; m++)
					if (strcmp(g->fits[i].param[j], c->fits[k].param[m]) == 0)
						clash = 1;
		if (!clash && keep + c->nfits < PROFILE_MAX_FITS)
			g->fits[keep++] = g->fits[i];
	}
	for (int k = 0; k < c->nfits; k++)
		g->fits[keep++] = c->fits[k];
	g->nfits = keep;
	/* g->measured stays the base's: the fitted figures say so through their <fit>,
	 * the others were not measured by this fit */
	char src[HW_SOURCE_LEN];
	const char *bf = rel_path(o->base->file);
	int w = snprintf(src, sizeof src, "Figures with a <fit> were fitted by capsim calibrate fit on %s to the "
			 "inputs it names; the others are the base profile's (%s), whose source reads: %s",
			 o->date, bf, g->source);
	if (w >= (int)sizeof src) {
		static const char cut[] = " [... cut; full text in the base profile]";
		memcpy(src + sizeof src - sizeof cut, cut, sizeof cut);
	}
	snprintf(g->source, sizeof g->source, "%s", src);
	for (int i = 0; i < o->nalso; i++) {
		profile_gpu *t = NULL;
		for (int k = 0; k < p->ngpus; k++)
			if (strcmp(p->gpus[k].gpu, o->also[i]) == 0)
				t = &p->gpus[k];
		if (!t) {
			if (p->ngpus == PROFILE_MAX_GPUS) {
				snprintf(err, errlen, "more than %d GPU entries", PROFILE_MAX_GPUS);
				goto done;
			}
			t = &p->gpus[p->ngpus++];
		}
		*t = *g;
		snprintf(t->gpu, sizeof t->gpu, "%s", o->also[i]);
	}
	snprintf(p->provenance, sizeof p->provenance,
		 "Fitted by `capsim calibrate fit` on %s for %s%s from %d input(s) (listed in <input>); the "
		 "system measured as described by %s. Residuals and parameter covariances are in each <fit>. "
		 "Entries and figures without a <fit> are copied from the base profile %s.",
		 o->date, gpu->id, o->nalso ? " (its figures copied to the other fitted entries)" : "",
		 p->ninputs, o->sc ? rel_path(o->sc->file) : "(no scenario)", rel_path(o->base->file));
	*out = *p;
	*acct = c->acct;
	rc = 0;
done:
	free(c);
	free(p);
	return rc;
}
