/* cuda_util.cu -- the GPU presence check and version lines (see cuda_util.h). */
#include "cuda_util.h"

int cu_require_devices(int *count, char *err, size_t errlen)
{
	int n = 0;
	cudaError_t e = cudaGetDeviceCount(&n);
	if (e != cudaSuccess || n < 1) {
		snprintf(err, errlen, "no CUDA device (cudaGetDeviceCount: %s); run this on a GPU node",
			 e != cudaSuccess ? cudaGetErrorString(e) : "0 devices");
		return -1;
	}
	*count = n;
	return 0;
}

void cu_describe(int dev, char *buf, size_t len)
{
	cudaDeviceProp p;
	if (cudaGetDeviceProperties(&p, dev) != cudaSuccess) {
		snprintf(buf, len, "device %d: properties unavailable", dev);
		return;
	}
	snprintf(buf, len, "device %d: %s, sm_%d%d, %d SMs, %.1f GiB", dev, p.name, p.major, p.minor,
		 p.multiProcessorCount, (double)p.totalGlobalMem / (double)(1ull << 30));
}

void cu_print_versions(FILE *f)
{
	int rt = 0, drv = 0;
	cudaRuntimeGetVersion(&rt);
	cudaDriverGetVersion(&drv);
	fprintf(f, "cuda_runtime,%d.%d\n", rt / 1000, (rt % 1000) / 10);
	fprintf(f, "cuda_driver,%d.%d\n", drv / 1000, (drv % 1000) / 10);
}
