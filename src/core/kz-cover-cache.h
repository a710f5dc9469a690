/* kz-cover-cache.h: cover images, downloaded once into a disk cache
 *
 * File names come from a hash of the URL, so no URL can name a file
 * outside the cache folder. Downloads are capped in bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KZ_TYPE_COVER_CACHE (kz_cover_cache_get_type ())
#define KZ_COVER_CACHE_DEFAULT_MAX_BYTES (2 * 1024 * 1024)

G_DECLARE_FINAL_TYPE (KzCoverCache, kz_cover_cache, KZ, COVER_CACHE, GObject)

typedef struct {
  guint64 downloads;
  guint64 disk_hits;
  guint64 failures;
  guint64 bytes_on_disk;
} KzCoverCacheStats;

/* @directory NULL: $XDG_CACHE_HOME/kizuna/covers (0700) */
KzCoverCache *kz_cover_cache_new          (const char          *directory);
const char   *kz_cover_cache_get_directory (KzCoverCache       *self);
void          kz_cover_cache_set_max_bytes (KzCoverCache       *self,
                                            gsize               max_bytes);
/* TRUE: download only from this computer; covers already on disk are
 * still read. */
void          kz_cover_cache_set_local_only (KzCoverCache      *self,
                                             gboolean           local_only);
/* The image's bytes (not decoded), from disk or downloaded. http(s) only;
 * plain http only to loopback. */
void          kz_cover_cache_fetch_async   (KzCoverCache       *self,
                                            const char         *url,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
GBytes       *kz_cover_cache_fetch_finish  (KzCoverCache       *self,
                                            GAsyncResult       *result,
                                            GError            **error);
void          kz_cover_cache_get_stats     (KzCoverCache       *self,
                                            KzCoverCacheStats  *stats);

G_END_DECLS
