/* topo.c -- fat-tree, rail-optimized and single-switch sizing, and the bill of
 * materials.
 *
 * Port arithmetic (Leiserson 1985; Al-Fares et al. 2008 for k-port switches):
 * a leaf of k ports with oversubscription o keeps floor(k o / (o + 1)) ports for
 * NICs and the rest for uplinks; a two-tier fabric reaches every leaf from every
 * spine, so it holds at most k leaves; a three-tier one groups leaves into pods of
 * k/2 under k/2 aggregation switches each, with (k/2)^2-port core capacity. */
#include "models/topo.h"

#include <stdio.h>
#include <string.h>

static int ceil_div(long a, long b)
{
	return (int)((a + b - 1) / b);
}

static int max_endpoints(int k, int tiers, int down)
{
	if (tiers <= 1)
		return k;
	if (tiers == 2)
		return k * down;
	return k * (k / 2) * down;
}

int topo_max_nodes(const cluster_scaleout *so, int nics)
{
	if (!so->sw || so->sw->ports <= 0 || nics <= 0)
		return 0;
	int k = so->sw->ports;
	int tiers = so->topology == TOPO_SINGLE_SWITCH ? 1 : so->tiers;
	double o = so->oversubscription >= 1 ? so->oversubscription : 1;
	int down = tiers <= 1 ? k : (int)(k * o / (o + 1.0));
	return max_endpoints(k, tiers, down) / nics;
}

int topo_size(const cluster_scaleout *so, int nodes, int nics, topo_fabric *out,
	      char *err, size_t errlen)
{
	topo_fabric t;
	memset(&t, 0, sizeof t);
	if (!so->sw || so->sw->ports < 2) {
		snprintf(err, errlen, "the scale-out network needs a switch with its port count in the catalog");
		return -1;
	}
	int k = so->sw->ports;
	t.ports = k;
	t.tiers = so->topology == TOPO_SINGLE_SWITCH ? 1 : so->tiers;
	if (t.tiers < 1 || t.tiers > TOPO_MAX_TIERS) {
		snprintf(err, errlen, "tiers=\"%d\": a fabric has 1 to %d tiers", t.tiers, TOPO_MAX_TIERS);
		return -1;
	}
	double o = so->oversubscription >= 1 ? so->oversubscription : 1;
	t.endpoints = nodes * nics;
	t.rails = so->topology == TOPO_RAIL_OPTIMIZED ? nics : 1;
	t.down_per_leaf = t.tiers == 1 ? k : (int)(k * o / (o + 1.0));
	t.up_per_leaf = t.tiers == 1 ? 0 : k - t.down_per_leaf;
	t.bisection_ratio = t.tiers == 1 ? 1.0 : (double)t.up_per_leaf / t.down_per_leaf;
	t.max_endpoints = max_endpoints(k, t.tiers, t.down_per_leaf);
	if (t.endpoints > t.max_endpoints) {
		snprintf(err, errlen, "%d NIC ports (%d nodes x %d) exceed the %d a %d-tier fabric of %d-port %s switches "
			 "holds at oversubscription %g; add a tier or use a larger switch",
			 t.endpoints, nodes, nics, t.max_endpoints, t.tiers, k, so->sw->id, o);
		return -1;
	}
	int per_rail = ceil_div(t.endpoints, t.rails);
	int leaves = t.rails * ceil_div(per_rail, t.down_per_leaf);
	t.switches[0] = leaves;
	t.links[0] = t.endpoints;
	if (t.tiers == 1) {
		if (leaves > 1) {
			snprintf(err, errlen, "a single %d-port switch cannot take %d NIC ports", k, t.endpoints);
			return -1;
		}
	} else if (t.tiers == 2) {
		if (leaves > 1 || t.rails > 1) {
			int uplinks = leaves * t.up_per_leaf;
			t.switches[1] = ceil_div(uplinks, k);
			t.links[1] = uplinks;
		} else {
			t.switches[1] = 0; /* one leaf needs no spine */
		}
	} else {
		int uplinks = leaves * t.up_per_leaf;
		t.switches[1] = ceil_div(uplinks, k / 2);   /* aggregation: half down, half up */
		t.links[1] = uplinks;
		t.switches[2] = ceil_div((long)t.switches[1] * (k / 2), k);
		t.links[2] = t.switches[1] * (k / 2);
	}
	*out = t;
	return 0;
}

static void bom_add(bom *b, const char *item, const char *kind, long count)
{
	if (count <= 0 || b->n >= BOM_MAX)
		return;
	for (int i = 0; i < b->n; i++)
		if (strcmp(b->lines[i].item, item) == 0 && strcmp(b->lines[i].kind, kind) == 0) {
			b->lines[i].count += count;
			return;
		}
	bom_line *l = &b->lines[b->n++];
	snprintf(l->item, sizeof l->item, "%s", item);
	snprintf(l->kind, sizeof l->kind, "%s", kind);
	l->count = count;
}

int topo_bom(const cluster *cl, bom *out, char *err, size_t errlen)
{
	bom b;
	memset(&b, 0, sizeof b);
	int nodes = 0, nics = 0;
	for (int i = 0; i < cl->ngroups; i++) {
		bom_add(&b, cl->groups[i].node->id, "node", cl->groups[i].count);
		nodes += cl->groups[i].count;
		nics += cl->groups[i].count * cl->groups[i].node->nics;
	}
	const cluster_scaleout *so = &cl->scaleout;
	if (so->fabric && so->sw && nics > 0) {
		topo_fabric t;
		int per_node = nodes > 0 ? (nics + nodes - 1) / nodes : 0;
		if (topo_size(so, nodes, per_node, &t, err, errlen) != 0)
			return -1;
		static const char *const tier_name[TOPO_MAX_TIERS] = { "leaf", "spine", "core" };
		long cables = 0;
		char name[96];
		for (int i = 0; i < t.tiers; i++) {
			snprintf(name, sizeof name, "%s (%s)", so->sw->id, t.tiers == 1 ? "single" : tier_name[i]);
			bom_add(&b, name, "switch", t.switches[i]);
			cables += t.links[i];
		}
		snprintf(name, sizeof name, "%s cable", so->fabric->id);
		bom_add(&b, name, "cable", cables);
		snprintf(name, sizeof name, "%s transceiver", so->fabric->id);
		bom_add(&b, name, "transceiver", 2 * cables);
	}
	if (cl->frontend_switch) {
		/* one front-end port per node on leaf switches of the front-end fabric */
		int k = cl->frontend_switch->ports > 0 ? cl->frontend_switch->ports : 1;
		bom_add(&b, cl->frontend_switch->id, "switch", ceil_div(nodes + cl->storage_count, k));
	}
	if (cl->storage)
		bom_add(&b, cl->storage->id, "storage", cl->storage_count);
	*out = b;
	return 0;
}
