/* catalog.h -- the set of hardware and model entries a scenario may name.
 *
 * Invariant: ids are unique within each kind; entries never move once loaded
 * (arrays grow only before the first lookup returns a pointer to a scenario). */
#ifndef CAPSIM_CATALOG_H
#define CAPSIM_CATALOG_H

#include "models/hw.h"
#include "models/transformer.h"

typedef struct catalog catalog;

/* Loads every *.xml under `dir` (sorted by name). Returns 0 and *out, or -1 with a
 * message "file:line: ..." in err; nothing is allocated on failure. */
int catalog_load_dir(const char *dir, catalog **out, char *err, size_t errlen);
/* Adds the entries of one catalog file; an id that exists already is replaced.
 * Returns 0, or -1 with err set and the catalog unchanged. */
int catalog_load_file(catalog *cat, const char *path, char *err, size_t errlen);
void catalog_free(catalog *cat);

const hw_gpu *catalog_gpu(const catalog *cat, const char *id);
const hw_scaleup *catalog_scaleup(const catalog *cat, const char *id);
const hw_nic *catalog_nic(const catalog *cat, const char *id);
const hw_node *catalog_node(const catalog *cat, const char *id);
const hw_fabric *catalog_fabric(const catalog *cat, const char *id);
const hw_switch *catalog_switch(const catalog *cat, const char *id);
const hw_storage *catalog_storage(const catalog *cat, const char *id);
const model_arch *catalog_model(const catalog *cat, const char *id);
/* A rack enclosure (catalog element <rack>), or NULL. */
const hw_rack *catalog_rack(const catalog *cat, const char *id);

/* Number of entries of each kind and the i-th id (NULL past the end), for listings
 * and tests. `kind` is the catalog element name: "gpu", "scale-up", "nic", "node",
 * "fabric", "switch", "storage" or "model"; an unknown kind has no entries. */
int catalog_count(const catalog *cat, const char *kind);
const char *catalog_id(const catalog *cat, const char *kind, int i);

/* Writes the ids of `kind` ("gpu", "node", ...) as "a, b, c" into buf for "known:"
 * lists in messages, ending in ", ..." when they do not fit; "(none)" when empty. */
const char *catalog_known_ids(const catalog *cat, const char *kind, char *buf, size_t len);
/* File and line where the entry `id` of `kind` was defined; 0 and *file = NULL when
 * there is no such entry. */
int catalog_where(const catalog *cat, const char *kind, const char *id, const char **file);

/* Default catalog directory: $CAPSIM_CATALOG, else the one compiled in. */
const char *catalog_default_dir(void);

#endif
