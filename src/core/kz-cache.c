/* kz-cache.c: the three-tier in-memory TTL cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cache"

#include "config.h"

#include "kz-cache.h"
#include "kz-clock.h"
#include "kz-shard-lock.h"

#include <string.h>

/*
 * Each tier is split into shards, each a GHashTable with its own
 * reader/writer lock: readers run in parallel, a writer has the shard to
 * itself. Values are immutable GObjects, so a reader takes a reference
 * under the read lock and the recency stamp is an atomic store.
 *
 * The lock is not a GRWLock: kz-shard-lock.h says why, and how readers
 * count themselves in per-thread slots instead.
 *
 * What a lookup writes is kept off lines other readers use: reader counts,
 * hit and miss counters live in per-thread slots that get_stats() adds up,
 * and recency stamps come from the clock (a hybrid logical clock per slot,
 * so one thread's stamps strictly increase even while the clock stands
 * still) rather than from one global counter that every hit would
 * increment. In tiers above EXACT_LRU_MAX_ENTRIES an item's stamp is only
 * rewritten when it is older than RECENCY_GRANULE: items used within the
 * same 100 ms count as equally recent, and readers sharing hot items do
 * not keep stealing each other's cache lines. Small tiers track every use.
 *
 * The key's hash is computed once per call: it picks the shard, and the
 * tables are keyed by the item itself (hash and key string), so the table
 * does not hash again. The default clock is the coarse wall clock (a few
 * nanoseconds instead of tens; it lags by at most a tick, against TTLs of
 * hours); an injected clock is called as it is.
 *
 * The size bound is per tier, not per shard: before an insert would take a
 * tier over max_entries, all its shards are scanned (under read locks) for
 * the expired or least recently used items, and inserts into one tier take
 * turns, so the tier is never seen over its bound. No shard evicts while
 * another has room, and small tiers get exact LRU; the price is one scan
 * per evicting insert, small next to the network fetch that produced the
 * value.
 */

/* Hash table slot and bookkeeping, roughly. */
#define ITEM_OVERHEAD (sizeof (CacheItem) + 4 * sizeof (gpointer))

/* What the tables hash and compare. */
typedef struct {
  guint       hash;      /* of str, item_key_for() */
  const char *str;
} ItemKey;

typedef struct {
  ItemKey  ikey;         /* first, so the item is its own table key */
  GObject *value;
  gint64   inserted_at;
  gsize    bytes;        /* what this item adds to the tier's approx_bytes */
  gsize    serial;       /* unique per insert, tells a replaced item apart */
  gint64   stamp;        /* atomic: recency, higher is more recent */
  char     key[];        /* ikey.str points here */
} CacheItem;

/* One per cache line: readers only read it while no writer comes. */
typedef struct {
  _Alignas (KZ_CACHE_LINE)
  KzShardLock lock;
  GHashTable *items;     /* the item (as ItemKey) → the item */
  gint64      ttl_usec;  /* the tier's TTL, copied so lookups read it under the lock */
} Shard;

typedef struct {
  GMutex    evict_lock;    /* one evictor at a time, so no tier is trimmed twice */
  guint     max_entries;   /* atomic */
  gint      entries;       /* atomic */
  gsize     approx_bytes;  /* atomic */
  gsize     insertions;    /* atomic */
  gsize     evictions;     /* atomic */
  gsize     swept;         /* atomic */
} Tier;

G_STATIC_ASSERT (sizeof (Shard) % KZ_CACHE_LINE == 0);

/* Recency stamps per microsecond of clock time: room for ties. */
#define STAMPS_PER_USEC 256
#define RECENCY_GRANULE (G_GINT64_CONSTANT (100000) * STAMPS_PER_USEC)
#define EXACT_LRU_MAX_ENTRIES 64

struct _KzCache
{
  GObject       parent_instance;

  KzClockFunc   clock;
  gpointer      clock_data;
  Shard        *shards;        /* KZ_N_ALL_SHARDS, tier by tier, aligned */
  KzThreadSlot *thread_slots;  /* KZ_N_THREAD_SLOTS, aligned */
  GSource      *sweep_source;
  gsize         next_serial;   /* atomic, written by inserts only */

  Tier          tiers[KZ_CACHE_N_TIERS];
};

G_DEFINE_FINAL_TYPE (KzCache, kz_cache, G_TYPE_OBJECT)

/* Set once by class_init. The type is final, so comparing an instance's
 * class with it is the whole type check, without a call. */
static GTypeClass *cache_class;

#define KZ_IS_CACHE_INSTANCE(obj) \
  ((obj) != NULL && ((GTypeInstance *) (obj))->g_class == cache_class)

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

static guint
item_key_hash (gconstpointer key)
{
  return ((const ItemKey *) key)->hash;
}

/* GHashTable compares the stored hashes first. */
static gboolean
item_key_equal (gconstpointer a,
                gconstpointer b)
{
  return strcmp (((const ItemKey *) a)->str, ((const ItemKey *) b)->str) == 0;
}

/* djb2, the function g_str_hash() uses, inlined: it runs on every call. */
static inline ItemKey
item_key_for (const char *key)
{
  ItemKey ikey = { 5381, key };

  for (const guchar *p = (const guchar *) key; *p != '\0'; p++)
    ikey.hash = (ikey.hash << 5) + ikey.hash + *p;

  return ikey;
}

static CacheItem *
cache_item_new (const char *key,
                guint       hash,
                GObject    *value)
{
  gsize key_size = strlen (key) + 1;
  CacheItem *item = g_malloc0 (sizeof (CacheItem) + key_size);

  memcpy (item->key, key, key_size);
  item->ikey.hash = hash;
  item->ikey.str = item->key;
  item->value = g_object_ref (value);

  return item;
}

static void
cache_item_free (gpointer data)
{
  CacheItem *item = data;

  g_object_unref (item->value);
  g_free (item);
}

/* Keys and values are the same pointers: GHashTable then keeps one array
 * for both. */
static GHashTable *
shard_table_new (void)
{
  return g_hash_table_new_full (item_key_hash, item_key_equal, NULL, cache_item_free);
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

static inline KzThreadSlot *
kz_cache_get_thread_slot (KzCache *self)
{
  return &self->thread_slots[_kz_thread_slot_index ()];
}

/* A stamp later than any this slot handed out before, and following the
 * clock otherwise, so stamps from different threads compare by time. */
static gint64
next_stamp (KzThreadSlot *slot,
            gint64        now)
{
  gint64 last = atomic_get_int64 (&slot->last_stamp);
  gint64 stamp;

  now = CLAMP (now, 0, G_MAXINT64 / STAMPS_PER_USEC - 1);
  stamp = MAX (now * STAMPS_PER_USEC, last + 1);
  atomic_set_int64 (&slot->last_stamp, stamp);

  return stamp;
}

static inline Shard *
tier_shards (KzCache     *self,
             KzCacheTier  tier)
{
  return &self->shards[tier * KZ_N_SHARDS];
}

static inline Shard *
shard_for_hash (KzCache     *self,
                KzCacheTier  tier,
                guint        hash)
{
  /* Multiplicative mixing, then the top bits: djb2 leaves the high
   * bits of short keys empty, and the hash table uses the low ones. */
  guint32 mixed = hash * 0x9E3779B1u;

  return &tier_shards (self, tier)[mixed >> (32 - KZ_SHARD_BITS)];
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
  guint     hash;
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
tier_steal_candidate (KzCache         *self,
                      Tier            *tier,
                      const Candidate *candidate)
{
  Shard *shard = candidate->shard;
  ItemKey probe = { candidate->hash, candidate->key };
  CacheItem *item;

  _kz_shard_write_lock (&shard->lock, self->thread_slots);
  item = g_hash_table_lookup (shard->items, &probe);
  if (item != NULL && item->serial == candidate->serial)
    {
      g_hash_table_steal (shard->items, &probe);
      tier_forget_item (tier, item);
    }
  else
    {
      item = NULL;
    }
  _kz_shard_write_unlock (&shard->lock);

  return item;
}

/* Fills @victims with the @n_wanted items of @tier that should go first. */
static void
tier_pick_victims (KzCache     *self,
                   KzCacheTier  tier,
                   gint64       now,
                   guint        n_wanted,
                   GArray      *victims)
{
  KzThreadSlot *slot = kz_cache_get_thread_slot (self);
  Candidate best = { 0, };
  gboolean have_best = FALSE;

  for (guint i = 0; i < KZ_N_SHARDS; i++)
    {
      Shard *shard = &tier_shards (self, tier)[i];
      GHashTableIter iter;
      CacheItem *item;

      _kz_shard_read_lock (&shard->lock, slot);
      g_hash_table_iter_init (&iter, shard->items);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
        {
          Candidate candidate;

          candidate.expired = cache_item_is_expired (item, now, shard->ttl_usec);
          candidate.stamp = atomic_get_int64 (&item->stamp);
          candidate.serial = item->serial;
          candidate.shard = shard;
          candidate.hash = item->ikey.hash;
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
      _kz_shard_read_unlock (&shard->lock, slot);
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

/* Evicts until @tier_id holds at most @limit items. The caller holds the
 * tier's evict_lock and frees @evicted once it has let go of it. */
static void
tier_trim_locked (KzCache     *self,
                  KzCacheTier  tier_id,
                  gint64       limit,
                  GPtrArray   *evicted)
{
  Tier *tier = &self->tiers[tier_id];

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
      tier_pick_victims (self, tier_id, kz_cache_now (self), (guint) excess, victims);

      for (guint i = 0; i < victims->len; i++)
        {
          CacheItem *item = tier_steal_candidate (self, tier, &g_array_index (victims, Candidate, i));

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
  tier_trim_locked (self, tier_id, (guint) g_atomic_int_get (&tier->max_entries), evicted);
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

  for (guint i = 0; i < KZ_N_ALL_SHARDS; i++)
    {
      Shard *shard = &self->shards[i];

      g_clear_pointer (&shard->items, g_hash_table_unref);
      _kz_shard_lock_clear (&shard->lock);
    }
  g_aligned_free (self->shards);
  g_aligned_free (self->thread_slots);

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    g_mutex_clear (&self->tiers[t].evict_lock);

  G_OBJECT_CLASS (kz_cache_parent_class)->finalize (object);
}

static void
kz_cache_class_init (KzCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_cache_dispose;
  object_class->finalize = kz_cache_finalize;

  cache_class = (GTypeClass *) klass;
}

static void
kz_cache_init (KzCache *self)
{
  self->clock = kz_clock_coarse_now;
  self->shards = g_aligned_alloc0 (KZ_N_ALL_SHARDS, sizeof (Shard), KZ_CACHE_LINE);
  self->thread_slots = g_aligned_alloc0 (KZ_N_THREAD_SLOTS, sizeof (KzThreadSlot), KZ_CACHE_LINE);

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      Tier *tier = &self->tiers[t];

      g_mutex_init (&tier->evict_lock);
      tier->max_entries = tier_defaults[t].max_entries;

      for (guint i = 0; i < KZ_N_SHARDS; i++)
        {
          Shard *shard = &tier_shards (self, t)[i];

          _kz_shard_lock_init (&shard->lock, t * KZ_N_SHARDS + i);
          shard->items = shard_table_new ();
          shard->ttl_usec = tier_defaults[t].ttl_usec;
        }
    }
}

KzCache *
kz_cache_new (void)
{
  return g_object_new (KZ_TYPE_CACHE, NULL);
}

/* Not synchronised: set the clock before the cache is shared. NULL brings
 * back the default, the coarse wall clock (kz_clock_coarse_now()). */
void
kz_cache_set_clock (KzCache     *self,
                    KzClockFunc  clock,
                    gpointer     clock_data)
{
  g_return_if_fail (KZ_IS_CACHE (self));

  if (clock == NULL)
    {
      clock = kz_clock_coarse_now;
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

  for (guint i = 0; i < KZ_N_SHARDS; i++)
    {
      Shard *shard = &tier_shards (self, tier)[i];

      _kz_shard_write_lock (&shard->lock, self->thread_slots);
      shard->ttl_usec = ttl_usec;
      _kz_shard_write_unlock (&shard->lock);
    }
}

gint64
kz_cache_get_ttl (KzCache     *self,
                  KzCacheTier  tier)
{
  KzThreadSlot *slot;
  Shard *shard;
  gint64 ttl_usec;

  g_return_val_if_fail (KZ_IS_CACHE (self), 0);
  g_return_val_if_fail (TIER_IS_VALID (tier), 0);

  slot = kz_cache_get_thread_slot (self);
  shard = &tier_shards (self, tier)[0];
  _kz_shard_read_lock (&shard->lock, slot);
  ttl_usec = shard->ttl_usec;
  _kz_shard_read_unlock (&shard->lock, slot);

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
  KzThreadSlot *slot;
  Shard *shard;
  CacheItem *item;
  ItemKey probe;
  gpointer value = NULL;
  gint64 now;

  g_return_val_if_fail (KZ_IS_CACHE_INSTANCE (self), NULL);
  g_return_val_if_fail (TIER_IS_VALID (tier), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  probe = item_key_for (key);
  now = self->clock (self->clock_data);
  slot = kz_cache_get_thread_slot (self);
  shard = shard_for_hash (self, tier, probe.hash);

  _kz_shard_read_lock (&shard->lock, slot);

  item = g_hash_table_lookup (shard->items, &probe);
  if (item == NULL)
    {
      __atomic_fetch_add (&slot->misses[tier], 1, __ATOMIC_RELAXED);
    }
  else if (cache_item_is_expired (item, now, shard->ttl_usec))
    {
      /* Left in place: removing needs the write lock; a sweep or an
       * eviction takes it. */
      __atomic_fetch_add (&slot->expired[tier], 1, __ATOMIC_RELAXED);
      __atomic_fetch_add (&slot->misses[tier], 1, __ATOMIC_RELAXED);
    }
  else
    {
      gint64 clamped = CLAMP (now, 0, G_MAXINT64 / STAMPS_PER_USEC - 1);

      /* next_stamp() is at least the clock's stamp: checking against that
       * first spares the slot a write on most hits of a large tier. */
      if (clamped * STAMPS_PER_USEC - atomic_get_int64 (&item->stamp) >= RECENCY_GRANULE ||
          (guint) g_atomic_int_get (&self->tiers[tier].max_entries) <= EXACT_LRU_MAX_ENTRIES)
        atomic_set_int64 (&item->stamp, next_stamp (slot, now));
      __atomic_fetch_add (&slot->hits[tier], 1, __ATOMIC_RELAXED);
      value = g_object_ref (item->value);
    }

  _kz_shard_read_unlock (&shard->lock, slot);

  return value;
}

static gboolean
shard_contains (KzCache       *self,
                Shard         *shard,
                const ItemKey *probe)
{
  KzThreadSlot *slot = kz_cache_get_thread_slot (self);
  gboolean found;

  _kz_shard_read_lock (&shard->lock, slot);
  found = g_hash_table_contains (shard->items, probe);
  _kz_shard_read_unlock (&shard->lock, slot);

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
  ItemKey probe;
  guint max_entries;

  g_return_if_fail (KZ_IS_CACHE (self));
  g_return_if_fail (TIER_IS_VALID (tier));
  g_return_if_fail (key != NULL);
  g_return_if_fail (G_IS_OBJECT (value));

  t = &self->tiers[tier];
  probe = item_key_for (key);
  shard = shard_for_hash (self, tier, probe.hash);
  evicted = g_ptr_array_new_with_free_func (cache_item_free);

  item = cache_item_new (key, probe.hash, value);
  item->inserted_at = kz_cache_now (self);
  item->bytes = approx_bytes + strlen (key) + 1 + ITEM_OVERHEAD;
  item->serial = (gsize) g_atomic_pointer_add (&self->next_serial, 1);
  item->stamp = next_stamp (kz_cache_get_thread_slot (self), item->inserted_at);

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

  if (!shard_contains (self, shard, &probe))
    tier_trim_locked (self, tier, (gint64) max_entries - 1, evicted);

  /* Counted under the lock: once it is released another thread may
   * remove the item again, and must find it already counted. */
  _kz_shard_write_lock (&shard->lock, self->thread_slots);
  g_hash_table_steal_extended (shard->items, &probe, NULL, (gpointer *) &old);
  g_hash_table_insert (shard->items, item, item);
  g_atomic_pointer_add (&t->approx_bytes, (gssize) item->bytes);
  if (old != NULL)
    g_atomic_pointer_add (&t->approx_bytes, - (gssize) old->bytes);
  else
    g_atomic_int_inc (&t->entries);
  _kz_shard_write_unlock (&shard->lock);

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
  ItemKey probe;

  g_return_val_if_fail (KZ_IS_CACHE (self), FALSE);
  g_return_val_if_fail (TIER_IS_VALID (tier), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  t = &self->tiers[tier];
  probe = item_key_for (key);
  shard = shard_for_hash (self, tier, probe.hash);

  _kz_shard_write_lock (&shard->lock, self->thread_slots);
  if (g_hash_table_steal_extended (shard->items, &probe, NULL, (gpointer *) &item))
    tier_forget_item (t, item);
  _kz_shard_write_unlock (&shard->lock);

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

      for (guint i = 0; i < KZ_N_SHARDS; i++)
        {
          Shard *shard = &tier_shards (self, t)[i];
          g_autoptr(GHashTable) old = NULL;
          GHashTable *fresh = shard_table_new ();
          GHashTableIter iter;
          CacheItem *item;
          gsize bytes = 0;

          /* Swap in an empty table; the old one is freed outside the lock. */
          _kz_shard_write_lock (&shard->lock, self->thread_slots);
          old = g_steal_pointer (&shard->items);
          shard->items = fresh;
          g_hash_table_iter_init (&iter, old);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
            bytes += item->bytes;
          g_atomic_int_add (&tier->entries, - (gint) g_hash_table_size (old));
          g_atomic_pointer_add (&tier->approx_bytes, - (gssize) bytes);
          _kz_shard_write_unlock (&shard->lock);
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
  KzThreadSlot *slot;
  gint64 now;
  guint total = 0;

  g_return_val_if_fail (KZ_IS_CACHE (self), 0);

  now = kz_cache_now (self);
  slot = kz_cache_get_thread_slot (self);

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      Tier *tier = &self->tiers[t];
      g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (cache_item_free);

      for (guint i = 0; i < KZ_N_SHARDS; i++)
        {
          Shard *shard = &tier_shards (self, t)[i];
          SweepData sweep = { removed, now, 0 };
          guint n_expired;
          guint n_before;

          /* Look first under the read lock, so a sweep that finds nothing
           * never holds readers up. */
          _kz_shard_read_lock (&shard->lock, slot);
          n_expired = shard_count_expired (shard, now);
          _kz_shard_read_unlock (&shard->lock, slot);

          if (n_expired == 0)
            continue;

          _kz_shard_write_lock (&shard->lock, self->thread_slots);
          sweep.ttl_usec = shard->ttl_usec;
          n_before = removed->len;
          g_hash_table_foreach_steal (shard->items, steal_if_expired, &sweep);
          tier_forget_items (tier, removed, n_before);
          _kz_shard_write_unlock (&shard->lock);
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

  for (guint i = 0; i < KZ_N_THREAD_SLOTS; i++)
    {
      KzThreadSlot *slot = &self->thread_slots[i];

      stats->hits += __atomic_load_n (&slot->hits[tier], __ATOMIC_RELAXED);
      stats->misses += __atomic_load_n (&slot->misses[tier], __ATOMIC_RELAXED);
      stats->expired += __atomic_load_n (&slot->expired[tier], __ATOMIC_RELAXED);
    }
}

const char *
kz_cache_tier_to_string (KzCacheTier tier)
{
  g_return_val_if_fail (TIER_IS_VALID (tier), NULL);

  return tier_names[tier];
}
