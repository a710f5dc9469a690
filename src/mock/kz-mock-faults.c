/* kz-mock-faults.c: how the stand-in refuses and misbehaves
 *
 * Rate limits, invalid and too complex queries get AniList's error
 * answers; a fault set on the mock replaces the next answers; latency,
 * hangs and drops hold a message back on the server's main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <string.h>

#include "kz-mock-anilist-private.h"

/* Past the 16 MiB a client should refuse to buffer. */
#define OVERSIZED_PADDING        (16 * 1024 * 1024 + 4096)
#define HANG_PREFIX_BYTES        64

#define DISABLED_MESSAGE \
  "The AniList API has been temporarily disabled due to severe stability " \
  "issues. Please try again later.\n"
#define GRAPHQL_ERROR_MESSAGE \
  "Validation error of type FieldUndefined: Field 'foo' in type 'Media' " \
  "is undefined @ 'Page/media/foo'"
#define MALFORMED_BODY "<html><body>Bad Gateway</body></html>"

typedef enum {
  PENDING_DELAY,  /* paused until the latency has passed */
  PENDING_DROP,   /* paused, then its connection is closed */
  PENDING_HANG,   /* part of the body sent, the rest never will be */
} PendingKind;

typedef struct {
  KzMockAniList     *self;  /* unowned: dispose frees every pending */
  SoupServerMessage *msg;
  PendingKind        kind;
  gboolean           hang_after_delay;
  GSource           *timeout;
  GSource           *watch;         /* a hang's client going away */
  gulong             finished_id;
  gulong             disconnected_id;
} Pending;

/* Error answers */

/* {"data": null | {"<data_member>": null}, "errors": [{…}]} */
static JsonNode *
build_error (const char *data_member,
             const char *message,
             guint       status,
             gint        line,
             gint        column)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  if (data_member != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, data_member);
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }

  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  if (line > 0)
    {
      json_builder_set_member_name (builder, "locations");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, line);
      json_builder_set_member_name (builder, "column");
      json_builder_add_int_value (builder, column);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
respond_error (SoupServerMessage *msg,
               guint              http_status,
               const char        *data_member,
               const char        *message,
               guint              error_status,
               gint               line,
               gint               column)
{
  g_autoptr(JsonNode) root = build_error (data_member, message, error_status,
                                          line, column);

  _kz_mock_set_json_response (msg, http_status, root);
}

void
_kz_mock_respond_rate_limited (SoupServerMessage *msg,
                               guint64            wait_us)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint64 retry_after = MAX ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1);
  guint64 reset = ((guint64) g_get_real_time () + wait_us + G_USEC_PER_SEC - 1)
                  / G_USEC_PER_SEC;

  _kz_mock_set_uint_header (headers, "Retry-After", retry_after);
  _kz_mock_set_uint_header (headers, "X-RateLimit-Reset", reset);
  respond_error (msg, KZ_MOCK_HTTP_TOO_MANY_REQUESTS, NULL,
                 "Too Many Requests.", 429, 0, 0);
}

void
_kz_mock_respond_invalid (SoupServerMessage *msg,
                          const char        *message)
{
  respond_error (msg, SOUP_STATUS_BAD_REQUEST, NULL, message, 400, 0, 0);
}

void
_kz_mock_respond_too_complex (SoupServerMessage *msg,
                              guint64            complexity)
{
  g_autofree char *message =
    g_strdup_printf ("Max query complexity should be %d but got %" G_GUINT64_FORMAT ".",
                     KZ_MOCK_MAX_COMPLEXITY, complexity);

  respond_error (msg, SOUP_STATUS_BAD_REQUEST, NULL, message, 400, 1, 1);
}

/* Faults */

/* Kizuna's freshness check names only "id updatedAt" and no relations:
 * like AniList, answer with no more than the fields asked for. */
static gboolean
asks_for_updated_only (SoupServerMessage *msg,
                       KzMockQuery       *query)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *text;
  const char *data;
  gsize size = 0;

  if (query->kind != KZ_MOCK_QUERY_BY_IDS)
    return FALSE;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &size);
  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  text = _kz_mock_member_string (json_node_get_object (root), "query");

  return text != NULL && strstr (text, "relations") == NULL && strstr (text, "updatedAt") != NULL;
}

/* Each media of the page down to {"id", "updatedAt"}. The media objects
 * are the snapshot's own (json_node_copy() shares them): the page gets
 * new ones rather than changing those. */
static void
keep_updated_only (JsonNode *answer)
{
  JsonObject *data = _kz_mock_member_object (json_node_get_object (answer), "data");
  JsonObject *page = _kz_mock_member_object (data, "Page");
  JsonArray *media = _kz_mock_member_array (page, "media");
  JsonArray *trimmed;

  if (media == NULL)
    return;

  trimmed = json_array_sized_new (json_array_get_length (media));
  for (guint i = 0; i < json_array_get_length (media); i++)
    {
      JsonObject *item = json_array_get_object_element (media, i);
      JsonObject *kept = json_object_new ();
      gint64 value;

      if (_kz_mock_member_int (item, "id", &value))
        json_object_set_int_member (kept, "id", value);
      if (_kz_mock_member_int (item, "updatedAt", &value))
        json_object_set_int_member (kept, "updatedAt", value);
      json_array_add_object_element (trimmed, kept);
    }

  json_object_set_array_member (page, "media", trimmed);
}

static JsonNode *
build_answer (KzMockAniList     *self,
              SoupServerMessage *msg,
              KzMockQuery       *query)
{
  JsonNode *answer = _kz_mock_build_answer (self, query);

  if (asks_for_updated_only (msg, query))
    keep_updated_only (answer);

  return answer;
}

KzMockOutcome
_kz_mock_respond_query (KzMockAniList     *self,
                        SoupServerMessage *msg,
                        KzMockQuery       *query,
                        KzMockFault        fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  switch (fault)
    {
    case KZ_MOCK_FAULT_NONE:
      answer = build_answer (self, msg, query);
      _kz_mock_set_json_response (msg, SOUP_STATUS_OK, answer);
      /* Faulted answers do not count: the client has to ask again. */
      if (query->kind == KZ_MOCK_QUERY_BY_IDS)
        g_atomic_int_add (&self->ids_requested, (gint) query->ids->len);
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_SERVER_ERROR:
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL,
                     "Internal Server Error", 500, 0, 0);
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_DISABLED:
      soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                        SOUP_MEMORY_STATIC, DISABLED_MESSAGE,
                                        strlen (DISABLED_MESSAGE));
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_GRAPHQL_ERROR:
      respond_error (msg, SOUP_STATUS_OK, NULL, GRAPHQL_ERROR_MESSAGE, 400, 4, 5);
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_NOT_FOUND:
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "Media", "Not Found.", 404, 0, 0);
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_MALFORMED:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json",
                                        SOUP_MEMORY_STATIC, MALFORMED_BODY,
                                        strlen (MALFORMED_BODY));
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_TRUNCATED:
      answer = build_answer (self, msg, query);
      text = _kz_mock_generate (answer, &length);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json",
                                        SOUP_MEMORY_COPY, text, length / 2);
      return KZ_MOCK_OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_OVERSIZED:
      {
        g_autofree char *padding = g_malloc (OVERSIZED_PADDING + 1);
        JsonObject *extensions = json_object_new ();

        memset (padding, 'x', OVERSIZED_PADDING);
        padding[OVERSIZED_PADDING] = '\0';
        json_object_set_string_member (extensions, "padding", padding);

        answer = build_answer (self, msg, query);
        json_object_set_object_member (json_node_get_object (answer),
                                       "extensions", extensions);
        _kz_mock_set_json_response (msg, SOUP_STATUS_OK, answer);
        return KZ_MOCK_OUTCOME_ANSWERED;
      }

    case KZ_MOCK_FAULT_HANG:
      answer = build_answer (self, msg, query);
      text = _kz_mock_generate (answer, &length);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Content-Type", "application/json");
      /* No final chunk: the server pauses itself once this is written. */
      soup_message_body_append (soup_server_message_get_response_body (msg),
                                SOUP_MEMORY_COPY, text,
                                MIN (length, HANG_PREFIX_BYTES));
      return KZ_MOCK_OUTCOME_HANG;

    case KZ_MOCK_FAULT_DROP:
      return KZ_MOCK_OUTCOME_DROP;

    default:
      g_return_val_if_reached (KZ_MOCK_OUTCOME_ANSWERED);
    }
}

/* Messages held back: latency, hangs and drops */

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
pending_free (Pending *pending)
{
  clear_source (&pending->timeout);
  clear_source (&pending->watch);
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_object_unref (pending->msg);
  g_free (pending);
}

static void
pending_forget (Pending *pending)
{
  KzMockAniList *self = pending->self;

  self->pending = g_list_remove (self->pending, pending);
  pending_free (pending);
}

/* Ends a connection mid-answer. Closing its streams would send the last
 * chunk of a chunked body and make a cut-off hang look complete: shut
 * the socket down first so nothing more gets out. */
static void
shut_down_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* Stealing a connection makes libsoup look up the peer's address, and
 * it warns when there is none: a client that reset the connection while
 * its answer was held back. */
static gboolean
client_still_there (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr(GSocketAddress) peer = NULL;

  if (socket == NULL)
    return TRUE;

  peer = g_socket_get_remote_address (socket, NULL);
  return peer != NULL;
}

/* Closes the connection before anything is answered. */
static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = NULL;

  if (!client_still_there (msg))
    {
      /* Nobody to drop: the empty answer fails to write, and the server
       * forgets the message the way it does any broken connection. */
      shut_down_connection (msg);
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_unpause (msg);
      return;
    }

  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
on_pending_gone (SoupServerMessage *msg,
                 Pending           *pending)
{
  g_debug ("Held message %p ended", msg);
  pending_forget (pending);
}

/* A client waiting on a hang sends nothing more: anything readable
 * means it went away. */
static gboolean
on_hang_socket (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);

  g_debug ("Client of hanging message %p went away", msg);
  pending_forget (pending);

  /* Finishing the body now fails to write, and the server forgets the
   * message the way it does any broken connection. */
  shut_down_connection (msg);
  soup_message_body_complete (soup_server_message_get_response_body (msg));
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static void
watch_hang (Pending *pending)
{
  GSocket *socket = soup_server_message_get_socket (pending->msg);

  pending->kind = PENDING_HANG;
  if (socket == NULL)
    return;

  pending->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (pending->watch, G_SOURCE_FUNC (on_hang_socket), pending, NULL);
  g_source_set_static_name (pending->watch, "[kz-mock] hanging answer");
  g_source_attach (pending->watch, pending->self->context);
}

static gboolean
on_pending_timeout (gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);

  g_clear_pointer (&pending->timeout, g_source_unref);

  switch (pending->kind)
    {
    case PENDING_DROP:
      pending_forget (pending);
      drop_connection (msg);
      break;

    case PENDING_DELAY:
      if (pending->hang_after_delay)
        watch_hang (pending);
      else
        pending_forget (pending);
      soup_server_message_unpause (msg);
      break;

    case PENDING_HANG:
    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

static void
hold_message (KzMockAniList     *self,
              SoupServerMessage *msg,
              PendingKind        kind,
              guint              delay_ms,
              gboolean           hang_after_delay)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->kind = kind;
  pending->hang_after_delay = hang_after_delay;
  pending->finished_id = g_signal_connect (msg, "finished",
                                           G_CALLBACK (on_pending_gone), pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_pending_gone), pending);

  if (kind == PENDING_HANG)
    {
      watch_hang (pending);
    }
  else
    {
      soup_server_message_pause (msg);
      pending->timeout = g_timeout_source_new (delay_ms);
      g_source_set_callback (pending->timeout, on_pending_timeout, pending, NULL);
      g_source_set_static_name (pending->timeout, "[kz-mock] delayed answer");
      g_source_attach (pending->timeout, self->context);
    }

  self->pending = g_list_prepend (self->pending, pending);
}

void
_kz_mock_hold_back (KzMockAniList     *self,
                    SoupServerMessage *msg,
                    KzMockOutcome      outcome,
                    guint              latency_ms)
{
  if (outcome == KZ_MOCK_OUTCOME_DROP)
    hold_message (self, msg, PENDING_DROP, latency_ms, FALSE);
  else if (latency_ms > 0)
    hold_message (self, msg, PENDING_DELAY, latency_ms, outcome == KZ_MOCK_OUTCOME_HANG);
  else if (outcome == KZ_MOCK_OUTCOME_HANG)
    hold_message (self, msg, PENDING_HANG, 0, FALSE);
}

/* Nothing is stolen here: some clients may have left already (see
 * client_still_there ()). Shut down, the held answers end with the
 * server's connections. */
void
_kz_mock_release_held (KzMockAniList *self)
{
  while (self->pending != NULL)
    {
      Pending *pending = self->pending->data;
      g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);

      pending_forget (pending);
      shut_down_connection (msg);
    }
}
