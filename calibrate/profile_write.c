/* profile_write.c -- calibration profiles as XML, written atomically.
 *
 * Invariant: output is valid against scenarios/profile.xsd for any profile that
 * profile_load could have produced (names are escaped, figures in range). */
#include "calibrate/profile_write.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const link_names[LINK_CLASS_COUNT] = { "scale-up", "pcie", "scale-out" };

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void print_fit(FILE *f, const profile_fit *fit)
{
	fprintf(f, "    <fit name=\"");
	esc(f, fit->name);
	fprintf(f, "\" points=\"%d\"", fit->points);
	if (isfinite(fit->r2))
		fprintf(f, " r2=\"%.6f\"", fit->r2);
	if (isfinite(fit->rel_rms))
		fprintf(f, " rms=\"%.6g\"", fit->rel_rms);
	fprintf(f, " inputs=\"");
	esc(f, fit->inputs);
	fprintf(f, "\">\n");
	for (int j = 0; j < fit->np; j++)
		fprintf(f, "      <param name=\"%s\" value=\"%.9g\" stderr=\"%.6g\"/>\n", fit->param[j],
			fit->value[j], sqrt(fit->cov[j][j] > 0 ? fit->cov[j][j] : 0));
	fprintf(f, "      <covariance>");
	for (int a = 0; a < fit->np; a++)
		for (int b = 0; b < fit->np; b++)
			fprintf(f, "%s%.9g", a || b ? " " : "", fit->cov[a][b]);
	fprintf(f, "</covariance>\n    </fit>\n");
}

void profile_print(FILE *f, const profile *p)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<!-- Written by `capsim calibrate fit`; figures with a <fit> were fitted to the\n"
		   "     inputs named, the others come from the base profile. -->\n");
	fprintf(f, "<profile name=\"");
	esc(f, p->name);
	fprintf(f, "\">\n  <provenance>");
	esc(f, p->provenance);
	fprintf(f, "</provenance>\n");
	for (int i = 0; i < p->ninputs; i++) {
		const profile_input *in = &p->inputs[i];
		fprintf(f, "  <input file=\"");
		esc(f, in->file);
		fprintf(f, "\"");
		if (in->hardware[0]) {
			fprintf(f, " hardware=\"");
			esc(f, in->hardware);
			fprintf(f, "\"");
		}
		if (in->version[0]) {
			fprintf(f, " version=\"");
			esc(f, in->version);
			fprintf(f, "\"");
		}
		if (in->date[0]) {
			fprintf(f, " date=\"");
			esc(f, in->date);
			fprintf(f, "\"");
		}
		fprintf(f, "/>\n");
	}
	for (int i = 0; i < p->ngpus; i++) {
		const profile_gpu *g = &p->gpus[i];
		fprintf(f, "  <gpu-profile gpu=\"");
		esc(f, g->gpu);
		fprintf(f, "\" measured=\"%s\"", g->measured ? "true" : "false");
		if (g->gemm_half_dim > 0)
			fprintf(f, " gemm-half-dim=\"%.9g\"", g->gemm_half_dim);
		if (g->attn_eff > 0)
			fprintf(f, " attention=\"%.9g\"", g->attn_eff);
		if (g->nvls_eff > 0)
			fprintf(f, " nvls=\"%.9g\"", g->nvls_eff);
		if (g->collnet_eff > 0)
			fprintf(f, " collnet=\"%.9g\"", g->collnet_eff);
		if (g->nvls_tree_eff > 0)
			fprintf(f, " nvls-tree=\"%.9g\"", g->nvls_tree_eff);
		if (g->mnnvl_step_ns > 0)
			fprintf(f, " mnnvl-step=\"%.9g ns\"", g->mnnvl_step_ns);
		if (g->mnnvl_ring_eff > 0)
			fprintf(f, " mnnvl-ring=\"%.9g\"", g->mnnvl_ring_eff);
		if (g->mnnvl_nvls_latency_ns > 0)
			fprintf(f, " mnnvl-nvls-latency=\"%.9g ns\"", g->mnnvl_nvls_latency_ns);
		if (g->hbm_eff > 0)
			fprintf(f, " hbm=\"%.9g\"", g->hbm_eff);
		if (g->kernel_overhead_ns > 0)
			fprintf(f, " kernel-overhead=\"%.9g ns\"", g->kernel_overhead_ns);
		if (g->memory_reserve_B > 0)
			fprintf(f, " memory-reserve=\"%.9g B\"", g->memory_reserve_B);
		if (g->power_idle_w > 0)
			fprintf(f, " power-idle=\"%.9g W\"", g->power_idle_w);
		if (g->power_dynamic_w > 0)
			fprintf(f, " power-dynamic=\"%.9g W\"", g->power_dynamic_w);
		fprintf(f, ">\n");
		for (int d = 0; d < DT_COUNT; d++)
			if (g->gemm_eff[d] > 0)
				fprintf(f, "    <gemm dtype=\"%s\" efficiency=\"%.9g\"/>\n",
					hw_dtype_name((hw_dtype)d), g->gemm_eff[d]);
		for (int c = 0; c < LINK_CLASS_COUNT; c++) {
			const link_eff *l = &g->link[c];
			if (l->bw_eff <= 0)
				continue;
			fprintf(f, "    <link class=\"%s\"", link_names[c]);
			if (l->alpha_ns > 0)
				fprintf(f, " alpha=\"%.9g ns\"", l->alpha_ns);
			fprintf(f, " efficiency=\"%.9g\" measured=\"%s\"/>\n", l->bw_eff,
				l->measured ? "true" : "false");
		}
		if (g->source[0]) {
			fprintf(f, "    <source>");
			esc(f, g->source);
			fprintf(f, "</source>\n");
		}
		for (int k = 0; k < g->nfits; k++)
			print_fit(f, &g->fits[k]);
		fprintf(f, "  </gpu-profile>\n");
	}
	fprintf(f, "</profile>\n");
}

int profile_write(const char *path, const profile *p, char *err, size_t errlen)
{
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	profile_print(f, p);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
