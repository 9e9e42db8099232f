/* power_sampler.c -- the NVML sampling thread (see power_sampler.h). The phase
 * is handed over under a mutex; readings are written by the thread alone and
 * read by others only after the join. */
#include "power_sampler.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct ps_row {
	const char *phase;
	double t_s;
	int gpu;
	nvdl_reading r;
} ps_row;

struct ps_sampler {
	nvdl *lib;
	int ngpus, period_ms;
	long cap, n, dropped;
	ps_row *rows;
	pthread_t thread;
	pthread_mutex_t mu;
	int running, joined;
	const char *phase;
	struct timespec phase_t0;
};

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void *ps_main(void *arg)
{
	ps_sampler *s = arg;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		pthread_mutex_lock(&s->mu);
		int running = s->running;
		const char *phase = s->phase;
		double t_s = since(&s->phase_t0);
		pthread_mutex_unlock(&s->mu);
		if (!running)
			break;
		for (int g = 0; phase && g < s->ngpus; g++) {
			nvdl_reading r;
			if (nvdl_read(s->lib, g, &r) != 0)
				continue;
			if (s->n == s->cap) {
				s->dropped++;
				continue;
			}
			s->rows[s->n++] = (ps_row){phase, t_s, g, r};
		}
		next.tv_nsec += (long)s->period_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

int ps_new(ps_sampler **out, nvdl *lib, int ngpus, int period_ms, long cap,
	   char *err, size_t errlen)
{
	if (ngpus < 1 || ngpus > NVDL_MAX_GPUS || period_ms < 1 || cap < 1) {
		snprintf(err, errlen, "power sampler: bad arguments (%d GPUs, %d ms, %ld readings)",
			 ngpus, period_ms, cap);
		return -1;
	}
	ps_sampler *s = calloc(1, sizeof *s);
	ps_row *rows = calloc((size_t)cap, sizeof *rows);
	if (!s || !rows) {
		free(s);
		free(rows);
		snprintf(err, errlen, "power sampler: out of memory for %ld readings", cap);
		return -1;
	}
	s->lib = lib;
	s->ngpus = ngpus;
	s->period_ms = period_ms;
	s->cap = cap;
	s->rows = rows;
	s->running = 1;
	clock_gettime(CLOCK_MONOTONIC, &s->phase_t0);
	pthread_mutex_init(&s->mu, NULL);
	if (pthread_create(&s->thread, NULL, ps_main, s) != 0) {
		pthread_mutex_destroy(&s->mu);
		free(rows);
		free(s);
		snprintf(err, errlen, "power sampler: cannot start a thread");
		return -1;
	}
	*out = s;
	return 0;
}

void ps_phase(ps_sampler *s, const char *phase)
{
	pthread_mutex_lock(&s->mu);
	s->phase = phase;
	clock_gettime(CLOCK_MONOTONIC, &s->phase_t0);
	pthread_mutex_unlock(&s->mu);
}

void ps_stop(ps_sampler *s)
{
	if (s->joined)
		return;
	pthread_mutex_lock(&s->mu);
	s->running = 0;
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->joined = 1;
}

long ps_count(const ps_sampler *s)
{
	return s->n;
}

long ps_dropped(const ps_sampler *s)
{
	return s->dropped;
}

double ps_mean_power_w(const ps_sampler *s, const char *phase)
{
	double sum = 0.0;
	long k = 0;
	for (long i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].phase, phase) == 0) {
			sum += s->rows[i].r.power_w;
			k++;
		}
	return k ? sum / (double)k : -1.0;
}

int ps_write_csv(const ps_sampler *s, FILE *f)
{
	fprintf(f, "phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct\n");
	for (long i = 0; i < s->n; i++) {
		const ps_row *r = &s->rows[i];
		fprintf(f, "%s,%.3f,%d,%.3f,%d,%d,%d,%d\n", r->phase, r->t_s, r->gpu, r->r.power_w,
			r->r.sm_clock_mhz, r->r.mem_clock_mhz, r->r.temp_c, r->r.util_pct);
	}
	return ferror(f) ? -1 : 0;
}

void ps_free(ps_sampler *s)
{
	if (!s)
		return;
	ps_stop(s);
	pthread_mutex_destroy(&s->mu);
	free(s->rows);
	free(s);
}
