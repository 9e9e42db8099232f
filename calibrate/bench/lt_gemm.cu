/* lt_gemm.cu -- cuBLASLt plans (see lt_gemm.h). Column-major throughout: A is
 * stored k x m and used transposed, B is k x n, D is m x n. Accumulation is FP32
 * in every precision (as training frameworks run it). */
#include "lt_gemm.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LG_MAX_ALGOS 3

struct lg_plan {
	cublasLtHandle_t lt;
	cudaStream_t stream;
	lg_dtype dt;
	long m, n, k;
	void *a, *b, *d, *ws;
	size_t ws_bytes;
	cublasLtMatmulDesc_t op;
	cublasLtMatrixLayout_t la, lb, ld;
	cublasLtMatmulHeuristicResult_t algo[LG_MAX_ALGOS];
	int nalgo, best;
};

static const char *const dtype_names[LG_N_DTYPES] = {"bf16", "fp16", "tf32", "fp8"};

const char *lg_dtype_name(lg_dtype dt)
{
	return (dt >= 0 && dt < LG_N_DTYPES) ? dtype_names[dt] : NULL;
}

int lg_dtype_parse(const char *name, lg_dtype *out)
{
	for (int i = 0; i < LG_N_DTYPES; i++)
		if (strcmp(name, dtype_names[i]) == 0) {
			*out = (lg_dtype)i;
			return 0;
		}
	return -1;
}

int lg_dtype_supported(lg_dtype dt, int cc_major, int cc_minor)
{
	int cc = 10 * cc_major + cc_minor;
	return dt == LG_FP8 ? cc >= 89 : cc >= 80;
}

static size_t in_bytes(lg_dtype dt)
{
	return dt == LG_TF32 ? 4 : dt == LG_FP8 ? 1 : 2;
}

static size_t out_bytes(lg_dtype dt)
{
	return dt == LG_TF32 ? 4 : 2;
}

size_t lg_plan_bytes(lg_dtype dt, long m, long n, long k)
{
	return in_bytes(dt) * ((size_t)k * (size_t)m + (size_t)k * (size_t)n) +
	       out_bytes(dt) * (size_t)m * (size_t)n;
}

/* A value in [-1, 1] from the element index (a 32-bit integer hash). */
__device__ static float lg_hash_unit(size_t i, unsigned seed)
{
	unsigned x = (unsigned)i * 2654435761u ^ seed;
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return (float)(x & 0xffffffu) / (float)0x7fffff - 1.0f;
}

template <typename T>
__global__ static void lg_fill(T *p, size_t n, unsigned seed)
{
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	     i += (size_t)gridDim.x * blockDim.x)
		p[i] = T(lg_hash_unit(i, seed));
}

template <>
__global__ void lg_fill<__nv_bfloat16>(__nv_bfloat16 *p, size_t n, unsigned seed)
{
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	     i += (size_t)gridDim.x * blockDim.x)
		p[i] = __float2bfloat16(lg_hash_unit(i, seed));
}

template <>
__global__ void lg_fill<__half>(__half *p, size_t n, unsigned seed)
{
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	     i += (size_t)gridDim.x * blockDim.x)
		p[i] = __float2half(lg_hash_unit(i, seed));
}

static void fill(lg_dtype dt, void *p, size_t n, unsigned seed, cudaStream_t s)
{
	switch (dt) {
	case LG_BF16: lg_fill<<<1024, 256, 0, s>>>((__nv_bfloat16 *)p, n, seed); break;
	case LG_FP16: lg_fill<<<1024, 256, 0, s>>>((__half *)p, n, seed); break;
	case LG_TF32: lg_fill<<<1024, 256, 0, s>>>((float *)p, n, seed); break;
	default: lg_fill<<<1024, 256, 0, s>>>((__nv_fp8_e4m3 *)p, n, seed); break;
	}
}

#define LT_TRY(call) do { cublasStatus_t s_ = (call); if (s_ != CUBLAS_STATUS_SUCCESS) { \
	snprintf(err, errlen, "%s:%d: %s: %s", __FILE__, __LINE__, #call, cublasLtGetStatusString(s_)); \
	rc = -1; goto done; } } while (0)
#define CU_TRY(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
	snprintf(err, errlen, "%s:%d: %s: %s", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
	rc = -1; goto done; } } while (0)

int lg_plan_new(lg_plan **out, cublasLtHandle_t lt, lg_dtype dt, long m, long n, long k,
		void *ws, size_t ws_bytes, cudaStream_t stream, char *err, size_t errlen)
{
	int rc = 0;
	cudaDataType_t tin = dt == LG_BF16 ? CUDA_R_16BF : dt == LG_FP16 ? CUDA_R_16F :
			     dt == LG_TF32 ? CUDA_R_32F : CUDA_R_8F_E4M3;
	cudaDataType_t tout = dt == LG_FP16 ? CUDA_R_16F : dt == LG_TF32 ? CUDA_R_32F : CUDA_R_16BF;
	cublasComputeType_t ct = dt == LG_TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
	cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
	cublasLtMatmulPreference_t pref = NULL;
	lg_plan *p = (lg_plan *)calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->lt = lt;
	p->stream = stream;
	p->dt = dt;
	p->m = m;
	p->n = n;
	p->k = k;
	p->ws = ws;
	p->ws_bytes = ws_bytes;
	LT_TRY(cublasLtMatmulDescCreate(&p->op, ct, CUDA_R_32F));
	LT_TRY(cublasLtMatmulDescSetAttribute(p->op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
	LT_TRY(cublasLtMatmulDescSetAttribute(p->op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
	LT_TRY(cublasLtMatrixLayoutCreate(&p->la, tin, (uint64_t)k, (uint64_t)m, k));
	LT_TRY(cublasLtMatrixLayoutCreate(&p->lb, tin, (uint64_t)k, (uint64_t)n, k));
	LT_TRY(cublasLtMatrixLayoutCreate(&p->ld, tout, (uint64_t)m, (uint64_t)n, m));
	LT_TRY(cublasLtMatmulPreferenceCreate(&pref));
	LT_TRY(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
						    &ws_bytes, sizeof ws_bytes));
	{
		cublasStatus_t s = cublasLtMatmulAlgoGetHeuristic(lt, p->op, p->la, p->lb, p->ld, p->ld,
								  pref, LG_MAX_ALGOS, p->algo, &p->nalgo);
		if (s != CUBLAS_STATUS_SUCCESS || p->nalgo == 0) {
			snprintf(err, errlen, "cuBLASLt has no %s algorithm for m=%ld n=%ld k=%ld (%s)",
				 lg_dtype_name(dt), m, n, k,
				 s != CUBLAS_STATUS_SUCCESS ? cublasLtGetStatusString(s) : "0 results");
			rc = 1;
			goto done;
		}
	}
	CU_TRY(cudaMalloc(&p->a, in_bytes(dt) * (size_t)k * (size_t)m));
	CU_TRY(cudaMalloc(&p->b, in_bytes(dt) * (size_t)k * (size_t)n));
	CU_TRY(cudaMalloc(&p->d, out_bytes(dt) * (size_t)m * (size_t)n));
	fill(dt, p->a, (size_t)k * (size_t)m, 1u, stream);
	fill(dt, p->b, (size_t)k * (size_t)n, 2u, stream);
	CU_TRY(cudaGetLastError());
	CU_TRY(cudaMemsetAsync(p->d, 0, out_bytes(dt) * (size_t)m * (size_t)n, stream));
	CU_TRY(cudaStreamSynchronize(stream));
done:
	if (pref)
		cublasLtMatmulPreferenceDestroy(pref);
	if (rc != 0) {
		lg_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static int launch_algo(lg_plan *p, int i, char *err, size_t errlen)
{
	int rc = 0;
	const float alpha = 1.0f, beta = 0.0f;
	LT_TRY(cublasLtMatmul(p->lt, p->op, &alpha, p->a, p->la, p->b, p->lb, &beta, p->d, p->ld,
			      p->d, p->ld, &p->algo[i].algo, p->ws, p->ws_bytes, p->stream));
done:
	return rc;
}

int lg_plan_launch(lg_plan *p, char *err, size_t errlen)
{
	return launch_algo(p, p->best, err, errlen);
}

int lg_plan_tune(lg_plan *p, int warmup, double min_time_s, double *out_us,
		 char *err, size_t errlen)
{
	int rc = 0, best = -1;
	double best_us = 0.0;
	cudaEvent_t t0 = NULL, t1 = NULL;
	CU_TRY(cudaEventCreate(&t0));
	CU_TRY(cudaEventCreate(&t1));
	for (int i = 0; i < p->nalgo; i++) {
		float ms = 0.0f;
		for (int w = 0; w < warmup; w++)
			if ((rc = launch_algo(p, i, err, errlen)) != 0)
				goto done;
		/* one timed call sizes the timed batch */
		CU_TRY(cudaEventRecord(t0, p->stream));
		if ((rc = launch_algo(p, i, err, errlen)) != 0)
			goto done;
		CU_TRY(cudaEventRecord(t1, p->stream));
		CU_TRY(cudaEventSynchronize(t1));
		CU_TRY(cudaEventElapsedTime(&ms, t0, t1));
		long iters = ms > 0.0f ? (long)(1e3 * min_time_s / (double)ms) : 1000;
		iters = iters < 5 ? 5 : iters > 10000 ? 10000 : iters;
		CU_TRY(cudaEventRecord(t0, p->stream));
		for (long it = 0; it < iters; it++)
			if ((rc = launch_algo(p, i, err, errlen)) != 0)
				goto done;
		CU_TRY(cudaEventRecord(t1, p->stream));
		CU_TRY(cudaEventSynchronize(t1));
		CU_TRY(cudaEventElapsedTime(&ms, t0, t1));
		double us = 1e3 * (double)ms / (double)iters;
		if (best < 0 || us < best_us) {
			best = i;
			best_us = us;
		}
	}
	p->best = best;
	*out_us = best_us;
done:
	if (t0)
		cudaEventDestroy(t0);
	if (t1)
		cudaEventDestroy(t1);
	return rc;
}

void lg_plan_free(lg_plan *p)
{
	if (!p)
		return;
	if (p->a)
		cudaFree(p->a);
	if (p->b)
		cudaFree(p->b);
	if (p->d)
		cudaFree(p->d);
	if (p->la)
		cublasLtMatrixLayoutDestroy(p->la);
	if (p->lb)
		cublasLtMatrixLayoutDestroy(p->lb);
	if (p->ld)
		cublasLtMatrixLayoutDestroy(p->ld);
	if (p->op)
		cublasLtMatmulDescDestroy(p->op);
	free(p);
}
