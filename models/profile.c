/* profile.c -- lookup of a GPU's entry in a calibration profile. */
#include "models/profile.h"

#include <stdint.h>
#include <string.h>

const profile_gpu *profile_for(const profile *p, const char *gpu_id)
{
	const profile_gpu *any = NULL;
	for (int i = 0; i < p->ngpus; i++) {
		if (strcmp(p->gpus[i].gpu, gpu_id) == 0)
			return &p->gpus[i];
		if (strcmp(p->gpus[i].gpu, "*") == 0)
			any = &p->gpus[i];
	}
	return any;
}

static const char *const link_keys[LINK_CLASS_COUNT] = { "scale-up", "pcie", "scale-out" };

/* The address of a figure and whether it is a fraction; NULL for unknown keys. */
static double *param_slot(profile_gpu *g, const char *key, int *fraction, int *link)
{
	static const char *const fracs[] = { "attention", "hbm", "nvls", "collnet" };
	*fraction = 0;
	*link = -1;
	if (strncmp(key, "gemm.", 5) == 0) {
		int d = hw_dtype_parse(key + 5);
		*fraction = 1;
		return d >= 0 ? &g->gemm_eff[d] : NULL;
	}
	if (strcmp(key, "gemm-half-dim") == 0)
		return &g->gemm_half_dim;
	if (strcmp(key, "kernel-overhead") == 0)
		return &g->kernel_overhead_ns;
	if (strcmp(key, "power-idle") == 0)
		return &g->power_idle_w;
	if (strcmp(key, "power-dynamic") == 0)
		return &g->power_dynamic_w;
	for (size_t i = 0; i < sizeof fracs / sizeof fracs[0]; i++)
		if (strcmp(key, fracs[i]) == 0) {
			*fraction = 1;
			return i == 0 ? &g->attn_eff : i == 1 ? &g->hbm_eff : i == 2 ? &g->nvls_eff : &g->collnet_eff;
		}
	if (strncmp(key, "link.", 5) == 0) {
		for (int c = 0; c < LINK_CLASS_COUNT; c++) {
			size_t n = strlen(link_keys[c]);
			if (strncmp(key + 5, link_keys[c], n) != 0 || key[5 + n] != '.')
				continue;
			const char *what = key + 6 + n;
			*link = c;
			if (strcmp(what, "efficiency") == 0) {
				*fraction = 1;
				return &g->link[c].bw_eff;
			}
			if (strcmp(what, "alpha") == 0)
				return &g->link[c].alpha_ns;
		}
	}
	return NULL;
}

int profile_param_get(const profile_gpu *g, const char *key, double *v)
{
	int frac, link;
	double *slot = param_slot((profile_gpu *)(uintptr_t)g, key, &frac, &link);
	if (!slot)
		return -1;
	*v = *slot;
	return 0;
}

int profile_param_set(profile_gpu *g, const char *key, double v, int measured)
{
	int frac, link;
	double *slot = param_slot(g, key, &frac, &link);
	if (!slot)
		return -1;
	if (frac) {
		if (v > 1.0)
			v = 1.0;
		if (v < 1e-6)
			v = 1e-6;
	} else if (v < 0) {
		v = 0;
	}
	*slot = v;
	if (link >= 0 && measured)
		g->link[link].measured = 1;
	return 0;
}

int profile_param_put(profile_gpu *g, const char *key, double v)
{
	int frac, link;
	double *slot = param_slot(g, key, &frac, &link);
	if (!slot)
		return -1;
	*slot = v;
	return 0;
}

int profile_param_is_fraction(const char *key)
{
	profile_gpu g;
	int frac, link;
	return param_slot(&g, key, &frac, &link) ? frac : -1;
}

const profile_fit *profile_fit_of(const profile_gpu *g, const char *key)
{
	for (int i = 0; i < g->nfits; i++)
		for (int j = 0; j < g->fits[i].np; j++)
			if (strcmp(g->fits[i].param[j], key) == 0)
				return &g->fits[i];
	return NULL;
}
