/* kz-anilist-provider.c: AniList as a KzProvider
 *
 * The object, its settings and statistics, and the operations behind
 * fetch and search: ids are split into pages here, and each page is sent
 * by kz-anilist-request.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-anilist"

#include "config.h"

#include "kz-anilist-provider.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "kz-anilist-provider-private.h"
#include "kz-anilist-query.h"

#define DEFAULT_TIMEOUT_SECONDS    20
#define DEFAULT_MAX_RESPONSE_SIZE  ((gsize) 8 * 1024 * 1024)
#define DEFAULT_MAX_RETRY_WAIT     65
#define USER_AGENT                 PACKAGE_NAME "/" PACKAGE_VERSION " (+" PACKAGE_URL ")"

static void kz_anilist_provider_iface_init (KzProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KzAniListProvider, kz_anilist_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KZ_TYPE_PROVIDER,
                                                      kz_anilist_provider_iface_init))

static void
operation_free (gpointer data)
{
  KzAniListOperation *op = data;

  if (op->caller_cancelled != NULL)
    {
      g_source_destroy (op->caller_cancelled);
      g_source_unref (op->caller_cancelled);
    }
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->entries, g_ptr_array_unref);
  g_clear_pointer (&op->hints, g_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

void
_kz_anilist_operation_complete (GTask *task)
{
  KzAniListProvider *self = g_task_get_source_object (task);
  KzAniListOperation *op = g_task_get_task_data (task);

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
  KzAniListOperation *op = g_new0 (KzAniListOperation, 1);

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

static const char *
kz_anilist_provider_get_name (KzProvider *provider)
{
  return "AniList";
}

/* Starts one request per page of unique, valid ids: pages of the
 * two-level form for a lookahead fetch while AniList accepts it. */
static void
start_for_ids (GTask        *task,
               const gint64 *ids,
               guint         n_ids)
{
  KzAniListProvider *self = g_task_get_source_object (task);
  KzAniListOperation *op = g_task_get_task_data (task);
  gboolean nested = op->hints != NULL && self->lookahead_batch > 0;
  guint per_page = nested ? MIN (self->lookahead_batch, KZ_ANILIST_MAX_PER_PAGE)
                          : KZ_ANILIST_MAX_PER_PAGE;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) unique = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);

  for (guint i = 0; i < n_ids; i++)
    {
      if (ids[i] <= 0 || g_hash_table_contains (seen, &ids[i]))
        continue;
      g_hash_table_add (seen, (gpointer) &ids[i]);
      g_array_append_val (unique, ids[i]);
    }

  if (unique->len == 0)
    {
      _kz_anilist_operation_complete (task);
      return;
    }

  /* Counted up front so that a batch failing at once cannot complete
   * the operation before the others are started. */
  op->n_pending++;
  for (guint start = 0; start < unique->len; start += per_page)
    {
      guint n = MIN (unique->len - start, per_page);

      _kz_anilist_request_start_for_ids (task, &g_array_index (unique, gint64, start), n, nested);
    }
  if (--op->n_pending == 0)
    _kz_anilist_operation_complete (task);
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

  task = operation_new (self, priority, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_anilist_provider_fetch_async);
  start_for_ids (task, ids, n_ids);
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

static guint
kz_anilist_provider_iface_lookahead_batch (KzProvider *provider)
{
  return KZ_ANILIST_PROVIDER (provider)->lookahead_batch;
}

static void
kz_anilist_provider_fetch_lookahead_async (KzProvider          *provider,
                                           const gint64        *ids,
                                           guint                n_ids,
                                           KzPriority           priority,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  KzAniListProvider *self = KZ_ANILIST_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  KzAniListOperation *op;

  task = operation_new (self, priority, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_anilist_provider_fetch_lookahead_async);
  op = g_task_get_task_data (task);
  op->hints = g_array_new (FALSE, FALSE, sizeof (KzRelationHint));
  start_for_ids (task, ids, n_ids);
}

static GPtrArray *
kz_anilist_provider_fetch_lookahead_finish (KzProvider    *provider,
                                            GAsyncResult  *result,
                                            GArray       **hints,
                                            GError       **error)
{
  KzAniListOperation *op;
  GPtrArray *entries;

  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_anilist_provider_fetch_lookahead_async, NULL);

  entries = g_task_propagate_pointer (G_TASK (result), error);
  op = g_task_get_task_data (G_TASK (result));
  if (entries != NULL && hints != NULL)
    *hints = g_array_ref (op->hints);

  return entries;
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
  g_autoptr(GBytes) body = NULL;

  task = operation_new (self, KZ_PRIORITY_USER, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_anilist_provider_search_async);

  body = kz_anilist_query_search (text, CLAMP (limit, 1, KZ_ANILIST_MAX_PER_PAGE));
  _kz_anilist_request_start_search (task, body);
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

/* The operation is tagged with the query its requests send: they ask
 * for id and updatedAt alone (see kz-anilist-request.c). */
static void
kz_anilist_provider_check_updated_async (KzProvider          *provider,
                                         const gint64        *ids,
                                         guint                n_ids,
                                         KzPriority           priority,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  KzAniListProvider *self = KZ_ANILIST_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;

  task = operation_new (self, priority, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_anilist_query_updated_at);
  start_for_ids (task, ids, n_ids);
}

static GHashTable *
kz_anilist_provider_check_updated_finish (KzProvider    *provider,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_autoptr(GPtrArray) stubs = NULL;
  GHashTable *updated;

  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_anilist_query_updated_at, NULL);

  if (!(stubs = g_task_propagate_pointer (G_TASK (result), error)))
    return NULL;

  updated = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < stubs->len; i++)
    {
      KzEntry *stub = g_ptr_array_index (stubs, i);
      gint64 id = kz_entry_get_id (stub);
      gint64 updated_at = kz_entry_get_updated_at (stub);

      g_hash_table_replace (updated, g_memdup2 (&id, sizeof id),
                            g_memdup2 (&updated_at, sizeof updated_at));
    }

  return updated;
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
  iface->check_updated_async = kz_anilist_provider_check_updated_async;
  iface->check_updated_finish = kz_anilist_provider_check_updated_finish;
  iface->get_lookahead_batch = kz_anilist_provider_iface_lookahead_batch;
  iface->fetch_lookahead_async = kz_anilist_provider_fetch_lookahead_async;
  iface->fetch_lookahead_finish = kz_anilist_provider_fetch_lookahead_finish;
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
  self->lookahead_batch = KZ_ANILIST_NESTED_PER_PAGE;
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

/* Ids per request of the two-level form (at most a page of 50), 0 for
 * the one-level form only. A refusal of AniList's lowers it later. */
void
kz_anilist_provider_set_lookahead_batch (KzAniListProvider *self,
                                         guint              max_ids)
{
  g_return_if_fail (KZ_IS_ANILIST_PROVIDER (self));

  self->lookahead_batch = MIN (max_ids, KZ_ANILIST_MAX_PER_PAGE);
}

guint
kz_anilist_provider_get_lookahead_batch (KzAniListProvider *self)
{
  g_return_val_if_fail (KZ_IS_ANILIST_PROVIDER (self), 0);

  return self->lookahead_batch;
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

/* TRUE when @uri names this computer (localhost or a loopback address):
 * a stand-in, a test or a local mirror. */
gboolean
kz_endpoint_is_loopback (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);

  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);

  return parsed != NULL && host_is_loopback (g_uri_get_host (parsed));
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
                   _("“%s” is not a web address Kizuna can use for AniList"), uri);
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
                 _("Refusing to talk to %s without encryption: use an https:// address "
                   "(plain http is only allowed to this computer)"), uri);
  else
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE,
                 _("Cannot use “%s” for AniList: only https:// addresses are supported"), uri);

  return FALSE;
}
