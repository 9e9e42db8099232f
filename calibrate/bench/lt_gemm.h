/* lt_gemm.h -- one cuBLASLt matrix multiply D(m x n) = A(m x k) B(k x n) in a given
 * precision, with its buffers, the heuristic's candidate algorithms, and a timer
 * that keeps the fastest candidate. Used by the gemm and power benchmarks.
 *
 * Invariant: a plan owns its device buffers; inputs hold pseudo-random values in
 * [-1, 1] (never zeros, which would understate power and could be special-cased),
 * and the layout is "TN" (A transposed), which FP8 requires on Hopper. */
#ifndef CAPSIM_LT_GEMM_H
#define CAPSIM_LT_GEMM_H

#include <cublasLt.h>
#include <cuda_runtime.h>
#include <stddef.h>

typedef enum lg_dtype { LG_BF16, LG_FP16, LG_TF32, LG_FP8, LG_N_DTYPES } lg_dtype;

/* "bf16", "fp16", "tf32", "fp8" (E4M3 inputs, BF16 output); NULL out of range. */
const char *lg_dtype_name(lg_dtype dt);

/* Parse a name above. Returns 0 and sets *out, or -1. */
int lg_dtype_parse(const char *name, lg_dtype *out);

/* Whether tensor cores of compute capability major.minor run dt: BF16/FP16/TF32
 * from sm_80, FP8 from sm_89. */
int lg_dtype_supported(lg_dtype dt, int cc_major, int cc_minor);

/* Device bytes a plan of this shape allocates (A, B and D). */
size_t lg_plan_bytes(lg_dtype dt, long m, long n, long k);

typedef struct lg_plan lg_plan;

/* Build the plan: descriptors, buffers (filled), and up to 3 heuristic algorithms
 * for a workspace of ws_bytes at ws. Returns 0 and sets *out; 1 when cuBLASLt
 * offers no algorithm for this shape and precision (nothing allocated, reason in
 * err); -1 on a CUDA or cuBLASLt error (message in err, nothing left allocated). */
int lg_plan_new(lg_plan **out, cublasLtHandle_t lt, lg_dtype dt, long m, long n, long k,
		void *ws, size_t ws_bytes, cudaStream_t stream, char *err, size_t errlen);

/* Time every candidate (warmup calls, then enough calls to fill min_time_s) and
 * keep the fastest for lg_plan_launch. Returns 0 and sets *out_us to its time per
 * call, or -1 with a message in err. */
int lg_plan_tune(lg_plan *p, int warmup, double min_time_s, double *out_us,
		 char *err, size_t errlen);

/* Enqueue one multiply with the chosen algorithm on the plan's stream. Returns 0,
 * or -1 with a message in err. */
int lg_plan_launch(lg_plan *p, char *err, size_t errlen);

/* Free the buffers and descriptors; lg_plan_free(NULL) is a no-op. */
void lg_plan_free(lg_plan *p);

#endif
