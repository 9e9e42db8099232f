/* cost.h -- what the cluster costs to buy, to run for `years` and to use for one
 * run, beside renting the same GPU time at the cloud rate.
 *
 * Invariant: capex is the sum of the priced inventory lines (each with its catalog
 * source, list price or estimate); a line without a price is counted in `unpriced`,
 * never silently zero. Opex is energy at the site price x PUE, support as a share
 * of capex and colocation per kW of IT peak. Functions write outputs only on
 * success. The run is described by time and tokens, so training and inference
 * both plug in. */
#ifndef CAPSIM_COST_H
#define CAPSIM_COST_H

#include "models/cluster.h"
#include "models/inventory.h"

#define COST_YEAR_S (365.25 * 86400.0)

/* Yearly support when <cost support> is absent: an estimate (cost.c names it). */
#define COST_SUPPORT_SHARE_DEFAULT 0.10
extern const char cost_support_default_source[];

typedef struct {
	const inventory *inv;
	const site *site;
	const cost_terms *terms;
	double facility_avg_w;    /* average facility power while the cluster works */
	double it_peak_w;         /* colocation is charged on it */
	double run_s;             /* the run's length (training: time to train) */
	double run_facility_energy_j; /* the run's facility energy */
	double gpus;              /* GPUs of the cluster (for the cloud comparison) */
	double tokens;            /* tokens of the run; 0: no per-token figure */
} cost_input;

typedef struct {
	char item[64];
	inv_kind kind;
	long count;
	double unit_usd, total_usd;
	int priced, price_list;
	const char *source;
} cost_line;

typedef struct {
	cost_line lines[INV_MAX];
	int n;
	int unpriced;             /* lines with no catalog price */
	double capex_usd;
	double capex_by_kind_usd[INV_RACK + 1];
	double energy_usd_per_year, support_usd_per_year, colocation_usd_per_year;
	double opex_usd_per_year;
	double support_share;     /* used; from <cost support> or the default */
	int support_defaulted;
	double depreciation_usd_per_year;
	double tco_usd;           /* capex + years x opex */
	double usd_per_s;         /* owning and running, per second: (depreciation + opex) / year */
	double run_cost_usd;      /* the run's share: depreciation, support, colocation over its
				     length plus its own energy */
	double cloud_cost_usd;    /* the run's GPU time at cloud-rate; 0 when no rate */
	double usd_per_million_tokens; /* run cost per million tokens; 0 without tokens */
} cost_result;

/* Prices the inventory and the run. Returns 0 and *out, or -1 with err (years
 * not positive, negative figures). */
int cost_estimate(const cost_input *in, cost_result *out, char *err, size_t errlen);

/* Dollars per million tokens of a cluster that costs `usd_per_s` to own and run
 * (cost_result.usd_per_s) and serves `tokens_per_s`. 0 when tokens_per_s is 0. */
double cost_per_million_tokens(double usd_per_s, double tokens_per_s);

#endif
