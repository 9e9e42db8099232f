/* calib_report.h -- the calibration and uncertainty blocks of the reports: which
 * profile produced the numbers, how each efficiency was obtained, and P10/P50/P90
 * under `run --uncertainty`.
 *
 * Invariant: each writer prints nothing when its block is absent. */
#ifndef CAPSIM_CALIB_REPORT_H
#define CAPSIM_CALIB_REPORT_H

#include <stdio.h>

#include "reports/results.h"

/* `,\n  "calibration": {...}` and `,\n  "uncertainty": {...}` members of the summary. */
void report_json_calibration(FILE *f, const run_results *r);
/* The "## Calibration" and "## Uncertainty" sections of report.md. */
void report_md_calibration(FILE *f, const run_results *r);
/* The summary's uncertainty line. */
void report_summary_uncertainty(FILE *f, const run_results *r);

#endif
