/* pipeline.h -- pipeline schedules as the program order of one pipeline rank:
 * GPipe, 1F1B (PipeDream-Flush), interleaved 1F1B (Narayanan et al. 2021) and a
 * zero-bubble schedule in the manner of ZB-H1 (Qi et al. 2023).
 *
 * Invariant: every (microbatch, chunk) appears once as F and once as B (and once as
 * W for zero-bubble), F before B before W; chunk c of rank s is the global virtual
 * stage c * pp + s. */
#ifndef CAPSIM_PIPELINE_H
#define CAPSIM_PIPELINE_H

#include "models/train.h"

typedef enum { OP_F, OP_B, OP_W } pipe_op_kind;

typedef struct {
	unsigned char kind;       /* pipe_op_kind */
	int mb;
	int chunk;
} pipe_op;

/* Number of ops pipeline_order() writes for these arguments. */
int pipeline_op_count(pipe_schedule sched, int nmb, int v);

/* Writes the program order of rank `stage` of `pp` for `nmb` microbatches and
 * `v` chunks per rank into out[] (pipeline_op_count() entries). Returns the
 * count, or -1 when the schedule cannot run these numbers (interleaved needs
 * nmb to be a multiple of pp). */
int pipeline_order(pipe_schedule sched, int pp, int stage, int nmb, int v, pipe_op *out);

const char *pipeline_schedule_name(pipe_schedule s);

#endif
