/* test_scenario.c -- scenario, catalog and profile loading: good files load with the
 * values, pointers and defaults they should; each class of bad input fails with -1,
 * leaves the output untouched and names the file, the line and what was expected.
 *
 * Uses the small catalog in tests/data/catalog (through $CAPSIM_CATALOG) and the
 * profile tests/data/profile.xml, not the shipped ones. Misses: the shipped catalog
 * and profiles (their own tests cover them) and the <inference> fields. */
#include "tests/t.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>

#include "scenarios/catalog.h"
#include "scenarios/check.h"
#include "scenarios/profile_load.h"
#include "scenarios/scenario.h"

static char err[4096];
static scenario sentinel;

/* 1-based line of the first line of `path` that contains `needle`, or -1. */
static int line_of(const char *path, const char *needle)
{
	char buf[1024];
	int n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof buf, f)) {
		n++;
		if (strstr(buf, needle)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return -1;
}

static const char *src(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s", t_src(rel));
	return buf;
}

static int has(const char *s)
{
	return strstr(err, s) != NULL;
}

/* Loads `rel` expecting failure; checks the out pointer is untouched and err begins
 * with "path:LINE: " where LINE is the line holding `at` (NULL: no line). */
static void expect_fail(int line, const char *rel, const char *at)
{
	char path[1024], prefix[1200];
	scenario *sc = &sentinel;
	src(rel, path, sizeof path);
	err[0] = '\0';
	int r = scenario_load(path, &sc, err, sizeof err);
	if (r != -1)
		t_fail(__FILE__, line, "%s loaded", rel);
	if (sc != &sentinel)
		t_fail(__FILE__, line, "%s: *out written on failure", rel);
	if (at) {
		int l = line_of(path, at);
		snprintf(prefix, sizeof prefix, "%s:%d: ", path, l);
		if (l < 0 || strncmp(err, prefix, strlen(prefix)) != 0)
			t_fail(__FILE__, line, "message \"%s\" does not start with \"%s\"", err, prefix);
	} else if (strncmp(err, path, strlen(path)) != 0) {
		t_fail(__FILE__, line, "message \"%s\" does not name %s", err, path);
	}
}

#define EXPECT_HAS(s) T_CHECKF(has(s), "message \"%s\" lacks \"%s\"", err, s)

static void test_good(void)
{
	char path[1024];
	scenario *sc = NULL;
	int r = scenario_load(src("tests/data/good.xml", path, sizeof path), &sc, err, sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	T_CHECK(strcmp(sc->name, "test-good") == 0);
	T_CHECK(strcmp(sc->description, "A training module of eight test nodes, with a fat tree.") == 0);
	T_CHECK(strcmp(sc->file, path) == 0);

	/* Cluster: catalog pointers resolved, units converted. */
	const catalog *cat = sc->cat;
	T_EQ_INT(sc->cl.ngroups, 2);
	T_CHECK(sc->cl.groups[0].node == catalog_node(cat, "test-hgx"));
	T_CHECK(sc->cl.groups[0].gpu == catalog_gpu(cat, "test-h100"));
	T_CHECK(sc->cl.groups[0].scaleup == catalog_scaleup(cat, "test-nvswitch"));
	T_CHECK(sc->cl.groups[0].nic == catalog_nic(cat, "test-cx7"));
	T_EQ_INT(sc->cl.groups[0].count, 6);
	T_EQ_INT(sc->cl.groups[0].line, 10);
	T_CHECK(sc->cl.groups[1].node && strcmp(sc->cl.groups[1].node->id, "test-hgx-4nic") == 0);
	T_EQ_INT(sc->cl.groups[1].node->nics, 4);
	T_EQ_INT(scenario_gpus(sc), 64);
	T_NEAR(sc->cl.groups[0].gpu->memory_B, 80e9, 0);
	T_NEAR(sc->cl.groups[0].gpu->peak_flops[DT_FP8], 1.9788e15, 1e-15);

	const cluster_scaleout *so = &sc->cl.scaleout;
	T_CHECK(so->fabric == catalog_fabric(cat, "test-ib"));
	T_CHECK(so->sw == catalog_switch(cat, "test-sw"));
	T_EQ_INT(so->topology, TOPO_RAIL_OPTIMIZED);
	T_EQ_INT(so->tiers, 2);
	T_NEAR(so->oversubscription, 2, 0);
	T_EQ_INT(so->rails, 8);
	T_EQ_INT(so->sharp, 1);
	T_CHECK(sc->cl.frontend_fabric == catalog_fabric(cat, "test-ib"));
	T_CHECK(sc->cl.frontend_switch == NULL);
	/* The scenario's own catalog replaced test-nas. */
	T_CHECK(sc->cl.storage == catalog_storage(cat, "test-nas"));
	T_NEAR(sc->cl.storage->read_Bps, 20e9, 0);
	T_NEAR(sc->cl.storage->capacity_B, 2e15, 0);
	T_EQ_INT(sc->cl.storage_count, 4);

	/* Site and cost. */
	T_NEAR(sc->site.pue, 1.3, 0);
	T_NEAR(sc->site.electricity_usd_per_j, 0.10 / 3.6e6, 1e-12);
	T_NEAR(sc->site.carbon_kg_per_j, 0.380 / 3.6e6, 1e-12);
	T_NEAR(sc->site.rack_power_limit_w, 40e3, 0);
	T_NEAR(sc->cost.years, 5, 0);
	T_NEAR(sc->cost.cloud_usd_per_gpu_s, 4.25 / 3600, 1e-12);

	/* Training. */
	const train_cfg *t = &sc->train;
	T_EQ_INT(sc->kind, WORK_TRAINING);
	T_CHECK(strcmp(t->model.id, "test-gpt3") == 0);
	T_EQ_INT(t->model.layers, 96);
	T_EQ_INT(t->model.hidden, 12288);
	T_EQ_INT(t->model.kv_heads, 96); /* defaults to heads */
	T_EQ_INT(t->model.gated, 0);
	T_EQ_INT(t->model.experts, 0);
	T_NEAR(t->model.stated_params, 175e9, 0);
	T_NEAR(t->tokens, 300e9, 0);
	T_EQ_INT(t->seq_len, 2048);
	T_EQ_INT(t->global_batch, 1536);
	T_EQ_INT(t->compute, DT_FP8);
	T_EQ_INT(t->par.tp, 8);
	T_EQ_INT(t->par.pp, 4);
	T_EQ_INT(t->par.dp, PAR_AUTO);
	T_EQ_INT(t->par.cp, 1);
	T_EQ_INT(t->par.ep, 1);
	T_EQ_INT(t->par.microbatch, 2);
	T_EQ_INT(t->par.schedule, SCHED_INTERLEAVED);
	T_EQ_INT(t->par.virtual_stages, 2);
	T_EQ_INT(t->par.zero, 1);
	T_EQ_INT(t->par.distributed_optimizer, 1);
	T_EQ_INT(t->par.recompute, RECOMPUTE_SELECTIVE);
	T_EQ_INT(t->par.sequence_parallel, 0); /* given as false */
	T_EQ_INT(t->par.unfused_grad_accum, 1); /* grad-accum-fusion="false" */
	T_EQ_INT(t->par.tp_comm_overlap, 1);
	T_EQ_INT(t->attention, ATTN_UNFUSED);
	T_NEAR(t->checkpoint_interval_s, 7200, 0);
	T_EQ_INT(t->failures, 1);
	T_NEAR(t->claim_time_s, 34 * 86400.0, 0);
	T_NEAR(t->claim_flops_per_gpu, 140e12, 0);
	T_CHECKF(strcmp(t->claim_source, "A paper, \xc2\xa7" "5.1") == 0, "%s", t->claim_source);
	T_EQ_INT(t->line_model, line_of(path, "<model preset"));
	T_EQ_INT(t->line_parallel, line_of(path, "<parallel"));
	T_EQ_INT(sc->line_precision, line_of(path, "<precision"));
	T_EQ_INT(sc->report_formats, REPORT_HTML | REPORT_JSON);

	/* The calibration profile. */
	T_CHECK(strcmp(sc->prof.name, "test-profile") == 0);
	T_EQ_INT(sc->prof.ngpus, 2);
	const profile_gpu *pg = profile_for(&sc->prof, "test-h100");
	T_CHECK(pg != NULL && strcmp(pg->gpu, "test-h100") == 0);
	if (pg) {
		T_NEAR(pg->gemm_eff[DT_BF16], 0.78, 0);
		T_NEAR(pg->gemm_eff[DT_FP8], 0.6, 0);
		T_NEAR(pg->gemm_eff[DT_FP16], 0, 0);
		T_NEAR(pg->kernel_overhead_ns, 4000, 0);
		T_NEAR(pg->memory_reserve_B, 5.0 * 1073741824.0, 0);
		T_NEAR(pg->link[LINK_SCALEUP].alpha_ns, 10000, 0);
		T_NEAR(pg->link[LINK_SCALEUP].bw_eff, 0.8, 0);
		T_EQ_INT(pg->link[LINK_SCALEUP].measured, 1);  /* from the gpu-profile */
		T_EQ_INT(pg->link[LINK_SCALEOUT].measured, 0); /* its own */
		T_EQ_INT(pg->measured, 1);
		T_CHECK(strcmp(pg->source, "made up for the test") == 0);
	}
	pg = profile_for(&sc->prof, "other-gpu");
	T_CHECK(pg != NULL && strcmp(pg->gpu, "*") == 0);
	scenario_free(sc);
}

static void test_defaults(void)
{
	char path[1024];
	scenario *sc = NULL;
	int r = scenario_load(src("tests/data/defaults.xml", path, sizeof path), &sc, err, sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	T_NEAR(sc->site.pue, 1.0, 0);
	T_NEAR(sc->site.electricity_usd_per_j, 0, 0);
	T_NEAR(sc->site.rack_power_limit_w, 0, 0);
	T_NEAR(sc->cost.years, 4, 0);
	T_CHECK(sc->cl.scaleout.fabric == NULL);
	T_CHECK(sc->cl.storage == NULL);
	T_EQ_INT(sc->report_formats, REPORT_HTML | REPORT_MD | REPORT_CSV | REPORT_JSON);
	const train_cfg *t = &sc->train;
	T_EQ_INT(t->compute, DT_BF16);
	T_EQ_INT(t->par.tp, PAR_AUTO);
	T_EQ_INT(t->par.pp, 2);
	T_EQ_INT(t->par.dp, PAR_AUTO);
	T_EQ_INT(t->par.cp, 1);
	T_EQ_INT(t->par.ep, 1);
	T_EQ_INT(t->par.microbatch, 1);
	T_EQ_INT(t->par.schedule, SCHED_1F1B);
	T_EQ_INT(t->par.virtual_stages, 1);
	T_EQ_INT(t->par.zero, 0);
	T_EQ_INT(t->par.distributed_optimizer, 0);
	T_EQ_INT(t->par.recompute, RECOMPUTE_NONE);
	T_EQ_INT(t->par.sequence_parallel, 1); /* tp is auto, so not 1 */
	T_EQ_INT(t->par.tp_comm_overlap, 0);
	T_EQ_INT(t->par.unfused_grad_accum, 0);
	T_EQ_INT(t->attention, ATTN_FLASH);
	T_NEAR(t->checkpoint_interval_s, 0, 0);
	T_EQ_INT(t->failures, 0);
	T_NEAR(t->claim_time_s, 0, 0);
	T_CHECK(t->claim_source[0] == '\0');
	/* Preset with overrides: the named fields change, the rest stay. */
	T_CHECK(strcmp(t->model.id, "test-llama-modified") == 0);
	T_EQ_INT(t->model.layers, 40);
	T_EQ_INT(t->model.heads, 32);
	T_EQ_INT(t->model.kv_heads, 8);
	T_EQ_INT(t->model.hidden, 8192);
	T_EQ_INT(t->model.gated, 1);
	T_NEAR(t->model.stated_params, 0, 0);
	/* No <calibration>: the default profile ($CAPSIM_PROFILE here). */
	T_CHECK(strcmp(sc->prof.name, "test-profile") == 0);
	T_EQ_INT(sc->line_precision, line_of(path, "<training>"));
	scenario_free(sc);
}

static void test_explicit_model(void)
{
	char path[1024];
	scenario *sc = NULL;
	int r = scenario_load(src("tests/data/explicit-model.xml", path, sizeof path), &sc, err,
	                      sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	T_CHECK(strcmp(sc->train.model.id, "custom") == 0);
	T_EQ_INT(sc->train.model.kv_heads, 32);
	T_EQ_INT(sc->train.model.ffn, 11008);
	T_EQ_INT(sc->train.model.gated, 1);
	T_EQ_INT(sc->train.model.experts, 0);
	T_NEAR(sc->train.tokens, 2e12, 0);
	T_EQ_INT(sc->train.par.dp, 8);
	T_EQ_INT(sc->train.par.sequence_parallel, 0); /* tp = 1 */
	scenario_free(sc);
}

static void test_inference_kind(void)
{
	char path[1024];
	scenario *sc = NULL;
	int r = scenario_load(src("tests/data/inference.xml", path, sizeof path), &sc, err,
	                      sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	T_EQ_INT(sc->kind, WORK_INFERENCE);
	T_EQ_INT(sc->line_workload, line_of(path, "<inference>"));
	scenario_free(sc);
}

static void test_resolved_checks(void)
{
	char path[1024];
	scenario *sc = NULL;
	int r = scenario_load(src("tests/data/defaults.xml", path, sizeof path), &sc, err, sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	parallel_cfg p = sc->train.par;
	p.tp = 8;
	p.dp = 1;
	T_EQ_INT(check_training(sc, &p, err, sizeof err), 0);
	p.tp = 4;
	p.dp = 2;
	T_EQ_INT(check_training(sc, &p, err, sizeof err), 0);
	p.tp = 2;
	p.dp = 4;
	T_EQ_INT(check_training(sc, &p, err, sizeof err), 0);
	p.tp = 8;
	p.dp = 2;
	T_EQ_INT(check_training(sc, &p, err, sizeof err), -1);
	EXPECT_HAS("tp x pp x dp x cp = 8 x 2 x 2 x 1 = 32, but the cluster has 16 GPUs");
	p.tp = 3;
	p.dp = 1;
	T_EQ_INT(check_training(sc, &p, err, sizeof err), -1);
	EXPECT_HAS("<parallel tp=\"auto\">: tp = 3 (chosen for auto) does not divide the "
	           "model's 32 attention heads");
	char prefix[1200];
	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line_of(path, "<parallel"));
	T_CHECKF(strncmp(err, prefix, strlen(prefix)) == 0, "%s", err);
	p.tp = 8;
	p.dp = 1;
	p.microbatch = 3;
	T_EQ_INT(check_training(sc, &p, err, sizeof err), -1);
	EXPECT_HAS("global-batch 64 is not divisible by dp x microbatch = 1 x 3 = 3");
	scenario_free(sc);
}

/* Bad inputs: one per class. */

static void test_malformed_xml(void)
{
	expect_fail(__LINE__, "tests/data/bad/malformed.xml", "</cluster>");
	EXPECT_HAS("mismatch");
}

static void test_xsd_unknown_element(void)
{
	expect_fail(__LINE__, "tests/data/bad/unknown-element.xml", "<gpus ");
	EXPECT_HAS("<gpus>: This element is not expected");
}

static void test_xsd_missing_attribute(void)
{
	expect_fail(__LINE__, "tests/data/bad/missing-attr.xml", "<nodes ");
	EXPECT_HAS("<nodes>: The attribute 'type' is required but missing");
}

static void test_xsd_bad_enum(void)
{
	expect_fail(__LINE__, "tests/data/bad/bad-enum.xml", "<parallel ");
	EXPECT_HAS("<parallel schedule=\"2f2b\">");
	EXPECT_HAS("interleaved-1f1b");
}

static void test_xsd_bad_type(void)
{
	expect_fail(__LINE__, "tests/data/bad/bad-count.xml", "<nodes ");
	EXPECT_HAS("<nodes count=\"0\">: count needs a whole number of at least 1");
}

static void test_rails_per_nic(void)
{
	expect_fail(__LINE__, "tests/data/bad/rails.xml", "<scale-out ");
	EXPECT_HAS("<scale-out rails=\"4\">: expected rails=\"8\" (one rail per NIC of test-hgx)");
}

static void test_unit_missing(void)
{
	expect_fail(__LINE__, "tests/data/bad/unit-missing.xml", "<site ");
	EXPECT_HAS("<site rack-power-limit=\"40\">: rack-power-limit needs a power such as "
	           "\"700 W\"");
}

static void test_unit_wrong(void)
{
	expect_fail(__LINE__, "tests/data/bad/unit-wrong.xml", "<site ");
	EXPECT_HAS("<site electricity=\"0.10 EUR/kWh\">: electricity needs an energy price "
	           "such as \"0.10 USD/kWh\"");
	EXPECT_HAS("\"EUR/kWh\" is not a unit");
}

static void test_unknown_catalog_id(void)
{
	expect_fail(__LINE__, "tests/data/bad/unknown-node.xml", "<nodes ");
	EXPECT_HAS("<nodes type=\"dell-xe9999\">: no such node in the catalog; known: "
	           "test-hgx, test-v100-box");
	expect_fail(__LINE__, "tests/data/bad/unknown-preset.xml", "<model ");
	EXPECT_HAS("<model preset=\"gpt-5\">: no such model in the catalog; known: "
	           "test-gpt3, test-llama, test-moe");
}

static void test_missing_catalog_href(void)
{
	expect_fail(__LINE__, "tests/data/bad/missing-catalog.xml", "<catalog ");
	EXPECT_HAS("<catalog href=\"no-such-catalog.xml\">: cannot read ");
	EXPECT_HAS("bad/no-such-catalog.xml");
}

static void test_tp_not_dividing_heads(void)
{
	expect_fail(__LINE__, "tests/data/bad/tp-heads.xml", "<parallel ");
	EXPECT_HAS("<parallel tp=\"64\">: tp = 64 does not divide the model's 96 attention heads");
}

static void test_product_mismatch(void)
{
	expect_fail(__LINE__, "tests/data/bad/product.xml", "<parallel ");
	EXPECT_HAS("tp x pp x dp x cp = 8 x 8 x 2 x 1 = 128, but the cluster has 64 GPUs");
}

static void test_batch_not_divisible(void)
{
	expect_fail(__LINE__, "tests/data/bad/batch.xml", "<parallel ");
	EXPECT_HAS("global-batch 100 is not divisible by dp x microbatch = 8 x 1 = 8");
}

static void test_fewer_layers_than_stages(void)
{
	expect_fail(__LINE__, "tests/data/bad/layers.xml", "<parallel ");
	EXPECT_HAS("the model's 3 layers are fewer than pp = 4");
}

static void test_interleaved(void)
{
	expect_fail(__LINE__, "tests/data/bad/interleaved.xml", "<parallel ");
	EXPECT_HAS("microbatches per step (global-batch / (dp x microbatch) = 10) divisible by "
	           "pp = 4");
	expect_fail(__LINE__, "tests/data/bad/interleaved-vs.xml", "<parallel ");
	EXPECT_HAS("virtual-stages of 2 or more");
}

static void test_precision_unsupported(void)
{
	expect_fail(__LINE__, "tests/data/bad/precision.xml", "<training>");
	EXPECT_HAS("<precision compute=\"bf16\">: GPU test-v100 has no bf16 peak in the "
	           "catalog; it runs fp16");
}

static void test_ep_dense_model(void)
{
	expect_fail(__LINE__, "tests/data/bad/ep-dense.xml", "<parallel ");
	EXPECT_HAS("ep = 2 needs a mixture-of-experts model");
}

static void test_model_incomplete(void)
{
	expect_fail(__LINE__, "tests/data/bad/model-incomplete.xml", "<model ");
	EXPECT_HAS("ffn is missing");
}

static void test_doctype_not_expanded(void)
{
	/* A listener stands where the DTD and the remote entity point; nothing may
	 * connect to it, and the local file's text may not appear anywhere. */
	char tmpl[] = "/tmp/capsim-xxe-XXXXXX";
	char path[1200], dir_secret[1024];
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	T_CHECK(s >= 0);
	if (s < 0)
		return;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	T_CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
	T_CHECK(listen(s, 4) == 0);
	T_CHECK(getsockname(s, (struct sockaddr *)&a, &alen) == 0);
	fcntl(s, F_SETFL, O_NONBLOCK);

	char *dir = mkdtemp(tmpl);
	T_CHECK(dir != NULL);
	if (!dir) {
		close(s);
		return;
	}
	snprintf(path, sizeof path, "%s/xxe.xml", dir);
	src("tests/data/secret.txt", dir_secret, sizeof dir_secret);
	FILE *f = fopen(path, "w");
	T_CHECK(f != NULL);
	if (f) {
		fprintf(f, "<?xml version=\"1.0\"?>\n"
		        "<!DOCTYPE scenario SYSTEM \"http://127.0.0.1:%d/evil.dtd\" [\n"
		        "  <!ENTITY secret SYSTEM \"file://%s\">\n"
		        "  <!ENTITY remote SYSTEM \"http://127.0.0.1:%d/evil.txt\">\n"
		        "]>\n"
		        "<scenario name=\"xxe\">\n"
		        "  <description>&secret;&remote;</description>\n"
		        "  <cluster><nodes type=\"test-hgx\" count=\"8\"/></cluster>\n"
		        "  <training><model preset=\"&secret;\"/>\n"
		        "  <data tokens=\"1e9\" seq-len=\"8\" global-batch=\"8\"/></training>\n"
		        "</scenario>\n", ntohs(a.sin_port), dir_secret, ntohs(a.sin_port));
		fclose(f);
	}
	scenario *sc = &sentinel;
	T_EQ_INT(scenario_load(path, &sc, err, sizeof err), -1);
	T_CHECK(sc == &sentinel);
	char prefix[1300];
	snprintf(prefix, sizeof prefix, "%s:2: <!DOCTYPE>", path);
	T_CHECKF(strncmp(err, prefix, strlen(prefix)) == 0, "%s", err);
	T_CHECK(!has("SECRET-MARKER"));
	int c = accept(s, NULL, NULL);
	T_CHECKF(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
	         "the parser connected to the DTD or entity address");
	if (c >= 0)
		close(c);
	close(s);
	unlink(path);
	rmdir(dir);

	/* The same in the tree, with a relative entity. */
	expect_fail(__LINE__, "tests/data/bad/xxe.xml", "<!DOCTYPE");
	EXPECT_HAS("DOCTYPE");
	T_CHECK(!has("SECRET-MARKER"));
}

static void test_undeclared_entity(void)
{
	expect_fail(__LINE__, "tests/data/bad/entity-undeclared.xml", "&secret;");
	EXPECT_HAS("Entity 'secret' not defined");
}

static void test_missing_file(void)
{
	char path[1024];
	scenario *sc = &sentinel;
	src("tests/data/no-such-scenario.xml", path, sizeof path);
	T_EQ_INT(scenario_load(path, &sc, err, sizeof err), -1);
	T_CHECK(sc == &sentinel);
	T_CHECKF(strncmp(err, path, strlen(path)) == 0, "%s", err);
	EXPECT_HAS(": cannot read: No such file or directory");
}

/* Catalog files. */

static void test_catalog_values(void)
{
	catalog *cat = NULL;
	char dir[1024], extra[1024];
	int r = catalog_load_dir(src("tests/data/catalog", dir, sizeof dir), &cat, err, sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	T_EQ_INT(catalog_count(cat, "gpu"), 2);
	T_EQ_INT(catalog_count(cat, "model"), 3);
	T_EQ_INT(catalog_count(cat, "node"), 2);
	T_EQ_INT(catalog_count(cat, "nonsense"), 0);
	T_CHECK(strcmp(catalog_id(cat, "gpu", 1), "test-v100") == 0);
	T_CHECK(catalog_id(cat, "gpu", 2) == NULL);

	const hw_gpu *g = catalog_gpu(cat, "test-v100");
	T_CHECK(g != NULL);
	if (g) {
		T_NEAR(g->memory_B, 32.0 * 1073741824.0, 0);
		T_NEAR(g->mem_bw_Bps, 900e9, 0);
		T_NEAR(g->peak_flops[DT_FP16], 125e12, 0);
		T_NEAR(g->peak_flops[DT_BF16], 0, 0);
		T_NEAR(g->price_usd, 0, 0);
		T_EQ_INT(g->line, line_of(t_src("tests/data/catalog/hardware.xml"),
		                          "<gpu id=\"test-v100\""));
		T_CHECK(strstr(g->file, "tests/data/catalog/hardware.xml") != NULL);
		T_CHECK(strcmp(g->source, "test data: no bf16") == 0);
	}
	const hw_scaleup *su = catalog_scaleup(cat, "test-nvswitch");
	T_CHECK(su && su->kind == SCALEUP_NVSWITCH && su->latency_ns == 1000 &&
	        su->domain_gpus == 8 && su->bw_Bps == 450e9);
	const hw_nic *nic = catalog_nic(cat, "test-cx7");
	T_CHECK(nic && nic->rate_bps == 400e9 && nic->power_w == 25);
	const hw_node *nd = catalog_node(cat, "test-hgx");
	T_CHECK(nd && nd->gpus == 8 && nd->nics == 8 && strcmp(nd->nic, "test-cx7") == 0 &&
	        nd->max_power_w == 10200 && nd->host_power_w == 2500 && nd->rack_units == 6 &&
	        nd->pcie_bw_Bps == 64e9);
	const hw_fabric *fb = catalog_fabric(cat, "test-ib");
	T_CHECK(fb && fb->kind == FABRIC_INFINIBAND && fb->rate_bps == 400e9 &&
	        fb->latency_ns == 600 && fb->transceiver_price_usd == 1000);
	const hw_switch *sw = catalog_switch(cat, "test-sw");
	T_CHECK(sw && sw->ports == 64 && sw->port_rate_bps == 400e9 && sw->sharp == 1 &&
	        sw->latency_ns == 130 && sw->power_w == 1700);
	const model_arch *moe = catalog_model(cat, "test-moe");
	T_CHECK(moe && moe->experts == 8 && moe->topk == 2 && moe->kv_heads == 8 && moe->gated);
	const model_arch *gpt = catalog_model(cat, "test-gpt3");
	T_CHECK(gpt && gpt->kv_heads == 96 && gpt->stated_params == 175e9 && !gpt->gated);

	/* A scenario's own catalog replaces entries in place and adds new ones. */
	const hw_storage *nas = catalog_storage(cat, "test-nas");
	T_CHECK(nas && nas->read_Bps == 10e9);
	r = catalog_load_file(cat, src("tests/data/extra-catalog.xml", extra, sizeof extra), err,
	                      sizeof err);
	T_CHECKF(r == 0, "%s", err);
	T_CHECK(catalog_storage(cat, "test-nas") == nas);
	T_CHECK(nas && nas->read_Bps == 20e9);
	T_CHECK(catalog_node(cat, "test-hgx-4nic") != NULL);
	const char *file = NULL;
	T_EQ_INT(catalog_where(cat, "storage", "test-nas", &file), 4);
	T_CHECK(file && strcmp(file, extra) == 0);

	/* A bad extra file leaves the catalog as it was. */
	char bad[1024];
	r = catalog_load_file(cat, src("tests/data/bad/catalog-ref/one.xml", bad, sizeof bad), err,
	                      sizeof err);
	T_EQ_INT(r, -1);
	T_CHECK(catalog_gpu(cat, "g") == NULL);
	T_EQ_INT(catalog_count(cat, "gpu"), 2);
	catalog_free(cat);
}

static void test_long_source_cut_at_character(void)
{
	char dir[1024];
	catalog *cat = NULL;
	int r = catalog_load_dir(src("tests/data/catalog-long", dir, sizeof dir), &cat, err,
	                         sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r != 0)
		return;
	const hw_nic *nic = catalog_nic(cat, "long-nic");
	T_CHECK(nic != NULL);
	if (nic) {
		T_EQ_INT(strlen(nic->source), HW_SOURCE_LEN - 2); /* the half of the 2-byte character is gone */
		T_CHECK(nic->source[HW_SOURCE_LEN - 3] == 'a');
	}
	catalog_free(cat);
}

static void test_catalog_duplicate(void)
{
	char dir[1024], a[1100], b[1100];
	catalog *cat = (catalog *)&sentinel;
	src("tests/data/bad/catalog-dup", dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.xml", dir);
	snprintf(b, sizeof b, "%s/b.xml", dir);
	T_EQ_INT(catalog_load_dir(dir, &cat, err, sizeof err), -1);
	T_CHECK(cat == (catalog *)&sentinel);
	char want[2400];
	snprintf(want, sizeof want, "%s:%d: <gpu id=\"dup-gpu\">: duplicate gpu id; first "
	         "defined at %s:%d", b, line_of(b, "dup-gpu"), a, line_of(a, "dup-gpu"));
	T_CHECKF(strcmp(err, want) == 0, "got  %s\nwant %s", err, want);
}

/* Loads the bad catalog folder `rel` (one file, one.xml) and checks that it fails
 * with "one.xml:LINE: " + `msg`, LINE the line holding `at`, leaving *out alone. */
static void expect_catalog_error(const char *rel, const char *at, const char *msg)
{
	char dir[1024], f[1100];
	catalog *cat = (catalog *)&sentinel;
	src(rel, dir, sizeof dir);
	snprintf(f, sizeof f, "%s/one.xml", dir);
	T_EQ_INT(catalog_load_dir(dir, &cat, err, sizeof err), -1);
	T_CHECK(cat == (catalog *)&sentinel);
	char want[2400];
	snprintf(want, sizeof want, "%s:%d: %s", f, line_of(f, at), msg);
	T_CHECKF(strcmp(err, want) == 0, "got  %s\nwant %s", err, want);
}

static void test_catalog_bad_reference(void)
{
	expect_catalog_error("tests/data/bad/catalog-ref", "<node ",
			     "<node nic=\"missing-nic\">: no such nic in the catalog; known: (none)");
}

static void test_catalog_sockets_need_link(void)
{
	expect_catalog_error("tests/data/bad/catalog-sockets", "<node ",
			     "<node sockets=\"2\">: a node with sockets=\"2\" needs "
			     "socket-link=\"<bandwidth per direction>\" (UPI, xGMI)");
}

static void test_catalog_unit(void)
{
	expect_catalog_error("tests/data/bad/catalog-unit", "<storage ",
			     "<storage read=\"40\">: read needs a rate such as \"40 GB/s\"");
}

static void test_catalog_missing_dir(void)
{
	catalog *cat = (catalog *)&sentinel;
	T_EQ_INT(catalog_load_dir("/nonexistent/capsim-catalog", &cat, err, sizeof err), -1);
	T_CHECK(cat == (catalog *)&sentinel);
	EXPECT_HAS("/nonexistent/capsim-catalog: cannot read");
}

/* Profiles. */

static void test_profile_errors(void)
{
	char f[1024];
	profile p;
	memset(&p, 0x5a, sizeof p);
	unsigned char first = ((unsigned char *)&p)[0];

	src("tests/data/bad/profile-range.xml", f, sizeof f);
	T_EQ_INT(profile_load(f, &p, err, sizeof err), -1);
	char want[2400];
	snprintf(want, sizeof want, "%s:%d: <link efficiency=\"1.2\">: efficiency needs a "
	         "fraction in (0, 1] such as \"0.8\"", f, line_of(f, "<link "));
	T_CHECKF(strcmp(err, want) == 0, "got  %s\nwant %s", err, want);
	T_EQ_INT(((unsigned char *)&p)[0], first);

	src("tests/data/bad/profile-unit.xml", f, sizeof f);
	T_EQ_INT(profile_load(f, &p, err, sizeof err), -1);
	EXPECT_HAS("<gpu-profile kernel-overhead=\"4\">: kernel-overhead needs a duration");
	T_EQ_INT(((unsigned char *)&p)[0], first);
}

int main(void)
{
	char buf[1024];
	setenv("CAPSIM_CATALOG", src("tests/data/catalog", buf, sizeof buf), 1);
	setenv("CAPSIM_PROFILE", src("tests/data/profile.xml", buf, sizeof buf), 1);

	T_RUN(test_good);
	T_RUN(test_defaults);
	T_RUN(test_explicit_model);
	T_RUN(test_inference_kind);
	T_RUN(test_resolved_checks);
	T_RUN(test_malformed_xml);
	T_RUN(test_xsd_unknown_element);
	T_RUN(test_xsd_missing_attribute);
	T_RUN(test_xsd_bad_enum);
	T_RUN(test_xsd_bad_type);
	T_RUN(test_rails_per_nic);
	T_RUN(test_unit_missing);
	T_RUN(test_unit_wrong);
	T_RUN(test_unknown_catalog_id);
	T_RUN(test_missing_catalog_href);
	T_RUN(test_tp_not_dividing_heads);
	T_RUN(test_product_mismatch);
	T_RUN(test_batch_not_divisible);
	T_RUN(test_fewer_layers_than_stages);
	T_RUN(test_interleaved);
	T_RUN(test_precision_unsupported);
	T_RUN(test_ep_dense_model);
	T_RUN(test_model_incomplete);
	T_RUN(test_doctype_not_expanded);
	T_RUN(test_undeclared_entity);
	T_RUN(test_missing_file);
	T_RUN(test_catalog_values);
	T_RUN(test_long_source_cut_at_character);
	T_RUN(test_catalog_duplicate);
	T_RUN(test_catalog_bad_reference);
	T_RUN(test_catalog_sockets_need_link);
	T_RUN(test_catalog_unit);
	T_RUN(test_catalog_missing_dir);
	T_RUN(test_profile_errors);
	return t_done();
}
