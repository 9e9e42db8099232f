/* report.h -- writers of one design point's results: the JSON summary (keys as in
 * SCENARIO.md), the Markdown report and the short human summary.
 *
 * Invariant: writers only format; they compute nothing the results do not hold.
 * Given the same results they write the same bytes. */
#ifndef CAPSIM_REPORT_H
#define CAPSIM_REPORT_H

#include <stdio.h>

#include "reports/results.h"

void report_json(FILE *f, const run_results *r);
void report_markdown(FILE *f, const run_results *r);
void report_summary(FILE *f, const run_results *r);

/* Writes `writer`'s output to dir/name through a temporary file renamed into
 * place. Returns 0, or -1 with err set (nothing is left behind). */
int report_write_file(const char *dir, const char *name,
		      void (*writer)(FILE *, const run_results *), const run_results *r,
		      char *err, size_t errlen);

/* The report folder's other files: CSVs (csv.c), the Perfetto trace (trace.c),
 * report.html (html.c) and the gnuplot scripts (charts.c). */
void report_csv_timeline(FILE *f, const run_results *r);
void report_csv_power(FILE *f, const run_results *r);
void report_csv_breakdown(FILE *f, const run_results *r);
void report_csv_bom(FILE *f, const run_results *r);
void report_csv_cost(FILE *f, const run_results *r);
void report_csv_links(FILE *f, const run_results *r);
void report_trace_json(FILE *f, const run_results *r);
void report_html(FILE *f, const run_results *r);
void report_gp_timeline(FILE *f, const run_results *r);
void report_gp_breakdown(FILE *f, const run_results *r);
void report_gp_power(FILE *f, const run_results *r);
void report_gp_cost(FILE *f, const run_results *r);

/* Runs gnuplot on the four scripts in `dir` (the CSVs beside them) and sets
 * r->charts to 1 (all rendered) or -1 with r->charts_note saying why they were
 * skipped. A chart is renamed into place only when complete. */
void report_charts_render(const char *dir, run_results *r);

/* Writes the report folder `dir` (which exists) for r->formats: csv (CSVs, gnuplot
 * scripts and charts), json (summary.json, trace.json), md (report.md), html
 * (report.html). Every file is written atomically. Returns 0, or -1 with err
 * (files written before the failure are complete). */
int report_write_folder(const char *dir, run_results *r, char *err, size_t errlen);

#endif
