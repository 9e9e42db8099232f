/* nccl_fmt.c -- nccl-tests' table layout and bandwidth arithmetic (see nccl_fmt.h).
 * The column widths are those of the logs in ../shared/data/nccl/; a test
 * reprints rows of those logs byte for byte. */
#include "nccl_fmt.h"

#include <string.h>

static const char *const op_names[NF_N_OPS] = {
	"all_reduce", "all_gather", "reduce_scatter", "alltoall", "broadcast", "sendrecv",
};

const char *nf_op_name(nf_op op)
{
	return (op >= 0 && op < NF_N_OPS) ? op_names[op] : NULL;
}

int nf_op_parse(const char *name, nf_op *out)
{
	for (int i = 0; i < NF_N_OPS; i++)
		if (strcmp(name, op_names[i]) == 0) {
			*out = (nf_op)i;
			return 0;
		}
	return -1;
}

const char *nf_op_redop(nf_op op)
{
	return (op == NF_ALL_REDUCE || op == NF_REDUCE_SCATTER || op == NF_SENDRECV) ? "sum" : "none";
}

int nf_op_root(nf_op op)
{
	return op == NF_BROADCAST ? 0 : -1;
}

double nf_busbw_factor(nf_op op, int nranks)
{
	double n = (double)nranks;
	switch (op) {
	case NF_ALL_REDUCE: return 2.0 * (n - 1.0) / n;
	case NF_ALL_GATHER:
	case NF_REDUCE_SCATTER:
	case NF_ALLTOALL: return (n - 1.0) / n;
	case NF_BROADCAST:
	case NF_SENDRECV:
	default: return 1.0;
	}
}

int nf_geometry(nf_op op, uint64_t bytes, size_t type_bytes, int nranks, nf_geom *out)
{
	if (type_bytes == 0 || nranks < 1)
		return -1;
	uint64_t n = (uint64_t)nranks, elems = bytes / type_bytes;
	nf_geom g;
	switch (op) {
	case NF_ALL_GATHER:
	case NF_REDUCE_SCATTER:
	case NF_ALLTOALL:
		/* size = per-rank (or per-peer) count x ranks x element */
		g.count = elems / n;
		g.bytes = g.count * n * type_bytes;
		g.send_elems = op == NF_ALL_GATHER ? g.count : g.count * n;
		g.recv_elems = op == NF_REDUCE_SCATTER ? g.count : g.count * n;
		break;
	default:
		g.count = elems;
		g.bytes = elems * type_bytes;
		g.send_elems = g.recv_elems = elems;
		break;
	}
	if (g.count == 0)
		return -1;
	*out = g;
	return 0;
}

double nf_algbw_GBps(uint64_t bytes, double time_us)
{
	return time_us > 0.0 ? (double)bytes / (time_us * 1e-6) / 1e9 : 0.0;
}

void nf_format_time(char *buf, size_t len, double time_us)
{
	if (time_us >= 10000.0)
		snprintf(buf, len, "%7.0f", time_us);
	else if (time_us >= 100.0)
		snprintf(buf, len, "%7.1f", time_us);
	else
		snprintf(buf, len, "%7.2f", time_us);
}

static int format_case(char *buf, size_t len, const nf_case *c)
{
	char t[32], w[32];
	nf_format_time(t, sizeof t, c->time_us);
	if (c->wrong < 0)
		snprintf(w, sizeof w, "N/A");
	else
		snprintf(w, sizeof w, "%ld", c->wrong);
	return snprintf(buf, len, "  %7s  %6.2f  %6.2f  %5s", t, c->algbw_GBps, c->busbw_GBps, w);
}

int nf_format_row(char *buf, size_t len, uint64_t bytes, uint64_t count,
		  const char *type, const char *redop, int root,
		  const nf_case *out_of_place, const nf_case *in_place)
{
	int n = snprintf(buf, len, "%12llu  %12llu  %8s  %6s  %6d", (unsigned long long)bytes,
			 (unsigned long long)count, type, redop, root);
	if (n < 0 || (size_t)n >= len)
		return -1;
	int m = format_case(buf + n, len - (size_t)n, out_of_place);
	if (m < 0 || (size_t)(n + m) >= len)
		return -1;
	n += m;
	m = format_case(buf + n, len - (size_t)n, in_place);
	if (m < 0 || (size_t)(n + m) >= len)
		return -1;
	return n + m;
}

void nf_avg_add(nf_avg *a, const nf_case *out_of_place, const nf_case *in_place)
{
	a->sum_GBps += out_of_place->busbw_GBps + in_place->busbw_GBps;
	a->n += 2;
}

double nf_avg_GBps(const nf_avg *a)
{
	return a->n ? a->sum_GBps / (double)a->n : 0.0;
}

void nf_print_table_header(FILE *f)
{
	fprintf(f, "#\n");
	fprintf(f, "# %10s  %12s  %8s  %6s  %6s           out-of-place                       in-place          \n",
		"", "", "", "", "");
	fprintf(f, "# %10s  %12s  %8s  %6s  %6s  %7s  %6s  %6s %6s  %7s  %6s  %6s %6s\n",
		"size", "count", "type", "redop", "root", "time", "algbw", "busbw", "#wrong",
		"time", "algbw", "busbw", "#wrong");
	fprintf(f, "# %10s  %12s  %8s  %6s  %6s  %7s  %6s  %6s  %5s  %7s  %6s  %6s  %5s\n",
		"(B)", "(elements)", "", "", "", "(us)", "(GB/s)", "(GB/s)", "",
		"(us)", "(GB/s)", "(GB/s)", "");
}

void nf_print_params(FILE *f, int nthreads, int ngpus, uint64_t min_bytes,
		     uint64_t max_bytes, uint64_t factor, int warmup, int iters, int check)
{
	fprintf(f, "# nThread %d nGpus %d minBytes %llu maxBytes %llu step: %llu(factor) "
		"warmup iters: %d iters: %d agg iters: 1 validation: %d graph: 0\n",
		nthreads, ngpus, (unsigned long long)min_bytes, (unsigned long long)max_bytes,
		(unsigned long long)factor, warmup, iters, check);
}

void nf_print_footer(FILE *f, nf_op op, long wrong_total, double avg_busbw_GBps)
{
	fprintf(f, "# Out of bounds values : %ld %s\n", wrong_total, wrong_total ? "FAILED" : "OK");
	fprintf(f, "# Avg bus bandwidth    : %g \n", avg_busbw_GBps);
	fprintf(f, "#\n");
	fprintf(f, "# Collective test concluded: %s_perf\n", nf_op_name(op));
}
