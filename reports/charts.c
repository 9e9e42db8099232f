/* charts.c -- gnuplot scripts for the report's charts (step timeline Gantt, time
 * breakdown, power over one step, cost breakdown) and rendering them by running
 * gnuplot as a separate program.
 *
 * Invariant: a script reads only the CSVs beside it and writes NAME.png.tmp, which
 * is renamed to NAME.png only when gnuplot succeeded; without gnuplot the run goes
 * on and results say the charts were skipped. Nothing here prints. */
#include "reports/report.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Colors of trace kinds, in timeline kind order (compute, tp, pp, cp, dp, optimizer). */
static const char *const kind_color[] = { "#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#b279a2" };

static void header(FILE *f, const char *name, const char *what, int w, int h)
{
	fprintf(f, "# %s.gp -- %s. Written by capsim; run: gnuplot %s.gp\n", name, what, name);
	fprintf(f, "set datafile separator \",\"\n");
	fprintf(f, "set terminal pngcairo size %d,%d noenhanced font \"sans,10\"\n", w, h);
	fprintf(f, "set output \"%s.png.tmp\"\n", name);
}

void report_gp_timeline(FILE *f, const run_results *r)
{
	const timeline_results *t = &r->timeline;
	int rows = t->stages * t->nstreams;
	header(f, "timeline", "Gantt chart of one simulated step: a row per pipeline stage and stream",
	       1200, 160 + 18 * (rows > 0 ? rows : 1));
	fprintf(f, "set title \"%s: one training step (%.3f s), one GPU per pipeline stage\"\n", r->scenario, t->step_s);
	fprintf(f, "set xlabel \"time in the step (s)\"\nset yrange [-0.5:%d.5] reverse\nunset key\n", rows - 1);
	fprintf(f, "set style fill solid 1.0 noborder\nset ytics (");
	for (int st = 0; st < t->stages; st++)
		for (int k = 0; k < t->nstreams; k++)
			fprintf(f, "%s\"stage %d %s\" %d", st || k ? ", " : "", st, t->stream_names[k], st * t->nstreams + k);
	fprintf(f, ")\ncolor(k) = ");
	for (int k = 0; k < t->nkinds && k < 6; k++)
		fprintf(f, "k == %d ? 0x%s : ", k, kind_color[k] + 1);
	fprintf(f, "0x888888\n");
	fprintf(f, "plot \"timeline.csv\" skip 1 using (($4 + $5) / 2):($1 * %d + $2):(($5 - $4) / 2):(0.38):(color($3)) "
		"with boxxyerror lc rgb variable\n", t->nstreams);
}

void report_gp_breakdown(FILE *f, const run_results *r)
{
	header(f, "breakdown", "where one step's time goes (per GPU, averaged over pipeline stages)", 800, 450);
	fprintf(f, "set title \"%s: step time breakdown (%.3f s)\"\n", r->scenario, r->training.step_time_s);
	fprintf(f, "set ylabel \"seconds per step\"\nset style data histograms\nset style fill solid 0.9\n"
		"set boxwidth 0.6\nunset key\nset yrange [0:*]\n");
	fprintf(f, "plot \"breakdown.csv\" skip 1 using 2:xtic(1) lc rgb \"#4c78a8\"\n");
}

void report_gp_power(FILE *f, const run_results *r)
{
	header(f, "power", "cluster power over one simulated step (the pattern repeats every step)", 1000, 450);
	fprintf(f, "set title \"%s: power over one step (peak %.1f kW IT, %.1f kW facility)\"\n", r->scenario,
		r->power.it_peak_kw, r->power.facility_peak_kw);
	fprintf(f, "set xlabel \"time in the step (s)\"\nset ylabel \"kW\"\nset yrange [0:*]\nset key bottom right\n");
	fprintf(f, "plot \"power.csv\" skip 1 using 1:3 with lines lw 2 lc rgb \"#4c78a8\" title \"IT\", "
		"\"power.csv\" skip 1 using 1:4 with lines lw 2 lc rgb \"#f58518\" title \"facility (PUE %.2f)\"\n",
		r->power.pue);
}

void report_gp_cost(FILE *f, const run_results *r)
{
	header(f, "cost", "capex by part and opex per year", 900, 450);
	fprintf(f, "set title \"%s: capex %.2f M USD, opex %.2f M USD per year\"\n", r->scenario,
		r->cost.capex_usd / 1e6, r->cost.opex_usd_per_year / 1e6);
	fprintf(f, "set ylabel \"M USD (capex parts; energy, support, colocation per year)\"\n"
		"set style data histograms\nset style fill solid 0.9\nset boxwidth 0.6\nunset key\nset yrange [0:*]\n");
	fprintf(f, "plot \"cost.csv\" skip 1 every ::0::6 using ($2 / 1e6):xtic(1) lc rgb \"#54a24b\"\n");
}

/* Runs `gnuplot -e "cd 'dir'" name.gp`; 0 when it exited 0 and wrote name.png.tmp
 * (then renamed to name.png). On failure, why holds the reason. */
static int render_one(const char *dir, const char *name, char *why, size_t whylen)
{
	char cd[1200], script[64], out_tmp[1100], out[1100], errlog[1100];
	snprintf(cd, sizeof cd, "cd '%s'", dir);
	snprintf(script, sizeof script, "%s.gp", name);
	snprintf(out_tmp, sizeof out_tmp, "%s/%s.png.tmp", dir, name);
	snprintf(out, sizeof out, "%s/%s.png", dir, name);
	snprintf(errlog, sizeof errlog, "%s/.%s.gnuplot.log.%ld", dir, name, (long)getpid());
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	char prog[] = "gnuplot", opt[] = "-e";
	char *argv[] = { prog, opt, cd, script, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		unlink(errlog);
		snprintf(why, whylen, rc == ENOENT ? "gnuplot is not installed (not found on PATH)"
						    : "gnuplot could not be started");
		return -1;
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	struct stat sb;
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && stat(out_tmp, &sb) == 0 && sb.st_size > 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(why, whylen, "gnuplot is not installed (not found on PATH)");
	} else if (!ok) {
		char line[160] = "";
		FILE *lf = fopen(errlog, "r");
		if (lf) {
			while (fgets(line, sizeof line, lf) && line[0] == '\n')
				;
			fclose(lf);
		}
		line[strcspn(line, "\n")] = '\0';
		snprintf(why, whylen, "gnuplot failed on %s.gp%s%s", name, line[0] ? ": " : "", line);
	}
	unlink(errlog);
	if (!ok) {
		unlink(out_tmp);
		return -1;
	}
	if (rename(out_tmp, out) != 0) {
		unlink(out_tmp);
		snprintf(why, whylen, "cannot rename %s.png into place", name);
		return -1;
	}
	return 0;
}

void report_charts_render(const char *dir, run_results *r)
{
	static const char *const names[] = { "timeline", "breakdown", "power", "cost" };
	if (strchr(dir, '\'')) {
		r->charts = -1;
		snprintf(r->charts_note, sizeof r->charts_note, "the output folder's name holds a quote, which gnuplot's cd cannot take");
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (i < 3 && !r->training.present)
			continue; /* the step's charts: a training run's only */
		if (render_one(dir, names[i], r->charts_note, sizeof r->charts_note) != 0) {
			r->charts = -1;
			return;
		}
	}
	r->charts = 1;
	r->charts_note[0] = '\0';
}
