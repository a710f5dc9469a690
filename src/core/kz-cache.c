/* kz-cache.c: the three-tier in-memory TTL cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cache"

#include "config.h"

#include "kz-cache.h"
#include "kz-clock.h"

/*
 * Each tier is split into shards, each a hash table behind its own GRWLock,
 * so readers of different keys rarely touch the same lock. A lookup only
 * takes the read lock: values are immutable GObjects, so the reader takes a
 * reference and the recency stamp is an atomic store.
 *
 * What a lookup writes is kept off lines other readers use: hit and miss
 * counters live in per-thread slots that get_stats() adds up, and recency
 * stamps come from the clock (a hybrid logical clock per thread, so one
 * thread's stamps strictly increase even while the clock stands still)
 * rather than from one global counter that every hit would increment.
 * In tiers above EXACT_LRU_MAX_ENTRIES an item's stamp is only rewritten
 * when it is older than RECENCY_GRANULE: items used within the same 100 ms
 * count as equally recent, and readers sharing hot items do not keep
 * stealing each other's cache lines. Small tiers track every use.
 *
 * The size bound is per tier, not per shard: before an insert would take a
 * tier over max_entries, all its shards are scanned (under read locks) for
 * the expired or least recently used items, and inserts into one tier take
 * turns, so the tier is never seen over its bound. No shard evicts while
 * another has room, and small tiers get exact LRU; the price is one scan
 * per evicting insert, small next to the network fetch that produced the
 * value.
 */

#define N_SHARDS 8

/* Hash table slot (hash, key, value) and bookkeeping, roughly. */
#define ITEM_OVERHEAD (sizeof (CacheItem) + 4 * sizeof (gpointer))

typedef struct {
  char    *key;
  GObject *value;
  gint64   inserted_at;
  gsize    bytes;        /* what this item adds to the tier's approx_bytes */
  gsize    serial;       /* unique per insert, tells a replaced item apart */
  gint64   stamp;        /* atomic: recency, higher is more recent */
} CacheItem;

typedef struct {
  GRWLock     lock;
  GHashTable *items;     /* key (owned by the item) → CacheItem */
  gint64      ttl_usec;  /* the tier's TTL, copied so lookups read it under the lock */
} Shard;

typedef struct {
  Shard     shards[N_SHARDS];
  GMutex    evict_lock;    /* one evictor at a time, so no tier is trimmed twice */
  guint     max_entries;   /* atomic */
  gint      entries;       /* atomic */
  gsize     approx_bytes;  /* atomic */
  gsize     insertions;    /* atomic */
  gsize     evictions;     /* atomic */
  gsize     swept;         /* atomic */
} Tier;

/* What lookups write, per thread; more threads than slots share them. */
#define N_THREAD_SLOTS 16

typedef struct {
  gint64 last_stamp;                 /* atomic */
  gsize  hits[KZ_CACHE_N_TIERS];     /* atomic */
  gsize  misses[KZ_CACHE_N_TIERS];   /* atomic */
  gsize  expired[KZ_CACHE_N_TIERS];  /* atomic */
} ThreadCounters;

/* One cache line (or two) per slot, so readers never share one. */
typedef union {
  ThreadCounters counters;
  char           padding[128];
} ThreadSlot;

G_STATIC_ASSERT (sizeof (ThreadCounters) <= sizeof (ThreadSlot));

/* Recency stamps per microsecond of clock time: room for ties. */
#define STAMPS_PER_USEC 256
#define RECENCY_GRANULE (G_GINT64_CONSTANT (100000) * STAMPS_PER_USEC)
#define EXACT_LRU_MAX_ENTRIES 64

struct _KzCache
{
  GObject       parent_instance;

  KzClockFunc   clock;
  gpointer      clock_data;
  GSource      *sweep_source;
  gsize         next_serial;   /* atomic, written by inserts only */

  Tier          tiers[KZ_CACHE_N_TIERS];
  ThreadSlot    thread_slots[N_THREAD_SLOTS];
};

G_DEFINE_FINAL_TYPE (KzCache, kz_cache, G_TYPE_OBJECT)

static const struct {
  gint64 ttl_usec;
  guint  max_entries;
} tier_defaults[KZ_CACHE_N_TIERS] = {
  [KZ_CACHE_TIER_BASIC]     = { 1 * KZ_USEC_PER_HOUR,  5000 },
  [KZ_CACHE_TIER_DETAILED]  = { 6 * KZ_USEC_PER_HOUR,  2000 },
  [KZ_CACHE_TIER_FRANCHISE] = { 24 * KZ_USEC_PER_HOUR, 500 },
};

static const char * const tier_names[KZ_CACHE_N_TIERS] = {
  [KZ_CACHE_TIER_BASIC]     = "basic",
  [KZ_CACHE_TIER_DETAILED]  = "detailed",
  [KZ_CACHE_TIER_FRANCHISE] = "franchise",
};

#define TIER_IS_VALID(tier) ((guint) (tier) < KZ_CACHE_N_TIERS)

static void
cache_item_free (gpointer data)
{
  CacheItem *item = data;

  g_free (item->key);
  g_object_unref (item->value);
  g_free (item);
}

static gboolean
cache_item_is_expired (const CacheItem *item,
                       gint64           now,
                       gint64           ttl_usec)
{
  /* Written as a difference so a very long TTL cannot overflow. */
  return now - item->inserted_at >= ttl_usec;
}

/* GLib 2.74 has no 64-bit atomic API; these builtins are what its
 * g_atomic_* macros expand to. */
static inline gint64
atomic_get_int64 (gint64 *location)
{
  return __atomic_load_n (location, __ATOMIC_RELAXED);
}

static inline void
atomic_set_int64 (gint64 *location,
                  gint64  value)
{
  __atomic_store_n (location, value, __ATOMIC_RELAXED);
}

static GPrivate thread_slot_key;  /* slot index + 1 */
static guint next_thread_slot;    /* atomic */

static ThreadCounters *
kz_cache_get_thread_counters (KzCache *self)
{
  guint slot = GPOINTER_TO_UINT (g_private_get (&thread_slot_key));

  if (slot == 0)
    {
      slot = (guint) g_atomic_int_add (&next_thread_slot, 1) % N_THREAD_SLOTS + 1;
      g_private_set (&thread_slot_key, GUINT_TO_POINTER (slot));
    }

  return &self->thread_slots[slot - 1].counters;
}

/* A stamp later than any this thread handed out before, and following the
 * clock otherwise, so stamps from different threads compare by time. */
static gint64
next_stamp (ThreadCounters *counters,
            gint64          now)
{
  gint64 last = atomic_get_int64 (&counters->last_stamp);
  gint64 stamp;

  now = CLAMP (now, 0, G_MAXINT64 / STAMPS_PER_USEC - 1);
  stamp = MAX (now * STAMPS_PER_USEC, last + 1);
  atomic_set_int64 (&counters->last_stamp, stamp);

  return stamp;
}

G_STATIC_ASSERT (N_SHARDS == 1 << 3);

static Shard *
tier_shard_for_key (Tier       *tier,
                    const char *key)
{
  /* Multiplicative mixing, then the top three bits: g_str_hash leaves the
   * high bits of short keys empty, and the hash table uses the low ones. */
  guint32 hash = g_str_hash (key) * 0x9E3779B1u;

  return &tier->shards[hash >> (32 - 3)];
}

/* Accounting for items taken out of a tier, done under the shard's write
 * lock like the insert's, so entries never counts more than is there: an
 * insert that finds the tier full can always make room. Callers free the
 * items only after dropping the lock, so no finalizer runs under it. */
static void
tier_forget_items (Tier      *tier,
                   GPtrArray *items,
                   guint      first)
{
  gsize bytes = 0;

  for (guint i = first; i < items->len; i++)
    bytes += ((CacheItem *) g_ptr_array_index (items, i))->bytes;

  g_atomic_int_add (&tier->entries, - (gint) (items->len - first));
  g_atomic_pointer_add (&tier->approx_bytes, - (gssize) bytes);
}

static void
tier_forget_item (Tier      *tier,
                  CacheItem *item)
{
  g_atomic_int_add (&tier->entries, -1);
  g_atomic_pointer_add (&tier->approx_bytes, - (gssize) item->bytes);
}

typedef struct {
  gboolean  expired;
  gint64    stamp;
  gsize     serial;
  Shard    *shard;
  char     *key;
} Candidate;

static void
candidate_clear (gpointer data)
{
  Candidate *candidate = data;

  g_clear_pointer (&candidate->key, g_free);
}

/* Expired items go first, then the least recently used. */
static int
candidate_compare (gconstpointer a,
                   gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  if (ca->expired != cb->expired)
    return ca->expired ? -1 : 1;
  if (ca->stamp != cb->stamp)
    return ca->stamp < cb->stamp ? -1 : 1;
  return 0;
}

/* Removes @candidate's item if it is still the same insert. */
static CacheItem *
tier_steal_candidate (Tier            *tier,
                      const Candidate *candidate)
{
  Shard *shard = candidate->shard;
  CacheItem *item;

  g_rw_lock_writer_lock (&shard->lock);
  item = g_hash_table_lookup (shard->items, candidate->key);
  if (item != NULL && item->serial == candidate->serial)
    {
      g_hash_table_steal (shard->items, candidate->key);
      tier_forget_item (tier, item);
    }
  else
    {
      item = NULL;
    }
  g_rw_lock_writer_unlock (&shard->lock);

  return item;
}

/* Fills @victims with the @n_wanted items that should go first. */
static void
tier_pick_victims (Tier   *tier,
                   gint64  now,
                   guint   n_wanted,
                   GArray *victims)
{
  Candidate best = { 0, };
  gboolean have_best = FALSE;

  for (guint i = 0; i < N_SHARDS; i++)
    {
      Shard *shard = &tier->shards[i];
      GHashTableIter iter;
      CacheItem *item;

      g_rw_lock_reader_lock (&shard->lock);
      g_hash_table_iter_init (&iter, shard->items);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
        {
          Candidate candidate;

          candidate.expired = cache_item_is_expired (item, now, shard->ttl_usec);
          candidate.stamp = atomic_get_int64 (&item->stamp);
          candidate.serial = item->serial;
          candidate.shard = shard;
          candidate.key = NULL;

          if (n_wanted > 1)
            {
              candidate.key = g_strdup (item->key);
              g_array_append_val (victims, candidate);
            }
          else if (!have_best || candidate_compare (&candidate, &best) < 0)
            {
              /* Only the single oldest is needed: keep a copy of its key. */
              g_free (best.key);
              best = candidate;
              best.key = g_strdup (item->key);
              have_best = TRUE;
            }
        }
      g_rw_lock_reader_unlock (&shard->lock);
    }

  if (n_wanted > 1)
    {
      g_array_sort (victims, candidate_compare);
      if (victims->len > n_wanted)
        g_array_set_size (victims, n_wanted);
    }
  else if (have_best)
    {
      g_array_append_val (victims, best);
    }
}

/* Evicts until @tier holds at most @limit items. The caller holds the
 * tier's evict_lock and frees @evicted once it has let go of it. */
static void
tier_trim_locked (KzCache   *self,
                  Tier      *tier,
                  gint64     limit,
                  GPtrArray *evicted)
{
  for (;;)
    {
      g_autoptr(GArray) victims = NULL;
      guint n_before = evicted->len;
      guint n_removed;
      gint64 excess;

      excess = (gint64) g_atomic_int_get (&tier->entries) - limit;
      if (excess <= 0)
        break;

      victims = g_array_new (FALSE, FALSE, sizeof (Candidate));
      g_array_set_clear_func (victims, candidate_clear);
      tier_pick_victims (tier, kz_cache_now (self), (guint) excess, victims);

      for (guint i = 0; i < victims->len; i++)
        {
          CacheItem *item = tier_steal_candidate (tier, &g_array_index (victims, Candidate, i));

          if (item != NULL)
            g_ptr_array_add (evicted, item);
        }

      /* Nothing left to pick: only possible while the count catches up. */
      if (victims->len == 0)
        break;

      /* Everything picked was removed meanwhile by another thread, which
       * brought the count down: look again. */
      n_removed = evicted->len - n_before;
      if (n_removed == 0)
        continue;

      g_atomic_pointer_add (&tier->evictions, (gssize) n_removed);
    }
}

static void
kz_cache_enforce_bound (KzCache     *self,
                        KzCacheTier  tier_id)
{
  Tier *tier = &self->tiers[tier_id];
  /* Freed after the mutex is released, like everything leaving a tier. */
  g_autoptr(GPtrArray) evicted = g_ptr_array_new_with_free_func (cache_item_free);

  g_mutex_lock (&tier->evict_lock);
  tier_trim_locked (self, tier, (guint) g_atomic_int_get (&tier->max_entries), evicted);
  g_mutex_unlock (&tier->evict_lock);
}

static gboolean
sweep_timeout_cb (gpointer user_data)
{
  GWeakRef *weak_ref = user_data;
  g_autoptr(KzCache) self = g_weak_ref_get (weak_ref);

  if (self == NULL)
    return G_SOURCE_REMOVE;

  kz_cache_sweep (self);

  return G_SOURCE_CONTINUE;
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *weak_ref = data;

  g_weak_ref_clear (weak_ref);
  g_free (weak_ref);
}

static void
kz_cache_dispose (GObject *object)
{
  KzCache *self = (KzCache *) object;

  if (self->sweep_source != NULL)
    {
      g_source_destroy (self->sweep_source);
      g_clear_pointer (&self->sweep_source, g_source_unref);
    }

  G_OBJECT_CLASS (kz_cache_parent_class)->dispose (object);
}

static void
kz_cache_finalize (GObject *object)
{
  KzCache *self = (KzCache *) object;

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      Tier *tier = &self->tiers[t];

      for (guint i = 0; i < N_SHARDS; i++)
        {
          Shard *shard = &tier->shards[i];

          g_clear_pointer (&shard->items, g_hash_table_unref);
          g_rw_lock_clear (&shard->lock);
        }
      g_mutex_clear (&tier->evict_lock);
    }

  G_OBJECT_CLASS (kz_cache_parent_class)->finalize (object);
}

static void
kz_cache_class_init (KzCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_cache_dispose;
  object_class->finalize = kz_cache_finalize;
}

static void
kz_cache_init (KzCache *self)
{
  self->clock = kz_clock_real_now;

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      Tier *tier = &self->tiers[t];

      g_mutex_init (&tier->evict_lock);
      tier->max_entries = tier_defaults[t].max_entries;

      for (guint i = 0; i < N_SHARDS; i++)
        {
          Shard *shard = &tier->shards[i];

          g_rw_lock_init (&shard->lock);
          shard->items = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                NULL, cache_item_free);
          shard->ttl_usec = tier_defaults[t].ttl_usec;
        }
    }
}

KzCache *
kz_cache_new (void)
{
  return g_object_new (KZ_TYPE_CACHE, NULL);
}

/* Not synchronised: set the clock before the cache is shared. */
void
kz_cache_set_clock (KzCache     *self,
                    KzClockFunc  clock,
                    gpointer     clock_data)
{
  g_return_if_fail (KZ_IS_CACHE (self));

  if (clock == NULL)
    {
      clock = kz_clock_real_now;
      clock_data = NULL;
    }

  self->clock = clock;
  self->clock_data = clock_data;
}

gint64
kz_cache_now (KzCache *self)
{
  g_return_val_if_fail (KZ_IS_CACHE (self), 0);

  return self->clock (self->clock_data);
}

/* Applies to items already in the tier as well: expiry is checked against
 * the TTL at lookup time. */
void
kz_cache_set_ttl (KzCache     *self,
                  KzCacheTier  tier,
                  gint64       ttl_usec)
{
  g_return_if_fail (KZ_IS_CACHE (self));
  g_return_if_fail (TIER_IS_VALID (tier));
  g_return_if_fail (ttl_usec > 0);

  for (guint i = 0; i < N_SHARDS; i++)
    {
      Shard *shard = &self->tiers[tier].shards[i];

      g_rw_lock_writer_lock (&shard->lock);
      shard->ttl_usec = ttl_usec;
      g_rw_lock_writer_unlock (&shard->lock);
    }
}

gint64
kz_cache_get_ttl (KzCache     *self,
                  KzCacheTier  tier)
{
  Shard *shard;
  gint64 ttl_usec;

  g_return_val_if_fail (KZ_IS_CACHE (self), 0);
  g_return_val_if_fail (TIER_IS_VALID (tier), 0);

  shard = &self->tiers[tier].shards[0];
  g_rw_lock_reader_lock (&shard->lock);
  ttl_usec = shard->ttl_usec;
  g_rw_lock_reader_unlock (&shard->lock);

  return ttl_usec;
}

/* 0 is allowed and keeps the tier empty. Lowering the bound evicts now. */
void
kz_cache_set_max_entries (KzCache     *self,
                          KzCacheTier  tier,
                          guint        max_entries)
{
  g_return_if_fail (KZ_IS_CACHE (self));
  g_return_if_fail (TIER_IS_VALID (tier));

  g_atomic_int_set (&self->tiers[tier].max_entries, max_entries);
  kz_cache_enforce_bound (self, tier);
}

/* Returns a new reference, or NULL when @key is absent or expired. */
gpointer
kz_cache_lookup (KzCache     *self,
                 KzCacheTier  tier,
                 const char  *key)
{
  ThreadCounters *counters;
  Shard *shard;
  CacheItem *item;
  gpointer value = NULL;
  gint64 now;

  g_return_val_if_fail (KZ_IS_CACHE (self), NULL);
  g_return_val_if_fail (TIER_IS_VALID (tier), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  now = kz_cache_now (self);
  counters = kz_cache_get_thread_counters (self);
  shard = tier_shard_for_key (&self->tiers[tier], key);

  g_rw_lock_reader_lock (&shard->lock);

  item = g_hash_table_lookup (shard->items, key);
  if (item == NULL)
    {
      g_atomic_pointer_add (&counters->misses[tier], 1);
    }
  else if (cache_item_is_expired (item, now, shard->ttl_usec))
    {
      /* Left in place: removing needs the write lock; a sweep or an
       * eviction takes it. */
      g_atomic_pointer_add (&counters->expired[tier], 1);
      g_atomic_pointer_add (&counters->misses[tier], 1);
    }
  else
    {
      gint64 stamp = next_stamp (counters, now);

      if (stamp - atomic_get_int64 (&item->stamp) >= RECENCY_GRANULE ||
          (guint) g_atomic_int_get (&self->tiers[tier].max_entries) <= EXACT_LRU_MAX_ENTRIES)
        atomic_set_int64 (&item->stamp, stamp);
      g_atomic_pointer_add (&counters->hits[tier], 1);
      value = g_object_ref (item->value);
    }

  g_rw_lock_reader_unlock (&shard->lock);

  return value;
}

static gboolean
shard_contains (Shard      *shard,
                const char *key)
{
  gboolean found;

  g_rw_lock_reader_lock (&shard->lock);
  found = g_hash_table_contains (shard->items, key);
  g_rw_lock_reader_unlock (&shard->lock);

  return found;
}

/* Takes its own reference on @value; replaces any value under @key.
 *
 * Inserts into one tier take turns (its evict_lock) and make room before
 * adding a new key, so no reader ever sees the tier over its bound.
 * Only inserts add items, and removals meanwhile only make more room. */
void
kz_cache_insert (KzCache     *self,
                 KzCacheTier  tier,
                 const char  *key,
                 gpointer     value,
                 gsize        approx_bytes)
{
  /* Freed once no lock is held, so no finalizer runs under one. */
  g_autoptr(GPtrArray) evicted = NULL;
  Tier *t;
  Shard *shard;
  CacheItem *item;
  CacheItem *old = NULL;
  guint max_entries;

  g_return_if_fail (KZ_IS_CACHE (self));
  g_return_if_fail (TIER_IS_VALID (tier));
  g_return_if_fail (key != NULL);
  g_return_if_fail (G_IS_OBJECT (value));

  t = &self->tiers[tier];
  shard = tier_shard_for_key (t, key);
  evicted = g_ptr_array_new_with_free_func (cache_item_free);

  item = g_new0 (CacheItem, 1);
  item->key = g_strdup (key);
  item->value = g_object_ref (value);
  item->inserted_at = kz_cache_now (self);
  item->bytes = approx_bytes + strlen (key) + 1 + ITEM_OVERHEAD;
  item->serial = (gsize) g_atomic_pointer_add (&self->next_serial, 1);
  item->stamp = next_stamp (kz_cache_get_thread_counters (self), item->inserted_at);

  g_mutex_lock (&t->evict_lock);

  g_atomic_pointer_add (&t->insertions, 1);
  max_entries = (guint) g_atomic_int_get (&t->max_entries);

  if (max_entries == 0)
    {
      /* A tier bounded to nothing keeps nothing: evicted at once. */
      g_atomic_pointer_add (&t->evictions, 1);
      g_ptr_array_add (evicted, item);
      g_mutex_unlock (&t->evict_lock);
      return;
    }

  if (!shard_contains (shard, key))
    tier_trim_locked (self, t, (gint64) max_entries - 1, evicted);

  /* Counted under the lock: once it is released another thread may
   * remove the item again, and must find it already counted. */
  g_rw_lock_writer_lock (&shard->lock);
  g_hash_table_steal_extended (shard->items, key, NULL, (gpointer *) &old);
  g_hash_table_insert (shard->items, item->key, item);
  g_atomic_pointer_add (&t->approx_bytes, (gssize) item->bytes);
  if (old != NULL)
    g_atomic_pointer_add (&t->approx_bytes, - (gssize) old->bytes);
  else
    g_atomic_int_inc (&t->entries);
  g_rw_lock_writer_unlock (&shard->lock);

  g_mutex_unlock (&t->evict_lock);

  if (old != NULL)
    g_ptr_array_add (evicted, old);
}

gboolean
kz_cache_invalidate (KzCache     *self,
                     KzCacheTier  tier,
                     const char  *key)
{
  Tier *t;
  Shard *shard;
  CacheItem *item = NULL;

  g_return_val_if_fail (KZ_IS_CACHE (self), FALSE);
  g_return_val_if_fail (TIER_IS_VALID (tier), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  t = &self->tiers[tier];
  shard = tier_shard_for_key (t, key);

  g_rw_lock_writer_lock (&shard->lock);
  if (g_hash_table_steal_extended (shard->items, key, NULL, (gpointer *) &item))
    tier_forget_item (t, item);
  g_rw_lock_writer_unlock (&shard->lock);

  if (item == NULL)
    return FALSE;

  cache_item_free (item);

  return TRUE;
}

/* Hit and miss counters are kept; entries and bytes drop to zero. */
void
kz_cache_clear_all (KzCache *self)
{
  g_return_if_fail (KZ_IS_CACHE (self));

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      Tier *tier = &self->tiers[t];

      for (guint i = 0; i < N_SHARDS; i++)
        {
          Shard *shard = &tier->shards[i];
          g_autoptr(GHashTable) old = NULL;
          GHashTable *fresh;
          GHashTableIter iter;
          CacheItem *item;
          gsize bytes = 0;

          fresh = g_hash_table_new_full (g_str_hash, g_str_equal,
                                         NULL, cache_item_free);

          /* Swap in an empty table; the old one is freed outside the lock. */
          g_rw_lock_writer_lock (&shard->lock);
          old = g_steal_pointer (&shard->items);
          shard->items = fresh;
          g_hash_table_iter_init (&iter, old);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
            bytes += item->bytes;
          g_atomic_int_add (&tier->entries, - (gint) g_hash_table_size (old));
          g_atomic_pointer_add (&tier->approx_bytes, - (gssize) bytes);
          g_rw_lock_writer_unlock (&shard->lock);
        }
    }
}

typedef struct {
  GPtrArray *removed;
  gint64     now;
  gint64     ttl_usec;
} SweepData;

static gboolean
steal_if_expired (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  SweepData *sweep = user_data;
  CacheItem *item = value;

  if (!cache_item_is_expired (item, sweep->now, sweep->ttl_usec))
    return FALSE;

  g_ptr_array_add (sweep->removed, item);
  return TRUE;
}

static guint
shard_count_expired (Shard  *shard,
                     gint64  now)
{
  GHashTableIter iter;
  CacheItem *item;
  guint n_expired = 0;

  g_hash_table_iter_init (&iter, shard->items);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    if (cache_item_is_expired (item, now, shard->ttl_usec))
      n_expired++;

  return n_expired;
}

/* Returns how many expired items were removed, over all tiers. */
guint
kz_cache_sweep (KzCache *self)
{
  gint64 now;
  guint total = 0;

  g_return_val_if_fail (KZ_IS_CACHE (self), 0);

  now = kz_cache_now (self);

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      Tier *tier = &self->tiers[t];
      g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (cache_item_free);

      for (guint i = 0; i < N_SHARDS; i++)
        {
          Shard *shard = &tier->shards[i];
          SweepData sweep = { removed, now, 0 };
          guint n_expired;
          guint n_before;

          /* Look first under the read lock, so a sweep that finds nothing
           * never holds readers up. */
          g_rw_lock_reader_lock (&shard->lock);
          n_expired = shard_count_expired (shard, now);
          g_rw_lock_reader_unlock (&shard->lock);

          if (n_expired == 0)
            continue;

          g_rw_lock_writer_lock (&shard->lock);
          sweep.ttl_usec = shard->ttl_usec;
          n_before = removed->len;
          g_hash_table_foreach_steal (shard->items, steal_if_expired, &sweep);
          tier_forget_items (tier, removed, n_before);
          g_rw_lock_writer_unlock (&shard->lock);
        }

      if (removed->len == 0)
        continue;

      g_atomic_pointer_add (&tier->swept, (gssize) removed->len);
      total += removed->len;
      g_debug ("Swept %u expired item(s) from the %s tier",
               removed->len, tier_names[t]);
    }

  return total;
}

/* Sweeps every @interval_seconds on the thread-default main context, until
 * the cache is disposed; calling again replaces the interval. */
void
kz_cache_start_sweeping (KzCache *self,
                         guint    interval_seconds)
{
  g_autoptr(GMainContext) context = NULL;
  GWeakRef *weak_ref;

  g_return_if_fail (KZ_IS_CACHE (self));
  g_return_if_fail (interval_seconds > 0);

  if (self->sweep_source != NULL)
    {
      g_source_destroy (self->sweep_source);
      g_clear_pointer (&self->sweep_source, g_source_unref);
    }

  /* A weak reference: the timeout must not keep the cache alive. */
  weak_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak_ref, self);

  context = g_main_context_ref_thread_default ();
  self->sweep_source = g_timeout_source_new_seconds (interval_seconds);
  g_source_set_name (self->sweep_source, "[kizuna] cache sweep");
  g_source_set_callback (self->sweep_source, sweep_timeout_cb,
                         weak_ref, weak_ref_free);
  g_source_attach (self->sweep_source, context);
}

void
kz_cache_get_stats (KzCache          *self,
                    KzCacheTier       tier,
                    KzCacheTierStats *stats)
{
  Tier *t;

  g_return_if_fail (KZ_IS_CACHE (self));
  g_return_if_fail (TIER_IS_VALID (tier));
  g_return_if_fail (stats != NULL);

  t = &self->tiers[tier];

  memset (stats, 0, sizeof *stats);
  stats->entries = (guint) MAX (0, g_atomic_int_get (&t->entries));
  stats->max_entries = g_atomic_int_get (&t->max_entries);
  stats->ttl_usec = kz_cache_get_ttl (self, tier);
  stats->insertions = g_atomic_pointer_get (&t->insertions);
  stats->evictions = g_atomic_pointer_get (&t->evictions);
  stats->swept = g_atomic_pointer_get (&t->swept);
  stats->approx_bytes = g_atomic_pointer_get (&t->approx_bytes);

  for (guint i = 0; i < N_THREAD_SLOTS; i++)
    {
      ThreadCounters *counters = &self->thread_slots[i].counters;

      stats->hits += g_atomic_pointer_get (&counters->hits[tier]);
      stats->misses += g_atomic_pointer_get (&counters->misses[tier]);
      stats->expired += g_atomic_pointer_get (&counters->expired[tier]);
    }
}

const char *
kz_cache_tier_to_string (KzCacheTier tier)
{
  g_return_val_if_fail (TIER_IS_VALID (tier), NULL);

  return tier_names[tier];
}
