/* test_nccl_fmt.c -- the calibration suite's host-only pieces, without CUDA:
 * the nccl-tests formatter (calibrate/bench/nccl_fmt.c) against the published logs
 * in ../shared/data/nccl/ (header lines identical; every row of three logs
 * reprinted byte for byte from its parsed values; the rows' mean busbw over both
 * cases equal to the log's "Avg bus bandwidth"; a synthetic row's columns ending
 * under the header's labels; busbw factors of PERFORMANCE.md), and the byte-size
 * parser, size lists and all-or-nothing result files (calibrate/bench/bench_util.c).
 * What it misses: anything that needs a GPU (the kernels, NCCL itself). */
#include "calibrate/bench/bench_util.h"
#include "calibrate/bench/nccl_fmt.h"
#include "tests/t.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_GB300_AR "../shared/data/nccl/nccl_allreduce_64xGB300_16node-nvl72-1rack_oci.txt"
#define LOG_GB300_A2A "../shared/data/nccl/nccl_alltoall_64xGB300_16node-nvl72-1rack_oci.txt"
#define LOG_A100_AR "../shared/data/nccl/nccl_allreduce_16xA100-40GB_2node_oci-roce_ocihpcoke.txt"

static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* The three column-header lines of a log ("#   ...out-of-place", "#   size", "#   (B)"). */
static int log_header(const char *rel, char lines[3][256])
{
	FILE *f = fopen(t_src(rel), "r");
	if (!f)
		return -1;
	char buf[512];
	int k = -1;
	while (fgets(buf, sizeof buf, f) && k < 3) {
		rtrim(buf);
		if (k < 0 && strstr(buf, "out-of-place"))
			k = 0;
		if (k >= 0) {
			snprintf(lines[k], 256, "%s", buf);
			k++;
		}
	}
	fclose(f);
	return k == 3 ? 0 : -1;
}

static void header_matches_shared_logs(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	T_CHECK(m != NULL);
	if (!m)
		return;
	nf_print_table_header(m);
	fclose(m);
	char mine[4][256];
	int n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < 4; l = strtok_r(NULL, "\n", &save)) {
		snprintf(mine[n], 256, "%s", l);
		rtrim(mine[n]);
		n++;
	}
	free(text);
	T_EQ_INT(n, 4);
	T_CHECK(strcmp(mine[0], "#") == 0);
	static const char *const logs[] = {LOG_GB300_AR, LOG_GB300_A2A, LOG_A100_AR};
	for (int i = 0; i < 3; i++) {
		char theirs[3][256];
		T_EQ_INT(log_header(logs[i], theirs), 0);
		for (int j = 0; j < 3; j++)
			T_CHECKF(strcmp(mine[j + 1], theirs[j]) == 0, "%s header line %d:\n  mine   '%s'\n  theirs '%s'",
				 logs[i], j + 1, mine[j + 1], theirs[j]);
	}
}

static long parse_wrong(const char *s)
{
	return strcmp(s, "N/A") == 0 ? -1 : atol(s);
}

/* Parse every data row of a log and print it again from the parsed values; the
 * rows' average bus bandwidth must match the log's "# Avg bus bandwidth". */
static int reprint_log(const char *rel, int *rows)
{
	nf_avg avg = {0.0, 0};
	char avg_line[128] = "";
	FILE *f = fopen(t_src(rel), "r");
	if (!f)
		return -1;
	char line[512];
	int bad = 0;
	*rows = 0;
	while (fgets(line, sizeof line, f)) {
		rtrim(line);
		if (strncmp(line, "# Avg bus bandwidth", 19) == 0)
			snprintf(avg_line, sizeof avg_line, "%s", line);
		unsigned long long bytes, count;
		char type[16], redop[16], w0[8], w1[8];
		int root;
		nf_case c[2];
		if (line[0] == '#' ||
		    sscanf(line, "%llu %llu %15s %15s %d %lf %lf %lf %7s %lf %lf %lf %7s", &bytes, &count, type,
			   redop, &root, &c[0].time_us, &c[0].algbw_GBps, &c[0].busbw_GBps, w0, &c[1].time_us,
			   &c[1].algbw_GBps, &c[1].busbw_GBps, w1) != 13)
			continue;
		c[0].wrong = parse_wrong(w0);
		c[1].wrong = parse_wrong(w1);
		char mine[512];
		int n = nf_format_row(mine, sizeof mine, bytes, count, type, redop, root, &c[0], &c[1]);
		if (n != (int)strlen(line) || strcmp(mine, line) != 0) {
			t_fail(__FILE__, __LINE__, "%s:\n  mine   '%s'\n  theirs '%s'", rel, mine, line);
			bad++;
		}
		nf_avg_add(&avg, &c[0], &c[1]);
		(*rows)++;
	}
	fclose(f);
	/* the log's figure comes from unrounded busbw, the rows show 2 decimals */
	double theirs = -1.0;
	if (sscanf(avg_line, "# Avg bus bandwidth : %lf", &theirs) != 1 ||
	    fabs(nf_avg_GBps(&avg) - theirs) > 0.006) {
		t_fail(__FILE__, __LINE__, "%s: average %.4f, log says '%s'", rel, nf_avg_GBps(&avg), avg_line);
		bad++;
	}
	return bad ? -1 : 0;
}

static void rows_reprint_shared_logs_byte_for_byte(void)
{
	int rows = 0;
	T_EQ_INT(reprint_log(LOG_GB300_AR, &rows), 0);
	T_EQ_INT(rows, 16);
	T_EQ_INT(reprint_log(LOG_GB300_A2A, &rows), 0);
	T_EQ_INT(rows, 16);
	T_EQ_INT(reprint_log(LOG_A100_AR, &rows), 0);
	T_EQ_INT(rows, 31);
}

/* End column (exclusive) of the k-th whitespace-separated token of s, or -1. */
static int token_end(const char *s, int k)
{
	int i = 0, n = (int)strlen(s), t = -1;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		t++;
		while (i < n && s[i] != ' ')
			i++;
		if (t == k)
			return i;
	}
	return -1;
}

static void synthetic_row_columns_and_values(void)
{
	nf_geom g;
	T_EQ_INT(nf_geometry(NF_ALL_REDUCE, 1073741824ull, 4, 8, &g), 0);
	nf_case oop = {4027.3, 0, 0, 0}, ip = {26.5, 0, 0, -1};
	oop.algbw_GBps = nf_algbw_GBps(g.bytes, oop.time_us);
	oop.busbw_GBps = oop.algbw_GBps * nf_busbw_factor(NF_ALL_REDUCE, 8);
	ip.algbw_GBps = nf_algbw_GBps(g.bytes, ip.time_us);
	ip.busbw_GBps = ip.algbw_GBps * nf_busbw_factor(NF_ALL_REDUCE, 8);
	char row[256];
	int n = nf_format_row(row, sizeof row, g.bytes, g.count, "float", nf_op_redop(NF_ALL_REDUCE),
			      nf_op_root(NF_ALL_REDUCE), &oop, &ip);
	T_CHECK(n > 0);
	char f[13][32];
	T_EQ_INT(sscanf(row, "%31s %31s %31s %31s %31s %31s %31s %31s %31s %31s %31s %31s %31s", f[0], f[1],
			f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12]), 13);
	static const char *const want[13] = {"1073741824", "268435456", "float", "sum", "-1", "4027.3",
					     "266.62", "466.58", "0", "26.50", "40518.56", "70907.48", "N/A"};
	for (int i = 0; i < 13; i++)
		T_CHECKF(strcmp(f[i], want[i]) == 0, "column %d is '%s', expected '%s'", i + 1, f[i], want[i]);
	/* every value column ends under its label in the shared log's header (the
	 * in-place bandwidths overflow %6.2f, as nccl-tests' would; checked up to there) */
	char hdr[3][256];
	T_EQ_INT(log_header(LOG_GB300_AR, hdr), 0);
	for (int i = 0; i < 10; i++)
		T_CHECKF(token_end(row, i) == token_end(hdr[1], i + 1), "column %d ends at %d, label at %d", i + 1,
			 token_end(row, i), token_end(hdr[1], i + 1));
}

static void time_column_precision(void)
{
	char b[32];
	nf_format_time(b, sizeof b, 36.47);
	T_CHECK(strcmp(b, "  36.47") == 0);
	nf_format_time(b, sizeof b, 1119.8);
	T_CHECK(strcmp(b, " 1119.8") == 0);
	nf_format_time(b, sizeof b, 34176.4);
	T_CHECK(strcmp(b, "  34176") == 0);
}

static void busbw_factors_and_geometry(void)
{
	/* PERFORMANCE.md, as quoted in expected_values_maintainers.csv */
	T_NEAR(nf_busbw_factor(NF_ALL_REDUCE, 64), 2.0 * 63 / 64, 1e-12);
	T_NEAR(nf_busbw_factor(NF_ALL_GATHER, 8), 7.0 / 8, 1e-12);
	T_NEAR(nf_busbw_factor(NF_REDUCE_SCATTER, 8), 7.0 / 8, 1e-12);
	T_NEAR(nf_busbw_factor(NF_ALLTOALL, 16), 15.0 / 16, 1e-12);
	T_NEAR(nf_busbw_factor(NF_BROADCAST, 8), 1.0, 1e-12);
	T_NEAR(nf_busbw_factor(NF_SENDRECV, 2), 1.0, 1e-12);
	/* nccl_alltoall_16xB300_2node-roce_oci.txt: 8589934592 B, count 134217728,
	 * 44498 us, algbw 193.04, busbw 180.98 */
	nf_geom g;
	T_EQ_INT(nf_geometry(NF_ALLTOALL, 8589934592ull, 4, 16, &g), 0);
	T_EQ_INT(g.count, 134217728);
	T_EQ_INT(g.bytes, 8589934592ull);
	T_EQ_INT(g.send_elems, 2147483648ull);
	T_NEAR(nf_algbw_GBps(g.bytes, 44498), 193.04, 5e-4);
	T_NEAR(nf_algbw_GBps(g.bytes, 44498) * nf_busbw_factor(NF_ALLTOALL, 16), 180.98, 5e-4);
	/* all_gather: count per rank, size = count x ranks x 4, rounded down */
	T_EQ_INT(nf_geometry(NF_ALL_GATHER, 1000, 4, 8, &g), 0);
	T_EQ_INT(g.count, 31);
	T_EQ_INT(g.bytes, 31 * 8 * 4);
	T_EQ_INT(g.send_elems, 31);
	T_EQ_INT(g.recv_elems, 31 * 8);
	T_EQ_INT(nf_geometry(NF_REDUCE_SCATTER, 1024, 4, 8, &g), 0);
	T_EQ_INT(g.send_elems, 256);
	T_EQ_INT(g.recv_elems, 32);
	T_EQ_INT(nf_geometry(NF_ALL_GATHER, 16, 4, 8, &g), -1); /* < 1 float per rank */
	T_EQ_INT(nf_geometry(NF_ALL_REDUCE, 8, 4, 8, &g), 0);
	T_EQ_INT(g.count, 2);
	nf_op op;
	for (int i = 0; i < NF_N_OPS; i++) {
		T_EQ_INT(nf_op_parse(nf_op_name((nf_op)i), &op), 0);
		T_EQ_INT(op, i);
	}
	T_EQ_INT(nf_op_parse("allreduce", &op), -1);
	T_CHECK(strcmp(nf_op_redop(NF_ALLTOALL), "none") == 0);
	T_CHECK(strcmp(nf_op_redop(NF_SENDRECV), "sum") == 0);
	T_EQ_INT(nf_op_root(NF_BROADCAST), 0);
	T_EQ_INT(nf_op_root(NF_ALL_REDUCE), -1);
}

static void footer_lines(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	T_CHECK(m != NULL);
	if (!m)
		return;
	nf_print_footer(m, NF_ALLTOALL, 0, 370.718);
	nf_print_params(m, 1, 8, 524288, 8589934592ull, 2, 1, 20, 1);
	fclose(m);
	T_CHECK(strstr(text, "# Out of bounds values : 0 OK\n# Avg bus bandwidth    : 370.718 \n") == text);
	T_CHECK(strstr(text, "# Collective test concluded: alltoall_perf\n") != NULL);
	T_CHECK(strstr(text, "# nThread 1 nGpus 8 minBytes 524288 maxBytes 8589934592 step: 2(factor) "
			     "warmup iters: 1 iters: 20 agg iters: 1 validation: 1 graph: 0\n") != NULL);
	free(text);
}

static void byte_sizes_and_lists(void)
{
	uint64_t v = 7;
	T_EQ_INT(bu_parse_bytes("256M", &v), 0);
	T_EQ_INT(v, 268435456ull);
	T_EQ_INT(bu_parse_bytes("4G", &v), 0);
	T_EQ_INT(v, 4294967296ull);
	T_EQ_INT(bu_parse_bytes("8", &v), 0);
	T_EQ_INT(v, 8);
	T_EQ_INT(bu_parse_bytes("1KB", &v), 0);
	T_EQ_INT(v, 1024);
	v = 7;
	T_EQ_INT(bu_parse_bytes("1.5G", &v), -1);
	T_EQ_INT(bu_parse_bytes("", &v), -1);
	T_EQ_INT(bu_parse_bytes("0", &v), -1);
	T_EQ_INT(bu_parse_bytes("-4", &v), -1);
	T_EQ_INT(bu_parse_bytes("99999999999T", &v), -1);
	T_EQ_INT(v, 7);
	uint64_t s[64];
	T_EQ_INT(bu_size_list(1ull << 20, 4ull << 30, 2, s, 64), 13);
	T_EQ_INT(s[12], 4ull << 30);
	T_EQ_INT(bu_size_list(8, 100, 4, s, 64), 2); /* 8, 32; 128 > 100 */
	T_EQ_INT(s[1], 32);
	T_EQ_INT(bu_size_list(8, 4, 2, s, 64), -1);
	T_EQ_INT(bu_size_list(8, 1024, 1, s, 64), -1);
	T_EQ_INT(bu_size_list(1, 1ull << 40, 2, s, 8), -1);
	long l = 0;
	T_EQ_INT(bu_parse_long("12", 1, 64, &l), 0);
	T_EQ_INT(l, 12);
	T_EQ_INT(bu_parse_long("65", 1, 64, &l), -1);
	T_EQ_INT(bu_parse_long("3x", 1, 64, &l), -1);
}

static void result_file_appears_only_on_commit(void)
{
	char dir[] = "/tmp/capsim-bu-XXXXXX", path[256], err[256];
	T_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/hbm.csv", dir);
	bu_out o;
	T_EQ_INT(bu_out_open(&o, path, err, sizeof err), 0);
	fprintf(o.f, "kind,bytes,time_us,gbps\n");
	bu_out_abort(&o);
	T_CHECK(access(path, F_OK) != 0);
	T_CHECK(access(o.tmp, F_OK) != 0);
	T_EQ_INT(bu_out_open(&o, path, err, sizeof err), 0);
	fprintf(o.f, "kind,bytes,time_us,gbps\nread,1048576,1.000,1048.576\n");
	T_CHECK(access(path, F_OK) != 0); /* not before the commit */
	T_EQ_INT(bu_out_commit(&o, err, sizeof err), 0);
	FILE *f = fopen(path, "r");
	char line[128] = "";
	T_CHECK(f && fgets(line, sizeof line, f) && fgets(line, sizeof line, f));
	T_CHECK(strcmp(line, "read,1048576,1.000,1048.576\n") == 0);
	if (f)
		fclose(f);
	remove(path);
	snprintf(path, sizeof path, "%s/no/such/dir/x.csv", dir);
	T_EQ_INT(bu_out_open(&o, path, err, sizeof err), -1);
	T_CHECK(strstr(err, "cannot write") != NULL);
	rmdir(dir);
}

int main(void)
{
	T_RUN(header_matches_shared_logs);
	T_RUN(rows_reprint_shared_logs_byte_for_byte);
	T_RUN(synthetic_row_columns_and_values);
	T_RUN(time_column_precision);
	T_RUN(busbw_factors_and_geometry);
	T_RUN(footer_lines);
	T_RUN(byte_sizes_and_lists);
	T_RUN(result_file_appears_only_on_commit);
	return t_done();
}
