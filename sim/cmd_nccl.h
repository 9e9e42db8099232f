/* cmd_nccl.h -- `capsim nccl-tests` and the sweep it prints, reusable by
 * `capsim calibrate compare` and the collective validation tests. */
#ifndef CAPSIM_CMD_NCCL_H
#define CAPSIM_CMD_NCCL_H

#include <stdio.h>

#include "models/coll.h"
#include "models/collflow.h"
#include "scenarios/scenario.h"

typedef struct {
	coll_comm comm;
	coll_op op;
	const char *op_name, *redop, *gpu_name;
	int root, gpus, force_algo;
	int ranks[2];             /* send/recv's pair */
	/* the cluster's links on the flow network, where each size is simulated */
	sim *s;
	flow_net *fn;
	net *net;
	collflow *cf;
} nccl_sweep;

/* Sets up `op_name` ("all_reduce", ...) on the first `gpus` GPUs (0 = all) of the
 * scenario's cluster, NCCL's own algorithm choice unless force_algo >= 0, and wires
 * those GPUs' nodes into a flow network. Returns 0 (free with nccl_sweep_free), or
 * -1 with err set (nothing to free). */
int nccl_sweep_init(const scenario *sc, const char *op_name, int gpus, int force_algo,
		    nccl_sweep *sw, char *err, size_t errlen);
void nccl_sweep_free(nccl_sweep *sw);
/* Predicted time (us), algbw and busbw (GB/s) and the algorithm and protocol
 * chosen for `bytes`: NCCL's choice by the cost model (models/coll.c), then the
 * collective simulated as flows over the links (models/collflow.c), alone on the
 * network as nccl-tests runs it. Returns 0, or -1 if nothing can run it. */
int nccl_predict(const nccl_sweep *sw, double bytes, double *time_us, double *algbw,
		 double *busbw, int *algo, int *proto);
/* Prints the nccl-tests table for sizes minb, minb*factor, ... maxb. */
void nccl_print_table(FILE *f, const nccl_sweep *sw, double minb, double maxb, double factor);
/* nccl-tests size syntax ("8", "1K", "64M", "8G"). Returns 0 or -1. */
int nccl_parse_size(const char *s, double *out);
/* The command; returns the process exit status (0, 1 input failure, 2 usage). */
int cmd_nccl_tests(int argc, char **argv);

#endif
