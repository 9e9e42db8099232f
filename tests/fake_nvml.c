/* fake_nvml.c -- a stand-in libnvidia-ml for test_power_sampler: the nine calls
 * calibrate/bench/nvml_dl.c binds, with the same C ABI, answering for two GPUs at
 * PCI bus ids 0000:1B:00.0 (100 W, 50% busy) and 0000:43:00.0 (101 W, utilisation
 * not supported). Built as a shared library by the Makefile; never shipped. */
#include <stdio.h>
#include <string.h>

typedef struct { unsigned int gpu, memory; } fake_util;

int nvmlInit_v2(void);
int nvmlShutdown(void);
const char *nvmlErrorString(int rc);
int nvmlSystemGetDriverVersion(char *buf, unsigned int len);
int nvmlDeviceGetHandleByPciBusId_v2(const char *pci, void **dev);
int nvmlDeviceGetPowerUsage(void *dev, unsigned int *mw);
int nvmlDeviceGetClockInfo(void *dev, int type, unsigned int *mhz);
int nvmlDeviceGetTemperature(void *dev, int sensor, unsigned int *c);
int nvmlDeviceGetUtilizationRates(void *dev, fake_util *u);

static int gpus[2] = {0, 1};

int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
const char *nvmlErrorString(int rc) { return rc == 6 ? "Not Found" : rc == 3 ? "Not Supported" : "Unknown Error"; }

int nvmlSystemGetDriverVersion(char *buf, unsigned int len)
{
	snprintf(buf, len, "999.99");
	return 0;
}

int nvmlDeviceGetHandleByPciBusId_v2(const char *pci, void **dev)
{
	if (strcmp(pci, "0000:1B:00.0") == 0)
		*dev = &gpus[0];
	else if (strcmp(pci, "0000:43:00.0") == 0)
		*dev = &gpus[1];
	else
		return 6;
	return 0;
}

int nvmlDeviceGetPowerUsage(void *dev, unsigned int *mw)
{
	*mw = 100000u + 1000u * (unsigned int)*(int *)dev;
	return 0;
}

int nvmlDeviceGetClockInfo(void *dev, int type, unsigned int *mhz)
{
	(void)dev;
	*mhz = type == 1 ? 1980u : type == 2 ? 2619u : 1755u;
	return 0;
}

int nvmlDeviceGetTemperature(void *dev, int sensor, unsigned int *c)
{
	*c = 40u + (unsigned int)*(int *)dev + (unsigned int)sensor;
	return 0;
}

int nvmlDeviceGetUtilizationRates(void *dev, fake_util *u)
{
	if (*(int *)dev == 1)
		return 3;
	u->gpu = 50;
	u->memory = 30;
	return 0;
}
