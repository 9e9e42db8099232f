/* bench_util.c -- byte sizes, size lists and all-or-nothing result files for the
 * calibration benchmarks (see bench_util.h). Host C only: no CUDA here. */
#include "bench_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int bu_parse_bytes(const char *s, uint64_t *out_bytes)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end = NULL;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	uint64_t mult = 1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mult = 1ull << 10; end++; break;
	case 'm': case 'M': mult = 1ull << 20; end++; break;
	case 'g': case 'G': mult = 1ull << 30; end++; break;
	case 't': case 'T': mult = 1ull << 40; end++; break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v == 0 || v > UINT64_MAX / mult)
		return -1;
	*out_bytes = (uint64_t)v * mult;
	return 0;
}

int bu_parse_long(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return -1;
	errno = 0;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int bu_size_list(uint64_t lo, uint64_t hi, uint64_t factor, uint64_t *sizes, int cap)
{
	if (lo == 0 || lo > hi || factor < 2)
		return -1;
	int n = 0;
	for (uint64_t s = lo; s <= hi; s *= factor) {
		if (n == cap)
			return -1;
		sizes[n++] = s;
		if (s > UINT64_MAX / factor)
			break;
	}
	return n;
}

int bu_out_open(bu_out *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	if (strlen(path) >= sizeof o->path) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(o->path, sizeof o->path, "%s", path);
	snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		snprintf(err, errlen, "%s: cannot write: %s", o->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

int bu_out_commit(bu_out *o, char *err, size_t errlen)
{
	if (!o->f) {
		snprintf(err, errlen, "%s: not open", o->path);
		return -1;
	}
	int bad = ferror(o->f);
	if (fclose(o->f) != 0)
		bad = 1;
	o->f = NULL;
	if (bad) {
		snprintf(err, errlen, "%s: write failed: %s", o->tmp, strerror(errno));
		remove(o->tmp);
		return -1;
	}
	if (rename(o->tmp, o->path) != 0) {
		snprintf(err, errlen, "%s: cannot rename to %s: %s", o->tmp, o->path, strerror(errno));
		remove(o->tmp);
		return -1;
	}
	return 0;
}

void bu_out_abort(bu_out *o)
{
	if (!o->f)
		return;
	fclose(o->f);
	o->f = NULL;
	remove(o->tmp);
}

double bu_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
