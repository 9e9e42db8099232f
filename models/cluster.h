/* cluster.h -- the cluster a scenario describes: node groups, the scale-out and
 * front-end networks, storage, and the site it stands in.
 *
 * Invariant: pointers reference entries of the catalog the scenario was loaded with;
 * the catalog outlives the cluster. */
#ifndef CAPSIM_CLUSTER_H
#define CAPSIM_CLUSTER_H

#include "models/hw.h"

typedef enum { TOPO_FAT_TREE, TOPO_RAIL_OPTIMIZED, TOPO_SINGLE_SWITCH } topo_kind;

typedef struct {
	const hw_node *node;
	const hw_gpu *gpu;
	const hw_scaleup *scaleup;
	const hw_nic *nic;
	int count;
	int line;
} cluster_nodes;

typedef struct {
	const hw_fabric *fabric;  /* NULL: no scale-out network */
	const hw_switch *sw;
	topo_kind topology;
	int tiers;
	double oversubscription;  /* downlinks per uplink at each leaf */
	int rails;
	int sharp;
	int line;
} cluster_scaleout;

#define CLUSTER_MAX_GROUPS 8

typedef struct {
	cluster_nodes groups[CLUSTER_MAX_GROUPS];
	int ngroups;
	cluster_scaleout scaleout;
	const hw_fabric *frontend_fabric; /* may be NULL */
	const hw_switch *frontend_switch;
	const hw_storage *storage;        /* may be NULL */
	int storage_count;
} cluster;

typedef struct {
	double pue;
	double electricity_usd_per_j;
	double carbon_kg_per_j;
	double rack_power_limit_w;  /* 0: none */
	int line;
	double colocation_usd_per_w_s; /* colocation fee per watt of IT peak; 0: none */
	const hw_rack *rack;        /* the rack enclosure; NULL: none in the catalog */
} site;

typedef struct {
	double years;
	double cloud_usd_per_gpu_s;
	int line;
	double support_share;     /* support per year as a share of capex; < 0: not given */
} cost_terms;

#endif
