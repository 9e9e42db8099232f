/* cost.c -- capex from the priced inventory, opex, depreciation, TCO, the run's
 * share and the cloud comparison. */
#include "models/cost.h"

#include <stdio.h>
#include <string.h>

const char cost_support_default_source[] =
	"Estimate: yearly hardware support at 10% of the purchase price; computer hardware "
	"maintenance contracts typically cost 10-12% of the purchase price per year "
	"(librarytechnology.org/document/7428), service contracts 10-30% (TechTarget, "
	"\"How to make the most of hardware service contracts\")";

double cost_per_million_tokens(double usd_per_s, double tokens_per_s)
{
	return tokens_per_s > 0 ? usd_per_s / tokens_per_s * 1e6 : 0;
}

int cost_estimate(const cost_input *in, cost_result *out, char *err, size_t errlen)
{
	const cost_terms *t = in->terms;
	if (!t || !(t->years > 0)) {
		snprintf(err, errlen, "cost: the depreciation period (years) must be positive");
		return -1;
	}
	if (in->facility_avg_w < 0 || in->run_s < 0 || in->run_facility_energy_j < 0) {
		snprintf(err, errlen, "cost: negative power, time or energy");
		return -1;
	}
	cost_result o;
	memset(&o, 0, sizeof o);
	for (int i = 0; in->inv && i < in->inv->n; i++) {
		const inv_line *l = &in->inv->lines[i];
		cost_line *c = &o.lines[o.n++];
		snprintf(c->item, sizeof c->item, "%s", l->item);
		c->kind = l->kind;
		c->count = l->count;
		c->unit_usd = l->unit_price_usd;
		c->total_usd = l->count * l->unit_price_usd;
		c->priced = l->priced;
		c->price_list = l->price_list;
		c->source = l->source;
		if (!l->priced)
			o.unpriced++;
		o.capex_usd += c->total_usd;
		o.capex_by_kind_usd[l->kind] += c->total_usd;
	}
	const site *s = in->site;
	double usd_per_j = s ? s->electricity_usd_per_j : 0;
	o.energy_usd_per_year = in->facility_avg_w * COST_YEAR_S * usd_per_j;
	o.support_defaulted = t->support_share < 0;
	o.support_share = o.support_defaulted ? COST_SUPPORT_SHARE_DEFAULT : t->support_share;
	o.support_usd_per_year = o.support_share * o.capex_usd;
	o.colocation_usd_per_year = s ? s->colocation_usd_per_w_s * in->it_peak_w * COST_YEAR_S : 0;
	o.opex_usd_per_year = o.energy_usd_per_year + o.support_usd_per_year + o.colocation_usd_per_year;
	o.depreciation_usd_per_year = o.capex_usd / t->years;
	o.tco_usd = o.capex_usd + t->years * o.opex_usd_per_year;
	o.usd_per_s = (o.depreciation_usd_per_year + o.opex_usd_per_year) / COST_YEAR_S;
	double fixed_per_s = (o.depreciation_usd_per_year + o.support_usd_per_year +
			      o.colocation_usd_per_year) / COST_YEAR_S;
	o.run_cost_usd = fixed_per_s * in->run_s + in->run_facility_energy_j * usd_per_j;
	o.cloud_cost_usd = in->gpus * in->run_s * t->cloud_usd_per_gpu_s;
	o.usd_per_million_tokens = in->tokens > 0 ? o.run_cost_usd / in->tokens * 1e6 : 0;
	*out = o;
	return 0;
}
