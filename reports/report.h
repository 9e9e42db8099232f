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

#endif
