/* kz-shard-lock.c: the rare paths of the cache's shard lock: writers,
 * and handing out thread slots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cache"

#include "config.h"

#include "kz-shard-lock.h"

void
_kz_shard_lock_init (KzShardLock *lock,
                     guint        index)
{
  g_assert (index < KZ_N_ALL_SHARDS);

  lock->writer = 0;
  lock->index = index;
  g_mutex_init (&lock->mutex);
}

void
_kz_shard_lock_clear (KzShardLock *lock)
{
  g_mutex_clear (&lock->mutex);
}

/* @slots: the KZ_N_THREAD_SLOTS slots whose readers[] count this
 * shard's readers */
void
_kz_shard_write_lock (KzShardLock  *lock,
                      KzThreadSlot *slots)
{
  g_mutex_lock (&lock->mutex);

  /* An exchange rather than a store: it reads the previous writer's
   * release, which orders this writer after it for every observer. */
  __atomic_exchange_n (&lock->writer, 1, __ATOMIC_SEQ_CST);

  for (guint i = 0; i < KZ_N_THREAD_SLOTS; i++)
    {
      gint *count = &slots[i].readers[lock->index];
      guint spins = 0;

      /* Readers leave within nanoseconds unless preempted meanwhile. */
      while (__atomic_load_n (count, __ATOMIC_SEQ_CST) != 0)
        if (++spins > 64)
          g_thread_yield ();
    }
}

void
_kz_shard_write_unlock (KzShardLock *lock)
{
  __atomic_store_n (&lock->writer, 0, __ATOMIC_RELEASE);
  g_mutex_unlock (&lock->mutex);
}

/* Slot indices are per thread and shared by every cache. A thread takes
 * the least used slot and gives it back when it exits. */
static gint thread_slot_users[KZ_N_THREAD_SLOTS];  /* atomic */

_Thread_local guint _kz_thread_slot_plus_one;

static void
release_thread_slot (gpointer data)
{
  g_atomic_int_add (&thread_slot_users[GPOINTER_TO_UINT (data) - 1], -1);
}

static GPrivate thread_slot_owner = G_PRIVATE_INIT (release_thread_slot);

guint
_kz_thread_slot_claim (void)
{
  guint best = 0;

  for (guint i = 1; i < KZ_N_THREAD_SLOTS; i++)
    if (g_atomic_int_get (&thread_slot_users[i]) < g_atomic_int_get (&thread_slot_users[best]))
      best = i;

  g_atomic_int_inc (&thread_slot_users[best]);
  _kz_thread_slot_plus_one = best + 1;
  g_private_set (&thread_slot_owner, GUINT_TO_POINTER (best + 1));

  return best;
}
