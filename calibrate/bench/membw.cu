/* membw.cu -- the `membw` benchmark: device-memory (HBM) read, write and copy
 * bandwidth by buffer size, and pinned host<->device copies both ways; writes
 * hbm.csv "kind,bytes,time_us,gbps" (kind: read, write, copy, h2d, d2h).
 *
 * Exit status: 0 done, 1 no GPU or a CUDA error (no CSV written), 2 usage. */
#include "bench_util.h"
#include "cuda_util.h"
#include "hbm_kernels.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: membw [-o FILE] [-b MIN] [-e MAX] [-f FACTOR] [--host-max BYTES]\n"
	"             [--device N] [--min-time S] [--version] [--help]\n"
	"\n"
	"Times device-memory read, write and copy kernels (16-byte accesses, every SM busy)\n"
	"over buffer sizes MIN..MAX (default 1M..4G, factor 2; sizes that do not fit are\n"
	"skipped), and pinned host-to-device (h2d) and device-to-host (d2h) cudaMemcpyAsync\n"
	"up to --host-max (default 1G). Each size: 3 warmup passes, then passes timed with\n"
	"CUDA events for at least --min-time seconds (default 0.02).\n"
	"Writes FILE (default hbm.csv): kind,bytes,time_us,gbps where bytes is the buffer\n"
	"size, time_us one pass, gbps 1e9 bytes/s moved (copy moves 2 x bytes: read and\n"
	"write, as STREAM counts it). Exits 1 without a CUDA device, writing nothing.\n";

enum kind { K_READ, K_WRITE, K_COPY, K_H2D, K_D2H, K_N };
static const char *const kind_names[K_N] = {"read", "write", "copy", "h2d", "d2h"};

typedef struct bufs {
	float4 *a, *b;
	float *sink;
	void *host;
	int blocks;
	cudaStream_t s;
} bufs;

static cudaError_t pass(enum kind k, const bufs *m, size_t bytes)
{
	size_t n4 = bytes / sizeof(float4);
	switch (k) {
	case K_READ: return hk_read(m->a, n4, m->sink, m->blocks, m->s);
	case K_WRITE: return hk_write(m->a, n4, 1.0f, m->blocks, m->s);
	case K_COPY: return hk_copy(m->b, m->a, n4, m->blocks, m->s);
	case K_H2D: return cudaMemcpyAsync(m->a, m->host, bytes, cudaMemcpyHostToDevice, m->s);
	default: return cudaMemcpyAsync(m->host, m->a, bytes, cudaMemcpyDeviceToHost, m->s);
	}
}

/* Time one pass of kind k over `bytes`; *out_us is the mean over the timed batch. */
static int time_pass(enum kind k, const bufs *m, size_t bytes, double min_time_s, double *out_us,
		     char *err, size_t errlen)
{
	int rc = 0;
	float ms = 0.0f;
	cudaEvent_t t0 = NULL, t1 = NULL;
	CU_TRY(cudaEventCreate(&t0));
	CU_TRY(cudaEventCreate(&t1));
	for (int w = 0; w < 3; w++)
		CU_TRY(pass(k, m, bytes));
	CU_TRY(cudaEventRecord(t0, m->s));
	CU_TRY(pass(k, m, bytes));
	CU_TRY(cudaEventRecord(t1, m->s));
	CU_TRY(cudaEventSynchronize(t1));
	CU_TRY(cudaEventElapsedTime(&ms, t0, t1));
	{
		long iters = ms > 0.0f ? (long)(1e3 * min_time_s / (double)ms) : 1000;
		iters = iters < 3 ? 3 : iters > 100000 ? 100000 : iters;
		CU_TRY(cudaEventRecord(t0, m->s));
		for (long i = 0; i < iters; i++)
			CU_TRY(pass(k, m, bytes));
		CU_TRY(cudaEventRecord(t1, m->s));
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

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "membw: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *out_path = "hbm.csv";
	uint64_t lo = 1ull << 20, hi = 4ull << 30, factor = 2, host_max = 1ull << 30;
	long device = 0;
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
		else if (strcmp(a, "--host-max") == 0)
			bad = bu_parse_bytes(v, &host_max);
		else if (strcmp(a, "--device") == 0)
			bad = bu_parse_long(v, 0, 1023, &device);
		else if (strcmp(a, "--min-time") == 0) {
			char *end = NULL;
			min_time_s = strtod(v, &end);
			bad = *end || !(min_time_s > 0.0 && min_time_s <= 10.0);
		} else
			return usage("unknown option");
		if (bad)
			return usage("bad option value (sizes like 1M, 4G; factor >= 2)");
	}
	uint64_t sizes[64];
	int nsizes = bu_size_list(lo, hi, factor, sizes, 64);
	if (nsizes < 1 || lo < 16)
		return usage("-b/-e/-f: need 16 <= MIN <= MAX and FACTOR >= 2");

	char err[512] = "";
	const size_t errlen = sizeof err;
	int ndev = 0, rc = 0, rows = 0;
	if (cu_require_devices(&ndev, err, sizeof err) != 0) {
		fprintf(stderr, "membw: %s\n", err);
		return 1;
	}
	if (device >= ndev) {
		fprintf(stderr, "membw: --device %ld: this node has %d CUDA device(s)\n", device, ndev);
		return 2;
	}
	bufs m;
	memset(&m, 0, sizeof m);
	bu_out out;
	memset(&out, 0, sizeof out);
	cudaDeviceProp prop;
	char desc[256];
	size_t free_b = 0, total_b = 0, dev_max = 0, host_bytes = 0;
	CU_TRY(cudaSetDevice((int)device));
	CU_TRY(cudaGetDeviceProperties(&prop, (int)device));
	cu_describe((int)device, desc, sizeof desc);
	printf("membw: %s\n", desc);
	m.blocks = hk_blocks(prop.multiProcessorCount);
	CU_TRY(cudaStreamCreate(&m.s));
	CU_TRY(cudaMalloc(&m.sink, sizeof(float)));
	CU_TRY(cudaMemGetInfo(&free_b, &total_b));
	/* two buffers of the largest size that fits (copy needs both) */
	for (int i = nsizes - 1; i >= 0; i--)
		if (2 * sizes[i] + (256u << 20) <= free_b) {
			dev_max = sizes[i];
			break;
		}
	if (dev_max == 0) {
		snprintf(err, sizeof err, "not enough free device memory (%zu bytes) for 2 x %llu bytes",
			 free_b, (unsigned long long)sizes[0]);
		rc = -1;
		goto done;
	}
	CU_TRY(cudaMalloc(&m.a, dev_max));
	CU_TRY(cudaMalloc(&m.b, dev_max));
	CU_TRY(cudaMemset(m.a, 0x3c, dev_max)); /* non-zero data: 0.0115f everywhere */
	host_bytes = dev_max < host_max ? dev_max : host_max;
	CU_TRY(cudaMallocHost(&m.host, host_bytes));
	memset(m.host, 0, host_bytes);
	if (bu_out_open(&out, out_path, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	fprintf(out.f, "kind,bytes,time_us,gbps\n");
	for (int k = 0; k < K_N; k++)
		for (int i = 0; i < nsizes; i++) {
			uint64_t bytes = sizes[i] / sizeof(float4) * sizeof(float4);
			uint64_t cap = (k == K_H2D || k == K_D2H) ? host_bytes : dev_max;
			if (bytes == 0 || bytes > cap)
				continue;
			double us = 0.0;
			if ((rc = time_pass((enum kind)k, &m, bytes, min_time_s, &us, err, sizeof err)) != 0)
				goto done;
			double moved = (double)bytes * (k == K_COPY ? 2.0 : 1.0);
			double gbps = moved / (us * 1e-6) / 1e9;
			fprintf(out.f, "%s,%llu,%.3f,%.3f\n", kind_names[k], (unsigned long long)bytes, us, gbps);
			printf("  %-5s %12llu B  %10.2f us  %8.1f GB/s\n", kind_names[k],
			       (unsigned long long)bytes, us, gbps);
			rows++;
		}
	if (dev_max < sizes[nsizes - 1])
		fprintf(stderr, "membw: sizes above %zu bytes skipped (free device memory)\n", dev_max);
	if (bu_out_commit(&out, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	printf("membw: %d rows in %s\n", rows, out_path);
done:
	bu_out_abort(&out);
	if (m.host)
		cudaFreeHost(m.host);
	if (m.a)
		cudaFree(m.a);
	if (m.b)
		cudaFree(m.b);
	if (m.sink)
		cudaFree(m.sink);
	if (m.s)
		cudaStreamDestroy(m.s);
	if (rc != 0) {
		fprintf(stderr, "membw: %s\n", err);
		return 1;
	}
	return 0;
}
