/* kz-entry-resolver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-resolver"

#include "config.h"

#include "kz-clock.h"
#include "kz-entry-private.h"
#include "kz-entry-resolver.h"


typedef struct {
  KzResolveContext  context;
  GArray           *ids;          /* gint64, de-duplicated */
  GHashTable       *library;      /* gint64* → full KzEntry from the library */
  GHashTable       *fetched;      /* gint64* → full KzEntry from the provider */
  GArray           *to_fetch;     /* gint64 */
  guint             next_fetch;   /* index into to_fetch */
  GPtrArray        *batch;        /* entries fetched, waiting for the library */
  KzResolveResult  *result;
} ResolveData;

typedef struct {
  GPtrArray *entries;      /* full entries */
  GArray    *fetched_at;   /* gint64, parallel to entries */
} LibraryRead;

static void fetch_next_batch (GTask *task);

gboolean
_kz_entry_is_fresh (KzEntry *entry,
                    gint64   fetched_at,
                    gint64   now)
{
  gint64 max_age;

  if (kz_entry_get_detail (entry) != KZ_ENTRY_DETAIL_FULL || fetched_at <= 0)
    return FALSE;

  switch (kz_entry_get_status (entry))
    {
    case KZ_STATUS_FINISHED:
    case KZ_STATUS_CANCELLED:
      max_age = KZ_FINISHED_MAX_AGE;
      break;
    case KZ_STATUS_UNKNOWN:
    case KZ_STATUS_RELEASING:
    case KZ_STATUS_NOT_YET_RELEASED:
    case KZ_STATUS_HIATUS:
    default:
      max_age = KZ_AIRING_MAX_AGE;
      break;
    }

  return now - fetched_at < max_age;
}

void
_kz_resolve_result_free (KzResolveResult *result)
{
  g_clear_pointer (&result->entries, g_ptr_array_unref);
  g_clear_error (&result->provider_error);
  g_free (result);
}

static void
resolve_data_free (gpointer data)
{
  ResolveData *state = data;

  g_clear_object (&state->context.store);
  g_clear_object (&state->context.provider);
  g_clear_pointer (&state->ids, g_array_unref);
  g_clear_pointer (&state->library, g_hash_table_unref);
  g_clear_pointer (&state->fetched, g_hash_table_unref);
  g_clear_pointer (&state->to_fetch, g_array_unref);
  g_clear_pointer (&state->batch, g_ptr_array_unref);
  g_clear_pointer (&state->result, _kz_resolve_result_free);
  g_free (state);
}

static void
library_read_free (gpointer data)
{
  LibraryRead *read = data;

  g_clear_pointer (&read->entries, g_ptr_array_unref);
  g_clear_pointer (&read->fetched_at, g_array_unref);
  g_free (read);
}

static GHashTable *
new_entry_table (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);
}

/* Keyed by the entry's own id field, which lives as long as the value. */
static void
index_entry (GHashTable *table,
             KzEntry    *entry)
{
  g_hash_table_replace (table, &entry->id, g_object_ref (entry));
}

static void
finish (GTask *task)
{
  ResolveData *state = g_task_get_task_data (task);
  KzResolveResult *result = state->result;

  result->entries = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < state->ids->len; i++)
    {
      gint64 id = g_array_index (state->ids, gint64, i);
      KzEntry *entry;

      if ((entry = g_hash_table_lookup (state->fetched, &id)))
        {
          result->flags |= KZ_RESULT_FROM_PROVIDER;
        }
      else if ((entry = g_hash_table_lookup (state->library, &id)))
        {
          result->flags |= KZ_RESULT_FROM_LIBRARY;
          if (result->provider_error != NULL)
            result->flags |= KZ_RESULT_STALE;
        }

      if (entry != NULL)
        g_ptr_array_add (result->entries, g_object_ref (entry));
    }

  g_task_return_pointer (task, g_steal_pointer (&state->result), (GDestroyNotify)_kz_resolve_result_free);
}

static void
store_batch_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ResolveData *state = task_data;
  KzIngestReport *report = g_new0 (KzIngestReport, 1);
  g_autoptr(GError) error = NULL;

  kz_ingest_normalise (state->batch, report);
  if (!kz_store_upsert_entries (state->context.store, state->batch, state->context.now, &error))
    g_warning ("Could not save %u titles to the library: %s", state->batch->len, error->message);

  g_task_return_pointer (task, report, g_free);
}

static void
store_batch_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *state = g_task_get_task_data (task);
  g_autofree KzIngestReport *report = g_task_propagate_pointer (G_TASK (result), NULL);

  if (report != NULL)
    kz_ingest_report_add (&state->result->ingest, report);

  for (guint i = 0; i < state->batch->len; i++)
    index_entry (state->fetched, g_ptr_array_index (state->batch, i));
  g_clear_pointer (&state->batch, g_ptr_array_unref);

  fetch_next_batch (g_steal_pointer (&task));
}

static void
fetch_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *state = g_task_get_task_data (task);
  g_autoptr(GTask) store_task = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  entries = kz_provider_fetch_finish (KZ_PROVIDER (object), result, &error);
  if (entries == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* Nothing more is asked of a failing provider in this run: the
       * library's older copies stand in for what is missing. */
      g_debug ("Provider failed: %s", error->message);
      state->result->provider_error = g_steal_pointer (&error);
      finish (task);
      return;
    }

  state->batch = entries;
  if (entries->len == 0)
    {
      g_clear_pointer (&state->batch, g_ptr_array_unref);
      fetch_next_batch (g_steal_pointer (&task));
      return;
    }

  /* The task's cancellable is not passed on: a batch that arrived is
   * always saved. */
  store_task = g_task_new (NULL, NULL, store_batch_done, g_object_ref (task));
  g_task_set_task_data (store_task, state, NULL);
  g_task_run_in_thread (store_task, store_batch_thread);
}

static void
fetch_next_batch (GTask *task)
{
  ResolveData *state = g_task_get_task_data (task);
  guint remaining = state->to_fetch->len - state->next_fetch;
  guint n;

  if (remaining == 0)
    {
      finish (task);
      g_object_unref (task);
      return;
    }

  n = state->context.batch_size ? MIN (state->context.batch_size, remaining) : remaining;
  state->result->provider_calls++;
  kz_provider_fetch_async (state->context.provider,
                           &g_array_index (state->to_fetch, gint64, state->next_fetch), n,
                           state->context.priority,
                           g_task_get_cancellable (task),
                           fetch_done,
                           task);
  state->next_fetch += n;
}

static void
library_read_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ResolveData *state = task_data;
  g_autoptr(GError) error = NULL;
  LibraryRead *read = g_new0 (LibraryRead, 1);

  read->fetched_at = g_array_new (FALSE, TRUE, sizeof (gint64));
  read->entries = kz_store_get_entries (state->context.store,
                                        (const gint64 *)(gpointer)state->ids->data,
                                        state->ids->len, &error);
  if (read->entries == NULL)
    {
      /* A library that cannot be read is no reason to fail: ask the provider. */
      g_warning ("Could not read the library: %s", error->message);
      read->entries = g_ptr_array_new_with_free_func (g_object_unref);
    }

  if (read->entries->len > 0)
    {
      g_autoptr(GArray) found = g_array_sized_new (FALSE, FALSE, sizeof (gint64), read->entries->len);
      g_autoptr(GArray) infos = NULL;

      for (guint i = 0; i < read->entries->len; i++)
        {
          gint64 id = kz_entry_get_id (g_ptr_array_index (read->entries, i));
          g_array_append_val (found, id);
        }

      infos = kz_store_get_fetch_infos (state->context.store, (const gint64 *)(gpointer)found->data,
                                        found->len, NULL);
      for (guint i = 0; i < read->entries->len; i++)
        {
          gint64 fetched_at = infos ? g_array_index (infos, KzFetchInfo, i).fetched_at : 0;
          g_array_append_val (read->fetched_at, fetched_at);
        }
    }

  g_task_return_pointer (task, read, library_read_free);
}

static void
library_read_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  LibraryRead *read;
  gboolean may_fetch = state->context.provider != NULL && !(state->context.flags & KZ_FETCH_OFFLINE);
  g_autoptr(GHashTable) fresh = g_hash_table_new (g_int64_hash, g_int64_equal);

  if (!(read = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < read->entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (read->entries, i);

      if (kz_entry_get_detail (entry) != KZ_ENTRY_DETAIL_FULL)
        continue;

      index_entry (state->library, entry);
      if (!(state->context.flags & KZ_FETCH_REFRESH) &&
          _kz_entry_is_fresh (entry, g_array_index (read->fetched_at, gint64, i), state->context.now))
        g_hash_table_add (fresh, &entry->id);
    }
  library_read_free (read);

  if (may_fetch)
    for (guint i = 0; i < state->ids->len; i++)
      if (!g_hash_table_contains (fresh, &g_array_index (state->ids, gint64, i)))
        g_array_append_val (state->to_fetch, g_array_index (state->ids, gint64, i));

  fetch_next_batch (g_steal_pointer (&task));
}

void
_kz_entry_resolver_run_async (const KzResolveContext *context,
                              const gint64           *ids,
                              guint                   n_ids,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) read_task = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  ResolveData *state;

  g_return_if_fail (context != NULL);
  g_return_if_fail (KZ_IS_STORE (context->store));

  state = g_new0 (ResolveData, 1);
  state->context = *context;
  g_object_ref (state->context.store);
  if (state->context.provider != NULL)
    g_object_ref (state->context.provider);
  state->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  state->library = new_entry_table ();
  state->fetched = new_entry_table ();
  state->to_fetch = g_array_new (FALSE, FALSE, sizeof (gint64));
  state->result = g_new0 (KzResolveResult, 1);

  for (guint i = 0; i < n_ids; i++)
    if (g_hash_table_add (seen, (gpointer)&ids[i]))
      g_array_append_val (state->ids, ids[i]);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _kz_entry_resolver_run_async);
  g_task_set_task_data (task, state, resolve_data_free);

  read_task = g_task_new (NULL, cancellable, library_read_done, g_object_ref (task));
  g_task_set_task_data (read_task, state, NULL);
  g_task_run_in_thread (read_task, library_read_thread);
}

KzResolveResult *
_kz_entry_resolver_run_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
