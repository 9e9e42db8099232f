/* inventory.h -- the bill of materials resolved against the catalog: for every
 * line its unit price (list or estimate), unit power, rack units and source, plus
 * the racks the cluster stands in. Power and cost both read it.
 *
 * Invariant: each line points at the catalog entry it came from (through `source`
 * and the copied figures); a figure the catalog does not state is 0 and the line
 * says so (priced = 0), never a guess. */
#ifndef CAPSIM_INVENTORY_H
#define CAPSIM_INVENTORY_H

#include "models/cluster.h"
#include "models/topo.h"

typedef enum { INV_NODE, INV_SWITCH, INV_CABLE, INV_TRANSCEIVER, INV_STORAGE, INV_RACK } inv_kind;

typedef struct {
	char item[64];
	inv_kind kind;
	long count;
	double unit_price_usd;    /* 0 when the catalog states no price */
	int priced;               /* 1: the catalog states a price */
	int price_list;           /* 1: list price; 0: estimate */
	double unit_power_w;      /* switches and storage: catalog power; others 0 */
	int rack_units;           /* per unit */
	int group;                /* node group index (INV_NODE), else -1 */
	const char *source;       /* the catalog entry's <source>; outlives the inventory */
} inv_line;

#define INV_MAX (BOM_MAX + 1)

typedef struct {
	inv_line lines[INV_MAX];
	int n;
} inventory;

/* The kind's name as the bill of materials writes it ("node", "switch", ...). */
const char *inventory_kind_name(inv_kind k);

/* Resolves `b` (from topo_bom(cl)) against the catalog entries cl points at and
 * adds `racks` racks of `rack` (when rack is not NULL and racks > 0). Returns 0
 * and *out, or -1 with err naming a line that matches no catalog entry. */
int inventory_build(const cluster *cl, const bom *b, const hw_rack *rack, int racks,
		    inventory *out, char *err, size_t errlen);

#endif
