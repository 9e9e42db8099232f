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

/* Number of entries of each kind and the i-th id, for listings and tests. */
int catalog_count(const catalog *cat, const char *kind);
const char *catalog_id(const catalog *cat, const char *kind, int i);

/* Default catalog directory: $CAPSIM_CATALOG, else the one compiled in. */
const char *catalog_default_dir(void);

#endif
