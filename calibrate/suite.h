/* suite.h -- reading the results folder the benchmark suite writes
 * (calibrate/run-node.sh): meta.csv, gemm.csv, hbm.csv, p2p.csv, power.csv and
 * nccl_<op>.txt logs. Columns are found by header name, in any order.
 *
 * Invariant: a missing file leaves its table empty; a present file is read whole
 * or the read fails naming file:line; every row's figures agree with each other
 * (TFLOP/s with 2mnk/time, GB/s with bytes/time) within 5%. */
#ifndef CAPSIM_SUITE_H
#define CAPSIM_SUITE_H

#include <stddef.h>

#include "models/hw.h"

typedef struct {
	hw_dtype dt;
	double m, n, k, time_us, tflops;
	int line;
} suite_gemm;

typedef enum { HBM_READ, HBM_WRITE, HBM_COPY, HBM_H2D, HBM_D2H, HBM_KIND_COUNT } suite_hbm_kind;

typedef struct {
	suite_hbm_kind kind;
	double bytes, time_us, gbps;
	int line;
} suite_hbm;

typedef struct {
	int src, dst;
	double bytes, time_us, gbps;
	int line;
} suite_p2p;

typedef struct {
	char phase[16];           /* idle, gemm, hbm, nccl */
	double t_s, power_w, sm_clock_mhz, mem_clock_mhz, temp_c, util_pct;
	int gpu, line;
} suite_power;

typedef struct {
	char dir[512];
	char meta_key[64][32], meta_val[64][128];
	int nmeta;
	suite_gemm *gemm;
	int ngemm;
	suite_hbm *hbm;
	int nhbm;
	suite_p2p *p2p;
	int np2p;
	suite_power *power;
	int npower;
	char nccl[16][600];       /* paths of nccl_*.txt logs, sorted */
	int nnccl;
} suite_results;

/* Reads the folder `dir`. Returns 0 with *out (release with suite_free), or -1
 * with "file:line: what was expected" in err and *out zeroed. A folder with none
 * of the files is an error. */
int suite_read(const char *dir, suite_results *out, char *err, size_t errlen);
/* The value of meta key `key`, or NULL. */
const char *suite_meta(const suite_results *r, const char *key);
const char *suite_hbm_kind_name(suite_hbm_kind k);
void suite_free(suite_results *r);

#endif
