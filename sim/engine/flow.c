/* flow.c -- max-min fair sharing by progressive filling, re-solved locally once per
 * timestamp.
 *
 * Invariant: between solves every active flow's rate is the max-min fair rate of the
 * flows as they were at the last solve, and each flow on a link knows its bottleneck
 * (`bott`: the link it was frozen at, FLOW_BOTT_CAP if frozen at its own cap). A
 * link's `load` is the sum of its flows' rates as of the last solve that touched it.
 * Completions wait in the network's own heap, keyed by (time, order scheduled), a
 * re-rated flow's entry moving in place; the engine holds one event for the
 * earliest (a stale one, left when an earlier completion arrived, finds nothing).
 *
 * How a solve stays local. The changed links D (flows started or ended there) seed a
 * set R: the new flows and the flows bottlenecked on a D link. A round re-solves R by
 * progressive filling over R's links, each link's capacity reduced by the rates of the
 * flows not in R, which stay fixed; a fixed flow found faster than the level at which
 * one of its links fills joins R there. The result is the max-min allocation of the
 * whole network exactly when every flow has a bottleneck (a saturated link on which
 * it is the fastest): R's flows do by construction, and a fixed flow can lose its
 * bottleneck only if that link is in T = D + R's links. A round checks just those
 * (a flow with another full link where it is fastest just takes that one as its
 * bottleneck), gives R its rates, and the next round re-solves only the flows that
 * failed, holding every other rate, this round's included, fixed. Rates reach the
 * completion heap once, at the end, for the flows whose rate changed over the whole
 * solve (S). After FLOW_MAX_ROUNDS rounds, or once S would hold half the flows, the
 * solve widens to the connected components of D and solves them outright.
 *
 * Per-link aggregates (sum and an upper bound of the rates, the number of flows
 * bottlenecked there and a lower bound of their rates) are kept up to date by every
 * change, so a solve touches R's flows and their links and walks a link's list only
 * where a fixed flow may be faster than a level or may have lost its bottleneck.
 * Loops that decide anything visible (tie-breaks between equally loaded links, the
 * order in which completions are scheduled) run by id; other loops follow list
 * orders, which depend only on the calls made. */
#include "sim/engine/flow.h"

#include "sim/engine/pool.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_BOTT_CAP (-1)         /* frozen at its own rate cap */
#define FLOW_BOTT_NONE (-2)        /* not solved yet */

#define FLOW_ACTIVE 1
#define FLOW_CAPPED 2              /* saves the solver a look at flow_cold */

/* Relative slack of the bottleneck checks; rounding in a solve is ~1e-14. */
#define FLOW_TOL 1e-10
/* An incremental solve keeps a flow's old rate if the new one is this close, so
 * rounding noise does not reschedule completions. */
#define FLOW_STICKY 1e-12
/* Local rounds before a solve widens to whole connected components. */
#define FLOW_MAX_ROUNDS 16

typedef struct {
	int32_t flow;
	int32_t hop;               /* index of this link in the flow's path */
} link_entry;

typedef struct {
	/* What a fill reads and writes, in the first cache line. */
	double cap_Bps;
	double rem_Bps;            /* solver: capacity not yet given out */
	double fixed_Bps;          /* solver: sum of the rates of the flows not in R */
	double sum_Bps;            /* sum of the rates of its flows (0 exactly when
	                            * n == 0), kept up to date by every change */
	int32_t nr;                /* solver: flows of R on it not yet frozen */
	int32_t nrt;               /* solver: flows of R on it */
	uint32_t mark;             /* in L when equal to the epoch */
	int32_t hpos;              /* fill: index in net->lh, -1 if not there */
	int32_t rhead;             /* solver: R's hops on it, a list through
	                            * flow_hop.rnext */
	int32_t n;                 /* its active flows */
	link_entry *list;          /* them, in no particular order */
	/* More aggregates over its flows, so a solve reads a link without walking its
	 * list, and solver scratch valid when the named mark equals the epoch. */
	double max_ub_Bps;         /* an upper bound of their rates */
	double bmin_Bps;           /* a lower bound of the rates of those with bott here */
	double fixed_max_Bps;      /* max rate of the flows not in R (scan_mark) */
	double acc_Bps;            /* measure/commit: sum of R's new rates */
	double mx_Bps;             /* measure/commit: max of R's new rates */
	double bmin_scan_Bps;      /* min rate of fixed flows with bott here (bscan_mark) */
	double bmin_new_Bps;       /* min new rate of R's flows with bott here */
	int32_t nb;                /* flows whose bott is this link */
	int32_t nb_r;              /* measure: flows of R whose old bott is this link */
	int32_t bcnt;              /* measure/commit: R's flows with new bott here */
	uint32_t scan_mark, bscan_mark;
	uint32_t smark;            /* in net->sl when equal to net->sepoch */
	int32_t dirty;             /* in net->dirty */
	int32_t list_cap;
	/* Counters, brought up to date at the solves that touch it. */
	double load_Bps;           /* sum of the rates of its flows, as of t_ns */
	double carried_bytes;      /* integral of load up to t_ns */
	uint64_t busy_ns;          /* time with load > 0 up to t_ns */
	uint64_t t_ns;
	uint64_t lat_ns;
} flow_link;

/* The per-flow fields the solver reads, packed into one 32-byte record. */
typedef struct {
	double rate_Bps;
	double new_Bps;            /* solver: < 0 while unfrozen */
	int32_t bott;              /* as of the last solve that gave it its rate */
	uint32_t mark;             /* in R when equal to the epoch */
	int32_t new_bott;          /* solver: where it froze */
	int16_t hops;
	int16_t active;            /* FLOW_ACTIVE, plus FLOW_CAPPED if it has a cap */
} flow_hot;

typedef struct {
	int32_t link;
	int32_t slot;              /* index of this flow in the link's list */
	int32_t rnext;             /* solver: next hop of R on the link (flow * FLOW_MAX_HOPS
	                            * + hop), -1 at the end */
} flow_hop;

typedef struct {
	double left_bytes;         /* as of t_ns */
	double cap_Bps;
	uint64_t t_ns;
	uint64_t lat_ns;
	sim_handler done;
	void *arg;
	uint64_t data;
	int32_t cpos;              /* index in net->ch, -1 if not there */
	uint32_t smark;            /* in S (touched by the solve running) when equal to
	                            * net->sepoch */
	double old_Bps;            /* its rate before the solve running, if in S */
} flow_cold;

/* A flow's completion: at t_ns, ties broken by the order of scheduling. */
typedef struct {
	uint64_t t_ns;
	uint64_t seq;
	int32_t flow;
} done_node;

/* A link (id >= 0) or the rate cap of flow -id - 1, keyed by the level at which it
 * binds (for a link, a lower bound of it). */
typedef struct {
	double key;
	int32_t id;
} heap_node;

struct flow_net {
	sim *s;
	flow_link *links;
	int32_t n_links, links_cap;

	flow_hot *hot;
	flow_cold *cold;
	flow_hop *path;            /* FLOW_MAX_HOPS per flow */
	int32_t n_slots, slots_cap;
	int32_t *free_ids;
	int32_t n_free;
	int32_t n_active;

	int32_t *dirty;            /* links changed since the last solve */
	int32_t n_dirty, dirty_cap;
	int32_t *fresh;            /* flows started since the last solve */
	int32_t n_fresh, fresh_cap;
	int solve_pending;

	/* Solver scratch, grown geometrically and reused. */
	uint32_t epoch;
	int32_t *r;                /* flows being solved */
	int32_t n_r, r_cap;
	int32_t n_unfrozen;        /* fill: flows of R not yet frozen */
	int starved;               /* fill: a flow of R froze at rate 0 */
	int32_t *l;                /* their links */
	int32_t n_l, l_cap;
	heap_node *heap;           /* fill: the capped flows of R, by cap */
	int32_t n_heap, heap_cap;
	done_node *ch;             /* completions of the active flows, earliest first */
	int32_t n_ch, ch_cap;
	uint64_t ch_seq;           /* completions scheduled so far: the tie-break */
	uint64_t ev_t;             /* time of the earliest engine event pending for ch
	                            * (UINT64_MAX if none) */
	heap_node *lh;             /* fill: L's links, by share (indexed by hpos) */
	int32_t n_lh, lh_cap;
	uint32_t sepoch;           /* solve number, for the S marks */
	int32_t *sf;               /* S: flows whose rate the solve running may change */
	int32_t n_sf, sf_cap;
	int32_t *sl;               /* links whose load it may change (D and the L's) */
	int32_t n_sl, sl_cap;
	uint64_t *bits;            /* flow ids of S, to visit them in id order */
	int32_t bits_cap;

	flow_stats st;
};

static void flow_done_ev(sim *s, void *arg, uint64_t data);
static void flow_solve_ev(sim *s, void *arg, uint64_t data);

/* Returns p reallocated to room for `need` elements of `size` bytes, growing *cap
 * from `first` by half again each time (amortised O(1), and at most a third of a
 * large array idle) (aborts with a message if memory runs out). */
static void *grow_from(void *p, int32_t *cap, int32_t need, size_t size, int32_t first)
{
	if (need <= *cap)
		return p;
	int64_t c = *cap ? *cap : first;
	while (c < need)
		c += c / 2 > 0 ? c / 2 : 1;
	if (c > INT32_MAX)
		c = INT32_MAX;
	*cap = (int32_t)c;
	return pool_xrealloc(p, (size_t)c * size);
}

static void *grow_to(void *p, int32_t *cap, int32_t need, size_t size)
{
	return grow_from(p, cap, need, size, 16);
}

#define GROW(arr, cap, need) ((arr) = grow_to((arr), &(cap), (need), sizeof *(arr)))

flow_net *flow_net_new(sim *s)
{
	flow_net *net = pool_xrealloc(NULL, sizeof *net);
	memset(net, 0, sizeof *net);
	net->s = s;
	net->ev_t = UINT64_MAX;
	return net;
}

void flow_net_free(flow_net *net)
{
	if (!net)
		return;
	for (int32_t i = 0; i < net->n_links; i++)
		free(net->links[i].list);
	free(net->links);
	free(net->hot);
	free(net->cold);
	free(net->path);
	free(net->free_ids);
	free(net->dirty);
	free(net->fresh);
	free(net->r);
	free(net->l);
	free(net->heap);
	free(net->lh);
	free(net->ch);
	free(net->bits);
	free(net->sf);
	free(net->sl);
	free(net);
}

link_id flow_link_add(flow_net *net, double capacity_Bps, uint64_t latency_ns)
{
	if (!(capacity_Bps > 0) || !isfinite(capacity_Bps) || net->n_links == INT32_MAX)
		return -EINVAL;
	GROW(net->links, net->links_cap, net->n_links + 1);
	flow_link *k = &net->links[net->n_links];
	memset(k, 0, sizeof *k);
	k->cap_Bps = capacity_Bps;
	k->lat_ns = latency_ns;
	k->bmin_Bps = INFINITY;
	k->t_ns = sim_now(net->s);
	return net->n_links++;
}

int flow_link_count(const flow_net *net)
{
	return net->n_links;
}

static void mark_dirty(flow_net *net, int32_t li)
{
	flow_link *k = &net->links[li];
	if (k->dirty)
		return;
	k->dirty = 1;
	GROW(net->dirty, net->dirty_cap, net->n_dirty + 1);
	net->dirty[net->n_dirty++] = li;
}

static void want_solve(flow_net *net)
{
	if (net->solve_pending)
		return;
	net->solve_pending = 1;
	sim_at(net->s, sim_now(net->s), flow_solve_ev, net, 0);
}

/* ---- the completion heap (4-ary, indexed by flow_cold.cpos) -------------------- */

static int ch_less(const done_node *a, const done_node *b)
{
	return a->t_ns < b->t_ns || (a->t_ns == b->t_ns && a->seq < b->seq);
}

static void ch_set(flow_net *net, int32_t i, done_node x)
{
	net->ch[i] = x;
	net->cold[x.flow].cpos = i;
}

static void ch_up(flow_net *net, int32_t i)
{
	done_node x = net->ch[i];
	while (i > 0) {
		int32_t p = (i - 1) / 4;
		if (!ch_less(&x, &net->ch[p]))
			break;
		ch_set(net, i, net->ch[p]);
		i = p;
	}
	ch_set(net, i, x);
}

static void ch_down(flow_net *net, int32_t i)
{
	done_node *h = net->ch;
	int32_t n = net->n_ch;
	done_node x = h[i];
	for (;;) {
		int32_t c = 4 * i + 1;
		if (c >= n)
			break;
		int32_t end = c + 4 < n ? c + 4 : n, m = c;
		for (int32_t j = c + 1; j < end; j++)
			if (ch_less(&h[j], &h[m]))
				m = j;
		if (!ch_less(&h[m], &x))
			break;
		ch_set(net, i, h[m]);
		i = m;
	}
	ch_set(net, i, x);
}

/* Removes entry i, marking its flow as not in the heap. */
static void ch_remove(flow_net *net, int32_t i)
{
	net->cold[net->ch[i].flow].cpos = -1;
	if (--net->n_ch == i)
		return;
	done_node last = net->ch[net->n_ch];
	int up = ch_less(&last, &net->ch[i]);
	ch_set(net, i, last);
	if (up)
		ch_up(net, i);
	else
		ch_down(net, i);
}

/* Makes sure an engine event is pending at or before the earliest completion. */
static void ch_arm(flow_net *net)
{
	if (net->n_ch > 0 && net->ch[0].t_ns < net->ev_t) {
		net->ev_t = net->ch[0].t_ns;
		sim_at(net->s, net->ev_t, flow_done_ev, net, net->ev_t);
	}
}

/* Schedules flow f's completion from now at its current rate, replacing the one it
 * had (it then ranks as scheduled last among completions at the same time). */
static void schedule_done(flow_net *net, int32_t f)
{
	flow_cold *c = &net->cold[f];
	double ns = c->left_bytes * 1e9 / net->hot[f].rate_Bps;
	uint64_t now = sim_now(net->s);
	uint64_t dt = ns < 1.8e19 ? (uint64_t)llround(ns) : UINT64_MAX;
	if (dt > UINT64_MAX - now)
		dt = UINT64_MAX - now;
	done_node x = { now + dt, net->ch_seq++, f };
	if (c->cpos < 0) {
		GROW(net->ch, net->ch_cap, net->n_ch + 1);
		c->cpos = net->n_ch++;
		net->ch[c->cpos] = x;
		ch_up(net, c->cpos);
	} else {
		int up = ch_less(&x, &net->ch[c->cpos]);
		net->ch[c->cpos] = x;
		if (up)
			ch_up(net, c->cpos);
		else
			ch_down(net, c->cpos);
	}
	ch_arm(net);
}

int flow_start(flow_net *net, const link_id *path, int hops, double bytes,
	       double cap_Bps, sim_handler done, void *arg, uint64_t data, flow_id *out)
{
	if (hops < 0 || hops > FLOW_MAX_HOPS || (hops > 0 && !path))
		return -EINVAL;
	if (!(bytes > 0) || !isfinite(bytes) || !(cap_Bps >= 0) || !isfinite(cap_Bps))
		return -EINVAL;
	if (hops == 0 && cap_Bps == 0)
		return -EINVAL;
	for (int i = 0; i < hops; i++) {
		if (path[i] < 0 || path[i] >= net->n_links)
			return -EINVAL;
		for (int j = 0; j < i; j++)
			if (path[j] == path[i])
				return -EINVAL;
	}
	int32_t f;
	if (net->n_free > 0) {
		f = net->free_ids[--net->n_free];
	} else {
		if (net->n_slots == INT32_MAX)
			return -EINVAL;
		int32_t need = net->n_slots + 1, cap = net->slots_cap;
		if (need > cap) {
			GROW(net->hot, cap, need);
			cap = net->slots_cap;
			GROW(net->cold, cap, need);
			cap = net->slots_cap;
			GROW(net->free_ids, cap, need);
			cap = net->slots_cap;
			net->path = grow_to(net->path, &cap, need,
					    FLOW_MAX_HOPS * sizeof *net->path);
			net->slots_cap = cap;
		}
		f = net->n_slots++;
		net->hot[f].mark = 0;
		net->cold[f].cpos = -1;
	}
	flow_hot *h = &net->hot[f];
	flow_cold *c = &net->cold[f];
	h->rate_Bps = 0;
	h->new_Bps = -1;
	h->bott = FLOW_BOTT_NONE;
	h->new_bott = FLOW_BOTT_NONE;
	h->hops = (int16_t)hops;
	h->active = (int16_t)(FLOW_ACTIVE | (cap_Bps > 0 ? FLOW_CAPPED : 0));
	c->left_bytes = bytes;
	c->cap_Bps = cap_Bps;
	c->t_ns = sim_now(net->s);
	c->done = done;
	c->arg = arg;
	c->data = data;
	c->lat_ns = 0;
	c->smark = 0;
	c->old_Bps = 0;
	c->cpos = -1;
	flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int i = 0; i < hops; i++) {
		flow_link *k = &net->links[path[i]];
		if (k->n == k->list_cap)
			/* most links carry a few flows: start small (a large fabric has
			 * several links per GPU) */
			k->list = grow_from(k->list, &k->list_cap, k->n + 1, sizeof *k->list, 2);
		k->list[k->n] = (link_entry){ f, i };
		p[i] = (flow_hop){ path[i], k->n, -1 };
		k->n++;
		c->lat_ns += k->lat_ns;
		mark_dirty(net, path[i]);
	}
	net->n_active++;
	net->st.started++;
	if (hops == 0) {
		h->rate_Bps = cap_Bps;
		h->bott = FLOW_BOTT_CAP;
		h->new_bott = FLOW_BOTT_CAP;
		schedule_done(net, f);
	} else {
		GROW(net->fresh, net->fresh_cap, net->n_fresh + 1);
		net->fresh[net->n_fresh++] = f;
		want_solve(net);
	}
	if (out)
		*out = f;
	return 0;
}

/* Ends active flow f now (its completion already out of the heap): frees its links,
 * asks for a solve, and calls or schedules its done handler. */
static void flow_end(flow_net *net, int32_t f)
{
	sim *s = net->s;
	flow_hot *h = &net->hot[f];
	flow_cold *c = &net->cold[f];
	flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int i = 0; i < h->hops; i++) {
		flow_link *k = &net->links[p[i].link];
		link_entry last = k->list[--k->n];
		if (p[i].slot != k->n) {
			k->list[p[i].slot] = last;
			net->path[(size_t)last.flow * FLOW_MAX_HOPS + last.hop].slot = p[i].slot;
		}
		k->sum_Bps -= h->rate_Bps;
		if (k->n == 0) {
			k->sum_Bps = 0;
			k->max_ub_Bps = 0;
		}
		mark_dirty(net, p[i].link);
	}
	if (h->bott >= 0 && --net->links[h->bott].nb == 0)
		net->links[h->bott].bmin_Bps = INFINITY;
	if (h->hops > 0)
		want_solve(net);
	h->active = 0;
	h->rate_Bps = 0;
	c->left_bytes = 0;
	net->free_ids[net->n_free++] = f;
	net->n_active--;
	net->st.finished++;
	sim_handler done = c->done;
	void *done_arg = c->arg;
	uint64_t done_data = c->data;
	uint64_t lat = c->lat_ns;
	if (!done)
		return;
	if (lat == 0)
		done(s, done_arg, done_data);
	else
		sim_after(s, lat, done, done_arg, done_data);
}

/* The engine event for the earliest completion: ends every flow due by now, in
 * (time, order scheduled) order, then arms the event for the next. */
static void flow_done_ev(sim *s, void *arg, uint64_t data)
{
	flow_net *net = arg;
	uint64_t now = sim_now(s);
	if (data == net->ev_t)
		net->ev_t = UINT64_MAX;
	while (net->n_ch > 0 && net->ch[0].t_ns <= now) {
		int32_t f = net->ch[0].flow;
		ch_remove(net, 0);
		flow_end(net, f);
	}
	ch_arm(net);
}

/* ---- progressive filling ------------------------------------------------------ */

static int heap_less(const heap_node *a, const heap_node *b)
{
	return a->key < b->key || (a->key == b->key && a->id < b->id);
}

static void heap_sift_down(heap_node *hp, int32_t n, int32_t i)
{
	heap_node x = hp[i];
	for (;;) {
		int32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && heap_less(&hp[c + 1], &hp[c]))
			c++;
		if (!heap_less(&hp[c], &x))
			break;
		hp[i] = hp[c];
		i = c;
	}
	hp[i] = x;
}

/* Appends a node; heap order is restored by heapify or by heap_push. */
static void heap_append(flow_net *net, double key, int32_t id)
{
	GROW(net->heap, net->heap_cap, net->n_heap + 1);
	net->heap[net->n_heap++] = (heap_node){ key, id };
}

static void heap_push(flow_net *net, double key, int32_t id)
{
	heap_append(net, key, id);
	heap_node *hp = net->heap;
	int32_t i = net->n_heap - 1;
	heap_node x = hp[i];
	while (i > 0) {
		int32_t p = (i - 1) / 2;
		if (!heap_less(&x, &hp[p]))
			break;
		hp[i] = hp[p];
		i = p;
	}
	hp[i] = x;
}

static void heap_pop(flow_net *net)
{
	net->heap[0] = net->heap[--net->n_heap];
	heap_sift_down(net->heap, net->n_heap, 0);
}

/* The link heap: 4-ary, keyed by (share lower bound, link id), each link at most
 * once, its index kept in hpos so a key can move in place. */
static int lh_less(const heap_node *a, const heap_node *b)
{
	return a->key < b->key || (a->key == b->key && a->id < b->id);
}

static void lh_set(flow_net *net, int32_t i, heap_node x)
{
	net->lh[i] = x;
	net->links[x.id].hpos = i;
}

static void lh_up(flow_net *net, int32_t i)
{
	heap_node x = net->lh[i];
	while (i > 0) {
		int32_t p = (i - 1) / 4;
		if (!lh_less(&x, &net->lh[p]))
			break;
		lh_set(net, i, net->lh[p]);
		i = p;
	}
	lh_set(net, i, x);
}

static void lh_down(flow_net *net, int32_t i)
{
	heap_node *h = net->lh;
	int32_t n = net->n_lh;
	heap_node x = h[i];
	for (;;) {
		int32_t c = 4 * i + 1;
		if (c >= n)
			break;
		int32_t m = c;
		if (c + 3 < n) {
			/* All four children: a tournament of two pairs. */
			int32_t a = lh_less(&h[c + 1], &h[c]) ? c + 1 : c;
			int32_t b = lh_less(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
			m = lh_less(&h[b], &h[a]) ? b : a;
		} else {
			for (int32_t j = c + 1; j < n; j++)
				if (lh_less(&h[j], &h[m]))
					m = j;
		}
		if (!lh_less(&h[m], &x))
			break;
		lh_set(net, i, h[m]);
		i = m;
	}
	lh_set(net, i, x);
}

/* Puts link li in the heap with key `key`, or lowers its key to `key` if it is
 * there with a higher one. */
static void lh_offer(flow_net *net, int32_t li, double key)
{
	flow_link *k = &net->links[li];
	if (k->hpos < 0) {
		GROW(net->lh, net->lh_cap, net->n_lh + 1);
		k->hpos = net->n_lh++;
		net->lh[k->hpos] = (heap_node){ key, li };
		lh_up(net, k->hpos);
	} else if (key < net->lh[k->hpos].key) {
		net->lh[k->hpos].key = key;
		lh_up(net, k->hpos);
	}
}

/* Takes entry i out of the heap. */
static void lh_remove(flow_net *net, int32_t i)
{
	net->links[net->lh[i].id].hpos = -1;
	if (--net->n_lh == i)
		return;
	heap_node last = net->lh[net->n_lh];
	int up = lh_less(&last, &net->lh[i]);
	lh_set(net, i, last);
	if (up)
		lh_up(net, i);
	else
		lh_down(net, i);
}

static void r_push(flow_net *net, int32_t f)
{
	GROW(net->r, net->r_cap, net->n_r + 1);
	net->r[net->n_r++] = f;
}

static void l_push(flow_net *net, int32_t li)
{
	GROW(net->l, net->l_cap, net->n_l + 1);
	net->l[net->n_l++] = li;
}


/* Starts a new epoch (R, L and T empty), clearing all marks when it would wrap. */
static void next_epoch(flow_net *net)
{
	if (net->epoch >= UINT32_MAX - 2) {
		for (int32_t i = 0; i < net->n_slots; i++)
			net->hot[i].mark = 0;
		for (int32_t i = 0; i < net->n_links; i++) {
			net->links[i].mark = 0;
			net->links[i].scan_mark = 0;
			net->links[i].bscan_mark = 0;
		}
		net->epoch = 0;
	}
	net->epoch++;
}

static double share_of(const flow_link *k)
{
	return (k->rem_Bps > 0 ? k->rem_Bps : 0) / k->nr;
}

/* The hop index of flow f's hop j, as the R lists store it. */
static int32_t hop_index(int32_t f, int j)
{
	return f * FLOW_MAX_HOPS + j;
}

/* Adds link li to the links whose load the solve running may change. */
static void sl_add(flow_net *net, int32_t li)
{
	flow_link *k = &net->links[li];
	if (k->smark != net->sepoch) {
		k->smark = net->sepoch;
		GROW(net->sl, net->sl_cap, net->n_sl + 1);
		net->sl[net->n_sl++] = li;
	}
}

/* Starts link li's membership of L: no flow of R on it yet, all its flows fixed. */
static void link_open(flow_net *net, int32_t li)
{
	flow_link *k = &net->links[li];
	k->mark = net->epoch;
	k->nr = 0;
	k->nrt = 0;
	k->rhead = -1;
	k->hpos = -1;
	k->fixed_Bps = k->sum_Bps;
	k->acc_Bps = 0;
	k->mx_Bps = 0;
	k->nb_r = 0;
	k->bcnt = 0;
	k->bmin_new_Bps = INFINITY;
	l_push(net, li);
	sl_add(net, li);
}

/* Adds flow f, with rate `rate` so far, to the R list of each link on its path. */
static void r_link(flow_net *net, int32_t f)
{
	uint32_t e = net->epoch;
	flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	double rate = net->hot[f].rate_Bps;
	for (int j = 0; j < net->hot[f].hops; j++) {
		flow_link *k = &net->links[p[j].link];
		if (k->mark != e)
			link_open(net, p[j].link);
		k->nr++;
		k->nrt++;
		/* The last flow leaving the fixed set leaves exactly nothing. */
		k->fixed_Bps = k->nrt == k->n ? 0 : k->fixed_Bps - rate;
		p[j].rnext = k->rhead;
		k->rhead = hop_index(f, j);
	}
}

/* Moves fixed flow g into R while filling: its fixed rate goes back to its links,
 * which now wait for it too. */
static void unfix(flow_net *net, int32_t g)
{
	uint32_t e = net->epoch;
	flow_hot *h = &net->hot[g];
	h->mark = e;
	h->new_Bps = -1;
	r_push(net, g);
	net->n_unfrozen++;
	flow_hop *p = &net->path[(size_t)g * FLOW_MAX_HOPS];
	double rate = h->rate_Bps;
	for (int j = 0; j < h->hops; j++) {
		flow_link *k = &net->links[p[j].link];
		int fresh = k->mark != e;
		if (fresh)
			link_open(net, p[j].link);
		k->nr++;
		k->nrt++;
		k->fixed_Bps = k->nrt == k->n ? 0 : k->fixed_Bps - rate;
		/* Its rate goes back to the link, which now waits for it too. */
		if (fresh)
			k->rem_Bps = k->cap_Bps - k->fixed_Bps;
		else
			k->rem_Bps += rate;
		p[j].rnext = k->rhead;
		k->rhead = hop_index(g, j);
		lh_offer(net, p[j].link, share_of(k));
	}
	if (h->active & FLOW_CAPPED)
		heap_push(net, net->cold[g].cap_Bps, -g - 1);
}

static void freeze(flow_net *net, int32_t f, double rate, int32_t bott)
{
	flow_hot *h = &net->hot[f];
	h->new_Bps = rate;
	h->new_bott = bott;
	net->n_unfrozen--;
	if (!(rate > 0))
		net->starved = 1;
	/* The sums measure() and commit_round() read. */
	if (h->bott >= 0)
		net->links[h->bott].nb_r++;
	if (bott >= 0) {
		flow_link *b = &net->links[bott];
		b->bcnt++;
		if (rate < b->bmin_new_Bps)
			b->bmin_new_Bps = rate;
	}
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int j = 0; j < h->hops; j++) {
		flow_link *k = &net->links[p[j].link];
		k->rem_Bps -= rate;
		k->acc_Bps += rate;
		if (rate > k->mx_Bps)
			k->mx_Bps = rate;
		/* A link none of whose flows is left to freeze leaves the heap (most
		 * entries sit near the leaves, so this is cheaper than a pop). */
		if (--k->nr == 0 && k->hpos >= 0)
			lh_remove(net, k->hpos);
	}
}

/* Progressive filling of R (listed in r[]) with the other flows' rates fixed, except
 * that a fixed flow found faster than the level at which one of its links fills is
 * moved into R (it must slow down). Collects R's links into l[]; writes new_Bps and
 * new_bott of R's flows.
 *
 * A link's fixed load is its aggregate sum less R's old rates, so no link list is
 * walked except where a fixed flow may be faster than the level (max_ub_Bps says
 * when); R's flows on a link are found through its R list.
 *
 * The link heap holds each link with flows left to freeze once (key: a lower bound
 * of its share, the level at which it would fill; shares only grow as flows freeze,
 * so a root whose key is current is the minimum; a link whose share drops because a
 * flow moved into R has its key lowered in place). Capped flows wait in a second
 * heap keyed by their caps; at equal levels a cap binds first. The fill stops when
 * every flow of R has frozen. */
static void fill(flow_net *net)
{
	uint32_t e = net->epoch;
	for (int32_t i = 0; i < net->n_r; i++) {
		flow_hot *h = &net->hot[net->r[i]];
		h->mark = e;
		h->new_Bps = -1;
	}
	net->n_l = 0;
	net->n_heap = 0;
	net->n_lh = 0;
	net->n_unfrozen = net->n_r;
	net->starved = 0;
	for (int32_t i = 0; i < net->n_r; i++) {
		int32_t f = net->r[i];
		r_link(net, f);
		if (net->hot[f].active & FLOW_CAPPED)
			heap_append(net, net->cold[f].cap_Bps, -f - 1);
	}
	GROW(net->lh, net->lh_cap, net->n_l);
	for (int32_t i = 0; i < net->n_l; i++) {
		flow_link *k = &net->links[net->l[i]];
		k->rem_Bps = k->cap_Bps - k->fixed_Bps;
		lh_set(net, i, (heap_node){ share_of(k), net->l[i] });
	}
	net->n_lh = net->n_l;
	for (int32_t i = net->n_heap / 2 - 1; i >= 0; i--)
		heap_sift_down(net->heap, net->n_heap, i);
	for (int32_t i = (net->n_lh - 2) / 4; i >= 0 && net->n_lh > 1; i--)
		lh_down(net, i);
	/* Links left when every flow has frozen fill no further. */
	while (net->n_unfrozen > 0 && (net->n_lh > 0 || net->n_heap > 0)) {
		if (net->n_heap > 0 && (net->n_lh == 0 || net->heap[0].key <= net->lh[0].key)) {
			int32_t f = -net->heap[0].id - 1;
			double cap = net->heap[0].key;
			heap_pop(net);
			if (net->hot[f].new_Bps < 0)
				freeze(net, f, cap, FLOW_BOTT_CAP);
			continue;
		}
		heap_node *root = &net->lh[0];
		int32_t li = root->id;
		flow_link *k = &net->links[li];
		if (k->nr == 0) {
			lh_remove(net, 0);
			continue;
		}
		double share = share_of(k);
		if (share > root->key) {
			root->key = share;
			lh_down(net, 0);
			continue;
		}
		/* Fixed flows faster than this level must come down with it. */
		double lim = share * (1 + FLOW_TOL);
		double bound = k->nrt == k->n ? 0 :
			k->scan_mark == e ? k->fixed_max_Bps : k->max_ub_Bps;
		if (bound > lim) {
			int pulled = 0;
			double mx = 0;
			for (int32_t j = 0; j < k->n; j++) {
				int32_t g = k->list[j].flow;
				const flow_hot *hg = &net->hot[g];
				if (j + 4 < k->n)
					__builtin_prefetch(&net->hot[k->list[j + 4].flow]);
				if (hg->mark == e)
					continue;
				if (hg->rate_Bps > lim) {
					unfix(net, g);
					pulled = 1;
				} else if (hg->rate_Bps > mx) {
					mx = hg->rate_Bps;
				}
			}
			k->scan_mark = e;
			k->fixed_max_Bps = mx;
			if (pulled)
				continue;
		}
		lh_remove(net, 0);
		for (int32_t x = k->rhead; x >= 0 && k->nr > 0;) {
			int32_t f = x / FLOW_MAX_HOPS;
			x = net->path[x].rnext;
			if (net->hot[f].new_Bps < 0)
				freeze(net, f, share, li);
		}
		k->rem_Bps = 0;
	}
}

/* If fixed flow f, no longer sure of its bottleneck li, has another link on its path
 * that is full after this round and on which no flow is faster, makes that link its
 * bottleneck and returns 1 (its rate is max-min fair as it stands); else returns 0.
 * Reads L's links through the sums measure() gathered. */
static int rebottleneck(flow_net *net, int32_t f, int32_t li)
{
	uint32_t e = net->epoch;
	const flow_hot *h = &net->hot[f];
	double r = h->rate_Bps;
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int j = 0; j < h->hops; j++) {
		int32_t m = p[j].link;
		flow_link *k = &net->links[m];
		if (m == li)
			continue;
		double load, mx;
		if (k->mark == e) {
			load = k->fixed_Bps + k->acc_Bps;
			mx = k->scan_mark == e ? k->fixed_max_Bps : k->max_ub_Bps;
			if (k->mx_Bps > mx)
				mx = k->mx_Bps;
		} else {
			load = k->sum_Bps;
			mx = k->max_ub_Bps;
		}
		if (!(load >= k->cap_Bps * (1 - FLOW_TOL) && r >= mx * (1 - FLOW_TOL)))
			continue;
		flow_link *old = &net->links[li];
		if (--old->nb == 0)
			old->bmin_Bps = INFINITY;
		k->nb++;
		if (r < k->bmin_Bps)
			k->bmin_Bps = r;
		if (k->bscan_mark == e && r < k->bmin_scan_Bps)
			k->bmin_scan_Bps = r;
		net->hot[f].bott = m;
		net->hot[f].new_bott = m;
		net->st.rebottlenecked++;
		return 1;
	}
	return 0;
}

/* If `check`, finds the flows outside R that may no longer be max-min fair: a fixed
 * flow whose bottleneck is no longer full, or no longer has it as the fastest (a
 * fixed flow faster than R's flows where they froze was pulled into R by fill()).
 * Only L's links need a look: a link outside L and D kept its load, and one in D but
 * not in L has no flow bottlenecked on it that R's past rounds did not check. It
 * adds the flows to r[] for the next round. Returns the number added, or -1 if a
 * flow of R got no bandwidth.
 *
 * Links are read through their aggregates and the sums of R's new rates that
 * freeze() gathered: the fixed flows bottlenecked on a link were the fastest there
 * after the last solve, so only a rise of R's rates above their lower bound
 * (bmin_Bps) or a link no longer full makes the list worth walking. */
static int32_t measure(flow_net *net, int check)
{
	uint32_t e = net->epoch;
	int32_t n0 = net->n_r;
	if (!check)
		return 0;
	if (net->starved)
		return -1;
	for (int32_t i = 0; i < net->n_l; i++) {
		int32_t li = net->l[i];
		flow_link *k = &net->links[li];
		if (k->nb - k->nb_r <= 0)
			continue;              /* no fixed flow has its bottleneck here */
		double load = k->fixed_Bps + k->acc_Bps;
		int saturated = load >= k->cap_Bps * (1 - FLOW_TOL);
		if (saturated && !(k->mx_Bps * (1 - FLOW_TOL) > k->bmin_Bps))
			continue;
		/* Walk the list: exact load and fastest rate, then the flows to add. */
		double mx = 0;
		load = 0;
		for (int32_t j = 0; j < k->n; j++) {
			const flow_hot *h = &net->hot[k->list[j].flow];
			double r = h->mark == e ? h->new_Bps : h->rate_Bps;
			load += r;
			if (r > mx)
				mx = r;
		}
		saturated = load >= k->cap_Bps * (1 - FLOW_TOL);
		double max_lim = mx * (1 - FLOW_TOL);
		double bmin = INFINITY;
		for (int32_t j = 0; j < k->n; j++) {
			int32_t f = k->list[j].flow;
			flow_hot *h = &net->hot[f];
			if (h->mark == e || h->bott != li)
				continue;
			if (!saturated || h->rate_Bps < max_lim) {
				if (h->mark != e + 1 && !rebottleneck(net, f, li)) {
					h->mark = e + 1;
					r_push(net, f);
				}
			} else if (h->rate_Bps < bmin) {
				bmin = h->rate_Bps;
			}
		}
		k->bmin_scan_Bps = bmin;
		k->bscan_mark = e;
	}
	return net->n_r - n0;
}

/* Replaces R by the flows of the connected components (flows and links,
 * transitively) of the dirty links, in a new epoch. */
static void widen(flow_net *net)
{
	/* Two steps, past the mark measure() gave the flows it added. */
	next_epoch(net);
	next_epoch(net);
	uint32_t e = net->epoch;
	net->n_r = 0;
	for (int32_t i = 0; i < net->n_dirty; i++) {
		flow_link *k = &net->links[net->dirty[i]];
		k->mark = e;
		for (int32_t j = 0; j < k->n; j++) {
			int32_t f = k->list[j].flow;
			if (net->hot[f].mark != e) {
				net->hot[f].mark = e;
				r_push(net, f);
			}
		}
	}
	for (int32_t i = 0; i < net->n_r; i++) {
		int32_t f = net->r[i];
		const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
		for (int j = 0; j < net->hot[f].hops; j++) {
			flow_link *k = &net->links[p[j].link];
			if (k->mark == e)
				continue;
			k->mark = e;
			for (int32_t m = 0; m < k->n; m++) {
				int32_t g = k->list[m].flow;
				if (net->hot[g].mark != e) {
					net->hot[g].mark = e;
					r_push(net, g);
				}
			}
		}
	}
	/* fill() collects the links afresh. */
	next_epoch(net);
}

/* Starts a new solve: S and its links empty, clearing all S marks when the solve
 * number would wrap. */
static void next_solve(flow_net *net)
{
	if (net->sepoch == UINT32_MAX) {
		for (int32_t i = 0; i < net->n_slots; i++)
			net->cold[i].smark = 0;
		for (int32_t i = 0; i < net->n_links; i++)
			net->links[i].smark = 0;
		net->sepoch = 0;
	}
	net->sepoch++;
	net->n_sf = 0;
	net->n_sl = 0;
}

/* Ends a round: R's flows (r[0 .. n_r), as fill() and measure() left them, less
 * the n_added flows measure() appended) take their new rates and bottlenecks, and
 * L's aggregates follow (from the sums over R that measure() gathered). A flow first touched in this solve joins S with its old
 * rate. Later rounds hold these rates fixed like any other. */
static void commit_round(flow_net *net, int32_t n_added)
{
	uint32_t e = net->epoch;
	int32_t n = net->n_r - n_added;
	for (int32_t i = 0; i < n; i++) {
		int32_t f = net->r[i];
		flow_hot *h = &net->hot[f];
		flow_cold *c = &net->cold[f];
		if (c->smark != net->sepoch) {
			c->smark = net->sepoch;
			c->old_Bps = h->rate_Bps;
			GROW(net->sf, net->sf_cap, net->n_sf + 1);
			net->sf[net->n_sf++] = f;
		}
		h->rate_Bps = h->new_Bps;
		if (h->bott != h->new_bott) {
			if (h->bott >= 0)
				net->links[h->bott].nb--;
			if (h->new_bott >= 0)
				net->links[h->new_bott].nb++;
			h->bott = h->new_bott;
		}
	}
	for (int32_t i = 0; i < net->n_l; i++) {
		flow_link *k = &net->links[net->l[i]];
		int all_r = k->nrt == k->n;
		double sum = (all_r ? 0 : k->fixed_Bps) + k->acc_Bps;
		k->sum_Bps = sum > 0 ? sum : 0;
		double base = all_r ? 0 : k->scan_mark == e ? k->fixed_max_Bps : k->max_ub_Bps;
		k->max_ub_Bps = base > k->mx_Bps ? base : k->mx_Bps;
		/* Lower bound of the bottlenecked flows' rates: exact when R holds them
		 * all, else the fixed ones' bound (exact if measure walked the list). */
		if (k->nb == 0) {
			k->bmin_Bps = INFINITY;
		} else if (k->nb == k->bcnt) {
			k->bmin_Bps = k->bmin_new_Bps;
		} else {
			double fixed = k->bscan_mark == e ? k->bmin_scan_Bps : k->bmin_Bps;
			k->bmin_Bps = fixed < k->bmin_new_Bps ? fixed : k->bmin_new_Bps;
		}
	}
}

/* Ends the solve: brings the byte and busy integrals of the links it touched up to
 * now at their old loads; then, in id order, reschedules the completion of each flow
 * of S whose rate changed (unless `sticky` and by no more than FLOW_STICKY, when it
 * keeps its old rate); then installs the links' new loads. Clears the dirty and
 * fresh lists. */
static void finish_solve(flow_net *net, int sticky)
{
	uint64_t now = sim_now(net->s);
	for (int32_t i = 0; i < net->n_dirty; i++)
		sl_add(net, net->dirty[i]);
	for (int32_t i = 0; i < net->n_sl; i++) {
		flow_link *k = &net->links[net->sl[i]];
		uint64_t dt = now - k->t_ns;
		if (k->load_Bps > 0) {
			k->carried_bytes += k->load_Bps * 1e-9 * (double)dt;
			k->busy_ns += dt;
		}
		k->t_ns = now;
	}
	for (int32_t i = 0; i < net->n_dirty; i++)
		net->links[net->dirty[i]].dirty = 0;
	net->n_dirty = 0;
	net->n_fresh = 0;

	int32_t lo = INT32_MAX, hi = -1;
	for (int32_t i = 0; i < net->n_sf; i++) {
		int32_t w = net->sf[i] / 64;
		lo = w < lo ? w : lo;
		hi = w > hi ? w : hi;
	}
	GROW(net->bits, net->bits_cap, hi + 1);
	if (hi >= lo)
		memset(&net->bits[lo], 0, (size_t)(hi - lo + 1) * sizeof *net->bits);
	for (int32_t i = 0; i < net->n_sf; i++)
		net->bits[net->sf[i] / 64] |= (uint64_t)1 << (net->sf[i] % 64);
	for (int32_t w = lo; w <= hi; w++) {
		uint64_t b = net->bits[w];
		while (b) {
			int32_t f = w * 64 + __builtin_ctzll(b);
			b &= b - 1;
			flow_hot *h = &net->hot[f];
			flow_cold *c = &net->cold[f];
			double nr = h->rate_Bps, old = c->old_Bps;
			if (nr == old)
				continue;
			if (sticky && fabs(nr - old) <= FLOW_STICKY * old) {
				/* Keep the old rate; the aggregates follow it. */
				const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
				for (int j = 0; j < h->hops; j++) {
					flow_link *k = &net->links[p[j].link];
					k->sum_Bps += old - nr;
					if (old > k->max_ub_Bps)
						k->max_ub_Bps = old;
				}
				if (h->bott >= 0 && old < net->links[h->bott].bmin_Bps)
					net->links[h->bott].bmin_Bps = old;
				h->rate_Bps = old;
				continue;
			}
			c->left_bytes -= old * 1e-9 * (double)(now - c->t_ns);
			if (c->left_bytes < 0)
				c->left_bytes = 0;
			c->t_ns = now;
			net->st.rerated++;
			schedule_done(net, f);
		}
	}
	for (int32_t i = 0; i < net->n_sl; i++) {
		flow_link *k = &net->links[net->sl[i]];
		if (k->sum_Bps < 0 || k->n == 0)
			k->sum_Bps = 0;
		k->load_Bps = k->sum_Bps;
	}
}

/* The local solve described at the top of the file. */
static void solve_local(flow_net *net)
{
	next_solve(net);
	next_epoch(net);
	uint32_t e = net->epoch;
	net->n_r = 0;
	for (int32_t i = 0; i < net->n_fresh; i++) {
		net->hot[net->fresh[i]].mark = e;
		r_push(net, net->fresh[i]);
	}
	for (int32_t i = 0; i < net->n_dirty; i++) {
		const flow_link *k = &net->links[net->dirty[i]];
		if (k->nb == 0)
			continue;
		for (int32_t j = 0; j < k->n; j++) {
			int32_t f = k->list[j].flow;
			if (net->hot[f].bott == net->dirty[i] && net->hot[f].mark != e) {
				net->hot[f].mark = e;
				r_push(net, f);
			}
		}
	}
	for (int round = 0;; round++) {
		fill(net);
		int32_t added = measure(net, 1);
		net->st.rounds++;
		if (added == 0) {
			commit_round(net, 0);
			net->st.solved_flows += (uint64_t)net->n_r;
			break;
		}
		if (added < 0 || round + 1 >= FLOW_MAX_ROUNDS ||
		    ((int64_t)net->n_sf + net->n_r) * 2 > net->n_active) {
			net->st.solved_flows += (uint64_t)(net->n_r - (added > 0 ? added : 0));
			net->st.widened++;
			widen(net);
			fill(net);
			measure(net, 0);
			commit_round(net, 0);
			net->st.solved_flows += (uint64_t)net->n_r;
			break;
		}
		commit_round(net, added);
		net->st.solved_flows += (uint64_t)(net->n_r - added);
		/* The flows measure() added are the next round's R. */
		memmove(net->r, net->r + net->n_r - added, (size_t)added * sizeof *net->r);
		net->n_r = added;
		next_epoch(net);
	}
	finish_solve(net, 1);
}

static void flow_solve_ev(sim *s, void *arg, uint64_t data)
{
	(void)s;
	(void)data;
	flow_net *net = arg;
	net->solve_pending = 0;
	if (net->n_dirty == 0 && net->n_fresh == 0)
		return;
	net->st.solves++;
	solve_local(net);
}

void flow_net_solve_all(flow_net *net)
{
	next_solve(net);
	next_epoch(net);
	net->n_r = 0;
	for (int32_t f = 0; f < net->n_slots; f++)
		if (net->hot[f].active && net->hot[f].hops > 0)
			r_push(net, f);
	fill(net);
	/* Every link joins T, so idle ones' integrals move too (harmless). */
	for (int32_t i = 0; i < net->n_links; i++)
		mark_dirty(net, i);
	measure(net, 0);
	commit_round(net, 0);
	net->st.full_solves++;
	net->st.solved_flows += (uint64_t)net->n_r;
	finish_solve(net, 0);
}

/* ---- queries ------------------------------------------------------------------ */

double flow_rate(const flow_net *net, flow_id id)
{
	if (id < 0 || id >= net->n_slots || !net->hot[id].active)
		return 0;
	return net->hot[id].rate_Bps;
}

double flow_left_bytes(const flow_net *net, flow_id id)
{
	if (id < 0 || id >= net->n_slots || !net->hot[id].active)
		return 0;
	const flow_cold *c = &net->cold[id];
	double left = c->left_bytes -
		net->hot[id].rate_Bps * 1e-9 * (double)(sim_now(net->s) - c->t_ns);
	return left > 0 ? left : 0;
}

int flow_active_count(const flow_net *net)
{
	return net->n_active;
}

double flow_link_capacity(const flow_net *net, link_id l)
{
	return l >= 0 && l < net->n_links ? net->links[l].cap_Bps : 0;
}

double flow_link_load(const flow_net *net, link_id l)
{
	return l >= 0 && l < net->n_links ? net->links[l].load_Bps : 0;
}

int flow_link_flow_count(const flow_net *net, link_id l)
{
	return l >= 0 && l < net->n_links ? net->links[l].n : 0;
}

double flow_link_carried_bytes(const flow_net *net, link_id l)
{
	if (l < 0 || l >= net->n_links)
		return 0;
	const flow_link *k = &net->links[l];
	return k->carried_bytes + k->load_Bps * 1e-9 * (double)(sim_now(net->s) - k->t_ns);
}

uint64_t flow_link_busy_ns(const flow_net *net, link_id l)
{
	if (l < 0 || l >= net->n_links)
		return 0;
	const flow_link *k = &net->links[l];
	return k->busy_ns + (k->load_Bps > 0 ? sim_now(net->s) - k->t_ns : 0);
}

void flow_net_stats(const flow_net *net, flow_stats *out)
{
	*out = net->st;
}

void flow_net_memory(const flow_net *net, flow_memory *out)
{
	size_t lists = 0;
	for (int32_t i = 0; i < net->n_links; i++)
		lists += (size_t)net->links[i].list_cap * sizeof(link_entry);
	out->link_record_bytes = sizeof(flow_link);
	out->link_bytes = (size_t)net->links_cap * sizeof(flow_link) + lists;
	out->flow_bytes = (size_t)net->slots_cap * (sizeof(flow_hot) + sizeof(flow_cold) +
		FLOW_MAX_HOPS * sizeof(flow_hop) + sizeof(int32_t));
	out->scratch_bytes = (size_t)net->dirty_cap * sizeof *net->dirty +
		(size_t)net->fresh_cap * sizeof *net->fresh +
		(size_t)net->r_cap * sizeof *net->r + (size_t)net->l_cap * sizeof *net->l +
		(size_t)net->heap_cap * sizeof *net->heap +
		(size_t)net->ch_cap * sizeof *net->ch +
		(size_t)net->lh_cap * sizeof *net->lh +
		(size_t)net->sf_cap * sizeof *net->sf +
		(size_t)net->sl_cap * sizeof *net->sl +
		(size_t)net->bits_cap * sizeof *net->bits;
}
