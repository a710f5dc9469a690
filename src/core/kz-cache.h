/* kz-cache.h: the three-tier in-memory TTL cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-types.h"

G_BEGIN_DECLS

#define KZ_TYPE_CACHE (kz_cache_get_type ())

G_DECLARE_FINAL_TYPE (KzCache, kz_cache, KZ, CACHE, GObject)

typedef enum {
  KZ_CACHE_TIER_BASIC,      /* KzEntry with its direct relations, 1 h */
  KZ_CACHE_TIER_DETAILED,   /* KzFranchiseGraph of depth 1, full nodes, 6 h */
  KZ_CACHE_TIER_FRANCHISE,  /* KzFranchiseGraph, 24 h */
  KZ_CACHE_N_TIERS,
} KzCacheTier;

typedef struct {
  guint   entries;
  guint   max_entries;
  gint64  ttl_usec;
  guint64 hits;
  guint64 misses;         /* absent keys and expired ones */
  guint64 expired;        /* lookups that found an expired value */
  guint64 insertions;
  guint64 evictions;      /* removed to stay within max_entries */
  guint64 swept;          /* expired values removed by a sweep */
  gsize   approx_bytes;
} KzCacheTierStats;

KzCache    *kz_cache_new              (void);
void        kz_cache_set_clock        (KzCache          *self,
                                       KzClockFunc       clock,
                                       gpointer          clock_data);
gint64      kz_cache_now              (KzCache          *self);
void        kz_cache_set_ttl          (KzCache          *self,
                                       KzCacheTier       tier,
                                       gint64            ttl_usec);
gint64      kz_cache_get_ttl          (KzCache          *self,
                                       KzCacheTier       tier);
void        kz_cache_set_max_entries  (KzCache          *self,
                                       KzCacheTier       tier,
                                       guint             max_entries);
gpointer    kz_cache_lookup           (KzCache          *self,
                                       KzCacheTier       tier,
                                       const char       *key);
void        kz_cache_insert           (KzCache          *self,
                                       KzCacheTier       tier,
                                       const char       *key,
                                       gpointer          value,
                                       gsize             approx_bytes);
gboolean    kz_cache_invalidate       (KzCache          *self,
                                       KzCacheTier       tier,
                                       const char       *key);
void        kz_cache_clear_all        (KzCache          *self);
guint       kz_cache_sweep            (KzCache          *self);
void        kz_cache_start_sweeping   (KzCache          *self,
                                       guint             interval_seconds);
void        kz_cache_get_stats        (KzCache          *self,
                                       KzCacheTier       tier,
                                       KzCacheTierStats *stats);
const char *kz_cache_tier_to_string   (KzCacheTier       tier);

G_END_DECLS
