/* kz-rating-enricher.c
 *
 * One record per entry asked about, kept for the enricher's life: what
 * the library or Jikan said, and the callers waiting while the library
 * is read or Jikan is asked. A record is only touched on the
 * enricher's context; the library is read and written in worker
 * threads with copies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-rating"

#include "config.h"

#include "kz-rating-enricher.h"

#include "kz-clock.h"
#include "kz-entry-private.h"

struct _KzRatingEnricher
{
  GObject                parent_instance;

  KzStore               *store;
  KzJikanProvider       *jikan;
  KzClockFunc            clock;
  gpointer               clock_data;
  gint64                 max_age;
  gint64                 retry_delay;

  GHashTable            *records;   /* &Record.entry_id → Record */
  KzRatingEnricherStats  stats;
};

G_DEFINE_FINAL_TYPE (KzRatingEnricher, kz_rating_enricher, G_TYPE_OBJECT)

enum {
  RATING_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  gint64         entry_id;
  KzRatingInfo  *info;          /* never NULL; mal_id 0 without a MAL id */
  GPtrArray     *waiters;       /* GTask */
  GCancellable  *cancellable;   /* of the lookup under way, if any */
  guint          loaded : 1;    /* the library has been read */
  guint          busy : 1;      /* reading the library, asking Jikan or saving */
  guint          just_loaded : 1;
} Record;

/* Task data of a caller's enrich_async() */
typedef struct {
  gint64      entry_id;
  KzPriority  priority;
  GSource    *cancelled;
} Waiter;

static void
record_free (gpointer data)
{
  Record *record = data;

  g_assert (record->waiters->len == 0);
  g_ptr_array_unref (record->waiters);
  g_clear_object (&record->cancellable);
  kz_rating_info_free (record->info);
  g_free (record);
}

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  if (waiter->cancelled != NULL)
    {
      g_source_destroy (waiter->cancelled);
      g_source_unref (waiter->cancelled);
    }
  g_free (waiter);
}

static gint64
now (KzRatingEnricher *self)
{
  return self->clock (self->clock_data);
}

static Record *
ensure_record (KzRatingEnricher *self,
               gint64            entry_id,
               gint64            mal_id)
{
  Record *record = g_hash_table_lookup (self->records, &entry_id);

  if (record == NULL)
    {
      record = g_new0 (Record, 1);
      record->entry_id = entry_id;
      record->info = kz_rating_info_new (entry_id, MAX (mal_id, 0));
      record->waiters = g_ptr_array_new ();
      g_hash_table_insert (self->records, &record->entry_id, record);
    }
  else if (!record->busy && record->info->mal_id != MAX (mal_id, 0))
    {
      /* AniList now links another MAL page: what we knew is of no use */
      kz_rating_info_free (record->info);
      record->info = kz_rating_info_new (entry_id, MAX (mal_id, 0));
    }

  return record;
}

/* Completing callers */

static void
complete_waiters (KzRatingEnricher *self,
                  Record           *record,
                  const GError     *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&record->waiters);

  record->waiters = g_ptr_array_new ();

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      Waiter *waiter = g_task_get_task_data (task);

      if (waiter->cancelled != NULL)
        {
          g_source_destroy (waiter->cancelled);
          g_clear_pointer (&waiter->cancelled, g_source_unref);
        }

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, kz_rating_info_copy (record->info),
                               (GDestroyNotify) kz_rating_info_free);
      g_object_unref (task);
    }
}

static void start_lookup (KzRatingEnricher *self,
                          Record           *record);

/* A failure this recent is not retried; the caller gets it back, or
 * the older answer when there is one. */
static GError *
remembered_error (const KzRatingInfo *info)
{
  return g_error_new_literal (KZ_PROVIDER_ERROR,
                              info->failure_code > 0 ? info->failure_code
                                                     : KZ_PROVIDER_ERROR_UNAVAILABLE,
                              info->failure ? info->failure : "Jikan could not be asked");
}

/* The record is loaded and idle: answer the waiters from what is known,
 * or ask Jikan. */
static void
proceed (KzRatingEnricher *self,
         Record           *record)
{
  const KzRatingInfo *info = record->info;
  gint64 at = now (self);
  gboolean fresh = info->fetched_at > 0 && at - info->fetched_at < self->max_age;
  gboolean failed_lately = info->failed_at > 0 && at - info->failed_at < self->retry_delay;
  guint64 *counter = record->just_loaded ? &self->stats.from_library : &self->stats.from_memory;

  g_assert (record->loaded && !record->busy);
  record->just_loaded = FALSE;

  if (record->waiters->len == 0)
    return;

  if (info->mal_id <= 0 || fresh || (failed_lately && info->fetched_at > 0))
    {
      *counter += record->waiters->len;
      complete_waiters (self, record, NULL);
      return;
    }

  if (failed_lately)
    {
      g_autoptr(GError) error = remembered_error (info);

      *counter += record->waiters->len;
      complete_waiters (self, record, error);
      return;
    }

  start_lookup (self, record);
}

/* Reading the library, in a worker thread */

typedef struct {
  GArray    *ids;     /* gint64 */
  GPtrArray *infos;   /* KzRatingInfo */
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_clear_pointer (&load->ids, g_array_unref);
  g_clear_pointer (&load->infos, g_ptr_array_unref);
  g_free (load);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KzRatingEnricher *self = source_object;
  LoadData *load = task_data;
  GError *error = NULL;

  load->infos = kz_store_get_ratings (self->store, (const gint64 *) (gpointer) load->ids->data,
                                      load->ids->len, &error);
  if (load->infos == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KzRatingEnricher *self = KZ_RATING_ENRICHER (object);
  LoadData *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) stored = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;

  /* An unreadable library is treated as one that knows nothing. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not read stored ratings: %s", error->message);

  for (guint i = 0; load->infos != NULL && i < load->infos->len; i++)
    {
      KzRatingInfo *info = g_ptr_array_index (load->infos, i);

      g_hash_table_insert (stored, &info->entry_id, info);
    }

  for (guint i = 0; i < load->ids->len; i++)
    {
      gint64 id = g_array_index (load->ids, gint64, i);
      Record *record = g_hash_table_lookup (self->records, &id);
      KzRatingInfo *info = g_hash_table_lookup (stored, &id);

      if (record == NULL)
        continue;

      /* a row for another MAL page than the entry links now is stale */
      if (info != NULL && info->mal_id == record->info->mal_id)
        {
          kz_rating_info_free (record->info);
          record->info = kz_rating_info_copy (info);
        }

      record->loaded = TRUE;
      record->busy = FALSE;
      record->just_loaded = TRUE;
      proceed (self, record);
    }
}

/* One statement for every record that was never read. */
static void
load_records (KzRatingEnricher *self,
              GPtrArray        *records)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  if (records->len == 0)
    return;

  load = g_new0 (LoadData, 1);
  load->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), records->len);
  for (guint i = 0; i < records->len; i++)
    {
      Record *record = g_ptr_array_index (records, i);

      record->busy = TRUE;
      g_array_append_val (load->ids, record->entry_id);
    }

  task = g_task_new (self, NULL, on_loaded, NULL);
  g_task_set_source_tag (task, load_records);
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_in_thread);
}

/* Saving, in a worker thread; the waiters hear back after it. */

typedef struct {
  gint64        entry_id;
  KzRatingInfo *info;
  GError       *error;     /* for the waiters */
  gboolean      changed;
} SaveData;

static void
save_data_free (gpointer data)
{
  SaveData *save = data;

  kz_rating_info_free (save->info);
  g_clear_error (&save->error);
  g_free (save);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KzRatingEnricher *self = source_object;
  SaveData *save = task_data;
  GError *error = NULL;

  if (!kz_store_save_rating (self->store, save->info, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KzRatingEnricher *self = KZ_RATING_ENRICHER (object);
  SaveData *save = g_task_get_task_data (G_TASK (result));
  Record *record = g_hash_table_lookup (self->records, &save->entry_id);
  g_autoptr(GError) error = NULL;

  /* What was learnt still holds for this session. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not save the rating of entry %" G_GINT64_FORMAT ": %s",
               save->entry_id, error->message);

  record->busy = FALSE;
  complete_waiters (self, record, save->error);

  if (save->changed)
    g_signal_emit (self, signals[RATING_CHANGED], 0, save->entry_id);
}

static void
save_record (KzRatingEnricher *self,
             Record           *record,
             GError           *error,
             gboolean          changed)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_saved, NULL);
  SaveData *save = g_new0 (SaveData, 1);

  save->entry_id = record->entry_id;
  save->info = kz_rating_info_copy (record->info);
  save->error = error;
  save->changed = changed;

  g_task_set_source_tag (task, save_record);
  g_task_set_task_data (task, save, save_data_free);
  g_task_run_in_thread (task, save_in_thread);
}

/* Asking Jikan */

static gboolean
is_remembered (const GError *error)
{
  /* Nothing reached Jikan: the next look may well work. */
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         !g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK);
}

/* The enricher stays alive while Jikan is asked, even with no caller left. */
typedef struct {
  KzRatingEnricher *self;
  gint64            entry_id;
} LookupData;

static void
on_lookup_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LookupData *data = user_data;
  g_autoptr(KzRatingEnricher) self = data->self;
  g_autoptr(KzJikanLookup) lookup = NULL;
  g_autoptr(GError) error = NULL;
  KzRatingInfo *old;
  KzRatingInfo *info;
  Record *record;
  gint64 at;

  lookup = kz_jikan_provider_lookup_finish (KZ_JIKAN_PROVIDER (object), result, &error);
  record = g_hash_table_lookup (self->records, &data->entry_id);
  g_free (data);
  g_clear_object (&record->cancellable);
  old = record->info;
  at = now (self);

  if (lookup != NULL)
    {
      if (lookup->not_modified)
        {
          info = kz_rating_info_copy (old);
          self->stats.not_modified++;
          if (lookup->etag != NULL)
            {
              g_free (info->etag);
              info->etag = g_strdup (lookup->etag);
            }
        }
      else
        {
          info = kz_rating_info_new (record->entry_id, old->mal_id);
          info->rating = g_strdup (lookup->entry->age_rating);
          info->mal_score = lookup->entry->mal_score;
          info->etag = g_strdup (lookup->etag);
        }

      info->fetched_at = at;
      info->failed_at = 0;
      info->failure_code = 0;
      g_clear_pointer (&info->failure, g_free);

      record->info = info;
      save_record (self, record, NULL,
                   g_strcmp0 (old->rating, info->rating) != 0 || old->mal_score != info->mal_score);
      kz_rating_info_free (old);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Every caller gave up; any who came since start again. */
      record->busy = FALSE;
      proceed (self, record);
      return;
    }

  self->stats.failures++;
  g_debug ("No rating for entry %" G_GINT64_FORMAT " (MAL %" G_GINT64_FORMAT "): %s",
           record->entry_id, old->mal_id, error->message);

  if (!is_remembered (error))
    {
      record->busy = FALSE;
      complete_waiters (self, record, error);
      return;
    }

  info = kz_rating_info_copy (old);
  info->failed_at = at;
  info->failure_code = error->domain == KZ_PROVIDER_ERROR ? error->code
                                                          : KZ_PROVIDER_ERROR_INVALID_RESPONSE;
  g_free (info->failure);
  info->failure = g_strdup (error->message);
  record->info = info;
  kz_rating_info_free (old);

  /* An older answer is still worth showing */
  save_record (self, record, info->fetched_at > 0 ? NULL : g_steal_pointer (&error), FALSE);
}

static void
start_lookup (KzRatingEnricher *self,
              Record           *record)
{
  KzPriority priority = KZ_PRIORITY_BACKGROUND;
  const char *etag = record->info->fetched_at > 0 ? record->info->etag : NULL;
  LookupData *data = g_new0 (LookupData, 1);

  for (guint i = 0; i < record->waiters->len; i++)
    {
      Waiter *waiter = g_task_get_task_data (g_ptr_array_index (record->waiters, i));

      priority = MIN (priority, waiter->priority);
    }

  record->busy = TRUE;
  record->cancellable = g_cancellable_new ();
  self->stats.requests++;

  g_debug ("Asking Jikan about entry %" G_GINT64_FORMAT " (MAL %" G_GINT64_FORMAT ")%s",
           record->entry_id, record->info->mal_id, etag ? ", if changed" : "");

  data->self = g_object_ref (self);
  data->entry_id = record->entry_id;
  kz_jikan_provider_lookup_async (self->jikan, record->info->mal_id, etag, priority,
                                  record->cancellable, on_lookup_done, data);
}

/* Callers */

/* On the enricher's context: a caller gave up. Once none is left, the
 * lookup under way stops too (a queued one never reaches Jikan). */
static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  KzRatingEnricher *self = g_task_get_source_object (task);
  Waiter *waiter = g_task_get_task_data (task);
  Record *record = g_hash_table_lookup (self->records, &waiter->entry_id);

  if (record == NULL || !g_ptr_array_remove_fast (record->waiters, task))
    return G_SOURCE_REMOVE;

  g_clear_pointer (&waiter->cancelled, g_source_unref);

  if (record->waiters->len == 0 && record->cancellable != NULL)
    g_cancellable_cancel (record->cancellable);

  g_task_return_error_if_cancelled (task);
  /* the waiters' reference; the source still holds one */
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
add_waiter (KzRatingEnricher    *self,
            Record              *record,
            KzPriority           priority,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Waiter *waiter = g_new0 (Waiter, 1);

  g_task_set_source_tag (task, kz_rating_enricher_enrich_async);
  waiter->entry_id = record->entry_id;
  waiter->priority = priority;
  g_task_set_task_data (task, waiter, waiter_free);

  /* A source rather than a signal handler: cancelling may happen on any
   * thread, the records live on this context. */
  if (cancellable != NULL)
    {
      waiter->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancelled, G_SOURCE_FUNC (on_waiter_cancelled),
                             g_object_ref (task), g_object_unref);
      g_source_set_static_name (waiter->cancelled, "[kizuna] rating request cancelled");
      g_source_attach (waiter->cancelled, g_main_context_get_thread_default ());
    }

  g_ptr_array_add (record->waiters, task);
}

/* Adds a caller for @entry; the record is read from the library or
 * looked up when it is idle. */
static void
enrich (KzRatingEnricher    *self,
        KzEntry             *entry,
        KzPriority           priority,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  Record *record = ensure_record (self, kz_entry_get_id (entry), kz_entry_get_id_mal (entry));

  add_waiter (self, record, priority, cancellable, callback, user_data);

  if (record->busy)
    {
      if (record->cancellable != NULL)
        self->stats.coalesced++;
      return;
    }

  if (!record->loaded)
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new ();

      g_ptr_array_add (records, record);
      load_records (self, records);
      return;
    }

  proceed (self, record);
}

void
kz_rating_enricher_enrich_async (KzRatingEnricher    *self,
                                 KzEntry             *entry,
                                 KzPriority           priority,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KZ_IS_RATING_ENRICHER (self));
  g_return_if_fail (KZ_IS_ENTRY (entry));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (kz_entry_get_id_mal (entry) <= 0)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, kz_rating_enricher_enrich_async);
      g_task_return_pointer (task, kz_rating_info_new (kz_entry_get_id (entry), 0),
                             (GDestroyNotify) kz_rating_info_free);
      return;
    }

  enrich (self, entry, priority, cancellable, callback, user_data);
}

/**
 * kz_rating_enricher_enrich_finish:
 *
 * Returns: (transfer full): what is known; a lookup that failed lately
 *   and left nothing to show is an error (a KZ_PROVIDER_ERROR).
 */
KzRatingInfo *
kz_rating_enricher_enrich_finish (KzRatingEnricher  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (KZ_IS_RATING_ENRICHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_rating_enricher_enrich_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Many entries */

typedef struct {
  guint n_pending;
  guint n_rated;
} ManyOp;

static void
many_op_done_one (GTask *task)
{
  ManyOp *op = g_task_get_task_data (task);

  if (--op->n_pending == 0)
    g_task_return_int (task, op->n_rated);
}

static void
on_many_one (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ManyOp *op = g_task_get_task_data (task);
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = kz_rating_enricher_enrich_finish (KZ_RATING_ENRICHER (object), result, &error);
  if (info != NULL && info->rating != NULL)
    op->n_rated++;

  many_op_done_one (task);
}

void
kz_rating_enricher_enrich_many_async (KzRatingEnricher    *self,
                                      GPtrArray           *entries,
                                      KzPriority           priority,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) to_load = g_ptr_array_new ();
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  ManyOp *op;

  g_return_if_fail (KZ_IS_RATING_ENRICHER (self));
  g_return_if_fail (entries != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_rating_enricher_enrich_many_async);
  op = g_new0 (ManyOp, 1);
  g_task_set_task_data (task, op, g_free);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 id = kz_entry_get_id (entry);
      Record *record;

      if (kz_entry_get_id_mal (entry) <= 0 || g_hash_table_contains (seen, &id))
        continue;

      record = ensure_record (self, id, kz_entry_get_id_mal (entry));
      g_hash_table_add (seen, &record->entry_id);
      g_ptr_array_add (wanted, entry);
      if (!record->loaded && !record->busy)
        g_ptr_array_add (to_load, record);
    }

  /* One read of the library for all of them; the callers below wait
   * for it like any caller of a busy record. */
  load_records (self, to_load);

  op->n_pending = 1;
  for (guint i = 0; i < wanted->len; i++)
    {
      op->n_pending++;
      enrich (self, g_ptr_array_index (wanted, i), priority, cancellable,
              on_many_one, g_object_ref (task));
    }
  many_op_done_one (task);
}

guint
kz_rating_enricher_enrich_many_finish (KzRatingEnricher  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  gssize n;

  g_return_val_if_fail (KZ_IS_RATING_ENRICHER (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_rating_enricher_enrich_many_async, 0);

  n = g_task_propagate_int (G_TASK (result), error);
  return n > 0 ? (guint) n : 0;
}

/* What is known already */

const char *
kz_rating_enricher_peek_rating (KzRatingEnricher *self,
                                gint64            entry_id)
{
  Record *record;

  g_return_val_if_fail (KZ_IS_RATING_ENRICHER (self), NULL);

  record = g_hash_table_lookup (self->records, &entry_id);
  return record != NULL ? record->info->rating : NULL;
}

gboolean
kz_rating_enricher_is_restricted (KzRatingEnricher *self,
                                  KzEntry          *entry)
{
  g_return_val_if_fail (KZ_IS_RATING_ENRICHER (self), FALSE);
  g_return_val_if_fail (KZ_IS_ENTRY (entry), FALSE);

  return kz_age_rating_is_restricted (kz_entry_get_age_rating (entry)) ||
         kz_age_rating_is_restricted (kz_rating_enricher_peek_rating (self, kz_entry_get_id (entry)));
}

/* The object */

static void
kz_rating_enricher_dispose (GObject *object)
{
  KzRatingEnricher *self = (KzRatingEnricher *)object;
  GHashTableIter iter;
  gpointer value;

  /* Callers hold the enricher: only lookups nobody waits for are left. */
  if (self->records != NULL)
    {
      g_hash_table_iter_init (&iter, self->records);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Record *record = value;

          if (record->cancellable != NULL)
            g_cancellable_cancel (record->cancellable);
        }
    }

  G_OBJECT_CLASS (kz_rating_enricher_parent_class)->dispose (object);
}

static void
kz_rating_enricher_finalize (GObject *object)
{
  KzRatingEnricher *self = (KzRatingEnricher *)object;

  g_clear_pointer (&self->records, g_hash_table_unref);
  g_clear_object (&self->jikan);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kz_rating_enricher_parent_class)->finalize (object);
}

static void
kz_rating_enricher_class_init (KzRatingEnricherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_rating_enricher_dispose;
  object_class->finalize = kz_rating_enricher_finalize;

  /**
   * KzRatingEnricher::rating-changed:
   * @entry_id: the AniList id
   *
   * Jikan told something new about an entry's rating or score.
   */
  signals[RATING_CHANGED] =
    g_signal_new ("rating-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
kz_rating_enricher_init (KzRatingEnricher *self)
{
  self->clock = kz_clock_real_now;
  self->max_age = KZ_RATING_DEFAULT_MAX_AGE;
  self->retry_delay = KZ_RATING_DEFAULT_RETRY_DELAY;
  self->records = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, record_free);
}

KzRatingEnricher *
kz_rating_enricher_new (KzStore         *store,
                        KzJikanProvider *jikan)
{
  KzRatingEnricher *self;

  g_return_val_if_fail (KZ_IS_STORE (store), NULL);
  g_return_val_if_fail (KZ_IS_JIKAN_PROVIDER (jikan), NULL);

  self = g_object_new (KZ_TYPE_RATING_ENRICHER, NULL);
  self->store = g_object_ref (store);
  self->jikan = g_object_ref (jikan);

  return self;
}

KzJikanProvider *
kz_rating_enricher_get_provider (KzRatingEnricher *self)
{
  g_return_val_if_fail (KZ_IS_RATING_ENRICHER (self), NULL);
  return self->jikan;
}

/* @clock NULL goes back to the wall clock. */
void
kz_rating_enricher_set_clock (KzRatingEnricher *self,
                              KzClockFunc       clock,
                              gpointer          clock_data)
{
  g_return_if_fail (KZ_IS_RATING_ENRICHER (self));

  self->clock = clock != NULL ? clock : kz_clock_real_now;
  self->clock_data = clock != NULL ? clock_data : NULL;
}

void
kz_rating_enricher_set_max_age (KzRatingEnricher *self,
                                gint64            max_age)
{
  g_return_if_fail (KZ_IS_RATING_ENRICHER (self));
  g_return_if_fail (max_age >= 0);

  self->max_age = max_age;
}

void
kz_rating_enricher_set_retry_delay (KzRatingEnricher *self,
                                    gint64            retry_delay)
{
  g_return_if_fail (KZ_IS_RATING_ENRICHER (self));
  g_return_if_fail (retry_delay >= 0);

  self->retry_delay = retry_delay;
}

void
kz_rating_enricher_get_stats (KzRatingEnricher      *self,
                              KzRatingEnricherStats *stats)
{
  g_return_if_fail (KZ_IS_RATING_ENRICHER (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}
