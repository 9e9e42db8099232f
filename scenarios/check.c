/* check.c -- semantic checks of a loaded scenario.
 *
 * Each rule is one test with one message that shows the numbers, so that a person
 * can fix the file without reading the code. Rules that involve a degree still
 * PAR_AUTO are skipped here and run again by check_training once it is resolved. */
#include "scenarios/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define CHECK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CHECK_PRINTF(a, b)
#endif

static int fail(const scenario *sc, int line, const char *elem, char *err, size_t errlen,
                const char *fmt, ...) CHECK_PRINTF(6, 7);

/* Writes "file:line: <elem>: message"; returns -1. */
static int fail(const scenario *sc, int line, const char *elem, char *err, size_t errlen,
                const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: <%s>: %s", sc->file, line, elem, msg);
	return -1;
}

int check_model(const model_arch *m, char *why, size_t len)
{
	if (m->layers <= 0 || m->hidden <= 0 || m->heads <= 0 || m->ffn <= 0 || m->vocab <= 0) {
		snprintf(why, len, "a model needs positive layers, hidden, heads, ffn and vocab");
		return -1;
	}
	if (m->hidden % m->heads != 0) {
		snprintf(why, len, "hidden %d is not divisible by heads %d", m->hidden, m->heads);
		return -1;
	}
	if (m->kv_heads <= 0 || m->heads % m->kv_heads != 0) {
		snprintf(why, len, "heads %d is not divisible by kv-heads %d", m->heads,
		         m->kv_heads);
		return -1;
	}
	if (m->experts > 1 && (m->topk < 1 || m->topk > m->experts)) {
		snprintf(why, len, "a mixture of %d experts needs top-k from 1 to %d (top-k is %d)",
		         m->experts, m->experts, m->topk);
		return -1;
	}
	if (m->experts <= 1 && m->topk > 1) {
		snprintf(why, len, "top-k %d needs experts > 1", m->topk);
		return -1;
	}
	return 0;
}

/* Formats "tp = 8" or "tp = 8 (chosen for auto)". */
static const char *deg(char *buf, size_t len, const char *name, int v, int orig)
{
	if (orig == PAR_AUTO && v != PAR_AUTO)
		snprintf(buf, len, "%s = %d (chosen for auto)", name, v);
	else
		snprintf(buf, len, "%s = %d", name, v);
	return buf;
}

static int check_precision(const scenario *sc, char *err, size_t errlen)
{
	hw_dtype dt = sc->train.compute;
	for (int g = 0; g < sc->cl.ngroups; g++) {
		const hw_gpu *gpu = sc->cl.groups[g].gpu;
		char have[128] = "";
		size_t w = 0;
		if (!gpu || gpu->peak_flops[dt] > 0)
			continue;
		for (int d = 0; d < DT_COUNT; d++)
			if (gpu->peak_flops[d] > 0 && w < sizeof have)
				w += (size_t)snprintf(have + w, sizeof have - w, "%s%s", w ? ", " : "",
				                      hw_dtype_name((hw_dtype)d));
		char elem[64];
		snprintf(elem, sizeof elem, "precision compute=\"%s\"", hw_dtype_name(dt));
		return fail(sc, sc->line_precision, elem, err, errlen,
		            "GPU %s has no %s peak in the catalog; it runs %s", gpu->id,
		            hw_dtype_name(dt), w ? have : "no stated precision");
	}
	return 0;
}

int check_training(const scenario *sc, const parallel_cfg *par, char *err, size_t errlen)
{
	const train_cfg *t = &sc->train;
	const model_arch *m = &t->model;
	const parallel_cfg *o = &t->par; /* as written, to say which degrees were auto */
	int gpus = scenario_gpus(sc);
	int lp = t->line_parallel;
	char why[256], a[64], b[64], elem[64];

	if (check_model(m, why, sizeof why) < 0)
		return fail(sc, t->line_model, "model", err, errlen, "%s", why);
	if (t->seq_len <= 0)
		return fail(sc, t->line_data, "data", err, errlen, "seq-len needs to be positive");
	if (t->global_batch <= 0)
		return fail(sc, t->line_data, "data", err, errlen,
		            "global-batch needs to be positive");
	if (!(t->tokens > 0))
		return fail(sc, t->line_data, "data", err, errlen, "tokens needs to be positive");
	if (check_precision(sc, err, errlen) < 0)
		return -1;

	const int deg_v[4] = { par->tp, par->pp, par->dp, par->cp };
	const char *const deg_n[4] = { "tp", "pp", "dp", "cp" };
	for (int i = 0; i < 4; i++)
		if (deg_v[i] != PAR_AUTO && deg_v[i] < 1)
			return fail(sc, lp, "parallel", err, errlen, "%s must be at least 1 (it is %d)",
			            deg_n[i], deg_v[i]);
	if (par->ep != PAR_AUTO && par->ep < 1)
		return fail(sc, lp, "parallel", err, errlen, "ep must be at least 1 (it is %d)",
		            par->ep);
	if (par->microbatch < 1)
		return fail(sc, lp, "parallel", err, errlen, "microbatch must be at least 1");
	if (par->virtual_stages < 1)
		return fail(sc, lp, "parallel", err, errlen, "virtual-stages must be at least 1");
	if (par->zero < 0 || par->zero > 3)
		return fail(sc, lp, "parallel", err, errlen, "zero must be 0 to 3");

	if (par->tp != PAR_AUTO && m->heads % par->tp != 0) {
		if (o->tp == PAR_AUTO)
			snprintf(elem, sizeof elem, "parallel tp=\"auto\"");
		else
			snprintf(elem, sizeof elem, "parallel tp=\"%d\"", o->tp);
		return fail(sc, lp, elem, err, errlen,
		            "%s does not divide the model's %d attention heads",
		            deg(a, sizeof a, "tp", par->tp, o->tp), m->heads);
	}
	if (par->cp != PAR_AUTO && t->seq_len % par->cp != 0)
		return fail(sc, lp, "parallel", err, errlen, "%s does not divide seq-len %d",
		            deg(a, sizeof a, "cp", par->cp, o->cp), t->seq_len);

	/* The degrees multiply to the GPU count. */
	long long prod = 1;
	int nauto = 0;
	for (int i = 0; i < 4; i++) {
		if (deg_v[i] == PAR_AUTO)
			nauto++;
		else
			prod *= deg_v[i];
	}
	if (nauto == 0 && prod != gpus)
		return fail(sc, lp, "parallel", err, errlen,
		            "tp x pp x dp x cp = %d x %d x %d x %d = %lld, but the cluster has "
		            "%d GPUs", par->tp, par->pp, par->dp, par->cp, prod, gpus);
	if (nauto > 0 && (prod > gpus || gpus % prod != 0)) {
		char expr[128] = "";
		size_t w = 0;
		for (int i = 0; i < 4; i++)
			if (deg_v[i] != PAR_AUTO)
				w += (size_t)snprintf(expr + w, sizeof expr - w, "%s%s", w ? " x " : "",
				                      deg_n[i]);
		return fail(sc, lp, "parallel", err, errlen,
		            "%s = %lld does not divide the cluster's %d GPUs, so no choice for "
		            "the auto degrees fits", expr, prod, gpus);
	}

	/* Experts. */
	if (par->ep != PAR_AUTO && par->ep > 1) {
		if (m->experts <= 1)
			return fail(sc, lp, "parallel", err, errlen,
			            "%s needs a mixture-of-experts model (this one is dense)",
			            deg(a, sizeof a, "ep", par->ep, o->ep));
		if (m->experts % par->ep != 0)
			return fail(sc, lp, "parallel", err, errlen,
			            "%s does not divide the model's %d experts",
			            deg(a, sizeof a, "ep", par->ep, o->ep), m->experts);
		if (par->dp != PAR_AUTO && par->dp % par->ep != 0)
			return fail(sc, lp, "parallel", err, errlen, "%s does not divide %s",
			            deg(a, sizeof a, "ep", par->ep, o->ep),
			            deg(b, sizeof b, "dp", par->dp, o->dp));
	}

	/* The batch splits into whole microbatches on every data-parallel replica. */
	long long per_dp = 0;
	if (par->dp != PAR_AUTO) {
		long long d = (long long)par->dp * par->microbatch;
		if (t->global_batch % d != 0)
			return fail(sc, lp, "parallel", err, errlen,
			            "global-batch %d is not divisible by dp x microbatch = %d x %d "
			            "= %lld", t->global_batch, par->dp, par->microbatch, d);
		per_dp = t->global_batch / d;  /* microbatches per step */
	}

	/* Layers split evenly over pipeline stages (and model chunks). */
	int vs = par->schedule == SCHED_INTERLEAVED ? par->virtual_stages : 1;
	if (par->schedule == SCHED_INTERLEAVED && par->virtual_stages < 2)
		return fail(sc, lp, "parallel schedule=\"interleaved-1f1b\"", err, errlen,
		            "the interleaved schedule needs virtual-stages of 2 or more (it is %d)",
		            par->virtual_stages);
	if ((par->schedule == SCHED_GPIPE || par->schedule == SCHED_1F1B) &&
	    par->virtual_stages > 1)
		return fail(sc, lp, "parallel", err, errlen,
		            "virtual-stages %d needs schedule=\"interleaved-1f1b\"",
		            par->virtual_stages);
	if (par->pp != PAR_AUTO) {
		long long s = (long long)par->pp * vs;
		/* uneven layer counts are spread with the short chunks at the ends */
		if (m->layers < s) {
			if (vs > 1)
				return fail(sc, lp, "parallel", err, errlen,
				            "the model's %d layers are fewer than pp x "
				            "virtual-stages = %d x %d = %lld", m->layers, par->pp, vs, s);
			return fail(sc, lp, "parallel", err, errlen,
			            "the model's %d layers are fewer than %s", m->layers,
			            deg(a, sizeof a, "pp", par->pp, o->pp));
		}
		if (par->schedule == SCHED_INTERLEAVED && per_dp > 0 && per_dp % par->pp != 0)
			return fail(sc, lp, "parallel schedule=\"interleaved-1f1b\"", err, errlen,
			            "the interleaved schedule needs the microbatches per step "
			            "(global-batch / (dp x microbatch) = %lld) divisible by pp = %d",
			            per_dp, par->pp);
	}
	return 0;
}

int check_scenario(const scenario *sc, char *err, size_t errlen)
{
	if (sc->cl.ngroups < 1)
		return fail(sc, 1, "cluster", err, errlen, "the cluster needs at least one <nodes>");
	for (int g = 0; g < sc->cl.ngroups; g++) {
		const cluster_nodes *n = &sc->cl.groups[g];
		if (n->count < 1)
			return fail(sc, n->line, "nodes", err, errlen,
			            "count needs to be positive (it is %d)", n->count);
	}
	if (sc->kind == WORK_TRAINING)
		return check_training(sc, &sc->train.par, err, errlen);
	return 0;
}
