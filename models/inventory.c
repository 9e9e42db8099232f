/* inventory.c -- bill-of-materials lines matched back to their catalog entries. */
#include "models/inventory.h"

#include <stdio.h>
#include <string.h>

const char *inventory_kind_name(inv_kind k)
{
	static const char *const names[] = { "node", "switch", "cable", "transceiver", "storage", "rack" };
	return (int)k >= 0 && k <= INV_RACK ? names[k] : "?";
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void set_price(inv_line *l, double price, int list)
{
	l->unit_price_usd = price;
	l->priced = price > 0;
	l->price_list = list;
}

/* Fills the catalog figures of one BOM line. Returns 0, or -1 if unmatched. */
static int resolve(const cluster *cl, const bom_line *bl, inv_line *l)
{
	const cluster_scaleout *so = &cl->scaleout;
	l->group = -1;
	if (strcmp(bl->kind, "node") == 0) {
		for (int g = 0; g < cl->ngroups; g++) {
			const hw_node *n = cl->groups[g].node;
			if (strcmp(n->id, bl->item) != 0)
				continue;
			l->kind = INV_NODE;
			l->group = g;
			set_price(l, n->price_usd, n->price_list);
			l->rack_units = n->rack_units;
			l->source = n->source;
			return 0;
		}
	} else if (strcmp(bl->kind, "switch") == 0) {
		/* scale-out tiers are "<id> (leaf)" etc.; the front end is the bare id */
		const hw_switch *sw = NULL;
		if (so->sw && starts_with(bl->item, so->sw->id) && bl->item[strlen(so->sw->id)] == ' ')
			sw = so->sw;
		else if (cl->frontend_switch && strcmp(bl->item, cl->frontend_switch->id) == 0)
			sw = cl->frontend_switch;
		else if (so->sw && strcmp(bl->item, so->sw->id) == 0)
			sw = so->sw;
		if (sw) {
			l->kind = INV_SWITCH;
			set_price(l, sw->price_usd, sw->price_list);
			l->unit_power_w = sw->power_w;
			l->rack_units = sw->rack_units > 0 ? sw->rack_units : 1;
			l->source = sw->source;
			return 0;
		}
	} else if ((strcmp(bl->kind, "cable") == 0 || strcmp(bl->kind, "transceiver") == 0) &&
		   so->fabric && starts_with(bl->item, so->fabric->id)) {
		int cable = bl->kind[0] == 'c';
		l->kind = cable ? INV_CABLE : INV_TRANSCEIVER;
		set_price(l, cable ? so->fabric->cable_price_usd : so->fabric->transceiver_price_usd,
			  so->fabric->price_list);
		l->source = so->fabric->source;
		return 0;
	} else if (strcmp(bl->kind, "storage") == 0 && cl->storage &&
		   strcmp(bl->item, cl->storage->id) == 0) {
		l->kind = INV_STORAGE;
		set_price(l, cl->storage->price_usd, cl->storage->price_list);
		l->unit_power_w = cl->storage->power_w;
		l->rack_units = cl->storage->rack_units > 0 ? cl->storage->rack_units : 1;
		l->source = cl->storage->source;
		return 0;
	}
	return -1;
}

int inventory_build(const cluster *cl, const bom *b, const hw_rack *rack, int racks,
		    inventory *out, char *err, size_t errlen)
{
	inventory inv;
	memset(&inv, 0, sizeof inv);
	for (int i = 0; i < b->n && inv.n < INV_MAX; i++) {
		inv_line *l = &inv.lines[inv.n];
		snprintf(l->item, sizeof l->item, "%s", b->lines[i].item);
		l->count = b->lines[i].count;
		if (resolve(cl, &b->lines[i], l) != 0) {
			snprintf(err, errlen, "bill of materials line \"%s\" (%s) matches no catalog entry of the cluster",
				 b->lines[i].item, b->lines[i].kind);
			return -1;
		}
		inv.n++;
	}
	if (rack && racks > 0 && inv.n < INV_MAX) {
		inv_line *l = &inv.lines[inv.n++];
		snprintf(l->item, sizeof l->item, "%s", rack->id);
		l->kind = INV_RACK;
		l->count = racks;
		l->group = -1;
		set_price(l, rack->price_usd, rack->price_list);
		l->source = rack->source;
	}
	*out = inv;
	return 0;
}
