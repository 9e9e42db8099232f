/* scenario.h -- one scenario file as plain C structs: cluster, site, cost terms and
 * the workload, with the catalog and calibration profile it resolved against.
 *
 * Invariant: after scenario_load() returns 0 every catalog reference is resolved,
 * every unit is converted to SI, and the XSD and the semantic checks have passed. */
#ifndef CAPSIM_SCENARIO_H
#define CAPSIM_SCENARIO_H

#include "models/cluster.h"
#include "models/train.h"
#include "models/infer.h"
#include "models/profile.h"
#include "scenarios/catalog.h"

typedef enum { WORK_TRAINING, WORK_INFERENCE, WORK_NONE } work_kind;

enum { REPORT_HTML = 1, REPORT_MD = 2, REPORT_CSV = 4, REPORT_JSON = 8 };

typedef struct {
	char name[128];
	char description[512];
	char file[512];           /* path as given */
	cluster cl;
	site site;
	cost_terms cost;
	work_kind kind;
	train_cfg train;
	infer_cfg infer;          /* WORK_INFERENCE; its trace is freed by scenario_free */
	profile prof;             /* the scenario's <calibration>, else the default */
	int report_formats;       /* REPORT_* bits; all when no <report> */
	int line_workload;        /* line of <training> or <inference> */
	int line_precision;       /* line of <precision>, else of the workload */
	catalog *cat;             /* owned */
} scenario;

/* Parses, validates against scenarios/capsim.xsd, resolves catalog ids and the
 * calibration profile, converts units and runs the semantic checks.
 * Returns 0 and *out (caller frees with scenario_free), or -1 with
 * "file:line: <element attr=...>: what was expected" in err. */
int scenario_load(const char *path, scenario **out, char *err, size_t errlen);
void scenario_free(scenario *sc);

/* Total GPUs over all node groups. */
int scenario_gpus(const scenario *sc);

#endif
