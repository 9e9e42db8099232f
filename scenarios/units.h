/* units.h -- the strict parser for quantities written with units ("400 Gb/s",
 * "80 GiB", "0.10 USD/kWh") and for plain whole numbers.
 *
 * Invariant: every value leaves here in base SI units (bytes, bytes/s, bits/s,
 * FLOP/s, watts, seconds or nanoseconds, USD, kg) and is finite and not negative.
 * Decimal prefixes are powers of 1000, binary ones (Ki, Mi, Gi, ...) of 1024; "b" is
 * a bit and "B" a byte. Nothing but surrounding spaces may follow the unit. */
#ifndef CAPSIM_UNITS_H
#define CAPSIM_UNITS_H

#include <stddef.h>

typedef enum {
	UNIT_NUMBER,        /* plain number, no unit: "300e9", "0.8", "1.3" */
	UNIT_BYTES,         /* "80 GB", "80 GiB", "400 Gb" (bits, /8) -> bytes */
	UNIT_BYTE_RATE,     /* "3.35 TB/s", "400 Gb/s" -> bytes/s */
	UNIT_BIT_RATE,      /* "400 Gb/s", "50 GB/s" -> bits/s */
	UNIT_FLOPS,         /* "989 TFLOP/s" -> FLOP/s (only the FLOP/s form) */
	UNIT_POWER,         /* "700 W", "10.2 kW", "1.5 MW" -> W */
	UNIT_ENERGY_PRICE,  /* "0.10 USD/kWh" -> USD per joule */
	UNIT_CARBON,        /* "380 g/kWh" -> kg CO2e per joule */
	UNIT_TIME,          /* "2 h", "1.5 us", "130 ns", "5 min", "3 d" -> s */
	UNIT_TIME_NS,       /* the same texts -> ns */
	UNIT_MONEY,         /* "30000 USD" -> USD */
	UNIT_GPU_HOUR_PRICE,/* "4.25 USD/GPU-h" -> USD per GPU-second */
	UNIT_REQUEST_RATE,  /* "20/s", "1200/min", "5/h" -> requests/s */
	UNIT_POWER_MONTH_PRICE, /* "150 USD/kW-month" -> USD per watt-second (a month is 1/12 year) */
	UNIT_KIND_COUNT
} units_kind;

/* Parses `text` as a quantity of `kind` into *out. Returns 0, or -1 with
 * "`what` needs <an example of kind>" (plus a short reason when the unit is wrong
 * or the value negative) in err; *out is unchanged on failure. */
int units_parse(const char *text, units_kind kind, const char *what, double *out,
                char *err, size_t errlen);

/* Parses `text` as a whole number in [min, max] (digits only, no sign, no unit).
 * Returns 0 and *out, or -1 with "`what` needs a whole number ..." in err. */
int units_int(const char *text, const char *what, int min, int max, int *out,
              char *err, size_t errlen);

/* Parses "true"/"1" as 1 and "false"/"0" as 0 into *out (the XSD boolean forms).
 * Returns 0, or -1 with "`what` needs true or false" in err. */
int units_bool(const char *text, const char *what, int *out, char *err, size_t errlen);

/* The phrase that says what `kind` looks like: "a rate such as \"40 GB/s\"". */
const char *units_expected(units_kind kind);

#endif
