/* kz-franchise-walk.c
 *
 * Each level's unknown ids are resolved together, so a franchise costs
 * one provider call per level of depth (the provider splits a call into
 * requests of 50), never one per entry. The graph is cycle-safe because
 * an id enters the frontier only when it first joins the graph.
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
  g_free (state);
}

GError *
_kz_resolve_missing_error (const KzResolveContext *context,
                           KzResolveResult        *result,
                           gint64                  id)
{
  if (result->provider_error != NULL)
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

static void
level_resolved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WalkData *state = g_task_get_task_data (task);
  g_autoptr(KzResolveResult) resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) next = NULL;

  if (!(resolved = _kz_entry_resolver_run_finish (result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state->report.levels++;
  state->report.flags |= resolved->flags;
  state->report.provider_calls += resolved->provider_calls;
  kz_ingest_report_add (&state->report.ingest, &resolved->ingest);

  if (state->depth == 0 && resolved->entries->len == 0)
    {
      g_task_return_error (task, _kz_resolve_missing_error (&state->context, resolved,
                                                            kz_franchise_graph_get_root_id (state->graph)));
      return;
    }

  /* After a provider failure the rest of the walk uses the library alone. */
  if (resolved->provider_error != NULL)
    {
      state->provider_failed = TRUE;
      state->context.flags |= KZ_FETCH_OFFLINE;
    }

  /* Stubs stay for what could not be had. An id the provider answered
   * without is gone from AniList, which is no reason to call the walk
   * incomplete; one nobody was asked for is. */
  if (resolved->entries->len < state->frontier->len &&
      (state->context.provider == NULL || (state->context.flags & KZ_FETCH_OFFLINE)))
    state->incomplete = TRUE;

  for (guint i = 0; i < resolved->entries->len; i++)
    kz_franchise_graph_add_node (state->graph, g_ptr_array_index (resolved->entries, i), state->depth);

  if (state->options.max_depth == 0 || state->depth < state->options.max_depth)
    next = expand_level (state, resolved->entries);

  if (state->progress != NULL)
    {
      g_autoptr(KzFranchiseGraph) partial = kz_franchise_graph_copy (state->graph);

      state->progress (state->depth, partial, resolved->entries, state->progress_data);
    }

  if (next == NULL || next->len == 0)
    {
      finish_walk (task);
      return;
    }

  g_array_unref (state->frontier);
  state->frontier = g_steal_pointer (&next);
  state->depth++;
  resolve_level (g_steal_pointer (&task));
}

static void
resolve_level (GTask *task)
{
  WalkData *state = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  _kz_entry_resolver_run_async (&state->context,
                                (const gint64 *)(gpointer)state->frontier->data,
                                state->frontier->len,
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
