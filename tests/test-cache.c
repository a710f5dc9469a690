/* test-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kz-cache.h"
#include "kz-clock.h"

#define USEC_PER_MINUTE (60 * KZ_USEC_PER_SECOND)

/* Starts well away from 0 so "inserted at 0" bugs show. */
#define FAKE_EPOCH (G_GINT64_CONSTANT (1700000000) * KZ_USEC_PER_SECOND)

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static KzCache *
new_cache (void)
{
  KzCache *cache = kz_cache_new ();

  fake_now = FAKE_EPOCH;
  kz_cache_set_clock (cache, fake_clock, NULL);

  return cache;
}

static GObject *
new_value (void)
{
  return g_object_new (G_TYPE_OBJECT, NULL);
}

static void
insert_new (KzCache     *cache,
            KzCacheTier  tier,
            const char  *key,
            gsize        approx_bytes)
{
  g_autoptr(GObject) value = new_value ();

  kz_cache_insert (cache, tier, key, value, approx_bytes);
}

static gboolean
is_present (KzCache     *cache,
            KzCacheTier  tier,
            const char  *key)
{
  g_autoptr(GObject) value = kz_cache_lookup (cache, tier, key);

  return value != NULL;
}

static KzCacheTierStats
get_stats (KzCache     *cache,
           KzCacheTier  tier)
{
  KzCacheTierStats stats;

  kz_cache_get_stats (cache, tier, &stats);
  return stats;
}

/* What one item adds besides the caller's estimate and its key. */
static gsize
item_overhead (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  KzCacheTierStats stats;

  insert_new (cache, KZ_CACHE_TIER_BASIC, "k", 1000);
  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.approx_bytes, >, 1000 + 2);

  return stats.approx_bytes - 1000 - 2;
}

static void
test_defaults (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  KzCacheTierStats stats;

  g_assert_cmpstr (kz_cache_tier_to_string (KZ_CACHE_TIER_BASIC), ==, "basic");
  g_assert_cmpstr (kz_cache_tier_to_string (KZ_CACHE_TIER_DETAILED), ==, "detailed");
  g_assert_cmpstr (kz_cache_tier_to_string (KZ_CACHE_TIER_FRANCHISE), ==, "franchise");

  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_BASIC), ==, KZ_USEC_PER_HOUR);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_DETAILED), ==, 6 * KZ_USEC_PER_HOUR);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_FRANCHISE), ==, KZ_USEC_PER_DAY);

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.max_entries, ==, 5000);
  g_assert_cmpint (stats.ttl_usec, ==, KZ_USEC_PER_HOUR);
  g_assert_cmpuint (stats.entries, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 0);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).max_entries, ==, 2000);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_FRANCHISE).max_entries, ==, 500);

  /* The injected clock is what the cache sees; NULL restores the real one. */
  fake_now = 42;
  g_assert_cmpint (kz_cache_now (cache), ==, 42);
  kz_cache_set_clock (cache, NULL, NULL);
  g_assert_cmpint (kz_cache_now (cache), >, FAKE_EPOCH);
}

static void
test_hit_miss (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  g_autoptr(GObject) value = new_value ();
  g_autoptr(GObject) found = NULL;
  KzCacheTierStats stats;

  g_assert_null (kz_cache_lookup (cache, KZ_CACHE_TIER_BASIC, "anilist:1"));
  g_assert_null (kz_cache_lookup (cache, KZ_CACHE_TIER_BASIC, "anilist:2"));

  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, "anilist:1", value, 10);
  found = kz_cache_lookup (cache, KZ_CACHE_TIER_BASIC, "anilist:1");
  g_assert_true (found == value);
  g_clear_object (&found);
  found = kz_cache_lookup (cache, KZ_CACHE_TIER_BASIC, "anilist:1");
  g_assert_true (found == value);
  g_assert_null (kz_cache_lookup (cache, KZ_CACHE_TIER_BASIC, "anilist:2"));

  /* Tiers are separate key spaces. */
  g_assert_null (kz_cache_lookup (cache, KZ_CACHE_TIER_FRANCHISE, "anilist:1"));

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.hits, ==, 2);
  g_assert_cmpuint (stats.misses, ==, 3);
  g_assert_cmpuint (stats.expired, ==, 0);
  g_assert_cmpuint (stats.insertions, ==, 1);
  g_assert_cmpuint (stats.entries, ==, 1);

  stats = get_stats (cache, KZ_CACHE_TIER_FRANCHISE);
  g_assert_cmpuint (stats.hits, ==, 0);
  g_assert_cmpuint (stats.misses, ==, 1);
  g_assert_cmpuint (stats.entries, ==, 0);

  stats = get_stats (cache, KZ_CACHE_TIER_DETAILED);
  g_assert_cmpuint (stats.hits + stats.misses, ==, 0);
}

static void
test_returns_reference (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  GObject *value = new_value ();
  GObject *found;

  g_object_add_weak_pointer (value, (gpointer *) &value);

  kz_cache_insert (cache, KZ_CACHE_TIER_DETAILED, "graph:1", value, 0);
  g_object_unref (value);
  g_assert_nonnull (value);  /* the cache holds its own reference */

  found = kz_cache_lookup (cache, KZ_CACHE_TIER_DETAILED, "graph:1");
  g_assert_true (found == value);

  g_assert_true (kz_cache_invalidate (cache, KZ_CACHE_TIER_DETAILED, "graph:1"));
  g_assert_null (kz_cache_lookup (cache, KZ_CACHE_TIER_DETAILED, "graph:1"));
  g_assert_nonnull (value);  /* the reader still holds it */
  g_assert_true (G_IS_OBJECT (found));

  g_object_unref (found);
  g_assert_null (value);

  /* The cache's reference goes when the cache does. */
  value = new_value ();
  g_object_add_weak_pointer (value, (gpointer *) &value);
  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, "entry:1", value, 0);
  g_object_unref (value);
  g_assert_nonnull (value);
  g_clear_object (&cache);
  g_assert_null (value);
}

static void
check_tier_ttl (KzCacheTier tier,
                gint64      ttl_usec)
{
  g_autoptr(KzCache) cache = new_cache ();
  KzCacheTierStats stats;

  insert_new (cache, tier, "k", 0);

  fake_now = FAKE_EPOCH + ttl_usec - USEC_PER_MINUTE;
  g_assert_true (is_present (cache, tier, "k"));
  fake_now = FAKE_EPOCH + ttl_usec - 1;
  g_assert_true (is_present (cache, tier, "k"));
  fake_now = FAKE_EPOCH + ttl_usec;
  g_assert_false (is_present (cache, tier, "k"));
  fake_now = FAKE_EPOCH + ttl_usec + KZ_USEC_PER_DAY;
  g_assert_false (is_present (cache, tier, "k"));

  stats = get_stats (cache, tier);
  g_assert_cmpuint (stats.hits, ==, 2);
  g_assert_cmpuint (stats.misses, ==, 2);
  g_assert_cmpuint (stats.expired, ==, 2);
  /* An expired item stays until something removes it. */
  g_assert_cmpuint (stats.entries, ==, 1);

  /* Inserting again starts a fresh lifetime. */
  insert_new (cache, tier, "k", 0);
  g_assert_true (is_present (cache, tier, "k"));
  g_assert_cmpuint (get_stats (cache, tier).entries, ==, 1);
}

static void
test_ttl_expiry (void)
{
  check_tier_ttl (KZ_CACHE_TIER_BASIC, KZ_USEC_PER_HOUR);
  check_tier_ttl (KZ_CACHE_TIER_DETAILED, 6 * KZ_USEC_PER_HOUR);
  check_tier_ttl (KZ_CACHE_TIER_FRANCHISE, KZ_USEC_PER_DAY);
}

static void
test_custom_ttl (void)
{
  g_autoptr(KzCache) cache = new_cache ();

  kz_cache_set_ttl (cache, KZ_CACHE_TIER_FRANCHISE, 10 * USEC_PER_MINUTE);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_FRANCHISE), ==, 10 * USEC_PER_MINUTE);
  g_assert_cmpint (get_stats (cache, KZ_CACHE_TIER_FRANCHISE).ttl_usec, ==, 10 * USEC_PER_MINUTE);
  /* The other tiers keep theirs. */
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_DETAILED), ==, 6 * KZ_USEC_PER_HOUR);

  insert_new (cache, KZ_CACHE_TIER_FRANCHISE, "f", 0);
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "d", 0);
  fake_now = FAKE_EPOCH + 10 * USEC_PER_MINUTE - 1;
  g_assert_true (is_present (cache, KZ_CACHE_TIER_FRANCHISE, "f"));
  fake_now = FAKE_EPOCH + 10 * USEC_PER_MINUTE;
  g_assert_false (is_present (cache, KZ_CACHE_TIER_FRANCHISE, "f"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "d"));

  /* A longer TTL applies to items already cached. */
  kz_cache_set_ttl (cache, KZ_CACHE_TIER_FRANCHISE, KZ_USEC_PER_HOUR);
  g_assert_true (is_present (cache, KZ_CACHE_TIER_FRANCHISE, "f"));

  /* A tiny one works too. */
  kz_cache_set_ttl (cache, KZ_CACHE_TIER_BASIC, 1);
  insert_new (cache, KZ_CACHE_TIER_BASIC, "b", 0);
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "b"));
  fake_now++;
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "b"));
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).expired, ==, 1);

  if (g_test_undefined ())
    {
      g_test_expect_message ("kz-cache", G_LOG_LEVEL_CRITICAL, "*ttl_usec > 0*");
      kz_cache_set_ttl (cache, KZ_CACHE_TIER_BASIC, 0);
      g_test_assert_expected_messages ();
      g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_BASIC), ==, 1);
    }
}

static void
test_sweep (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  gsize overhead = item_overhead ();
  KzCacheTierStats stats;

  fake_now = FAKE_EPOCH;
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *key = g_strdup_printf ("old:%u", i);

      insert_new (cache, KZ_CACHE_TIER_BASIC, key, 100);
    }
  insert_new (cache, KZ_CACHE_TIER_FRANCHISE, "graph", 500);

  fake_now = FAKE_EPOCH + 30 * USEC_PER_MINUTE;
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("new:%u", i);

      insert_new (cache, KZ_CACHE_TIER_BASIC, key, 100);
    }

  /* Nothing has expired yet. */
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 0);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, ==, 15);

  /* The ten "old:" items are exactly one hour old. */
  fake_now = FAKE_EPOCH + KZ_USEC_PER_HOUR;
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 10);

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.entries, ==, 5);
  g_assert_cmpuint (stats.swept, ==, 10);
  g_assert_cmpuint (stats.evictions, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 5 * (100 + strlen ("new:0") + 1 + overhead));
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "old:3"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "new:3"));
  /* Removed by the sweep, not found expired by a lookup. */
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).expired, ==, 0);

  stats = get_stats (cache, KZ_CACHE_TIER_FRANCHISE);
  g_assert_cmpuint (stats.entries, ==, 1);
  g_assert_cmpuint (stats.swept, ==, 0);

  /* An item a lookup found expired is still swept. */
  fake_now = FAKE_EPOCH + 90 * USEC_PER_MINUTE;
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "new:0"));
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, ==, 5);
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 5);

  fake_now = FAKE_EPOCH + KZ_USEC_PER_DAY;
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 1);

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      stats = get_stats (cache, t);
      g_assert_cmpuint (stats.entries, ==, 0);
      g_assert_cmpuint (stats.approx_bytes, ==, 0);
    }
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).swept, ==, 15);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_FRANCHISE).swept, ==, 1);
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 0);
}

static void
test_lru_eviction (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  KzCacheTierStats stats;
  const char *keys[] = { "a", "b", "c", "d" };

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_DETAILED, 4);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).max_entries, ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    insert_new (cache, KZ_CACHE_TIER_DETAILED, keys[i], 10);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).evictions, ==, 0);

  /* Touching "a" protects it: "b" is now the least recently used. */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "a"));
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "e", 10);

  stats = get_stats (cache, KZ_CACHE_TIER_DETAILED);
  g_assert_cmpuint (stats.entries, ==, 4);
  g_assert_cmpuint (stats.evictions, ==, 1);
  g_assert_false (is_present (cache, KZ_CACHE_TIER_DETAILED, "b"));
  /* Order of use now: c, d, e, a (the failed lookup touched nothing). */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "a"));

  /* Replacing is not an eviction, and refreshes recency: c goes next. */
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "d", 10);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).evictions, ==, 1);
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "f", 10);
  g_assert_false (is_present (cache, KZ_CACHE_TIER_DETAILED, "c"));
  /* Order: e, a, d, f. */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "e"));
  /* Order: a, d, f, e. */
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "g", 10);
  g_assert_false (is_present (cache, KZ_CACHE_TIER_DETAILED, "a"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "d"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "e"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "f"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "g"));

  stats = get_stats (cache, KZ_CACHE_TIER_DETAILED);
  g_assert_cmpuint (stats.entries, ==, 4);
  g_assert_cmpuint (stats.evictions, ==, 3);

  /* Other tiers are not affected by this bound. */
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).max_entries, ==, 5000);

  /* Many inserts: the bound holds after every one. */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "d"));
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *key = g_strdup_printf ("many:%u", i);

      insert_new (cache, KZ_CACHE_TIER_DETAILED, key, 10);
      g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).entries, <=, 4);
      /* Keep "d" hot. */
      g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "d"));
    }
  stats = get_stats (cache, KZ_CACHE_TIER_DETAILED);
  g_assert_cmpuint (stats.entries, ==, 4);
  g_assert_cmpuint (stats.evictions, ==, 3 + 200);
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "many:199"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "many:198"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "many:197"));
  g_assert_false (is_present (cache, KZ_CACHE_TIER_DETAILED, "many:196"));
}

static void
test_lru_prefers_expired (void)
{
  g_autoptr(KzCache) cache = new_cache ();

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_BASIC, 3);
  kz_cache_set_ttl (cache, KZ_CACHE_TIER_BASIC, 10 * USEC_PER_MINUTE);

  fake_now = FAKE_EPOCH;
  insert_new (cache, KZ_CACHE_TIER_BASIC, "a", 0);
  insert_new (cache, KZ_CACHE_TIER_BASIC, "b", 0);
  fake_now = FAKE_EPOCH + 5 * USEC_PER_MINUTE;
  insert_new (cache, KZ_CACHE_TIER_BASIC, "c", 0);
  /* "b" is the most recently used but will be the one that expired. */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "b"));

  fake_now = FAKE_EPOCH + 10 * USEC_PER_MINUTE;
  insert_new (cache, KZ_CACHE_TIER_BASIC, "d", 0);
  insert_new (cache, KZ_CACHE_TIER_BASIC, "e", 0);

  /* Both expired items went, the live least recently used one stayed. */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "c"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "d"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "e"));
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, ==, 3);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).evictions, ==, 2);
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 0);
}

static void
test_lower_max_entries (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  KzCacheTierStats stats;
  gsize overhead = item_overhead ();

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_FRANCHISE, 50);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%02u", i);

      insert_new (cache, KZ_CACHE_TIER_FRANCHISE, key, 50);
    }
  /* Touch the first ten, so they are the most recently used. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%02u", i);

      g_assert_true (is_present (cache, KZ_CACHE_TIER_FRANCHISE, key));
    }

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_FRANCHISE, 15);

  stats = get_stats (cache, KZ_CACHE_TIER_FRANCHISE);
  g_assert_cmpuint (stats.entries, ==, 15);
  g_assert_cmpuint (stats.evictions, ==, 35);
  g_assert_cmpuint (stats.approx_bytes, ==, 15 * (50 + 4 + overhead));
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%02u", i);
      gboolean kept = i < 10 || i >= 45;

      g_assert_cmpint (is_present (cache, KZ_CACHE_TIER_FRANCHISE, key), ==, kept);
    }

  /* 0 keeps the tier empty. */
  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_FRANCHISE, 0);
  insert_new (cache, KZ_CACHE_TIER_FRANCHISE, "x", 50);
  stats = get_stats (cache, KZ_CACHE_TIER_FRANCHISE);
  g_assert_cmpuint (stats.entries, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 0);
  g_assert_cmpuint (stats.evictions, ==, 51);
}

/* Large tiers track recency to a tenth of a second: a use right after the
 * insert changes nothing, a use a second later protects the item. */
static void
test_lru_large_tier (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  const guint max = 1000;

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_BASIC, max);
  for (guint i = 0; i < max; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", i);

      insert_new (cache, KZ_CACHE_TIER_BASIC, key, 0);
    }

  /* Same instant as the inserts: "k1" stays as old as it was. */
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "k1"));
  /* A second later: "k0" becomes the most recently used. */
  fake_now += KZ_USEC_PER_SECOND;
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "k0"));

  insert_new (cache, KZ_CACHE_TIER_BASIC, "new:0", 0);
  insert_new (cache, KZ_CACHE_TIER_BASIC, "new:1", 0);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, ==, max);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).evictions, ==, 2);
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "k0"));
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "k1"));
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "k2"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "k3"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "new:0"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "new:1"));
}

static void
test_replace (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  g_autoptr(GObject) first = new_value ();
  g_autoptr(GObject) second = new_value ();
  g_autoptr(GObject) found = NULL;
  GObject *watch = first;
  KzCacheTierStats stats;
  gsize overhead = item_overhead ();

  g_object_add_weak_pointer (watch, (gpointer *) &watch);

  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, "anilist:21", first, 100);
  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, "anilist:21", second, 300);

  found = kz_cache_lookup (cache, KZ_CACHE_TIER_BASIC, "anilist:21");
  g_assert_true (found == second);

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.entries, ==, 1);
  g_assert_cmpuint (stats.insertions, ==, 2);
  g_assert_cmpuint (stats.evictions, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 300 + strlen ("anilist:21") + 1 + overhead);

  /* The cache dropped its reference on the replaced value. */
  g_clear_object (&first);
  g_assert_null (watch);

  /* Replacing an expired value brings the key back to life. */
  fake_now = FAKE_EPOCH + 2 * KZ_USEC_PER_HOUR;
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "anilist:21"));
  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, "anilist:21", second, 300);
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "anilist:21"));
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, ==, 1);
}

static void
test_invalidate (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  KzCacheTierStats stats;

  insert_new (cache, KZ_CACHE_TIER_BASIC, "a", 10);
  insert_new (cache, KZ_CACHE_TIER_BASIC, "b", 10);
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "a", 10);

  g_assert_true (kz_cache_invalidate (cache, KZ_CACHE_TIER_BASIC, "a"));
  g_assert_false (kz_cache_invalidate (cache, KZ_CACHE_TIER_BASIC, "a"));
  g_assert_false (kz_cache_invalidate (cache, KZ_CACHE_TIER_BASIC, "never"));

  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "a"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "b"));
  g_assert_true (is_present (cache, KZ_CACHE_TIER_DETAILED, "a"));

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.entries, ==, 1);
  g_assert_cmpuint (stats.evictions, ==, 0);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).entries, ==, 1);

  /* An expired item can be invalidated too. */
  fake_now = FAKE_EPOCH + KZ_USEC_PER_HOUR;
  g_assert_true (kz_cache_invalidate (cache, KZ_CACHE_TIER_BASIC, "b"));
  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.entries, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 0);
}

static void
test_clear_all (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  GObject *value = new_value ();

  g_object_add_weak_pointer (value, (gpointer *) &value);
  kz_cache_insert (cache, KZ_CACHE_TIER_FRANCHISE, "shared", value, 10);
  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, "shared", value, 10);
  g_object_unref (value);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", i);

      insert_new (cache, i % KZ_CACHE_N_TIERS, key, i);
    }
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "shared"));
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "absent"));

  kz_cache_clear_all (cache);
  g_assert_null (value);

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      KzCacheTierStats stats = get_stats (cache, t);

      g_assert_cmpuint (stats.entries, ==, 0);
      g_assert_cmpuint (stats.approx_bytes, ==, 0);
      g_assert_cmpuint (stats.evictions, ==, 0);
    }

  /* Counters survive. */
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).hits, ==, 1);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).misses, ==, 1);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).insertions, ==, 18);

  /* And the cache works afterwards. */
  g_assert_false (is_present (cache, KZ_CACHE_TIER_BASIC, "k0"));
  insert_new (cache, KZ_CACHE_TIER_BASIC, "k0", 1);
  g_assert_true (is_present (cache, KZ_CACHE_TIER_BASIC, "k0"));
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, ==, 1);
}

static void
test_approx_bytes (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  gsize overhead = item_overhead ();
  gsize expected = 0;

  g_assert_cmpuint (overhead, >, 0);

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_DETAILED, 5);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("key-%u", i);

      insert_new (cache, KZ_CACHE_TIER_DETAILED, key, 1000 * (i + 1));
      expected += 1000 * (i + 1) + strlen (key) + 1 + overhead;
    }
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).approx_bytes, ==, expected);

  /* Replace with a different size. */
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "key-0", 7);
  expected = expected - 1000 + 7;
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).approx_bytes, ==, expected);

  /* Evict: key-1 (2000 bytes) is the least recently used now. */
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "key-long-name", 1);
  expected = expected - (2000 + strlen ("key-1") + 1 + overhead)
                      + (1 + strlen ("key-long-name") + 1 + overhead);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).approx_bytes, ==, expected);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).evictions, ==, 1);

  /* Invalidate. */
  g_assert_true (kz_cache_invalidate (cache, KZ_CACHE_TIER_DETAILED, "key-4"));
  expected -= 5000 + strlen ("key-4") + 1 + overhead;
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).approx_bytes, ==, expected);

  /* Sweep some, clear the rest. */
  fake_now = FAKE_EPOCH + 6 * KZ_USEC_PER_HOUR;
  insert_new (cache, KZ_CACHE_TIER_DETAILED, "late", 11);
  expected += 11 + strlen ("late") + 1 + overhead;
  fake_now = FAKE_EPOCH + 7 * KZ_USEC_PER_HOUR;
  g_assert_cmpuint (kz_cache_sweep (cache), ==, 4);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).approx_bytes, ==,
                    11 + strlen ("late") + 1 + overhead);

  kz_cache_clear_all (cache);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).approx_bytes, ==, 0);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_DETAILED).entries, ==, 0);
}

#define N_THREADS     8
#define N_OPS         20000
#define N_KEYS        300
#define THREAD_BOUND  100

typedef struct {
  KzCache *cache;
  guint    seed;
  guint    lookups;
  guint    inserts;
  guint    invalidates;
  guint    found;
} ThreadWork;

static gsize
thread_value_bytes (guint key_index)
{
  return 64 + key_index;
}

static gpointer
thread_func (gpointer data)
{
  ThreadWork *work = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (work->seed);
  GObject *values[4];

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = new_value ();

  for (guint op = 0; op < N_OPS; op++)
    {
      guint k = g_rand_int_range (rand, 0, N_KEYS);
      guint choice = g_rand_int_range (rand, 0, 10);
      char key[32];

      g_snprintf (key, sizeof key, "key:%u", k);

      if (choice < 6)
        {
          g_autoptr(GObject) value = kz_cache_lookup (work->cache, KZ_CACHE_TIER_BASIC, key);

          work->lookups++;
          if (value != NULL)
            {
              g_assert_true (G_IS_OBJECT (value));
              work->found++;
            }
        }
      else if (choice < 9)
        {
          kz_cache_insert (work->cache, KZ_CACHE_TIER_BASIC, key,
                           values[op % G_N_ELEMENTS (values)],
                           thread_value_bytes (k));
          work->inserts++;
        }
      else
        {
          kz_cache_invalidate (work->cache, KZ_CACHE_TIER_BASIC, key);
          work->invalidates++;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_object_unref (values[i]);

  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  ThreadWork work[N_THREADS];
  GThread *threads[N_THREADS];
  guint lookups = 0, inserts = 0, found = 0, present = 0;
  gsize expected_bytes = 0;
  gsize overhead = item_overhead ();
  KzCacheTierStats stats;

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_BASIC, THREAD_BOUND);

  for (guint i = 0; i < N_THREADS; i++)
    {
      work[i] = (ThreadWork) { .cache = cache, .seed = 1234 + i };
      threads[i] = g_thread_new ("cache-test", thread_func, &work[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      lookups += work[i].lookups;
      inserts += work[i].inserts;
      found += work[i].found;
    }

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (lookups, >, 0);
  g_assert_cmpuint (stats.hits + stats.misses, ==, lookups);
  g_assert_cmpuint (stats.hits, ==, found);
  g_assert_cmpuint (stats.expired, ==, 0);
  g_assert_cmpuint (stats.insertions, ==, inserts);
  g_assert_cmpuint (stats.entries, <=, THREAD_BOUND);
  g_assert_cmpuint (stats.evictions, >, 0);

  /* The clock has not moved, so every key still cached is found. */
  for (guint k = 0; k < N_KEYS; k++)
    {
      g_autofree char *key = g_strdup_printf ("key:%u", k);

      if (is_present (cache, KZ_CACHE_TIER_BASIC, key))
        {
          present++;
          expected_bytes += thread_value_bytes (k) + strlen (key) + 1 + overhead;
        }
    }
  g_assert_cmpuint (stats.entries, ==, present);
  g_assert_cmpuint (stats.approx_bytes, ==, expected_bytes);

  kz_cache_clear_all (cache);
  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.entries, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 0);
}

typedef struct {
  KzCache   *cache;
  GMainLoop *loop;
  gboolean   timed_out;
} SweepWait;

static gboolean
poll_swept_cb (gpointer user_data)
{
  SweepWait *wait = user_data;
  KzCacheTierStats stats;

  kz_cache_get_stats (wait->cache, KZ_CACHE_TIER_BASIC, &stats);
  if (stats.swept == 0)
    return G_SOURCE_CONTINUE;

  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
give_up_cb (gpointer user_data)
{
  SweepWait *wait = user_data;

  wait->timed_out = TRUE;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

/* How long the default context would block, -1 meaning "no timer". */
static gint
context_next_timeout (void)
{
  GMainContext *context = g_main_context_default ();
  GPollFD fds[16];
  gint priority;
  gint timeout = 0;

  g_assert_true (g_main_context_acquire (context));
  g_main_context_prepare (context, &priority);
  g_main_context_query (context, G_MAXINT, &timeout, fds, G_N_ELEMENTS (fds));
  g_main_context_release (context);

  return timeout;
}

static void
test_periodic_sweep (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  SweepWait wait = { cache, loop, FALSE };
  KzCacheTierStats stats;
  guint give_up_id;

  insert_new (cache, KZ_CACHE_TIER_BASIC, "stale", 10);
  insert_new (cache, KZ_CACHE_TIER_FRANCHISE, "fresh", 10);

  /* A first call is replaced by the second. */
  kz_cache_start_sweeping (cache, 60);
  kz_cache_start_sweeping (cache, 1);
  fake_now = FAKE_EPOCH + KZ_USEC_PER_HOUR;

  /* The poll removes itself once the sweep has happened. */
  g_timeout_add (20, poll_swept_cb, &wait);
  give_up_id = g_timeout_add (2500, give_up_cb, &wait);
  g_main_loop_run (loop);

  g_assert_false (wait.timed_out);
  g_source_remove (give_up_id);

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (stats.swept, ==, 1);
  g_assert_cmpuint (stats.entries, ==, 0);
  g_assert_cmpuint (stats.approx_bytes, ==, 0);
  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_FRANCHISE).entries, ==, 1);

  /* Disposing the cache removes its timeout: no timer is left to wait for. */
  g_assert_cmpint (context_next_timeout (), >=, 0);
  g_clear_object (&cache);
  g_assert_cmpint (context_next_timeout (), ==, -1);
}

/* Values that know their key and notice their own finalization, for the
 * tests below that check readers never get a freed or mismatched value. */
#define TEST_VALUE_ALIVE 0x5eed5eedu

#define TEST_TYPE_VALUE (test_value_get_type ())
G_DECLARE_FINAL_TYPE (TestValue, test_value, TEST, VALUE, GObject)

struct _TestValue
{
  GObject  parent_instance;
  char    *key;
  guint    magic;
};

G_DEFINE_FINAL_TYPE (TestValue, test_value, G_TYPE_OBJECT)

static gint test_values_made;       /* atomic */
static gint test_values_finalized;  /* atomic */

static void
test_value_finalize (GObject *object)
{
  TestValue *self = (TestValue *) object;

  g_assert_cmpuint (self->magic, ==, TEST_VALUE_ALIVE);
  self->magic = 0;
  g_clear_pointer (&self->key, g_free);
  g_atomic_int_inc (&test_values_finalized);

  G_OBJECT_CLASS (test_value_parent_class)->finalize (object);
}

static void
test_value_class_init (TestValueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_value_finalize;
}

static void
test_value_init (TestValue *self)
{
  self->magic = TEST_VALUE_ALIVE;
  g_atomic_int_inc (&test_values_made);
}

static TestValue *
test_value_new (const char *key)
{
  TestValue *value = g_object_new (TEST_TYPE_VALUE, NULL);

  value->key = g_strdup (key);
  return value;
}

#define RW_READERS   3
#define RW_KEYS      64
#define RW_BOUND     24
#define RW_WRITES    20000

typedef struct {
  KzCache *cache;
  gint    *stop;     /* atomic */
  guint    seed;
  guint    lookups;
  guint    found;
} RwReader;

static gpointer
rw_reader_func (gpointer data)
{
  RwReader *reader = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (reader->seed);

  /* Readers go on until the writer is done, then look once more at what
   * it left: RW_BOUND keys of RW_KEYS. */
  for (guint after_stop = 0; after_stop < 200; after_stop += g_atomic_int_get (reader->stop))
    {
      char key[16];
      TestValue *value;

      g_snprintf (key, sizeof key, "k%u", g_rand_int_range (rand, 0, RW_KEYS));
      value = kz_cache_lookup (reader->cache, KZ_CACHE_TIER_BASIC, key);
      reader->lookups++;
      if (value == NULL)
        continue;

      reader->found++;
      g_assert_true (TEST_IS_VALUE (value));
      g_assert_cmpuint (value->magic, ==, TEST_VALUE_ALIVE);
      g_assert_cmpstr (value->key, ==, key);

      /* Give the writer time to replace or evict it: ours stays alive. */
      g_thread_yield ();
      g_assert_cmpuint (value->magic, ==, TEST_VALUE_ALIVE);
      g_assert_cmpstr (value->key, ==, key);
      g_object_unref (value);
    }

  return NULL;
}

/* Readers in parallel with a writer that replaces, evicts, invalidates,
 * sweeps and clears: every value a reader gets is the one for its key and
 * stays alive while held, the counters add up exactly, and every value is
 * freed once the cache is gone. */
static void
test_concurrent_readers_writer (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  RwReader readers[RW_READERS];
  GThread *threads[RW_READERS];
  gint stop = 0;
  guint lookups = 0, found = 0, inserts = 0, invalidated = 0, present = 0;
  gsize expected_bytes = 0;
  gsize overhead = item_overhead ();
  gint made_before = g_atomic_int_get (&test_values_made);
  gint finalized_before = g_atomic_int_get (&test_values_finalized);
  KzCacheTierStats stats;

  kz_cache_set_max_entries (cache, KZ_CACHE_TIER_BASIC, RW_BOUND);

  for (guint i = 0; i < RW_READERS; i++)
    {
      readers[i] = (RwReader) { .cache = cache, .stop = &stop, .seed = 100 + i };
      threads[i] = g_thread_new ("cache-reader", rw_reader_func, &readers[i]);
    }

  for (guint op = 0; op < RW_WRITES; op++)
    {
      char key[16];
      guint choice = g_rand_int_range (rand, 0, 100);

      g_snprintf (key, sizeof key, "k%u", g_rand_int_range (rand, 0, RW_KEYS));
      if (choice < 85)
        {
          g_autoptr(TestValue) value = test_value_new (key);

          kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, key, value, 100);
          inserts++;
        }
      else if (choice < 97)
        {
          invalidated += kz_cache_invalidate (cache, KZ_CACHE_TIER_BASIC, key);
        }
      else if (choice < 99)
        {
          /* Nothing is expired: the clock stands still. */
          g_assert_cmpuint (kz_cache_sweep (cache), ==, 0);
        }
      else
        {
          kz_cache_clear_all (cache);
        }
      g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).entries, <=, RW_BOUND);
    }

  /* End with a full tier, for the readers' last look. */
  for (guint k = 0; k < RW_BOUND; k++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", k);
      g_autoptr(TestValue) value = test_value_new (key);

      kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, key, value, 100);
      inserts++;
    }

  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < RW_READERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (readers[i].found, >, 0);
      lookups += readers[i].lookups;
      found += readers[i].found;
    }

  stats = get_stats (cache, KZ_CACHE_TIER_BASIC);
  g_assert_cmpuint (found, >, 0);
  g_assert_cmpuint (stats.hits, ==, found);
  g_assert_cmpuint (stats.hits + stats.misses, ==, lookups);
  g_assert_cmpuint (stats.expired, ==, 0);
  g_assert_cmpuint (stats.insertions, ==, inserts);
  g_assert_cmpuint (stats.evictions, >, 0);
  g_assert_cmpuint (invalidated, >, 0);
  g_assert_cmpuint (stats.entries, ==, RW_BOUND);

  /* The accounting matches what is left. */
  for (guint k = 0; k < RW_KEYS; k++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", k);

      if (is_present (cache, KZ_CACHE_TIER_BASIC, key))
        {
          present++;
          expected_bytes += 100 + strlen (key) + 1 + overhead;
        }
    }
  g_assert_cmpuint (stats.entries, ==, present);
  g_assert_cmpuint (stats.approx_bytes, ==, expected_bytes);

  /* Only the cache holds values now; they all go with it. */
  g_assert_cmpint (g_atomic_int_get (&test_values_made) - made_before, ==, inserts);
  g_clear_object (&cache);
  g_assert_cmpint (g_atomic_int_get (&test_values_finalized) - finalized_before, ==, inserts);
}

#define SLOT_THREADS 40
#define SLOT_LOOKUPS 500

typedef struct {
  KzCache *cache;
  gint    *waiting;  /* atomic */
  guint    found;
} SlotWork;

static gpointer
slot_thread_func (gpointer data)
{
  SlotWork *work = data;

  /* All threads alive at once, so threads share reader slots. */
  g_atomic_int_add (work->waiting, -1);
  while (g_atomic_int_get (work->waiting) > 0)
    g_thread_yield ();

  for (guint i = 0; i < SLOT_LOOKUPS; i++)
    {
      g_autoptr(GObject) value = NULL;
      char key[16];

      g_snprintf (key, sizeof key, "k%u", i % 20);
      value = kz_cache_lookup (work->cache, KZ_CACHE_TIER_DETAILED, key);
      if (value != NULL)
        work->found++;
    }

  return NULL;
}

/* More threads than per-thread slots: the shared slots still count every
 * hit and miss, and the values are still right. */
static void
test_concurrent_many_threads (void)
{
  g_autoptr(KzCache) cache = new_cache ();
  SlotWork work[SLOT_THREADS];
  GThread *threads[SLOT_THREADS];
  gint waiting = SLOT_THREADS;
  KzCacheTierStats stats;

  for (guint k = 0; k < 10; k++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", k);

      insert_new (cache, KZ_CACHE_TIER_DETAILED, key, 0);
    }

  for (guint i = 0; i < SLOT_THREADS; i++)
    {
      work[i] = (SlotWork) { .cache = cache, .waiting = &waiting };
      threads[i] = g_thread_new ("cache-slots", slot_thread_func, &work[i]);
    }
  for (guint i = 0; i < SLOT_THREADS; i++)
    {
      g_thread_join (threads[i]);
      /* Keys k0 to k9 are present, k10 to k19 are not. */
      g_assert_cmpuint (work[i].found, ==, SLOT_LOOKUPS / 2);
    }

  stats = get_stats (cache, KZ_CACHE_TIER_DETAILED);
  g_assert_cmpuint (stats.hits, ==, SLOT_THREADS * SLOT_LOOKUPS / 2);
  g_assert_cmpuint (stats.misses, ==, SLOT_THREADS * SLOT_LOOKUPS / 2);
}

/* The coarse clock is the wall clock in steps: never ahead of it, and
 * right after each step behind it by no more than the step. (A late timer
 * interrupt can hold a step back, so the lag is checked where it is least,
 * over several steps.) The cache's default clock is that clock. */
static void
test_coarse_clock (void)
{
  gint64 granularity = kz_clock_coarse_granularity_usec ();
  g_autoptr(KzCache) cache = kz_cache_new ();
  gint64 least_lag = G_MAXINT64;
  gint64 last = 0;
  guint n_steps = 0;
  gint64 deadline = g_get_monotonic_time () + 5 * KZ_USEC_PER_SECOND;

  g_assert_cmpint (granularity, >=, 1);
  g_assert_cmpint (granularity, <=, KZ_USEC_PER_SECOND);

  while (n_steps < 4 && g_get_monotonic_time () < deadline)
    {
      gint64 coarse_before = kz_clock_coarse_now (NULL);
      gint64 cached = kz_cache_now (cache);
      gint64 coarse = kz_clock_coarse_now (NULL);
      gint64 real = g_get_real_time ();

      g_assert_cmpint (coarse, <=, real);
      g_assert_cmpint (cached, >=, coarse_before);
      g_assert_cmpint (cached, <=, coarse);

      if (coarse != last)
        {
          n_steps += last != 0;
          last = coarse;
        }
      least_lag = MIN (least_lag, real - coarse);
    }

  g_assert_cmpuint (n_steps, ==, 4);
  g_assert_cmpint (least_lag, <=, granularity);
}

/* With the default (coarse) clock, expiry is exact against that clock:
 * each lookup and the insert are bracketed by the cache's own clock
 * reads, and the item is fresh exactly while less than the TTL lies
 * between them. So it is never reported expired or fresh wrongly by more
 * than the clock's lag behind real time, checked above. */
static void
test_coarse_expiry (void)
{
  g_autoptr(KzCache) cache = kz_cache_new ();
  gint64 granularity = kz_clock_coarse_granularity_usec ();
  gint64 ttl = MAX (3 * granularity, 50000);
  gint64 before_insert, after_insert;

  kz_cache_set_ttl (cache, KZ_CACHE_TIER_BASIC, ttl);

  before_insert = kz_cache_now (cache);
  insert_new (cache, KZ_CACHE_TIER_BASIC, "k", 0);
  after_insert = kz_cache_now (cache);

  for (;;)
    {
      gint64 before = kz_cache_now (cache);
      gboolean fresh = is_present (cache, KZ_CACHE_TIER_BASIC, "k");
      gint64 after = kz_cache_now (cache);

      if (!fresh)
        {
          g_assert_cmpint (after - before_insert, >=, ttl);
          break;
        }

      g_assert_cmpint (before - after_insert, <, ttl);
    }

  g_assert_cmpuint (get_stats (cache, KZ_CACHE_TIER_BASIC).expired, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/cache/defaults", test_defaults);
  g_test_add_func ("/kz/cache/hit-miss", test_hit_miss);
  g_test_add_func ("/kz/cache/returns-reference", test_returns_reference);
  g_test_add_func ("/kz/cache/ttl-expiry", test_ttl_expiry);
  g_test_add_func ("/kz/cache/custom-ttl", test_custom_ttl);
  g_test_add_func ("/kz/cache/sweep", test_sweep);
  g_test_add_func ("/kz/cache/lru-eviction", test_lru_eviction);
  g_test_add_func ("/kz/cache/lru-prefers-expired", test_lru_prefers_expired);
  g_test_add_func ("/kz/cache/lower-max-entries", test_lower_max_entries);
  g_test_add_func ("/kz/cache/lru-large-tier", test_lru_large_tier);
  g_test_add_func ("/kz/cache/replace", test_replace);
  g_test_add_func ("/kz/cache/invalidate", test_invalidate);
  g_test_add_func ("/kz/cache/clear-all", test_clear_all);
  g_test_add_func ("/kz/cache/approx-bytes", test_approx_bytes);
  g_test_add_func ("/kz/cache/threads", test_threads);
  g_test_add_func ("/kz/cache/periodic-sweep", test_periodic_sweep);
  g_test_add_func ("/kz/cache/concurrent/readers-writer", test_concurrent_readers_writer);
  g_test_add_func ("/kz/cache/concurrent/many-threads", test_concurrent_many_threads);
  g_test_add_func ("/kz/cache/coarse-clock/bounds", test_coarse_clock);
  g_test_add_func ("/kz/cache/coarse-clock/expiry", test_coarse_expiry);

  return g_test_run ();
}
