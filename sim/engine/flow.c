/* flow.c -- max-min fair sharing by progressive filling, re-solved locally once per
 * timestamp.
 *
 * Invariant: between solves every active flow's rate is the max-min fair rate of the
 * flows as they were at the last solve, and each flow on a link knows its bottleneck
 * (`bott`: the link it was frozen at, FLOW_BOTT_CAP if frozen at its own cap). A
 * link's `sum_Bps` is the sum of its flows' rates as of the last solve that touched
 * it; its report counters (bytes carried, busy time) change only as flows start and
 * end, so a solve never touches them.
 * Completions come in (time, order scheduled) order from the network's own queue:
 * the earliest few hundred in a heap, where a re-rated flow's entry moves in place,
 * the rest in per-flow slots, where a re-rating just rewrites them, until the heap
 * runs dry; the engine holds one event for the earliest (a stale one, left when
 * an earlier completion arrived, finds nothing).
 *
 * How a solve starts. Most changes move the levels of a few links and keep every
 * flow's bottleneck; a local solve first tries just that (relevel(), in its own
 * section below): it re-levels the links from the changed ones outward in order of
 * level, repairing a bottleneck where one moves, checks max-min fairness as it goes
 * and gives up, undoing what it did, if it cannot finish within a few passes over
 * its links. Then, or when many flows are new, the progressive filling below.
 *
 * How a solve stays local. The changed links D (flows started or ended there) seed a
 * set R: the new flows and the flows bottlenecked on a D link. A round re-solves R by
 * progressive filling over R's links, each link's capacity reduced by the rates of the
 * flows not in R, which stay fixed. A fixed flow may join R while the fill runs,
 * whenever it is faster than the level reached (its rate given back to its links
 * leaves every share at or above that level, so it ends where it would have had it
 * been in R from the start): (a) a fixed flow faster than the level at which one of
 * its links fills joins R there, fastest first, unless it is no faster than the
 * level the link reaches with the faster ones in R (their rates go back to it), and
 * (b) when a flow of R freezes below its old rate, the fixed flows bottlenecked on
 * its other links (which it no longer fills) and faster than the level join R
 * eagerly. (a) keeps flows that would only keep their rates out of R; (b) lets a
 * change ripple down a chain of links in one round instead of one round per link.
 * The result is the max-min allocation of the whole network exactly when every
 * flow has a bottleneck (a saturated link on which it is the fastest): R's flows do
 * by construction, and a fixed flow can lose its bottleneck only if that link is in
 * T = D + R's links. A round checks just those (a flow with another full link where
 * it is fastest just takes that one as its bottleneck), gives R its rates, and the
 * next round re-solves only the flows that failed, holding every other rate, this
 * round's included, fixed; with (b) the check seldom finds any. Rates reach the
 * completion heap once, at the end, for the flows whose rate changed over the whole
 * solve (S). After FLOW_MAX_ROUNDS rounds, or once S would hold half the flows, the
 * solve widens to the connected components of D and solves them outright.
 *
 * Per-link aggregates (sum and an upper bound of the rates, the number of flows
 * bottlenecked there and a lower bound of their rates) are kept up to date by every
 * change, so a solve touches R's flows and their links and walks a link's list only
 * where a fixed flow may be faster than a level or may have lost its bottleneck; a
 * list holds the flows bottlenecked on its link first, so the walks that want only
 * those (a solve's seeds, eager_pull(), measure()'s second pass) read just them.
 * Loops that decide anything visible (tie-breaks between equally loaded links, the
 * order in which completions are scheduled) run by id; other loops follow list
 * orders, which depend only on the calls made.
 *
 * Memory. A link's persistent record (64 bytes, one cache line) holds only its
 * capacity, latency, flow list and aggregates; the links a solve touches (D, and each
 * round's L) get an entry in a link table that lives for that solve only (a link
 * keeps the index of its entry, valid while the entry names it), and R's flows and
 * hops get dense per-round arrays, so the fill works on arrays the size of what it
 * solves rather than on every link of the fabric. The fill leaves out of its heap
 * the one-flow links that can never bind before another binding of their flow
 * (dominated()): on a large fabric most NIC links carry one flow. Links whose share
 * is at least twice the least one wait outside the heap, unordered, until the level
 * comes near (lh_settle()): in a local solve most of R's links have slack left by
 * their fixed flows and never bind, so they cost no heap moves. A fill whose heap
 * would start with at most LH_SCAN_MAX links, and no tie at the least share, keeps
 * it unordered, each key its link's share exactly when looked at, and finds the
 * least (share, id) by a scan: the same link, without a small heap's mispredicted
 * moves.
 *
 * Links left out. A local round does not even open (no table entry, no place in
 * R's hop lists) a link outside D where no flow has its bottleneck and whose spare
 * capacity looks ample (can_skip(), a pure function of its record, so the round
 * decides alike for all its flows): on a busy fabric most NIC links. As R's
 * flows freeze, skip_rise() checks that each such link's old load plus the rises
 * of R's flows on it stays below its capacity, which proves the fill never reached
 * it and went exactly as it would have with it in L; once one fails, the fill stops
 * and the round is filled again with every link in. Their aggregates follow R's
 * new rates in commit_round(); their scratch (the spare, 8 bytes a
 * link in net->spare, and the round that left a link out, in the link record's
 * padding) is the only per-link memory this adds. */
#include "sim/engine/flow.h"

#include "sim/engine/pool.h"

#include <errno.h>
#include <float.h>
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
/* Flows a local round starts with, at least, to leave links out of its fill. */
#define FLOW_SKIP_MIN_R 16
/* The default budget of relevel(): links processed, per link opened. A pass that keeps
 * its bottlenecks processes each link about once; one that needs more is moving
 * many of them, which the fill does in one go. */
#define RL_PASSES 4
/* Local rounds before a solve widens to whole connected components. */
#define FLOW_MAX_ROUNDS 16

typedef struct {
	int32_t flow;
	int32_t hop;               /* index of this link in the flow's path */
} link_entry;

/* A link's persistent record: capacity, latency, its flows and the aggregates over
 * them, in one cache line. Its report counters live apart (link_use), and the
 * solver's per-solve scratch in net->t. */
typedef struct {
	double cap_Bps;
	double sum_Bps;            /* sum of the rates of its flows (0 exactly when
	                            * n == 0), kept up to date by every change */
	double max_ub_Bps;         /* an upper bound of their rates */
	double bmin_Bps;           /* a lower bound of the rates of those with bott here */
	int32_t n;                 /* its active flows */
	int32_t nb;                /* flows whose bott is this link */
	int32_t list_cap;
	uint32_t skip_epoch;       /* the round that left it out of L (net->epoch then;
	                            * net->spare holds its spare) */
	link_entry *list;          /* its flows: the nb bottlenecked here first (see
	                            * bott_join()), then the others */
	uint64_t lat_ns;
} flow_link;
_Static_assert(sizeof(flow_link) == 64, "a link record fills one cache line");

/* A link's report counters, brought up to date only as flows start and end on it
 * (the solves never touch them): the bytes its ended flows sent, and its busy time
 * (with at least one flow on it). The bytes of the flows on it now are summed from
 * their records when asked. */
typedef struct {
	double ended_bytes;        /* sum of the sizes of the flows that ended on it */
	uint64_t busy_ns;          /* time with a flow on it, up to since_ns */
	uint64_t since_ns;         /* when its first flow came, while it has one */
} link_use;

/* A link's entry in the solve's link table net->t: every link changed since the last
 * solve (D, the first n_dirty entries) and every link of a round's R (L) has one
 * until the solve ends. What a fill reads and writes, in one cache line; the fields
 * but id and epoch are valid while epoch equals net->epoch (the link is in L). */
typedef struct {
	int32_t id;                /* the link */
	uint32_t epoch;            /* in L when equal to net->epoch */
	double rem_Bps;            /* capacity not yet given out (the capacity itself
	                            * until the fill's heap is built) */
	double fixed_Bps;          /* sum of the rates of the flows not in R */
	double acc_Bps;            /* sum of R's new rates (frozen so far) */
	double mx_Bps;             /* max of R's new rates */
	int32_t nr;                /* flows of R on it not yet frozen */
	int32_t nfix;              /* flows on it not in R (0 in a full solve) */
	int32_t rhead;             /* R's hops on it, a list through net->rh */
	int32_t bcnt;              /* R's flows with new bott here */
	double bmin_new_Bps;       /* min new rate of R's flows with bott here */
} link_tab;
_Static_assert(sizeof(link_tab) == 64, "a link table entry fills one cache line");

/* The rest of a link's round scratch, read outside the fill's inner loops; a local
 * round's only (a full solve reads none of it: see open_all()). */
typedef struct {
	double fixed_max_Bps;      /* max rate of the flows not in R (if scanned) */
	double bmin_scan_Bps;      /* min rate of fixed flows with bott here (if bscanned) */
	int32_t nb_r;              /* R's flows whose old bott is this link (counted
	                            * when measure() checks the round) */
	int16_t scanned, bscanned;
	uint32_t eager;            /* its bottlenecked flows were offered to R this
	                            * round (when equal to the epoch) */
	int32_t nb;                /* the link's nb when it joined L (nb changes only
	                            * after the fill) */
} link_tab2;
_Static_assert(sizeof(link_tab2) == 32, "two link table tails fill a cache line");

/* The per-flow fields the solver reads, packed into one 24-byte record. */
typedef struct {
	double rate_Bps;
	int32_t bott;              /* as of the last solve that gave it its rate */
	uint32_t mark;             /* in R when equal to the epoch */
	int32_t ridx;              /* its index in R (net->r, net->rf) while in R */
	int16_t hops;
	int16_t active;            /* FLOW_ACTIVE, plus FLOW_CAPPED if it has a cap */
} flow_hot;

typedef struct {
	int32_t link;
	int32_t slot;              /* index of this flow in the link's list */
} flow_hop;

/* A flow of R in the round running (index i of net->r). */
typedef struct {
	double new_Bps;            /* < 0 while unfrozen */
	int32_t new_bott;          /* link it froze at, FLOW_BOTT_CAP at its cap */
	int32_t old_t;             /* net->t entry of its old bott, -1 if none */
	int16_t hops;              /* its hops in L (rh[0 .. hops)) */
	int16_t capped;            /* it has a rate cap (cold.cap_Bps) */
	uint32_t skip;             /* bit j: hop j of its path is on a link left out
	                            * of L (see can_skip()) */
	double old_Bps;            /* its rate when it joined R */
} r_flow;

/* Hop j of R's flow i (at i * FLOW_MAX_HOPS + j in net->rh). The slots its hops in
 * L leave free at the end hold, from the last back, the links of its hops left out
 * of L (t only: a link id, one per bit of rf[].skip). */
typedef struct {
	int32_t t;                 /* the link's net->t entry; -1 once the flow froze */
	int32_t next;              /* next hop of R on the link, -1 at the end */
} r_hop;

/* What a flow's re-rating reads and writes. */
typedef struct {
	double left_bytes;         /* as of t_ns */
	uint64_t t_ns;
	double old_Bps;            /* its rate before the solve running, if in S */
	uint64_t done_seq;         /* its completion's rank while it waits far off (cpos
	                            * -2; its time is in net->far_ns) */
	uint32_t smark;            /* in S (touched by the solve running) when equal to
	                            * net->sepoch */
	int32_t pad;
} flow_warm;
_Static_assert(sizeof(flow_warm) == 40, "a flow's warm record is 40 bytes");

typedef struct {
	double cap_Bps;
	double bytes;              /* its size (for the links' carried bytes) */
	uint64_t lat_ns;
	sim_handler done;
	void *arg;
	uint64_t data;
} flow_cold;

/* A flow's completion: at t_ns, ties broken by the order of scheduling. */
typedef struct {
	uint64_t t_ns;
	uint64_t seq;
	int32_t flow;
} done_node;

/* A link (id >= 0) or the rate cap of flow -id - 1, keyed by the level at which it
 * binds (for a link, a lower bound of it); t is the link's net->t entry. */
typedef struct {
	double key;
	int32_t id;
	int32_t t;
} heap_node;

/* A fixed flow found faster than the level at which its link would fill. */
typedef struct {
	double rate_Bps;
	int32_t flow;
} cand_node;

/* A link's scratch in relevel(). */
typedef struct {
	double other_Bps;          /* sum of the rates of its flows not bottlenecked
	                            * there, as they are now */
	double lvl_Bps;            /* the rate of those bottlenecked there (nb > 0),
	                            * as of the last time it was processed */
	double calm_Bps;           /* until its list is walked: no flow of it not
	                            * bottlenecked there and not re-rated since its
	                            * opening is faster than this (with the slack; the
	                            * slowest of those bottlenecked there then); 0 after */
	double mxc_Bps;            /* the highest rate given to a flow not bottlenecked
	                            * there since its opening, or since its list was
	                            * walked, the highest of all of them */
} rl_link;
_Static_assert(sizeof(rl_link) == 32, "two re-level link entries fill a cache line");

/* A bottleneck relevel() moved, to undo. */
typedef struct {
	int32_t flow;
	int32_t bott;              /* its bottleneck before */
} rl_move;

struct flow_net {
	sim *s;
	flow_link *links;          /* 64-byte aligned */
	link_use *use;             /* per link */
	int32_t *tidx;             /* per link: its entry in t, if t[tidx].id is it (apart
	                            * from the records: the solver's first look at a
	                            * link, from a dense 4 bytes a link) */
	double *spare;             /* per link, while a round leaves it out of L (see
	                            * can_skip()): its capacity (less the slack) not used
	                            * at the round's start, less the rises of R's flows
	                            * on it once checked */
	int32_t n_links, links_cap;

	flow_hot *hot;
	flow_cold *cold;
	flow_warm *warm;           /* per flow, 64-byte aligned */
	int32_t *cpos;             /* per flow: its index in ch, -2 if its completion
	                            * waits far off, -1 if it has none (apart from the
	                            * other records: every level a completion moves in
	                            * ch writes one) */
	uint64_t *far_ns;          /* per flow: the time of its completion if it waits
	                            * far off, else UINT64_MAX (a dense array, which a
	                            * refill streams through) */
	flow_hop *path;            /* FLOW_MAX_HOPS per flow */
	int32_t n_slots, slots_cap;
	int32_t *free_ids;
	int32_t n_free;
	int32_t n_active;

	/* The link table: D (t[0 .. n_dirty)) between solves, D and every link of L
	 * during one; emptied when a solve ends. */
	link_tab *t;
	link_tab2 *t2;             /* parallel to t */
	int32_t *hpos;             /* parallel to t: index in lh, -2 - index in lo if
	                            * there, -1 if in neither */
	int32_t n_t, t_cap;
	int32_t n_dirty;
	int32_t *fresh;            /* flows started since the last solve */
	int32_t n_fresh, fresh_cap;
	int solve_pending;

	/* Solver scratch, grown geometrically and reused. */
	uint32_t epoch;
	int32_t *r;                /* flows being solved */
	int32_t n_r, r_cap;
	r_flow *rf;                /* parallel to r, for the fill running */
	int32_t rf_cap;
	r_hop *rh;                 /* FLOW_MAX_HOPS per flow of R */
	int32_t rh_cap;
	int32_t n_unfrozen;        /* fill: flows of R not yet frozen */
	int checked;               /* fill: measure() will check this round */
	int skip_on;               /* fill: may leave links out of L (can_skip()) */
	int skip_fail;             /* fill: a link left out could bind (skip_rise()),
	                            * or a flow of R has no link in L and no cap */
	int starved;               /* fill: a flow of R froze at rate 0 */
	int32_t *l;                /* their links' net->t entries */
	int32_t n_l, l_cap;
	heap_node *heap;           /* fill: the capped flows of R, by cap */
	int32_t n_heap, heap_cap;
	done_node *ch;             /* the completions before ch_until_ns, a heap,
	                            * earliest first */
	int32_t n_ch, ch_cap;
	int32_t n_far;             /* flows whose completion waits in their warm record
	                            * (at or after ch_until_ns) */
	uint64_t ch_until_ns;      /* UINT64_MAX: every completion is in ch */
	int32_t ch_spill_at;       /* ch_spill() when ch grows past this (0: CH_SPILL) */
	uint64_t ch_win_ns;        /* how far ahead a refill reaches (0: not yet set) */
	uint64_t *selt;            /* completion times, for ch_refill() and ch_spill() */
	int32_t selt_cap;
	uint64_t ch_seq;           /* completions scheduled so far: the tie-break */
	uint64_t ev_t;             /* time of the earliest engine event pending for ch
	                            * (UINT64_MAX if none) */
	heap_node *lh;             /* fill: L's links, by share (indexed by hpos) */
	int32_t n_lh, lh_cap;
	int lh_scan;               /* fill: lh is an unordered array, its least entry
	                            * found by a scan (a small L; see lh_least()) */
	int lh_nb;                 /* fill: lh_down() without branches at any size (a
	                            * full solve; see LH_NB_MIN) */
	int32_t *lo;               /* fill: L's links whose share is at least lo_min,
	                            * out of lh's order (net->t entries) */
	int32_t n_lo, lo_cap;
	int32_t *lhd;              /* fill, scan mode: links of lh whose key freeze()
	                            * made stale (-1) since the last lh_least() (net->t
	                            * entries, each once) */
	int32_t n_lhd, lhd_cap;
	double lo_min_Bps;
	uint32_t sepoch;           /* solve number, for the S marks */
	int32_t *sf;               /* S: flows whose rate the solve running may change */
	int32_t n_sf, sf_cap;
	uint64_t *bits;            /* flow ids of S, to visit them in id order (all
	                            * zero between uses) */
	int32_t bits_cap;
	cand_node *cand;           /* fill: fixed flows faster than a link's level */
	int32_t cand_cap;
	int32_t *eg;               /* fill: links whose bottlenecked flows to offer R */
	int32_t n_eg, eg_cap;
	rl_link *lv;               /* relevel(): parallel to t */
	rl_move *mv;               /* relevel(): bottlenecks moved, to undo */
	int32_t n_mv, mv_cap;
	int rl_passes;             /* relevel() gives up after processing links this
	                            * many times per link it opened;
	                            * 0: never tried (flow_net_set_relevel()) */
	int32_t *ld;               /* relevel(): links whose sums it changed in place
	                            * (their old sums in spare) */
	int32_t n_ld, ld_cap;

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

/* grow_to() for an array whose elements should not straddle cache lines: the new
 * block starts a 64-byte line (the old contents are copied). */
static void *grow_lines(void *p, int32_t *cap, int32_t need, size_t size)
{
	if (need <= *cap)
		return p;
	int32_t old = *cap;
	int64_t c = old ? old : 16;
	while (c < need)
		c += c / 2;
	*cap = c > INT32_MAX ? INT32_MAX : (int32_t)c;
	size_t bytes = ((size_t)*cap * size + 63) / 64 * 64;
	void *q = aligned_alloc(64, bytes);
	if (!q)
		q = pool_xrealloc(NULL, bytes);   /* aborts with its message */
	if (old > 0)
		memcpy(q, p, (size_t)old * size);
	free(p);
	return q;
}

flow_net *flow_net_new(sim *s)
{
	flow_net *net = pool_xrealloc(NULL, sizeof *net);
	memset(net, 0, sizeof *net);
	net->s = s;
	net->ev_t = UINT64_MAX;
	net->ch_until_ns = UINT64_MAX;
	net->rl_passes = RL_PASSES;
	return net;
}

void flow_net_free(flow_net *net)
{
	if (!net)
		return;
	for (int32_t i = 0; i < net->n_links; i++)
		free(net->links[i].list);
	free(net->links);
	free(net->use);
	free(net->tidx);
	free(net->spare);
	free(net->hot);
	free(net->cold);
	free(net->warm);
	free(net->cpos);
	free(net->far_ns);
	free(net->path);
	free(net->free_ids);
	free(net->t);
	free(net->t2);
	free(net->hpos);
	free(net->fresh);
	free(net->r);
	free(net->rf);
	free(net->rh);
	free(net->l);
	free(net->heap);
	free(net->lh);
	free(net->lo);
	free(net->lhd);
	free(net->ch);
	free(net->selt);
	free(net->bits);
	free(net->sf);
	free(net->cand);
	free(net->eg);
	free(net->lv);
	free(net->mv);
	free(net->ld);
	free(net);
}

link_id flow_link_add(flow_net *net, double capacity_Bps, uint64_t latency_ns)
{
	if (!(capacity_Bps > 0) || !isfinite(capacity_Bps) || net->n_links == INT32_MAX)
		return -EINVAL;
	if (net->n_links == net->links_cap) {
		int32_t cap = net->links_cap;
		net->links = grow_lines(net->links, &cap, net->n_links + 1, sizeof *net->links);
		cap = net->links_cap;
		GROW(net->use, cap, net->n_links + 1);
		cap = net->links_cap;
		GROW(net->tidx, cap, net->n_links + 1);
		cap = net->links_cap;
		GROW(net->spare, cap, net->n_links + 1);
		net->links_cap = cap;
	}
	flow_link *k = &net->links[net->n_links];
	memset(k, 0, sizeof *k);
	k->cap_Bps = capacity_Bps;
	k->lat_ns = latency_ns;
	k->bmin_Bps = INFINITY;
	net->use[net->n_links] = (link_use){ 0, 0, 0 };
	net->tidx[net->n_links] = -1;
	net->spare[net->n_links] = 0;
	return net->n_links++;
}

int flow_link_count(const flow_net *net)
{
	return net->n_links;
}

/* Link li's entry in the link table, or -1 if it has none. */
static int32_t t_find(const flow_net *net, int32_t li)
{
	int32_t x = net->tidx[li];
	return x >= 0 && x < net->n_t && net->t[x].id == li ? x : -1;
}

/* Adds an entry for link li, which has none, to the link table (not in L). */
static int32_t t_add(flow_net *net, int32_t li)
{
	int32_t x;
	if (net->n_t == net->t_cap) {
		int32_t cap = net->t_cap;
		net->t = grow_lines(net->t, &cap, net->n_t + 1, sizeof *net->t);
		cap = net->t_cap;
		GROW(net->t2, cap, net->n_t + 1);
		cap = net->t_cap;
		GROW(net->hpos, cap, net->n_t + 1);
		cap = net->t_cap;
		GROW(net->lv, cap, net->n_t + 1);
		net->t_cap = cap;
	}
	x = net->n_t++;
	net->t[x].id = li;
	net->t[x].epoch = 0;
	net->tidx[li] = x;
	return x;
}

/* Link li's entry in the link table, added (not in L) if it has none. */
static int32_t t_get(flow_net *net, int32_t li)
{
	int32_t x = t_find(net, li);
	return x >= 0 ? x : t_add(net, li);
}

/* Adds link li to D (between solves the table holds only D). */
static void mark_dirty(flow_net *net, int32_t li)
{
	if (t_find(net, li) >= 0)
		return;
	t_get(net, li);
	net->n_dirty = net->n_t;
}

static void want_solve(flow_net *net)
{
	if (net->solve_pending)
		return;
	net->solve_pending = 1;
	sim_at(net->s, sim_now(net->s), flow_solve_ev, net, 0);
}

/* ---- the completions ----------------------------------------------------------
 * Those before ch_until_ns wait in a 4-ary heap (ch, indexed by net->cpos); the
 * others (cpos -2) keep their time in net->far_ns and their rank in the flow's warm
 * record, which the solve that re-rates the flow has at hand: on a busy fabric most
 * re-rated flows end far off, and such a re-rating writes two words instead of
 * moving a heap entry. When ch runs dry, ch_refill() moves the far completions of
 * the next while (a window that adapts so that about CH_KEEP come in) into the
 * heap; when the heap grows past CH_SPILL, ch_spill() sends all but its CH_KEEP
 * earliest far off. Every far completion is at or after ch_until_ns and every one
 * in ch before it, so ch's root is the earliest of all, and completions come in the
 * heap's (time, order scheduled) order as if all were in it. */
#define CH_KEEP 256
#define CH_SPILL 4096

static int ch_less(const done_node *a, const done_node *b)
{
	return a->t_ns < b->t_ns || (a->t_ns == b->t_ns && a->seq < b->seq);
}

static void ch_set(flow_net *net, int32_t i, done_node x)
{
	net->ch[i] = x;
	net->cpos[x.flow] = i;
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
	net->cpos[net->ch[i].flow] = -1;
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

/* Puts completion x, of a flow with none in ch, in ch. */
static void ch_insert(flow_net *net, done_node x)
{
	GROW(net->ch, net->ch_cap, net->n_ch + 1);
	int32_t i = net->n_ch++;
	net->ch[i] = x;
	ch_up(net, i);
}

/* The k-th smallest (from 0) of a[0 .. n), k < n; reorders a. */
static uint64_t select_kth(uint64_t *a, int32_t n, int32_t k)
{
	int32_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint64_t x = a[lo + (hi - lo) / 2];
		int32_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < x)
				i++;
			while (a[j] > x)
				j--;
			if (i <= j) {
				uint64_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];
	}
	return a[k];
}

/* Moves into ch, which is empty, the far completions up to `hi`; returns how many,
 * and writes the earliest of those left to *rest. */
static int32_t ch_take(flow_net *net, uint64_t hi, uint64_t *rest)
{
	int32_t moved = 0;
	uint64_t m = UINT64_MAX;
	for (int32_t f = 0; f < net->n_slots; f++) {
		uint64_t t = net->far_ns[f];
		if (t > hi) {
			m = t < m ? t : m;
			continue;
		}
		if (net->cpos[f] != -2)
			continue;      /* not far off (far_ns is UINT64_MAX, as hi) */
		net->cpos[f] = -1;
		net->far_ns[f] = UINT64_MAX;
		ch_insert(net, (done_node){ t, net->warm[f].done_seq, f });
		moved++;
	}
	net->n_far -= moved;
	*rest = m;
	return moved;
}

/* If ch is empty, moves into it the far completions within ch_win_ns of now (or,
 * if there are none, of the earliest) and moves ch_until_ns past them; the window
 * doubles while a refill takes in fewer than CH_KEEP / 2 and halves while it takes
 * in more than CH_KEEP * 2. Walks every flow slot, once as a rule: amortised over
 * the completions it takes in. */
static __attribute__((noinline)) void ch_refill_far(flow_net *net)
{
	uint64_t w = net->ch_win_ns ? net->ch_win_ns : 65536, now = sim_now(net->s), m;
	uint64_t hi = now > UINT64_MAX - w ? UINT64_MAX : now + w;
	int32_t moved = ch_take(net, hi, &m);
	if (moved == 0) {
		hi = m > UINT64_MAX - w ? UINT64_MAX : m + w;
		moved = ch_take(net, hi, &m);
	}
	net->ch_until_ns = hi == UINT64_MAX ? UINT64_MAX : hi + 1;
	if (moved < CH_KEEP / 2 && w <= UINT64_MAX / 2)
		w *= 2;
	else if (moved > CH_KEEP * 2 && w > 1)
		w /= 2;
	net->ch_win_ns = w;
}

static inline void ch_refill(flow_net *net)
{
	if (net->n_ch == 0 && net->n_far > 0)
		ch_refill_far(net);
}

/* Sends all but the CH_KEEP earliest completions of ch (and any tied with the last
 * of them) far off, lowering ch_until_ns to just past them, and rebuilds the heap. */
static __attribute__((noinline)) void ch_spill(flow_net *net)
{
	int32_t n = net->n_ch;
	net->selt = grow_to(net->selt, &net->selt_cap, n, sizeof *net->selt);
	for (int32_t i = 0; i < n; i++)
		net->selt[i] = net->ch[i].t_ns;
	uint64_t hi = select_kth(net->selt, n, CH_KEEP - 1);
	if (hi == UINT64_MAX) {
		/* Nothing before the end of time to keep apart: try again once ch
		 * has doubled. */
		net->ch_spill_at = n < INT32_MAX / 2 ? 2 * n : INT32_MAX;
		return;
	}
	int32_t m = 0;
	net->st.spills++;
	for (int32_t i = 0; i < n; i++) {
		done_node x = net->ch[i];
		if (x.t_ns <= hi) {
			net->ch[m] = x;
			net->cpos[x.flow] = m++;
		} else {
			net->cpos[x.flow] = -2;
			net->far_ns[x.flow] = x.t_ns;
			net->warm[x.flow].done_seq = x.seq;
			net->n_far++;
		}
	}
	net->n_ch = m;
	net->ch_until_ns = hi + 1;
	/* Completions tied with the last one kept stay too, so ch may still hold
	 * more than CH_SPILL: the next spill waits until ch has doubled, which keeps
	 * spilling amortised O(1) a completion however many tie. */
	net->ch_spill_at = m <= CH_SPILL / 2 ? 0 : m < INT32_MAX / 2 ? 2 * m : INT32_MAX;
	for (int32_t i = (m - 2) / 4; i >= 0 && m > 1; i--)
		ch_down(net, i);
}

/* Makes sure an engine event is pending at or before the earliest completion. */
static inline __attribute__((always_inline)) void ch_arm(flow_net *net)
{
	ch_refill(net);
	if (net->n_ch > 0 && net->ch[0].t_ns < net->ev_t) {
		net->ev_t = net->ch[0].t_ns;
		sim_at(net->s, net->ev_t, flow_done_ev, net, net->ev_t);
	}
}

/* The time, from `now`, at which `left_bytes` at `rate_Bps` are done, rounded to the
 * nearest ns (UINT64_MAX at most). */
static inline uint64_t done_time(double left_bytes, double rate_Bps, uint64_t now)
{
	double ns = left_bytes * 1e9 / rate_Bps;
	uint64_t dt = UINT64_MAX;
	if (ns < 1.8e19) {
		/* llround() of ns >= 0: exact, as ns - trunc(ns) is */
		dt = (uint64_t)ns;
		dt += ns - (double)dt >= 0.5;
	}
	if (dt > UINT64_MAX - now)
		dt = UINT64_MAX - now;
	return now + dt;
}

/* Schedules flow f's completion at t_ns, replacing the one it had (it then ranks as
 * scheduled last among completions at the same time). */
static void schedule_at(flow_net *net, int32_t f, uint64_t t_ns)
{
	done_node x = { t_ns, net->ch_seq++, f };
	int32_t i = net->cpos[f];
	if (x.t_ns < net->ch_until_ns || net->ch_until_ns == UINT64_MAX) {   /* in ch */
		if (i >= 0) {
			int up = ch_less(&x, &net->ch[i]);
			net->ch[i] = x;
			if (up)
				ch_up(net, i);
			else
				ch_down(net, i);
		} else {
			if (i == -2) {
				net->n_far--;
				net->far_ns[f] = UINT64_MAX;
			}
			ch_insert(net, x);
			if (net->n_ch > (net->ch_spill_at ? net->ch_spill_at : CH_SPILL))
				ch_spill(net);
		}
	} else {
		if (i >= 0)
			ch_remove(net, i);
		if (i != -2)
			net->n_far++;
		net->cpos[f] = -2;
		net->far_ns[f] = x.t_ns;
		net->warm[f].done_seq = x.seq;
	}
	ch_arm(net);
}

/* Schedules flow f's completion from now at its current rate, replacing the one it
 * had (it then ranks as scheduled last among completions at the same time). */
static void schedule_done(flow_net *net, int32_t f)
{
	uint64_t now = sim_now(net->s);
	schedule_at(net, f, done_time(net->warm[f].left_bytes, net->hot[f].rate_Bps, now));
}

/* schedule_done() of flow f, whose warm record is w, as a solve ends: a completion
 * that waited far off and stays there (most, on a busy fabric) takes its new time
 * and rank in place, as schedule_at() would. */
static inline __attribute__((always_inline)) void reschedule(flow_net *net, int32_t f,
							     flow_warm *w, double rate_Bps,
							     uint64_t now)
{
	uint64_t t_ns = done_time(w->left_bytes, rate_Bps, now);
	if (net->cpos[f] == -2 && t_ns >= net->ch_until_ns && net->ch_until_ns != UINT64_MAX) {
		net->far_ns[f] = t_ns;
		w->done_seq = net->ch_seq++;
		ch_arm(net);
	} else {
		schedule_at(net, f, t_ns);
	}
}

/* ---- link lists ------------------------------------------------------------
 * A link's list holds the flows bottlenecked on it first, list[0 .. nb), then the
 * others, so the walks that want only those (eager_pull(), measure(), a solve's
 * seeds) read nb entries rather than the whole list. */

/* Puts entry x at slot b of link k's list, and tells its flow. */
static void entry_put(flow_net *net, flow_link *k, int32_t b, link_entry x)
{
	k->list[b] = x;
	net->path[(size_t)x.flow * FLOW_MAX_HOPS + x.hop].slot = b;
}

/* Slot of active flow f in the list of link li, which is on its path. */
static int32_t slot_on(const flow_net *net, int32_t f, int32_t li)
{
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	int j = 0;
	while (p[j].link != li)
		j++;
	return p[j].slot;
}

/* Swaps flow f's entry in link li's list with the entry at slot b. */
static void entry_swap(flow_net *net, int32_t f, int32_t li, int32_t b)
{
	flow_link *k = &net->links[li];
	int32_t a = slot_on(net, f, li);
	if (a == b)
		return;
	link_entry x = k->list[a];
	entry_put(net, k, a, k->list[b]);
	entry_put(net, k, b, x);
}

/* Flow f, on link li and not bottlenecked there, now is: counted in nb, its entry
 * moved to the front part. */
static void bott_join(flow_net *net, int32_t f, int32_t li)
{
	entry_swap(net, f, li, net->links[li].nb++);
}

/* Flow f, bottlenecked on link li, no longer is. */
static void bott_leave(flow_net *net, int32_t f, int32_t li)
{
	entry_swap(net, f, li, --net->links[li].nb);
}

/* Flow f's bottleneck becomes nb (a link, or FLOW_BOTT_CAP), the links' lists and
 * counts following. */
static inline void set_bott(flow_net *net, int32_t f, int32_t nb)
{
	flow_hot *h = &net->hot[f];
	if (h->bott == nb)
		return;
	if (h->bott >= 0)
		bott_leave(net, f, h->bott);
	if (nb >= 0)
		bott_join(net, f, nb);
	h->bott = nb;
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
			net->warm = grow_lines(net->warm, &cap, need, sizeof *net->warm);
			cap = net->slots_cap;
			GROW(net->cpos, cap, need);
			cap = net->slots_cap;
			GROW(net->far_ns, cap, need);
			cap = net->slots_cap;
			GROW(net->free_ids, cap, need);
			cap = net->slots_cap;
			net->path = grow_to(net->path, &cap, need,
					    FLOW_MAX_HOPS * sizeof *net->path);
			net->slots_cap = cap;
		}
		f = net->n_slots++;
		net->hot[f].mark = 0;
		net->cpos[f] = -1;
		net->far_ns[f] = UINT64_MAX;
	}
	flow_hot *h = &net->hot[f];
	flow_cold *c = &net->cold[f];
	flow_warm *w = &net->warm[f];
	h->rate_Bps = 0;
	h->bott = FLOW_BOTT_NONE;
	h->ridx = -1;
	h->hops = (int16_t)hops;
	h->active = (int16_t)(FLOW_ACTIVE | (cap_Bps > 0 ? FLOW_CAPPED : 0));
	w->left_bytes = bytes;
	w->t_ns = sim_now(net->s);
	w->smark = 0;
	w->old_Bps = 0;
	c->cap_Bps = cap_Bps;
	c->bytes = bytes;
	c->done = done;
	c->arg = arg;
	c->data = data;
	c->lat_ns = 0;
	net->cpos[f] = -1;
	flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int i = 0; i < hops; i++) {
		flow_link *k = &net->links[path[i]];
		if (k->n == k->list_cap)
			/* most links carry a few flows: start small (a large fabric has
			 * several links per GPU) */
			k->list = grow_from(k->list, &k->list_cap, k->n + 1, sizeof *k->list, 2);
		k->list[k->n] = (link_entry){ f, i };
		p[i] = (flow_hop){ path[i], k->n };
		if (k->n++ == 0)
			net->use[path[i]].since_ns = w->t_ns;
		c->lat_ns += k->lat_ns;
		mark_dirty(net, path[i]);
	}
	net->n_active++;
	net->st.started++;
	if (hops == 0) {
		h->rate_Bps = cap_Bps;
		h->bott = FLOW_BOTT_CAP;
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
	if (h->bott >= 0) {
		bott_leave(net, f, h->bott);
		if (net->links[h->bott].nb == 0)
			net->links[h->bott].bmin_Bps = INFINITY;
	}
	for (int i = 0; i < h->hops; i++) {
		flow_link *k = &net->links[p[i].link];
		/* Its entry is past the front part now: the last entry takes it. */
		link_entry last = k->list[--k->n];
		if (p[i].slot != k->n)
			entry_put(net, k, p[i].slot, last);
		k->sum_Bps -= h->rate_Bps;
		link_use *u = &net->use[p[i].link];
		u->ended_bytes += c->bytes;
		if (k->n == 0) {
			k->sum_Bps = 0;
			k->max_ub_Bps = 0;
			u->busy_ns += sim_now(s) - u->since_ns;
		}
		mark_dirty(net, p[i].link);
	}
	if (h->hops > 0)
		want_solve(net);
	h->active = 0;
	h->rate_Bps = 0;
	net->warm[f].left_bytes = 0;
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
	for (;;) {
		ch_refill(net);
		if (net->n_ch == 0 || net->ch[0].t_ns > now)
			break;
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
	net->heap[net->n_heap++] = (heap_node){ key, id, -1 };
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
 * once, its index kept in net->hpos (by link table entry) so a key can move in
 * place. */
static int lh_less(const heap_node *a, const heap_node *b)
{
	return a->key < b->key || (a->key == b->key && a->id < b->id);
}

/* lh_less() without branches: a non-negative double orders as its bit pattern. */
static int lh_less_nb(const heap_node *a, const heap_node *b)
{
	__extension__ typedef unsigned __int128 u128;
	uint64_t x, y;
	memcpy(&x, &a->key, sizeof x);
	memcpy(&y, &b->key, sizeof y);
	return ((u128)x << 32 | (uint32_t)a->id) < ((u128)y << 32 | (uint32_t)b->id);
}

/* Heaps larger than this sift down without branches: their levels miss the cache
 * and their keys tie often (links of equal capacity and flow count), so branches on
 * them mispredict; a small heap's stay in L1, where predicted branches win. A full
 * solve's heap sifts without branches at every size (net->lh_nb): its links come
 * and go by the thousand, their keys tying throughout, and it is never warm. */
#define LH_NB_MIN 2048

static void lh_set(flow_net *net, int32_t i, heap_node x)
{
	net->lh[i] = x;
	net->hpos[x.t] = i;
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
	int nb = n > LH_NB_MIN || net->lh_nb;
	for (;;) {
		int32_t c = 4 * i + 1;
		if (c >= n)
			break;
		int32_t m = c;
		if (c + 3 < n && nb) {
			/* All four children: a tournament of two pairs. */
			int32_t a = c + lh_less_nb(&h[c + 1], &h[c]);
			int32_t b = c + 2 + lh_less_nb(&h[c + 3], &h[c + 2]);
			m = a + (b - a) * lh_less_nb(&h[b], &h[a]);
		} else if (c + 3 < n) {
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

static double share_of(const link_tab *k)
{
	return (k->rem_Bps > 0 ? k->rem_Bps : 0) / k->nr;
}

/* Scan mode: the keys freeze() made stale (the links noted in lhd) become their
 * links' shares again. */
static void lh_refresh(flow_net *net)
{
	for (int32_t d = 0; d < net->n_lhd; d++) {
		int32_t x = net->lhd[d], i = net->hpos[x];
		if (i >= 0)
			net->lh[i].key = share_of(&net->t[x]);
	}
	net->n_lhd = 0;
}

/* Link table entry x, about to enter lh with key `key`, comes near the level of the
 * fill: if a fixed flow on it may be faster than that (its list would be walked
 * when it comes to fill), fetches its flows' records into the cache now, so that
 * the walk finds them there rather than waiting on each in turn. */
static void prefetch_near(const flow_net *net, int32_t x, double key)
{
	const link_tab *k = &net->t[x];
	if (k->nfix == 0)
		return;
	const flow_link *lk = &net->links[k->id];
	double bound = net->t2[x].scanned ? net->t2[x].fixed_max_Bps : lk->max_ub_Bps;
	if (!(bound > key))
		return;
	/* The first 16, as prefetch_hot(): a long list's walk fetches the rest
	 * ahead itself, and most links that come near never get walked. */
	int32_t n = lk->n < 16 ? lk->n : 16;
	for (int32_t j = 0; j < n; j++)
		__builtin_prefetch(&net->hot[lk->list[j].flow], 0, 1);
}

/* Fills whose heap would start with at most this many links, one of them alone at
 * the least share, keep lh unordered and find its least entry by a scan: a small
 * heap's moves cost more, in mispredicted branches, than a scan of a few cache
 * lines, and a key lowered or raised in place costs nothing. Where shares tie at
 * the start (links carrying alike flows, as collectives' do) they keep tying, and
 * a heap settles ties cheaper than a scan's pass over them. A scan costs O(lh) a
 * step, so a fill whose lh grows past this becomes a heap (its keys, shares, are
 * lower bounds of them). */
#define LH_SCAN_MAX 128

/* Puts link table entry x, in neither lh nor lo, in the heap with key `key`. */
static void lh_insert(flow_net *net, int32_t x, double key)
{
	prefetch_near(net, x, key);
	GROW(net->lh, net->lh_cap, net->n_lh + 1);
	int32_t i = net->n_lh++;
	lh_set(net, i, (heap_node){ key, net->t[x].id, x });
	if (!net->lh_scan) {
		lh_up(net, i);
	} else if (net->n_lh > LH_SCAN_MAX) {
		lh_refresh(net);
		net->lh_scan = 0;
		for (int32_t j = (net->n_lh - 2) / 4; j >= 0; j--)
			lh_down(net, j);
	}
}

/* Appends link table entry x, in neither lh nor lo, to lo. */
static void lo_add(flow_net *net, int32_t x)
{
	GROW(net->lo, net->lo_cap, net->n_lo + 1);
	net->hpos[x] = -2 - net->n_lo;
	net->lo[net->n_lo++] = x;
}

/* Takes link table entry x out of lo, where it is. */
static void lo_del(flow_net *net, int32_t x)
{
	int32_t i = -2 - net->hpos[x];
	int32_t last = net->lo[--net->n_lo];
	net->lo[i] = last;
	net->hpos[last] = -2 - i;
	net->hpos[x] = -1;
}

/* Puts link table entry x among the links waiting to fill with key `key` (in lo if
 * it is no less than lo_min_Bps), or lowers its key to `key` if it is there with a
 * higher one (moving it from lo to the heap when it drops below lo_min_Bps); in scan
 * mode `key` is the link's share and becomes its key in lh. */
static void lh_offer(flow_net *net, int32_t x, double key)
{
	int32_t i = net->hpos[x];
	if (i >= 0) {
		if (net->lh_scan) {
			net->lh[i].key = key;      /* its share, exactly */
		} else if (key < net->lh[i].key) {
			net->lh[i].key = key;
			lh_up(net, i);
		}
	} else if (key < net->lo_min_Bps) {
		if (i <= -2)
			lo_del(net, x);
		lh_insert(net, x, key);
	} else if (i == -1) {
		lo_add(net, x);
	}
}

/* The index in lh (not empty) of its entry of least (key, id): the root of the heap,
 * or in scan mode the one a scan finds (the least key first, then the least id
 * among the entries with that key, so the order of lh does not matter), the keys
 * freeze() left stale made shares again first. */
static int32_t lh_least(flow_net *net)
{
	if (!net->lh_scan)
		return 0;
	lh_refresh(net);
	const heap_node *h = net->lh;
	int32_t n = net->n_lh, n4 = n & ~3, a;
	/* Four minima, one per lane (entry a is in lane a % 4, the last n % 4 in
	 * lane 0), so that the comparisons do not wait on each other. */
	double ml[4] = { INFINITY, INFINITY, INFINITY, INFINITY };
	for (a = 0; a < n4; a += 4) {
		ml[0] = h[a].key < ml[0] ? h[a].key : ml[0];
		ml[1] = h[a + 1].key < ml[1] ? h[a + 1].key : ml[1];
		ml[2] = h[a + 2].key < ml[2] ? h[a + 2].key : ml[2];
		ml[3] = h[a + 3].key < ml[3] ? h[a + 3].key : ml[3];
	}
	for (; a < n; a++)
		ml[0] = h[a].key < ml[0] ? h[a].key : ml[0];
	double m01 = ml[1] < ml[0] ? ml[1] : ml[0], m23 = ml[3] < ml[2] ? ml[3] : ml[2];
	double m = m23 < m01 ? m23 : m01;
	/* The entry at m, looked for only in a lane whose minimum it is (a quarter
	 * of lh), without branches on where it lies (anyone's guess), on the keys'
	 * bit patterns (non-negative doubles, equal exactly when their bits are).
	 * If several entries are at m (seldom), the least id wins. */
	int lane = 0, lanes = 0;
	for (int l = 3; l >= 0; l--) {
		lane = ml[l] == m ? l : lane;
		lanes += ml[l] == m;
	}
	uint64_t mb;
	memcpy(&mb, &m, sizeof mb);
	int32_t best = 0, hits = 0;
	for (a = lane; a < n4; a += 4) {
		uint64_t kb;
		memcpy(&kb, &h[a].key, sizeof kb);
		best = kb == mb ? a : best;
		hits += kb == mb;
	}
	for (a = lane == 0 ? n4 : n; a < n; a++) {
		uint64_t kb;
		memcpy(&kb, &h[a].key, sizeof kb);
		best = kb == mb ? a : best;
		hits += kb == mb;
	}
	if (lanes > 1 || hits > 1) {
		/* Ties (common where many links carry alike flows): the least id
		 * among all the entries at m, again without branches. */
		int32_t id = h[best].id;
		for (a = 0; a < n; a++) {
			uint64_t kb;
			memcpy(&kb, &h[a].key, sizeof kb);
			int better = (kb == mb) & (h[a].id < id);
			id = better ? h[a].id : id;
			best = better ? a : best;
		}
	}
	return best;
}

/* Takes entry i out of the heap. */
static void lh_remove(flow_net *net, int32_t i)
{
	net->hpos[net->lh[i].t] = -1;
	if (--net->n_lh == i)
		return;
	heap_node last = net->lh[net->n_lh];
	int up = lh_less(&last, &net->lh[i]);
	lh_set(net, i, last);
	if (net->lh_scan)
		return;
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

static void l_push(flow_net *net, int32_t x)
{
	GROW(net->l, net->l_cap, net->n_l + 1);
	net->l[net->n_l++] = x;
}

/* Makes room for R's per-flow and per-hop scratch up to n flows. */
static void rf_room(flow_net *net, int32_t n)
{
	if (n <= net->rf_cap && n <= net->rh_cap)
		return;                /* as a rule: one flow at a time while filling */
	GROW(net->rf, net->rf_cap, n);
	net->rh = grow_lines(net->rh, &net->rh_cap, n, FLOW_MAX_HOPS * sizeof *net->rh);
}

/* Starts a new epoch (R, L and T empty), clearing all marks when it would wrap. */
static void next_epoch(flow_net *net)
{
	if (net->epoch >= UINT32_MAX - 2) {
		for (int32_t i = 0; i < net->n_slots; i++)
			net->hot[i].mark = 0;
		for (int32_t i = 0; i < net->n_t; i++)
			net->t[i].epoch = 0;
		for (int32_t i = 0; i < net->n_links; i++)
			net->links[i].skip_epoch = 0;
		net->epoch = 0;
	}
	net->epoch++;
}

/* Returns the index in lh of the link of least (key, id) of lh and lo together (-1
 * if both are empty; see lh_least()), moving links from lo to lh as needed. The links in lo have keys (lower bounds of their shares, which
 * only rise) of at least lo_min_Bps, so while the root's key is below it, the root
 * is that link; otherwise lo_min_Bps doubles past the least of the root's key and
 * lo's shares, and the links of lo below it move into the heap, keyed by their
 * shares. Links that never come near the level of the fill (most of a local
 * solve's, whose fixed flows leave them slack) never enter the heap. */
static int32_t lh_settle(flow_net *net)
{
	int32_t top = net->n_lh > 0 ? lh_least(net) : -1;
	if (net->n_lo == 0 || (top >= 0 && net->lh[top].key < net->lo_min_Bps))
		return top;
	double m = top >= 0 ? net->lh[top].key : (double)INFINITY;
	for (int32_t a = 0; a < net->n_lo; a++) {
		double sh = share_of(&net->t[net->lo[a]]);
		if (sh < m)
			m = sh;
	}
	net->lo_min_Bps = 2 * m > DBL_MIN ? 2 * m : DBL_MIN;
	int32_t n = 0;
	for (int32_t a = 0; a < net->n_lo; a++) {
		int32_t x = net->lo[a];
		double sh = share_of(&net->t[x]);
		if (sh < net->lo_min_Bps) {
			net->hpos[x] = -1;
			lh_insert(net, x, sh);
		} else {
			net->hpos[x] = -2 - n;
			net->lo[n++] = x;
		}
	}
	net->n_lo = n;
	return net->n_lh > 0 ? lh_least(net) : -1;
}

/* Opens link li's membership of L, which it does not have this round (no flow of R
 * on it yet, all its flows fixed); returns its link table entry. */
static int32_t t_join(flow_net *net, int32_t li)
{
	int32_t x = net->tidx[li];
	if (!(x >= 0 && x < net->n_t && net->t[x].id == li)) {
		if (net->n_t == net->t_cap)
			t_add(net, li);   /* grows the table */
		else
			net->n_t++;
		x = net->n_t - 1;
		net->tidx[li] = x;
	}
	const flow_link *lk = &net->links[li];
	/* rem is the capacity, less the fixed load once R is in. */
	net->t[x] = (link_tab){ .id = li, .epoch = net->epoch, .rem_Bps = lk->cap_Bps,
				.fixed_Bps = lk->sum_Bps, .nfix = lk->n, .rhead = -1,
				.bmin_new_Bps = INFINITY };
	net->t2[x] = (link_tab2){ .nb = lk->nb };
	net->hpos[x] = -1;
	l_push(net, x);
	return x;
}

/* A full solve's L: every link with a flow, opened in one pass in id order (the
 * records stream in, and L's later passes walk them in that order too), each given
 * only what a full solve reads. All its flows are in R, so none is fixed: rem is
 * the capacity, nfix and fixed_Bps 0. Its tail in t2 is left as it was (a full solve
 * has no fixed flow and checks nothing, so nothing reads it; see commit_links()),
 * and fill() gives hpos its value. */
static void open_all(flow_net *net)
{
	const uint32_t e = net->epoch;
	const flow_link *links = net->links;
	GROW(net->l, net->l_cap, net->n_l + net->n_links);
	int32_t *l = net->l, n_l = net->n_l;
	for (int32_t li = 0; li < net->n_links; li++) {
		const flow_link *lk = &links[li];
		if (lk->n == 0)
			continue;
		int32_t x = t_get(net, li);      /* D's entry, or a new one */
		net->t[x] = (link_tab){ .id = li, .epoch = e, .rem_Bps = lk->cap_Bps,
					.rhead = -1, .bmin_new_Bps = INFINITY };
		l[n_l++] = x;
	}
	net->n_l = n_l;
}

/* How r_link() finds a flow's links. */
enum { R_LINK, R_UNFIXED, R_ALL };

/* Whether a local round may leave link k, not in D, out of L: no flow has its
 * bottleneck there, and its spare capacity is more than twice an even split of its
 * capacity among its flows, so R's few flows on it are unlikely to fill it (a link
 * of one or two flows never qualifies). A pure function of the link's record, which
 * no fill writes, so the whole round decides alike for it. Only a guess:
 * skip_rise() proves as the fill runs that the link could not have bound, or the
 * round is filled again with every link in. */
static inline int can_skip(const flow_link *k)
{
	return k->nb == 0 && (k->cap_Bps * (1 - FLOW_TOL) - k->sum_Bps) * k->n >
		2 * k->cap_Bps;
}

/* Makes net->r[i] flow i of R: its scratch set up, and its hops added to the R list
 * of each link on its path (links opened as needed). R_UNFIXED: it was a fixed flow
 * until now: its rate goes back to its links, which now wait for it too, and they
 * are offered to the link heap. R_ALL: a full solve, whose links are all open with
 * no fixed flow already. rf and rh must have room for it. */
static void r_link(flow_net *net, int32_t i, int mode)
{
	const uint32_t e = net->epoch;
	const int32_t f = net->r[i];
	flow_hot *h = &net->hot[f];
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	r_hop *rh = &net->rh[(size_t)i * FLOW_MAX_HOPS];
	/* Read once: the stores below could alias them for all the compiler knows. */
	const double rate = h->rate_Bps;
	const int hops = h->hops;
	const int32_t bott = h->bott;
	const int32_t n_t = net->n_t;
	int32_t old_t = -1;
	h->mark = e;
	h->ridx = i;
	net->rf[i] = (r_flow){ .new_Bps = -1, .new_bott = FLOW_BOTT_NONE,
			       .hops = (int16_t)hops,
			       .capped = (int16_t)((h->active & FLOW_CAPPED) != 0),
			       .skip = 0, .old_Bps = rate };
	if (mode == R_ALL) {
		link_tab *t = net->t;
		for (int j = 0; j < hops; j++) {
			int32_t x = net->tidx[p[j].link];
			link_tab *k = &t[x];
			k->nr++;
			rh[j] = (r_hop){ x, k->rhead };
			k->rhead = i * FLOW_MAX_HOPS + j;
			if (p[j].link == bott)
				old_t = x;
		}
		net->rf[i].old_t = old_t;
		return;
	}
	int nh = 0;
	uint32_t skip = 0;
	r_hop *out = &rh[FLOW_MAX_HOPS - 1];
	for (int j = 0; j < hops; j++) {
		int32_t li = p[j].link;
		int32_t x = net->tidx[li];
		const link_tab *t = net->t;
		/* In L already (most hops), or to be opened by t_join(). */
		int in_t = (uint32_t)x < (uint32_t)n_t && t[x].id == li;
		int fresh = !(in_t && t[x].epoch == e);
		if (fresh && net->skip_on && !(in_t && x < net->n_dirty) &&
		    can_skip(&net->links[li])) {
			/* Left out of L this round, like every flow's hop on it. */
			/* Its spare as the round starts, taken at its first hop
			 * (without a branch: first hops and later ones mix). */
			double *ks = &net->spare[li];
			flow_link *lk = &net->links[li];
			int first = lk->skip_epoch != e;
			double spare = lk->cap_Bps * (1 - FLOW_TOL) - lk->sum_Bps;
			uint64_t a, b, m = -(uint64_t)first;
			memcpy(&a, &spare, sizeof a);
			memcpy(&b, ks, sizeof b);
			a = (a & m) | (b & ~m);
			memcpy(ks, &a, sizeof a);
			lk->skip_epoch = e;
			net->st.skipped += (uint64_t)first;
			/* Listed from the far end of its hop scratch, which its hops
			 * in L (fewer than its hops less these) never reach. */
			(out--)->t = li;
			skip |= 1u << j;
			continue;
		}
		if (fresh)
			x = t_join(net, li);      /* may move net->t */
		link_tab *k = &net->t[x];
		k->nr++;
		/* The last flow leaving the fixed set leaves exactly nothing. */
		double fixed = --k->nfix == 0 ? 0 : k->fixed_Bps - rate;
		k->fixed_Bps = fixed;
		rh[nh] = (r_hop){ x, k->rhead };
		k->rhead = i * FLOW_MAX_HOPS + nh;
		nh++;
		if (li == bott)
			old_t = x;
		if (mode == R_UNFIXED) {
			/* t_join() gave rem the capacity */
			k->rem_Bps = fresh ? k->rem_Bps - fixed : k->rem_Bps + rate;
			lh_offer(net, x, share_of(k));
		}
	}
	r_flow *q = &net->rf[i];
	q->old_t = old_t;
	q->hops = (int16_t)nh;
	q->skip = skip;
	/* Only a flow new to the network, whose links are all in D, could have no
	 * link in L; should one, the round is filled again without leaving any out. */
	if (nh == 0 && !q->capped)
		net->skip_fail = 1;
}

/* Flow i of R, whose path has hops on links left out of L, froze `up_Bps` above its
 * old rate: takes that from their spare, and notes in net->skip_fail if one's is
 * used up. A left-out link x binds at level v only if its flows of R not yet frozen
 * would fill it there: by then its fixed flows, its frozen flows of R and v for each
 * other flow of R add up to its capacity. The level only rises, and each flow of R
 * freezes at or above the level it has reached, while a fixed flow moved into R
 * later counts at its old rate or more; so x's load with each flow of R at the
 * higher of its old and new rates (old load plus the rises) would reach the
 * capacity. A fill whose rises leave every such link below its capacity less the
 * slack never reached them: its flows froze where they would have, at the same
 * levels, and those links are no flow's bottleneck. The rises only add up, so the
 * fill can stop at the first link they fill. */
static inline __attribute__((always_inline)) void skip_rise(flow_net *net, int32_t i,
							     double up_Bps)
{
	const r_hop *out = &net->rh[(size_t)i * FLOW_MAX_HOPS + FLOW_MAX_HOPS - 1];
	for (uint32_t b = net->rf[i].skip; b; b &= b - 1, out--) {
		double *ks = &net->spare[out->t];
		*ks -= up_Bps;
		net->skip_fail |= !(*ks > 0);
	}
}

/* Moves fixed flow g into R while filling: its fixed rate goes back to its links,
 * which now wait for it too. r, rf and rh must have room for one more flow. */
static void unfix(flow_net *net, int32_t g)
{
	net->r[net->n_r++] = g;
	net->n_unfrozen++;
	r_link(net, net->n_r - 1, R_UNFIXED);
	if (net->hot[g].active & FLOW_CAPPED)
		heap_push(net, net->cold[g].cap_Bps, -g - 1);
}

/* unfix() of cand[0 .. nc), in that order. */
static void unfix_cands(flow_net *net, int32_t nc)
{
	GROW(net->r, net->r_cap, net->n_r + nc);
	rf_room(net, net->n_r + nc);
	for (int32_t c = 0; c < nc; c++)
		unfix(net, net->cand[c].flow);
}

/* Freezes flow i of R at `rate`, its bottleneck link `bott` (FLOW_BOTT_CAP for its
 * cap); the caller counts it in its bottleneck's bcnt and bmin_new_Bps. */
static void freeze(flow_net *net, int32_t i, double rate, int32_t bott)
{
	r_flow *q = &net->rf[i];
	const int hops = q->hops;
	q->new_Bps = rate;
	q->new_bott = bott;
	net->n_unfrozen--;
	if (q->skip && rate > q->old_Bps)
		skip_rise(net, i, rate - q->old_Bps);
	if (!(rate > 0))
		net->starved = 1;
	/* The sum measure() reads. */
	if (q->old_t >= 0 && net->checked)
		net->t2[q->old_t].nb_r++;
	r_hop *rh = &net->rh[(size_t)i * FLOW_MAX_HOPS];
	link_tab *t = net->t;          /* nothing here moves the table */
	int32_t *hpos = net->hpos;
	const int scan = net->lh_scan;
	/* Its links' entries, all at once: the loop's branches on them mispredict,
	 * which would fetch them one after another. */
	for (int j = 0; j < hops; j++)
		__builtin_prefetch(&t[rh[j].t]);
	for (int j = 0; j < hops; j++) {
		int32_t x = rh[j].t;
		rh[j].t = -1;
		link_tab *k = &t[x];
		k->rem_Bps -= rate;
		k->acc_Bps += rate;
		if (rate > k->mx_Bps)
			k->mx_Bps = rate;
		/* A link none of whose flows is left to freeze leaves the heap (most
		 * entries sit near the leaves, so this is cheaper than a pop). */
		if (--k->nr == 0 && hpos[x] != -1) {
			if (hpos[x] >= 0)
				lh_remove(net, hpos[x]);
			else
				lo_del(net, x);
		} else if (scan && hpos[x] >= 0 && net->lh[hpos[x]].key >= 0) {
			/* stale: lh_least() makes it the share again, once however
			 * many of the link's flows freeze before it runs */
			net->lh[hpos[x]].key = -1;
			GROW(net->lhd, net->lhd_cap, net->n_lhd + 1);
			net->lhd[net->n_lhd++] = x;
		}
	}
}

/* Whether L's link x, whose flows are one flow of R and nothing else, can stay out
 * of the link heap. Its share is its capacity for as long as that flow is unfrozen,
 * so it never binds before the flow's cap if that is no higher, nor before another
 * link m of the flow's path that holds no fixed flow and has no more capacity: m's
 * share never exceeds its capacity (no fixed flow can move into R there and give
 * bandwidth back), so the flow freezes at m or earlier, at a level no higher. m must
 * stay in the heap itself: it does if it holds more than this flow (only one-flow
 * links are left out); among one-flow links of equal capacity only the one of least
 * id stays. At a tie either link is a bottleneck and the rate is the same. */
static int dominated(const flow_net *net, int32_t x)
{
	const link_tab *k = &net->t[x];
	int32_t i = k->rhead / FLOW_MAX_HOPS;
	/* With no fixed flow on a link, rem_Bps is its capacity still. */
	if (net->rf[i].capped && net->cold[net->r[i]].cap_Bps <= k->rem_Bps)
		return 1;
	const r_hop *rh = &net->rh[(size_t)i * FLOW_MAX_HOPS];
	const int hops = net->rf[i].hops;
	for (int j = 0; j < hops; j++) {
		const link_tab *m = &net->t[rh[j].t];
		if (rh[j].t != x && m->nfix == 0 && (m->rem_Bps < k->rem_Bps ||
		    (m->rem_Bps == k->rem_Bps && (m->nr > 1 || m->id < k->id))))
			return 1;
	}
	return 0;
}

/* Whether candidate a goes before b in pull_count()'s order (faster first, ties by
 * id), without branches: the rates are positive doubles, so they order as their bit
 * patterns. */
static int cand_before(const cand_node *a, const cand_node *b)
{
	uint64_t x, y;
	memcpy(&x, &a->rate_Bps, sizeof x);
	memcpy(&y, &b->rate_Bps, sizeof y);
	return (x > y) | ((x == y) & (a->flow < b->flow));
}

/* Of the nc fixed flows in cand[], all faster than the level at which a link with
 * `rem_Bps` left for its `nr` unfrozen flows of R would fill, the ones that must
 * join R: sorts cand[] fastest first (ties by id) and returns how many lead it.
 * Pulling a flow gives its rate back to the link and raises the link's level
 * (rem + pulled) / (nr + pulled), so a flow no faster than the level with the
 * faster ones pulled can stay fixed: it is at most the level at which the link
 * fills (levels only rise while it waits in the heap; a later fall is caught when
 * the link next reaches the root, as it was before). The fastest always joins. */
/* Sorts cand[0 .. nc) fastest first, ties by id: an insertion sort, one comparison
 * branch per step (rates tie often: the flows bottlenecked on one link share
 * theirs, and a tie would cost a second, unpredictable branch). */
static void cand_sort(flow_net *net, int32_t nc)
{
	cand_node *c = net->cand;
	for (int32_t i = 1; i < nc; i++) {
		cand_node v = c[i];
		int32_t j = i;
		for (; j > 0 && cand_before(&v, &c[j - 1]); j--)
			c[j] = c[j - 1];
		c[j] = v;
	}
}

static int32_t pull_count(flow_net *net, int32_t nc, double rem_Bps, int32_t nr)
{
	cand_sort(net, nc);
	const cand_node *c = net->cand;
	double sum = rem_Bps > 0 ? rem_Bps : 0;
	int32_t n = 1;
	sum += c[0].rate_Bps;
	while (n < nc && c[n].rate_Bps > sum / (nr + n) * (1 + FLOW_TOL)) {
		sum += c[n].rate_Bps;
		n++;
	}
	return n;
}

/* Fetches the lines of the front part of link li's flow list (its bottlenecked
 * flows) into the cache, ahead of eager_pull()'s walk. */
static void prefetch_list(const flow_net *net, int32_t li)
{
	const flow_link *lk = &net->links[li];
	for (int32_t j = 0; j < lk->nb; j += 64 / (int32_t)sizeof *lk->list)
		__builtin_prefetch(&lk->list[j]);
}

/* Flow i of R, about to freeze at link table entry x below its old rate, gives
 * bandwidth back to the other links of its path: the fixed flows bottlenecked there
 * may now rise, which measure() would find only after the round. Notes those links
 * (once a round) for eager_pull(). */

static void eager_note(flow_net *net, int32_t i, int32_t x)
{
	const r_hop *rh = &net->rh[(size_t)i * FLOW_MAX_HOPS];
	for (int j = 0; j < net->rf[i].hops; j++) {
		int32_t w = rh[j].t;
		if (w == x || net->t2[w].eager == net->epoch || net->t2[w].nb == 0)
			continue;
		net->t2[w].eager = net->epoch;
		GROW(net->eg, net->eg_cap, net->n_eg + 1);
		net->eg[net->n_eg++] = w;
		/* its list is walked once the link filling now has frozen */
		prefetch_list(net, net->t[w].id);
	}
}

/* Fetches the records of the first 16 flows of link lk's list, all at once, ahead
 * of a walk of the list (which fetches the rest 16 ahead). */
static void prefetch_hot(const flow_net *net, const flow_link *lk)
{
	int32_t n = lk->n < 16 ? lk->n : 16;
	for (int32_t j = 0; j < n; j++)
		__builtin_prefetch(&net->hot[lk->list[j].flow]);
}

/* Moves into R the fixed flows bottlenecked on the links eager_note() noted that
 * are faster than `lim`, the level the fill has reached (with its slack), and
 * empties the notes. Exact like unfix() of a flow faster than a filling link's
 * level: a flow faster than the level leaves every share at or above it when its
 * rate goes back to its links, so it freezes where it would have had it been in R
 * from the start; one no faster stays fixed, for measure() to check. */
static void eager_pull(flow_net *net, double lim)
{
	uint32_t e = net->epoch;
	int32_t nc = 0;
	/* The flows' records of all the lists fetched at once, so that their
	 * misses overlap rather than wait list by list. */
	for (int32_t a = 0; a < net->n_eg; a++) {
		const flow_link *lw = &net->links[net->t[net->eg[a]].id];
		for (int32_t j = 0; j < lw->nb; j++)
			__builtin_prefetch(&net->hot[lw->list[j].flow]);
	}
	/* Collected first (a flow has one bottleneck, so at most once), their paths
	 * fetched while the lists are walked, then moved in, in the same order. */
	for (int32_t a = 0; a < net->n_eg; a++) {
		int32_t wl = net->t[net->eg[a]].id;
		const flow_link *lw = &net->links[wl];
		/* Without branches on the flows (which qualify is anyone's guess):
		 * each entry of the front part is written, and counted if it
		 * qualifies. */
		for (int32_t j = 0; j < lw->nb; j++) {
			int32_t g = lw->list[j].flow;
			const flow_hot *hg = &net->hot[g];
			GROW(net->cand, net->cand_cap, nc + 1);
			net->cand[nc] = (cand_node){ hg->rate_Bps, g };
			nc += (hg->mark != e) & (hg->bott == wl) & (hg->rate_Bps > lim);
		}
	}
	for (int32_t c = 0; c < nc; c++)
		__builtin_prefetch(&net->path[(size_t)net->cand[c].flow * FLOW_MAX_HOPS]);
	unfix_cands(net, nc);
	net->st.eager += (uint64_t)nc;
	net->n_eg = 0;
}

/* Progressive filling of R (listed in r[]) with the other flows' rates fixed, except
 * that a fixed flow found faster than the level at which one of its links fills is
 * moved into R (it must slow down) unless pull_count() spares it. Collects R's links into l[] (link table
 * entries, opened for this round); writes new_Bps and new_bott of R's flows (rf[]).
 * `checked`: measure() will check the round (it then needs nb_r). `all`: R holds
 * every active flow with a path (a full solve).
 *
 * A link's fixed load is its aggregate sum less R's old rates, so no link list is
 * walked except where a fixed flow may be faster than the level (max_ub_Bps says
 * when); R's flows on a link are found through its R list. The fill reads and
 * writes only the link table and R's scratch, dense arrays, except there.
 *
 * The link heap holds each link with flows left to freeze once (key: a lower bound
 * of its share, the level at which it would fill; shares only grow as flows freeze,
 * so a root whose key is current is the minimum; a link whose share drops because a
 * flow moved into R has its key lowered in place; in scan mode, see lh_least(),
 * every key is its link's share once lh_least() has run), less the links that
 * dominated() shows can never bind first (on a large sparse fabric, most of those carrying one
 * flow). Capped flows wait in a second heap keyed by their caps; at equal levels a
 * cap binds first. The fill stops when every flow of R has frozen. */
static void fill(flow_net *net, int checked, int all, int skip)
{
	uint32_t e = net->epoch;
	net->checked = checked;
	net->skip_on = skip && !all;
	net->lh_nb = all;
	net->skip_fail = 0;
	net->n_l = 0;
	net->n_heap = 0;
	net->n_lh = 0;
	net->n_lo = 0;
	net->n_lhd = 0;
	net->lo_min_Bps = INFINITY;
	net->n_unfrozen = net->n_r;
	net->starved = 0;
	net->n_eg = 0;
	rf_room(net, net->n_r);
	if (all)
		open_all(net);
	for (int32_t i = 0; i < net->n_r; i++) {
		int32_t f = net->r[i];
		if (i + 4 < net->n_r) {
			/* Its path and flag word are the misses of r_link(). */
			__builtin_prefetch(&net->path[(size_t)net->r[i + 4] * FLOW_MAX_HOPS]);
			__builtin_prefetch(&net->hot[net->r[i + 4]]);
		}
		r_link(net, i, all ? R_ALL : R_LINK);
		if (net->hot[f].active & FLOW_CAPPED)
			heap_append(net, net->cold[f].cap_Bps, -f - 1);
	}
	GROW(net->lh, net->lh_cap, net->n_l);
	int32_t n = 0, tied = 0;      /* links at the least share */
	double least = INFINITY;
	for (int32_t a = 0; a < net->n_l; a++) {
		int32_t x = net->l[a];
		link_tab *k = &net->t[x];
		/* t_join() or open_all() gave rem the capacity. dominated() reads
		 * only links with no fixed flow, whose rem is their capacity already. */
		k->rem_Bps -= k->fixed_Bps;
		if (k->nr == 0 || (k->nr == 1 && k->nfix == 0 && dominated(net, x))) {
			net->hpos[x] = -1;     /* open_all() leaves it unset */
			continue;
		}
		double key = share_of(k);
		net->lh[n] = (heap_node){ key, k->id, x };
		net->hpos[x] = n++;
		tied = key < least ? 1 : tied + (key == least);
		if (key < least)
			least = key;
	}
	/* The links well above the least share wait in lo (see lh_settle()). */
	net->lo_min_Bps = 2 * least > DBL_MIN ? 2 * least : DBL_MIN;
	net->n_lo = 0;
	int32_t m = 0;
	for (int32_t a = 0; a < n; a++) {
		if (net->lh[a].key < net->lo_min_Bps) {
			prefetch_near(net, net->lh[a].t, net->lh[a].key);
			net->hpos[net->lh[a].t] = m;
			net->lh[m++] = net->lh[a];
		} else {
			net->hpos[net->lh[a].t] = -1;
			lo_add(net, net->lh[a].t);
		}
	}
	n = m;
	net->n_lh = n;
	net->lh_scan = n <= LH_SCAN_MAX && tied == 1;
	for (int32_t i = net->n_heap / 2 - 1; i >= 0; i--)
		heap_sift_down(net->heap, net->n_heap, i);
	for (int32_t i = (net->n_lh - 2) / 4; i >= 0 && net->n_lh > 1 && !net->lh_scan; i--)
		lh_down(net, i);
	/* Links left when every flow has frozen fill no further; a fill whose
	 * left-out links may bind stops (it is filled again). */
	while (net->n_unfrozen > 0 && !net->skip_fail &&
	       (net->n_lh > 0 || net->n_lo > 0 || net->n_heap > 0)) {
		int32_t top = lh_settle(net);
		if (net->n_heap > 0 && (top < 0 || net->heap[0].key <= net->lh[top].key)) {
			int32_t f = -net->heap[0].id - 1;
			double cap = net->heap[0].key;
			heap_pop(net);
			int32_t i = net->hot[f].ridx;
			if (net->rf[i].new_Bps < 0)
				freeze(net, i, cap, FLOW_BOTT_CAP);
			continue;
		}
		heap_node *root = &net->lh[top];
		int32_t x = root->t;
		link_tab *k = &net->t[x];
		if (k->nr == 0) {
			lh_remove(net, top);
			continue;
		}
		double share = share_of(k);
		if (share > root->key) {
			root->key = share;
			if (!net->lh_scan)
				lh_down(net, 0);
			continue;
		}
		/* Fixed flows faster than this level must come down with it. */
		double lim = share * (1 + FLOW_TOL);
		int32_t li = k->id;
		if (k->nfix > 0) {
			const flow_link *lk = &net->links[li];
			double bound = net->t2[x].scanned ? net->t2[x].fixed_max_Bps :
				lk->max_ub_Bps;
			if (bound > lim) {
				double mx = 0;
				int32_t nc = 0;
				prefetch_hot(net, lk);
				for (int32_t j = 0; j < lk->n; j++) {
					int32_t g = lk->list[j].flow;
					const flow_hot *hg = &net->hot[g];
					if (j + 16 < lk->n)
						__builtin_prefetch(&net->hot[lk->list[j + 16].flow]);
					if (hg->mark == e)
						continue;
					if (hg->rate_Bps > lim) {
						GROW(net->cand, net->cand_cap, nc + 1);
						net->cand[nc++] = (cand_node){ hg->rate_Bps, g };
						__builtin_prefetch(&net->path[(size_t)g * FLOW_MAX_HOPS]);
					} else if (hg->rate_Bps > mx) {
						mx = hg->rate_Bps;
					}
				}
				if (nc > 0) {
					int32_t np = pull_count(net, nc, k->rem_Bps, k->nr);
					net->st.pulled += (uint64_t)np;
					net->st.spared += (uint64_t)(nc - np);
					for (int32_t c = np; c < nc; c++)
						if (net->cand[c].rate_Bps > mx)
							mx = net->cand[c].rate_Bps;
					unfix_cands(net, np);
				}
				/* unfix() may have moved the table. */
				net->t2[x].scanned = 1;
				net->t2[x].fixed_max_Bps = mx;
				if (nc > 0)
					continue;
			}
		}
		/* Its first hop of R, the walk's first miss, comes in while the heap
		 * moves. */
		__builtin_prefetch(&net->rh[k->rhead > 0 ? k->rhead : 0]);
		/* unfix() did not run: top is still the link's place */
		lh_remove(net, top);
		k = &net->t[x];
		int32_t frozen = 0;
		for (int32_t y = k->rhead; y >= 0 && k->nr > 0;) {
			const r_hop *hy = &net->rh[y];
			int32_t i = y / FLOW_MAX_HOPS;
			y = hy->next;
			if (hy->t >= 0) {
				if (checked && share < net->rf[i].old_Bps * (1 - FLOW_TOL))
					eager_note(net, i, x);
				freeze(net, i, share, li);
				frozen++;
			}
		}
		/* The sums measure() and commit_round() read: all froze at `share`. */
		k->bcnt += frozen;
		if (frozen > 0 && share < k->bmin_new_Bps)
			k->bmin_new_Bps = share;
		k->rem_Bps = 0;
		if (net->n_eg > 0)
			eager_pull(net, lim);
	}
}

/* Whether link li is in L this round; writes its link table entry to *x if so. */
static int in_l(const flow_net *net, int32_t li, int32_t *x)
{
	int32_t y = t_find(net, li);
	if (y < 0 || net->t[y].epoch != net->epoch)
		return 0;
	*x = y;
	return 1;
}

/* If fixed flow f, no longer sure of its bottleneck li, has another link on its path
 * that is full after this round and on which no flow is faster, makes that link its
 * bottleneck and returns 1 (its rate is max-min fair as it stands); else returns 0.
 * Reads L's links through the sums measure() gathered. */
static int rebottleneck(flow_net *net, int32_t f, int32_t li)
{
	const flow_hot *h = &net->hot[f];
	double r = h->rate_Bps;
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int j = 0; j < h->hops; j++) {
		int32_t m = p[j].link;
		flow_link *k = &net->links[m];
		if (m == li)
			continue;
		double load, mx;
		int32_t x = -1;
		int inl = in_l(net, m, &x);
		if (inl) {
			load = net->t[x].fixed_Bps + net->t[x].acc_Bps;
			mx = net->t2[x].scanned ? net->t2[x].fixed_max_Bps : k->max_ub_Bps;
			if (net->t[x].mx_Bps > mx)
				mx = net->t[x].mx_Bps;
		} else {
			load = k->sum_Bps;
			mx = k->max_ub_Bps;
		}
		if (!(load >= k->cap_Bps * (1 - FLOW_TOL) && r >= mx * (1 - FLOW_TOL)))
			continue;
		flow_link *old = &net->links[li];
		bott_leave(net, f, li);
		if (old->nb == 0)
			old->bmin_Bps = INFINITY;
		bott_join(net, f, m);
		if (r < k->bmin_Bps)
			k->bmin_Bps = r;
		if (inl && net->t2[x].bscanned && r < net->t2[x].bmin_scan_Bps)
			net->t2[x].bmin_scan_Bps = r;
		net->hot[f].bott = m;
		net->st.rebottlenecked++;
		return 1;
	}
	return 0;
}

/* If `check`, finds the flows outside R that may no longer be max-min fair: a fixed
 * flow whose bottleneck is no longer full, or no longer has it as the fastest (a
 * fixed flow faster than R's flows where they froze was pulled into R by fill()).
 * Only L's links need a look: a link outside L and D kept its load or was left out
 * of L (no flow has its bottleneck there), and one in D but not in L has no flow
 * bottlenecked on it that R's past rounds did not check. It
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
	for (int32_t a = 0; a < net->n_l; a++) {
		int32_t x = net->l[a];
		int32_t li = net->t[x].id;
		flow_link *k = &net->links[li];
		if (k->nb - net->t2[x].nb_r <= 0)
			continue;              /* no fixed flow has its bottleneck here */
		double load = net->t[x].fixed_Bps + net->t[x].acc_Bps;
		int saturated = load >= k->cap_Bps * (1 - FLOW_TOL);
		if (saturated && !(net->t[x].mx_Bps * (1 - FLOW_TOL) > k->bmin_Bps))
			continue;
		/* Walk the list: exact load and fastest rate, then the flows to add. */
		double mx = 0;
		load = 0;
		for (int32_t j = 0; j < k->n; j++) {
			const flow_hot *h = &net->hot[k->list[j].flow];
			if (j + 4 < k->n)
				__builtin_prefetch(&net->hot[k->list[j + 4].flow]);
			double r = h->mark == e ? net->rf[h->ridx].new_Bps : h->rate_Bps;
			load += r;
			if (r > mx)
				mx = r;
		}
		saturated = load >= k->cap_Bps * (1 - FLOW_TOL);
		double max_lim = mx * (1 - FLOW_TOL);
		double bmin = INFINITY;
		/* The flows bottlenecked here, gathered first: rebottleneck() moves
		 * entries between the lists' parts. */
		int32_t ng = k->nb;
		GROW(net->cand, net->cand_cap, ng);
		for (int32_t j = 0; j < ng; j++)
			net->cand[j].flow = k->list[j].flow;
		for (int32_t j = 0; j < ng; j++) {
			int32_t f = net->cand[j].flow;
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
		net->t2[x].bmin_scan_Bps = bmin;
		net->t2[x].bscanned = 1;
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
	for (int32_t d = 0; d < net->n_dirty; d++) {
		net->t[d].epoch = e;
		const flow_link *k = &net->links[net->t[d].id];
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
			int32_t x = t_get(net, p[j].link);
			if (net->t[x].epoch == e)
				continue;
			net->t[x].epoch = e;
			const flow_link *k = &net->links[p[j].link];
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

/* Starts a new solve: S empty, clearing all S marks when the solve number would
 * wrap. */
static void next_solve(flow_net *net)
{
	if (net->sepoch == UINT32_MAX) {
		for (int32_t i = 0; i < net->n_slots; i++)
			net->warm[i].smark = 0;
		net->sepoch = 0;
	}
	net->sepoch++;
	net->n_sf = 0;
}

/* Makes link k's sum of rates exactly 0 if it has no flow, and never below 0 (the
 * rounding of a long run of changes), once a solve has changed it. */
static void link_settle(flow_link *k)
{
	if (k->sum_Bps < 0 || k->n == 0)
		k->sum_Bps = 0;
}

/* The aggregates of the links that hops `skip` of R's flow i are on, left out of L
 * (listed by r_link() at the end of its hop scratch), follow its rate from old_Bps
 * to new_Bps (no flow has its bottleneck there). */
static inline __attribute__((always_inline)) void commit_skipped(flow_net *net, int32_t i,
								 uint32_t skip, double old_Bps,
								 double new_Bps)
{
	const r_hop *out = &net->rh[(size_t)i * FLOW_MAX_HOPS + FLOW_MAX_HOPS - 1];
	for (uint32_t b = skip; b; b &= b - 1, out--) {
		flow_link *k = &net->links[out->t];
		double sum = k->sum_Bps + (new_Bps - old_Bps);
		k->sum_Bps = sum > 0 ? sum : 0;
		k->max_ub_Bps = new_Bps > k->max_ub_Bps ? new_Bps : k->max_ub_Bps;
	}
}

/* The links of L take their aggregates from the sums over R that freeze() and
 * measure() gathered (R's flows have their new bottlenecks counted in nb). */
static void commit_links(flow_net *net)
{
	for (int32_t a = 0; a < net->n_l; a++) {
		int32_t x = net->l[a];
		const link_tab *kt = &net->t[x];
		const link_tab2 *k2 = &net->t2[x];
		flow_link *k = &net->links[kt->id];
		if (a + 8 < net->n_l)
			__builtin_prefetch(&net->links[net->t[net->l[a + 8]].id]);
		int all_r = kt->nfix == 0;
		double sum = (all_r ? 0 : kt->fixed_Bps) + kt->acc_Bps;
		k->sum_Bps = sum > 0 ? sum : 0;
		double base = all_r ? 0 : k2->scanned ? k2->fixed_max_Bps : k->max_ub_Bps;
		k->max_ub_Bps = base > kt->mx_Bps ? base : kt->mx_Bps;
		/* Lower bound of the bottlenecked flows' rates: exact when R holds them
		 * all, else the fixed ones' bound (exact if measure walked the list). */
		if (k->nb == 0) {
			k->bmin_Bps = INFINITY;
		} else if (k->nb == kt->bcnt) {
			k->bmin_Bps = kt->bmin_new_Bps;
		} else {
			double fixed = k2->bscanned ? k2->bmin_scan_Bps : k->bmin_Bps;
			k->bmin_Bps = fixed < kt->bmin_new_Bps ? fixed : kt->bmin_new_Bps;
		}
		link_settle(k);
	}
}

/* Ends a round: R's flows (r[0 .. n_r), as fill() and measure() left them, less
 * the n_added flows measure() appended) take their new rates and bottlenecks, and
 * L's aggregates follow (from the sums over R that freeze() and measure()
 * gathered). A flow first touched in this solve joins S with its old rate. Later
 * rounds hold these rates fixed like any other. */
static void commit_round(flow_net *net, int32_t n_added)
{
	int32_t n = net->n_r - n_added;
	for (int32_t i = 0; i < n; i++) {
		int32_t f = net->r[i];
		flow_hot *h = &net->hot[f];
		flow_warm *c = &net->warm[f];
		if (c->smark != net->sepoch) {
			c->smark = net->sepoch;
			c->old_Bps = h->rate_Bps;
			GROW(net->sf, net->sf_cap, net->n_sf + 1);
			net->sf[net->n_sf++] = f;
		}
		if (net->rf[i].skip)
			commit_skipped(net, i, net->rf[i].skip, h->rate_Bps,
				       net->rf[i].new_Bps);
		h->rate_Bps = net->rf[i].new_Bps;
		set_bott(net, f, net->rf[i].new_bott);
	}
	commit_links(net);
}

/* Flow f, given rate nr by the solve running (its rate_Bps now), keeps its old rate
 * `old`, so close that its completion need not move: its links' aggregates follow
 * it back. */
static void keep_rate(flow_net *net, int32_t f, double old)
{
	flow_hot *h = &net->hot[f];
	double nr = h->rate_Bps;
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int j = 0; j < h->hops; j++) {
		flow_link *k = &net->links[p[j].link];
		k->sum_Bps += old - nr;
		if (old > k->max_ub_Bps)
			k->max_ub_Bps = old;
		link_settle(k);
	}
	if (h->bott >= 0 && old < net->links[h->bott].bmin_Bps)
		net->links[h->bott].bmin_Bps = old;
	h->rate_Bps = old;
}

/* Sets in net->bits, all zero between uses, the bits of flows ids[0 .. n); writes
 * the first and last word that holds one to *lo and *hi (hi < lo if n is 0).
 * bits_next() reads them back, clearing each word as it goes. */
static void id_bits(flow_net *net, const int32_t *ids, int32_t n, int32_t *lo, int32_t *hi)
{
	int32_t words = net->n_slots / 64 + 1, old = net->bits_cap;
	if (words > old) {
		GROW(net->bits, net->bits_cap, words);
		memset(&net->bits[old], 0, (size_t)(net->bits_cap - old) * sizeof *net->bits);
	}
	uint64_t *bits = net->bits;
	int32_t l = INT32_MAX, h = -1;
	for (int32_t i = 0; i < n; i++) {
		int32_t w = ids[i] / 64;
		l = w < l ? w : l;
		h = w > h ? w : h;
		bits[w] |= (uint64_t)1 << (ids[i] % 64);
	}
	*lo = l;
	*hi = h;
}

/* The next flow id, in increasing order, of the bitmap id_bits() set, clearing each
 * word as it leaves it; -1 after the last. *w starts at id_bits()'s *lo and *b at
 * 0; they keep the place between calls. */
static inline int32_t bits_next(flow_net *net, int32_t *w, int32_t hi, uint64_t *b)
{
	if (*b == 0) {
		while (*w <= hi && net->bits[*w] == 0)
			++*w;
		if (*w > hi)
			return -1;
		*b = net->bits[*w];
		net->bits[(*w)++] = 0;
	}
	int32_t f = (*w - 1) * 64 + __builtin_ctzll(*b);
	*b &= *b - 1;
	return f;
}

/* Flow f of S, its rate changed from `old` to its rate_Bps now, has its bytes left
 * brought up to now at the old rate and its completion rescheduled. */
static inline __attribute__((always_inline)) void rerate(flow_net *net, int32_t f, double old,
							 uint64_t now)
{
	flow_warm *c = &net->warm[f];
	c->left_bytes -= old * 1e-9 * (double)(now - c->t_ns);
	if (c->left_bytes < 0)
		c->left_bytes = 0;
	c->t_ns = now;
	net->st.rerated++;
	reschedule(net, f, c, net->hot[f].rate_Bps, now);
}

/* The end of finish_solve(): settles the sums of D's links (L's were in
 * commit_links()), and empties the table and the fresh list. */
static void finish_links(flow_net *net)
{
	net->n_fresh = 0;
	for (int32_t d = 0; d < net->n_dirty; d++)
		link_settle(&net->links[net->t[d].id]);
	net->n_t = 0;
	net->n_dirty = 0;
}

/* Ends the solve: in id order, reschedules the completion of each flow of S whose
 * rate changed (unless `sticky` and by no more than FLOW_STICKY, when it keeps its
 * old rate); then finish_links(). */
static void finish_solve(flow_net *net, int sticky)
{
	uint64_t now = sim_now(net->s);
	int32_t w, hi;
	uint64_t b = 0;
	id_bits(net, net->sf, net->n_sf, &w, &hi);
	for (int32_t f; (f = bits_next(net, &w, hi, &b)) >= 0;) {
		double nr = net->hot[f].rate_Bps, old = net->warm[f].old_Bps;
		if (nr == old)
			continue;
		if (sticky && fabs(nr - old) <= FLOW_STICKY * old) {
			keep_rate(net, f, old);
			continue;
		}
		rerate(net, f, old, now);
	}
	finish_links(net);
}

/* commit_round() of the only round of a local solve, then its finish_solve(), sticky,
 * in fewer passes over R: S is R (every flow is new to it, with its
 * old rate in rf[].old_Bps), so the flows take their new rates in the id-ordered
 * pass that reschedules them, after the links' pass as before. The same sums in the
 * same order, and the same completions scheduled in the same order. */
static void commit_only_round(flow_net *net)
{
	uint64_t now = sim_now(net->s);
	const int32_t n = net->n_r;
	for (int32_t i = 0; i < n; i++) {
		const r_flow *q = &net->rf[i];
		if (q->skip)
			commit_skipped(net, i, q->skip, q->old_Bps, q->new_Bps);
		set_bott(net, net->r[i], q->new_bott);
	}
	commit_links(net);
	int32_t w, hi;
	uint64_t b = 0;
	id_bits(net, net->r, n, &w, &hi);
	for (int32_t f; (f = bits_next(net, &w, hi, &b)) >= 0;) {
		flow_hot *h = &net->hot[f];
		const r_flow *q = &net->rf[h->ridx];
		double nr = q->new_Bps, old = q->old_Bps;
		if (nr == old)
			continue;
		h->rate_Bps = nr;
		if (fabs(nr - old) <= FLOW_STICKY * old) {
			keep_rate(net, f, old);
			continue;
		}
		rerate(net, f, old, now);
	}
	finish_links(net);
}

/* ---- re-levelling ---------------------------------------------------------------
 * Most changes move the levels of a few links and keep every flow's bottleneck: a
 * flow that ends leaves room on its bottleneck, whose other flows speed up, which
 * lowers the level of the links they cross without being bottlenecked there, whose
 * own flows slow down, and so on, each flow keeping its link. relevel() tries that
 * first. With each flow's bottleneck held, a link's level (the rate of the flows
 * bottlenecked there) is what its capacity leaves them after its other flows, whose
 * rates are their own bottlenecks' levels: it processes the links from the changed
 * ones outward in increasing order of those levels, a link again whenever a rate on
 * it changes after it was processed, until nothing changes. Where that breaks
 * max-min fairness it repairs the assignment on the spot: a flow faster on a link
 * than the link's level takes that link as its bottleneck (the fastest first, as
 * many as the level with them in leaves faster than it; a link with no bottlenecked
 * flow that its flows overfill takes them so), and a flow whose bottleneck would
 * lift it past its cap is held at its cap. A new flow starts bottlenecked where its share looks least.
 * What it ends with is checked as it goes: every link with a bottlenecked flow is
 * full and none of its other flows is faster than its level (its list walked when
 * the level fell below what it knew of them), every other link within its capacity,
 * every flow within its cap; that is the max-min allocation. If it cannot finish
 * (more work than a few passes over its links, a level below 0) it undoes what it
 * did and the solve runs as progressive filling.
 *
 * The order is a heap of the links waiting, each at its level as it was when it
 * joined (levels move little in a pass; where two cross, the link processed too
 * early is processed again). A link with a bottlenecked flow that the pass reaches
 * gets scratch (rl_link, parallel to the link table t, valid while t's epoch is the
 * pass's) that holds the sum of its other flows' rates, so its record changes only
 * if the pass succeeds; a link with none only has its record's sum follow in place,
 * the old sum kept to undo, and gets scratch if it overfills. Rates change in
 * place, each flow's old rate kept in S as a solve's are, and bottleneck moves are
 * logged to be undone. */

/* relevel() leaves a solve to the fill if it has more than RL_MAX_FRESH new flows
 * and they are more than 1 / RL_FRESH_SHARE of the flows: their bottlenecks are
 * guesses from the state before any of them, good while they are few among many
 * (a ring step among thousands of flows), poor for a crowd starting at once. */
#define RL_MAX_FRESH 16
#define RL_FRESH_SHARE 8

/* Flow f's rate is about to change in the pass: it joins S with its old rate. */
static void rl_touch(flow_net *net, int32_t f)
{
	flow_hot *h = &net->hot[f];
	if (h->mark == net->epoch)
		return;
	h->mark = net->epoch;
	flow_warm *c = &net->warm[f];
	c->smark = net->sepoch;
	c->old_Bps = net->hot[f].rate_Bps;
	GROW(net->sf, net->sf_cap, net->n_sf + 1);
	net->sf[net->n_sf++] = f;
}

/* Link li's entry in the pass, opened if it has none: the sum of the rates of its
 * flows not bottlenecked there is its sum less those of the flows bottlenecked
 * there, whose rates no pass has changed yet (only processing a link changes
 * them), and the slowest of those bounds its other flows (the last solve left none
 * faster, save new flows, which have rate 0 and are in S already). */
static int32_t rl_open(flow_net *net, int32_t li)
{
	int32_t x = t_find(net, li);
	if (x >= 0 && net->t[x].epoch == net->epoch)
		return x;
	if (x < 0)
		x = t_add(net, li);
	net->t[x].epoch = net->epoch;
	const flow_link *k = &net->links[li];
	double bsum = 0, slow = INFINITY;
	for (int32_t j = 0; j < k->nb; j++) {
		int32_t f = k->list[j].flow;
		double r = net->hot[f].rate_Bps;
		bsum += r;
		if (net->hot[f].mark != net->epoch && r < slow)
			slow = r;
	}
	net->lv[x] = (rl_link){ .other_Bps = k->nb == 0 ? k->sum_Bps : k->sum_Bps - bsum,
				.lvl_Bps = -1, .calm_Bps = slow, .mxc_Bps = 0 };
	net->hpos[x] = -1;
	l_push(net, x);
	return x;
}

/* The key by which the pass orders link table entry x: its level if processed now
 * (never below 0: a negative one fails anyway), or for a link with no bottlenecked
 * flow that its flows overfill, about the level its fastest re-rated flow would
 * take there; -1 if it needs no processing (such a link within its capacity). */
static double rl_key(const flow_net *net, int32_t x)
{
	const flow_link *k = &net->links[net->t[x].id];
	const rl_link *v = &net->lv[x];
	double key;
	if (k->nb > 0)
		key = (k->cap_Bps - v->other_Bps) / k->nb;
	else if (v->other_Bps > k->cap_Bps * (1 + FLOW_TOL))
		key = k->cap_Bps - v->other_Bps + v->mxc_Bps;
	else
		return -1;
	return key > 0 ? key : 0;
}

/* Queues link table entry x for processing, at its key as it is now, unless it waits
 * already: keys move little in a pass (where they cross, the link processed too
 * early is processed again), and moving them cost more than it saved. */
static void rl_queue(flow_net *net, int32_t x)
{
	if (net->hpos[x] >= 0)
		return;
	double key = rl_key(net, x);
	if (key < 0)
		return;
	GROW(net->lh, net->lh_cap, net->n_lh + 1);
	int32_t i = net->n_lh++;
	lh_set(net, i, (heap_node){ key, net->t[x].id, x });
	lh_up(net, i);
}

/* Flow f's rate becomes `rate`: the other sums of its links but its bottleneck
 * (`bott`; FLOW_BOTT_CAP: none) follow, and they are queued. A link not open in the
 * pass with no bottlenecked flow only needs to stay within its capacity: its
 * record's sum follows in place (the sum it had kept in net->spare, to undo), and
 * it opens only if it overfills. */
static void rl_rate(flow_net *net, int32_t f, double rate, int32_t bott)
{
	flow_hot *h = &net->hot[f];
	double d = rate - h->rate_Bps;
	const uint32_t e = net->epoch;
	rl_touch(net, f);
	h->rate_Bps = rate;
	const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
	for (int j = 0; j < h->hops; j++) {
		int32_t li = p[j].link;
		if (li == bott)
			continue;
		int32_t x = net->tidx[li];
		int open = (uint32_t)x < (uint32_t)net->n_t && net->t[x].id == li &&
			net->t[x].epoch == e;
		flow_link *k = &net->links[li];
		if (!open && k->nb == 0) {
			if (k->skip_epoch != e) {
				k->skip_epoch = e;
				net->spare[li] = k->sum_Bps;
				GROW(net->ld, net->ld_cap, net->n_ld + 1);
				net->ld[net->n_ld++] = li;
			}
			k->sum_Bps += d;
			if (rate > k->max_ub_Bps)
				k->max_ub_Bps = rate;
			if (!(k->sum_Bps > k->cap_Bps * (1 + FLOW_TOL)))
				continue;
			x = rl_open(net, li);      /* its sum is the others' */
			net->lv[x].mxc_Bps = rate;
			rl_queue(net, x);
			continue;
		}
		if (!open)
			x = rl_open(net, li);
		rl_link *v = &net->lv[x];
		v->other_Bps += d;
		if (rate > v->mxc_Bps)
			v->mxc_Bps = rate;
		rl_queue(net, x);
	}
}

/* Flow f's bottleneck becomes `to` (a link of its path, or FLOW_BOTT_CAP), logged
 * to be undone: its old bottleneck counts it among its other flows now (at its
 * rate, which it may keep), and `to` no longer does. */
static void rl_move_bott(flow_net *net, int32_t f, int32_t to)
{
	flow_hot *h = &net->hot[f];
	int32_t from = h->bott;
	GROW(net->mv, net->mv_cap, net->n_mv + 1);
	net->mv[net->n_mv++] = (rl_move){ f, from };
	int32_t xf = from >= 0 ? rl_open(net, from) : -1;
	int32_t xt = to >= 0 ? rl_open(net, to) : -1;
	set_bott(net, f, to);
	if (xt >= 0)
		net->lv[xt].other_Bps -= h->rate_Bps;
	if (xf >= 0) {
		rl_link *v = &net->lv[xf];
		v->other_Bps += h->rate_Bps;
		if (h->rate_Bps > v->mxc_Bps)
			v->mxc_Bps = h->rate_Bps;
		rl_queue(net, xf);
	}
}

/* Collects in cand[] the flows of link k not bottlenecked there that are faster
 * than `lvl` (with the slack); returns how many, and writes the rate of the
 * fastest of the others to *rest (0 if none). */
static int32_t rl_faster(flow_net *net, const flow_link *k, double lvl, double *rest)
{
	double lim = lvl * (1 + FLOW_TOL), mx = 0;
	int32_t nc = 0;
	for (int32_t j = k->nb; j < k->n; j++) {
		int32_t g = k->list[j].flow;
		double r = net->hot[g].rate_Bps;
		if (r > lim) {
			GROW(net->cand, net->cand_cap, nc + 1);
			net->cand[nc++] = (cand_node){ r, g };
		} else if (r > mx) {
			mx = r;
		}
	}
	*rest = mx;
	return nc;
}

/* Processes link table entry x, out of the queue: takes as bottlenecked there the
 * flows faster than its level (see pull_count(); here its level may start below
 * 0, with the link overfilled) and gives its bottlenecked flows its level, holding
 * at its cap a flow that it would lift past it. Returns -1 if the level is below 0
 * even so. */
static int rl_process(flow_net *net, int32_t x)
{
	flow_link *k = &net->links[net->t[x].id];
	const int32_t li = net->t[x].id;
	for (;;) {
		rl_link *v = &net->lv[x];
		if (k->nb == 0 && !(v->other_Bps > k->cap_Bps * (1 + FLOW_TOL)))
			return 0;
		double lvl = k->nb > 0 ? (k->cap_Bps - v->other_Bps) / k->nb : -(double)INFINITY;
		if (v->mxc_Bps > lvl * (1 + FLOW_TOL) || lvl < v->calm_Bps) {
			double rest;
			int32_t nc = rl_faster(net, k, lvl, &rest);
			if (nc > 0) {
				cand_sort(net, nc);
				const cand_node *c = net->cand;
				double sum = k->cap_Bps - v->other_Bps;
				int32_t n = 0;
				do {
					sum += c[n].rate_Bps;
					n++;
				} while (n < nc &&
					 c[n].rate_Bps > sum / (k->nb + n) * (1 + FLOW_TOL));
				if (n < nc && c[n].rate_Bps > rest)
					rest = c[n].rate_Bps;
				for (int32_t a = 0; a < n; a++)
					rl_move_bott(net, net->cand[a].flow, li);
				v = &net->lv[x];
				lvl = (k->cap_Bps - v->other_Bps) / k->nb;
			}
			/* Its other flows are all known now: none faster than `rest`. */
			v->calm_Bps = 0;
			v->mxc_Bps = rest;
		}
		if (!(lvl >= 0))
			return -1;
		int again = 0;
		for (int32_t j = 0; j < k->nb && !again; j++) {
			int32_t f = k->list[j].flow;
			if ((net->hot[f].active & FLOW_CAPPED) &&
			    lvl > net->cold[f].cap_Bps * (1 + FLOW_TOL)) {
				rl_move_bott(net, f, FLOW_BOTT_CAP);
				rl_rate(net, f, net->cold[f].cap_Bps, FLOW_BOTT_CAP);
				again = 1;
			} else if (net->hot[f].rate_Bps != lvl) {
				rl_rate(net, f, lvl, li);
			}
		}
		if (again)
			continue;
		net->lv[x].lvl_Bps = lvl;
		if (net->hpos[x] >= 0)
			lh_remove(net, net->hpos[x]);
		return 0;
	}
}

/* Undoes a relevel() that could not finish: rates and bottlenecks as they were,
 * the table D again. */
static void rl_undo(flow_net *net)
{
	for (int32_t a = 0; a < net->n_sf; a++) {
		int32_t f = net->sf[a];
		net->hot[f].rate_Bps = net->warm[f].old_Bps;
	}
	for (int32_t a = net->n_mv - 1; a >= 0; a--)
		set_bott(net, net->mv[a].flow, net->mv[a].bott);
	for (int32_t a = 0; a < net->n_ld; a++)
		net->links[net->ld[a]].sum_Bps = net->spare[net->ld[a]];
	net->n_mv = 0;
	net->n_ld = 0;
	net->n_t = net->n_dirty;
	net->n_l = 0;
	net->n_lh = 0;
	net->st.relevel_undone++;
}

/* The pass described above; returns 1 if it solved the changes (completions
 * rescheduled, the table emptied), 0 if it left them as they were to the fill. */
static int relevel(flow_net *net)
{
	if (net->rl_passes <= 0 || (net->n_fresh > RL_MAX_FRESH &&
				    (int64_t)net->n_fresh * RL_FRESH_SHARE > net->n_active))
		return 0;
	next_solve(net);
	next_epoch(net);
	net->n_l = 0;
	net->n_lh = 0;
	net->lh_scan = 0;
	net->lh_nb = 0;
	net->n_mv = 0;
	net->n_ld = 0;
	for (int32_t i = 0; i < net->n_fresh; i++)
		rl_touch(net, net->fresh[i]);
	/* The changed links with flows bottlenecked there; the others only need to
	 * stay within their capacities (their sums fell, or hold new flows at 0). */
	for (int32_t d = 0; d < net->n_dirty; d++)
		if (net->links[net->t[d].id].nb > 0)
			rl_open(net, net->t[d].id);
	/* A new flow starts bottlenecked where its share looks least. */
	for (int32_t i = 0; i < net->n_fresh; i++) {
		int32_t f = net->fresh[i];
		const flow_hop *p = &net->path[(size_t)f * FLOW_MAX_HOPS];
		double least = INFINITY;
		int32_t at = FLOW_BOTT_CAP;
		for (int j = 0; j < net->hot[f].hops; j++) {
			const flow_link *k = &net->links[p[j].link];
			int32_t x = t_find(net, p[j].link);
			double other = x >= 0 && net->t[x].epoch == net->epoch ?
				net->lv[x].other_Bps : k->sum_Bps;
			double share = (k->cap_Bps - other) / (k->nb + 1);
			if (share < least) {
				least = share;
				at = p[j].link;
			}
		}
		int capped = (net->hot[f].active & FLOW_CAPPED) != 0;
		if (capped && net->cold[f].cap_Bps <= least)
			at = FLOW_BOTT_CAP;
		rl_move_bott(net, f, at);
		if (at == FLOW_BOTT_CAP)
			rl_rate(net, f, net->cold[f].cap_Bps, FLOW_BOTT_CAP);
	}
	for (int32_t a = 0; a < net->n_l; a++)
		rl_queue(net, net->l[a]);
	int32_t steps = 0;
	while (net->n_lh > 0) {
		int32_t x = net->lh[0].t;
		lh_remove(net, 0);
		if (++steps > net->rl_passes * net->n_l || rl_process(net, x) < 0) {
			rl_undo(net);
			return 0;
		}
	}
	/* What the queue saw to: every link within its capacity, every link with a
	 * bottlenecked flow processed since its last change. */
	for (int32_t a = 0; a < net->n_l; a++) {
		int32_t x = net->l[a];
		const flow_link *k = &net->links[net->t[x].id];
		const rl_link *v = &net->lv[x];
		if (k->nb > 0 ? !(v->lvl_Bps >= 0) :
		    v->other_Bps > k->cap_Bps * (1 + FLOW_TOL)) {
			rl_undo(net);
			return 0;
		}
	}
	for (int32_t a = 0; a < net->n_l; a++) {
		int32_t x = net->l[a];
		flow_link *k = &net->links[net->t[x].id];
		const rl_link *v = &net->lv[x];
		double sum = v->other_Bps, top = v->mxc_Bps;
		if (k->nb > 0) {
			sum += k->nb * v->lvl_Bps;
			k->bmin_Bps = v->lvl_Bps;
			top = top > v->lvl_Bps ? top : v->lvl_Bps;
		} else {
			k->bmin_Bps = INFINITY;
		}
		k->sum_Bps = sum > 0 ? sum : 0;
		k->max_ub_Bps = top > k->max_ub_Bps ? top : k->max_ub_Bps;
		link_settle(k);
	}
	for (int32_t a = 0; a < net->n_ld; a++)
		link_settle(&net->links[net->ld[a]]);
	net->n_l = 0;
	net->n_mv = 0;
	net->n_ld = 0;
	net->st.relevels++;
	net->st.solved_flows += (uint64_t)net->n_sf;
	finish_solve(net, 1);
	return 1;
}

/* The local solve described at the top of the file. */
static void solve_local(flow_net *net)
{
	if (relevel(net))
		return;
	next_solve(net);
	next_epoch(net);
	uint32_t e = net->epoch;
	net->n_r = 0;
	for (int32_t i = 0; i < net->n_fresh; i++) {
		net->hot[net->fresh[i]].mark = e;
		r_push(net, net->fresh[i]);
	}
	for (int32_t d = 0; d < net->n_dirty; d++) {
		int32_t li = net->t[d].id;
		const flow_link *k = &net->links[li];
		for (int32_t j = 0; j < k->nb; j++) {
			int32_t f = k->list[j].flow;
			if (net->hot[f].mark != e) {
				net->hot[f].mark = e;
				r_push(net, f);
			}
		}
	}
	for (int round = 0;; round++) {
		int32_t n_r0 = net->n_r;
		flow_stats st0 = net->st;
		/* A round of a few flows opens few links: leaving some out would not
		 * pay for the checks. */
		fill(net, 1, 0, n_r0 >= FLOW_SKIP_MIN_R);
		if (net->skip_fail) {
			/* A link left out could have bound: fill R again with every
			 * link in (the flows the first fill moved into R come again, and
			 * are counted once). */
			net->st.pulled = st0.pulled;
			net->st.spared = st0.spared;
			net->st.eager = st0.eager;
			net->st.skipped = st0.skipped;
			net->st.skip_redone++;
			net->n_r = n_r0;
			next_epoch(net);
			fill(net, 1, 0, 0);
		}
		int32_t added = measure(net, 1);
		net->st.rounds++;
		if (added == 0 && round == 0) {
			/* A one-round solve's S is R. */
			net->st.solved_flows += (uint64_t)net->n_r;
			commit_only_round(net);
			return;
		}
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
			fill(net, 0, 0, 0);
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
	/* Every link with a flow joins L. */
	fill(net, 0, 1, 0);
	measure(net, 0);
	commit_round(net, 0);
	net->st.full_solves++;
	net->st.solved_flows += (uint64_t)net->n_r;
	finish_solve(net, 0);
}

void flow_net_set_relevel(flow_net *net, int passes)
{
	net->rl_passes = passes > 0 ? passes : 0;
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
	const flow_warm *c = &net->warm[id];
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
	/* Between a flow's end and the solve at that time the sum has only had
	 * its rate taken off, which rounding may leave a hair below 0. */
	if (l < 0 || l >= net->n_links)
		return 0;
	double sum = net->links[l].sum_Bps;
	return sum > 0 ? sum : 0;
}

int flow_link_flow_count(const flow_net *net, link_id l)
{
	return l >= 0 && l < net->n_links ? net->links[l].n : 0;
}

double flow_link_carried_bytes(const flow_net *net, link_id l)
{
	if (l < 0 || l >= net->n_links)
		return 0;
	/* The flows that ended sent all their bytes; those on it now, what they
	 * have sent so far. */
	const flow_link *k = &net->links[l];
	double bytes = net->use[l].ended_bytes;
	for (int32_t j = 0; j < k->n; j++) {
		int32_t f = k->list[j].flow;
		bytes += net->cold[f].bytes - flow_left_bytes(net, f);
	}
	return bytes;
}

uint64_t flow_link_busy_ns(const flow_net *net, link_id l)
{
	if (l < 0 || l >= net->n_links)
		return 0;
	const link_use *u = &net->use[l];
	return u->busy_ns + (net->links[l].n > 0 ? sim_now(net->s) - u->since_ns : 0);
}

int flow_net_check(const flow_net *net)
{
	for (int32_t li = 0; li < net->n_links; li++) {
		const flow_link *k = &net->links[li];
		double sum = 0;
		int32_t nb = 0;
		for (int32_t j = 0; j < k->n; j++) {
			link_entry x = k->list[j];
			if (x.flow < 0 || x.flow >= net->n_slots || !net->hot[x.flow].active ||
			    x.hop < 0 || x.hop >= net->hot[x.flow].hops)
				return -EINVAL;
			const flow_hop *p = &net->path[(size_t)x.flow * FLOW_MAX_HOPS + x.hop];
			if (p->link != li || p->slot != j)
				return -EINVAL;
			int here = net->hot[x.flow].bott == li;
			if (here != (j < k->nb))
				return -EINVAL;
			nb += here;
			sum += net->hot[x.flow].rate_Bps;
		}
		if (nb != k->nb || !(fabs(sum - k->sum_Bps) <= 1e-9 * sum))
			return -EINVAL;
	}
	return 0;
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
	out->link_bytes = (size_t)net->links_cap * (sizeof(flow_link) + sizeof(link_use) +
						  sizeof *net->tidx) +
		lists;
	out->flow_bytes = (size_t)net->slots_cap * (sizeof(flow_hot) + sizeof(flow_cold) +
		sizeof(flow_warm) +
		FLOW_MAX_HOPS * sizeof(flow_hop) + 2 * sizeof(int32_t) + sizeof(uint64_t));
	out->scratch_bytes = (size_t)net->t_cap * (sizeof *net->t + sizeof *net->t2 +
						     sizeof *net->hpos + sizeof *net->lv) +
		(size_t)net->mv_cap * sizeof *net->mv + (size_t)net->ld_cap * sizeof *net->ld +
		(size_t)net->links_cap * sizeof *net->spare +
		(size_t)net->fresh_cap * sizeof *net->fresh +
		(size_t)net->r_cap * sizeof *net->r + (size_t)net->l_cap * sizeof *net->l +
		(size_t)net->rf_cap * sizeof *net->rf +
		(size_t)net->rh_cap * FLOW_MAX_HOPS * sizeof *net->rh +
		(size_t)net->heap_cap * sizeof *net->heap +
		(size_t)net->ch_cap * sizeof *net->ch +
		(size_t)net->selt_cap * sizeof *net->selt +
		(size_t)net->lh_cap * sizeof *net->lh +
		(size_t)net->lo_cap * sizeof *net->lo +
		(size_t)net->lhd_cap * sizeof *net->lhd +
		(size_t)net->sf_cap * sizeof *net->sf +
		(size_t)net->bits_cap * sizeof *net->bits +
		(size_t)net->cand_cap * sizeof *net->cand +
		(size_t)net->eg_cap * sizeof *net->eg;
}
