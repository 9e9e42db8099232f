/* load.c -- request streams for the serving model. */
#include "models/load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/rng.h"

#define LOAD_MAX_REQUESTS 10000000L

int load_parse_len(const char *text, const char *what, len_dist *out, char *err, size_t errlen)
{
	len_dist d;
	char name[16];
	double a, b;
	int used = 0;
	memset(&d, 0, sizeof d);
	if (sscanf(text, " %15[a-z] ( %lf , %lf ) %n", name, &a, &b, &used) == 3 && used > 0 &&
	    text[used] == '\0') {
		if (strcmp(name, "lognormal") == 0 && a >= 1 && b > 0 && b < 5) {
			d.kind = LEN_LOGNORMAL;
		} else if (strcmp(name, "uniform") == 0 && a >= 1 && b >= a) {
			d.kind = LEN_UNIFORM;
		} else {
			goto bad;
		}
		d.a = a;
		d.b = b;
	} else if (sscanf(text, " %lf %n", &a, &used) == 1 && text[used] == '\0' && a >= 1 &&
		   a == floor(a)) {
		d.kind = LEN_FIXED;
		d.a = a;
	} else {
		goto bad;
	}
	if (d.a > 1e7 || d.b > 1e7)
		goto bad;
	*out = d;
	return 0;
bad:
	snprintf(err, errlen, "%s needs a token count such as \"1024\", \"lognormal(1024, 0.5)\" "
		 "(mean, sigma) or \"uniform(8000, 32000)\"", what);
	return -1;
}

double load_len_mean(const len_dist *d)
{
	switch (d->kind) {
	case LEN_LOGNORMAL: return d->a;
	case LEN_UNIFORM: return 0.5 * (d->a + d->b);
	default: return d->a;
	}
}

static int draw_len(const len_dist *d, rng *r)
{
	double x;
	switch (d->kind) {
	case LEN_LOGNORMAL:
		x = rng_lognormal(r, log(d->a) - 0.5 * d->b * d->b, d->b);
		break;
	case LEN_UNIFORM:
		x = d->a + (double)rng_below(r, (uint64_t)(d->b - d->a) + 1);
		break;
	default:
		x = d->a;
	}
	x = floor(x + 0.5);
	if (x < 1)
		x = 1;
	if (x > 1e7)
		x = 1e7;
	return (int)x;
}

void load_free(req_stream *s)
{
	if (!s)
		return;
	free(s->arrival_ns);
	free(s->in);
	free(s->out);
	memset(s, 0, sizeof *s);
}

static int alloc_stream(req_stream *s, long n, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	size_t k = n > 0 ? (size_t)n : 1;
	s->arrival_ns = malloc(k * sizeof *s->arrival_ns);
	s->in = malloc(k * sizeof *s->in);
	s->out = malloc(k * sizeof *s->out);
	if (!s->arrival_ns || !s->in || !s->out) {
		load_free(s);
		snprintf(err, errlen, "out of memory for %ld requests", n);
		return -1;
	}
	s->n = n;
	return 0;
}

int load_generate(const load_cfg *cfg, double rate, int offline, long max_requests,
		  req_stream *out, char *err, size_t errlen)
{
	req_stream s;
	if (cfg->arrival == ARRIVAL_TRACE) {
		long n = cfg->ntrace;
		if (max_requests > 0 && n > max_requests)
			n = max_requests;
		if (alloc_stream(&s, n, err, errlen) != 0)
			return -1;
		for (long i = 0; i < n; i++) {
			s.arrival_ns[i] = offline ? 0 : (uint64_t)llround(cfg->trace[i].arrival_s * 1e9);
			s.in[i] = cfg->trace[i].in;
			s.out[i] = cfg->trace[i].out;
		}
		s.span_s = n > 0 && !offline ? cfg->trace[n - 1].arrival_s : 0;
		s.offered_rate = s.span_s > 0 ? n / s.span_s : 0;
		*out = s;
		return 0;
	}
	long n;
	if (offline) {
		n = cfg->requests;
	} else {
		if (!(rate > 0) || !(cfg->duration_s > 0)) {
			snprintf(err, errlen, "a load needs a positive rate and duration");
			return -1;
		}
		/* room for the Poisson count: mean + 8 standard deviations */
		double mean = rate * cfg->duration_s;
		n = (long)(mean + 8.0 * sqrt(mean) + 16.0);
	}
	if (max_requests > 0 && n > max_requests)
		n = max_requests;
	if (n > LOAD_MAX_REQUESTS) {
		snprintf(err, errlen, "the load asks for %ld requests; at most %ld are simulated (about "
			 "130 bytes each); shorten the duration or lower the rate", n, LOAD_MAX_REQUESTS);
		return -1;
	}
	if (alloc_stream(&s, n, err, errlen) != 0)
		return -1;
	rng_set *set = rng_set_new(cfg->seed);
	rng *ra = rng_stream(set, "serve.arrival");
	rng *ri = rng_stream(set, "serve.input");
	rng *ro = rng_stream(set, "serve.output");
	double t = 0;
	long k = 0;
	for (; k < n; k++) {
		if (!offline) {
			if (cfg->arrival == ARRIVAL_CONSTANT)
				t = k / rate;
			else
				t += rng_exponential(ra, 1.0 / rate);
			if (t >= cfg->duration_s)
				break;
		}
		s.arrival_ns[k] = offline ? 0 : (uint64_t)llround(t * 1e9);
		s.in[k] = draw_len(&cfg->in, ri);
		s.out[k] = draw_len(&cfg->out, ro);
	}
	rng_set_free(set);
	s.n = k;
	s.offered_rate = offline ? 0 : rate;
	s.span_s = offline || k == 0 ? 0 : s.arrival_ns[k - 1] * 1e-9;
	*out = s;
	return 0;
}
