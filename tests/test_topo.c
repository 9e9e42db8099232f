/* test_topo.c -- fabric port arithmetic and the bill of materials, including the
 * Dell/NVIDIA design's switch counts for XE9680 modules on QM9700 switches. */
#include "models/topo.h"
#include "scenarios/scenario.h"
#include "tests/t.h"

#include <string.h>

static hw_switch qm9700(void)
{
	hw_switch s;
	memset(&s, 0, sizeof s);
	strcpy(s.id, "nvidia-qm9700");
	s.ports = 64; /* NDR 400G ports, catalog */
	return s;
}

static cluster_scaleout fabric(const hw_switch *sw, topo_kind k, int tiers, double o)
{
	cluster_scaleout so;
	memset(&so, 0, sizeof so);
	so.sw = sw;
	so.topology = k;
	so.tiers = tiers;
	so.oversubscription = o;
	return so;
}

static void test_single_switch_module(void)
{
	hw_switch sw = qm9700();
	cluster_scaleout so = fabric(&sw, TOPO_SINGLE_SWITCH, 1, 1);
	/* 8 NDR NICs per XE9680: one 64-port QM9700 takes the 8-node minimum module */
	T_EQ_INT(topo_max_nodes(&so, 8), 8);
	topo_fabric t;
	char err[256];
	T_CHECK(topo_size(&so, 8, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.switches[0], 1);
	T_CHECK(topo_size(&so, 9, 8, &t, err, sizeof err) == -1);
	T_CHECKF(strstr(err, "72 NIC ports") != NULL, "%s", err);
}

static void test_dell_claims_port_arithmetic(void)
{
	/* Dell: two QM9700 serve up to 24 XE9680. At NDR 400G two 64-port switches
	 * have 128 ports for 24 x 8 = 192 NICs: they do not fit. Split into NDR200
	 * (128 ports per switch, the twin-port OSFP cages), two leaves joined by 32
	 * links each keep 96 node ports apiece: 192 = 24 x 8, 3:1 oversubscribed. */
	hw_switch sw = qm9700();
	cluster_scaleout so = fabric(&sw, TOPO_FAT_TREE, 2, 3);
	topo_fabric t;
	char err[256];
	T_CHECK(topo_size(&so, 24, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.down_per_leaf, 48);
	T_EQ_INT(t.switches[0], 4);    /* 400G ports: four leaves, not two */
	sw.ports = 128;                /* NDR200 split ports */
	T_CHECK(topo_size(&so, 24, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.down_per_leaf, 96);
	T_EQ_INT(t.switches[0], 2);    /* two switches, as the design says */
	/* the doubled module, 48 nodes, in a non-blocking two-tier fat-tree of
	 * NDR200 ports: 384 NICs on 6 leaves of 64 down and 64 up, 3 spines */
	so = fabric(&sw, TOPO_FAT_TREE, 2, 1);
	T_CHECK(topo_size(&so, 48, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.switches[0], 6);
	T_EQ_INT(t.switches[1], 3);
	T_CHECK(topo_max_nodes(&so, 8) >= 48);
}

static void test_fat_tree_tiers(void)
{
	hw_switch sw = qm9700();
	cluster_scaleout so = fabric(&sw, TOPO_FAT_TREE, 2, 1);
	topo_fabric t;
	char err[256];
	/* two tiers of k-port switches hold k * k/2 endpoints non-blocking */
	T_EQ_INT(topo_max_nodes(&so, 8), 64 * 32 / 8);
	T_CHECK(topo_size(&so, 48, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.switches[0], 12);
	T_EQ_INT(t.switches[1], 6);
	T_EQ_INT(t.links[1], 12 * 32);
	T_CHECK(topo_size(&so, 257, 8, &t, err, sizeof err) == -1);
	so.tiers = 3;
	/* three tiers: k * k/2 * k/2 = 65536 endpoints */
	T_EQ_INT(topo_max_nodes(&so, 8), 64 * 32 * 32 / 8);
	T_CHECK(topo_size(&so, 2048, 8, &t, err, sizeof err) == 0); /* 16,384 GPUs */
	T_EQ_INT(t.switches[0], 512);
	T_EQ_INT(t.switches[1], 512);
	T_EQ_INT(t.switches[2], 256);
	/* oversubscription 3:1 keeps 48 ports down, 16 up per leaf */
	so = fabric(&sw, TOPO_FAT_TREE, 2, 3);
	T_CHECK(topo_size(&so, 48, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.down_per_leaf, 48);
	T_NEAR(t.bisection_ratio, 1.0 / 3.0, 1e-12);
}

static void test_rail_optimized(void)
{
	hw_switch sw = qm9700();
	cluster_scaleout so = fabric(&sw, TOPO_RAIL_OPTIMIZED, 2, 1);
	topo_fabric t;
	char err[256];
	T_CHECK(topo_size(&so, 16, 8, &t, err, sizeof err) == 0);
	T_EQ_INT(t.rails, 8);
	T_EQ_INT(t.switches[0], 8);    /* one leaf per rail */
	T_EQ_INT(t.switches[1], 4);    /* 8 x 32 uplinks on 64-port spines */
}

static void test_bom_default_scenario(void)
{
	scenario *sc = NULL;
	char err[1024];
	T_CHECKF(scenario_load(t_src("scenarios/default.xml"), &sc, err, sizeof err) == 0, "%s", err);
	if (!sc)
		return;
	bom b;
	T_CHECKF(topo_bom(&sc->cl, &b, err, sizeof err) == 0, "%s", err);
	long nodes = 0, switches = 0, cables = 0, xcvr = 0, storage = 0;
	for (int i = 0; i < b.n; i++) {
		if (strcmp(b.lines[i].kind, "node") == 0) nodes += b.lines[i].count;
		if (strstr(b.lines[i].item, "nvidia-qm9700")) switches += b.lines[i].count;
		if (strcmp(b.lines[i].kind, "cable") == 0) cables += b.lines[i].count;
		if (strcmp(b.lines[i].kind, "transceiver") == 0) xcvr += b.lines[i].count;
		if (strcmp(b.lines[i].kind, "storage") == 0) storage += b.lines[i].count;
	}
	T_EQ_INT(nodes, 8);
	T_EQ_INT(switches, 1);         /* 64 NICs on one 64-port QM9700 */
	T_EQ_INT(cables, 64);
	T_EQ_INT(xcvr, 128);
	T_EQ_INT(storage, 4);
	scenario_free(sc);
}

int main(void)
{
	T_RUN(test_single_switch_module);
	T_RUN(test_dell_claims_port_arithmetic);
	T_RUN(test_fat_tree_tiers);
	T_RUN(test_rail_optimized);
	T_RUN(test_bom_default_scenario);
	return t_done();
}
