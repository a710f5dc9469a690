/* kz-jikan-provider.c: Jikan as a KzProvider, and its one-anime lookup
 *
 * Each request waits for a token from the rate limiter, is sent with
 * libsoup, read up to a size cap and parsed in a worker thread. A 429
 * pauses the whole limiter and the request goes again, a few times at
 * most.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-jikan"

#include "config.h"

#include "kz-jikan-provider.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "kz-jikan-parser.h"

#define DEFAULT_TIMEOUT_SECONDS    20
#define DEFAULT_MAX_RETRY_WAIT     30
/* A 429 that does not say how long to wait */
#define DEFAULT_PAUSE_SECONDS      3
#define MAX_RATE_LIMIT_RETRIES     3
#define MAX_PAUSE_SECONDS          (60 * 60)
/* A full anime answer is some tens of kilobytes */
#define MAX_RESPONSE_SIZE          ((gsize) 2 * 1024 * 1024)
#define READ_CHUNK_SIZE            (64 * 1024)
#define MAX_SEARCH_LIMIT           25
#define USER_AGENT                 PACKAGE_NAME "/" PACKAGE_VERSION " (+" PACKAGE_URL ")"

/* libsoup 3.2 has no name for it */
#define HTTP_TOO_MANY_REQUESTS     429

struct _KzJikanProvider
{
  GObject        parent_instance;

  char          *endpoint;     /* ends with a slash */
  SoupSession   *session;
  KzRateLimiter *limiter;
  guint          timeout;
  guint          max_retry_wait;

  guint64        requests_sent;
  guint64        rate_limited;
  guint64        failures;
  guint64        not_modified;
  char          *last_error;
};

static void kz_jikan_provider_iface_init (KzProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KzJikanProvider, kz_jikan_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KZ_TYPE_PROVIDER,
                                                      kz_jikan_provider_iface_init))

typedef enum {
  REQUEST_LOOKUP,
  REQUEST_SEARCH,
} RequestKind;

/* The task data of one request, re-sent after a 429. The task's own
 * reference is held by the request chain until it returns. */
typedef struct {
  RequestKind   kind;
  char         *path;          /* relative to the endpoint */
  char         *etag;
  KzPriority    priority;
  guint         n_rate_retries;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *received;
  guint         status;
  char         *response_etag;
} Request;

void
kz_jikan_lookup_free (KzJikanLookup *lookup)
{
  if (lookup == NULL)
    return;

  g_clear_object (&lookup->entry);
  g_free (lookup->etag);
  g_free (lookup);
}

static void
request_reset_transfer (Request *request)
{
  if (request->stream != NULL)
    {
      /* Asynchronous: closing an unread body would otherwise skip the
       * rest of it with blocking reads. */
      if (!g_input_stream_is_closed (request->stream))
        g_input_stream_close_async (request->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&request->stream);
    }
  g_clear_object (&request->message);
  g_clear_pointer (&request->received, g_byte_array_unref);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  request_reset_transfer (request);
  g_free (request->path);
  g_free (request->etag);
  g_free (request->response_etag);
  g_free (request);
}

static void request_start (GTask *task);

/* Completion; drops the chain's reference to the task. */

static void
request_return_error (GTask  *task,
                      GError *error)
{
  KzJikanProvider *self = g_task_get_source_object (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->failures++;
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      g_debug ("Request failed: %s", error->message);
    }

  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
request_return_lookup (GTask         *task,
                       KzJikanLookup *lookup)
{
  g_task_return_pointer (task, lookup, (GDestroyNotify) kz_jikan_lookup_free);
  g_object_unref (task);
}

/* Errors */

static GError *
transport_error (KzJikanProvider *self,
                 GError          *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    mapped = g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TIMEOUT,
                          _("Jikan did not answer within %u s"), self->timeout);
  else
    mapped = g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK,
                          _("Cannot reach Jikan at %s: %s"), self->endpoint, error->message);

  g_error_free (error);
  return mapped;
}

static GError *
too_large_error (void)
{
  g_autofree char *limit = g_format_size (MAX_RESPONSE_SIZE);

  return g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TOO_LARGE,
                      _("Jikan's answer is larger than the %s limit"), limit);
}

static GError *
rate_limited_error (gint64 seconds)
{
  return g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED,
                      _("Jikan is rate limiting requests; retry in %" PRId64 " s"),
                      seconds);
}

/* Rate limiting */

/* Retry-After as seconds or as a date; a default when absent. */
static gint64
pause_seconds (SoupMessage *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *retry_after = soup_message_headers_get_one (headers, "Retry-After");
  gint64 seconds;

  if (retry_after == NULL)
    return DEFAULT_PAUSE_SECONDS;

  if (g_ascii_string_to_signed (retry_after, 10, 0, G_MAXINT64, &seconds, NULL))
    return CLAMP (seconds, 1, MAX_PAUSE_SECONDS);

  {
    g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (retry_after);

    if (date != NULL)
      return CLAMP (g_date_time_to_unix (date) - g_get_real_time () / G_USEC_PER_SEC,
                    1, MAX_PAUSE_SECONDS);
  }

  return DEFAULT_PAUSE_SECONDS;
}

/* A 429: the whole queue waits, then this request goes again. */
static void
request_rate_limited (GTask *task)
{
  KzJikanProvider *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  gint64 wait = pause_seconds (request->message);

  self->rate_limited++;
  kz_rate_limiter_pause_until (self->limiter, g_get_monotonic_time () + wait * G_USEC_PER_SEC);

  if (wait > (gint64) self->max_retry_wait || request->n_rate_retries >= MAX_RATE_LIMIT_RETRIES)
    {
      request_return_error (task, rate_limited_error (wait));
      return;
    }

  g_debug ("Rate limited; retrying in %" G_GINT64_FORMAT " s", wait);
  request->n_rate_retries++;
  request_reset_transfer (request);
  request_start (task);
}

/* Parsing, off the main thread */

static void
parse_in_thread (GTask        *parse_task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GTask *task = task_data;
  Request *request = g_task_get_task_data (task);
  const char *body = (const char *) request->received->data;
  gsize length = request->received->len;
  GError *error = NULL;

  if (request->kind == REQUEST_SEARCH)
    {
      GPtrArray *entries = kz_jikan_parse_search_response (request->status, body, length, &error);

      if (entries != NULL)
        g_task_return_pointer (parse_task, entries, (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (parse_task, error);
    }
  else
    {
      KzEntry *entry = kz_jikan_parse_anime_response (request->status, body, length, &error);

      if (entry != NULL)
        g_task_return_pointer (parse_task, entry, g_object_unref);
      else
        g_task_return_error (parse_task, error);
    }
}

static void
on_parsed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer parsed;

  parsed = g_task_propagate_pointer (G_TASK (result), &error);
  if (parsed == NULL)
    {
      request_return_error (task, error);
      return;
    }

  if (request->kind == REQUEST_SEARCH)
    {
      g_task_return_pointer (task, parsed, (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
    }
  else
    {
      KzJikanLookup *lookup = g_new0 (KzJikanLookup, 1);

      lookup->entry = parsed;
      lookup->etag = g_strdup (request->response_etag);
      request_return_lookup (task, lookup);
    }
}

static void
request_received (GTask *task)
{
  g_autoptr(GTask) parse_task = NULL;

  parse_task = g_task_new (NULL, g_task_get_cancellable (task), on_parsed, task);
  g_task_set_source_tag (parse_task, request_received);
  g_task_set_task_data (parse_task, task, NULL);
  g_task_run_in_thread (parse_task, parse_in_thread);
}

/* Transfer */

static void request_read_next (GTask *task);

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  KzJikanProvider *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      request_return_error (task, transport_error (self, error));
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      request_received (task);
      return;
    }

  if (size > MAX_RESPONSE_SIZE - MIN (request->received->len, MAX_RESPONSE_SIZE))
    {
      request_return_error (task, too_large_error ());
      return;
    }

  g_byte_array_append (request->received, g_bytes_get_data (bytes, NULL), size);
  request_read_next (task);
}

static void
request_read_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  KzJikanProvider *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      request_return_error (task, transport_error (self, error));
      return;
    }

  request->status = soup_message_get_status (request->message);
  headers = soup_message_get_response_headers (request->message);
  g_free (request->response_etag);
  request->response_etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));

  if (request->status == SOUP_STATUS_NOT_MODIFIED && request->kind == REQUEST_LOOKUP)
    {
      KzJikanLookup *lookup = g_new0 (KzJikanLookup, 1);

      self->not_modified++;
      lookup->not_modified = TRUE;
      lookup->etag = g_strdup (request->response_etag ? request->response_etag : request->etag);
      request_reset_transfer (request);
      request_return_lookup (task, lookup);
      return;
    }

  if (request->status == HTTP_TOO_MANY_REQUESTS)
    {
      request_rate_limited (task);
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) MAX_RESPONSE_SIZE)
    {
      request_return_error (task, too_large_error ());
      return;
    }

  request->received = g_byte_array_new ();
  request_read_next (task);
}

static void
request_send (GTask *task)
{
  KzJikanProvider *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *uri = g_strconcat (self->endpoint, request->path, NULL);
  SoupMessageHeaders *headers;

  request->message = soup_message_new (SOUP_METHOD_GET, uri);
  if (request->message == NULL)
    {
      request_return_error (task, g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY,
                                               _("“%s” is not a web address Jikan can answer"),
                                               uri));
      return;
    }

  /* A redirect could lead off the endpoint that was checked */
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (request->etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", request->etag);

  g_debug ("GET %s%s", uri, request->etag ? " (revalidating)" : "");

  self->requests_sent++;
  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_sent, task);
}

static void
on_token (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!kz_rate_limiter_acquire_finish (KZ_RATE_LIMITER (object), result, &error) ||
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      request_return_error (task, error);
      return;
    }

  request_send (task);
}

static void
request_start (GTask *task)
{
  KzJikanProvider *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 paused_for;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      request_return_error (task, error);
      return;
    }

  /* Do not queue behind a pause longer than anyone would wait */
  paused_for = kz_rate_limiter_get_paused_until (self->limiter) - g_get_monotonic_time ();
  if (paused_for > (gint64) self->max_retry_wait * G_USEC_PER_SEC)
    {
      request_return_error (task, rate_limited_error ((paused_for + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
      return;
    }

  kz_rate_limiter_acquire_async (self->limiter, request->priority, g_task_get_cancellable (task),
                                 on_token, task);
}

/* Starts @request in a task of its own; the chain holds the task. */
static void
request_run (KzJikanProvider     *self,
             Request             *request,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, request_free);
  request_start (task);
}

/* Lookups */

void
kz_jikan_provider_lookup_async (KzJikanProvider     *self,
                                gint64               mal_id,
                                const char          *etag,
                                KzPriority           priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Request *request;

  g_return_if_fail (KZ_IS_JIKAN_PROVIDER (self));
  g_return_if_fail (mal_id > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->kind = REQUEST_LOOKUP;
  request->path = g_strdup_printf ("anime/%" G_GINT64_FORMAT "/full", mal_id);
  request->etag = etag != NULL && *etag != '\0' ? g_strdup (etag) : NULL;
  request->priority = priority;

  request_run (self, request, kz_jikan_provider_lookup_async, cancellable, callback, user_data);
}

/**
 * kz_jikan_provider_lookup_finish:
 *
 * Returns: (transfer full): the anime, or "not modified"; an unknown id
 *   fails with KZ_PROVIDER_ERROR_NOT_FOUND.
 */
KzJikanLookup *
kz_jikan_provider_lookup_finish (KzJikanProvider  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (KZ_IS_JIKAN_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_jikan_provider_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* KzProvider: fetch, one lookup per id, all behind the limiter */

typedef struct {
  GPtrArray    *entries;
  guint         n_pending;
  GError       *error;
  GCancellable *cancellable;   /* ours: the first failure stops the rest */
  GCancellable *caller;
  gulong        caller_id;
} FetchOp;

static void
fetch_op_free (gpointer data)
{
  FetchOp *op = data;

  if (op->caller_id != 0)
    g_cancellable_disconnect (op->caller, op->caller_id);
  g_clear_object (&op->caller);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->entries, g_ptr_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
fetch_op_complete (GTask *task)
{
  FetchOp *op = g_task_get_task_data (task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->entries), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_fetch_one (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchOp *op = g_task_get_task_data (task);
  g_autoptr(KzJikanLookup) lookup = NULL;
  GError *error = NULL;

  lookup = kz_jikan_provider_lookup_finish (KZ_JIKAN_PROVIDER (object), result, &error);

  if (lookup != NULL && lookup->entry != NULL)
    g_ptr_array_add (op->entries, g_object_ref (lookup->entry));
  else if (g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND))
    g_clear_error (&error);   /* ids that do not exist are left out */
  else if (error != NULL && op->error == NULL)
    {
      op->error = g_steal_pointer (&error);
      g_cancellable_cancel (op->cancellable);
    }
  g_clear_error (&error);

  if (--op->n_pending == 0)
    fetch_op_complete (task);
}

static void
kz_jikan_provider_fetch_async (KzProvider          *provider,
                               const gint64        *ids,
                               guint                n_ids,
                               KzPriority           priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  KzJikanProvider *self = KZ_JIKAN_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  FetchOp *op = g_new0 (FetchOp, 1);

  g_task_set_source_tag (task, kz_jikan_provider_fetch_async);
  g_task_set_task_data (task, op, fetch_op_free);
  op->entries = g_ptr_array_new_with_free_func (g_object_unref);
  op->cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      op->caller = g_object_ref (cancellable);
      op->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                             g_object_ref (op->cancellable), g_object_unref);
    }

  /* Counted up front, so that a lookup failing at once cannot complete
   * the operation before the others are started. */
  op->n_pending = 1;
  for (guint i = 0; i < n_ids; i++)
    {
      if (ids[i] <= 0 || g_hash_table_contains (seen, &ids[i]))
        continue;
      g_hash_table_add (seen, (gpointer) &ids[i]);

      op->n_pending++;
      kz_jikan_provider_lookup_async (self, ids[i], NULL, priority, op->cancellable,
                                      on_fetch_one, g_object_ref (task));
    }

  if (--op->n_pending == 0)
    fetch_op_complete (task);
}

static GPtrArray *
kz_jikan_provider_fetch_finish (KzProvider    *provider,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_jikan_provider_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* KzProvider: search, safe for work only */

static void
kz_jikan_provider_search_async (KzProvider          *provider,
                                const char          *text,
                                guint                limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  KzJikanProvider *self = KZ_JIKAN_PROVIDER (provider);
  g_autofree char *query = g_uri_escape_string (text, NULL, FALSE);
  Request *request = g_new0 (Request, 1);

  request->kind = REQUEST_SEARCH;
  request->path = g_strdup_printf ("anime?q=%s&limit=%u&sfw=true",
                                   query, CLAMP (limit, 1, MAX_SEARCH_LIMIT));
  request->priority = KZ_PRIORITY_USER;

  request_run (self, request, kz_jikan_provider_search_async, cancellable, callback, user_data);
}

static GPtrArray *
kz_jikan_provider_search_finish (KzProvider    *provider,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_jikan_provider_search_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
kz_jikan_provider_get_name (KzProvider *provider)
{
  return "Jikan";
}

static void
kz_jikan_provider_get_stats (KzProvider      *provider,
                             KzProviderStats *stats)
{
  KzJikanProvider *self = KZ_JIKAN_PROVIDER (provider);
  gint64 paused_until = kz_rate_limiter_get_paused_until (self->limiter);

  stats->requests_sent = self->requests_sent;
  stats->requests_waiting = kz_rate_limiter_get_n_waiting (self->limiter);
  stats->rate_limited = self->rate_limited;
  stats->failures = self->failures;
  stats->wait_usec = kz_rate_limiter_get_wait_usec (self->limiter);
  stats->paused_until = paused_until > g_get_monotonic_time () ? paused_until : 0;
  stats->last_error = g_strdup (self->last_error);
}

static void
kz_jikan_provider_iface_init (KzProviderInterface *iface)
{
  iface->get_name = kz_jikan_provider_get_name;
  iface->fetch_async = kz_jikan_provider_fetch_async;
  iface->fetch_finish = kz_jikan_provider_fetch_finish;
  iface->search_async = kz_jikan_provider_search_async;
  iface->search_finish = kz_jikan_provider_search_finish;
  iface->get_stats = kz_jikan_provider_get_stats;
}

/* The object */

static void
kz_jikan_provider_dispose (GObject *object)
{
  KzJikanProvider *self = (KzJikanProvider *)object;

  /* Every request holds the provider: none is left by now. */
  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (kz_jikan_provider_parent_class)->dispose (object);
}

static void
kz_jikan_provider_finalize (GObject *object)
{
  KzJikanProvider *self = (KzJikanProvider *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->limiter);
  g_free (self->endpoint);
  g_free (self->last_error);

  G_OBJECT_CLASS (kz_jikan_provider_parent_class)->finalize (object);
}

static void
kz_jikan_provider_class_init (KzJikanProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_jikan_provider_dispose;
  object_class->finalize = kz_jikan_provider_finalize;
}

static void
kz_jikan_provider_init (KzJikanProvider *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->max_retry_wait = DEFAULT_MAX_RETRY_WAIT;
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT,
                                                 "timeout", self->timeout,
                                                 NULL);
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
static gboolean
check_endpoint (const char  *endpoint,
                GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (endpoint, SOUP_HTTP_URI_FLAGS, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE,
                   _("“%s” is not a web address Kizuna can use for Jikan"), endpoint);
      return FALSE;
    }

  if (g_ascii_strcasecmp (scheme, "https") == 0 ||
      (g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (host)))
    return TRUE;

  g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE,
               _("Refusing to talk to %s without encryption: use an https:// address "
                 "(plain http is only allowed to this computer)"), endpoint);
  return FALSE;
}

KzJikanProvider *
kz_jikan_provider_new (const char     *endpoint,
                       KzRateLimiter  *limiter,
                       GError        **error)
{
  KzJikanProvider *self;

  g_return_val_if_fail (!limiter || KZ_IS_RATE_LIMITER (limiter), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (endpoint == NULL)
    endpoint = g_getenv ("KIZUNA_JIKAN_URL");
  if (endpoint == NULL || *endpoint == '\0')
    endpoint = KZ_JIKAN_DEFAULT_ENDPOINT;

  if (!check_endpoint (endpoint, error))
    return NULL;

  self = g_object_new (KZ_TYPE_JIKAN_PROVIDER, NULL);
  self->endpoint = g_str_has_suffix (endpoint, "/") ? g_strdup (endpoint)
                                                    : g_strconcat (endpoint, "/", NULL);
  self->limiter = limiter != NULL ? g_object_ref (limiter)
                                  : kz_rate_limiter_new (KZ_JIKAN_DEFAULT_RPM, KZ_JIKAN_DEFAULT_BURST);

  return self;
}

const char *
kz_jikan_provider_get_endpoint (KzJikanProvider *self)
{
  g_return_val_if_fail (KZ_IS_JIKAN_PROVIDER (self), NULL);
  return self->endpoint;
}

KzRateLimiter *
kz_jikan_provider_get_rate_limiter (KzJikanProvider *self)
{
  g_return_val_if_fail (KZ_IS_JIKAN_PROVIDER (self), NULL);
  return self->limiter;
}

/* Seconds of silence before a request fails with
 * KZ_PROVIDER_ERROR_TIMEOUT; 0 waits for ever. */
void
kz_jikan_provider_set_timeout (KzJikanProvider *self,
                               guint            seconds)
{
  g_return_if_fail (KZ_IS_JIKAN_PROVIDER (self));

  self->timeout = seconds;
  g_object_set (self->session, "timeout", seconds, NULL);
}

/* The longest 429 pause worth waiting out; longer ones fail at once
 * with KZ_PROVIDER_ERROR_RATE_LIMITED. */
void
kz_jikan_provider_set_max_retry_wait (KzJikanProvider *self,
                                      guint            seconds)
{
  g_return_if_fail (KZ_IS_JIKAN_PROVIDER (self));
  self->max_retry_wait = seconds;
}

guint64
kz_jikan_provider_get_n_not_modified (KzJikanProvider *self)
{
  g_return_val_if_fail (KZ_IS_JIKAN_PROVIDER (self), 0);
  return self->not_modified;
}
