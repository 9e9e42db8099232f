/* test_serve.c -- the serving model: KV page accounting and sizing, percentiles,
 * the request streams (Poisson count, length draws, seeds), the iteration cost's
 * roofline regimes, preemption and rejection, determinism, the replica search, and
 * the <inference> and trace-file loaders' errors. */
#include "models/kvcache.h"
#include "models/load.h"
#include "models/serve.h"
#include "models/serve_plan.h"
#include "scenarios/catalog.h"
#include "scenarios/profile_load.h"
#include "scenarios/scenario.h"
#include "scenarios/serve_load.h"
#include "sim/run_serve.h"
#include "tests/t.h"

#include <stdlib.h>
#include <string.h>

static catalog *cat;
static profile prof;
static char err[2048];

static const char *src(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", CAPSIM_SRCDIR, rel);
	return buf;
}

/* A node group of one `node` for the plan builder. */
static cluster_nodes group(const char *node)
{
	cluster_nodes g;
	memset(&g, 0, sizeof g);
	g.node = catalog_node(cat, node);
	g.gpu = catalog_gpu(cat, g.node->gpu);
	g.scaleup = catalog_scaleup(cat, g.node->scaleup);
	g.nic = catalog_nic(cat, g.node->nic);
	g.count = 1;
	return g;
}

static infer_cfg cfg(const char *model, hw_dtype dt, int in, int out)
{
	infer_cfg c;
	memset(&c, 0, sizeof c);
	c.model = *catalog_model(cat, model);
	c.compute = c.weights = dt;
	c.kv = dt == DT_FP8 ? DT_FP8 : DT_FP16;
	c.tp = c.pp = c.replicas = 1;
	c.max_batch = 256;
	c.max_tokens = 8192;
	c.mem_util = 0.9;
	c.load.arrival = ARRIVAL_POISSON;
	c.load.mode = RATE_FIXED;
	c.load.rate_per_s = 5;
	c.load.duration_s = 60;
	c.load.in.a = in;
	c.load.out.a = out;
	c.load.seed = 7;
	return c;
}

static void test_kv_blocks(void)
{
	T_EQ_INT(kv_blocks_for(0), 0);
	T_EQ_INT(kv_blocks_for(1), 1);
	T_EQ_INT(kv_blocks_for(16), 1);
	T_EQ_INT(kv_blocks_for(17), 2);
	T_EQ_INT(kv_blocks_for(1024), 64);
	kv_pool p;
	kv_pool_init(&p, 10);
	T_EQ_INT(kv_alloc(&p, 4), 0);
	T_EQ_INT(kv_alloc(&p, 6), 0);
	T_EQ_INT(p.free, 0);
	T_EQ_INT(kv_alloc(&p, 1), -1);  /* full: unchanged */
	T_EQ_INT(p.free, 0);
	kv_release(&p, 4);
	T_EQ_INT(p.free, 4);
	T_EQ_INT(p.peak_used, 10);
	T_EQ_INT(kv_alloc(&p, 5), -1);
	T_EQ_INT(p.free, 4);
}

static void test_kv_sizing(void)
{
	const model_arch *m = catalog_model(cat, "llama2-70b");
	kv_plan k;
	T_EQ_INT(kv_plan_build(m, 1, 1, 4, 1, 80e9, 0.9, 5e9, 8192, 256, &k, err, sizeof err), 0);
	/* K and V, 80 layers, 8 KV heads over TP4, head dim 128, 1 byte */
	T_NEAR(k.kv_per_token_B, 2.0 * 80 * 2 * 128, 1e-12);
	T_NEAR(k.weights_B, transformer_params(m) / 4, 1e-12);
	T_NEAR(k.kv_B, 72e9 - k.weights_B - k.workspace_B - 5e9, 1e-12);
	T_EQ_INT(k.blocks, (long)(k.kv_B / (k.kv_per_token_B * 16)));
	/* fewer KV heads than TP ranks: each rank keeps one */
	kv_plan k16;
	T_EQ_INT(kv_plan_build(m, 1, 1, 16, 1, 80e9, 0.9, 5e9, 8192, 256, &k16, err, sizeof err), 0);
	T_NEAR(k16.kv_per_token_B, 2.0 * 80 * 1 * 128, 1e-12);
	/* 405B in fp16 on one 80 GB GPU: no room */
	T_EQ_INT(kv_plan_build(catalog_model(cat, "llama3-405b"), 2, 2, 1, 1, 80e9, 0.9, 5e9, 8192,
			       256, &k, err, sizeof err), -1);
	T_CHECKF(strstr(err, "out of memory") != NULL, "%s", err);
	/* FP4 weights and cache halve FP8's bytes */
	kv_plan k4;
	T_EQ_INT(kv_plan_build(m, 0.5, 0.5, 4, 1, 80e9, 0.9, 5e9, 8192, 256, &k4, err, sizeof err), 0);
	T_NEAR(k4.kv_per_token_B, 0.5 * k.kv_per_token_B, 1e-12);
	T_NEAR(k4.weights_B, 0.5 * transformer_params(m) / 4, 1e-12);
}

static void test_percentiles(void)
{
	double v[] = { 1, 2, 3, 4, 5 };
	T_NEAR(serve_percentile(v, 5, 0.0), 1, 1e-12);
	T_NEAR(serve_percentile(v, 5, 0.25), 2, 1e-12);
	T_NEAR(serve_percentile(v, 5, 0.5), 3, 1e-12);
	T_NEAR(serve_percentile(v, 5, 0.9), 4.6, 1e-12);
	T_NEAR(serve_percentile(v, 5, 1.0), 5, 1e-12);
	T_NEAR(serve_percentile(v, 1, 0.99), 1, 1e-12);
	T_EQ_INT((long)serve_percentile(v, 0, 0.5), 0);
}

static void test_poisson_count(void)
{
	load_cfg l;
	req_stream rs;
	memset(&l, 0, sizeof l);
	l.arrival = ARRIVAL_POISSON;
	l.duration_s = 1000;
	l.in.kind = LEN_LOGNORMAL;
	l.in.a = 1024;
	l.in.b = 0.5;
	l.out.kind = LEN_UNIFORM;
	l.out.a = 8000;
	l.out.b = 32000;
	l.seed = 3;
	T_EQ_INT(load_generate(&l, 50, 0, 0, &rs, err, sizeof err), 0);
	/* 50000 expected, standard deviation 224: within 4 of them */
	T_CHECKF(labs(rs.n - 50000) < 900, "n = %ld", rs.n);
	double in = 0, out = 0;
	int sorted = 1, in_range = 1;
	for (long i = 0; i < rs.n; i++) {
		in += rs.in[i];
		out += rs.out[i];
		if (i && rs.arrival_ns[i] < rs.arrival_ns[i - 1])
			sorted = 0;
		if (rs.out[i] < 8000 || rs.out[i] > 32000)
			in_range = 0;
	}
	T_CHECK(sorted);
	T_CHECK(in_range);
	T_NEAR(in / rs.n, 1024, 0.02);
	T_NEAR(out / rs.n, 20000, 0.02);
	T_CHECK(rs.arrival_ns[rs.n - 1] < 1000000000000ULL);
	load_free(&rs);
	/* offline: all at time 0 */
	l.requests = 10;
	T_EQ_INT(load_generate(&l, 0, 1, 0, &rs, err, sizeof err), 0);
	T_EQ_INT(rs.n, 10);
	T_EQ_INT((long)rs.arrival_ns[9], 0);
	load_free(&rs);
}

static void test_len_parse(void)
{
	len_dist d;
	T_EQ_INT(load_parse_len("1024", "input-tokens", &d, err, sizeof err), 0);
	T_EQ_INT(d.kind, LEN_FIXED);
	T_EQ_INT(load_parse_len("lognormal(1024, 0.5)", "input-tokens", &d, err, sizeof err), 0);
	T_EQ_INT(d.kind, LEN_LOGNORMAL);
	T_NEAR(d.b, 0.5, 1e-12);
	T_EQ_INT(load_parse_len("uniform(8000,32000)", "output-tokens", &d, err, sizeof err), 0);
	T_EQ_INT(d.kind, LEN_UNIFORM);
	T_EQ_INT(load_parse_len("uniform(9, 3)", "output-tokens", &d, err, sizeof err), -1);
	T_EQ_INT(load_parse_len("12.5", "output-tokens", &d, err, sizeof err), -1);
	T_EQ_INT(load_parse_len("normal(3, 1)", "output-tokens", &d, err, sizeof err), -1);
	T_CHECKF(strstr(err, "output-tokens needs a token count") != NULL, "%s", err);
}

static void test_cost_regimes(void)
{
	cluster_nodes g = group("dell-xe9680");
	cluster_scaleout so;
	memset(&so, 0, sizeof so);
	infer_cfg c = cfg("llama3-8b", DT_FP8, 1024, 128);
	serve_plan p;
	T_EQ_INT(serve_plan_build(&c, &g, &so, &prof, 1, 1, &p, err, sizeof err), 0);
	/* decode at batch 1 is bound by the weight reads */
	serve_batch one = { 1, 1024, 0, 0, 1 };
	double w_B = transformer_params(&c.model) * 1.0;
	double t1 = serve_iter_ns(&p.cost, &one);
	/* (the input embedding is looked up, not read whole: 0.9 of the parameters) */
	T_CHECKF(t1 > 0.9e9 * w_B / p.cost.read_Bps, "t1 %.0f ns", t1);
	T_CHECKF(t1 < 1.3e9 * w_B / p.cost.read_Bps + p.cost.iter_ns + 32 * p.cost.layer_ns + 1e5,
		 "t1 %.0f ns", t1);
	/* a second sequence costs little: memory-bound */
	serve_batch two = { 2, 2048, 0, 0, 2 };
	T_CHECK(serve_iter_ns(&p.cost, &two) < 1.1 * t1);
	/* a long prefill is compute-bound: time grows with tokens */
	serve_batch pre = { 8192, 0, 8192.0 * 8193 / 2, 8192, 1 };
	serve_batch pre2 = { 16384, 0, 16384.0 * 16385 / 2, 16384, 1 };
	double tp1 = serve_iter_ns(&p.cost, &pre), tp2 = serve_iter_ns(&p.cost, &pre2);
	double flops = 8192 * 2.0 * transformer_params(&c.model);
	T_CHECKF(tp1 > 1e9 * flops / p.cost.gemm.peak_flops, "prefill %.0f ns", tp1);
	T_CHECK(tp2 > 1.9 * tp1);
	/* TP splits the work and adds all-reduces */
	serve_plan p4;
	T_EQ_INT(serve_plan_build(&c, &g, &so, &prof, 4, 1, &p4, err, sizeof err), 0);
	serve_parts parts;
	serve_iter_parts(&p4.cost, &pre, &parts);
	T_CHECK(parts.comm_ns > 0);
	T_CHECK(serve_iter_ns(&p4.cost, &pre) < 0.5 * tp1);
	/* heads must divide */
	T_EQ_INT(serve_plan_build(&c, &g, &so, &prof, 3, 1, &p4, err, sizeof err), -1);
}

static int run_cfg(const infer_cfg *c, const char *node, long kv_blocks, int replicas,
		   serve_stats *st)
{
	cluster_nodes g = group(node);
	cluster_scaleout so;
	memset(&so, 0, sizeof so);
	serve_plan p;
	serve_setup s;
	req_stream rs;
	if (serve_plan_build(c, &g, &so, &prof, c->tp, c->pp, &p, err, sizeof err) != 0)
		return -1;
	serve_setup_of(&p, c, replicas, &s);
	if (kv_blocks > 0)
		s.kv_blocks = kv_blocks;
	if (load_generate(&c->load, c->load.mode == RATE_MAX ? 0 : c->load.rate_per_s,
			  c->load.mode == RATE_MAX, 0, &rs, err, sizeof err) != 0)
		return -1;
	int rc = serve_run(&s, &rs, st, err, sizeof err);
	long out = 0;
	for (long i = 0; i < rs.n; i++)
		out += rs.out[i];
	if (rc == 0 && st->rejected == 0 && (long)st->output_tokens != out)
		rc = -2;
	load_free(&rs);
	return rc;
}

static void test_preemption(void)
{
	infer_cfg c = cfg("llama3-8b", DT_FP8, 512, 512);
	c.load.mode = RATE_MAX;
	c.load.requests = 200;
	serve_stats st;
	/* 400 pages = 6400 tokens: a handful of 1024-token sequences at a time */
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 400, 1, &st), 0);
	T_EQ_INT(st.completed, 200);
	T_EQ_INT(st.rejected, 0);
	T_CHECKF(st.preemptions > 0, "preemptions %ld", st.preemptions);
	T_CHECK(st.kv_util_peak > 0.9 && st.kv_util_peak <= 1.0);
	/* the same load with room for everyone never preempts */
	serve_stats big;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 1, &big), 0);
	T_EQ_INT(big.preemptions, 0);
	T_CHECK(big.throughput_tokens_per_s > st.throughput_tokens_per_s);
	/* a request longer than the whole cache is rejected, not hung */
	c.load.in.a = 8000;
	c.load.requests = 3;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 400, 1, &st), 0);
	T_EQ_INT(st.rejected, 3);
	T_EQ_INT(st.completed, 0);
}

static void test_determinism(void)
{
	infer_cfg c = cfg("llama3-8b", DT_FP8, 1, 1);
	c.load.in.kind = LEN_LOGNORMAL;
	c.load.in.a = 800;
	c.load.in.b = 0.7;
	c.load.out.kind = LEN_LOGNORMAL;
	c.load.out.a = 200;
	c.load.out.b = 0.7;
	c.load.rate_per_s = 20;
	c.lb = LB_RANDOM;
	serve_stats a, b, d;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 2, &a), 0);
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 2, &b), 0);
	T_EQ_INT(a.requests, b.requests);
	T_EQ_INT((long)a.events, (long)b.events);
	T_EQ_INT(a.iterations, b.iterations);
	T_CHECK(a.ttft_p99_s == b.ttft_p99_s && a.tpot_p50_s == b.tpot_p50_s &&
		a.e2e_p90_s == b.e2e_p90_s && a.makespan_s == b.makespan_s);
	T_CHECK(a.nseries == b.nseries &&
		memcmp(a.series, b.series, (size_t)a.nseries * sizeof a.series[0]) == 0);
	c.load.seed = 8;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 2, &d), 0);
	T_CHECK(d.ttft_p99_s != a.ttft_p99_s || d.requests != a.requests);
	T_NEAR(a.requests_per_s, 20, 0.1);
	/* the time series: shares within [0, 1], intervals covering the run */
	int ok = a.nseries > 0 && a.nseries * a.series_step_s >= a.makespan_s - 1e-9;
	double tokens = 0;
	for (int k = 0; k < a.nseries; k++) {
		const serve_sample *x = &a.series[k];
		ok &= x->gpu_util >= 0 && x->gpu_util <= 1 + 1e-9 && x->kv_util >= 0 && x->kv_util <= 1 + 1e-9;
		tokens += x->tokens_per_s * a.series_step_s;
	}
	T_CHECK(ok);
	T_NEAR(tokens, a.output_tokens, 1e-9);
}

static void test_batching(void)
{
	/* continuous batching beats static batches when lengths vary */
	infer_cfg c = cfg("llama3-8b", DT_FP8, 1, 1);
	c.load.in.kind = LEN_LOGNORMAL;
	c.load.in.a = 512;
	c.load.in.b = 0.8;
	c.load.out.kind = LEN_LOGNORMAL;
	c.load.out.a = 256;
	c.load.out.b = 1.0;
	c.load.mode = RATE_MAX;
	c.load.requests = 1000;
	serve_stats cont, stat;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 1, &cont), 0);
	c.sched = BATCH_STATIC;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 1, &stat), 0);
	T_CHECKF(cont.throughput_tokens_per_s > 1.2 * stat.throughput_tokens_per_s,
		 "continuous %.0f static %.0f", cont.throughput_tokens_per_s, stat.throughput_tokens_per_s);
	/* chunked prefill keeps decode steps short next to long prompts */
	c.sched = BATCH_CONTINUOUS;
	c.load.mode = RATE_FIXED;
	c.load.rate_per_s = 10;
	c.load.in.kind = LEN_FIXED;
	c.load.in.a = 6000;
	serve_stats whole, chunked;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 1, &whole), 0);
	c.chunk = 512;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 1, &chunked), 0);
	T_CHECKF(chunked.tpot_p99_s < whole.tpot_p99_s, "chunked %.4f whole %.4f",
		 chunked.tpot_p99_s, whole.tpot_p99_s);
}

static void test_replica_search(void)
{
	infer_cfg c = cfg("llama3-8b", DT_FP8, 1024, 256);
	c.replicas = PAR_AUTO;
	c.load.rate_per_s = 30;
	c.load.duration_s = 60;
	c.slo.ttft_p99_s = 1.0;
	c.slo.tpot_p99_s = 0.03;
	cluster_nodes g = group("dell-xe9680");
	cluster_scaleout so;
	memset(&so, 0, sizeof so);
	serve_answer a;
	T_EQ_INT(serve_solve(&c, &g, &so, &prof, 8, &a, err, sizeof err), 0);
	T_CHECK(a.slo_met);
	T_CHECK(a.replicas >= 1 && a.replicas <= 8);
	if (a.replicas > 1) {
		/* one fewer replica misses the SLO */
		serve_stats st;
		T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, a.replicas - 1, &st), 0);
		T_CHECK(!serve_slo_met(&c.slo, &st));
	}
	/* rate auto: the answer meets the SLO, a faster rate does not */
	c.replicas = 1;
	c.load.mode = RATE_AUTO;
	T_EQ_INT(serve_solve(&c, &g, &so, &prof, 8, &a, err, sizeof err), 0);
	T_CHECK(a.slo_met && a.rate_per_s > 0);
	c.load.mode = RATE_FIXED;
	c.load.rate_per_s = a.rate_per_s * 1.3;
	serve_stats st;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 1, &st), 0);
	T_CHECK(!serve_slo_met(&c.slo, &st));
}

static void test_layout_auto(void)
{
	/* Llama 2 70B at 10 requests/s on one XE9680: the fewest GPUs meeting the SLO */
	infer_cfg c = cfg("llama2-70b", DT_FP8, 1024, 256);
	c.tp = PAR_AUTO;
	c.replicas = PAR_AUTO;
	c.load.rate_per_s = 10;
	c.slo.ttft_p99_s = 2;
	c.slo.tpot_p99_s = 0.05;
	c.chunk = 512;
	cluster_nodes g = group("dell-xe9680");
	cluster_scaleout so;
	memset(&so, 0, sizeof so);
	serve_answer a;
	T_EQ_INT(serve_solve(&c, &g, &so, &prof, 8, &a, err, sizeof err), 0);
	T_CHECK(a.slo_met);
	T_EQ_INT(a.gpus, a.replicas * a.plan.tp);
	T_CHECK(a.layouts_tried >= 3);   /* TP1 does not fit 70B; TP2, 4, 8 do */
	/* every layout on fewer GPUs misses the SLO */
	for (int tp = 2; tp < a.gpus; tp *= 2) {
		serve_stats st;
		c.tp = tp;
		c.replicas = 1;
		if (run_cfg(&c, "dell-xe9680", 0, 1, &st) == 0)
			T_CHECKF(!serve_slo_met(&c.slo, &st), "TP%d x 1 meets it", tp);
	}
}

static void test_load_balancers(void)
{
	infer_cfg c = cfg("llama3-8b", DT_FP8, 1, 1);
	c.load.in.kind = c.load.out.kind = LEN_LOGNORMAL;
	c.load.in.a = 1024;
	c.load.in.b = 0.8;
	c.load.out.a = 300;
	c.load.out.b = 1.0;
	c.load.rate_per_s = 60;
	c.load.duration_s = 120;
	serve_stats rr, lo;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 4, &rr), 0);
	c.lb = LB_LEAST_OUTSTANDING;
	T_EQ_INT(run_cfg(&c, "dell-xe9680", 0, 4, &lo), 0);
	T_EQ_INT(rr.completed, lo.completed);
	/* joining the shortest queue evens out the long requests */
	T_CHECKF(lo.e2e_p99_s <= rr.e2e_p99_s, "least-outstanding %.3f s, round-robin %.3f s",
		 lo.e2e_p99_s, rr.e2e_p99_s);
}

static void test_trace_files(void)
{
	char path[1024];
	trace_req *t = NULL;
	long n = 0;
	T_EQ_INT(serve_trace_read(src("tests/data/serve/trace.csv", path, sizeof path), &t, &n, err,
				  sizeof err), 0);
	T_EQ_INT(n, 5);
	if (t) {
		T_EQ_INT(t[3].in, 2048);
		T_NEAR(t[4].arrival_s, 1.5, 1e-12);
	}
	free(t);
	T_EQ_INT(serve_trace_read(src("tests/data/serve/trace-bad-field.csv", path, sizeof path), &t,
				  &n, err, sizeof err), -1);
	T_CHECKF(strstr(err, "trace-bad-field.csv:3: expected arrival_s,input_tokens,output_tokens") != NULL,
		 "%s", err);
	T_EQ_INT(serve_trace_read(src("tests/data/serve/trace-unsorted.csv", path, sizeof path), &t,
				  &n, err, sizeof err), -1);
	T_CHECKF(strstr(err, "trace-unsorted.csv:3: arrival 1 s is before") != NULL, "%s", err);
	T_EQ_INT(serve_trace_read(src("tests/data/serve/trace-empty.csv", path, sizeof path), &t,
				  &n, err, sizeof err), -1);
	T_CHECKF(strstr(err, "holds no requests") != NULL, "%s", err);
	T_EQ_INT(serve_trace_read(src("tests/data/serve/nope.csv", path, sizeof path), &t, &n, err,
				  sizeof err), -1);
	T_CHECKF(strstr(err, "nope.csv: cannot read the trace") != NULL, "%s", err);
}

static void test_scenario_files(void)
{
	char path[1024];
	scenario *sc = NULL;
	int r = scenario_load(src("tests/data/serve/trace.xml", path, sizeof path), &sc, err, sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r == 0) {
		T_EQ_INT(sc->kind, WORK_INFERENCE);
		T_EQ_INT(sc->infer.load.arrival, ARRIVAL_TRACE);
		T_EQ_INT(sc->infer.load.ntrace, 5);
		T_EQ_INT(sc->infer.lb, LB_LEAST_OUTSTANDING);
		T_EQ_INT(sc->infer.kv, DT_FP8);
		infer_results o;
		T_EQ_INT(run_serve(sc, &o, err, sizeof err), 0);
		T_EQ_INT(o.completed, 5);
		T_EQ_INT(o.replicas, 2);
		scenario_free(sc);
	}
	sc = NULL;
	T_EQ_INT(scenario_load(src("tests/data/serve/trace-unsorted.xml", path, sizeof path), &sc, err,
			       sizeof err), -1);
	T_CHECKF(strstr(err, "trace-unsorted.xml:10: <load trace=\"trace-unsorted.csv\">") != NULL &&
		 strstr(err, "trace-unsorted.csv:3:") != NULL, "%s", err);
	T_EQ_INT(scenario_load(src("tests/data/serve/rate-auto-no-slo.xml", path, sizeof path), &sc,
			       err, sizeof err), -1);
	T_CHECKF(strstr(err, "rate-auto-no-slo.xml:8: <load rate=\"auto\">") != NULL, "%s", err);
	T_EQ_INT(scenario_load(src("tests/data/serve/bad-length.xml", path, sizeof path), &sc, err,
			       sizeof err), -1);
	T_CHECKF(strstr(err, "bad-length.xml:8: <load input-tokens=") != NULL, "%s", err);
	r = scenario_load(src("tests/data/serve/oom.xml", path, sizeof path), &sc, err, sizeof err);
	T_CHECKF(r == 0, "%s", err);
	if (r == 0) {
		T_EQ_INT(run_serve_validate(sc, err, sizeof err), -1);
		T_CHECKF(strstr(err, "oom.xml:9: <serving>: out of memory") != NULL, "%s", err);
		scenario_free(sc);
	}
}

int main(void)
{
	T_CHECKF(catalog_load_dir(catalog_default_dir(), &cat, err, sizeof err) == 0, "%s", err);
	T_CHECKF(profile_load(profile_default_path(), &prof, err, sizeof err) == 0, "%s", err);
	if (!cat)
		return t_done();
	T_RUN(test_kv_blocks);
	T_RUN(test_kv_sizing);
	T_RUN(test_percentiles);
	T_RUN(test_poisson_count);
	T_RUN(test_len_parse);
	T_RUN(test_cost_regimes);
	T_RUN(test_preemption);
	T_RUN(test_determinism);
	T_RUN(test_batching);
	T_RUN(test_replica_search);
	T_RUN(test_layout_auto);
	T_RUN(test_load_balancers);
	T_RUN(test_trace_files);
	T_RUN(test_scenario_files);
	catalog_free(cat);
	return t_done();
}
