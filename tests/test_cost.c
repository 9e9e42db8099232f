/* test_cost.c -- capex from the priced inventory, opex, TCO, the run's share, the
 * cloud comparison, $ per million tokens, colocation units and price kinds. */
#include "models/cost.h"
#include "reports/results.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"
#include "sim/run.h"
#include "tests/t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The default scenario (8 XE9680, one QM9700, 64 NDR cables and 128 optics, one
 * Z9432F, 4 PowerScale F600, 3 racks), priced by hand from the catalog. */
static void test_default_scenario_capex_opex_tco(void)
{
	char err[2048];
	scenario *sc = NULL;
	T_CHECK(scenario_load(t_src("scenarios/default.xml"), &sc, err, sizeof err) == 0);
	if (!sc)
		return;
	run_results *r = calloc(1, sizeof *r);
	T_CHECK(run_scenario(sc, r, err, sizeof err) == 0);
	const cost_results *c = &r->cost;
	/* no timeline asked for: nothing on the heap */
	T_CHECK(r->timeline.spans == NULL && r->timeline.nspans == 0 && r->timeline.links == NULL);
	T_EQ_INT(r->npower, RESULTS_POWER_POINTS);
	double capex = 8 * 300000.0 + 35000 + 64 * 300.0 + 128 * 1000.0 + 35000 + 4 * 100000.0 + 3 * 6000.0;
	T_NEAR(c->capex_usd, capex, 1e-12);
	T_NEAR(c->capex_nodes_usd, 2.4e6, 1e-12);
	T_NEAR(c->capex_network_usd, 35000 + 64 * 300.0 + 128 * 1000.0 + 35000, 1e-12);
	T_NEAR(c->capex_racks_usd, 18000, 1e-12);
	T_EQ_INT(c->unpriced, 0);
	T_EQ_INT(c->nlines, 7);
	for (int i = 0; i < c->nlines; i++) {
		T_CHECKF(c->lines[i].source[0] != '\0', "%s has no source", c->lines[i].item);
		T_EQ_INT(c->lines[i].list_price, 0); /* every price of this cluster is an estimate */
	}
	double year_s = 365.25 * 86400;
	T_NEAR(c->energy_usd_per_year, r->power.facility_avg_kw * year_s / 3600 * 0.10, 1e-9);
	T_NEAR(c->support_usd_per_year, 0.10 * capex, 1e-12);
	T_EQ_INT(c->support_defaulted, 1);
	T_NEAR(c->opex_usd_per_year, c->energy_usd_per_year + c->support_usd_per_year, 1e-12);
	T_NEAR(c->depreciation_usd_per_year, capex / 4, 1e-12);
	T_NEAR(c->tco_usd, capex + 4 * c->opex_usd_per_year, 1e-12);
	double run_s = r->training.time_to_train_days * 86400;
	T_NEAR(c->run_cost_usd, (capex / 4 + 0.1 * capex) * run_s / year_s + r->power.energy_mwh * 1e3 * 0.10, 1e-9);
	T_NEAR(c->cloud_cost_usd, 64 * run_s / 3600 * 4.25, 1e-9);
	T_NEAR(c->cloud_cost_usd, r->training.gpu_hours * 4.25, 1e-9);
	T_NEAR(c->usd_per_million_tokens, c->run_cost_usd / 300e9 * 1e6, 1e-9);
	run_results_release(r);
	free(r);
	scenario_free(sc);
}

static void test_unpriced_list_and_colocation(void)
{
	inventory inv;
	memset(&inv, 0, sizeof inv);
	inv.n = 2;
	strcpy(inv.lines[0].item, "node-a");
	inv.lines[0].kind = INV_NODE;
	inv.lines[0].count = 2;
	inv.lines[0].unit_price_usd = 1000;
	inv.lines[0].priced = 1;
	inv.lines[0].price_list = 1;
	strcpy(inv.lines[1].item, "cloud-node");
	inv.lines[1].kind = INV_NODE;
	inv.lines[1].count = 3;
	site st;
	memset(&st, 0, sizeof st);
	st.pue = 1.5;
	char err[256];
	double rate;
	T_CHECK(units_parse("150 USD/kW-month", UNIT_POWER_MONTH_PRICE, "colocation", &rate, err, sizeof err) == 0);
	T_NEAR(rate * 1000 * 365.25 * 86400 / 12, 150, 1e-12);
	T_EQ_INT(units_parse("150 USD/kW", UNIT_POWER_MONTH_PRICE, "colocation", &rate, err, sizeof err), -1);
	T_CHECKF(strstr(err, "USD/kW-month") != NULL, "%s", err);
	st.colocation_usd_per_w_s = 150.0 / (1000 * 365.25 * 86400 / 12);
	cost_terms terms = { 4, 0, 0, 0.2 };
	cost_input in;
	memset(&in, 0, sizeof in);
	in.inv = &inv;
	in.site = &st;
	in.terms = &terms;
	in.it_peak_w = 100e3;
	cost_result o;
	T_CHECK(cost_estimate(&in, &o, err, sizeof err) == 0);
	T_NEAR(o.capex_usd, 2000, 1e-12);
	T_EQ_INT(o.unpriced, 1);
	T_EQ_INT(o.lines[0].price_list, 1);
	T_EQ_INT(o.lines[1].priced, 0);
	T_NEAR(o.colocation_usd_per_year, 150 * 100 * 12, 1e-9);
	T_NEAR(o.support_usd_per_year, 400, 1e-12);
	T_EQ_INT(o.support_defaulted, 0);
	T_NEAR(o.cloud_cost_usd, 0, 0);
	terms.years = 0;
	T_EQ_INT(cost_estimate(&in, &o, err, sizeof err), -1);
	T_CHECKF(strstr(err, "years") != NULL, "%s", err);
}

static void test_per_million_tokens(void)
{
	T_NEAR(cost_per_million_tokens(1.0, 1e6), 1.0, 1e-12);
	T_NEAR(cost_per_million_tokens(2.0, 4e5), 5.0, 1e-12);
	T_NEAR(cost_per_million_tokens(2.0, 0), 0, 0);
}

/* price-kind is read from the catalog; a bad value names file, line and choices. */
static void test_price_kinds(void)
{
	catalog *cat = NULL;
	char err[1024];
	T_CHECK(catalog_load_dir(t_src("models/catalog"), &cat, err, sizeof err) == 0);
	if (!cat)
		return;
	T_EQ_INT(catalog_node(cat, "nvidia-dgx-a100")->price_list, 1);
	T_EQ_INT(catalog_node(cat, "dell-xe9680")->price_list, 0);
	T_EQ_INT(catalog_gpu(cat, "nvidia-h100-sxm")->price_list, 0);
	const hw_rack *rk = catalog_rack(cat, "rack-42u");
	T_CHECK(rk && rk->rack_units == 42 && rk->price_usd > 0 && strstr(rk->source, "Estimate") == rk->source);
	char path[] = "/tmp/capsim-price-kind-XXXXXX";
	int fd = mkstemp(path);
	T_CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "<catalog>\n  <rack id=\"r\" rack-units=\"42\" price=\"1 USD\" price-kind=\"quote\"><source>x</source></rack>\n</catalog>\n");
	fclose(f);
	T_EQ_INT(catalog_load_file(cat, path, err, sizeof err), -1);
	T_CHECKF(strstr(err, ":2:") != NULL && strstr(err, "price-kind") != NULL, "%s", err);
	unlink(path);
	catalog_free(cat);
}

int main(void)
{
	T_RUN(test_default_scenario_capex_opex_tco);
	T_RUN(test_unpriced_list_and_colocation);
	T_RUN(test_per_million_tokens);
	T_RUN(test_price_kinds);
	return t_done();
}
