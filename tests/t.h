/* t.h -- the tiny test harness every tests/test_*.c uses.
 *
 * Each test binary runs its cases with T_RUN, each failing check prints a line
 * "FAIL file:line: what", each case prints "ok NAME" or "FAIL NAME", and t_done()
 * prints "N passed, N failed" and returns the exit status. tests/run.sh adds the
 * counts of every binary and script. */
#ifndef CAPSIM_T_H
#define CAPSIM_T_H

#include <stdio.h>
#include <math.h>

extern int t_case_failed;

void t_fail(const char *file, int line, const char *fmt, ...);
void t_case(const char *name, void (*fn)(void));
int t_done(void);
/* Splits one CSV line in place into at most `max` fields (quoted fields may hold
 * commas and doubled quotes); returns the field count. */
int t_csv_split(char *line, char **f, int max);
/* Path of a file in the source tree (for test data), in a static buffer. */
const char *t_src(const char *rel);

#define T_RUN(fn) t_case(#fn, fn)
#define T_CHECK(cond) do { if (!(cond)) t_fail(__FILE__, __LINE__, "%s", #cond); } while (0)
#define T_CHECKF(cond, ...) do { if (!(cond)) t_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define T_EQ_INT(a, b) do { long long ta_ = (long long)(a), tb_ = (long long)(b); \
	if (ta_ != tb_) t_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, ta_, tb_); } while (0)
/* |a - b| <= rel * |b| */
#define T_NEAR(a, b, rel) do { double ta_ = (a), tb_ = (b); \
	if (!(fabs(ta_ - tb_) <= (rel) * fabs(tb_))) \
		t_fail(__FILE__, __LINE__, "%s = %.6g, expected %.6g within %.3g%%", #a, ta_, tb_, 100.0 * (rel)); } while (0)

#endif
