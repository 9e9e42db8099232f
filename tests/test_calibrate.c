/* test_calibrate.c -- calibration: the nccl-tests log and table readers on every log
 * in ../shared/data/nccl/ (row counts and specific busbw values copied from the
 * files), and their error paths.
 *
 * What this misses: logs from nccl-tests versions with other column layouts than
 * the 13- and 9-column tables. */
#include "calibrate/fit.h"
#include "calibrate/nccl_log.h"
#include "calibrate/profile_write.h"
#include "calibrate/suite.h"
#include "scenarios/catalog.h"
#include "scenarios/profile_load.h"
#include "scenarios/scenario.h"
#include "sim/calib_fit.h"
#include "sim/run.h"
#include "sim/uncertainty.h"
#include "sim/cmd_nccl.h"
#include "sim/engine/rng.h"
#include "tests/t.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define NCCL_DIR "../shared/data/nccl/"

static int read_log(const char *name, nccl_log *l)
{
	char err[1024];
	int rc = nccl_log_read(t_src(name), l, err, sizeof err);
	T_CHECKF(rc == 0, "%s", err);
	return rc;
}

static const nccl_log_row *row_of(const nccl_log *l, double bytes)
{
	for (int i = 0; i < l->nrows; i++)
		if (l->rows[i].bytes == bytes)
			return &l->rows[i];
	return NULL;
}

static void test_log_a100_16_roce(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_16xA100-40GB_2node_oci-roce_ocihpcoke.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 31);
	T_CHECK(strcmp(l.op, "all_reduce") == 0);
	T_EQ_INT(l.nranks, 16);
	T_EQ_INT(l.nranks_bw, 16);
	T_EQ_INT(l.nhosts, 2);
	T_EQ_INT(l.ngpus_per_proc, 1);
	T_CHECK(strcmp(l.gpu, "NVIDIA A100-SXM4-40GB") == 0);
	T_NEAR(l.avg_busbw_GBps, 66.4834, 1e-9);
	T_CHECK(l.rows[0].bytes == 8 && l.rows[0].count == 2);
	T_NEAR(l.rows[0].oop_time_us, 36.47, 1e-9);
	T_NEAR(l.rows[0].ip_time_us, 34.74, 1e-9);
	const nccl_log_row *r = row_of(&l, 8589934592.0);
	T_CHECK(r != NULL);
	if (r) {
		T_NEAR(r->oop_busbw_GBps, 237.94, 1e-9);
		T_NEAR(r->ip_busbw_GBps, 237.52, 1e-9);
		T_NEAR(r->oop_time_us, 67689, 1e-9);
		T_EQ_INT(r->oop_wrong, 0);
		T_CHECK(r->count_ok);
		T_CHECK(strcmp(r->type, "float") == 0 && strcmp(r->redop, "sum") == 0 && r->root == -1);
	}
	r = row_of(&l, 2097152);
	T_CHECK(r && fabs(r->ip_time_us - 100.1) < 1e-9);
	T_CHECK(!l.truncated);
	nccl_log_free(&l);
}

static void test_log_b300_16_roce(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_16xB300_2node-roce_oci.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 2);
	T_CHECK(l.truncated);
	T_CHECK(strcmp(l.op, "all_reduce") == 0); /* "Collective test concluded: all_reduce_perf" */
	T_EQ_INT(l.nranks, 0);                    /* no rank lines */
	T_EQ_INT(l.nranks_bw, 16);                /* 766.54 / 408.82 = 2 x 15/16 */
	T_CHECK(strcmp(l.version, "NCCL version 2.28.9+cuda13.1") == 0);
	T_NEAR(l.rows[1].bytes, 17179869184.0, 1e-12);
	T_NEAR(l.rows[1].ip_busbw_GBps, 768.15, 1e-9);
	T_NEAR(l.avg_busbw_GBps, 405.346, 1e-9);
	nccl_log_free(&l);
}

static void test_log_h100_16_ib(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_16xH100_2node_ib8hca_bitdeer.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 6);
	T_EQ_INT(l.nranks, 16);
	T_EQ_INT(l.nhosts, 2);
	T_NEAR(l.rows[5].oop_busbw_GBps, 467.97, 1e-9);
	T_NEAR(l.rows[0].bytes, 268435456, 1e-12);
	/* indented footer lines are still comments */
	T_NEAR(l.avg_busbw_GBps, 443.007, 1e-9);
	nccl_log_free(&l);
}

static void test_log_gb200_4(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_4xGB200_1node-nvlink_oci.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 2);
	T_CHECK(l.truncated);
	T_EQ_INT(l.nranks, 4);
	T_EQ_INT(l.nranks_bw, 4);
	T_CHECK(isnan(l.avg_busbw_GBps)); /* no footer in this log */
	/* the hand-edited count 107374124 is flagged, the 8 GiB row's is right */
	T_CHECK(l.rows[0].count == 107374124 && !l.rows[0].count_ok);
	T_CHECK(l.rows[1].count_ok);
	T_NEAR(l.rows[1].oop_busbw_GBps, 663.34, 1e-9);
	T_NEAR(l.rows[1].oop_time_us, 19424, 1e-9);
	T_NEAR(l.rows[0].ip_busbw_GBps, 656.73, 1e-9);
	nccl_log_free(&l);
}

static void test_log_gb300_64(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_64xGB300_16node-nvl72-1rack_oci.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 16);
	T_EQ_INT(l.nranks, 64);  /* "Rank 63", rank lines elided with "..." */
	T_EQ_INT(l.nhosts, 0);   /* so the host count is unknown */
	T_EQ_INT(l.nranks_bw, 64);
	T_CHECK(strcmp(l.gpu, "NVIDIA GB300") == 0);
	T_NEAR(l.rows[0].bytes, 524288, 1e-12);
	T_NEAR(l.rows[0].oop_time_us, 66.27, 1e-9);
	T_NEAR(l.rows[15].ip_busbw_GBps, 930.60, 1e-9);
	T_NEAR(l.avg_busbw_GBps, 455.539, 1e-9);
	nccl_log_free(&l);
}

static void test_log_gb200_72(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_72xGB200_nvl72-1rack_coreweave.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 5);
	T_EQ_INT(l.nranks, 72);   /* only "Rank 71" is shown */
	T_EQ_INT(l.nhosts, 0);
	T_EQ_INT(l.nranks_bw, 72);
	T_CHECK(strcmp(l.op, "all_reduce") == 0); /* from the file name */
	T_NEAR(l.rows[4].oop_busbw_GBps, 834.57, 1e-9);
	T_NEAR(l.rows[4].ip_busbw_GBps, 846.82, 1e-9);
	T_NEAR(l.avg_busbw_GBps, 745.53, 1e-9); /* trailing space */
	nccl_log_free(&l);
}

static void test_log_b300_8(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_8xB300_1node-nvlink_oci.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 1);
	T_EQ_INT(l.ngpus_per_proc, 8);
	T_EQ_INT(l.nranks_bw, 8);
	T_NEAR(l.rows[0].oop_busbw_GBps, 834.84, 1e-9);
	T_NEAR(l.rows[0].oop_algbw_GBps, 477.05, 1e-9);
	nccl_log_free(&l);
}

static void test_log_h100_8(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_allreduce_8xH100_nvlink_bitdeer.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 4);
	T_EQ_INT(l.nranks, 8);
	T_EQ_INT(l.nhosts, 1);
	T_NEAR(l.rows[3].oop_busbw_GBps, 470.73, 1e-9);
	T_NEAR(l.rows[2].bytes, 1073741824, 1e-12);
	T_NEAR(l.avg_busbw_GBps, 448.212, 1e-9);
	nccl_log_free(&l);
}

static void test_log_alltoall(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "nccl_alltoall_16xB300_2node-roce_oci.txt", &l) == 0) {
		T_EQ_INT(l.nrows, 1);
		T_CHECK(strcmp(l.op, "alltoall") == 0);
		T_EQ_INT(l.rows[0].oop_wrong, 0);
		T_EQ_INT(l.rows[0].ip_wrong, -1); /* N/A */
		T_NEAR(l.rows[0].oop_busbw_GBps, 180.98, 1e-9);
		T_EQ_INT(l.nranks_bw, 16);
		T_CHECK(strcmp(l.rows[0].redop, "none") == 0);
		T_CHECK(l.rows[0].count_ok); /* 134217728 per rank = 8 GiB / 4 B / 16 */
		nccl_log_free(&l);
	}
	if (read_log(NCCL_DIR "nccl_alltoall_64xGB300_16node-nvl72-1rack_oci.txt", &l) == 0) {
		T_EQ_INT(l.nrows, 16);
		T_EQ_INT(l.nranks, 64);
		T_NEAR(l.rows[7].oop_busbw_GBps, 408.61, 1e-9);
		T_NEAR(l.rows[15].oop_busbw_GBps, 666.92, 1e-9);
		T_NEAR(l.avg_busbw_GBps, 370.718, 1e-9);
		nccl_log_free(&l);
	}
	if (read_log(NCCL_DIR "nccl_alltoall_8xB300_1node-nvlink_oci.txt", &l) == 0) {
		T_EQ_INT(l.nrows, 1);
		T_EQ_INT(l.nranks_bw, 8);
		T_NEAR(l.rows[0].oop_busbw_GBps, 675.55, 1e-9);
		nccl_log_free(&l);
	}
}

static void test_log_rccl(void)
{
	nccl_log l;
	if (read_log(NCCL_DIR "rccl_allreduce_8xMI355X_1node-xgmi_oci.txt", &l) != 0)
		return;
	T_EQ_INT(l.nrows, 2);
	T_CHECK(l.rccl);
	T_CHECK(strcmp(l.version, "rccl-tests: Version HEAD:e1b8a3a") == 0);
	T_CHECK(strcmp(l.gpu, "AMD Instinct MI355X") == 0);
	T_EQ_INT(l.nranks, 8);
	T_NEAR(l.rows[0].ip_busbw_GBps, 407.26, 1e-9);
	T_NEAR(l.rows[1].oop_time_us, 73913, 1e-9);
	T_NEAR(l.avg_busbw_GBps, 273.886, 1e-9);
	nccl_log_free(&l);
}

static void test_table_azure(void)
{
	nccl_log *logs = NULL;
	int n = 0;
	char err[1024];
	int rc = nccl_logs_read(t_src(NCCL_DIR "nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv"),
				&logs, &n, err, sizeof err);
	T_CHECKF(rc == 0, "%s", err);
	if (rc != 0)
		return;
	T_EQ_INT(n, 5);
	for (int i = 0; i < n; i++) {
		T_EQ_INT(logs[i].nrows, 24);
		T_CHECK(strcmp(logs[i].op, "all_reduce") == 0);
		T_NEAR(logs[i].rows[0].bytes, 1024, 1e-12);
		T_NEAR(logs[i].rows[6].bytes, 65536, 1e-12);   /* "65K" */
		T_NEAR(logs[i].rows[7].bytes, 131072, 1e-12);  /* "132K" */
		T_NEAR(logs[i].rows[15].bytes, 33554432, 1e-12); /* "33M" */
		T_NEAR(logs[i].rows[23].bytes, 8589934592.0, 1e-12);
		T_CHECK(isnan(logs[i].rows[0].oop_busbw_GBps));
	}
	T_CHECK(strstr(logs[0].system, "ND_A100_v4") != NULL);
	T_EQ_INT(logs[0].nranks, 8);
	T_EQ_INT(logs[3].nranks, 4); /* GB200: "4 GPUs per VM" */
	T_NEAR(logs[0].rows[23].ip_busbw_GBps, 231.58, 1e-9);
	T_NEAR(logs[1].rows[23].ip_busbw_GBps, 478.87, 1e-9);
	T_NEAR(logs[2].rows[10].ip_busbw_GBps, 57.15, 1e-9);
	T_NEAR(logs[3].rows[23].ip_busbw_GBps, 679.61, 1e-9);
	T_CHECK(logs[4].rccl);
	T_NEAR(logs[4].rows[22].ip_busbw_GBps, 314.85, 1e-9);
	/* algbw and time follow from busbw: 8 GiB at 231.58 / (2 x 7/8) GB/s */
	T_NEAR(logs[0].rows[23].ip_time_us, 8589934592.0 / (231.58 / 1.75 * 1e3), 1e-9);
	nccl_logs_free(logs, n);
}

static void test_every_shared_log_reads(void)
{
	/* every file in ../shared/data/nccl/ that holds a sweep (index.csv and the
	 * maintainers' table are not sweeps) */
	static const char *files[] = {
		"nccl_allreduce_16xA100-40GB_2node_oci-roce_ocihpcoke.txt",
		"nccl_allreduce_16xB300_2node-roce_oci.txt",
		"nccl_allreduce_16xH100_2node_ib8hca_bitdeer.txt",
		"nccl_allreduce_4xGB200_1node-nvlink_oci.txt",
		"nccl_allreduce_64xGB300_16node-nvl72-1rack_oci.txt",
		"nccl_allreduce_72xGB200_nvl72-1rack_coreweave.txt",
		"nccl_allreduce_8xB300_1node-nvlink_oci.txt",
		"nccl_allreduce_8xH100_nvlink_bitdeer.txt",
		"nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv",
		"nccl_alltoall_16xB300_2node-roce_oci.txt",
		"nccl_alltoall_64xGB300_16node-nvl72-1rack_oci.txt",
		"nccl_alltoall_8xB300_1node-nvlink_oci.txt",
		"rccl_allreduce_8xMI355X_1node-xgmi_oci.txt",
	};
	static const int rows[] = { 31, 2, 6, 2, 16, 5, 1, 4, 24, 1, 16, 1, 2 };
	int total = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[512], err[1024];
		snprintf(path, sizeof path, "%s%s", NCCL_DIR, files[i]);
		nccl_log *logs;
		int n;
		if (nccl_logs_read(t_src(path), &logs, &n, err, sizeof err) != 0) {
			T_CHECKF(0, "%s", err);
			continue;
		}
		T_EQ_INT(logs[0].nrows, rows[i]);
		for (int k = 0; k < n; k++)
			for (int j = 0; j < logs[k].nrows; j++) {
				double bw = nccl_log_row_busbw(&logs[k].rows[j]);
				T_CHECKF(bw >= 0 && bw < 2000, "%s row %d busbw %g", files[i], j, bw);
				if (j)
					T_CHECK(logs[k].rows[j].bytes > logs[k].rows[j - 1].bytes);
			}
		total += n;
		nccl_logs_free(logs, n);
	}
	T_EQ_INT(total, 12 + 5);
}

static const char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/capsim-t-ncclXXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* A temporary file named *.csv (tables are told by their name). */
static const char *write_tmp_csv(const char *text)
{
	static char path[80];
	const char *p = write_tmp(text);
	if (!p)
		return NULL;
	snprintf(path, sizeof path, "%s.csv", p);
	if (rename(p, path) != 0)
		return NULL;
	return path;
}

static void test_log_errors(void)
{
	nccl_log l;
	char err[1024];
	const char *hdr =
		"#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n";
	T_CHECK(nccl_log_read("/nonexistent/x.txt", &l, err, sizeof err) == -1);
	T_CHECK(strstr(err, "/nonexistent/x.txt: cannot open") != NULL);

	char text[1024];
	snprintf(text, sizeof text, "# nccl\n%s        1024   256  float sum -1  10.0  0.10  0.18  0  10.0  0.10 oops 0\n", hdr);
	const char *p = write_tmp(text);
	T_CHECK(nccl_log_read(p, &l, err, sizeof err) == -1);
	char want[128];
	snprintf(want, sizeof want, "%s:3: expected a nccl-tests row", p);
	T_CHECKF(strstr(err, want) != NULL, "%s", err);
	T_CHECK(strstr(err, "columns 10-12") != NULL);
	T_CHECK(l.rows == NULL && l.nrows == 0);
	unlink(p);

	p = write_tmp("# just comments\nhello\n");
	T_CHECK(nccl_log_read(p, &l, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "no nccl-tests table") != NULL, "%s", err);
	unlink(p);

	snprintf(text, sizeof text, "%s# Avg bus bandwidth : 1\n", hdr);
	p = write_tmp(text);
	T_CHECK(nccl_log_read(p, &l, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "no rows") != NULL, "%s", err);
	unlink(p);

	/* noise lines (NCCL INFO) are skipped; a short row is an error */
	snprintf(text, sizeof text, "%shost:1:1 [0] NCCL INFO comm 0x1\n  1024 256 float sum -1 10.0 0.10\n", hdr);
	p = write_tmp(text);
	T_CHECK(nccl_log_read(p, &l, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s:3:", p);
	T_CHECKF(strstr(err, want) != NULL, "%s", err);
	unlink(p);

	nccl_log *logs;
	int n;
	p = write_tmp_csv("message_size,\"8x A\",\"8x B\"\n1K,0.1,0.2\n3K,0.2,0.3\n");
	T_CHECK(nccl_logs_read(p, &logs, &n, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s:3: expected a message size", p);
	T_CHECKF(strstr(err, want) != NULL, "%s", err);
	T_CHECK(logs == NULL);
	unlink(p);
	p = write_tmp_csv("message_size,\"8x A\",\"8x B\"\n1K,0.1\n");
	T_CHECK(nccl_logs_read(p, &logs, &n, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "column 3") != NULL, "%s", err);
	unlink(p);
}

static void test_op_names(void)
{
	char b[32];
	T_CHECK(strcmp(nccl_log_op_from_name("x/nccl_allreduce_8x.txt", b, sizeof b), "all_reduce") == 0);
	T_CHECK(strcmp(nccl_log_op_from_name("nccl_all_gather.txt", b, sizeof b), "all_gather") == 0);
	T_CHECK(strcmp(nccl_log_op_from_name("nccl_reduce_scatter.txt", b, sizeof b), "reduce_scatter") == 0);
	T_CHECK(strcmp(nccl_log_op_from_name("alltoall_perf", b, sizeof b), "alltoall") == 0);
	T_CHECK(strcmp(nccl_log_op_from_name("sendrecv_perf", b, sizeof b), "sendrecv") == 0);
	T_CHECK(strcmp(nccl_log_op_from_name("hello.txt", b, sizeof b), "") == 0);
	T_NEAR(nccl_log_busbw_factor("all_reduce", 8), 1.75, 1e-12);
	T_NEAR(nccl_log_busbw_factor("alltoall", 16), 15.0 / 16, 1e-12);
}


/* |fitted - true| within 3 standard errors, and the error itself small */
#define T_RECOVERS(fit, j, truth, max_rel_se) do { \
	T_CHECKF(fabs((fit).p[j] - (truth)) <= 3.0 * (fit).se[j], "param %d = %g +- %g, true %g", \
		 j, (fit).p[j], (fit).se[j], (double)(truth)); \
	T_CHECKF((fit).se[j] > 0 && (fit).se[j] <= (max_rel_se) * fabs((double)(truth)), "param %d se %g", j, (fit).se[j]); \
} while (0)

static void test_fit_gemm_recovers(void)
{
	/* two dtypes, plateaus 0.78 and 0.62, half-dim 300, 1.5% multiplicative noise */
	rng_set *rs = rng_set_new(42);
	rng *r = rng_stream(rs, "gemm");
	static const double dims[] = { 128, 256, 512, 1024, 2048, 4096, 8192, 16384 };
	double x[2 * 8 * 3 * 4], y[2 * 8 * 3];
	int n = 0;
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 8; i++)
			for (int j = 0; j < 3; j++) {
				double m = dims[i], nn = dims[(i + j) % 8], k = dims[(i + 2 * j) % 8];
				double d = cbrt(m * nn * k);
				double truth = (s ? 0.62 : 0.78) * d / (d + 300);
				x[4 * n] = s; x[4 * n + 1] = m; x[4 * n + 2] = nn; x[4 * n + 3] = k;
				y[n++] = truth * (1 + rng_gaussian(r, 0.015));
			}
	fit_result f;
	char err[256];
	T_CHECKF(fit_gemm(x, y, n, 2, &f, err, sizeof err) == 0, "%s", err);
	T_RECOVERS(f, 0, 0.78, 0.02);
	T_RECOVERS(f, 1, 0.62, 0.02);
	T_RECOVERS(f, 2, 300, 0.1);
	T_CHECK(f.r2 > 0.98);
	T_CHECK(f.rel_rms < 0.03 && f.rel_rms > 0.005);
	T_EQ_INT(f.dof, n - 3);
	/* the covariance is symmetric with the variances on its diagonal */
	T_NEAR(f.cov[0][2], f.cov[2][0], 1e-9);
	T_NEAR(f.se[2] * f.se[2], f.cov[2][2], 1e-9);
	rng_set_free(rs);
}

static void test_fit_alpha_beta_recovers(void)
{
	rng_set *rs = rng_set_new(7);
	rng *r = rng_stream(rs, "coll");
	double b[24], t[24];
	int n = 0;
	for (double s = 1024; s <= 8589934592.0; s *= 2) {
		b[n] = s;
		t[n] = (12.0 + s / (180.0 * 1e3)) * (1 + rng_gaussian(r, 0.02));
		n++;
	}
	fit_result f;
	char err[256];
	T_CHECKF(fit_alpha_beta(b, t, n, 0, &f, err, sizeof err) == 0, "%s", err);
	T_RECOVERS(f, 0, 12.0, 0.05);
	T_RECOVERS(f, 1, 180.0, 0.05);
	/* bandwidth only, from the largest sizes */
	T_CHECKF(fit_alpha_beta(b + n - 4, t + n - 4, 4, 1, &f, err, sizeof err) == 0, "%s", err);
	T_EQ_INT(f.np, 1);
	T_CHECK(fabs(f.p[0] - 180.0) < 0.05 * 180.0);
	rng_set_free(rs);
}

static void test_fit_power_recovers(void)
{
	rng_set *rs = rng_set_new(3);
	rng *r = rng_stream(rs, "power");
	double u[200], p[200];
	for (int i = 0; i < 200; i++) {
		u[i] = rng_uniform(r);
		p[i] = 90 + 560 * u[i] + rng_gaussian(r, 10);
	}
	fit_result f;
	char err[256];
	T_CHECKF(fit_power(u, p, 200, &f, err, sizeof err) == 0, "%s", err);
	T_RECOVERS(f, 0, 90, 0.05);
	T_RECOVERS(f, 1, 560, 0.02);
	T_NEAR(f.rms, 10, 0.2); /* the noise's own sigma */
	rng_set_free(rs);
}

static void test_fit_errors(void)
{
	fit_result f;
	char err[256];
	double b[2] = { 1e6, 2e6 }, t[2] = { 10, 20 };
	T_CHECK(fit_alpha_beta(b, t, 2, 0, &f, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "too few points: 2 for 2 parameters") != NULL, "%s", err);
	double u[3] = { 0.5, 0.5, 0.5 }, p[3] = { 100, 101, 99 };
	T_CHECK(fit_power(u, p, 3, &f, err, sizeof err) == -1); /* one utilisation only */
	T_CHECKF(strstr(err, "not determined") != NULL, "%s", err);
	t[1] = -1;
	T_CHECK(fit_alpha_beta(b, t, 2, 1, &f, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "positive") != NULL, "%s", err);
}

/* ---- the suite's results folder fitted into a profile ---- */

/* Known figures of the synthetic H100 results folder. */
#define SYN_BF16 0.80
#define SYN_FP8 0.65
#define SYN_HALF 400.0
#define SYN_HBM 0.90
#define SYN_OVH_US 5.0
#define SYN_IDLE_W 80.0
#define SYN_DYN_W 600.0
#define SYN_P2P 0.85
#define SYN_P2P_US 8.0
#define SYN_PCIE 0.8
#define SYN_PCIE_US 10.0

/* Writes a results folder as calibrate/run-node.sh would on an H100 whose true
 * figures are the SYN_* above, with 1.5% (GEMM), 2% (HBM) and 8 W (power) noise
 * from a fixed-seed stream. Returns the folder (static buffer). */
static const char *write_synthetic_suite(int gemm_rows_bad, double pcie_Bps)
{
	static char dir[64];
	snprintf(dir, sizeof dir, "/tmp/capsim-t-suiteXXXXXX");
	if (!mkdtemp(dir))
		return NULL;
	char path[128];
	rng_set *rs = rng_set_new(2026);
	rng *r = rng_stream(rs, "suite");
	FILE *f;
	snprintf(path, sizeof path, "%s/meta.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "key,value\ngpu,NVIDIA H100 80GB HBM3 (synthetic)\ngpus,8\ndriver,550.90.07\ncuda,12.4\nnccl,2.21.5\ndate,2026-11-30\n");
	fclose(f);
	snprintf(path, sizeof path, "%s/gemm.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "dtype,m,n,k,time_us,tflops\n");
	static const double dims[] = { 256, 512, 1024, 2048, 4096, 8192, 12288, 16384 };
	for (int dt = 0; dt < 2; dt++)
		for (int i = 0; i < 8; i++)
			for (int j = 0; j < 3; j++) {
				double m = dims[i], n = dims[(i + j) % 8], k = dims[(i + 3 * j) % 8];
				double d = cbrt(m * n * k), peak = dt ? 1978.9e12 : 989.4e12;
				double eff = (dt ? SYN_FP8 : SYN_BF16) * d / (d + SYN_HALF) * (1 + rng_gaussian(r, 0.015));
				double tfl = eff * peak / 1e12, t_us = 2 * m * n * k / (tfl * 1e12) * 1e6;
				if (gemm_rows_bad && i == 0 && j == 1)
					tfl *= 2; /* a row whose TFLOP/s disagree with its time */
				fprintf(f, "%s,%.0f,%.0f,%.0f,%.6g,%.6g\n", dt ? "fp8" : "bf16", m, n, k, t_us, tfl);
			}
	fclose(f);
	snprintf(path, sizeof path, "%s/hbm.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "kind,bytes,time_us,gbps\n");
	static const char *const kinds[] = { "read", "write", "copy" };
	for (int kd = 0; kd < 3; kd++)
		for (double b = 1 << 20; b <= 4294967296.0; b *= 4) {
			double moved = kd == 2 ? 2 * b : b;
			double t = (SYN_OVH_US + moved / (SYN_HBM * 3.35e12) * 1e6) * (1 + rng_gaussian(r, 0.02));
			fprintf(f, "%s,%.0f,%.6g,%.6g\n", kinds[kd], b, t, moved / (t * 1e3));
		}
	/* host-device copies at SYN_PCIE of the node's PCIe rate, SYN_PCIE_US latency */
	for (int kd = 0; kd < 2 && pcie_Bps > 0; kd++)
		for (double b = 65536; b <= 1073741824.0; b *= 4) {
			double t = (SYN_PCIE_US + b / (SYN_PCIE * pcie_Bps) * 1e6) * (1 + rng_gaussian(r, 0.02));
			fprintf(f, "%s,%.0f,%.6g,%.6g\n", kd ? "d2h" : "h2d", b, t, b / (t * 1e3));
		}
	fclose(f);
	snprintf(path, sizeof path, "%s/p2p.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "src,dst,bytes,time_us,gbps\n");
	for (int a = 0; a < 8; a++)
		for (int b2 = 0; b2 < 8; b2++)
			for (double b = 4096; b <= 1073741824.0; b *= 16) {
				if (a == b2)
					continue;
				double t = (SYN_P2P_US + b / (SYN_P2P * 450e9) * 1e6) * (1 + rng_gaussian(r, 0.02));
				fprintf(f, "%d,%d,%.0f,%.6g,%.6g\n", a, b2, b, t, b / (t * 1e3));
			}
	fclose(f);
	snprintf(path, sizeof path, "%s/power.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct\n");
	static const char *const phases[] = { "idle", "gemm", "hbm", "nccl" };
	static const double util[] = { 0, 100, 60, 35 };
	for (int ph = 0; ph < 4; ph++)
		for (int g = 0; g < 8; g++)
			for (int s = 0; s < 5; s++) {
				double u = util[ph] - (ph ? rng_uniform(r) * 10 : 0);
				if (u < 0)
					u = 0;
				double w = SYN_IDLE_W + SYN_DYN_W * u / 100 + rng_gaussian(r, 8);
				fprintf(f, "%s,%.1f,%d,%.2f,1980,2619,%.0f,%.1f\n", phases[ph], ph * 10 + s * 0.5, g, w,
					40 + u / 3, u);
			}
	fclose(f);
	rng_set_free(rs);
	return dir;
}

static void rm_suite(const char *dir)
{
	static const char *const files[] = { "meta.csv", "gemm.csv", "hbm.csv", "p2p.csv", "power.csv" };
	char path[128];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

typedef struct {
	catalog *cat;
	profile base;
} fit_env;

static int env_init(fit_env *e)
{
	char err[1024];
	memset(e, 0, sizeof *e);
	if (catalog_load_dir(catalog_default_dir(), &e->cat, err, sizeof err) != 0 ||
	    profile_load(profile_default_path(), &e->base, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		return -1;
	}
	return 0;
}

static int fit_folder(fit_env *e, const char *dir, profile *out, calib_account *acct, char *err,
		      size_t errlen)
{
	calib_fit_opts o;
	memset(&o, 0, sizeof o);
	o.inputs[o.ninputs++] = dir;
	o.gpu = catalog_gpu(e->cat, "nvidia-h100-sxm");
	o.base = &e->base;
	o.name = "synthetic-h100";
	o.date = "2026-11-30";
	o.force_algo = -1;
	return calib_fit(&o, out, acct, err, errlen);
}

static void check_recovered(const profile_gpu *g, const char *key, double truth, double max_rel_se)
{
	const profile_fit *f = profile_fit_of(g, key);
	T_CHECKF(f != NULL, "no fit for %s", key);
	if (!f)
		return;
	for (int j = 0; j < f->np; j++) {
		if (strcmp(f->param[j], key) != 0)
			continue;
		double v = f->value[j], se = sqrt(f->cov[j][j]);
		T_CHECKF(fabs(v - truth) <= 3 * se, "%s = %g +- %g, true %g", key, v, se, truth);
		T_CHECKF(se > 0 && se <= max_rel_se * truth, "%s stderr %g", key, se);
		double cur;
		profile_param_get(g, key, &cur);
		T_NEAR(cur, v, 1e-12); /* the fit's value is the entry's figure */
	}
}

static void test_suite_fit_recovers(void)
{
	static fit_env e;
	static profile out;
	static calib_account acct;
	if (env_init(&e) != 0)
		return;
	const char *dir = write_synthetic_suite(0, 0);
	char err[2048];
	int rc = fit_folder(&e, dir, &out, &acct, err, sizeof err);
	T_CHECKF(rc == 0, "%s", err);
	if (rc == 0) {
		const profile_gpu *g = profile_for(&out, "nvidia-h100-sxm");
		T_CHECK(g && strcmp(g->gpu, "nvidia-h100-sxm") == 0 && !g->measured); /* only its <fit>s claim measurement */
		check_recovered(g, "gemm.bf16", SYN_BF16, 0.02);
		check_recovered(g, "gemm.fp8", SYN_FP8, 0.02);
		check_recovered(g, "gemm-half-dim", SYN_HALF, 0.1);
		check_recovered(g, "hbm", SYN_HBM, 0.02);
		check_recovered(g, "kernel-overhead", SYN_OVH_US * 1e3, 0.2);
		check_recovered(g, "power-idle", SYN_IDLE_W, 0.05);
		check_recovered(g, "power-dynamic", SYN_DYN_W, 0.02);
		T_EQ_INT(g->nfits, 3);
		const profile_fit *gf = profile_fit_of(g, "gemm.bf16");
		T_CHECK(gf && gf->points == 48 && gf->r2 > 0.98 && gf->rel_rms < 0.03);
		/* untouched figures keep the base profile's values */
		T_NEAR(g->attn_eff, 0.331, 1e-12);
		T_NEAR(g->link[LINK_SCALEUP].bw_eff, 0.822, 1e-12);
		/* provenance: the folder with the meta's hardware, versions and date */
		T_EQ_INT(out.ninputs, 1);
		T_CHECK(strstr(out.inputs[0].hardware, "8 x NVIDIA H100") != NULL);
		T_CHECK(strstr(out.inputs[0].version, "NCCL 2.21.5") != NULL);
		T_CHECK(strcmp(out.inputs[0].date, "2026-11-30") == 0);
		T_CHECK(acct.nlines >= 7);
	}
	rm_suite(dir);
	catalog_free(e.cat);
}

static void test_suite_p2p_with_system(void)
{
	/* with the system described, p2p.csv gives the scale-up link (450 GB/s NVLink4) */
	static fit_env e;
	static profile out;
	static calib_account acct;
	if (env_init(&e) != 0)
		return;
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(t_src("tests/nccl/h100-8-nvlink.xml"), &sc, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		catalog_free(e.cat);
		return;
	}
	const char *dir = write_synthetic_suite(0, sc->cl.groups[0].node->pcie_bw_Bps);
	calib_fit_opts o;
	memset(&o, 0, sizeof o);
	o.inputs[o.ninputs++] = dir;
	o.sc = sc;
	o.base = &e.base;
	o.name = "synthetic-h100";
	o.date = "2026-11-30";
	o.force_algo = -1;
	int rc = calib_fit(&o, &out, &acct, err, sizeof err);
	T_CHECKF(rc == 0, "%s", err);
	if (rc == 0) {
		const profile_gpu *g = profile_for(&out, "nvidia-h100-sxm");
		check_recovered(g, "link.scale-up.efficiency", SYN_P2P, 0.01);
		check_recovered(g, "link.scale-up.alpha", SYN_P2P_US * 1e3, 0.05);
		T_CHECK(g->link[LINK_SCALEUP].measured);
		check_recovered(g, "link.pcie.efficiency", SYN_PCIE, 0.02);
		check_recovered(g, "link.pcie.alpha", SYN_PCIE_US * 1e3, 0.05);
		check_recovered(g, "hbm", SYN_HBM, 0.02); /* host copies kept out of the HBM fit */
		T_EQ_INT(g->nfits, 5);
	}
	rm_suite(dir);
	scenario_free(sc);
	catalog_free(e.cat);
}

static void test_profile_round_trip(void)
{
	static fit_env e;
	static profile out, back;
	static calib_account acct;
	if (env_init(&e) != 0)
		return;
	const char *dir = write_synthetic_suite(0, 0);
	char err[2048], path[128];
	if (fit_folder(&e, dir, &out, &acct, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		goto done;
	}
	snprintf(path, sizeof path, "%s/profile.xml", dir);
	T_CHECKF(profile_write(path, &out, err, sizeof err) == 0, "%s", err);
	T_CHECKF(profile_load(path, &back, err, sizeof err) == 0, "%s", err);
	unlink(path);
	T_EQ_INT(back.ngpus, out.ngpus);
	T_EQ_INT(back.ninputs, out.ninputs);
	T_CHECK(strcmp(back.name, "synthetic-h100") == 0);
	for (int i = 0; i < out.ngpus && i < back.ngpus; i++) {
		const profile_gpu *a = &out.gpus[i], *b = &back.gpus[i];
		T_CHECK(strcmp(a->gpu, b->gpu) == 0);
		static const char *const keys[] = { "gemm.bf16", "gemm.fp8", "gemm.fp16", "gemm-half-dim", "attention",
			"hbm", "nvls", "kernel-overhead", "link.scale-up.efficiency", "link.scale-up.alpha",
			"link.scale-out.efficiency", "link.pcie.alpha", "power-idle", "power-dynamic" };
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			double x, y;
			profile_param_get(a, keys[k], &x);
			profile_param_get(b, keys[k], &y);
			T_CHECKF(fabs(x - y) <= 1e-8 * fabs(x), "%s %s: %.12g written, %.12g read", a->gpu, keys[k], x, y);
		}
		T_NEAR(b->memory_reserve_B, a->memory_reserve_B, 1e-8);
		T_EQ_INT(b->measured, a->measured);
		T_EQ_INT(b->nfits, a->nfits);
		for (int f = 0; f < a->nfits && f < b->nfits; f++) {
			T_EQ_INT(b->fits[f].np, a->fits[f].np);
			T_EQ_INT(b->fits[f].points, a->fits[f].points);
			T_NEAR(b->fits[f].r2, a->fits[f].r2, 1e-6);
			for (int j = 0; j < a->fits[f].np; j++) {
				T_CHECK(strcmp(a->fits[f].param[j], b->fits[f].param[j]) == 0);
				for (int m = 0; m < a->fits[f].np; m++)
					T_CHECK(fabs(a->fits[f].cov[j][m] - b->fits[f].cov[j][m]) <=
						1e-8 * fabs(a->fits[f].cov[j][m]) + 1e-300);
			}
		}
	}
done:
	rm_suite(dir);
	catalog_free(e.cat);
}

static void test_suite_fit_errors(void)
{
	static fit_env e;
	static profile out;
	static calib_account acct;
	if (env_init(&e) != 0)
		return;
	char err[2048], want[128];
	/* inconsistent data: a TFLOP/s figure that disagrees with its time */
	const char *dir = write_synthetic_suite(1, 0);
	T_CHECK(fit_folder(&e, dir, &out, &acct, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s/gemm.csv:3: inconsistent", dir);
	T_CHECKF(strstr(err, want) != NULL, "%s", err);
	/* too few points: two HBM rows for two parameters */
	char path[128];
	snprintf(path, sizeof path, "%s/gemm.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/power.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/hbm.csv", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "kind,bytes,time_us,gbps\nread,1048576,10,104.8576\nread,2097152,15,139.81\n");
	fclose(f);
	T_CHECK(fit_folder(&e, dir, &out, &acct, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "hbm.csv") && strstr(err, "too few points: 2 for 2 parameters"), "%s", err);
	/* a missing column names the file and what was expected */
	f = fopen(path, "w");
	fprintf(f, "kind,bytes,time\nread,1,1\n");
	fclose(f);
	T_CHECK(fit_folder(&e, dir, &out, &acct, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "hbm.csv:1: header has no column \"time_us\"") != NULL, "%s", err);
	/* an HBM figure above the catalog peak */
	f = fopen(path, "w");
	fprintf(f, "kind,bytes,time_us,gbps\n");
	for (double b = 1 << 20; b < 1e10; b *= 4)
		fprintf(f, "read,%.0f,%.6g,%.6g\n", b, b / 4e12 * 1e6, 4000.0);
	fclose(f);
	T_CHECK(fit_folder(&e, dir, &out, &acct, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "inconsistent") && strstr(err, "above the catalog peak"), "%s", err);
	rm_suite(dir);
	T_CHECK(fit_folder(&e, "/nonexistent/results", &out, &acct, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "/nonexistent/results: cannot open") != NULL, "%s", err);
	catalog_free(e.cat);
}

static void test_fitted_logs_map_through_model(void)
{
	/* (1) one log fitted through the model: the residual the fit reports is the
	 * model's own residual against the log with the fitted figure */
	static fit_env e;
	static profile out;
	static calib_account acct;
	char err[2048];
	scenario *sc = NULL;
	if (env_init(&e) != 0)
		return;
	if (scenario_load(t_src("tests/nccl/h100-8-nvlink.xml"), &sc, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		catalog_free(e.cat);
		return;
	}
	const char *log = t_src(NCCL_DIR "nccl_allreduce_8xH100_nvlink_bitdeer.txt");
	char logpath[512];
	snprintf(logpath, sizeof logpath, "%s", log);
	calib_fit_opts o;
	memset(&o, 0, sizeof o);
	o.inputs[o.ninputs++] = logpath;
	o.sc = sc;
	o.base = &e.base;
	o.name = "h100-one-log";
	o.date = "2026-11-30";
	o.force_algo = -1;
	int rc = calib_fit(&o, &out, &acct, err, sizeof err);
	T_CHECKF(rc == 0, "%s", err);
	nccl_log l;
	if (rc == 0 && read_log(NCCL_DIR "nccl_allreduce_8xH100_nvlink_bitdeer.txt", &l) == 0) {
		const profile_gpu *g = profile_for(&out, "nvidia-h100-sxm");
		T_CHECK(strcmp(acct.lines[0].param, "nvls") == 0 && strstr(acct.lines[0].what, "nvls") != NULL);
		T_NEAR(g->nvls_eff, acct.lines[0].value, 1e-9);
		T_CHECK(g->nvls_eff > 0.55 && g->nvls_eff < 0.62); /* 2 GiB: algbw 269.0 of 450 GB/s = 0.598 */
		T_CHECK(acct.lines[0].se > 0 && acct.lines[0].se < 0.03);
		T_CHECK(acct.lines[0].rel_rms < 0.05);
		sc->prof = out;
		nccl_sweep sw;
		T_CHECKF(nccl_sweep_init(sc, "all_reduce", 8, coll_algo_parse("nvls"), &sw, err, sizeof err) == 0, "%s", err);
		double ss = 0;
		for (int i = 0; i < l.nrows; i++) {
			double us, alg, bus;
			int a, pr;
			T_CHECK(nccl_predict(&sw, l.rows[i].bytes, &us, &alg, &bus, &a, &pr) == 0);
			double rel = (us - l.rows[i].oop_time_us) / l.rows[i].oop_time_us;
			ss += rel * rel;
			T_CHECKF(fabs(rel) < 0.08, "%.0f B: model %.1f us, log %.1f us", l.rows[i].bytes, us,
				 l.rows[i].oop_time_us);
		}
		/* the prediction runs on flows, whose times are whole nanoseconds */
		T_NEAR(sqrt(ss / l.nrows), acct.lines[0].rel_rms, 1e-4);
		nccl_sweep_free(&sw);
		nccl_log_free(&l);
	}
	scenario_free(sc);
	catalog_free(e.cat);

	/* (2) the shipped H100 profile combines three logs; each log's largest size
	 * comes back within 10% through the model */
	profile *p = calloc(1, sizeof *p);
	T_CHECKF(profile_load(t_src("calibrate/profiles/h100-sxm-nvswitch.xml"), p, err, sizeof err) == 0, "%s", err);
	const profile_gpu *g = profile_for(p, "nvidia-h100-sxm");
	const profile_fit *f = g ? profile_fit_of(g, "nvls") : NULL;
	T_CHECK(f != NULL && f->points >= 10);
	if (f) {
		T_CHECK(g->nvls_eff > 0.52 && g->nvls_eff < 0.62);
		T_CHECK(sqrt(f->cov[0][0]) < 0.02);
		static const char *const logs[] = { "nccl_allreduce_8xH100_nvlink_bitdeer.txt",
						    "nccl_allreduce_16xH100_2node_ib8hca_bitdeer.txt" };
		for (int i = 0; i < 2; i++) {
			char path[256];
			snprintf(path, sizeof path, NCCL_DIR "%s", logs[i]);
			if (read_log(path, &l) != 0)
				continue;
			scenario *s2 = NULL;
			if (scenario_load(t_src(i ? "tests/nccl/h100-16-ib.xml" : "tests/nccl/h100-8-nvlink.xml"), &s2, err,
					  sizeof err) == 0) {
				s2->prof = *p;
				nccl_sweep sw;
				T_CHECKF(nccl_sweep_init(s2, "all_reduce", l.nranks, -1, &sw, err, sizeof err) == 0, "%s", err);
				double us, alg, bus;
				int a, pr;
				const nccl_log_row *big = &l.rows[l.nrows - 1];
				T_CHECK(nccl_predict(&sw, big->bytes, &us, &alg, &bus, &a, &pr) == 0);
				T_NEAR(bus, big->oop_busbw_GBps, 0.10);
				nccl_sweep_free(&sw);
				scenario_free(s2);
			}
			nccl_log_free(&l);
		}
	}
	free(p);
}

static void test_prediction_moves_with_profile(void)
{
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(t_src("tests/calibrate/h100-64-fitted.xml"), &sc, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		return;
	}
	static run_results a, b, c;
	T_CHECKF(run_scenario(sc, &a, err, sizeof err) == 0, "%s", err);
	T_CHECK(strcmp(a.calibration.profile, "h100-sxm-nvswitch") == 0);
	T_CHECK(strcmp(a.calibration.entry, "nvidia-h100-sxm") == 0);
	int fitted = 0;
	for (int i = 0; i < a.calibration.nfig; i++)
		if (strcmp(a.calibration.fig[i].key, "nvls") == 0)
			fitted = strcmp(a.calibration.fig[i].status, "fitted") == 0 && a.calibration.fig[i].stderr_ > 0;
	T_CHECK(fitted);
	profile_gpu *g = NULL;
	for (int i = 0; i < sc->prof.ngpus; i++)
		if (strcmp(sc->prof.gpus[i].gpu, "nvidia-h100-sxm") == 0)
			g = &sc->prof.gpus[i];
	T_CHECK(g != NULL);
	if (!g)
		goto done;
	/* lower GEMM efficiency: more compute time, a longer step */
	double eff = g->gemm_eff[DT_BF16];
	g->gemm_eff[DT_BF16] = eff * 0.8;
	T_CHECKF(run_scenario(sc, &b, err, sizeof err) == 0, "%s", err);
	T_CHECKF(b.training.compute_s > a.training.compute_s * 1.1, "compute %g -> %g", a.training.compute_s,
		 b.training.compute_s);
	T_CHECK(b.training.step_time_s > a.training.step_time_s * 1.1);
	g->gemm_eff[DT_BF16] = eff;
	/* lower NVLS efficiency: slower tensor-parallel all-reduces */
	g->nvls_eff *= 0.5;
	T_CHECKF(run_scenario(sc, &c, err, sizeof err) == 0, "%s", err);
	T_CHECKF(c.training.tp_comm_s > a.training.tp_comm_s, "tp comm %g -> %g", a.training.tp_comm_s,
		 c.training.tp_comm_s);
	T_CHECK(c.training.step_time_s > a.training.step_time_s);
done:
	scenario_free(sc);
}

static void test_uncertainty_draws_follow_covariance(void)
{
	profile_gpu g;
	memset(&g, 0, sizeof g);
	g.gemm_eff[DT_BF16] = 0.7;
	g.gemm_half_dim = 300;
	g.nfits = 1;
	profile_fit *f = &g.fits[0];
	f->np = 2;
	snprintf(f->param[0], 32, "gemm.bf16");
	snprintf(f->param[1], 32, "gemm-half-dim");
	f->value[0] = 0.7;
	f->value[1] = 300;
	f->cov[0][0] = 1e-4;          /* se 0.01 */
	f->cov[1][1] = 400;           /* se 20 */
	f->cov[0][1] = f->cov[1][0] = 0.8 * 0.01 * 20; /* correlation 0.8 */
	rng_set *rs = rng_set_new(11);
	rng *r = rng_stream(rs, "draw");
	double s0 = 0, s1 = 0, s00 = 0, s11 = 0, s01 = 0;
	int n = 20000;
	for (int i = 0; i < n; i++) {
		profile_gpu c = g;
		T_EQ_INT(uncertainty_draw(&c, r), 2);
		double x = c.gemm_eff[DT_BF16], y = c.gemm_half_dim;
		s0 += x; s1 += y; s00 += x * x; s11 += y * y; s01 += x * y;
	}
	double m0 = s0 / n, m1 = s1 / n;
	double v0 = s00 / n - m0 * m0, v1 = s11 / n - m1 * m1, c01 = s01 / n - m0 * m1;
	T_NEAR(m0, 0.7, 0.002);
	T_NEAR(m1, 300, 0.005);
	T_NEAR(sqrt(v0), 0.01, 0.03);
	T_NEAR(sqrt(v1), 20, 0.03);
	T_NEAR(c01 / sqrt(v0 * v1), 0.8, 0.03);
	rng_set_free(rs);
}

static void test_uncertainty_percentiles(void)
{
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(t_src("tests/calibrate/h100-64-fitted.xml"), &sc, err, sizeof err) != 0) {
		T_CHECKF(0, "%s", err);
		return;
	}
	/* widen the NVLS fit so the spread is visible */
	for (int i = 0; i < sc->prof.ngpus; i++)
		for (int k = 0; k < sc->prof.gpus[i].nfits; k++)
			if (strcmp(sc->prof.gpus[i].fits[k].name, "nvls") == 0)
				sc->prof.gpus[i].fits[k].cov[0][0] = 0.05 * 0.05;
	uncertainty_results u1, u2;
	T_CHECKF(uncertainty_run(sc, 12, 5, &u1, err, sizeof err) == 0, "%s", err);
	T_CHECK(u1.present && u1.samples == 12 && u1.nparams >= 1);
	T_CHECK(u1.step_p10_s < u1.step_p50_s && u1.step_p50_s < u1.step_p90_s);
	T_CHECK(u1.ttt_p10_days < u1.ttt_p90_days);
#ifdef _OPENMP
	int threads = omp_get_max_threads();
	omp_set_num_threads(threads > 1 ? 1 : 3);
#endif
	T_CHECKF(uncertainty_run(sc, 12, 5, &u2, err, sizeof err) == 0, "%s", err);
#ifdef _OPENMP
	omp_set_num_threads(threads);
#endif
	T_CHECK(u1.step_p10_s == u2.step_p10_s && u1.step_p50_s == u2.step_p50_s && u1.step_p90_s == u2.step_p90_s);
	T_CHECK(u1.ttt_p50_days == u2.ttt_p50_days);
	/* a profile with no fits has nothing to sample */
	for (int i = 0; i < sc->prof.ngpus; i++)
		sc->prof.gpus[i].nfits = 0;
	T_CHECK(uncertainty_run(sc, 4, 5, &u2, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "no fitted figures") != NULL, "%s", err);
	scenario_free(sc);
}

int main(void)
{
	T_RUN(test_log_a100_16_roce);
	T_RUN(test_log_b300_16_roce);
	T_RUN(test_log_h100_16_ib);
	T_RUN(test_log_gb200_4);
	T_RUN(test_log_gb300_64);
	T_RUN(test_log_gb200_72);
	T_RUN(test_log_b300_8);
	T_RUN(test_log_h100_8);
	T_RUN(test_log_alltoall);
	T_RUN(test_log_rccl);
	T_RUN(test_table_azure);
	T_RUN(test_every_shared_log_reads);
	T_RUN(test_log_errors);
	T_RUN(test_op_names);
	T_RUN(test_fit_gemm_recovers);
	T_RUN(test_fit_alpha_beta_recovers);
	T_RUN(test_fit_power_recovers);
	T_RUN(test_fit_errors);
	T_RUN(test_suite_fit_recovers);
	T_RUN(test_suite_p2p_with_system);
	T_RUN(test_profile_round_trip);
	T_RUN(test_suite_fit_errors);
	T_RUN(test_fitted_logs_map_through_model);
	T_RUN(test_prediction_moves_with_profile);
	T_RUN(test_uncertainty_draws_follow_covariance);
	T_RUN(test_uncertainty_percentiles);
	return t_done();
}
