/* cmd_calibrate.c -- `capsim calibrate fit|compare`.
 *
 * Invariant: the printed account and the written profile depend only on the
 * arguments and the input files (the date is an argument, default today). */
#include "sim/cmd_calibrate.h"
#include "calibrate/nccl_log.h"
#include "calibrate/profile_write.h"
#include "scenarios/profile_load.h"
#include "scenarios/scenario.h"
#include "sim/calib_fit.h"
#include "sim/cmd_nccl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cal_usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "capsim calibrate: %s\n", msg);
	fprintf(stderr,
		"usage: capsim calibrate fit INPUT... -o PROFILE.xml [--scenario FILE.xml] [--gpu ID]...\n"
		"                            [--base PROFILE.xml] [--name NAME] [--date YYYY-MM-DD] [--algo A]\n"
		"       capsim calibrate compare LOG --scenario FILE.xml [--profile PROFILE.xml] [--algo A]\n"
		"  INPUT: a results folder of calibrate/run-node.sh, an nccl-tests log, or a\n"
		"         tabulated busbw CSV with the column picked as FILE#TEXT-OF-ITS-LABEL\n");
	return 2;
}

static int cmd_fit(int argc, char **argv)
{
	calib_fit_opts o;
	memset(&o, 0, sizeof o);
	o.force_algo = -1;
	const char *out = NULL, *scen = NULL, *base = NULL, *gpu_id = NULL, *algo = NULL;
	const char *gpus[5];
	int ngpus = 0;
	char date[32];
	time_t now = time(NULL);
	strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
	o.date = date;
	o.name = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1]) {
			if (i + 1 >= argc)
				return cal_usage("an option needs a value");
			const char *v = argv[++i];
			if (strcmp(a, "-o") == 0)
				out = v;
			else if (strcmp(a, "--scenario") == 0)
				scen = v;
			else if (strcmp(a, "--base") == 0)
				base = v;
			else if (strcmp(a, "--name") == 0)
				o.name = v;
			else if (strcmp(a, "--date") == 0)
				o.date = v;
			else if (strcmp(a, "--algo") == 0)
				algo = v;
			else if (strcmp(a, "--gpu") == 0) {
				if (ngpus == 5)
					return cal_usage("at most 5 --gpu");
				gpus[ngpus++] = v;
			} else
				return cal_usage("unknown option");
		} else {
			if (o.ninputs == CALIB_MAX_INPUTS)
				return cal_usage("too many inputs");
			o.inputs[o.ninputs++] = a;
		}
	}
	if (!out)
		return cal_usage("fit: -o PROFILE.xml is required");
	if (o.ninputs == 0)
		return cal_usage("fit: which results folders or logs?");
	if (algo && (o.force_algo = coll_algo_parse(algo)) < 0)
		return cal_usage("--algo must be ring, tree, nvls, nvlstree, collnet, pat or hier");
	gpu_id = ngpus ? gpus[0] : NULL;

	char err[4096];
	int rc = 1;
	scenario *sc = NULL;
	catalog *cat = NULL;
	profile *bp = calloc(1, sizeof *bp), *np = calloc(1, sizeof *np);
	calib_account *acct = calloc(1, sizeof *acct);
	if (!bp || !np || !acct) {
		fprintf(stderr, "capsim: out of memory\n");
		goto done;
	}
	if (scen && scenario_load(scen, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	o.sc = sc;
	if (gpu_id) {
		const catalog *c = sc ? sc->cat : NULL;
		if (!c) {
			if (catalog_load_dir(catalog_default_dir(), &cat, err, sizeof err) != 0) {
				fprintf(stderr, "capsim: %s\n", err);
				goto done;
			}
			c = cat;
		}
		o.gpu = catalog_gpu(c, gpu_id);
		if (!o.gpu) {
			char known[512];
			fprintf(stderr, "capsim: --gpu %s: no such GPU in the catalog (known: %s)\n", gpu_id,
				catalog_known_ids(c, "gpu", known, sizeof known));
			goto done;
		}
		for (int i = 1; i < ngpus; i++)
			o.also[o.nalso++] = gpus[i];
	}
	if (base) {
		if (profile_load(base, bp, err, sizeof err) != 0) {
			fprintf(stderr, "capsim: %s\n", err);
			goto done;
		}
	} else if (sc) {
		*bp = sc->prof;
	} else if (profile_load(profile_default_path(), bp, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	char name[64];
	if (!o.name) {
		const char *b = strrchr(out, '/');
		snprintf(name, sizeof name, "%s", b ? b + 1 : out);
		char *dot = strrchr(name, '.');
		if (dot)
			*dot = '\0';
		for (char *p = name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			      *p == '.' || *p == '_' || *p == '-'))
				*p = '-';
		o.name = name;
	}
	o.base = bp;
	if (calib_fit(&o, np, acct, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	if (profile_write(out, np, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	/* what was written must load back: schema, ranges, fits consistent */
	if (profile_load(out, bp, err, sizeof err) != 0) {
		unlink(out);
		fprintf(stderr, "capsim: the fitted profile does not load back (removed): %s\n", err);
		goto done;
	}
	printf("%-44s %-30s %-26s %12s %10s %7s %8s %4s\n", "input", "fit", "figure", "value", "stderr",
	       "R^2", "rms", "n");
	for (int i = 0; i < acct->nlines; i++) {
		const calib_line *l = &acct->lines[i];
		const char *in = strrchr(l->input, '/');
		printf("%-44.44s %-30.30s %-26s %12.6g %10.3g %7.4f %7.2f%% %4d\n", in ? in + 1 : l->input,
		       l->what, l->param, l->value, l->se, l->r2, 100 * l->rel_rms, l->points);
	}
	printf("wrote %s (profile \"%s\", %d input(s))\n", out, np->name, np->ninputs);
	rc = 0;
done:
	catalog_free(cat);
	scenario_free(sc);
	free(bp);
	free(np);
	free(acct);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmd_compare(int argc, char **argv)
{
	const char *log = NULL, *scen = NULL, *algo = NULL, *prof = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc)
			scen = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			prof = argv[++i];
		else if (strcmp(argv[i], "--algo") == 0 && i + 1 < argc)
			algo = argv[++i];
		else if (argv[i][0] == '-')
			return cal_usage("compare: unknown option");
		else if (!log)
			log = argv[i];
		else
			return cal_usage("compare: one log at a time");
	}
	if (!log || !scen)
		return cal_usage("compare: LOG and --scenario FILE.xml are required");
	int force = -1;
	if (algo && (force = coll_algo_parse(algo)) < 0)
		return cal_usage("--algo must be ring, tree, nvls, nvlstree, collnet, pat or hier");
	char err[4096], path[600], label[200] = "";
	snprintf(path, sizeof path, "%s", log);
	char *hash = strchr(path, '#');
	if (hash) {
		*hash = '\0';
		snprintf(label, sizeof label, "%s", hash + 1);
	}
	nccl_log *logs = NULL;
	int n = 0, rc = 1;
	scenario *sc = NULL;
	double *errs = NULL;
	nccl_sweep sw;
	int have_sweep = 0;
	if (nccl_logs_read(path, &logs, &n, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		return 1;
	}
	const nccl_log *l = NULL;
	for (int i = 0; i < n; i++)
		if (n == 1 || (label[0] && strstr(logs[i].system, label))) {
			l = &logs[i];
			break;
		}
	if (!l) {
		fprintf(stderr, "capsim: %s: a table of %d systems; pick one with %s#<text of its column label>\n",
			path, n, path);
		goto done;
	}
	if (scenario_load(scen, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	if (prof && profile_load(prof, &sc->prof, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	int ranks = l->nranks ? l->nranks : l->nranks_bw;
	if (ranks < 1) {
		fprintf(stderr, "capsim: %s: the log states no rank count\n", path);
		goto done;
	}
	if (nccl_sweep_init(sc, l->op[0] ? l->op : "?", ranks, force, &sw, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s: %s\n", path, err);
		goto done;
	}
	have_sweep = 1;
	errs = malloc((size_t)l->nrows * sizeof *errs);
	if (!errs) {
		fprintf(stderr, "capsim: out of memory\n");
		goto done;
	}
	int ne = 0;
	printf("# %s (%s, %d ranks) against %s, profile %s\n", path, l->op, ranks, scen, sc->prof.name);
	printf("%14s %12s %12s %12s %12s %9s  %s\n", "size (B)", "meas us", "model us", "meas busbw",
	       "model busbw", "error", "algo/proto");
	for (int i = 0; i < l->nrows; i++) {
		const nccl_log_row *r = &l->rows[i];
		double meas_bus = nccl_log_row_busbw(r);
		double meas_t = !isnan(r->oop_time_us) ? r->oop_time_us : r->ip_time_us;
		double us, alg, bus;
		int a, p;
		if (nccl_predict(&sw, r->bytes, &us, &alg, &bus, &a, &p) != 0) {
			fprintf(stderr, "capsim: the model cannot run %s here\n", l->op);
			goto done;
		}
		double e = meas_bus > 0 ? (bus - meas_bus) / meas_bus : (double)NAN;
		char es[32];
		if (isfinite(e) && meas_bus >= 0.1)
			snprintf(es, sizeof es, "%8.1f%%", 100 * e);
		else
			snprintf(es, sizeof es, "%9s", "-"); /* below the log's 0.01 GB/s print resolution */
		printf("%14.0f %12.2f %12.2f %12.2f %12.2f %s  %s/%s\n", r->bytes, meas_t, us, meas_bus, bus, es,
		       coll_algo_name((coll_algo)a), coll_proto_name((coll_proto)p));
		if (r->bytes >= 1048576 && isfinite(e) && meas_bus >= 0.1)
			errs[ne++] = fabs(e);
	}
	if (ne) {
		qsort(errs, (size_t)ne, sizeof *errs, cmp_double);
		double med = ne % 2 ? errs[ne / 2] : 0.5 * (errs[ne / 2 - 1] + errs[ne / 2]);
		printf("median |error| over %d sizes >= 1 MiB: %.1f%%\n", ne, 100 * med);
	} else {
		printf("median |error| over sizes >= 1 MiB: no such sizes in the log\n");
	}
	rc = 0;
done:
	if (have_sweep)
		nccl_sweep_free(&sw);
	free(errs);
	scenario_free(sc);
	nccl_logs_free(logs, n);
	return rc;
}

int cmd_calibrate(int argc, char **argv)
{
	if (argc < 1)
		return cal_usage("fit or compare?");
	if (strcmp(argv[0], "fit") == 0)
		return cmd_fit(argc - 1, argv + 1);
	if (strcmp(argv[0], "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	return cal_usage("unknown calibrate command (fit, compare)");
}
