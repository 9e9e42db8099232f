/* coll.cu -- NCCL collectives over this process's GPUs (see coll.h). Alltoall is
 * grouped ncclSend/ncclRecv (as nccl-tests runs it), so it works on every NCCL
 * from 2.7 on; sendrecv sends to rank r+1 and receives from rank r-1. */
#include "coll.h"

#include <string.h>

#define NC_TRY(call) do { ncclResult_t r_ = (call); if (r_ != ncclSuccess) { \
	snprintf(err, errlen, "%s:%d: %s: %s", __FILE__, __LINE__, #call, ncclGetErrorString(r_)); \
	rc = -1; goto done; } } while (0)
#define CU_TRY(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
	snprintf(err, errlen, "%s:%d: %s: %s", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
	rc = -1; goto done; } } while (0)

__global__ static void cg_fill(float *p, size_t n, float v)
{
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	     i += (size_t)gridDim.x * blockDim.x)
		p[i] = v;
}

/* Expected value: `constant` when chunk == 0, else (i / chunk) + 1 (the sending
 * rank + 1 of each received block). */
__global__ static void cg_count_wrong(const float *p, size_t n, float constant, size_t chunk,
				      unsigned long long *wrong)
{
	unsigned long long bad = 0;
	for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
	     i += (size_t)gridDim.x * blockDim.x) {
		float want = chunk ? (float)(i / chunk + 1) : constant;
		bad += p[i] != want;
	}
	if (bad)
		atomicAdd(wrong, bad);
}

int cg_init(cg_group *g, int nlocal, int first_dev, int nranks, int first_rank,
	    const ncclUniqueId *id, size_t buf_bytes, char *err, size_t errlen)
{
	int rc = 0;
	memset(g, 0, sizeof *g);
	if (nlocal < 1 || nlocal > CG_MAX_LOCAL || nranks < nlocal) {
		snprintf(err, errlen, "%d local GPUs of %d ranks: expected 1..%d local GPUs", nlocal, nranks,
			 CG_MAX_LOCAL);
		return -1;
	}
	g->nlocal = nlocal;
	g->nranks = nranks;
	g->first_rank = first_rank;
	g->buf_bytes = buf_bytes;
	for (int i = 0; i < nlocal; i++) {
		g->dev[i] = first_dev + i;
		CU_TRY(cudaSetDevice(g->dev[i]));
		CU_TRY(cudaStreamCreateWithFlags(&g->stream[i], cudaStreamNonBlocking));
		CU_TRY(cudaMalloc(&g->send[i], buf_bytes));
		CU_TRY(cudaMalloc(&g->recv[i], buf_bytes));
		CU_TRY(cudaMalloc(&g->wrong[i], sizeof(unsigned long long)));
		CU_TRY(cudaMemset(g->send[i], 0, buf_bytes));
		CU_TRY(cudaMemset(g->recv[i], 0, buf_bytes));
	}
	if (!id) {
		NC_TRY(ncclCommInitAll(g->comm, nlocal, g->dev));
	} else {
		NC_TRY(ncclGroupStart());
		for (int i = 0; i < nlocal; i++) {
			CU_TRY(cudaSetDevice(g->dev[i]));
			NC_TRY(ncclCommInitRank(&g->comm[i], nranks, *id, first_rank + i));
		}
		NC_TRY(ncclGroupEnd());
	}
done:
	if (rc != 0)
		cg_destroy(g);
	return rc;
}

/* This rank's input and output buffers for op, in place or not. */
static void buffers(const cg_group *g, int i, nf_op op, const nf_geom *geom, int in_place,
		    float **in, float **out, size_t *in_elems)
{
	int r = g->first_rank + i;
	*in = g->send[i];
	*out = g->recv[i];
	*in_elems = geom->send_elems;
	if (!in_place)
		return;
	if (op == NF_ALL_GATHER) {
		*in = g->recv[i] + (size_t)r * geom->count;
	} else if (op == NF_REDUCE_SCATTER) {
		*out = g->send[i] + (size_t)r * geom->count;
	} else {
		*out = g->send[i];
	}
}

int cg_launch(cg_group *g, nf_op op, const nf_geom *geom, int in_place, char *err, size_t errlen)
{
	int rc = 0, n = g->nranks;
	size_t c = geom->count;
	NC_TRY(ncclGroupStart());
	for (int i = 0; i < g->nlocal; i++) {
		int r = g->first_rank + i;
		float *in, *out;
		size_t in_elems;
		buffers(g, i, op, geom, in_place, &in, &out, &in_elems);
		ncclComm_t cm = g->comm[i];
		cudaStream_t s = g->stream[i];
		switch (op) {
		case NF_ALL_REDUCE: NC_TRY(ncclAllReduce(in, out, c, ncclFloat, ncclSum, cm, s)); break;
		case NF_ALL_GATHER: NC_TRY(ncclAllGather(in, out, c, ncclFloat, cm, s)); break;
		case NF_REDUCE_SCATTER: NC_TRY(ncclReduceScatter(in, out, c, ncclFloat, ncclSum, cm, s)); break;
		case NF_BROADCAST: NC_TRY(ncclBroadcast(in, out, c, ncclFloat, 0, cm, s)); break;
		case NF_ALLTOALL:
			for (int p = 0; p < n; p++) {
				NC_TRY(ncclSend(in + (size_t)p * c, c, ncclFloat, p, cm, s));
				NC_TRY(ncclRecv(out + (size_t)p * c, c, ncclFloat, p, cm, s));
			}
			break;
		default:
			NC_TRY(ncclSend(in, c, ncclFloat, (r + 1) % n, cm, s));
			NC_TRY(ncclRecv(out, c, ncclFloat, (r + n - 1) % n, cm, s));
			break;
		}
	}
	NC_TRY(ncclGroupEnd());
done:
	return rc;
}

int cg_sync(cg_group *g, char *err, size_t errlen)
{
	int rc = 0;
	for (int i = 0; i < g->nlocal; i++) {
		CU_TRY(cudaSetDevice(g->dev[i]));
		CU_TRY(cudaStreamSynchronize(g->stream[i]));
	}
done:
	return rc;
}

int cg_check(cg_group *g, nf_op op, const nf_geom *geom, int in_place, long *out_wrong,
	     char *err, size_t errlen)
{
	int rc = 0, n = g->nranks;
	long total = 0;
	for (int i = 0; i < g->nlocal; i++) {
		float *in, *out;
		size_t in_elems;
		buffers(g, i, op, geom, in_place, &in, &out, &in_elems);
		CU_TRY(cudaSetDevice(g->dev[i]));
		CU_TRY(cudaMemsetAsync(g->wrong[i], 0, sizeof(unsigned long long), g->stream[i]));
		if (op == NF_ALL_GATHER && in_place)
			in_elems = geom->count;
		cg_fill<<<256, 256, 0, g->stream[i]>>>(in, in_elems, (float)(g->first_rank + i + 1));
		CU_TRY(cudaGetLastError());
	}
	if ((rc = cg_launch(g, op, geom, in_place, err, errlen)) != 0)
		goto done;
	for (int i = 0; i < g->nlocal; i++) {
		float *in, *out;
		size_t in_elems, out_elems = geom->recv_elems, chunk = 0;
		int r = g->first_rank + i;
		float want = 0.0f;
		buffers(g, i, op, geom, in_place, &in, &out, &in_elems);
		switch (op) {
		case NF_ALL_REDUCE:
		case NF_REDUCE_SCATTER: want = (float)n * (float)(n + 1) / 2.0f; break;
		case NF_ALL_GATHER:
		case NF_ALLTOALL: chunk = geom->count; break;
		case NF_BROADCAST: want = 1.0f; break;
		default: want = (float)((r + n - 1) % n + 1); break;
		}
		CU_TRY(cudaSetDevice(g->dev[i]));
		cg_count_wrong<<<256, 256, 0, g->stream[i]>>>(out, out_elems, want, chunk, g->wrong[i]);
		CU_TRY(cudaGetLastError());
	}
	for (int i = 0; i < g->nlocal; i++) {
		unsigned long long w = 0;
		CU_TRY(cudaSetDevice(g->dev[i]));
		CU_TRY(cudaMemcpyAsync(&w, g->wrong[i], sizeof w, cudaMemcpyDeviceToHost, g->stream[i]));
		CU_TRY(cudaStreamSynchronize(g->stream[i]));
		total += (long)w;
	}
	*out_wrong = total;
done:
	return rc;
}

void cg_destroy(cg_group *g)
{
	for (int i = 0; i < g->nlocal && i < CG_MAX_LOCAL; i++) {
		if (g->comm[i])
			ncclCommDestroy(g->comm[i]);
		cudaSetDevice(g->dev[i]);
		if (g->send[i])
			cudaFree(g->send[i]);
		if (g->recv[i])
			cudaFree(g->recv[i]);
		if (g->wrong[i])
			cudaFree(g->wrong[i]);
		if (g->stream[i])
			cudaStreamDestroy(g->stream[i]);
	}
	memset(g, 0, sizeof *g);
}
