/* hw.c -- names and sizes of the numeric precisions. */
#include "models/hw.h"

#include <string.h>

static const char *const dtype_names[DT_COUNT] = {
	"fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "fp4"
};
static const double dtype_bytes[DT_COUNT] = { 8, 4, 4, 2, 2, 1, 0.5 };

int hw_dtype_parse(const char *name)
{
	for (int i = 0; i < DT_COUNT; i++)
		if (strcmp(name, dtype_names[i]) == 0)
			return i;
	return -1;
}

const char *hw_dtype_name(hw_dtype dt)
{
	return (unsigned)dt < DT_COUNT ? dtype_names[dt] : "?";
}

double hw_dtype_bytes(hw_dtype dt)
{
	return (unsigned)dt < DT_COUNT ? dtype_bytes[dt] : 0;
}
