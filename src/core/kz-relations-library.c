/* kz-relations-library.c: the service's calls about the library as a
 * whole: search, listing, statistics and the background refresh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kz-entry-resolver.h"
#include "kz-refresh-worker.h"
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

/* Refreshing the library: the background worker's refresh, every due
 * title at once */

typedef struct {
  KzRefreshProgress progress;
  gpointer          progress_data;
} RefreshData;

static void
refresh_progress (guint    done,
                  guint    total,
                  gpointer user_data)
{
  GTask *task = user_data;
  RefreshData *refresh = g_task_get_task_data (task);

  if (refresh->progress != NULL)
    refresh->progress (done, total, refresh->progress_data);
}

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KzRefreshCounts counts;
  GError *error = NULL;

  if (!_kz_refresh_due_finish (result, &counts, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Titles found current count as refreshed, as do those fetched again. */
  g_task_return_int (task, counts.unchanged + counts.fetched);
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
  RefreshData *refresh;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_relations_service_refresh_library_async);

  refresh = g_new0 (RefreshData, 1);
  refresh->progress = progress;
  refresh->progress_data = progress_data;
  g_task_set_task_data (task, refresh, g_free);

  /* The progress callback borrows the task, which lives until done. */
  _kz_refresh_due_async (self, KZ_FINISHED_MAX_AGE, KZ_AIRING_MAX_AGE, 0,
                         refresh_progress, task, cancellable,
                         refresh_done, g_object_ref (task));
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
