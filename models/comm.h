/* comm.h -- collective cost over one class of link, alpha-beta style: NCCL's ring
 * algorithm with a fixed cost per step and the achieved per-rank bandwidth.
 *
 * This is the seam the flow network replaces: the step builder asks only for the
 * time of a collective on a group, never for link details. */
#ifndef CAPSIM_COMM_H
#define CAPSIM_COMM_H

#include "models/profile.h"

typedef enum {
	COLL_ALLREDUCE, COLL_REDUCESCATTER, COLL_ALLGATHER, COLL_ALLTOALL,
	COLL_BROADCAST, COLL_SENDRECV
} coll_op;

/* The path a group's traffic takes: its slowest link class, the achieved
 * bandwidth per rank and direction, and the fixed cost per algorithm step. */
typedef struct {
	link_class cls;
	double bw_Bps;
	double alpha_ns;
} comm_path;

/* Time of `op` among `n` ranks on `bytes` (the full buffer: all-reduce input,
 * all-gather output, reduce-scatter input, all-to-all data sent per rank, the
 * message for send/recv). Returns 0 when n <= 1 (except send/recv) or bytes <= 0. */
double comm_coll_ns(coll_op op, int n, double bytes, const comm_path *path);

const char *comm_link_class_name(link_class c);

#endif
