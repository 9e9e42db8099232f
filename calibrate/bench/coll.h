/* coll.h -- NCCL communicators for the GPUs this process drives, and one
 * collective (all_reduce, all_gather, reduce_scatter, alltoall, broadcast,
 * sendrecv) launched on all of them as one group call, with the buffer layout and
 * result check nccl-tests uses. Used by the nccl and power benchmarks.
 *
 * Invariant: data are float; rank r's input holds r + 1 everywhere, so every
 * correct output element is a small exact integer the check can compare. */
#ifndef CAPSIM_COLL_H
#define CAPSIM_COLL_H

#include "nccl_fmt.h"

#include <cuda_runtime.h>
#include <nccl.h>
#include <stddef.h>

#define CG_MAX_LOCAL 64

typedef struct cg_group {
	int nlocal;              /* GPUs (ranks) in this process */
	int nranks;              /* ranks in the communicator, all processes */
	int first_rank;          /* global rank of local GPU 0 */
	int dev[CG_MAX_LOCAL];   /* CUDA device of each local rank */
	ncclComm_t comm[CG_MAX_LOCAL];
	cudaStream_t stream[CG_MAX_LOCAL];
	float *send[CG_MAX_LOCAL], *recv[CG_MAX_LOCAL];
	unsigned long long *wrong[CG_MAX_LOCAL]; /* device counter per rank */
	size_t buf_bytes;        /* size of each send and receive buffer */
} cg_group;

/* Set up nlocal ranks on devices first_dev..first_dev+nlocal-1, each with a stream
 * and send/receive buffers of buf_bytes. With id == NULL the communicator is this
 * process alone (ncclCommInitAll, nranks == nlocal); otherwise this process holds
 * ranks first_rank.. of nranks joining the clique `id`. Returns 0, or -1 with a
 * message in err (everything built so far is released). */
int cg_init(cg_group *g, int nlocal, int first_dev, int nranks, int first_rank,
	    const ncclUniqueId *id, size_t buf_bytes, char *err, size_t errlen);

/* Enqueue op of geometry geom on every local rank (one ncclGroupStart/End), in
 * place or out of place as nccl-tests defines it. Returns 0, or -1 with a message. */
int cg_launch(cg_group *g, nf_op op, const nf_geom *geom, int in_place, char *err, size_t errlen);

/* Wait for every local stream. Returns 0, or -1 with a message in err. */
int cg_sync(cg_group *g, char *err, size_t errlen);

/* Fill each rank's input with r + 1, run op once, and count output elements that
 * differ from the exact answer, summed over local ranks into *out_wrong. Returns 0,
 * or -1 with a message in err. */
int cg_check(cg_group *g, nf_op op, const nf_geom *geom, int in_place, long *out_wrong,
	     char *err, size_t errlen);

/* Release communicators, streams and buffers; safe on a zeroed or failed group. */
void cg_destroy(cg_group *g);

#endif
