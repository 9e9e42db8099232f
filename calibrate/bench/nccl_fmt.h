/* nccl_fmt.h -- the nccl-tests table format, host C only (no CUDA), so tests and
 * tools can use it: collective names, message geometry (the "size" and "count"
 * columns), algorithm and bus bandwidth, and the printed header, rows and footer.
 *
 * Invariant: rows printed here line up column for column with nccl-tests'
 * all_reduce_perf and friends (the logs in ../shared/data/nccl/), and busbw is
 * algbw times the factor of nccl-tests' doc/PERFORMANCE.md. */
#ifndef CAPSIM_NCCL_FMT_H
#define CAPSIM_NCCL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nf_op {
	NF_ALL_REDUCE,
	NF_ALL_GATHER,
	NF_REDUCE_SCATTER,
	NF_ALLTOALL,
	NF_BROADCAST,
	NF_SENDRECV,
	NF_N_OPS
} nf_op;

/* "all_reduce", "all_gather", "reduce_scatter", "alltoall", "broadcast",
 * "sendrecv"; NULL for an out-of-range op. */
const char *nf_op_name(nf_op op);

/* Parse one of the names above. Returns 0 and sets *out, or -1. */
int nf_op_parse(const char *name, nf_op *out);

/* The redop column ("sum" or "none") and root column (-1, or 0 for broadcast). */
const char *nf_op_redop(nf_op op);
int nf_op_root(nf_op op);

/* busbw / algbw for op on nranks ranks (PERFORMANCE.md): all_reduce 2(n-1)/n;
 * all_gather, reduce_scatter, alltoall (n-1)/n; broadcast, sendrecv 1. */
double nf_busbw_factor(nf_op op, int nranks);

/* Per-rank buffer geometry of one table row. `bytes` is the size column. */
typedef struct nf_geom {
	uint64_t bytes;        /* size column: bytes counted by algbw */
	uint64_t count;        /* count column (elements) */
	uint64_t send_elems;   /* elements each rank sends from its send buffer */
	uint64_t recv_elems;   /* elements each rank's receive buffer holds */
} nf_geom;

/* The geometry for a requested size of `bytes` (rounded down, as nccl-tests does,
 * to a whole number of elements per rank). Returns 0, or -1 when the size holds
 * no whole element per rank (out unchanged). */
int nf_geometry(nf_op op, uint64_t bytes, size_t type_bytes, int nranks, nf_geom *out);

/* algbw = bytes / time (GB/s, 1e9 bytes); busbw = algbw * factor. */
double nf_algbw_GBps(uint64_t bytes, double time_us);

/* One timed case of a row: time per iteration, bandwidths, and mismatching
 * elements (wrong < 0 prints "N/A": not checked). */
typedef struct nf_case {
	double time_us;
	double algbw_GBps;
	double busbw_GBps;
	long wrong;
} nf_case;

/* nccl-tests' time column: %7.2f below 100 us, %7.1f below 10 ms, %7.0f above. */
void nf_format_time(char *buf, size_t len, double time_us);

/* One table row (no newline) into buf. Returns the length, or -1 if it did not
 * fit (buf then holds a truncated row). */
int nf_format_row(char *buf, size_t len, uint64_t bytes, uint64_t count,
		  const char *type, const char *redop, int root,
		  const nf_case *out_of_place, const nf_case *in_place);

/* The "# Avg bus bandwidth" figure: the mean busbw over every row's out-of-place
 * and in-place case (as nccl-tests averages). Start from {0, 0}. */
typedef struct nf_avg {
	double sum_GBps;
	long n;
} nf_avg;

/* Add one row's two cases. */
void nf_avg_add(nf_avg *a, const nf_case *out_of_place, const nf_case *in_place);

/* The mean so far; 0 before any row. */
double nf_avg_GBps(const nf_avg *a);

/* The three '#' lines above the rows (blank "#" line first). */
void nf_print_table_header(FILE *f);

/* The parameter line nccl-tests prints first. */
void nf_print_params(FILE *f, int nthreads, int ngpus, uint64_t min_bytes,
		     uint64_t max_bytes, uint64_t factor, int warmup, int iters, int check);

/* The closing lines: out-of-bounds count and the average bus bandwidth. */
void nf_print_footer(FILE *f, nf_op op, long wrong_total, double avg_busbw_GBps);

#ifdef __cplusplus
}
#endif
#endif
