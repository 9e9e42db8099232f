/* bench_flow.c -- the flow network's two costs on a leaf-spine (two-tier fat-tree)
 * fabric with 2:1 oversubscribed leaf uplinks and flows between random hosts (2 hops
 * within a leaf, 4 across the spine, the spine picked at random as ECMP would).
 *
 * (1) Full solve: N flows started at once, then flow_net_solve_all() timed REPEATS
 *     times; prints the median in microseconds per active flow (target <= 0.3).
 * (2) Churn: N flows in flight, each completion starts a new flow of a random size,
 *     so every event is a start or an end at its own timestamp; prints the wall time
 *     per flow event (target <= 20 us at 1k flows, <= 50 us at 16k), with how many
 *     flows each solve had to re-solve and re-rate and how it solved them; then the
 *     same run with every local solve by progressive filling, for comparison (see
 *     flow_net_set_relevel()).
 * (3) Rings: the same number of flows in flight, shaped like collectives: rings of 8
 *     hosts on 8 different leaves, each sending 2 MB chunks to its successor; all 8
 *     flows of a ring step start at one timestamp and the ring's next step starts
 *     when the last of them ends (a ring all-reduce is 14 such steps; each ring picks
 *     its spine afresh per step, as ECMP would per connection). Same measure.
 * Two fabrics at 16k flows: the dense stress case (1,024 hosts, ~16 flows per host, so
 * one event re-rates hundreds of flows) and the sparse one sized to the flows (16,384
 * hosts, ~1 flow per host, as a 16k-GPU cluster's fabric sees them), where links
 * outnumber flows three to one. The full-solve line also gives the memory the links
 * hold (records and flow lists) per link.
 * One core, CLOCK_MONOTONIC, deterministic inputs. Arguments, if any, pick the cases
 * to run by flow count or fabric label (e.g. "bench_flow 1000", "bench_flow sparse"). */
#include "sim/engine/flow.h"
#include "sim/engine/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPEATS 7
#define HOST_BW_BPS 50e9           /* 400 Gb/s NICs and switch ports */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef struct {
	uint64_t state;
} mix;

static uint64_t mix_next(mix *m)
{
	uint64_t x = (m->state += 0x9e3779b97f4a7c15u);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static double mix_unit(mix *m)
{
	return (double)(mix_next(m) >> 11) * 0x1p-53;
}

/* A leaf-spine fabric: host h hangs off leaf h / per_leaf. */
typedef struct {
	int hosts, per_leaf, leaves, spines;
	link_id *host_up, *host_down;          /* [hosts] */
	link_id *leaf_up, *leaf_down;          /* [leaves * spines] */
} fabric;

static void fabric_build(fabric *fb, flow_net *net, int hosts, int per_leaf, int spines)
{
	fb->hosts = hosts;
	fb->per_leaf = per_leaf;
	fb->leaves = hosts / per_leaf;
	fb->spines = spines;
	fb->host_up = malloc((size_t)hosts * sizeof *fb->host_up);
	fb->host_down = malloc((size_t)hosts * sizeof *fb->host_down);
	fb->leaf_up = malloc((size_t)(fb->leaves * spines) * sizeof *fb->leaf_up);
	fb->leaf_down = malloc((size_t)(fb->leaves * spines) * sizeof *fb->leaf_down);
	if (!fb->host_up || !fb->host_down || !fb->leaf_up || !fb->leaf_down) {
		fprintf(stderr, "bench_flow: out of memory\n");
		exit(1);
	}
	for (int h = 0; h < hosts; h++) {
		fb->host_up[h] = flow_link_add(net, HOST_BW_BPS, 500);
		fb->host_down[h] = flow_link_add(net, HOST_BW_BPS, 500);
	}
	for (int i = 0; i < fb->leaves * spines; i++) {
		fb->leaf_up[i] = flow_link_add(net, HOST_BW_BPS, 600);
		fb->leaf_down[i] = flow_link_add(net, HOST_BW_BPS, 600);
	}
}

static void fabric_free(fabric *fb)
{
	free(fb->host_up);
	free(fb->host_down);
	free(fb->leaf_up);
	free(fb->leaf_down);
}

/* Writes a random host pair's path; returns its hop count. */
static int fabric_path(const fabric *fb, mix *m, link_id *path)
{
	int src = (int)(mix_next(m) % (uint64_t)fb->hosts), dst;
	do
		dst = (int)(mix_next(m) % (uint64_t)fb->hosts);
	while (dst == src);
	int ls = src / fb->per_leaf, ld = dst / fb->per_leaf;
	if (ls == ld) {
		path[0] = fb->host_up[src];
		path[1] = fb->host_down[dst];
		return 2;
	}
	int sp = (int)(mix_next(m) % (uint64_t)fb->spines);
	path[0] = fb->host_up[src];
	path[1] = fb->leaf_up[ls * fb->spines + sp];
	path[2] = fb->leaf_down[ld * fb->spines + sp];
	path[3] = fb->host_down[dst];
	return 4;
}

/* Writes the counters that changed from a to b to *delta; returns the flow events
 * (starts and ends) between them. */
static uint64_t stats_delta(const flow_stats *a, const flow_stats *b, flow_stats *delta)
{
	delta->solves = b->solves - a->solves;
	delta->rounds = b->rounds - a->rounds;
	delta->widened = b->widened - a->widened;
	delta->solved_flows = b->solved_flows - a->solved_flows;
	delta->rerated = b->rerated - a->rerated;
	delta->rebottlenecked = b->rebottlenecked - a->rebottlenecked;
	delta->started = b->started - a->started;
	delta->finished = b->finished - a->finished;
	delta->skipped = b->skipped - a->skipped;
	delta->skip_redone = b->skip_redone - a->skip_redone;
	delta->relevels = b->relevels - a->relevels;
	delta->relevel_undone = b->relevel_undone - a->relevel_undone;
	return delta->started + delta->finished;
}

typedef struct {
	int flows;                 /* in flight */
	int hosts, per_leaf, spines;
	uint64_t churn_ends;       /* completions timed in the churn run */
	double solve_target_us;    /* per active flow */
	double event_target_us;
	const char *label;         /* "dense" or "sparse", printed and matched by argv */
} bench_case;

typedef struct {
	flow_net *net;
	fabric *fb;
	mix m;
	uint64_t ends_left;
	uint64_t ends;
} churn_state;

static void churn_start(churn_state *c);

static void churn_done(sim *s, void *arg, uint64_t data)
{
	(void)data;
	churn_state *c = arg;
	c->ends++;
	if (c->ends_left > 0 && --c->ends_left == 0)
		sim_stop(s);
	churn_start(c);
}

static void churn_start(churn_state *c)
{
	link_id path[4];
	int hops = fabric_path(c->fb, &c->m, path);
	/* 1 MB to 64 MB, log-uniform. */
	double bytes = 1e6 * exp2(6 * mix_unit(&c->m));
	if (flow_start(c->net, path, hops, bytes, 0, churn_done, c, 0, NULL) != 0) {
		fprintf(stderr, "bench_flow: flow_start failed\n");
		exit(1);
	}
}

#define RING_SIZE 8
#define RING_CHUNK_BYTES 2e6

typedef struct rings_state rings_state;

typedef struct {
	rings_state *rs;
	int first;                 /* host of member 0; member j is first + j * stride */
	int left;                  /* flows of the current step not yet ended */
} ring;

struct rings_state {
	flow_net *net;
	fabric *fb;
	mix m;
	ring *rings;
	int n_rings, stride;
	uint64_t ends_left;
};

/* Writes the path from host src to host dst, through a random spine if they are on
 * different leaves; returns its hop count. */
static int fabric_path_between(const fabric *fb, mix *m, int src, int dst, link_id *path)
{
	int ls = src / fb->per_leaf, ld = dst / fb->per_leaf;
	if (ls == ld) {
		path[0] = fb->host_up[src];
		path[1] = fb->host_down[dst];
		return 2;
	}
	int sp = (int)(mix_next(m) % (uint64_t)fb->spines);
	path[0] = fb->host_up[src];
	path[1] = fb->leaf_up[ls * fb->spines + sp];
	path[2] = fb->leaf_down[ld * fb->spines + sp];
	path[3] = fb->host_down[dst];
	return 4;
}

static void ring_step(ring *r);

static void ring_done(sim *s, void *arg, uint64_t data)
{
	(void)data;
	ring *r = arg;
	if (r->rs->ends_left > 0 && --r->rs->ends_left == 0)
		sim_stop(s);
	if (--r->left == 0)
		ring_step(r);
}

/* Starts the RING_SIZE flows of ring r's next step, all at this timestamp. */
static void ring_step(ring *r)
{
	rings_state *rs = r->rs;
	int hosts = rs->fb->hosts;
	r->left = RING_SIZE;
	for (int j = 0; j < RING_SIZE; j++) {
		int src = (r->first + j * rs->stride) % hosts;
		int dst = (r->first + ((j + 1) % RING_SIZE) * rs->stride) % hosts;
		link_id path[4];
		int hops = fabric_path_between(rs->fb, &rs->m, src, dst, path);
		if (flow_start(rs->net, path, hops, RING_CHUNK_BYTES, 0, ring_done, r, 0,
			       NULL) != 0) {
			fprintf(stderr, "bench_flow: flow_start failed\n");
			exit(1);
		}
	}
}

/* (3): microseconds per flow event with bc->flows in flight in rings. */
static double bench_rings(const bench_case *bc, flow_stats *delta, uint64_t *events)
{
	sim *s = sim_new(1024);
	flow_net *net = flow_net_new(s);
	fabric fb;
	fabric_build(&fb, net, bc->hosts, bc->per_leaf, bc->spines);
	rings_state rs = { net, &fb, { 11 }, NULL, bc->flows / RING_SIZE,
			   bc->hosts / RING_SIZE, 0 };
	rs.rings = malloc((size_t)rs.n_rings * sizeof *rs.rings);
	if (!rs.rings) {
		fprintf(stderr, "bench_flow: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < rs.n_rings; i++) {
		/* Rings start on successive hosts, so each host is in flows / hosts
		 * rings (channels), on different leaves with a stride of hosts / 8. */
		rs.rings[i] = (ring){ &rs, i % bc->hosts, 0 };
		ring_step(&rs.rings[i]);
	}
	rs.ends_left = (uint64_t)bc->flows / 2 + 200;
	sim_run(s, UINT64_MAX);
	flow_stats a, b;
	flow_net_stats(net, &a);
	rs.ends_left = bc->churn_ends;
	double t0 = now_s();
	sim_run(s, UINT64_MAX);
	double dt = now_s() - t0;
	flow_net_stats(net, &b);
	*events = stats_delta(&a, &b, delta);
	free(rs.rings);
	fabric_free(&fb);
	flow_net_free(net);
	sim_free(s);
	return dt * 1e6 / (double)*events;
}

/* (1): median microseconds per active flow of a full solve. */
static double bench_full_solve(const bench_case *bc, double *per_flow_links,
			       double *link_bytes)
{
	sim *s = sim_new(1024);
	flow_net *net = flow_net_new(s);
	fabric fb;
	fabric_build(&fb, net, bc->hosts, bc->per_leaf, bc->spines);
	churn_state c = { net, &fb, { 42 }, 0, 0 };
	for (int i = 0; i < bc->flows; i++)
		churn_start(&c);
	sim_run(s, 0);                        /* the first solve */
	flow_net_solve_all(net);              /* warm */
	double t[REPEATS];
	for (int k = 0; k < REPEATS; k++) {
		double t0 = now_s();
		flow_net_solve_all(net);
		t[k] = now_s() - t0;
	}
	qsort(t, REPEATS, sizeof t[0], cmp_double);
	*per_flow_links = (double)flow_link_count(net);
	flow_memory fm;
	flow_net_memory(net, &fm);
	*link_bytes = (double)fm.link_bytes / (double)flow_link_count(net);
	fabric_free(&fb);
	flow_net_free(net);
	sim_free(s);
	return t[REPEATS / 2] * 1e6 / bc->flows;
}

/* (2): microseconds per flow event with bc->flows in flight; `relevel` 0: local
 * solves by progressive filling only. */
static double bench_churn(const bench_case *bc, int relevel, flow_stats *delta,
			  uint64_t *events)
{
	sim *s = sim_new(1024);
	flow_net *net = flow_net_new(s);
	if (!relevel)
		flow_net_set_relevel(net, 0);
	fabric fb;
	fabric_build(&fb, net, bc->hosts, bc->per_leaf, bc->spines);
	churn_state c = { net, &fb, { 7 }, 0, 0 };
	for (int i = 0; i < bc->flows; i++)
		churn_start(&c);
	/* Warm up: let sizes and rates mix, and the pools reach their peak. */
	c.ends_left = (uint64_t)bc->flows / 2 + 200;
	sim_run(s, UINT64_MAX);
	flow_stats a, b;
	flow_net_stats(net, &a);
	c.ends_left = bc->churn_ends;
	double t0 = now_s();
	sim_run(s, UINT64_MAX);
	double dt = now_s() - t0;
	flow_net_stats(net, &b);
	*events = stats_delta(&a, &b, delta);
	fabric_free(&fb);
	flow_net_free(net);
	sim_free(s);
	return dt * 1e6 / (double)*events;
}

/* Prints one line of figures for a run of flow events, judged against the case's
 * target unless it is only there for comparison. */
static void print_events(const char *what, const bench_case *bc, double ev_us,
			 uint64_t events, const flow_stats *d, int judged)
{
	double n = (double)d->solves;
	char verdict[64];
	if (judged)
		snprintf(verdict, sizeof verdict, "target<=%.0f %s", bc->event_target_us,
			 ev_us <= bc->event_target_us ? "met" : "NOT MET");
	else
		snprintf(verdict, sizeof verdict, "(for comparison)");
	printf("flow %s: %s in-flight=%d events=%llu us/event=%.2f %s"
	       " (per solve: %.1f flows solved, %.1f re-rated; %.1f%% re-levelled,"
	       " %.2f%% re-levelling given up; %.2f rounds of filling,"
	       " %.1f%% widened to components, %.2f kept by another bottleneck,"
	       " %.1f links left out, %.2f%% of rounds filled again)\n",
	       what, bc->label, bc->flows, (unsigned long long)events, ev_us, verdict,
	       (double)d->solved_flows / n, (double)d->rerated / n,
	       100.0 * (double)d->relevels / n, 100.0 * (double)d->relevel_undone / n,
	       (double)d->rounds / n, 100.0 * (double)d->widened / n,
	       (double)d->rebottlenecked / n, (double)d->skipped / n,
	       d->rounds > 0 ? 100.0 * (double)d->skip_redone / (double)d->rounds : 0.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const bench_case cases[] = {
		/* 128 hosts, 8 leaves x 16, 8 spines: 384 links. */
		{ 1000, 128, 16, 8, 20000, 0.3, 20, "dense" },
		/* The dense stress case: 1024 hosts, 32 leaves x 32, 16 spines, 3072
		 * links, ~16 flows per host, so every link is shared by many flows. */
		{ 16000, 1024, 32, 16, 5000, 0.3, 50, "dense" },
		/* Sized to the flows, as a 16k-GPU cluster's fabric sees them: 16384
		 * hosts, 512 leaves x 32, 16 spines, 49152 links, ~1 flow per host. */
		{ 16000, 16384, 32, 16, 5000, 0.3, 50, "sparse" },
	};
	flow_memory fm;
	{
		sim *s = sim_new(16);
		flow_net *net = flow_net_new(s);
		flow_net_memory(net, &fm);
		flow_net_free(net);
		sim_free(s);
	}
	printf("flow link record: sizeof(flow_link)=%zu bytes\n", fm.link_record_bytes);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const bench_case *bc = &cases[i];
		int wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			wanted |= strtol(argv[a], NULL, 10) == bc->flows ||
				  strcmp(argv[a], bc->label) == 0;
		if (!wanted)
			continue;
		double links, link_bytes;
		double us = bench_full_solve(bc, &links, &link_bytes);
		printf("flow full solve: %s flows=%d hosts=%d links=%.0f us/flow=%.3f"
		       " (median of %d) target<=%.2f %s; links hold %.0f bytes/link\n",
		       bc->label, bc->flows, bc->hosts, links, us, REPEATS,
		       bc->solve_target_us, us <= bc->solve_target_us ? "met" : "NOT MET",
		       link_bytes);
		fflush(stdout);
		flow_stats d;
		uint64_t events;
		double ev_us = bench_churn(bc, 1, &d, &events);
		print_events("churn", bc, ev_us, events, &d, 1);
		ev_us = bench_churn(bc, 0, &d, &events);
		print_events("churn, filling only", bc, ev_us, events, &d, 0);
		ev_us = bench_rings(bc, &d, &events);
		print_events("rings", bc, ev_us, events, &d, 1);
		fflush(stdout);
	}
	return 0;
}
