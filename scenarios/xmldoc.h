/* xmldoc.h -- a parsed, schema-valid XML file and read-only walks over its elements;
 * the only door to libxml2 in capsim.
 *
 * Invariant: a document handed out has passed its XSD; it was parsed without network
 * access, without loading any DTD and without expanding entities, and it holds no
 * DOCTYPE at all. libxml2's own messages never reach stderr: they come back in err
 * as "file:line: message" with the file named as the caller gave it. */
#ifndef CAPSIM_XMLDOC_H
#define CAPSIM_XMLDOC_H

#include <stddef.h>

struct _xmlNode;
typedef struct xmldoc xmldoc;
typedef struct _xmlNode xmldoc_node; /* an element; opaque outside xmldoc.c */

/* Parses `path` and validates it against the XSD at `xsd_path`. Returns 0 and *out
 * (free with xmldoc_free), or -1 with err set and nothing allocated: an unreadable
 * file ("path: cannot read: ..."), malformed XML ("path:line: message"), a DOCTYPE,
 * or the first schema violation ("path:line: <element>: message" or
 * "path:line: <element attr="value">: message"). The first call initialises
 * libxml2, so make it before starting threads. */
int xmldoc_load(const char *path, const char *xsd_path, xmldoc **out, char *err,
                size_t errlen);
void xmldoc_free(xmldoc *d);

/* The path the document was loaded from, as given. */
const char *xmldoc_path(const xmldoc *d);
/* The root element. */
const xmldoc_node *xmldoc_root(const xmldoc *d);

/* Element name ("gpu"). */
const char *xmldoc_name(const xmldoc_node *n);
/* Line of the element's start tag in its file. */
int xmldoc_line(const xmldoc_node *n);
/* First child element, or NULL. */
const xmldoc_node *xmldoc_first(const xmldoc_node *n);
/* Next sibling element, or NULL. */
const xmldoc_node *xmldoc_next(const xmldoc_node *n);
/* First child element called `name`, or NULL. */
const xmldoc_node *xmldoc_child(const xmldoc_node *n, const char *name);
/* Value of attribute `name` (owned by the document), or NULL when absent. */
const char *xmldoc_attr(const xmldoc_node *n, const char *name);
/* The element's text with runs of white space folded to one space and the ends
 * trimmed, truncated to fit buf at a character boundary (always terminated).
 * Returns the full length, which is >= len when the text was cut. */
size_t xmldoc_text(const xmldoc_node *n, char *buf, size_t len);

/* The path of the file `n` came from, as the caller gave it to xmldoc_load. */
const char *xmldoc_file(const xmldoc_node *n);

#if defined(__GNUC__)
#define XMLDOC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define XMLDOC_PRINTF(a, b)
#endif

/* Writes "file:line: <name attr="value">: message" into err, or "<name>" when attr
 * is NULL or absent from `n`. Returns -1, so that callers may `return xmldoc_error(...)`. */
int xmldoc_error(const xmldoc_node *n, const char *attr, char *err, size_t errlen,
                 const char *fmt, ...) XMLDOC_PRINTF(5, 6);

/* Path of a schema shipped with capsim ("capsim.xsd"): $CAPSIM_SCHEMA_DIR/name if
 * set, else the source tree's scenarios/name. Written into buf. */
const char *xmldoc_schema_path(const char *name, char *buf, size_t len);

#endif
