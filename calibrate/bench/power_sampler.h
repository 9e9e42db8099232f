/* power_sampler.h -- a background thread that reads every bound GPU through NVML
 * at a fixed period and keeps the readings in a buffer sized up front, each tagged
 * with the phase (idle, gemm, ...) the main thread has set.
 *
 * Invariant: the sampler never allocates after ps_new; when the buffer is full it
 * stops recording and says so (ps_dropped), it never overwrites. */
#ifndef CAPSIM_POWER_SAMPLER_H
#define CAPSIM_POWER_SAMPLER_H

#include "nvml_dl.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ps_sampler ps_sampler;

/* Start sampling GPUs 0..ngpus-1 (bound in lib) every period_ms, keeping at most
 * cap readings. Phase names are pointers the caller keeps alive. Returns 0 and
 * sets *out, or -1 with a message in err. */
int ps_new(ps_sampler **out, nvdl *lib, int ngpus, int period_ms, long cap,
	   char *err, size_t errlen);

/* Tag readings from now on with `phase` and restart the phase clock (t_s = 0). */
void ps_phase(ps_sampler *s, const char *phase);

/* Stop and join the thread; idempotent. */
void ps_stop(ps_sampler *s);

/* Readings kept, and readings lost to a full buffer. Call after ps_stop. */
long ps_count(const ps_sampler *s);
long ps_dropped(const ps_sampler *s);

/* Mean power (W) of phase over all GPUs and readings; -1 if it has none. */
double ps_mean_power_w(const ps_sampler *s, const char *phase);

/* Write "phase,t_s,gpu,power_w,sm_clock_mhz,mem_clock_mhz,temp_c,util_pct" and
 * one line per reading. Call after ps_stop. Returns 0, or -1 on a write error. */
int ps_write_csv(const ps_sampler *s, FILE *f);

/* ps_stop, then free; ps_free(NULL) is a no-op. */
void ps_free(ps_sampler *s);

#ifdef __cplusplus
}
#endif
#endif
