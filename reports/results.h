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
	int planes_folded;        /* > 1: flows ran for one of this many identical rail planes */
	/* a published or vendor claim to put beside the answer */
	double claim_days, claim_tflops_per_gpu;
	int claim_hw_flops;
	char claim_source[512];
} train_results;

#define INFER_SERIES_MAX 256

/* One interval of an inference run's time series (the report's CSV and charts). */
typedef struct {
	double t_s, gpu_util, kv_util, tokens_per_s, running;
} infer_sample;

typedef struct {
	int present;
	char model[64], gpu[64], node[64];
	int gpus_total, gpus_used, nodes;
	double params;
	char compute[16], weights[16], kv[16];
	/* layout and batching */
	int tp, pp, replicas, max_batch, max_tokens, chunk;
	char scheduler[16], lb[24];
	int layout_auto, replicas_auto, rate_auto, offline, layouts_tried, runs;
	/* load */
	char arrival[16], trace_file[512];
	double rate_per_s, duration_s, input_mean, output_mean;
	long requests, completed, rejected, preemptions, iterations;
	/* figures */
	double throughput_tokens_per_s, requests_per_s, tokens_per_s_per_gpu;
	double ttft_p50_s, ttft_p90_s, ttft_p99_s;
	double tpot_p50_s, tpot_p90_s, tpot_p99_s;
	double e2e_p50_s, e2e_p90_s, e2e_p99_s;
	double queue_mean_s, queue_p50_s, queue_p99_s;
	double kv_util_mean, kv_util_peak, gpu_util_mean, batch_mean, makespan_s;
	double mfu;               /* 2 x parameters x (input + output tokens) over peak */
	/* SLO: targets (0 = none), attainment share, met */
	double slo_ttft_p50_s, slo_ttft_p99_s, slo_tpot_p50_s, slo_tpot_p99_s, slo_e2e_p99_s;
	double slo_attainment;
	int slo_met;
	/* memory per GPU, GB = 1e9 bytes */
	double memory_capacity_gb, mem_weights_gb, mem_kv_gb, mem_workspace_gb, mem_reserve_gb;
	double kv_per_token_kb;
	long kv_blocks;
	/* provenance */
	char profile[64];
	double serve_gemm_eff, serve_hbm_eff, serve_iter_us, serve_layer_us;
	uint64_t events;
	infer_sample series[INFER_SERIES_MAX];
	int nseries;
	double series_step_s;
} infer_results;

typedef struct {
	char item[64];
	char kind[24];
	long count;
} bom_result;

#define RESULTS_BOM_MAX 32

/* Power and energy of the run (models/power). kW, MWh and tonnes as the JSON keys. */
typedef struct {
	int present;
	double gpu_avg_w, gpus_kw, hosts_kw, nics_kw, switches_kw, storage_kw;
	double it_avg_kw, facility_avg_kw, it_peak_kw, facility_peak_kw, it_nameplate_kw;
	double node_peak_kw, node_nameplate_kw;
	double it_energy_mwh, energy_mwh, energy_per_token_j, co2_t;
	double pue, carbon_g_per_kwh;
	double gpu_state_w[4];    /* idle, compute-bound, memory-bound, communicating */
	double gpu_state_share[4];/* share of the run's GPU time in each state */
	int curve_measured;
	char curve_source[1024];
	/* racks */
	char rack[64];
	int rack_units, nodes_per_rack, racks, rack_violation, nodes_per_rack_limit;
	int racks_needed, infra_racks, total_racks;
	double rack_limit_kw, rack_peak_kw, rack_nameplate_kw, infra_kw;
} power_results;

typedef struct {
	char item[64], kind[24];
	long count;
	double unit_usd, total_usd;
	int priced, list_price;
	char source[640];
} cost_line_result;

/* Cost of the cluster and of the run (models/cost). */
typedef struct {
	int present;
	cost_line_result lines[RESULTS_BOM_MAX + 1];
	int nlines, unpriced;
	double capex_usd, capex_nodes_usd, capex_network_usd, capex_storage_usd, capex_racks_usd;
	double energy_usd_per_year, support_usd_per_year, colocation_usd_per_year, opex_usd_per_year;
	double support_share;
	int support_defaulted;
	char support_source[512];
	double years, depreciation_usd_per_year, tco_usd;
	double run_cost_usd, cloud_cost_usd, cloud_usd_per_gpu_h, usd_per_million_tokens;
	double electricity_usd_per_kwh;
} cost_results;

/* One span of the simulated step's timeline, seconds from the step's start. */
typedef struct {
	double start_s, end_s, comm_s;
	int stage, stream, kind;
} timeline_span;

#define RESULTS_NAMES 8

/* One link of the flow network over the step. */
typedef struct {
	double capacity_gbps, carried_gb, busy_s, utilisation; /* carried / (capacity x step) */
} timeline_link;

/* The step's timeline per pipeline stage and stream; spans are heap-owned (freed
 * by run_results_release in sim/run.h). */
typedef struct {
	timeline_span *spans;
	long nspans;
	int stages;
	double step_s;
	char stream_names[RESULTS_NAMES][24];
	char kind_names[RESULTS_NAMES][16];
	int nstreams, nkinds;
	timeline_link *links;     /* heap-owned like spans; 0 links when no traffic ran as flows */
	int nlinks;
} timeline_results;

#define RESULTS_POWER_POINTS 400

/* Cluster power over one step (the pattern repeats every step). */
typedef struct {
	double t_s, gpu_w, it_kw, facility_kw;
} power_point;
/* The calibration behind the numbers: which profile and entry, and for each
 * efficiency whether it was fitted, measured, derived by hand or defaulted. */
#define RESULTS_CALIB_FIGS 16
typedef struct {
	int present;
	char profile[64], file[512];
	char entry[64];           /* the GPU entry used; "*" when the GPU has none of its own */
	int nfig;
	struct {
		char key[32];
		double value;
		double stderr_;       /* from the fit's covariance; 0 when not fitted */
		char status[16];      /* "fitted", "measured", "derived", "defaulted" */
	} fig[RESULTS_CALIB_FIGS];
} calib_results;

/* `run --uncertainty N`: percentiles over N runs with profile figures drawn from
 * their fits' covariances. */
typedef struct {
	int present;
	int samples, threads;
	uint64_t seed;
	int nparams;              /* profile figures sampled */
	double step_p10_s, step_p50_s, step_p90_s;
	double ttt_p10_days, ttt_p50_days, ttt_p90_days;
} uncertainty_results;

typedef struct {
	char scenario[128];
	char description[512];
	uint64_t seed;
	train_results training;
	infer_results inference;
	bom_result bom[RESULTS_BOM_MAX];  /* the cluster's bill of materials */
	int nbom;
	power_results power;
	cost_results cost;
	timeline_results timeline;
	power_point power_series[RESULTS_POWER_POINTS];
	int npower;
	int charts;               /* 1: rendered by gnuplot; -1: skipped; 0: not asked for */
	char charts_note[256];
	int formats;              /* RESULTS_FMT_* bits of the report folder */
	int want_timeline;        /* set before run_scenario: keep the step timeline (heap-owned;
				     release with run_results_release); 0: none is kept */
	int unfold_planes;        /* set before run_scenario: simulate every rail plane's flows
				     even where folding is exact (tests compare the two) */
	calib_results calibration;
	uncertainty_results uncertainty;
} run_results;

enum { RESULTS_FMT_HTML = 1, RESULTS_FMT_MD = 2, RESULTS_FMT_CSV = 4, RESULTS_FMT_JSON = 8 };

#endif
