/* transformer.h -- a decoder-only transformer's shape and its FLOP and parameter
 * counts per layer and per token.
 *
 * Invariant: counts are exact functions of the shape; a FLOP is one multiply or one
 * add (a multiply-add is 2 FLOPs). Nothing here knows about GPUs or parallelism. */
#ifndef CAPSIM_TRANSFORMER_H
#define CAPSIM_TRANSFORMER_H

#include "models/hw.h"

typedef struct {
	char id[HW_ID_LEN];
	int layers;
	int hidden;
	int heads;
	int kv_heads;             /* == heads without GQA */
	int ffn;                  /* MLP inner width */
	int vocab;
	int gated;                /* 1: SwiGLU-style MLP with three matrices */
	int experts;              /* 0 or 1: dense; >1: MoE routed experts */
	int topk;                 /* experts per token */
	double stated_params;     /* parameter count as published, 0 if none */
	char source[HW_SOURCE_LEN];
} model_arch;

/* Per-token FLOPs of one layer's forward pass, split by kind, for a sequence of
 * `seq` tokens. Attention counts the full (non-causal) score matrix, as MFU
 * conventions do (Narayanan et al. 2021; Chowdhery et al. 2022). */
typedef struct {
	double qkv, attn_core, proj, mlp, router; /* FLOPs per token */
} layer_flops;

void transformer_layer_flops(const model_arch *m, int seq, layer_flops *out);
/* Forward FLOPs per token of one whole layer. */
double transformer_layer_fwd_flops(const model_arch *m, int seq);
/* Forward FLOPs per token of the output logits (once per model). */
double transformer_logits_fwd_flops(const model_arch *m);
/* Model FLOPs per token for one training step: 3 x forward of all layers and
 * logits (forward + backward), no recompute. */
double transformer_train_flops_per_token(const model_arch *m, int seq);

/* Parameters: per layer (all experts), embeddings, and total. Norm and bias
 * vectors are counted. */
double transformer_layer_params(const model_arch *m);
/* Parameters of one layer that every token uses (attention, norms, router, and
 * topk experts); equals transformer_layer_params for dense models. */
double transformer_layer_active_params(const model_arch *m);
/* Parameters of one expert MLP (of the one dense MLP when experts <= 1). */
double transformer_expert_params(const model_arch *m);
double transformer_embedding_params(const model_arch *m);
double transformer_params(const model_arch *m);
/* Head dimension hidden/heads. */
int transformer_head_dim(const model_arch *m);

#endif
