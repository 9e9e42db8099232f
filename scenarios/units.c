/* units.c -- strict parsing of quantities with units into SI values.
 *
 * The number is scanned by hand (no "inf", "nan", hex or locale surprises) and the
 * unit's power of ten is added to its decimal exponent before strtod, so that
 * "3.35 TB/s" is exactly the double nearest 3.35e12; factors that are not powers of
 * ten (1024, 1/8, 3600) are applied after. */
#include "scenarios/units.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const expected[UNIT_KIND_COUNT] = {
	[UNIT_NUMBER] = "a number such as \"1.5\"",
	[UNIT_BYTES] = "a size such as \"80 GB\" or \"80 GiB\"",
	[UNIT_BYTE_RATE] = "a rate such as \"40 GB/s\"",
	[UNIT_BIT_RATE] = "a rate such as \"400 Gb/s\"",
	[UNIT_FLOPS] = "a compute rate such as \"989 TFLOP/s\"",
	[UNIT_POWER] = "a power such as \"700 W\" or \"10.2 kW\"",
	[UNIT_ENERGY_PRICE] = "an energy price such as \"0.10 USD/kWh\"",
	[UNIT_CARBON] = "a carbon intensity such as \"380 g/kWh\"",
	[UNIT_TIME] = "a duration such as \"2 h\" or \"1.5 us\"",
	[UNIT_TIME_NS] = "a duration such as \"130 ns\" or \"1.5 us\"",
	[UNIT_MONEY] = "an amount such as \"30000 USD\"",
	[UNIT_GPU_HOUR_PRICE] = "a price such as \"4.25 USD/GPU-h\"",
	[UNIT_REQUEST_RATE] = "a request rate such as \"20/s\"",
	[UNIT_POWER_MONTH_PRICE] = "a price such as \"150 USD/kW-month\"",
};

const char *units_expected(units_kind kind)
{
	return (unsigned)kind < UNIT_KIND_COUNT ? expected[kind] : "a value";
}

/* A unit: its text, the power of ten it multiplies by and a further factor. */
typedef struct {
	const char *text;
	int p10;
	double factor;
} unit_def;

typedef struct {
	const char *text;
	int p10;         /* decimal prefixes */
	double factor;   /* binary prefixes */
} prefix_def;

static const prefix_def dec_prefixes[] = {
	{ "", 0, 1 }, { "k", 3, 1 }, { "K", 3, 1 }, { "M", 6, 1 }, { "G", 9, 1 },
	{ "T", 12, 1 }, { "P", 15, 1 }, { "E", 18, 1 },
};
static const prefix_def bin_prefixes[] = {
	{ "Ki", 0, 1024.0 }, { "Mi", 0, 1048576.0 }, { "Gi", 0, 1073741824.0 },
	{ "Ti", 0, 1099511627776.0 }, { "Pi", 0, 1125899906842624.0 },
	{ "Ei", 0, 1152921504606846976.0 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Matches u against prefix + base for every prefix in the tables given. */
static int match_prefixed(const char *u, const unit_def *bases, size_t nbases,
                          int binary, int *p10, double *factor)
{
	for (size_t b = 0; b < nbases; b++) {
		size_t bl = strlen(bases[b].text);
		size_t ul = strlen(u);
		if (ul < bl || strcmp(u + ul - bl, bases[b].text) != 0)
			continue;
		size_t pl = ul - bl;
		for (size_t i = 0; i < NELEM(dec_prefixes); i++) {
			if (strlen(dec_prefixes[i].text) == pl &&
			    strncmp(u, dec_prefixes[i].text, pl) == 0) {
				*p10 = dec_prefixes[i].p10 + bases[b].p10;
				*factor = bases[b].factor;
				return 0;
			}
		}
		for (size_t i = 0; binary && i < NELEM(bin_prefixes); i++) {
			if (strlen(bin_prefixes[i].text) == pl &&
			    strncmp(u, bin_prefixes[i].text, pl) == 0) {
				*p10 = bases[b].p10;
				*factor = bin_prefixes[i].factor * bases[b].factor;
				return 0;
			}
		}
	}
	return -1;
}

static int match_exact(const char *u, const unit_def *defs, size_t n, int *p10,
                       double *factor)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(u, defs[i].text) == 0) {
			*p10 = defs[i].p10;
			*factor = defs[i].factor;
			return 0;
		}
	}
	return -1;
}

/* "<mass>/<prefix>Wh" or "USD/<prefix>Wh": per joule. */
static int match_per_energy(const char *u, const unit_def *num, size_t nnum, int *p10,
                            double *factor)
{
	static const unit_def wh[] = { { "Wh", 0, 1.0 / 3600.0 } };
	const char *slash = strchr(u, '/');
	if (!slash)
		return -1;
	char head[32];
	size_t hl = (size_t)(slash - u);
	if (hl >= sizeof head)
		return -1;
	memcpy(head, u, hl);
	head[hl] = '\0';
	int p_num, p_den;
	double f_num, f_den;
	if (match_exact(head, num, nnum, &p_num, &f_num) < 0)
		return -1;
	if (match_prefixed(slash + 1, wh, 1, 0, &p_den, &f_den) < 0)
		return -1;
	*p10 = p_num - p_den;
	*factor = f_num * f_den;
	return 0;
}

static int match_unit(units_kind kind, const char *u, int *p10, double *factor)
{
	static const unit_def bytes[] = { { "B", 0, 1 }, { "b", 0, 0.125 } };
	static const unit_def byte_rate[] = { { "B/s", 0, 1 }, { "b/s", 0, 0.125 } };
	static const unit_def bit_rate[] = { { "b/s", 0, 1 }, { "B/s", 0, 8 } };
	static const unit_def flops[] = { { "FLOP/s", 0, 1 } };
	static const unit_def watts[] = { { "W", 0, 1 } };
	static const unit_def usd[] = { { "USD", 0, 1 } };
	static const unit_def mass[] = { { "g", -3, 1 }, { "kg", 0, 1 }, { "t", 3, 1 } };
	static const unit_def times[] = {
		{ "ns", -9, 1 }, { "us", -6, 1 }, { "\xc2\xb5s", -6, 1 }, { "ms", -3, 1 },
		{ "s", 0, 1 }, { "min", 0, 60 }, { "h", 0, 3600 }, { "d", 0, 86400 },
	};
	static const unit_def gpu_h[] = { { "USD/GPU-h", 0, 1.0 / 3600.0 } };
	/* a month is 365.25 / 12 days */
	static const unit_def kw_month[] = {
		{ "USD/kW-month", 0, 1.0 / (1000.0 * 365.25 / 12.0 * 86400.0) },
		{ "USD/W-month", 0, 1.0 / (365.25 / 12.0 * 86400.0) },
	};
	static const unit_def per[] = {
		{ "/s", 0, 1 }, { "/min", 0, 1.0 / 60.0 }, { "/h", 0, 1.0 / 3600.0 },
	};

	switch (kind) {
	case UNIT_NUMBER:
		*p10 = 0;
		*factor = 1;
		return u[0] == '\0' ? 0 : -1;
	case UNIT_BYTES:
		return match_prefixed(u, bytes, NELEM(bytes), 1, p10, factor);
	case UNIT_BYTE_RATE:
		return match_prefixed(u, byte_rate, NELEM(byte_rate), 1, p10, factor);
	case UNIT_BIT_RATE:
		return match_prefixed(u, bit_rate, NELEM(bit_rate), 1, p10, factor);
	case UNIT_FLOPS:
		return match_prefixed(u, flops, NELEM(flops), 0, p10, factor);
	case UNIT_POWER:
		return match_prefixed(u, watts, NELEM(watts), 0, p10, factor);
	case UNIT_ENERGY_PRICE:
		return match_per_energy(u, usd, NELEM(usd), p10, factor);
	case UNIT_CARBON:
		return match_per_energy(u, mass, NELEM(mass), p10, factor);
	case UNIT_TIME:
		return match_exact(u, times, NELEM(times), p10, factor);
	case UNIT_TIME_NS:
		if (match_exact(u, times, NELEM(times), p10, factor) < 0)
			return -1;
		*p10 += 9;
		return 0;
	case UNIT_MONEY:
		return match_exact(u, usd, NELEM(usd), p10, factor);
	case UNIT_GPU_HOUR_PRICE:
		return match_exact(u, gpu_h, NELEM(gpu_h), p10, factor);
	case UNIT_REQUEST_RATE:
		return match_exact(u, per, NELEM(per), p10, factor);
	case UNIT_POWER_MONTH_PRICE:
		return match_exact(u, kw_month, NELEM(kw_month), p10, factor);
	case UNIT_KIND_COUNT:
		break;
	}
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Scans [+-]digits[.digits][e[+-]digits] at *s. Copies the sign and mantissa into
 * mant and returns the exponent in *exp; *s moves past the number. */
static int scan_number(const char **s, char *mant, size_t mlen, long *exp)
{
	const char *p = *s;
	size_t n = 0;
	int digits = 0;
	if (*p == '+' || *p == '-') {
		mant[n++] = *p;
		p++;
	}
	int seen_dot = 0;
	while (is_digit(*p) || *p == '.') {
		if (*p == '.') {
			if (seen_dot)
				return -1;
			seen_dot = 1;
		} else {
			digits++;
		}
		if (n + 1 >= mlen)
			return -1;
		mant[n++] = *p++;
	}
	mant[n] = '\0';
	if (!digits)
		return -1;
	*exp = 0;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		int neg = 0;
		if (*q == '+' || *q == '-')
			neg = *q++ == '-';
		if (is_digit(*q)) {  /* else the 'E' starts a unit ("3 EB") */
			long e = 0;
			while (is_digit(*q)) {
				if (e < 100000)
					e = e * 10 + (*q - '0');
				q++;
			}
			*exp = neg ? -e : e;
			p = q;
		}
	}
	*s = p;
	return 0;
}

int units_parse(const char *text, units_kind kind, const char *what, double *out,
                char *err, size_t errlen)
{
	const char *p = text ? text : "";
	char mant[128];
	char unit[64];
	long exp;
	int p10;
	double factor;

	mant[0] = '\0';
	while (*p == ' ')
		p++;
	if (scan_number(&p, mant, sizeof mant, &exp) < 0) {
		snprintf(err, errlen, "%s needs %s", what, units_expected(kind));
		return -1;
	}
	while (*p == ' ')
		p++;
	size_t ul = strlen(p);
	while (ul > 0 && p[ul - 1] == ' ')
		ul--;
	if (ul >= sizeof unit) {
		snprintf(err, errlen, "%s needs %s", what, units_expected(kind));
		return -1;
	}
	memcpy(unit, p, ul);
	unit[ul] = '\0';
	if (ul == 0 && kind != UNIT_NUMBER) {
		snprintf(err, errlen, "%s needs %s", what, units_expected(kind));
		return -1;
	}
	if (match_unit(kind, unit, &p10, &factor) < 0) {
		if (kind == UNIT_NUMBER)
			snprintf(err, errlen, "%s needs %s, without a unit (not \"%s\")", what,
			         units_expected(kind), unit);
		else
			snprintf(err, errlen, "%s needs %s (\"%s\" is not a unit of that kind)",
			         what, units_expected(kind), unit);
		return -1;
	}
	char num[160];
	snprintf(num, sizeof num, "%se%ld", mant, exp + p10);
	double v = strtod(num, NULL) * factor;
	if (!isfinite(v)) {
		snprintf(err, errlen, "%s needs %s (\"%s\" is out of range)", what,
		         units_expected(kind), text);
		return -1;
	}
	if (v < 0) {
		snprintf(err, errlen, "%s needs %s that is not negative", what,
		         units_expected(kind));
		return -1;
	}
	*out = v == 0 ? 0.0 : v;
	return 0;
}

int units_int(const char *text, const char *what, int min, int max, int *out,
              char *err, size_t errlen)
{
	const char *p = text ? text : "";
	long long v = 0;
	int digits = 0;
	while (*p == ' ')
		p++;
	if (*p == '+')
		p++;
	while (is_digit(*p)) {
		if (v <= INT_MAX)
			v = v * 10 + (*p - '0');
		digits++;
		p++;
	}
	while (*p == ' ')
		p++;
	if (!digits || *p != '\0') {
		snprintf(err, errlen, "%s needs a whole number such as \"8\"", what);
		return -1;
	}
	if (v < min || v > max) {
		if (max == INT_MAX)
			snprintf(err, errlen, "%s needs a whole number of at least %d", what, min);
		else
			snprintf(err, errlen, "%s needs a whole number from %d to %d", what, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int units_bool(const char *text, const char *what, int *out, char *err, size_t errlen)
{
	const char *t = text ? text : "";
	if (strcmp(t, "true") == 0 || strcmp(t, "1") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(t, "false") == 0 || strcmp(t, "0") == 0) {
		*out = 0;
		return 0;
	}
	snprintf(err, errlen, "%s needs true or false", what);
	return -1;
}
