/* hbm_kernels.cu -- read, write and copy passes over device memory (see
 * hbm_kernels.h). */
#include "hbm_kernels.h"

#define HK_THREADS 256

__global__ static void k_read(const float4 *__restrict__ src, size_t n4, float *sink)
{
	float acc = 0.0f;
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n4;
	     i += (size_t)gridDim.x * blockDim.x) {
		float4 v = src[i];
		acc += v.x + v.y + v.z + v.w;
	}
	if (acc == 1234567.0f) /* practically never; keeps the loads alive */
		sink[0] = acc;
}

__global__ static void k_write(float4 *__restrict__ dst, size_t n4, float value)
{
	float4 v = make_float4(value, value, value, value);
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n4;
	     i += (size_t)gridDim.x * blockDim.x)
		dst[i] = v;
}

__global__ static void k_copy(float4 *__restrict__ dst, const float4 *__restrict__ src, size_t n4)
{
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n4;
	     i += (size_t)gridDim.x * blockDim.x)
		dst[i] = src[i];
}

int hk_blocks(int sm_count)
{
	return (sm_count > 0 ? sm_count : 1) * 8;
}

static int clamp_blocks(int blocks, size_t n4)
{
	size_t need = (n4 + HK_THREADS - 1) / HK_THREADS;
	return need < (size_t)blocks ? (int)(need ? need : 1) : blocks;
}

cudaError_t hk_read(const float4 *src, size_t n4, float *sink, int blocks, cudaStream_t s)
{
	k_read<<<clamp_blocks(blocks, n4), HK_THREADS, 0, s>>>(src, n4, sink);
	return cudaGetLastError();
}

cudaError_t hk_write(float4 *dst, size_t n4, float value, int blocks, cudaStream_t s)
{
	k_write<<<clamp_blocks(blocks, n4), HK_THREADS, 0, s>>>(dst, n4, value);
	return cudaGetLastError();
}

cudaError_t hk_copy(float4 *dst, const float4 *src, size_t n4, int blocks, cudaStream_t s)
{
	k_copy<<<clamp_blocks(blocks, n4), HK_THREADS, 0, s>>>(dst, src, n4);
	return cudaGetLastError();
}
