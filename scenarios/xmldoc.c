/* xmldoc.c -- parsing and XSD validation with libxml2, with every libxml2 message
 * captured into the caller's buffer.
 *
 * The file is read into memory by us and parsed from there with XML_PARSE_NONET and
 * without XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XInclude; a DOCTYPE stops the parse
 * at once, so no entity is ever declared, expanded or fetched. Known limit: the XSD
 * is parsed again on every load (a few milliseconds). */
#include "scenarios/xmldoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#define XMLDOC_MAX_BYTES (64L << 20)

struct xmldoc {
	xmlDocPtr doc;
	char *path;
};

/* Where libxml2's messages go while one load runs: the first error is kept. */
typedef struct {
	char *err;
	size_t errlen;
	const char *path;  /* the document, as the caller named it */
	const char *xsd;   /* the schema, for errors in the schema itself */
	int have;
} capture;

static const char id_phrase[] =
	"an id of letters, digits, '.', '_', '+' and '-' (at most 63 characters)";

/* Phrases for the simple types of capsim's schemas, to replace libxml2's
 * "'x' is not a valid value of the atomic type 'positive'". */
static const struct {
	const char *type;
	const char *phrase;
} type_phrases[] = {
	{ "positive", "a whole number of at least 1" },
	{ "xs:positiveInteger", "a whole number of at least 1" },
	{ "positive-or-auto", "a whole number of at least 1 or \"auto\"" },
	{ "count", "a whole number of 0 or more" },
	{ "xs:nonNegativeInteger", "a whole number of 0 or more" },
	{ "zero-stage", "0, 1, 2 or 3" },
	{ "xs:boolean", "true or false" },
	{ "id", id_phrase },
	{ "gpu-ref", "a catalog GPU id or \"*\"" },
	{ "quantity", "a value of 1 to 63 characters" },
};

/* If msg says a value is not of one of our types, writes "attr needs <phrase>". */
static int type_message(const char *msg, const char *attr, char *out, size_t len)
{
	if (!attr[0])
		return -1;
	/* The id pattern of the schemas, which libxml2 quotes rather than naming. */
	if (strstr(msg, "is not accepted by the pattern '[A-Za-z0-9][A-Za-z0-9._+\\-]*'")) {
		snprintf(out, len, "%s needs %s", attr, id_phrase);
		return 0;
	}
	const char *p = strstr(msg, "is not a valid value of the ");
	if (!p)
		return -1;
	p = strstr(p, "type '");
	if (!p)
		return -1;
	p += 6;
	const char *q = strchr(p, '\'');
	if (!q)
		return -1;
	for (size_t i = 0; i < sizeof type_phrases / sizeof type_phrases[0]; i++) {
		if (strlen(type_phrases[i].type) == (size_t)(q - p) &&
		    strncmp(p, type_phrases[i].type, (size_t)(q - p)) == 0) {
			snprintf(out, len, "%s needs %s", attr, type_phrases[i].phrase);
			return 0;
		}
	}
	return -1;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static long node_line(const xmlNode *n)
{
	if (n && n->type == XML_ATTRIBUTE_NODE)
		n = n->parent;
	return n ? xmlGetLineNo(n) : 0;
}

/* Rewrites libxml2's "Element 'x', attribute 'a': msg" as <x a="v">: msg. */
static void schema_message(capture *cap, const xmlError *e)
{
	char msg[1024];
	char elem[128] = "", attr[128] = "";
	const char *m = e->message ? e->message : "schema violation";
	const xmlNode *node = e->node;
	long line = node ? node_line(node) : e->line;

	if (strncmp(m, "Element '", 9) == 0) {
		const char *q = strchr(m + 9, '\'');
		if (q && (size_t)(q - (m + 9)) < sizeof elem) {
			memcpy(elem, m + 9, (size_t)(q - (m + 9)));
			elem[q - (m + 9)] = '\0';
			m = q + 1;
			if (strncmp(m, ", attribute '", 13) == 0) {
				const char *r = strchr(m + 13, '\'');
				if (r && (size_t)(r - (m + 13)) < sizeof attr) {
					memcpy(attr, m + 13, (size_t)(r - (m + 13)));
					attr[r - (m + 13)] = '\0';
					m = r + 1;
				}
			}
			if (strncmp(m, ": ", 2) == 0)
				m += 2;
		}
	}
	if (strstr(m, "No matching global declaration available for the validation root"))
		m = "this kind of file has another root element (wrong file?)";
	if (strncmp(m, "[facet '", 8) == 0) {
		const char *r = strstr(m, "'] ");
		if (r)
			m = r + 3;
	}
	if (type_message(m, attr, msg, sizeof msg) < 0)
		snprintf(msg, sizeof msg, "%s", m);
	trim_end(msg);

	if (elem[0] && attr[0]) {
		const xmlNode *el = node && node->type == XML_ATTRIBUTE_NODE ? node->parent : node;
		const char *v = el && el->type == XML_ELEMENT_NODE ? xmldoc_attr(el, attr) : NULL;
		if (v)
			snprintf(cap->err, cap->errlen, "%s:%ld: <%s %s=\"%s\">: %s", cap->path,
			         line, elem, attr, v, msg);
		else
			snprintf(cap->err, cap->errlen, "%s:%ld: <%s %s>: %s", cap->path, line,
			         elem, attr, msg);
	} else if (elem[0]) {
		snprintf(cap->err, cap->errlen, "%s:%ld: <%s>: %s", cap->path, line, elem, msg);
	} else {
		snprintf(cap->err, cap->errlen, "%s:%ld: %s", cap->path, line, msg);
	}
}

static void on_error(void *data, xmlErrorPtr e)
{
	capture *cap = data;
	if (!e || e->level == XML_ERR_WARNING || cap->have)
		return;
	cap->have = 1;
	if (e->domain == XML_FROM_SCHEMASV) {
		schema_message(cap, e);
		return;
	}
	char msg[1024];
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
	trim_end(msg);
	if (e->domain == XML_FROM_SCHEMASP && e->file && e->line > 0)
		snprintf(cap->err, cap->errlen, "%s:%d: schema: %s", e->file, e->line, msg);
	else if (e->domain == XML_FROM_SCHEMASP)
		snprintf(cap->err, cap->errlen, "%s: schema: %s", cap->xsd, msg);
	else
		snprintf(cap->err, cap->errlen, "%s:%d: %s", cap->path, e->line, msg);
}

static void no_generic(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* SAX hook for <!DOCTYPE ...>: refuse it before any declaration is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                       const xmlChar *sys_id)
{
	xmlParserCtxtPtr pc = ctx;
	capture *cap = pc->_private;
	(void)name;
	(void)ext_id;
	(void)sys_id;
	if (cap && !cap->have) {
		cap->have = 1;
		snprintf(cap->err, cap->errlen,
		         "%s:%d: <!DOCTYPE>: capsim files may not carry a DOCTYPE "
		         "(entities and DTDs are never loaded)", cap->path,
		         pc->input ? pc->input->line : 0);
	}
	xmlStopParser(pc);
}

/* SAX hook for start tags: libxml2 stamps an element with the line where its start
 * tag ends; restamp it with the line of its '<', which is the line people look at.
 * The tag is still in the input buffer here, and '<' cannot occur inside it. */
static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr pc = ctx;
	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	                      nb_attributes, nb_defaulted, attributes);
	if (!pc->node || !pc->input || !pc->input->cur || !pc->input->base)
		return;
	const xmlChar *p = pc->input->cur;
	int newlines = 0;
	while (p > pc->input->base && *p != '<') {
		if (*p == '\n')
			newlines++;
		p--;
	}
	long line = (long)pc->input->line - newlines;
	if (*p == '<' && line > 0 && line < 65535)
		pc->node->line = (unsigned short)line;
}

/* Reads the whole file; returns a malloc'd buffer or NULL with err set. */
static char *read_file(const char *path, long *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n = 0;
	struct stat st;
	if (!f) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read: not a regular file", path);
		goto done;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		goto done;
	}
	if (n > XMLDOC_MAX_BYTES) {
		snprintf(err, errlen, "%s: cannot read: larger than %ld bytes", path,
		         XMLDOC_MAX_BYTES);
		goto done;
	}
	buf = malloc((size_t)n + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		         ferror(f) ? strerror(errno) : "file shrank");
		free(buf);
		buf = NULL;
		goto done;
	}
	buf[n] = '\0';
	*len = n;
done:
	fclose(f);
	return buf;
}

static int validate(xmlDocPtr doc, const char *xsd_path, capture *cap)
{
	int rc = -1;
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd_path);
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;

	if (!pc) {
		snprintf(cap->err, cap->errlen, "%s: cannot load schema", xsd_path);
		goto done;
	}
	xmlSchemaSetParserStructuredErrors(pc, on_error, cap);
	schema = xmlSchemaParse(pc);
	if (!schema) {
		if (!cap->have)
			snprintf(cap->err, cap->errlen, "%s: cannot load schema", xsd_path);
		goto done;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc) {
		snprintf(cap->err, cap->errlen, "%s: out of memory", cap->path);
		goto done;
	}
	xmlSchemaSetValidStructuredErrors(vc, on_error, cap);
	if (xmlSchemaValidateDoc(vc, doc) != 0) {
		if (!cap->have)
			snprintf(cap->err, cap->errlen, "%s: does not match %s", cap->path,
			         xsd_path);
		goto done;
	}
	rc = 0;
done:
	if (vc)
		xmlSchemaFreeValidCtxt(vc);
	if (schema)
		xmlSchemaFree(schema);
	if (pc)
		xmlSchemaFreeParserCtxt(pc);
	return rc;
}

int xmldoc_load(const char *path, const char *xsd_path, xmldoc **out, char *err,
                size_t errlen)
{
	int rc = -1;
	long len = 0;
	char *buf = NULL;
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;
	xmldoc *d = NULL;
	capture cap = { err, errlen, path, xsd_path, 0 };
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;

	xmlInitParser();
	buf = read_file(path, &len, err, errlen);
	if (!buf)
		return -1;
	xmlSetStructuredErrorFunc(&cap, on_error);
	xmlSetGenericErrorFunc(NULL, no_generic);

	if (len == 0) {
		snprintf(err, errlen, "%s:1: the file is empty", path);
		goto done;
	}
	if (len > 0x7fffffffL) {
		snprintf(err, errlen, "%s: too large", path);
		goto done;
	}
	pc = xmlCreateMemoryParserCtxt(buf, (int)len);
	if (!pc) {
		if (!cap.have)
			snprintf(err, errlen, "%s:1: cannot start the XML parser", path);
		goto done;
	}
	xmlCtxtUseOptions(pc, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	pc->_private = &cap;
	pc->sax->internalSubset = on_doctype;
	pc->sax->startElementNs = on_start;
	pc->sax->externalSubset = NULL;
	pc->sax->resolveEntity = NULL;
	xmlParseDocument(pc);
	doc = pc->myDoc;
	pc->myDoc = NULL;
	if (cap.have || !pc->wellFormed || !doc) {
		if (!cap.have)
			snprintf(err, errlen, "%s:%d: not well-formed XML", path,
			         pc->input ? pc->input->line : 0);
		goto done;
	}
	if (doc->intSubset || doc->extSubset) {
		snprintf(err, errlen, "%s:1: <!DOCTYPE>: capsim files may not carry a DOCTYPE",
		         path);
		goto done;
	}
	if (!xmlDocGetRootElement(doc)) {
		snprintf(err, errlen, "%s:1: no root element", path);
		goto done;
	}
	if (!doc->URL)  /* errors found later name the file as the caller did */
		doc->URL = xmlStrdup((const xmlChar *)path);
	if (validate(doc, xsd_path, &cap) < 0)
		goto done;

	d = calloc(1, sizeof *d);
	if (!d || !(d->path = strdup(path))) {
		free(d);
		d = NULL;
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	d->doc = doc;
	doc = NULL;
	*out = d;
	rc = 0;
done:
	if (doc)
		xmlFreeDoc(doc);
	if (pc)
		xmlFreeParserCtxt(pc);
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);
	free(buf);
	return rc;
}

void xmldoc_free(xmldoc *d)
{
	if (!d)
		return;
	xmlFreeDoc(d->doc);
	free(d->path);
	free(d);
}

const char *xmldoc_path(const xmldoc *d)
{
	return d->path;
}

const xmldoc_node *xmldoc_root(const xmldoc *d)
{
	return xmlDocGetRootElement(d->doc);
}

const char *xmldoc_name(const xmldoc_node *n)
{
	return (const char *)n->name;
}

int xmldoc_line(const xmldoc_node *n)
{
	return (int)node_line(n);
}

static const xmlNode *element_from(const xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

const xmldoc_node *xmldoc_first(const xmldoc_node *n)
{
	return element_from(n->children);
}

const xmldoc_node *xmldoc_next(const xmldoc_node *n)
{
	return element_from(n->next);
}

const xmldoc_node *xmldoc_child(const xmldoc_node *n, const char *name)
{
	for (const xmlNode *c = xmldoc_first(n); c; c = xmldoc_next(c))
		if (strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

const char *xmldoc_attr(const xmldoc_node *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0) {
			/* Without entities an attribute holds at most one text node. */
			if (!a->children || !a->children->content)
				return "";
			return (const char *)a->children->content;
		}
	}
	return NULL;
}

size_t xmldoc_text(const xmldoc_node *n, char *buf, size_t len)
{
	xmlChar *s = xmlNodeGetContent(n);
	size_t full = 0, w = 0;
	int space = 0;
	if (len)
		buf[0] = '\0';
	if (!s)
		return 0;
	for (const xmlChar *p = s; *p; p++) {
		int ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
		if (ws) {
			space = full > 0;
			continue;
		}
		if (space) {
			if (w + 1 < len)
				buf[w++] = ' ';
			full++;
			space = 0;
		}
		if (w + 1 < len)
			buf[w++] = (char)*p;
		full++;
	}
	if (len && full >= len) {
		/* Truncated: drop a UTF-8 sequence that may have lost its tail. */
		while (w > 0 && ((unsigned char)buf[w - 1] & 0xC0) == 0x80)
			w--;
		if (w > 0 && ((unsigned char)buf[w - 1] & 0x80))
			w--;
	}
	if (len)
		buf[w < len ? w : len - 1] = '\0';
	xmlFree(s);
	return full;
}

const char *xmldoc_file(const xmldoc_node *n)
{
	return n->doc && n->doc->URL ? (const char *)n->doc->URL : "?";
}

int xmldoc_error(const xmldoc_node *n, const char *attr, char *err, size_t errlen,
                 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	const char *v = attr ? xmldoc_attr(n, attr) : NULL;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (v)
		snprintf(err, errlen, "%s:%d: <%s %s=\"%s\">: %s", xmldoc_file(n),
		         xmldoc_line(n), xmldoc_name(n), attr, v, msg);
	else
		snprintf(err, errlen, "%s:%d: <%s>: %s", xmldoc_file(n), xmldoc_line(n),
		         xmldoc_name(n), msg);
	return -1;
}

const char *xmldoc_schema_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("CAPSIM_SCHEMA_DIR");
	if (dir && *dir)
		snprintf(buf, len, "%s/%s", dir, name);
	else
		snprintf(buf, len, "%s/scenarios/%s", CAPSIM_SRCDIR, name);
	return buf;
}
