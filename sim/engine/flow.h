/* flow.h -- the flow network: links with a capacity and a latency, flows of a byte
 * count along a path of links, sharing bandwidth max-min fairly (progressive filling).
 *
 * Invariant: after each solve no link carries more than its capacity (1e-9 relative)
 * and every active flow is either at its own rate cap or has a saturated link on its
 * path on which no flow is faster. Rates are re-solved once per timestamp at which
 * flows start or end, only around the links that changed; the same calls in the same
 * order give bit-identical rates and completion times. */
#ifndef CAPSIM_FLOW_H
#define CAPSIM_FLOW_H

#include "sim/engine/sim.h"

#include <stddef.h>
#include <stdint.h>

typedef struct flow_net flow_net;
typedef int32_t link_id;
typedef int32_t flow_id;

/* The longest path a flow may take: a three-tier fat-tree route is six links (the
 * NIC into its leaf, leaf to aggregation to core and back down, out to the NIC);
 * a PCIe-attached GPU adds at each end its own PCIe link and, at most, its PCIe
 * switch's uplink, the link between CPU sockets and the NIC's switch's downlink.
 * Every flow keeps room for this many hops, so it is kept tight: memory per
 * simulated GPU matters at scale. */
#define FLOW_MAX_HOPS 14

/* Counters since flow_net_new(), for tests and benchmarks. */
typedef struct {
	uint64_t solves;          /* solve events that ran (at most one per batch of
	                           * changes made at one timestamp) */
	uint64_t full_solves;     /* flow_net_solve_all() calls */
	uint64_t widened;         /* solves that fell back to whole connected components */
	uint64_t rounds;          /* local solve rounds (a round re-solves a set of flows
	                           * holding the others' rates fixed, then checks them) */
	uint64_t solved_flows;    /* flow rates computed, summed over rounds and solves */
	uint64_t rerated;         /* flows whose rate changed (completion rescheduled) */
	uint64_t started, finished;
	uint64_t rebottlenecked;  /* flows kept at their rate because another link of
	                           * their path became their bottleneck */
	uint64_t pulled;          /* fixed flows moved into a round's set because they
	                           * were faster than the level at which a link fills */
	uint64_t spared;          /* fixed flows faster than that level left fixed: no
	                           * faster than the link's level with the faster ones
	                           * moved in */
	uint64_t eager;           /* fixed flows moved into a round's set because a
	                           * flow slowed down on their bottleneck link */
	uint64_t spills;          /* times the completion heap, grown large, sent all
	                           * but its earliest entries to wait far off */
	uint64_t skipped;         /* links a local round left out: spare capacity well
	                           * above its flows' rates and no flow bottlenecked
	                           * there, verified after the round not to bind */
	uint64_t skip_redone;     /* rounds filled again with every link in, because a
	                           * link left out could have bound */
	uint64_t relevels;        /* local solves done by re-levelling links under the
	                           * flows' bottlenecks (repaired where they moved) */
	uint64_t relevel_undone;  /* re-levelling passes given up and undone, the solve
	                           * then done by progressive filling */
} flow_stats;

/* Returns an empty network that schedules its events on `s` (which must outlive it).
 * Aborts with a message if memory runs out; never returns NULL. */
flow_net *flow_net_new(sim *s);
/* Frees the network. Completion events it scheduled may still be pending in the sim:
 * free the sim before running it again, or run it to the end first.
 * flow_net_free(NULL) is a no-op. */
void flow_net_free(flow_net *net);

/* Adds a link of `capacity_Bps` bytes/s (finite, > 0) and a one-way latency of
 * `latency_ns`. Returns its id (0, 1, 2, ... in call order), or -EINVAL if the
 * capacity is not finite and positive (nothing is added). Links are never removed. */
link_id flow_link_add(flow_net *net, double capacity_Bps, uint64_t latency_ns);
/* Links added so far. */
int flow_link_count(const flow_net *net);

/* Starts a flow of `bytes` (finite, > 0) along path[0 .. hops) at sim_now(), at most
 * `cap_Bps` bytes/s (0 = no cap of its own). The path's links must exist and be
 * distinct; hops may be 0 only if cap_Bps > 0 (a flow limited only by its cap), and
 * at most FLOW_MAX_HOPS. `path` is copied. Its rate is set by the solve that runs
 * later at this same timestamp (flow_rate() reads 0 until then; a hop-less flow runs
 * at its cap at once). When its last byte has been sent, `done(s, arg, data)` is
 * called at that time plus the sum of the path's latencies; if that sum is 0 it is
 * called from inside the engine's completion event, so flows it starts join the same
 * solve. The flow's id is then free and may be handed out again. Returns 0 and
 * writes the id to *out (if out is not NULL), or -EINVAL on bad arguments (nothing
 * is started, *out unchanged). done may be NULL. Calls malloc only while the
 * network grows past its peak number of flows or a link past its peak flow count. */
int flow_start(flow_net *net, const link_id *path, int hops, double bytes,
	       double cap_Bps, sim_handler done, void *arg, uint64_t data, flow_id *out);

/* Current rate of active flow `id` in bytes/s; 0 if `id` is not an active flow or
 * has not been solved yet. */
double flow_rate(const flow_net *net, flow_id id);
/* Bytes active flow `id` still has to send as of sim_now(); 0 if not active. */
double flow_left_bytes(const flow_net *net, flow_id id);
/* Active flows (started and not yet finished sending). */
int flow_active_count(const flow_net *net);

/* Capacity of link `l` in bytes/s; 0 if no such link. */
double flow_link_capacity(const flow_net *net, link_id l);
/* Sum of the rates of the flows on link `l` as of the last solve (a flow that ended
 * since is no longer in it), in bytes/s; 0 if no such link. */
double flow_link_load(const flow_net *net, link_id l);
/* Active flows on link `l`; 0 if no such link. */
int flow_link_flow_count(const flow_net *net, link_id l);
/* Bytes that have crossed link `l` from time 0 to sim_now(): the sizes of the flows
 * that ended on it and what those on it now have sent (the integral of its load).
 * Walks the link's flows. */
double flow_link_carried_bytes(const flow_net *net, link_id l);
/* Nanoseconds from time 0 to sim_now() during which link `l` carried a flow
 * (utilisation = carried / (capacity * elapsed); busy shows idle gaps). */
uint64_t flow_link_busy_ns(const flow_net *net, link_id l);

/* Re-solves every active flow from scratch, now, and reschedules the completion of
 * each flow whose rate changed. Pending changes are included (a solve event already
 * scheduled then finds nothing to do). Rates equal what the incremental solves give,
 * to rounding. For benchmarks and tests; a simulation never needs it. */
void flow_net_solve_all(flow_net *net);

/* How a local solve starts: by re-levelling the links under the flows' bottlenecks
 * (repairing them where they move), giving up to progressive filling once it has
 * processed links `passes` times per link it re-levels (those with bottlenecked
 * flows that it reaches; default 4); passes <= 0: always fill progressively. The rates agree to rounding either way; for tests and
 * benchmarks that compare the two. */
void flow_net_set_relevel(flow_net *net, int passes);

/* Checks the network's own bookkeeping between solves: each link's flow list and
 * its flows' paths point at each other, the flows bottlenecked on a link are
 * counted and listed first, and its sum of rates is that of its flows (1e-9
 * relative). Returns 0, or -EINVAL at the first inconsistency. For tests. */
int flow_net_check(const flow_net *net);

/* Writes the counters since flow_net_new() to *out. */
void flow_net_stats(const flow_net *net, flow_stats *out);

/* Heap memory a network holds now, in bytes (allocated capacity, not just use). */
typedef struct {
	size_t link_record_bytes;  /* one link's persistent record (sizeof) */
	size_t link_bytes;         /* the link records, their report counters, their
	                            * 4-byte solver index and their flow lists */
	size_t flow_bytes;         /* per-flow records and paths, free ids */
	size_t scratch_bytes;      /* solver and event scratch, reused */
} flow_memory;

/* Writes the memory `net` holds to *out. */
void flow_net_memory(const flow_net *net, flow_memory *out);

#endif
