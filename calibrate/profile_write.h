/* profile_write.h -- writing a calibration profile as XML (scenarios/profile.xsd),
 * the inverse of scenarios/profile_load.c.
 *
 * Invariant: the file appears complete or not at all (written to a temporary file
 * beside it, then renamed); every figure is printed with 9 significant digits, so
 * loading it back gives the same numbers to 1e-8. */
#ifndef CAPSIM_PROFILE_WRITE_H
#define CAPSIM_PROFILE_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "models/profile.h"

/* Writes `p` to `f` (provenance, inputs, every GPU entry with its fits). */
void profile_print(FILE *f, const profile *p);

/* Writes `p` to `path` atomically. Returns 0, or -1 with "path: why" in err and no
 * file (nor temporary) left behind. */
int profile_write(const char *path, const profile *p, char *err, size_t errlen);

#endif
