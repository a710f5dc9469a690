/* kz-mock-anilist.c: a local stand-in for AniList's GraphQL API
 *
 * The object, its server, the counters and the misbehaviour settings;
 * each request is counted, checked against the rate limit, the batch
 * sizes and the complexity rule (see KZ_MOCK_MAX_COMPLEXITY), then
 * answered (kz-mock-answers.c) or refused and held back
 * (kz-mock-faults.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include "kz-bundled.h"
#include "kz-mock-anilist.h"

#include "kz-mock-anilist-private.h"

/* What AniList advertises when no limit is configured. */
#define DEFAULT_RATE_LIMIT       90
#define DEFAULT_RATE_WINDOW      60

G_DEFINE_FINAL_TYPE (KzMockAniList, kz_mock_anilist, G_TYPE_OBJECT)

/* The request handler */

static void
note_batch (KzMockAniList *self,
            guint          n_ids)
{
  gint seen = g_atomic_int_get (&self->max_batch_seen);

  while ((guint) seen < n_ids &&
         !g_atomic_int_compare_and_exchange (&self->max_batch_seen, seen, (gint) n_ids))
    seen = g_atomic_int_get (&self->max_batch_seen);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *params,
                 gpointer           user_data)
{
  KzMockAniList *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(KzMockQuery) query = NULL;
  KzMockFault fault = KZ_MOCK_FAULT_NONE;
  KzMockOutcome outcome = KZ_MOCK_OUTCOME_ANSWERED;
  gboolean limited = FALSE;
  guint64 complexity = 0;
  guint64 wait_us = 0;
  guint limit, remaining, latency;
  gint64 now, window_us;

  g_atomic_int_inc (&self->request_count);

  query = _kz_mock_query_parse (msg);
  if (query->kind == KZ_MOCK_QUERY_BY_IDS)
    note_batch (self, query->ids->len);
  if (query->kind != KZ_MOCK_QUERY_INVALID && query->nested)
    g_atomic_int_inc (&self->nested_count);

  g_mutex_lock (&self->lock);

  now = g_get_monotonic_time ();
  limit = self->rate_max > 0 ? self->rate_max : DEFAULT_RATE_LIMIT;
  window_us = (self->rate_max > 0 ? MAX (self->rate_window, 1) : DEFAULT_RATE_WINDOW)
              * G_USEC_PER_SEC;

  /* A fixed window opened by the first request after the last one ended. */
  if (self->window_start == 0 || now >= self->window_start + window_us)
    {
      self->window_start = now;
      self->window_used = 0;
    }

  if (self->rate_max > 0 && self->window_used >= self->rate_max)
    {
      limited = TRUE;
      wait_us = (guint64) (self->window_start + window_us - now);
      remaining = 0;
    }
  else
    {
      self->window_used++;
      remaining = limit > self->window_used ? limit - self->window_used : 0;
    }

  if (!limited && query->kind == KZ_MOCK_QUERY_BY_IDS)
    {
      guint n_ids = query->ids->len;

      /* Refusals state a cost over the cap in proportion, as AniList's
       * numbers would be: a client can size its next try from them. */
      if (self->max_batch > 0 && n_ids > self->max_batch)
        complexity = (guint64) n_ids * KZ_MOCK_MAX_COMPLEXITY / self->max_batch + 1;
      else if (query->nested && self->nesting_refused)
        complexity = (guint64) MAX (n_ids, 1) * KZ_MOCK_MAX_COMPLEXITY + 1;
      else if (query->nested && self->max_nested_batch > 0 && n_ids > self->max_nested_batch)
        complexity = (guint64) n_ids * KZ_MOCK_MAX_COMPLEXITY / self->max_nested_batch + 1;
    }

  if (!limited && query->kind != KZ_MOCK_QUERY_INVALID && complexity == 0 &&
      _kz_mock_query_cost (query) > KZ_MOCK_MAX_COMPLEXITY)
    complexity = _kz_mock_query_cost (query);

  if (!limited && query->kind != KZ_MOCK_QUERY_INVALID && complexity == 0 &&
      self->fault != KZ_MOCK_FAULT_NONE)
    {
      fault = self->fault;
      if (self->fault_remaining > 0 && --self->fault_remaining == 0)
        self->fault = KZ_MOCK_FAULT_NONE;
    }

  latency = self->latency_ms;

  g_mutex_unlock (&self->lock);

  _kz_mock_set_uint_header (headers, "X-RateLimit-Limit", limit);
  _kz_mock_set_uint_header (headers, "X-RateLimit-Remaining", remaining);

  if (limited)
    {
      g_atomic_int_inc (&self->rate_limited_count);
      _kz_mock_respond_rate_limited (msg, wait_us);
    }
  else if (query->kind == KZ_MOCK_QUERY_INVALID)
    {
      _kz_mock_respond_invalid (msg, query->error);
    }
  else if (complexity > 0)
    {
      _kz_mock_respond_too_complex (msg, complexity);
    }
  else
    {
      outcome = _kz_mock_respond_query (self, msg, query, fault);
    }

  g_debug ("%s %s: %u%s", soup_server_message_get_method (msg), path,
           soup_server_message_get_status (msg),
           outcome == KZ_MOCK_OUTCOME_HANG ? " (hanging)" :
           outcome == KZ_MOCK_OUTCOME_DROP ? " (dropping)" : "");

  _kz_mock_hold_back (self, msg, outcome, latency);
}

/* GObject */

static void
kz_mock_anilist_dispose (GObject *object)
{
  KzMockAniList *self = KZ_MOCK_ANILIST (object);

  _kz_mock_release_held (self);

  /* Closes every connection, held ones included. */
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (kz_mock_anilist_parent_class)->dispose (object);
}

static void
kz_mock_anilist_finalize (GObject *object)
{
  KzMockAniList *self = KZ_MOCK_ANILIST (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->media, g_ptr_array_unref);
  g_clear_pointer (&self->media_by_id, g_hash_table_unref);
  g_clear_pointer (&self->snapshot, json_node_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kz_mock_anilist_parent_class)->finalize (object);
}

static void
kz_mock_anilist_class_init (KzMockAniListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_mock_anilist_dispose;
  object_class->finalize = kz_mock_anilist_finalize;
}

static void
kz_mock_anilist_init (KzMockAniList *self)
{
  g_mutex_init (&self->lock);
  self->media_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                             NULL, (GDestroyNotify) _kz_mock_media_free);
  self->media = g_ptr_array_new ();
}

/* Public API */

KzMockAniList *
kz_mock_anilist_new (void)
{
  g_autoptr(KzMockAniList) self = NULL;
  g_autoptr(GBytes) snapshot = kz_bundled_get_snapshot ();
  g_autoptr(GError) error = NULL;

  if (snapshot != NULL)
    self = kz_mock_anilist_new_from_snapshot (snapshot, &error);

  if (self == NULL)
    {
      g_critical ("The bundled snapshot cannot be served: %s",
                  error != NULL ? error->message : "it is missing");
      self = g_object_new (KZ_TYPE_MOCK_ANILIST, NULL);
    }

  return g_steal_pointer (&self);
}

KzMockAniList *
kz_mock_anilist_new_from_snapshot (GBytes  *snapshot,
                                   GError **error)
{
  g_autoptr(KzMockAniList) self = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KZ_TYPE_MOCK_ANILIST, NULL);
  if (!_kz_mock_load_snapshot (self, snapshot, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
kz_mock_anilist_start (KzMockAniList  *self,
                       guint           port,
                       GError        **error)
{
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  server = soup_server_new ("server-header", "kizuna-mock-anilist ", NULL);
  soup_server_add_handler (server, NULL, server_callback, self, NULL);

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->context = g_main_context_ref_thread_default ();
  self->server = g_steal_pointer (&server);
  g_debug ("Listening on 127.0.0.1:%u", self->port);

  return TRUE;
}

char *
kz_mock_anilist_dup_url (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), NULL);

  if (self->server == NULL)
    return NULL;

  return g_strdup_printf ("http://127.0.0.1:%u/", self->port);
}

guint
kz_mock_anilist_get_request_count (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->request_count);
}

guint
kz_mock_anilist_get_rate_limited_count (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->rate_limited_count);
}

guint
kz_mock_anilist_get_ids_requested (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->ids_requested);
}

guint
kz_mock_anilist_get_max_batch_seen (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->max_batch_seen);
}

void
kz_mock_anilist_reset_counters (KzMockAniList *self)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_atomic_int_set (&self->request_count, 0);
  g_atomic_int_set (&self->rate_limited_count, 0);
  g_atomic_int_set (&self->ids_requested, 0);
  g_atomic_int_set (&self->max_batch_seen, 0);
  g_atomic_int_set (&self->nested_count, 0);
}

/* Queries in the two-level form received, answered or refused. */
guint
kz_mock_anilist_get_nested_count (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->nested_count);
}

void
kz_mock_anilist_set_latency (KzMockAniList *self,
                             guint          milliseconds)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->latency_ms = milliseconds;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_anilist_set_rate_limit (KzMockAniList *self,
                                guint          max_requests,
                                guint          window_seconds)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->rate_max = max_requests;
  self->rate_window = window_seconds;
  self->window_start = 0;
  self->window_used = 0;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_anilist_set_fault (KzMockAniList *self,
                           KzMockFault    fault,
                           guint          n_requests)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));
  g_return_if_fail (fault >= KZ_MOCK_FAULT_NONE && fault <= KZ_MOCK_FAULT_DROP);

  g_mutex_lock (&self->lock);
  self->fault = fault;
  self->fault_remaining = fault != KZ_MOCK_FAULT_NONE ? n_requests : 0;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_anilist_set_max_batch (KzMockAniList *self,
                               guint          max_ids)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->max_batch = max_ids;
  g_mutex_unlock (&self->lock);
}

/* Refuses two-level queries (relation nodes with their own relations)
 * of more than @max_ids ids as too complex; 0 leaves only the
 * complexity rule. */
void
kz_mock_anilist_set_max_nested_batch (KzMockAniList *self,
                                      guint          max_ids)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->max_nested_batch = max_ids;
  g_mutex_unlock (&self->lock);
}

/* Refuses every two-level query as too complex, however small. */
void
kz_mock_anilist_set_nesting_refused (KzMockAniList *self,
                                     gboolean       refused)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->nesting_refused = !!refused;
  g_mutex_unlock (&self->lock);
}

/**
 * kz_mock_anilist_touch:
 * @new_title: (nullable): the new romaji title, or %NULL to keep it
 *
 * Edits what the stand-in serves for @id as an edit on AniList would:
 * a later updatedAt and, when given, a new title. Call it on the
 * context the server runs on, or between requests.
 *
 * Returns: FALSE when the stand-in does not serve @id
 */
gboolean
kz_mock_anilist_touch (KzMockAniList *self,
                       gint64         id,
                       const char    *new_title)
{
  g_autoptr(GMutexLocker) locker = NULL;
  KzMockMedia *media;
  JsonObject *object;
  JsonObject *title;
  gint64 updated_at = 0;

  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);

  if (!(media = g_hash_table_lookup (self->media_by_id, &id)))
    return FALSE;

  object = json_node_get_object (media->node);
  _kz_mock_member_int (object, "updatedAt", &updated_at);
  /* AniList stamps an edit with its time, which is always later. */
  updated_at = MAX (updated_at + 1, g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_int_member (object, "updatedAt", updated_at);

  if (new_title != NULL)
    {
      g_autofree char *normalized = g_utf8_normalize (new_title, -1, G_NORMALIZE_ALL);

      if (!(title = _kz_mock_member_object (object, "title")))
        {
          title = json_object_new ();
          json_object_set_object_member (object, "title", title);
        }
      json_object_set_string_member (title, "romaji", new_title);

      /* searches find it by its new name too, folded as the others */
      if (normalized != NULL)
        g_ptr_array_add (media->folded_names, g_utf8_casefold (normalized, -1));
    }

  return TRUE;
}

static const struct {
  const char  *name;
  KzMockFault  fault;
} fault_names[] = {
  { "none",          KZ_MOCK_FAULT_NONE },
  { "500",           KZ_MOCK_FAULT_SERVER_ERROR },
  { "server-error",  KZ_MOCK_FAULT_SERVER_ERROR },
  { "disabled",      KZ_MOCK_FAULT_DISABLED },
  { "graphql-error", KZ_MOCK_FAULT_GRAPHQL_ERROR },
  { "not-found",     KZ_MOCK_FAULT_NOT_FOUND },
  { "malformed",     KZ_MOCK_FAULT_MALFORMED },
  { "truncated",     KZ_MOCK_FAULT_TRUNCATED },
  { "oversized",     KZ_MOCK_FAULT_OVERSIZED },
  { "hang",          KZ_MOCK_FAULT_HANG },
  { "drop",          KZ_MOCK_FAULT_DROP },
};

/* Unknown names give KZ_MOCK_FAULT_NONE; callers that need to tell
 * "none" from a typo compare the name themselves. */
KzMockFault
kz_mock_fault_from_string (const char *name)
{
  if (name == NULL)
    return KZ_MOCK_FAULT_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (g_ascii_strcasecmp (name, fault_names[i].name) == 0)
      return fault_names[i].fault;

  return KZ_MOCK_FAULT_NONE;
}
