/* collflow.c -- collectives as transfers, transfers as chunked flows.
 *
 * A collective's transfers are (source, destination, bytes) edges, or one-link
 * transfers into or out of a switch (NVLS, SHARP). Each is cut into chunks run one
 * after another on its edge, each chunk a flow capped at bytes / (the cost model's
 * bandwidth phase): alone on its links every transfer ends exactly when the model
 * says, and the collective ends with its last transfer. Runs are pooled and their
 * edge arrays reused, so a steady simulation stops calling malloc. */
#include "models/collflow.h"

#include "sim/engine/pool.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* NCCL opens at most this many channels per communicator on the paths we model
 * (MAXCHANNELS is 32; rings use one or two per NIC). */
#define COLLFLOW_MAX_CHANNELS 16

typedef struct {
	int32_t src, dst;          /* GPUs; dst < 0: one-link transfer on `link` */
	link_id link;
	uint32_t salt;             /* ECMP salt: the channel */
	int32_t chunks_left;
	double chunk_bytes, cap_Bps;
} xfer;

typedef struct {
	xfer *x;
	int32_t nx, xcap;
	int32_t left;              /* transfers not yet done */
	int32_t next_free;         /* free-list link, -1 at the end */
	int in_use;
	double xfer_s;             /* the bandwidth phase alone, s */
	sim_handler done;
	void *arg;
	uint64_t data;
} coll_run;

struct collflow {
	sim *s;
	flow_net *fn;
	net *n;
	coll_run **runs;
	int32_t nruns, runs_cap, free_head;
	int running;
	uint64_t flows;
	/* scratch for grouping ranks by domain */
	int32_t *order, *dom_start, *dom_len;
	int32_t scratch_cap;
};

collflow *collflow_new(sim *s, flow_net *fn, net *n)
{
	collflow *cf = pool_xrealloc(NULL, sizeof *cf);
	memset(cf, 0, sizeof *cf);
	cf->s = s;
	cf->fn = fn;
	cf->n = n;
	cf->free_head = -1;
	return cf;
}

void collflow_free(collflow *cf)
{
	if (!cf)
		return;
	for (int32_t i = 0; i < cf->nruns; i++) {
		free(cf->runs[i]->x);
		free(cf->runs[i]);
	}
	free(cf->runs);
	free(cf->order);
	free(cf->dom_start);
	free(cf->dom_len);
	free(cf);
}

int collflow_running(const collflow *cf)
{
	return cf->running;
}

uint64_t collflow_flows(const collflow *cf)
{
	return cf->flows;
}

static int32_t run_get(collflow *cf)
{
	int32_t id;
	if (cf->free_head >= 0) {
		id = cf->free_head;
		cf->free_head = cf->runs[id]->next_free;
	} else {
		if (cf->nruns == cf->runs_cap) {
			cf->runs_cap = cf->runs_cap ? 2 * cf->runs_cap : 16;
			cf->runs = pool_xrealloc(cf->runs, (size_t)cf->runs_cap * sizeof *cf->runs);
		}
		id = cf->nruns++;
		cf->runs[id] = pool_xrealloc(NULL, sizeof(coll_run));
		memset(cf->runs[id], 0, sizeof(coll_run));
	}
	coll_run *r = cf->runs[id];
	r->nx = 0;
	r->in_use = 1;
	r->next_free = -1;
	return id;
}

static void run_put(collflow *cf, int32_t id)
{
	coll_run *r = cf->runs[id];
	r->in_use = 0;
	r->next_free = cf->free_head;
	cf->free_head = id;
}

/* Appends transfer x to run r (most runs move a few transfers: the list starts at
 * 8 and doubles). */
static void add_xfer(coll_run *r, xfer x)
{
	if (r->nx == r->xcap) {
		r->xcap = r->xcap ? 2 * r->xcap : 8;
		r->x = pool_xrealloc(r->x, (size_t)r->xcap * sizeof *r->x);
	}
	r->x[r->nx++] = x;
}

static void add_pair(coll_run *r, int src, int dst, double bytes, uint32_t salt)
{
	if (src != dst && bytes > 0)
		add_xfer(r, (xfer){ src, dst, -1, salt, 0, bytes, 0 });
}

static void add_link(coll_run *r, link_id l, double bytes)
{
	if (l >= 0 && bytes > 0)
		add_xfer(r, (xfer){ -1, -1, l, 0, 0, bytes, 0 });
}

/* Groups ranks by scale-up domain, keeping their order inside each and the order
 * in which domains first appear: order[] holds the ranks domain by domain,
 * domain d's run is order[dom_start[d] .. + dom_len[d]). Returns the domain count. */
static int group_domains(collflow *cf, const int *ranks, int n)
{
	if (n > cf->scratch_cap) {
		cf->scratch_cap = n;
		cf->order = pool_xrealloc(cf->order, (size_t)n * sizeof *cf->order);
		cf->dom_start = pool_xrealloc(cf->dom_start, (size_t)n * sizeof *cf->dom_start);
		cf->dom_len = pool_xrealloc(cf->dom_len, (size_t)n * sizeof *cf->dom_len);
	}
	int nd = 0, placed = 0;
	/* ranks of one domain are usually consecutive: find each new domain's ranks */
	for (int i = 0; i < n; i++) {
		int d = net_domain(cf->n, ranks[i]);
		int seen = 0;
		for (int k = nd - 1; k >= 0 && !seen; k--)
			seen = net_domain(cf->n, cf->order[cf->dom_start[k]]) == d;
		if (seen)
			continue;
		cf->dom_start[nd] = placed;
		cf->dom_len[nd] = 0;
		for (int j = i; j < n; j++)
			if (net_domain(cf->n, ranks[j]) == d) {
				cf->order[placed++] = ranks[j];
				cf->dom_len[nd]++;
			}
		nd++;
	}
	return nd;
}

/* Distinct NIC ports the ranks of domain 0 use: NCCL opens a ring channel per NIC. */
static int nics_used(collflow *cf, int len)
{
	int count = 0;
	for (int i = 0; i < len; i++) {
		link_id l = net_nic_up(cf->n, cf->order[i]);
		int dup = 0;
		for (int j = 0; j < i && !dup; j++)
			dup = net_nic_up(cf->n, cf->order[j]) == l;
		count += !dup && l >= 0;
	}
	return count > 0 ? count : 1;
}

/* Rank at position i of channel c's ring: domain by domain, each domain's ranks
 * rotated by c so every channel enters and leaves a domain at a different rank. */
static int ring_rank(const collflow *cf, int nd, int c, int i)
{
	for (int d = 0; d < nd; d++) {
		int len = cf->dom_len[d];
		if (i < len)
			return cf->order[cf->dom_start[d] + (i + c) % len];
		i -= len;
	}
	return -1;
}

static void ring_edges(collflow *cf, coll_run *r, int nd, int n, double edge_bytes, int wrap)
{
	int chans = nd > 1 ? nics_used(cf, cf->dom_len[0]) : 1;
	if (chans > COLLFLOW_MAX_CHANNELS)
		chans = COLLFLOW_MAX_CHANNELS;
	for (int c = 0; c < chans; c++)
		for (int i = 0; i < n - !wrap; i++)
			add_pair(r, ring_rank(cf, nd, c, i), ring_rank(cf, nd, c, (i + 1) % n),
				 edge_bytes / chans, (uint32_t)c);
}

/* Each domain's ranks as a chain, `bytes` each way on every hop. */
static void chain_edges(collflow *cf, coll_run *r, int nd, double bytes)
{
	for (int d = 0; d < nd; d++)
		for (int i = 0; i + 1 < cf->dom_len[d]; i++) {
			int a = cf->order[cf->dom_start[d] + i], b = cf->order[cf->dom_start[d] + i + 1];
			add_pair(r, a, b, bytes, 0);
			add_pair(r, b, a, bytes, 0);
		}
}

/* Binary trees over the domains between the ranks at local index `li` (clamped to
 * each domain's size), `bytes` each way on every tree edge; `mirror` numbers the
 * domains from the end, as the second tree of NCCL's double binary tree. */
static void domain_tree(collflow *cf, coll_run *r, int nd, int li, int mirror, double bytes)
{
	for (int k = 1; k < nd; k++) {
		int d = mirror ? nd - 1 - k : k, p = mirror ? nd - 1 - (k - 1) / 2 : (k - 1) / 2;
		int ld = li < cf->dom_len[d] ? li : cf->dom_len[d] - 1;
		int lp = li < cf->dom_len[p] ? li : cf->dom_len[p] - 1;
		int a = cf->order[cf->dom_start[d] + ld], b = cf->order[cf->dom_start[p] + lp];
		add_pair(r, a, b, bytes, (uint32_t)li);
		add_pair(r, b, a, bytes, (uint32_t)li);
	}
}

/* The transfers of `op` with algorithm `a` on `bytes`. Returns 0, or -1 when the
 * algorithm has no such form here. */
static int build(collflow *cf, coll_run *r, coll_op op, int n, int nd, double bytes,
		 coll_algo a)
{
	int ppn = 0;
	for (int d = 0; d < nd; d++)
		ppn = cf->dom_len[d] > ppn ? cf->dom_len[d] : ppn;
	if (op == COLL_SENDRECV) {
		add_pair(r, cf->order[0], cf->order[n - 1], bytes, 0);
		return 0;
	}
	if (op == COLL_ALLTOALL) {
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				add_pair(r, cf->order[i], cf->order[j], bytes / n, (uint32_t)i);
		return 0;
	}
	double ring_f = op == COLL_ALLREDUCE ? 2.0 * (n - 1) / n :
			op == COLL_BROADCAST ? 1.0 : (n - 1.0) / n;
	switch (a) {
	case ALGO_RING:
	case ALGO_PAT:
		ring_edges(cf, r, nd, n, bytes * ring_f, op != COLL_BROADCAST);
		return 0;
	case ALGO_TREE:
		chain_edges(cf, r, nd, bytes);
		if (nd > 1) {
			/* a tree per channel, crossing at that channel's rank and NIC,
			 * alternately numbered from each end (the double binary tree) */
			int chans = nics_used(cf, cf->dom_len[0]);
			for (int c = 0; c < chans; c++)
				domain_tree(cf, r, nd, c, c & 1, bytes / chans);
		}
		return 0;
	case ALGO_NVLS:
	case ALGO_NVLSTREE: {
		double up = op == COLL_ALLGATHER ? bytes / n : bytes;
		double down = op == COLL_REDUCESCATTER ? bytes / n : bytes;
		for (int i = 0; i < n; i++) {
			add_link(r, net_gpu_up(cf->n, cf->order[i]), up);
			add_link(r, net_gpu_down(cf->n, cf->order[i]), down);
		}
		if (nd > 1)
			for (int li = 0; li < ppn; li++)
				domain_tree(cf, r, nd, li, 0, bytes / ppn);
		return 0;
	}
	case ALGO_COLLNET:
		chain_edges(cf, r, nd, bytes);
		for (int i = 0; i < n; i++) {
			add_link(r, net_nic_up(cf->n, cf->order[i]), bytes / ppn);
			add_link(r, net_nic_down(cf->n, cf->order[i]), bytes / ppn);
		}
		return 0;
	case ALGO_HIER:
		for (int d = 0; d < nd; d++) {
			int len = cf->dom_len[d];
			for (int i = 0; i < len; i++)
				add_pair(r, cf->order[cf->dom_start[d] + i],
					 cf->order[cf->dom_start[d] + (i + 1) % len],
					 2.0 * (len - 1) / len * bytes, 0);
		}
		for (int li = 0; li < ppn; li++)
			for (int d = 0; d < nd; d++) {
				int e = (d + 1) % nd;
				int ld = li < cf->dom_len[d] ? li : cf->dom_len[d] - 1;
				int le = li < cf->dom_len[e] ? li : cf->dom_len[e] - 1;
				add_pair(r, cf->order[cf->dom_start[d] + ld], cf->order[cf->dom_start[e] + le],
					 2.0 * (nd - 1) / nd * bytes / ppn, (uint32_t)li);
			}
		return 0;
	default:
		return -1;
	}
}

static void chunk_done(sim *s, void *arg, uint64_t data);

static void chunk_start(collflow *cf, int32_t id, int32_t e)
{
	coll_run *r = cf->runs[id];
	xfer *x = &r->x[e];
	link_id path[FLOW_MAX_HOPS];
	int hops;
	if (x->dst < 0) {
		path[0] = x->link;
		hops = 1;
	} else {
		hops = net_path(cf->n, x->src, x->dst, x->salt, path);
	}
	uint64_t data = (uint64_t)(uint32_t)id << 32 | (uint32_t)e;
	cf->flows++;
	/* The path and the bytes were checked when the run was built. */
	(void)flow_start(cf->fn, path, hops, x->chunk_bytes, x->cap_Bps, chunk_done, cf, data, NULL);
}

static void chunk_done(sim *s, void *arg, uint64_t data)
{
	collflow *cf = arg;
	int32_t id = (int32_t)(data >> 32), e = (int32_t)(uint32_t)data;
	coll_run *r = cf->runs[id];
	if (!r->in_use)
		return;
	if (--r->x[e].chunks_left > 0) {
		chunk_start(cf, id, e);
		return;
	}
	if (--r->left > 0)
		return;
	sim_handler done = r->done;
	void *done_arg = r->arg;
	uint64_t done_data = r->data;
	run_put(cf, id);
	cf->running--;
	if (done)
		done(s, done_arg, done_data);
}

/* After the latency: every transfer's first chunk. */
static void run_begin(sim *s, void *arg, uint64_t data)
{
	collflow *cf = arg;
	int32_t id = (int32_t)data;
	coll_run *r = cf->runs[id];
	if (r->nx == 0) {
		/* one rank, or nothing to move: done after the latency */
		sim_handler done = r->done;
		void *done_arg = r->arg;
		uint64_t done_data = r->data;
		run_put(cf, id);
		cf->running--;
		if (done)
			done(s, done_arg, done_data);
		return;
	}
	for (int32_t e = 0; e < r->nx; e++)
		chunk_start(cf, id, e);
}

int collflow_start(collflow *cf, const coll_comm *comm, coll_op op, const int *ranks,
		   int nranks, double bytes, coll_algo a, coll_proto p,
		   sim_handler done, void *arg, uint64_t data)
{
	if (nranks < 1 || !(bytes >= 0) || !isfinite(bytes))
		return -EINVAL;
	if (op == COLL_SENDRECV && nranks != 2)
		return -EINVAL;
	int gpus = net_gpus(cf->n);
	for (int i = 0; i < nranks; i++) {
		if (ranks[i] < 0 || ranks[i] >= gpus)
			return -EINVAL;
		for (int j = 0; j < i; j++)
			if (ranks[j] == ranks[i])
				return -EINVAL;
	}
	double total_ns = coll_time_ns(comm, op, bytes, a, p);
	double lat_ns = coll_time_ns(comm, op, 0, a, p);
	if (total_ns < 0 || lat_ns < 0)
		return -EINVAL;
	int nd = group_domains(cf, ranks, nranks);
	int32_t id = run_get(cf);
	coll_run *r = cf->runs[id];
	if (nranks > 1 && build(cf, r, op, nranks, nd, bytes, a) != 0) {
		run_put(cf, id);
		return -EINVAL;
	}
	r->xfer_s = (total_ns - lat_ns) * 1e-9;
	for (int32_t e = 0; e < r->nx; e++) {
		xfer *x = &r->x[e];
		link_id path[FLOW_MAX_HOPS];
		if (x->dst >= 0 && net_path(cf->n, x->src, x->dst, x->salt, path) < 0) {
			run_put(cf, id);
			return -EINVAL;
		}
		double b = x->chunk_bytes;
		int k = (int)ceil(b / COLLFLOW_CHUNK_BYTES);
		k = k < 1 ? 1 : k > COLLFLOW_MAX_CHUNKS ? COLLFLOW_MAX_CHUNKS : k;
		x->chunks_left = k;
		x->chunk_bytes = b / k;
		x->cap_Bps = r->xfer_s > 0 ? b / r->xfer_s : 0;
	}
	r->left = r->nx;
	r->done = done;
	r->arg = arg;
	r->data = data;
	cf->running++;
	uint64_t lat = lat_ns > 0 ? (uint64_t)llround(lat_ns) : 0;
	sim_after(cf->s, lat, run_begin, cf, (uint64_t)id);
	return 0;
}
