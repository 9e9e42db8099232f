/* net.h -- a node group and its scale-out fabric as links of the flow network:
 * each GPU's scale-up port (into the NVSwitch, NVL72 or PCIe root, and back out),
 * each NIC's port into its leaf switch, and the leaf-spine(-core) links of the
 * fat-tree, rail-optimized or single-switch fabric, with deterministic ECMP.
 *
 * Invariant: GPUs are numbered 0 .. gpus-1 filling nodes in order, as NCCL ranks
 * and Megatron's layout do; GPU i's node is i / gpus_per_node, its scale-up domain
 * i / domain_gpus and its NIC (rail) (i mod gpus_per_node) * nics / gpus_per_node.
 * Capacities are line rates times the calibration profile's efficiencies; a link
 * joins the flow network the first time a route uses it. Link latencies are zero because collective latencies come from NCCL's tables
 * (models/coll.c), which already count the hops. */
#ifndef CAPSIM_NET_H
#define CAPSIM_NET_H

#include "models/cluster.h"
#include "models/profile.h"
#include "sim/engine/flow.h"

#include <stddef.h>
#include <stdint.h>

typedef struct net net;

/* Counts of what net_build() made, for reports and tests. */
typedef struct {
	int gpus, nodes, domains, nics, leaves, spines, cores;
	int links;
	double leaf_up_Bps;       /* all uplink capacity of one leaf (0: no upper tier) */
	double leaf_down_Bps;     /* all NIC-facing capacity of one leaf */
	double nic_Bps;           /* one NIC port (0: no scale-out network) */
} net_shape;

/* Wires `nodes` nodes of group `g` on the scale-out fabric `so` (which may have no
 * fabric when every GPU is in one scale-up domain) into `fn`, using `eff`'s link
 * efficiencies. Returns 0 and *out (free with net_free), or -1 with err set when
 * the fabric cannot hold the nodes or GPUs in different domains have no scale-out
 * network between them. `fn` must outlive the net. */
int net_build(const cluster_nodes *g, const cluster_scaleout *so, const profile_gpu *eff,
	      int nodes, flow_net *fn, net **out, char *err, size_t errlen);
void net_free(net *n);

void net_shape_of(const net *n, net_shape *out);
int net_gpus(const net *n);
int net_domain(const net *n, int gpu);
int net_gpus_per_node(const net *n);

/* Writes the links from GPU `src` to GPU `dst` into path[] (room for
 * FLOW_MAX_HOPS) and returns the hop count: 2 inside a scale-up domain (src's
 * port up, dst's port down), else src's NIC up, the switch links, dst's NIC down.
 * On InfiniBand the upper switches follow the destination (d-mod-k); on
 * Ethernet an ECMP hash of (src, dst, salt) picks them, `salt` varying the choice
 * between flows of one pair (NCCL channels). Returns -1 if src == dst or
 * either is out of range. */
int net_path(net *n, int src, int dst, uint32_t salt, link_id *path);

/* Rail planes that can be folded. Traffic between GPUs of one local index stays
 * on their rail: its NIC ports, and the switch links d-mod-k picks for it. When
 * no link serves two rails and every rail's links and routes are rail 0's
 * shifted (rail-optimized leaves, or one tree whose uplinks come in whole
 * multiples of the rails; InfiniBand's d-mod-k, not ECMP hashing), that traffic
 * runs at the rates of its image on rail 0. Returns the rail count then (each
 * rail serving gpus_per_node / rails local indices), else 1. */
int net_rail_planes(const net *n);

/* The links of GPU `gpu`'s scale-up port (up: towards the switch; down:
 * from it) and of its NIC port (up: into the leaf; down: out of it). -1 when the
 * GPU has no such port. */
link_id net_gpu_up(net *n, int gpu);
link_id net_gpu_down(net *n, int gpu);
link_id net_nic_up(net *n, int gpu);
link_id net_nic_down(net *n, int gpu);

#endif
