/* sim.c -- the run loop: pooled events keyed in an eq by (time, push order).
 *
 * Invariant: every pending event's id is allocated in `events` and pushed once in
 * `q`; now_ns never decreases. An event's slot is released before its handler runs,
 * so a handler that reschedules reuses it and the pool stays at the peak pending. */
#include "sim/engine/sim.h"

#include "sim/engine/eq.h"
#include "sim/engine/pool.h"

#include <stdlib.h>
#include <string.h>

/* Below this many pending events their slots stay in cache and prefetching the next
 * one costs more than it saves. */
#define SIM_PREFETCH_MIN 4096u

#if defined(__GNUC__)
#define SIM_PREFETCH(p) __builtin_prefetch(p)
#else
#define SIM_PREFETCH(p) ((void)(p))
#endif

typedef struct {
	sim_handler fn;
	void *arg;
	uint64_t data;
} sim_event;

struct sim {
	eq *q;
	pool *events;
	uint64_t now_ns;
	uint64_t fired;
	int stop;
};

sim *sim_new(size_t hint)
{
	sim *s = pool_xrealloc(NULL, sizeof *s);
	memset(s, 0, sizeof *s);
	s->q = eq_new(hint);
	s->events = pool_new(sizeof(sim_event), hint);
	return s;
}

void sim_free(sim *s)
{
	if (!s)
		return;
	eq_free(s->q);
	pool_free(s->events);
	free(s);
}

int sim_at(sim *s, uint64_t t_ns, sim_handler fn, void *arg, uint64_t data)
{
	if (t_ns < s->now_ns)
		return -1;
	uint32_t id;
	sim_event *ev = pool_alloc(s->events, &id);
	ev->fn = fn;
	ev->arg = arg;
	ev->data = data;
	eq_push(s->q, t_ns, id);
	return 0;
}

int sim_after(sim *s, uint64_t dt_ns, sim_handler fn, void *arg, uint64_t data)
{
	if (dt_ns > UINT64_MAX - s->now_ns)
		return -1;
	return sim_at(s, s->now_ns + dt_ns, fn, arg, data);
}

uint64_t sim_now(const sim *s)
{
	return s->now_ns;
}

uint64_t sim_fired(const sim *s)
{
	return s->fired;
}

size_t sim_pending(const sim *s)
{
	return eq_len(s->q);
}

size_t sim_event_capacity(const sim *s)
{
	return pool_capacity(s->events);
}

uint64_t sim_run(sim *s, uint64_t t_end_ns)
{
	uint64_t n = 0, t;
	uint32_t id;
	s->stop = 0;
	while (!s->stop && eq_pop_until(s->q, t_end_ns, &t, &id) == 0) {
		sim_event ev = *(const sim_event *)pool_at(s->events, id);
		pool_release(s->events, id);
		/* Unless the handler schedules an earlier one, this is the next event:
		 * with many pending its slot is a cache miss, so start it now. */
		uint64_t t_next;
		uint32_t id_next;
		if (eq_len(s->q) > SIM_PREFETCH_MIN && eq_peek(s->q, &t_next, &id_next) == 0)
			SIM_PREFETCH(pool_at(s->events, id_next));
		s->now_ns = t;
		s->fired++;
		n++;
		ev.fn(s, ev.arg, ev.data);
	}
	return n;
}

void sim_stop(sim *s)
{
	s->stop = 1;
}
