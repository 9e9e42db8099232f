/* serve_load.c -- <inference> into an infer_cfg; request traces from CSV.
 * Defaults: compute bf16; weights = compute; KV cache = compute for 16-bit
 * compute, fp8 for fp8 and fp4; tp auto, pp 1, replicas auto; max-batch 256,
 * max-tokens 8192, no chunked prefill; continuous batching; round-robin; memory
 * utilisation 0.9 (vLLM's gpu_memory_utilization default); Poisson arrivals over
 * 10 min; 500 offline requests per replica for rate="max"; seed 1. */
#include "scenarios/serve_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/load.h"
#include "scenarios/units.h"

#define DEFAULT_MAX_BATCH 256
#define DEFAULT_MAX_TOKENS 8192
#define DEFAULT_MEM_UTIL 0.9
#define DEFAULT_DURATION_S 600.0
#define TRACE_MAX_REQUESTS 10000000L

static int quantity(const xmldoc_node *n, const char *attr, units_kind kind, double *out,
		    char *err, size_t errlen)
{
	const char *v = n ? xmldoc_attr(n, attr) : NULL;
	char why[256];
	if (v && units_parse(v, kind, attr, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, err, errlen, "%s", why);
	return 0;
}

static int degree(const xmldoc_node *n, const char *attr, int def, int *out, char *err,
		  size_t errlen)
{
	const char *v = n ? xmldoc_attr(n, attr) : NULL;
	char why[256];
	*out = def;
	if (!v)
		return 0;
	if (strcmp(v, "auto") == 0) {
		*out = PAR_AUTO;
		return 0;
	}
	if (units_int(v, attr, 1, 1 << 20, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, err, errlen, "%s or \"auto\"", why);
	return 0;
}

static int integer(const xmldoc_node *n, const char *attr, int min, int def, int *out,
		   char *err, size_t errlen)
{
	const char *v = n ? xmldoc_attr(n, attr) : NULL;
	char why[256];
	*out = def;
	if (v && units_int(v, attr, min, 1 << 30, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, err, errlen, "%s", why);
	return 0;
}

static int dtype(const xmldoc_node *n, const char *attr, int def, int *out, char *err,
		 size_t errlen)
{
	const char *v = n ? xmldoc_attr(n, attr) : NULL;
	*out = def;
	if (!v)
		return 0;
	if ((*out = hw_dtype_parse(v)) < 0)
		return xmldoc_error(n, attr, err, errlen, "%s needs a precision such as \"fp8\"", attr);
	return 0;
}

static const char *resolve(const char *base, const char *href, char *buf, size_t len)
{
	const char *slash = strrchr(base, '/');
	if (href[0] == '/' || !slash)
		snprintf(buf, len, "%s", href);
	else
		snprintf(buf, len, "%.*s/%s", (int)(slash - base), base, href);
	return buf;
}

static int parse_trace_line(char *s, trace_req *r)
{
	char *end;
	errno = 0;
	double t = strtod(s, &end);
	if (end == s || *end != ',' || errno || !(t >= 0) || t > 1e9)
		return -1;
	s = end + 1;
	long in = strtol(s, &end, 10);
	if (end == s || *end != ',' || in < 1 || in > 10000000L)
		return -1;
	s = end + 1;
	long out = strtol(s, &end, 10);
	if (end == s || out < 1 || out > 10000000L)
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (*end)
		return -1;
	r->arrival_s = t;
	r->in = (int)in;
	r->out = (int)out;
	return 0;
}

int serve_trace_read(const char *path, trace_req **out, long *n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot read the trace: %s", path, strerror(errno));
		return -1;
	}
	char line[512];
	long cap = 1024, k = 0;
	int ln = 0;
	trace_req *v = malloc((size_t)cap * sizeof *v);
	if (!v)
		goto oom;
	while (fgets(line, sizeof line, f)) {
		ln++;
		size_t len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%d: line too long; expected arrival_s,input_tokens,output_tokens",
				 path, ln);
			goto fail;
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\r' || *p == '\0' || *p == '#')
			continue;
		if (k == 0 && ln == 1 && (*p < '0' || *p > '9') && *p != '.')
			continue; /* header */
		if (k == cap) {
			if (cap >= TRACE_MAX_REQUESTS) {
				snprintf(err, errlen, "%s:%d: more than %ld requests", path, ln, TRACE_MAX_REQUESTS);
				goto fail;
			}
			cap *= 2;
			trace_req *nv = realloc(v, (size_t)cap * sizeof *v);
			if (!nv)
				goto oom;
			v = nv;
		}
		if (parse_trace_line(p, &v[k]) != 0) {
			snprintf(err, errlen, "%s:%d: expected arrival_s,input_tokens,output_tokens such as "
				 "\"0.25,1024,256\" (seconds >= 0, whole token counts >= 1)", path, ln);
			goto fail;
		}
		if (k > 0 && v[k].arrival_s < v[k - 1].arrival_s) {
			snprintf(err, errlen, "%s:%d: arrival %.9g s is before the previous line's %.9g s; "
				 "expected arrivals in time order", path, ln, v[k].arrival_s, v[k - 1].arrival_s);
			goto fail;
		}
		k++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	if (k == 0) {
		snprintf(err, errlen, "%s:%d: the trace holds no requests; expected lines of "
			 "arrival_s,input_tokens,output_tokens", path, ln);
		goto fail;
	}
	fclose(f);
	*out = v;
	*n = k;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	free(v);
	fclose(f);
	return -1;
}

static int load_lengths(const xmldoc_node *n, const char *attr, len_dist *d, char *err,
			size_t errlen)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (!v)
		return xmldoc_error(n, NULL, err, errlen, "a load needs %s (a count such as \"1024\" or "
				    "\"lognormal(1024, 0.5)\") unless it replays a trace", attr);
	if (load_parse_len(v, attr, d, why, sizeof why) != 0)
		return xmldoc_error(n, attr, err, errlen, "%s", why);
	return 0;
}

static int load_load(const xmldoc_node *n, const char *path, infer_cfg *c, char *err,
		     size_t errlen)
{
	load_cfg *l = &c->load;
	const char *arr = xmldoc_attr(n, "arrival");
	const char *trace = xmldoc_attr(n, "trace");
	const char *rate = xmldoc_attr(n, "rate");
	char why[256];
	c->line_load = xmldoc_line(n);
	l->arrival = trace ? ARRIVAL_TRACE : ARRIVAL_POISSON;
	if (arr && strcmp(arr, "constant") == 0)
		l->arrival = ARRIVAL_CONSTANT;
	if (arr && strcmp(arr, "trace") == 0 && !trace)
		return xmldoc_error(n, "arrival", err, errlen, "arrival=\"trace\" needs trace=\"file.csv\"");
	if (trace && arr && strcmp(arr, "trace") != 0)
		return xmldoc_error(n, "arrival", err, errlen, "a trace sets its own arrivals; "
				    "drop arrival or write arrival=\"trace\"");
	l->duration_s = DEFAULT_DURATION_S;
	if (quantity(n, "duration", UNIT_TIME, &l->duration_s, err, errlen) < 0)
		return -1;
	if (!(l->duration_s > 0))
		return xmldoc_error(n, "duration", err, errlen, "duration needs a positive time such as \"1 h\"");
	l->mode = RATE_FIXED;
	if (rate && strcmp(rate, "max") == 0) {
		l->mode = RATE_MAX;
	} else if (rate && strcmp(rate, "auto") == 0) {
		l->mode = RATE_AUTO;
		if (trace)
			return xmldoc_error(n, "rate", err, errlen, "a replayed trace has its own rate; "
					    "rate=\"auto\" needs Poisson arrivals");
	} else if (rate) {
		if (trace)
			return xmldoc_error(n, "rate", err, errlen, "a replayed trace has its own rate; "
					    "drop rate or write rate=\"max\"");
		if (units_parse(rate, UNIT_REQUEST_RATE, "rate", &l->rate_per_s, why, sizeof why) < 0)
			return xmldoc_error(n, "rate", err, errlen, "%s, \"max\" or \"auto\"", why);
		if (!(l->rate_per_s > 0))
			return xmldoc_error(n, "rate", err, errlen, "rate needs a positive rate such as \"20/s\"");
		if (l->rate_per_s * l->duration_s > 1e7)
			return xmldoc_error(n, "rate", err, errlen, "rate x duration asks for %.3g requests; at most "
					    "1e7 are simulated: shorten the duration or lower the rate",
					    l->rate_per_s * l->duration_s);
	} else if (!trace) {
		return xmldoc_error(n, NULL, err, errlen, "a load needs rate=\"20/s\", \"max\" or \"auto\", "
				    "or trace=\"file.csv\"");
	}
	int req, seed;
	if (integer(n, "requests", 1, 0, &req, err, errlen) < 0 ||
	    integer(n, "seed", 0, 1, &seed, err, errlen) < 0)
		return -1;
	l->requests = req;
	l->seed = (uint64_t)seed;
	if (trace) {
		char buf[sizeof l->trace_file];
		resolve(path, trace, buf, sizeof buf);
		snprintf(l->trace_file, sizeof l->trace_file, "%s", buf);
		if (serve_trace_read(buf, &l->trace, &l->ntrace, why, sizeof why) != 0)
			return xmldoc_error(n, "trace", err, errlen, "%s", why);
		return 0;
	}
	if (load_lengths(n, "input-tokens", &l->in, err, errlen) < 0 ||
	    load_lengths(n, "output-tokens", &l->out, err, errlen) < 0)
		return -1;
	return 0;
}

int serve_load(const xmldoc_node *in, const char *scenario_path, const model_arch *m,
	       infer_cfg *out, char *err, size_t errlen)
{
	infer_cfg c;
	const xmldoc_node *n;
	int v;
	memset(&c, 0, sizeof c);
	c.model = *m;
	n = xmldoc_child(in, "precision");
	if (dtype(n, "compute", DT_BF16, &v, err, errlen) < 0)
		return -1;
	c.compute = (hw_dtype)v;
	if (dtype(n, "weights", c.compute, &v, err, errlen) < 0)
		return -1;
	c.weights = (hw_dtype)v;
	if (dtype(n, "kv-cache", c.compute == DT_FP8 || c.compute == DT_FP4 ? DT_FP8 : c.compute,
		  &v, err, errlen) < 0)
		return -1;
	c.kv = (hw_dtype)v;
	if (c.kv == DT_FP64 || c.kv == DT_TF32)
		return xmldoc_error(n, "kv-cache", err, errlen, "kv-cache needs fp32, fp16, bf16, fp8 or fp4");

	n = xmldoc_child(in, "serving");
	c.line_serving = n ? xmldoc_line(n) : xmldoc_line(in);
	if (degree(n, "tp", PAR_AUTO, &c.tp, err, errlen) < 0 ||
	    degree(n, "pp", 1, &c.pp, err, errlen) < 0 ||
	    degree(n, "replicas", PAR_AUTO, &c.replicas, err, errlen) < 0 ||
	    integer(n, "max-batch", 1, DEFAULT_MAX_BATCH, &c.max_batch, err, errlen) < 0 ||
	    integer(n, "max-tokens", 1, DEFAULT_MAX_TOKENS, &c.max_tokens, err, errlen) < 0 ||
	    integer(n, "chunked-prefill", 0, 0, &c.chunk, err, errlen) < 0)
		return -1;
	if (c.max_batch > 65536)
		return xmldoc_error(n, "max-batch", err, errlen, "max-batch needs at most 65536 sequences");
	c.mem_util = DEFAULT_MEM_UTIL;
	if (quantity(n, "memory-utilization", UNIT_NUMBER, &c.mem_util, err, errlen) < 0)
		return -1;
	if (!(c.mem_util > 0 && c.mem_util <= 1))
		return xmldoc_error(n, "memory-utilization", err, errlen,
				    "memory-utilization needs a fraction in (0, 1] such as \"0.9\"");
	const char *s = n ? xmldoc_attr(n, "scheduler") : NULL;
	c.sched = s && strcmp(s, "static") == 0 ? BATCH_STATIC : BATCH_CONTINUOUS;
	s = n ? xmldoc_attr(n, "lb") : NULL;
	c.lb = !s || strcmp(s, "round-robin") == 0 ? LB_ROUND_ROBIN :
	       strcmp(s, "random") == 0 ? LB_RANDOM : LB_LEAST_OUTSTANDING;

	n = xmldoc_child(in, "load");
	if (load_load(n, scenario_path, &c, err, errlen) < 0)
		return -1;

	n = xmldoc_child(in, "slo");
	c.line_slo = n ? xmldoc_line(n) : c.line_load;
	if (quantity(n, "ttft-p50", UNIT_TIME, &c.slo.ttft_p50_s, err, errlen) < 0 ||
	    quantity(n, "ttft-p99", UNIT_TIME, &c.slo.ttft_p99_s, err, errlen) < 0 ||
	    quantity(n, "tpot-p50", UNIT_TIME, &c.slo.tpot_p50_s, err, errlen) < 0 ||
	    quantity(n, "tpot-p99", UNIT_TIME, &c.slo.tpot_p99_s, err, errlen) < 0 ||
	    quantity(n, "e2e-p99", UNIT_TIME, &c.slo.e2e_p99_s, err, errlen) < 0)
		goto fail;
	int any_slo = c.slo.ttft_p50_s > 0 || c.slo.ttft_p99_s > 0 || c.slo.tpot_p50_s > 0 ||
		      c.slo.tpot_p99_s > 0 || c.slo.e2e_p99_s > 0;
	if (c.load.mode == RATE_AUTO && !any_slo) {
		xmldoc_error(xmldoc_child(in, "load"), "rate", err, errlen,
			     "rate=\"auto\" finds the highest rate meeting the <slo>; add "
			     "<slo ttft-p99=\"2 s\" tpot-p99=\"50 ms\"/>");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	free(c.load.trace);
	return -1;
}
