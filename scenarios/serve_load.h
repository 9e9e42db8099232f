/* serve_load.h -- the <inference> element of a scenario into an infer_cfg, and the
 * request trace files it may name (CSV: arrival_s,input_tokens,output_tokens).
 *
 * Invariant: on success every field of the infer_cfg is set (defaults filled in
 * here, in one place) and a trace is sorted by arrival; on failure the message
 * names the file, line and what was expected, and nothing is left allocated. */
#ifndef CAPSIM_SERVE_LOAD_H
#define CAPSIM_SERVE_LOAD_H

#include <stddef.h>

#include "models/infer.h"
#include "scenarios/xmldoc.h"

/* Reads `in` (an <inference> element of the file `scenario_path`) for model `m`
 * into *out. Returns 0, or -1 with err set. The caller frees out->load.trace. */
int serve_load(const xmldoc_node *in, const char *scenario_path, const model_arch *m,
	       infer_cfg *out, char *err, size_t errlen);

/* Reads a trace CSV: an optional header line, then one request per line as
 * "arrival_s,input_tokens,output_tokens" with non-decreasing arrivals. Returns 0
 * and a malloc'd array in *out (*n requests), or -1 with "path:line: ..." in err. */
int serve_trace_read(const char *path, trace_req **out, long *n, char *err, size_t errlen);

#endif
