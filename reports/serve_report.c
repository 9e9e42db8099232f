/* serve_report.c -- inference results as JSON, Markdown, summary and CSV. */
#include "reports/serve_report.h"
#include "reports/jsonw.h"


/* "key": "s", */
static void key_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\": ", key);
	jsonw_str(f, s);
	fputs(", ", f);
}

void report_infer_json(FILE *f, const infer_results *o)
{
	fprintf(f, "  \"inference\": {\n    ");
	jsonw_num(f, "throughput_tokens_per_s", o->throughput_tokens_per_s, 0);
	jsonw_num(f, "requests_per_s", o->requests_per_s, 0);
	fprintf(f, "\"replicas\": %d, ", o->replicas);
	fprintf(f, "\n    ");
	jsonw_num(f, "ttft_p50_s", o->ttft_p50_s, 0);
	jsonw_num(f, "ttft_p99_s", o->ttft_p99_s, 0);
	jsonw_num(f, "tpot_p50_s", o->tpot_p50_s, 0);
	jsonw_num(f, "tpot_p99_s", o->tpot_p99_s, 0);
	fprintf(f, "\n    ");
	jsonw_num(f, "ttft_p90_s", o->ttft_p90_s, 0);
	jsonw_num(f, "tpot_p90_s", o->tpot_p90_s, 0);
	jsonw_num(f, "e2e_p50_s", o->e2e_p50_s, 0);
	jsonw_num(f, "e2e_p90_s", o->e2e_p90_s, 0);
	jsonw_num(f, "e2e_p99_s", o->e2e_p99_s, 0);
	fprintf(f, "\n    ");
	jsonw_num(f, "queue_mean_s", o->queue_mean_s, 0);
	jsonw_num(f, "queue_p99_s", o->queue_p99_s, 0);
	jsonw_num(f, "tokens_per_s_per_gpu", o->tokens_per_s_per_gpu, 0);
	jsonw_num(f, "rate_per_s", o->rate_per_s, 0);
	fprintf(f, "\n    ");
	jsonw_num(f, "slo_attainment", o->slo_attainment, 0);
	fprintf(f, "\"slo_met\": %s, ", o->slo_met ? "true" : "false");
	jsonw_num(f, "kv_util_mean", o->kv_util_mean, 0);
	jsonw_num(f, "kv_util_peak", o->kv_util_peak, 0);
	jsonw_num(f, "gpu_util_mean", o->gpu_util_mean, 0);
	jsonw_num(f, "batch_mean", o->batch_mean, 0);
	jsonw_num(f, "mfu", o->mfu, 0);
	fprintf(f, "\n    \"gpus_used\": %d, \"gpus\": %d, \"tp\": %d, \"pp\": %d, ", o->gpus_used,
		o->gpus_total, o->tp, o->pp);
	fprintf(f, "\"requests\": %ld, \"completed\": %ld, \"rejected\": %ld, \"preemptions\": %ld,\n    ",
		o->requests, o->completed, o->rejected, o->preemptions);
	key_str(f, "model", o->model);
	key_str(f, "gpu", o->gpu);
	key_str(f, "precision", o->compute);
	key_str(f, "kv_cache", o->kv);
	key_str(f, "arrival", o->arrival);
	fprintf(f, "\n    \"memory_gb\": {");
	jsonw_num(f, "weights", o->mem_weights_gb, 0);
	jsonw_num(f, "kv_cache", o->mem_kv_gb, 0);
	jsonw_num(f, "workspace", o->mem_workspace_gb, 0);
	jsonw_num(f, "reserve", o->mem_reserve_gb, 1);
	fprintf(f, "}, \"kv_blocks\": %ld,\n    ", o->kv_blocks);
	fprintf(f, "\"auto\": {\"layout\": %s, \"replicas\": %s, \"rate\": %s}, ",
		o->layout_auto ? "true" : "false", o->replicas_auto ? "true" : "false",
		o->rate_auto ? "true" : "false");
	fprintf(f, "\"evaluator\": \"event simulation\", \"runs\": %d\n  }", o->runs);
}

static void ms_row(FILE *f, const char *name, double p50, double p90, double p99)
{
	fprintf(f, "| %s | %.1f | %.1f | %.1f |\n", name, 1e3 * p50, 1e3 * p90, 1e3 * p99);
}

void report_infer_markdown(FILE *f, const infer_results *o)
{
	fprintf(f, "\n## Inference\n\n| figure | value |\n|---|---:|\n");
	fprintf(f, "| GPUs | %d of %d x %s in %d x %s |\n", o->gpus_used, o->gpus_total, o->gpu,
		o->nodes, o->node);
	fprintf(f, "| model | %s (%.1fB parameters) |\n", o->model, o->params / 1e9);
	fprintf(f, "| precision | compute %s, weights %s, KV cache %s |\n", o->compute, o->weights, o->kv);
	fprintf(f, "| replicas | %d x TP%d PP%d%s |\n", o->replicas, o->tp, o->pp,
		o->replicas_auto || o->layout_auto ? " (chosen by capsim)" : "");
	fprintf(f, "| batching | %s, max batch %d, max %d tokens per iteration, chunked prefill %d |\n",
		o->scheduler, o->max_batch, o->max_tokens, o->chunk);
	fprintf(f, "| load balancer | %s |\n", o->lb);
	if (o->offline)
		fprintf(f, "| load | offline: %ld requests at once |\n", o->requests);
	else if (o->trace_file[0])
		fprintf(f, "| load | trace %s: %ld requests |\n", o->trace_file, o->requests);
	else
		fprintf(f, "| load | %s, %.4g requests/s%s over %.0f s: %ld requests |\n", o->arrival,
			o->rate_per_s, o->rate_auto ? " (highest meeting the SLO)" : "", o->duration_s,
			o->requests);
	fprintf(f, "| mean input, output tokens | %.0f, %.0f |\n", o->input_mean, o->output_mean);
	fprintf(f, "| output tokens/s | %.4g (%.4g per GPU) |\n", o->throughput_tokens_per_s,
		o->tokens_per_s_per_gpu);
	fprintf(f, "| requests/s | %.4g |\n", o->requests_per_s);
	fprintf(f, "| completed, rejected, preemptions | %ld, %ld, %ld |\n", o->completed, o->rejected,
		o->preemptions);
	fprintf(f, "| mean batch | %.1f sequences |\n", o->batch_mean);
	fprintf(f, "| GPU busy (mean) | %.1f%% |\n| KV cache in use (mean, peak) | %.1f%%, %.1f%% |\n",
		100 * o->gpu_util_mean, 100 * o->kv_util_mean, 100 * o->kv_util_peak);
	fprintf(f, "| model FLOPs utilisation (2 x parameters per token, %s peak) | %.1f%% |\n",
		o->compute, 100 * o->mfu);
	fprintf(f, "\n### Latency\n\n| ms | P50 | P90 | P99 |\n|---|---:|---:|---:|\n");
	ms_row(f, "time to first token", o->ttft_p50_s, o->ttft_p90_s, o->ttft_p99_s);
	ms_row(f, "time per output token", o->tpot_p50_s, o->tpot_p90_s, o->tpot_p99_s);
	ms_row(f, "end to end", o->e2e_p50_s, o->e2e_p90_s, o->e2e_p99_s);
	fprintf(f, "| queueing delay | %.1f | | %.1f |\n", 1e3 * o->queue_p50_s, 1e3 * o->queue_p99_s);
	fprintf(f, "\n### Service-level objective\n\n");
	if (o->slo_ttft_p50_s > 0 || o->slo_ttft_p99_s > 0 || o->slo_tpot_p50_s > 0 ||
	    o->slo_tpot_p99_s > 0 || o->slo_e2e_p99_s > 0) {
		fprintf(f, "Targets:");
		if (o->slo_ttft_p50_s > 0) fprintf(f, " TTFT P50 %.0f ms;", 1e3 * o->slo_ttft_p50_s);
		if (o->slo_ttft_p99_s > 0) fprintf(f, " TTFT P99 %.0f ms;", 1e3 * o->slo_ttft_p99_s);
		if (o->slo_tpot_p50_s > 0) fprintf(f, " TPOT P50 %.0f ms;", 1e3 * o->slo_tpot_p50_s);
		if (o->slo_tpot_p99_s > 0) fprintf(f, " TPOT P99 %.0f ms;", 1e3 * o->slo_tpot_p99_s);
		if (o->slo_e2e_p99_s > 0) fprintf(f, " end-to-end P99 %.1f s;", o->slo_e2e_p99_s);
		fprintf(f, " %s. %.1f%% of requests met every per-request target.\n",
			o->slo_met ? "**met**" : "**not met**", 100 * o->slo_attainment);
	} else {
		fprintf(f, "No <slo> given: latencies are reported, nothing is checked against targets.\n");
	}
	fprintf(f, "\n### Memory per GPU\n\n| part | GB |\n|---|---:|\n| weights | %.2f |\n| KV cache | %.2f |\n"
		"| activation workspace | %.2f |\n| runtime reserve | %.2f |\n| device memory | %.1f |\n",
		o->mem_weights_gb, o->mem_kv_gb, o->mem_workspace_gb, o->mem_reserve_gb, o->memory_capacity_gb);
	fprintf(f, "\nKV cache: %.1f kB per token per GPU, %ld pages of 16 tokens per replica.\n",
		o->kv_per_token_kb, o->kv_blocks);
	if (o->nseries > 0) {
		fprintf(f, "\n### Over time\n\nIntervals of %.0f s (all of them in timeseries.csv).\n\n"
			"| t (s) | GPU busy | KV in use | output tokens/s | sequences running |\n|---:|---:|---:|---:|---:|\n",
			o->series_step_s);
		int stride = o->nseries > 12 ? (o->nseries + 11) / 12 : 1;
		for (int i = 0; i < o->nseries; i += stride) {
			const infer_sample *s = &o->series[i];
			fprintf(f, "| %.0f | %.1f%% | %.1f%% | %.4g | %.1f |\n", s->t_s, 100 * s->gpu_util,
				100 * s->kv_util, s->tokens_per_s, s->running);
		}
	}
	fprintf(f, "\n### How these numbers were made\n\n");
	fprintf(f, "- Evaluator: discrete-event simulation of every request (%llu events, %ld iterations, %d runs%s).\n",
		(unsigned long long)o->events, o->iterations, o->runs,
		o->runs > 1 ? " for the auto searches" : "");
	fprintf(f, "- Iteration time: roofline per layer (linear layers at %.2f of the %s peak or the weight reads "
		"at %.2f of peak bandwidth; attention over the cached context; TP all-reduce from the collective "
		"model) plus %.0f us per iteration and %.1f us per layer (profile %s).\n",
		o->serve_gemm_eff, o->compute, o->serve_hbm_eff, o->serve_iter_us, o->serve_layer_us, o->profile);
	fprintf(f, "- KV cache: device memory x utilisation minus weights, workspace and reserve, in pages of "
		"16 tokens; a full cache preempts the newest sequences, which recompute their prefill later.\n");
}

void report_infer_summary(FILE *f, const infer_results *o)
{
	fprintf(f, "  cluster    %d x %s (%d GPUs, %s), %d in use\n", o->nodes, o->node, o->gpus_total,
		o->gpu, o->gpus_used);
	fprintf(f, "  model      %s, %.1fB parameters, %s (KV %s)\n", o->model, o->params / 1e9,
		o->compute, o->kv);
	fprintf(f, "  serving    %d replica(s) x TP%d PP%d, %s batching, max batch %d%s\n", o->replicas,
		o->tp, o->pp, o->scheduler, o->max_batch,
		o->replicas_auto || o->layout_auto ? " [auto]" : "");
	if (o->offline)
		fprintf(f, "  load       offline, %ld requests\n", o->requests);
	else if (o->trace_file[0])
		fprintf(f, "  load       trace %s, %ld requests\n", o->trace_file, o->requests);
	else
		fprintf(f, "  load       %s, %.4g requests/s%s, %ld requests\n", o->arrival, o->rate_per_s,
			o->rate_auto ? " [auto: highest meeting the SLO]" : "", o->requests);
	fprintf(f, "  throughput %.4g output tokens/s (%.4g per GPU), %.4g requests/s\n",
		o->throughput_tokens_per_s, o->tokens_per_s_per_gpu, o->requests_per_s);
	fprintf(f, "  latency    TTFT P50 %.0f ms P99 %.0f ms; TPOT P50 %.1f ms P99 %.1f ms; e2e P99 %.2f s\n",
		1e3 * o->ttft_p50_s, 1e3 * o->ttft_p99_s, 1e3 * o->tpot_p50_s, 1e3 * o->tpot_p99_s,
		o->e2e_p99_s);
	fprintf(f, "  usage      GPU busy %.0f%%, MFU %.1f%%, KV cache %.0f%% mean / %.0f%% peak, %ld preemptions\n",
		100 * o->gpu_util_mean, 100 * o->mfu, 100 * o->kv_util_mean, 100 * o->kv_util_peak,
		o->preemptions);
	fprintf(f, "  SLO        %s (%.1f%% of requests within targets)\n",
		o->slo_met ? "met" : "not met", 100 * o->slo_attainment);
}

void report_infer_csv(FILE *f, const run_results *r)
{
	const infer_results *o = &r->inference;
	fprintf(f, "t_s,gpu_util,kv_util,output_tokens_per_s,running\n");
	if (!o->present)
		return;
	for (int i = 0; i < o->nseries; i++) {
		const infer_sample *s = &o->series[i];
		fprintf(f, "%.6g,%.6g,%.6g,%.6g,%.6g\n", s->t_s, s->gpu_util, s->kv_util,
			s->tokens_per_s, s->running);
	}
}
