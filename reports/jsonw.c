/* jsonw.c -- JSON string escaping and number fields for the report writers. */
#include "reports/jsonw.h"

void jsonw_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void jsonw_num(FILE *f, const char *key, double v, int last)
{
	fprintf(f, "\"%s\": %.6g%s", key, v, last ? "" : ", ");
}
