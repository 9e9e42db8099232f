/* power.cu -- the `power` benchmark: NVML samples (~10 Hz) of every GPU's power,
 * SM and memory clocks, temperature and utilisation through four phases run on all
 * GPUs at once: idle, GEMM at full load (BF16 cuBLASLt), memory-bound (HBM copy)
 * and NCCL (all_reduce over all GPUs); writes power.csv
 * "phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct".
 *
 * Exit status: 0 done, 1 no GPU, no NVML or a CUDA/NCCL error (no CSV), 2 usage. */
#include "bench_util.h"
#include "coll.h"
#include "cuda_util.h"
#include "hbm_kernels.h"
#include "lt_gemm.h"
#include "power_sampler.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PW_MAX_GPUS 64

static const char usage_text[] =
	"usage: power [-o FILE] [--idle S] [--gemm S] [--mem S] [--nccl S] [--period MS]\n"
	"             [--version] [--help]\n"
	"\n"
	"Samples every GPU through NVML (libnvidia-ml.so.1, loaded at run time) every\n"
	"--period ms (default 100) while all GPUs go through four phases: idle (default\n"
	"10 s), gemm (BF16 8192^3 cuBLASLt multiplies back to back, 30 s), mem (HBM copy\n"
	"of 1 GiB buffers, 20 s) and nccl (all_reduce of 256 MiB over all GPUs, 20 s);\n"
	"a phase of 0 s is skipped. Writes FILE (default power.csv):\n"
	"phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct (t_s from the\n"
	"phase start; -1 where NVML could not read a field) and prints each phase's mean\n"
	"power. Exits 1 without a CUDA device or without NVML, writing nothing.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "power: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

typedef struct gpu_load {
	cublasLtHandle_t lt;
	cudaStream_t s;
	void *ws;
	lg_plan *plan;
	float4 *a, *b;
	int blocks;
} gpu_load;

enum { PH_GEMM, PH_MEM };

/* Keep every GPU busy with `what` for `seconds`, in batches of launches so the host
 * checks the clock between them. */
static int run_load(gpu_load *L, int ngpus, int what, double seconds, size_t mem_bytes,
		    char *err, size_t errlen)
{
	int rc = 0;
	double t_end = bu_now_s() + seconds;
	while (bu_now_s() < t_end) {
		for (int d = 0; d < ngpus; d++) {
			CU_TRY(cudaSetDevice(d));
			for (int k = 0; k < 8; k++) {
				if (what == PH_GEMM) {
					if ((rc = lg_plan_launch(L[d].plan, err, errlen)) != 0)
						goto done;
				} else {
					CU_TRY(hk_copy(L[d].b, L[d].a, mem_bytes / sizeof(float4), L[d].blocks, L[d].s));
				}
			}
		}
		for (int d = 0; d < ngpus; d++) {
			CU_TRY(cudaSetDevice(d));
			CU_TRY(cudaStreamSynchronize(L[d].s));
		}
	}
done:
	return rc;
}

static int run_nccl(cg_group *g, double seconds, char *err, size_t errlen)
{
	nf_geom geom;
	if (nf_geometry(NF_ALL_REDUCE, g->buf_bytes, sizeof(float), g->nranks, &geom) != 0) {
		snprintf(err, errlen, "nccl phase: bad buffer size");
		return -1;
	}
	double t_end = bu_now_s() + seconds;
	while (bu_now_s() < t_end) {
		for (int k = 0; k < 4; k++)
			if (cg_launch(g, NF_ALL_REDUCE, &geom, 0, err, errlen) != 0)
				return -1;
		if (cg_sync(g, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *out_path = "power.csv";
	double phase_s[4] = {10.0, 30.0, 20.0, 20.0};
	static const char *const phase_names[4] = {"idle", "gemm", "mem", "nccl"};
	long period_ms = 100;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			cu_print_versions(stdout);
			return 0;
		}
		if (!v)
			return usage("an option needs a value");
		i++;
		int ph = strcmp(a, "--idle") == 0 ? 0 : strcmp(a, "--gemm") == 0 ? 1 :
			 strcmp(a, "--mem") == 0 ? 2 : strcmp(a, "--nccl") == 0 ? 3 : -1;
		if (strcmp(a, "-o") == 0) {
			out_path = v;
		} else if (strcmp(a, "--period") == 0) {
			if (bu_parse_long(v, 10, 10000, &period_ms) != 0)
				return usage("--period: expected 10..10000 ms");
		} else if (ph >= 0) {
			char *end = NULL;
			phase_s[ph] = strtod(v, &end);
			if (*end || !(phase_s[ph] >= 0.0 && phase_s[ph] <= 3600.0))
				return usage("phase length: expected 0..3600 seconds");
		} else {
			return usage("unknown option");
		}
	}

	char err[512] = "";
	const size_t errlen = sizeof err;
	int ngpus = 0, rc = 0;
	if (cu_require_devices(&ngpus, err, sizeof err) != 0) {
		fprintf(stderr, "power: %s\n", err);
		return 1;
	}
	if (ngpus > PW_MAX_GPUS)
		ngpus = PW_MAX_GPUS;
	nvdl *nv = NULL;
	if (nvdl_open(&nv, err, sizeof err) != 0) {
		fprintf(stderr, "power: %s\n", err);
		return 1;
	}
	gpu_load L[PW_MAX_GPUS];
	memset(L, 0, sizeof L);
	cg_group g;
	memset(&g, 0, sizeof g);
	ps_sampler *ps = NULL;
	bu_out out;
	memset(&out, 0, sizeof out);
	const size_t mem_bytes = 1ull << 30, ws_bytes = 32u << 20;
	const long dim = 8192;
	char drv[96] = "";
	double total_s = 0.0;
	nvdl_driver_version(nv, drv, sizeof drv);
	printf("power: driver %s, %d GPU(s)\n", drv[0] ? drv : "?", ngpus);
	for (int d = 0; d < ngpus; d++) {
		char pci[32], desc[256];
		cudaDeviceProp prop;
		CU_TRY(cudaSetDevice(d));
		CU_TRY(cudaGetDeviceProperties(&prop, d));
		CU_TRY(cudaDeviceGetPCIBusId(pci, sizeof pci, d));
		cu_describe(d, desc, sizeof desc);
		printf("power: %s [%s]\n", desc, pci);
		if (nvdl_bind(nv, d, pci, err, sizeof err) != 0) {
			rc = -1;
			goto done;
		}
		CU_TRY(cudaStreamCreate(&L[d].s));
		CU_TRY(cudaMalloc(&L[d].ws, ws_bytes));
		CU_TRY(cudaMalloc(&L[d].a, mem_bytes));
		CU_TRY(cudaMalloc(&L[d].b, mem_bytes));
		CU_TRY(cudaMemset(L[d].a, 1, mem_bytes));
		L[d].blocks = hk_blocks(prop.multiProcessorCount);
		if (cublasLtCreate(&L[d].lt) != CUBLAS_STATUS_SUCCESS) {
			snprintf(err, sizeof err, "cublasLtCreate failed on device %d", d);
			rc = -1;
			goto done;
		}
		int prc = lg_plan_new(&L[d].plan, L[d].lt, LG_BF16, dim, dim, dim, L[d].ws, ws_bytes, L[d].s,
				      err, sizeof err);
		if (prc != 0) {
			rc = -1;
			goto done;
		}
		double us = 0.0;
		if ((rc = lg_plan_tune(L[d].plan, 2, 0.05, &us, err, sizeof err)) != 0)
			goto done;
	}
	if (phase_s[3] > 0.0 && cg_init(&g, ngpus, 0, ngpus, 0, NULL, 256u << 20, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	for (int p = 0; p < 4; p++)
		total_s += phase_s[p] + 2.0;
	if (ps_new(&ps, nv, ngpus, (int)period_ms, (long)(total_s * 1e3 / (double)period_ms + 16) * ngpus,
		   err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	for (int p = 0; p < 4; p++) {
		if (phase_s[p] <= 0.0)
			continue;
		printf("power: phase %s, %.0f s\n", phase_names[p], phase_s[p]);
		fflush(stdout);
		ps_phase(ps, phase_names[p]);
		if (p == 0) {
			double t_end = bu_now_s() + phase_s[p];
			while (bu_now_s() < t_end) {
				struct timespec ts = {0, 50 * 1000000L};
				nanosleep(&ts, NULL);
			}
		} else if (p == 3) {
			rc = run_nccl(&g, phase_s[p], err, sizeof err);
		} else {
			rc = run_load(L, ngpus, p == 1 ? PH_GEMM : PH_MEM, phase_s[p], mem_bytes, err, sizeof err);
		}
		if (rc != 0)
			goto done;
	}
	ps_stop(ps);
	if (ps_dropped(ps) > 0)
		fprintf(stderr, "power: %ld readings dropped (buffer full)\n", ps_dropped(ps));
	if (ps_count(ps) == 0) {
		snprintf(err, sizeof err, "NVML returned no power reading");
		rc = -1;
		goto done;
	}
	for (int p = 0; p < 4; p++)
		if (phase_s[p] > 0.0)
			printf("power: %-5s mean %.1f W per GPU\n", phase_names[p], ps_mean_power_w(ps, phase_names[p]));
	if (bu_out_open(&out, out_path, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	if (ps_write_csv(ps, out.f) != 0 || bu_out_commit(&out, err, sizeof err) != 0) {
		if (!err[0])
			snprintf(err, sizeof err, "%s: write failed", out_path);
		rc = -1;
		goto done;
	}
	printf("power: %ld readings in %s\n", ps_count(ps), out_path);
done:
	bu_out_abort(&out);
	ps_free(ps);
	cg_destroy(&g);
	for (int d = 0; d < ngpus; d++) {
		cudaSetDevice(d);
		lg_plan_free(L[d].plan);
		if (L[d].lt)
			cublasLtDestroy(L[d].lt);
		if (L[d].ws)
			cudaFree(L[d].ws);
		if (L[d].a)
			cudaFree(L[d].a);
		if (L[d].b)
			cudaFree(L[d].b);
		if (L[d].s)
			cudaStreamDestroy(L[d].s);
	}
	nvdl_close(nv);
	if (rc != 0) {
		fprintf(stderr, "power: %s\n", err);
		return 1;
	}
	return 0;
}
