/* files.c -- atomic report files: write to a temporary name, then rename. */
#include "reports/report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int report_write_file(const char *dir, const char *name,
		      void (*writer)(FILE *, const run_results *), const run_results *r,
		      char *err, size_t errlen)
{
	char path[1024], tmp[1100];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		return -1;
	}
	writer(f, r);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: write failed", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
