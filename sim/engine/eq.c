/* eq.c -- the pending-event set as a 4-ary implicit heap kept in two parallel
 * arrays, times t[] and tags tag[] = seq << 32 | id, with the root's removal
 * deferred until the next operation.
 *
 * Invariant: slots 0 .. n-1 form a min-heap on (t, tag), except that slot 0 is a
 * hole when `hole` is set (the last pop took it); a push fills the hole by sifting
 * the new key down from the root, so the run loop's pop-then-reschedule costs one
 * sift, not two. tag's high 32 bits are the push sequence, unique among pending
 * entries, so (t, tag) orders exactly as (t, seq). Slot k lives 3 places past a
 * 64-byte boundary, so the four children 4k+1 .. 4k+4 of any slot share one cache
 * line of times; sifts compare times alone and fall back to the tags only when
 * times tie. */
#include "sim/engine/eq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EQ_LINE 64u
#define EQ_PAD 3u                   /* slots before slot 0 in each allocation */
#define EQ_SEQ_END ((uint64_t)1 << 32)

#if defined(__GNUC__)
#define EQ_PREFETCH(p) __builtin_prefetch(p)
#define EQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define EQ_PREFETCH(p) ((void)(p))
#define EQ_UNLIKELY(x) (x)
#endif

struct eq {
	uint64_t *t;                /* times: t_base + EQ_PAD */
	uint64_t *tag;              /* seq << 32 | id: tag_base + EQ_PAD */
	uint64_t *t_base, *tag_base;
	size_t n;                   /* slots in use, the hole included */
	size_t cap;                 /* slots allocated in each array */
	int hole;
	uint64_t next_seq;          /* < EQ_SEQ_END */
};

/* 1 if slot i orders before (t, tag), else 0; no branches. */
static inline int slot_before(const eq *q, size_t i, uint64_t t, uint64_t tag)
{
	return (q->t[i] < t) | ((q->t[i] == t) & (q->tag[i] < tag));
}

static inline void slot_move(eq *q, size_t to, size_t from)
{
	q->t[to] = q->t[from];
	q->tag[to] = q->tag[from];
}

/* The smallest of slots c .. end-1 (end > c) by the full (t, tag) order. */
static inline size_t slot_min(const eq *q, size_t c, size_t end)
{
	size_t m = c;
	for (size_t j = c + 1; j < end; j++)
		m = slot_before(q, j, q->t[m], q->tag[m]) ? j : m;
	return m;
}

/* The smallest of the four slots c .. c+3, its time in *tm: conditional moves on
 * the times, redone with the tags only if two of the times compared are equal (a
 * branch that rarely goes that way unless many events share a time, and then it
 * keeps going that way, so it stays predictable). */
static inline size_t slot_min4(const eq *q, size_t c, uint64_t *tm)
{
	const uint64_t *t = q->t;
	uint64_t t0 = t[c], t1 = t[c + 1], t2 = t[c + 2], t3 = t[c + 3];
	uint64_t m01 = t1 < t0 ? t1 : t0, m23 = t3 < t2 ? t3 : t2;
	size_t i01 = t1 < t0 ? c + 1 : c, i23 = t3 < t2 ? c + 3 : c + 2;
	size_t m = m23 < m01 ? i23 : i01;
	*tm = m23 < m01 ? m23 : m01;
	if (EQ_UNLIKELY((t0 == t1) | (t2 == t3) | (m01 == m23))) {
		/* The same tournament by (t, tag), branch-free. */
		size_t a = c + (size_t)slot_before(q, c + 1, t0, q->tag[c]);
		size_t b = c + 2 + (size_t)slot_before(q, c + 3, t2, q->tag[c + 2]);
		size_t s = (size_t)slot_before(q, b, t[a], q->tag[a]);
		m = a + ((b - a) & (0 - s));
		*tm = t[m];
	}
	return m;
}

static uint64_t *eq_alloc_slots(size_t cap)
{
	size_t bytes = (cap + EQ_PAD) * sizeof(uint64_t);
	bytes = (bytes + EQ_LINE - 1) / EQ_LINE * EQ_LINE;
	uint64_t *p = aligned_alloc(EQ_LINE, bytes);
	if (!p) {
		fprintf(stderr, "capsim: out of memory allocating %zu bytes (%s:%d)\n",
			bytes, __FILE__, __LINE__);
		abort();
	}
	return p;
}

static void eq_resize(eq *q, size_t cap)
{
	uint64_t *tb = eq_alloc_slots(cap), *gb = eq_alloc_slots(cap);
	if (q->t_base) {
		memcpy(tb + EQ_PAD, q->t, q->n * sizeof(uint64_t));
		memcpy(gb + EQ_PAD, q->tag, q->n * sizeof(uint64_t));
		free(q->t_base);
		free(q->tag_base);
	}
	q->t_base = tb;
	q->tag_base = gb;
	q->t = tb + EQ_PAD;
	q->tag = gb + EQ_PAD;
	q->cap = cap;
}

eq *eq_new(size_t hint)
{
	eq *q = calloc(1, sizeof *q);
	if (!q) {
		fprintf(stderr, "capsim: out of memory allocating %zu bytes (%s:%d)\n",
			sizeof *q, __FILE__, __LINE__);
		abort();
	}
	eq_resize(q, hint > 16 ? hint : 16);
	return q;
}

void eq_free(eq *q)
{
	if (!q)
		return;
	free(q->t_base);
	free(q->tag_base);
	free(q);
}

size_t eq_len(const eq *q)
{
	return q->n - (size_t)q->hole;
}

/* Puts (xt, xg) into the hole at slot k of the heap of n slots, moving the smallest
 * child up until it fits. */
static void sift_down(eq *q, size_t n, size_t k, uint64_t xt, uint64_t xg)
{
	const uint64_t *t = q->t;
	for (;;) {
		size_t c = 4 * k + 1;
		if (c + 3 >= n)
			break;
		/* Children of c .. c+3: 16 times and their tags (128 bytes each),
		 * fetched while this level is decided (only inside the allocation). */
		if (4 * c + 16 < q->cap) {
			EQ_PREFETCH(&t[4 * c + 1]);
			EQ_PREFETCH(&t[4 * c + 9]);
			EQ_PREFETCH(&t[4 * c + 16]);
			EQ_PREFETCH(&q->tag[4 * c + 1]);
			EQ_PREFETCH(&q->tag[4 * c + 9]);
			EQ_PREFETCH(&q->tag[4 * c + 16]);
		}
		uint64_t tm;
		size_t m = slot_min4(q, c, &tm);
		if (xt < tm || (xt == tm && xg < q->tag[m]))
			goto place;
		q->t[k] = tm;
		q->tag[k] = q->tag[m];
		k = m;
	}
	{
		/* Slot k has fewer than four children (maybe none); they are leaves. */
		size_t c = 4 * k + 1;
		if (c < n) {
			size_t m = slot_min(q, c, n);
			if (slot_before(q, m, xt, xg)) {
				slot_move(q, k, m);
				k = m;
			}
		}
	}
place:
	q->t[k] = xt;
	q->tag[k] = xg;
}

/* Fills a pending hole with the last entry. */
static inline void eq_settle(eq *q)
{
	if (!q->hole)
		return;
	q->hole = 0;
	q->n--;
	if (q->n > 0)
		sift_down(q, q->n, 0, q->t[q->n], q->tag[q->n]);
}

void eq_renumber(eq *q)
{
	eq_settle(q);
	size_t n = q->n;
	/* Heapsort in place: each minimum goes to the end of the shrinking heap,
	 * leaving the slots in decreasing order; reversing them gives a sorted array,
	 * which is a heap. Then seq = rank keeps every relative order. */
	for (size_t len = n; len > 1; len--) {
		uint64_t mt = q->t[0], mg = q->tag[0];
		sift_down(q, len - 1, 0, q->t[len - 1], q->tag[len - 1]);
		q->t[len - 1] = mt;
		q->tag[len - 1] = mg;
	}
	for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
		uint64_t tt = q->t[i], tg = q->tag[i];
		slot_move(q, i, j);
		q->t[j] = tt;
		q->tag[j] = tg;
	}
	for (size_t i = 0; i < n; i++)
		q->tag[i] = ((uint64_t)i << 32) | (q->tag[i] & 0xffffffffu);
	q->next_seq = n;
}

void eq_push(eq *q, uint64_t time_ns, uint32_t id)
{
	if (q->next_seq == EQ_SEQ_END) {
		if (eq_len(q) >= EQ_SEQ_END - 1) {
			fprintf(stderr, "capsim: %s:%d: more than %llu events pending\n",
				__FILE__, __LINE__, (unsigned long long)(EQ_SEQ_END - 2));
			abort();
		}
		eq_renumber(q);
	}
	uint64_t xg = (q->next_seq++ << 32) | id;
	if (q->hole) {
		q->hole = 0;
		sift_down(q, q->n, 0, time_ns, xg);
		return;
	}
	if (q->n == q->cap)
		eq_resize(q, 2 * q->cap);
	size_t k = q->n++;
	/* The new entry has the largest seq, so it rises only past later times. */
	while (k > 0) {
		size_t p = (k - 1) / 4;
		if (!(time_ns < q->t[p]))
			break;
		slot_move(q, k, p);
		k = p;
	}
	q->t[k] = time_ns;
	q->tag[k] = xg;
}

int eq_pop_until(eq *q, uint64_t t_end_ns, uint64_t *time_ns, uint32_t *id)
{
	eq_settle(q);
	if (q->n == 0 || q->t[0] > t_end_ns)
		return -1;
	*time_ns = q->t[0];
	*id = (uint32_t)q->tag[0];
	q->hole = 1;
	return 0;
}

int eq_pop(eq *q, uint64_t *time_ns, uint32_t *id)
{
	return eq_pop_until(q, UINT64_MAX, time_ns, id);
}

int eq_peek(const eq *q, uint64_t *time_ns, uint32_t *id)
{
	size_t m = 0;
	if (q->hole) {
		/* The smallest entry is the smallest child of the hole. */
		uint64_t tm;
		if (q->n >= 5)
			m = slot_min4(q, 1, &tm);
		else if (q->n >= 2)
			m = slot_min(q, 1, q->n);
		else
			return -1;
	} else if (q->n == 0) {
		return -1;
	}
	*time_ns = q->t[m];
	*id = (uint32_t)q->tag[m];
	return 0;
}
