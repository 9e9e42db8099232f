/* test_nccl.c -- `capsim nccl-tests` against real nccl-tests runs: for every log in
 * ../shared/data/nccl/ (every system column of the Azure table too), the system's
 * scenario under tests/nccl/ predicts the same sweep on the flow network and the
 * busbw error is printed per size; the median absolute error over sizes of 1 MiB
 * and up must be at most 10% for every log. The maintainers' expected values in
 * expected_values_maintainers.csv hold within 10% as well.
 *
 * What this misses: sizes under 1 MiB (latency-bound, printed but not judged) and
 * collectives the logs do not cover (reduce-scatter, broadcast, send/recv). */
#include "calibrate/nccl_log.h"
#include "scenarios/scenario.h"
#include "sim/cmd_nccl.h"
#include "tests/t.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NCCL_DIR "../shared/data/nccl/"
#define LIMIT 0.10

typedef struct {
	const char *log;          /* file in ../shared/data/nccl/ */
	const char *column;       /* a table's system column (prefix), or NULL */
	const char *scenario;     /* under tests/nccl/ */
	int gpus;
} case_t;

static const case_t cases[] = {
	{ "nccl_allreduce_8xH100_nvlink_bitdeer.txt", NULL, "h100-8-nvlink", 8 },
	{ "nccl_allreduce_16xH100_2node_ib8hca_bitdeer.txt", NULL, "h100-16-ib", 16 },
	{ "nccl_allreduce_16xA100-40GB_2node_oci-roce_ocihpcoke.txt", NULL, "a100-16-roce", 16 },
	{ "nccl_allreduce_72xGB200_nvl72-1rack_coreweave.txt", NULL, "gb200-72-nvl72", 72 },
	{ "nccl_allreduce_4xGB200_1node-nvlink_oci.txt", NULL, "gb200-4-tray", 4 },
	{ "nccl_allreduce_64xGB300_16node-nvl72-1rack_oci.txt", NULL, "gb300-64-nvl72", 64 },
	{ "nccl_alltoall_64xGB300_16node-nvl72-1rack_oci.txt", NULL, "gb300-64-nvl72", 64 },
	{ "nccl_allreduce_8xB300_1node-nvlink_oci.txt", NULL, "b300-8-nvlink", 8 },
	{ "nccl_allreduce_16xB300_2node-roce_oci.txt", NULL, "b300-16-roce", 16 },
	{ "nccl_alltoall_8xB300_1node-nvlink_oci.txt", NULL, "b300-8-nvlink", 8 },
	{ "nccl_alltoall_16xB300_2node-roce_oci.txt", NULL, "b300-16-roce", 16 },
	{ "rccl_allreduce_8xMI355X_1node-xgmi_oci.txt", NULL, "mi355x-8-xgmi", 8 },
	{ "nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv", "ND_A100", "azure-a100-8", 8 },
	{ "nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv", "ND_H100", "azure-h100-8", 8 },
	{ "nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv", "ND_H200", "azure-h200-8", 8 },
	{ "nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv", "ND_GB200", "gb200-4-tray", 4 },
	{ "nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv", "ND_MI300X", "azure-mi300x-8", 8 },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static scenario *load(const char *name)
{
	char rel[256], err[2048];
	snprintf(rel, sizeof rel, "tests/nccl/%s.xml", name);
	scenario *sc = NULL;
	if (scenario_load(t_src(rel), &sc, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		return NULL;
	}
	return sc;
}

/* Median |busbw error| over sizes >= 1 MiB of one log against its scenario;
 * prints every size. Returns -1 if it could not run. */
static double check_log(const case_t *k, const nccl_log *l)
{
	scenario *sc = load(k->scenario);
	if (!sc)
		return -1;
	char err[2048];
	nccl_sweep sw;
	const char *op = l->op[0] ? l->op : "all_reduce";
	if (nccl_sweep_init(sc, op, k->gpus, -1, &sw, err, sizeof err) != 0) {
		T_CHECKF(0, "%s: %s", k->scenario, err);
		scenario_free(sc);
		return -1;
	}
	double errs[64];
	int ne = 0;
	printf("  %s%s%s (%s, %d GPUs) on tests/nccl/%s.xml\n", k->log, k->column ? "#" : "",
	       k->column ? k->column : "", op, k->gpus, k->scenario);
	printf("  %14s %10s %10s %8s\n", "size (B)", "log busbw", "capsim", "error");
	for (int i = 0; i < l->nrows; i++) {
		const nccl_log_row *r = &l->rows[i];
		double meas = nccl_log_row_busbw(r);
		double us, alg, bus;
		int a, p;
		if (!(meas > 0) || nccl_predict(&sw, r->bytes, &us, &alg, &bus, &a, &p) != 0)
			continue;
		double e = (bus - meas) / meas;
		printf("  %14.0f %10.2f %10.2f %+7.1f%%%s\n", r->bytes, meas, bus, 100 * e,
		       r->bytes >= 1048576 ? "" : "  (under 1 MiB: not judged)");
		if (r->bytes >= 1048576 && ne < 64)
			errs[ne++] = fabs(e);
	}
	nccl_sweep_free(&sw);
	scenario_free(sc);
	if (ne == 0)
		return -1;
	qsort(errs, (size_t)ne, sizeof errs[0], cmp_double);
	double med = ne % 2 ? errs[ne / 2] : 0.5 * (errs[ne / 2 - 1] + errs[ne / 2]);
	printf("  median |error| over %d sizes >= 1 MiB: %.1f%%\n\n", ne, 100 * med);
	return med;
}

static void test_every_log(void)
{
	double worst = 0, sum = 0;
	int n = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const case_t *k = &cases[i];
		char path[512], err[2048];
		snprintf(path, sizeof path, "%s", t_src(NCCL_DIR));
		snprintf(path + strlen(path), sizeof path - strlen(path), "%s", k->log);
		nccl_log *logs = NULL;
		int nlogs = 0;
		if (nccl_logs_read(path, &logs, &nlogs, err, sizeof err) != 0) {
			T_CHECKF(0, "%s", err);
			continue;
		}
		const nccl_log *l = NULL;
		for (int j = 0; j < nlogs; j++)
			if (!k->column || strncmp(logs[j].system, k->column, strlen(k->column)) == 0)
				l = &logs[j];
		T_CHECKF(l != NULL, "%s: no column %s", k->log, k->column ? k->column : "");
		double med = l ? check_log(k, l) : -1;
		T_CHECKF(med >= 0 && med <= LIMIT, "%s%s%s: median |error| %.1f%% (limit %.0f%%)", k->log,
			 k->column ? "#" : "", k->column ? k->column : "", 100 * med, 100 * LIMIT);
		if (med >= 0) {
			worst = med > worst ? med : worst;
			sum += med;
			n++;
		}
		nccl_logs_free(logs, nlogs);
	}
	printf("  %d logs: mean of the medians %.1f%%, worst %.1f%% (limit %.0f%%, goal 5%%)\n", n,
	       n ? 100 * sum / n : 0.0, 100 * worst, 100 * LIMIT);
}

/* busbw of `op` at `bytes` on the first `gpus` GPUs of a scenario, NCCL's choice
 * or a forced algorithm. */
static double busbw(const char *scen, const char *op, int gpus, int algo, double bytes)
{
	scenario *sc = load(scen);
	if (!sc)
		return -1;
	char err[2048];
	nccl_sweep sw;
	double us, alg, bus = -1;
	int a, p;
	if (nccl_sweep_init(sc, op, gpus, algo, &sw, err, sizeof err) == 0) {
		if (nccl_predict(&sw, bytes, &us, &alg, &bus, &a, &p) != 0)
			bus = -1;
		nccl_sweep_free(&sw);
	} else {
		T_CHECKF(0, "%s", err);
	}
	scenario_free(sc);
	return bus;
}

static void test_maintainers_expected_values(void)
{
	/* expected_values_maintainers.csv (NCCL maintainers on nccl-tests issues) */
	const double G = 8.0 * 1024 * 1024 * 1024;
	double nvls = busbw("h100-8-nvlink", "all_reduce", 8, -1, G);
	double ring = busbw("h100-8-nvlink", "all_reduce", 8, coll_algo_parse("ring"), G);
	double ag = busbw("h100-8-nvlink", "all_gather", 8, -1, G);
	double a100 = busbw("azure-a100-8", "all_reduce", 8, -1, G);
	printf("  8xH100 all_reduce %.0f GB/s (expected 476-480), ring %.0f (370), all_gather %.0f (360); "
	       "8xA100 all_reduce %.0f (~240)\n", nvls, ring, ag, a100);
	T_NEAR(nvls, 478.0, LIMIT);   /* #212: NVLS peak 480; #290: 476 */
	T_NEAR(ring, 370.0, LIMIT);   /* #212: ring / non-allreduce about 370 */
	T_NEAR(ag, 360.0, LIMIT);     /* #326: all_gather 8 GPUs 360 */
	T_NEAR(a100, 240.0, LIMIT);   /* nccl#1712: A100 single node ~240 */
	/* 2 nodes, ring forced: busbw is the node's NICs (#290: 46-48 GB/s a NIC) */
	double two = busbw("h100-16-ib", "all_reduce", 16, coll_algo_parse("ring"), G);
	printf("  2x8 H100 ring (NCCL_ALGO=RING): %.0f GB/s = %.1f GB/s per NIC (expected 46-48)\n", two, two / 8);
	T_CHECKF(two / 8 >= 46 * (1 - LIMIT) && two / 8 <= 48 * (1 + LIMIT), "%.1f GB/s per NIC", two / 8);
}

int main(void)
{
	T_RUN(test_every_log);
	T_RUN(test_maintainers_expected_values);
	return t_done();
}
