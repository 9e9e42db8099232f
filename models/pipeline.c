/* pipeline.c -- program orders of the pipeline schedules. */
#include "models/pipeline.h"

int pipeline_op_count(pipe_schedule sched, int nmb, int v)
{
	return (sched == SCHED_ZERO_BUBBLE ? 3 : 2) * nmb * v;
}

static pipe_op op(pipe_op_kind k, int mb, int chunk)
{
	pipe_op o;
	o.kind = (unsigned char)k;
	o.mb = mb;
	o.chunk = chunk;
	return o;
}

/* Megatron-LM's interleaved order: the k-th forward of a rank runs chunk
 * (k mod pp*v) / pp of microbatch (k / (pp*v)) * pp + k mod pp; backwards visit
 * the chunks in reverse. */
static pipe_op interleaved_op(pipe_op_kind kind, int k, int pp, int v)
{
	int group = pp * v;
	int chunk = (k % group) / pp;
	if (kind == OP_B)
		chunk = v - 1 - chunk;
	return op(kind, (k / group) * pp + k % pp, chunk);
}

const char *pipeline_schedule_name(pipe_schedule s)
{
	switch (s) {
	case SCHED_GPIPE: return "gpipe";
	case SCHED_1F1B: return "1f1b";
	case SCHED_INTERLEAVED: return "interleaved-1f1b";
	case SCHED_ZERO_BUBBLE: return "zero-bubble";
	default: return "?";
	}
}

int pipeline_order(pipe_schedule sched, int pp, int stage, int nmb, int v, pipe_op *out)
{
	int n = 0;
	if (sched != SCHED_INTERLEAVED)
		v = 1;
	if (sched == SCHED_GPIPE) {
		for (int i = 0; i < nmb; i++)
			out[n++] = op(OP_F, i, 0);
		for (int i = 0; i < nmb; i++)
			out[n++] = op(OP_B, i, 0);
		return n;
	}
	if (sched == SCHED_INTERLEAVED) {
		if (v < 1 || nmb % pp != 0)
			return -1;
		int total = nmb * v;
		int warm = (pp - stage - 1) * 2 + (v - 1) * pp;
		if (warm > total)
			warm = total;
		int f = 0, b = 0;
		for (; f < warm; f++)
			out[n++] = interleaved_op(OP_F, f, pp, v);
		while (f < total) {
			out[n++] = interleaved_op(OP_F, f++, pp, v);
			out[n++] = interleaved_op(OP_B, b++, pp, v);
		}
		while (b < total)
			out[n++] = interleaved_op(OP_B, b++, pp, v);
		return n;
	}
	/* 1F1B, and zero-bubble which splits each backward into B (input gradient)
	 * and W (weight gradient) and defers W into the cool-down bubbles. */
	int warm = pp - stage - 1;
	if (warm > nmb)
		warm = nmb;
	int f = 0, b = 0, w = 0;
	int zb = sched == SCHED_ZERO_BUBBLE;
	for (; f < warm; f++)
		out[n++] = op(OP_F, f, 0);
	while (f < nmb) {
		out[n++] = op(OP_F, f++, 0);
		out[n++] = op(OP_B, b++, 0);
		/* ZB-H1 keeps up to pp - stage - 1 weight gradients pending */
		if (zb && b - w > pp - stage - 1 + 0)
			out[n++] = op(OP_W, w++, 0);
	}
	while (b < nmb) {
		out[n++] = op(OP_B, b++, 0);
		if (zb)
			out[n++] = op(OP_W, w++, 0);
	}
	while (zb && w < nmb)
		out[n++] = op(OP_W, w++, 0);
	return n;
}
