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

/* One fit behind some of an entry's figures (calibrate fit): the parameters by
 * profile key (see profile_param_set), their covariance in the profile's units
 * (fractions, ns, W) and the goodness of fit. The parameters' values are the
 * entry's own figures; the covariance is what --uncertainty samples. */
#define PROFILE_FIT_PARAMS 8
#define PROFILE_MAX_FITS 6
typedef struct {
	char name[32];            /* "gemm", "hbm", "scale-up", "nvls", "power", ... */
	char inputs[256];         /* the measurement files, comma separated */
	int points;
	double r2, rel_rms;       /* R^2 and RMS relative residual of the fit */
	int np;
	char param[PROFILE_FIT_PARAMS][32];
	double value[PROFILE_FIT_PARAMS];
	double cov[PROFILE_FIT_PARAMS][PROFILE_FIT_PARAMS];
} profile_fit;

/* A measurement file a profile was fitted from. */
typedef struct {
	char file[256];
	char hardware[128];       /* GPU and system as the file states it */
	char version[64];         /* NCCL / CUDA / driver versions stated */
	char date[32];
} profile_input;

typedef struct {
	char gpu[HW_ID_LEN];      /* catalog GPU id, or "*" */
	double gemm_eff[DT_COUNT];/* plateau of achieved/peak for large GEMMs; 0 = unknown */
	double gemm_half_dim;     /* GEMM size (cube root of m*n*k) at half the plateau */
	double attn_eff;          /* fused attention kernel, achieved/peak of compute dtype */
	double hbm_eff;           /* achieved/peak memory bandwidth of streaming kernels */
	double nvls_eff;          /* NVLS all-reduce algbw / scale-up line rate; 0 = none */
	double collnet_eff;       /* SHARP all-reduce algbw / NIC line rate; 0 = none */
	double nvls_tree_eff;     /* NVLS-tree algbw across domains / NVLS algbw in one; 0 = unknown */
	/* A communicator spanning several trays of one NVLink domain (NVL72): NCCL's
	 * per-step latency of rings and p2p there, the ring's busbw / line rate, and
	 * the NVLS latency; 0 = unknown (the single-node figures apply) */
	double mnnvl_step_ns, mnnvl_ring_eff, mnnvl_nvls_latency_ns;
	double kernel_overhead_ns;/* launch and tail cost per kernel */
	double memory_reserve_B;  /* runtime reserve: CUDA context, NCCL buffers, fragmentation */
	link_eff link[LINK_CLASS_COUNT];
	int measured;             /* 1: from a benchmark on this GPU */
	char source[HW_SOURCE_LEN];
	double power_idle_w;      /* board power at rest; 0 = unknown */
	double power_dynamic_w;   /* added power at 100% utilisation; 0 = unknown */
	profile_fit fits[PROFILE_MAX_FITS];
	int nfits;
} profile_gpu;

#define PROFILE_MAX_GPUS 32

typedef struct {
	char name[HW_ID_LEN];
	char file[512];
	char provenance[2048];    /* inputs, hardware, versions, date, residuals */
	profile_gpu gpus[PROFILE_MAX_GPUS];
	int ngpus;
	profile_input inputs[16];
	int ninputs;
} profile;

/* Returns the entry for `gpu_id`, else the "*" entry, else NULL. */
const profile_gpu *profile_for(const profile *p, const char *gpu_id);

/* A figure of an entry by key: "gemm.<dtype>", "gemm-half-dim", "attention",
 * "hbm", "nvls", "collnet", "kernel-overhead" (ns), "link.<class>.efficiency",
 * "link.<class>.alpha" (ns), "power-idle", "power-dynamic" (W). Returns 0 with *v,
 * or -1 for an unknown key. */
int profile_param_get(const profile_gpu *g, const char *key, double *v);
/* Sets the figure `key` to v (an efficiency is clamped to (0, 1], other figures
 * to >= 0) and marks a link figure measured when `measured`. Returns 0, or -1 for
 * an unknown key with the entry unchanged. */
int profile_param_set(profile_gpu *g, const char *key, double v, int measured);
/* Sets the figure `key` to v as given, without clamping (a fitter's trial
 * values). Returns 0, or -1 for an unknown key. */
int profile_param_put(profile_gpu *g, const char *key, double v);
/* 1 if `key` is an efficiency (a fraction of a peak), 0 if not, -1 if unknown. */
int profile_param_is_fraction(const char *key);
/* The fit of `g` that carries `key`, or NULL when the figure was not fitted. */
const profile_fit *profile_fit_of(const profile_gpu *g, const char *key);

#endif
