/* bench_util.h -- host-side helpers shared by the calibration benchmarks: byte-size
 * parsing ("256M", "4G"), geometric size lists, and result files that appear only
 * when complete (written to NAME.tmp.PID, renamed on commit, removed on abort).
 *
 * Invariant: a benchmark's CSV path either does not exist or holds a whole table. */
#ifndef CAPSIM_BENCH_UTIL_H
#define CAPSIM_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parse a byte count: digits with an optional K, M, G or T suffix (binary
 * multiples, as nccl-tests' -b/-e). Returns 0 and sets *out_bytes, or -1 (with
 * *out_bytes unchanged) on an empty, negative, malformed or overflowing string. */
int bu_parse_bytes(const char *s, uint64_t *out_bytes);

/* Parse a positive integer in [lo, hi]. Returns 0 and sets *out, or -1. */
int bu_parse_long(const char *s, long lo, long hi, long *out);

/* Fill sizes[] with lo, lo*factor, ... up to and including hi (at most cap
 * entries). Returns the count (>= 1), or -1 if lo == 0, lo > hi, factor < 2 or
 * the list would exceed cap. */
int bu_size_list(uint64_t lo, uint64_t hi, uint64_t factor, uint64_t *sizes, int cap);

/* A result file being written. */
typedef struct bu_out {
	FILE *f;
	char path[1024];
	char tmp[1100];
} bu_out;

/* Open PATH.tmp.PID for writing. Returns 0, or -1 with a message in err. */
int bu_out_open(bu_out *o, const char *path, char *err, size_t errlen);

/* Flush, close and rename the temporary file onto the final path. Returns 0, or
 * -1 with a message in err (the temporary file is then removed). */
int bu_out_commit(bu_out *o, char *err, size_t errlen);

/* Close and remove the temporary file; a no-op on an unopened or committed one. */
void bu_out_abort(bu_out *o);

/* Seconds on the monotonic clock. */
double bu_now_s(void);

#ifdef __cplusplus
}
#endif
#endif
