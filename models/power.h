/* power.h -- the cluster's electrical power from what its GPUs do: each GPU's draw
 * in each activity state (idle, compute-bound, memory-bound, communicating),
 * hosts with their NICs, switches and storage; node and rack totals against the
 * site's rack limit; facility power through the PUE; energy, energy per token, CO2.
 *
 * Invariant: GPU power follows activity, never a flat TDP; every watt comes from
 * the catalog or a named curve (a calibration profile's fit, or the published
 * curve below, labelled estimate). Functions write their outputs only on success.
 * The input is activity time, not a workload struct, so training and inference
 * runs both plug in. */
#ifndef CAPSIM_POWER_H
#define CAPSIM_POWER_H

#include "models/cluster.h"
#include "models/inventory.h"
#include "models/profile.h"
#include "models/steptrace.h"

typedef enum { POWER_IDLE, POWER_COMPUTE, POWER_MEMORY, POWER_COMM, POWER_STATE_COUNT } power_state;

/* One GPU's draw in each activity state. */
typedef struct {
	double state_w[POWER_STATE_COUNT];
	int measured;             /* 1: a calibration profile's power fit; 0: published curve */
	char source[HW_SOURCE_LEN];
} power_curve;

/* Host draw as shares of the node's host-power rating, with idle and busy GPUs
 * (see power.c for the figures and their source). */
#define POWER_HOST_IDLE_SHARE 0.30
#define POWER_HOST_BUSY_SHARE 0.60

/* The published curve for `g`: idle from the catalog, compute-bound at the TDP,
 * memory-bound and communicating in between (power.c names the sources). Returns
 * 0 and *out, or -1 with err when the catalog states no TDP. */
int power_curve_published(const hw_gpu *g, power_curve *out, char *err, size_t errlen);

/* The curve of GPU `g` from a calibration profile's power fit (power-idle and
 * power-dynamic: P = idle + dynamic x utilisation). Returns 0 and *out when `pg` is
 * the entry of this very GPU (not "*") and has a fit, else -1 (then use
 * power_curve_published). */
int power_curve_from_profile(const profile_gpu *pg, const hw_gpu *g, const char *profile_file,
			     power_curve *out);

/* Share of a node group's GPUs in each state at one instant (shares sum to 1). */
typedef struct {
	double t_s;
	double share[POWER_STATE_COUNT];
} power_sample;

typedef struct {
	const cluster *cl;
	const inventory *inv;     /* switches and storage: their catalog power */
	const site *site;
	const power_curve *curve; /* one per node group (cl->ngroups) */
	double gpu_state_s[POWER_STATE_COUNT]; /* one GPU's time in each state over duration_s */
	double duration_s;        /* length of the run (training) or serving window */
	double tokens;            /* tokens over duration_s; 0: no per-token figure */
	const power_sample *series; /* optional: activity over time (e.g. one step) */
	int nseries;
} power_input;

/* Racks: nodes stand by space (rack units, or one multi-node scale-up domain per
 * rack), switches and storage in racks of their own. */
typedef struct {
	int rack_units;           /* of the site's rack */
	double limit_w;           /* site rack-power-limit; 0: none */
	int nodes_per_rack;       /* by space */
	int racks;                /* node racks at that density */
	double rack_peak_w;       /* the fullest node rack at the simulated peak */
	double rack_nameplate_w;  /* the same rack with every GPU at TDP, hosts at rating */
	int violation;            /* 1: rack_peak_w above limit_w */
	int nodes_per_rack_limit; /* the most nodes one rack holds under the limit */
	int racks_needed;         /* node racks so that no rack exceeds the limit */
	int infra_racks;          /* switches and storage */
	double infra_w;           /* their power */
	int total_racks;          /* node racks as built (racks_needed) + infra_racks */
} power_racks;

typedef struct {
	double gpu_avg_w;         /* one GPU, averaged over the run */
	double gpus_w, hosts_w, nics_w, switches_w, storage_w; /* cluster averages; hosts_w excludes NICs */
	double it_avg_w, facility_avg_w;
	double it_peak_w, facility_peak_w;
	double it_nameplate_w;    /* every GPU at TDP, hosts at rating, network, storage */
	double node_peak_w;       /* one node of the first group at its simulated peak */
	double node_nameplate_w;  /* the same node at its rating */
	double it_energy_j, facility_energy_j;
	double energy_per_token_j;/* facility energy per token; 0 when tokens is 0 */
	double co2_kg;
	power_racks racks;
} power_result;

/* A node's rating: GPUs at TDP plus host-power (the catalog's maximum system
 * power where one is stated: DGX H100 8 x 700 W + 4.6 kW = 10.2 kW). */
double power_node_nameplate_w(const hw_node *n, const hw_gpu *g);

/* One GPU's draw for a mix of states (shares sum to 1). */
double power_gpu_w(const power_curve *c, const double share[POWER_STATE_COUNT]);

/* The cluster's IT power when every group's GPUs are in the mix `share`. */
double power_it_w(const power_input *in, const double share[POWER_STATE_COUNT]);

/* Energy of `gpus` GPUs that each spend state_s[k] seconds in state k. */
double power_gpu_energy_j(const power_curve *c, const double state_s[POWER_STATE_COUNT], double gpus);

/* Activity over one simulated step from its trace, in `bins` equal bins: per
 * pipeline stage, the compute stream's kernels are compute-bound (their blocking
 * collectives communicating), the optimizer memory-bound, pipeline sends on it
 * communicating; while it waits, the other streams' busy time counts as
 * communicating (pro rata within a bin) and the rest as idle. Returns 0 and
 * out[0..bins), or -1 with err when the trace is empty. */
int power_samples_from_trace(const step_trace *tr, int bins, power_sample *out,
			     char *err, size_t errlen);

/* Average, peak, nameplate, energy, CO2 and racks. Returns 0 and *out, or -1 with
 * err (no duration, a curve missing, a rack unit count of 0). */
int power_estimate(const power_input *in, power_result *out, char *err, size_t errlen);

#endif
