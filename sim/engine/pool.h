/* pool.h -- a free-list pool of fixed-size objects addressed by dense 32-bit ids.
 *
 * Invariant: an allocated object never moves (the pool grows by whole chunks and
 * never reallocates one); released ids are reused last-in first-out, so allocation
 * calls malloc only when every object is in use. With CAPSIM_DEBUG_POOLS=1 every
 * allocation is its own malloc and every release its free, so sanitizers see each
 * object, and a stale or double-released id aborts with a message. */
#ifndef CAPSIM_POOL_H
#define CAPSIM_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct pool pool;

/* Returns an empty pool of objects of `obj_size` bytes (pass sizeof the stored type:
 * objects are then aligned for it) with room for `hint` objects before it grows.
 * Aborts with a message if memory runs out; never returns NULL. */
pool *pool_new(size_t obj_size, size_t hint);
/* Frees the pool and every object in it, allocated or not. pool_free(NULL) is a
 * no-op. Pointers into the pool are dangling afterwards. */
void pool_free(pool *p);

/* Returns an object (contents undefined) and writes its id to *id. Grows the pool by
 * one chunk if every object is in use; aborts with a message if memory runs out or
 * the pool would hold more than UINT32_MAX objects. The object is the caller's until
 * pool_release(). */
void *pool_alloc(pool *p, uint32_t *id);
/* Returns the object with id `id`, which must be allocated (a debug-pools build
 * aborts with a message if it is not; a normal build does not check). */
void *pool_at(const pool *p, uint32_t id);
/* Gives object `id` back to the pool; it must be allocated (checked as pool_at). Its
 * pointer must not be used afterwards. */
void pool_release(pool *p, uint32_t id);

/* Objects the pool has room for without growing (in a debug-pools build: the ids
 * ever handed out, which grows exactly when a normal build's capacity would be
 * exceeded at the same peak). */
size_t pool_capacity(const pool *p);
/* Objects allocated now. */
size_t pool_in_use(const pool *p);

/* The engine's out-of-memory policy: realloc(ptr, size) that aborts the process with
 * a message naming `size` instead of returning NULL (size 0 is treated as 1). */
void *pool_xrealloc(void *ptr, size_t size);

#endif
