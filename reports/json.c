/* json.c -- the JSON summary of SCENARIO.md, plus capsim's own keys.
 *
 * Numbers are printed with %.6g (deterministic, locale-independent for C). */
#include "reports/report.h"
#include "reports/calib_report.h"
#include "reports/serve_report.h"

static void str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void num(FILE *f, const char *key, double v, int last)
{
	fprintf(f, "\"%s\": %.6g%s", key, v, last ? "" : ", ");
}

static void train_block(FILE *f, const train_results *t)
{
	fprintf(f, "  \"training\": {\n    ");
	num(f, "step_time_s", t->step_time_s, 0);
	num(f, "tokens_per_s", t->tokens_per_s, 0);
	num(f, "tflops_per_gpu", t->tflops_per_gpu, 0);
	num(f, "hw_tflops_per_gpu", t->hw_tflops_per_gpu, 0);
	num(f, "mfu", t->mfu, 0);
	fprintf(f, "\n    ");
	num(f, "time_to_train_days", t->time_to_train_days, 0);
	num(f, "gpu_hours", t->gpu_hours, 0);
	num(f, "memory_per_gpu_gb", t->memory_per_gpu_gb, 0);
	num(f, "memory_capacity_gb", t->memory_capacity_gb, 0);
	fprintf(f, "\n    \"breakdown_s\": {");
	num(f, "compute", t->compute_s, 0);
	num(f, "exposed_comm", t->exposed_comm_s, 0);
	num(f, "bubble", t->bubble_s, 0);
	num(f, "other", t->other_s, 1);
	fprintf(f, "},\n    \"memory_gb\": {");
	num(f, "weights", t->mem_weights_gb, 0);
	num(f, "gradients", t->mem_grads_gb, 0);
	num(f, "optimizer", t->mem_optimizer_gb, 0);
	num(f, "activations", t->mem_activations_gb, 0);
	num(f, "reserve", t->mem_reserve_gb, 1);
	fprintf(f, "},\n    \"layout\": {\"tp\": %d, \"pp\": %d, \"dp\": %d, \"cp\": %d, \"ep\": %d, "
		"\"microbatch\": %d, \"virtual_stages\": %d, \"zero\": %d, \"schedule\": ",
		t->tp, t->pp, t->dp, t->cp, t->ep, t->microbatch, t->virtual_stages, t->zero);
	str(f, t->schedule);
	fprintf(f, ", \"recompute\": ");
	str(f, t->recompute);
	fprintf(f, ", \"auto\": %s},\n", t->layout_auto ? "true" : "false");
	fprintf(f, "    \"model\": ");
	str(f, t->model);
	fprintf(f, ", \"gpu\": ");
	str(f, t->gpu);
	fprintf(f, ", \"gpus\": %d, ", t->gpus);
	num(f, "params", t->params, 0);
	num(f, "tokens", t->tokens, 0);
	fprintf(f, "\"profile\": ");
	str(f, t->profile);
	fprintf(f, ", \"evaluator\": \"event simulation\", \"folded_symmetric_ranks\": %s, "
		"\"network\": \"%s\", \"flows\": %llu\n  }",
		t->folded ? "true" : "false", t->flows_used ? "flows" : "cost model",
		(unsigned long long)t->flows);
}

void report_json(FILE *f, const run_results *r)
{
	fprintf(f, "{\n  \"scenario\": ");
	str(f, r->scenario);
	if (r->training.present) {
		fprintf(f, ",\n");
		train_block(f, &r->training);
	}
	if (r->inference.present) {
		fprintf(f, ",\n");
		report_infer_json(f, &r->inference);
	}
	if (r->nbom > 0) {
		fprintf(f, ",\n  \"bom\": [");
		for (int i = 0; i < r->nbom; i++) {
			fprintf(f, "%s\n    {\"item\": ", i ? "," : "");
			str(f, r->bom[i].item);
			fprintf(f, ", \"kind\": ");
			str(f, r->bom[i].kind);
			fprintf(f, ", \"count\": %ld}", r->bom[i].count);
		}
		fprintf(f, "\n  ]");
	}
	report_json_calibration(f, r);
	fprintf(f, "\n}\n");
}
