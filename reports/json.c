/* json.c -- the JSON summary of SCENARIO.md, plus capsim's own keys.
 *
 * Numbers are printed with %.6g (deterministic, locale-independent for C). */
#include "reports/report.h"
#include "reports/jsonw.h"
#include "reports/calib_report.h"
#include "reports/serve_report.h"


static void train_block(FILE *f, const train_results *t)
{
	fprintf(f, "  \"training\": {\n    ");
	jsonw_num(f, "step_time_s", t->step_time_s, 0);
	jsonw_num(f, "tokens_per_s", t->tokens_per_s, 0);
	jsonw_num(f, "tflops_per_gpu", t->tflops_per_gpu, 0);
	jsonw_num(f, "hw_tflops_per_gpu", t->hw_tflops_per_gpu, 0);
	jsonw_num(f, "mfu", t->mfu, 0);
	fprintf(f, "\n    ");
	jsonw_num(f, "time_to_train_days", t->time_to_train_days, 0);
	jsonw_num(f, "gpu_hours", t->gpu_hours, 0);
	jsonw_num(f, "memory_per_gpu_gb", t->memory_per_gpu_gb, 0);
	jsonw_num(f, "memory_capacity_gb", t->memory_capacity_gb, 0);
	fprintf(f, "\n    \"breakdown_s\": {");
	jsonw_num(f, "compute", t->compute_s, 0);
	jsonw_num(f, "exposed_comm", t->exposed_comm_s, 0);
	jsonw_num(f, "bubble", t->bubble_s, 0);
	jsonw_num(f, "other", t->other_s, 1);
	fprintf(f, "},\n    \"memory_gb\": {");
	jsonw_num(f, "weights", t->mem_weights_gb, 0);
	jsonw_num(f, "gradients", t->mem_grads_gb, 0);
	jsonw_num(f, "optimizer", t->mem_optimizer_gb, 0);
	jsonw_num(f, "activations", t->mem_activations_gb, 0);
	jsonw_num(f, "reserve", t->mem_reserve_gb, 1);
	fprintf(f, "},\n    \"layout\": {\"tp\": %d, \"pp\": %d, \"dp\": %d, \"cp\": %d, \"ep\": %d, "
		"\"microbatch\": %d, \"virtual_stages\": %d, \"zero\": %d, \"schedule\": ",
		t->tp, t->pp, t->dp, t->cp, t->ep, t->microbatch, t->virtual_stages, t->zero);
	jsonw_str(f, t->schedule);
	fprintf(f, ", \"recompute\": ");
	jsonw_str(f, t->recompute);
	fprintf(f, ", \"auto\": %s},\n", t->layout_auto ? "true" : "false");
	fprintf(f, "    \"model\": ");
	jsonw_str(f, t->model);
	fprintf(f, ", \"gpu\": ");
	jsonw_str(f, t->gpu);
	fprintf(f, ", \"gpus\": %d, ", t->gpus);
	jsonw_num(f, "params", t->params, 0);
	jsonw_num(f, "tokens", t->tokens, 0);
	fprintf(f, "\"profile\": ");
	jsonw_str(f, t->profile);
	fprintf(f, ", \"evaluator\": \"event simulation\", \"folded_symmetric_ranks\": %s, "
		"\"network\": \"%s\", \"flows\": %llu, \"rail_planes_folded\": %d\n  }",
		t->folded ? "true" : "false", t->flows_used ? "flows" : "cost model",
		(unsigned long long)t->flows, t->planes_folded > 1 ? t->planes_folded : 1);
}

static void power_block(FILE *f, const power_results *p)
{
	fprintf(f, ",\n  \"power\": {");
	jsonw_num(f, "it_peak_kw", p->it_peak_kw, 0);
	jsonw_num(f, "facility_peak_kw", p->facility_peak_kw, 0);
	jsonw_num(f, "energy_mwh", p->energy_mwh, 0);
	jsonw_num(f, "co2_t", p->co2_t, 0);
	fprintf(f, "\n    ");
	jsonw_num(f, "it_avg_kw", p->it_avg_kw, 0);
	jsonw_num(f, "facility_avg_kw", p->facility_avg_kw, 0);
	jsonw_num(f, "it_nameplate_kw", p->it_nameplate_kw, 0);
	jsonw_num(f, "it_energy_mwh", p->it_energy_mwh, 0);
	jsonw_num(f, "energy_per_token_j", p->energy_per_token_j, 0);
	jsonw_num(f, "gpu_avg_w", p->gpu_avg_w, 0);
	jsonw_num(f, "pue", p->pue, 0);
	fprintf(f, "\n    \"avg_kw\": {");
	jsonw_num(f, "gpus", p->gpus_kw, 0);
	jsonw_num(f, "hosts", p->hosts_kw, 0);
	jsonw_num(f, "nics", p->nics_kw, 0);
	jsonw_num(f, "switches", p->switches_kw, 0);
	jsonw_num(f, "storage", p->storage_kw, 1);
	fprintf(f, "},\n    \"racks\": {\"rack\": ");
	jsonw_str(f, p->rack);
	fprintf(f, ", \"nodes_per_rack\": %d, \"node_racks\": %d, ", p->nodes_per_rack, p->racks);
	jsonw_num(f, "limit_kw", p->rack_limit_kw, 0);
	jsonw_num(f, "rack_peak_kw", p->rack_peak_kw, 0);
	jsonw_num(f, "node_peak_kw", p->node_peak_kw, 0);
	jsonw_num(f, "node_nameplate_kw", p->node_nameplate_kw, 0);
	fprintf(f, "\"violation\": %s, \"nodes_per_rack_limit\": %d, \"node_racks_needed\": %d, "
		"\"infra_racks\": %d, \"total_racks\": %d}\n  }",
		p->rack_violation ? "true" : "false", p->nodes_per_rack_limit, p->racks_needed,
		p->infra_racks, p->total_racks);
}

static void cost_block(FILE *f, const cost_results *c)
{
	fprintf(f, ",\n  \"cost\": {");
	jsonw_num(f, "capex_usd", c->capex_usd, 0);
	jsonw_num(f, "opex_usd_per_year", c->opex_usd_per_year, 0);
	jsonw_num(f, "tco_usd", c->tco_usd, 0);
	jsonw_num(f, "run_cost_usd", c->run_cost_usd, 0);
	jsonw_num(f, "cloud_cost_usd", c->cloud_cost_usd, 0);
	fprintf(f, "\n    ");
	jsonw_num(f, "years", c->years, 0);
	jsonw_num(f, "depreciation_usd_per_year", c->depreciation_usd_per_year, 0);
	jsonw_num(f, "energy_usd_per_year", c->energy_usd_per_year, 0);
	jsonw_num(f, "support_usd_per_year", c->support_usd_per_year, 0);
	jsonw_num(f, "colocation_usd_per_year", c->colocation_usd_per_year, 0);
	jsonw_num(f, "usd_per_million_tokens", c->usd_per_million_tokens, 0);
	fprintf(f, "\"unpriced_items\": %d,\n    \"capex_by_part_usd\": {", c->unpriced);
	jsonw_num(f, "nodes", c->capex_nodes_usd, 0);
	jsonw_num(f, "network", c->capex_network_usd, 0);
	jsonw_num(f, "storage", c->capex_storage_usd, 0);
	jsonw_num(f, "racks", c->capex_racks_usd, 1);
	fprintf(f, "}\n  }");
}

void report_json(FILE *f, const run_results *r)
{
	fprintf(f, "{\n  \"scenario\": ");
	jsonw_str(f, r->scenario);
	if (r->training.present) {
		fprintf(f, ",\n");
		train_block(f, &r->training);
	}
	if (r->inference.present) {
		fprintf(f, ",\n");
		report_infer_json(f, &r->inference);
	}
	if (r->power.present)
		power_block(f, &r->power);
	if (r->cost.present)
		cost_block(f, &r->cost);
	if (r->nbom > 0) {
		fprintf(f, ",\n  \"bom\": [");
		for (int i = 0; i < r->nbom; i++) {
			fprintf(f, "%s\n    {\"item\": ", i ? "," : "");
			jsonw_str(f, r->bom[i].item);
			fprintf(f, ", \"kind\": ");
			jsonw_str(f, r->bom[i].kind);
			fprintf(f, ", \"count\": %ld}", r->bom[i].count);
		}
		fprintf(f, "\n  ]");
	}
	report_json_calibration(f, r);
	fprintf(f, "\n}\n");
}
