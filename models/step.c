/* step.c -- the training step task graph and its event simulation.
 *
 * Each pipeline rank has five streams: compute (kernels and the blocking tensor-
 * and expert-parallel collectives), forward send, backward send, context-parallel
 * exchange, and data-parallel (gradient reduce, parameter gather). A stream runs
 * its tasks in program order; a task starts when it heads its stream, the stream is
 * idle and all its dependencies have finished. */
#include "models/step.h"
#include "models/coll.h"
#include "models/collflow.h"
#include "models/net.h"
#include "models/pipeline.h"
#include "models/transformer.h"
#include "sim/engine/pool.h"
#include "sim/engine/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_COMP, S_SENDF, S_SENDB, S_CP, S_DP, S_COUNT };
enum { K_COMPUTE, K_TP, K_PP, K_CP, K_DP, K_OPT };

enum { NET_NONE, NET_DP, NET_PPF, NET_PPB, NET_EP };

typedef struct {
	uint64_t dur_ns, start_ns;
	uint64_t comm_ns;         /* blocking TP/EP communication inside dur_ns */
	int32_t stream, ndeps, succ_first, nsucc, releaser;
	unsigned char kind;
	unsigned char sealed;     /* has successors: later work may not merge into it */
	unsigned char net;        /* NET_*: traffic that may run as flows */
	unsigned char net_op;     /* its coll_op */
	int32_t net_pending;      /* peer groups' collectives still running */
	double net_bytes;
} task;

typedef struct {
	int32_t *prog;
	int32_t len, cap, pos;
	int busy;
} stream;

typedef struct {
	int32_t from, to;
} edge;

/* The communication that runs as flows: the cluster's links and the groups. */
typedef struct {
	flow_net *fn;
	net *n;
	collflow *cf;
	int tp, cp, dp, pp, ep;
	int dp_flows, pp_flows, ep_flows; /* 1: that traffic leaves the scale-up domain */
	int planes;               /* rail planes folded: only tensor ranks whose local
	                           * index is on rail 0 (ti % gpn < gpn / planes) run */
	int gpn;
	coll_comm dp_alone, pp_alone, ep_alone; /* the groups as they would find the links alone */
	int *ranks;               /* scratch, tp * cp * dp */
} step_net;

typedef struct {
	task *tasks;
	int32_t ntasks, cap;
	edge *edges;
	int32_t nedges, ecap;
	int32_t *succ;
	stream *streams;
	int nstreams;
	sim *s;
	int32_t done;
	step_net *net;            /* NULL: every task takes its cost model's time */
} graph;

static int32_t task_add(graph *g, int st, unsigned char kind, double dur_ns)
{
	if (g->ntasks == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 4096;
		g->tasks = pool_xrealloc(g->tasks, (size_t)g->cap * sizeof *g->tasks);
	}
	int32_t id = g->ntasks++;
	task *t = &g->tasks[id];
	memset(t, 0, sizeof *t);
	t->dur_ns = dur_ns > 0 ? (uint64_t)llround(dur_ns) : 0;
	t->comm_ns = kind == K_TP ? t->dur_ns : 0;
	t->stream = st;
	t->kind = kind;
	t->releaser = -1;
	stream *sp = &g->streams[st];
	if (sp->len == sp->cap) {
		sp->cap = sp->cap ? 2 * sp->cap : 256;
		sp->prog = pool_xrealloc(sp->prog, (size_t)sp->cap * sizeof *sp->prog);
	}
	sp->prog[sp->len++] = id;
	return id;
}

static void edge_add(graph *g, int32_t from, int32_t to)
{
	if (from < 0 || to < 0)
		return;
	if (g->nedges == g->ecap) {
		g->ecap = g->ecap ? 2 * g->ecap : 4096;
		g->edges = pool_xrealloc(g->edges, (size_t)g->ecap * sizeof *g->edges);
	}
	g->edges[g->nedges].from = from;
	g->edges[g->nedges].to = to;
	g->nedges++;
	g->tasks[to].ndeps++;
	g->tasks[from].sealed = 1;
}

static void graph_link(graph *g)
{
	int32_t *cnt = pool_xrealloc(NULL, ((size_t)g->ntasks + 1) * sizeof *cnt);
	memset(cnt, 0, ((size_t)g->ntasks + 1) * sizeof *cnt);
	for (int32_t i = 0; i < g->nedges; i++)
		cnt[g->edges[i].from + 1]++;
	for (int32_t i = 0; i < g->ntasks; i++)
		cnt[i + 1] += cnt[i];
	g->succ = pool_xrealloc(NULL, ((size_t)g->nedges + 1) * sizeof *g->succ);
	for (int32_t i = 0; i < g->ntasks; i++) {
		g->tasks[i].succ_first = cnt[i];
		g->tasks[i].nsucc = 0;
	}
	for (int32_t i = 0; i < g->nedges; i++) {
		task *t = &g->tasks[g->edges[i].from];
		g->succ[t->succ_first + t->nsucc++] = g->edges[i].to;
	}
	free(cnt);
	/* The graph is built: the edge list is spent and the task array fits. */
	free(g->edges);
	g->edges = NULL;
	g->nedges = g->ecap = 0;
	if (g->ntasks > 0 && g->ntasks < g->cap) {
		g->tasks = pool_xrealloc(g->tasks, (size_t)g->ntasks * sizeof *g->tasks);
		g->cap = g->ntasks;
	}
}

static void task_done(sim *s, void *arg, uint64_t data);

/* Global rank of (tensor, context, data, pipeline) indices in Megatron's order. */
static int rank_of(const step_net *sn, int ti, int ci, int di, int pi)
{
	return ti + sn->tp * (ci + sn->cp * (di + sn->dp * pi));
}

/* A peer group's collective ended; the task ends with the last of them. */
static void net_group_done(sim *s, void *arg, uint64_t data)
{
	graph *g = arg;
	task *t = &g->tasks[(int32_t)data];
	if (--t->net_pending > 0)
		return;
	t->dur_ns = sim_now(s) - t->start_ns;
	if (t->kind == K_TP)
		t->comm_ns = t->dur_ns;   /* an all-to-all blocking the compute stream */
	task_done(s, g, data);
}

/* Starts task id's traffic as flows for every peer group of its stage: the
 * data-parallel groups of all (tensor, context) ranks, or every rank's pipeline
 * send to its neighbour stage. Returns 0, or -1 when this traffic stays inside
 * the scale-up domain (the caller then uses the cost model's time). */
static int net_launch(graph *g, int32_t id)
{
	step_net *sn = g->net;
	task *t = &g->tasks[id];
	int st = t->stream / S_COUNT;
	const coll_comm *c = t->net == NET_DP ? &sn->dp_alone : t->net == NET_EP ? &sn->ep_alone : &sn->pp_alone;
	int on = t->net == NET_DP ? sn->dp_flows : t->net == NET_EP ? sn->ep_flows : sn->pp_flows;
	if (!on)
		return -1;
	coll_algo a;
	coll_proto pr;
	if (coll_choose(c, (coll_op)t->net_op, t->net_bytes, -1, &a, &pr) < 0)
		return -1;
	t->net_pending = 0;
	/* Folded rail planes: only tensor ranks on rail 0 run; the others' groups are
	 * its image on their own planes and finish at the same times. */
	int rail0 = sn->gpn / sn->planes;      /* local indices on rail 0 */
	for (int ti = 0; ti < sn->tp; ti++) {
		if (ti % sn->gpn >= rail0)
			continue;
		for (int ci = 0; ci < sn->cp; ci++) {
			if (t->net == NET_DP) {
				for (int di = 0; di < sn->dp; di++)
					sn->ranks[di] = rank_of(sn, ti, ci, di, st);
				if (collflow_start(sn->cf, c, (coll_op)t->net_op, sn->ranks, sn->dp, t->net_bytes,
						   a, pr, net_group_done, g, (uint64_t)id) == 0)
					t->net_pending++;
				continue;
			}
			if (t->net == NET_EP) {
				/* expert-parallel groups: ep consecutive data-parallel ranks */
				for (int d0 = 0; d0 + sn->ep <= sn->dp; d0 += sn->ep) {
					for (int e = 0; e < sn->ep; e++)
						sn->ranks[e] = rank_of(sn, ti, ci, d0 + e, st);
					if (collflow_start(sn->cf, c, COLL_ALLTOALL, sn->ranks, sn->ep, t->net_bytes,
							   a, pr, net_group_done, g, (uint64_t)id) == 0)
						t->net_pending++;
				}
				continue;
			}
			int to = t->net == NET_PPF ? (st + 1) % sn->pp : (st + sn->pp - 1) % sn->pp;
			for (int di = 0; di < sn->dp; di++) {
				int pair[2] = { rank_of(sn, ti, ci, di, st), rank_of(sn, ti, ci, di, to) };
				if (collflow_start(sn->cf, c, COLL_SENDRECV, pair, 2, t->net_bytes, a, pr,
						   net_group_done, g, (uint64_t)id) == 0)
					t->net_pending++;
			}
		}
	}
	return t->net_pending > 0 ? 0 : -1;
}

static void stream_try(graph *g, int st)
{
	stream *sp = &g->streams[st];
	if (sp->busy || sp->pos >= sp->len)
		return;
	int32_t id = sp->prog[sp->pos];
	task *t = &g->tasks[id];
	if (t->ndeps > 0)
		return;
	sp->busy = 1;
	t->start_ns = sim_now(g->s);
	if (g->net && t->net != NET_NONE && net_launch(g, id) == 0)
		return;
	sim_after(g->s, t->dur_ns, task_done, g, (uint64_t)id);
}

static void task_done(sim *s, void *arg, uint64_t data)
{
	graph *g = arg;
	int32_t id = (int32_t)data;
	task *t = &g->tasks[id];
	(void)s;
	g->done++;
	stream *sp = &g->streams[t->stream];
	sp->busy = 0;
	sp->pos++;
	for (int32_t i = 0; i < t->nsucc; i++) {
		int32_t v = g->succ[t->succ_first + i];
		task *u = &g->tasks[v];
		if (--u->ndeps == 0) {
			u->releaser = id;
			stream_try(g, u->stream);
		}
	}
	stream_try(g, t->stream);
}

static void step_net_free(step_net *sn)
{
	if (!sn)
		return;
	collflow_free(sn->cf);
	net_free(sn->n);
	flow_net_free(sn->fn);
	free(sn->ranks);
	free(sn);
}

static void graph_free(graph *g)
{
	step_net_free(g->net);
	free(g->tasks);
	free(g->edges);
	free(g->succ);
	for (int i = 0; i < g->nstreams; i++)
		free(g->streams[i].prog);
	free(g->streams);
	sim_free(g->s);
}

/* ---- costs ---------------------------------------------------------------- */

/* Time of a collective on a group, with NCCL's choice of algorithm and protocol. */
static double group_ns(const coll_comm *c, coll_op op, double bytes)
{
	coll_algo a;
	coll_proto pr;
	if (bytes <= 0 || (c->nranks < 2 && op != COLL_SENDRECV))
		return 0;
	double t = coll_choose(c, op, bytes, -1, &a, &pr);
	return t > 0 ? t : 0;
}

/* Bytes per gradient element on the wire: fp32 main grads, or 16-bit. */
static double grad_bytes(const parallel_cfg *p)
{
	return p->grad_reduce_fp32 ? 4.0 : 2.0;
}

void step_costs_compute(const step_input *in, step_costs *c)
{
	const train_cfg *t = in->t;
	const parallel_cfg *p = &in->p;
	const model_arch *m = &t->model;
	const gpu_model *g = in->gpu;
	const train_layout *l = in->lay;
	double tp = p->tp, cp = p->cp;
	double S = t->seq_len, s = S / cp, b = p->microbatch, T = b * s, h = m->hidden;
	double kvh = (double)m->kv_heads * transformer_head_dim(m);
	double f = m->ffn, k = m->experts > 1 ? m->topk : 1;
	double sp = p->sequence_parallel && p->tp > 1 ? tp : 1.0;
	double act = 2.0; /* activations travel in 16-bit */

	memset(c, 0, sizeof *c);
	/* attention: norm, QKV | core, projection, dropout and residual */
	double ln = gpu_stream_ns(g, 4.0 * T * h / sp);
	double qkv = gpu_gemm_ns(g, T, (h + 2.0 * kvh) / tp, h);
	double core, core_bwd;
	if (t->attention == ATTN_UNFUSED) {
		/* scores Q K^T and A V as batched GEMMs per head; the fused
		 * scale-mask-softmax and the dropout read and write the s x S score
		 * matrix in 16-bit (4 + 5 bytes per element forward, 6 + 5 backward) */
		double heads = m->heads / tp, d = transformer_head_dim(m);
		double bmm = gpu_batched_gemm_ns(g, b * heads, s, S, d) +
			     gpu_batched_gemm_ns(g, b * heads, s, d, S);
		double elts = b * heads * s * S;
		core = bmm + gpu_stream_ns(g, 9.0 * elts);
		core_bwd = 2.0 * bmm + gpu_stream_ns(g, 11.0 * elts);
	} else {
		core = gpu_attn_ns(g, 4.0 * b * s * S * h / tp);
		core_bwd = 2.0 * core;
	}
	double proj = gpu_gemm_ns(g, T, h, h / tp);
	double resid = gpu_stream_ns(g, 7.0 * T * h / sp);
	c->attn_pre_ns = ln + qkv;
	c->attn_post_ns = core + proj + resid;
	/* MLP (tokens routed to top-k experts), activation function */
	double up_n = f * (m->gated ? 2.0 : 1.0) / tp;
	double up = gpu_gemm_ns(g, T * k, up_n, h);
	double actf = gpu_stream_ns(g, T * k * (up_n + f / tp) * act);
	double down = gpu_gemm_ns(g, T * k, h, f / tp);
	double router = m->experts > 1 ? gpu_gemm_ns(g, T, m->experts, h) : 0;
	c->mlp_ns = ln + up + actf + down + resid + router;
	/* backward: input gradients of every GEMM, twice the elementwise traffic,
	 * the attention core twice; weight gradients separately */
	c->attn_pre_bwd_ns = 2.0 * ln + qkv;
	c->attn_post_bwd_ns = core_bwd + proj + 2.0 * resid;
	c->mlp_bwd_ns = 2.0 * ln + up + 2.0 * actf + down + 2.0 * resid + router;
	c->wgrad_ns = qkv + proj + up + down + router;
	if (p->recompute == RECOMPUTE_FULL)
		c->recompute_ns = c->attn_pre_ns + c->attn_post_ns + c->mlp_ns;
	else if (p->recompute == RECOMPUTE_SELECTIVE)
		c->recompute_ns = core;

	/* one all-reduce (or all-gather plus reduce-scatter with sequence
	 * parallelism) per block; with TP comm overlap the collective runs in chunks
	 * under the block's GEMMs and only what outlasts them is exposed */
	double tp_full = group_ns(&l->tp, COLL_ALLREDUCE, act * T * h);
	c->tp_ns = c->tp_mlp_ns = tp_full;
	if (p->tp_comm_overlap) {
		c->tp_ns = tp_full > qkv + proj ? tp_full - (qkv + proj) : 0;
		c->tp_mlp_ns = tp_full > up + down ? tp_full - (up + down) : 0;
	}
	if (m->experts > 1 && p->ep > 1) {
		c->ep_bytes = act * T * k * h / tp;
		c->ep_ns = 2.0 * group_ns(&l->ep, COLL_ALLTOALL, c->ep_bytes);
	}
	if (p->cp > 1)
		c->cp_ns = (cp - 1.0) * group_ns(&l->cp, COLL_SENDRECV, 2.0 * act * b * s * kvh / tp);
	c->pp_bytes = act * T * h / tp;
	c->pp_ns = p->pp > 1 ? group_ns(&l->pp, COLL_SENDRECV, c->pp_bytes) : 0;

	double V = m->vocab;
	double lg = gpu_gemm_ns(g, T, V / tp, h);
	double loss = gpu_stream_ns(g, 14.0 * T * V / tp);
	c->logits_ns = lg + loss;
	c->logits_bwd_ns = 2.0 * lg + loss;
	c->embed_ns = gpu_stream_ns(g, act * T * h) + tp_full;
	c->embed_bwd_ns = gpu_stream_ns(g, 2.0 * act * T * h);

	double lp = transformer_layer_params(m);
	if (m->experts > 1 && p->ep > 1) {
		double e = m->experts * transformer_expert_params(m);
		lp = lp - e + e / p->ep;
	}
	c->layer_params_gpu = lp / tp;
	double params_gpu = c->layer_params_gpu * m->layers / p->pp +
			    transformer_embedding_params(m) / tp;
	if (p->unfused_grad_accum) {
		/* each microbatch's weight gradients (16-bit) are added into the main
		 * gradients by their own kernel: read both, write the main gradient; the
		 * first and last stages each add their embedding copy (with one stage,
		 * autograd first sums the tied embedding's two gradients, as dear) */
		double accum = 2.0 + 2.0 * grad_bytes(p);
		c->wgrad_ns += gpu_stream_ns(g, accum * c->layer_params_gpu);
		c->logits_bwd_ns += gpu_stream_ns(g, accum * transformer_embedding_params(m) / tp);
		c->embed_bwd_ns += gpu_stream_ns(g, accum * transformer_embedding_params(m) / tp);
	}
	int zero = p->zero > 0 || p->distributed_optimizer ? (p->zero > 0 ? p->zero : 1) : 0;
	double shard = zero >= 1 ? params_gpu / p->dp : params_gpu;
	/* Adam in fp32: read master, m, v, grad (16 B); write master, m, v and the
	 * 16-bit weight (14 B) */
	c->optimizer_ns = gpu_stream_ns(g, 30.0 * shard);
	c->dp_op = zero >= 1 ? COLL_REDUCESCATTER : COLL_ALLREDUCE;
	c->dp_layer_bytes = grad_bytes(p) * c->layer_params_gpu;
	c->ag_layer_bytes = 2.0 * c->layer_params_gpu;
	c->dp_layer_ns = group_ns(&l->dp, c->dp_op, c->dp_layer_bytes);
	c->ag_layer_ns = zero >= 1 ? group_ns(&l->dp, COLL_ALLGATHER, c->ag_layer_bytes) : 0;
}

/* 1 when the step runs on a cluster and its expert all-to-alls leave the
 * scale-up domain (they then run as flows). */
static int ep_leaves_domain(const step_input *in)
{
	return in->group && in->t->model.experts > 1 && in->p.ep > 1 && in->lay->ep.nnodes > 1;
}

/* ---- graph construction ---------------------------------------------------- */

typedef struct {
	const step_input *in;
	const step_costs *c;
	graph *g;
	int pp, v, nmb, G, Lc, zero, bucket_layers; /* Lc: the most layers of a chunk */
	int32_t *f_first, *f_send, *b_first, *b_send; /* [stage][mb * v + chunk] */
	int32_t *ag;              /* [stage][chunk * Lc + layer]: dist-opt gathers */
	int ep_flows;             /* 1: expert all-to-alls run as flows (tasks of their own) */
} builder;

static int sid(int stage, int k)
{
	return stage * S_COUNT + k;
}

/* Layers of global virtual stage gv: as even as the count allows, with the
 * shorter chunks at the pipeline's ends first (first, last, second, ...), where
 * the embedding and the output layer add work, as Llama 3's 126 layers on 16
 * stages are laid out (Dubey et al. 2024). */
static int chunk_layers(const builder *bd, int gv)
{
	int L = bd->in->t->model.layers, G = bd->G;
	int base = L / G, rem = L % G;
	if (rem == 0)
		return base;
	/* rank of gv in the order 0, G-1, 1, G-2, ... */
	int pos = gv < G - 1 - gv ? 2 * gv : 2 * (G - 1 - gv) + 1;
	return pos < G - rem ? base : base + 1;
}

/* Appends `ns` of compute-stream work. Consecutive work with nothing waiting on
 * it merges into one task (keeping its communication share), so the graph holds
 * one task per span between cross-stream dependencies; `gated` work will receive
 * an incoming edge and so always starts a task of its own. */
static int32_t comp_work(builder *bd, int st, unsigned char kind, double ns, int gated)
{
	stream *sp = &bd->g->streams[sid(st, S_COMP)];
	if (!gated && sp->len > 0 && kind != K_OPT && kind != K_PP) {
		int32_t last = sp->prog[sp->len - 1];
		task *t = &bd->g->tasks[last];
		if (!t->sealed && (t->kind == K_COMPUTE || t->kind == K_TP)) {
			uint64_t d = ns > 0 ? (uint64_t)llround(ns) : 0;
			t->dur_ns += d;
			if (kind == K_TP)
				t->comm_ns += d;
			return last;
		}
	}
	return task_add(bd->g, sid(st, S_COMP), kind, ns);
}

static int32_t comp(builder *bd, int st, unsigned char kind, double ns)
{
	return comp_work(bd, st, kind, ns, 0);
}

/* Ends merging: the next compute-stream work starts a task of its own. */
static void seal(builder *bd, int st)
{
	stream *sp = &bd->g->streams[sid(st, S_COMP)];
	if (sp->len > 0)
		bd->g->tasks[sp->prog[sp->len - 1]].sealed = 1;
}

/* Marks task id as traffic that may run as flows. */
static void net_mark(graph *g, int32_t id, int kind, coll_op op, double bytes)
{
	g->tasks[id].net = (unsigned char)kind;
	g->tasks[id].net_op = (unsigned char)op;
	g->tasks[id].net_bytes = bytes;
}

/* The MoE block's two expert all-to-alls (dispatch, combine) after its MLP work,
 * with the MLP's tensor-parallel collective. When they leave the scale-up domain
 * each is a task of its own that runs as flows (net_launch); else they merge into
 * the compute stream's work at the cost model's time. Returns the last task. */
static int32_t moe_exchange(builder *bd, int st)
{
	const step_costs *c = bd->c;
	if (!bd->ep_flows)
		return comp(bd, st, K_TP, c->tp_mlp_ns + c->ep_ns);
	int32_t id = comp(bd, st, K_TP, c->tp_mlp_ns);
	for (int i = 0; i < 2; i++) {
		id = task_add(bd->g, sid(st, S_COMP), K_TP, 0.5 * c->ep_ns);
		net_mark(bd->g, id, NET_EP, COLL_ALLTOALL, c->ep_bytes);
		bd->g->tasks[id].sealed = 1;   /* later compute starts a task of its own */
	}
	return id;
}

/* One layer's forward (or its recomputation): returns the last task. */
static int32_t layer_fwd(builder *bd, int st, int32_t gate)
{
	const step_costs *c = bd->c;
	int32_t a = comp_work(bd, st, K_COMPUTE, c->attn_pre_ns, gate >= 0);
	edge_add(bd->g, gate, a);
	int32_t x = -1;
	if (c->cp_ns > 0) {
		x = task_add(bd->g, sid(st, S_CP), K_CP, c->cp_ns);
		edge_add(bd->g, a, x);
	}
	comp(bd, st, K_COMPUTE, c->attn_post_ns);
	if (c->tp_ns > 0 || x >= 0) {
		int32_t t = comp_work(bd, st, K_TP, c->tp_ns, x >= 0);
		edge_add(bd->g, x, t);
	}
	comp(bd, st, K_COMPUTE, c->mlp_ns);
	return moe_exchange(bd, st);
}

/* One layer's backward (input gradients; weight gradients too unless split). */
static int32_t layer_bwd(builder *bd, int st, int split_w, int32_t gate)
{
	const step_costs *c = bd->c;
	if (bd->in->p.recompute == RECOMPUTE_FULL) {
		layer_fwd(bd, st, gate);
		gate = -1;
	} else if (c->recompute_ns > 0) {
		int32_t r = comp_work(bd, st, K_COMPUTE, c->recompute_ns, gate >= 0);
		edge_add(bd->g, gate, r);
		gate = -1;
	}
	double w = split_w ? 0 : 0.5 * c->wgrad_ns; /* half the weight grads per block */
	int32_t m = comp_work(bd, st, K_COMPUTE, c->mlp_bwd_ns + w, gate >= 0);
	edge_add(bd->g, gate, m);
	int32_t before_attn = moe_exchange(bd, st);
	int32_t x = -1;
	if (c->cp_ns > 0) {
		/* K/V and their gradients travel the ring during attention backward */
		x = task_add(bd->g, sid(st, S_CP), K_CP, 2.0 * c->cp_ns);
		edge_add(bd->g, before_attn, x);
	}
	int32_t last = comp(bd, st, K_COMPUTE, c->attn_post_bwd_ns + c->attn_pre_bwd_ns + w);
	if (c->tp_ns > 0 || x >= 0) {
		last = comp_work(bd, st, K_TP, c->tp_ns, x >= 0);
		edge_add(bd->g, x, last);
	}
	return last;
}

/* A parameter all-gather task of one layer on the data-parallel stream. */
static int32_t dp_gather(builder *bd, int st)
{
	int32_t id = task_add(bd->g, sid(st, S_DP), K_DP, bd->c->ag_layer_ns);
	net_mark(bd->g, id, NET_DP, COLL_ALLGATHER, bd->c->ag_layer_bytes);
	return id;
}

/* Gradient buckets: after the final backward (or weight-gradient) work of the
 * last microbatch on layers [lo, hi) of a chunk, reduce them on the DP stream. */
static void dp_reduce(builder *bd, int st, int32_t after, int nlayers, int32_t *reds, int *nred)
{
	if (bd->in->p.dp <= 1 || nlayers <= 0)
		return;
	int32_t r = task_add(bd->g, sid(st, S_DP), K_DP, nlayers * bd->c->dp_layer_ns);
	net_mark(bd->g, r, NET_DP, bd->c->dp_op, nlayers * bd->c->dp_layer_bytes);
	edge_add(bd->g, after, r);
	reds[(*nred)++] = r;
}

/* The first compute-stream task created at or after index `from`. */
static int32_t first_comp(const builder *bd, int st, int32_t from)
{
	for (int32_t i = from; i < bd->g->ntasks; i++)
		if (bd->g->tasks[i].stream == sid(st, S_COMP))
			return i;
	return -1;
}

static int build_stage(builder *bd, int st, pipe_op *ops, int32_t *reds)
{
	const step_costs *c = bd->c;
	const parallel_cfg *p = &bd->in->p;
	int nops = pipeline_order(p->schedule, bd->pp, st, bd->nmb, bd->v, ops);
	if (nops < 0)
		return -1;
	int nred = 0, zero3 = p->zero >= 3;
	int split_w = p->schedule == SCHED_ZERO_BUBBLE;
	int v = bd->v, Lc = bd->Lc;
	int32_t *ag = bd->ag + (size_t)st * v * Lc;

	/* Distributed optimizer: parameters gathered at the step's start, in the
	 * order the forward pass needs them. */
	if (!zero3 && bd->zero >= 1 && p->dp > 1)
		for (int ch = 0; ch < v; ch++)
			for (int l = 0; l < chunk_layers(bd, ch * bd->pp + st); l++)
				ag[ch * Lc + l] = dp_gather(bd, st);

	for (int i = 0; i < nops; i++) {
		pipe_op o = ops[i];
		int gv = o.chunk * bd->pp + st;
		size_t slot = (size_t)st * bd->nmb * v + (size_t)o.mb * v + o.chunk;
		int32_t first = bd->g->ntasks, last = -1;
		int nl = chunk_layers(bd, gv);
		seal(bd, st); /* the op's first task waits for its input */
		if (o.kind == OP_F) {
			if (gv == 0)
				comp(bd, st, K_COMPUTE, c->embed_ns);
			for (int l = 0; l < nl; l++) {
				int32_t gate = -1;
				if (zero3 && p->dp > 1)
					gate = dp_gather(bd, st);
				else if (o.mb == 0 && bd->zero >= 1 && p->dp > 1)
					gate = ag[o.chunk * Lc + l];
				last = layer_fwd(bd, st, gate);
			}
			if (gv == bd->G - 1)
				last = comp(bd, st, K_COMPUTE, c->logits_ns);
			bd->f_first[slot] = first_comp(bd, st, first);
			if (gv < bd->G - 1) {
				bd->f_send[slot] = task_add(bd->g, sid(st, p->overlap_p2p ? S_SENDF : S_COMP), K_PP, c->pp_ns);
				net_mark(bd->g, bd->f_send[slot], NET_PPF, COLL_SENDRECV, c->pp_bytes);
				edge_add(bd->g, last, bd->f_send[slot]);
			}
		} else if (o.kind == OP_B) {
			int final = o.mb == bd->nmb - 1 && !split_w && p->overlap_grad_reduce;
			if (gv == bd->G - 1)
				comp(bd, st, K_COMPUTE, c->logits_bwd_ns);
			int pending = 0;
			for (int l = nl - 1; l >= 0; l--) {
				int32_t gate = -1;
				if (zero3 && p->dp > 1)
					gate = dp_gather(bd, st);
				last = layer_bwd(bd, st, split_w, gate);
				if (zero3)
					dp_reduce(bd, st, last, 1, reds, &nred);
				else if (final && ++pending >= bd->bucket_layers) {
					dp_reduce(bd, st, last, pending, reds, &nred);
					pending = 0;
				}
			}
			if (gv == 0)
				last = comp(bd, st, K_COMPUTE, c->embed_bwd_ns);
			if (final && pending)
				dp_reduce(bd, st, last, pending, reds, &nred);
			bd->b_first[slot] = first_comp(bd, st, first);
			if (gv > 0) {
				bd->b_send[slot] = task_add(bd->g, sid(st, p->overlap_p2p ? S_SENDB : S_COMP), K_PP, c->pp_ns);
				net_mark(bd->g, bd->b_send[slot], NET_PPB, COLL_SENDRECV, c->pp_bytes);
				edge_add(bd->g, last, bd->b_send[slot]);
			}
		} else {
			last = comp(bd, st, K_COMPUTE, nl * c->wgrad_ns);
			if (o.mb == bd->nmb - 1 && p->overlap_grad_reduce)
				dp_reduce(bd, st, last, nl, reds, &nred);
		}
	}
	/* Without overlap, all gradients reduce after the last backward. */
	const stream *cs = &bd->g->streams[sid(st, S_COMP)];
	int stage_layers = 0;
	for (int ch = 0; ch < v; ch++)
		stage_layers += chunk_layers(bd, ch * bd->pp + st);
	if (!p->overlap_grad_reduce && !zero3)
		dp_reduce(bd, st, cs->prog[cs->len - 1], stage_layers, reds, &nred);
	int32_t opt = comp(bd, st, K_OPT, c->optimizer_ns);
	for (int i = 0; i < nred; i++)
		edge_add(bd->g, reds[i], opt);
	return 0;
}

static void wire_pipeline(builder *bd)
{
	int pp = bd->pp, v = bd->v;
	for (int st = 0; st < pp; st++)
		for (int mb = 0; mb < bd->nmb; mb++)
			for (int ch = 0; ch < v; ch++) {
				int gv = ch * pp + st;
				size_t slot = (size_t)st * bd->nmb * v + (size_t)mb * v + ch;
				if (gv > 0) {
					int ps = (gv - 1) % pp, pc = (gv - 1) / pp;
					size_t from = (size_t)ps * bd->nmb * v + (size_t)mb * v + pc;
					edge_add(bd->g, bd->f_send[from], bd->f_first[slot]);
				}
				if (gv < bd->G - 1) {
					int ns = (gv + 1) % pp, nc = (gv + 1) / pp;
					size_t from = (size_t)ns * bd->nmb * v + (size_t)mb * v + nc;
					edge_add(bd->g, bd->b_send[from], bd->b_first[slot]);
				}
			}
}

/* ---- breakdown -------------------------------------------------------------- */

static void stage_breakdown(const graph *g, int st, uint64_t makespan, double acc[4],
			    double busy[4])
{
	const stream *sp = &g->streams[sid(st, S_COMP)];
	uint64_t prev = 0;
	for (int32_t i = 0; i < sp->len; i++) {
		const task *t = &g->tasks[sp->prog[i]];
		if (t->start_ns > prev) {
			double gap = (double)(t->start_ns - prev);
			const task *r = t->releaser >= 0 ? &g->tasks[t->releaser] : NULL;
			if (r && r->kind == K_PP) {
				double c = (double)r->dur_ns < gap ? (double)r->dur_ns : gap;
				acc[1] += c;
				acc[2] += gap - c;
			} else if (r && (r->kind == K_DP || r->kind == K_CP)) {
				acc[1] += gap;
			} else {
				acc[2] += gap;
			}
		}
		if (t->kind == K_COMPUTE || t->kind == K_TP) {
			acc[0] += (double)(t->dur_ns - t->comm_ns);
			acc[1] += (double)t->comm_ns;
		} else if (t->kind == K_PP) {
			acc[1] += (double)t->dur_ns;
		} else {
			acc[3] += (double)t->dur_ns;
		}
		prev = t->start_ns + t->dur_ns;
	}
	acc[2] += (double)(makespan - prev);
	for (int k = S_SENDF; k <= S_DP; k++) {
		const stream *s2 = &g->streams[sid(st, k)];
		for (int32_t i = 0; i < s2->len; i++) {
			const task *t = &g->tasks[s2->prog[i]];
			int slot = k == S_DP ? 2 : k == S_CP ? 3 : 1;
			busy[slot] += (double)t->dur_ns;
		}
	}
	for (int32_t i = 0; i < sp->len; i++)
		busy[0] += (double)g->tasks[sp->prog[i]].comm_ns;
}

/* ---- trace ------------------------------------------------------------------- */

/* Appends every flow-network link's totals to tr (the optional recording hook). */
static int trace_links(const graph *g, step_trace *tr)
{
	int nlinks = g->net ? flow_link_count(g->net->fn) : 0;
	if (step_trace_reserve(tr, 0, nlinks) != 0)
		return -1;
	for (link_id l = 0; l < nlinks; l++)
		if (step_trace_add_link(tr, flow_link_capacity(g->net->fn, l), flow_link_carried_bytes(g->net->fn, l),
					flow_link_busy_ns(g->net->fn, l)) != 0)
			return -1;
	return 0;
}

/* Appends every task's span to tr. */
static int trace_spans(const graph *g, step_trace *tr)
{
	static const unsigned char kind[] = {
		[K_COMPUTE] = TRACE_COMPUTE, [K_TP] = TRACE_TP, [K_PP] = TRACE_PP,
		[K_CP] = TRACE_CP, [K_DP] = TRACE_DP, [K_OPT] = TRACE_OPTIMIZER,
	};
	if (step_trace_reserve(tr, g->ntasks, 0) != 0)
		return -1;
	for (int32_t i = 0; i < g->ntasks; i++) {
		const task *t = &g->tasks[i];
		unsigned char k = t->kind == K_TP && t->comm_ns < t->dur_ns ? TRACE_COMPUTE : kind[t->kind];
		if (step_trace_add(tr, t->stream / S_COUNT, t->stream % S_COUNT, (trace_kind)k,
				   t->start_ns, t->start_ns + t->dur_ns, t->comm_ns) != 0)
			return -1;
	}
	return 0;
}

/* ---- entry points ----------------------------------------------------------- */

/* Wires the layout's nodes into a flow network on g's sim and decides which
 * traffic leaves the scale-up domain. Returns 0, or -1 with err set. */
static int step_net_new(const step_input *in, graph *g, char *err, size_t errlen)
{
	const parallel_cfg *p = &in->p;
	step_net *sn = calloc(1, sizeof *sn);
	if (!sn) {
		snprintf(err, errlen, "out of memory wiring the network");
		return -1;
	}
	sn->tp = p->tp;
	sn->cp = p->cp;
	sn->dp = p->dp;
	sn->pp = p->pp;
	long ranks = (long)p->tp * p->cp * p->dp * p->pp;
	int gpn = in->group->node->gpus;
	long nodes = (ranks + gpn - 1) / gpn;
	if (nodes > in->group->count)
		nodes = in->group->count;
	sn->fn = flow_net_new(g->s);
	char why[512];
	if (net_build(in->group, in->so, in->eff, (int)nodes, sn->fn, &sn->n, why, sizeof why) != 0) {
		snprintf(err, errlen, "the cluster's network: %s", why);
		flow_net_free(sn->fn);
		free(sn);
		return -1;
	}
	sn->cf = collflow_new(g->s, sn->fn, sn->n);
	sn->ranks = calloc((size_t)p->dp + 2, sizeof *sn->ranks);
	if (!sn->ranks) {
		step_net_free(sn);
		snprintf(err, errlen, "out of memory wiring the network");
		return -1;
	}
	net_shape sh;
	net_shape_of(sn->n, &sh);
	sn->dp_alone = in->lay->dp;
	sn->pp_alone = in->lay->pp;
	sn->ep_alone = in->lay->ep;
	if (sh.nic_Bps > 0) {
		sn->dp_alone.inter_Bps = sh.nic_Bps;
		sn->pp_alone.inter_Bps = sh.nic_Bps;
		sn->ep_alone.inter_Bps = sh.nic_Bps;
	}
	sn->dp_flows = p->dp > 1 && in->lay->dp.nnodes > 1;
	sn->pp_flows = p->pp > 1 && in->lay->pp.nnodes > 1;
	sn->ep = p->ep > 1 ? p->ep : 1;
	sn->ep_flows = ep_leaves_domain(in);
	/* Tensor ranks spanning whole nodes put each peer group on one rail. */
	sn->gpn = gpn;
	sn->planes = 1;
	if (!in->unfold_planes && p->tp % gpn == 0)
		sn->planes = net_rail_planes(sn->n);
	g->net = sn;
	return 0;
}

static int microbatches(const step_input *in)
{
	return in->t->global_batch / (in->p.dp * in->p.microbatch);
}

static int bucket_layers(const step_input *in, const step_costs *c)
{
	if (c->layer_params_gpu <= 0)
		return 1;
	int n = (int)(in->bucket_params / c->layer_params_gpu);
	return n < 1 ? 1 : n;
}

int step_simulate(const step_input *in, step_result *out, char *err, size_t errlen)
{
	const parallel_cfg *p = &in->p;
	step_costs c;
	step_costs_compute(in, &c);
	builder bd;
	memset(&bd, 0, sizeof bd);
	bd.in = in;
	bd.c = &c;
	bd.pp = p->pp;
	bd.v = p->schedule == SCHED_INTERLEAVED ? p->virtual_stages : 1;
	bd.nmb = microbatches(in);
	bd.G = bd.pp * bd.v;
	bd.Lc = (in->t->model.layers + bd.G - 1) / bd.G;
	bd.zero = p->zero > 0 || p->distributed_optimizer ? (p->zero > 0 ? p->zero : 1) : 0;
	bd.bucket_layers = bucket_layers(in, &c);
	bd.ep_flows = ep_leaves_domain(in);
	if (bd.nmb < 1 || in->t->model.layers < bd.G) {
		snprintf(err, errlen, "cannot simulate %d microbatches over %d layers on %d pipeline chunks",
			 bd.nmb, in->t->model.layers, bd.G);
		return -1;
	}

	graph g;
	memset(&g, 0, sizeof g);
	g.nstreams = bd.pp * S_COUNT;
	g.streams = calloc((size_t)g.nstreams, sizeof *g.streams);
	size_t slots = (size_t)bd.pp * bd.nmb * bd.v;
	bd.g = &g;
	bd.f_first = malloc(slots * sizeof(int32_t));
	bd.f_send = malloc(slots * sizeof(int32_t));
	bd.b_first = malloc(slots * sizeof(int32_t));
	bd.b_send = malloc(slots * sizeof(int32_t));
	bd.ag = malloc((size_t)bd.pp * bd.v * bd.Lc * sizeof(int32_t));
	int nops = pipeline_op_count(p->schedule, bd.nmb, bd.v);
	pipe_op *ops = malloc((size_t)nops * sizeof *ops);
	int32_t *reds = malloc(((size_t)2 * bd.nmb * bd.v * bd.Lc + 2) * sizeof *reds);
	int rc = -1;
	if (!g.streams || !bd.f_first || !bd.f_send || !bd.b_first || !bd.b_send || !bd.ag ||
	    !ops || !reds) {
		snprintf(err, errlen, "out of memory building the step graph");
		goto done;
	}
	for (size_t i = 0; i < slots; i++)
		bd.f_first[i] = bd.f_send[i] = bd.b_first[i] = bd.b_send[i] = -1;
	for (size_t i = 0; i < (size_t)bd.pp * bd.v * bd.Lc; i++)
		bd.ag[i] = -1;
	for (int st = 0; st < bd.pp; st++) {
		if (build_stage(&bd, st, ops, reds) < 0) {
			snprintf(err, errlen, "the %s schedule needs the microbatch count (%d) to be a multiple of pp (%d)",
				 pipeline_schedule_name(p->schedule), bd.nmb, bd.pp);
			goto done;
		}
	}
	wire_pipeline(&bd);
	graph_link(&g);

	g.s = sim_new(1024);
	if (in->group && step_net_new(in, &g, err, errlen) != 0)
		goto done;
	for (int i = 0; i < g.nstreams; i++)
		stream_try(&g, i);
	sim_run(g.s, UINT64_MAX);
	if (g.done != g.ntasks) {
		snprintf(err, errlen, "internal error: step graph deadlocked with %d of %d tasks done",
			 g.done, g.ntasks);
		goto done;
	}
	uint64_t makespan = 0;
	for (int32_t i = 0; i < g.ntasks; i++)
		if (g.tasks[i].start_ns + g.tasks[i].dur_ns > makespan)
			makespan = g.tasks[i].start_ns + g.tasks[i].dur_ns;
	double acc[4] = {0, 0, 0, 0}, busy[4] = {0, 0, 0, 0};
	for (int st = 0; st < bd.pp; st++)
		stage_breakdown(&g, st, makespan, acc, busy);
	memset(out, 0, sizeof *out);
	out->step_s = makespan * 1e-9;
	out->compute_s = acc[0] * 1e-9 / bd.pp;
	out->exposed_comm_s = acc[1] * 1e-9 / bd.pp;
	out->bubble_s = acc[2] * 1e-9 / bd.pp;
	out->other_s = acc[3] * 1e-9 / bd.pp;
	out->tp_comm_s = busy[0] * 1e-9 / bd.pp;
	out->pp_comm_s = busy[1] * 1e-9 / bd.pp;
	out->dp_comm_s = busy[2] * 1e-9 / bd.pp;
	out->cp_comm_s = busy[3] * 1e-9 / bd.pp;
	out->events = sim_fired(g.s);
	out->tasks = g.ntasks;
	out->folded = 1;
	if (g.net) {
		out->flows = collflow_flows(g.net->cf);
		out->flows_used = out->flows > 0;
		out->net_gpus = net_gpus(g.net->n);
		out->planes_folded = g.net->planes;
	}
	if (in->trace && trace_links(&g, in->trace) != 0) {
		snprintf(err, errlen, "out of memory recording the step trace");
		goto done;
	}
	/* Its links are recorded: the network goes before the spans arrive. */
	step_net_free(g.net);
	g.net = NULL;
	if (in->trace && trace_spans(&g, in->trace) != 0) {
		snprintf(err, errlen, "out of memory recording the step trace");
		goto done;
	}
	rc = 0;
done:
	free(bd.f_first);
	free(bd.f_send);
	free(bd.b_first);
	free(bd.b_send);
	free(bd.ag);
	free(ops);
	free(reds);
	graph_free(&g);
	return rc;
}

double step_analytic_s(const step_input *in)
{
	const parallel_cfg *p = &in->p;
	step_costs c;
	step_costs_compute(in, &c);
	int v = p->schedule == SCHED_INTERLEAVED ? p->virtual_stages : 1;
	double nmb = microbatches(in), pp = p->pp;
	double Ls = (double)in->t->model.layers / pp;
	double lf = c.attn_pre_ns + c.attn_post_ns + c.mlp_ns + c.tp_ns + c.tp_mlp_ns + c.ep_ns;
	double lb = c.mlp_bwd_ns + c.attn_post_bwd_ns + c.attn_pre_bwd_ns + c.wgrad_ns +
		    c.tp_ns + c.tp_mlp_ns + c.ep_ns;
	if (p->recompute == RECOMPUTE_FULL)
		lb += lf;
	else
		lb += c.recompute_ns;
	if (c.cp_ns > c.attn_post_ns)
		lf += c.cp_ns - c.attn_post_ns;
	/* the slowest stage: the last holds the logits, the first the embedding */
	double ends = c.logits_ns + c.logits_bwd_ns;
	if (pp == 1)
		ends += c.embed_ns + c.embed_bwd_ns;
	double per_mb = Ls * (lf + lb) + ends / v;
	double fill = p->schedule == SCHED_GPIPE || p->schedule == SCHED_1F1B ?
		      (pp - 1.0) : p->schedule == SCHED_INTERLEAVED ? (pp - 1.0) / v :
		      (pp - 1.0) / 3.0;
	double pipe = (nmb + fill) * per_mb + (pp > 1 ? 2.0 * (pp - 1.0) * c.pp_ns : 0);
	/* the last bucket's reduction is exposed; earlier ones overlap backward */
	int bl = bucket_layers(in, &c);
	double Lc = Ls / v;
	double last_bucket = (bl < Lc ? bl : Lc) * c.dp_layer_ns;
	double total_red = Lc * c.dp_layer_ns;
	double overlap = Lc * lb - (bl < Lc ? bl : Lc) * lb;
	double exposed = total_red - overlap > last_bucket ? total_red - overlap : last_bucket;
	if (!p->overlap_grad_reduce)
		exposed = total_red;
	if (p->dp <= 1)
		exposed = 0;
	if (!p->overlap_p2p && pp > 1)
		pipe += 2.0 * nmb * c.pp_ns;
	return (pipe + exposed + c.optimizer_ns + (p->zero >= 1 || p->distributed_optimizer ? c.ag_layer_ns : 0)) * 1e-9;
}
