/* layout.h -- where a training layout's process groups sit on the cluster and
 * which link class each one's traffic crosses.
 *
 * Ranks are placed in Megatron-LM's default order: tensor parallel innermost, then
 * context, then data (expert parallel groups inside data), then pipeline. A group
 * stays inside one scale-up domain when its span fits the domain; one that spans
 * several domains of a single node (domains smaller than the node) meets over the
 * host's PCIe, and one that spans nodes over the scale-out network. */
#ifndef CAPSIM_LAYOUT_H
#define CAPSIM_LAYOUT_H

#include "models/cluster.h"
#include "models/coll.h"
#include "models/train.h"

typedef struct {
	coll_comm tp, cp, ep, dp, pp;  /* pp: two neighbouring stages */
	int gpus_per_node, domain_gpus;
	double nic_Bps_per_gpu;   /* scale-out bandwidth share of one GPU, line rate */
} train_layout;

/* Fills *out for resolved layout `p` on node group `g`. Returns 0, or -1 with err
 * set when a group must cross nodes and the cluster has no scale-out network. */
int layout_build(const cluster_nodes *g, const cluster_scaleout *so,
		 const profile_gpu *eff, const parallel_cfg *p, train_layout *out,
		 char *err, size_t errlen);

/* The communicator of `nranks` consecutive ranks `stride` apart on node group
 * `g` (ranks fill scale-up domains in order), with the profile's efficiencies, for
 * the collective model. Returns 0, or -1 with err set when the ranks must cross
 * domains and the cluster has no scale-out network. */
int layout_comm(const cluster_nodes *g, const cluster_scaleout *so,
		const profile_gpu *eff, int nranks, int stride, coll_comm *out,
		char *err, size_t errlen);

#endif
