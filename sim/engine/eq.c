/* eq.c -- the pending-event set as a 4-ary implicit heap of {time_ns, seq << 32 | id}
 * keys, with the root's removal deferred until the next operation.
 *
 * Invariant: a[0 .. n) is a min-heap on (t, tag) except that a[0] is a hole when
 * `hole` is set (the last pop took it); a push fills the hole by sifting the new key
 * down from the root, so the run loop's pop-then-reschedule costs one sift, not two.
 * Element k is stored 3 slots past a 64-byte boundary, so the children 4k+1 .. 4k+4
 * of every node fill exactly one cache line. tag's high 32 bits are the push
 * sequence, unique among pending keys, so (t, tag) orders exactly as (t, seq). */
#include "sim/engine/eq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EQ_LINE 64u
#define EQ_PAD 3u                   /* keys before a[0] in the allocation */
#define EQ_SEQ_END ((uint64_t)1 << 32)

typedef struct {
	uint64_t t;
	uint64_t tag;
} eq_key;

struct eq {
	eq_key *a;                  /* base + EQ_PAD */
	eq_key *base;               /* 64-byte aligned allocation */
	size_t n;                   /* slots in use, the hole included */
	size_t cap;                 /* slots in a */
	int hole;
	uint64_t next_seq;          /* < EQ_SEQ_END */
};

/* 1 if x orders before y, else 0, without branches: the sift's child choice then
 * compiles to flag arithmetic and conditional moves instead of mispredictions. With
 * a 128-bit integer type the key compare is one subtract-with-borrow. */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 eq_u128;

static inline size_t key_lt(eq_key x, eq_key y)
{
	eq_u128 a = (eq_u128)x.t << 64 | x.tag;
	eq_u128 b = (eq_u128)y.t << 64 | y.tag;
	return (size_t)(a < b);
}
#else
static inline size_t key_lt(eq_key x, eq_key y)
{
	return (size_t)((x.t < y.t) | ((x.t == y.t) & (x.tag < y.tag)));
}
#endif

/* s ? y : x for s in {0, 1}, by masks: compilers branch on a struct ?: otherwise. */
static inline eq_key key_pick(eq_key x, eq_key y, size_t s)
{
	uint64_t m = 0 - (uint64_t)s;
	eq_key r = { x.t ^ ((x.t ^ y.t) & m), x.tag ^ ((x.tag ^ y.tag) & m) };
	return r;
}

#if defined(__GNUC__)
#define EQ_PREFETCH(p) __builtin_prefetch(p)
#else
#define EQ_PREFETCH(p) ((void)(p))
#endif

static void eq_resize(eq *q, size_t cap)
{
	if (cap > (SIZE_MAX - EQ_LINE) / sizeof(eq_key) - EQ_PAD)
		cap = (SIZE_MAX - EQ_LINE) / sizeof(eq_key) - EQ_PAD;
	size_t bytes = (cap + EQ_PAD) * sizeof(eq_key);
	bytes = (bytes + EQ_LINE - 1) / EQ_LINE * EQ_LINE;
	eq_key *base = aligned_alloc(EQ_LINE, bytes);
	if (!base) {
		fprintf(stderr, "capsim: out of memory allocating %zu bytes (%s:%d)\n",
			bytes, __FILE__, __LINE__);
		abort();
	}
	if (q->base) {
		memcpy(base + EQ_PAD, q->a, q->n * sizeof(eq_key));
		free(q->base);
	}
	q->base = base;
	q->a = base + EQ_PAD;
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
	free(q->base);
	free(q);
}

size_t eq_len(const eq *q)
{
	return q->n - (size_t)q->hole;
}

/* Moves the hole at slot k (0 <= k < n) down to a leaf, lifting the smaller child
 * each time, then sifts x up from there into its place. Fewer comparisons than a
 * plain sift-down when x is large, which keys re-entering at the root usually are. */
static void sift_hole(eq_key *a, size_t n, size_t cap, size_t k, eq_key x)
{
	for (;;) {
		size_t c = 4 * k + 1;
		eq_key best;
		size_t m;
		if (c + 3 < n) {
			/* The children of c .. c+3 are 16 keys in four adjacent lines:
			 * fetch them while this level is decided (only inside the
			 * allocation; a[cap - 1] is its last key). */
			if (4 * c + 16 < cap) {
				EQ_PREFETCH(&a[4 * c + 4]);
				EQ_PREFETCH(&a[4 * c + 8]);
				EQ_PREFETCH(&a[4 * c + 12]);
				EQ_PREFETCH(&a[4 * c + 16]);
			}
			eq_key k0 = a[c], k1 = a[c + 1], k2 = a[c + 2], k3 = a[c + 3];
			size_t s1 = key_lt(k1, k0), s2 = key_lt(k3, k2);
			eq_key b1 = key_pick(k0, k1, s1), b2 = key_pick(k2, k3, s2);
			size_t s = key_lt(b2, b1);
			best = key_pick(b1, b2, s);
			m = c + s1 + ((2 + s2 - s1) & (0 - s));
		} else if (c < n) {
			m = c;
			for (size_t j = c + 1; j < n; j++)
				if (key_lt(a[j], a[m]))
					m = j;
			best = a[m];
		} else {
			break;
		}
		a[k] = best;
		k = m;
	}
	while (k > 0) {
		size_t p = (k - 1) / 4;
		if (!key_lt(x, a[p]))
			break;
		a[k] = a[p];
		k = p;
	}
	a[k] = x;
}

/* Fills a pending hole with the last key. */
static inline void eq_settle(eq *q)
{
	if (!q->hole)
		return;
	q->hole = 0;
	q->n--;
	if (q->n > 0)
		sift_hole(q->a, q->n, q->cap, 0, q->a[q->n]);
}

static int key_cmp(const void *x, const void *y)
{
	const eq_key *a = x, *b = y;
	return key_lt(*a, *b) ? -1 : key_lt(*b, *a) ? 1 : 0;
}

void eq_renumber(eq *q)
{
	eq_settle(q);
	/* A sorted array is a heap, and sorting keeps the relative order of keys, so
	 * giving them seq 0..n-1 in sorted order changes nothing but the numbers. */
	qsort(q->a, q->n, sizeof(eq_key), key_cmp);
	for (size_t i = 0; i < q->n; i++)
		q->a[i].tag = ((uint64_t)i << 32) | (q->a[i].tag & 0xffffffffu);
	q->next_seq = q->n;
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
	eq_key x = { time_ns, (q->next_seq++ << 32) | id };
	if (q->hole) {
		q->hole = 0;
		sift_hole(q->a, q->n, q->cap, 0, x);
		return;
	}
	if (q->n == q->cap)
		eq_resize(q, 2 * q->cap);
	eq_key *a = q->a;
	size_t k = q->n++;
	while (k > 0) {
		size_t p = (k - 1) / 4;
		if (!key_lt(x, a[p]))
			break;
		a[k] = a[p];
		k = p;
	}
	a[k] = x;
}

int eq_pop_until(eq *q, uint64_t t_end_ns, uint64_t *time_ns, uint32_t *id)
{
	eq_settle(q);
	if (q->n == 0 || q->a[0].t > t_end_ns)
		return -1;
	*time_ns = q->a[0].t;
	*id = (uint32_t)q->a[0].tag;
	q->hole = 1;
	return 0;
}

int eq_pop(eq *q, uint64_t *time_ns, uint32_t *id)
{
	return eq_pop_until(q, UINT64_MAX, time_ns, id);
}

int eq_peek(const eq *q, uint64_t *time_ns, uint32_t *id)
{
	const eq_key *a = q->a;
	size_t m = 0;
	if (q->hole) {
		/* The smallest entry is the smallest child of the hole. */
		if (q->n >= 5) {
			size_t s1 = key_lt(a[2], a[1]), s2 = key_lt(a[4], a[3]);
			eq_key b1 = key_pick(a[1], a[2], s1), b2 = key_pick(a[3], a[4], s2);
			size_t s = key_lt(b2, b1);
			m = 1 + s1 + ((2 + s2 - s1) & (0 - s));
		} else if (q->n >= 2) {
			m = 1;
			for (size_t j = 2; j < q->n; j++)
				m = key_lt(a[j], a[m]) ? j : m;
		} else {
			return -1;
		}
	} else if (q->n == 0) {
		return -1;
	}
	*time_ns = a[m].t;
	*id = (uint32_t)a[m].tag;
	return 0;
}
