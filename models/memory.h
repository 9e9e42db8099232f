/* memory.h -- per-GPU memory of a training layout: weights, gradients, optimizer
 * states (ZeRO 0-3 / distributed optimizer), activations of the microbatches in
 * flight (Korthikanti et al. 2022, generalised to GQA and gated MLPs), and the
 * runtime reserve.
 *
 * Invariant: figures are bytes on the most loaded GPU (the first pipeline stage,
 * which also holds the input embedding and the most in-flight microbatches). */
#ifndef CAPSIM_MEMORY_H
#define CAPSIM_MEMORY_H

#include "models/train.h"

typedef struct {
	double weights_B, grads_B, optimizer_B, activations_B, reserve_B, total_B;
	double inflight_microbatches; /* activation sets held at the peak */
} mem_breakdown;

/* Activation bytes one layer stores for one microbatch on one GPU. */
double memory_layer_activation_B(const train_cfg *t, const parallel_cfg *p);

/* Fills *out for the resolved layout `p` (no PAR_AUTO degrees) with `reserve_B`
 * of runtime reserve (CUDA context, communication buffers, fragmentation). */
void memory_per_gpu(const train_cfg *t, const parallel_cfg *p, double reserve_B,
		    mem_breakdown *out);

#endif
