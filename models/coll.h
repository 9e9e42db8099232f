/* coll.h -- NCCL's collectives as cost models: algorithms (ring, double binary
 * tree, NVLS, NVLS-tree, CollNet/SHARP, PAT, hierarchical), protocols (LL, LL128,
 * Simple) and NCCL's own choice among them by size and topology.
 *
 * Invariant: a collective's time is latency(algo, proto, hops) + bytes / algbw,
 * the form of NCCL's tuning model (src/graph/tuning.cc); bandwidths come from the
 * hardware and the calibration profile, latencies from NCCL's published tables. */
#ifndef CAPSIM_COLL_H
#define CAPSIM_COLL_H

#include "models/comm.h"

typedef enum {
	ALGO_RING, ALGO_TREE, ALGO_NVLS, ALGO_NVLSTREE, ALGO_COLLNET, ALGO_PAT,
	ALGO_HIER, ALGO_COUNT
} coll_algo;

typedef enum { PROTO_LL, PROTO_LL128, PROTO_SIMPLE, PROTO_COUNT } coll_proto;

/* A communicator as the cost model sees it. Bandwidths are achievable (line rate
 * times the profile's efficiency), per rank and direction. */
typedef struct {
	int nranks;
	int nnodes;               /* scale-up domains the ranks span */
	int ppn;                  /* ranks per domain */
	double intra_Bps;         /* scale-up (NVLink/NVSwitch or PCIe) */
	double inter_Bps;         /* scale-out share of one rank (its NIC) */
	double nvls_Bps;          /* NVLS multicast-reduce algbw per rank, 0 = no NVLS */
	double collnet_Bps;       /* in-network reduction algbw per rank, 0 = no SHARP */
	int intra_pcie;           /* 1: the scale-up path is PCIe (latency table row) */
	int ll128_ok;             /* 1: LL128 is enabled on this hardware */
	double intra_line_Bps;    /* scale-up line rate per rank (trees pace on it) */
	double nvls_tree_eff;     /* NVLS-tree algbw / NVLS algbw; 0 = 1 */
	double nvls_lat_ns;       /* NVLS latency; 0 = the single-node estimate */
	double overhead_ns;       /* fixed cost of every collective on this system */
	double ring_intra_Bps;    /* a ring's scale-up bandwidth when it differs from
	                           * intra_Bps (multi-node NVLink); 0 = intra_Bps */
	double step_ns;           /* per-step latency of rings and p2p on the scale-up
	                           * path when calibrated (multi-node NVLink); 0 = NCCL's table */
} coll_comm;

/* Parses "ring", "tree", "nvls", "nvlstree", "collnet", "pat", "hier"; -1 if none. */
int coll_algo_parse(const char *name);
const char *coll_algo_name(coll_algo a);
const char *coll_proto_name(coll_proto p);

/* Predicted time in ns of `op` on `bytes` (nccl-tests' size) with algorithm `a`
 * and protocol `p`; a negative value when the pair cannot run this op here. */
double coll_time_ns(const coll_comm *c, coll_op op, double bytes, coll_algo a, coll_proto p);

/* NCCL's choice: the fastest (algorithm, protocol) the hardware supports, or the
 * fastest protocol of `force` when force >= 0 (NCCL_ALGO). Returns the time in ns,
 * or a negative value when nothing can run (e.g. a forced algorithm the hardware
 * lacks); *a and *p are set on success. */
double coll_choose(const coll_comm *c, coll_op op, double bytes, int force,
		   coll_algo *a, coll_proto *p);

/* nccl-tests' bus bandwidth factor of `op` on n ranks (busbw = algbw * factor). */
double coll_busbw_factor(coll_op op, int n);

#endif
