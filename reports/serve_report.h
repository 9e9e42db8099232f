/* serve_report.h -- the inference parts of the reports: the JSON "inference" block
 * (SCENARIO.md keys first, capsim's own after), the report.md section, the short
 * printed summary, and the time-series CSV.
 *
 * Invariant: writers only format what infer_results holds; same results, same bytes. */
#ifndef CAPSIM_SERVE_REPORT_H
#define CAPSIM_SERVE_REPORT_H

#include <stdio.h>

#include "reports/results.h"

/* Writes `  "inference": {...}` (no leading comma, no trailing newline). */
void report_infer_json(FILE *f, const infer_results *o);
/* Writes the "## Inference" sections of report.md. */
void report_infer_markdown(FILE *f, const infer_results *o);
/* Writes the inference lines of the printed summary. */
void report_infer_summary(FILE *f, const infer_results *o);
/* timeseries.csv: t_s,gpu_util,kv_util,output_tokens_per_s,running, one row per
 * interval of the run (header only when the results hold no inference). */
void report_infer_csv(FILE *f, const run_results *r);

#endif
