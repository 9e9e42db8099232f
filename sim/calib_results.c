/* calib_results.c -- how each calibration figure behind a run was obtained. */
#include "sim/calib_results.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void calib_results_fill(const profile *p, const profile_gpu *e, const char *gpu_id, hw_dtype dt,
			int gemm_defaulted, calib_results *out)
{
	memset(out, 0, sizeof *out);
	out->present = 1;
	snprintf(out->profile, sizeof out->profile, "%s", p->name);
	snprintf(out->file, sizeof out->file, "%s", p->file);
	snprintf(out->entry, sizeof out->entry, "%s", e->gpu);
	char keys[12][32];
	int nk = 0;
	snprintf(keys[nk++], 32, "gemm.%s", hw_dtype_name(dt));
	static const char *const rest[] = {
		"gemm-half-dim", "attention", "hbm", "kernel-overhead", "link.scale-up.efficiency",
		"link.scale-up.alpha", "link.scale-out.efficiency", "link.pcie.efficiency", "nvls", "collnet",
	};
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
		snprintf(keys[nk++], 32, "%s", rest[i]);
	int fallback = strcmp(e->gpu, gpu_id) != 0;
	for (int i = 0; i < nk && out->nfig < RESULTS_CALIB_FIGS; i++) {
		double v = 0;
		profile_param_get(e, keys[i], &v);
		if ((strcmp(keys[i], "nvls") == 0 || strcmp(keys[i], "collnet") == 0) && v <= 0)
			continue; /* not used: the hardware path does not exist in this profile */
		const char *status;
		double se = 0;
		const profile_fit *f = profile_fit_of(e, keys[i]);
		int link = strncmp(keys[i], "link.", 5) == 0;
		int link_measured = 0;
		if (link) {
			for (int c = 0; c < LINK_CLASS_COUNT; c++) {
				static const char *const cls[] = { "scale-up", "pcie", "scale-out" };
				if (strncmp(keys[i] + 5, cls[c], strlen(cls[c])) == 0)
					link_measured = e->link[c].measured;
			}
		}
		if (i == 0 && gemm_defaulted) {
			status = "defaulted";
			snprintf(keys[i], 32, "gemm.bf16");
			profile_param_get(e, keys[i], &v);
		} else if (fallback || v <= 0) {
			status = "defaulted";
		} else if (f) {
			status = "fitted";
			for (int j = 0; j < f->np; j++)
				if (strcmp(f->param[j], keys[i]) == 0)
					se = sqrt(f->cov[j][j] > 0 ? f->cov[j][j] : 0);
		} else if (e->nfits == 0 && (link ? link_measured : e->measured)) {
			status = "measured";
		} else {
			status = "from-profile";
		}
		int k = out->nfig++;
		snprintf(out->fig[k].key, sizeof out->fig[k].key, "%.31s", keys[i]);
		out->fig[k].value = v;
		out->fig[k].stderr_ = se;
		snprintf(out->fig[k].status, sizeof out->fig[k].status, "%s", status);
	}
}
