/* train.h -- a training workload: model, data, precision and parallel layout.
 *
 * Invariant: a parallel degree of PAR_AUTO means "capsim chooses"; after
 * parallel_resolve() every degree is a positive integer. */
#ifndef CAPSIM_TRAIN_H
#define CAPSIM_TRAIN_H

#include "models/transformer.h"

#define PAR_AUTO (-1)

typedef enum { SCHED_GPIPE, SCHED_1F1B, SCHED_INTERLEAVED, SCHED_ZERO_BUBBLE } pipe_schedule;
typedef enum { RECOMPUTE_NONE, RECOMPUTE_SELECTIVE, RECOMPUTE_FULL } recompute_kind;
/* Attention kernels: fused flash attention, or the score matrix materialised
 * (batched GEMMs, softmax and dropout kernels in HBM), as Megatron-LM in 2021. */
typedef enum { ATTN_FLASH, ATTN_UNFUSED } attention_kind;

typedef struct {
	int tp, pp, dp, cp, ep;   /* PAR_AUTO allowed before resolution */
	int microbatch;           /* sequences per microbatch */
	pipe_schedule schedule;
	int virtual_stages;       /* model chunks per pipeline rank (interleaved) */
	int zero;                 /* 0..3 */
	int distributed_optimizer;/* 1: optimizer states sharded over DP (== zero 1) */
	recompute_kind recompute;
	int sequence_parallel;    /* 1: Megatron sequence parallelism with TP */
	int tp_comm_overlap;      /* 1: TP collectives overlap the adjacent GEMMs (TE userbuffers) */
	int overlap_grad_reduce;  /* 1: DP gradient buckets reduce during backward (default) */
	int grad_reduce_fp32;     /* 1: gradients accumulate and reduce in fp32; 0: in the
	                           * 16-bit parameter type (Megatron-Core's default) */
	int overlap_p2p;          /* 1: pipeline send/recv run beside compute (default); 0: the
	                           * compute stream waits for its own sends, as Megatron-LM 2021 */
	int unfused_grad_accum;   /* 1: a separate kernel adds each microbatch's weight gradients
	                           * into the main gradients (Megatron-LM 2021, or fp16 without
	                           * fp32 accumulation); 0: the weight-gradient GEMM accumulates
	                           * into them itself (gradient-accumulation fusion, the default) */
} parallel_cfg;

typedef struct {
	model_arch model;
	double tokens;            /* tokens to train on */
	int seq_len;
	int global_batch;         /* sequences per step */
	hw_dtype compute;         /* GEMM precision */
	attention_kind attention;
	parallel_cfg par;
	double checkpoint_interval_s; /* 0: auto */
	int failures;             /* 1: campaign models failures */
	int line_model, line_data, line_parallel; /* scenario lines, for errors */
	/* a published claim to report beside capsim's answer (<claim>), 0 if none */
	double claim_time_s, claim_flops_per_gpu;
	int claim_hw_flops;       /* 1: the claimed FLOP/s count recompute */
	char claim_source[512];
} train_cfg;

#endif
