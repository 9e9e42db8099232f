/* jsonw.h -- the two JSON writing primitives every report block shares.
 *
 * Invariant: strings come out escaped (quote, backslash, control characters) and
 * numbers as %.6g, so the same results give the same bytes. */
#ifndef CAPSIM_JSONW_H
#define CAPSIM_JSONW_H

#include <stdio.h>

/* Writes `s` as a quoted, escaped JSON string. */
void jsonw_str(FILE *f, const char *s);
/* Writes "key": v, followed by ", " unless `last`. */
void jsonw_num(FILE *f, const char *key, double v, int last);

#endif
