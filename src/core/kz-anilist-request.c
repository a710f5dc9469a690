/* kz-anilist-request.c: one request's life
 *
 * A request waits for the rate limiter, is POSTed, has its body read up
 * to the size limit and parsed off the main thread. A 429 pauses the
 * whole queue and sends it again; a query AniList finds too complex is
 * split in two. A two-level query that is too complex is split to the
 * size AniList's error says would fit, and the provider keeps that size;
 * when not even a few ids would, the provider gives the form up and the
 * request goes again in one level. Its entries, or its error, go to the
 * operation it belongs to.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-anilist"

#include "config.h"

#include "kz-anilist-provider.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <libsoup/soup.h>

#include "kz-anilist-parser.h"
#include "kz-anilist-provider-private.h"
#include "kz-anilist-query.h"

#define MAX_RATE_LIMIT_RETRIES     3
/* AniList's rate-limit window, used when a 429 says nothing more */
#define RATE_LIMIT_WINDOW_SECONDS  60
#define READ_CHUNK_SIZE            (64 * 1024)
/* No sane server asks for more; keeps the arithmetic in range */
#define MAX_PAUSE_SECONDS          (24 * 60 * 60)
/* Fewer ids than this per two-level request are not worth a refusal
 * more: a chain needs two (one level and the next). */
#define MIN_LOOKAHEAD_IDS          2

/* One request body, sent (and re-sent after a 429) until it succeeds,
 * is split in two, or fails. */
typedef struct {
  GTask        *operation;
  gint64       *ids;          /* NULL for a search */
  guint         n_ids;
  gboolean      updated_only; /* the freshness check, not a fetch */
  gboolean      nested;       /* the two-level form */
  GBytes       *body;
  guint         n_rate_retries;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *received;
} Batch;

typedef struct {
  guint     status;
  GBytes   *body;
  gboolean  updated_only;
  GArray   *hints;   /* KzRelationHint, for a two-level answer only */
} ParseData;

static void batch_start (Batch *batch);

static void
parse_data_free (gpointer data)
{
  ParseData *parse = data;

  g_clear_pointer (&parse->body, g_bytes_unref);
  g_clear_pointer (&parse->hints, g_array_unref);
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

/* The operation's source tag says which query its requests send. */
static Batch *
batch_new_for_ids (GTask        *operation,
                   const gint64 *ids,
                   guint         n_ids,
                   gboolean      nested)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->operation = g_object_ref (operation);
  batch->ids = g_memdup2 (ids, sizeof *ids * n_ids);
  batch->n_ids = n_ids;
  batch->updated_only = g_task_get_source_tag (operation) == (gpointer) kz_anilist_query_updated_at;
  batch->nested = nested && !batch->updated_only;
  if (batch->updated_only)
    batch->body = kz_anilist_query_updated_at (ids, n_ids);
  else if (batch->nested)
    batch->body = kz_anilist_query_by_ids_nested (ids, n_ids);
  else
    batch->body = kz_anilist_query_by_ids (ids, n_ids);

  return batch;
}

static KzAniListOperation *
batch_get_operation (Batch *batch)
{
  return g_task_get_task_data (batch->operation);
}

static KzAniListProvider *
batch_get_provider (Batch *batch)
{
  return g_task_get_source_object (batch->operation);
}

/* The batch is done with, successfully or not. */
static void
batch_finish (Batch *batch)
{
  g_autoptr(GTask) task = g_object_ref (batch->operation);
  KzAniListOperation *op = batch_get_operation (batch);

  batch_free (batch);

  g_assert (op->n_pending > 0);
  if (--op->n_pending == 0)
    _kz_anilist_operation_complete (task);
}

static void
batch_fail (Batch  *batch,
            GError *error)
{
  KzAniListOperation *op = batch_get_operation (batch);

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
                          _("AniList did not answer within %u s"), self->timeout);
  else
    mapped = g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK,
                          _("Cannot reach AniList at %s: %s"),
                          self->endpoint, error->message);

  g_error_free (error);
  return mapped;
}

static GError *
too_large_error (KzAniListProvider *self)
{
  g_autofree char *limit = g_format_size (self->max_response_size);

  return g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TOO_LARGE,
                      _("AniList's answer is larger than the %s limit"), limit);
}

static GError *
rate_limited_error (gint64 seconds)
{
  return g_error_new (KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED,
                      _("AniList is rate limiting requests; retry in %" PRId64 " s"),
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
  KzAniListOperation *op = batch_get_operation (batch);
  guint half = batch->n_ids / 2;
  Batch *first = batch_new_for_ids (batch->operation, batch->ids, half, FALSE);
  Batch *second = batch_new_for_ids (batch->operation, batch->ids + half, batch->n_ids - half, FALSE);

  g_debug ("Query too complex for %u ids; splitting", batch->n_ids);

  op->n_pending += 2;
  batch_start (first);
  batch_start (second);
  batch_finish (batch);
}

/* Sends the batch's ids again in requests of @per_page, @nested or not. */
static void
batch_resend (Batch    *batch,
              guint     per_page,
              gboolean  nested)
{
  KzAniListOperation *op = batch_get_operation (batch);
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  for (guint start = 0; start < batch->n_ids; start += per_page)
    g_ptr_array_add (parts, batch_new_for_ids (batch->operation, batch->ids + start,
                                               MIN (per_page, batch->n_ids - start), nested));

  /* Counted before any starts: one could fail at once. */
  op->n_pending += parts->len;
  for (guint i = 0; i < parts->len; i++)
    batch_start (g_ptr_array_index (parts, i));
  batch_finish (batch);
}

/* A two-level query too complex: AniList's message tells how far over
 * the cap it was, so one refusal is enough to learn a size that fits
 * (halving when it does not say). The provider keeps the smaller size,
 * or gives the form up, for every later request. */
static void
batch_nested_refused (Batch        *batch,
                      const GError *error)
{
  KzAniListProvider *self = batch_get_provider (batch);
  guint limit = 0, cost = 0;
  guint fit;

  if (kz_anilist_parse_complexity (error->message, &limit, &cost) && cost > limit)
    fit = (guint) ((guint64) batch->n_ids * limit / cost);
  else
    fit = batch->n_ids / 2;
  fit = MIN (fit, batch->n_ids - 1);

  if (fit < MIN_LOOKAHEAD_IDS)
    {
      if (self->lookahead_batch > 0)
        g_debug ("AniList refuses the two-level query even for %u ids; asking for one level from now on",
                 batch->n_ids);
      self->lookahead_batch = 0;
    }
  else
    {
      self->lookahead_batch = MIN (self->lookahead_batch, fit);
      g_debug ("Two-level query too complex for %u ids; %u per request from now on",
               batch->n_ids, self->lookahead_batch);
    }

  /* Another batch may have lowered the size further meanwhile. */
  if (self->lookahead_batch > 0)
    batch_resend (batch, self->lookahead_batch, TRUE);
  else
    batch_resend (batch, KZ_ANILIST_MAX_PER_PAGE, FALSE);
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
  if (parse->hints != NULL)
    entries = kz_anilist_parse_response_with_hints (parse->status, text ? text : "", length,
                                                    parse->hints, &error);
  else if (parse->updated_only)
    entries = kz_anilist_parse_updated_response (parse->status, text ? text : "", length, &error);
  else
    entries = kz_anilist_parse_response (parse->status, text ? text : "", length, &error);

  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_new_error (task, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                             _("AniList sent an answer Kizuna cannot read"));
}

static void
on_parsed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Batch *batch = user_data;
  KzAniListOperation *op = batch_get_operation (batch);
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
               batch->nested)
        {
          batch_nested_refused (batch, error);
          g_error_free (error);
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

  if (batch->nested && op->hints != NULL)
    {
      ParseData *parse = g_task_get_task_data (G_TASK (result));

      g_array_append_vals (op->hints, parse->hints->data, parse->hints->len);
    }

  batch_finish (batch);
}

/* The whole body is in: JSON is parsed off the main thread. */
static void
batch_received (Batch *batch)
{
  KzAniListProvider *self = batch_get_provider (batch);
  KzAniListOperation *op = batch_get_operation (batch);
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
  parse->updated_only = batch->updated_only;
  if (batch->nested)
    parse->hints = g_array_new (FALSE, FALSE, sizeof (KzRelationHint));

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
  KzAniListOperation *op = batch_get_operation (batch);

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
  KzAniListOperation *op = batch_get_operation (batch);
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
  KzAniListOperation *op = batch_get_operation (batch);
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
  KzAniListOperation *op = batch_get_operation (batch);
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

void
_kz_anilist_request_start_for_ids (GTask        *operation,
                                   const gint64 *ids,
                                   guint         n_ids,
                                   gboolean      nested)
{
  Batch *batch = batch_new_for_ids (operation, ids, n_ids, nested);

  batch_get_operation (batch)->n_pending++;
  batch_start (batch);
}

void
_kz_anilist_request_start_search (GTask  *operation,
                                  GBytes *body)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->operation = g_object_ref (operation);
  batch->body = g_bytes_ref (body);

  batch_get_operation (batch)->n_pending++;
  batch_start (batch);
}
