/* sim.h -- the discrete-event run loop: a clock in integer nanoseconds, a pending
 * event set ordered by (time, sequence), pooled events and the dispatch loop.
 *
 * Invariant: events fire in non-decreasing time; events at the same time fire in the
 * order they were scheduled (the sequence number breaks ties), so a run is a pure
 * function of its inputs. Scheduling and firing never call malloc once the pool has
 * grown to the run's peak pending count. */
#ifndef CAPSIM_SIM_H
#define CAPSIM_SIM_H

#include <stdint.h>
#include <stddef.h>

typedef struct sim sim;

/* An event handler: `arg` and `data` are what was given to sim_at(). */
typedef void (*sim_handler)(sim *s, void *arg, uint64_t data);

/* Returns a simulator at time 0 with room for `hint` pending events (it grows). */
sim *sim_new(size_t hint);
void sim_free(sim *s);

/* Schedules fn(s, arg, data) at absolute time t_ns >= sim_now(s).
 * Returns 0, or -1 if t_ns lies in the past (nothing is scheduled). */
int sim_at(sim *s, uint64_t t_ns, sim_handler fn, void *arg, uint64_t data);
/* Schedules at sim_now(s) + dt_ns. Returns 0 (never fails but on overflow: -1). */
int sim_after(sim *s, uint64_t dt_ns, sim_handler fn, void *arg, uint64_t data);

uint64_t sim_now(const sim *s);
/* Events fired since sim_new(). */
uint64_t sim_fired(const sim *s);
/* Events pending now. */
size_t sim_pending(const sim *s);
/* Events the pool holds without growing: at least the peak pending count so far, and
 * unchanged while pending counts stay at or under that peak (what tests check). */
size_t sim_event_capacity(const sim *s);

/* Fires events in order until none is left, sim_stop() is called, or the next
 * event lies after t_end_ns (it stays pending). Returns the events fired. sim_now()
 * is then the time of the last event fired; it does not advance to t_end_ns. */
uint64_t sim_run(sim *s, uint64_t t_end_ns);
/* Asks sim_run() to return after the handler now running. Called outside a run it
 * has no effect: each sim_run() starts with the request cleared. */
void sim_stop(sim *s);

#endif
