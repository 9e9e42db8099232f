/* load.h -- the requests a serving run is offered: arrival times (Poisson, evenly
 * spaced, all at once for offline throughput, or a replayed trace) and input and
 * output lengths (fixed, lognormal or uniform), drawn from named RNG streams.
 *
 * Invariant: arrivals are sorted; every length is >= 1; the same load, rate and
 * seed give the same requests (streams "serve.arrival", "serve.input",
 * "serve.output", independent of each other). */
#ifndef CAPSIM_LOAD_H
#define CAPSIM_LOAD_H

#include <stdint.h>

#include "models/infer.h"

typedef struct {
	long n;
	uint64_t *arrival_ns;
	int *in, *out;
	double offered_rate;      /* requests/s asked for (0: all at once) */
	double span_s;            /* arrival window */
} req_stream;

/* Parses "1024", "lognormal(1024, 0.5)" or "uniform(8000, 32000)" into *out.
 * Returns 0, or -1 with "`what` needs ..." in err. */
int load_parse_len(const char *text, const char *what, len_dist *out, char *err, size_t errlen);

/* Generates the requests of `cfg`: at `rate` requests/s (ignored for traces and
 * when `offline` is 1: then cfg->requests arrive at time 0), over cfg->duration_s,
 * at most `max_requests` (0: no cap). Returns 0 and *out (free with
 * load_free), or -1 with err set and nothing allocated. */
int load_generate(const load_cfg *cfg, double rate, int offline, long max_requests,
		  req_stream *out, char *err, size_t errlen);
void load_free(req_stream *s);

/* Mean of a length distribution. */
double load_len_mean(const len_dist *d);

#endif
