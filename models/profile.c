/* profile.c -- lookup of a GPU's entry in a calibration profile. */
#include "models/profile.h"

#include <string.h>

const profile_gpu *profile_for(const profile *p, const char *gpu_id)
{
	const profile_gpu *any = NULL;
	for (int i = 0; i < p->ngpus; i++) {
		if (strcmp(p->gpus[i].gpu, gpu_id) == 0)
			return &p->gpus[i];
		if (strcmp(p->gpus[i].gpu, "*") == 0)
			any = &p->gpus[i];
	}
	return any;
}
