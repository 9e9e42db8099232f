/* nvml_dl.h -- the few NVML calls the power benchmark needs, bound at run time
 * with dlopen("libnvidia-ml.so.1") so the suite builds where no NVML header or
 * library exists (NVML ships with the driver, on GPU nodes only).
 *
 * Invariant: nothing here links against NVML; without the library nvdl_open fails
 * with a message that says so, and no other function is called. */
#ifndef CAPSIM_NVML_DL_H
#define CAPSIM_NVML_DL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nvdl nvdl;

/* One reading of one GPU; a field NVML could not read is -1. */
typedef struct nvdl_reading {
	double power_w;
	int sm_clock_mhz;
	int mem_clock_mhz;
	int temp_c;
	int util_pct;
} nvdl_reading;

/* Load libnvidia-ml.so.1, resolve the calls and nvmlInit. Returns 0 and sets *out
 * (free with nvdl_close), or -1 with a message in err ("NVML not available: ..."). */
int nvdl_open(nvdl **out, char *err, size_t errlen);

/* The same from the shared library at `path` (a test's stand-in NVML). */
int nvdl_open_path(nvdl **out, const char *path, char *err, size_t errlen);

/* nvmlShutdown and dlclose; nvdl_close(NULL) is a no-op. */
void nvdl_close(nvdl *lib);

/* The driver version string into buf. Returns 0, or -1 (buf then empty). */
int nvdl_driver_version(nvdl *lib, char *buf, size_t len);

/* Bind slot `slot` (0..NVDL_MAX_GPUS-1) to the GPU at PCI bus id `pci` (as
 * cudaDeviceGetPCIBusId writes it), so CUDA and NVML agree on which GPU is which
 * whatever CUDA_VISIBLE_DEVICES says. Returns 0, or -1 with a message in err. */
int nvdl_bind(nvdl *lib, int slot, const char *pci, char *err, size_t errlen);

/* Read the bound GPU in `slot`. Returns 0 (fields NVML refused are -1), or -1 if
 * the slot is unbound or power could not be read. */
int nvdl_read(nvdl *lib, int slot, nvdl_reading *out);

#define NVDL_MAX_GPUS 64

#ifdef __cplusplus
}
#endif
#endif
