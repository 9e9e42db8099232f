/* coll.c -- NCCL-style collective cost model and algorithm choice.
 *
 * Latency figures are NCCL's tuning tables (NVIDIA/nccl src/graph/tuning.cc,
 * commit 01afd20: baseLat and hwLat per algorithm, protocol and link type, in us)
 * and its protocol bandwidth factors (LL carries 8 bytes of data per 16-byte line,
 * a quarter of the bandwidth once flags are counted; LL128 120 of every 128 bytes).
 * NVLS, PAT and hierarchical latencies are not in that table: they are estimates
 * stated where they are used. Bandwidths are the caller's (hardware times the
 * calibration profile's efficiencies). */
#include "models/coll.h"

#include <math.h>
#include <string.h>

static const char *const algo_names[ALGO_COUNT] = {
	"ring", "tree", "nvls", "nvlstree", "collnet", "pat", "hier"
};
static const char *const proto_names[PROTO_COUNT] = { "LL", "LL128", "Simple" };

/* NCCL tuning.cc: base latency (us) of Tree, Ring, CollNet by protocol. */
static const double base_lat_us[3][PROTO_COUNT] = {
	{ 4.4, 4.4, 0 }, { 3.6, 10.0, 8.4 }, { 4.4, 4.4, 0 }
};
/* NCCL tuning.cc: per-hop latency (us) by link type (NVLink, PCI, network),
 * algorithm (Tree, Ring, CollNet) and protocol. */
static const double hw_lat_us[3][3][PROTO_COUNT] = {
	{ { .52, 1.2, 28 }, { .47, 1.9, 3.4 }, { .5, 1.2, 4.0 } },
	{ { 1.0, 1.9, 28 }, { 1.0, 2.5, 5.7 }, { 1.0, 1.9, 5.5 } },
	{ { 5.0, 8.5, 50 }, { 2.7, 4.0, 9.6 }, { 5.0, 5.0, 10.7 } },
};
enum { HW_NVLINK, HW_PCI, HW_NET };
enum { T_TREE, T_RING, T_COLLNET };

/* NCCL tuning.cc (commit b647562, treeCorrectionFactor): trees reach only this
 * share of their modelled bandwidth at medium sizes, by protocol and by
 * log2(bytes / 64) from 0 to 22 (64 B to 256 MiB); 1 beyond. */
static const double tree_correction[PROTO_COUNT][23] = {
	{ 1, 1, 1, 1, .9, .8, .7, .7, .7, .7, .6, .5, .4, .4, .5, .6, .7, .8, .9, 1, 1, 1, 1 },
	{ 1, 1, 1, 1, 1, .9, .8, .8, .8, .7, .6, .6, .6, .6, .6, .6, .8, .9, .9, .9, .9, 1, 1 },
	{ .9, .9, .9, .9, .9, .9, .9, .8, .7, .6, .6, .5, .5, .5, .5, .6, .7, .8, .7, .7, .8, .9, .9 },
};

static double tree_factor(double bytes, coll_proto p)
{
	double b = bytes / 64.0;
	int k = b >= 1 ? (int)floor(log2(b)) : 0;
	return k < 23 ? tree_correction[p][k] : 1.0;
}

/* Latency (us) of one step between ranks of a domain: the calibrated multi-node
 * NVLink figure where there is one, else NCCL's table. */
static double intra_step_us(const coll_comm *c, int algo_row, coll_proto p)
{
	if (c->step_ns > 0)
		return c->step_ns / 1e3;
	return hw_lat_us[c->intra_pcie ? HW_PCI : HW_NVLINK][algo_row][p];
}

/* Protocol share of the link bandwidth (NCCL tuning.cc: LL 1/4 for all-reduce
 * or across nodes, else 1/3; LL128 0.92, 0.7 with one rank per node). */
static double proto_bw(const coll_comm *c, coll_op op, coll_proto p)
{
	if (p == PROTO_LL)
		return c->nnodes > 1 || op == COLL_ALLREDUCE ? 0.25 : 1.0 / 3.0;
	if (p == PROTO_LL128)
		return c->ll128_ok ? (c->ppn < 2 ? 0.7 : 0.92) : 0;
	return 1.0;
}

int coll_algo_parse(const char *name)
{
	for (int i = 0; i < ALGO_COUNT; i++)
		if (strcmp(name, algo_names[i]) == 0)
			return i;
	return -1;
}

const char *coll_algo_name(coll_algo a)
{
	return (unsigned)a < ALGO_COUNT ? algo_names[a] : "?";
}

const char *coll_proto_name(coll_proto p)
{
	return (unsigned)p < PROTO_COUNT ? proto_names[p] : "?";
}

double coll_busbw_factor(coll_op op, int n)
{
	if (n <= 1)
		return 1.0;
	switch (op) {
	case COLL_ALLREDUCE:
		return 2.0 * (n - 1.0) / n;
	case COLL_REDUCESCATTER:
	case COLL_ALLGATHER:
	case COLL_ALLTOALL:
		return (n - 1.0) / n;
	default:
		return 1.0;
	}
}

/* Ring steps of `op` over n ranks and over the d domains (NCCL's nsteps and
 * nInterSteps). */
static void ring_steps(coll_op op, int n, int d, double *steps, double *inter)
{
	if (op == COLL_ALLREDUCE) {
		*steps = 2.0 * (n - 1);
		*inter = 2.0 * (d - 1);
	} else if (op == COLL_REDUCESCATTER || op == COLL_ALLGATHER) {
		*steps = n - 1;
		*inter = d - 1;
	} else {
		*steps = n;
		*inter = d;
	}
}

static double intra_hw(const coll_comm *c)
{
	return c->intra_pcie ? HW_PCI : HW_NVLINK;
}

/* The bandwidth a ring sees per rank: the slower of its scale-up hops and, when it
 * leaves the domain, the domain's NICs. NCCL opens a ring channel per NIC, each
 * entering and leaving the domain at a different rank, so the ppn ranks' NIC
 * shares add up (2 x 8 DGX A100 on 8 HDR NICs reach about 8 x 24 GB/s busbw). */
static double ring_bw(const coll_comm *c)
{
	double intra = c->ring_intra_Bps > 0 ? c->ring_intra_Bps : c->intra_Bps;
	double net = c->inter_Bps * c->ppn;
	if (c->nnodes > 1 && net < intra)
		return net;
	return intra;
}

static double ring_time(const coll_comm *c, coll_op op, double bytes, coll_proto p)
{
	int n = c->nranks;
	double steps, inter;
	ring_steps(op, n, c->nnodes, &steps, &inter);
	double bus = ring_bw(c) * proto_bw(c, op, p);
	if (bus <= 0)
		return -1;
	double lat = base_lat_us[T_RING][p] +
		     (steps - inter) * intra_step_us(c, T_RING, p) * (c->nnodes > 1 && p == PROTO_LL ? 1.8 : 1.0) +
		     inter * hw_lat_us[HW_NET][T_RING][p];
	/* send/recv, broadcast: the whole buffer crosses each link once */
	double algbw = op == COLL_BROADCAST || op == COLL_SENDRECV ? bus :
		       bus * n / steps;
	return 1e3 * lat + 1e9 * bytes / algbw;
}

static double tree_time(const coll_comm *c, coll_op op, double bytes, coll_proto p)
{
	if (op != COLL_ALLREDUCE || c->nranks < 2)
		return -1;
	/* NCCL: intra-node chains and an inter-node double binary tree; on up to two
	 * nodes the chains' NVLink speed sets the pace (the tree's network half is
	 * short), beyond that the network does; 0.92 of that (tuning.cc), halved for
	 * the reduce and the broadcast, and at medium sizes NCCL's own correction. */
	double speed = c->nnodes > 2 ? ring_bw(c) :
		       c->nnodes == 1 || c->intra_line_Bps <= 0 ? (c->ring_intra_Bps > 0 ? c->ring_intra_Bps : c->intra_Bps) :
		       0.85 * c->intra_line_Bps; /* tuning.cc: x 0.85 for the TREE pattern */
	double bus = 0.92 * speed * proto_bw(c, op, p);
	if (p == PROTO_LL)
		bus = 0.92 * speed / 3.8;
	bus *= tree_factor(bytes, p);
	if (bus <= 0)
		return -1;
	double lat = base_lat_us[T_TREE][p] +
		     2.0 * ((c->ppn - 1) * intra_step_us(c, T_TREE, p) +
			    log2(c->nnodes > 1 ? c->nnodes : 1) * hw_lat_us[HW_NET][T_TREE][p]);
	return 1e3 * lat + 1e9 * bytes / (0.5 * bus);
}

static double nvls_time(const coll_comm *c, coll_op op, double bytes, coll_proto p, int tree)
{
	if (c->nvls_Bps <= 0 || p != PROTO_SIMPLE)
		return -1;
	if (op != COLL_ALLREDUCE && op != COLL_REDUCESCATTER && op != COLL_ALLGATHER)
		return -1;
	if (tree != (c->nnodes > 1))
		return -1; /* NVLS inside one domain, NVLS-tree across domains */
	if (tree && op != COLL_ALLREDUCE)
		return -1;
	/* Each rank sends its buffer into the switch once and reads the reduced (or
	 * gathered) result once: algbw is the multicast-reduce rate, further
	 * limited by the NIC across domains. Estimate: latency 25 us inside a
	 * domain, plus the network tree's hops across domains. */
	double algbw = c->nvls_Bps;
	if (op != COLL_ALLREDUCE)
		algbw = c->nvls_Bps * c->nranks / (c->nranks - 1.0);
	/* across domains each rank carries its 1/ppn shard over its own NIC, both
	 * ways at once; between two domains that is the whole exchange, in a deeper
	 * tree a shard goes up and comes down (half the rate) */
	double net = c->inter_Bps * c->ppn * (c->nnodes <= 2 ? 1.0 : 0.5);
	if (tree && c->nvls_tree_eff > 0)
		algbw *= c->nvls_tree_eff;
	if (tree && net < algbw)
		algbw = net;
	double lat = c->nvls_lat_ns > 0 ? c->nvls_lat_ns / 1e3 : 25.0;
	if (tree)
		lat += 2.0 * log2(c->nnodes) * hw_lat_us[HW_NET][T_TREE][p];
	return 1e3 * lat + 1e9 * bytes / algbw;
}

static double collnet_time(const coll_comm *c, coll_op op, double bytes, coll_proto p)
{
	if (c->collnet_Bps <= 0 || op != COLL_ALLREDUCE || c->nnodes < 2 || p == PROTO_LL128)
		return -1;
	/* Intra-domain reduce, one trip through the reducing switches, broadcast:
	 * the NIC carries each byte once each way, shared by the domain's ranks. */
	double algbw = 0.9 * c->collnet_Bps * c->ppn * (p == PROTO_LL ? 1.0 / 6.0 : 1.0);
	if (c->ppn > 1 && c->intra_Bps < algbw)
		algbw = c->intra_Bps;
	double lat = base_lat_us[T_COLLNET][p] + 2.0 * (c->ppn - 1) * hw_lat_us[(int)intra_hw(c)][T_COLLNET][p] +
		     hw_lat_us[HW_NET][T_COLLNET][p];
	return 1e3 * lat + 1e9 * bytes / algbw;
}

static double pat_time(const coll_comm *c, coll_op op, double bytes, coll_proto p)
{
	/* PAT (NCCL 2.23+): all-gather and reduce-scatter with one rank per node in
	 * log2(n) network steps, Simple protocol only. Estimate: ring bandwidth,
	 * network hop latency per step. */
	if ((op != COLL_ALLGATHER && op != COLL_REDUCESCATTER) || c->ppn != 1 || p != PROTO_SIMPLE)
		return -1;
	double bus = ring_bw(c);
	double lat = base_lat_us[T_RING][p] + ceil(log2(c->nranks)) * hw_lat_us[HW_NET][T_RING][p];
	return 1e3 * lat + 1e9 * bytes / (bus * c->nranks / (c->nranks - 1.0));
}

static double hier_time(const coll_comm *c, coll_op op, double bytes, coll_proto p)
{
	/* Reduce-scatter inside each domain, all-reduce of 1/ppn across domains,
	 * all-gather inside: each phase a ring of its own. */
	if (op != COLL_ALLREDUCE || c->nnodes < 2 || c->ppn < 2)
		return -1;
	coll_comm in = *c, out = *c;
	in.nranks = c->ppn;
	in.nnodes = 1;
	out.nranks = c->nnodes;
	out.ppn = 1;
	out.intra_Bps = c->inter_Bps;
	double rs = ring_time(&in, COLL_REDUCESCATTER, bytes, p);
	double ar = ring_time(&out, COLL_ALLREDUCE, bytes / c->ppn, p);
	double ag = ring_time(&in, COLL_ALLGATHER, bytes, p);
	if (rs < 0 || ar < 0 || ag < 0)
		return -1;
	return rs + ar + ag;
}

static double alltoall_time(const coll_comm *c, double bytes, coll_proto p)
{
	/* Every rank sends bytes/n to every other: the in-domain share over the
	 * scale-up links, the rest over the rank's NIC, concurrently. */
	if (p != PROTO_SIMPLE)
		return -1;
	double n = c->nranks, ppn = c->ppn;
	double intra = bytes * (ppn - 1.0) / n, inter = bytes * (n - ppn) / n;
	double t_in = c->intra_Bps > 0 ? intra / c->intra_Bps : 0;
	double t_out = inter > 0 ? (c->inter_Bps > 0 ? inter / c->inter_Bps : HUGE_VAL) : 0;
	/* A ring kernel's base and one hop; on multi-node NVLink, where the per-step
	 * latency is calibrated, the send and receive to each peer cost a step each
	 * and nothing else (the 64-GPU GB300 log: 29 us over 63 peers at 1-2 MiB). */
	double lat = c->step_ns > 0 && c->nnodes == 1 ? (n - 1.0) * c->step_ns / 1e3 :
		     base_lat_us[T_RING][p] + hw_lat_us[c->nnodes > 1 ? HW_NET : (int)intra_hw(c)][T_RING][p];
	return 1e3 * lat + 1e9 * (t_in > t_out ? t_in : t_out);
}

static double sendrecv_time(const coll_comm *c, double bytes, coll_proto p)
{
	/* one message to a neighbour: one hop of the ring's latency, the slower
	 * link's bandwidth at the protocol's share */
	double bw = ring_bw(c) * proto_bw(c, COLL_SENDRECV, p);
	if (bw <= 0)
		return -1;
	double hop = hw_lat_us[c->nnodes > 1 ? HW_NET : (int)intra_hw(c)][T_RING][p];
	return 1e3 * (base_lat_us[T_RING][p] + hop) + 1e9 * bytes / bw;
}

static double algo_time_ns(const coll_comm *c, coll_op op, double bytes, coll_algo a, coll_proto p);

double coll_time_ns(const coll_comm *c, coll_op op, double bytes, coll_algo a, coll_proto p)
{
	if (c->nranks < 2 && op != COLL_SENDRECV)
		return 0;
	double t = algo_time_ns(c, op, bytes, a, p);
	return t < 0 ? t : t + c->overhead_ns;
}

static double algo_time_ns(const coll_comm *c, coll_op op, double bytes, coll_algo a, coll_proto p)
{
	if (op == COLL_ALLTOALL)
		return a == ALGO_RING ? alltoall_time(c, bytes, p) : -1;
	if (op == COLL_SENDRECV)
		return a == ALGO_RING ? sendrecv_time(c, bytes, p) : -1;
	switch (a) {
	case ALGO_RING: return ring_time(c, op, bytes, p);
	case ALGO_TREE: return tree_time(c, op, bytes, p);
	case ALGO_NVLS: return nvls_time(c, op, bytes, p, 0);
	case ALGO_NVLSTREE: return nvls_time(c, op, bytes, p, 1);
	case ALGO_COLLNET: return collnet_time(c, op, bytes, p);
	case ALGO_PAT: return pat_time(c, op, bytes, p);
	case ALGO_HIER: return hier_time(c, op, bytes, p);
	default: return -1;
	}
}

double coll_choose(const coll_comm *c, coll_op op, double bytes, int force,
		   coll_algo *a, coll_proto *p)
{
	double best = -1;
	for (int ai = 0; ai < ALGO_COUNT; ai++) {
		if (force >= 0 && ai != force)
			continue;
		/* NCCL has no hierarchical algorithm of its own: only when forced */
		if (force < 0 && ai == ALGO_HIER)
			continue;
		for (int pi = 0; pi < PROTO_COUNT; pi++) {
			double t = coll_time_ns(c, op, bytes, (coll_algo)ai, (coll_proto)pi);
			if (t < 0)
				continue;
			if (best < 0 || t < best) {
				best = t;
				*a = (coll_algo)ai;
				*p = (coll_proto)pi;
			}
		}
	}
	return best;
}
