/* memory.c -- per-GPU training memory.
 *
 * Byte counts per parameter under mixed precision with Adam (Rajbhandari et al. 2020,
 * ZeRO): weights in the compute dtype (2 bytes for bf16/fp16, kept in bf16 for fp8
 * training), gradient buffers in fp32 (4) or the 16-bit type, fp32 master weights plus two
 * Adam moments (12). ZeRO-1 (and the distributed optimizer) shards the optimizer
 * states over data-parallel ranks, ZeRO-2 also the gradients, ZeRO-3 also weights. */
#include "models/memory.h"

#include <math.h>
#include "models/transformer.h"

static double weight_bytes(hw_dtype dt)
{
	return dt == DT_FP8 || dt == DT_FP4 ? 2.0 : hw_dtype_bytes(dt);
}

double memory_layer_activation_B(const train_cfg *t, const parallel_cfg *p)
{
	const model_arch *m = &t->model;
	double s = (double)t->seq_len / p->cp, b = p->microbatch, h = m->hidden;
	double tp = p->tp, a = m->heads;
	double kvh = (double)m->kv_heads * transformer_head_dim(m);
	double f = m->ffn * (m->experts > 1 ? m->topk : 1);
	double sp = p->sequence_parallel && p->tp > 1 ? tp : 1.0;

	if (p->recompute == RECOMPUTE_FULL)
		return 2.0 * s * b * h / sp; /* only the layer input is kept */

	/* Korthikanti et al. 2022, Sec. 4.1, per layer in 16-bit with dropout masks:
	 * attention 11sbh + 5as^2b, MLP 19sbh, two layer norms 4sbh. Parts that
	 * are sharded by tensor parallelism divide by tp; the norm and dropout parts
	 * divide by tp only with sequence parallelism. */
	double attn_tp = 2.0 * s * b * h          /* Q */
			 + 2.0 * 2.0 * s * b * kvh  /* K and V (GQA: kv heads only) */
			 + 2.0 * s * b * h;         /* attention output, input of proj */
	double attn_rep = 2.0 * s * b * h + s * b * h; /* QKV input, proj dropout mask */
	double scores = 5.0 * a * s * s * b;     /* softmax, its mask and output */
	double mlp_tp = 2.0 * s * b * f * (m->gated ? 2.0 : 1.0) /* act input(s) */
			+ 2.0 * s * b * f;                        /* act output */
	double mlp_rep = 2.0 * s * b * h + s * b * h; /* MLP input, dropout mask */
	double norms = 4.0 * s * b * h;

	double bytes = (attn_tp + mlp_tp) / tp + (attn_rep + mlp_rep + norms) / sp;
	if (p->recompute == RECOMPUTE_NONE)
		bytes += scores / tp;
	return bytes;
}

static double inflight(const train_cfg *t, const parallel_cfg *p)
{
	double m = (double)t->global_batch / ((double)p->dp * p->microbatch);
	double pp = p->pp, v = p->virtual_stages > 0 ? p->virtual_stages : 1;
	switch (p->schedule) {
	case SCHED_GPIPE:
		return m;
	case SCHED_INTERLEAVED:
		/* Narayanan et al. 2021: the first stage holds pp microbatches
		 * of its layers times (1 + (pp - 1) / (pp v)). */
		return pp * (1.0 + (pp - 1.0) / (pp * v)) < m ?
		       pp * (1.0 + (pp - 1.0) / (pp * v)) : m;
	case SCHED_1F1B:
	case SCHED_ZERO_BUBBLE:
	default:
		return pp < m ? pp : m;
	}
}

void memory_per_gpu(const train_cfg *t, const parallel_cfg *p, double reserve_B,
		    mem_breakdown *out)
{
	const model_arch *m = &t->model;
	double dp = p->dp, tp = p->tp, pp = p->pp;
	double ep = p->ep > 0 ? p->ep : 1;
	/* the most loaded stage when the layers do not divide evenly */
	double vs = p->schedule == SCHED_INTERLEAVED && p->virtual_stages > 1 ? p->virtual_stages : 1;
	double layers_per_stage = ceil((double)m->layers / (pp * vs)) * vs;
	double dense = transformer_layer_params(m);
	if (m->experts > 1) {
		/* experts are sharded over ep as well as tp */
		double experts = m->experts * transformer_expert_params(m);
		dense = dense - experts + experts / ep;
	}
	/* The first stage holds the input embedding, the last the output layer;
	 * when pp == 1 one GPU holds both. */
	double emb = transformer_embedding_params(m) * (pp == 1 ? 2.0 : 1.0);
	double params = (layers_per_stage * dense + emb) / tp;

	double wb = weight_bytes(t->compute);
	double weights = params * wb, opt = params * 12.0;
	double grads = params * (p->grad_reduce_fp32 ? 4.0 : wb);
	int zero = p->zero;
	if (p->distributed_optimizer && zero < 1)
		zero = 1;
	if (zero >= 1)
		opt /= dp;
	if (zero >= 2)
		grads /= dp;
	if (zero >= 3)
		weights /= dp;

	double nmb = inflight(t, p);
	double act = memory_layer_activation_B(t, p) * layers_per_stage * nmb;
	/* Embedding output and its dropout mask on the first stage. */
	double sb = (double)t->seq_len / p->cp * p->microbatch;
	double sp = p->sequence_parallel && p->tp > 1 ? tp : 1.0;
	act += 3.0 * sb * m->hidden / sp * nmb;
	if (pp == 1)  /* logits in 16-bit and fp32 for the loss, one microbatch */
		act += 6.0 * sb * m->vocab / tp;

	out->weights_B = weights;
	out->grads_B = grads;
	out->optimizer_B = opt;
	out->activations_B = act;
	out->reserve_B = reserve_B;
	out->inflight_microbatches = nmb;
	out->total_B = weights + grads + opt + act + reserve_B;
}
