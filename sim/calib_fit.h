/* calib_fit.h -- measurements to a calibration profile: the suite's results
 * folders and nccl-tests logs fitted (calibrate/fit.h) into the figures the
 * models read (models/gpu.c, models/coll.c through models/layout.c).
 *
 * Invariant: the profile handed out is the base profile with only fitted figures
 * changed, each carrying its fit (values, covariance, R^2, RMS) and the inputs; a
 * collective's bandwidth is mapped to the one profile figure the collective
 * model's bandwidth depends on for that log, by inverting the model itself. */
#ifndef CAPSIM_CALIB_FIT_H
#define CAPSIM_CALIB_FIT_H

#include <stddef.h>

#include "models/profile.h"
#include "scenarios/scenario.h"

#define CALIB_MAX_INPUTS 16
#define CALIB_MAX_LINES 64

typedef struct {
	const char *inputs[CALIB_MAX_INPUTS]; /* folders, logs, tables ("FILE#label text") */
	int ninputs;
	const scenario *sc;       /* the system measured: GPU, scale-up, NICs; may be NULL for suite-only fits */
	const hw_gpu *gpu;        /* the GPU whose entry is fitted (sc's first group's if NULL) */
	const char *also[4];      /* further catalog GPU ids given the same figures */
	int nalso;
	const profile *base;      /* figures not fitted come from here */
	const char *name;         /* profile name */
	const char *date;         /* provenance date, "YYYY-MM-DD" */
	int force_algo;           /* -1: the log's label, else the model's choice */
} calib_fit_opts;

/* One line of the fit's account, for printing. */
typedef struct {
	char input[160];
	char what[96];            /* "gemm", "hbm", "all_reduce 8 ranks nvls", ... */
	char param[32];
	double value, se;
	double r2, rel_rms;
	int points;
} calib_line;

typedef struct {
	calib_line lines[CALIB_MAX_LINES];
	int nlines;
} calib_account;

/* Fits every input. Returns 0 with *out (the new profile) and *acct, or -1 with
 * "file:line: what" in err (too few points, unreadable file, inconsistent data:
 * efficiencies above 1 of the catalog peak, figures that disagree) and the
 * outputs untouched. */
int calib_fit(const calib_fit_opts *o, profile *out, calib_account *acct, char *err,
	      size_t errlen);

#endif
