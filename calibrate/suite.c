/* suite.c -- the benchmark suite's results folder into plain arrays.
 *
 * Invariant: each table is built in a scratch array and handed over only when the
 * whole folder read cleanly. */
#include "calibrate/suite.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hbm_kinds[HBM_KIND_COUNT] = { "read", "write", "copy", "h2d", "d2h" };

const char *suite_hbm_kind_name(suite_hbm_kind k)
{
	return (unsigned)k < HBM_KIND_COUNT ? hbm_kinds[k] : "?";
}

const char *suite_meta(const suite_results *r, const char *key)
{
	for (int i = 0; i < r->nmeta; i++)
		if (strcmp(r->meta_key[i], key) == 0)
			return r->meta_val[i];
	return NULL;
}

void suite_free(suite_results *r)
{
	if (!r)
		return;
	free(r->gemm);
	free(r->hbm);
	free(r->p2p);
	free(r->power);
	memset(r, 0, sizeof *r);
}

#define MAX_COLS 16

/* A CSV file being read: the header's column names, the current row's fields. */
typedef struct {
	FILE *f;
	char path[600];
	int line;
	char buf[2048];
	char *col[MAX_COLS];
	int ncol;
	char hdr[MAX_COLS][32];
	int nhdr;
} csv;

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Next non-empty, non-comment line split at commas (no quoting in suite files).
 * Returns 1, 0 at the end, -1 with err set. */
static int csv_next(csv *c, char *err, size_t errlen)
{
	while (fgets(c->buf, sizeof c->buf, c->f)) {
		c->line++;
		char *s = trim(c->buf);
		if (!*s || *s == '#')
			continue;
		c->ncol = 0;
		for (char *p = s;;) {
			if (c->ncol == MAX_COLS) {
				snprintf(err, errlen, "%s:%d: more than %d columns", c->path, c->line, MAX_COLS);
				return -1;
			}
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			c->col[c->ncol++] = trim(p);
			if (!comma)
				break;
			p = comma + 1;
		}
		return 1;
	}
	return 0;
}

/* Opens dir/name and reads its header; returns 1 when open, 0 when absent, -1 on error. */
static int csv_open(csv *c, const char *dir, const char *name, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
	c->f = fopen(c->path, "r");
	if (!c->f)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: cannot open: %s", c->path, strerror(errno)), -1);
	int rc = csv_next(c, err, errlen);
	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "%s:%d: expected a header line", c->path, c->line);
		fclose(c->f);
		return -1;
	}
	for (int i = 0; i < c->ncol; i++)
		snprintf(c->hdr[i], sizeof c->hdr[i], "%s", c->col[i]);
	c->nhdr = c->ncol;
	return 1;
}

/* Column indexes of `names` (n of them) in the header; -1 with err when missing. */
static int csv_cols(const csv *c, const char *const *names, int n, int *idx, char *err,
		    size_t errlen)
{
	for (int i = 0; i < n; i++) {
		idx[i] = -1;
		for (int j = 0; j < c->nhdr; j++)
			if (strcmp(c->hdr[j], names[i]) == 0)
				idx[i] = j;
		if (idx[i] < 0) {
			char want[256] = "";
			for (int k = 0; k < n; k++)
				snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", k ? "," : "", names[k]);
			snprintf(err, errlen, "%s:1: header has no column \"%s\"; expected %s", c->path, names[i], want);
			return -1;
		}
	}
	return 0;
}

static int num(const csv *c, int col, const char *what, double *out, char *err, size_t errlen)
{
	char *end;
	if (col >= c->ncol) {
		snprintf(err, errlen, "%s:%d: expected %d columns, found %d", c->path, c->line, c->nhdr, c->ncol);
		return -1;
	}
	double v = strtod(c->col[col], &end);
	if (end == c->col[col] || *end || !isfinite(v)) {
		snprintf(err, errlen, "%s:%d: expected a number for %s, got \"%s\"", c->path, c->line, what, c->col[col]);
		return -1;
	}
	*out = v;
	return 0;
}

static int positive(const csv *c, int col, const char *what, double *out, char *err, size_t errlen)
{
	if (num(c, col, what, out, err, errlen) != 0)
		return -1;
	if (!(*out > 0)) {
		snprintf(err, errlen, "%s:%d: %s must be positive, got %s", c->path, c->line, what, c->col[col]);
		return -1;
	}
	return 0;
}

/* measured and derived agree within 5% for some ratio in `ratios` */
static int agrees(double measured, double derived, const double *ratios, int n)
{
	for (int i = 0; i < n; i++)
		if (fabs(measured - derived * ratios[i]) <= 0.05 * derived * ratios[i])
			return 1;
	return 0;
}

static int grow(void **arr, int n, int *cap, size_t size)
{
	if (n < *cap)
		return 0;
	int nc = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, (size_t)nc * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

static int read_meta(suite_results *r, char *err, size_t errlen)
{
	csv c;
	int rc = csv_open(&c, r->dir, "meta.csv", err, errlen);
	if (rc <= 0)
		return rc;
	int idx[2];
	static const char *const names[] = { "key", "value" };
	if (csv_cols(&c, names, 2, idx, err, errlen) != 0)
		goto fail;
	while ((rc = csv_next(&c, err, errlen)) == 1) {
		if (r->nmeta == 64)
			break;
		if (c.ncol < 2) {
			snprintf(err, errlen, "%s:%d: expected key,value", c.path, c.line);
			goto fail;
		}
		snprintf(r->meta_key[r->nmeta], sizeof r->meta_key[0], "%s", c.col[idx[0]]);
		snprintf(r->meta_val[r->nmeta], sizeof r->meta_val[0], "%s", c.col[idx[1]]);
		r->nmeta++;
	}
	if (rc < 0)
		goto fail;
	fclose(c.f);
	return 1;
fail:
	fclose(c.f);
	return -1;
}

static int read_gemm(suite_results *r, char *err, size_t errlen)
{
	csv c;
	int rc = csv_open(&c, r->dir, "gemm.csv", err, errlen), cap = 0;
	if (rc <= 0)
		return rc;
	int idx[6];
	static const char *const names[] = { "dtype", "m", "n", "k", "time_us", "tflops" };
	if (csv_cols(&c, names, 6, idx, err, errlen) != 0)
		goto fail;
	while ((rc = csv_next(&c, err, errlen)) == 1) {
		suite_gemm g;
		int dt = idx[0] < c.ncol ? hw_dtype_parse(c.col[idx[0]]) : -1;
		if (dt < 0) {
			snprintf(err, errlen, "%s:%d: expected a dtype (fp64, fp32, tf32, fp16, bf16, fp8, fp4), got \"%s\"",
				 c.path, c.line, idx[0] < c.ncol ? c.col[idx[0]] : "");
			goto fail;
		}
		g.dt = (hw_dtype)dt;
		if (positive(&c, idx[1], "m", &g.m, err, errlen) || positive(&c, idx[2], "n", &g.n, err, errlen) ||
		    positive(&c, idx[3], "k", &g.k, err, errlen) ||
		    positive(&c, idx[4], "time_us", &g.time_us, err, errlen) ||
		    positive(&c, idx[5], "tflops", &g.tflops, err, errlen))
			goto fail;
		double derived = 2.0 * g.m * g.n * g.k / (g.time_us * 1e-6) / 1e12;
		static const double one[] = { 1 };
		if (!agrees(g.tflops, derived, one, 1)) {
			snprintf(err, errlen, "%s:%d: inconsistent: tflops %g but 2*m*n*k/time_us gives %.4g",
				 c.path, c.line, g.tflops, derived);
			goto fail;
		}
		g.line = c.line;
		if (grow((void **)&r->gemm, r->ngemm, &cap, sizeof *r->gemm) != 0)
			goto oom;
		r->gemm[r->ngemm++] = g;
	}
	if (rc < 0)
		goto fail;
	fclose(c.f);
	return 1;
oom:
	snprintf(err, errlen, "%s: out of memory", c.path);
fail:
	fclose(c.f);
	return -1;
}

static int read_hbm(suite_results *r, char *err, size_t errlen)
{
	csv c;
	int rc = csv_open(&c, r->dir, "hbm.csv", err, errlen), cap = 0;
	if (rc <= 0)
		return rc;
	int idx[4];
	static const char *const names[] = { "kind", "bytes", "time_us", "gbps" };
	if (csv_cols(&c, names, 4, idx, err, errlen) != 0)
		goto fail;
	while ((rc = csv_next(&c, err, errlen)) == 1) {
		suite_hbm h;
		int k = -1;
		for (int i = 0; i < HBM_KIND_COUNT; i++)
			if (idx[0] < c.ncol && strcmp(c.col[idx[0]], hbm_kinds[i]) == 0)
				k = i;
		if (k < 0) {
			snprintf(err, errlen, "%s:%d: expected a kind (read, write, copy, h2d, d2h), got \"%s\"",
				 c.path, c.line, idx[0] < c.ncol ? c.col[idx[0]] : "");
			goto fail;
		}
		h.kind = (suite_hbm_kind)k;
		if (positive(&c, idx[1], "bytes", &h.bytes, err, errlen) ||
		    positive(&c, idx[2], "time_us", &h.time_us, err, errlen) ||
		    positive(&c, idx[3], "gbps", &h.gbps, err, errlen))
			goto fail;
		static const double ratios[] = { 1, 2 }; /* copy may count read + write */
		double derived = h.bytes / (h.time_us * 1e3);
		if (!agrees(h.gbps, derived, ratios, 2)) {
			snprintf(err, errlen, "%s:%d: inconsistent: gbps %g but bytes/time_us gives %.4g",
				 c.path, c.line, h.gbps, derived);
			goto fail;
		}
		h.line = c.line;
		if (grow((void **)&r->hbm, r->nhbm, &cap, sizeof *r->hbm) != 0)
			goto oom;
		r->hbm[r->nhbm++] = h;
	}
	if (rc < 0)
		goto fail;
	fclose(c.f);
	return 1;
oom:
	snprintf(err, errlen, "%s: out of memory", c.path);
fail:
	fclose(c.f);
	return -1;
}

static int read_p2p(suite_results *r, char *err, size_t errlen)
{
	csv c;
	int rc = csv_open(&c, r->dir, "p2p.csv", err, errlen), cap = 0;
	if (rc <= 0)
		return rc;
	int idx[5];
	static const char *const names[] = { "src", "dst", "bytes", "time_us", "gbps" };
	if (csv_cols(&c, names, 5, idx, err, errlen) != 0)
		goto fail;
	while ((rc = csv_next(&c, err, errlen)) == 1) {
		suite_p2p p;
		double s, d;
		if (num(&c, idx[0], "src", &s, err, errlen) || num(&c, idx[1], "dst", &d, err, errlen) ||
		    positive(&c, idx[2], "bytes", &p.bytes, err, errlen) ||
		    positive(&c, idx[3], "time_us", &p.time_us, err, errlen) ||
		    positive(&c, idx[4], "gbps", &p.gbps, err, errlen))
			goto fail;
		if (s < 0 || d < 0 || s != floor(s) || d != floor(d)) {
			snprintf(err, errlen, "%s:%d: src and dst must be GPU indexes", c.path, c.line);
			goto fail;
		}
		static const double ratios[] = { 1, 2 }; /* bidirectional counts both ways */
		double derived = p.bytes / (p.time_us * 1e3);
		if (!agrees(p.gbps, derived, ratios, 2)) {
			snprintf(err, errlen, "%s:%d: inconsistent: gbps %g but bytes/time_us gives %.4g",
				 c.path, c.line, p.gbps, derived);
			goto fail;
		}
		p.src = (int)s;
		p.dst = (int)d;
		p.line = c.line;
		if (grow((void **)&r->p2p, r->np2p, &cap, sizeof *r->p2p) != 0)
			goto oom;
		r->p2p[r->np2p++] = p;
	}
	if (rc < 0)
		goto fail;
	fclose(c.f);
	return 1;
oom:
	snprintf(err, errlen, "%s: out of memory", c.path);
fail:
	fclose(c.f);
	return -1;
}

static int read_power(suite_results *r, char *err, size_t errlen)
{
	csv c;
	int rc = csv_open(&c, r->dir, "power.csv", err, errlen), cap = 0;
	if (rc <= 0)
		return rc;
	int idx[8];
	static const char *const names[] = { "phase", "t_s", "gpu", "power_w", "sm_clock_mhz",
					     "mem_clock_mhz", "temp_c", "util_pct" };
	if (csv_cols(&c, names, 8, idx, err, errlen) != 0)
		goto fail;
	while ((rc = csv_next(&c, err, errlen)) == 1) {
		suite_power p;
		double g;
		if (idx[0] >= c.ncol) {
			snprintf(err, errlen, "%s:%d: expected %d columns", c.path, c.line, c.nhdr);
			goto fail;
		}
		snprintf(p.phase, sizeof p.phase, "%s", c.col[idx[0]]);
		if (num(&c, idx[1], "t_s", &p.t_s, err, errlen) || num(&c, idx[2], "gpu", &g, err, errlen) ||
		    positive(&c, idx[3], "power_w", &p.power_w, err, errlen) ||
		    num(&c, idx[4], "sm_clock_mhz", &p.sm_clock_mhz, err, errlen) ||
		    num(&c, idx[5], "mem_clock_mhz", &p.mem_clock_mhz, err, errlen) ||
		    num(&c, idx[6], "temp_c", &p.temp_c, err, errlen) ||
		    num(&c, idx[7], "util_pct", &p.util_pct, err, errlen))
			goto fail;
		if (p.util_pct < 0 || p.util_pct > 100) {
			snprintf(err, errlen, "%s:%d: util_pct must be 0 to 100, got %g", c.path, c.line, p.util_pct);
			goto fail;
		}
		p.gpu = (int)g;
		p.line = c.line;
		if (grow((void **)&r->power, r->npower, &cap, sizeof *r->power) != 0)
			goto oom;
		r->power[r->npower++] = p;
	}
	if (rc < 0)
		goto fail;
	fclose(c.f);
	return 1;
oom:
	snprintf(err, errlen, "%s: out of memory", c.path);
fail:
	fclose(c.f);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

int suite_read(const char *dir, suite_results *out, char *err, size_t errlen)
{
	suite_results *r = calloc(1, sizeof *r);
	int found = 0, rc;
	memset(out, 0, sizeof *out);
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: cannot open the results folder: %s", dir, strerror(errno));
		free(r);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "nccl_", 5) == 0 && n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0 &&
		    r->nnccl < 16)
			snprintf(r->nccl[r->nnccl++], sizeof r->nccl[0], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(r->nccl, (size_t)r->nnccl, sizeof r->nccl[0], cmp_str);
	int (*readers[])(suite_results *, char *, size_t) = { read_meta, read_gemm, read_hbm, read_p2p, read_power };
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
		rc = readers[i](r, err, errlen);
		if (rc < 0)
			goto fail;
		found += rc;
	}
	if (found == 0 && r->nnccl == 0) {
		snprintf(err, errlen, "%s: no results: expected meta.csv, gemm.csv, hbm.csv, p2p.csv, power.csv or nccl_<op>.txt",
			 dir);
		goto fail;
	}
	*out = *r;
	free(r);
	return 0;
fail:
	suite_free(r);
	free(r);
	return -1;
}
