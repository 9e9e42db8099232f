/* collflow.h -- a collective run as chunked flows over the cluster's links, so that
 * concurrent collectives contend for NICs, leaf uplinks and scale-up ports.
 *
 * Invariant: on links no other traffic uses, a collective takes exactly its cost
 * model's time (models/coll.c: latency, then the bandwidth phase), because each of
 * its flows is capped at the rate that phase implies; sharing a link can only make
 * it slower. The transfers are the algorithm's own: ring edges per NCCL channel
 * (one channel per NIC a domain's ranks use, entering and leaving each domain at a
 * different rank), tree edges both ways, NVLS traffic into and out of the switch,
 * every pair for all-to-all, one pair for send/recv. */
#ifndef CAPSIM_COLLFLOW_H
#define CAPSIM_COLLFLOW_H

#include "models/coll.h"
#include "models/net.h"
#include "sim/engine/flow.h"
#include "sim/engine/sim.h"

typedef struct collflow collflow;

/* Chunks each transfer is cut into at most; a chunk follows the previous one on
 * the same edge, as NCCL's pipelined slices do, so a collective that starts while
 * another holds a link takes its share chunk by chunk. Under fluid max-min sharing
 * more chunks change no finish time, only the event count, so transfers are cut
 * only when large. */
#define COLLFLOW_MAX_CHUNKS 2
/* The smallest chunk worth a flow of its own. */
#define COLLFLOW_CHUNK_BYTES (64.0 * 1024 * 1024)

/* A runner of collectives on `n`'s links in `fn`, scheduling on `s` (all of which
 * must outlive it). Never returns NULL (aborts if memory runs out). */
collflow *collflow_new(sim *s, flow_net *fn, net *n);
/* Frees the runner; collectives still running are dropped without calling done. */
void collflow_free(collflow *cf);

/* Starts `op` on `bytes` (nccl-tests' size: the all-reduce buffer, the all-gather
 * output, the reduce-scatter input, what each rank sends in all-to-all, the
 * message of send/recv) among GPUs ranks[0 .. nranks) of the net (distinct; copied),
 * with algorithm `a` and protocol `p` as chosen by coll_choose() for `comm`, the
 * communicator the ranks form as they would find it alone (a NIC that several
 * GPUs share counts whole: the flows share it when they meet there). After the algorithm's latency the transfers start;
 * when the last one ends, done(s, arg, data) is called. Returns 0, or -EINVAL when
 * the ranks are out of range, repeated, or the algorithm cannot run this op here
 * (nothing is started). done may be NULL. */
int collflow_start(collflow *cf, const coll_comm *comm, coll_op op, const int *ranks,
		   int nranks, double bytes, coll_algo a, coll_proto p,
		   sim_handler done, void *arg, uint64_t data);

/* Collectives started and not yet done. */
int collflow_running(const collflow *cf);
/* Flows started since collflow_new(). */
uint64_t collflow_flows(const collflow *cf);

#endif
