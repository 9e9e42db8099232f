/* nvml_dl.c -- NVML through dlopen (see nvml_dl.h). The prototypes below are the
 * stable C ABI of nvml.h (return code int, device an opaque pointer, enums as
 * int); only the calls the power benchmark uses are declared. */
#include "nvml_dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct nvml_device_st *nvml_device;
typedef struct { unsigned int gpu, memory; } nvml_utilization;

enum { NVML_OK = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2, NVML_TEMPERATURE_GPU = 0 };

struct nvdl {
	void *so;
	int (*init)(void);
	int (*shutdown)(void);
	const char *(*error_string)(int);
	int (*driver_version)(char *, unsigned int);
	int (*by_pci)(const char *, nvml_device *);
	int (*power)(nvml_device, unsigned int *);
	int (*clock)(nvml_device, int, unsigned int *);
	int (*temperature)(nvml_device, int, unsigned int *);
	int (*utilization)(nvml_device, nvml_utilization *);
	nvml_device dev[NVDL_MAX_GPUS];
};

/* dlsym returns void *; copying through memcpy avoids a function-pointer cast. */
static int bind_sym(void *so, const char *name, void *fnptr, size_t fnsize)
{
	void *p = dlsym(so, name);
	if (!p)
		return -1;
	memcpy(fnptr, &p, fnsize);
	return 0;
}

int nvdl_open(nvdl **out, char *err, size_t errlen)
{
	return nvdl_open_path(out, "libnvidia-ml.so.1", err, errlen);
}

int nvdl_open_path(nvdl **out, const char *path, char *err, size_t errlen)
{
	void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		const char *e = dlerror();
		snprintf(err, errlen, "NVML not available: %s (libnvidia-ml.so.1 comes with the NVIDIA driver)",
			 e ? e : "dlopen failed");
		return -1;
	}
	nvdl *l = calloc(1, sizeof *l);
	if (!l) {
		dlclose(so);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->so = so;
	const char *missing = NULL;
#define BIND(field, name) \
	if (!missing && bind_sym(so, name, &l->field, sizeof l->field) != 0) missing = name
	BIND(init, "nvmlInit_v2");
	BIND(shutdown, "nvmlShutdown");
	BIND(error_string, "nvmlErrorString");
	BIND(driver_version, "nvmlSystemGetDriverVersion");
	BIND(by_pci, "nvmlDeviceGetHandleByPciBusId_v2");
	BIND(power, "nvmlDeviceGetPowerUsage");
	BIND(clock, "nvmlDeviceGetClockInfo");
	BIND(temperature, "nvmlDeviceGetTemperature");
	BIND(utilization, "nvmlDeviceGetUtilizationRates");
#undef BIND
	if (missing) {
		snprintf(err, errlen, "NVML not available: %s lacks %s", path, missing);
		dlclose(so);
		free(l);
		return -1;
	}
	int rc = l->init();
	if (rc != NVML_OK) {
		snprintf(err, errlen, "NVML not available: nvmlInit_v2: %s", l->error_string(rc));
		dlclose(so);
		free(l);
		return -1;
	}
	*out = l;
	return 0;
}

void nvdl_close(nvdl *lib)
{
	if (!lib)
		return;
	lib->shutdown();
	dlclose(lib->so);
	free(lib);
}

int nvdl_driver_version(nvdl *lib, char *buf, size_t len)
{
	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (lib->driver_version(buf, (unsigned int)len) != NVML_OK) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int nvdl_bind(nvdl *lib, int slot, const char *pci, char *err, size_t errlen)
{
	if (slot < 0 || slot >= NVDL_MAX_GPUS) {
		snprintf(err, errlen, "GPU slot %d out of range (at most %d GPUs)", slot, NVDL_MAX_GPUS);
		return -1;
	}
	nvml_device d = NULL;
	int rc = lib->by_pci(pci, &d);
	if (rc != NVML_OK) {
		snprintf(err, errlen, "NVML has no GPU at PCI bus id %s: %s", pci, lib->error_string(rc));
		return -1;
	}
	lib->dev[slot] = d;
	return 0;
}

int nvdl_read(nvdl *lib, int slot, nvdl_reading *out)
{
	if (slot < 0 || slot >= NVDL_MAX_GPUS || !lib->dev[slot])
		return -1;
	nvml_device d = lib->dev[slot];
	unsigned int mw = 0, v = 0;
	nvml_utilization u = {0, 0};
	if (lib->power(d, &mw) != NVML_OK)
		return -1;
	nvdl_reading r;
	r.power_w = 1e-3 * (double)mw;
	r.sm_clock_mhz = lib->clock(d, NVML_CLOCK_SM, &v) == NVML_OK ? (int)v : -1;
	r.mem_clock_mhz = lib->clock(d, NVML_CLOCK_MEM, &v) == NVML_OK ? (int)v : -1;
	r.temp_c = lib->temperature(d, NVML_TEMPERATURE_GPU, &v) == NVML_OK ? (int)v : -1;
	r.util_pct = lib->utilization(d, &u) == NVML_OK ? (int)u.gpu : -1;
	*out = r;
	return 0;
}
