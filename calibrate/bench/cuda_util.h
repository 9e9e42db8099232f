/* cuda_util.h -- what every CUDA benchmark binary shares: the device check that
 * refuses to run without a GPU ("no CUDA device"), error strings with file:line,
 * and the versions the binary was built with and runs against.
 *
 * Invariant: a benchmark calls cu_require_devices before creating any output, so a
 * machine without a GPU gets a clear message, a non-zero exit and no files. */
#ifndef CAPSIM_CUDA_UTIL_H
#define CAPSIM_CUDA_UTIL_H

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdio.h>

/* Count CUDA devices. Returns 0 and sets *count (>= 1), or -1 with
 * "no CUDA device (...)" in err when there is none or no driver. */
int cu_require_devices(int *count, char *err, size_t errlen);

/* Name, compute capability, SM count and memory of device `dev` as one line. */
void cu_describe(int dev, char *buf, size_t len);

/* Print "key,value" lines: cuda_runtime, cuda_driver (0.0 without a driver). */
void cu_print_versions(FILE *f);

/* Evaluate a CUDA runtime call; on failure write "file:line: call: error" into
 * the caller's err/errlen, set rc = -1 and jump to the caller's `done` label. */
#define CU_TRY(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
	snprintf(err, errlen, "%s:%d: %s: %s", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
	rc = -1; goto done; } } while (0)

#endif
