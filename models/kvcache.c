/* kvcache.c -- KV cache sizing and page accounting. */
#include "models/kvcache.h"

#include <stdio.h>

int kv_plan_build(const model_arch *m, double w_bytes, double kv_bytes, int tp, int pp,
		  double mem_B, double util, double reserve_B, int max_tokens, int max_batch,
		  kv_plan *out, char *err, size_t errlen)
{
	kv_plan k;
	double d = transformer_head_dim(m);
	/* K/V heads split over TP; with fewer KV heads than TP ranks each rank keeps one */
	double kvh = (double)m->kv_heads / tp;
	if (kvh < 1)
		kvh = 1;
	double layers = (double)m->layers / pp;
	double ffn_tp = (double)m->ffn * (m->experts > 1 ? m->topk : 1) / tp;
	k.capacity_B = mem_B;
	k.budget_B = mem_B * util;
	k.weights_B = transformer_params(m) * w_bytes / ((double)tp * pp);
	/* Estimate: one iteration's live activations in 16-bit (hidden in and out, QKV,
	 * the MLP's gate and up outputs) plus fp32 logits of every sampled sequence, as
	 * vLLM's profiling forward pass at max_num_batched_tokens measures them. */
	k.workspace_B = (double)max_tokens * (4.0 * m->hidden / tp + 3.0 * ffn_tp) * 2.0 +
			(double)max_batch * m->vocab / tp * 4.0;
	k.reserve_B = reserve_B;
	k.kv_B = k.budget_B - k.weights_B - k.workspace_B - k.reserve_B;
	k.kv_per_token_B = 2.0 * layers * kvh * d * kv_bytes;
	k.blocks = k.kv_B > 0 ? (long)(k.kv_B / (k.kv_per_token_B * KV_BLOCK_TOKENS)) : 0;
	if (k.blocks < 1) {
		snprintf(err, errlen, "out of memory: %s on TP%d PP%d needs %.1f GB of weights, %.1f GB "
			 "workspace and %.1f GB reserve per GPU, but %.0f%% of %.1f GB leaves no room for "
			 "the KV cache; raise tp/pp or use a smaller precision",
			 m->id[0] ? m->id : "the model", tp, pp, k.weights_B / 1e9, k.workspace_B / 1e9,
			 k.reserve_B / 1e9, 100.0 * util, mem_B / 1e9);
		return -1;
	}
	*out = k;
	return 0;
}

long kv_blocks_for(long tokens)
{
	return tokens <= 0 ? 0 : (tokens + KV_BLOCK_TOKENS - 1) / KV_BLOCK_TOKENS;
}

void kv_pool_init(kv_pool *p, long blocks)
{
	p->total = p->free = blocks;
	p->peak_used = 0;
}

int kv_alloc(kv_pool *p, long n)
{
	if (n > p->free)
		return -1;
	p->free -= n;
	if (p->total - p->free > p->peak_used)
		p->peak_used = p->total - p->free;
	return 0;
}

void kv_release(kv_pool *p, long n)
{
	p->free += n;
	if (p->free > p->total)
		p->free = p->total;
}
