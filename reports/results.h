/* results.h -- what one simulated design point produced, as plain data: the input
 * of every report writer.
 *
 * Invariant: units are in the field names; a block whose `present` flag is 0 is
 * not written. Strings are copies, so results outlive the scenario. */
#ifndef CAPSIM_RESULTS_H
#define CAPSIM_RESULTS_H

#include <stdint.h>

typedef struct {
	int present;
	char model[64], gpu[64], node[64];
	int gpus, nodes;
	double params, tokens;
	int seq_len, global_batch;
	char precision[16];
	/* layout */
	int tp, pp, dp, cp, ep, microbatch, virtual_stages, zero, sequence_parallel;
	char schedule[24], recompute[16];
	int layout_auto, auto_candidates, auto_feasible, auto_simulated;
	/* figures */
	double step_time_s, tokens_per_s, tflops_per_gpu, hw_tflops_per_gpu, mfu;
	double time_to_train_days, gpu_hours;
	double compute_s, exposed_comm_s, bubble_s, other_s;
	double tp_comm_s, pp_comm_s, dp_comm_s, cp_comm_s;
	double analytic_step_s;
	/* memory, GB = 1e9 bytes */
	double memory_per_gpu_gb, memory_capacity_gb;
	double mem_weights_gb, mem_grads_gb, mem_optimizer_gb, mem_activations_gb, mem_reserve_gb;
	/* provenance */
	char profile[64], profile_file[512];
	int gemm_eff_measured, gemm_eff_defaulted;
	double gemm_eff, attn_eff, hbm_eff;
	uint64_t events;
	long tasks;
	int folded;
	int flows_used;           /* 1: communication leaving the scale-up domain ran as flows */
	uint64_t flows;
	int net_gpus;             /* GPUs wired into the flow network */
	/* a published or vendor claim to put beside the answer */
	double claim_days, claim_tflops_per_gpu;
	int claim_hw_flops;
	char claim_source[512];
} train_results;

typedef struct {
	char item[64];
	char kind[24];
	long count;
} bom_result;

#define RESULTS_BOM_MAX 32

typedef struct {
	char scenario[128];
	char description[512];
	uint64_t seed;
	train_results training;
	bom_result bom[RESULTS_BOM_MAX];  /* the cluster's bill of materials */
	int nbom;
} run_results;

#endif
