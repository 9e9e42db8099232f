/* csv.c -- the report folder's CSV files: step timeline per GPU stream, power over
 * one step, time breakdown, bill of materials with prices, cost breakdown, link
 * utilisation of the flow network.
 *
 * Invariant: one header row, then one row per record; text fields that may hold
 * commas or quotes are quoted with doubled quotes. Numbers use %.9g. */
#include "reports/report.h"

static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void report_csv_timeline(FILE *f, const run_results *r)
{
	const timeline_results *t = &r->timeline;
	fprintf(f, "stage,stream_id,kind_id,start_s,end_s,comm_s,stream,kind\n");
	for (long i = 0; i < t->nspans; i++) {
		const timeline_span *s = &t->spans[i];
		fprintf(f, "%d,%d,%d,%.9g,%.9g,%.9g,%s,%s\n", s->stage, s->stream, s->kind, s->start_s,
			s->end_s, s->comm_s,
			s->stream >= 0 && s->stream < t->nstreams ? t->stream_names[s->stream] : "?",
			s->kind >= 0 && s->kind < t->nkinds ? t->kind_names[s->kind] : "?");
	}
}

void report_csv_power(FILE *f, const run_results *r)
{
	fprintf(f, "t_s,gpu_w,it_kw,facility_kw\n");
	for (int i = 0; i < r->npower; i++) {
		const power_point *p = &r->power_series[i];
		fprintf(f, "%.9g,%.9g,%.9g,%.9g\n", p->t_s, p->gpu_w, p->it_kw, p->facility_kw);
	}
}

void report_csv_breakdown(FILE *f, const run_results *r)
{
	const train_results *t = &r->training;
	double step = t->step_time_s > 0 ? t->step_time_s : 1;
	fprintf(f, "part,seconds,share\n");
	fprintf(f, "compute,%.9g,%.9g\n", t->compute_s, t->compute_s / step);
	fprintf(f, "exposed communication,%.9g,%.9g\n", t->exposed_comm_s, t->exposed_comm_s / step);
	fprintf(f, "pipeline bubble,%.9g,%.9g\n", t->bubble_s, t->bubble_s / step);
	fprintf(f, "other (optimizer),%.9g,%.9g\n", t->other_s, t->other_s / step);
}

void report_csv_bom(FILE *f, const run_results *r)
{
	const cost_results *c = &r->cost;
	fprintf(f, "item,kind,count,unit_usd,total_usd,price_kind,source\n");
	for (int i = 0; i < c->nlines; i++) {
		const cost_line_result *l = &c->lines[i];
		quoted(f, l->item);
		fprintf(f, ",%s,%ld,%.9g,%.9g,%s,", l->kind, l->count, l->unit_usd, l->total_usd,
			!l->priced ? "none" : l->list_price ? "list" : "estimate");
		quoted(f, l->source);
		fputc('\n', f);
	}
}

void report_csv_cost(FILE *f, const run_results *r)
{
	const cost_results *c = &r->cost;
	fprintf(f, "part,usd,basis\n");
	fprintf(f, "nodes,%.9g,capex\n", c->capex_nodes_usd);
	fprintf(f, "network,%.9g,capex\n", c->capex_network_usd);
	fprintf(f, "storage,%.9g,capex\n", c->capex_storage_usd);
	fprintf(f, "racks,%.9g,capex\n", c->capex_racks_usd);
	fprintf(f, "energy,%.9g,per year\n", c->energy_usd_per_year);
	fprintf(f, "support,%.9g,per year\n", c->support_usd_per_year);
	fprintf(f, "colocation,%.9g,per year\n", c->colocation_usd_per_year);
	fprintf(f, "depreciation,%.9g,per year\n", c->depreciation_usd_per_year);
	fprintf(f, "tco,%.9g,over %g years\n", c->tco_usd, c->years);
	fprintf(f, "run,%.9g,this run\n", c->run_cost_usd);
	fprintf(f, "cloud,%.9g,this run at cloud-rate\n", c->cloud_cost_usd);
}

void report_csv_links(FILE *f, const run_results *r)
{
	const timeline_results *t = &r->timeline;
	fprintf(f, "link,capacity_gbps,carried_gb,busy_s,busy_share,utilisation\n");
	for (int i = 0; i < t->nlinks; i++) {
		const timeline_link *l = &t->links[i];
		fprintf(f, "%d,%.9g,%.9g,%.9g,%.9g,%.9g\n", i, l->capacity_gbps, l->carried_gb, l->busy_s,
			t->step_s > 0 ? l->busy_s / t->step_s : 0, l->utilisation);
	}
}
