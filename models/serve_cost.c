/* serve_cost.c -- serving iteration time from the roofline. Pipeline parallelism
 * keeps pp microbatches in flight, so a whole iteration costs pp stage passes of
 * 1/pp of the batch each: layers x layer time at 1/pp of the tokens. */
#include "models/serve_cost.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static double max2(double a, double b)
{
	return a > b ? a : b;
}

/* A profile figure from the GPU's entry, else from the "*" entry, else 0. */
static double prof_value(const profile *prof, const char *gpu, size_t off)
{
	const profile_gpu *e = profile_for(prof, gpu);
	double v = e ? *(const double *)(const void *)((const char *)e + off) : 0;
	if (v <= 0 && (e = profile_for(prof, "*")))
		v = *(const double *)(const void *)((const char *)e + off);
	return v;
}

int serve_cost_init(serve_cost *c, const model_arch *m, const hw_gpu *gpu,
		    const profile *prof, hw_dtype compute, double kv_bytes, int tp, int pp,
		    const coll_comm *tpc, const coll_comm *ppc, char *err, size_t errlen)
{
	serve_cost s;
	memset(&s, 0, sizeof s);
	if (gpu_model_init(&s.gemm, gpu, prof, compute, err, errlen) != 0)
		return -1;
	/* attention runs in 16-bit, or in FP8 over an FP8 cache where the GPU has FP8
	 * tensor cores (TensorRT-LLM's FP8 context FMHA); the profile's attention
	 * efficiency is a fraction of that precision's peak */
	hw_dtype adt = gpu->peak_flops[DT_BF16] > 0 ? DT_BF16 :
		       gpu->peak_flops[DT_FP16] > 0 ? DT_FP16 : compute;
	if (kv_bytes <= 1.0 && gpu->peak_flops[DT_FP8] > 0)
		adt = DT_FP8;
	if (gpu_model_init(&s.attn, gpu, prof, adt, err, errlen) != 0)
		return -1;
	s.m = m;
	s.tp = tp;
	s.pp = pp;
	s.w_bytes = hw_dtype_bytes(compute);
	s.kv_bytes = kv_bytes;
	double eff = prof_value(prof, gpu->id, offsetof(profile_gpu, serve_hbm_eff));
	s.read_Bps = gpu->mem_bw_Bps * (eff > 0 ? eff : s.gemm.hbm_Bps / gpu->mem_bw_Bps);
	double gs = prof_value(prof, gpu->id, offsetof(profile_gpu, serve_gemm_eff));
	s.gemm_scale = gs > 0 ? gs : 1.0;
	s.iter_ns = prof_value(prof, gpu->id, offsetof(profile_gpu, serve_iter_ns));
	s.layer_ns = prof_value(prof, gpu->id, offsetof(profile_gpu, serve_layer_ns));
	if (tpc)
		s.tpc = *tpc;
	if (ppc)
		s.ppc = *ppc;
	double h = m->hidden, d = transformer_head_dim(m);
	double kvh = (double)m->kv_heads / tp;
	if (kvh < 1)
		kvh = 1;
	s.experts = m->experts > 1 ? m->experts : 1;
	s.topk = m->experts > 1 ? m->topk : 1;
	double expert_p = transformer_expert_params(m);
	double attn_p = transformer_layer_params(m) - s.experts * expert_p;
	s.attn_w_B = attn_p * s.w_bytes / tp;
	s.expert_w_B = expert_p * s.w_bytes / tp;
	s.lin_flops_tok = 2.0 * transformer_layer_active_params(m) / tp;
	s.kv_tok_B = 2.0 * kvh * d * kv_bytes;
	s.attn_flops_pair = 4.0 * h / tp;
	/* Estimate: 16-bit activations in and out of the linear layers (hidden x 4,
	 * the MLP's inner width x 3), written and read once each. */
	s.act_tok_B = (4.0 * h + 3.0 * (double)m->ffn * s.topk) / tp * 2.0;
	for (int i = 0; tp > 1 && i <= 4 * SERVE_AR_OCTAVES; i++) {
		coll_algo a;
		coll_proto p;
		double n = pow(2.0, i / 4.0);
		double t = coll_choose(&s.tpc, COLL_ALLREDUCE, n * h * 2.0, -1, &a, &p);
		s.ar_ns[i] = t > 0 ? t : 0;
	}
	*c = s;
	return 0;
}

/* One layer on one GPU for n tokens, with attention aggregates already scaled. */
static void layer_parts(const serve_cost *c, double n, double dec_ctx, double pre_pairs,
			double pre_ctx, serve_parts *o)
{
	const model_arch *m = c->m;
	double experts_read = n * c->topk < c->experts ? n * c->topk : c->experts;
	double w_B = c->attn_w_B + experts_read * c->expert_w_B;
	double flops = n * c->lin_flops_tok;
	double eff = c->gemm_scale * gpu_gemm_eff(&c->gemm, n, m->hidden, (double)m->hidden / c->tp);
	double t_lin = max2(flops / (c->gemm.peak_flops * eff),
			    (w_B + n * c->act_tok_B) / c->read_Bps);
	double apeak = c->attn.peak_flops * c->attn.attn_eff;
	double t_dec = dec_ctx > 0 ? max2(dec_ctx * c->attn_flops_pair / apeak,
					  dec_ctx * c->kv_tok_B / c->read_Bps) : 0;
	double t_pre = pre_pairs > 0 ? max2(pre_pairs * c->attn_flops_pair / apeak,
					    pre_ctx * c->kv_tok_B / c->read_Bps) : 0;
	double t_ar = 0;
	if (c->tp > 1) {
		/* after attention and after the MLP */
		double x = n > 1 ? 4.0 * log2(n) : 0;
		int i = (int)x;
		if (i >= 4 * SERVE_AR_OCTAVES)
			t_ar = 2.0 * c->ar_ns[4 * SERVE_AR_OCTAVES] * n / pow(2.0, SERVE_AR_OCTAVES) * 1e-9;
		else
			t_ar = 2.0 * (c->ar_ns[i] + (x - i) * (c->ar_ns[i + 1] - c->ar_ns[i])) * 1e-9;
	}
	o->linear_ns = 1e9 * t_lin;
	o->attn_ns = 1e9 * (t_dec + t_pre);
	o->comm_ns = 1e9 * t_ar;
	o->overhead_ns = c->layer_ns;
}

void serve_iter_parts(const serve_cost *c, const serve_batch *b, serve_parts *out)
{
	const model_arch *m = c->m;
	double f = 1.0 / c->pp;
	serve_parts l;
	memset(out, 0, sizeof *out);
	if (b->tokens <= 0)
		return;
	layer_parts(c, b->tokens * f, b->decode_ctx * f, b->prefill_pairs * f,
		    b->prefill_ctx * f, &l);
	out->linear_ns = m->layers * l.linear_ns;
	out->attn_ns = m->layers * l.attn_ns;
	out->comm_ns = m->layers * l.comm_ns;
	out->overhead_ns = m->layers * l.overhead_ns + c->iter_ns;
	/* output projection of the sampled sequences, on the last stage */
	double ns = b->sampled * f;
	if (ns > 0) {
		double flops = ns * 2.0 * m->hidden * (double)m->vocab / c->tp;
		double bytes = (double)m->hidden * m->vocab / c->tp * c->w_bytes;
		double eff = c->gemm_scale * gpu_gemm_eff(&c->gemm, ns, (double)m->vocab / c->tp, m->hidden);
		out->linear_ns += c->pp * 1e9 * max2(flops / (c->gemm.peak_flops * eff),
						     bytes / c->read_Bps);
	}
	if (c->pp > 1) {
		coll_algo a;
		coll_proto p;
		double t = coll_choose(&c->ppc, COLL_SENDRECV, b->tokens * f * m->hidden * 2.0,
				       -1, &a, &p);
		if (t > 0)
			out->comm_ns += (c->pp - 1) * t;
	}
}

double serve_iter_ns(const serve_cost *c, const serve_batch *b)
{
	serve_parts p;
	serve_iter_parts(c, b, &p);
	return p.linear_ns + p.attn_ns + p.comm_ns + p.overhead_ns;
}
