/* steptrace.c -- the step's span record: a growing array, names for reports. */
#include "models/steptrace.h"

#include <stdlib.h>

int step_trace_add(step_trace *tr, int stage, int stream, trace_kind kind,
		   uint64_t start_ns, uint64_t end_ns, uint64_t comm_ns)
{
	if (tr->n == tr->cap) {
		long cap = tr->cap ? 2 * tr->cap : 1024;
		step_span *s = realloc(tr->spans, (size_t)cap * sizeof *s);
		if (!s)
			return -1;
		tr->spans = s;
		tr->cap = cap;
	}
	step_span *s = &tr->spans[tr->n++];
	s->start_ns = start_ns;
	s->end_ns = end_ns;
	s->comm_ns = comm_ns;
	s->stage = stage;
	s->stream = (uint8_t)stream;
	s->kind = (uint8_t)kind;
	if (stage + 1 > tr->stages)
		tr->stages = stage + 1;
	if (end_ns > tr->makespan_ns)
		tr->makespan_ns = end_ns;
	return 0;
}

int step_trace_reserve(step_trace *tr, long spans, int links)
{
	if (tr->n + spans > tr->cap) {
		step_span *s = realloc(tr->spans, (size_t)(tr->n + spans) * sizeof *s);
		if (!s)
			return -1;
		tr->spans = s;
		tr->cap = tr->n + spans;
	}
	if (tr->nlinks + links > tr->link_cap) {
		step_link *l = realloc(tr->links, (size_t)(tr->nlinks + links) * sizeof *l);
		if (!l)
			return -1;
		tr->links = l;
		tr->link_cap = tr->nlinks + links;
	}
	return 0;
}

int step_trace_add_link(step_trace *tr, double capacity_Bps, double carried_B, uint64_t busy_ns)
{
	if (tr->nlinks == tr->link_cap) {
		int cap = tr->link_cap ? 2 * tr->link_cap : 256;
		step_link *l = realloc(tr->links, (size_t)cap * sizeof *l);
		if (!l)
			return -1;
		tr->links = l;
		tr->link_cap = cap;
	}
	step_link *l = &tr->links[tr->nlinks++];
	l->capacity_Bps = capacity_Bps;
	l->carried_B = carried_B;
	l->busy_ns = busy_ns;
	return 0;
}

void step_trace_free(step_trace *tr)
{
	if (!tr)
		return;
	free(tr->links);
	tr->links = NULL;
	tr->nlinks = tr->link_cap = 0;
	free(tr->spans);
	tr->spans = NULL;
	tr->n = tr->cap = 0;
	tr->stages = 0;
	tr->makespan_ns = 0;
}

const char *step_trace_stream_name(int stream)
{
	static const char *const names[TRACE_STREAM_COUNT] = {
		"compute", "send-fwd", "send-bwd", "context-parallel", "data-parallel"
	};
	return stream >= 0 && stream < TRACE_STREAM_COUNT ? names[stream] : "?";
}

const char *step_trace_kind_name(trace_kind kind)
{
	static const char *const names[TRACE_KIND_COUNT] = {
		"compute", "tp-comm", "pp-send", "cp-exchange", "dp-comm", "optimizer"
	};
	return (int)kind >= 0 && kind < TRACE_KIND_COUNT ? names[kind] : "?";
}
