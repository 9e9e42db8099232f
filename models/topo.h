/* topo.h -- the scale-out network's shape: switches per tier, links and the bill of
 * materials a fat-tree, rail-optimized or single-switch fabric needs for a node
 * group, from the switch radix in the catalog.
 *
 * Invariant: every NIC port has a leaf port; in a fat-tree with oversubscription o
 * a leaf gives o downlinks per uplink, and every tier above has enough ports for
 * the uplinks below it. A fabric the tiers cannot hold is an error, not a guess. */
#ifndef CAPSIM_TOPO_H
#define CAPSIM_TOPO_H

#include "models/cluster.h"

#define TOPO_MAX_TIERS 3

typedef struct {
	int endpoints;            /* NIC ports attached to the fabric */
	int ports;                /* switch radix */
	int tiers;
	int rails;                /* separate leaf groups (rail-optimized) or 1 */
	int down_per_leaf, up_per_leaf;
	int switches[TOPO_MAX_TIERS];   /* per tier, leaf first */
	int links[TOPO_MAX_TIERS];      /* cables from tier below into tier t */
	int max_endpoints;        /* the most NIC ports this shape could take */
	double bisection_ratio;   /* uplink / downlink capacity at the leaves */
} topo_fabric;

/* Sizes the scale-out fabric for `nodes` nodes of `nics` NIC ports each with
 * `so`'s topology, tiers and oversubscription on switches of so->sw->ports ports.
 * Returns 0 and *out, or -1 with err naming what does not fit. */
int topo_size(const cluster_scaleout *so, int nodes, int nics, topo_fabric *out,
	      char *err, size_t errlen);

/* The largest node count the fabric shape holds (0 when none). */
int topo_max_nodes(const cluster_scaleout *so, int nics);

typedef struct {
	char item[64];
	char kind[24];            /* node, switch, cable, transceiver, storage */
	long count;
} bom_line;

#define BOM_MAX 32

typedef struct {
	bom_line lines[BOM_MAX];
	int n;
} bom;

/* The bill of materials of `cl`: nodes, switches per tier, cables and transceivers
 * per link type (two transceivers per optical cable), front-end and storage.
 * Returns 0, or -1 with err set when the fabric cannot be sized. */
int topo_bom(const cluster *cl, bom *out, char *err, size_t errlen);

#endif
