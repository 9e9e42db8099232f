/* gemm.cu -- the `gemm` benchmark: achieved TFLOP/s of cuBLASLt matrix multiplies
 * over transformer layer shapes (and a scenario's own shapes) in BF16, FP16, TF32
 * and FP8 E4M3 where the GPU has it; writes gemm.csv "dtype,m,n,k,time_us,tflops".
 *
 * Exit status: 0 done, 1 no GPU or a CUDA error (no CSV written), 2 usage. */
#include "bench_util.h"
#include "cuda_util.h"
#include "lt_gemm.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHAPES 512

typedef struct shape {
	long m, n, k;
	char what[48];
} shape;

typedef struct shape_list {
	shape s[MAX_SHAPES];
	int n;
} shape_list;

static const char usage_text[] =
	"usage: gemm [-o FILE] [--dtypes bf16,fp16,tf32,fp8] [--device N] [--min-time S]\n"
	"            [--model-hidden H --ffn F --tp T --tokens B [--heads A --kv-heads G]\n"
	"             [--vocab V] [--gated] [--only-model]] [--version] [--help]\n"
	"\n"
	"Times cuBLASLt matmuls D(m x n) = A(m x k) B(k x n) (FP32 accumulate; FP8 is E4M3\n"
	"in, BF16 out) over transformer layer shapes: QKV, attention out, MLP up and down\n"
	"and logits for hidden sizes 4096-16384 and TP 1-8 at 4096 tokens, a token sweep,\n"
	"and square sizes 256-16384. --model-hidden ... adds a scenario's forward shapes\n"
	"(tokens = microbatch x sequence) and their backward (dgrad, wgrad) shapes.\n"
	"Each shape: the heuristic's best 3 algorithms, warmup, then timed with CUDA\n"
	"events for at least --min-time seconds (default 0.05); the fastest is kept.\n"
	"Writes FILE (default gemm.csv): dtype,m,n,k,time_us,tflops (1e12 FLOP/s,\n"
	"2mnk FLOPs per multiply). Exits 1 without a CUDA device, writing nothing.\n";

static int add(shape_list *l, long m, long n, long k, const char *what)
{
	if (m < 1 || n < 1 || k < 1)
		return 0;
	for (int i = 0; i < l->n; i++)
		if (l->s[i].m == m && l->s[i].n == n && l->s[i].k == k)
			return 0;
	if (l->n == MAX_SHAPES)
		return -1;
	shape *s = &l->s[l->n++];
	s->m = m;
	s->n = n;
	s->k = k;
	snprintf(s->what, sizeof s->what, "%s", what);
	return 0;
}

/* Forward GEMMs of one transformer layer and the logits on `tokens` tokens; with
 * `backward`, also each one's input-gradient and weight-gradient GEMM. */
static int add_layer(shape_list *l, long h, long ffn, long tp, long tokens, long heads,
		     long kv_heads, long vocab, int gated, int backward)
{
	long qkv = h + 2 * h * kv_heads / heads;
	long fwd[5][2] = {
		{qkv / tp, h}, {h, h / tp}, {(gated ? 2 : 1) * ffn / tp, h}, {h, ffn / tp}, {vocab / tp, h},
	};
	static const char *const names[5] = {"qkv", "attn_out", "mlp_up", "mlp_down", "logits"};
	char what[48];
	for (int i = 0; i < 5; i++) {
		long n = fwd[i][0], k = fwd[i][1];
		snprintf(what, sizeof what, "%s h%ld tp%ld b%ld", names[i], h, tp, tokens);
		if (add(l, tokens, n, k, what) != 0)
			return -1;
		if (!backward)
			continue;
		snprintf(what, sizeof what, "%s dgrad h%ld tp%ld", names[i], h, tp);
		if (add(l, tokens, k, n, what) != 0)
			return -1;
		snprintf(what, sizeof what, "%s wgrad h%ld tp%ld", names[i], h, tp);
		if (add(l, k, n, tokens, what) != 0)
			return -1;
	}
	return 0;
}

static int default_shapes(shape_list *l)
{
	static const long hidden[] = {4096, 8192, 12288, 16384};
	static const long tps[] = {1, 2, 4, 8};
	int rc = 0;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			rc |= add_layer(l, hidden[i], 4 * hidden[i], tps[j], 4096, 1, 1, 51200, 0, 0);
	static const long tokens[] = {256, 1024, 16384};
	for (int i = 0; i < 3; i++)
		rc |= add_layer(l, 8192, 4 * 8192, 8, tokens[i], 1, 1, 51200, 0, 0);
	char what[48];
	for (long d = 256; d <= 16384; d *= 2) {
		snprintf(what, sizeof what, "square %ld", d);
		rc |= add(l, d, d, d, what);
	}
	return rc;
}

typedef struct opts {
	const char *out;
	int dtypes[LG_N_DTYPES], dtypes_given;
	int device, only_model, gated;
	double min_time_s;
	long hidden, ffn, tp, tokens, heads, kv_heads, vocab;
} opts;

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "gemm: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

static int parse_dtypes(const char *s, opts *o)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	memset(o->dtypes, 0, sizeof o->dtypes);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		lg_dtype dt;
		if (lg_dtype_parse(t, &dt) != 0)
			return -1;
		o->dtypes[dt] = 1;
	}
	o->dtypes_given = 1;
	return 0;
}

int main(int argc, char **argv)
{
	opts o;
	memset(&o, 0, sizeof o);
	o.out = "gemm.csv";
	o.min_time_s = 0.05;
	o.heads = o.kv_heads = 1;
	for (int i = 0; i < LG_N_DTYPES; i++)
		o.dtypes[i] = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *lp = NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			cu_print_versions(stdout);
			printf("cublaslt,%zu\n", cublasLtGetVersion());
			return 0;
		} else if (strcmp(a, "--gated") == 0) {
			o.gated = 1;
			continue;
		} else if (strcmp(a, "--only-model") == 0) {
			o.only_model = 1;
			continue;
		}
		if (!v)
			return usage("an option needs a value");
		i++;
		if (strcmp(a, "-o") == 0) {
			o.out = v;
		} else if (strcmp(a, "--dtypes") == 0) {
			if (parse_dtypes(v, &o) != 0)
				return usage("--dtypes: expected a comma list of bf16, fp16, tf32, fp8");
		} else if (strcmp(a, "--min-time") == 0) {
			char *end = NULL;
			o.min_time_s = strtod(v, &end);
			if (*end || !(o.min_time_s > 0.0 && o.min_time_s <= 10.0))
				return usage("--min-time: expected seconds in (0, 10]");
		} else if (strcmp(a, "--device") == 0) {
			long d;
			if (bu_parse_long(v, 0, 1023, &d) != 0)
				return usage("--device: expected a device index");
			o.device = (int)d;
		} else {
			if (strcmp(a, "--model-hidden") == 0) lp = &o.hidden;
			else if (strcmp(a, "--ffn") == 0) lp = &o.ffn;
			else if (strcmp(a, "--tp") == 0) lp = &o.tp;
			else if (strcmp(a, "--tokens") == 0) lp = &o.tokens;
			else if (strcmp(a, "--heads") == 0) lp = &o.heads;
			else if (strcmp(a, "--kv-heads") == 0) lp = &o.kv_heads;
			else if (strcmp(a, "--vocab") == 0) lp = &o.vocab;
			if (!lp)
				return usage("unknown option");
			if (bu_parse_long(v, 1, 1L << 30, lp) != 0)
				return usage("model sizes must be positive integers");
		}
	}
	shape_list *shapes = (shape_list *)calloc(1, sizeof *shapes);
	if (!shapes)
		return 1;
	int have_model = o.hidden || o.ffn || o.tp || o.tokens;
	if (have_model) {
		if (!o.hidden || !o.ffn || !o.tp || !o.tokens)
			return usage("--model-hidden, --ffn, --tp and --tokens go together");
		if (o.hidden % o.tp || o.ffn % o.tp || (o.vocab && o.vocab % o.tp) || o.hidden % o.heads ||
		    o.heads % o.kv_heads)
			return usage("--tp must divide hidden, ffn and vocab; --kv-heads must divide --heads, --heads the hidden size");
		if (add_layer(shapes, o.hidden, o.ffn, o.tp, o.tokens, o.heads, o.kv_heads, o.vocab,
			      o.gated, 1) != 0)
			return usage("too many shapes");
	} else if (o.only_model) {
		return usage("--only-model needs --model-hidden, --ffn, --tp and --tokens");
	}
	if (!o.only_model && default_shapes(shapes) != 0)
		return usage("too many shapes");

	char err[512] = "";
	const size_t errlen = sizeof err;
	int ndev = 0, rc = 0;
	if (cu_require_devices(&ndev, err, sizeof err) != 0) {
		fprintf(stderr, "gemm: %s\n", err);
		free(shapes);
		return 1;
	}
	if (o.device >= ndev) {
		fprintf(stderr, "gemm: --device %d: this node has %d CUDA device(s)\n", o.device, ndev);
		free(shapes);
		return 2;
	}
	cudaDeviceProp prop;
	cublasLtHandle_t lt = NULL;
	cudaStream_t stream = NULL;
	void *ws = NULL;
	const size_t ws_bytes = 32u << 20;
	bu_out out;
	memset(&out, 0, sizeof out);
	char desc[256];
	int rows = 0;
	CU_TRY(cudaSetDevice(o.device));
	CU_TRY(cudaGetDeviceProperties(&prop, o.device));
	cu_describe(o.device, desc, sizeof desc);
	printf("gemm: %s\n", desc);
	if (cublasLtCreate(&lt) != CUBLAS_STATUS_SUCCESS) {
		snprintf(err, sizeof err, "cublasLtCreate failed");
		rc = -1;
		goto done;
	}
	CU_TRY(cudaStreamCreate(&stream));
	CU_TRY(cudaMalloc(&ws, ws_bytes));
	if (bu_out_open(&out, o.out, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	fprintf(out.f, "dtype,m,n,k,time_us,tflops\n");
	for (int d = 0; d < LG_N_DTYPES; d++) {
		lg_dtype dt = (lg_dtype)d;
		if (!o.dtypes[d])
			continue;
		if (!lg_dtype_supported(dt, prop.major, prop.minor)) {
			fprintf(stderr, "gemm: %s skipped: sm_%d%d has no %s tensor cores\n",
				lg_dtype_name(dt), prop.major, prop.minor, lg_dtype_name(dt));
			continue;
		}
		for (int i = 0; i < shapes->n; i++) {
			const shape *s = &shapes->s[i];
			size_t free_b = 0, total_b = 0;
			CU_TRY(cudaMemGetInfo(&free_b, &total_b));
			if (lg_plan_bytes(dt, s->m, s->n, s->k) > free_b / 10 * 9) {
				fprintf(stderr, "gemm: %s %ldx%ldx%ld skipped: needs %zu bytes, %zu free\n",
					lg_dtype_name(dt), s->m, s->n, s->k,
					lg_plan_bytes(dt, s->m, s->n, s->k), free_b);
				continue;
			}
			lg_plan *p = NULL;
			int prc = lg_plan_new(&p, lt, dt, s->m, s->n, s->k, ws, ws_bytes, stream, err, sizeof err);
			if (prc == 1) {
				fprintf(stderr, "gemm: skipped: %s\n", err);
				continue;
			}
			if (prc != 0) {
				rc = -1;
				goto done;
			}
			double us = 0.0;
			prc = lg_plan_tune(p, 3, o.min_time_s, &us, err, sizeof err);
			lg_plan_free(p);
			if (prc != 0) {
				rc = -1;
				goto done;
			}
			double tflops = 2.0 * (double)s->m * (double)s->n * (double)s->k / (us * 1e-6) / 1e12;
			fprintf(out.f, "%s,%ld,%ld,%ld,%.3f,%.3f\n", lg_dtype_name(dt), s->m, s->n, s->k, us, tflops);
			printf("  %-4s %6ld x %6ld x %6ld  %10.2f us  %8.1f TFLOP/s  (%s)\n", lg_dtype_name(dt),
			       s->m, s->n, s->k, us, tflops, s->what);
			rows++;
		}
	}
	if (rows == 0) {
		snprintf(err, sizeof err, "no shape could be timed");
		rc = -1;
		goto done;
	}
	if (bu_out_commit(&out, err, sizeof err) != 0) {
		rc = -1;
		goto done;
	}
	printf("gemm: %d rows in %s\n", rows, o.out);
done:
	bu_out_abort(&out);
	if (ws)
		cudaFree(ws);
	if (stream)
		cudaStreamDestroy(stream);
	if (lt)
		cublasLtDestroy(lt);
	free(shapes);
	if (rc != 0) {
		fprintf(stderr, "gemm: %s\n", err);
		return 1;
	}
	return 0;
}
