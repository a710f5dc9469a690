/* kz-shard-lock.h: the cache's per-shard reader/writer lock, and the
 * per-thread slots its readers count themselves in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kz-cache.h"

G_BEGIN_DECLS

/*
 * The lock is not a GRWLock. A GRWLock's read side increments a reader
 * count that every reader of the shard shares, so two threads reading at
 * once keep taking that cache line from each other and two readers ran no
 * faster than one. Here each thread slot (below) has its own reader count
 * per shard, and a reader only writes there: it announces itself, then
 * checks the shard's writer flag, which stays unchanged in every core's
 * cache while nobody writes. A writer takes the shard's mutex, raises the
 * flag, then waits until no slot counts a reader of the shard; a reader
 * that finds the flag raised steps back and waits on the mutex. Both sides
 * use sequentially consistent atomics, so either the reader sees the flag
 * or the writer sees the reader. Writers are rare (an insert follows a
 * network fetch or a library read), readers stay inside for tens of
 * nanoseconds, so the writer's wait is short.
 *
 * The read side is inline: it runs on every lookup. The write side and
 * handing out slots are rare, and live in kz-shard-lock.c.
 */

#define KZ_CACHE_LINE 64

/* Shards per tier, as bits of the key's hash. */
#define KZ_SHARD_BITS 4
#define KZ_N_SHARDS (1 << KZ_SHARD_BITS)
#define KZ_N_ALL_SHARDS (KZ_CACHE_N_TIERS * KZ_N_SHARDS)

/* Lives in the shard's own cache line, next to what it guards: readers
 * only read it while no writer comes. */
typedef struct {
  gint    writer;    /* atomic: a writer holds the shard or waits for it */
  guint   index;     /* of this shard's count in each slot's readers[] */
  GMutex  mutex;     /* held by the writer; readers wait on it */
} KzShardLock;

/* What lookups write, per thread; more threads than slots share them, so
 * every update is an atomic read-modify-write. Slots start on their own
 * cache line and never share one. */
#define KZ_N_THREAD_SLOTS 16

typedef struct {
  _Alignas (KZ_CACHE_LINE)
  gint   readers[KZ_N_ALL_SHARDS];      /* atomic: inside each shard's read lock */
  gint64 last_stamp;                    /* atomic: the cache's recency clock */
  gsize  hits[KZ_CACHE_N_TIERS];        /* atomic */
  gsize  misses[KZ_CACHE_N_TIERS];      /* atomic */
  gsize  expired[KZ_CACHE_N_TIERS];     /* atomic */
} KzThreadSlot;

G_STATIC_ASSERT (sizeof (KzThreadSlot) % KZ_CACHE_LINE == 0);

void  _kz_shard_lock_init     (KzShardLock  *lock,
                               guint         index);
void  _kz_shard_lock_clear    (KzShardLock  *lock);
void  _kz_shard_write_lock    (KzShardLock  *lock,
                               KzThreadSlot *slots);
void  _kz_shard_write_unlock  (KzShardLock  *lock);
guint _kz_thread_slot_claim   (void);

/* The calling thread's slot index plus one; 0 until it claims one.
 * Hidden, so that reading it costs what a static thread-local does. */
G_GNUC_INTERNAL extern _Thread_local guint _kz_thread_slot_plus_one;

/* The calling thread's index into every array of KZ_N_THREAD_SLOTS
 * slots; the slot is claimed on first use. */
static inline guint
_kz_thread_slot_index (void)
{
  guint plus_one = _kz_thread_slot_plus_one;

  return G_LIKELY (plus_one != 0) ? plus_one - 1 : _kz_thread_slot_claim ();
}

static inline void
_kz_shard_read_lock (KzShardLock  *lock,
                     KzThreadSlot *slot)
{
  gint *count = &slot->readers[lock->index];

  for (;;)
    {
      __atomic_fetch_add (count, 1, __ATOMIC_SEQ_CST);
      if (G_LIKELY (__atomic_load_n (&lock->writer, __ATOMIC_SEQ_CST) == 0))
        return;

      /* A writer is in or about to be: step back, so it can go ahead,
       * and sleep until it lets go of the mutex. */
      __atomic_fetch_sub (count, 1, __ATOMIC_RELEASE);
      g_mutex_lock (&lock->mutex);
      g_mutex_unlock (&lock->mutex);
    }
}

static inline void
_kz_shard_read_unlock (KzShardLock  *lock,
                       KzThreadSlot *slot)
{
  __atomic_fetch_sub (&slot->readers[lock->index], 1, __ATOMIC_RELEASE);
}

G_END_DECLS
