/* kz-relations-library.c: the service's calls about the library as a
 * whole: search, listing, statistics and the background refresh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kz-entry-resolver.h"
#include "kz-relations-service-private.h"
#include "kz-shared-fetch.h"

/* Search */

typedef struct {
  char         *text;
  guint         limit;
  GPtrArray    *entries;      /* from the provider, to be saved */
  KzResultFlags flags;
  gint64        now;
} SearchData;

static void
search_data_free (gpointer data)
{
  SearchData *search = data;

  g_free (search->text);
  g_clear_pointer (&search->entries, g_ptr_array_unref);
  g_free (search);
}

static void
search_library_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  KzRelationsService *self = source_object;
  KzStore *store = kz_relations_service_get_store (self);
  SearchData *search = task_data;
  GError *error = NULL;
  GPtrArray *entries;

  if (search->entries != NULL)
    {
      KzIngestReport report = { 0 };

      kz_ingest_normalise (search->entries, &report);
      _kz_relations_service_add_ingest (self, &report);

      if (!kz_store_upsert_entries (store, search->entries, search->now, &error))
        {
          g_warning ("Could not save search results: %s", error->message);
          g_clear_error (&error);
        }
      entries = g_ptr_array_ref (search->entries);
    }
  else if (!(entries = kz_store_search (store, search->text, search->limit, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  _kz_task_return_result (task, entries, (GDestroyNotify)g_ptr_array_unref, search->flags);
}

static void
search_provider_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SearchData *search = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  search->entries = kz_provider_search_finish (KZ_PROVIDER (object), result, &error);
  if (search->entries != NULL)
    {
      search->flags = KZ_RESULT_FROM_PROVIDER;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  else
    {
      g_debug ("Search failed, using the library: %s", error->message);
      search->flags = KZ_RESULT_FROM_LIBRARY | KZ_RESULT_STALE;
    }

  g_task_run_in_thread (task, search_library_thread);
}

void
kz_relations_service_search_async (KzRelationsService  *self,
                                   const char          *text,
                                   guint                limit,
                                   KzFetchFlags         flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KzProvider *provider;
  SearchData *search;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));
  g_return_if_fail (text != NULL);

  provider = kz_relations_service_get_provider (self);
  search = g_new0 (SearchData, 1);
  search->text = g_strdup (text);
  search->limit = CLAMP (limit, 1, 50);
  search->now = _kz_relations_service_now (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_relations_service_search_async);
  g_task_set_task_data (task, search, search_data_free);

  if (provider == NULL || (flags & KZ_FETCH_OFFLINE))
    {
      search->flags = KZ_RESULT_FROM_LIBRARY;
      g_task_run_in_thread (task, search_library_thread);
      return;
    }

  kz_provider_search_async (provider, text, search->limit, cancellable,
                            search_provider_done, g_steal_pointer (&task));
}

GPtrArray *
kz_relations_service_search_finish (KzRelationsService  *self,
                                    GAsyncResult        *result,
                                    KzResultFlags       *result_flags,
                                    GError             **error)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);

  return _kz_task_propagate_result (result, kz_relations_service_search_async, result_flags, error);
}

/* Listing and statistics */

typedef struct {
  guint offset;
  guint limit;
} ListRange;

static void
list_library_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ListRange *range = task_data;
  GError *error = NULL;
  GPtrArray *entries;

  entries = kz_store_list_entries (kz_relations_service_get_store (source_object),
                                   range->offset, range->limit, &error);
  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify)g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
kz_relations_service_list_library_async (KzRelationsService  *self,
                                         guint                offset,
                                         guint                limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListRange *range;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));

  range = g_new0 (ListRange, 1);
  range->offset = offset;
  range->limit = limit;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_relations_service_list_library_async);
  g_task_set_task_data (task, range, g_free);
  g_task_run_in_thread (task, list_library_thread);
}

GPtrArray *
kz_relations_service_list_library_finish (KzRelationsService  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
library_stats_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  KzRelationsService *self = source_object;
  KzStoreStats *stats = g_new0 (KzStoreStats, 1);
  GError *error = NULL;
  gint64 now = _kz_relations_service_now (self);

  /* "stale" as the refresh sees it: finished series after a week */
  if (kz_store_get_stats (kz_relations_service_get_store (self), now - KZ_FINISHED_MAX_AGE, stats, &error))
    {
      g_task_return_pointer (task, stats, g_free);
    }
  else
    {
      g_free (stats);
      g_task_return_error (task, error);
    }
}

void
kz_relations_service_get_library_stats_async (KzRelationsService  *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_relations_service_get_library_stats_async);
  g_task_run_in_thread (task, library_stats_thread);
}

gboolean
kz_relations_service_get_library_stats_finish (KzRelationsService  *self,
                                               GAsyncResult        *result,
                                               KzStoreStats        *stats,
                                               GError             **error)
{
  g_autofree KzStoreStats *found = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  if (!(found = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;

  *stats = *found;
  return TRUE;
}

/* Refreshing the library */

#define REFRESH_BATCH 50

typedef struct {
  GArray            *ids;        /* gint64, due for a refresh */
  guint              next;       /* index into ids */
  guint              refreshed;
  KzRefreshProgress  progress;
  gpointer           progress_data;
} RefreshData;

static void refresh_next_batch (GTask *task);

static void
refresh_data_free (gpointer data)
{
  RefreshData *refresh = data;

  g_clear_pointer (&refresh->ids, g_array_unref);
  g_free (refresh);
}

static void
refresh_batch_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KzRelationsService *self = g_task_get_source_object (task);
  RefreshData *refresh = g_task_get_task_data (task);
  g_autoptr(KzResolveResult) resolved = NULL;
  GError *error = NULL;

  if (!(resolved = _kz_entry_resolver_run_finish (result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  _kz_relations_service_add_ingest (self, &resolved->ingest);
  if (resolved->provider_error != NULL)
    {
      g_task_return_error (task, g_error_copy (resolved->provider_error));
      return;
    }

  refresh->refreshed += resolved->entries->len;
  if (refresh->progress != NULL)
    refresh->progress (refresh->next, refresh->ids->len, refresh->progress_data);

  refresh_next_batch (g_steal_pointer (&task));
}

static void
refresh_next_batch (GTask *task)
{
  KzRelationsService *self = g_task_get_source_object (task);
  RefreshData *refresh = g_task_get_task_data (task);
  KzResolveContext context = {
    .store = kz_relations_service_get_store (self),
    .provider = kz_relations_service_get_provider (self),
    .flags = KZ_FETCH_REFRESH,
    .priority = KZ_PRIORITY_BACKGROUND,
    .now = _kz_relations_service_now (self),
  };
  guint n;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (refresh->next >= refresh->ids->len)
    {
      /* What was cached may hold the old copies. */
      if (refresh->refreshed > 0)
        kz_cache_clear_all (kz_relations_service_get_cache (self));
      g_task_return_int (task, refresh->refreshed);
      g_object_unref (task);
      return;
    }

  n = MIN (REFRESH_BATCH, refresh->ids->len - refresh->next);
  _kz_entry_resolver_run_async (&context, &g_array_index (refresh->ids, gint64, refresh->next), n,
                                g_task_get_cancellable (task), refresh_batch_done, task);
  refresh->next += n;
}

static void
stale_ids_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  KzRelationsService *self = source_object;
  GError *error = NULL;
  GArray *ids;

  ids = kz_store_list_stale_ids (kz_relations_service_get_store (self),
                                 _kz_relations_service_now (self),
                                 KZ_FINISHED_MAX_AGE, KZ_AIRING_MAX_AGE, 0, &error);
  if (ids != NULL)
    g_task_return_pointer (task, ids, (GDestroyNotify)g_array_unref);
  else
    g_task_return_error (task, error);
}

static void
stale_ids_listed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *refresh = g_task_get_task_data (task);
  GError *error = NULL;

  if (!(refresh->ids = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (refresh->progress != NULL)
    refresh->progress (0, refresh->ids->len, refresh->progress_data);

  refresh_next_batch (g_steal_pointer (&task));
}

void
kz_relations_service_refresh_library_async (KzRelationsService  *self,
                                            KzRefreshProgress    progress,
                                            gpointer             progress_data,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) list_task = NULL;
  RefreshData *refresh;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_relations_service_refresh_library_async);

  if (kz_relations_service_get_provider (self) == NULL)
    {
      g_task_return_new_error (task, KZ_RELATIONS_SERVICE_ERROR,
                               KZ_RELATIONS_SERVICE_ERROR_NOT_STORED,
                               _("Cannot refresh the library while offline"));
      return;
    }

  refresh = g_new0 (RefreshData, 1);
  refresh->progress = progress;
  refresh->progress_data = progress_data;
  g_task_set_task_data (task, refresh, refresh_data_free);

  list_task = g_task_new (self, cancellable, stale_ids_listed, g_object_ref (task));
  g_task_run_in_thread (list_task, stale_ids_thread);
}

guint
kz_relations_service_refresh_library_finish (KzRelationsService  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  gssize refreshed;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  refreshed = g_task_propagate_int (G_TASK (result), error);
  return refreshed < 0 ? 0 : (guint) refreshed;
}
