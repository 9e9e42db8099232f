/* kvcache.h -- the paged KV cache of one serving replica: how much device memory
 * is left for it (memory x utilisation minus weights, activation workspace and
 * runtime reserve), the bytes per cached token, and the block pool requests draw on.
 *
 * Invariant: every GPU of a replica holds the same tokens (heads split over TP,
 * layers over PP), so one pool per replica counts them; 0 <= free <= total always. */
#ifndef CAPSIM_KVCACHE_H
#define CAPSIM_KVCACHE_H

#include "models/transformer.h"

#define KV_BLOCK_TOKENS 16   /* vLLM's and TensorRT-LLM's default page size */

/* Memory of one GPU of a replica, bytes. */
typedef struct {
	double capacity_B;        /* device memory */
	double budget_B;          /* capacity x utilisation */
	double weights_B;
	double workspace_B;       /* activations of one iteration, logits */
	double reserve_B;         /* CUDA context, communication buffers (profile) */
	double kv_B;              /* what is left for the cache */
	double kv_per_token_B;    /* one cached token on this GPU (K and V, its layers) */
	long blocks;              /* pages per replica */
} kv_plan;

/* Sizes the cache for `m` stored with `w_bytes`/`kv_bytes` per element on tp x pp
 * GPUs of `mem_B` each, with `util` of memory usable, `reserve_B` kept back, and
 * a workspace for `max_tokens` tokens and `max_batch` sequences per iteration.
 * Returns 0, or -1 with err set (nothing written) when no block fits. */
int kv_plan_build(const model_arch *m, double w_bytes, double kv_bytes, int tp, int pp,
		  double mem_B, double util, double reserve_B, int max_tokens, int max_batch,
		  kv_plan *out, char *err, size_t errlen);

/* Pages needed to hold `tokens` tokens. */
long kv_blocks_for(long tokens);

typedef struct {
	long total, free;
	long peak_used;
} kv_pool;

void kv_pool_init(kv_pool *p, long blocks);
/* Takes n pages. Returns 0, or -1 (pool unchanged) when fewer than n are free. */
int kv_alloc(kv_pool *p, long n);
/* Gives back n pages taken earlier. */
void kv_release(kv_pool *p, long n);

#endif
