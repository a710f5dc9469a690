/* kz-refresh-worker.c
 *
 * A refresh goes through the due titles 50 at a time: one cheap query
 * tells which changed, the unchanged ones get their fetch time moved on
 * in one statement, and the changed ones are gathered and fetched in
 * full 50 at a time. A provider without the cheap query gets every due
 * title fetched, 50 at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-refresh"

#include "config.h"

#include "kz-refresh-worker.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kz-entry-resolver.h"
#include "kz-ingest.h"
#include "kz-relations-service-private.h"
#include "kz-store-private.h"

/* Ids per cheap query and per fetch: one page of AniList's */
#define REFRESH_BATCH 50

struct _KzRefreshWorker
{
  GObject             parent_instance;

  KzRelationsService *service;
  GMainContext       *context;
  GSource            *timer;
  GCancellable       *cancellable;   /* of the scheduled run under way */

  gint64              finished_max_age;
  gint64              airing_max_age;
  guint               first_delay;
  guint               interval;

  guint               started : 1;
  guint               busy : 1;
};

G_DEFINE_FINAL_TYPE (KzRefreshWorker, kz_refresh_worker, G_TYPE_OBJECT)

enum {
  REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The library side: fetch times moved on without a fetch */

static const char touch_sql[] =
  "UPDATE fetch_meta SET fetched_at = ?2"
  " WHERE entry_id IN (SELECT value FROM json_each (?1)) AND fetched_at < ?2";

static char *
ids_to_json (const gint64 *ids,
             guint         n_ids)
{
  GString *json = g_string_sized_new (n_ids * 8 + 2);

  g_string_append_c (json, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

/* Marks full entries as current at @fetched_at, in one statement
 * whatever their number. Blocks on disk. */
static gboolean
store_touch_entries (KzStore       *store,
                     const gint64  *ids,
                     guint          n_ids,
                     gint64         fetched_at,
                     GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  g_autofree char *ids_json = ids_to_json (ids, n_ids);

  locker = g_mutex_locker_new (&store->lock);

  if (!(stmt = _kz_store_stmt (store, touch_sql, error)))
    return FALSE;
  _kz_store_bind_text (stmt, 1, ids_json);
  sqlite3_bind_int64 (stmt, 2, fetched_at);

  return _kz_store_step_done (store, stmt, error);
}

/* One refresh */

typedef struct {
  KzRelationsService *service;
  KzStore            *store;
  KzProvider         *provider;
  gint64              finished_max_age;
  gint64              airing_max_age;
  guint               limit;
  KzRefreshProgress   progress;
  gpointer            progress_data;

  GArray             *ids;         /* gint64, due, oldest first */
  GArray             *stored;      /* gint64 updatedAt, parallel to ids */
  guint               next;        /* the next id to check */
  GArray             *unchanged;   /* gint64: checked, to be marked */
  GArray             *changed;     /* gint64: to be fetched */
  guint               settled;     /* marked or fetched so far */
  KzRefreshCounts     counts;
} Refresh;

static void refresh_step (GTask *task);

static void
refresh_free (gpointer data)
{
  Refresh *refresh = data;

  g_clear_object (&refresh->service);
  g_clear_object (&refresh->store);
  g_clear_object (&refresh->provider);
  g_clear_pointer (&refresh->ids, g_array_unref);
  g_clear_pointer (&refresh->stored, g_array_unref);
  g_clear_pointer (&refresh->unchanged, g_array_unref);
  g_clear_pointer (&refresh->changed, g_array_unref);
  g_free (refresh);
}

static void
report_progress (Refresh *refresh)
{
  if (refresh->progress != NULL)
    refresh->progress (refresh->settled, refresh->ids->len, refresh->progress_data);
}

static void
refresh_done (GTask *task)
{
  Refresh *refresh = g_task_get_task_data (task);

  /* The memory cache may hold the old copies of what changed. */
  if (refresh->counts.fetched > 0)
    kz_cache_clear_all (kz_relations_service_get_cache (refresh->service));

  g_debug ("Refreshed %u due titles: %u checked, %u changed, %u fetched",
           refresh->ids->len, refresh->counts.checked, refresh->counts.changed,
           refresh->counts.fetched);

  g_task_return_pointer (task, g_memdup2 (&refresh->counts, sizeof refresh->counts), g_free);
}

typedef struct {
  Refresh        *refresh;
  GPtrArray      *entries;     /* fetched, to be saved */
  GArray         *missing;     /* gint64: asked for, not answered */
  KzIngestReport  ingest;
} SaveBatch;

static void
save_batch_free (gpointer data)
{
  SaveBatch *save = data;

  g_clear_pointer (&save->entries, g_ptr_array_unref);
  g_clear_pointer (&save->missing, g_array_unref);
  g_free (save);
}

/* What was fetched is saved as fetched now; an id the provider did not
 * answer for keeps its copy and is asked about again when next due. */
static void
save_batch_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SaveBatch *save = task_data;
  Refresh *refresh = save->refresh;
  gint64 now = _kz_relations_service_now (refresh->service);
  GError *error = NULL;

  kz_ingest_normalise (save->entries, &save->ingest);
  if (!kz_store_upsert_entries (refresh->store, save->entries, now, &error) ||
      (save->missing->len > 0 &&
       !store_touch_entries (refresh->store, (const gint64 *)(gpointer)save->missing->data,
                             save->missing->len, now, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  SaveBatch *save = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  guint n;

  _kz_relations_service_add_ingest (refresh->service, &save->ingest);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  n = MIN (REFRESH_BATCH, refresh->changed->len);
  g_array_remove_range (refresh->changed, 0, n);
  refresh->settled += n;
  refresh->counts.fetched += save->entries->len;
  report_progress (refresh);

  refresh_step (g_steal_pointer (&task));
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr(GHashTable) answered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GTask) save_task = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;
  SaveBatch *save;
  guint n = MIN (REFRESH_BATCH, refresh->changed->len);

  if (!(entries = kz_provider_fetch_finish (KZ_PROVIDER (object), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  save = g_new0 (SaveBatch, 1);
  save->refresh = refresh;
  save->entries = g_ptr_array_ref (entries);
  save->missing = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 *id = g_new (gint64, 1);

      *id = kz_entry_get_id (entry);
      g_hash_table_add (answered, id);
    }
  for (guint i = 0; i < n; i++)
    if (!g_hash_table_contains (answered, &g_array_index (refresh->changed, gint64, i)))
      g_array_append_val (save->missing, g_array_index (refresh->changed, gint64, i));

  /* Not cancellable: a batch that arrived is always saved. */
  save_task = g_task_new (NULL, NULL, saved_cb, g_object_ref (task));
  g_task_set_task_data (save_task, save, save_batch_free);
  g_task_run_in_thread (save_task, save_batch_thread);
}

static void
fetch_changed (GTask *task)
{
  Refresh *refresh = g_task_get_task_data (task);

  kz_provider_fetch_async (refresh->provider, (const gint64 *)(gpointer)refresh->changed->data,
                           MIN (REFRESH_BATCH, refresh->changed->len), KZ_PRIORITY_BACKGROUND,
                           g_task_get_cancellable (task), fetched_cb, task);
}

/* After a batch was checked and its unchanged titles marked: changed
 * ones wait until a whole page of them can go at once. */
static void
batch_settled (GTask *task)
{
  Refresh *refresh = g_task_get_task_data (task);

  if (refresh->changed->len >= REFRESH_BATCH)
    {
      fetch_changed (task);
      return;
    }

  report_progress (refresh);
  refresh_step (task);
}

static void
touch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Refresh *refresh = task_data;
  GError *error = NULL;

  if (store_touch_entries (refresh->store, (const gint64 *)(gpointer)refresh->unchanged->data,
                           refresh->unchanged->len, _kz_relations_service_now (refresh->service),
                           &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
touched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  refresh->counts.unchanged += refresh->unchanged->len;
  refresh->settled += refresh->unchanged->len;
  g_array_set_size (refresh->unchanged, 0);

  batch_settled (g_steal_pointer (&task));
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr(GHashTable) updated = NULL;
  g_autoptr(GTask) touch_task = NULL;
  GError *error = NULL;
  guint n = MIN (REFRESH_BATCH, refresh->ids->len - refresh->next);

  if (!(updated = kz_provider_check_updated_finish (KZ_PROVIDER (object), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = refresh->next; i < refresh->next + n; i++)
    {
      gint64 id = g_array_index (refresh->ids, gint64, i);
      gint64 stored = g_array_index (refresh->stored, gint64, i);
      const gint64 *remote = g_hash_table_lookup (updated, &id);

      /* An id the provider no longer answers for keeps its copy, and is
       * asked about again when it is next due. An unknown time on
       * either side can only be settled by fetching. */
      if (remote == NULL || (*remote != 0 && *remote == stored))
        {
          g_array_append_val (refresh->unchanged, id);
        }
      else
        {
          g_array_append_val (refresh->changed, id);
          refresh->counts.changed++;
        }
    }
  refresh->next += n;
  refresh->counts.checked += n;

  if (refresh->unchanged->len == 0)
    {
      batch_settled (g_steal_pointer (&task));
      return;
    }

  touch_task = g_task_new (NULL, g_task_get_cancellable (task), touched_cb, g_object_ref (task));
  g_task_set_task_data (touch_task, refresh, NULL);
  g_task_run_in_thread (touch_task, touch_thread);
}

static void
refresh_step (GTask *task)
{
  Refresh *refresh = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (refresh->next < refresh->ids->len)
    {
      kz_provider_check_updated_async (refresh->provider,
                                       &g_array_index (refresh->ids, gint64, refresh->next),
                                       MIN (REFRESH_BATCH, refresh->ids->len - refresh->next),
                                       KZ_PRIORITY_BACKGROUND,
                                       g_task_get_cancellable (task),
                                       checked_cb, task);
      return;
    }

  if (refresh->changed->len > 0)
    {
      fetch_changed (task);
      return;
    }

  refresh_done (task);
  g_object_unref (task);
}

static void
list_due_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Refresh *refresh = task_data;
  g_autoptr(GArray) infos = NULL;
  GError *error = NULL;

  refresh->ids = kz_store_list_stale_ids (refresh->store,
                                          _kz_relations_service_now (refresh->service),
                                          refresh->finished_max_age, refresh->airing_max_age,
                                          refresh->limit, &error);
  if (refresh->ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  infos = kz_store_get_fetch_infos (refresh->store, (const gint64 *)(gpointer)refresh->ids->data,
                                    refresh->ids->len, &error);
  if (infos == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  refresh->stored = g_array_sized_new (FALSE, FALSE, sizeof (gint64), infos->len);
  for (guint i = 0; i < infos->len; i++)
    g_array_append_val (refresh->stored, g_array_index (infos, KzFetchInfo, i).updated_at);

  g_task_return_boolean (task, TRUE);
}

static void
due_listed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *refresh = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Without the cheap query, everything due is fetched. */
  if (!kz_provider_can_check_updated (refresh->provider))
    {
      g_array_append_vals (refresh->changed, refresh->ids->data, refresh->ids->len);
      refresh->next = refresh->ids->len;
      refresh->counts.changed = refresh->ids->len;
    }

  report_progress (refresh);
  refresh_step (g_steal_pointer (&task));
}

void
_kz_refresh_due_async (KzRelationsService  *service,
                       gint64               finished_max_age,
                       gint64               airing_max_age,
                       guint                limit,
                       KzRefreshProgress    progress,
                       gpointer             progress_data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) list_task = NULL;
  KzProvider *provider;
  Refresh *refresh;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (service));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _kz_refresh_due_async);

  if (!(provider = kz_relations_service_get_provider (service)))
    {
      g_task_return_new_error (task, KZ_RELATIONS_SERVICE_ERROR,
                               KZ_RELATIONS_SERVICE_ERROR_NOT_STORED,
                               _("Cannot refresh the library while offline"));
      return;
    }

  refresh = g_new0 (Refresh, 1);
  refresh->service = g_object_ref (service);
  refresh->store = g_object_ref (kz_relations_service_get_store (service));
  refresh->provider = g_object_ref (provider);
  refresh->finished_max_age = finished_max_age;
  refresh->airing_max_age = airing_max_age;
  refresh->limit = limit;
  refresh->progress = progress;
  refresh->progress_data = progress_data;
  refresh->unchanged = g_array_new (FALSE, FALSE, sizeof (gint64));
  refresh->changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_task_set_task_data (task, refresh, refresh_free);

  list_task = g_task_new (NULL, cancellable, due_listed_cb, g_object_ref (task));
  g_task_set_task_data (list_task, refresh, NULL);
  g_task_run_in_thread (list_task, list_due_thread);
}

gboolean
_kz_refresh_due_finish (GAsyncResult     *result,
                        KzRefreshCounts  *counts,
                        GError          **error)
{
  g_autofree KzRefreshCounts *found = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _kz_refresh_due_async, FALSE);

  if (counts != NULL)
    memset (counts, 0, sizeof *counts);

  if (!(found = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;

  if (counts != NULL)
    *counts = *found;

  return TRUE;
}

/* The worker */

static void schedule (KzRefreshWorker *self,
                      guint            seconds);

static void
emit_refreshed (KzRefreshWorker       *self,
                const KzRefreshCounts *counts)
{
  g_signal_emit (self, signals[REFRESHED], 0, counts->checked, counts->changed, counts->fetched);
}

static void
scheduled_run_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(KzRefreshWorker) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  KzRefreshCounts counts;
  gboolean ok;

  g_weak_ref_clear (weak);
  g_free (weak);

  ok = _kz_refresh_due_finish (result, &counts, &error);
  if (self == NULL)
    return;  /* disposed while running */

  self->busy = FALSE;
  g_clear_object (&self->cancellable);

  if (ok)
    emit_refreshed (self, &counts);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Background refresh failed: %s", error->message);

  if (self->started)
    schedule (self, self->interval);
}

/* Holds no reference on the worker, so that dropping the last one
 * disposes it and cancels the run. */
static gboolean
timer_fired (gpointer user_data)
{
  KzRefreshWorker *self = user_data;
  GWeakRef *weak;

  g_clear_pointer (&self->timer, g_source_unref);

  if (self->busy)
    {
      schedule (self, self->interval);
      return G_SOURCE_REMOVE;
    }

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  self->busy = TRUE;
  self->cancellable = g_cancellable_new ();
  _kz_refresh_due_async (self->service, self->finished_max_age, self->airing_max_age,
                         KZ_REFRESH_MAX_PER_RUN, NULL, NULL, self->cancellable,
                         scheduled_run_done, weak);

  return G_SOURCE_REMOVE;
}

static void
unschedule (KzRefreshWorker *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static void
schedule (KzRefreshWorker *self,
          guint            seconds)
{
  unschedule (self);

  self->timer = g_timeout_source_new ((guint) MIN ((guint64) seconds * 1000, G_MAXUINT));
  g_source_set_callback (self->timer, timer_fired, self, NULL);
  g_source_set_static_name (self->timer, "[kizuna] background refresh");
  g_source_attach (self->timer, self->context);
}

static void
kz_refresh_worker_dispose (GObject *object)
{
  KzRefreshWorker *self = (KzRefreshWorker *)object;

  kz_refresh_worker_stop (self);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (kz_refresh_worker_parent_class)->dispose (object);
}

static void
kz_refresh_worker_finalize (GObject *object)
{
  KzRefreshWorker *self = (KzRefreshWorker *)object;

  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (kz_refresh_worker_parent_class)->finalize (object);
}

static void
kz_refresh_worker_class_init (KzRefreshWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_refresh_worker_dispose;
  object_class->finalize = kz_refresh_worker_finalize;

  /**
   * KzRefreshWorker::refreshed:
   * @checked: titles asked about with the cheap query
   * @changed: titles that had changed
   * @fetched: titles fetched again and saved
   *
   * After each run that completed, on the worker's main context.
   */
  signals[REFRESHED] =
    g_signal_new ("refreshed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
kz_refresh_worker_init (KzRefreshWorker *self)
{
  self->finished_max_age = KZ_FINISHED_MAX_AGE;
  self->airing_max_age = KZ_AIRING_MAX_AGE;
  self->first_delay = KZ_REFRESH_DEFAULT_FIRST_DELAY;
  self->interval = KZ_REFRESH_DEFAULT_INTERVAL;
}

KzRefreshWorker *
kz_refresh_worker_new (KzRelationsService *service)
{
  KzRefreshWorker *self;

  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (service), NULL);

  self = g_object_new (KZ_TYPE_REFRESH_WORKER, NULL);
  self->service = g_object_ref (service);

  return self;
}

KzRelationsService *
kz_refresh_worker_get_service (KzRefreshWorker *self)
{
  g_return_val_if_fail (KZ_IS_REFRESH_WORKER (self), NULL);
  return self->service;
}

void
kz_refresh_worker_set_policy (KzRefreshWorker *self,
                              gint64           finished_max_age,
                              gint64           airing_max_age)
{
  g_return_if_fail (KZ_IS_REFRESH_WORKER (self));
  g_return_if_fail (finished_max_age > 0 && airing_max_age > 0);

  self->finished_max_age = finished_max_age;
  self->airing_max_age = airing_max_age;
}

void
kz_refresh_worker_get_policy (KzRefreshWorker *self,
                              gint64          *finished_max_age,
                              gint64          *airing_max_age)
{
  g_return_if_fail (KZ_IS_REFRESH_WORKER (self));

  if (finished_max_age != NULL)
    *finished_max_age = self->finished_max_age;
  if (airing_max_age != NULL)
    *airing_max_age = self->airing_max_age;
}

/* Takes effect at the next start. */
void
kz_refresh_worker_set_schedule (KzRefreshWorker *self,
                                guint            first_delay_seconds,
                                guint            interval_seconds)
{
  g_return_if_fail (KZ_IS_REFRESH_WORKER (self));
  g_return_if_fail (interval_seconds > 0);

  self->first_delay = first_delay_seconds;
  self->interval = interval_seconds;
}

void
kz_refresh_worker_start (KzRefreshWorker *self)
{
  g_return_if_fail (KZ_IS_REFRESH_WORKER (self));

  if (self->started)
    return;

  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();

  self->started = TRUE;
  schedule (self, self->first_delay);
}

void
kz_refresh_worker_stop (KzRefreshWorker *self)
{
  g_return_if_fail (KZ_IS_REFRESH_WORKER (self));

  self->started = FALSE;
  unschedule (self);

  /* The run ends on its own, cancelled; its callback finds it stopped. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
kz_refresh_worker_is_started (KzRefreshWorker *self)
{
  g_return_val_if_fail (KZ_IS_REFRESH_WORKER (self), FALSE);
  return self->started;
}

/* TRUE while a run is under way */
gboolean
kz_refresh_worker_is_busy (KzRefreshWorker *self)
{
  g_return_val_if_fail (KZ_IS_REFRESH_WORKER (self), FALSE);
  return self->busy;
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KzRefreshWorker *self = g_task_get_source_object (task);
  KzRefreshCounts counts;
  GError *error = NULL;

  self->busy = FALSE;

  if (!_kz_refresh_due_finish (result, &counts, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  emit_refreshed (self, &counts);
  g_task_return_pointer (task, g_memdup2 (&counts, sizeof counts), g_free);
}

void
kz_refresh_worker_run_async (KzRefreshWorker     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KZ_IS_REFRESH_WORKER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_refresh_worker_run_async);

  self->busy = TRUE;
  _kz_refresh_due_async (self->service, self->finished_max_age, self->airing_max_age,
                         KZ_REFRESH_MAX_PER_RUN, NULL, NULL, cancellable,
                         run_done, g_steal_pointer (&task));
}

gboolean
kz_refresh_worker_run_finish (KzRefreshWorker  *self,
                              GAsyncResult     *result,
                              KzRefreshCounts  *counts,
                              GError          **error)
{
  g_autofree KzRefreshCounts *found = NULL;

  g_return_val_if_fail (KZ_IS_REFRESH_WORKER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (counts != NULL)
    memset (counts, 0, sizeof *counts);

  if (!(found = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;

  if (counts != NULL)
    *counts = *found;

  return TRUE;
}
