/* test_step.c -- the step simulation's properties on hand-made hardware: pipeline
 * bubbles of each schedule against their closed forms, overlap of data-parallel
 * reduction with backward, agreement with the analytic evaluator, determinism. */
#include "models/step.h"
#include "models/transformer.h"
#include "tests/t.h"

#include <string.h>

static hw_gpu gpu;
static hw_node node;
static hw_scaleup su;
static hw_nic nic;
static hw_fabric fab;
static profile prof;
static cluster_nodes grp;
static cluster_scaleout so;
static gpu_model gm;

static void setup(void)
{
	memset(&gpu, 0, sizeof gpu);
	strcpy(gpu.id, "test-gpu");
	gpu.memory_B = 80e9;
	gpu.mem_bw_Bps = 2e12;
	gpu.peak_flops[DT_BF16] = 300e12;
	memset(&su, 0, sizeof su);
	su.kind = SCALEUP_NVSWITCH; su.bw_Bps = 300e9; su.domain_gpus = 8;
	memset(&nic, 0, sizeof nic);
	nic.rate_bps = 200e9;
	memset(&node, 0, sizeof node);
	strcpy(node.id, "test-node");
	node.gpus = 8; node.nics = 8;
	memset(&fab, 0, sizeof fab);
	fab.rate_bps = 200e9;
	memset(&prof, 0, sizeof prof);
	prof.ngpus = 1;
	profile_gpu *e = &prof.gpus[0];
	strcpy(e->gpu, "*");
	e->gemm_eff[DT_BF16] = 0.8;
	e->gemm_half_dim = 0;
	e->attn_eff = 0.5;
	e->hbm_eff = 0.8;
	for (int i = 0; i < LINK_CLASS_COUNT; i++) {
		e->link[i].bw_eff = 0.9;
		e->link[i].alpha_ns = 1000;
	}
	grp.node = &node; grp.gpu = &gpu; grp.scaleup = &su; grp.nic = &nic; grp.count = 64;
	memset(&so, 0, sizeof so);
	so.fabric = &fab;
	char err[256];
	T_CHECK(gpu_model_init(&gm, &gpu, &prof, DT_BF16, err, sizeof err) == 0);
}

static train_cfg cfg(int layers, int vocab, int gbs)
{
	train_cfg t;
	memset(&t, 0, sizeof t);
	t.model.layers = layers; t.model.hidden = 4096; t.model.heads = 32;
	t.model.kv_heads = 32; t.model.ffn = 16384; t.model.vocab = vocab;
	t.seq_len = 2048;
	t.global_batch = gbs;
	t.compute = DT_BF16;
	return t;
}

static parallel_cfg par(int tp, int pp, int dp, pipe_schedule s, int v)
{
	parallel_cfg p;
	memset(&p, 0, sizeof p);
	p.tp = tp; p.pp = pp; p.dp = dp; p.cp = 1; p.ep = 1; p.microbatch = 1;
	p.schedule = s; p.virtual_stages = v; p.sequence_parallel = tp > 1;
	p.overlap_grad_reduce = 1; p.overlap_p2p = 1;
	return p;
}

static int sim(const train_cfg *t, parallel_cfg p, step_result *r)
{
	train_layout lay;
	char err[256];
	if (layout_build(&grp, &so, gm.eff, &p, &lay, err, sizeof err) != 0)
		return -1;
	step_input in = { t, p, &gm, &lay, STEP_DP_BUCKET_PARAMS, NULL, NULL, NULL, NULL, 0 };
	int rc = step_simulate(&in, r, err, sizeof err);
	if (rc)
		printf("  step_simulate: %s\n", err);
	return rc;
}

static double analytic(const train_cfg *t, parallel_cfg p)
{
	train_layout lay;
	char err[256];
	layout_build(&grp, &so, gm.eff, &p, &lay, err, sizeof err);
	step_input in = { t, p, &gm, &lay, STEP_DP_BUCKET_PARAMS, NULL, NULL, NULL, NULL, 0 };
	return step_analytic_s(&in);
}

static void test_no_pipeline_matches_analytic(void)
{
	setup();
	train_cfg t = cfg(8, 32000, 16);
	step_result r;
	T_CHECK(sim(&t, par(8, 1, 1, SCHED_1F1B, 1), &r) == 0);
	T_NEAR(r.step_s, analytic(&t, par(8, 1, 1, SCHED_1F1B, 1)), 0.01);
	T_NEAR(r.compute_s + r.exposed_comm_s + r.bubble_s + r.other_s, r.step_s, 1e-6);
	T_CHECK(r.bubble_s < 1e-3 * r.step_s);
}

static void test_1f1b_bubble(void)
{
	setup();
	/* tiny vocabulary so all stages cost the same */
	train_cfg t = cfg(16, 8, 8);
	step_result r;
	int pp = 4, m = 8;
	T_CHECK(sim(&t, par(8, pp, 1, SCHED_1F1B, 1), &r) == 0);
	/* Narayanan et al. 2021: bubble fraction (p - 1) / (m + p - 1) of the step */
	double expect = (pp - 1.0) / (m + pp - 1.0);
	T_NEAR(r.bubble_s / r.step_s, expect, 0.10);
	T_NEAR(r.step_s, analytic(&t, par(8, pp, 1, SCHED_1F1B, 1)), 0.05);
	step_result g;
	T_CHECK(sim(&t, par(8, pp, 1, SCHED_GPIPE, 1), &g) == 0);
	T_NEAR(g.step_s, r.step_s, 0.02);
}

static void test_interleaved_and_zero_bubble(void)
{
	setup();
	train_cfg t = cfg(16, 8, 8);
	step_result a, b, z;
	T_CHECK(sim(&t, par(8, 4, 1, SCHED_1F1B, 1), &a) == 0);
	T_CHECK(sim(&t, par(8, 4, 1, SCHED_INTERLEAVED, 2), &b) == 0);
	T_CHECK(sim(&t, par(8, 4, 1, SCHED_ZERO_BUBBLE, 1), &z) == 0);
	/* interleaving with v chunks divides the bubble by about v */
	T_NEAR(b.bubble_s, a.bubble_s / 2.0, 0.25);
	T_CHECK(b.step_s < a.step_s);
	T_CHECK(z.step_s < a.step_s);
	T_CHECK(z.bubble_s < a.bubble_s);
}

static void test_dp_overlap(void)
{
	setup();
	train_cfg t = cfg(8, 32000, 16);
	step_result slow, fast;
	T_CHECK(sim(&t, par(8, 1, 2, SCHED_1F1B, 1), &slow) == 0);
	/* some of the reduction hides behind the last backward */
	T_CHECK(slow.dp_comm_s > 0);
	T_CHECK(slow.exposed_comm_s - slow.tp_comm_s < slow.dp_comm_s);
	/* with a network 16x faster, buckets hide almost entirely */
	nic.rate_bps = fab.rate_bps = 3200e9;
	T_CHECK(sim(&t, par(8, 1, 2, SCHED_1F1B, 1), &fast) == 0);
	T_CHECK(fast.exposed_comm_s - fast.tp_comm_s < 0.3 * fast.dp_comm_s);
	T_CHECK(fast.step_s < slow.step_s);
	/* without overlap the whole reduction is exposed after backward */
	parallel_cfg p = par(8, 1, 2, SCHED_1F1B, 1);
	p.overlap_grad_reduce = 0;
	step_result none;
	T_CHECK(sim(&t, p, &none) == 0);
	T_NEAR(none.exposed_comm_s - none.tp_comm_s, none.dp_comm_s, 0.01);
	T_CHECK(none.step_s > fast.step_s);
}

static void test_blocking_p2p(void)
{
	setup();
	train_cfg t = cfg(16, 8, 8);
	parallel_cfg p = par(8, 4, 1, SCHED_1F1B, 1);
	step_result async, sync;
	T_CHECK(sim(&t, p, &async) == 0);
	p.overlap_p2p = 0;
	T_CHECK(sim(&t, p, &sync) == 0);
	/* sends on the compute stream cost every stage its own send time */
	T_CHECK(sync.step_s > async.step_s);
	T_CHECK(sync.exposed_comm_s > async.exposed_comm_s);
}

/* Without gradient-accumulation fusion every microbatch streams its weight
 * gradients into the main gradients: 2 + 2 x 2 bytes a parameter with 16-bit main
 * gradients, 2 + 2 x 4 in fp32, over the GPU's HBM (2 TB/s x 0.8 here). */
static void test_unfused_grad_accum(void)
{
	setup();
	train_cfg t = cfg(8, 32000, 16);
	parallel_cfg p = par(8, 1, 1, SCHED_1F1B, 1);
	step_result fused, half, full;
	T_CHECK(sim(&t, p, &fused) == 0);
	p.unfused_grad_accum = 1;
	T_CHECK(sim(&t, p, &half) == 0);
	T_NEAR(half.step_s, analytic(&t, p), 0.01);
	p.grad_reduce_fp32 = 1;
	T_CHECK(sim(&t, p, &full) == 0);
	double params = (8 * transformer_layer_params(&t.model) +
			 2.0 * transformer_embedding_params(&t.model)) / 8;
	double hbm = 2e12 * 0.8, nmb = 16;
	T_NEAR(half.step_s - fused.step_s, nmb * 6.0 * params / hbm, 1e-3);
	/* fp32 main gradients: 10 bytes a parameter, and the fp32 all-reduce is
	 * single-GPU here (DP 1), so only the accumulation differs */
	T_NEAR(full.step_s - fused.step_s, nmb * 10.0 * params / hbm, 1e-3);
}

static void test_deterministic(void)
{
	setup();
	train_cfg t = cfg(16, 32000, 32);
	step_result a, b;
	T_CHECK(sim(&t, par(8, 4, 2, SCHED_INTERLEAVED, 2), &a) == 0);
	T_CHECK(sim(&t, par(8, 4, 2, SCHED_INTERLEAVED, 2), &b) == 0);
	T_CHECK(memcmp(&a, &b, sizeof a) == 0);
}

int main(void)
{
	T_RUN(test_no_pipeline_matches_analytic);
	T_RUN(test_1f1b_bubble);
	T_RUN(test_interleaved_and_zero_bubble);
	T_RUN(test_dp_overlap);
	T_RUN(test_blocking_p2p);
	T_RUN(test_unfused_grad_accum);
	T_RUN(test_deterministic);
	return t_done();
}
