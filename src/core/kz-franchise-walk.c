/* kz-franchise-walk.c
 *
 * Each level's unknown ids are resolved together, so a franchise costs
 * one provider call per level of depth (the provider splits a call into
 * requests of 50), never one per entry. The graph is cycle-safe because
 * an id enters the frontier only when it first joins the graph.
 *
 * Where the provider can, a call also brings the relations of every
 * related entry as hints (kz_provider_fetch_lookahead_async), which name
 * the level after next: that level's ids then ride along with the next
 * call, and a walk needs about one call per two levels. Hints only plan
 * calls. Levels are still built one by one from full entries, exactly as
 * without them, so a stale hint costs an entry fetched for nothing and
 * never adds a node.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-walk"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "kz-franchise-walk.h"

typedef struct {
  KzResolveContext     context;
  KzFranchiseOptions   options;
  KzDiscoveryProgress  progress;
  gpointer             progress_data;
  KzFranchiseGraph    *graph;
  GArray              *frontier;   /* gint64 */
  guint                depth;
  gboolean             provider_failed;
  gboolean             incomplete;  /* some entries could not be had */
  gboolean             lookahead;   /* plan with hints where the provider gives them */
  GHashTable          *ahead;       /* gint64* → full KzEntry fetched before its level */
  GHashTable          *hints;       /* gint64* (from) → GArray of KzRelationHint */
  KzWalkReport         report;
} WalkData;

static void resolve_level (GTask *task);

static void
walk_data_free (gpointer data)
{
  WalkData *state = data;

  g_clear_object (&state->context.store);
  g_clear_object (&state->context.provider);
  g_clear_object (&state->graph);
  g_clear_pointer (&state->frontier, g_array_unref);
  g_clear_pointer (&state->ahead, g_hash_table_unref);
  g_clear_pointer (&state->hints, g_hash_table_unref);
  g_free (state);
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

GError *
_kz_resolve_missing_error (const KzResolveContext *context,
                           KzResolveResult        *result,
                           gint64                  id)
{
  if (result != NULL && result->provider_error != NULL)
    return g_error_copy (result->provider_error);

  if (context->provider == NULL || (context->flags & KZ_FETCH_OFFLINE))
    return g_error_new (KZ_RELATIONS_SERVICE_ERROR,
                        KZ_RELATIONS_SERVICE_ERROR_NOT_STORED,
                        _("Anime %" PRId64 " is not in the local library; connect to fetch it"),
                        id);

  return g_error_new (KZ_RELATIONS_SERVICE_ERROR,
                      KZ_RELATIONS_SERVICE_ERROR_NOT_FOUND,
                      _("no such anime: %" PRId64), id);
}

/* The same choice as follows(), for an edge known only from a hint. */
static gboolean
follows_hint (WalkData             *state,
              const KzRelationHint *hint)
{
  if (!(state->options.relations & KZ_RELATION_MASK (hint->type)))
    return FALSE;

  return state->options.include_non_anime || hint->to_media_type == KZ_MEDIA_TYPE_ANIME;
}

static gboolean
follows (WalkData         *state,
         const KzRelation *relation)
{
  if (!(state->options.relations & KZ_RELATION_MASK (relation->type)))
    return FALSE;

  return state->options.include_non_anime ||
         kz_entry_get_media_type (relation->target) == KZ_MEDIA_TYPE_ANIME;
}

/* Adds the level's relations; returns the next frontier. */
static GArray *
expand_level (WalkData  *state,
              GPtrArray *entries)
{
  GArray *next = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      const KzRelation *relations;
      guint n_relations;

      relations = kz_entry_get_relations (entry, &n_relations);
      for (guint j = 0; j < n_relations; j++)
        {
          const KzRelation *relation = &relations[j];
          gint64 target_id = kz_entry_get_id (relation->target);

          if (!follows (state, relation))
            continue;

          if (kz_franchise_graph_lookup (state->graph, target_id) == NULL)
            {
              if (state->options.max_nodes != 0 &&
                  kz_franchise_graph_get_n_nodes (state->graph) >= state->options.max_nodes)
                continue;

              kz_franchise_graph_add_node (state->graph, relation->target, state->depth + 1);
              if (kz_entry_get_media_type (relation->target) == KZ_MEDIA_TYPE_ANIME)
                g_array_append_val (next, target_id);
            }

          kz_franchise_graph_add_edge (state->graph, kz_entry_get_id (entry), target_id,
                                       relation->type, relation->raw_type);
        }
    }

  return next;
}

static void
finish_walk (GTask *task)
{
  WalkData *state = g_task_get_task_data (task);

  kz_franchise_graph_set_complete (state->graph, !state->incomplete);
  if (state->provider_failed)
    state->report.flags |= KZ_RESULT_STALE;

  g_task_return_pointer (task, g_object_ref (state->graph), g_object_unref);
}

/* Keeps the hints of one call, replacing older ones from the same
 * entries: the newest answer is the best guess. */
static void
add_hints (WalkData *state,
           GArray   *hints)
{
  g_autoptr(GHashTable) fresh = NULL;

  if (hints == NULL || hints->len == 0)
    return;

  fresh = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < hints->len; i++)
    {
      KzRelationHint *hint = &g_array_index (hints, KzRelationHint, i);
      GArray *list;

      if (!(list = g_hash_table_lookup (fresh, &hint->from)))
        {
          list = g_array_new (FALSE, FALSE, sizeof (KzRelationHint));
          g_hash_table_replace (state->hints, id_key (hint->from), list);
          g_hash_table_insert (fresh, &hint->from, list);
        }
      g_array_append_val (list, *hint);
    }
}

/* Builds the level from its full @entries (in frontier order); FALSE
 * when the walk is over and @task has been answered. */
static gboolean
finish_level (GTask           *task,
              GPtrArray       *entries,
              KzResolveResult *resolved)
{
  WalkData *state = g_task_get_task_data (task);
  g_autoptr(GArray) next = NULL;

  state->report.levels++;

  if (state->depth == 0 && entries->len == 0)
    {
      g_task_return_error (task, _kz_resolve_missing_error (&state->context, resolved,
                                                            kz_franchise_graph_get_root_id (state->graph)));
      return FALSE;
    }

  /* Stubs stay for what could not be had. An id the provider answered
   * without is gone from AniList, which is no reason to call the walk
   * incomplete; one nobody was asked for is. */
  if (entries->len < state->frontier->len &&
      (state->context.provider == NULL || (state->context.flags & KZ_FETCH_OFFLINE)))
    state->incomplete = TRUE;

  for (guint i = 0; i < entries->len; i++)
    kz_franchise_graph_add_node (state->graph, g_ptr_array_index (entries, i), state->depth);

  if (state->options.max_depth == 0 || state->depth < state->options.max_depth)
    next = expand_level (state, entries);

  if (state->progress != NULL)
    {
      g_autoptr(KzFranchiseGraph) partial = kz_franchise_graph_copy (state->graph);

      state->progress (state->depth, partial, entries, state->progress_data);
    }

  if (next == NULL || next->len == 0)
    {
      finish_walk (task);
      return FALSE;
    }

  g_array_unref (state->frontier);
  state->frontier = g_steal_pointer (&next);
  state->depth++;

  return TRUE;
}

/* The frontier's entries that came with an earlier call, in order, or
 * NULL when some must still be fetched. */
static GPtrArray *
take_level_from_ahead (WalkData *state)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < state->frontier->len; i++)
    {
      KzEntry *entry = g_hash_table_lookup (state->ahead, &g_array_index (state->frontier, gint64, i));

      if (entry == NULL)
        return NULL;
      g_ptr_array_add (entries, g_object_ref (entry));
    }

  for (guint i = 0; i < state->frontier->len; i++)
    g_hash_table_remove (state->ahead, &g_array_index (state->frontier, gint64, i));

  return g_steal_pointer (&entries);
}

/* Adds to @request the ids the hints place on the next level, as many as
 * fit in the same call, and says whether the call should bring hints
 * itself. */
static gboolean
plan_call (WalkData *state,
           GArray   *request)
{
  gboolean expands = state->options.max_depth == 0 || state->depth < state->options.max_depth;
  gboolean plans_on = state->options.max_depth == 0 || state->depth + 1 < state->options.max_depth;
  g_autoptr(GHashTable) chosen = NULL;
  guint batch, room = G_MAXUINT;

  if (!state->lookahead || (state->context.flags & KZ_FETCH_OFFLINE))
    return FALSE;

  /* A level too large for one call of the form is not made larger. */
  batch = kz_provider_get_lookahead_batch (state->context.provider);
  if (batch == 0 || request->len > batch)
    return FALSE;

  if (state->options.max_nodes != 0)
    {
      guint n_nodes = kz_franchise_graph_get_n_nodes (state->graph);

      room = state->options.max_nodes > n_nodes ? state->options.max_nodes - n_nodes : 0;
    }

  chosen = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; expands && i < state->frontier->len; i++)
    {
      GArray *hints = g_hash_table_lookup (state->hints, &g_array_index (state->frontier, gint64, i));

      for (guint j = 0; hints != NULL && j < hints->len; j++)
        {
          KzRelationHint *hint = &g_array_index (hints, KzRelationHint, j);

          if (request->len >= batch || g_hash_table_size (chosen) >= room)
            return plans_on;

          /* Only anime join a frontier (see expand_level ()). */
          if (!follows_hint (state, hint) || hint->to_media_type != KZ_MEDIA_TYPE_ANIME ||
              kz_franchise_graph_lookup (state->graph, hint->to) != NULL ||
              g_hash_table_contains (state->ahead, &hint->to) ||
              !g_hash_table_add (chosen, &hint->to))
            continue;

          g_array_append_val (request, hint->to);
        }
    }

  return plans_on;
}

static void
level_resolved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WalkData *state = g_task_get_task_data (task);
  g_autoptr(KzResolveResult) resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (!(resolved = _kz_entry_resolver_run_finish (result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state->report.flags |= resolved->flags;
  state->report.provider_calls += resolved->provider_calls;
  kz_ingest_report_add (&state->report.ingest, &resolved->ingest);
  add_hints (state, resolved->hints);

  /* After a provider failure the rest of the walk uses the library alone. */
  if (resolved->provider_error != NULL)
    {
      state->provider_failed = TRUE;
      state->context.flags |= KZ_FETCH_OFFLINE;
    }

  /* This level's entries, in frontier order; the others wait for theirs. */
  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < resolved->entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (resolved->entries, i);

      g_hash_table_insert (by_id, id_key (kz_entry_get_id (entry)), entry);
    }

  entries = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < state->frontier->len; i++)
    {
      gint64 *id = &g_array_index (state->frontier, gint64, i);
      KzEntry *entry;

      if ((entry = g_hash_table_lookup (by_id, id)) ||
          (entry = g_hash_table_lookup (state->ahead, id)))
        g_ptr_array_add (entries, g_object_ref (entry));
      g_hash_table_remove (by_id, id);
      g_hash_table_remove (state->ahead, id);
    }

  g_hash_table_iter_init (&iter, by_id);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (state->ahead, id_key (*(gint64 *) key), g_object_ref (value));

  if (!finish_level (task, entries, resolved))
    return;

  resolve_level (g_steal_pointer (&task));
}

/* Goes on to the next call, building the levels that need none on the
 * way. Consumes a reference on @task. */
static void
resolve_level (GTask *task)
{
  WalkData *state = g_task_get_task_data (task);
  g_autoptr(GArray) request = NULL;

  for (;;)
    {
      g_autoptr(GPtrArray) entries = NULL;

      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (task);
          return;
        }

      if (!(entries = take_level_from_ahead (state)))
        break;

      if (!finish_level (task, entries, NULL))
        {
          g_object_unref (task);
          return;
        }
    }

  request = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < state->frontier->len; i++)
    if (!g_hash_table_contains (state->ahead, &g_array_index (state->frontier, gint64, i)))
      g_array_append_val (request, g_array_index (state->frontier, gint64, i));

  state->context.lookahead = plan_call (state, request);

  _kz_entry_resolver_run_async (&state->context,
                                (const gint64 *)(gpointer)request->data,
                                request->len,
                                g_task_get_cancellable (task),
                                level_resolved,
                                task);
}

void
_kz_franchise_walk_async (const KzResolveContext   *context,
                          gint64                    root_id,
                          const KzFranchiseOptions *options,
                          KzDiscoveryProgress       progress,
                          gpointer                  progress_data,
                          GCancellable             *cancellable,
                          GAsyncReadyCallback       callback,
                          gpointer                  user_data)
{
  GTask *task;
  WalkData *state;

  state = g_new0 (WalkData, 1);
  state->context = *context;
  g_object_ref (state->context.store);
  if (state->context.provider != NULL)
    g_object_ref (state->context.provider);
  state->options = *options;
  state->progress = progress;
  state->progress_data = progress_data;
  state->graph = kz_franchise_graph_new (root_id);
  state->frontier = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (state->frontier, root_id);
  state->ahead = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  state->hints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) g_array_unref);
  /* A caller that sets a batch size wants exactly that per call. */
  state->lookahead = state->context.provider != NULL && state->context.batch_size == 0 &&
                     !(state->context.flags & KZ_FETCH_OFFLINE);
  state->context.lookahead = FALSE;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _kz_franchise_walk_async);
  g_task_set_task_data (task, state, walk_data_free);

  resolve_level (task);
}

KzFranchiseGraph *
_kz_franchise_walk_finish (GAsyncResult  *result,
                           KzWalkReport  *report,
                           GError       **error)
{
  KzFranchiseGraph *graph;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  graph = g_task_propagate_pointer (G_TASK (result), error);
  if (report != NULL)
    *report = ((WalkData *)g_task_get_task_data (G_TASK (result)))->report;

  return graph;
}
