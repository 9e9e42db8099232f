/* steptrace.h -- an optional record of a simulated step: when each task ran on
 * which pipeline stage and stream, for timelines, Perfetto traces and power over
 * time.
 *
 * Invariant: spans are appended in the order the simulator reports them; every
 * span has start_ns <= end_ns <= makespan_ns. The trace owns its array. */
#ifndef CAPSIM_STEPTRACE_H
#define CAPSIM_STEPTRACE_H

#include <stddef.h>
#include <stdint.h>

/* Streams of one pipeline rank, in step.c's order. */
enum { TRACE_STREAM_COMPUTE, TRACE_STREAM_SEND_FWD, TRACE_STREAM_SEND_BWD, TRACE_STREAM_CP,
       TRACE_STREAM_DP, TRACE_STREAM_COUNT };

/* What a span does. */
typedef enum {
	TRACE_COMPUTE,    /* kernels (with blocking TP/EP collectives folded in: comm_ns) */
	TRACE_TP,         /* a tensor/expert-parallel collective on its own */
	TRACE_PP,         /* a pipeline send/recv */
	TRACE_CP,         /* context-parallel exchange */
	TRACE_DP,         /* gradient reduce or parameter gather */
	TRACE_OPTIMIZER,  /* the optimizer step (memory-bound) */
	TRACE_KIND_COUNT
} trace_kind;

typedef struct {
	uint64_t start_ns, end_ns;
	uint64_t comm_ns;         /* blocking communication inside a compute span */
	int32_t stage;            /* pipeline rank */
	uint8_t stream;           /* TRACE_STREAM_* */
	uint8_t kind;             /* trace_kind */
} step_span;

/* One link of the flow network over the whole step (when traffic ran as flows). */
typedef struct {
	double capacity_Bps, carried_B;
	uint64_t busy_ns;         /* time it carried a flow */
} step_link;

typedef struct {
	step_span *spans;
	long n, cap;
	int stages;
	uint64_t makespan_ns;
	step_link *links;         /* in the flow network's link order */
	int nlinks, link_cap;
} step_trace;

/* Appends one span. Returns 0, or -1 when memory runs out (the trace keeps what
 * it had). */
int step_trace_add(step_trace *tr, int stage, int stream, trace_kind kind,
		   uint64_t start_ns, uint64_t end_ns, uint64_t comm_ns);

/* Makes room for `spans` more spans and `links` more links, so that many appends
 * allocate nothing (a step knows its counts; doubling would leave up to half the
 * record idle). Returns 0, or -1 when memory runs out (the trace is unchanged). */
int step_trace_reserve(step_trace *tr, long spans, int links);

/* Appends one link's totals. Returns 0, or -1 when memory runs out. */
int step_trace_add_link(step_trace *tr, double capacity_Bps, double carried_B, uint64_t busy_ns);

/* Frees the spans and empties the trace; a zeroed trace is valid input. */
void step_trace_free(step_trace *tr);

/* Name of a stream ("compute", "send-fwd", ...) and of a kind ("compute", "tp", ...). */
const char *step_trace_stream_name(int stream);
const char *step_trace_kind_name(trace_kind kind);

#endif
