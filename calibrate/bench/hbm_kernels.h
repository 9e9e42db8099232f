/* hbm_kernels.h -- streaming kernels that read, write or copy a device buffer at
 * full memory bandwidth (16-byte accesses, grid-stride loops, enough blocks to
 * fill every SM). Used by the membw and power benchmarks.
 *
 * Invariant: the read kernel's result is consumed (a conditional store to a sink)
 * so the compiler cannot drop the loads; lengths are in float4 elements. */
#ifndef CAPSIM_HBM_KERNELS_H
#define CAPSIM_HBM_KERNELS_H

#include <cuda_runtime.h>
#include <stddef.h>

/* Blocks per launch for a device with sm_count SMs (256 threads each). */
int hk_blocks(int sm_count);

/* Enqueue one pass over n4 float4 elements on stream. Return the launch error. */
cudaError_t hk_read(const float4 *src, size_t n4, float *sink, int blocks, cudaStream_t s);
cudaError_t hk_write(float4 *dst, size_t n4, float value, int blocks, cudaStream_t s);
cudaError_t hk_copy(float4 *dst, const float4 *src, size_t n4, int blocks, cudaStream_t s);

#endif
