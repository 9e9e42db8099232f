/* markdown.c -- report.md and the short summary printed by `capsim run`. */
#include "reports/report.h"
#include "reports/calib_report.h"
#include "reports/serve_report.h"

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

/* The power and cost lines of the printed summary. */
static void summary_power_cost(FILE *f, const run_results *r)
{
	if (r->power.present)
		fprintf(f, "  power      %.1f kW IT peak, %.1f kW facility peak, %.4g MWh, %.4g t CO2, %d racks%s\n",
			r->power.it_peak_kw, r->power.facility_peak_kw, r->power.energy_mwh, r->power.co2_t,
			r->power.total_racks, r->power.rack_violation ? " (rack power limit binds)" : "");
	if (r->cost.present) {
		fprintf(f, "  cost       capex %.3g USD, opex %.3g USD/year, TCO %.3g USD, run %.3g USD (cloud %.3g USD)",
			r->cost.capex_usd, r->cost.opex_usd_per_year, r->cost.tco_usd, r->cost.run_cost_usd,
			r->cost.cloud_cost_usd);
		if (r->cost.usd_per_million_tokens > 0)
			fprintf(f, ", %.3g USD per million tokens", r->cost.usd_per_million_tokens);
		fprintf(f, "\n");
	}
}

void report_summary(FILE *f, const run_results *r)
{
	const train_results *t = &r->training;
	fprintf(f, "capsim: %s\n", r->scenario);
	if (r->inference.present) {
		report_infer_summary(f, &r->inference);
		summary_power_cost(f, r);
	}
	if (!t->present)
		return;
	fprintf(f, "  cluster    %d x %s (%d GPUs, %s)\n", t->nodes, t->node, t->gpus, t->gpu);
	fprintf(f, "  model      %s, %.1fB parameters, %.3g tokens, seq %d, batch %d, %s\n",
		t->model, t->params / 1e9, t->tokens, t->seq_len, t->global_batch, t->precision);
	fprintf(f, "  layout     TP%d PP%d DP%d CP%d EP%d, microbatch %d, %s%s, ZeRO-%d, recompute %s%s\n",
		t->tp, t->pp, t->dp, t->cp, t->ep, t->microbatch, t->schedule,
		t->virtual_stages > 1 ? " (virtual stages)" : "", t->zero, t->recompute,
		t->layout_auto ? " [auto]" : "");
	fprintf(f, "  step       %.3f s: compute %.1f%%, exposed comm %.1f%%, bubble %.1f%%, other %.1f%%\n",
		t->step_time_s, pct(t->compute_s, t->step_time_s), pct(t->exposed_comm_s, t->step_time_s),
		pct(t->bubble_s, t->step_time_s), pct(t->other_s, t->step_time_s));
	fprintf(f, "  throughput %.4g tokens/s, %.1f TFLOP/s per GPU, MFU %.1f%%\n",
		t->tokens_per_s, t->tflops_per_gpu, 100.0 * t->mfu);
	fprintf(f, "  memory     %.1f of %.1f GB per GPU\n", t->memory_per_gpu_gb, t->memory_capacity_gb);
	fprintf(f, "  train      %.1f days, %.4g GPU-hours", t->time_to_train_days, t->gpu_hours);
	if (t->claim_days > 0)
		fprintf(f, " (claimed: %.0f days)", t->claim_days);
	fprintf(f, "\n");
	summary_power_cost(f, r);
	report_summary_uncertainty(f, r);
}

static void claim_rows(FILE *f, const train_results *t)
{
	if (t->claim_days <= 0 && t->claim_tflops_per_gpu <= 0)
		return;
	fprintf(f, "\n## Beside the published claim\n\n| figure | capsim | claimed | difference |\n|---|---:|---:|---:|\n");
	if (t->claim_days > 0)
		fprintf(f, "| time to train (days) | %.1f | %.1f | %+.1f%% |\n", t->time_to_train_days,
			t->claim_days, pct(t->time_to_train_days - t->claim_days, t->claim_days));
	if (t->claim_tflops_per_gpu > 0) {
		double ours = t->claim_hw_flops ? t->hw_tflops_per_gpu : t->tflops_per_gpu;
		fprintf(f, "| TFLOP/s per GPU (%s) | %.1f | %.1f | %+.1f%% |\n",
			t->claim_hw_flops ? "hardware, with recompute" : "model", ours,
			t->claim_tflops_per_gpu, pct(ours - t->claim_tflops_per_gpu, t->claim_tflops_per_gpu));
	}
	fprintf(f, "\nClaim source: %s\n", t->claim_source);
}

static const char *const state_names[4] = { "idle", "compute-bound", "memory-bound", "communicating" };

static void power_section(FILE *f, const power_results *p)
{
	fprintf(f, "\n## Power and energy\n\n| figure | value |\n|---|---:|\n");
	fprintf(f, "| IT power, peak (simulated) | %.1f kW |\n| facility power, peak (PUE %.2f) | %.1f kW |\n",
		p->it_peak_kw, p->pue, p->facility_peak_kw);
	fprintf(f, "| IT power, average | %.1f kW |\n| facility power, average | %.1f kW |\n",
		p->it_avg_kw, p->facility_avg_kw);
	fprintf(f, "| IT nameplate (every GPU at TDP, hosts at rating) | %.1f kW |\n", p->it_nameplate_kw);
	fprintf(f, "| energy over the run (facility) | %.1f MWh |\n| energy over the run (IT) | %.1f MWh |\n",
		p->energy_mwh, p->it_energy_mwh);
	fprintf(f, "| energy per token (facility) | %.3g J |\n| CO2 at %.0f g/kWh | %.1f t |\n",
		p->energy_per_token_j, p->carbon_g_per_kwh, p->co2_t);
	fprintf(f, "\nAverage IT power by part: GPUs %.1f kW (%.0f W each), hosts %.1f kW, NICs %.1f kW, "
		"switches %.1f kW, storage %.1f kW.\n",
		p->gpus_kw, p->gpu_avg_w, p->hosts_kw, p->nics_kw, p->switches_kw, p->storage_kw);
	fprintf(f, "\n| GPU state | power per GPU | share of GPU time |\n|---|---:|---:|\n");
	for (int k = 0; k < 4; k++)
		fprintf(f, "| %s | %.0f W | %.1f%% |\n", state_names[k], p->gpu_state_w[k],
			100.0 * p->gpu_state_share[k]);
	fprintf(f, "\nGPU power curve: %s\n", p->curve_source);
	fprintf(f, "\n## Racks\n\n");
	fprintf(f, "| figure | value |\n|---|---:|\n| rack | %s, %d U |\n| rack power limit | %.1f kW |\n",
		p->rack, p->rack_units, p->rack_limit_kw);
	fprintf(f, "| node power, peak (simulated) / nameplate | %.2f / %.2f kW |\n", p->node_peak_kw, p->node_nameplate_kw);
	fprintf(f, "| nodes per rack by space | %d |\n| node racks at that density | %d |\n", p->nodes_per_rack, p->racks);
	fprintf(f, "| fullest rack, peak / nameplate | %.1f / %.1f kW |\n", p->rack_peak_kw, p->rack_nameplate_kw);
	fprintf(f, "| network and storage racks | %d (%.1f kW) |\n| racks in all | %d |\n",
		p->infra_racks, p->infra_kw, p->total_racks);
	if (p->rack_violation) {
		if (p->nodes_per_rack_limit > 0)
			fprintf(f, "\n**Rack power violation:** %d nodes per rack draw %.1f kW at peak, above the %.1f kW limit. "
				"At most %d nodes fit under the limit, so the nodes need %d racks of at most %d nodes "
				"(by space alone: %d racks of up to %d); the racks in all above count that.\n",
				p->nodes_per_rack, p->rack_peak_kw, p->rack_limit_kw, p->nodes_per_rack_limit,
				p->racks_needed, p->nodes_per_rack_limit, p->racks, p->nodes_per_rack);
		else
			fprintf(f, "\n**Rack power violation:** one node alone draws %.1f kW at peak, above the %.1f kW rack limit; "
				"no rack of this site can hold it.\n", p->node_peak_kw, p->rack_limit_kw);
	} else if (p->rack_limit_kw > 0) {
		fprintf(f, "\nEvery rack stays under the %.1f kW limit.\n", p->rack_limit_kw);
	}
}

static void money(FILE *f, double usd)
{
	if (usd >= 1e6)
		fprintf(f, "%.2f M USD", usd / 1e6);
	else
		fprintf(f, "%.0f USD", usd);
}

static void cost_section(FILE *f, const cost_results *c)
{
	fprintf(f, "\n## Cost\n\n| figure | value |\n|---|---:|\n| capex | ");
	money(f, c->capex_usd);
	fprintf(f, " |\n| opex per year | ");
	money(f, c->opex_usd_per_year);
	fprintf(f, " |\n| of which energy (%.3f USD/kWh, PUE included) | ", c->electricity_usd_per_kwh);
	money(f, c->energy_usd_per_year);
	fprintf(f, " |\n| of which support (%.0f%% of capex per year%s) | ", 100.0 * c->support_share,
		c->support_defaulted ? ", estimate" : "");
	money(f, c->support_usd_per_year);
	fprintf(f, " |\n| of which colocation | ");
	money(f, c->colocation_usd_per_year);
	fprintf(f, " |\n| depreciation per year (%.0f years) | ", c->years);
	money(f, c->depreciation_usd_per_year);
	fprintf(f, " |\n| TCO over %.0f years | ", c->years);
	money(f, c->tco_usd);
	fprintf(f, " |\n| this run (its share of ownership and its energy) | ");
	money(f, c->run_cost_usd);
	fprintf(f, " |\n| this run rented at %.2f USD/GPU-h | ", c->cloud_usd_per_gpu_h);
	money(f, c->cloud_cost_usd);
	fprintf(f, " |\n| per million tokens | %.3f USD |\n", c->usd_per_million_tokens);
	if (c->support_defaulted)
		fprintf(f, "\nSupport share: %s.\n", c->support_source);
	fprintf(f, "\n### Priced bill of materials\n\n| item | kind | count | unit price | total | price |\n|---|---|---:|---:|---:|---|\n");
	for (int i = 0; i < c->nlines; i++) {
		const cost_line_result *l = &c->lines[i];
		fprintf(f, "| %s | %s | %ld | %.0f USD | %.0f USD | %s |\n", l->item, l->kind, l->count,
			l->unit_usd, l->total_usd, !l->priced ? "not in the catalog" : l->list_price ? "list" : "estimate");
	}
	if (c->unpriced)
		fprintf(f, "\n%d item(s) have no price in the catalog; capex leaves them out.\n", c->unpriced);
	fprintf(f, "\nPrice sources (catalog `<source>`):\n\n");
	for (int i = 0; i < c->nlines; i++)
		fprintf(f, "- %s: %s\n", c->lines[i].item, c->lines[i].source);
}

static void files_section(FILE *f, const run_results *r)
{
	fprintf(f, "\n## Files\n\n");
	if (r->formats & RESULTS_FMT_CSV)
		fprintf(f, "CSVs: timeline.csv (step timeline per GPU stream), power.csv (power over one step), "
			"breakdown.csv, bom.csv, cost.csv, links.csv (utilisation of each flow-network link over the step).\n");
	const timeline_results *t = &r->timeline;
	if (t->nlinks > 0) {
		double top = 0, sum = 0;
		for (int i = 0; i < t->nlinks; i++) {
			sum += t->links[i].utilisation;
			if (t->links[i].utilisation > top)
				top = t->links[i].utilisation;
		}
		fprintf(f, "\nLinks that carried traffic as flows: %d%s; mean utilisation over the step %.1f%%, busiest %.1f%%.\n",
			t->nlinks, r->training.planes_folded > 1 ? " (one rail plane's)" : "",
			100.0 * sum / t->nlinks, 100.0 * top);
	} else if (r->formats & RESULTS_FMT_CSV) {
		fprintf(f, "\nNo traffic ran as flows in this step (links.csv has no rows).\n");
	}
	if (r->formats & RESULTS_FMT_JSON)
		fprintf(f, "\ntrace.json: the step timeline in Chrome/Perfetto Trace Event Format (open it at ui.perfetto.dev).\n");
	if (r->charts > 0)
		fprintf(f, "\nCharts (gnuplot): %s, from the *.gp scripts.\n",
			r->training.present ? "timeline.png, breakdown.png, power.png, cost.png" : "cost.png");
	else if (r->charts < 0)
		fprintf(f, "\nCharts skipped: %s. The *.gp scripts and CSVs are written; run `gnuplot FILE.gp` "
			"where gnuplot is installed.\n", r->charts_note);
}

void report_markdown(FILE *f, const run_results *r)
{
	const train_results *t = &r->training;
	fprintf(f, "# capsim report: %s\n\n%s\n", r->scenario, r->description);
	if (r->inference.present) {
		report_infer_markdown(f, &r->inference);
		if (r->nbom > 0) {
			fprintf(f, "\n## Bill of materials\n\n| item | kind | count |\n|---|---|---:|\n");
			for (int i = 0; i < r->nbom; i++)
				fprintf(f, "| %s | %s | %ld |\n", r->bom[i].item, r->bom[i].kind, r->bom[i].count);
		}
	}
	if (!t->present)
		return;
	fprintf(f, "\n## Training\n\n| figure | value |\n|---|---:|\n");
	fprintf(f, "| GPUs | %d x %s in %d x %s |\n", t->gpus, t->gpu, t->nodes, t->node);
	fprintf(f, "| model | %s (%.1fB parameters) |\n", t->model, t->params / 1e9);
	fprintf(f, "| tokens | %.4g |\n| sequence length, global batch | %d, %d |\n", t->tokens, t->seq_len, t->global_batch);
	fprintf(f, "| precision | %s |\n", t->precision);
	fprintf(f, "| step time | %.3f s |\n| tokens/s | %.4g |\n", t->step_time_s, t->tokens_per_s);
	fprintf(f, "| TFLOP/s per GPU (model) | %.1f |\n| TFLOP/s per GPU (hardware, with recompute) | %.1f |\n",
		t->tflops_per_gpu, t->hw_tflops_per_gpu);
	fprintf(f, "| MFU | %.1f%% |\n| time to train | %.1f days |\n| GPU-hours | %.4g |\n",
		100.0 * t->mfu, t->time_to_train_days, t->gpu_hours);
	fprintf(f, "\n## Parallel layout\n\nTP %d, PP %d, DP %d, CP %d, EP %d; microbatch %d; schedule %s, %d virtual stage(s); "
		"ZeRO %d; recompute %s; sequence parallel %s.\n",
		t->tp, t->pp, t->dp, t->cp, t->ep, t->microbatch, t->schedule, t->virtual_stages,
		t->zero, t->recompute, t->sequence_parallel ? "on" : "off");
	if (t->layout_auto)
		fprintf(f, "\nChosen by capsim: %d layouts divide the cluster, model and batch; %d fit in memory; "
			"the %d fastest by the closed-form estimate were simulated and the fastest simulated one kept.\n",
			t->auto_candidates, t->auto_feasible, t->auto_simulated);
	fprintf(f, "\n## Step time breakdown\n\n| part | seconds | share |\n|---|---:|---:|\n");
	fprintf(f, "| compute | %.4f | %.1f%% |\n", t->compute_s, pct(t->compute_s, t->step_time_s));
	fprintf(f, "| exposed communication | %.4f | %.1f%% |\n", t->exposed_comm_s, pct(t->exposed_comm_s, t->step_time_s));
	fprintf(f, "| pipeline bubble | %.4f | %.1f%% |\n", t->bubble_s, pct(t->bubble_s, t->step_time_s));
	fprintf(f, "| other (optimizer) | %.4f | %.1f%% |\n", t->other_s, pct(t->other_s, t->step_time_s));
	fprintf(f, "\nCommunication busy time per GPU and step: tensor/expert parallel %.4f s, pipeline %.4f s, "
		"data parallel %.4f s, context parallel %.4f s.\n",
		t->tp_comm_s, t->pp_comm_s, t->dp_comm_s, t->cp_comm_s);
	fprintf(f, "\n## Memory per GPU\n\n| part | GB |\n|---|---:|\n| weights | %.2f |\n| gradients | %.2f |\n"
		"| optimizer states | %.2f |\n| activations | %.2f |\n| runtime reserve | %.2f |\n| **total** | **%.2f** of %.1f |\n",
		t->mem_weights_gb, t->mem_grads_gb, t->mem_optimizer_gb, t->mem_activations_gb,
		t->mem_reserve_gb, t->memory_per_gpu_gb, t->memory_capacity_gb);
	claim_rows(f, t);
	if (r->nbom > 0) {
		fprintf(f, "\n## Bill of materials\n\n| item | kind | count |\n|---|---|---:|\n");
		for (int i = 0; i < r->nbom; i++)
			fprintf(f, "| %s | %s | %ld |\n", r->bom[i].item, r->bom[i].kind, r->bom[i].count);
	}
	if (r->power.present)
		power_section(f, &r->power);
	if (r->cost.present)
		cost_section(f, &r->cost);
	files_section(f, r);
	fprintf(f, "\n## How these numbers were made\n\n");
	fprintf(f, "- Evaluator: discrete-event simulation of one step (%ld tasks, %llu events); the closed-form estimate gives %.3f s.\n",
		t->tasks, (unsigned long long)t->events, t->analytic_step_s);
	if (t->folded)
		fprintf(f, "- Symmetric ranks folded: one GPU per pipeline stage runs its kernels; tensor-parallel peers and data-parallel replicas do identical compute.\n");
	if (t->flows_used)
		fprintf(f, "- Communication: data-parallel collectives, expert-parallel all-to-alls and pipeline sends that leave the scale-up domain ran as %llu flows over the links of %d GPUs' NICs and the fabric, every peer group's traffic included%s (max-min fair sharing); collectives inside a scale-up domain take NCCL's cost model (algorithm and protocol chosen as NCCL does).\n",
			(unsigned long long)t->flows, t->net_gpus,
			t->planes_folded > 1 ? " (one rail's as flows, the others' as its exact image: see below)" : "");
	else
		fprintf(f, "- Communication: NCCL's cost model per collective (algorithm and protocol chosen as NCCL does); no traffic left a scale-up domain, so no link was shared.\n");
	if (t->flows_used && t->planes_folded > 1)
		fprintf(f, "- Rail planes folded: those flows are the traffic of one of the %d rails. Every peer group's GPUs share one local index, hence one rail, and the rails share no link and route alike (InfiniBand d-mod-k), so the other rails' traffic runs at the same rates and finishes at the same times; the link figures are one rail's.\n",
			t->planes_folded);
	fprintf(f, "- Calibration profile: %s (%s). GEMM efficiency %.2f (%s), attention %.2f, HBM %.2f.\n",
		t->profile, t->profile_file, t->gemm_eff,
		t->gemm_eff_measured ? "measured on this GPU" :
		t->gemm_eff_defaulted ? "defaulted from bf16" : "fitted to public measurements",
		t->attn_eff, t->hbm_eff);
	fprintf(f, "- MFU counts model FLOPs (forward and backward, attention included, no recompute) over the dense %s peak.\n",
		t->precision);
	report_md_calibration(f, r);
}
