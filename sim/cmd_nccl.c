/* cmd_nccl.c -- `capsim nccl-tests`: a collective swept over sizes and printed as
 * NVIDIA's nccl-tests prints it (same columns, out-of-place and in-place, the
 * average bus bandwidth), predicted by the collective model on the scenario's
 * cluster, so the table can be laid beside a real run.
 *
 * Invariant: the output depends only on the arguments and the scenario. */
#include "sim/cmd_nccl.h"
#include "models/coll.h"
#include "models/layout.h"
#include "sim/engine/pool.h"
#include "scenarios/scenario.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	coll_op op;
	const char *redop;
	int root;
} ops[] = {
	{ "all_reduce", COLL_ALLREDUCE, "sum", -1 },
	{ "all_gather", COLL_ALLGATHER, "none", -1 },
	{ "reduce_scatter", COLL_REDUCESCATTER, "sum", -1 },
	{ "alltoall", COLL_ALLTOALL, "none", -1 },
	{ "broadcast", COLL_BROADCAST, "none", 0 },
	{ "sendrecv", COLL_SENDRECV, "sum", -1 },
};

static int nccl_usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "capsim nccl-tests: %s\n", msg);
	fprintf(stderr, "usage: capsim nccl-tests --scenario FILE.xml [--op all_reduce|all_gather|"
		"reduce_scatter|alltoall|broadcast|sendrecv]\n"
		"                          [-g GPUS] [-b MINBYTES] [-e MAXBYTES] [-f FACTOR]\n"
		"                          [--algo ring|tree|nvls|nvlstree|collnet|pat|hier]\n");
	return 2;
}

/* nccl-tests' size syntax: a number with an optional K, M or G (powers of 1024). */
int nccl_parse_size(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': v *= 1024.0; end++; break;
	case 'M': v *= 1024.0 * 1024.0; end++; break;
	case 'G': v *= 1024.0 * 1024.0 * 1024.0; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static void time_str(char *buf, size_t len, double us)
{
	if (us >= 10000.0)
		snprintf(buf, len, "%7.0f", us);
	else if (us >= 100.0)
		snprintf(buf, len, "%7.1f", us);
	else
		snprintf(buf, len, "%7.2f", us);
}

int nccl_predict(const nccl_sweep *sw, double bytes, double *time_us, double *algbw,
		 double *busbw, int *algo, int *proto)
{
	coll_algo a;
	coll_proto p;
	double t = coll_choose(&sw->comm, sw->op, bytes, sw->force_algo, &a, &p);
	if (t < 0)
		return -1;
	int n = sw->op == COLL_SENDRECV ? 2 : sw->gpus;
	int *ranks = pool_xrealloc(NULL, (size_t)n * sizeof *ranks);
	for (int i = 0; i < n; i++)
		ranks[i] = sw->op == COLL_SENDRECV ? sw->ranks[i] : i;
	uint64_t t0 = sim_now(sw->s);
	int rc = collflow_start(sw->cf, &sw->comm, sw->op, ranks, n, bytes, a, p, NULL, NULL, 0);
	free(ranks);
	if (rc != 0)
		return -1;
	sim_run(sw->s, UINT64_MAX);
	t = (double)(sim_now(sw->s) - t0);
	*time_us = t / 1e3;
	*algbw = t > 0 ? bytes / t : 0; /* bytes per ns = GB/s */
	*busbw = *algbw * coll_busbw_factor(sw->op, sw->comm.nranks);
	*algo = a;
	*proto = p;
	return 0;
}

int nccl_sweep_init(const scenario *sc, const char *op_name, int gpus, int force_algo,
		    nccl_sweep *sw, char *err, size_t errlen)
{
	memset(sw, 0, sizeof *sw);
	int found = -1;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(op_name, ops[i].name) == 0)
			found = (int)i;
	if (found < 0) {
		snprintf(err, errlen, "unknown --op %s (all_reduce, all_gather, reduce_scatter, alltoall, broadcast, sendrecv)",
			 op_name);
		return -1;
	}
	sw->op = ops[found].op;
	sw->op_name = ops[found].name;
	sw->redop = ops[found].redop;
	sw->root = ops[found].root;
	sw->force_algo = force_algo;
	if (sc->cl.ngroups < 1) {
		snprintf(err, errlen, "%s: the cluster has no <nodes>", sc->file);
		return -1;
	}
	const cluster_nodes *g = &sc->cl.groups[0];
	int total = scenario_gpus(sc);
	if (gpus <= 0)
		gpus = total;
	if (gpus > total) {
		snprintf(err, errlen, "-g %d: the scenario's cluster has %d GPUs", gpus, total);
		return -1;
	}
	if (sw->op == COLL_SENDRECV && gpus < 2)
		gpus = 2;
	const profile_gpu *eff = profile_for(&sc->prof, g->gpu->id);
	if (!eff) {
		snprintf(err, errlen, "calibration profile %s has no entry for %s", sc->prof.file, g->gpu->id);
		return -1;
	}
	if (layout_comm(g, &sc->cl.scaleout, eff, gpus, 1, &sw->comm, err, errlen) != 0)
		return -1;
	if (sw->op == COLL_SENDRECV) {
		/* one pair: the first GPU and the last, as nccl-tests' sendrecv ring does
		 * between neighbours; across domains when there are several */
		sw->comm.nranks = 2;
		sw->comm.ppn = sw->comm.nnodes > 1 ? 1 : 2;
		sw->comm.nnodes = sw->comm.nnodes > 1 ? 2 : 1;
	}
	sw->gpus = gpus;
	sw->gpu_name = g->gpu->id;
	sw->ranks[0] = 0;
	sw->ranks[1] = gpus - 1;
	int nodes = (gpus + g->node->gpus - 1) / g->node->gpus;
	sw->s = sim_new(1024);
	sw->fn = flow_net_new(sw->s);
	if (net_build(g, &sc->cl.scaleout, eff, nodes, sw->fn, &sw->net, err, errlen) != 0) {
		flow_net_free(sw->fn);
		sim_free(sw->s);
		return -1;
	}
	sw->cf = collflow_new(sw->s, sw->fn, sw->net);
	return 0;
}

void nccl_sweep_free(nccl_sweep *sw)
{
	collflow_free(sw->cf);
	net_free(sw->net);
	flow_net_free(sw->fn);
	sim_free(sw->s);
	memset(sw, 0, sizeof *sw);
}

void nccl_print_table(FILE *f, const nccl_sweep *sw, double minb, double maxb, double factor)
{
	fprintf(f, "# capsim prediction of %s_perf: %d x %s, %d scale-up domain(s) of %d rank(s); NCCL's algorithm choice by its cost model, each size simulated as flows over the links\n",
		sw->op_name, sw->gpus, sw->gpu_name, sw->comm.nnodes, sw->comm.ppn);
	fprintf(f, "# nThread 1 nGpus 1 minBytes %.0f maxBytes %.0f step: %.0f(factor) warmup iters: 0 iters: 1 agg iters: 1 validation: 0 graph: 0\n",
		minb, maxb, factor);
	fprintf(f, "#\n");
	fprintf(f, "#                                                              out-of-place                       in-place          \n");
	fprintf(f, "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n");
	fprintf(f, "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       \n");
	double sum = 0;
	int rows = 0;
	for (double b = minb; b <= maxb * (1 + 1e-12); b = factor > 1 ? b * factor : b + 1) {
		double per = 4.0; /* float */
		double count = b / per;
		if (sw->op == COLL_ALLGATHER || sw->op == COLL_REDUCESCATTER || sw->op == COLL_ALLTOALL)
			count = b / per / sw->comm.nranks;
		double us, alg, bus;
		int a, p;
		char ts[32];
		if (nccl_predict(sw, b, &us, &alg, &bus, &a, &p) != 0)
			continue;
		time_str(ts, sizeof ts, us);
		fprintf(f, "%12.0f  %12.0f  %8s  %6s  %6d  %7s  %6.2f  %6.2f  %5s  %7s  %6.2f  %6.2f  %5s\n",
			b, count, "float", sw->redop, sw->root, ts, alg, bus, "N/A", ts, alg, bus, "N/A");
		sum += 2.0 * bus;
		rows += 2;
		if (factor <= 1 && b >= maxb)
			break;
	}
	fprintf(f, "# Out of bounds values : 0 OK\n");
	fprintf(f, "# Avg bus bandwidth    : %g \n#\n", rows ? sum / rows : 0.0);
}

int cmd_nccl_tests(int argc, char **argv)
{
	const char *file = NULL, *op = "all_reduce", *algo = NULL;
	int gpus = 0;
	double minb = 8, maxb = 8.0 * 1024 * 1024 * 1024, factor = 2;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return nccl_usage("an option needs a value");
		i++;
		if (strcmp(a, "--scenario") == 0)
			file = v;
		else if (strcmp(a, "--op") == 0)
			op = v;
		else if (strcmp(a, "-g") == 0 || strcmp(a, "--ngpus") == 0) {
			char *end;
			long g = strtol(v, &end, 10);
			if (*end || g < 1)
				return nccl_usage("-g needs a positive GPU count");
			gpus = (int)g;
		} else if (strcmp(a, "-b") == 0 || strcmp(a, "--minbytes") == 0) {
			if (nccl_parse_size(v, &minb) != 0 || minb <= 0)
				return nccl_usage("-b needs a size such as 8, 1K, 64M");
		} else if (strcmp(a, "-e") == 0 || strcmp(a, "--maxbytes") == 0) {
			if (nccl_parse_size(v, &maxb) != 0 || maxb <= 0)
				return nccl_usage("-e needs a size such as 8G");
		} else if (strcmp(a, "-f") == 0 || strcmp(a, "--stepfactor") == 0) {
			char *end;
			factor = strtod(v, &end);
			if (*end || factor < 1)
				return nccl_usage("-f needs a factor >= 1");
		} else if (strcmp(a, "--algo") == 0)
			algo = v;
		else
			return nccl_usage("unknown option");
	}
	if (!file)
		return nccl_usage("--scenario FILE.xml is required");
	if (minb > maxb)
		return nccl_usage("-b is larger than -e");
	int force = -1;
	if (algo && (force = coll_algo_parse(algo)) < 0)
		return nccl_usage("--algo must be ring, tree, nvls, nvlstree, collnet, pat or hier");

	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(file, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		return 1;
	}
	nccl_sweep sw;
	int rc = 1;
	if (nccl_sweep_init(sc, op, gpus, force, &sw, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	double us, alg, bus;
	int a, p;
	if (nccl_predict(&sw, maxb, &us, &alg, &bus, &a, &p) != 0) {
		fprintf(stderr, "capsim: --algo %s cannot run %s on this cluster\n", algo ? algo : "(auto)", op);
		nccl_sweep_free(&sw);
		goto done;
	}
	nccl_print_table(stdout, &sw, minb, maxb, factor);
	rc = 0;
	nccl_sweep_free(&sw);
done:
	scenario_free(sc);
	return rc;
}
