/* transformer.c -- FLOP and parameter counts of a decoder-only transformer.
 *
 * Layer structure: pre-norm attention (Q from hidden, K and V for kv_heads heads of
 * head_dim, output projection) and an MLP of width ffn (two matrices, or three when
 * gated), or `experts` such MLPs of which `topk` run per token plus a router.
 * Untied input embedding and output projection are both vocab x hidden. */
#include "models/transformer.h"

int transformer_head_dim(const model_arch *m)
{
	return m->heads > 0 ? m->hidden / m->heads : 0;
}

static double mlp_matrices(const model_arch *m)
{
	return m->gated ? 3.0 : 2.0;
}

static int active_experts(const model_arch *m)
{
	return m->experts > 1 ? m->topk : 1;
}

void transformer_layer_flops(const model_arch *m, int seq, layer_flops *out)
{
	double h = m->hidden, d = transformer_head_dim(m);
	double kv = 2.0 * m->kv_heads * d;
	out->qkv = 2.0 * h * (h + kv);
	out->attn_core = 4.0 * (double)seq * h;   /* QK^T and AV, full matrix */
	out->proj = 2.0 * h * h;
	out->mlp = 2.0 * mlp_matrices(m) * h * m->ffn * active_experts(m);
	out->router = m->experts > 1 ? 2.0 * h * m->experts : 0;
}

double transformer_layer_fwd_flops(const model_arch *m, int seq)
{
	layer_flops f;
	transformer_layer_flops(m, seq, &f);
	return f.qkv + f.attn_core + f.proj + f.mlp + f.router;
}

double transformer_logits_fwd_flops(const model_arch *m)
{
	return 2.0 * m->hidden * (double)m->vocab;
}

double transformer_train_flops_per_token(const model_arch *m, int seq)
{
	return 3.0 * (m->layers * transformer_layer_fwd_flops(m, seq) +
		      transformer_logits_fwd_flops(m));
}

static double attn_params(const model_arch *m)
{
	double h = m->hidden, d = transformer_head_dim(m);
	double kvw = (double)m->kv_heads * d;
	return h * (h + 2.0 * kvw) + (h + 2.0 * kvw)   /* QKV weight and bias */
	       + h * h + h;                          /* output projection */
}

double transformer_expert_params(const model_arch *m)
{
	double h = m->hidden, f = m->ffn;
	return mlp_matrices(m) * h * f + f + h;
}

double transformer_layer_params(const model_arch *m)
{
	int e = m->experts > 1 ? m->experts : 1;
	double router = m->experts > 1 ? (double)m->hidden * m->experts : 0;
	return attn_params(m) + e * transformer_expert_params(m) + router + 4.0 * m->hidden;
}

double transformer_layer_active_params(const model_arch *m)
{
	double router = m->experts > 1 ? (double)m->hidden * m->experts : 0;
	return attn_params(m) + active_experts(m) * transformer_expert_params(m) + router +
	       4.0 * m->hidden;
}

double transformer_embedding_params(const model_arch *m)
{
	return (double)m->vocab * m->hidden;
}

double transformer_params(const model_arch *m)
{
	return m->layers * transformer_layer_params(m) +
	       2.0 * transformer_embedding_params(m) + 2.0 * m->hidden;
}
