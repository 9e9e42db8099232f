/* p2p.cu -- the `p2p` benchmark: cudaMemcpyPeer bandwidth for every ordered GPU
 * pair over message sizes, plus a small-message latency row per pair; writes
 * p2p.csv "src,dst,bytes,time_us,gbps".
 *
 * Exit status: 0 done (one GPU: a header-only table, there is no pair), 1 no GPU
 * or a CUDA error (no CSV written), 2 usage. */
#include "bench_util.h"
#include "cuda_util.h"

#include <stdlib.h>
#include <string.h>

#define P2P_MAX_GPUS 64

static const char usage_text[] =
	"usage: p2p [-o FILE] [-b MIN] [-e MAX] [-f FACTOR] [--lat-bytes N] [--min-time S]\n"
	"           [--version] [--help]\n"
	"\n"
	"For every ordered pair of GPUs (src != dst) times cudaMemcpyPeerAsync of MIN..MAX\n"
	"bytes (default 1M..1G, factor 2) and of --lat-bytes (default 4) for the latency,\n"
	"after enabling peer access where the pair supports it (otherwise the copy is\n"
	"staged through the host, and the output says so). Each size: 3 warmup copies,\n"
	"then copies timed with CUDA events for at least --min-time seconds (default 0.02).\n"
	"Writes FILE (default p2p.csv): src,dst,bytes,time_us,gbps (1e9 bytes/s).\n"
	"Exits 1 without a CUDA device, writing nothing.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "p2p: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

static int time_copy(void *dst, int ddev, const void *src, int sdev, size_t bytes,
		     cudaStream_t s, double min_time_s, double *out_us, char *err, size_t errlen)
{
	int rc = 0;
	float ms = 0.0f;
	cudaEvent_t t0 = NULL, t1 = NULL;
	CU_TRY(cudaEventCreate(&t0));
	CU_TRY(cudaEventCreate(&t1));
	for (int w = 0; w < 3; w++)
		CU_TRY(cudaMemcpyPeerAsync(dst, ddev, src, sdev, bytes, s));
	CU_TRY(cudaEventRecord(t0, s));
	CU_TRY(cudaMemcpyPeerAsync(dst, ddev, src, sdev, bytes, s));
	CU_TRY(cudaEventRecord(t1, s));
	CU_TRY(cudaEventSynchronize(t1));
	CU_TRY(cudaEventElapsedTime(&ms, t0, t1));
	{
		long iters = ms > 0.0f ? (long)(1e3 * min_time_s / (double)ms) : 1000;
		iters = iters < 3 ? 3 : iters > 100000 ? 100000 : iters;
		CU_TRY(cudaEventRecord(t0, s));
		for (long i = 0; i < iters; i++)
			CU_TRY(cudaMemcpyPeerAsync(dst, ddev, src, sdev, bytes, s));
		CU_TRY(cudaEventRecord(t1, s));
		CU_TRY(cudaEventSynchronize(t1));
		CU_TRY(cudaEventElapsedTime(&ms, t0, t1));
		*out_us = 1e3 * (double)ms / (double)iters;
	}
done:
	if (t0)
		cudaEventDestroy(t0);
	if (t1)
		cudaEventDestroy(t1);
	return rc;
}

int main(int argc, char **argv)
{
	const char *out_path = "p2p.csv";
	uint64_t lo = 1ull << 20, hi = 1ull << 30, factor = 2, lat_bytes = 4;
	double min_time_s = 0.02;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			cu_print_versions(stdout);
			return 0;
		}
		if (!v)
			return usage("an option needs a value");
		i++;
		int bad = 0;
		if (strcmp(a, "-o") == 0)
			out_path = v;
		else if (strcmp(a, "-b") == 0)
			bad = bu_parse_bytes(v, &lo);
		else if (strcmp(a, "-e") == 0)
			bad = bu_parse_bytes(v, &hi);
		else if (strcmp(a, "-f") == 0)
			bad = bu_parse_bytes(v, &factor);
		else if (strcmp(a, "--lat-bytes") == 0)
			bad = bu_parse_bytes(v, &lat_bytes);
		else if (strcmp(a, "--min-time") == 0) {
			char *end = NULL;
			min_time_s = strtod(v, &end);
			bad = *end || !(min_time_s > 0.0 && min_time_s <= 10.0);
		} else
			return usage("unknown option");
		if (bad)
			return usage("bad option value (sizes like 4, 1M, 1G; factor >= 2)");
	}
	uint64_t sizes[65];
	int nsizes = bu_size_list(lo, hi, factor, sizes + 1, 64);
	if (nsizes < 1 || lat_bytes > lo)
		return usage("-b/-e/-f: need MIN <= MAX and FACTOR >= 2, --lat-bytes <= MIN");
	sizes[0] = lat_bytes;
	nsizes++;

	char err[512] = "";
	const size_t errlen = sizeof err;
	int ndev = 0, rc = 0, rows = 0;
	if (cu_require_devices(&ndev, err, sizeof err) != 0) {
		fprintf(stderr, "p2p: %s\n", err);
		return 1;
	}
	if (ndev > P2P_MAX_GPUS)
		ndev = P2P_MAX_GPUS;
	void *buf[P2P_MAX_GPUS] = {NULL};
	cudaStream_t stream[P2P_MAX_GPUS] = {NULL};
	bu_out out;
	memset(&out, 0, sizeof out);
	for (int d = 0; d < ndev; d++) {
		char desc[256];
		cu_describe(d, desc, sizeof desc);
		printf("p2p: %s\n", desc);
		CU_TRY(cudaSetDevice(d));
		CU_TRY(cudaMalloc(&buf[d], hi));
		CU_TRY(cudaMemset(buf[d], d, hi));
		CU_TRY(cudaStreamCreate(&stream[d]));
	}
	if (bu_out_open(&out, out_path, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	fprintf(out.f, "src,dst,bytes,time_us,gbps\n");
	if (ndev < 2)
		printf("p2p: one GPU, no pair to measure\n");
	for (int s = 0; s < ndev; s++)
		for (int d = 0; d < ndev; d++) {
			if (s == d)
				continue;
			int can = 0;
			CU_TRY(cudaDeviceCanAccessPeer(&can, s, d));
			if (can) {
				CU_TRY(cudaSetDevice(s));
				cudaError_t e = cudaDeviceEnablePeerAccess(d, 0);
				if (e == cudaErrorPeerAccessAlreadyEnabled)
					(void)cudaGetLastError();
				else
					CU_TRY(e);
			}
			printf("p2p: GPU %d -> GPU %d (%s)\n", s, d, can ? "peer access" : "no peer access: staged through the host");
			CU_TRY(cudaSetDevice(s));
			for (int i = 0; i < nsizes; i++) {
				double us = 0.0;
				if ((rc = time_copy(buf[d], d, buf[s], s, sizes[i], stream[s], min_time_s, &us,
						    err, sizeof err)) != 0)
					goto done;
				double gbps = (double)sizes[i] / (us * 1e-6) / 1e9;
				fprintf(out.f, "%d,%d,%llu,%.3f,%.3f\n", s, d, (unsigned long long)sizes[i], us, gbps);
				printf("  %2d -> %2d %12llu B  %10.2f us  %8.2f GB/s\n", s, d,
				       (unsigned long long)sizes[i], us, gbps);
				rows++;
			}
		}
	if (bu_out_commit(&out, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	printf("p2p: %d rows in %s\n", rows, out_path);
done:
	bu_out_abort(&out);
	for (int d = 0; d < ndev; d++) {
		cudaSetDevice(d);
		if (buf[d])
			cudaFree(buf[d]);
		if (stream[d])
			cudaStreamDestroy(stream[d]);
	}
	if (rc != 0) {
		fprintf(stderr, "p2p: %s\n", err);
		return 1;
	}
	return 0;
}
