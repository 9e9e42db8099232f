/* nccl.cu -- the `nccl` benchmark (and, built with CALIB_MPI, `nccl-mpi`): one
 * collective over message sizes on every GPU of this process, or of every process
 * under mpirun, printed in nccl-tests' table format (nccl_fmt.h) so tools that read
 * nccl-tests logs read it. Times are wall-clock per iteration after the streams
 * drain (averaged over processes, as nccl-tests does); #wrong counts elements of
 * one extra, checked run (N/A in place for alltoall and sendrecv, whose in-place
 * result is undefined).
 *
 * Exit status: 0 done, 1 no GPU, an NCCL/CUDA error or a wrong result, 2 usage. */
#include "bench_util.h"
#include "coll.h"
#include "cuda_util.h"
#include "nccl_fmt.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef CALIB_MPI
#define OMPI_SKIP_MPICXX 1 /* the C API only */
#include <mpi.h>
#endif

#ifdef CALIB_MPI
#define PROG "nccl-mpi"
#else
#define PROG "nccl"
#endif

static const char usage_text[] =
	"usage: " PROG " [--op OP] [-b MIN] [-e MAX] [-f FACTOR] [-g GPUS] [-w WARMUP] [-n ITERS]\n"
	"            [-c 0|1] [-d float] [--version] [--help]\n"
	"\n"
	"OP: all_reduce (default), all_gather, reduce_scatter, alltoall, broadcast, sendrecv.\n"
	"Sizes MIN..MAX bytes (default 8..128M, factor 2; K/M/G suffixes) as nccl-tests'\n"
	"-b -e -f; -g GPUs per process (default all visible), -w warmup iterations\n"
	"(default 5), -n timed iterations (default 20), -c check results (default 1).\n"
	"nccl drives all GPUs of one node from one process (ncclCommInitAll, group calls);\n"
	"nccl-mpi runs one process per node under mpirun (ncclGetUniqueId broadcast with\n"
	"MPI, each process driving -g GPUs). Prints the nccl-tests table on stdout:\n"
	"size count type redop root, then time algbw busbw #wrong out of place and in\n"
	"place; busbw = algbw x the factor of nccl-tests' doc/PERFORMANCE.md.\n"
	"Exits 1 without a CUDA device.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, PROG ": %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

typedef struct opts {
	nf_op op;
	uint64_t lo, hi, factor;
	long gpus, warmup, iters, check;
} opts;

static int parse(int argc, char **argv, opts *o)
{
	o->op = NF_ALL_REDUCE;
	o->lo = 8;
	o->hi = 128ull << 20;
	o->factor = 2;
	o->gpus = 0;
	o->warmup = 5;
	o->iters = 20;
	o->check = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (strcmp(a, "--version") == 0) {
			int nv = 0;
			cu_print_versions(stdout);
			ncclGetVersion(&nv);
			printf("nccl,%d.%d.%d\n", nv / 10000, (nv / 100) % 100, nv % 100);
			return 1;
		}
		if (!v)
			return usage("an option needs a value");
		i++;
		int bad = 0;
		if (strcmp(a, "--op") == 0)
			bad = nf_op_parse(v, &o->op);
		else if (strcmp(a, "-b") == 0)
			bad = bu_parse_bytes(v, &o->lo);
		else if (strcmp(a, "-e") == 0)
			bad = bu_parse_bytes(v, &o->hi);
		else if (strcmp(a, "-f") == 0)
			bad = bu_parse_bytes(v, &o->factor);
		else if (strcmp(a, "-g") == 0)
			bad = bu_parse_long(v, 1, CG_MAX_LOCAL, &o->gpus);
		else if (strcmp(a, "-w") == 0)
			bad = bu_parse_long(v, 0, 100000, &o->warmup);
		else if (strcmp(a, "-n") == 0)
			bad = bu_parse_long(v, 1, 1000000, &o->iters);
		else if (strcmp(a, "-c") == 0)
			bad = bu_parse_long(v, 0, 1, &o->check);
		else if (strcmp(a, "-d") == 0)
			bad = strcmp(v, "float") != 0;
		else
			return usage("unknown option");
		if (bad)
			return usage("bad option value");
	}
	return 0;
}

/* Ends the run: under MPI a failure on one process must stop all of them. */
static int fail(const char *err)
{
	fprintf(stderr, PROG ": %s\n", err);
#ifdef CALIB_MPI
	int up = 0;
	MPI_Initialized(&up);
	if (up)
		MPI_Abort(MPI_COMM_WORLD, 1);
#endif
	return 1;
}

/* Mean over processes of a per-process time (the process itself without MPI). */
static double mean_over_procs(double v)
{
#ifdef CALIB_MPI
	double sum = 0.0;
	int n = 1;
	MPI_Allreduce(&v, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
	MPI_Comm_size(MPI_COMM_WORLD, &n);
	return sum / n;
#else
	return v;
#endif
}

static long sum_over_procs(long v)
{
#ifdef CALIB_MPI
	long sum = 0;
	MPI_Allreduce(&v, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
	return sum;
#else
	return v;
#endif
}

static void barrier(void)
{
#ifdef CALIB_MPI
	MPI_Barrier(MPI_COMM_WORLD);
#endif
}

/* Time `iters` launches after `warmup`; *out_us per iteration. */
static int time_op(cg_group *g, const opts *o, const nf_geom *geom, int in_place, double *out_us,
		   char *err, size_t errlen)
{
	for (long w = 0; w < o->warmup; w++)
		if (cg_launch(g, o->op, geom, in_place, err, errlen) != 0)
			return -1;
	if (cg_sync(g, err, errlen) != 0)
		return -1;
	barrier();
	double t0 = bu_now_s();
	for (long i = 0; i < o->iters; i++)
		if (cg_launch(g, o->op, geom, in_place, err, errlen) != 0)
			return -1;
	if (cg_sync(g, err, errlen) != 0)
		return -1;
	double us = (bu_now_s() - t0) * 1e6 / (double)o->iters;
	*out_us = mean_over_procs(us);
	return 0;
}

/* The "# Using devices" lines of this process's ranks into buf (per_line bytes each). */
static void device_lines(const cg_group *g, char *buf, size_t per_line)
{
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	for (int i = 0; i < g->nlocal; i++) {
		cudaDeviceProp p;
		int ok = cudaGetDeviceProperties(&p, g->dev[i]) == cudaSuccess;
		snprintf(buf + (size_t)i * per_line, per_line,
			 "#  Rank %2d Group  0 Pid %6d on %10.40s device %2d [0x%02x] %.80s",
			 g->first_rank + i, (int)getpid(), host, g->dev[i], ok ? p.pciBusID : 0,
			 ok ? p.name : "?");
	}
}

int main(int argc, char **argv)
{
	opts o;
	int prc = parse(argc, argv, &o);
	if (prc != 0)
		return prc == 1 ? 0 : prc;
	uint64_t sizes[64];
	int nsizes = bu_size_list(o.lo, o.hi, o.factor, sizes, 64);
	if (nsizes < 1)
		return usage("-b/-e/-f: need MIN <= MAX and FACTOR >= 2");

	char err[512] = "";
	int ndev = 0, nprocs = 1, proc = 0, local_proc = 0, rc = 0;
#ifdef CALIB_MPI
	MPI_Init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
	MPI_Comm_rank(MPI_COMM_WORLD, &proc);
	{
		MPI_Comm node;
		MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, proc, MPI_INFO_NULL, &node);
		MPI_Comm_rank(node, &local_proc);
		MPI_Comm_free(&node);
	}
#endif
	if (cu_require_devices(&ndev, err, sizeof err) != 0)
		return fail(err);
	int nlocal = o.gpus ? (int)o.gpus : ndev;
	int first_dev = local_proc * nlocal;
	if (first_dev + nlocal > ndev) {
		snprintf(err, sizeof err, "process %d needs devices %d..%d but this node has %d", proc,
			 first_dev, first_dev + nlocal - 1, ndev);
		return fail(err);
	}
	int nranks = nprocs * nlocal;
	ncclUniqueId id;
	memset(&id, 0, sizeof id);
#ifdef CALIB_MPI
	{
		int lo_n = nlocal, hi_n = nlocal;
		MPI_Allreduce(&nlocal, &lo_n, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
		MPI_Allreduce(&nlocal, &hi_n, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
		if (lo_n != hi_n)
			return fail("every process must drive the same number of GPUs (-g)");
		if (proc == 0 && ncclGetUniqueId(&id) != ncclSuccess)
			return fail("ncclGetUniqueId failed");
		MPI_Bcast(&id, (int)sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
	}
	const ncclUniqueId *idp = &id;
#else
	const ncclUniqueId *idp = NULL;
#endif
	/* the largest buffer any size needs */
	nf_geom big;
	if (nf_geometry(o.op, sizes[nsizes - 1], sizeof(float), nranks, &big) != 0) {
		snprintf(err, sizeof err, "-e %llu bytes is less than one float per rank (%d ranks)",
			 (unsigned long long)sizes[nsizes - 1], nranks);
		return fail(err);
	}
	cg_group g;
	if (cg_init(&g, nlocal, first_dev, nranks, proc * nlocal, idp, big.bytes, err, sizeof err) != 0)
		return fail(err);

	const size_t per_line = 256;
	char *lines = (char *)calloc((size_t)nranks, per_line);
	if (!lines)
		return fail("out of memory");
	device_lines(&g, lines, per_line);
#ifdef CALIB_MPI
	MPI_Gather(proc == 0 ? MPI_IN_PLACE : lines, (int)(nlocal * per_line), MPI_CHAR, lines,
		   (int)(nlocal * per_line), MPI_CHAR, 0, MPI_COMM_WORLD);
#endif
	int nv = 0;
	ncclGetVersion(&nv);
	int root = proc == 0;
	if (root) {
		printf("# Collective test starting: %s_perf\n", nf_op_name(o.op));
		nf_print_params(stdout, 1, nlocal, o.lo, o.hi, o.factor, (int)o.warmup, (int)o.iters,
				(int)o.check);
		printf("#\n# Using devices\n");
		for (int r = 0; r < nranks; r++)
			printf("%s\n", lines + (size_t)r * per_line);
		printf("# NCCL version %d.%d.%d (capsim calibrate/bench/" PROG ", %d process(es) x %d GPU(s))\n",
		       nv / 10000, (nv / 100) % 100, nv % 100, nprocs, nlocal);
		nf_print_table_header(stdout);
	}
	free(lines);
	nf_avg avg = {0.0, 0};
	long wrong_total = 0;
	int rows = 0;
	for (int s = 0; s < nsizes; s++) {
		nf_geom geom;
		if (nf_geometry(o.op, sizes[s], sizeof(float), nranks, &geom) != 0)
			continue; /* less than one element per rank: nccl-tests skips it too */
		nf_case c[2];
		for (int ip = 0; ip < 2; ip++) {
			double us = 0.0;
			if ((rc = time_op(&g, &o, &geom, ip, &us, err, sizeof err)) != 0)
				break;
			c[ip].time_us = us;
			c[ip].algbw_GBps = nf_algbw_GBps(geom.bytes, us);
			c[ip].busbw_GBps = c[ip].algbw_GBps * nf_busbw_factor(o.op, nranks);
			c[ip].wrong = -1;
			int undefined = ip && (o.op == NF_ALLTOALL || o.op == NF_SENDRECV);
			if (o.check && !undefined) {
				long w = 0;
				if ((rc = cg_check(&g, o.op, &geom, ip, &w, err, sizeof err)) != 0)
					break;
				c[ip].wrong = sum_over_procs(w);
				wrong_total += c[ip].wrong;
			}
		}
		if (rc != 0)
			break;
		if (root) {
			char row[256];
			nf_format_row(row, sizeof row, geom.bytes, geom.count, "float", nf_op_redop(o.op),
				      nf_op_root(o.op), &c[0], &c[1]);
			printf("%s\n", row);
			fflush(stdout);
		}
		nf_avg_add(&avg, &c[0], &c[1]);
		rows++;
	}
	cg_destroy(&g);
	if (rc != 0)
		return fail(err);
	if (root)
		nf_print_footer(stdout, o.op, wrong_total, nf_avg_GBps(&avg));
#ifdef CALIB_MPI
	MPI_Finalize();
#endif
	if (wrong_total != 0) {
		fprintf(stderr, PROG ": %ld wrong elements\n", wrong_total);
		return 1;
	}
	return 0;
}
