/* profile.h -- a calibration profile: achieved efficiencies of GPUs and links,
 * measured on real hardware or fitted to public measurements.
 *
 * Invariant: every efficiency is a fraction of the catalog peak in (0, 1]; each
 * entry says where it came from and whether it was measured (1) or defaulted (0).
 * A GPU with no entry of its own uses the entry whose gpu is "*". */
#ifndef CAPSIM_PROFILE_H
#define CAPSIM_PROFILE_H

#include "models/hw.h"

typedef enum { LINK_SCALEUP, LINK_PCIE, LINK_SCALEOUT, LINK_CLASS_COUNT } link_class;

typedef struct {
	double alpha_ns;          /* fixed cost of one collective step or message */
	double bw_eff;            /* achieved / line-rate bandwidth */
	int measured;
} link_eff;

typedef struct {
	char gpu[HW_ID_LEN];      /* catalog GPU id, or "*" */
	double gemm_eff[DT_COUNT];/* plateau of achieved/peak for large GEMMs; 0 = unknown */
	double gemm_half_dim;     /* GEMM size (cube root of m*n*k) at half the plateau */
	double attn_eff;          /* fused attention kernel, achieved/peak of compute dtype */
	double hbm_eff;           /* achieved/peak memory bandwidth of streaming kernels */
	double nvls_eff;          /* NVLS all-reduce algbw / scale-up line rate; 0 = none */
	double collnet_eff;       /* SHARP all-reduce algbw / NIC line rate; 0 = none */
	double kernel_overhead_ns;/* launch and tail cost per kernel */
	double memory_reserve_B;  /* runtime reserve: CUDA context, NCCL buffers, fragmentation */
	link_eff link[LINK_CLASS_COUNT];
	int measured;             /* 1: from a benchmark on this GPU */
	char source[HW_SOURCE_LEN];
	/* power fit: one GPU's draw when idle, compute-bound, memory-bound and
	 * communicating (W); all 0 when the profile has no <power> */
	double power_w[4];
	int power_measured;
} profile_gpu;

#define PROFILE_MAX_GPUS 32

typedef struct {
	char name[HW_ID_LEN];
	char file[512];
	char provenance[2048];    /* inputs, hardware, versions, date, residuals */
	profile_gpu gpus[PROFILE_MAX_GPUS];
	int ngpus;
} profile;

/* Returns the entry for `gpu_id`, else the "*" entry, else NULL. */
const profile_gpu *profile_for(const profile *p, const char *gpu_id);

#endif
