/* layout.c -- process-group placement and the link class of each group. */
#include "models/layout.h"

#include <stdio.h>
#include <string.h>

static comm_path path_of(link_class cls, double line_Bps, const profile_gpu *eff)
{
	comm_path c;
	c.cls = cls;
	c.bw_Bps = line_Bps * eff->link[cls].bw_eff;
	c.alpha_ns = eff->link[cls].alpha_ns;
	return c;
}

/* Path of a group whose members are `stride` ranks apart and which spans
 * `span` consecutive ranks. */
static int group_path(const train_layout *l, const comm_path *up, const comm_path *out,
		      long stride, long n, comm_path *res)
{
	if (n <= 1 || stride * n <= l->domain_gpus) {
		*res = *up;
		return 0;
	}
	if (out->bw_Bps <= 0)
		return -1;
	*res = *out;
	return 0;
}

int layout_build(const cluster_nodes *g, const cluster_scaleout *so,
		 const profile_gpu *eff, const parallel_cfg *p, train_layout *out,
		 char *err, size_t errlen)
{
	train_layout l;
	const hw_scaleup *su = g->scaleup;
	l.gpus_per_node = g->node->gpus;
	l.domain_gpus = su && su->domain_gpus > 0 ? su->domain_gpus : g->node->gpus;
	if (l.domain_gpus < 1)
		l.domain_gpus = 1;

	link_class up_cls = su && su->kind == SCALEUP_PCIE ? LINK_PCIE : LINK_SCALEUP;
	double up_Bps = su ? su->bw_Bps : 0;
	if (up_Bps <= 0)
		up_Bps = g->node->pcie_bw_Bps;
	comm_path up = path_of(up_cls, up_Bps, eff);

	double nic_Bps = 0;
	if (so->fabric && g->nic && g->node->nics > 0) {
		double port = g->nic->rate_bps;
		if (so->fabric->rate_bps > 0 && so->fabric->rate_bps < port)
			port = so->fabric->rate_bps;
		nic_Bps = port / 8.0 * g->node->nics / g->node->gpus;
	}
	l.nic_Bps_per_gpu = nic_Bps;
	comm_path sout = path_of(LINK_SCALEOUT, nic_Bps, eff);
	if (nic_Bps <= 0)
		sout.bw_Bps = 0;

	long tp = p->tp, cp = p->cp, dp = p->dp, pp = p->pp, ep = p->ep > 0 ? p->ep : 1;
	const char *what = NULL;
	if (group_path(&l, &up, &sout, 1, tp, &l.tp))
		what = "tensor-parallel";
	else if (group_path(&l, &up, &sout, tp, cp, &l.cp))
		what = "context-parallel";
	else if (group_path(&l, &up, &sout, tp * cp, ep, &l.ep))
		what = "expert-parallel";
	else if (group_path(&l, &up, &sout, tp * cp, dp, &l.dp))
		what = "data-parallel";
	else if (group_path(&l, &up, &sout, tp * cp * dp, pp, &l.pp))
		what = "pipeline-parallel";
	if (what) {
		snprintf(err, errlen, "the %s group spans more than one %d-GPU scale-up domain of %s, "
			 "but the cluster has no scale-out network (add <scale-out> with a fabric)",
			 what, l.domain_gpus, g->node->id);
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
	if (span <= domain) {
		c.nnodes = 1;
		c.ppn = nranks;
	} else {
		int per = domain / stride > 0 ? domain / stride : 1;
		c.ppn = per;
		c.nnodes = (nranks + per - 1) / per;
	}
	c.intra_pcie = su && su->kind == SCALEUP_PCIE;
	link_class up = c.intra_pcie ? LINK_PCIE : LINK_SCALEUP;
	double up_Bps = su && su->bw_Bps > 0 ? su->bw_Bps : g->node->pcie_bw_Bps;
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
	if (su && su->multicast && eff->nvls_eff > 0)
		c.nvls_Bps = up_Bps * eff->nvls_eff;
	/* NCCL enables LL128 only on NVLink-connected GPUs (tuning.cc) */
	c.ll128_ok = !c.intra_pcie;
	*out = c;
	return 0;
}
