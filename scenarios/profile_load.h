/* profile_load.h -- reading a calibration profile file (scenarios/profile.xsd) into
 * the `profile` struct of models/profile.h.
 *
 * Invariant: a profile handed out has every efficiency in (0, 1], no GPU entry,
 * GEMM dtype or link class twice, and its file and provenance recorded. */
#ifndef CAPSIM_PROFILE_LOAD_H
#define CAPSIM_PROFILE_LOAD_H

#include <stddef.h>

#include "models/profile.h"

/* Loads the profile at `path`. Returns 0 with *out filled, or -1 with
 * "file:line: <element attr="value">: what was expected" in err and *out untouched. */
int profile_load(const char *path, profile *out, char *err, size_t errlen);

/* The profile used when a scenario names none: $CAPSIM_PROFILE if set, else the
 * source tree's calibrate/profiles/default.xml. */
const char *profile_default_path(void);

#endif
