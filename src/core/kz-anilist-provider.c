/* kz-anilist-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-anilist"

#include "config.h"

#include <libsoup/soup.h>

#include "kz-anilist-provider.h"
#include "kz-anilist-parser.h"
#include "kz-anilist-query.h"

#define DEFAULT_TIMEOUT_SECONDS    20
#define DEFAULT_MAX_RESPONSE_SIZE  ((gsize) 8 * 1024 * 1024)
#define DEFAULT_MAX_RETRY_WAIT     65
#define MAX_RATE_LIMIT_RETRIES     3
/* AniList's rate-limit window, used when a 429 says nothing more */
#define RATE_LIMIT_WINDOW_SECONDS  60
#define READ_CHUNK_SIZE            (64 * 1024)
/* No sane server asks for more; keeps the arithmetic in range */
#define MAX_PAUSE_SECONDS          (24 * 60 * 60)
#define USER_AGENT                 PACKAGE_NAME "/" PACKAGE_VERSION " (+" PACKAGE_URL ")"

struct _KzAniListProvider
{
  GObject        parent_instance;

  char          *endpoint;
  GUri          *uri;
  KzRateLimiter *limiter;
  SoupSession   *session;

  /* GCancellable of every operation in flight, cancelled on dispose */
  GHashTable    *operations;

  gsize          max_response_size;
  guint          max_retry_wait;
  guint          timeout;

  guint64        requests_sent;
  guint64        rate_limited;
  guint64        failures;
  char          *last_error;
};

static void kz_anilist_provider_iface_init (KzProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KzAniListProvider, kz_anilist_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KZ_TYPE_PROVIDER,
                                                      kz_anilist_provider_iface_init))

/* One fetch or search. Its batches run side by side and share one
 * cancellable, so that the first failure stops the others. */
typedef struct {
  GCancellable *cancellable;
  GSource      *caller_cancelled;
  GPtrArray    *entries;
  GError       *error;
  KzPriority    priority;
  guint         n_pending;
} Operation;

/* One request body, sent (and re-sent after a 429) until it succeeds,
 * is split in two, or fails. */
typedef struct {
  GTask        *operation;
  gint64       *ids;          /* NULL for a search */
  guint         n_ids;
  GBytes       *body;
  guint         n_rate_retries;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *received;
} Batch;

typedef struct {
  guint   status;
  GBytes *body;
} ParseData;

static void batch_start (Batch *batch);

static void
operation_free (gpointer data)
{
  Operation *op = data;

  if (op->caller_cancelled != NULL)
    {
      g_source_destroy (op->caller_cancelled);
      g_source_unref (op->caller_cancelled);
    }
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->entries, g_ptr_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

static void
parse_data_free (gpointer data)
{
  ParseData *parse = data;

  g_clear_pointer (&parse->body, g_bytes_unref);
  g_free (parse);
}

static void
batch_reset_transfer (Batch *batch)
{
  if (batch->stream != NULL)
    {
      /* Asynchronous: closing a body that was not read to the end would
       * otherwise skip the rest of it with blocking reads. */
      if (!g_input_stream_is_closed (batch->stream))
        g_input_stream_close_async (batch->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&batch->stream);
    }
  g_clear_object (&batch->message);
  g_clear_pointer (&batch->received, g_byte_array_unref);
}

static void
batch_free (Batch *batch)
{
  batch_reset_transfer (batch);
  g_clear_object (&batch->operation);
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_free (batch->ids);
  g_free (batch);
}

static Batch *
batch_new_for_ids (GTask        *operation,
                   const gint64 *ids,
                   guint         n_ids)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->operation = g_object_ref (operation);
  batch->ids = g_memdup2 (ids, sizeof *ids * n_ids);
  batch->n_ids = n_ids;
  batch->body = kz_anilist_query_by_ids (ids, n_ids);

  return batch;
}

static Operation *
batch_get_operation (Batch *batch)
{
  return g_task_get_task_data (batch->operation);
}

static KzAniListProvider *
batch_get_provider (Batch *batch)
{
  return g_task_get_source_object (batch->operation);
}

static void
operation_complete (GTask *task)
{
  KzAniListProvider *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);

  g_hash_table_remove (self->operations, op->cancellable);
  if (op->caller_cancelled != NULL)
    {
      g_source_destroy (op->caller_cancelled);
      g_clear_pointer (&op->caller_cancelled, g_source_unref);
    }

  if (op->error != NULL)
    {
      if (!g_error_matches (op->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->failures++;
          g_free (self->last_error);
          self->last_error = g_strdup (op->error->message);
          g_debug ("Request failed: %s", op->error->message);
        }
      g_task_return_error (task, g_steal_pointer (&op->error));
    }
  else
    {
      g_task_return_pointer (task, g_steal_pointer (&op->entries),
                             (GDestroyNotify) g_ptr_array_unref);
    }
}

/* The batch is done with, successfully or not. */
static void
batch_finish (Batch *batch)
{
  g_autoptr(GTask) task = g_object_ref (batch->operation);
  Operation *op = batch_get_operation (batch);

  batch_free (batch);

  g_assert (op->n_pending > 0);
  if (--op->n_pending == 0)
    operation_complete (task);
}

static void
batch_fail (Batch  *batch,
            GError *error)
{
  Operation *op = batch_get_operation (batch);

  if (op->error == NULL)
    op->error = error;
  else
    g_error_free (error);

  /* Stops the other batches, and this one's transfer */
  g_cancellable_cancel (op->cancellable);
  batch_finish (batch);
}

static GError *
transport_error (KzAniListProvider *self,
                 GError            *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    mapped = g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TIMEOUT,
                          "AniList did not answer within %u s", self->timeout);
  else
    mapped = g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK,
                          "Cannot reach AniList at %s: %s",
                          self->endpoint, error->message);

  g_error_free (error);
  return mapped;
}

static GError *
too_large_error (KzAniListProvider *self)
{
  g_autofree char *limit = g_format_size (self->max_response_size);

  return g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TOO_LARGE,
                      "AniList's answer is larger than the %s limit", limit);
}

static GError *
rate_limited_error (gint64 seconds)
{
  return g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED,
                      "AniList is rate limiting requests; retry in %" G_GINT64_FORMAT " s",
                      seconds);
}

static gboolean
parse_seconds (const char *text,
               gint64     *out)
{
  return text != NULL &&
         g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL);
}

/* How long a 429 asks us to wait: Retry-After (seconds or a date), else
 * X-RateLimit-Reset (Unix time), else AniList's one-minute window. */
static gint64
rate_limit_wait_seconds (SoupMessage *message)
{
  SoupMessageHeaders *headers;
  const char *retry_after;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 value;

  if (message == NULL)
    return RATE_LIMIT_WINDOW_SECONDS;

  headers = soup_message_get_response_headers (message);
  retry_after = soup_message_headers_get_one (headers, "Retry-After");

  if (parse_seconds (retry_after, &value))
    return MAX (value, 1);

  if (retry_after != NULL)
    {
      g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (retry_after);

      if (date != NULL)
        return MAX (g_date_time_to_unix (date) - now, 1);
    }

  if (parse_seconds (soup_message_headers_get_one (headers, "X-RateLimit-Reset"), &value))
    return MAX (value - now, 1);

  return RATE_LIMIT_WINDOW_SECONDS;
}

static void
provider_pause (KzAniListProvider *self,
                gint64             seconds)
{
  seconds = CLAMP (seconds, 0, MAX_PAUSE_SECONDS);

  if (self->limiter != NULL)
    kz_rate_limiter_pause_until (self->limiter,
                                 g_get_monotonic_time () + seconds * G_USEC_PER_SEC);
}

/* A 429: the whole queue waits, then this batch goes again. */
static void
batch_rate_limited (Batch *batch)
{
  KzAniListProvider *self = batch_get_provider (batch);
  gint64 wait = rate_limit_wait_seconds (batch->message);

  wait = CLAMP (wait, 1, MAX_PAUSE_SECONDS);
  self->rate_limited++;
  provider_pause (self, wait);

  if (wait > self->max_retry_wait || batch->n_rate_retries >= MAX_RATE_LIMIT_RETRIES)
    {
      batch_fail (batch, rate_limited_error (wait));
      return;
    }

  g_debug ("Rate limited; retrying in %" G_GINT64_FORMAT " s (attempt %u)",
           wait, batch->n_rate_retries + 2);

  batch->n_rate_retries++;
  batch_reset_transfer (batch);
  batch_start (batch);
}

/* Too complex a query: two halves are cheaper. */
static void
batch_split (Batch *batch)
{
  Operation *op = batch_get_operation (batch);
  guint half = batch->n_ids / 2;
  Batch *first = batch_new_for_ids (batch->operation, batch->ids, half);
  Batch *second = batch_new_for_ids (batch->operation, batch->ids + half, batch->n_ids - half);

  g_debug ("Query too complex for %u ids; splitting", batch->n_ids);

  op->n_pending += 2;
  batch_start (first);
  batch_start (second);
  batch_finish (batch);
}

/* Before AniList cuts us off, not after. */
static void
note_remaining_requests (KzAniListProvider *self,
                         SoupMessage       *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  gint64 remaining;
  gint64 reset;
  gint64 wait = RATE_LIMIT_WINDOW_SECONDS;

  if (!parse_seconds (soup_message_headers_get_one (headers, "X-RateLimit-Remaining"), &remaining) ||
      remaining > 0)
    return;

  if (parse_seconds (soup_message_headers_get_one (headers, "X-RateLimit-Reset"), &reset))
    wait = reset - g_get_real_time () / G_USEC_PER_SEC;

  wait = CLAMP (wait, 1, (gint64) self->max_retry_wait);
  g_debug ("No requests left in this window; pausing for %" G_GINT64_FORMAT " s", wait);
  provider_pause (self, wait);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ParseData *parse = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;
  const char *text;
  gsize length = 0;

  text = g_bytes_get_data (parse->body, &length);
  entries = kz_anilist_parse_response (parse->status, text ? text : "", length, &error);

  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_new_error (task, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                             "AniList sent an answer Kizuna cannot read");
}

static void
on_parsed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Batch *batch = user_data;
  Operation *op = batch_get_operation (batch);
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  entries = g_task_propagate_pointer (G_TASK (result), &error);

  if (entries == NULL)
    {
      if (g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED))
        {
          g_error_free (error);
          batch_rate_limited (batch);
        }
      else if (g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_COMPLEXITY) &&
               batch->n_ids > 1)
        {
          g_error_free (error);
          batch_split (batch);
        }
      else
        {
          batch_fail (batch, error);
        }
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (op->entries, g_object_ref (g_ptr_array_index (entries, i)));

  batch_finish (batch);
}

/* The whole body is in: JSON is parsed off the main thread. */
static void
batch_received (Batch *batch)
{
  KzAniListProvider *self = batch_get_provider (batch);
  Operation *op = batch_get_operation (batch);
  g_autoptr(GTask) task = NULL;
  ParseData *parse;
  guint status = soup_message_get_status (batch->message);

  note_remaining_requests (self, batch->message);

  /* Too Many Requests (libsoup has no name for it) */
  if (status == 429)
    {
      batch_rate_limited (batch);
      return;
    }

  parse = g_new0 (ParseData, 1);
  parse->status = status;
  parse->body = g_byte_array_free_to_bytes (g_steal_pointer (&batch->received));

  task = g_task_new (NULL, op->cancellable, on_parsed, batch);
  g_task_set_source_tag (task, batch_received);
  g_task_set_task_data (task, parse, parse_data_free);
  g_task_run_in_thread (task, parse_in_thread);
}

static void batch_read_next (Batch *batch);

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Batch *batch = user_data;
  KzAniListProvider *self = batch_get_provider (batch);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      batch_fail (batch, transport_error (self, error));
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      batch_received (batch);
      return;
    }

  if (size > self->max_response_size - MIN (batch->received->len, self->max_response_size))
    {
      batch_fail (batch, too_large_error (self));
      return;
    }

  g_byte_array_append (batch->received, g_bytes_get_data (bytes, NULL), size);
  batch_read_next (batch);
}

static void
batch_read_next (Batch *batch)
{
  Operation *op = batch_get_operation (batch);

  g_input_stream_read_bytes_async (batch->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   op->cancellable, on_read, batch);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Batch *batch = user_data;
  KzAniListProvider *self = batch_get_provider (batch);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  batch->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (batch->stream == NULL)
    {
      batch_fail (batch, transport_error (self, error));
      return;
    }

  headers = soup_message_get_response_headers (batch->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) MIN (self->max_response_size, G_MAXINT64))
    {
      batch_fail (batch, too_large_error (self));
      return;
    }

  batch->received = g_byte_array_new ();
  batch_read_next (batch);
}

static void
batch_send (Batch *batch)
{
  KzAniListProvider *self = batch_get_provider (batch);
  Operation *op = batch_get_operation (batch);
  SoupMessageHeaders *headers;

  batch->message = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  /* A redirect could lead off the endpoint that was checked */
  soup_message_add_flags (batch->message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (batch->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* AniList has refused requests without a Referer */
  soup_message_headers_replace (headers, "Referer", PACKAGE_URL);
  soup_message_set_request_body_from_bytes (batch->message, "application/json", batch->body);

  self->requests_sent++;
  soup_session_send_async (self->session, batch->message, G_PRIORITY_DEFAULT,
                           op->cancellable, on_sent, batch);
}

static void
on_token (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Batch *batch = user_data;
  Operation *op = batch_get_operation (batch);
  GError *error = NULL;

  if (!kz_rate_limiter_acquire_finish (KZ_RATE_LIMITER (object), result, &error) ||
      g_cancellable_set_error_if_cancelled (op->cancellable, &error))
    {
      batch_fail (batch, error);
      return;
    }

  batch_send (batch);
}

static void
batch_start (Batch *batch)
{
  KzAniListProvider *self = batch_get_provider (batch);
  Operation *op = batch_get_operation (batch);
  GError *error = NULL;
  gint64 paused_for;

  if (g_cancellable_set_error_if_cancelled (op->cancellable, &error))
    {
      batch_fail (batch, error);
      return;
    }

  /* Do not queue behind a pause longer than anyone would wait */
  paused_for = kz_rate_limiter_get_paused_until (self->limiter) - g_get_monotonic_time ();
  if (paused_for > (gint64) self->max_retry_wait * G_USEC_PER_SEC)
    {
      batch_fail (batch, rate_limited_error ((paused_for + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
      return;
    }

  kz_rate_limiter_acquire_async (self->limiter, op->priority, op->cancellable, on_token, batch);
}

static gboolean
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static GTask *
operation_new (KzAniListProvider   *self,
               KzPriority           priority,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Operation *op = g_new0 (Operation, 1);

  op->cancellable = g_cancellable_new ();
  op->entries = g_ptr_array_new_with_free_func (g_object_unref);
  op->priority = priority;
  g_task_set_task_data (task, op, operation_free);

  /* A source rather than a signal handler: the caller may cancel from any
   * thread, and the work is torn down on this context. */
  if (cancellable != NULL)
    {
      op->caller_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (op->caller_cancelled, G_SOURCE_FUNC (on_caller_cancelled),
                             g_object_ref (op->cancellable), g_object_unref);
      g_source_set_static_name (op->caller_cancelled, "[kizuna] AniList request cancelled");
      g_source_attach (op->caller_cancelled, g_main_context_get_thread_default ());
    }

  g_hash_table_add (self->operations, g_object_ref (op->cancellable));

  return task;
}

static void
operation_start (GTask *task,
                 Batch *batch)
{
  Operation *op = g_task_get_task_data (task);

  op->n_pending++;
  batch_start (batch);
}

static const char *
kz_anilist_provider_get_name (KzProvider *provider)
{
  return "AniList";
}

static void
kz_anilist_provider_fetch_async (KzProvider          *provider,
                                 const gint64        *ids,
                                 guint                n_ids,
                                 KzPriority           priority,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  KzAniListProvider *self = KZ_ANILIST_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) unique = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  Operation *op;

  task = operation_new (self, priority, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_anilist_provider_fetch_async);
  op = g_task_get_task_data (task);

  for (guint i = 0; i < n_ids; i++)
    {
      if (ids[i] <= 0 || g_hash_table_contains (seen, &ids[i]))
        continue;
      g_hash_table_add (seen, (gpointer) &ids[i]);
      g_array_append_val (unique, ids[i]);
    }

  if (unique->len == 0)
    {
      operation_complete (task);
      return;
    }

  /* Counted up front so that a batch failing at once cannot complete
   * the operation before the others are started. */
  op->n_pending++;
  for (guint start = 0; start < unique->len; start += KZ_ANILIST_MAX_PER_PAGE)
    {
      guint n = MIN (unique->len - start, KZ_ANILIST_MAX_PER_PAGE);

      operation_start (task, batch_new_for_ids (task, &g_array_index (unique, gint64, start), n));
    }
  if (--op->n_pending == 0)
    operation_complete (task);
}

static GPtrArray *
kz_anilist_provider_fetch_finish (KzProvider    *provider,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_anilist_provider_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kz_anilist_provider_search_async (KzProvider          *provider,
                                  const char          *text,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  KzAniListProvider *self = KZ_ANILIST_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  Batch *batch;

  task = operation_new (self, KZ_PRIORITY_USER, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_anilist_provider_search_async);

  batch = g_new0 (Batch, 1);
  batch->operation = g_object_ref (task);
  batch->body = kz_anilist_query_search (text, CLAMP (limit, 1, KZ_ANILIST_MAX_PER_PAGE));

  operation_start (task, batch);
}

static GPtrArray *
kz_anilist_provider_search_finish (KzProvider    *provider,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_anilist_provider_search_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kz_anilist_provider_get_stats (KzProvider      *provider,
                               KzProviderStats *stats)
{
  KzAniListProvider *self = KZ_ANILIST_PROVIDER (provider);
  gint64 paused_until = 0;

  if (self->limiter != NULL)
    {
      paused_until = kz_rate_limiter_get_paused_until (self->limiter);
      stats->requests_waiting = kz_rate_limiter_get_n_waiting (self->limiter);
      stats->wait_usec = kz_rate_limiter_get_wait_usec (self->limiter);
    }

  stats->requests_sent = self->requests_sent;
  stats->rate_limited = self->rate_limited;
  stats->failures = self->failures;
  stats->paused_until = paused_until > g_get_monotonic_time () ? paused_until : 0;
  stats->last_error = g_strdup (self->last_error);
}

static void
kz_anilist_provider_iface_init (KzProviderInterface *iface)
{
  iface->get_name = kz_anilist_provider_get_name;
  iface->fetch_async = kz_anilist_provider_fetch_async;
  iface->fetch_finish = kz_anilist_provider_fetch_finish;
  iface->search_async = kz_anilist_provider_search_async;
  iface->search_finish = kz_anilist_provider_search_finish;
  iface->get_stats = kz_anilist_provider_get_stats;
}

static void
kz_anilist_provider_dispose (GObject *object)
{
  KzAniListProvider *self = (KzAniListProvider *)object;
  g_autoptr(GPtrArray) cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer cancellable;

  /* Copied first: a cancelled operation may complete, and leave the
   * table, while we go through it */
  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, &cancellable, NULL))
    g_ptr_array_add (cancellables, g_object_ref (cancellable));

  for (guint i = 0; i < cancellables->len; i++)
    g_cancellable_cancel (g_ptr_array_index (cancellables, i));

  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (kz_anilist_provider_parent_class)->dispose (object);
}

static void
kz_anilist_provider_finalize (GObject *object)
{
  KzAniListProvider *self = (KzAniListProvider *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->limiter);
  g_clear_pointer (&self->operations, g_hash_table_unref);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->endpoint);
  g_free (self->last_error);

  G_OBJECT_CLASS (kz_anilist_provider_parent_class)->finalize (object);
}

static void
kz_anilist_provider_class_init (KzAniListProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_anilist_provider_dispose;
  object_class->finalize = kz_anilist_provider_finalize;
}

static void
kz_anilist_provider_init (KzAniListProvider *self)
{
  self->operations = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->max_response_size = DEFAULT_MAX_RESPONSE_SIZE;
  self->max_retry_wait = DEFAULT_MAX_RETRY_WAIT;
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT,
                                                 "timeout", self->timeout,
                                                 NULL);
}

static double
default_requests_per_minute (void)
{
  const char *env = g_getenv ("KIZUNA_ANILIST_RPM");
  double rpm;
  char *end = NULL;

  if (env == NULL || *env == '\0')
    return KZ_ANILIST_DEFAULT_RPM;

  rpm = g_ascii_strtod (env, &end);
  if (end == env || *end != '\0' || !(rpm > 0))
    {
      g_warning ("Ignoring KIZUNA_ANILIST_RPM=%s: not a positive number", env);
      return KZ_ANILIST_DEFAULT_RPM;
    }

  return rpm;
}

KzAniListProvider *
kz_anilist_provider_new (const char     *endpoint,
                         KzRateLimiter  *limiter,
                         GError        **error)
{
  KzAniListProvider *self;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (!limiter || KZ_IS_RATE_LIMITER (limiter), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (endpoint == NULL)
    endpoint = g_getenv ("KIZUNA_ANILIST_URL");
  if (endpoint == NULL || *endpoint == '\0')
    endpoint = KZ_ANILIST_DEFAULT_ENDPOINT;

  if (!kz_endpoint_is_acceptable (endpoint, error))
    return NULL;

  uri = g_uri_parse (endpoint, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;

  self = g_object_new (KZ_TYPE_ANILIST_PROVIDER, NULL);
  self->endpoint = g_strdup (endpoint);
  self->uri = g_steal_pointer (&uri);

  if (limiter != NULL)
    self->limiter = g_object_ref (limiter);
  else
    self->limiter = kz_rate_limiter_new (default_requests_per_minute (),
                                         KZ_ANILIST_DEFAULT_BURST);

  return self;
}

const char *
kz_anilist_provider_get_endpoint (KzAniListProvider *self)
{
  g_return_val_if_fail (KZ_IS_ANILIST_PROVIDER (self), NULL);
  return self->endpoint;
}

KzRateLimiter *
kz_anilist_provider_get_rate_limiter (KzAniListProvider *self)
{
  g_return_val_if_fail (KZ_IS_ANILIST_PROVIDER (self), NULL);
  return self->limiter;
}

/* Seconds of silence on the connection before a request fails with
 * KZ_PROVIDER_ERROR_TIMEOUT; 0 waits for ever. Applies to connections
 * opened from now on. */
void
kz_anilist_provider_set_timeout (KzAniListProvider *self,
                                 guint              seconds)
{
  g_return_if_fail (KZ_IS_ANILIST_PROVIDER (self));

  self->timeout = seconds;
  g_object_set (self->session, "timeout", seconds, NULL);
}

/* Larger answers fail with KZ_PROVIDER_ERROR_TOO_LARGE; 0 restores the
 * default. */
void
kz_anilist_provider_set_max_response_size (KzAniListProvider *self,
                                           gsize              bytes)
{
  g_return_if_fail (KZ_IS_ANILIST_PROVIDER (self));

  self->max_response_size = bytes > 0 ? bytes : DEFAULT_MAX_RESPONSE_SIZE;
}

/* The longest 429 pause worth waiting out; longer ones fail at once
 * with KZ_PROVIDER_ERROR_RATE_LIMITED. */
void
kz_anilist_provider_set_max_retry_wait (KzAniListProvider *self,
                                        guint              seconds)
{
  g_return_if_fail (KZ_IS_ANILIST_PROVIDER (self));

  self->max_retry_wait = seconds;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* https anywhere; plain http only to this machine, for tests and local
 * mirrors. */
gboolean
kz_endpoint_is_acceptable (const char  *uri,
                           GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (uri != NULL, FALSE);

  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE,
                   "“%s” is not a web address Kizuna can use for AniList", uri);
      return FALSE;
    }

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (host))
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE,
                 "Refusing to talk to %s without encryption: use an https:// address "
                 "(plain http is only allowed to this computer)", uri);
  else
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE,
                 "Cannot use “%s” for AniList: only https:// addresses are supported", uri);

  return FALSE;
}
