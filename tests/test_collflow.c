/* test_collflow.c -- the cluster network and collectives as flows: a collective
 * alone takes its cost model's time, collectives sharing a NIC or an oversubscribed
 * leaf uplink take longer by the shared share, ring channels spread over the NICs,
 * routes have the expected hop counts, and bad ranks are refused.
 *
 * What this misses: agreement with real nccl-tests runs (tests/test_nccl.c) and
 * the training step's use of it (tests/test_step.c). */
#include "models/collflow.h"
#include "models/layout.h"
#include "models/net.h"
#include "tests/t.h"

#include <errno.h>
#include <string.h>

/* A made-up 8-GPU node family: NVSwitch 400 GB/s per GPU, `nics` 50 GB/s NICs,
 * a `ports`-port switch; efficiencies 1 so capacities are line rates. */
typedef struct {
	hw_gpu gpu;
	hw_scaleup su;
	hw_nic nic;
	hw_node node;
	hw_fabric fab;
	hw_switch sw;
	cluster_nodes g;
	cluster_scaleout so;
	profile_gpu eff;
} rig;

static void rig_init(rig *r, int nodes, int nics, int ports, int tiers, double oversub)
{
	memset(r, 0, sizeof *r);
	strcpy(r->gpu.id, "gpu");
	strcpy(r->su.id, "switch");
	r->su.kind = SCALEUP_NVSWITCH;
	r->su.bw_Bps = 400e9;
	r->su.domain_gpus = 8;
	r->nic.rate_bps = 400e9;
	strcpy(r->node.id, "node");
	r->node.gpus = 8;
	r->node.nics = nics;
	r->fab.rate_bps = 400e9;
	strcpy(r->sw.id, "sw");
	r->sw.ports = ports;
	r->sw.port_rate_bps = 400e9;
	r->g.node = &r->node;
	r->g.gpu = &r->gpu;
	r->g.scaleup = &r->su;
	r->g.nic = &r->nic;
	r->g.count = nodes;
	r->so.fabric = &r->fab;
	r->so.sw = &r->sw;
	r->so.topology = TOPO_FAT_TREE;
	r->so.tiers = tiers;
	r->so.oversubscription = oversub;
	r->so.rails = 1;
	for (int i = 0; i < LINK_CLASS_COUNT; i++)
		r->eff.link[i].bw_eff = 1.0;
}

/* A communicator for the cost model matching the rig's links. */
static coll_comm comm_of(const rig *r, int nranks, int ppn)
{
	coll_comm c;
	memset(&c, 0, sizeof c);
	c.nranks = nranks;
	c.ppn = ppn;
	c.nnodes = (nranks + ppn - 1) / ppn;
	c.intra_Bps = r->su.bw_Bps;
	c.inter_Bps = 50e9 * r->node.nics / r->node.gpus;
	c.ll128_ok = 1;
	return c;
}

typedef struct {
	uint64_t done_ns[4];
	int ndone;
} finish_log;

static void on_done(sim *s, void *arg, uint64_t data)
{
	finish_log *f = arg;
	f->done_ns[data] = sim_now(s);
	f->ndone++;
}

typedef struct {
	sim *s;
	flow_net *fn;
	net *n;
	collflow *cf;
} world;

static int world_new(world *w, rig *r, int nodes)
{
	char err[256];
	w->s = sim_new(256);
	w->fn = flow_net_new(w->s);
	if (net_build(&r->g, &r->so, &r->eff, nodes, w->fn, &w->n, err, sizeof err) != 0) {
		T_CHECKF(0, "net_build: %s", err);
		flow_net_free(w->fn);
		sim_free(w->s);
		return -1;
	}
	w->cf = collflow_new(w->s, w->fn, w->n);
	return 0;
}

static void world_free(world *w)
{
	collflow_free(w->cf);
	net_free(w->n);
	flow_net_free(w->fn);
	sim_free(w->s);
}

static void test_alone_matches_cost_model(void)
{
	rig r;
	rig_init(&r, 2, 8, 64, 2, 1);
	world w;
	if (world_new(&w, &r, 2) != 0)
		return;
	int ranks[16];
	for (int i = 0; i < 16; i++)
		ranks[i] = i;
	static const coll_op ops[] = { COLL_ALLREDUCE, COLL_ALLGATHER, COLL_REDUCESCATTER, COLL_ALLTOALL };
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
		for (int n = 8; n <= 16; n += 8) {
			coll_comm c = comm_of(&r, n, 8);
			double bytes = 256e6;
			coll_algo a;
			coll_proto p;
			double want = coll_choose(&c, ops[k], bytes, ALGO_RING, &a, &p);
			finish_log f = { { 0 }, 0 };
			uint64_t t0 = sim_now(w.s);
			T_CHECK(collflow_start(w.cf, &c, ops[k], ranks, n, bytes, a, p, on_done, &f, 0) == 0);
			sim_run(w.s, UINT64_MAX);
			T_EQ_INT(f.ndone, 1);
			T_NEAR((double)(f.done_ns[0] - t0), want, 1e-6);
			T_EQ_INT(collflow_running(w.cf), 0);
		}
	world_free(&w);
}

static void test_ring_channels_use_every_nic(void)
{
	/* 16 ranks on 2 nodes with 8 NICs: NCCL's ring reaches 8 NICs' worth of
	 * bandwidth between the nodes, not one. Force a cost model far faster than the
	 * links so the links set the pace: then busbw = the nodes' NIC bandwidth. */
	rig r;
	rig_init(&r, 2, 8, 64, 2, 1);
	world w;
	if (world_new(&w, &r, 2) != 0)
		return;
	int ranks[16];
	for (int i = 0; i < 16; i++)
		ranks[i] = i;
	coll_comm c = comm_of(&r, 16, 8);
	c.inter_Bps = 1e15;
	c.intra_Bps = 1e15;
	double bytes = 1e9;
	finish_log f = { { 0 }, 0 };
	T_CHECK(collflow_start(w.cf, &c, COLL_ALLREDUCE, ranks, 16, bytes, ALGO_RING, PROTO_SIMPLE,
			       on_done, &f, 0) == 0);
	sim_run(w.s, UINT64_MAX);
	double lat = coll_time_ns(&c, COLL_ALLREDUCE, 0, ALGO_RING, PROTO_SIMPLE);
	double busbw = bytes * 2 * 15 / 16 / ((double)f.done_ns[0] - lat); /* bytes/ns */
	T_NEAR(busbw, 8 * 50.0, 1e-3);
	world_free(&w);
}

static void test_shared_nic_halves(void)
{
	/* One NIC per 8-GPU node: two 2-rank rings between GPU 0/8 and GPU 1/9 share
	 * both nodes' NICs, so together they take twice as long as one alone. */
	rig r;
	rig_init(&r, 2, 1, 64, 2, 1);
	world w;
	if (world_new(&w, &r, 2) != 0)
		return;
	coll_comm c = comm_of(&r, 2, 1);
	c.inter_Bps = 50e9; /* alone, a rank has the whole NIC */
	double bytes = 1e9;
	int a[2] = { 0, 8 }, b[2] = { 1, 9 };
	double lat = coll_time_ns(&c, COLL_ALLREDUCE, 0, ALGO_RING, PROTO_SIMPLE);
	finish_log f = { { 0 }, 0 };
	T_CHECK(collflow_start(w.cf, &c, COLL_ALLREDUCE, a, 2, bytes, ALGO_RING, PROTO_SIMPLE, on_done, &f, 0) == 0);
	sim_run(w.s, UINT64_MAX);
	double alone = (double)f.done_ns[0] - lat;
	uint64_t t0 = sim_now(w.s);
	f.ndone = 0;
	T_CHECK(collflow_start(w.cf, &c, COLL_ALLREDUCE, a, 2, bytes, ALGO_RING, PROTO_SIMPLE, on_done, &f, 0) == 0);
	T_CHECK(collflow_start(w.cf, &c, COLL_ALLREDUCE, b, 2, bytes, ALGO_RING, PROTO_SIMPLE, on_done, &f, 1) == 0);
	sim_run(w.s, UINT64_MAX);
	T_EQ_INT(f.ndone, 2);
	T_NEAR((double)(f.done_ns[0] - t0) - lat, 2 * alone, 1e-6);
	T_NEAR((double)(f.done_ns[1] - t0) - lat, 2 * alone, 1e-6);
	world_free(&w);
}

static void test_oversubscribed_uplinks_slow_cross_leaf(void)
{
	/* 8-port switches, 8 NICs a node: at 1:1 a leaf keeps 4 NIC ports and 4
	 * uplinks, at 3:1 six NIC ports and two uplinks. Eight 1 GB sends from node 0
	 * to node 3 (other leaves). InfiniBand routes by destination (d-mod-k): at 1:1
	 * each send has an uplink of its own (20 ms at 50 GB/s); at 3:1 the six NICs
	 * of node 0 on the first leaf share two uplinks, three sends each (60 ms).
	 * Ethernet hashes flows onto uplinks: collisions can only make it slower. */
	double t[3];
	for (int k = 0; k < 3; k++) {
		double o = k == 1 ? 3 : 1;
		rig r;
		rig_init(&r, 4, 8, 8, 2, o);
		r.fab.kind = k == 2 ? FABRIC_ROCE : FABRIC_INFINIBAND;
		world w;
		if (world_new(&w, &r, 4) != 0)
			return;
		net_shape sh;
		net_shape_of(w.n, &sh);
		T_NEAR(sh.leaf_up_Bps, (o == 1 ? 4 : 2) * 50e9, 1e-12);
		coll_comm c = comm_of(&r, 2, 1);
		c.inter_Bps = c.intra_Bps = 1e15; /* links set the pace */
		double lat = coll_time_ns(&c, COLL_SENDRECV, 0, ALGO_RING, PROTO_SIMPLE);
		uint64_t t0 = sim_now(w.s);
		for (int i = 0; i < 8; i++) {
			int pair[2] = { i, 24 + i };
			T_CHECK(collflow_start(w.cf, &c, COLL_SENDRECV, pair, 2, 1e9, ALGO_RING, PROTO_SIMPLE,
					       NULL, NULL, 0) == 0);
		}
		sim_run(w.s, UINT64_MAX);
		t[k] = (double)(sim_now(w.s) - t0) - lat;
		world_free(&w);
	}
	T_NEAR(t[0], 20e6, 1e-6);
	T_NEAR(t[1], 60e6, 1e-6);
	T_CHECKF(t[2] >= t[0] * (1 - 1e-6), "ECMP %.0f ns vs d-mod-k %.0f ns", t[2], t[0]);
}

static void test_rail_dmodk_spreads_uplinks(void)
{
	/* Rail-optimized, 8 NICs a node, 16-port switches at 1:1: each rail has two
	 * leaves of eight nodes and eight uplinks. Eight 1 GB sends on rail 3 from
	 * nodes 0-7 to nodes 8-15 (the rail's other leaf): d-mod-k on the
	 * destination's index in its rail's tree (its node) gives each send an uplink
	 * of its own (20 ms at 50 GB/s). On the port number (node * 8 + rail) all
	 * eight would share one uplink (160 ms). */
	rig r;
	rig_init(&r, 16, 8, 16, 2, 1);
	r.so.topology = TOPO_RAIL_OPTIMIZED;
	r.fab.kind = FABRIC_INFINIBAND;
	world w;
	if (world_new(&w, &r, 16) != 0)
		return;
	coll_comm c = comm_of(&r, 2, 1);
	c.inter_Bps = c.intra_Bps = 1e15; /* links set the pace */
	double lat = coll_time_ns(&c, COLL_SENDRECV, 0, ALGO_RING, PROTO_SIMPLE);
	link_id p[FLOW_MAX_HOPS];
	T_EQ_INT(net_path(w.n, 3, 8 * 8 + 3, 0, p), 4);
	for (int i = 0; i < 8; i++) {
		int pair[2] = { i * 8 + 3, (8 + i) * 8 + 3 };
		T_CHECK(collflow_start(w.cf, &c, COLL_SENDRECV, pair, 2, 1e9, ALGO_RING, PROTO_SIMPLE,
				       NULL, NULL, 0) == 0);
	}
	sim_run(w.s, UINT64_MAX);
	T_NEAR((double)sim_now(w.s) - lat, 20e6, 1e-6);
	world_free(&w);
}

/* A node of 4 PCIe GPUs (64 GB/s links) on two CPU sockets joined by 40 GB/s, with
 * `switches` PCIe switches and one 50 GB/s NIC. */
static void rig_pcie(rig *r, int nodes, int switches)
{
	rig_init(r, nodes, 1, 64, 1, 1);
	r->so.topology = TOPO_SINGLE_SWITCH;
	r->su.kind = SCALEUP_PCIE;
	r->su.bw_Bps = 64e9;
	r->su.domain_gpus = 4;
	r->node.gpus = 4;
	r->node.sockets = 2;
	r->node.socket_link_Bps = 40e9;
	r->node.pcie_switches = switches;
}

/* Finish time (less the cost model's latency) of 1 GB sends between the pairs. */
static double sends_ns(rig *r, int nodes, const int (*pairs)[2], int n)
{
	world w;
	if (world_new(&w, r, nodes) != 0)
		return -1;
	coll_comm c = comm_of(r, 2, nodes > 1 ? 1 : 2);
	c.inter_Bps = c.intra_Bps = 1e15; /* links set the pace */
	double lat = coll_time_ns(&c, COLL_SENDRECV, 0, ALGO_RING, PROTO_SIMPLE);
	for (int i = 0; i < n; i++) {
		int pair[2] = { pairs[i][0], pairs[i][1] };
		T_CHECK(collflow_start(w.cf, &c, COLL_SENDRECV, pair, 2, 1e9, ALGO_RING, PROTO_SIMPLE,
				       NULL, NULL, 0) == 0);
	}
	sim_run(w.s, UINT64_MAX);
	double t = (double)sim_now(w.s) - lat;
	world_free(&w);
	return t;
}

static void test_pcie_host_tree(void)
{
	rig r;
	rig_pcie(&r, 1, 0);
	world w;
	if (world_new(&w, &r, 1) != 0)
		return;
	link_id p[FLOW_MAX_HOPS];
	T_EQ_INT(net_path(w.n, 0, 1, 0, p), 2);      /* one socket: GPU links only */
	T_EQ_INT(net_path(w.n, 0, 2, 0, p), 3);      /* and across the socket link */
	world_free(&w);
	/* One send on one socket runs at its PCIe links' 64 GB/s; two sends across
	 * the sockets share the 40 GB/s socket link (2 GB in 50 ms). */
	static const int same[][2] = { { 0, 1 } }, cross[][2] = { { 0, 2 }, { 1, 3 } };
	T_NEAR(sends_ns(&r, 1, same, 1), 1e9 / 64e9 * 1e9, 1e-6);
	T_NEAR(sends_ns(&r, 1, cross, 2), 2e9 / 40e9 * 1e9, 1e-6);

	/* Two PCIe switches, one a socket: GPUs 0 and 1 talk under theirs (NCCL's
	 * P2P); GPU 0 to 2 goes up its switch, across, and down the other. */
	rig_pcie(&r, 1, 2);
	if (world_new(&w, &r, 1) != 0)
		return;
	T_EQ_INT(net_path(w.n, 0, 1, 0, p), 2);
	T_EQ_INT(net_path(w.n, 0, 2, 0, p), 5);
	world_free(&w);
	/* 0->1 and 2->3 stay under their switches; 0->2 and 1->3 share switch 0's
	 * uplink (64 GB/s) before the socket link (40 GB/s) binds. */
	static const int under[][2] = { { 0, 1 }, { 2, 3 } };
	T_NEAR(sends_ns(&r, 1, under, 2), 1e9 / 64e9 * 1e9, 1e-6);
	T_NEAR(sends_ns(&r, 1, cross, 2), 2e9 / 40e9 * 1e9, 1e-6);

	/* Across nodes, one NIC on socket 0: GPU 2 (socket 1) reaches it over the
	 * socket link at both ends; with GPU 0's send as well, each socket link
	 * carries one send and the NICs (50 GB/s) carry both: 2 GB in 40 ms. */
	rig_pcie(&r, 2, 0);
	if (world_new(&w, &r, 2) != 0)
		return;
	T_EQ_INT(net_path(w.n, 2, 6, 0, p), 6);
	T_EQ_INT(net_path(w.n, 0, 4, 0, p), 4);
	world_free(&w);
	static const int nic[][2] = { { 0, 4 }, { 2, 6 } };
	T_NEAR(sends_ns(&r, 2, nic, 2), 2e9 / 50e9 * 1e9, 1e-6);
}

static void test_domains_smaller_than_node(void)
{
	/* Four GPUs a node in NVLink-bridged pairs (100 GB/s), 32 GB/s PCIe, one node
	 * and no fabric: GPUs 0 and 1 share a bridge; GPU 0 reaches GPU 2, in the
	 * other pair, over the host's PCIe (1 GB in 31.25 ms), not through a NIC. */
	rig r;
	rig_init(&r, 1, 1, 64, 1, 1);
	r.so.fabric = NULL;
	r.so.sw = NULL;
	r.su.kind = SCALEUP_NVLINK_P2P;
	r.su.bw_Bps = 100e9;
	r.su.domain_gpus = 2;
	r.node.gpus = 4;
	r.node.pcie_bw_Bps = 32e9;
	world w;
	if (world_new(&w, &r, 1) != 0)
		return;
	link_id p[FLOW_MAX_HOPS];
	T_EQ_INT(net_path(w.n, 0, 1, 0, p), 2);
	T_EQ_INT(net_path(w.n, 0, 2, 0, p), 2);
	T_CHECK(p[0] != net_gpu_up(w.n, 0) && p[0] != net_nic_up(w.n, 0));
	world_free(&w);
	static const int over[][2] = { { 0, 2 } }, bridge[][2] = { { 0, 1 } };
	T_NEAR(sends_ns(&r, 1, over, 1), 1e9 / 32e9 * 1e9, 1e-6);
	T_NEAR(sends_ns(&r, 1, bridge, 1), 1e9 / 100e9 * 1e9, 1e-6);
	/* The cost model sees four ranks of one node whose ring crosses PCIe. */
	coll_comm c;
	char err[256];
	T_EQ_INT(layout_comm(&r.g, &r.so, &r.eff, 4, 1, &c, err, sizeof err), 0);
	T_EQ_INT(c.nnodes, 1);
	T_EQ_INT(c.intra_pcie, 1);
	T_NEAR(c.intra_Bps, 32e9, 1e-12);
	T_EQ_INT(layout_comm(&r.g, &r.so, &r.eff, 2, 1, &c, err, sizeof err), 0);
	T_NEAR(c.intra_Bps, 100e9, 1e-12);
}

static void test_paths(void)
{
	/* 8-port switches, one NIC a node: 4 nodes a leaf, 4 leaves a pod */
	rig r;
	rig_init(&r, 32, 1, 8, 3, 1);
	world w;
	if (world_new(&w, &r, 32) != 0)
		return;
	link_id p[FLOW_MAX_HOPS];
	T_EQ_INT(net_path(w.n, 0, 5, 0, p), 2);            /* same NVSwitch */
	T_EQ_INT(net_path(w.n, 0, 8, 0, p), 2);            /* same leaf: NIC up, NIC down */
	T_EQ_INT(net_path(w.n, 0, 8 * 4, 0, p), 4);        /* other leaf, same pod */
	T_EQ_INT(net_path(w.n, 0, 8 * 16, 0, p), 6);       /* other pod: through a core */
	T_EQ_INT(net_path(w.n, 3, 3, 0, p), -1);
	T_EQ_INT(net_path(w.n, 0, 8 * 32, 0, p), -1);
	net_shape sh;
	net_shape_of(w.n, &sh);
	T_EQ_INT(sh.leaves, 8);
	T_EQ_INT(sh.gpus, 256);
	T_CHECK(sh.cores > 0);
	world_free(&w);
}

static void test_bad_ranks(void)
{
	rig r;
	rig_init(&r, 1, 8, 64, 1, 1);
	r.so.topology = TOPO_SINGLE_SWITCH;
	world w;
	if (world_new(&w, &r, 1) != 0)
		return;
	coll_comm c = comm_of(&r, 2, 2);
	int dup[2] = { 1, 1 }, out[2] = { 0, 8 };
	T_EQ_INT(collflow_start(w.cf, &c, COLL_ALLREDUCE, dup, 2, 1e6, ALGO_RING, PROTO_SIMPLE, NULL, NULL, 0), -EINVAL);
	T_EQ_INT(collflow_start(w.cf, &c, COLL_ALLREDUCE, out, 2, 1e6, ALGO_RING, PROTO_SIMPLE, NULL, NULL, 0), -EINVAL);
	/* NVLS without multicast hardware cannot run */
	int ok[2] = { 0, 1 };
	T_EQ_INT(collflow_start(w.cf, &c, COLL_ALLREDUCE, ok, 2, 1e6, ALGO_NVLS, PROTO_SIMPLE, NULL, NULL, 0), -EINVAL);
	T_EQ_INT(collflow_running(w.cf), 0);
	world_free(&w);
}

int main(void)
{
	T_RUN(test_alone_matches_cost_model);
	T_RUN(test_ring_channels_use_every_nic);
	T_RUN(test_shared_nic_halves);
	T_RUN(test_oversubscribed_uplinks_slow_cross_leaf);
	T_RUN(test_rail_dmodk_spreads_uplinks);
	T_RUN(test_pcie_host_tree);
	T_RUN(test_domains_smaller_than_node);
	T_RUN(test_paths);
	T_RUN(test_bad_ranks);
	return t_done();
}
