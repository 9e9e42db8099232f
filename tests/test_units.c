/* test_units.c -- the unit parser: every unit family converts to the SI value it
 * should, and malformed text (no unit, wrong unit, trailing garbage, NaN, inf,
 * negative) fails with a message that says what was expected.
 *
 * Misses: locales with a decimal comma (capsim never calls setlocale). */
#include "tests/t.h"

#include <limits.h>
#include <string.h>

#include "scenarios/units.h"

static char err[512];

static double ok(const char *text, units_kind kind)
{
	double v = -12345;
	err[0] = '\0';
	if (units_parse(text, kind, "x", &v, err, sizeof err) != 0)
		t_fail(__FILE__, __LINE__, "\"%s\" was refused: %s", text, err);
	return v;
}

/* Parses text expecting failure; checks *out is untouched and err mentions `want`. */
static void bad(int line, const char *text, units_kind kind, const char *want)
{
	double v = -12345;
	err[0] = '\0';
	int r = units_parse(text, kind, "read", &v, err, sizeof err);
	if (r != -1)
		t_fail(__FILE__, line, "\"%s\" was accepted as %g", text, v);
	if (v != -12345)
		t_fail(__FILE__, line, "\"%s\": output written on failure", text);
	if (!strstr(err, want))
		t_fail(__FILE__, line, "\"%s\": message \"%s\" lacks \"%s\"", text, err, want);
}

static void test_counts(void)
{
	T_NEAR(ok("300e9", UNIT_NUMBER), 300e9, 1e-15);
	T_NEAR(ok("8", UNIT_NUMBER), 8, 0);
	T_NEAR(ok("1.3", UNIT_NUMBER), 1.3, 0);
	T_NEAR(ok(" 0.5 ", UNIT_NUMBER), 0.5, 0);
	T_NEAR(ok(".5", UNIT_NUMBER), 0.5, 0);
	T_NEAR(ok("1.5E+3", UNIT_NUMBER), 1500, 0);
	T_EQ_INT(ok("0", UNIT_NUMBER) == 0, 1);
}

static void test_bytes(void)
{
	T_NEAR(ok("80 GB", UNIT_BYTES), 80e9, 0);
	T_NEAR(ok("80 GiB", UNIT_BYTES), 80.0 * 1073741824.0, 0);
	T_NEAR(ok("400 Gb", UNIT_BYTES), 50e9, 0);
	T_NEAR(ok("32 KiB", UNIT_BYTES), 32768, 0);
	T_NEAR(ok("1 kB", UNIT_BYTES), 1000, 0);
	T_NEAR(ok("1 KB", UNIT_BYTES), 1000, 0);
	T_NEAR(ok("2 MB", UNIT_BYTES), 2e6, 0);
	T_NEAR(ok("3 TB", UNIT_BYTES), 3e12, 0);
	T_NEAR(ok("1 PB", UNIT_BYTES), 1e15, 0);
	T_NEAR(ok("1 MiB", UNIT_BYTES), 1048576, 0);
	T_NEAR(ok("2 TiB", UNIT_BYTES), 2.0 * 1099511627776.0, 0);
	T_NEAR(ok("3EB", UNIT_BYTES), 3e18, 0);
	T_NEAR(ok("512 B", UNIT_BYTES), 512, 0);
}

static void test_rates(void)
{
	/* Exactly the double nearest the decimal value, not 3.35 * 1e12 rounded twice. */
	T_EQ_INT(ok("3.35 TB/s", UNIT_BYTE_RATE) == 3.35e12, 1);
	T_NEAR(ok("400 Gb/s", UNIT_BYTE_RATE), 50e9, 0);
	T_NEAR(ok("450 GB/s", UNIT_BYTE_RATE), 450e9, 0);
	T_NEAR(ok("10 MB/s", UNIT_BYTE_RATE), 10e6, 0);
	T_NEAR(ok("400 Gb/s", UNIT_BIT_RATE), 400e9, 0);
	T_NEAR(ok("50 GB/s", UNIT_BIT_RATE), 400e9, 0);
	T_NEAR(ok("989 TFLOP/s", UNIT_FLOPS), 989e12, 0);
	T_NEAR(ok("1.98 PFLOP/s", UNIT_FLOPS), 1.98e15, 0);
	T_EQ_INT(ok("989.4 TFLOP/s", UNIT_FLOPS) == 989.4e12, 1);
	T_NEAR(ok("20/s", UNIT_REQUEST_RATE), 20, 0);
	T_NEAR(ok("1200 /min", UNIT_REQUEST_RATE), 20, 1e-15);
}

static void test_power_money(void)
{
	T_NEAR(ok("700 W", UNIT_POWER), 700, 0);
	T_NEAR(ok("10.2 kW", UNIT_POWER), 10200, 0);
	T_NEAR(ok("1.5 MW", UNIT_POWER), 1.5e6, 0);
	T_NEAR(ok("0.10 USD/kWh", UNIT_ENERGY_PRICE), 0.10 / 3.6e6, 1e-12);
	T_NEAR(ok("100 USD/MWh", UNIT_ENERGY_PRICE), 0.10 / 3.6e6, 1e-12);
	T_NEAR(ok("380 g/kWh", UNIT_CARBON), 0.380 / 3.6e6, 1e-12);
	T_NEAR(ok("0.38 t/MWh", UNIT_CARBON), 0.380 / 3.6e6, 1e-12);
	T_NEAR(ok("30000 USD", UNIT_MONEY), 30000, 0);
	T_NEAR(ok("4.25 USD/GPU-h", UNIT_GPU_HOUR_PRICE), 4.25 / 3600, 1e-12);
}

static void test_times(void)
{
	T_NEAR(ok("2 h", UNIT_TIME), 7200, 0);
	T_NEAR(ok("1.5 us", UNIT_TIME), 1.5e-6, 1e-15);
	T_NEAR(ok("130 ns", UNIT_TIME), 130e-9, 1e-15);
	T_NEAR(ok("10 ms", UNIT_TIME), 0.010, 1e-15);
	T_NEAR(ok("30 s", UNIT_TIME), 30, 0);
	T_NEAR(ok("5 min", UNIT_TIME), 300, 0);
	T_NEAR(ok("3 d", UNIT_TIME), 259200, 0);
	/* Nanoseconds come out exact for decimal inputs. */
	T_EQ_INT(ok("130 ns", UNIT_TIME_NS) == 130.0, 1);
	T_EQ_INT(ok("1.5 us", UNIT_TIME_NS) == 1500.0, 1);
	T_EQ_INT(ok("2 s", UNIT_TIME_NS) == 2e9, 1);
	T_NEAR(ok("1 h", UNIT_TIME_NS), 3.6e12, 0);
}

static void test_missing_unit(void)
{
	double v = -1;
	T_EQ_INT(units_parse("40", UNIT_BYTE_RATE, "read", &v, err, sizeof err), -1);
	T_CHECKF(strcmp(err, "read needs a rate such as \"40 GB/s\"") == 0, "message: %s", err);
	T_NEAR(v, -1, 0);
	bad(__LINE__, "700", UNIT_POWER, "needs a power such as \"700 W\"");
	bad(__LINE__, "2", UNIT_TIME, "needs a duration");
	bad(__LINE__, "30000", UNIT_MONEY, "USD");
}

static void test_wrong_unit(void)
{
	bad(__LINE__, "40 GW", UNIT_BYTE_RATE, "\"GW\" is not a unit");
	bad(__LINE__, "40 GB", UNIT_BYTE_RATE, "a rate such as \"40 GB/s\"");
	bad(__LINE__, "312 TFLOPS", UNIT_FLOPS, "TFLOP/s");
	bad(__LINE__, "312 TFLOP", UNIT_FLOPS, "TFLOP/s");
	bad(__LINE__, "80 gb", UNIT_BYTES, "\"gb\"");
	bad(__LINE__, "80 GiB/s", UNIT_BYTES, "size");
	bad(__LINE__, "1 KiFLOP/s", UNIT_FLOPS, "KiFLOP/s");
	bad(__LINE__, "10 kWh", UNIT_POWER, "power");
	bad(__LINE__, "0.10 EUR/kWh", UNIT_ENERGY_PRICE, "USD/kWh");
	bad(__LINE__, "4.25 USD/h", UNIT_GPU_HOUR_PRICE, "USD/GPU-h");
	bad(__LINE__, "5 W", UNIT_NUMBER, "without a unit");
	bad(__LINE__, "2 hours", UNIT_TIME, "\"hours\"");
}

static void test_garbage(void)
{
	bad(__LINE__, "", UNIT_POWER, "power");
	bad(__LINE__, "W", UNIT_POWER, "power");
	bad(__LINE__, "nan W", UNIT_POWER, "power");
	bad(__LINE__, "NaN", UNIT_NUMBER, "number");
	bad(__LINE__, "inf", UNIT_NUMBER, "number");
	bad(__LINE__, "infinity W", UNIT_POWER, "power");
	bad(__LINE__, "0x10 W", UNIT_POWER, "\"x10 W\"");
	bad(__LINE__, "700 W extra", UNIT_POWER, "\"W extra\"");
	bad(__LINE__, "1.2.3 W", UNIT_POWER, "power");
	bad(__LINE__, "1e999 W", UNIT_POWER, "out of range");
	bad(__LINE__, "1e W", UNIT_POWER, "\"e W\"");
	bad(__LINE__, "-5 W", UNIT_POWER, "not negative");
	bad(__LINE__, "-1", UNIT_NUMBER, "not negative");
	bad(__LINE__, "3,5 W", UNIT_POWER, "\",5 W\"");
}

static void test_ints_bools(void)
{
	int v = -7, b = -7;
	T_EQ_INT(units_int("8", "gpus", 1, INT_MAX, &v, err, sizeof err), 0);
	T_EQ_INT(v, 8);
	T_EQ_INT(units_int(" 0 ", "nics", 0, 10, &v, err, sizeof err), 0);
	T_EQ_INT(v, 0);
	v = -7;
	T_EQ_INT(units_int("0", "gpus", 1, INT_MAX, &v, err, sizeof err), -1);
	T_CHECKF(strstr(err, "gpus needs a whole number of at least 1") != NULL, "%s", err);
	T_EQ_INT(units_int("8.5", "gpus", 1, INT_MAX, &v, err, sizeof err), -1);
	T_EQ_INT(units_int("99999999999", "gpus", 1, INT_MAX, &v, err, sizeof err), -1);
	T_EQ_INT(units_int("-3", "gpus", 0, INT_MAX, &v, err, sizeof err), -1);
	T_EQ_INT(units_int("4", "zero", 0, 3, &v, err, sizeof err), -1);
	T_CHECKF(strstr(err, "from 0 to 3") != NULL, "%s", err);
	T_EQ_INT(v, -7);
	T_EQ_INT(units_bool("true", "sharp", &b, err, sizeof err), 0);
	T_EQ_INT(b, 1);
	T_EQ_INT(units_bool("0", "sharp", &b, err, sizeof err), 0);
	T_EQ_INT(b, 0);
	T_EQ_INT(units_bool("yes", "sharp", &b, err, sizeof err), -1);
	T_CHECKF(strstr(err, "sharp needs true or false") != NULL, "%s", err);
}

int main(void)
{
	T_RUN(test_counts);
	T_RUN(test_bytes);
	T_RUN(test_rates);
	T_RUN(test_power_money);
	T_RUN(test_times);
	T_RUN(test_missing_unit);
	T_RUN(test_wrong_unit);
	T_RUN(test_garbage);
	T_RUN(test_ints_bools);
	return t_done();
}
