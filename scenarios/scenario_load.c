/* scenario_load.c -- a scenario file into a `scenario` struct: XSD validation,
 * catalog and calibration resolution, unit conversion, defaults, semantic checks.
 *
 * Invariant: the scenario is built in a scratch allocation that reaches the caller
 * only when every step passed. Defaults for absent attributes are set in one place
 * each: the constants below, and the top of load_parallel for the layout (tp, pp,
 * cp, ep 1; dp auto; microbatch 1; 1f1b; zero 0; no recompute; sequence parallel
 * wherever tp is not 1); scenarios/serve_load.c for <inference>. Known limit:
 * <sweep> is validated against the XSD but not yet read into structs. */
#include "scenarios/scenario.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/check.h"
#include "scenarios/profile_load.h"
#include "scenarios/serve_load.h"
#include "scenarios/units.h"
#include "scenarios/xmldoc.h"

/* Defaults for absent attributes. */
#define DEFAULT_PUE 1.0
#define DEFAULT_COST_YEARS 4.0  /* a common depreciation period for GPU servers */
#define DEFAULT_FAT_TREE_TIERS 2
#define DEFAULT_STORAGE_COUNT 1
#define DEFAULT_RACK "rack-42u"     /* catalog rack when <site rack> is absent */

typedef struct {
	scenario *sc;
	char *err;
	size_t errlen;
} loader;

/* Joins `href` to the directory of `base` (unless href is absolute). */
static const char *resolve(const char *base, const char *href, char *buf, size_t len)
{
	const char *slash = strrchr(base, '/');
	if (href[0] == '/' || !slash)
		snprintf(buf, len, "%s", href);
	else
		snprintf(buf, len, "%.*s/%s", (int)(slash - base), base, href);
	return buf;
}

static int get_quantity(loader *ld, const xmldoc_node *n, const char *attr,
                        units_kind kind, double *out)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (v && units_parse(v, kind, attr, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, ld->err, ld->errlen, "%s", why);
	return 0;
}

static int get_int(loader *ld, const xmldoc_node *n, const char *attr, int min, int *out)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (v && units_int(v, attr, min, INT_MAX, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, ld->err, ld->errlen, "%s", why);
	return 0;
}

static int get_bool(loader *ld, const xmldoc_node *n, const char *attr, int *out)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (v && units_bool(v, attr, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, ld->err, ld->errlen, "%s", why);
	return 0;
}

/* A parallel degree: a positive whole number or "auto" (PAR_AUTO). */
static int get_degree(loader *ld, const xmldoc_node *n, const char *attr, int *out)
{
	const char *v = xmldoc_attr(n, attr);
	char why[256];
	if (!v)
		return 0;
	if (strcmp(v, "auto") == 0) {
		*out = PAR_AUTO;
		return 0;
	}
	if (units_int(v, attr, 1, INT_MAX, out, why, sizeof why) < 0)
		return xmldoc_error(n, attr, ld->err, ld->errlen, "%s or \"auto\"", why);
	return 0;
}

/* Index of `v` in the NULL-terminated `names`; absent leaves *out alone. */
static int get_keyword(loader *ld, const xmldoc_node *n, const char *attr,
                       const char *const *names, int *out)
{
	const char *v = xmldoc_attr(n, attr);
	if (!v)
		return 0;
	for (int i = 0; names[i]; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return xmldoc_error(n, attr, ld->err, ld->errlen, "unknown %s", attr);
}

static int unknown_id(loader *ld, const xmldoc_node *n, const char *attr, const char *kind)
{
	char known[768];
	catalog_known_ids(ld->sc->cat, kind, known, sizeof known);
	return xmldoc_error(n, attr, ld->err, ld->errlen,
	                    "no such %s in the catalog; known: %s", kind, known);
}

static int load_catalogs(loader *ld, const xmldoc_node *root)
{
	scenario *sc = ld->sc;
	if (catalog_load_dir(catalog_default_dir(), &sc->cat, ld->err, ld->errlen) < 0)
		return -1;
	for (const xmldoc_node *n = xmldoc_first(root); n; n = xmldoc_next(n)) {
		char path[1024];
		if (strcmp(xmldoc_name(n), "catalog") != 0)
			continue;
		resolve(sc->file, xmldoc_attr(n, "href"), path, sizeof path);
		if (access(path, R_OK) != 0)
			return xmldoc_error(n, "href", ld->err, ld->errlen, "cannot read %s", path);
		if (catalog_load_file(sc->cat, path, ld->err, ld->errlen) < 0)
			return -1;
	}
	return 0;
}

static int load_profile(loader *ld, const xmldoc_node *root)
{
	const xmldoc_node *n = xmldoc_child(root, "calibration");
	char path[1024];
	if (!n) {
		const char *def = profile_default_path();
		if (access(def, R_OK) != 0) {
			snprintf(ld->err, ld->errlen, "%s: cannot read the default calibration "
			         "profile %s; name one with <calibration href=\"...\"/>",
			         ld->sc->file, def);
			return -1;
		}
		return profile_load(def, &ld->sc->prof, ld->err, ld->errlen);
	}
	resolve(ld->sc->file, xmldoc_attr(n, "href"), path, sizeof path);
	if (access(path, R_OK) != 0)
		return xmldoc_error(n, "href", ld->err, ld->errlen, "cannot read %s", path);
	return profile_load(path, &ld->sc->prof, ld->err, ld->errlen);
}

static int load_nodes(loader *ld, const xmldoc_node *n)
{
	cluster *cl = &ld->sc->cl;
	const catalog *cat = ld->sc->cat;
	if (cl->ngroups == CLUSTER_MAX_GROUPS)
		return xmldoc_error(n, NULL, ld->err, ld->errlen, "more than %d <nodes> groups",
		                    CLUSTER_MAX_GROUPS);
	cluster_nodes *g = &cl->groups[cl->ngroups];
	g->node = catalog_node(cat, xmldoc_attr(n, "type"));
	if (!g->node)
		return unknown_id(ld, n, "type", "node");
	g->gpu = catalog_gpu(cat, g->node->gpu);
	g->scaleup = catalog_scaleup(cat, g->node->scaleup);
	g->nic = g->node->nic[0] ? catalog_nic(cat, g->node->nic) : NULL;
	g->count = 1;
	g->line = xmldoc_line(n);
	if (get_int(ld, n, "count", 1, &g->count) < 0)
		return -1;
	cl->ngroups++;
	return 0;
}

static int load_scaleout(loader *ld, const xmldoc_node *n)
{
	static const char *const topologies[] = { "fat-tree", "rail-optimized", "single-switch", NULL };
	cluster_scaleout *so = &ld->sc->cl.scaleout;
	const catalog *cat = ld->sc->cat;
	int topo = TOPO_FAT_TREE;

	so->line = xmldoc_line(n);
	if (!(so->fabric = catalog_fabric(cat, xmldoc_attr(n, "fabric"))))
		return unknown_id(ld, n, "fabric", "fabric");
	if (!(so->sw = catalog_switch(cat, xmldoc_attr(n, "switch"))))
		return unknown_id(ld, n, "switch", "switch");
	if (get_keyword(ld, n, "topology", topologies, &topo) < 0)
		return -1;
	so->topology = (topo_kind)topo;
	so->tiers = so->topology == TOPO_SINGLE_SWITCH ? 1 : DEFAULT_FAT_TREE_TIERS;
	so->oversubscription = 1.0;
	so->rails = ld->sc->cl.groups[0].node->nics > 0 ? ld->sc->cl.groups[0].node->nics : 1;
	so->sharp = 0;
	if (get_int(ld, n, "tiers", 1, &so->tiers) < 0 ||
	    get_quantity(ld, n, "oversubscription", UNIT_NUMBER, &so->oversubscription) < 0 ||
	    get_int(ld, n, "rails", 1, &so->rails) < 0 || get_bool(ld, n, "sharp", &so->sharp) < 0)
		return -1;
	if (so->oversubscription < 1.0)
		return xmldoc_error(n, "oversubscription", ld->err, ld->errlen,
		                    "oversubscription needs a number of 1 or more (downlinks "
		                    "per uplink, \"1\" for a non-blocking fabric)");
	int nics = ld->sc->cl.groups[0].node->nics > 0 ? ld->sc->cl.groups[0].node->nics : 1;
	if ((so->rails != 1 || so->topology == TOPO_RAIL_OPTIMIZED) && so->rails != nics)
		return xmldoc_error(n, "rails", ld->err, ld->errlen,
		                    "expected rails=\"%d\" (one rail per NIC of %s)%s", nics,
		                    ld->sc->cl.groups[0].node->id,
		                    so->topology == TOPO_RAIL_OPTIMIZED ? "" : " or \"1\"");
	if (so->topology == TOPO_SINGLE_SWITCH && so->tiers != 1)
		return xmldoc_error(n, "tiers", ld->err, ld->errlen,
		                    "a single-switch topology has 1 tier");
	if (so->sharp && !so->sw->sharp)
		return xmldoc_error(n, "sharp", ld->err, ld->errlen,
		                    "switch %s does not reduce in-network (no sharp=\"true\" "
		                    "in the catalog)", so->sw->id);
	return 0;
}

static int load_cluster(loader *ld, const xmldoc_node *cn)
{
	cluster *cl = &ld->sc->cl;
	const catalog *cat = ld->sc->cat;
	for (const xmldoc_node *n = xmldoc_first(cn); n; n = xmldoc_next(n)) {
		const char *name = xmldoc_name(n);
		if (strcmp(name, "nodes") == 0) {
			if (load_nodes(ld, n) < 0)
				return -1;
		} else if (strcmp(name, "scale-out") == 0) {
			if (load_scaleout(ld, n) < 0)
				return -1;
		} else if (strcmp(name, "frontend") == 0) {
			const char *sw = xmldoc_attr(n, "switch");
			if (!(cl->frontend_fabric = catalog_fabric(cat, xmldoc_attr(n, "fabric"))))
				return unknown_id(ld, n, "fabric", "fabric");
			if (sw && !(cl->frontend_switch = catalog_switch(cat, sw)))
				return unknown_id(ld, n, "switch", "switch");
		} else if (strcmp(name, "storage") == 0) {
			if (!(cl->storage = catalog_storage(cat, xmldoc_attr(n, "type"))))
				return unknown_id(ld, n, "type", "storage");
			cl->storage_count = DEFAULT_STORAGE_COUNT;
			if (get_int(ld, n, "count", 1, &cl->storage_count) < 0)
				return -1;
		}
	}
	return 0;
}

static int load_site_cost(loader *ld, const xmldoc_node *root)
{
	scenario *sc = ld->sc;
	const xmldoc_node *n;
	sc->site.pue = DEFAULT_PUE;
	sc->cost.years = DEFAULT_COST_YEARS;
	sc->cost.support_share = -1;
	if ((n = xmldoc_child(root, "site"))) {
		sc->site.line = xmldoc_line(n);
		if (get_quantity(ld, n, "pue", UNIT_NUMBER, &sc->site.pue) < 0 ||
		    get_quantity(ld, n, "electricity", UNIT_ENERGY_PRICE,
		                 &sc->site.electricity_usd_per_j) < 0 ||
		    get_quantity(ld, n, "carbon", UNIT_CARBON, &sc->site.carbon_kg_per_j) < 0 ||
		    get_quantity(ld, n, "rack-power-limit", UNIT_POWER,
		                 &sc->site.rack_power_limit_w) < 0)
			return -1;
		if (sc->site.pue < 1.0)
			return xmldoc_error(n, "pue", ld->err, ld->errlen,
			                    "pue needs a number of 1 or more such as \"1.3\"");
		if (get_quantity(ld, n, "colocation", UNIT_POWER_MONTH_PRICE,
		                 &sc->site.colocation_usd_per_w_s) < 0)
			return -1;
	}
	const char *rack = n ? xmldoc_attr(n, "rack") : NULL;
	sc->site.rack = catalog_rack(sc->cat, rack ? rack : DEFAULT_RACK);
	if (rack && !sc->site.rack)
		return unknown_id(ld, n, "rack", "rack");
	if ((n = xmldoc_child(root, "cost"))) {
		sc->cost.line = xmldoc_line(n);
		if (get_quantity(ld, n, "years", UNIT_NUMBER, &sc->cost.years) < 0 ||
		    get_quantity(ld, n, "cloud-rate", UNIT_GPU_HOUR_PRICE,
		                 &sc->cost.cloud_usd_per_gpu_s) < 0)
			return -1;
		if (!(sc->cost.years > 0))
			return xmldoc_error(n, "years", ld->err, ld->errlen,
			                    "years needs a positive number such as \"4\"");
		if (xmldoc_attr(n, "support") &&
		    (get_quantity(ld, n, "support", UNIT_NUMBER, &sc->cost.support_share) < 0 ||
		     sc->cost.support_share > 1))
			return xmldoc_error(n, "support", ld->err, ld->errlen,
			                    "support needs a yearly share of capex from 0 to 1 such as \"0.1\"");
	}
	return 0;
}

/* <model preset="..." [overrides]> or <model layers=... hidden=... ...>. */
static int load_model(loader *ld, const xmldoc_node *n, model_arch *out)
{
	static const char *const shape[] = { "layers", "hidden", "heads", "ffn", "vocab" };
	const char *preset = xmldoc_attr(n, "preset");
	model_arch m;
	char why[256];
	int overridden = 0;

	memset(&m, 0, sizeof m);
	if (preset) {
		const model_arch *p = catalog_model(ld->sc->cat, preset);
		if (!p)
			return unknown_id(ld, n, "preset", "model");
		m = *p;
	} else {
		for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++)
			if (!xmldoc_attr(n, shape[i]))
				return xmldoc_error(n, NULL, ld->err, ld->errlen,
				                    "a model needs preset=\"<catalog id>\" or layers, "
				                    "hidden, heads, ffn and vocab (%s is missing)", shape[i]);
		snprintf(m.id, sizeof m.id, "custom");
		snprintf(m.source, sizeof m.source, "given in %s", ld->sc->file);
	}
	int heads_before = m.heads, kv_before = m.kv_heads;
	const char *const attrs[] = { "layers", "hidden", "heads", "kv-heads", "ffn", "vocab",
	                              "gated", "experts", "top-k" };
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (xmldoc_attr(n, attrs[i]))
			overridden = 1;
	if (get_int(ld, n, "layers", 1, &m.layers) < 0 || get_int(ld, n, "hidden", 1, &m.hidden) < 0 ||
	    get_int(ld, n, "heads", 1, &m.heads) < 0 || get_int(ld, n, "ffn", 1, &m.ffn) < 0 ||
	    get_int(ld, n, "vocab", 1, &m.vocab) < 0 || get_bool(ld, n, "gated", &m.gated) < 0 ||
	    get_int(ld, n, "experts", 0, &m.experts) < 0 || get_int(ld, n, "top-k", 1, &m.topk) < 0)
		return -1;
	/* kv-heads follows heads unless given, or unless a preset uses grouped queries. */
	if (!xmldoc_attr(n, "kv-heads") && (!preset || kv_before == heads_before))
		m.kv_heads = m.heads;
	if (get_int(ld, n, "kv-heads", 1, &m.kv_heads) < 0)
		return -1;
	if (preset && overridden) {
		snprintf(m.id, sizeof m.id, "%.54s-modified", preset);
		m.stated_params = 0;
	}
	if (check_model(&m, why, sizeof why) < 0)
		return xmldoc_error(n, preset ? "preset" : NULL, ld->err, ld->errlen, "%s", why);
	*out = m;
	return 0;
}

static int load_parallel(loader *ld, const xmldoc_node *n, parallel_cfg *p)
{
	static const char *const schedules[] = { "gpipe", "1f1b", "interleaved-1f1b", "zero-bubble", NULL };
	static const char *const recomputes[] = { "none", "selective", "full", NULL };
	int sched = SCHED_1F1B, rec = RECOMPUTE_NONE, accum_fusion = 1;

	p->tp = p->pp = p->cp = p->ep = 1;
	p->dp = PAR_AUTO;
	p->microbatch = 1;
	p->virtual_stages = 1;
	p->zero = 0;
	p->sequence_parallel = -1;
	p->distributed_optimizer = -1;
	p->tp_comm_overlap = 0;
	p->overlap_grad_reduce = 1;
	p->overlap_p2p = 1;
	p->grad_reduce_fp32 = 0;
	if (n) {
		if (get_degree(ld, n, "tp", &p->tp) < 0 || get_degree(ld, n, "pp", &p->pp) < 0 ||
		    get_degree(ld, n, "dp", &p->dp) < 0 || get_degree(ld, n, "cp", &p->cp) < 0 ||
		    get_degree(ld, n, "ep", &p->ep) < 0 ||
		    get_int(ld, n, "microbatch", 1, &p->microbatch) < 0 ||
		    get_keyword(ld, n, "schedule", schedules, &sched) < 0 ||
		    get_int(ld, n, "virtual-stages", 1, &p->virtual_stages) < 0 ||
		    get_int(ld, n, "zero", 0, &p->zero) < 0 ||
		    get_keyword(ld, n, "recompute", recomputes, &rec) < 0 ||
		    get_bool(ld, n, "sequence-parallel", &p->sequence_parallel) < 0 ||
		    get_bool(ld, n, "distributed-optimizer", &p->distributed_optimizer) < 0 ||
		    get_bool(ld, n, "tp-comm-overlap", &p->tp_comm_overlap) < 0 ||
		    get_bool(ld, n, "overlap-grad-reduce", &p->overlap_grad_reduce) < 0 ||
		    get_bool(ld, n, "overlap-p2p", &p->overlap_p2p) < 0 ||
		    get_bool(ld, n, "grad-reduce-in-fp32", &p->grad_reduce_fp32) < 0 ||
		    get_bool(ld, n, "grad-accum-fusion", &accum_fusion) < 0)
			return -1;
		if (p->zero > 3)
			return xmldoc_error(n, "zero", ld->err, ld->errlen, "zero needs 0, 1, 2 or 3");
		if (p->distributed_optimizer == 0 && p->zero >= 1)
			return xmldoc_error(n, "distributed-optimizer", ld->err, ld->errlen,
			                    "distributed-optimizer=\"false\" contradicts zero=\"%d\" "
			                    "(ZeRO 1 and up shard the optimizer states)", p->zero);
	}
	p->schedule = (pipe_schedule)sched;
	p->recompute = (recompute_kind)rec;
	p->unfused_grad_accum = !accum_fusion;
	/* Sequence parallelism is on wherever tensor parallelism is (tp auto included). */
	if (p->sequence_parallel < 0)
		p->sequence_parallel = p->tp != 1;
	if (p->distributed_optimizer < 0)
		p->distributed_optimizer = p->zero >= 1;
	return 0;
}

static int load_training(loader *ld, const xmldoc_node *tn)
{
	train_cfg *t = &ld->sc->train;
	const xmldoc_node *n;
	int dt;

	ld->sc->kind = WORK_TRAINING;
	ld->sc->line_workload = xmldoc_line(tn);
	n = xmldoc_child(tn, "model");
	t->line_model = xmldoc_line(n);
	if (load_model(ld, n, &t->model) < 0)
		return -1;

	n = xmldoc_child(tn, "data");
	t->line_data = xmldoc_line(n);
	if (get_quantity(ld, n, "tokens", UNIT_NUMBER, &t->tokens) < 0 ||
	    get_int(ld, n, "seq-len", 1, &t->seq_len) < 0 ||
	    get_int(ld, n, "global-batch", 1, &t->global_batch) < 0)
		return -1;
	if (!(t->tokens > 0))
		return xmldoc_error(n, "tokens", ld->err, ld->errlen,
		                    "tokens needs a positive count such as \"300e9\"");

	t->compute = DT_BF16;
	ld->sc->line_precision = ld->sc->line_workload;
	if ((n = xmldoc_child(tn, "precision"))) {
		const char *c = xmldoc_attr(n, "compute");
		ld->sc->line_precision = xmldoc_line(n);
		if (c) {
			if ((dt = hw_dtype_parse(c)) < 0)
				return xmldoc_error(n, "compute", ld->err, ld->errlen, "unknown precision");
			t->compute = (hw_dtype)dt;
		}
	}

	t->attention = ATTN_FLASH;
	if ((n = xmldoc_child(tn, "kernels"))) {
		static const char *const kinds[] = { "flash", "unfused", NULL };
		int k = ATTN_FLASH;
		if (get_keyword(ld, n, "attention", kinds, &k) < 0)
			return -1;
		t->attention = (attention_kind)k;
	}

	n = xmldoc_child(tn, "parallel");
	t->line_parallel = n ? xmldoc_line(n) : ld->sc->line_workload;
	if (load_parallel(ld, n, &t->par) < 0)
		return -1;

	t->checkpoint_interval_s = 0;
	if ((n = xmldoc_child(tn, "checkpoint"))) {
		const char *v = xmldoc_attr(n, "interval");
		char why[256];
		if (v && strcmp(v, "auto") != 0) {
			if (units_parse(v, UNIT_TIME, "interval", &t->checkpoint_interval_s, why,
			                sizeof why) < 0)
				return xmldoc_error(n, "interval", ld->err, ld->errlen, "%s or \"auto\"", why);
			if (!(t->checkpoint_interval_s > 0))
				return xmldoc_error(n, "interval", ld->err, ld->errlen,
				                    "interval needs a positive duration such as \"2 h\" or \"auto\"");
		}
	}
	t->failures = 0;
	if ((n = xmldoc_child(tn, "failures"))) {
		t->failures = 1;
		if (get_bool(ld, n, "enabled", &t->failures) < 0)
			return -1;
	}
	if ((n = xmldoc_child(tn, "claim"))) {
		if (get_quantity(ld, n, "time-to-train", UNIT_TIME, &t->claim_time_s) < 0 ||
		    get_quantity(ld, n, "tflops-per-gpu", UNIT_FLOPS, &t->claim_flops_per_gpu) < 0)
			return -1;
		const char *fl = xmldoc_attr(n, "flops");
		t->claim_hw_flops = fl && strcmp(fl, "hardware") == 0;
		if (xmldoc_text(n, t->claim_source, sizeof t->claim_source) == 0)
			return xmldoc_error(n, NULL, ld->err, ld->errlen,
			                    "a claim needs its source as text: "
			                    "<claim ...>who published it, where</claim>");
	}
	return 0;
}

static int load_inference(loader *ld, const xmldoc_node *in)
{
	model_arch m;
	ld->sc->kind = WORK_INFERENCE;
	ld->sc->line_workload = xmldoc_line(in);
	ld->sc->line_precision = ld->sc->line_workload;
	if (load_model(ld, xmldoc_child(in, "model"), &m) < 0)
		return -1;
	return serve_load(in, ld->sc->file, &m, &ld->sc->infer, ld->err, ld->errlen);
}

static int load_report(loader *ld, const xmldoc_node *root)
{
	static const char *const names[] = { "html", "md", "csv", "json" };
	const xmldoc_node *n = xmldoc_child(root, "report");
	const char *v = n ? xmldoc_attr(n, "formats") : NULL;
	int bits = 0;

	ld->sc->report_formats = REPORT_HTML | REPORT_MD | REPORT_CSV | REPORT_JSON;
	if (!v)
		return 0;
	for (const char *p = v; *p;) {
		size_t len;
		int found = 0;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		len = strcspn(p, " \t\n");
		if (len == 0)
			break;
		for (int i = 0; i < 4; i++) {
			if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0) {
				bits |= 1 << i;
				found = 1;
			}
		}
		if (!found)
			return xmldoc_error(n, "formats", ld->err, ld->errlen,
			                    "formats needs some of html, md, csv and json");
		p += len;
	}
	if (bits)
		ld->sc->report_formats = bits;
	return 0;
}

int scenario_load(const char *path, scenario **out, char *err, size_t errlen)
{
	int rc = -1;
	xmldoc *doc = NULL;
	scenario *sc = calloc(1, sizeof *sc);
	loader ld = { sc, err, errlen };
	char xsd[1024];
	const xmldoc_node *root, *n;

	if (!sc) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	snprintf(sc->file, sizeof sc->file, "%s", path);
	if (xmldoc_load(path, xmldoc_schema_path("capsim.xsd", xsd, sizeof xsd), &doc, err,
	                errlen) < 0)
		goto done;
	root = xmldoc_root(doc);
	if (strcmp(xmldoc_name(root), "scenario") != 0) {
		xmldoc_error(root, NULL, err, errlen, "a scenario file starts with <scenario>");
		goto done;
	}
	snprintf(sc->name, sizeof sc->name, "%s", xmldoc_attr(root, "name"));
	if ((n = xmldoc_child(root, "description")))
		xmldoc_text(n, sc->description, sizeof sc->description);

	if (load_catalogs(&ld, root) < 0 || load_profile(&ld, root) < 0 ||
	    load_cluster(&ld, xmldoc_child(root, "cluster")) < 0 || load_site_cost(&ld, root) < 0)
		goto done;
	sc->kind = WORK_NONE;
	if ((n = xmldoc_child(root, "training"))) {
		if (load_training(&ld, n) < 0)
			goto done;
	} else if ((n = xmldoc_child(root, "inference"))) {
		if (load_inference(&ld, n) < 0)
			goto done;
	}
	if (load_report(&ld, root) < 0 || check_scenario(sc, err, errlen) < 0)
		goto done;
	*out = sc;
	sc = NULL;
	rc = 0;
done:
	scenario_free(sc);
	xmldoc_free(doc);
	return rc;
}

void scenario_free(scenario *sc)
{
	if (!sc)
		return;
	catalog_free(sc->cat);
	free(sc->infer.load.trace);
	free(sc);
}

int scenario_gpus(const scenario *sc)
{
	int n = 0;
	for (int g = 0; g < sc->cl.ngroups; g++)
		n += sc->cl.groups[g].count * (sc->cl.groups[g].node ? sc->cl.groups[g].node->gpus : 0);
	return n;
}
