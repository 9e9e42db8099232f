/* main.c -- the capsim command: run, validate.
 *
 * Exit status: 0 success, 1 the simulation or an input failed (message on stderr),
 * 2 usage error. Only this file ends the process. */
#include "reports/report.h"
#include "reports/serve_report.h"
#include "scenarios/scenario.h"
#include "sim/cmd_calibrate.h"
#include "sim/cmd_nccl.h"
#include "sim/run.h"
#include "sim/uncertainty.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_text[] =
	"usage: capsim run FILE.xml [-o DIR] [--json] [--uncertainty N [--seed S]]\n"
	"       capsim validate FILE.xml\n"
	"       capsim nccl-tests --scenario FILE.xml [--op OP] [-g GPUS] [-b 8] [-e 8G] [-f 2] [--algo A]\n"
	"       capsim calibrate fit INPUT... -o PROFILE.xml [--scenario FILE.xml] [--gpu ID]\n"
	"       capsim calibrate compare LOG --scenario FILE.xml\n"
	"\n"
	"  run       simulate the scenario, write the report folder (report.html, report.md,\n"
	"            summary.json, trace.json, CSVs, gnuplot charts, per <report formats>) into DIR\n"
	"            (default out/<scenario name>/) and print a short summary;\n"
	"            --json prints the JSON summary on standard output instead;\n"
	"            --uncertainty N re-runs it N times with the profile's fitted figures\n"
	"            drawn from their covariances and reports P10/P50/P90\n"
	"  validate  check a scenario file (schema, catalog ids, units, layout, memory)\n"
	"  nccl-tests  a collective as nccl-tests would print it on the scenario's cluster\n"
	"  calibrate   fit a profile to measurements; compare a real nccl-tests log with the model\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "capsim: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

static int mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
	return -1;
}

static int cmd_run(int argc, char **argv)
{
	const char *file = NULL, *dir = NULL;
	int json = 0, samples = 0;
	unsigned long long seed = 1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--uncertainty") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 2 || n > 100000)
				return usage("run: --uncertainty needs a sample count from 2 to 100000");
			samples = (int)n;
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			char *end;
			seed = strtoull(argv[++i], &end, 10);
			if (*end)
				return usage("run: --seed needs a whole number");
		}
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (argv[i][0] == '-')
			return usage("run: unknown option");
		else if (!file)
			file = argv[i];
		else
			return usage("run: one scenario file at a time");
	}
	if (!file)
		return usage("run: which scenario file?");

	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(file, &sc, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		return 1;
	}
	run_results *r = calloc(1, sizeof *r);
	int rc = 1;
	if (!r) {
		fprintf(stderr, "capsim: out of memory\n");
		goto done;
	}
	r->want_timeline = 1; /* the report folder draws and exports it */
	if (run_scenario(sc, r, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	if (samples && uncertainty_run(sc, samples, seed, &r->uncertainty, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	char outdir[1024];
	if (dir)
		snprintf(outdir, sizeof outdir, "%s", dir);
	else
		snprintf(outdir, sizeof outdir, "out/%s", r->scenario);
	r->formats = sc->report_formats;
	if (mkdirs(outdir, err, sizeof err) != 0 ||
	    report_write_folder(outdir, r, err, sizeof err) != 0 ||
	    (r->inference.present &&
	     report_write_file(outdir, "timeseries.csv", report_infer_csv, r, err, sizeof err) != 0)) {
		fprintf(stderr, "capsim: %s\n", err);
		goto done;
	}
	if (json) {
		report_json(stdout, r);
	} else {
		report_summary(stdout, r);
		printf("  reports    %s/ (%s%s%s%s)\n", outdir,
		       r->formats & RESULTS_FMT_HTML ? "report.html " : "",
		       r->formats & RESULTS_FMT_MD ? "report.md " : "",
		       r->formats & RESULTS_FMT_JSON ? (r->training.present ? "summary.json trace.json " : "summary.json ") : "",
		       r->formats & RESULTS_FMT_CSV ? "CSVs, gnuplot scripts" : "");
		if (r->charts > 0)
			printf("  charts     %s\n", r->training.present ? "timeline.png breakdown.png power.png cost.png" : "cost.png");
		else if (r->charts < 0)
			printf("  charts     skipped: %s\n", r->charts_note);
	}
	rc = 0;
done:
	run_results_release(r);
	free(r);
	scenario_free(sc);
	return rc;
}

static int cmd_validate(int argc, char **argv)
{
	if (argc != 1)
		return usage("validate: one scenario file");
	char err[2048];
	scenario *sc = NULL;
	if (scenario_load(argv[0], &sc, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		return 1;
	}
	int rc = 0;
	if (run_validate(sc, err, sizeof err) != 0) {
		fprintf(stderr, "capsim: %s\n", err);
		rc = 1;
	} else {
		printf("%s: valid (%d GPUs)\n", argv[0], scenario_gpus(sc));
	}
	scenario_free(sc);
	return rc;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc < 2)
		return usage(NULL);
	int rc;
	if (strcmp(argv[1], "run") == 0)
		rc = cmd_run(argc - 2, argv + 2);
	else if (strcmp(argv[1], "validate") == 0)
		rc = cmd_validate(argc - 2, argv + 2);
	else if (strcmp(argv[1], "nccl-tests") == 0)
		rc = cmd_nccl_tests(argc - 2, argv + 2);
	else if (strcmp(argv[1], "calibrate") == 0)
		rc = cmd_calibrate(argc - 2, argv + 2);
	else if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		rc = 0;
	} else
		rc = usage("unknown command");
	return rc;
}
