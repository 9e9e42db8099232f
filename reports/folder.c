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
	static const report_file csv[] = {
		{ "timeline.csv", report_csv_timeline }, { "power.csv", report_csv_power },
		{ "breakdown.csv", report_csv_breakdown }, { "bom.csv", report_csv_bom },
		{ "cost.csv", report_csv_cost }, { "links.csv", report_csv_links },
		{ "timeline.gp", report_gp_timeline },
		{ "breakdown.gp", report_gp_breakdown }, { "power.gp", report_gp_power },
		{ "cost.gp", report_gp_cost },
	};
	static const report_file json[] = {
		{ "summary.json", report_json }, { "trace.json", report_trace_json },
	};
	r->charts = 0;
	r->charts_note[0] = '\0';
	if (r->formats & RESULTS_FMT_CSV) {
		if (write_all(dir, csv, (int)(sizeof csv / sizeof csv[0]), r, err, errlen) != 0)
			return -1;
		report_charts_render(dir, r);
	}
	if ((r->formats & RESULTS_FMT_JSON) && write_all(dir, json, 2, r, err, errlen) != 0)
		return -1;
	if ((r->formats & RESULTS_FMT_MD) &&
	    report_write_file(dir, "report.md", report_markdown, r, err, errlen) != 0)
		return -1;
	if ((r->formats & RESULTS_FMT_HTML) &&
	    report_write_file(dir, "report.html", report_html, r, err, errlen) != 0)
		return -1;
	return 0;
}
