/* profile_load.c -- calibration profile files into `profile` structs.
 *
 * The profile is built in a scratch allocation and copied out only when the whole
 * file is good. Absent figures stay 0 ("unknown"); the models fall back to the
 * "*" entry or say so. */
#include "scenarios/profile_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/units.h"
#include "scenarios/xmldoc.h"

static const char *const link_names[LINK_CLASS_COUNT] = { "scale-up", "pcie", "scale-out" };

const char *profile_default_path(void)
{
	const char *p = getenv("CAPSIM_PROFILE");
	return p && *p ? p : CAPSIM_SRCDIR "/calibrate/profiles/default.xml";
}

/* A fraction in (0, 1]; absent leaves *out alone. */
static int fraction(const xmldoc_node *n, const char *attr, double *out, char *err,
                    size_t errlen)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	double x;
	if (!v)
		return 0;
	if (units_parse(v, UNIT_NUMBER, attr, &x, why, sizeof why) < 0 || x <= 0 || x > 1)
		return xmldoc_error(n, attr, err, errlen,
		                    "%s needs a fraction in (0, 1] such as \"0.8\"", attr);
	*out = x;
	return 0;
}

static int quantity(const xmldoc_node *n, const char *attr, units_kind kind, double *out,
                    char *err, size_t errlen)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (v && units_parse(v, kind, attr, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, err, errlen, "%s", why);
	return 0;
}

static int boolean(const xmldoc_node *n, const char *attr, int *out, char *err,
                   size_t errlen)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (v && units_bool(v, attr, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, err, errlen, "%s", why);
	return 0;
}

/* <fit name points r2 rms inputs><param name value stderr/>...<covariance>...</fit> */
static int parse_fit(const xmldoc_node *n, profile_fit *f, char *err, size_t errlen)
{
	const char *v;
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", xmldoc_attr(n, "name"));
	if ((v = xmldoc_attr(n, "inputs")))
		snprintf(f->inputs, sizeof f->inputs, "%s", v);
	f->points = atoi(xmldoc_attr(n, "points"));
	f->r2 = (v = xmldoc_attr(n, "r2")) ? strtod(v, NULL) : (double)NAN;
	f->rel_rms = (v = xmldoc_attr(n, "rms")) ? strtod(v, NULL) : (double)NAN;
	char cov[4096] = "";
	int ncov = 0;
	const xmldoc_node *cn = NULL;
	for (const xmldoc_node *c = xmldoc_first(n); c; c = xmldoc_next(c)) {
		if (strcmp(xmldoc_name(c), "param") == 0) {
			const char *key = xmldoc_attr(c, "name");
			if (profile_param_is_fraction(key) < 0)
				return xmldoc_error(c, "name", err, errlen,
				                    "unknown figure; expected gemm.<dtype>, gemm-half-dim, attention, hbm, "
				                    "nvls, collnet, kernel-overhead, link.<class>.efficiency, "
				                    "link.<class>.alpha, power-idle or power-dynamic");
			for (int j = 0; j < f->np; j++)
				if (strcmp(f->param[j], key) == 0)
					return xmldoc_error(c, "name", err, errlen, "%s given twice", key);
			snprintf(f->param[f->np], sizeof f->param[0], "%s", key);
			f->value[f->np] = strtod(xmldoc_attr(c, "value"), NULL);
			f->np++;
		} else if (strcmp(xmldoc_name(c), "covariance") == 0) {
			cn = c;
			xmldoc_text(c, cov, sizeof cov);
		}
	}
	char *p = cov;
	for (;;) {
		char *end;
		double x = strtod(p, &end);
		if (end == p)
			break;
		if (ncov < PROFILE_FIT_PARAMS * PROFILE_FIT_PARAMS)
			f->cov[ncov / f->np][ncov % f->np] = x;
		ncov++;
		p = end;
	}
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	if (*p || ncov != f->np * f->np)
		return xmldoc_error(cn, NULL, err, errlen,
		                    "<covariance> needs %d numbers (%d x %d, row by row), found %d%s",
		                    f->np * f->np, f->np, f->np, ncov, *p ? " and other text" : "");
	for (int a = 0; a < f->np; a++) {
		if (!(f->cov[a][a] >= 0))
			return xmldoc_error(cn, NULL, err, errlen, "a variance on the diagonal is negative");
		for (int b = 0; b < a; b++)
			if (fabs(f->cov[a][b] - f->cov[b][a]) > 1e-6 * (fabs(f->cov[a][b]) + 1e-300) + 1e-300)
				return xmldoc_error(cn, NULL, err, errlen, "the covariance is not symmetric");
	}
	return 0;
}

static int parse_gpu_profile(const xmldoc_node *n, profile_gpu *g, char *err,
                             size_t errlen)
{
	snprintf(g->gpu, sizeof g->gpu, "%s", xmldoc_attr(n, "gpu"));
	if (boolean(n, "measured", &g->measured, err, errlen) < 0 ||
	    quantity(n, "gemm-half-dim", UNIT_NUMBER, &g->gemm_half_dim, err, errlen) < 0 ||
	    fraction(n, "attention", &g->attn_eff, err, errlen) < 0 ||
	    fraction(n, "nvls", &g->nvls_eff, err, errlen) < 0 ||
	    fraction(n, "collnet", &g->collnet_eff, err, errlen) < 0 ||
	    fraction(n, "nvls-tree", &g->nvls_tree_eff, err, errlen) < 0 ||
	    quantity(n, "mnnvl-step", UNIT_TIME_NS, &g->mnnvl_step_ns, err, errlen) < 0 ||
	    fraction(n, "mnnvl-ring", &g->mnnvl_ring_eff, err, errlen) < 0 ||
	    quantity(n, "mnnvl-nvls-latency", UNIT_TIME_NS, &g->mnnvl_nvls_latency_ns, err, errlen) < 0 ||
	    fraction(n, "hbm", &g->hbm_eff, err, errlen) < 0 ||
	    quantity(n, "kernel-overhead", UNIT_TIME_NS, &g->kernel_overhead_ns, err,
	             errlen) < 0 ||
	    quantity(n, "memory-reserve", UNIT_BYTES, &g->memory_reserve_B, err, errlen) < 0 ||
	    quantity(n, "power-idle", UNIT_POWER, &g->power_idle_w, err, errlen) < 0 ||
	    quantity(n, "power-dynamic", UNIT_POWER, &g->power_dynamic_w, err, errlen) < 0)
		return -1;

	for (const xmldoc_node *c = xmldoc_first(n); c; c = xmldoc_next(c)) {
		const char *name = xmldoc_name(c);
		if (strcmp(name, "gemm") == 0) {
			int d = hw_dtype_parse(xmldoc_attr(c, "dtype"));
			if (d < 0)
				return xmldoc_error(c, "dtype", err, errlen, "unknown precision");
			if (g->gemm_eff[d] > 0)
				return xmldoc_error(c, "dtype", err, errlen,
				                    "GEMM efficiency for %s given twice", hw_dtype_name((hw_dtype)d));
			if (fraction(c, "efficiency", &g->gemm_eff[d], err, errlen) < 0)
				return -1;
		} else if (strcmp(name, "link") == 0) {
			const char *cls = xmldoc_attr(c, "class");
			int k = -1;
			for (int i = 0; i < LINK_CLASS_COUNT; i++)
				if (cls && strcmp(cls, link_names[i]) == 0)
					k = i;
			if (k < 0)
				return xmldoc_error(c, "class", err, errlen, "unknown link class");
			link_eff *l = &g->link[k];
			if (l->bw_eff > 0)
				return xmldoc_error(c, "class", err, errlen, "link class %s given twice", cls);
			l->measured = g->measured;
			if (quantity(c, "alpha", UNIT_TIME_NS, &l->alpha_ns, err, errlen) < 0 ||
			    fraction(c, "efficiency", &l->bw_eff, err, errlen) < 0 ||
			    boolean(c, "measured", &l->measured, err, errlen) < 0)
				return -1;
		} else if (strcmp(name, "source") == 0) {
			xmldoc_text(c, g->source, sizeof g->source);
		} else if (strcmp(name, "fit") == 0) {
			if (g->nfits == PROFILE_MAX_FITS)
				return xmldoc_error(c, "name", err, errlen, "more than %d fits", PROFILE_MAX_FITS);
			if (parse_fit(c, &g->fits[g->nfits], err, errlen) < 0)
				return -1;
			g->nfits++;
		}
	}
	/* a fit's values are the entry's figures: anything else is a hand edit that
	 * left the covariance describing other numbers */
	for (int i = 0; i < g->nfits; i++) {
		const profile_fit *f = &g->fits[i];
		for (int j = 0; j < f->np; j++) {
			double v = 0;
			profile_param_get(g, f->param[j], &v);
			if (fabs(v - f->value[j]) > 1e-4 * fabs(f->value[j]) + 1e-9)
				return xmldoc_error(n, "gpu", err, errlen,
				                    "fit \"%s\" gives %s = %g but the entry says %g; "
				                    "refit or edit both", f->name, f->param[j], f->value[j], v);
		}
	}
	return 0;
}

int profile_load(const char *path, profile *out, char *err, size_t errlen)
{
	int rc = -1;
	xmldoc *doc = NULL;
	profile *p = NULL;
	char xsd[1024];
	const xmldoc_node *root, *prov;

	if (xmldoc_load(path, xmldoc_schema_path("profile.xsd", xsd, sizeof xsd), &doc, err,
	                errlen) < 0)
		return -1;
	p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	root = xmldoc_root(doc);
	snprintf(p->name, sizeof p->name, "%s", xmldoc_attr(root, "name"));
	snprintf(p->file, sizeof p->file, "%s", path);
	prov = xmldoc_child(root, "provenance");
	if (prov)
		xmldoc_text(prov, p->provenance, sizeof p->provenance);
	for (const xmldoc_node *n = xmldoc_first(root); n; n = xmldoc_next(n)) {
		if (strcmp(xmldoc_name(n), "input") != 0)
			continue;
		profile_input *in = &p->inputs[p->ninputs++];
		const char *v;
		snprintf(in->file, sizeof in->file, "%s", xmldoc_attr(n, "file"));
		if ((v = xmldoc_attr(n, "hardware")))
			snprintf(in->hardware, sizeof in->hardware, "%s", v);
		if ((v = xmldoc_attr(n, "version")))
			snprintf(in->version, sizeof in->version, "%s", v);
		if ((v = xmldoc_attr(n, "date")))
			snprintf(in->date, sizeof in->date, "%s", v);
	}

	for (const xmldoc_node *n = xmldoc_first(root); n; n = xmldoc_next(n)) {
		if (strcmp(xmldoc_name(n), "gpu-profile") != 0)
			continue;
		const char *gpu = xmldoc_attr(n, "gpu");
		if (p->ngpus == PROFILE_MAX_GPUS) {
			xmldoc_error(n, "gpu", err, errlen, "more than %d gpu-profile entries",
			             PROFILE_MAX_GPUS);
			goto done;
		}
		for (int i = 0; i < p->ngpus; i++) {
			if (strcmp(p->gpus[i].gpu, gpu) == 0) {
				xmldoc_error(n, "gpu", err, errlen, "a second gpu-profile for %s", gpu);
				goto done;
			}
		}
		if (parse_gpu_profile(n, &p->gpus[p->ngpus], err, errlen) < 0)
			goto done;
		p->ngpus++;
	}
	*out = *p;
	rc = 0;
done:
	free(p);
	xmldoc_free(doc);
	return rc;
}
