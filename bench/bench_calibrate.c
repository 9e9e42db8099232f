/* bench_calibrate.c -- the calibration path's costs:
 * (1) reading every nccl-tests log in ../shared/data/nccl/ (target <= 1 ms a file);
 * (2) one GSL fit: alpha-beta over a 31-size sweep and the GEMM curve over 48 shapes
 *     in 2 dtypes (target <= 1 ms each);
 * (3) `run --uncertainty`: wall time per sample of the 64-GPU GPT-3 design point
 *     tests/calibrate/h100-64-fitted.xml, on all threads OpenMP gives.
 * CLOCK_MONOTONIC, median of REPEATS, deterministic inputs. */
#include "calibrate/fit.h"
#include "calibrate/nccl_log.h"
#include "scenarios/scenario.h"
#include "sim/uncertainty.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define REPEATS 7

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

int main(void)
{
	static const char *const files[] = {
		"nccl_allreduce_16xA100-40GB_2node_oci-roce_ocihpcoke.txt", "nccl_allreduce_16xB300_2node-roce_oci.txt",
		"nccl_allreduce_16xH100_2node_ib8hca_bitdeer.txt", "nccl_allreduce_4xGB200_1node-nvlink_oci.txt",
		"nccl_allreduce_64xGB300_16node-nvl72-1rack_oci.txt", "nccl_allreduce_72xGB200_nvl72-1rack_coreweave.txt",
		"nccl_allreduce_8xB300_1node-nvlink_oci.txt", "nccl_allreduce_8xH100_nvlink_bitdeer.txt",
		"nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv", "nccl_alltoall_16xB300_2node-roce_oci.txt",
		"nccl_alltoall_64xGB300_16node-nvl72-1rack_oci.txt", "nccl_alltoall_8xB300_1node-nvlink_oci.txt",
		"rccl_allreduce_8xMI355X_1node-xgmi_oci.txt",
	};
	int nf = (int)(sizeof files / sizeof files[0]);
	char err[2048], path[512];
	double t[REPEATS];
	for (int r = 0; r < REPEATS; r++) {
		double t0 = now_s();
		for (int i = 0; i < nf; i++) {
			nccl_log *logs;
			int n;
			snprintf(path, sizeof path, "%s/../shared/data/nccl/%s", CAPSIM_SRCDIR, files[i]);
			if (nccl_logs_read(path, &logs, &n, err, sizeof err) != 0) {
				fprintf(stderr, "bench_calibrate: %s\n", err);
				return 1;
			}
			nccl_logs_free(logs, n);
		}
		t[r] = (now_s() - t0) / nf;
	}
	printf("calibrate: read a shared nccl-tests log     %8.1f us per file (target <= 1000)\n", 1e6 * median(t, REPEATS));

	double b[31], tu[31];
	for (int i = 0; i < 31; i++) {
		b[i] = 8.0 * pow(2.0, i);
		tu[i] = (30 + b[i] / 120e3) * (1 + 0.02 * sin(i));
	}
	fit_result f;
	for (int r = 0; r < REPEATS; r++) {
		double t0 = now_s();
		for (int k = 0; k < 100; k++)
			if (fit_alpha_beta(b, tu, 31, 0, &f, err, sizeof err) != 0) {
				fprintf(stderr, "bench_calibrate: %s\n", err);
				return 1;
			}
		t[r] = (now_s() - t0) / 100;
	}
	printf("calibrate: alpha-beta fit, 31 sizes         %8.1f us per fit (target <= 1000)\n", 1e6 * median(t, REPEATS));

	double x[48 * 4], y[48];
	for (int i = 0; i < 48; i++) {
		double d = 256.0 * (1 + i % 24);
		x[4 * i] = i / 24;
		x[4 * i + 1] = x[4 * i + 2] = x[4 * i + 3] = d;
		y[i] = (i / 24 ? 0.6 : 0.75) * d / (d + 400) * (1 + 0.01 * cos(i));
	}
	for (int r = 0; r < REPEATS; r++) {
		double t0 = now_s();
		for (int k = 0; k < 100; k++)
			if (fit_gemm(x, y, 48, 2, &f, err, sizeof err) != 0) {
				fprintf(stderr, "bench_calibrate: %s\n", err);
				return 1;
			}
		t[r] = (now_s() - t0) / 100;
	}
	printf("calibrate: GEMM curve fit, 48 shapes        %8.1f us per fit (target <= 1000)\n", 1e6 * median(t, REPEATS));

	scenario *sc = NULL;
	snprintf(path, sizeof path, "%s/tests/calibrate/h100-64-fitted.xml", CAPSIM_SRCDIR);
	if (scenario_load(path, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "bench_calibrate: %s\n", err);
		return 1;
	}
	int samples = 32, threads = 1;
#ifdef _OPENMP
	threads = omp_get_max_threads();
#endif
	uncertainty_results u;
	double t0 = now_s();
	if (uncertainty_run(sc, samples, 1, &u, err, sizeof err) != 0) {
		fprintf(stderr, "bench_calibrate: %s\n", err);
		scenario_free(sc);
		return 1;
	}
	double per = (now_s() - t0) / samples;
	printf("calibrate: --uncertainty, 64-GPU GPT-3 step %8.2f ms per sample on %d thread(s) (P50 %.3f s)\n",
	       1e3 * per, threads, u.step_p50_s);
	scenario_free(sc);
	return 0;
}
