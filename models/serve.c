/* serve.c -- the serving event simulation. Events: request arrivals (one pending
 * at a time, in arrival order) and iteration ends (one per busy replica). At each
 * iteration start a replica schedules, in order: one decode token for every running
 * sequence past its prefill (taking a page when it crosses a page boundary,
 * preempting the most recently admitted sequences when none is free), the next
 * prefill chunks of sequences part-way through their prompts, then new sequences
 * from its queue while the batch, token budget and free pages allow. */
#include "models/serve.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kvcache.h"
#include "sim/engine/rng.h"
#include "sim/engine/sim.h"

enum { ST_QUEUED, ST_RUNNING, ST_DONE, ST_REJECTED };

typedef struct {
	uint64_t arr, admit, first, done;
	int in, out, gen;         /* output tokens produced so far */
	int prompt;               /* tokens to prefill since the last admission */
	int filled;               /* of them, prefilled */
	int cached;               /* tokens in the KV cache */
	int step;                 /* this iteration: -1 decode, >0 prefill chunk, 0 idle */
	long blocks;
	int next;                 /* queue link */
	int state, admitted;
} sreq;

typedef struct run_ctx run_ctx;

typedef struct {
	run_ctx *ctx;
	int *run;
	int nrun;
	int *pend;                /* scratch: running sequences part-way through prefill */
	int qhead, qtail;
	long nwait, outstanding;
	kv_pool kv;
	int busy;
	uint64_t iter_start;
	double iter_tokens;
} replica;

typedef struct {
	double busy_ns, kv_ns, tokens, running_ns;
} bucket;

struct run_ctx {
	const serve_setup *s;
	const req_stream *rs;
	sim *sim;
	sreq *q;
	replica *rep;
	int *run_store, *pend_store;
	long next_arr;
	int rr;
	rng_set *rngs;
	rng *lb_rng;
	serve_stats *st;
	bucket buckets[SERVE_SERIES_MAX];
	double step_ns;
	double busy_ns, kv_ns, batch_sum;
	long completed;
	double *ttft, *tpot, *e2e, *queue;
	long ntpot;
};

static void on_arrival(sim *s, void *arg, uint64_t data);
static void on_iter_done(sim *s, void *arg, uint64_t data);

static void queue_push(run_ctx *c, replica *r, int i, int front)
{
	sreq *q = &c->q[i];
	q->state = ST_QUEUED;
	if (front) {
		q->next = r->qhead;
		r->qhead = i;
		if (r->qtail < 0)
			r->qtail = i;
	} else {
		q->next = -1;
		if (r->qtail >= 0)
			c->q[r->qtail].next = i;
		else
			r->qhead = i;
		r->qtail = i;
	}
	r->nwait++;
}

static int queue_pop(run_ctx *c, replica *r)
{
	int i = r->qhead;
	r->qhead = c->q[i].next;
	if (r->qhead < 0)
		r->qtail = -1;
	r->nwait--;
	return i;
}

/* Sends running sequence at index k back to the front of the queue (recompute). */
static void preempt(run_ctx *c, replica *r, int k)
{
	int i = r->run[k];
	sreq *q = &c->q[i];
	kv_release(&r->kv, q->blocks);
	q->blocks = 0;
	q->cached = 0;
	q->filled = 0;
	q->step = 0;
	memmove(&r->run[k], &r->run[k + 1], (size_t)(r->nrun - k - 1) * sizeof *r->run);
	r->nrun--;
	queue_push(c, r, i, 1);
	c->st->preemptions++;
}

/* Schedules prefill of up to `budget` tokens of q; returns the tokens taken. */
static int take_chunk(sreq *q, int budget, serve_batch *b)
{
	int c = q->prompt - q->filled;
	if (c > budget)
		c = budget;
	if (c <= 0)
		return 0;
	double s0 = q->filled;
	q->step = c;
	b->tokens += c;
	b->prefill_pairs += c * s0 + 0.5 * (double)c * (c + 1);
	b->prefill_ctx += s0 + c;
	if (q->filled + c == q->prompt)
		b->sampled += 1;
	return c;
}

static void start_iter(run_ctx *c, replica *r)
{
	const serve_setup *s = c->s;
	serve_batch b;
	memset(&b, 0, sizeof b);
	int at_start = r->nrun, npend = 0;
	/* 1. decode steps, taking pages as sequences grow */
	for (int k = 0; k < r->nrun; k++) {
		sreq *q = &c->q[r->run[k]];
		q->step = 0;
		if (q->filled < q->prompt) {
			r->pend[npend++] = r->run[k];
			continue;
		}
		long need = (long)q->cached + 1 > q->blocks * KV_BLOCK_TOKENS ?
			    kv_blocks_for(q->cached + 1) - q->blocks : 0;
		int self = 0;
		while (need > 0 && kv_alloc(&r->kv, need) != 0) {
			int victim = r->nrun - 1;
			if (victim == k)
				self = 1;
			preempt(c, r, victim);
			if (self)
				break;
		}
		if (self) {
			k--;
			continue;
		}
		if (need > 0)
			q->blocks += need;
		q->step = -1;
		b.tokens += 1;
		b.decode_ctx += q->cached + 1;
		b.sampled += 1;
	}
	int budget = s->max_tokens - (int)b.tokens;
	if (s->chunk > 0 && budget > s->chunk)
		budget = s->chunk;
	int prefills = 0;
	/* 2. sequences part-way through their prompts (a preempted one is queued now) */
	for (int k = 0; k < npend && budget > 0; k++) {
		sreq *q = &c->q[r->pend[k]];
		if (q->state != ST_RUNNING || q->step != 0 || q->filled >= q->prompt)
			continue;
		if (s->chunk == 0 && q->prompt - q->filled > budget && prefills > 0)
			break;
		int t = take_chunk(q, s->chunk == 0 && prefills == 0 ? q->prompt : budget, &b);
		budget -= t;
		prefills++;
	}
	/* 3. admission */
	int may_admit = s->sched == BATCH_CONTINUOUS || at_start == 0;
	while (may_admit && r->qhead >= 0 && r->nrun < s->max_batch && (budget > 0 || prefills == 0)) {
		sreq *q = &c->q[r->qhead];
		int prompt = q->in + q->gen;
		if (s->chunk == 0 && prompt > budget && prefills > 0)
			break;
		long need = kv_blocks_for(prompt);
		if (kv_alloc(&r->kv, need) != 0)
			break;
		queue_pop(c, r);
		q->state = ST_RUNNING;
		q->blocks = need;
		q->prompt = prompt;
		q->filled = 0;
		q->cached = 0;
		if (!q->admitted) {
			q->admitted = 1;
			q->admit = sim_now(c->sim);
		}
		r->run[r->nrun++] = (int)(q - c->q);
		int t = take_chunk(q, s->chunk == 0 && prefills == 0 ? prompt :
				   (budget > 0 ? budget : 0), &b);
		budget -= t;
		prefills++;
		if (budget <= 0)
			break;
	}
	if (b.tokens <= 0) {
		r->busy = 0;
		return;
	}
	double dt = serve_iter_ns(s->cost, &b);
	uint64_t dti = dt >= 1 ? (uint64_t)llround(dt) : 1;
	r->busy = 1;
	r->iter_start = sim_now(c->sim);
	r->iter_tokens = b.tokens;
	sim_after(c->sim, dti, on_iter_done, r, 0);
}

static void kick(run_ctx *c, replica *r)
{
	if (!r->busy && (r->qhead >= 0 || r->nrun > 0))
		start_iter(c, r);
}

static bucket *bucket_at(run_ctx *c, double t_ns)
{
	long k = (long)(t_ns / c->step_ns);
	while (k >= SERVE_SERIES_MAX) {
		for (int j = 0; j < SERVE_SERIES_MAX / 2; j++) {
			bucket *a = &c->buckets[2 * j], *b = &c->buckets[2 * j + 1];
			bucket m = { a->busy_ns + b->busy_ns, a->kv_ns + b->kv_ns,
				     a->tokens + b->tokens, a->running_ns + b->running_ns };
			c->buckets[j] = m;
		}
		memset(&c->buckets[SERVE_SERIES_MAX / 2], 0,
		       (SERVE_SERIES_MAX / 2) * sizeof c->buckets[0]);
		c->step_ns *= 2;
		k = (long)(t_ns / c->step_ns);
	}
	return &c->buckets[k];
}

static void finish(run_ctx *c, sreq *q, uint64_t now)
{
	q->done = now;
	q->state = ST_DONE;
	double ttft = (q->first - q->arr) * 1e-9;
	c->ttft[c->completed] = ttft;
	c->e2e[c->completed] = (now - q->arr) * 1e-9;
	c->queue[c->completed] = (q->admit - q->arr) * 1e-9;
	double tpot = -1;
	if (q->out > 1) {
		tpot = (now - q->first) * 1e-9 / (q->out - 1);
		c->tpot[c->ntpot++] = tpot;
	}
	const slo_cfg *o = &c->s->slo;
	double ttft_t = o->ttft_p99_s > 0 ? o->ttft_p99_s : o->ttft_p50_s;
	double tpot_t = o->tpot_p99_s > 0 ? o->tpot_p99_s : o->tpot_p50_s;
	int ok = (ttft_t <= 0 || ttft <= ttft_t) && (tpot_t <= 0 || tpot <= tpot_t) &&
		 (o->e2e_p99_s <= 0 || (now - q->arr) * 1e-9 <= o->e2e_p99_s);
	c->st->slo_attainment += ok;
	c->st->output_tokens += q->out;
	c->st->input_tokens += q->in;
	c->completed++;
	if (now * 1e-9 > c->st->makespan_s)
		c->st->makespan_s = now * 1e-9;
}

static void on_iter_done(sim *s, void *arg, uint64_t data)
{
	(void)data;
	replica *r = arg;
	run_ctx *c = r->ctx;
	uint64_t now = sim_now(s);
	double dt = (double)(now - r->iter_start);
	int produced = 0;
	int w = 0;
	c->batch_sum += r->nrun;
	c->st->iterations++;
	double kv_frac = r->kv.total > 0 ? (double)(r->kv.total - r->kv.free) / r->kv.total : 0;
	for (int k = 0; k < r->nrun; k++) {
		int i = r->run[k];
		sreq *q = &c->q[i];
		int token = 0;
		if (q->step < 0) {
			q->cached++;
			token = 1;
		} else if (q->step > 0) {
			q->filled += q->step;
			if (q->filled >= q->prompt) {
				q->cached = q->prompt;
				token = 1;
				if (!q->first)
					q->first = now > q->arr ? now : q->arr + 1;
			}
		}
		q->step = 0;
		if (token) {
			q->gen++;
			produced++;
		}
		if (q->gen >= q->out) {
			kv_release(&r->kv, q->blocks);
			q->blocks = 0;
			r->outstanding--;
			finish(c, q, now);
			continue;
		}
		r->run[w++] = i;
	}
	int running = r->nrun;
	r->nrun = w;
	/* the iteration's busy time, split over the intervals it spans */
	bucket_at(c, (double)now)->tokens += produced;
	for (double t0 = (double)r->iter_start; t0 < (double)now;) {
		double edge = (floor(t0 / c->step_ns) + 1.0) * c->step_ns;
		double t1 = edge < (double)now ? edge : (double)now;
		bucket *bk = bucket_at(c, t0);
		bk->busy_ns += t1 - t0;
		bk->kv_ns += kv_frac * (t1 - t0);
		bk->running_ns += running * (t1 - t0);
		t0 = t1;
	}
	c->busy_ns += dt;
	c->kv_ns += kv_frac * dt;
	r->busy = 0;
	kick(c, r);
}

static replica *choose(run_ctx *c)
{
	const serve_setup *s = c->s;
	int k = 0;
	switch (s->lb) {
	case LB_LEAST_OUTSTANDING:
		for (int j = 1; j < s->replicas; j++)
			if (c->rep[j].outstanding < c->rep[k].outstanding)
				k = j;
		break;
	case LB_RANDOM:
		k = (int)rng_below(c->lb_rng, (uint64_t)s->replicas);
		break;
	default:
		k = c->rr;
		c->rr = (c->rr + 1) % s->replicas;
	}
	return &c->rep[k];
}

static void on_arrival(sim *s, void *arg, uint64_t data)
{
	(void)data;
	run_ctx *c = arg;
	const req_stream *rs = c->rs;
	uint64_t now = sim_now(s);
	while (c->next_arr < rs->n && rs->arrival_ns[c->next_arr] == now) {
		long i = c->next_arr++;
		sreq *q = &c->q[i];
		if (kv_blocks_for((long)q->in + q->out) > c->s->kv_blocks) {
			q->state = ST_REJECTED;
			c->st->rejected++;
			continue;
		}
		replica *r = choose(c);
		r->outstanding++;
		queue_push(c, r, (int)i, 0);
		c->st->last_arrival_s = now * 1e-9;
	}
	for (int j = 0; j < c->s->replicas; j++)
		kick(c, &c->rep[j]);
	if (c->next_arr < rs->n)
		sim_at(s, rs->arrival_ns[c->next_arr], on_arrival, c, 0);
}

double serve_percentile(const double *v, long n, double q)
{
	if (n <= 0)
		return 0;
	double x = q * (n - 1);
	long lo = (long)floor(x);
	if (lo >= n - 1)
		return v[n - 1];
	return v[lo] + (x - lo) * (v[lo + 1] - v[lo]);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void ctx_free(run_ctx *c)
{
	sim_free(c->sim);
	rng_set_free(c->rngs);
	free(c->q);
	free(c->rep);
	free(c->run_store);
	free(c->pend_store);
	free(c->ttft);
	free(c->tpot);
	free(c->e2e);
	free(c->queue);
}

int serve_run(const serve_setup *s, const req_stream *rs, serve_stats *out,
	      char *err, size_t errlen)
{
	if (s->replicas < 1 || s->max_batch < 1 || s->max_tokens < 1 || s->kv_blocks < 1 ||
	    rs->n < 0 || rs->n > 2000000000L) {
		snprintf(err, errlen, "invalid serving setup (replicas %d, max batch %d, max tokens %d, "
			 "KV pages %ld)", s->replicas, s->max_batch, s->max_tokens, s->kv_blocks);
		return -1;
	}
	run_ctx c;
	serve_stats *st = calloc(1, sizeof *st);
	memset(&c, 0, sizeof c);
	size_t n = rs->n > 0 ? (size_t)rs->n : 1;
	c.s = s;
	c.rs = rs;
	c.st = st;
	c.sim = sim_new(64 + (size_t)s->replicas);
	c.q = calloc(n, sizeof *c.q);
	c.rep = calloc((size_t)s->replicas, sizeof *c.rep);
	c.run_store = calloc((size_t)s->replicas * (size_t)s->max_batch, sizeof *c.run_store);
	c.pend_store = calloc((size_t)s->replicas * (size_t)s->max_batch, sizeof *c.pend_store);
	c.ttft = malloc(n * sizeof *c.ttft);
	c.tpot = malloc(n * sizeof *c.tpot);
	c.e2e = malloc(n * sizeof *c.e2e);
	c.queue = malloc(n * sizeof *c.queue);
	c.rngs = rng_set_new(s->seed);
	c.lb_rng = rng_stream(c.rngs, "serve.lb");
	c.step_ns = 1e9;
	if (!st || !c.sim || !c.q || !c.rep || !c.run_store || !c.pend_store || !c.ttft || !c.tpot || !c.e2e ||
	    !c.queue) {
		ctx_free(&c);
		free(st);
		snprintf(err, errlen, "out of memory serving %ld requests", rs->n);
		return -1;
	}
	for (long i = 0; i < rs->n; i++) {
		c.q[i].arr = rs->arrival_ns[i];
		c.q[i].in = rs->in[i];
		c.q[i].out = rs->out[i];
		c.q[i].next = -1;
	}
	for (int j = 0; j < s->replicas; j++) {
		replica *r = &c.rep[j];
		r->ctx = &c;
		r->run = c.run_store + (size_t)j * s->max_batch;
		r->pend = c.pend_store + (size_t)j * s->max_batch;
		r->qhead = r->qtail = -1;
		kv_pool_init(&r->kv, s->kv_blocks);
	}
	st->requests = rs->n;
	if (rs->n > 0)
		sim_at(c.sim, rs->arrival_ns[0], on_arrival, &c, 0);
	sim_run(c.sim, UINT64_MAX);
	st->events = sim_fired(c.sim);
	st->completed = c.completed;
	long m = c.completed;
	qsort(c.ttft, (size_t)m, sizeof *c.ttft, cmp_dbl);
	qsort(c.tpot, (size_t)c.ntpot, sizeof *c.tpot, cmp_dbl);
	qsort(c.e2e, (size_t)m, sizeof *c.e2e, cmp_dbl);
	qsort(c.queue, (size_t)m, sizeof *c.queue, cmp_dbl);
	st->ttft_p50_s = serve_percentile(c.ttft, m, 0.50);
	st->ttft_p90_s = serve_percentile(c.ttft, m, 0.90);
	st->ttft_p99_s = serve_percentile(c.ttft, m, 0.99);
	st->tpot_p50_s = serve_percentile(c.tpot, c.ntpot, 0.50);
	st->tpot_p90_s = serve_percentile(c.tpot, c.ntpot, 0.90);
	st->tpot_p99_s = serve_percentile(c.tpot, c.ntpot, 0.99);
	st->e2e_p50_s = serve_percentile(c.e2e, m, 0.50);
	st->e2e_p90_s = serve_percentile(c.e2e, m, 0.90);
	st->e2e_p99_s = serve_percentile(c.e2e, m, 0.99);
	st->queue_p50_s = serve_percentile(c.queue, m, 0.50);
	st->queue_p99_s = serve_percentile(c.queue, m, 0.99);
	double qs = 0;
	for (long i = 0; i < m; i++)
		qs += c.queue[i];
	st->queue_mean_s = m > 0 ? qs / m : 0;
	st->slo_attainment = m > 0 ? st->slo_attainment / m : 0;
	double span = st->makespan_s > 0 ? st->makespan_s : 1e-9;
	st->throughput_tokens_per_s = st->output_tokens / span;
	st->requests_per_s = m / span;
	st->gpu_util_mean = c.busy_ns / (span * 1e9 * s->replicas);
	st->kv_util_mean = c.kv_ns / (span * 1e9 * s->replicas);
	st->batch_mean = st->iterations > 0 ? c.batch_sum / st->iterations : 0;
	for (int j = 0; j < s->replicas; j++) {
		double pk = (double)c.rep[j].kv.peak_used / c.rep[j].kv.total;
		if (pk > st->kv_util_peak)
			st->kv_util_peak = pk;
	}
	st->series_step_s = c.step_ns * 1e-9;
	st->nseries = (int)ceil(span / st->series_step_s);
	if (st->nseries > SERVE_SERIES_MAX)
		st->nseries = SERVE_SERIES_MAX;
	for (int k = 0; k < st->nseries; k++) {
		const bucket *bk = &c.buckets[k];
		serve_sample *o = &st->series[k];
		double w = c.step_ns * s->replicas;
		o->t_s = k * st->series_step_s;
		o->gpu_util = bk->busy_ns / w;
		o->kv_util = bk->kv_ns / w;
		o->tokens_per_s = bk->tokens / st->series_step_s;
		o->running = bk->running_ns / c.step_ns;
	}
	ctx_free(&c);
	*out = *st;
	free(st);
	return 0;
}

int serve_slo_met(const slo_cfg *o, const serve_stats *st)
{
	if (st->rejected > 0 || st->completed < 1)
		return 0;
	if ((o->ttft_p50_s > 0 && st->ttft_p50_s > o->ttft_p50_s) ||
	    (o->ttft_p99_s > 0 && st->ttft_p99_s > o->ttft_p99_s) ||
	    (o->tpot_p50_s > 0 && st->tpot_p50_s > o->tpot_p50_s) ||
	    (o->tpot_p99_s > 0 && st->tpot_p99_s > o->tpot_p99_s) ||
	    (o->e2e_p99_s > 0 && st->e2e_p99_s > o->e2e_p99_s))
		return 0;
	double window = st->last_arrival_s;
	if (window <= 0)
		return 1; /* offline: everything arrived at once, nothing to keep up with */
	return st->makespan_s - st->last_arrival_s <= 0.05 * window + st->e2e_p99_s;
}
