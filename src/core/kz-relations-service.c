/* kz-relations-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kz-clock.h"
#include "kz-entry-resolver.h"
#include "kz-franchise-walk.h"
#include "kz-relations-service-private.h"
#include "kz-shared-fetch.h"

struct _KzRelationsService
{
  GObject         parent_instance;

  KzCache        *cache;
  KzStore        *store;
  KzProvider     *provider;
  KzClockFunc     clock;
  gpointer        clock_data;
  guint           batch_size;

  /* operation key → Operation: requests for the same thing share one */
  GHashTable     *operations;
  /* franchise keys walked again in the background right now */
  GHashTable     *revalidating;
  /* cancelled on dispose: background walks stop with the service */
  GCancellable   *background;

  GMutex          stats_lock;
  KzServiceStats  stats;
};

G_DEFINE_FINAL_TYPE (KzRelationsService, kz_relations_service, G_TYPE_OBJECT)
G_DEFINE_QUARK (kz-relations-service-error-quark, kz_relations_service_error)

enum {
  FRANCHISE_UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The state of one shared request while it runs. */
typedef struct {
  KzRelationsService  *self;
  KzSharedFetch       *fetch;
  GCancellable        *cancellable;  /* the fetch's */
  KzFetchFlags         flags;
  gint64               id;
  char                *cache_key;
  KzFranchiseOptions   options;
  KzDiscoveryProgress  progress;
  gpointer             progress_data;
  KzEntry             *root;         /* detailed: the root entry */
  KzFranchiseGraph    *result;       /* franchise: waiting to be saved */
  KzResultFlags        result_flags;
} Operation;

/* Only what is known to be current goes into the memory cache: never a
 * fallback to an older copy, nor what an offline request found. */
static gboolean
may_cache (Operation     *op,
           KzResultFlags  flags)
{
  return !(flags & KZ_RESULT_STALE) &&
         !(op->flags & KZ_FETCH_OFFLINE) &&
         op->self->provider != NULL;
}

static void
return_outcome (GTask         *task,
                GObject       *value,
                KzResultFlags  flags)
{
  _kz_task_return_result (task, g_object_ref (value), g_object_unref, flags);
}

gint64
_kz_relations_service_now (KzRelationsService *self)
{
  return self->clock (self->clock_data);
}

#define now(self) _kz_relations_service_now (self)

void
_kz_relations_service_add_ingest (KzRelationsService   *self,
                                  const KzIngestReport *report)
{
  g_mutex_lock (&self->stats_lock);
  kz_ingest_report_add (&self->stats.ingest, report);
  g_mutex_unlock (&self->stats_lock);
}

static void
count (KzRelationsService *self,
       guint64            *counter)
{
  g_mutex_lock (&self->stats_lock);
  (*counter)++;
  g_mutex_unlock (&self->stats_lock);
}

static void
add_report (KzRelationsService   *self,
            guint                 provider_calls,
            const KzIngestReport *ingest,
            KzResultFlags         flags)
{
  g_mutex_lock (&self->stats_lock);
  self->stats.provider_fetches += provider_calls;
  kz_ingest_report_add (&self->stats.ingest, ingest);
  if (flags & KZ_RESULT_STALE)
    self->stats.stale_returned++;
  else if (!(flags & KZ_RESULT_FROM_PROVIDER) && (flags & KZ_RESULT_FROM_LIBRARY))
    self->stats.library_hits++;
  g_mutex_unlock (&self->stats_lock);
}

static KzResolveContext
resolve_context (Operation *op)
{
  KzResolveContext context = {
    .store = op->self->store,
    .provider = op->self->provider,
    .flags = op->flags,
    .priority = KZ_PRIORITY_USER,
    .batch_size = op->self->batch_size,
    .now = now (op->self),
  };

  return context;
}

/* Operations */

static void
operation_complete (Operation     *op,
                    GObject       *value,
                    KzResultFlags  flags,
                    const GError  *error)
{
  _kz_shared_fetch_complete (op->fetch, value, flags, error);

  g_clear_object (&op->self);
  g_clear_pointer (&op->cache_key, g_free);
  g_clear_object (&op->root);
  g_clear_object (&op->result);
  g_free (op);
}

/* Joins the request in flight for @key, or starts one: then the caller
 * fills in the operation and runs it. */
static Operation *
start_operation (KzRelationsService *self,
                 const char         *key,
                 GTask              *task,
                 KzFetchFlags        flags)
{
  KzSharedFetch *fetch;
  gboolean started;
  Operation *op;

  fetch = _kz_shared_fetch_join (self->operations, key, task, &started);
  if (!started)
    {
      count (self, &self->stats.coalesced);
      return NULL;
    }

  op = g_new0 (Operation, 1);
  op->self = g_object_ref (self);
  op->fetch = fetch;
  op->cancellable = _kz_shared_fetch_get_cancellable (fetch);
  op->flags = flags;

  return op;
}

static char *
id_key (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Looks @key up in the cache unless a refresh was asked for; on a hit
 * the task is answered at once. */
static gboolean
answer_from_cache (KzRelationsService *self,
                   KzCacheTier         tier,
                   const char         *key,
                   KzFetchFlags        flags,
                   GTask              *task)
{
  g_autoptr(GObject) value = NULL;

  if (flags & KZ_FETCH_REFRESH)
    return FALSE;

  if (!(value = kz_cache_lookup (self->cache, tier, key)))
    return FALSE;

  count (self, &self->stats.cache_hits);
  return_outcome (task, value, KZ_RESULT_FROM_CACHE);
  return TRUE;
}

/* Starts a public call: answers it from the cache, or joins it to the
 * same request in flight (NULL for both), or returns a new operation for
 * the caller to run. */
static Operation *
begin_request (KzRelationsService  *self,
               gpointer             source_tag,
               KzCacheTier          tier,
               const char          *cache_key,
               gint64               id,
               KzFetchFlags         flags,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *op_key = NULL;
  Operation *op;

  g_task_set_source_tag (task, source_tag);
  if (answer_from_cache (self, tier, cache_key, flags, task))
    return NULL;

  op_key = g_strdup_printf ("%s:%s:%x", kz_cache_tier_to_string (tier), cache_key, flags);
  if (!(op = start_operation (self, op_key, task, flags)))
    return NULL;

  op->id = id;
  op->cache_key = g_strdup (cache_key);

  return op;
}

/* GObject */

static void
kz_relations_service_dispose (GObject *object)
{
  KzRelationsService *self = (KzRelationsService *)object;

  g_cancellable_cancel (self->background);
  g_clear_object (&self->provider);
  g_clear_object (&self->store);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (kz_relations_service_parent_class)->dispose (object);
}

static void
kz_relations_service_finalize (GObject *object)
{
  KzRelationsService *self = (KzRelationsService *)object;

  g_clear_pointer (&self->operations, g_hash_table_unref);
  g_clear_pointer (&self->revalidating, g_hash_table_unref);
  g_clear_object (&self->background);
  g_mutex_clear (&self->stats_lock);

  G_OBJECT_CLASS (kz_relations_service_parent_class)->finalize (object);
}

static void
kz_relations_service_class_init (KzRelationsServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_relations_service_dispose;
  object_class->finalize = kz_relations_service_finalize;

  /**
   * KzRelationsService::franchise-updated:
   * @root_id: the franchise's root, as asked for
   *
   * A franchise answered with %KZ_RESULT_REVALIDATING was walked again
   * and differs from what was shown; asking for it again gets the new
   * one from the memory cache.
   */
  signals[FRANCHISE_UPDATED] =
    g_signal_new ("franchise-updated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
kz_relations_service_init (KzRelationsService *self)
{
  /* Operations hold a reference on the service, so none is left here
   * when it finalizes. */
  self->operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->revalidating = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->background = g_cancellable_new ();
  self->clock = kz_clock_real_now;
  g_mutex_init (&self->stats_lock);
}

/* Public API */

void
kz_franchise_options_init_default (KzFranchiseOptions *options)
{
  g_return_if_fail (options != NULL);

  options->max_depth = KZ_FRANCHISE_DEFAULT_MAX_DEPTH;
  options->max_nodes = KZ_FRANCHISE_DEFAULT_MAX_NODES;
  options->relations = KZ_RELATION_MASK_DEFAULT;
  options->include_non_anime = FALSE;
}

char *
kz_franchise_options_to_key (const KzFranchiseOptions *options,
                             gint64                    root_id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":d%u:n%u:r%x:a%d",
                          root_id, options->max_depth, options->max_nodes,
                          options->relations, options->include_non_anime ? 1 : 0);
}

/**
 * kz_relations_service_new:
 * @provider: (nullable): %NULL to work from the library alone
 */
KzRelationsService *
kz_relations_service_new (KzCache    *cache,
                          KzStore    *store,
                          KzProvider *provider)
{
  KzRelationsService *self;

  g_return_val_if_fail (KZ_IS_CACHE (cache), NULL);
  g_return_val_if_fail (KZ_IS_STORE (store), NULL);
  g_return_val_if_fail (!provider || KZ_IS_PROVIDER (provider), NULL);

  self = g_object_new (KZ_TYPE_RELATIONS_SERVICE, NULL);
  self->cache = g_object_ref (cache);
  self->store = g_object_ref (store);
  self->provider = provider ? g_object_ref (provider) : NULL;

  return self;
}

KzCache *
kz_relations_service_get_cache (KzRelationsService *self)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);
  return self->cache;
}

KzStore *
kz_relations_service_get_store (KzRelationsService *self)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);
  return self->store;
}

KzProvider *
kz_relations_service_get_provider (KzRelationsService *self)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);
  return self->provider;
}

void
kz_relations_service_set_clock (KzRelationsService *self,
                                KzClockFunc         clock,
                                gpointer            clock_data)
{
  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));

  self->clock = clock ? clock : kz_clock_real_now;
  self->clock_data = clock ? clock_data : NULL;
}

void
_kz_relations_service_set_batch_size (KzRelationsService *self,
                                      guint               batch_size)
{
  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));
  self->batch_size = batch_size;
}

void
kz_relations_service_get_stats (KzRelationsService *self,
                                KzServiceStats     *stats)
{
  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->stats_lock);
  *stats = self->stats;
  g_mutex_unlock (&self->stats_lock);
}

/* Basic relations: the entry with its direct edges */

static void
basic_resolved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Operation *op = user_data;
  KzResolveContext context = resolve_context (op);
  g_autoptr(KzResolveResult) resolved = NULL;
  g_autoptr(GError) error = NULL;
  KzEntry *entry;

  if (!(resolved = _kz_entry_resolver_run_finish (result, &error)))
    {
      operation_complete (op, NULL, 0, error);
      return;
    }

  add_report (op->self, resolved->provider_calls, &resolved->ingest, resolved->flags);

  if (resolved->entries->len == 0)
    {
      error = _kz_resolve_missing_error (&context, resolved, op->id);
      operation_complete (op, NULL, 0, error);
      return;
    }

  entry = g_ptr_array_index (resolved->entries, 0);
  if (may_cache (op, resolved->flags))
    kz_cache_insert (op->self->cache, KZ_CACHE_TIER_BASIC, op->cache_key,
                     entry, kz_entry_get_approx_size (entry));

  operation_complete (op, G_OBJECT (entry), resolved->flags, NULL);
}

void
kz_relations_service_get_basic_async (KzRelationsService  *self,
                                      gint64               id,
                                      KzFetchFlags         flags,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *key = NULL;
  KzResolveContext context;
  Operation *op;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));
  g_return_if_fail (id > 0);

  key = id_key (id);
  if (!(op = begin_request (self, kz_relations_service_get_basic_async, KZ_CACHE_TIER_BASIC,
                            key, id, flags, cancellable, callback, user_data)))
    return;

  context = resolve_context (op);
  _kz_entry_resolver_run_async (&context, &id, 1, op->cancellable, basic_resolved, op);
}

KzEntry *
kz_relations_service_get_basic_finish (KzRelationsService  *self,
                                       GAsyncResult        *result,
                                       KzResultFlags       *result_flags,
                                       GError             **error)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);
  return _kz_task_propagate_result (result, kz_relations_service_get_basic_async, result_flags, error);
}

/* Detailed relations: the entry and its neighbours, all full */

static void
neighbours_resolved (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Operation *op = user_data;
  g_autoptr(KzResolveResult) resolved = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  const KzRelation *relations;
  KzResultFlags flags;
  guint n_relations;

  if (!(resolved = _kz_entry_resolver_run_finish (result, &error)))
    {
      operation_complete (op, NULL, 0, error);
      return;
    }

  add_report (op->self, resolved->provider_calls, &resolved->ingest, resolved->flags);
  flags = op->result_flags | resolved->flags;

  graph = kz_franchise_graph_new (op->id);
  kz_franchise_graph_add_node (graph, op->root, 0);
  for (guint i = 0; i < resolved->entries->len; i++)
    kz_franchise_graph_add_node (graph, g_ptr_array_index (resolved->entries, i), 1);

  relations = kz_entry_get_relations (op->root, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    {
      kz_franchise_graph_add_node (graph, relations[i].target, 1);
      kz_franchise_graph_add_edge (graph, op->id, kz_entry_get_id (relations[i].target),
                                   relations[i].type, relations[i].raw_type);
    }

  /* Neighbours the provider could not give stay stubs: not complete. */
  kz_franchise_graph_set_complete (graph, resolved->provider_error == NULL);
  if (resolved->provider_error != NULL)
    flags |= KZ_RESULT_STALE;

  if (may_cache (op, flags) && kz_franchise_graph_is_complete (graph))
    kz_cache_insert (op->self->cache, KZ_CACHE_TIER_DETAILED, op->cache_key,
                     graph, kz_franchise_graph_get_approx_size (graph));

  operation_complete (op, G_OBJECT (graph), flags, NULL);
}

static void
detailed_root_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Operation *op = user_data;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  KzResolveContext context;
  const KzRelation *relations;
  guint n_relations;

  op->root = kz_relations_service_get_basic_finish (op->self, result, &op->result_flags, &error);
  if (op->root == NULL)
    {
      operation_complete (op, NULL, 0, error);
      return;
    }

  relations = kz_entry_get_relations (op->root, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    if (kz_entry_get_media_type (relations[i].target) == KZ_MEDIA_TYPE_ANIME)
      {
        gint64 target_id = kz_entry_get_id (relations[i].target);
        g_array_append_val (ids, target_id);
      }

  /* A stale root means the provider is failing: do not ask it again. */
  context = resolve_context (op);
  if (op->result_flags & KZ_RESULT_STALE)
    context.flags |= KZ_FETCH_OFFLINE;

  _kz_entry_resolver_run_async (&context, (const gint64 *)(gpointer)ids->data, ids->len,
                                op->cancellable, neighbours_resolved, op);
}

void
kz_relations_service_get_detailed_async (KzRelationsService  *self,
                                         gint64               id,
                                         KzFetchFlags         flags,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *key = NULL;
  Operation *op;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));
  g_return_if_fail (id > 0);

  key = id_key (id);
  if (!(op = begin_request (self, kz_relations_service_get_detailed_async, KZ_CACHE_TIER_DETAILED,
                            key, id, flags, cancellable, callback, user_data)))
    return;

  kz_relations_service_get_basic_async (self, id, flags, op->cancellable, detailed_root_done, op);
}

KzFranchiseGraph *
kz_relations_service_get_detailed_finish (KzRelationsService  *self,
                                          GAsyncResult        *result,
                                          KzResultFlags       *result_flags,
                                          GError             **error)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);
  return _kz_task_propagate_result (result, kz_relations_service_get_detailed_async, result_flags, error);
}

/* Franchises */

typedef struct {
  KzFranchiseGraph *graph;
  gint64            saved_at;
  gboolean          entries_fresh;  /* every full node within its policy */
} SavedFranchise;

static void
saved_franchise_free (gpointer data)
{
  SavedFranchise *saved = data;

  g_clear_object (&saved->graph);
  g_free (saved);
}

/* Revalidation: a stored franchise shown at once, walked again behind
 * the person's own requests. It holds no reference on the service, so
 * that the service may go (and cancel it) meanwhile. */

typedef struct {
  GWeakRef          service;
  KzStore          *store;
  GHashTable       *revalidating;
  GCancellable     *cancellable;
  char             *key;
  gint64            root_id;
  gint64            now;
  KzFranchiseGraph *shown;
  KzFranchiseGraph *graph;
} Revalidation;

static void
revalidation_free (Revalidation *reval)
{
  g_hash_table_remove (reval->revalidating, reval->key);
  g_weak_ref_clear (&reval->service);
  g_clear_object (&reval->store);
  g_clear_pointer (&reval->revalidating, g_hash_table_unref);
  g_clear_object (&reval->cancellable);
  g_free (reval->key);
  g_clear_object (&reval->shown);
  g_clear_object (&reval->graph);
  g_free (reval);
}

static GHashTable *
graph_edge_set (KzFranchiseGraph *graph)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const KzEdge *edges;
  guint n_edges;

  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    g_hash_table_add (set, g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                                            edges[i].from, edges[i].to, edges[i].raw_type));

  return set;
}

/* Different titles, edges, or a title changed at the provider since. */
static gboolean
graphs_differ (KzFranchiseGraph *a,
               KzFranchiseGraph *b)
{
  g_autoptr(GHashTable) edges_a = NULL;
  g_autoptr(GHashTable) edges_b = NULL;
  GHashTableIter iter;
  gpointer edge;
  guint n_nodes = kz_franchise_graph_get_n_nodes (a);

  if (n_nodes != kz_franchise_graph_get_n_nodes (b))
    return TRUE;

  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (a, i);
      KzEntry *other = kz_franchise_graph_lookup (b, kz_entry_get_id (node));

      if (other == NULL ||
          kz_entry_get_detail (node) != kz_entry_get_detail (other) ||
          kz_entry_get_updated_at (node) != kz_entry_get_updated_at (other))
        return TRUE;
    }

  edges_a = graph_edge_set (a);
  edges_b = graph_edge_set (b);
  if (g_hash_table_size (edges_a) != g_hash_table_size (edges_b))
    return TRUE;

  g_hash_table_iter_init (&iter, edges_a);
  while (g_hash_table_iter_next (&iter, &edge, NULL))
    if (!g_hash_table_contains (edges_b, edge))
      return TRUE;

  return FALSE;
}

/* A title's basic and detailed answers may hold what a revalidation
 * just replaced: the next request reads them from the library again. */
static void
forget_titles_of (KzRelationsService *self,
                  KzFranchiseGraph   *graph)
{
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (graph); i++)
    {
      g_autofree char *key = id_key (kz_entry_get_id (kz_franchise_graph_get_node (graph, i)));

      kz_cache_invalidate (self->cache, KZ_CACHE_TIER_BASIC, key);
      kz_cache_invalidate (self->cache, KZ_CACHE_TIER_DETAILED, key);
    }
}

static void
revalidation_saved (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Revalidation *reval = user_data;
  g_autoptr(KzRelationsService) self = g_weak_ref_get (&reval->service);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not save the franchise of %" G_GINT64_FORMAT ": %s", reval->root_id, error->message);

  if (self != NULL && !g_cancellable_is_cancelled (reval->cancellable))
    {
      kz_cache_insert (self->cache, KZ_CACHE_TIER_FRANCHISE, reval->key,
                       reval->graph, kz_franchise_graph_get_approx_size (reval->graph));

      if (graphs_differ (reval->shown, reval->graph))
        {
          g_debug ("The franchise of %" G_GINT64_FORMAT " changed", reval->root_id);
          forget_titles_of (self, reval->shown);
          forget_titles_of (self, reval->graph);
          g_signal_emit (self, signals[FRANCHISE_UPDATED], 0, reval->root_id);
        }
    }

  revalidation_free (reval);
}

static void
save_revalidation_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  Revalidation *reval = task_data;
  GError *error = NULL;

  if (kz_store_save_franchise (reval->store, reval->key, reval->graph, reval->now, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
revalidation_walked (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Revalidation *reval = user_data;
  g_autoptr(KzRelationsService) self = g_weak_ref_get (&reval->service);
  g_autoptr(GTask) save_task = NULL;
  g_autoptr(GError) error = NULL;
  KzWalkReport report = { 0 };

  reval->graph = _kz_franchise_walk_finish (result, &report, &error);
  if (self != NULL)
    add_report (self, report.provider_calls, &report.ingest, 0);

  /* What was shown stays shown when the walk cannot do better. */
  if (reval->graph == NULL || self == NULL ||
      !kz_franchise_graph_is_complete (reval->graph) || (report.flags & KZ_RESULT_STALE))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not revalidate the franchise of %" G_GINT64_FORMAT ": %s",
                 reval->root_id, error->message);
      revalidation_free (reval);
      return;
    }

  save_task = g_task_new (NULL, NULL, revalidation_saved, reval);
  g_task_set_task_data (save_task, reval, NULL);
  g_task_run_in_thread (save_task, save_revalidation_thread);
}

/* At most one revalidation per franchise at a time. */
static void
start_revalidation (Operation        *op,
                    KzFranchiseGraph *shown)
{
  KzRelationsService *self = op->self;
  KzResolveContext context = resolve_context (op);
  Revalidation *reval;

  if (!g_hash_table_add (self->revalidating, g_strdup (op->cache_key)))
    return;

  reval = g_new0 (Revalidation, 1);
  g_weak_ref_init (&reval->service, self);
  reval->store = g_object_ref (self->store);
  reval->revalidating = g_hash_table_ref (self->revalidating);
  reval->cancellable = g_object_ref (self->background);
  reval->key = g_strdup (op->cache_key);
  reval->root_id = op->id;
  reval->now = context.now;
  reval->shown = g_object_ref (shown);

  /* Fresh entries come from the library, the others from the provider. */
  context.flags &= ~KZ_FETCH_REFRESH;
  context.priority = KZ_PRIORITY_BACKGROUND;
  _kz_franchise_walk_async (&context, op->id, &op->options, NULL, NULL,
                            reval->cancellable, revalidation_walked, reval);
}

static void
franchise_saved (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Operation *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not save the franchise of %" G_GINT64_FORMAT ": %s", op->id, error->message);

  operation_complete (op, G_OBJECT (op->result), op->result_flags, NULL);
}

static void
save_franchise_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  Operation *op = task_data;
  GError *error = NULL;

  if (kz_store_save_franchise (op->self->store, op->cache_key, op->result, now (op->self), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
franchise_walked (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Operation *op = user_data;
  g_autoptr(GTask) save_task = NULL;
  g_autoptr(GError) error = NULL;
  KzWalkReport report = { 0 };

  op->result = _kz_franchise_walk_finish (result, &report, &error);
  add_report (op->self, report.provider_calls, &report.ingest, report.flags);

  if (op->result == NULL)
    {
      operation_complete (op, NULL, 0, error);
      return;
    }

  op->result_flags = report.flags;

  /* Only a whole, current franchise is kept: a walk that failed half-way
   * must never be mistaken later for the real thing. */
  if (!kz_franchise_graph_is_complete (op->result) || !may_cache (op, report.flags))
    {
      operation_complete (op, G_OBJECT (op->result), op->result_flags, NULL);
      return;
    }

  kz_cache_insert (op->self->cache, KZ_CACHE_TIER_FRANCHISE, op->cache_key,
                   op->result, kz_franchise_graph_get_approx_size (op->result));

  save_task = g_task_new (NULL, NULL, franchise_saved, op);
  g_task_set_task_data (save_task, op, NULL);
  g_task_run_in_thread (save_task, save_franchise_thread);
}

static void
start_walk (Operation *op)
{
  KzResolveContext context = resolve_context (op);

  _kz_franchise_walk_async (&context, op->id, &op->options, op->progress, op->progress_data,
                            op->cancellable, franchise_walked, op);
}

/* TRUE when no full node of @graph is past its refresh policy. */
static gboolean
entries_are_fresh (KzStore          *store,
                   KzFranchiseGraph *graph,
                   gint64            now)
{
  guint n_nodes = kz_franchise_graph_get_n_nodes (graph);
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_nodes);
  g_autoptr(GPtrArray) nodes = g_ptr_array_sized_new (n_nodes);
  g_autoptr(GArray) infos = NULL;

  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (graph, i);
      gint64 id = kz_entry_get_id (node);

      if (kz_entry_get_detail (node) != KZ_ENTRY_DETAIL_FULL)
        continue;
      g_array_append_val (ids, id);
      g_ptr_array_add (nodes, node);
    }

  if (!(infos = kz_store_get_fetch_infos (store, (const gint64 *)(gpointer)ids->data, ids->len, NULL)))
    return FALSE;

  for (guint i = 0; i < nodes->len; i++)
    if (!_kz_entry_is_fresh (g_ptr_array_index (nodes, i),
                             g_array_index (infos, KzFetchInfo, i).fetched_at, now))
      return FALSE;

  return TRUE;
}

static void
load_franchise_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr(GError) error = NULL;
  SavedFranchise *saved = g_new0 (SavedFranchise, 1);

  saved->graph = kz_store_load_franchise (op->self->store, op->cache_key, &saved->saved_at, &error);
  if (error != NULL)
    g_warning ("Could not read a saved franchise: %s", error->message);

  if (saved->graph != NULL)
    saved->entries_fresh = entries_are_fresh (op->self->store, saved->graph, now (op->self));

  g_task_return_pointer (task, saved, saved_franchise_free);
}

static void
franchise_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Operation *op = user_data;
  SavedFranchise *saved = g_task_propagate_pointer (G_TASK (result), NULL);
  gint64 max_age = kz_cache_get_ttl (op->self->cache, KZ_CACHE_TIER_FRANCHISE);
  gboolean offline = op->self->provider == NULL || (op->flags & KZ_FETCH_OFFLINE);
  gboolean stored = saved != NULL && saved->graph != NULL;
  gboolean complete = stored && kz_franchise_graph_is_complete (saved->graph);
  gboolean fresh = complete && saved->entries_fresh &&
                   now (op->self) - saved->saved_at < max_age;
  KzIngestReport none = { 0 };

  if (fresh || (offline && stored))
    {
      add_report (op->self, 0, &none, KZ_RESULT_FROM_LIBRARY);
      if (fresh && may_cache (op, KZ_RESULT_FROM_LIBRARY))
        kz_cache_insert (op->self->cache, KZ_CACHE_TIER_FRANCHISE, op->cache_key,
                         saved->graph, kz_franchise_graph_get_approx_size (saved->graph));
      operation_complete (op, G_OBJECT (saved->graph), KZ_RESULT_FROM_LIBRARY, NULL);
    }
  else if (complete && !(op->flags & KZ_FETCH_CURRENT))
    {
      /* Shown now, as stored; brought up to date behind it. Not cached:
       * only the walk's answer is known to be current. */
      add_report (op->self, 0, &none, KZ_RESULT_FROM_LIBRARY);
      start_revalidation (op, saved->graph);
      operation_complete (op, G_OBJECT (saved->graph),
                          KZ_RESULT_FROM_LIBRARY | KZ_RESULT_REVALIDATING, NULL);
    }
  else
    {
      start_walk (op);
    }

  if (saved != NULL)
    saved_franchise_free (saved);
}

void
kz_relations_service_get_franchise_async (KzRelationsService       *self,
                                          gint64                    id,
                                          const KzFranchiseOptions *options,
                                          KzFetchFlags              flags,
                                          KzDiscoveryProgress       progress,
                                          gpointer                  progress_data,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data)
{
  g_autofree char *key = NULL;
  KzFranchiseOptions defaults;
  Operation *op;

  g_return_if_fail (KZ_IS_RELATIONS_SERVICE (self));
  g_return_if_fail (id > 0);

  if (options == NULL)
    {
      kz_franchise_options_init_default (&defaults);
      options = &defaults;
    }

  key = kz_franchise_options_to_key (options, id);
  if (!(op = begin_request (self, kz_relations_service_get_franchise_async, KZ_CACHE_TIER_FRANCHISE,
                            key, id, flags, cancellable, callback, user_data)))
    return;

  op->options = *options;
  op->progress = progress;
  op->progress_data = progress_data;

  if (flags & KZ_FETCH_REFRESH)
    {
      start_walk (op);
    }
  else
    {
      g_autoptr(GTask) load_task = g_task_new (NULL, NULL, franchise_loaded, op);

      g_task_set_task_data (load_task, op, NULL);
      g_task_run_in_thread (load_task, load_franchise_thread);
    }
}

KzFranchiseGraph *
kz_relations_service_get_franchise_finish (KzRelationsService  *self,
                                           GAsyncResult        *result,
                                           KzResultFlags       *result_flags,
                                           GError             **error)
{
  g_return_val_if_fail (KZ_IS_RELATIONS_SERVICE (self), NULL);
  return _kz_task_propagate_result (result, kz_relations_service_get_franchise_async, result_flags, error);
}
