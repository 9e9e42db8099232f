/* html.c -- report.html: one self-contained page (inline CSS and SVG charts drawn
 * here, no scripts, fonts or images from elsewhere) with the key figures, the step
 * timeline, the time breakdown, power over a step, the cost breakdown and tables.
 *
 * Invariant: every text from the results is HTML-escaped; given the same results
 * the page is byte-identical. Element ids (fig-*, chart-*) are stable: tests and
 * scripts look for them. */
#include "reports/report.h"

#include <math.h>
#include <string.h>

static const char *const kind_color[] = { "#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#b279a2" };
static const char *const state_names[4] = { "idle", "compute-bound", "memory-bound", "communicating" };

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void usd(FILE *f, double v)
{
	if (fabs(v) >= 1e6)
		fprintf(f, "%.2f M USD", v / 1e6);
	else
		fprintf(f, "%.0f USD", v);
}

static void card(FILE *f, const char *id, const char *label, const char *value, const char *unit)
{
	fprintf(f, "<div class=\"card\" id=\"%s\"><div class=\"label\">%s</div><div class=\"value\">%s</div>"
		"<div class=\"unit\">%s</div></div>\n", id, label, value, unit);
}

/* A card whose value is printed with a literal format (checked by the compiler). */
#define cardf(f, id, label, fmt, v, unit) do { char b_[64]; \
	snprintf(b_, sizeof b_, fmt, v); card(f, id, label, b_, unit); } while (0)

static void style(FILE *f)
{
	fputs("<style>\n"
	      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2733;background:#f4f6f8}\n"
	      "header{background:#1d2733;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}\n"
	      "header p{margin:6px 0 0;color:#c9d3de;font-size:14px}main{padding:16px 32px;max-width:1280px}\n"
	      ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:12px 0}\n"
	      ".card{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px rgba(0,0,0,.12)}\n"
	      ".label{font-size:12px;color:#5b6b7b}.value{font-size:24px;font-weight:600}.unit{font-size:12px;color:#5b6b7b}\n"
	      "section{background:#fff;border-radius:6px;padding:12px 18px;margin:14px 0;box-shadow:0 1px 2px rgba(0,0,0,.12)}\n"
	      "h2{font-size:17px;margin:4px 0 10px}table{border-collapse:collapse;font-size:13px}\n"
	      "td,th{padding:4px 10px;border-bottom:1px solid #e3e8ee;text-align:left}td.n{text-align:right}\n"
	      ".warn{background:#fdecea;border-left:4px solid #d93025;padding:8px 12px;margin:10px 0}\n"
	      ".ok{background:#e8f5e9;border-left:4px solid #2e7d32;padding:8px 12px;margin:10px 0}\n"
	      ".note{font-size:12px;color:#5b6b7b}.legend span{display:inline-block;margin-right:14px;font-size:12px}\n"
	      ".legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px}\n"
	      "svg text{font-family:system-ui,sans-serif}\n"
	      "</style>\n", f);
}

/* Step timeline: a row per stage and stream that has work; spans of one kind
 * closer than 1.5 pixels are drawn as one band,
 * shaded by the share of it they are busy. */
static void chart_timeline(FILE *f, const run_results *r)
{
	const timeline_results *t = &r->timeline;
	if (t->nspans == 0 || t->step_s <= 0) {
		fprintf(f, "<p class=\"note\">No step timeline was recorded.</p>\n");
		return;
	}
	int rows = 0;
	int rowof[64 * 8];
	int nrow_max = (int)(sizeof rowof / sizeof rowof[0]);
	for (int i = 0; i < nrow_max; i++)
		rowof[i] = -1;
	for (long i = 0; i < t->nspans; i++) {
		int k = t->spans[i].stage * t->nstreams + t->spans[i].stream;
		if (k >= 0 && k < nrow_max)
			rowof[k] = 0;
	}
	for (int k = 0; k < nrow_max; k++)
		if (rowof[k] == 0)
			rowof[k] = rows++;
	const double left = 150, width = 1000, rowh = 16;
	double H = rows * rowh + 40, px = width / t->step_s;
	fprintf(f, "<svg id=\"chart-timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"step timeline\">\n", left + width + 20, H, left + width + 20, H);
	for (int k = 0; k < nrow_max; k++) {
		if (rowof[k] < 0)
			continue;
		double y = 10 + rowof[k] * rowh;
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">stage %d %s</text>\n",
			left - 6, y + 11, k / t->nstreams, t->stream_names[k % t->nstreams]);
		fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"#f0f2f5\"/>\n", left, y, width, rowh - 3);
		double cs = -1, ce = -1, busy = 0;
		int ck = -1;
		for (long i = 0; i <= t->nspans; i++) {
			const timeline_span *s = i < t->nspans ? &t->spans[i] : NULL;
			if (s && (s->stage * t->nstreams + s->stream != k || s->end_s <= s->start_s))
				continue;
			if (s && ck == s->kind && (s->start_s - ce) * px < 1.5) {
				if (s->end_s > ce)
					ce = s->end_s;
				busy += s->end_s - s->start_s;
				continue;
			}
			if (ck >= 0) {
				/* a band of short spans is shaded by how busy it is */
				double op = busy / (ce - cs);
				fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"",
					left + cs * px, y, (ce - cs) * px > 0.5 ? (ce - cs) * px : 0.5, rowh - 3,
					kind_color[ck % 6]);
				if (op < 0.95)
					fprintf(f, " fill-opacity=\"%.2f\"", op > 0.15 ? op : 0.15);
				fprintf(f, "/>\n");
			}
			if (!s)
				break;
			cs = s->start_s;
			ce = s->end_s;
			busy = ce - cs;
			ck = s->kind;
		}
	}
	double ya = 10 + rows * rowh + 4;
	for (int i = 0; i <= 5; i++) {
		double x = left + width * i / 5.0;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%.3g s</text>\n",
			x, ya, x, ya + 4, x, ya + 16, t->step_s * i / 5.0);
	}
	fprintf(f, "</svg>\n<div class=\"legend\">");
	for (int k = 0; k < t->nkinds && k < 6; k++)
		fprintf(f, "<span><i style=\"background:%s\"></i>%s</span>", kind_color[k], t->kind_names[k]);
	fprintf(f, "</div>\n");
}

/* Horizontal bars: labels, values, one color each; `unit` follows the values. */
static void chart_bars(FILE *f, const char *id, const char *const *labels, const double *v, int n,
		       const char *const *colors, const char *unit, double scale)
{
	double max = 0;
	for (int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	const double left = 190, width = 600, barh = 24;
	double H = n * (barh + 8) + 10;
	fprintf(f, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		id, left + width + 140, H, left + width + 140, H);
	for (int i = 0; i < n; i++) {
		double y = 6 + i * (barh + 8), w = max > 0 ? width * v[i] / max : 0;
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">", left - 8, y + 16);
		esc(f, labels[i]);
		fprintf(f, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%.4g %s</text>\n",
			left, y, w, barh, colors[i % 6], left + w + 6, y + 16, v[i] * scale, unit);
	}
	fprintf(f, "</svg>\n");
}

static void chart_power(FILE *f, const run_results *r)
{
	if (r->npower < 2)
		return;
	double max = 0, tmax = r->power_series[r->npower - 1].t_s;
	for (int i = 0; i < r->npower; i++)
		if (r->power_series[i].facility_kw > max)
			max = r->power_series[i].facility_kw;
	max *= 1.1;
	const double left = 60, width = 900, height = 260, top = 10;
	fprintf(f, "<svg id=\"chart-power\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		left + width + 20, height + 50, left + width + 20, height + 50);
	for (int i = 0; i <= 4; i++) {
		double y = top + height - height * i / 4.0;
		fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e3e8ee\"/>"
			"<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.0f kW</text>\n",
			left, y, left + width, y, left - 4, y + 4, max * i / 4.0);
	}
	const char *col[2] = { "#4c78a8", "#f58518" };
	for (int s = 0; s < 2; s++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col[s]);
		for (int i = 0; i < r->npower; i++) {
			const power_point *p = &r->power_series[i];
			double v = s ? p->facility_kw : p->it_kw;
			fprintf(f, "%.1f,%.1f ", left + width * p->t_s / tmax, top + height - height * v / max);
		}
		fprintf(f, "\"/>\n");
	}
	for (int i = 0; i <= 5; i++)
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">%.3g s</text>\n",
			left + width * i / 5.0, top + height + 16, tmax * i / 5.0);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" fill=\"%s\">IT</text>"
		"<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" fill=\"%s\">facility (PUE %.2f)</text>\n</svg>\n",
		left + 10, top + height + 36, col[0], left + 60, top + height + 36, col[1], r->power.pue);
}

static void row_s(FILE *f, const char *k, const char *v)
{
	fprintf(f, "<tr><td>%s</td><td class=\"n\">", k);
	esc(f, v);
	fprintf(f, "</td></tr>\n");
}

#define row_f(f, k, fmt, v) do { char b_[96]; snprintf(b_, sizeof b_, fmt, v); row_s(f, k, b_); } while (0)

static void row_usd(FILE *f, const char *k, double v)
{
	fprintf(f, "<tr><td>%s</td><td class=\"n\">", k);
	usd(f, v);
	fprintf(f, "</td></tr>\n");
}

static void training_section(FILE *f, const train_results *t)
{
	char buf[160];
	fprintf(f, "<section id=\"training\"><h2>Training</h2><table>\n");
	snprintf(buf, sizeof buf, "%d x %s in %d x %s", t->gpus, t->gpu, t->nodes, t->node);
	row_s(f, "GPUs", buf);
	snprintf(buf, sizeof buf, "%s (%.1fB parameters), %.4g tokens", t->model, t->params / 1e9, t->tokens);
	row_s(f, "model", buf);
	snprintf(buf, sizeof buf, "TP %d, PP %d, DP %d, CP %d, EP %d; %s; ZeRO %d; recompute %s%s", t->tp, t->pp,
		 t->dp, t->cp, t->ep, t->schedule, t->zero, t->recompute, t->layout_auto ? " (chosen by capsim)" : "");
	row_s(f, "layout", buf);
	row_f(f, "step time", "%.3f s", t->step_time_s);
	row_f(f, "tokens/s", "%.4g", t->tokens_per_s);
	row_f(f, "TFLOP/s per GPU (model)", "%.1f", t->tflops_per_gpu);
	row_f(f, "MFU", "%.1f%%", 100 * t->mfu);
	row_f(f, "time to train", "%.1f days", t->time_to_train_days);
	row_f(f, "GPU-hours", "%.4g", t->gpu_hours);
	row_f(f, "memory per GPU", "%.1f GB", t->memory_per_gpu_gb);
	if (t->claim_days > 0)
		row_f(f, "claimed time to train", "%.1f days", t->claim_days);
	fprintf(f, "</table></section>\n");
}

static void inference_section(FILE *f, const infer_results *o)
{
	char buf[200];
	fprintf(f, "<section id=\"inference\"><h2>Inference serving</h2><table>\n");
	snprintf(buf, sizeof buf, "%d of %d x %s in %d x %s", o->gpus_used, o->gpus_total, o->gpu, o->nodes, o->node);
	row_s(f, "GPUs in use", buf);
	snprintf(buf, sizeof buf, "%s (%.1fB parameters), %s, KV %s", o->model, o->params / 1e9, o->compute, o->kv);
	row_s(f, "model", buf);
	snprintf(buf, sizeof buf, "%d replica(s) x TP %d PP %d, %s batching, max batch %d%s", o->replicas, o->tp, o->pp,
		 o->scheduler, o->max_batch, o->layout_auto || o->replicas_auto ? " (chosen by capsim)" : "");
	row_s(f, "serving", buf);
	snprintf(buf, sizeof buf, "%s, %.4g requests/s, %ld requests", o->arrival, o->rate_per_s, o->requests);
	row_s(f, "load", buf);
	row_f(f, "output tokens/s", "%.4g", o->throughput_tokens_per_s);
	row_f(f, "requests/s", "%.4g", o->requests_per_s);
	snprintf(buf, sizeof buf, "%.0f / %.0f / %.0f ms", 1e3 * o->ttft_p50_s, 1e3 * o->ttft_p90_s, 1e3 * o->ttft_p99_s);
	row_s(f, "time to first token P50 / P90 / P99", buf);
	snprintf(buf, sizeof buf, "%.1f / %.1f / %.1f ms", 1e3 * o->tpot_p50_s, 1e3 * o->tpot_p90_s, 1e3 * o->tpot_p99_s);
	row_s(f, "time per output token P50 / P90 / P99", buf);
	snprintf(buf, sizeof buf, "%.2f / %.2f / %.2f s", o->e2e_p50_s, o->e2e_p90_s, o->e2e_p99_s);
	row_s(f, "end to end P50 / P90 / P99", buf);
	snprintf(buf, sizeof buf, "%.1f%% of requests within the targets (%s)", 100 * o->slo_attainment,
		 o->slo_met ? "met" : "missed");
	row_s(f, "SLO", buf);
	snprintf(buf, sizeof buf, "KV cache %.0f%% mean, %.0f%% peak; MFU %.1f%%", 100 * o->kv_util_mean,
		 100 * o->kv_util_peak, 100 * o->mfu);
	row_s(f, "utilisation", buf);
	fprintf(f, "</table><p class=\"note\">timeseries.csv holds KV cache and GPU use over the serving window.</p></section>\n");
}

static void power_section(FILE *f, const power_results *p)
{
	fprintf(f, "<section id=\"power\"><h2>Power and energy</h2><table>\n");
	row_f(f, "IT power, peak (simulated)", "%.1f kW", p->it_peak_kw);
	row_f(f, "facility power, peak", "%.1f kW", p->facility_peak_kw);
	row_f(f, "IT power, average", "%.1f kW", p->it_avg_kw);
	row_f(f, "facility power, average", "%.1f kW", p->facility_avg_kw);
	row_f(f, "IT nameplate (GPUs at TDP, hosts at rating)", "%.1f kW", p->it_nameplate_kw);
	row_f(f, "PUE", "%.2f", p->pue);
	row_f(f, "energy over the run (facility)", "%.1f MWh", p->energy_mwh);
	row_f(f, "energy per token (facility)", "%.3g J", p->energy_per_token_j);
	char buf[96];
	snprintf(buf, sizeof buf, "%.1f t at %.0f g/kWh", p->co2_t, p->carbon_g_per_kwh);
	row_s(f, "CO2", buf);
	snprintf(buf, sizeof buf, "GPUs %.1f, hosts %.1f, NICs %.1f, switches %.1f, storage %.1f kW", p->gpus_kw,
		 p->hosts_kw, p->nics_kw, p->switches_kw, p->storage_kw);
	row_s(f, "average IT power by part", buf);
	fprintf(f, "</table>\n<table><tr><th>GPU state</th><th>W per GPU</th><th>share of GPU time</th></tr>\n");
	for (int k = 0; k < 4; k++)
		fprintf(f, "<tr><td>%s</td><td class=\"n\">%.0f</td><td class=\"n\">%.1f%%</td></tr>\n", state_names[k],
			p->gpu_state_w[k], 100 * p->gpu_state_share[k]);
	fprintf(f, "</table><p class=\"note\">GPU power curve: ");
	esc(f, p->curve_source);
	fprintf(f, "</p></section>\n");

	if (p->rack_limit_kw > 0)
		fprintf(f, "<section id=\"racks\"><h2>Racks at the site's %.1f kW limit</h2>\n", p->rack_limit_kw);
	else
		fprintf(f, "<section id=\"racks\"><h2>Racks (the site states no power limit)</h2>\n");
	if (p->rack_violation && p->nodes_per_rack_limit > 0)
		fprintf(f, "<div class=\"warn\" id=\"rack-violation\"><b>Rack power violation:</b> %d nodes per rack (by space) draw "
			"%.1f kW at peak, above the %.1f kW limit. At most %d nodes fit per rack: the nodes need "
			"<b>%d racks</b> of at most %d nodes (by space alone: %d racks of up to %d).</div>\n",
			p->nodes_per_rack, p->rack_peak_kw, p->rack_limit_kw, p->nodes_per_rack_limit,
			p->racks_needed, p->nodes_per_rack_limit, p->racks, p->nodes_per_rack);
	else if (p->rack_violation)
		fprintf(f, "<div class=\"warn\" id=\"rack-violation\"><b>Rack power violation:</b> one node draws %.1f kW at peak, "
			"above the %.1f kW rack limit.</div>\n", p->node_peak_kw, p->rack_limit_kw);
	else if (p->rack_limit_kw > 0)
		fprintf(f, "<div class=\"ok\">Every rack stays under the %.1f kW limit.</div>\n", p->rack_limit_kw);
	fprintf(f, "<table>\n");
	char buf2[96];
	snprintf(buf2, sizeof buf2, "%s, %d U", p->rack, p->rack_units);
	row_s(f, "rack", buf2);
	snprintf(buf2, sizeof buf2, "%.2f kW peak, %.2f kW nameplate", p->node_peak_kw, p->node_nameplate_kw);
	row_s(f, "one node", buf2);
	row_f(f, "nodes per rack by space", "%d", p->nodes_per_rack);
	snprintf(buf2, sizeof buf2, "%.1f kW peak, %.1f kW nameplate", p->rack_peak_kw, p->rack_nameplate_kw);
	row_s(f, "fullest rack", buf2);
	row_f(f, "node racks needed", "%d", p->rack_violation ? p->racks_needed : p->racks);
	snprintf(buf2, sizeof buf2, "%d (%.1f kW)", p->infra_racks, p->infra_kw);
	row_s(f, "network and storage racks", buf2);
	row_f(f, "racks in all", "%d", p->total_racks);
	snprintf(buf2, sizeof buf2, "%.1f kW IT, %.1f kW facility", p->it_peak_kw, p->facility_peak_kw);
	row_s(f, "site power at peak", buf2);
	fprintf(f, "</table></section>\n");
}

static void cost_section(FILE *f, const cost_results *c)
{
	fprintf(f, "<section id=\"cost\"><h2>Cost</h2><table>\n");
	row_usd(f, "capex", c->capex_usd);
	row_usd(f, "opex per year", c->opex_usd_per_year);
	char k[160];
	snprintf(k, sizeof k, "&nbsp;&nbsp;energy (%.3f USD/kWh, PUE included)", c->electricity_usd_per_kwh);
	row_usd(f, k, c->energy_usd_per_year);
	snprintf(k, sizeof k, "&nbsp;&nbsp;support (%.0f%% of capex per year%s)", 100 * c->support_share,
		 c->support_defaulted ? ", estimate" : "");
	row_usd(f, k, c->support_usd_per_year);
	row_usd(f, "&nbsp;&nbsp;colocation", c->colocation_usd_per_year);
	snprintf(k, sizeof k, "depreciation per year (%.0f years)", c->years);
	row_usd(f, k, c->depreciation_usd_per_year);
	snprintf(k, sizeof k, "TCO over %.0f years", c->years);
	row_usd(f, k, c->tco_usd);
	row_usd(f, "this run (share of ownership + its energy)", c->run_cost_usd);
	snprintf(k, sizeof k, "this run rented at %.2f USD/GPU-h", c->cloud_usd_per_gpu_h);
	row_usd(f, k, c->cloud_cost_usd);
	row_f(f, "per million tokens", "%.3f USD", c->usd_per_million_tokens);
	fprintf(f, "</table>\n");
	if (c->support_defaulted) {
		fprintf(f, "<p class=\"note\">Support share: ");
		esc(f, c->support_source);
		fprintf(f, ".</p>\n");
	}
	fprintf(f, "<h2>Bill of materials</h2><table id=\"bom\"><tr><th>item</th><th>kind</th><th>count</th>"
		"<th>unit price</th><th>total</th><th>price</th><th>source</th></tr>\n");
	for (int i = 0; i < c->nlines; i++) {
		const cost_line_result *l = &c->lines[i];
		fprintf(f, "<tr><td>");
		esc(f, l->item);
		fprintf(f, "</td><td>%s</td><td class=\"n\">%ld</td><td class=\"n\">", l->kind, l->count);
		usd(f, l->unit_usd);
		fprintf(f, "</td><td class=\"n\">");
		usd(f, l->total_usd);
		fprintf(f, "</td><td>%s</td><td><details><summary>source</summary><span class=\"note\">",
			!l->priced ? "not in the catalog" : l->list_price ? "list" : "estimate");
		esc(f, l->source);
		fprintf(f, "</span></details></td></tr>\n");
	}
	fprintf(f, "</table>\n");
	if (c->unpriced)
		fprintf(f, "<p class=\"warn\">%d item(s) have no price in the catalog; capex leaves them out.</p>\n", c->unpriced);
	fprintf(f, "</section>\n");
}

void report_html(FILE *f, const run_results *r)
{
	const train_results *t = &r->training;
	const power_results *p = &r->power;
	const cost_results *c = &r->cost;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>capsim report: ");
	esc(f, r->scenario);
	fprintf(f, "</title>\n");
	style(f);
	fprintf(f, "</head><body>\n<header><h1>capsim report: ");
	esc(f, r->scenario);
	fprintf(f, "</h1><p>");
	esc(f, r->description);
	fprintf(f, "</p></header>\n<main>\n<div class=\"cards\">\n");
	const infer_results *in = &r->inference;
	if (in->present) {
		cardf(f, "fig-throughput", "output tokens/s", "%.4g", in->throughput_tokens_per_s, "");
		cardf(f, "fig-ttft", "TTFT P99", "%.0f", 1e3 * in->ttft_p99_s, "ms");
		cardf(f, "fig-tpot", "TPOT P99", "%.1f", 1e3 * in->tpot_p99_s, "ms");
		cardf(f, "fig-replicas", "replicas", "%d", in->replicas, "");
	}
	if (t->present) {
		cardf(f, "fig-step", "step time", "%.3f", t->step_time_s, "s");
		cardf(f, "fig-days", "time to train", "%.1f", t->time_to_train_days, "days");
		cardf(f, "fig-mfu", "MFU", "%.1f", 100 * t->mfu, "%");
	}
	if (p->present) {
		cardf(f, "fig-it-peak", "IT power, peak", "%.1f", p->it_peak_kw, "kW");
		cardf(f, "fig-facility-peak", "facility power, peak", "%.1f", p->facility_peak_kw, "kW");
		cardf(f, "fig-energy", "energy over the run", "%.1f", p->energy_mwh, "MWh");
		cardf(f, "fig-co2", "CO2", "%.1f", p->co2_t, "t");
		cardf(f, "fig-racks", "racks", "%d", p->total_racks, p->rack_violation ? "rack limit binds" : "within the limit");
	}
	if (c->present) {
		cardf(f, "fig-capex", "capex", "%.2f", c->capex_usd / 1e6, "M USD");
		cardf(f, "fig-opex", "opex per year", "%.2f", c->opex_usd_per_year / 1e6, "M USD");
		cardf(f, "fig-tco", "TCO", "%.2f", c->tco_usd / 1e6, "M USD over the period");
		cardf(f, "fig-run-cost", "this run", "%.3f", c->run_cost_usd / 1e6, "M USD");
		cardf(f, "fig-cloud-cost", "rented instead", "%.3f", c->cloud_cost_usd / 1e6, "M USD");
	}
	fprintf(f, "</div>\n");
	if (t->present) {
		fprintf(f, "<section><h2>Step timeline (one GPU per pipeline stage)</h2>\n");
		chart_timeline(f, r);
		fprintf(f, "<p class=\"note\">trace.json holds the same timeline for ui.perfetto.dev.</p></section>\n");
		static const char *const parts[] = { "compute", "exposed communication", "pipeline bubble", "other (optimizer)" };
		static const char *const cols[] = { "#4c78a8", "#f58518", "#9d9d9d", "#b279a2", "#54a24b", "#e45756" };
		double v[4] = { t->compute_s, t->exposed_comm_s, t->bubble_s, t->other_s };
		fprintf(f, "<section><h2>Where the step's time goes</h2>\n");
		chart_bars(f, "chart-breakdown", parts, v, 4, cols, "s", 1.0);
		fprintf(f, "</section>\n");
	}
	if (p->present && r->npower > 0) {
		fprintf(f, "<section><h2>Power over one step</h2>\n");
		chart_power(f, r);
		fprintf(f, "</section>\n");
	}
	if (c->present) {
		static const char *const parts[] = { "capex: nodes", "capex: network", "capex: storage", "capex: racks",
						     "per year: energy", "per year: support", "per year: colocation" };
		static const char *const cols[] = { "#4c78a8", "#72b7b2", "#54a24b", "#9d755d", "#f58518", "#b279a2", "#e45756" };
		double v[7] = { c->capex_nodes_usd, c->capex_network_usd, c->capex_storage_usd, c->capex_racks_usd,
				c->energy_usd_per_year, c->support_usd_per_year, c->colocation_usd_per_year };
		fprintf(f, "<section><h2>Cost breakdown</h2>\n");
		chart_bars(f, "chart-cost", parts, v, 7, cols, "M USD", 1e-6);
		fprintf(f, "</section>\n");
	}
	if (t->present)
		training_section(f, t);
	if (in->present)
		inference_section(f, in);
	if (p->present)
		power_section(f, p);
	if (c->present)
		cost_section(f, c);
	if (t->present)
		fprintf(f, "<section><h2>How these numbers were made</h2><p class=\"note\">Discrete-event simulation of one step "
			"(%ld tasks); power from each GPU's simulated activity; prices from the catalog, each marked list price or "
			"estimate. ", t->tasks);
	else
		fprintf(f, "<section><h2>How these numbers were made</h2><p class=\"note\">Discrete-event simulation of the "
			"serving window (%llu events); power from the GPUs' busy and compute-bound shares; prices from the "
			"catalog, each marked list price or estimate. ", (unsigned long long)in->events);
	if (r->timeline.nlinks > 0) {
		double top = 0;
		for (int i = 0; i < r->timeline.nlinks; i++)
			if (r->timeline.links[i].utilisation > top)
				top = r->timeline.links[i].utilisation;
		fprintf(f, "%d flow-network links carried traffic%s; the busiest at %.1f%% of its capacity over the "
			"step (links.csv). ", r->timeline.nlinks,
			r->training.planes_folded > 1 ? " (one rail plane's: the rails are identical and share no link, so one ran for all)" : "",
			100.0 * top);
	}
	if (r->charts > 0)
		fprintf(f, "gnuplot charts: %s.", t->present ? "timeline.png, breakdown.png, power.png, cost.png" : "cost.png");
	else if (r->charts < 0) {
		fprintf(f, "gnuplot charts skipped: ");
		esc(f, r->charts_note);
		fprintf(f, ".");
	}
	fprintf(f, "</p></section>\n</main></body></html>\n");
}
