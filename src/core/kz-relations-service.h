/* kz-relations-service.h: relations and franchises, from wherever is best
 *
 * Memory cache first, then the local library while it is fresh enough,
 * then the provider; what the provider returns goes back into both. A
 * stored franchise past its time is shown at once and walked again in
 * the background: the service then emits ::franchise-updated (gint64
 * root id) on its main context if the franchise changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kz-cache.h"
#include "kz-franchise-graph.h"
#include "kz-ingest.h"
#include "kz-provider.h"
#include "kz-store.h"

G_BEGIN_DECLS

#define KZ_TYPE_RELATIONS_SERVICE (kz_relations_service_get_type ())
#define KZ_RELATIONS_SERVICE_ERROR (kz_relations_service_error_quark ())

G_DECLARE_FINAL_TYPE (KzRelationsService, kz_relations_service, KZ, RELATIONS_SERVICE, GObject)

typedef enum {
  KZ_RELATIONS_SERVICE_ERROR_NOT_FOUND = 1,  /* the provider has no such id */
  KZ_RELATIONS_SERVICE_ERROR_NOT_STORED,     /* offline, and not in the library */
} KzRelationsServiceError;

typedef enum {
  KZ_FETCH_DEFAULT = 0,
  KZ_FETCH_REFRESH = 1 << 0,  /* skip cache and library, ask the provider */
  KZ_FETCH_OFFLINE = 1 << 1,  /* never ask the provider */
  KZ_FETCH_CURRENT = 1 << 2,  /* wait for a current franchise rather than
                               * take the stored one revalidated behind it
                               * (for one-shot callers such as the CLI) */
} KzFetchFlags;

typedef enum {
  KZ_RESULT_FROM_CACHE    = 1 << 0,
  KZ_RESULT_FROM_LIBRARY  = 1 << 1,
  KZ_RESULT_FROM_PROVIDER = 1 << 2,
  KZ_RESULT_STALE         = 1 << 3,  /* the provider failed; an older copy */
  KZ_RESULT_REVALIDATING  = 1 << 4,  /* shown from the library; a background
                                      * refresh was started, and
                                      * ::franchise-updated tells if it
                                      * changed anything */
} KzResultFlags;

typedef struct {
  guint          max_depth;   /* 0: unlimited */
  guint          max_nodes;   /* 0: unlimited */
  KzRelationMask relations;
  gboolean       include_non_anime;
} KzFranchiseOptions;

#define KZ_FRANCHISE_DEFAULT_MAX_DEPTH 12
#define KZ_FRANCHISE_DEFAULT_MAX_NODES 300

typedef struct {
  guint64        provider_fetches;   /* batched fetches sent to the provider */
  guint64        coalesced;          /* requests that joined a fetch in flight */
  guint64        cache_hits;
  guint64        library_hits;
  guint64        stale_returned;
  KzIngestReport ingest;
} KzServiceStats;

/* Called on the caller's main context after each level of a walk with a
 * copy of the graph so far (@partial, which the callee may keep) and the
 * entries that level added (borrowed). */
typedef void (*KzDiscoveryProgress) (guint             depth,
                                     KzFranchiseGraph *partial,
                                     GPtrArray        *new_entries,
                                     gpointer          user_data);

GQuark              kz_relations_service_error_quark (void);

void                kz_franchise_options_init_default (KzFranchiseOptions *options);
char               *kz_franchise_options_to_key       (const KzFranchiseOptions *options,
                                                       gint64                    root_id);

KzRelationsService *kz_relations_service_new          (KzCache              *cache,
                                                       KzStore              *store,
                                                       KzProvider           *provider);
KzCache            *kz_relations_service_get_cache    (KzRelationsService   *self);
KzStore            *kz_relations_service_get_store    (KzRelationsService   *self);
KzProvider         *kz_relations_service_get_provider (KzRelationsService   *self);
void                kz_relations_service_set_clock    (KzRelationsService   *self,
                                                       KzClockFunc           clock,
                                                       gpointer              clock_data);
void                kz_relations_service_get_stats    (KzRelationsService   *self,
                                                       KzServiceStats       *stats);

void                kz_relations_service_get_basic_async     (KzRelationsService  *self,
                                                              gint64               id,
                                                              KzFetchFlags         flags,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
KzEntry            *kz_relations_service_get_basic_finish    (KzRelationsService  *self,
                                                              GAsyncResult        *result,
                                                              KzResultFlags       *result_flags,
                                                              GError             **error);
void                kz_relations_service_get_detailed_async  (KzRelationsService  *self,
                                                              gint64               id,
                                                              KzFetchFlags         flags,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
KzFranchiseGraph   *kz_relations_service_get_detailed_finish (KzRelationsService  *self,
                                                              GAsyncResult        *result,
                                                              KzResultFlags       *result_flags,
                                                              GError             **error);
void                kz_relations_service_get_franchise_async (KzRelationsService       *self,
                                                              gint64                    id,
                                                              const KzFranchiseOptions *options,
                                                              KzFetchFlags              flags,
                                                              KzDiscoveryProgress       progress,
                                                              gpointer                  progress_data,
                                                              GCancellable             *cancellable,
                                                              GAsyncReadyCallback       callback,
                                                              gpointer                  user_data);
KzFranchiseGraph   *kz_relations_service_get_franchise_finish (KzRelationsService *self,
                                                              GAsyncResult        *result,
                                                              KzResultFlags       *result_flags,
                                                              GError             **error);
void                kz_relations_service_search_async        (KzRelationsService  *self,
                                                              const char          *text,
                                                              guint                limit,
                                                              KzFetchFlags         flags,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray          *kz_relations_service_search_finish       (KzRelationsService  *self,
                                                              GAsyncResult        *result,
                                                              KzResultFlags       *result_flags,
                                                              GError             **error);

/* The library, read off the main thread */
void                kz_relations_service_list_library_async  (KzRelationsService  *self,
                                                              guint                offset,
                                                              guint                limit,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray          *kz_relations_service_list_library_finish (KzRelationsService  *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void                kz_relations_service_get_library_stats_async  (KzRelationsService  *self,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
gboolean            kz_relations_service_get_library_stats_finish (KzRelationsService  *self,
                                                                   GAsyncResult        *result,
                                                                   KzStoreStats        *stats,
                                                                   GError             **error);

/* Every stored title due for a refresh, fetched again in batches behind
 * the person's own requests. @progress gets (done, total). Returns the
 * number of titles refreshed. */
typedef void (*KzRefreshProgress) (guint    done,
                                   guint    total,
                                   gpointer user_data);

void                kz_relations_service_refresh_library_async  (KzRelationsService  *self,
                                                                 KzRefreshProgress    progress,
                                                                 gpointer             progress_data,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
guint               kz_relations_service_refresh_library_finish (KzRelationsService  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

G_END_DECLS
