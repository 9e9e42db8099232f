/* layout.c -- process-group placement and the link class of each group. */
#include "models/layout.h"

#include <stdio.h>
#include <string.h>

int layout_build(const cluster_nodes *g, const cluster_scaleout *so,
		 const profile_gpu *eff, const parallel_cfg *p, train_layout *out,
		 char *err, size_t errlen)
{
	train_layout l;
	memset(&l, 0, sizeof l);
	const hw_scaleup *su = g->scaleup;
	l.gpus_per_node = g->node->gpus;
	l.domain_gpus = su && su->domain_gpus > 0 ? su->domain_gpus : g->node->gpus;
	if (so->fabric && g->nic && g->node->nics > 0) {
		double port = g->nic->rate_bps;
		if (so->fabric->rate_bps > 0 && so->fabric->rate_bps < port)
			port = so->fabric->rate_bps;
		l.nic_Bps_per_gpu = port / 8.0 * g->node->nics / g->node->gpus;
	}
	int tp = p->tp, cp = p->cp, dp = p->dp, ep = p->ep > 0 ? p->ep : 1;
	char why[256];
	const char *what = NULL;
	if (layout_comm(g, so, eff, tp, 1, &l.tp, why, sizeof why) != 0)
		what = "tensor-parallel";
	else if (layout_comm(g, so, eff, cp, tp, &l.cp, why, sizeof why) != 0)
		what = "context-parallel";
	else if (layout_comm(g, so, eff, ep, tp * cp, &l.ep, why, sizeof why) != 0)
		what = "expert-parallel";
	else if (layout_comm(g, so, eff, dp, tp * cp, &l.dp, why, sizeof why) != 0)
		what = "data-parallel";
	else if (layout_comm(g, so, eff, p->pp > 1 ? 2 : 1, tp * cp * dp, &l.pp, why, sizeof why) != 0)
		what = "pipeline-parallel";
	if (what) {
		snprintf(err, errlen, "the %s group: %s (add <scale-out> with a fabric)", what, why);
		return -1;
	}
	*out = l;
	return 0;
}

int layout_comm(const cluster_nodes *g, const cluster_scaleout *so,
		const profile_gpu *eff, int nranks, int stride, coll_comm *out,
		char *err, size_t errlen)
{
	const hw_scaleup *su = g->scaleup;
	int domain = su && su->domain_gpus > 0 ? su->domain_gpus : g->node->gpus;
	coll_comm c;
	memset(&c, 0, sizeof c);
	c.nranks = nranks;
	long span = (long)stride * nranks;
	/* Scale-up domains smaller than the node (NVLink-bridged pairs): ranks of one
	 * node in several domains meet over the host's PCIe, whose hops pace a ring. */
	int host = domain < g->node->gpus && span > domain && span <= g->node->gpus;
	if (span <= domain || host) {
		c.nnodes = 1;
		c.ppn = nranks;
	} else {
		int per = domain / stride > 0 ? domain / stride : 1;
		c.ppn = per;
		c.nnodes = (nranks + per - 1) / per;
	}
	c.intra_pcie = host || (su && su->kind == SCALEUP_PCIE);
	link_class up = c.intra_pcie ? LINK_PCIE : LINK_SCALEUP;
	double up_Bps = su && su->bw_Bps > 0 && !host ? su->bw_Bps : g->node->pcie_bw_Bps;
	c.intra_Bps = up_Bps * eff->link[up].bw_eff;
	if (so->fabric && g->nic && g->node->nics > 0) {
		double port = g->nic->rate_bps;
		if (so->fabric->rate_bps > 0 && so->fabric->rate_bps < port)
			port = so->fabric->rate_bps;
		c.inter_Bps = port / 8.0 * g->node->nics / g->node->gpus * eff->link[LINK_SCALEOUT].bw_eff;
		if (so->sharp && eff->collnet_eff > 0)
			c.collnet_Bps = port / 8.0 * eff->collnet_eff;
	}
	if (c.nnodes > 1 && c.inter_Bps <= 0) {
		snprintf(err, errlen, "%d ranks span %d scale-up domains of %s, but the cluster has no scale-out network",
			 nranks, c.nnodes, g->node->id);
		return -1;
	}
	if (su && su->multicast && eff->nvls_eff > 0 && !host)
		c.nvls_Bps = up_Bps * eff->nvls_eff;
	c.intra_line_Bps = up_Bps;
	c.overhead_ns = g->node->coll_overhead_ns;
	c.nvls_tree_eff = eff->nvls_tree_eff;
	/* ranks on several trays of one NVLink domain (NVL72): the calibrated
	 * multi-node NVLink figures, where the profile has them */
	if (domain > g->node->gpus && span > g->node->gpus && c.nnodes == 1) {
		c.step_ns = eff->mnnvl_step_ns;
		if (eff->mnnvl_ring_eff > 0)
			c.ring_intra_Bps = up_Bps * eff->mnnvl_ring_eff;
		c.nvls_lat_ns = eff->mnnvl_nvls_latency_ns;
	}
	/* NCCL enables LL128 only on NVLink-connected GPUs, and across nodes only when
	 * the NIC shares a PCIe switch with the GPU (tuning.cc: typeInter <= PXB) */
	c.ll128_ok = !c.intra_pcie && (c.nnodes == 1 || !g->node->nic_via_host);
	*out = c;
	return 0;
}
