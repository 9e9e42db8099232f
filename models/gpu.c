/* gpu.c -- roofline kernel times with calibrated efficiencies. */
#include "models/gpu.h"

#include <math.h>
#include <stdio.h>

int gpu_model_init(gpu_model *g, const hw_gpu *gpu, const profile *prof, hw_dtype dt,
		   char *err, size_t errlen)
{
	const profile_gpu *e = profile_for(prof, gpu->id);
	if (gpu->peak_flops[dt] <= 0) {
		snprintf(err, errlen, "%s has no %s tensor peak in the catalog",
			 gpu->id, hw_dtype_name(dt));
		return -1;
	}
	if (!e) {
		snprintf(err, errlen, "calibration profile %s has no entry for %s and no \"*\" entry",
			 prof->file, gpu->id);
		return -1;
	}
	g->gpu = gpu;
	g->dt = dt;
	g->eff = e;
	g->peak_flops = gpu->peak_flops[dt];
	g->gemm_eff = e->gemm_eff[dt];
	g->gemm_eff_defaulted = 0;
	if (g->gemm_eff <= 0) {
		g->gemm_eff = e->gemm_eff[DT_BF16];
		g->gemm_eff_defaulted = 1;
	}
	if (g->gemm_eff <= 0) {
		snprintf(err, errlen, "calibration profile %s gives no GEMM efficiency for %s",
			 prof->file, gpu->id);
		return -1;
	}
	g->gemm_half_dim = e->gemm_half_dim;
	g->attn_eff = e->attn_eff > 0 ? e->attn_eff : g->gemm_eff;
	g->hbm_Bps = gpu->mem_bw_Bps * (e->hbm_eff > 0 ? e->hbm_eff : 1.0);
	g->overhead_ns = e->kernel_overhead_ns;
	return 0;
}

double gpu_gemm_eff(const gpu_model *g, double m, double n, double k)
{
	double x = cbrt(m * n * k);
	return g->gemm_eff * x / (x + g->gemm_half_dim);
}

double gpu_gemm_ns(const gpu_model *g, double m, double n, double k)
{
	if (m <= 0 || n <= 0 || k <= 0)
		return 0;
	double b = hw_dtype_bytes(g->dt);
	double t_flop = 2.0 * m * n * k / (g->peak_flops * gpu_gemm_eff(g, m, n, k));
	double t_mem = b * (m * k + k * n) + 2.0 * m * n;  /* output in 16-bit */
	t_mem /= g->hbm_Bps;
	return 1e9 * (t_flop > t_mem ? t_flop : t_mem) + g->overhead_ns;
}

double gpu_batched_gemm_ns(const gpu_model *g, double batch, double m, double n, double k)
{
	if (batch <= 0 || m <= 0 || n <= 0 || k <= 0)
		return 0;
	double b = hw_dtype_bytes(g->dt);
	double t_flop = 2.0 * batch * m * n * k / (g->peak_flops * gpu_gemm_eff(g, m, n, k));
	double t_mem = batch * (b * (m * k + k * n) + 2.0 * m * n) / g->hbm_Bps;
	return 1e9 * (t_flop > t_mem ? t_flop : t_mem) + g->overhead_ns;
}

double gpu_attn_ns(const gpu_model *g, double flops)
{
	if (flops <= 0)
		return 0;
	return 1e9 * flops / (g->peak_flops * g->attn_eff) + g->overhead_ns;
}

double gpu_stream_ns(const gpu_model *g, double bytes)
{
	if (bytes <= 0)
		return 0;
	return 1e9 * bytes / g->hbm_Bps + g->overhead_ns;
}
