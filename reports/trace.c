/* trace.c -- the step timeline as a Chrome/Perfetto trace (Trace Event Format):
 * one process per pipeline stage, one thread per stream, one complete ("X") event
 * per task, times in microseconds. Open it at ui.perfetto.dev or chrome://tracing.
 *
 * Invariant: the output is one JSON object with a "traceEvents" array; given the
 * same results it is byte-identical. */
#include "reports/report.h"

void report_trace_json(FILE *f, const run_results *r)
{
	const timeline_results *t = &r->timeline;
	fprintf(f, "{\"displayTimeUnit\": \"ms\", \"otherData\": {\"scenario\": \"");
	for (const char *s = r->scenario; *s; s++)
		if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
			fputc(*s, f);
	fprintf(f, "\", \"step_s\": %.9g, \"note\": \"one simulated training step; symmetric ranks folded: "
		"one GPU per pipeline stage\"},\n\"traceEvents\": [", t->step_s);
	int first = 1;
	for (int st = 0; st < t->stages; st++) {
		fprintf(f, "%s\n{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, \"args\": {\"name\": \"pipeline stage %d\"}}",
			first ? "" : ",", st, st);
		first = 0;
		fprintf(f, ",\n{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": %d, \"args\": {\"sort_index\": %d}}", st, st);
		for (int k = 0; k < t->nstreams; k++)
			fprintf(f, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, \"tid\": %d, \"args\": {\"name\": \"%s\"}}",
				st, k, t->stream_names[k]);
	}
	for (long i = 0; i < t->nspans; i++) {
		const timeline_span *s = &t->spans[i];
		const char *kind = s->kind >= 0 && s->kind < t->nkinds ? t->kind_names[s->kind] : "?";
		fprintf(f, "%s\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"ts\": %.3f, \"dur\": %.3f, "
			"\"pid\": %d, \"tid\": %d", first ? "" : ",", kind, kind, s->start_s * 1e6,
			(s->end_s - s->start_s) * 1e6, s->stage, s->stream);
		first = 0;
		if (s->comm_s > 0)
			fprintf(f, ", \"args\": {\"blocking_comm_us\": %.3f}", s->comm_s * 1e6);
		fputc('}', f);
	}
	fprintf(f, "\n]}\n");
}
