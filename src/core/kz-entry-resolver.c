/* kz-entry-resolver.c
 *
 * Every resolver that asks the same provider shares one table of the
 * fetches in flight: a resolver joins a fetch of the ids it needs
 * instead of sending its own, so that the calls a window makes at once
 * for one title (basic, detailed, franchise) fetch each entry once. A
 * fetch that just landed answers too, for a resolver whose library read
 * began before it was saved. Everything here runs on the provider's
 * main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-resolver"

#include "config.h"

#include "kz-clock.h"
#include "kz-entry-private.h"
#include "kz-entry-resolver.h"

/* How long a landed fetch is kept for resolvers that read the library
 * before it was saved; they read within milliseconds. */
#define LANDED_MEMORY_USEC (10 * G_USEC_PER_SEC)

typedef struct _Flight Flight;

typedef struct {
  GHashTable *by_id;        /* gint64* → Flight* (a reference each) */
  GQueue      landed;       /* Flight* (a reference each), oldest first */
  guint64     generation;   /* counts landings */
} FlightTable;

/* One provider call of one resolver, which others may wait on. */
struct _Flight
{
  guint        ref_count;
  FlightTable *table;
  KzStore     *store;       /* unowned: where its entries are saved */
  KzPriority   priority;
  GArray      *ids;         /* gint64; keys of table->by_id point here */
  GPtrArray   *entries;     /* full entries, once landed */
  GPtrArray   *waiters;     /* GTask of the resolvers waiting */
  GError      *error;       /* the provider failed */
  guint64      landed_gen;  /* 0 while in flight */
  gint64       landed_at;   /* monotonic */
  gboolean     cancelled;
};

typedef struct {
  KzResolveContext  context;
  GArray           *ids;          /* gint64, de-duplicated */
  GHashTable       *library;      /* gint64* → full KzEntry from the library */
  GHashTable       *fetched;      /* gint64* → full KzEntry from the provider */
  GArray           *to_fetch;     /* gint64 */
  guint             next_fetch;   /* index into to_fetch */
  GPtrArray        *batch;        /* entries fetched, waiting for the library */
  KzResolveResult  *result;

  FlightTable      *flights;      /* NULL without a provider */
  guint64           read_gen;     /* flights landed before the library read */
  GHashTable       *awaited;      /* gint64* (into ids): in another resolver's fetch */
  Flight           *flight;       /* our own fetch, while in flight */
  guint             n_joined;     /* other resolvers' fetches waited on */
  gboolean          busy;         /* our own fetch or its saving under way */
  gboolean          returned;
} ResolveData;

typedef struct {
  GPtrArray *entries;      /* full entries */
  GArray    *fetched_at;   /* gint64, parallel to entries */
} LibraryRead;

static void advance (GTask *task);

/* Flights */

static Flight *
flight_ref (Flight *flight)
{
  flight->ref_count++;
  return flight;
}

static void
flight_unref (gpointer data)
{
  Flight *flight = data;

  if (--flight->ref_count > 0)
    return;

  g_assert (flight->waiters->len == 0);
  g_array_unref (flight->ids);
  g_clear_pointer (&flight->entries, g_ptr_array_unref);
  g_ptr_array_unref (flight->waiters);
  g_clear_error (&flight->error);
  g_free (flight);
}

static void
flight_table_free (gpointer data)
{
  FlightTable *table = data;

  g_hash_table_unref (table->by_id);
  g_queue_clear_full (&table->landed, flight_unref);
  g_free (table);
}

static FlightTable *
flight_table_get (KzProvider *provider)
{
  GQuark quark = g_quark_from_static_string ("kz-resolver-flights");
  FlightTable *table;

  if (provider == NULL)
    return NULL;

  if (!(table = g_object_get_qdata (G_OBJECT (provider), quark)))
    {
      table = g_new0 (FlightTable, 1);
      table->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, flight_unref);
      g_queue_init (&table->landed);
      g_object_set_qdata_full (G_OBJECT (provider), quark, table, flight_table_free);
    }

  return table;
}

static void
flight_unlist (Flight *flight)
{
  for (guint i = 0; i < flight->ids->len; i++)
    {
      gint64 *id = &g_array_index (flight->ids, gint64, i);

      if (g_hash_table_lookup (flight->table->by_id, id) == flight)
        g_hash_table_remove (flight->table->by_id, id);
    }
}

/* Forgets landed flights nobody can still need. */
static void
flight_table_expire (FlightTable *table)
{
  gint64 now = g_get_monotonic_time ();
  Flight *flight;

  while ((flight = g_queue_peek_head (&table->landed)) &&
         now - flight->landed_at > LANDED_MEMORY_USEC)
    {
      g_queue_pop_head (&table->landed);
      flight_unlist (flight);
      flight_unref (flight);
    }
}

static Flight *
flight_new (FlightTable  *table,
            KzStore      *store,
            KzPriority    priority,
            const gint64 *ids,
            guint         n_ids)
{
  Flight *flight = g_new0 (Flight, 1);

  flight->ref_count = 1;
  flight->table = table;
  flight->store = store;
  flight->priority = priority;
  flight->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (flight->ids, ids, n_ids);
  flight->waiters = g_ptr_array_new ();

  /* Later resolvers find the newest fetch of each id. */
  for (guint i = 0; i < n_ids; i++)
    g_hash_table_replace (table->by_id, &g_array_index (flight->ids, gint64, i),
                          flight_ref (flight));

  return flight;
}

static void waiter_landed (GTask  *task,
                           Flight *flight);

/* The owner's fetch is over (@entries, @error or cancelled): every
 * waiter gets it, and a success stays listed for a moment. Drops the
 * owner's reference. */
static void
flight_land (Flight    *flight,
             GPtrArray *entries,
             GError    *error,
             gboolean   cancelled)
{
  g_autoptr(GPtrArray) waiters = NULL;

  flight->entries = entries ? g_ptr_array_ref (entries)
                            : g_ptr_array_new_with_free_func (g_object_unref);
  flight->error = error ? g_error_copy (error) : NULL;
  flight->cancelled = cancelled;
  flight->landed_gen = ++flight->table->generation;
  flight->landed_at = g_get_monotonic_time ();

  if (flight->error != NULL || flight->cancelled)
    flight_unlist (flight);
  else
    g_queue_push_tail (&flight->table->landed, flight_ref (flight));

  waiters = g_steal_pointer (&flight->waiters);
  flight->waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    waiter_landed (g_ptr_array_index (waiters, i), flight);

  flight_unref (flight);
}

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
  g_clear_pointer (&result->hints, g_array_unref);
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
  g_clear_pointer (&state->awaited, g_hash_table_unref);
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

  state->returned = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&state->result), (GDestroyNotify)_kz_resolve_result_free);
}

/* Another resolver's fetch we waited on is over. Consumes the
 * reference the flight held on @task. */
static void
waiter_landed (GTask  *task,
               Flight *flight)
{
  ResolveData *state = g_task_get_task_data (task);

  state->n_joined--;

  if (state->returned)
    {
      g_object_unref (task);
      return;
    }

  if (flight->cancelled)
    {
      /* Its owner gave up: fetch what we were waiting for ourselves. */
      for (guint i = 0; i < flight->ids->len; i++)
        {
          gint64 *id = &g_array_index (flight->ids, gint64, i);

          if (g_hash_table_remove (state->awaited, id))
            g_array_append_val (state->to_fetch, *id);
        }
    }
  else if (flight->error != NULL)
    {
      if (state->result->provider_error == NULL)
        state->result->provider_error = g_error_copy (flight->error);
    }
  else
    {
      for (guint i = 0; i < flight->entries->len; i++)
        {
          KzEntry *entry = g_ptr_array_index (flight->entries, i);

          if (g_hash_table_remove (state->awaited, &entry->id))
            index_entry (state->fetched, entry);
        }
    }

  advance (task);
}

/* Our own fetch is over: we go on (and may answer) first, then the
 * resolvers that joined it hear of it, in the order they asked. Consumes
 * a reference on @task. */
static void
fetch_over (GTask     *task,
            GPtrArray *entries,
            GError    *error,
            gboolean   cancelled)
{
  ResolveData *state = g_task_get_task_data (task);
  Flight *flight = g_steal_pointer (&state->flight);

  state->busy = FALSE;
  advance (task);

  if (flight != NULL)
    flight_land (flight, entries, error, cancelled);
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
    {
      g_warning ("Could not save %u titles to the library: %s", state->batch->len, error->message);
    }
  else
    {
      g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), state->batch->len);
      g_autoptr(GPtrArray) stored = NULL;

      /* Hand out what the library now holds: the same data, with what
       * only the library knows (ratings from the second provider). */
      for (guint i = 0; i < state->batch->len; i++)
        {
          gint64 id = kz_entry_get_id (g_ptr_array_index (state->batch, i));
          g_array_append_val (ids, id);
        }
      stored = kz_store_get_entries (state->context.store, (const gint64 *)(gpointer)ids->data,
                                     ids->len, NULL);
      if (stored != NULL && stored->len == state->batch->len)
        {
          g_ptr_array_unref (state->batch);
          state->batch = g_steal_pointer (&stored);
        }
    }

  g_task_return_pointer (task, report, g_free);
}

static void
store_batch_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  ResolveData *state = g_task_get_task_data (task);
  g_autofree KzIngestReport *report = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GPtrArray) batch = g_steal_pointer (&state->batch);

  if (report != NULL)
    kz_ingest_report_add (&state->result->ingest, report);

  for (guint i = 0; i < batch->len; i++)
    index_entry (state->fetched, g_ptr_array_index (batch, i));

  /* Only now, saved and normalised, do the entries go to whoever waits. */
  fetch_over (task, batch, NULL, FALSE);
}

static void
fetch_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  ResolveData *state = g_task_get_task_data (task);
  g_autoptr(GTask) store_task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hints = NULL;
  GPtrArray *entries;

  if (state->context.lookahead)
    entries = kz_provider_fetch_lookahead_finish (KZ_PROVIDER (object), result, &hints, &error);
  else
    entries = kz_provider_fetch_finish (KZ_PROVIDER (object), result, &error);

  /* Hints are only ours: resolvers that joined this fetch plan nothing. */
  if (hints != NULL)
    g_array_append_vals (state->result->hints, hints->data, hints->len);

  if (entries == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (!state->returned)
            {
              state->returned = TRUE;
              g_task_return_error (task, g_error_copy (error));
            }
          fetch_over (task, NULL, NULL, TRUE);
          return;
        }

      /* Nothing more is asked of a failing provider in this run: the
       * library's older copies stand in for what is missing. */
      g_debug ("Provider failed: %s", error->message);
      if (state->result->provider_error == NULL)
        state->result->provider_error = g_error_copy (error);
      fetch_over (task, NULL, error, FALSE);
      return;
    }

  if (entries->len == 0)
    {
      fetch_over (task, entries, NULL, FALSE);
      g_ptr_array_unref (entries);
      return;
    }

  /* The task's cancellable is not passed on: a batch that arrived is
   * always saved. */
  state->batch = entries;
  store_task = g_task_new (NULL, NULL, store_batch_done, task);
  g_task_set_task_data (store_task, state, NULL);
  g_task_run_in_thread (store_task, store_batch_thread);
}

static void
start_fetch (GTask *task)
{
  ResolveData *state = g_task_get_task_data (task);
  guint remaining = state->to_fetch->len - state->next_fetch;
  const gint64 *ids = &g_array_index (state->to_fetch, gint64, state->next_fetch);
  guint n;

  n = state->context.batch_size ? MIN (state->context.batch_size, remaining) : remaining;
  if (state->flights != NULL)
    state->flight = flight_new (state->flights, state->context.store,
                                state->context.priority, ids, n);

  state->busy = TRUE;
  state->result->provider_calls++;
  if (state->context.lookahead)
    kz_provider_fetch_lookahead_async (state->context.provider, ids, n,
                                       state->context.priority,
                                       g_task_get_cancellable (task),
                                       fetch_done,
                                       task);
  else
    kz_provider_fetch_async (state->context.provider, ids, n,
                             state->context.priority,
                             g_task_get_cancellable (task),
                             fetch_done,
                             task);
  state->next_fetch += n;
}

/* Sends the next batch, or answers once nothing is left to fetch or to
 * wait for. Consumes a reference on @task. */
static void
advance (GTask *task)
{
  ResolveData *state = g_task_get_task_data (task);

  if (state->returned || state->busy || state->n_joined > 0)
    {
      g_object_unref (task);
      return;
    }

  if (state->result->provider_error == NULL &&
      state->next_fetch < state->to_fetch->len &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      start_fetch (task);
      return;
    }

  finish (task);
  g_object_unref (task);
}

/* Waits for another resolver's fetch of @id, or takes what one that
 * landed after our library read brought; FALSE when we must fetch it. */
static gboolean
claim_from_flights (ResolveData *state,
                    gint64      *id,
                    GTask       *task)
{
  Flight *flight = g_hash_table_lookup (state->flights->by_id, id);

  /* What another library saved is not in ours. */
  if (flight == NULL || flight->store != state->context.store)
    return FALSE;

  if (flight->landed_gen == 0)
    {
      /* Waiting behind background work would slow the person down. */
      if (flight->priority > state->context.priority)
        return FALSE;

      if (!g_ptr_array_find (flight->waiters, task, NULL))
        {
          g_ptr_array_add (flight->waiters, g_object_ref (task));
          state->n_joined++;
        }
      g_hash_table_add (state->awaited, id);
      return TRUE;
    }

  if (flight->landed_gen > state->read_gen)
    {
      for (guint i = 0; i < flight->entries->len; i++)
        {
          KzEntry *entry = g_ptr_array_index (flight->entries, i);

          if (entry->id == *id)
            index_entry (state->fetched, entry);
        }
      return TRUE;
    }

  return FALSE;
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
      state->returned = TRUE;
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

  if (may_fetch && state->flights != NULL)
    flight_table_expire (state->flights);

  if (may_fetch)
    for (guint i = 0; i < state->ids->len; i++)
      {
        gint64 *id = &g_array_index (state->ids, gint64, i);

        if (g_hash_table_contains (fresh, id) ||
            (state->flights != NULL && claim_from_flights (state, id, task)))
          continue;
        g_array_append_val (state->to_fetch, *id);
      }

  advance (g_steal_pointer (&task));
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
  state->result->hints = g_array_new (FALSE, FALSE, sizeof (KzRelationHint));
  state->awaited = g_hash_table_new (g_int64_hash, g_int64_equal);
  state->flights = flight_table_get (state->context.provider);
  if (state->flights != NULL)
    state->read_gen = state->flights->generation;

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
