/* gpu.h -- kernel time on one GPU from a roofline: the larger of compute time at
 * the calibrated efficiency and memory time at the calibrated bandwidth, plus a
 * per-kernel overhead.
 *
 * Invariant: a gpu_model holds no pointers it owns; efficiencies are resolved once
 * in gpu_model_init() and say whether they were measured or defaulted. */
#ifndef CAPSIM_GPU_H
#define CAPSIM_GPU_H

#include "models/hw.h"
#include "models/profile.h"

typedef struct {
	const hw_gpu *gpu;
	hw_dtype dt;
	double peak_flops;        /* dense peak of dt */
	double gemm_eff;          /* plateau efficiency for dt */
	double gemm_half_dim;
	double attn_eff;
	double hbm_Bps;           /* achieved streaming bandwidth */
	double overhead_ns;
	int gemm_eff_defaulted;   /* 1: no efficiency for dt, used bf16's */
	const profile_gpu *eff;
} gpu_model;

/* Returns 0, or -1 with err set if the GPU has no peak for `dt` or the profile has
 * no entry for it (and no "*" entry). */
int gpu_model_init(gpu_model *g, const hw_gpu *gpu, const profile *prof, hw_dtype dt,
		   char *err, size_t errlen);

/* Efficiency of an m x n x k GEMM: plateau * x / (x + half) with x = cbrt(mnk). */
double gpu_gemm_eff(const gpu_model *g, double m, double n, double k);
/* Time of C[m,n] = A[m,k] B[k,n] in the compute dtype. */
double gpu_gemm_ns(const gpu_model *g, double m, double n, double k);
/* Time of `batch` independent m x n x k GEMMs in one batched kernel. */
double gpu_batched_gemm_ns(const gpu_model *g, double batch, double m, double n, double k);
/* Time of a fused attention kernel doing `flops`. */
double gpu_attn_ns(const gpu_model *g, double flops);
/* Time of a memory-bound kernel moving `bytes` (reads plus writes). */
double gpu_stream_ns(const gpu_model *g, double bytes);

#endif
