/* kz-shared-fetch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kz-shared-fetch.h"

typedef struct {
  gpointer        value;
  GDestroyNotify  value_free;
  KzResultFlags   flags;
} Result;

typedef struct {
  GTask  *task;
  gulong  cancel_handler;
} Waiter;

struct _KzSharedFetch
{
  gatomicrefcount ref_count;
  GHashTable   *fetches;      /* where it is listed while joinable */
  char         *key;
  GArray       *waiters;      /* Waiter */
  GCancellable *cancellable;  /* cancelled when every waiter is gone */
  gboolean      completed;
};

typedef struct {
  KzSharedFetch *fetch;
  GTask         *task;
} CancelledWaiter;

static KzSharedFetch *
fetch_ref (KzSharedFetch *fetch)
{
  g_atomic_ref_count_inc (&fetch->ref_count);
  return fetch;
}

static void
fetch_unref (KzSharedFetch *fetch)
{
  if (!g_atomic_ref_count_dec (&fetch->ref_count))
    return;

  g_assert (fetch->waiters->len == 0);
  g_hash_table_unref (fetch->fetches);
  g_array_unref (fetch->waiters);
  g_object_unref (fetch->cancellable);
  g_free (fetch->key);
  g_free (fetch);
}

static void
cancelled_waiter_free (gpointer data)
{
  CancelledWaiter *cancelled = data;

  fetch_unref (cancelled->fetch);
  g_object_unref (cancelled->task);
  g_free (cancelled);
}

static void
result_free (gpointer data)
{
  Result *result = data;

  if (result->value != NULL)
    result->value_free (result->value);
  g_free (result);
}

void
_kz_task_return_result (GTask          *task,
                        gpointer        value,
                        GDestroyNotify  value_free,
                        KzResultFlags   flags)
{
  Result *result = g_new0 (Result, 1);

  result->value = value;
  result->value_free = value_free;
  result->flags = flags;
  g_task_return_pointer (task, result, result_free);
}

gpointer
_kz_task_propagate_result (GAsyncResult   *async_result,
                           gpointer        source_tag,
                           KzResultFlags  *flags,
                           GError        **error)
{
  Result *result;
  gpointer value;

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (async_result)) == source_tag, NULL);

  if (flags != NULL)
    *flags = 0;

  if (!(result = g_task_propagate_pointer (G_TASK (async_result), error)))
    return NULL;

  if (flags != NULL)
    *flags = result->flags;
  value = g_steal_pointer (&result->value);
  result_free (result);

  return value;
}

static void
unlist (KzSharedFetch *fetch)
{
  if (g_hash_table_lookup (fetch->fetches, fetch->key) == fetch)
    g_hash_table_remove (fetch->fetches, fetch->key);
}

static void
detach_waiter (Waiter *waiter)
{
  if (waiter->cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (waiter->task), waiter->cancel_handler);
  waiter->cancel_handler = 0;
}

static gboolean
waiter_cancelled_cb (gpointer data)
{
  CancelledWaiter *cancelled = data;
  KzSharedFetch *fetch = cancelled->fetch;

  for (guint i = 0; i < fetch->waiters->len; i++)
    {
      Waiter *waiter = &g_array_index (fetch->waiters, Waiter, i);

      if (waiter->task != cancelled->task)
        continue;

      detach_waiter (waiter);
      g_task_return_new_error (waiter->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Operation was cancelled"));
      g_object_unref (waiter->task);
      g_array_remove_index (fetch->waiters, i);
      break;
    }

  /* Nobody waits any more: stop the work, and let a new request start
   * afresh rather than join a cancelled one. */
  if (fetch->waiters->len == 0 && !fetch->completed)
    {
      unlist (fetch);
      g_cancellable_cancel (fetch->cancellable);
    }

  return G_SOURCE_REMOVE;
}

/* May run in any thread, and inside g_cancellable_cancel() or _connect():
 * the work is always deferred to an idle on the task's context, where it
 * may disconnect handlers safely. The fetch may have completed by then. */
static void
waiter_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  CancelledWaiter *handler_data = data;
  CancelledWaiter *cancelled = g_new0 (CancelledWaiter, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  cancelled->fetch = fetch_ref (handler_data->fetch);
  cancelled->task = g_object_ref (handler_data->task);
  g_source_set_callback (source, waiter_cancelled_cb, cancelled, cancelled_waiter_free);
  g_source_set_static_name (source, "[kz] waiter cancelled");
  g_source_attach (source, g_task_get_context (cancelled->task));
}

static void
add_waiter (KzSharedFetch *fetch,
            GTask         *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  Waiter waiter = { g_object_ref (task), 0 };

  if (cancellable != NULL)
    {
      CancelledWaiter *cancelled = g_new0 (CancelledWaiter, 1);

      cancelled->fetch = fetch;
      cancelled->task = task;
      waiter.cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled),
                                                     cancelled, g_free);
    }

  g_array_append_val (fetch->waiters, waiter);
}

/* Returns the fetch in flight for @key with @task added to its waiters,
 * or a new one (*started set) that the caller must complete. */
KzSharedFetch *
_kz_shared_fetch_join (GHashTable *fetches,
                       const char *key,
                       GTask      *task,
                       gboolean   *started)
{
  KzSharedFetch *fetch;

  if ((fetch = g_hash_table_lookup (fetches, key)))
    {
      add_waiter (fetch, task);
      *started = FALSE;
      return fetch;
    }

  fetch = g_new0 (KzSharedFetch, 1);
  g_atomic_ref_count_init (&fetch->ref_count);
  fetch->fetches = g_hash_table_ref (fetches);
  fetch->key = g_strdup (key);
  fetch->waiters = g_array_new (FALSE, FALSE, sizeof (Waiter));
  fetch->cancellable = g_cancellable_new ();
  g_hash_table_insert (fetches, g_strdup (key), fetch);
  add_waiter (fetch, task);
  *started = TRUE;

  return fetch;
}

GCancellable *
_kz_shared_fetch_get_cancellable (KzSharedFetch *fetch)
{
  return fetch->cancellable;
}

/* Every waiter left gets the same answer; the fetch is freed. */
void
_kz_shared_fetch_complete (KzSharedFetch *fetch,
                           GObject       *value,
                           KzResultFlags  flags,
                           const GError  *error)
{
  unlist (fetch);
  fetch->completed = TRUE;

  for (guint i = 0; i < fetch->waiters->len; i++)
    {
      Waiter *waiter = &g_array_index (fetch->waiters, Waiter, i);

      detach_waiter (waiter);
      if (error != NULL)
        g_task_return_error (waiter->task, g_error_copy (error));
      else
        _kz_task_return_result (waiter->task, g_object_ref (value), g_object_unref, flags);
      g_object_unref (waiter->task);
    }
  g_array_set_size (fetch->waiters, 0);

  fetch_unref (fetch);
}
