/* nccl_log.h -- reading measured collective sweeps: NVIDIA nccl-tests / AMD
 * rccl-tests standard output, and tabulated busbw CSVs (one system per column).
 *
 * Invariant: a log handed out has >= 1 row, rows in file order, every size > 0;
 * a value the source does not give is NAN (never 0), a count the source does not
 * give is 0 or "" and says so in its field's comment. */
#ifndef CAPSIM_NCCL_LOG_H
#define CAPSIM_NCCL_LOG_H

#include <stddef.h>

typedef struct {
	double bytes;             /* message size, B */
	double count;             /* elements as printed (may be hand-edited; see count_ok) */
	char type[16];            /* "float", ...; "" in a tabulated CSV */
	char redop[16];           /* "sum", "none", ...; "" in a tabulated CSV */
	int root;                 /* -1 for rootless collectives */
	double oop_time_us, oop_algbw_GBps, oop_busbw_GBps;  /* out-of-place; NAN if absent */
	double ip_time_us, ip_algbw_GBps, ip_busbw_GBps;     /* in-place; NAN if absent */
	int oop_wrong, ip_wrong;  /* #wrong column; -1 when "N/A" or absent */
	int count_ok;             /* 1: count x element size matches bytes for the op */
	int line;                 /* line of the row in the file */
} nccl_log_row;

typedef struct {
	char file[512];
	char op[32];              /* "all_reduce", "alltoall", ...: from the log, else the file name, else "" */
	char system[256];         /* column label of a tabulated CSV; "" for stdout logs */
	char gpu[128];            /* device name from the "# Rank" lines; "" if none */
	char version[64];         /* "NCCL version ..." or "rccl-tests: Version ..."; "" if none */
	int rccl;                 /* 1 when the log is from rccl-tests */
	int nranks;               /* ranks stated (rank lines, column label); 0 = not stated */
	int nranks_bw;            /* ranks implied by busbw/algbw of the largest row for the op; 0 = none */
	int nhosts;               /* distinct hosts in the rank lines when all are listed; 0 = unknown */
	int ngpus_per_proc;       /* "nGpus" of the "# nThread" line; 0 = absent */
	int truncated;            /* the log says smaller sizes were cut */
	double avg_busbw_GBps;    /* the "# Avg bus bandwidth" line; NAN if absent */
	nccl_log_row *rows;
	int nrows;
} nccl_log;

/* Reads nccl-tests / rccl-tests standard output at `path`: header and "#" lines,
 * out-of-place and in-place columns (or out-of-place only), "N/A" in #wrong,
 * leading spaces, blank lines, elided rank lines, interleaved non-table lines
 * (NCCL INFO, mpirun noise). Returns 0 with *out filled (release with
 * nccl_log_free), or -1 with "file:line: what was expected" in err and *out
 * zeroed (nothing to free). */
int nccl_log_read(const char *path, nccl_log *out, char *err, size_t errlen);

/* Reads a tabulated busbw CSV (first column message-size labels such as "65K",
 * one column per system, in-place busbw in GB/s, "#" comment lines first) into
 * one log per column: *out is a new array of *nout logs, each with
 * ip_busbw_GBps filled and nranks from the label ("8x ..." or "4 GPUs").
 * Labels are rounded in such tables, so each size is taken as the nearest power
 * of two (within 5%), else an error. Returns 0, or -1 with err set and *out NULL. */
int nccl_table_read(const char *path, nccl_log **out, int *nout, char *err, size_t errlen);

/* Reads either format (a file named *.csv is a table, any other a stdout log). Returns 0 with *out a new array of *nout >= 1 logs (release with
 * nccl_logs_free), or -1 with err set and *out NULL. */
int nccl_logs_read(const char *path, nccl_log **out, int *nout, char *err, size_t errlen);

/* The bus-bandwidth factor nccl-tests applies for `op` over n ranks
 * (all_reduce 2(n-1)/n, all_gather/reduce_scatter/alltoall (n-1)/n, else 1);
 * 0 for an unknown op. */
double nccl_log_busbw_factor(const char *op, int n);

/* The op name for a file name or a "<op>_perf" token ("allreduce" and
 * "all_reduce" both give "all_reduce"); "" if none is recognised. Writes at most
 * len bytes into buf and returns buf. */
const char *nccl_log_op_from_name(const char *name, char *buf, size_t len);

/* Best measured busbw of a row: in-place if present, else out-of-place; NAN if neither. */
double nccl_log_row_busbw(const nccl_log_row *r);

/* Releases a log's rows; the struct may be reused. nccl_log_free(NULL) is a no-op. */
void nccl_log_free(nccl_log *log);
/* Releases an array from nccl_table_read / nccl_logs_read. */
void nccl_logs_free(nccl_log *logs, int n);

#endif
