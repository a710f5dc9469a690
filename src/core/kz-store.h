/* kz-store.h: the local library, an SQLite file
 *
 * Every call blocks on disk: call it from a worker thread (GTask), never
 * from the main thread. One store may be used from many threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-franchise-graph.h"
#include "kz-types.h"

G_BEGIN_DECLS

#define KZ_TYPE_STORE (kz_store_get_type ())
#define KZ_STORE_ERROR (kz_store_error_quark ())

G_DECLARE_FINAL_TYPE (KzStore, kz_store, KZ, STORE, GObject)

typedef enum {
  KZ_STORE_ERROR_OPEN = 1,   /* cannot create or open the file */
  KZ_STORE_ERROR_CORRUPT,    /* not a database, or damaged */
  KZ_STORE_ERROR_TOO_NEW,    /* written by a newer Kizuna */
  KZ_STORE_ERROR_QUERY,      /* a statement failed (disk full, busy, …) */
} KzStoreError;

typedef struct {
  gint64 fetched_at;   /* our wall clock, microseconds; 0 = never fetched */
  gint64 updated_at;   /* the provider's updatedAt, unix seconds */
} KzFetchInfo;

typedef struct {
  guint  n_entries;        /* every row, stubs included */
  guint  n_full_entries;
  guint  n_relations;
  guint  n_franchises;
  guint  n_stale;          /* full entries fetched before stale_before */
  gint64 file_size;        /* bytes, main file and WAL */
} KzStoreStats;

GQuark      kz_store_error_quark        (void);

char       *kz_store_dup_default_path   (void);
KzStore    *kz_store_open               (const char    *path,
                                         GError       **error);
const char *kz_store_get_path           (KzStore       *self);
int         kz_store_get_schema_version (KzStore       *self);

gboolean    kz_store_upsert_entries     (KzStore       *self,
                                         GPtrArray     *entries,
                                         gint64         fetched_at,
                                         GError       **error);
KzEntry    *kz_store_get_entry          (KzStore       *self,
                                         gint64         id,
                                         GError       **error);
GPtrArray  *kz_store_get_entries        (KzStore       *self,
                                         const gint64  *ids,
                                         guint          n_ids,
                                         GError       **error);
gboolean    kz_store_get_fetch_info     (KzStore       *self,
                                         gint64         id,
                                         KzFetchInfo   *info,
                                         GError       **error);
/* One query for all ids; the array is parallel to @ids, zeros where an
 * id was never fetched in full. */
GArray     *kz_store_get_fetch_infos    (KzStore       *self,
                                         const gint64  *ids,
                                         guint          n_ids,
                                         GError       **error);
/* Ids of full entries due for a refresh at @now: finished or cancelled
 * ones fetched more than @finished_max_age ago, the others more than
 * @airing_max_age ago (microseconds); oldest first, at most @limit (0: all). */
GArray     *kz_store_list_stale_ids     (KzStore       *self,
                                         gint64         now,
                                         gint64         finished_max_age,
                                         gint64         airing_max_age,
                                         guint          limit,
                                         GError       **error);
GPtrArray  *kz_store_search             (KzStore       *self,
                                         const char    *text,
                                         guint          limit,
                                         GError       **error);
/* The ids kz_store_search() finds, in its order, without reading the
 * entries. */
GArray     *kz_store_search_ids         (KzStore       *self,
                                         const char    *text,
                                         guint          limit,
                                         GError       **error);
GPtrArray  *kz_store_list_entries       (KzStore       *self,
                                         guint          offset,
                                         guint          limit,
                                         GError       **error);
gboolean    kz_store_save_franchise     (KzStore          *self,
                                         const char       *key,
                                         KzFranchiseGraph *graph,
                                         gint64            saved_at,
                                         GError          **error);
KzFranchiseGraph *kz_store_load_franchise (KzStore     *self,
                                         const char    *key,
                                         gint64        *saved_at,
                                         GError       **error);
gboolean    kz_store_get_stats          (KzStore       *self,
                                         gint64         stale_before,
                                         KzStoreStats  *stats,
                                         GError       **error);
gboolean    kz_store_is_empty           (KzStore       *self,
                                         GError       **error);

G_END_DECLS
