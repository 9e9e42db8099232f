/* eq.h -- the pending-event set: entries (time_ns, caller's 32-bit id) taken out in
 * increasing (time_ns, seq) order, where seq counts the pushes.
 *
 * Invariant: eq_pop returns the entry with the smallest time, and among equal times
 * the one pushed first (FIFO), so the order is total and deterministic. Pushing calls
 * malloc only when the set outgrows its peak size. Storage is a 4-ary implicit heap
 * (times and tags in parallel arrays, four siblings' times in one cache line). */
#ifndef CAPSIM_EQ_H
#define CAPSIM_EQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct eq eq;

/* Returns an empty set with room for `hint` entries (it grows). Aborts with a message
 * if memory runs out; never returns NULL. */
eq *eq_new(size_t hint);
/* Frees the set; the ids it held mean nothing to it. eq_free(NULL) is a no-op. */
void eq_free(eq *q);

/* Adds (time_ns, id); any time is accepted, earlier than entries already popped
 * included. Aborts with a message if memory runs out or more than UINT32_MAX - 1
 * entries would be pending. */
void eq_push(eq *q, uint64_t time_ns, uint32_t id);
/* Removes the smallest entry and writes its time and id. Returns 0, or -1 if the
 * set is empty (outputs unchanged). */
int eq_pop(eq *q, uint64_t *time_ns, uint32_t *id);
/* As eq_pop, but only if the smallest entry's time is <= t_end_ns: returns 0 having
 * removed it, or -1 (set and outputs unchanged) if the set is empty or the smallest
 * entry lies after t_end_ns. This is the run loop's one call per event. */
int eq_pop_until(eq *q, uint64_t t_end_ns, uint64_t *time_ns, uint32_t *id);
/* Writes the smallest entry without removing it. Returns 0, or -1 if empty (outputs
 * unchanged). O(1) (at most four compares) and changes nothing, so the run loop calls
 * it to prefetch the next event's data while the current handler runs. */
int eq_peek(const eq *q, uint64_t *time_ns, uint32_t *id);
/* Entries pending now. */
size_t eq_len(const eq *q);

/* Renumbers the pending entries' sequence numbers 0..n-1 in their current order,
 * which leaves the pop order unchanged. eq_push calls it when its 32-bit sequence
 * space runs out (every 2^32 pushes, O(n log n)); it is public so tests can check it
 * keeps the order. */
void eq_renumber(eq *q);

#endif
