/* test_calibrate.c -- calibration: the nccl-tests log and table readers on every log
 * in ../shared/data/nccl/ (row counts and specific busbw values copied from the
 * files), and their error paths.
 *
 * What this misses: logs from nccl-tests versions with other column layouts than
 * the 13- and 9-column tables. */
#include "calibrate/fit.h"
#include "calibrate/nccl_log.h"
#include "sim/engine/rng.h"
#include "tests/t.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	p = write_tmp("message_size,\"8x A\",\"8x B\"\n1K,0.1,0.2\n3K,0.2,0.3\n");
	T_CHECK(nccl_logs_read(p, &logs, &n, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s:3: expected a message size", p);
	T_CHECKF(strstr(err, want) != NULL, "%s", err);
	T_CHECK(logs == NULL);
	unlink(p);
	p = write_tmp("message_size,\"8x A\",\"8x B\"\n1K,0.1\n");
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
	return t_done();
}
