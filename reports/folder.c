/* folder.c -- the report folder out/<name>/: which files each format asks for, in
 * an order where the charts' status is known before the reports that mention it.
 *
 * Invariant: every file goes through report_write_file (temporary name, rename). */
#include "reports/report.h"

typedef struct {
	const char *name;
	void (*writer)(FILE *, const run_results *);
} report_file;

static int write_all(const char *dir, const report_file *files, int n, const run_results *r,
		     char *err, size_t errlen)
{
	for (int i = 0; i < n; i++)
		if (report_write_file(dir, files[i].name, files[i].writer, r, err, errlen) != 0)
			return -1;
	return 0;
}

int report_write_folder(const char *dir, run_results *r, char *err, size_t errlen)
{
	/* a simulated step's files (its timeline, breakdown, power over the step,
	 * links, Perfetto trace) only where a training step was simulated */
	static const report_file step_csv[] = {
		{ "timeline.csv", report_csv_timeline }, { "power.csv", report_csv_power },
		{ "breakdown.csv", report_csv_breakdown }, { "links.csv", report_csv_links },
		{ "timeline.gp", report_gp_timeline }, { "breakdown.gp", report_gp_breakdown },
		{ "power.gp", report_gp_power },
	};
	static const report_file csv[] = {
		{ "bom.csv", report_csv_bom }, { "cost.csv", report_csv_cost }, { "cost.gp", report_gp_cost },
	};
	int step = r->training.present;
	r->charts = 0;
	r->charts_note[0] = '\0';
	if (r->formats & RESULTS_FMT_CSV) {
		if ((step && write_all(dir, step_csv, (int)(sizeof step_csv / sizeof step_csv[0]), r, err,
				       errlen) != 0) ||
		    write_all(dir, csv, (int)(sizeof csv / sizeof csv[0]), r, err, errlen) != 0)
			return -1;
		report_charts_render(dir, r);
	}
	if ((r->formats & RESULTS_FMT_JSON) &&
	    (report_write_file(dir, "summary.json", report_json, r, err, errlen) != 0 ||
	     (step && report_write_file(dir, "trace.json", report_trace_json, r, err, errlen) != 0)))
		return -1;
	if ((r->formats & RESULTS_FMT_MD) &&
	    report_write_file(dir, "report.md", report_markdown, r, err, errlen) != 0)
		return -1;
	if ((r->formats & RESULTS_FMT_HTML) &&
	    report_write_file(dir, "report.html", report_html, r, err, errlen) != 0)
		return -1;
	return 0;
}
