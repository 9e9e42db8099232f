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

#endif
