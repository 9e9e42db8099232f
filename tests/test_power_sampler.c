/* test_power_sampler.c -- the power benchmark's host side without a GPU: the NVML
 * binding (calibrate/bench/nvml_dl.c) loaded from a stand-in library
 * (tests/fake_nvml.c, built next to this test) and the sampling thread
 * (power_sampler.c): readings land per GPU and phase at about the asked rate, a
 * field NVML refuses reads -1, the buffer never overflows, and the CSV has the
 * suite's columns. What it misses: the real NVML and a real load. */
#include "calibrate/bench/nvml_dl.h"
#include "calibrate/bench/power_sampler.h"
#include "tests/t.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static char fake_path[1024];

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static nvdl *open_fake(void)
{
	nvdl *nv = NULL;
	char err[256];
	T_EQ_INT(nvdl_open_path(&nv, fake_path, err, sizeof err), 0);
	if (!nv)
		return NULL;
	T_EQ_INT(nvdl_bind(nv, 0, "0000:1B:00.0", err, sizeof err), 0);
	T_EQ_INT(nvdl_bind(nv, 1, "0000:43:00.0", err, sizeof err), 0);
	return nv;
}

static void missing_library_says_nvml_not_available(void)
{
	nvdl *nv = (nvdl *)&nv; /* must stay untouched */
	char err[256] = "";
	T_EQ_INT(nvdl_open_path(&nv, "/nonexistent/libnvidia-ml.so.1", err, sizeof err), -1);
	T_CHECK(nv == (nvdl *)&nv);
	T_CHECKF(strncmp(err, "NVML not available: ", 20) == 0, "err = %s", err);
}

static void binding_and_readings(void)
{
	nvdl *nv = open_fake();
	if (!nv)
		return;
	char buf[64], err[256] = "";
	T_EQ_INT(nvdl_driver_version(nv, buf, sizeof buf), 0);
	T_CHECK(strcmp(buf, "999.99") == 0);
	T_EQ_INT(nvdl_bind(nv, 2, "0000:FF:00.0", err, sizeof err), -1);
	T_CHECKF(strstr(err, "0000:FF:00.0") && strstr(err, "Not Found"), "err = %s", err);
	T_EQ_INT(nvdl_bind(nv, NVDL_MAX_GPUS, "0000:1B:00.0", err, sizeof err), -1);
	nvdl_reading r;
	T_EQ_INT(nvdl_read(nv, 0, &r), 0);
	T_NEAR(r.power_w, 100.0, 1e-12);
	T_EQ_INT(r.sm_clock_mhz, 1980);
	T_EQ_INT(r.mem_clock_mhz, 2619);
	T_EQ_INT(r.temp_c, 40);
	T_EQ_INT(r.util_pct, 50);
	T_EQ_INT(nvdl_read(nv, 1, &r), 0);
	T_NEAR(r.power_w, 101.0, 1e-12);
	T_EQ_INT(r.util_pct, -1); /* "Not Supported" reads -1, the rest still comes */
	T_EQ_INT(r.temp_c, 41);
	T_EQ_INT(nvdl_read(nv, 2, &r), -1); /* unbound */
	nvdl_close(nv);
	nvdl_close(NULL);
}

static void sampler_tags_phases_at_the_period(void)
{
	nvdl *nv = open_fake();
	if (!nv)
		return;
	ps_sampler *ps = NULL;
	char err[256];
	T_EQ_INT(ps_new(&ps, nv, 2, 20, 1000, err, sizeof err), 0);
	if (!ps) {
		nvdl_close(nv);
		return;
	}
	ps_phase(ps, "idle");
	sleep_ms(200);
	ps_phase(ps, "gemm");
	sleep_ms(200);
	ps_stop(ps);
	ps_stop(ps); /* idempotent */
	long n = ps_count(ps);
	/* 2 GPUs x 400 ms / 20 ms = 40; a loaded machine may lose some ticks */
	T_CHECKF(n >= 8 && n <= 2 * (400 / 20 + 3), "%ld readings", n);
	T_EQ_INT(n % 2, 0);
	T_EQ_INT(ps_dropped(ps), 0);
	T_NEAR(ps_mean_power_w(ps, "idle"), 100.5, 1e-12);
	T_NEAR(ps_mean_power_w(ps, "gemm"), 100.5, 1e-12);
	T_CHECK(ps_mean_power_w(ps, "mem") < 0);

	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	T_CHECK(m != NULL);
	if (m) {
		T_EQ_INT(ps_write_csv(ps, m), 0);
		fclose(m);
		char *save = NULL, *line = strtok_r(text, "\n", &save);
		T_CHECK(line && strcmp(line, "phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct") == 0);
		long rows = 0, idle = 0;
		while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
			char phase[16];
			double t_s, w;
			int gpu, sm, mem, temp, util;
			T_EQ_INT(sscanf(line, "%15[^,],%lf,%d,%lf,%d,%d,%d,%d", phase, &t_s, &gpu, &w, &sm, &mem, &temp,
					&util), 8);
			T_CHECK(strcmp(phase, "idle") == 0 || strcmp(phase, "gemm") == 0);
			idle += strcmp(phase, "idle") == 0;
			T_CHECKF(t_s >= 0.0 && t_s < 0.5, "t_s = %g (from the phase start)", t_s);
			T_CHECK(gpu == 0 || gpu == 1);
			T_EQ_INT(util, gpu == 0 ? 50 : -1);
			T_NEAR(w, 100.0 + gpu, 1e-9);
			rows++;
		}
		T_EQ_INT(rows, n);
		T_CHECK(idle >= 2 && idle <= rows - 2);
	}
	free(text);
	ps_free(ps);
	ps_free(NULL);
	nvdl_close(nv);
}

static void full_buffer_drops_never_overwrites(void)
{
	nvdl *nv = open_fake();
	if (!nv)
		return;
	ps_sampler *ps = NULL;
	char err[256];
	T_EQ_INT(ps_new(&ps, nv, 2, 10, 3, err, sizeof err), 0);
	T_EQ_INT(ps_new(&ps, nv, 0, 10, 3, err, sizeof err), -1);
	if (ps) {
		ps_phase(ps, "idle");
		sleep_ms(100);
		ps_stop(ps);
		T_EQ_INT(ps_count(ps), 3);
		T_CHECK(ps_dropped(ps) > 0);
		ps_free(ps);
	}
	nvdl_close(nv);
}

int main(int argc, char **argv)
{
	/* the stand-in library is built beside this binary */
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	snprintf(fake_path, sizeof fake_path, "%.*sfake_nvml.so", slash ? (int)(slash - argv[0] + 1) : 0,
		 slash ? argv[0] : "");
	if (!slash)
		snprintf(fake_path, sizeof fake_path, "./fake_nvml.so");
	T_RUN(missing_library_says_nvml_not_available);
	T_RUN(binding_and_readings);
	T_RUN(sampler_tags_phases_at_the_period);
	T_RUN(full_buffer_drops_never_overwrites);
	return t_done();
}
