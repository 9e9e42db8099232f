/* pool.c -- fixed-size object pool: chunks of 2^k objects found by id >> k, and a
 * stack of free ids.
 *
 * Invariant: free_ids[0 .. n_free) are exactly the ids in [0, capacity) not
 * allocated, and the stack has room for every id, so a release never allocates. */
#include "sim/engine/pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CAPSIM_DEBUG_POOLS
#define CAPSIM_DEBUG_POOLS 0
#endif

/* About 64 KiB per chunk, and never fewer than 64 objects. */
#define POOL_CHUNK_BYTES ((size_t)64 * 1024)
#define POOL_MIN_CHUNK_SHIFT 6u
#define POOL_MAX_IDS ((size_t)UINT32_MAX)

struct pool {
	size_t obj_size;
	size_t capacity;          /* ids that exist: [0, capacity) */
	size_t n_free;
	uint32_t *free_ids;       /* room for `capacity` ids */
#if CAPSIM_DEBUG_POOLS
	void **objs;              /* objs[id]: its own malloc, or NULL when free */
	size_t objs_cap;
#else
	unsigned char **chunks;
	size_t n_chunks, chunks_cap;
	unsigned chunk_shift;     /* objects per chunk = 1 << chunk_shift */
	size_t chunk_mask;
#endif
};

void *pool_xrealloc(void *ptr, size_t size)
{
	void *q = realloc(ptr, size ? size : 1);
	if (!q) {
		fprintf(stderr, "capsim: out of memory allocating %zu bytes (%s:%d)\n",
			size, __FILE__, __LINE__);
		abort();
	}
	return q;
}

static void pool_die(const char *what, uint32_t id, int line)
{
	fprintf(stderr, "capsim: %s:%d: %s (id %u)\n", __FILE__, line, what, (unsigned)id);
	abort();
}

#if CAPSIM_DEBUG_POOLS

static void pool_reserve(pool *p, size_t n)
{
	if (n > POOL_MAX_IDS) {
		fprintf(stderr, "capsim: %s:%d: pool would exceed %zu objects\n",
			__FILE__, __LINE__, POOL_MAX_IDS);
		abort();
	}
	if (n <= p->objs_cap)
		return;
	size_t cap = p->objs_cap ? p->objs_cap : 64;
	while (cap < n)
		cap *= 2;
	if (cap > POOL_MAX_IDS)
		cap = POOL_MAX_IDS;
	p->objs = pool_xrealloc(p->objs, cap * sizeof *p->objs);
	p->free_ids = pool_xrealloc(p->free_ids, cap * sizeof *p->free_ids);
	p->objs_cap = cap;
}

pool *pool_new(size_t obj_size, size_t hint)
{
	pool *p = pool_xrealloc(NULL, sizeof *p);
	memset(p, 0, sizeof *p);
	p->obj_size = obj_size ? obj_size : 1;
	pool_reserve(p, hint);
	return p;
}

void pool_free(pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->capacity; i++)
		free(p->objs[i]);
	free(p->objs);
	free(p->free_ids);
	free(p);
}

void *pool_alloc(pool *p, uint32_t *id)
{
	uint32_t i;
	if (p->n_free) {
		i = p->free_ids[--p->n_free];
	} else {
		pool_reserve(p, p->capacity + 1);
		i = (uint32_t)p->capacity++;
	}
	p->objs[i] = pool_xrealloc(NULL, p->obj_size);
	*id = i;
	return p->objs[i];
}

void *pool_at(const pool *p, uint32_t id)
{
	if (id >= p->capacity || !p->objs[id])
		pool_die("pool_at of an id that is not allocated", id, __LINE__);
	return p->objs[id];
}

void pool_release(pool *p, uint32_t id)
{
	if (id >= p->capacity || !p->objs[id])
		pool_die("pool_release of an id that is not allocated", id, __LINE__);
	free(p->objs[id]);
	p->objs[id] = NULL;
	p->free_ids[p->n_free++] = id;
}

#else /* !CAPSIM_DEBUG_POOLS */

/* Adds one chunk; its ids go on the free stack lowest on top. */
static void pool_grow(pool *p)
{
	size_t per = (size_t)1 << p->chunk_shift;
	if (p->capacity + per > POOL_MAX_IDS + 1) {
		fprintf(stderr, "capsim: %s:%d: pool would exceed %zu objects\n",
			__FILE__, __LINE__, POOL_MAX_IDS);
		abort();
	}
	if (p->n_chunks == p->chunks_cap) {
		p->chunks_cap = p->chunks_cap ? 2 * p->chunks_cap : 8;
		p->chunks = pool_xrealloc(p->chunks, p->chunks_cap * sizeof *p->chunks);
	}
	p->chunks[p->n_chunks++] = pool_xrealloc(NULL, per * p->obj_size);
	p->free_ids = pool_xrealloc(p->free_ids, (p->capacity + per) * sizeof *p->free_ids);
	/* Everything was in use (or the pool is new), so the stack holds only these. */
	for (size_t j = 0; j < per; j++)
		p->free_ids[p->n_free++] = (uint32_t)(p->capacity + per - 1 - j);
	p->capacity += per;
}

pool *pool_new(size_t obj_size, size_t hint)
{
	pool *p = pool_xrealloc(NULL, sizeof *p);
	memset(p, 0, sizeof *p);
	p->obj_size = obj_size ? obj_size : 1;
	unsigned shift = POOL_MIN_CHUNK_SHIFT;
	while (((size_t)2 << shift) * p->obj_size <= POOL_CHUNK_BYTES)
		shift++;
	p->chunk_shift = shift;
	p->chunk_mask = ((size_t)1 << shift) - 1;
	while (p->capacity < hint)
		pool_grow(p);
	return p;
}

void pool_free(pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_chunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	free(p->free_ids);
	free(p);
}

void *pool_alloc(pool *p, uint32_t *id)
{
	if (!p->n_free)
		pool_grow(p);
	uint32_t i = p->free_ids[--p->n_free];
	*id = i;
	return p->chunks[i >> p->chunk_shift] + (i & p->chunk_mask) * p->obj_size;
}

void *pool_at(const pool *p, uint32_t id)
{
	return p->chunks[id >> p->chunk_shift] + (id & p->chunk_mask) * p->obj_size;
}

void pool_release(pool *p, uint32_t id)
{
	if (p->n_free >= p->capacity)
		pool_die("pool_release with nothing allocated", id, __LINE__);
	p->free_ids[p->n_free++] = id;
}

#endif /* CAPSIM_DEBUG_POOLS */

size_t pool_capacity(const pool *p)
{
	return p->capacity;
}

size_t pool_in_use(const pool *p)
{
	return p->capacity - p->n_free;
}
