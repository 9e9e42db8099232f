/* t.c -- the test harness: counts cases and failures, prints the closing line. */
#include "tests/t.h"

#include <stdarg.h>
#include <string.h>

int t_case_failed;
static int n_pass, n_fail;

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "  FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	t_case_failed = 1;
}

void t_case(const char *name, void (*fn)(void))
{
	t_case_failed = 0;
	fn();
	if (t_case_failed) {
		n_fail++;
		printf("FAIL %s\n", name);
	} else {
		n_pass++;
		printf("ok %s\n", name);
	}
	fflush(stdout);
}

int t_done(void)
{
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

const char *t_src(const char *rel)
{
	static char buf[1024];
	snprintf(buf, sizeof buf, "%s/%s", CAPSIM_SRCDIR, rel);
	return buf;
}

int t_csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *w;
	while (n < max) {
		f[n++] = w = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else if (!*p) {
					break;
				} else {
					*w++ = *p++;
				}
			}
		}
		while (*p && *p != ',' && *p != '\n' && *p != '\r')
			*w++ = *p++;
		int end = *p != ',';
		*w = '\0';
		if (end)
			break;
		p++;
	}
	return n;
}
