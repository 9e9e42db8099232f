/* markdown.c -- report.md and the short summary printed by `capsim run`. */
#include "reports/report.h"
#include "reports/calib_report.h"
#include "reports/serve_report.h"

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

void report_summary(FILE *f, const run_results *r)
{
	const train_results *t = &r->training;
	fprintf(f, "capsim: %s\n", r->scenario);
	if (r->inference.present)
		report_infer_summary(f, &r->inference);
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
	fprintf(f, "\n## How these numbers were made\n\n");
	fprintf(f, "- Evaluator: discrete-event simulation of one step (%ld tasks, %llu events); the closed-form estimate gives %.3f s.\n",
		t->tasks, (unsigned long long)t->events, t->analytic_step_s);
	if (t->folded)
		fprintf(f, "- Symmetric ranks folded: one GPU per pipeline stage runs its kernels; tensor-parallel peers and data-parallel replicas do identical compute.\n");
	if (t->flows_used)
		fprintf(f, "- Communication: data-parallel collectives and pipeline sends that leave the scale-up domain ran as %llu flows over the links of %d GPUs' NICs and the fabric, every peer group's traffic included (max-min fair sharing); collectives inside a scale-up domain take NCCL's cost model (algorithm and protocol chosen as NCCL does).\n",
			(unsigned long long)t->flows, t->net_gpus);
	else
		fprintf(f, "- Communication: NCCL's cost model per collective (algorithm and protocol chosen as NCCL does); no traffic left a scale-up domain, so no link was shared.\n");
	fprintf(f, "- Calibration profile: %s (%s). GEMM efficiency %.2f (%s), attention %.2f, HBM %.2f.\n",
		t->profile, t->profile_file, t->gemm_eff,
		t->gemm_eff_measured ? "measured on this GPU" :
		t->gemm_eff_defaulted ? "defaulted from bf16" : "fitted to public measurements",
		t->attn_eff, t->hbm_eff);
	fprintf(f, "- MFU counts model FLOPs (forward and backward, attention included, no recompute) over the dense %s peak.\n",
		t->precision);
	report_md_calibration(f, r);
}
