/* calib_report.c -- calibration provenance and uncertainty in the reports. */
#include "reports/calib_report.h"
#include "reports/jsonw.h"


void report_json_calibration(FILE *f, const run_results *r)
{
	const calib_results *c = &r->calibration;
	if (c->present) {
		fprintf(f, ",\n  \"calibration\": {\"profile\": ");
		jsonw_str(f, c->profile);
		fprintf(f, ", \"file\": ");
		jsonw_str(f, c->file);
		fprintf(f, ", \"entry\": ");
		jsonw_str(f, c->entry);
		fprintf(f, ",\n    \"figures\": {");
		for (int i = 0; i < c->nfig; i++) {
			fprintf(f, "%s\n      ", i ? "," : "");
			jsonw_str(f, c->fig[i].key);
			fprintf(f, ": {\"value\": %.6g, \"stderr\": %.6g, \"status\": ", c->fig[i].value,
				c->fig[i].stderr_);
			jsonw_str(f, c->fig[i].status);
			fputc('}', f);
		}
		fprintf(f, "\n    }\n  }");
	}
	const uncertainty_results *u = &r->uncertainty;
	if (u->present) {
		fprintf(f, ",\n  \"uncertainty\": {\"samples\": %d, \"seed\": %llu, \"parameters_sampled\": %d,\n",
			u->samples, (unsigned long long)u->seed, u->nparams);
		fprintf(f, "    \"step_time_s\": {\"p10\": %.6g, \"p50\": %.6g, \"p90\": %.6g},\n",
			u->step_p10_s, u->step_p50_s, u->step_p90_s);
		fprintf(f, "    \"time_to_train_days\": {\"p10\": %.6g, \"p50\": %.6g, \"p90\": %.6g}\n  }",
			u->ttt_p10_days, u->ttt_p50_days, u->ttt_p90_days);
	}
}

void report_md_calibration(FILE *f, const run_results *r)
{
	const calib_results *c = &r->calibration;
	if (c->present) {
		fprintf(f, "\n## Calibration\n\nProfile `%s` (%s), entry `%s`%s.\n\n", c->profile, c->file, c->entry,
			c->entry[0] == '*' && !c->entry[1] ? " (the fallback: this GPU has no entry of its own)" : "");
		fprintf(f, "| figure | value | std. error | how obtained |\n|---|---:|---:|---|\n");
		for (int i = 0; i < c->nfig; i++) {
			fprintf(f, "| %s | %.4g | ", c->fig[i].key, c->fig[i].value);
			if (c->fig[i].stderr_ > 0)
				fprintf(f, "%.2g", c->fig[i].stderr_);
			else
				fprintf(f, "-");
			fprintf(f, " | %s |\n", c->fig[i].status);
		}
		fprintf(f, "\nfitted: by `capsim calibrate fit` (the profile's `<fit>` gives inputs, R^2, covariance); "
			   "measured: flagged measured on this GPU; from-profile: the entry's own figure, derived by hand "
			   "from the public row its `<source>` names (or labelled Estimate there); defaulted: absent, "
			   "so a fallback was used.\n");
	}
	const uncertainty_results *u = &r->uncertainty;
	if (u->present) {
		fprintf(f, "\n## Uncertainty\n\n%d runs with the %d fitted profile figures drawn from their fits' "
			   "covariances (seed %llu).\n\n| figure | P10 | P50 | P90 |\n|---|---:|---:|---:|\n",
			u->samples, u->nparams, (unsigned long long)u->seed);
		fprintf(f, "| step time (s) | %.4g | %.4g | %.4g |\n", u->step_p10_s, u->step_p50_s, u->step_p90_s);
		fprintf(f, "| time to train (days) | %.4g | %.4g | %.4g |\n", u->ttt_p10_days, u->ttt_p50_days,
			u->ttt_p90_days);
	}
}

void report_summary_uncertainty(FILE *f, const run_results *r)
{
	const uncertainty_results *u = &r->uncertainty;
	if (!u->present)
		return;
	fprintf(f, "  uncertain  step P10/P50/P90 %.4g / %.4g / %.4g s, train %.4g / %.4g / %.4g days "
		   "(%d samples, %d figures)\n", u->step_p10_s, u->step_p50_s, u->step_p90_s, u->ttt_p10_days,
		u->ttt_p50_days, u->ttt_p90_days, u->samples, u->nparams);
}
