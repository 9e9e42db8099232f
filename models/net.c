/* net.c -- the cluster's links in the flow network and routes between GPUs.
 *
 * Switches are non-blocking, so only their ports are links. Each tier above the
 * leaves is folded into "logical" switches: a leaf with u uplinks spread over s
 * upper switches gets min(u, s) up/down links of (u / min(u, s)) cables each, so
 * every leaf reaches every logical switch above it and each leaf's total uplink
 * capacity (hence the oversubscription) is exactly the cabled one. Three tiers
 * group k/2 leaves into a pod under their aggregation switches, which connect to
 * the cores the same way (Al-Fares et al. 2008). InfiniBand's subnet manager
 * routes a fat-tree by destination (the ftree engine's d-mod-k: uplink =
 * destination port mod the uplinks, Zahavi et al.), so shifts such as ring
 * neighbours never share an uplink; Ethernet fabrics (RoCE) hash each flow onto
 * an uplink (ECMP), where flows can collide. */
#include "models/net.h"

#include "models/topo.h"
#include "sim/engine/pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct net {
	flow_net *fn;
	int gpus, gpn, domain_gpus, nics, nodes;
	link_id *gpu_up, *gpu_down;          /* [gpus] */
	link_id *nic_up, *nic_down;          /* [nodes * nics], -1 without fabric */
	int tiers, rails, down_per_leaf, leaves_per_rail, leaves;
	int leaf_fan;                        /* logical switches above each leaf */
	link_id *leaf_up, *leaf_down;        /* [leaves * leaf_fan] */
	int pod_leaves, pods, aggs_per_pod;  /* three tiers: leaf_fan == aggs_per_pod */
	int agg_fan;                         /* logical cores above each aggregation switch */
	int dmodk;                           /* 1: destination-based routing (InfiniBand) */
	double up_Bps, nic_Bps, port_Bps;    /* a scale-up port, a NIC, a switch cable */
	double pci_Bps;                      /* a GPU's PCIe link (and a PCIe switch's uplink) */
	int leaf_cables, agg_cables;         /* uplinks of a leaf, of an aggregation switch */
	link_id *agg_up, *agg_down;          /* [pods * aggs_per_pod * agg_fan] */
	/* The host's PCIe tree inside each node: for PCIe-attached GPUs (gpu_up and
	 * gpu_down are then their PCIe links), and for scale-up domains smaller than
	 * the node, whose GPUs meet the other domains' over PCIe (pci_up, pci_down) */
	int pcie_host;                       /* 1: GPUs reach each other and the NICs over PCIe */
	int split_node;                      /* 1: domains smaller than the node */
	link_id *pci_up, *pci_down;          /* [gpus] when split_node and not PCIe-attached */
	int sockets, switches;
	double sock_Bps;
	link_id *sock;                       /* [nodes * sockets * sockets], from x to y at x * sockets + y */
	link_id *sw_up, *sw_down;            /* [nodes * switches]: a PCIe switch's uplink to its CPU */
	net_shape shape;
};

static link_id *links_alloc(size_t n)
{
	link_id *p = pool_xrealloc(NULL, (n ? n : 1) * sizeof *p);
	for (size_t i = 0; i < n; i++)
		p[i] = -1;
	return p;
}

void net_free(net *n)
{
	if (!n)
		return;
	free(n->gpu_up);
	free(n->gpu_down);
	free(n->nic_up);
	free(n->nic_down);
	free(n->leaf_up);
	free(n->leaf_down);
	free(n->agg_up);
	free(n->agg_down);
	free(n->sock);
	free(n->pci_up);
	free(n->pci_down);
	free(n->sw_up);
	free(n->sw_down);
	free(n);
}

/* The link in slot `*slot`, added to the flow network on first use (a simulation
 * touches few of a large fabric's links, and memory per GPU matters at scale). */
static link_id use(net *n, link_id *slot, double Bps)
{
	if (*slot < 0) {
		*slot = flow_link_add(n->fn, Bps, 0);
		n->shape.links++;
	}
	return *slot;
}

/* Capacity of the link from lower switch slot j of a tier to its j-th logical upper
 * switch: `cables` spread as evenly as they go over `fan`. */
static double tier_Bps(int cables, int fan, int j, double port_Bps)
{
	return (cables / fan + (j < cables % fan)) * port_Bps;
}

static int wire_fabric(net *n, const cluster_scaleout *so, const profile_gpu *eff,
		       double nic_Bps, char *err, size_t errlen)
{
	topo_fabric t;
	if (topo_size(so, n->nodes, n->nics, &t, err, errlen) != 0)
		return -1;
	n->tiers = t.tiers;
	n->rails = t.rails;
	n->down_per_leaf = t.down_per_leaf;
	int per_rail = (n->nodes * n->nics + t.rails - 1) / t.rails;
	n->leaves_per_rail = (per_rail + t.down_per_leaf - 1) / t.down_per_leaf;
	n->leaves = t.rails * n->leaves_per_rail;
	size_t ports = (size_t)n->nodes * (size_t)n->nics;
	n->nic_up = links_alloc(ports);
	n->nic_down = links_alloc(ports);
	n->nic_Bps = nic_Bps;
	double port_Bps = so->sw->port_rate_bps / 8.0;
	if (so->fabric->rate_bps > 0 && so->fabric->rate_bps / 8.0 < port_Bps)
		port_Bps = so->fabric->rate_bps / 8.0;
	port_Bps *= eff->link[LINK_SCALEOUT].bw_eff;
	n->port_Bps = port_Bps;
	n->shape.leaves = n->leaves;
	n->shape.nic_Bps = nic_Bps;
	n->shape.leaf_down_Bps = t.down_per_leaf * nic_Bps;
	if (t.tiers == 1 || n->leaves == 1)
		return 0;
	int up = t.up_per_leaf;
	n->shape.leaf_up_Bps = up * port_Bps;
	if (t.tiers == 2) {
		n->leaf_fan = up < t.switches[1] ? up : t.switches[1];
		n->leaf_cables = up;
		n->leaf_up = links_alloc((size_t)n->leaves * n->leaf_fan);
		n->leaf_down = links_alloc((size_t)n->leaves * n->leaf_fan);
		n->shape.spines = t.switches[1];
		return 0;
	}
	int half = t.ports / 2;
	n->pod_leaves = half;
	n->pods = (n->leaves + half - 1) / half;
	n->aggs_per_pod = (half * up + half - 1) / half;
	n->leaf_fan = n->aggs_per_pod;
	n->leaf_cables = up;
	n->leaf_up = links_alloc((size_t)n->leaves * n->leaf_fan);
	n->leaf_down = links_alloc((size_t)n->leaves * n->leaf_fan);
	int aggs = n->pods * n->aggs_per_pod;
	n->agg_fan = half < t.switches[2] ? half : t.switches[2];
	n->agg_cables = half;
	n->agg_up = links_alloc((size_t)aggs * n->agg_fan);
	n->agg_down = links_alloc((size_t)aggs * n->agg_fan);
	n->shape.spines = aggs;
	n->shape.cores = t.switches[2];
	return 0;
}

int net_build(const cluster_nodes *g, const cluster_scaleout *so, const profile_gpu *eff,
	      int nodes, flow_net *fn, net **out, char *err, size_t errlen)
{
	if (nodes < 1 || nodes > g->count) {
		snprintf(err, errlen, "net: %d nodes asked of a group of %d", nodes, g->count);
		return -1;
	}
	net *n = pool_xrealloc(NULL, sizeof *n);
	memset(n, 0, sizeof *n);
	n->fn = fn;
	n->nodes = nodes;
	n->gpn = g->node->gpus;
	n->gpus = nodes * n->gpn;
	const hw_scaleup *su = g->scaleup;
	n->domain_gpus = su && su->domain_gpus > 0 ? su->domain_gpus : n->gpn;
	int pcie = !su || su->kind == SCALEUP_PCIE || su->kind == SCALEUP_NONE;
	double up_Bps = su && su->bw_Bps > 0 ? su->bw_Bps : g->node->pcie_bw_Bps;
	up_Bps *= eff->link[pcie ? LINK_PCIE : LINK_SCALEUP].bw_eff;
	n->up_Bps = up_Bps;
	n->gpu_up = links_alloc((size_t)n->gpus);
	n->gpu_down = links_alloc((size_t)n->gpus);
	n->split_node = n->domain_gpus < n->gpn;
	n->pci_Bps = pcie ? up_Bps : g->node->pcie_bw_Bps * eff->link[LINK_PCIE].bw_eff;
	if (n->split_node && !pcie) {
		n->pci_up = links_alloc((size_t)n->gpus);
		n->pci_down = links_alloc((size_t)n->gpus);
	}
	if (pcie || n->split_node) {
		const hw_node *hn = g->node;
		n->pcie_host = pcie;
		n->sockets = hn->sockets > 1 ? hn->sockets : 1;
		n->switches = hn->pcie_switches;
		n->sock_Bps = hn->socket_link_Bps;
		n->sock = links_alloc((size_t)nodes * n->sockets * n->sockets);
		n->sw_up = links_alloc((size_t)nodes * n->switches);
		n->sw_down = links_alloc((size_t)nodes * n->switches);
	}
	int domains = (n->gpus + n->domain_gpus - 1) / n->domain_gpus;
	int has_fabric = so->fabric && so->sw && g->nic && g->node->nics > 0;
	if (has_fabric) {
		n->nics = g->node->nics;
		double nic_Bps = g->nic->rate_bps / 8.0;
		if (so->fabric->rate_bps > 0 && so->fabric->rate_bps / 8.0 < nic_Bps)
			nic_Bps = so->fabric->rate_bps / 8.0;
		nic_Bps *= eff->link[LINK_SCALEOUT].bw_eff;
		n->dmodk = so->fabric->kind == FABRIC_INFINIBAND;
		if (wire_fabric(n, so, eff, nic_Bps, err, errlen) != 0) {
			net_free(n);
			return -1;
		}
	} else if (domains > 1 && nodes > 1) {
		snprintf(err, errlen, "%d GPUs of %s span %d scale-up domains, but the cluster has no scale-out network",
			 n->gpus, g->node->id, domains);
		net_free(n);
		return -1;
	}
	n->shape.gpus = n->gpus;
	n->shape.nodes = nodes;
	n->shape.domains = domains;
	n->shape.nics = nodes * n->nics;
	*out = n;
	return 0;
}

void net_shape_of(const net *n, net_shape *out)
{
	*out = n->shape;
}

int net_gpus(const net *n)
{
	return n->gpus;
}

int net_domain(const net *n, int gpu)
{
	return gpu / n->domain_gpus;
}

int net_gpus_per_node(const net *n)
{
	return n->gpn;
}

/* NIC port index of a GPU: its node's rail for its local index. */
static int nic_of(const net *n, int gpu)
{
	int local = gpu % n->gpn;
	return (gpu / n->gpn) * n->nics + local * n->nics / n->gpn;
}

static int leaf_of_port(const net *n, int port)
{
	if (n->rails > 1) {
		int rail = port % n->nics, node = port / n->nics;
		return rail * n->leaves_per_rail + node / n->down_per_leaf;
	}
	return port / n->down_per_leaf;
}

static uint32_t ecmp_hash(int src, int dst, uint32_t salt, uint32_t level)
{
	uint64_t x = (uint64_t)(uint32_t)src * 0x9e3779b97f4a7c15u ^
		     (uint64_t)(uint32_t)dst * 0xc2b2ae3d27d4eb4fu ^
		     ((uint64_t)salt << 32 | level) * 0x165667b19e3779f9u;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9u;
	x ^= x >> 29;
	return (uint32_t)x;
}

/* A device of a PCIe node's host tree: its PCIe switch (-1: on a CPU root port) and
 * its socket, for the `i`-th of `count` GPUs or NICs spread evenly. */
typedef struct {
	int sw, socket;
} host_slot;

static host_slot host_slot_of(const net *n, int i, int count)
{
	host_slot h;
	h.sw = n->switches > 0 ? i * n->switches / count : -1;
	h.socket = h.sw >= 0 ? h.sw * n->sockets / n->switches : i * n->sockets / count;
	return h;
}

/* Appends to path[*h] the host links between two devices of node `node` past their
 * own PCIe links: nothing under one PCIe switch (NCCL's P2P), else up the source's
 * switch, across sockets if they differ (host memory on the way, as NCCL's SHM
 * transport goes), and down the destination's switch. */
static void host_hops(net *n, int node, host_slot a, host_slot b, link_id *path, int *h)
{
	if (a.sw >= 0 && a.sw == b.sw)
		return;
	size_t base = (size_t)node * n->switches;
	if (a.sw >= 0)
		path[(*h)++] = use(n, &n->sw_up[base + a.sw], n->pci_Bps);
	if (a.socket != b.socket) {
		size_t k = ((size_t)node * n->sockets + a.socket) * n->sockets + b.socket;
		path[(*h)++] = use(n, &n->sock[k], n->sock_Bps);
	}
	if (b.sw >= 0)
		path[(*h)++] = use(n, &n->sw_down[base + b.sw], n->pci_Bps);
}

int net_path(net *n, int src, int dst, uint32_t salt, link_id *path)
{
	if (src == dst || src < 0 || dst < 0 || src >= n->gpus || dst >= n->gpus)
		return -1;
	int h = 0;
	int ns = src / n->gpn, nd = dst / n->gpn;
	host_slot gs = { -1, 0 }, gd = { -1, 0 };
	if (n->pcie_host || n->split_node) {
		gs = host_slot_of(n, src % n->gpn, n->gpn);
		gd = host_slot_of(n, dst % n->gpn, n->gpn);
	}
	if (net_domain(n, src) == net_domain(n, dst)) {
		path[h++] = use(n, &n->gpu_up[src], n->up_Bps);
		if (n->pcie_host && ns == nd)
			host_hops(n, ns, gs, gd, path, &h);
		path[h++] = use(n, &n->gpu_down[dst], n->up_Bps);
		return h;
	}
	if (n->split_node && ns == nd) {
		/* another domain of the same node: over the host's PCIe */
		path[h++] = use(n, n->pcie_host ? &n->gpu_up[src] : &n->pci_up[src], n->pci_Bps);
		host_hops(n, ns, gs, gd, path, &h);
		path[h++] = use(n, n->pcie_host ? &n->gpu_down[dst] : &n->pci_down[dst], n->pci_Bps);
		return h;
	}
	int ps = nic_of(n, src), pd = nic_of(n, dst);
	if (n->pcie_host) {
		/* The GPU's own PCIe link, and the host's, to its NIC */
		path[h++] = use(n, &n->gpu_up[src], n->up_Bps);
		host_hops(n, ns, gs, host_slot_of(n, ps % n->nics, n->nics), path, &h);
	}
	path[h++] = use(n, &n->nic_up[ps], n->nic_Bps);
	int ls = leaf_of_port(n, ps), ld = leaf_of_port(n, pd);
	if (ls != ld && n->leaf_fan > 0) {
		/* The upper switch: by the destination's index in its plane (d-mod-k:
		 * its port on a single tree, its node on a rail's own tree, so a rail's
		 * traffic spreads over all of its leaf's uplinks) or by a hash. */
		uint32_t d = (uint32_t)(n->rails > 1 ? pd / n->nics : pd);
		uint32_t up1 = n->dmodk ? d : ecmp_hash(src, dst, salt, 1);
		uint32_t up2 = n->dmodk ? d / (uint32_t)n->leaf_fan : ecmp_hash(src, dst, salt, 2);
		if (n->tiers == 2) {
			int s = (int)(up1 % (uint32_t)n->leaf_fan);
			double b = tier_Bps(n->leaf_cables, n->leaf_fan, s, n->port_Bps);
			path[h++] = use(n, &n->leaf_up[(size_t)ls * n->leaf_fan + s], b);
			path[h++] = use(n, &n->leaf_down[(size_t)ld * n->leaf_fan + s], b);
		} else {
			int a = (int)(up1 % (uint32_t)n->leaf_fan);
			int pod_s = ls / n->pod_leaves, pod_d = ld / n->pod_leaves;
			double b = tier_Bps(n->leaf_cables, n->leaf_fan, a, n->port_Bps);
			path[h++] = use(n, &n->leaf_up[(size_t)ls * n->leaf_fan + a], b);
			if (pod_s != pod_d) {
				int c = (int)(up2 % (uint32_t)n->agg_fan);
				size_t as = (size_t)pod_s * n->aggs_per_pod + a;
				size_t ad = (size_t)pod_d * n->aggs_per_pod + a;
				double bc = tier_Bps(n->agg_cables, n->agg_fan, c, n->port_Bps);
				path[h++] = use(n, &n->agg_up[as * n->agg_fan + c], bc);
				path[h++] = use(n, &n->agg_down[ad * n->agg_fan + c], bc);
			}
			path[h++] = use(n, &n->leaf_down[(size_t)ld * n->leaf_fan + a], b);
		}
	}
	path[h++] = use(n, &n->nic_down[pd], n->nic_Bps);
	if (n->pcie_host) {
		host_hops(n, nd, host_slot_of(n, pd % n->nics, n->nics), gd, path, &h);
		path[h++] = use(n, &n->gpu_down[dst], n->up_Bps);
	}
	return h;
}

int net_rail_planes(const net *n)
{
	if (n->nics <= 1 || !n->dmodk || n->gpn % n->nics != 0 || n->domain_gpus % n->gpn != 0)
		return 1;
	if (n->rails > 1) {
		/* Rail-optimized: each leaf serves one rail and routes follow the
		 * destination's node, the same on every rail; pods mixing rails would
		 * share aggregation links between planes. */
		if (n->tiers >= 3 && n->pods > 1 && n->leaves_per_rail % n->pod_leaves != 0)
			return 1;
		return n->nics;
	}
	/* One tree: a node's NICs sit side by side on one leaf, and d-mod-k on the
	 * port (node * nics + rail) picks an uplink congruent to the rail when the
	 * uplinks come in whole multiples of the rails and carry equal cables, and
	 * the same core (the port over the uplinks drops the rail). */
	if (n->leaf_fan > 0 && (n->down_per_leaf % n->nics != 0 || n->leaf_fan % n->nics != 0 ||
				n->leaf_cables % n->leaf_fan != 0))
		return 1;
	return n->nics;
}

link_id net_gpu_up(net *n, int gpu)
{
	return gpu >= 0 && gpu < n->gpus ? use(n, &n->gpu_up[gpu], n->up_Bps) : -1;
}

link_id net_gpu_down(net *n, int gpu)
{
	return gpu >= 0 && gpu < n->gpus ? use(n, &n->gpu_down[gpu], n->up_Bps) : -1;
}

link_id net_nic_up(net *n, int gpu)
{
	return gpu >= 0 && gpu < n->gpus && n->nic_up ? use(n, &n->nic_up[nic_of(n, gpu)], n->nic_Bps) : -1;
}

link_id net_nic_down(net *n, int gpu)
{
	return gpu >= 0 && gpu < n->gpus && n->nic_down ? use(n, &n->nic_down[nic_of(n, gpu)], n->nic_Bps) : -1;
}
