/* nccl_log.c -- readers for nccl-tests / rccl-tests stdout and tabulated busbw CSVs.
 *
 * Invariant: the readers only read; a failed read leaves nothing allocated and names
 * the file and line that did not match what nccl-tests prints. */
#include "calibrate/nccl_log.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096

static const struct {
	const char *key; /* lower case, no underscores */
	const char *op;
} op_names[] = {
	{ "allreduce", "all_reduce" },
	{ "allgather", "all_gather" },
	{ "reducescatter", "reduce_scatter" },
	{ "alltoall", "alltoall" },
	{ "broadcast", "broadcast" },
	{ "sendrecv", "sendrecv" },
	{ "hypercube", "hypercube" },
	{ "reduce", "reduce" },
	{ "gather", "gather" },
	{ "scatter", "scatter" },
};

const char *nccl_log_op_from_name(const char *name, char *buf, size_t len)
{
	char base[512];
	size_t n = 0;
	const char *slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	for (const char *p = name; *p && n + 1 < sizeof base; p++)
		if (*p != '_' && *p != '-')
			base[n++] = (char)tolower((unsigned char)*p);
	base[n] = '\0';
	if (len)
		buf[0] = '\0';
	/* the earliest match wins; at one position the longest name */
	const char *best = NULL;
	size_t best_pos = (size_t)-1;
	for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++) {
		const char *hit = strstr(base, op_names[i].key);
		if (!hit)
			continue;
		size_t pos = (size_t)(hit - base);
		if (pos < best_pos || (pos == best_pos && strlen(op_names[i].op) > strlen(best))) {
			best = op_names[i].op;
			best_pos = pos;
		}
	}
	if (best && len)
		snprintf(buf, len, "%s", best);
	return buf;
}

double nccl_log_busbw_factor(const char *op, int n)
{
	if (n < 1)
		return 0;
	if (strcmp(op, "all_reduce") == 0)
		return 2.0 * (n - 1) / n;
	if (strcmp(op, "all_gather") == 0 || strcmp(op, "reduce_scatter") == 0 ||
	    strcmp(op, "alltoall") == 0)
		return (double)(n - 1) / n;
	if (strcmp(op, "broadcast") == 0 || strcmp(op, "reduce") == 0 ||
	    strcmp(op, "sendrecv") == 0)
		return 1.0;
	return 0;
}

double nccl_log_row_busbw(const nccl_log_row *r)
{
	if (!isnan(r->ip_busbw_GBps))
		return r->ip_busbw_GBps;
	return r->oop_busbw_GBps;
}

void nccl_log_free(nccl_log *log)
{
	if (!log)
		return;
	free(log->rows);
	log->rows = NULL;
	log->nrows = 0;
}

void nccl_logs_free(nccl_log *logs, int n)
{
	if (!logs)
		return;
	for (int i = 0; i < n; i++)
		nccl_log_free(&logs[i]);
	free(logs);
}

static void log_init(nccl_log *l, const char *path)
{
	memset(l, 0, sizeof *l);
	snprintf(l->file, sizeof l->file, "%s", path);
	l->avg_busbw_GBps = NAN;
}

static int rows_push(nccl_log *l, int *cap, const nccl_log_row *r)
{
	if (l->nrows == *cap) {
		int nc = *cap ? *cap * 2 : 32;
		nccl_log_row *nr = realloc(l->rows, (size_t)nc * sizeof *nr);
		if (!nr)
			return -1;
		l->rows = nr;
		*cap = nc;
	}
	l->rows[l->nrows++] = *r;
	return 0;
}

static int parse_num(const char *tok, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(tok, &end);
	if (end == tok || *end || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int parse_wrong(const char *tok, int *out)
{
	double v;
	if (strcmp(tok, "N/A") == 0) {
		*out = -1;
		return 0;
	}
	if (parse_num(tok, &v) != 0 || v < 0 || v != floor(v))
		return -1;
	*out = v > 2e9 ? 2000000000 : (int)v;
	return 0;
}

static double elem_size(const char *type)
{
	static const struct { const char *n; double s; } t[] = {
		{ "int8", 1 }, { "uint8", 1 }, { "char", 1 }, { "fp8_e4m3", 1 }, { "fp8_e5m2", 1 },
		{ "half", 2 }, { "bfloat16", 2 }, { "float16", 2 }, { "bf16", 2 }, { "fp16", 2 },
		{ "int32", 4 }, { "uint32", 4 }, { "int", 4 }, { "float", 4 }, { "float32", 4 },
		{ "int64", 8 }, { "uint64", 8 }, { "double", 8 }, { "float64", 8 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(type, t[i].n) == 0)
			return t[i].s;
	return 0;
}

/* Splits s in place at white space; returns the token count (at most max). */
static int split_ws(char *s, char **tok, int max)
{
	int n = 0;
	char *p = s;
	while (*p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Parses a table row; returns 0, or -1 with a reason in why. */
static int parse_row(char *line, nccl_log_row *r, const char **why)
{
	char *tok[16];
	int n = split_ws(line, tok, 15);
	memset(r, 0, sizeof *r);
	r->oop_time_us = r->oop_algbw_GBps = r->oop_busbw_GBps = NAN;
	r->ip_time_us = r->ip_algbw_GBps = r->ip_busbw_GBps = NAN;
	r->oop_wrong = r->ip_wrong = -1;
	if (n != 13 && n != 9) {
		*why = "13 columns (size count type redop root, then time algbw busbw #wrong out-of-place and in-place) or 9 (out-of-place only)";
		return -1;
	}
	double root;
	if (parse_num(tok[0], &r->bytes) != 0 || r->bytes <= 0 || r->bytes != floor(r->bytes)) {
		*why = "a positive whole size in bytes in column 1";
		return -1;
	}
	if (parse_num(tok[1], &r->count) != 0 || r->count < 0) {
		*why = "an element count in column 2";
		return -1;
	}
	snprintf(r->type, sizeof r->type, "%s", tok[2]);
	snprintf(r->redop, sizeof r->redop, "%s", tok[3]);
	if (parse_num(tok[4], &root) != 0 || root != floor(root) || root < -1) {
		*why = "a root rank (-1 or more) in column 5";
		return -1;
	}
	r->root = (int)root;
	double *oop[3] = { &r->oop_time_us, &r->oop_algbw_GBps, &r->oop_busbw_GBps };
	double *ip[3] = { &r->ip_time_us, &r->ip_algbw_GBps, &r->ip_busbw_GBps };
	for (int i = 0; i < 3; i++)
		if (parse_num(tok[5 + i], oop[i]) != 0 || *oop[i] < 0) {
			*why = "out-of-place time (us), algbw and busbw (GB/s) in columns 6-8";
			return -1;
		}
	if (parse_wrong(tok[8], &r->oop_wrong) != 0) {
		*why = "a #wrong count or N/A in column 9";
		return -1;
	}
	if (n == 13) {
		for (int i = 0; i < 3; i++)
			if (parse_num(tok[9 + i], ip[i]) != 0 || *ip[i] < 0) {
				*why = "in-place time (us), algbw and busbw (GB/s) in columns 10-12";
				return -1;
			}
		if (parse_wrong(tok[12], &r->ip_wrong) != 0) {
			*why = "a #wrong count or N/A in column 13";
			return -1;
		}
	}
	if (!(r->oop_time_us > 0) && !(r->ip_time_us > 0)) {
		*why = "a positive time";
		return -1;
	}
	return 0;
}

static void row_check_count(const nccl_log *l, nccl_log_row *r)
{
	double es = elem_size(r->type);
	int n = l->nranks ? l->nranks : l->nranks_bw;
	if (es <= 0) {
		r->count_ok = 0;
		return;
	}
	double c = r->bytes / es;
	/* nccl-tests prints per-rank counts for the gather/scatter family */
	r->count_ok = fabs(r->count - c) < 0.5 ||
		      (n > 0 && fabs(r->count - c / n) < 0.5);
}

/* Ranks implied by busbw / algbw (nccl-tests prints both, 2 decimals): the
 * largest row gives the best precision. */
static int ranks_from_bw(const nccl_log *l)
{
	if (!l->op[0] || l->nrows == 0)
		return 0;
	const nccl_log_row *big = &l->rows[0];
	for (int i = 1; i < l->nrows; i++)
		if (l->rows[i].bytes > big->bytes)
			big = &l->rows[i];
	double alg = big->oop_algbw_GBps, bus = big->oop_busbw_GBps;
	if (isnan(alg) || !(alg > 1.0))
		return 0;
	double ratio = bus / alg, n;
	if (strcmp(l->op, "all_reduce") == 0) {
		if (ratio >= 2.0 || ratio < 1.0 - 1e-9)
			return 0;
		n = 2.0 / (2.0 - ratio);
	} else if (strcmp(l->op, "all_gather") == 0 || strcmp(l->op, "reduce_scatter") == 0 ||
		   strcmp(l->op, "alltoall") == 0) {
		if (ratio >= 1.0 || ratio < 0.5 - 1e-9)
			return 0;
		n = 1.0 / (1.0 - ratio);
	} else {
		return 0;
	}
	double ni = floor(n + 0.5);
	if (ni < 2 || fabs(n - ni) > 0.02 * ni || ni > 1e6)
		return 0;
	return (int)ni;
}

static void note_rank_line(nccl_log *l, const char *s, char hosts[][64], int *nhosts,
			   int *nranklines)
{
	int rank;
	if (sscanf(s, "Rank %d", &rank) != 1 || rank < 0)
		return;
	(*nranklines)++;
	if (rank + 1 > l->nranks)
		l->nranks = rank + 1;
	const char *on = strstr(s, " on ");
	if (on) {
		char host[64];
		if (sscanf(on + 4, "%63s", host) == 1) {
			int seen = 0;
			for (int i = 0; i < *nhosts; i++)
				if (strcmp(hosts[i], host) == 0)
					seen = 1;
			if (!seen && *nhosts < 256)
				snprintf(hosts[(*nhosts)++], 64, "%s", host);
		}
	}
	const char *br = strchr(s, ']');
	if (br && !l->gpu[0]) {
		br++;
		while (isspace((unsigned char)*br))
			br++;
		snprintf(l->gpu, sizeof l->gpu, "%s", br);
		size_t k = strlen(l->gpu);
		while (k && isspace((unsigned char)l->gpu[k - 1]))
			l->gpu[--k] = '\0';
	}
}

static int strcasecmp_ascii(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 1;
	return *a != *b;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int nccl_log_read(const char *path, nccl_log *out, char *err, size_t errlen)
{
	nccl_log l;
	char buf[LINE_MAX_LEN];
	char (*hosts)[64] = NULL;
	int nhosts = 0, nranklines = 0, cap = 0, lineno = 0, header = 0, elided = 0, rc = -1;
	log_init(&l, path);
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	hosts = calloc(256, sizeof *hosts);
	if (!hosts) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	while (fgets(buf, sizeof buf, f)) {
		lineno++;
		size_t len = strlen(buf);
		if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%d: line longer than %d characters", path, lineno,
				 LINE_MAX_LEN - 2);
			goto done;
		}
		char *s = trim(buf);
		if (!*s)
			continue;
		if (*s == '#') {
			s = trim(s + 1);
			double v;
			const char *p;
			if ((p = strstr(s, "Avg bus bandwidth")) && (p = strchr(p, ':'))) {
				char tmp[64];
				snprintf(tmp, sizeof tmp, "%s", p + 1);
				if (parse_num(trim(tmp), &v) != 0) {
					snprintf(err, errlen, "%s:%d: expected a number after \"Avg bus bandwidth :\"",
						 path, lineno);
					goto done;
				}
				l.avg_busbw_GBps = v;
			} else if (strncmp(s, "Rank ", 5) == 0) {
				note_rank_line(&l, s, hosts, &nhosts, &nranklines);
			} else if ((p = strstr(s, "nGpus ")) && strncmp(s, "nThread", 7) == 0) {
				int g;
				if (sscanf(p + 6, "%d", &g) == 1 && g > 0)
					l.ngpus_per_proc = g;
			} else if ((p = strstr(s, "Collective test ")) && (p = strstr(p, ": "))) {
				char op[32];
				nccl_log_op_from_name(p + 2, op, sizeof op);
				if (op[0] && !l.op[0])
					snprintf(l.op, sizeof l.op, "%s", op);
			} else if (strstr(s, "truncated") || strstr(s, "Truncated")) {
				l.truncated = 1;
			} else if (strncmp(s, "size", 4) == 0 && strstr(s, "busbw")) {
				header = 1;
			}
			continue;
		}
		if (strncmp(s, "NCCL version", 12) == 0) {
			snprintf(l.version, sizeof l.version, "%s", s);
			continue;
		}
		if (strncmp(s, "rccl-tests", 10) == 0) {
			snprintf(l.version, sizeof l.version, "%s", s);
			l.rccl = 1;
			continue;
		}
		if (strcmp(s, "...") == 0) {
			elided = 1;
			continue;
		}
		/* a table row starts with a digit once the column header was seen; any other
		 * line (NCCL INFO, warnings, mpirun prefixes) is not part of the table */
		if (!header || !isdigit((unsigned char)*s))
			continue;
		nccl_log_row r;
		const char *why = NULL;
		char copy[LINE_MAX_LEN];
		snprintf(copy, sizeof copy, "%s", s);
		if (parse_row(copy, &r, &why) != 0) {
			snprintf(err, errlen, "%s:%d: expected a nccl-tests row: %s", path, lineno, why);
			goto done;
		}
		r.line = lineno;
		if (rows_push(&l, &cap, &r) != 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto done;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto done;
	}
	if (!header) {
		snprintf(err, errlen, "%s:%d: no nccl-tests table: expected a \"#  size  count  type ... busbw\" column header",
			 path, lineno);
		goto done;
	}
	if (l.nrows == 0) {
		snprintf(err, errlen, "%s:%d: the nccl-tests table has no rows", path, lineno);
		goto done;
	}
	if (!l.op[0])
		nccl_log_op_from_name(path, l.op, sizeof l.op);
	if (strstr(path, "rccl"))
		l.rccl = 1;
	l.nhosts = (!elided && nranklines == l.nranks) ? nhosts : 0;
	l.nranks_bw = ranks_from_bw(&l);
	for (int i = 0; i < l.nrows; i++)
		row_check_count(&l, &l.rows[i]);
	*out = l;
	l.rows = NULL;
	rc = 0;
done:
	free(hosts);
	if (rc != 0)
		nccl_log_free(&l);
	fclose(f);
	return rc;
}

/* One CSV field starting at *p (double quotes, "" inside them); advances *p past
 * the comma. Returns 0, or -1 on an unterminated quote. */
static int csv_field(char **p, char *dst, size_t len)
{
	char *s = *p;
	size_t n = 0;
	if (*s == '"') {
		s++;
		for (;;) {
			if (!*s)
				return -1;
			if (*s == '"') {
				if (s[1] == '"') {
					s++;
				} else {
					s++;
					break;
				}
			}
			if (n + 1 < len)
				dst[n++] = *s;
			s++;
		}
	} else {
		while (*s && *s != ',') {
			if (n + 1 < len)
				dst[n++] = *s;
			s++;
		}
	}
	dst[n] = '\0';
	if (*s == ',')
		s++;
	else if (*s)
		return -1;
	*p = s;
	return 0;
}

/* "65K", "1M", "8G", "512": nearest power of two of the decimal or binary reading. */
static int table_size(const char *label, double *out)
{
	char *end;
	double v = strtod(label, &end);
	if (end == label || !(v > 0))
		return -1;
	int k = 0;
	switch (toupper((unsigned char)*end)) {
	case 'K': k = 1; end++; break;
	case 'M': k = 2; end++; break;
	case 'G': k = 3; end++; break;
	default: break;
	}
	if (toupper((unsigned char)*end) == 'B')
		end++;
	if (*end)
		return -1;
	double best = 0, best_err = 1e300;
	for (int base = 0; base < 2; base++) {
		double x = v * pow(base ? 1024.0 : 1000.0, k);
		double p2 = pow(2.0, floor(log2(x) + 0.5));
		double e = fabs(x - p2) / p2;
		if (e < best_err) {
			best_err = e;
			best = p2;
		}
	}
	if (best_err > 0.05)
		return -1;
	*out = best;
	return 0;
}

static int label_ranks(const char *label)
{
	/* "(8x A100 ...": a count before 'x'; else "4 GPUs" */
	for (const char *p = label; *p; p++) {
		if (isdigit((unsigned char)*p) && (p == label || !isalnum((unsigned char)p[-1]))) {
			char *end;
			long n = strtol(p, &end, 10);
			if (n > 0 && n < 100000 && (*end == 'x' || *end == 'X') && end[1] == ' ')
				return (int)n;
		}
	}
	const char *g = strstr(label, " GPUs");
	if (g) {
		const char *p = g;
		while (p > label && isdigit((unsigned char)p[-1]))
			p--;
		if (p < g)
			return atoi(p);
	}
	return 0;
}

#define TABLE_MAX_COLS 32

int nccl_table_read(const char *path, nccl_log **out, int *nout, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN], field[LINE_MAX_LEN];
	nccl_log *logs = NULL;
	int ncols = 0, lineno = 0, rc = -1, caps[TABLE_MAX_COLS] = { 0 };
	*out = NULL;
	*nout = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char op[32];
	nccl_log_op_from_name(path, op, sizeof op);
	while (fgets(buf, sizeof buf, f)) {
		lineno++;
		char *s = trim(buf);
		if (!*s || *s == '#')
			continue;
		char *p = s;
		if (!logs) {
			/* header: the size column, then one label per system */
			if (csv_field(&p, field, sizeof field) != 0) {
				snprintf(err, errlen, "%s:%d: unterminated quote in the header", path, lineno);
				goto done;
			}
			logs = calloc(TABLE_MAX_COLS, sizeof *logs);
			if (!logs) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto done;
			}
			while (*p) {
				if (ncols == TABLE_MAX_COLS) {
					snprintf(err, errlen, "%s:%d: more than %d system columns", path, lineno,
						 TABLE_MAX_COLS);
					goto done;
				}
				if (csv_field(&p, field, sizeof field) != 0) {
					snprintf(err, errlen, "%s:%d: unterminated quote in the header", path, lineno);
					goto done;
				}
				nccl_log *l = &logs[ncols++];
				log_init(l, path);
				snprintf(l->system, sizeof l->system, "%s", trim(field));
				snprintf(l->op, sizeof l->op, "%s", op);
				l->nranks = label_ranks(l->system);
				if (strstr(l->system, "RCCL") || strstr(l->system, "rccl"))
					l->rccl = 1;
			}
			if (ncols == 0) {
				snprintf(err, errlen, "%s:%d: expected a header \"message_size,<system>,...\"",
					 path, lineno);
				goto done;
			}
			continue;
		}
		double bytes;
		if (csv_field(&p, field, sizeof field) != 0 || table_size(trim(field), &bytes) != 0) {
			snprintf(err, errlen, "%s:%d: expected a message size such as 65K, 1M or 8G in column 1, got \"%s\"",
				 path, lineno, field);
			goto done;
		}
		for (int c = 0; c < ncols; c++) {
			double v;
			if (!*p || csv_field(&p, field, sizeof field) != 0 ||
			    parse_num(trim(field), &v) != 0 || v < 0) {
				snprintf(err, errlen, "%s:%d: expected a busbw in GB/s in column %d (%d columns in the header)",
					 path, lineno, c + 2, ncols + 1);
				goto done;
			}
			nccl_log_row r;
			memset(&r, 0, sizeof r);
			r.bytes = bytes;
			r.root = -1;
			r.oop_time_us = r.oop_algbw_GBps = r.oop_busbw_GBps = NAN;
			r.ip_time_us = r.ip_algbw_GBps = NAN;
			r.ip_busbw_GBps = v;
			r.oop_wrong = r.ip_wrong = -1;
			r.line = lineno;
			nccl_log *l = &logs[c];
			double fac = nccl_log_busbw_factor(l->op, l->nranks);
			if (fac > 0 && v > 0) {
				r.ip_algbw_GBps = v / fac;
				r.ip_time_us = bytes / (r.ip_algbw_GBps * 1e3);
			}
			if (l->nrows && bytes <= l->rows[l->nrows - 1].bytes) {
				snprintf(err, errlen, "%s:%d: sizes must grow down the table", path, lineno);
				goto done;
			}
			if (rows_push(l, &caps[c], &r) != 0) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto done;
			}
		}
		if (*p) {
			snprintf(err, errlen, "%s:%d: more columns than the header's %d", path, lineno, ncols + 1);
			goto done;
		}
	}
	if (!logs || logs[0].nrows == 0) {
		snprintf(err, errlen, "%s:%d: expected a header and at least one row", path, lineno);
		goto done;
	}
	*out = logs;
	*nout = ncols;
	logs = NULL;
	rc = 0;
done:
	if (logs)
		nccl_logs_free(logs, ncols);
	fclose(f);
	return rc;
}

int nccl_logs_read(const char *path, nccl_log **out, int *nout, char *err, size_t errlen)
{
	*out = NULL;
	*nout = 0;
	/* by name: nccl-tests stdout may carry commas in NCCL INFO lines */
	size_t n = strlen(path);
	if (n > 4 && strcasecmp_ascii(path + n - 4, ".csv") == 0)
		return nccl_table_read(path, out, nout, err, errlen);
	nccl_log *one = calloc(1, sizeof *one);
	if (!one) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (nccl_log_read(path, one, err, errlen) != 0) {
		free(one);
		return -1;
	}
	*out = one;
	*nout = 1;
	return 0;
}
