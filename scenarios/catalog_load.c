/* catalog_load.c -- the catalog: loading catalog files into hw_* and model_arch
 * entries, and looking entries up by id.
 *
 * Invariant: each entry is its own allocation and never moves, so pointers handed
 * out stay valid until catalog_free; ids are unique within each kind; every node's
 * gpu, scale-up and nic exist in the catalog. A file is parsed into a scratch
 * catalog first and merged only when all of it is good. */
#include "scenarios/catalog.h"

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/check.h"
#include "scenarios/units.h"
#include "scenarios/xmldoc.h"

enum { K_GPU, K_SCALEUP, K_NIC, K_NODE, K_FABRIC, K_SWITCH, K_STORAGE, K_MODEL, K_RACK, K_COUNT };

/* Every entry struct starts with its id; the generic code relies on it. */
_Static_assert(offsetof(hw_gpu, id) == 0, "id first");
_Static_assert(offsetof(hw_scaleup, id) == 0, "id first");
_Static_assert(offsetof(hw_nic, id) == 0, "id first");
_Static_assert(offsetof(hw_node, id) == 0, "id first");
_Static_assert(offsetof(hw_fabric, id) == 0, "id first");
_Static_assert(offsetof(hw_switch, id) == 0, "id first");
_Static_assert(offsetof(hw_storage, id) == 0, "id first");
_Static_assert(offsetof(model_arch, id) == 0, "id first");
_Static_assert(offsetof(hw_rack, id) == 0, "id first");

typedef enum { F_UNIT, F_POS, F_NONNEG, F_BOOL, F_REF, F_PRICEKIND } field_type;

/* One attribute of an entry and where its value goes. */
typedef struct {
	const char *attr;
	field_type type;
	units_kind unit;
	size_t off;
} field;

#define FU(a, u, s, m) { a, F_UNIT, u, offsetof(s, m) }
#define FI(a, t, s, m) { a, t, UNIT_NUMBER, offsetof(s, m) }

static const field gpu_fields[] = {
	FU("memory", UNIT_BYTES, hw_gpu, memory_B),
	FU("memory-bw", UNIT_BYTE_RATE, hw_gpu, mem_bw_Bps),
	FU("tdp", UNIT_POWER, hw_gpu, tdp_w),
	FU("idle", UNIT_POWER, hw_gpu, idle_w),
	FU("price", UNIT_MONEY, hw_gpu, price_usd),
	FI("unified-memory", F_BOOL, hw_gpu, unified_memory),
	FI("price-kind", F_PRICEKIND, hw_gpu, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field scaleup_fields[] = {
	FU("bandwidth", UNIT_BYTE_RATE, hw_scaleup, bw_Bps),
	FU("latency", UNIT_TIME_NS, hw_scaleup, latency_ns),
	FI("domain", F_POS, hw_scaleup, domain_gpus),
	FI("multicast", F_BOOL, hw_scaleup, multicast),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field nic_fields[] = {
	FU("rate", UNIT_BIT_RATE, hw_nic, rate_bps),
	FU("power", UNIT_POWER, hw_nic, power_w),
	FU("price", UNIT_MONEY, hw_nic, price_usd),
	FI("price-kind", F_PRICEKIND, hw_nic, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field node_fields[] = {
	FI("gpu", F_REF, hw_node, gpu),
	FI("gpus", F_POS, hw_node, gpus),
	FI("scale-up", F_REF, hw_node, scaleup),
	FI("nics", F_NONNEG, hw_node, nics),
	FI("nic", F_REF, hw_node, nic),
	FU("pcie-bw", UNIT_BYTE_RATE, hw_node, pcie_bw_Bps),
	FI("nic-via-host", F_BOOL, hw_node, nic_via_host),
	FI("sockets", F_POS, hw_node, sockets),
	FI("pcie-switches", F_NONNEG, hw_node, pcie_switches),
	FU("socket-link", UNIT_BYTE_RATE, hw_node, socket_link_Bps),
	FU("collective-overhead", UNIT_TIME_NS, hw_node, coll_overhead_ns),
	FU("host-power", UNIT_POWER, hw_node, host_power_w),
	FU("max-power", UNIT_POWER, hw_node, max_power_w),
	FU("price", UNIT_MONEY, hw_node, price_usd),
	FI("rack-units", F_NONNEG, hw_node, rack_units),
	FI("price-kind", F_PRICEKIND, hw_node, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field fabric_fields[] = {
	FU("rate", UNIT_BIT_RATE, hw_fabric, rate_bps),
	FU("latency", UNIT_TIME_NS, hw_fabric, latency_ns),
	FU("cable-price", UNIT_MONEY, hw_fabric, cable_price_usd),
	FU("transceiver-price", UNIT_MONEY, hw_fabric, transceiver_price_usd),
	FI("price-kind", F_PRICEKIND, hw_fabric, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field switch_fields[] = {
	FI("ports", F_POS, hw_switch, ports),
	FU("port-rate", UNIT_BIT_RATE, hw_switch, port_rate_bps),
	FU("latency", UNIT_TIME_NS, hw_switch, latency_ns),
	FU("power", UNIT_POWER, hw_switch, power_w),
	FU("price", UNIT_MONEY, hw_switch, price_usd),
	FI("rack-units", F_NONNEG, hw_switch, rack_units),
	FI("sharp", F_BOOL, hw_switch, sharp),
	FI("price-kind", F_PRICEKIND, hw_switch, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field storage_fields[] = {
	FU("read", UNIT_BYTE_RATE, hw_storage, read_Bps),
	FU("write", UNIT_BYTE_RATE, hw_storage, write_Bps),
	FU("capacity", UNIT_BYTES, hw_storage, capacity_B),
	FU("power", UNIT_POWER, hw_storage, power_w),
	FU("price", UNIT_MONEY, hw_storage, price_usd),
	FI("rack-units", F_NONNEG, hw_storage, rack_units),
	FI("price-kind", F_PRICEKIND, hw_storage, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field rack_fields[] = {
	FI("rack-units", F_POS, hw_rack, rack_units),
	FU("price", UNIT_MONEY, hw_rack, price_usd),
	FI("price-kind", F_PRICEKIND, hw_rack, price_list),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};
static const field model_fields[] = {
	FI("layers", F_POS, model_arch, layers),
	FI("hidden", F_POS, model_arch, hidden),
	FI("heads", F_POS, model_arch, heads),
	FI("kv-heads", F_POS, model_arch, kv_heads),
	FI("ffn", F_POS, model_arch, ffn),
	FI("vocab", F_POS, model_arch, vocab),
	FI("gated", F_BOOL, model_arch, gated),
	FI("experts", F_NONNEG, model_arch, experts),
	FI("top-k", F_POS, model_arch, topk),
	FU("params", UNIT_NUMBER, model_arch, stated_params),
	{ NULL, F_UNIT, UNIT_NUMBER, 0 }
};

static const struct {
	const char *elem;
	size_t size;
	size_t source_off;
	const field *fields;
} kinds[K_COUNT] = {
	[K_GPU] = { "gpu", sizeof(hw_gpu), offsetof(hw_gpu, source), gpu_fields },
	[K_SCALEUP] = { "scale-up", sizeof(hw_scaleup), offsetof(hw_scaleup, source), scaleup_fields },
	[K_NIC] = { "nic", sizeof(hw_nic), offsetof(hw_nic, source), nic_fields },
	[K_NODE] = { "node", sizeof(hw_node), offsetof(hw_node, source), node_fields },
	[K_FABRIC] = { "fabric", sizeof(hw_fabric), offsetof(hw_fabric, source), fabric_fields },
	[K_SWITCH] = { "switch", sizeof(hw_switch), offsetof(hw_switch, source), switch_fields },
	[K_STORAGE] = { "storage", sizeof(hw_storage), offsetof(hw_storage, source), storage_fields },
	[K_MODEL] = { "model", sizeof(model_arch), offsetof(model_arch, source), model_fields },
	[K_RACK] = { "rack", sizeof(hw_rack), offsetof(hw_rack, source), rack_fields },
};

typedef struct {
	void *data;   /* the hw_* or model_arch struct */
	int file;     /* index into catalog.files */
	int line;
} centry;

typedef struct {
	centry *v;
	int n, cap;
} ckind;

struct catalog {
	ckind kind[K_COUNT];
	char **files;
	int nfiles, capfiles;
};

static int kind_index(const char *name)
{
	for (int k = 0; k < K_COUNT; k++)
		if (strcmp(kinds[k].elem, name) == 0)
			return k;
	return -1;
}

static const char *entry_id(const centry *e)
{
	return (const char *)e->data;
}

static centry *find(const catalog *cat, int k, const char *id)
{
	const ckind *ck = &cat->kind[k];
	for (int i = 0; i < ck->n; i++)
		if (strcmp(entry_id(&ck->v[i]), id) == 0)
			return &ck->v[i];
	return NULL;
}

static int reserve(ckind *ck, int extra)
{
	if (ck->n + extra <= ck->cap)
		return 0;
	int cap = ck->cap ? ck->cap : 16;
	while (cap < ck->n + extra)
		cap *= 2;
	centry *v = realloc(ck->v, (size_t)cap * sizeof *v);
	if (!v)
		return -1;
	ck->v = v;
	ck->cap = cap;
	return 0;
}

static int reserve_files(catalog *cat, int extra)
{
	if (cat->nfiles + extra <= cat->capfiles)
		return 0;
	int cap = cat->capfiles ? cat->capfiles * 2 : 8;
	while (cap < cat->nfiles + extra)
		cap *= 2;
	char **f = realloc(cat->files, (size_t)cap * sizeof *f);
	if (!f)
		return -1;
	cat->files = f;
	cat->capfiles = cap;
	return 0;
}

static catalog *catalog_new(void)
{
	return calloc(1, sizeof(catalog));
}

void catalog_free(catalog *cat)
{
	if (!cat)
		return;
	for (int k = 0; k < K_COUNT; k++) {
		for (int i = 0; i < cat->kind[k].n; i++)
			free(cat->kind[k].v[i].data);
		free(cat->kind[k].v);
	}
	for (int i = 0; i < cat->nfiles; i++)
		free(cat->files[i]);
	free(cat->files);
	free(cat);
}

/* Parses one attribute of `n` into the entry at `base` per `f`. */
static int parse_field(const xmldoc_node *n, const field *f, char *base, char *err,
                       size_t errlen)
{
	const char *v = xmldoc_attr(n, f->attr);
	char why[256];
	int r = 0;
	if (!v)
		return 0;
	switch (f->type) {
	case F_UNIT:
		r = units_parse(v, f->unit, f->attr, (double *)(void *)(base + f->off), why, sizeof why);
		break;
	case F_POS:
		r = units_int(v, f->attr, 1, 1000000000, (int *)(void *)(base + f->off), why, sizeof why);
		break;
	case F_NONNEG:
		r = units_int(v, f->attr, 0, 1000000000, (int *)(void *)(base + f->off), why, sizeof why);
		break;
	case F_BOOL:
		r = units_bool(v, f->attr, (int *)(void *)(base + f->off), why, sizeof why);
		break;
	case F_REF:
		snprintf(base + f->off, HW_ID_LEN, "%s", v);
		break;
	case F_PRICEKIND:
		if (strcmp(v, "list") == 0 || strcmp(v, "estimate") == 0) {
			*(int *)(void *)(base + f->off) = v[0] == 'l';
		} else {
			snprintf(why, sizeof why, "%s needs \"list\" or \"estimate\"", f->attr);
			r = -1;
		}
		break;
	}
	if (r < 0)
		return xmldoc_error(n, f->attr, err, errlen, "%s", why);
	return 0;
}

static int parse_gpu_peaks(const xmldoc_node *n, hw_gpu *g, char *err, size_t errlen)
{
	for (const xmldoc_node *c = xmldoc_first(n); c; c = xmldoc_next(c)) {
		if (strcmp(xmldoc_name(c), "peak") != 0)
			continue;
		const char *dt = xmldoc_attr(c, "dtype");
		int d = dt ? hw_dtype_parse(dt) : -1;
		char why[256];
		double v;
		if (d < 0)
			return xmldoc_error(c, "dtype", err, errlen, "unknown precision");
		if (g->peak_flops[d] > 0)
			return xmldoc_error(c, "dtype", err, errlen,
			                    "%s peak given twice for gpu %s", dt, g->id);
		if (units_parse(xmldoc_attr(c, "dense"), UNIT_FLOPS, "dense", &v, why, sizeof why) < 0)
			return xmldoc_error(c, "dense", err, errlen, "%s", why);
		if (v <= 0)
			return xmldoc_error(c, "dense", err, errlen, "dense peak must be positive");
		g->peak_flops[d] = v;
	}
	return 0;
}

static int parse_kind_enum(const xmldoc_node *n, int k, void *data, char *err,
                           size_t errlen)
{
	static const char *const scaleup_kinds[] = { "nvswitch", "nvlink", "pcie", "xgmi", "none" };
	static const char *const fabric_kinds[] = { "infiniband", "roce", "ethernet" };
	const char *v = xmldoc_attr(n, "kind");
	if (k == K_SCALEUP) {
		for (int i = 0; i < 5; i++)
			if (v && strcmp(v, scaleup_kinds[i]) == 0) {
				((hw_scaleup *)data)->kind = (hw_scaleup_kind)i;
				return 0;
			}
	} else {
		for (int i = 0; i < 3; i++)
			if (v && strcmp(v, fabric_kinds[i]) == 0) {
				((hw_fabric *)data)->kind = (hw_fabric_kind)i;
				return 0;
			}
	}
	return xmldoc_error(n, "kind", err, errlen, "unknown kind");
}

/* Reads one entry element into a new allocation in *out. */
static int parse_entry(const xmldoc_node *n, int k, void **out, char *err, size_t errlen)
{
	int rc = -1;
	char *data = calloc(1, kinds[k].size);
	const xmldoc_node *src;
	char why[256];

	if (!data) {
		xmldoc_error(n, NULL, err, errlen, "out of memory");
		goto done;
	}
	snprintf(data, HW_ID_LEN, "%s", xmldoc_attr(n, "id"));
	for (const field *f = kinds[k].fields; f->attr; f++)
		if (parse_field(n, f, data, err, errlen) < 0)
			goto done;
	src = xmldoc_child(n, "source");
	if (!src || xmldoc_text(src, data + kinds[k].source_off, HW_SOURCE_LEN) == 0) {
		xmldoc_error(n, "id", err, errlen, "every catalog entry needs a <source>");
		goto done;
	}
	switch (k) {
	case K_GPU: {
		hw_gpu *g = (hw_gpu *)(void *)data;
		if (parse_gpu_peaks(n, g, err, errlen) < 0)
			goto done;
		snprintf(g->file, sizeof g->file, "%s", xmldoc_file(n));
		g->line = xmldoc_line(n);
		break;
	}
	case K_SCALEUP:
	case K_FABRIC:
		if (parse_kind_enum(n, k, data, err, errlen) < 0)
			goto done;
		break;
	case K_NODE: {
		hw_node *nd = (hw_node *)(void *)data;
		if (nd->nics > 0 && !nd->nic[0]) {
			xmldoc_error(n, "nics", err, errlen, "a node with nics needs nic=\"<catalog nic id>\"");
			goto done;
		}
		if (nd->sockets == 0)
			nd->sockets = 1;
		if (nd->sockets > 1 && !(nd->socket_link_Bps > 0)) {
			xmldoc_error(n, "sockets", err, errlen,
				     "a node with sockets=\"%d\" needs socket-link=\"<bandwidth per direction>\" (UPI, xGMI)",
				     nd->sockets);
			goto done;
		}
		if (nd->sockets > nd->gpus || nd->pcie_switches > nd->gpus) {
			xmldoc_error(n, nd->sockets > nd->gpus ? "sockets" : "pcie-switches", err, errlen,
				     "expected at most gpus=\"%d\" (GPUs are spread evenly over them)", nd->gpus);
			goto done;
		}
		break;
	}
	case K_MODEL: {
		model_arch *m = (model_arch *)(void *)data;
		if (m->kv_heads == 0)
			m->kv_heads = m->heads;
		if (check_model(m, why, sizeof why) < 0) {
			xmldoc_error(n, "id", err, errlen, "%s", why);
			goto done;
		}
		break;
	}
	default:
		break;
	}
	*out = data;
	data = NULL;
	rc = 0;
done:
	free(data);
	return rc;
}

/* Parses `path` into the empty catalog `tmp` (its file index 0). Ids must be unique
 * within the file. */
static int parse_file(catalog *tmp, const char *path, char *err, size_t errlen)
{
	int rc = -1;
	xmldoc *doc = NULL;
	char xsd[1024];

	if (xmldoc_load(path, xmldoc_schema_path("catalog.xsd", xsd, sizeof xsd), &doc, err,
	                errlen) < 0)
		return -1;
	if (reserve_files(tmp, 1) < 0 || !(tmp->files[0] = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	tmp->nfiles = 1;
	for (const xmldoc_node *n = xmldoc_first(xmldoc_root(doc)); n; n = xmldoc_next(n)) {
		int k = kind_index(xmldoc_name(n));
		void *data;
		if (k < 0) {
			xmldoc_error(n, NULL, err, errlen, "not a catalog entry");
			goto done;
		}
		const char *id = xmldoc_attr(n, "id");
		const centry *dup = find(tmp, k, id ? id : "");
		if (dup) {
			xmldoc_error(n, "id", err, errlen, "duplicate %s id; first defined at %s:%d",
			             kinds[k].elem, path, dup->line);
			goto done;
		}
		if (parse_entry(n, k, &data, err, errlen) < 0)
			goto done;
		if (reserve(&tmp->kind[k], 1) < 0) {
			free(data);
			xmldoc_error(n, NULL, err, errlen, "out of memory");
			goto done;
		}
		tmp->kind[k].v[tmp->kind[k].n++] = (centry){ data, 0, xmldoc_line(n) };
	}
	rc = 0;
done:
	xmldoc_free(doc);
	return rc;
}

/* Moves the entries of `tmp` into `cat`. With replace, an id present in cat is
 * overwritten in place; without, it is an error naming both places. On error cat
 * is unchanged; tmp is emptied either way on success. */
static int merge(catalog *cat, catalog *tmp, int replace, char *err, size_t errlen)
{
	for (int k = 0; k < K_COUNT; k++) {
		for (int i = 0; i < tmp->kind[k].n && !replace; i++) {
			const centry *e = &tmp->kind[k].v[i];
			const centry *old = find(cat, k, entry_id(e));
			if (old) {
				snprintf(err, errlen, "%s:%d: <%s id=\"%s\">: duplicate %s id; "
				         "first defined at %s:%d", tmp->files[e->file], e->line,
				         kinds[k].elem, entry_id(e), kinds[k].elem,
				         cat->files[old->file], old->line);
				return -1;
			}
		}
		if (reserve(&cat->kind[k], tmp->kind[k].n) < 0)
			goto oom;
	}
	if (reserve_files(cat, tmp->nfiles) < 0)
		goto oom;

	int base = cat->nfiles;
	for (int i = 0; i < tmp->nfiles; i++)
		cat->files[cat->nfiles++] = tmp->files[i];
	tmp->nfiles = 0;
	for (int k = 0; k < K_COUNT; k++) {
		for (int i = 0; i < tmp->kind[k].n; i++) {
			centry e = tmp->kind[k].v[i];
			centry *old = find(cat, k, entry_id(&e));
			e.file += base;
			if (old) {
				/* Keep the old allocation so pointers to it see the new figures. */
				memcpy(old->data, e.data, kinds[k].size);
				free(e.data);
				old->file = e.file;
				old->line = e.line;
			} else {
				cat->kind[k].v[cat->kind[k].n++] = e;
			}
		}
		tmp->kind[k].n = 0;
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", tmp->nfiles ? tmp->files[0] : "catalog");
	return -1;
}

/* Checks that each node of `in` names a gpu, scale-up and nic found in `in` or
 * `also` (which may be NULL). */
static int check_refs(const catalog *in, const catalog *also, char *err, size_t errlen)
{
	static const struct { const char *attr; int kind; size_t off; } refs[] = {
		{ "gpu", K_GPU, offsetof(hw_node, gpu) },
		{ "scale-up", K_SCALEUP, offsetof(hw_node, scaleup) },
		{ "nic", K_NIC, offsetof(hw_node, nic) },
	};
	const ckind *nodes = &in->kind[K_NODE];
	for (int i = 0; i < nodes->n; i++) {
		const char *nd = nodes->v[i].data;
		for (size_t r = 0; r < sizeof refs / sizeof refs[0]; r++) {
			const char *id = nd + refs[r].off;
			char known[512];
			if (!id[0] || find(in, refs[r].kind, id) || (also && find(also, refs[r].kind, id)))
				continue;
			catalog_known_ids(also ? also : in, kinds[refs[r].kind].elem, known, sizeof known);
			snprintf(err, errlen, "%s:%d: <node %s=\"%s\">: no such %s in the catalog; "
			         "known: %s", in->files[nodes->v[i].file], nodes->v[i].line,
			         refs[r].attr, id, kinds[refs[r].kind].elem, known);
			return -1;
		}
	}
	return 0;
}

static int is_xml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".xml") == 0;
}

int catalog_load_dir(const char *dir, catalog **out, char *err, size_t errlen)
{
	int rc = -1;
	struct dirent **names = NULL;
	int nnames = 0;
	catalog *cat = catalog_new();
	catalog *tmp = NULL;

	if (!cat) {
		snprintf(err, errlen, "%s: out of memory", dir);
		goto done;
	}
	nnames = scandir(dir, &names, is_xml_name, alphasort);
	if (nnames < 0) {
		nnames = 0;
		snprintf(err, errlen, "%s: cannot read the catalog directory", dir);
		goto done;
	}
	if (nnames == 0) {
		snprintf(err, errlen, "%s: no catalog files (*.xml)", dir);
		goto done;
	}
	for (int i = 0; i < nnames; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		catalog_free(tmp);
		if (!(tmp = catalog_new())) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto done;
		}
		if (parse_file(tmp, path, err, errlen) < 0 || merge(cat, tmp, 0, err, errlen) < 0)
			goto done;
	}
	if (check_refs(cat, NULL, err, errlen) < 0)
		goto done;
	*out = cat;
	cat = NULL;
	rc = 0;
done:
	for (int i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	catalog_free(tmp);
	catalog_free(cat);
	return rc;
}

int catalog_load_file(catalog *cat, const char *path, char *err, size_t errlen)
{
	int rc = -1;
	catalog *tmp = catalog_new();
	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (parse_file(tmp, path, err, errlen) < 0 || check_refs(tmp, cat, err, errlen) < 0 ||
	    merge(cat, tmp, 1, err, errlen) < 0)
		goto done;
	rc = 0;
done:
	catalog_free(tmp);
	return rc;
}

static const void *lookup(const catalog *cat, int k, const char *id)
{
	const centry *e = cat && id ? find(cat, k, id) : NULL;
	return e ? e->data : NULL;
}

const hw_gpu *catalog_gpu(const catalog *cat, const char *id)
{
	return lookup(cat, K_GPU, id);
}

const hw_scaleup *catalog_scaleup(const catalog *cat, const char *id)
{
	return lookup(cat, K_SCALEUP, id);
}

const hw_nic *catalog_nic(const catalog *cat, const char *id)
{
	return lookup(cat, K_NIC, id);
}

const hw_node *catalog_node(const catalog *cat, const char *id)
{
	return lookup(cat, K_NODE, id);
}

const hw_fabric *catalog_fabric(const catalog *cat, const char *id)
{
	return lookup(cat, K_FABRIC, id);
}

const hw_switch *catalog_switch(const catalog *cat, const char *id)
{
	return lookup(cat, K_SWITCH, id);
}

const hw_rack *catalog_rack(const catalog *cat, const char *id)
{
	return lookup(cat, K_RACK, id);
}

const hw_storage *catalog_storage(const catalog *cat, const char *id)
{
	return lookup(cat, K_STORAGE, id);
}

const model_arch *catalog_model(const catalog *cat, const char *id)
{
	return lookup(cat, K_MODEL, id);
}

int catalog_count(const catalog *cat, const char *kind)
{
	int k = kind_index(kind);
	return cat && k >= 0 ? cat->kind[k].n : 0;
}

const char *catalog_id(const catalog *cat, const char *kind, int i)
{
	int k = kind_index(kind);
	if (!cat || k < 0 || i < 0 || i >= cat->kind[k].n)
		return NULL;
	return entry_id(&cat->kind[k].v[i]);
}

const char *catalog_known_ids(const catalog *cat, const char *kind, char *buf, size_t len)
{
	size_t w = 0;
	int n = catalog_count(cat, kind);
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	for (int i = 0; i < n; i++) {
		const char *id = catalog_id(cat, kind, i);
		const char *sep = i ? ", " : "";
		/* Leave room for ", ..." after the last id that fits. */
		if (w + strlen(sep) + strlen(id) + 6 >= len) {
			snprintf(buf + w, len - w, "%s...", sep);
			break;
		}
		w += (size_t)snprintf(buf + w, len - w, "%s%s", sep, id);
	}
	return buf;
}

int catalog_where(const catalog *cat, const char *kind, const char *id, const char **file)
{
	int k = kind_index(kind);
	const centry *e = cat && k >= 0 && id ? find(cat, k, id) : NULL;
	*file = e ? cat->files[e->file] : NULL;
	return e ? e->line : 0;
}

const char *catalog_default_dir(void)
{
	const char *dir = getenv("CAPSIM_CATALOG");
	return dir && *dir ? dir : CAPSIM_SRCDIR "/models/catalog";
}
