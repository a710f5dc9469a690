/* kz-cli-commands.c: kizuna-cli's commands, one after the other
 *
 * Each command asks the relations service (or, for library, the store)
 * off the main thread, hands what comes back to kz-cli-output.h and ends
 * with _kz_cli_complete() or _kz_cli_fail().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-private.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <unistd.h>

#include "kz-cli-output.h"

#define LIBRARY_PAGE_SIZE 500

static void run_search    (KzCli *cli);
static void run_show      (KzCli *cli);
static void run_relations (KzCli *cli);
static void run_franchise (KzCli *cli);
static void run_refresh   (KzCli *cli);
static void run_library   (KzCli *cli);

static const KzCliCommand commands[] = {
  { "search",    KZ_CLI_ARGS_TEXT, KZ_CLI_OPT_LIMIT, FALSE, run_search },
  { "show",      KZ_CLI_ARGS_ID,   0, FALSE, run_show },
  { "relations", KZ_CLI_ARGS_ID,   KZ_CLI_OPT_DETAILED, FALSE, run_relations },
  { "franchise", KZ_CLI_ARGS_ID,
    KZ_CLI_OPT_FORMAT | KZ_CLI_OPT_MAX_DEPTH | KZ_CLI_OPT_MAX_NODES | KZ_CLI_OPT_RELATIONS,
    FALSE, run_franchise },
  { "refresh",   KZ_CLI_ARGS_ID,
    KZ_CLI_OPT_MAX_DEPTH | KZ_CLI_OPT_MAX_NODES | KZ_CLI_OPT_RELATIONS,
    TRUE, run_refresh },
  { "library",   KZ_CLI_ARGS_NONE, 0, FALSE, run_library },
};

const KzCliCommand *
_kz_cli_find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];

  return NULL;
}

static KzFetchFlags
fetch_flags (KzCli *cli)
{
  /* The process ends with the command: nothing could finish behind it. */
  return cli->offline ? KZ_FETCH_OFFLINE : KZ_FETCH_CURRENT;
}

static const char *
result_source (KzResultFlags flags)
{
  if (flags & KZ_RESULT_FROM_PROVIDER)
    return "provider";
  if (flags & KZ_RESULT_FROM_LIBRARY)
    return "library";
  if (flags & KZ_RESULT_FROM_CACHE)
    return "cache";

  return "library";
}

static guint64
provider_requests (KzCli *cli)
{
  KzProviderStats stats = { 0 };
  guint64 requests;

  if (cli->provider == NULL)
    return 0;

  kz_provider_get_stats (cli->provider, &stats);
  requests = stats.requests_sent;
  kz_provider_stats_clear (&stats);

  return requests;
}

/* search TEXT */

static void
search_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entries = kz_relations_service_search_finish (cli->service, result, &flags, &error);
  if (entries == NULL)
    {
      _kz_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autofree char *query = kz_cli_sanitize_line (cli->text);

      cli->json_out = kz_cli_entry_list_to_json ("results", entries, cli->language);
      json_object_set_string_member (json_node_get_object (cli->json_out), "query", query);
    }
  else if (entries->len == 0)
    {
      g_autofree char *query = kz_cli_sanitize_line (cli->text);

      g_string_append_printf (cli->text_out, _("No titles match “%s”"), query);
      g_string_append_c (cli->text_out, '\n');
    }
  else
    kz_cli_append_entry_list (cli->text_out, entries, cli->language);

  _kz_cli_complete (cli, flags);
}

static void
run_search (KzCli *cli)
{
  kz_relations_service_search_async (cli->service, cli->text, cli->limit,
                                     fetch_flags (cli), cli->cancellable,
                                     search_done, cli);
}

/* show ID */

static void
show_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(KzEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entry = kz_relations_service_get_basic_finish (cli->service, result, &flags, &error);
  if (entry == NULL)
    {
      _kz_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    cli->json_out = kz_cli_entry_to_json (entry, cli->language, TRUE);
  else
    kz_cli_append_entry_details (cli->text_out, entry, cli->language);

  _kz_cli_complete (cli, flags);
}

static void
run_show (KzCli *cli)
{
  kz_relations_service_get_basic_async (cli->service, cli->id, fetch_flags (cli),
                                        cli->cancellable, show_done, cli);
}

/* relations ID [--detailed] */

static void
relations_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(KzEntry) entry = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  if (cli->detailed)
    {
      graph = kz_relations_service_get_detailed_finish (cli->service, result, &flags, &error);
      if (graph != NULL && kz_franchise_graph_get_root (graph) != NULL)
        entry = g_object_ref (kz_franchise_graph_get_root (graph));
    }
  else
    entry = kz_relations_service_get_basic_finish (cli->service, result, &flags, &error);

  if (entry == NULL)
    {
      if (error == NULL)
        g_set_error (&error, KZ_RELATIONS_SERVICE_ERROR, KZ_RELATIONS_SERVICE_ERROR_NOT_FOUND,
                     _("no such anime: %" PRId64), cli->id);
      _kz_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    cli->json_out = kz_cli_relations_to_json (entry, graph, cli->language);
  else
    kz_cli_append_relations (cli->text_out, entry, graph, cli->language);

  _kz_cli_complete (cli, flags);
}

static void
run_relations (KzCli *cli)
{
  if (cli->detailed)
    kz_relations_service_get_detailed_async (cli->service, cli->id, fetch_flags (cli),
                                             cli->cancellable, relations_done, cli);
  else
    kz_relations_service_get_basic_async (cli->service, cli->id, fetch_flags (cli),
                                          cli->cancellable, relations_done, cli);
}

/* franchise ID */

static void
franchise_progress (guint             depth,
                    KzFranchiseGraph *partial,
                    GPtrArray        *new_entries,
                    gpointer          user_data)
{
  KzCli *cli = user_data;
  guint n_nodes = kz_franchise_graph_get_n_nodes (partial);

  /* Only where a person watches; pipes and logs get the result alone. */
  if (!isatty (STDERR_FILENO))
    return;

  g_printerr ("\r\033[K");
  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "Discovering the franchise… %u title, depth %u",
                           "Discovering the franchise… %u titles, depth %u",
                           n_nodes),
              n_nodes, depth);
  cli->progress_shown = TRUE;
}

static void
franchise_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  graph = kz_relations_service_get_franchise_finish (cli->service, result, &flags, &error);
  if (graph == NULL)
    {
      _kz_cli_fail (cli, error);
      return;
    }

  switch (cli->format)
    {
    case KZ_CLI_OUTPUT_JSON:
      {
        KzServiceStats service = { 0 };
        KzCliFetchSummary summary = { 0 };

        kz_relations_service_get_stats (cli->service, &service);
        summary.requests = provider_requests (cli);
        summary.cache_hits = service.cache_hits;
        summary.library_hits = service.library_hits;
        summary.provider_fetches = service.provider_fetches;
        summary.stale = (flags & KZ_RESULT_STALE) != 0;
        summary.source = result_source (flags);
        cli->json_out = kz_cli_franchise_to_json (graph, &summary, cli->language);
      }
      break;

    case KZ_CLI_OUTPUT_DOT:
      kz_cli_append_franchise_dot (cli->text_out, graph, cli->language);
      break;

    case KZ_CLI_OUTPUT_TREE:
    default:
      kz_cli_append_franchise_tree (cli->text_out, graph, cli->language);
      break;
    }

  _kz_cli_complete (cli, flags);
}

static void
run_franchise (KzCli *cli)
{
  kz_relations_service_get_franchise_async (cli->service, cli->id, &cli->franchise_options,
                                            fetch_flags (cli), franchise_progress, cli,
                                            cli->cancellable, franchise_done, cli);
}

/* refresh ID */

/* What the refresh brought that the saved copy did not have */
static void
count_changes (KzFranchiseGraph    *previous,
               KzFranchiseGraph    *graph,
               KzCliRefreshSummary *summary)
{
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (graph); i++)
    {
      KzEntry *entry = kz_franchise_graph_get_node (graph, i);
      KzEntry *old = kz_franchise_graph_lookup (previous, kz_entry_get_id (entry));

      if (old == NULL)
        summary->n_new++;
      else if (kz_entry_get_updated_at (old) != kz_entry_get_updated_at (entry))
        summary->n_updated++;
    }
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (previous); i++)
    {
      KzEntry *old = kz_franchise_graph_get_node (previous, i);

      if (kz_franchise_graph_lookup (graph, kz_entry_get_id (old)) == NULL)
        summary->n_removed++;
    }
}

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzCliRefreshSummary summary = { 0 };
  KzResultFlags flags = 0;

  graph = kz_relations_service_get_franchise_finish (cli->service, result, &flags, &error);
  if (graph == NULL)
    {
      _kz_cli_fail (cli, error);
      return;
    }

  summary.root_id = cli->id;
  summary.titles = kz_franchise_graph_get_n_nodes (graph);
  summary.requests = provider_requests (cli);
  summary.compared = cli->previous != NULL;
  if (cli->previous != NULL)
    count_changes (cli->previous, graph, &summary);

  if (cli->json)
    cli->json_out = kz_cli_refresh_to_json (graph, &summary, cli->language);
  else
    kz_cli_append_refresh (cli->text_out, graph, &summary, cli->language);

  /* A refresh that fell back on the saved copy did not refresh. */
  cli->stale_is_failure = TRUE;
  _kz_cli_complete (cli, flags);
}

static void
refresh_previous_done (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(GError) error = NULL;

  cli->previous = kz_relations_service_get_franchise_finish (cli->service, result, NULL, &error);
  if (cli->previous == NULL)
    {
      if (_kz_cli_is_cancelled (cli, error))
        {
          _kz_cli_fail (cli, error);
          return;
        }
      g_debug ("Nothing saved to compare the refresh with: %s", error->message);
    }

  kz_relations_service_get_franchise_async (cli->service, cli->id, &cli->franchise_options,
                                            KZ_FETCH_REFRESH, franchise_progress, cli,
                                            cli->cancellable, refresh_done, cli);
}

static void
run_refresh (KzCli *cli)
{
  /* What the library holds now, to say what the refresh changed */
  kz_relations_service_get_franchise_async (cli->service, cli->id, &cli->franchise_options,
                                            KZ_FETCH_OFFLINE, NULL, NULL,
                                            cli->cancellable, refresh_previous_done, cli);
}

/* library */

static void
library_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KzStore *store = task_data;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (;;)
    {
      g_autoptr(GPtrArray) page = NULL;
      GError *error = NULL;
      guint n;

      if (g_task_return_error_if_cancelled (task))
        return;

      page = kz_store_list_entries (store, all->len, LIBRARY_PAGE_SIZE, &error);
      if (page == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      n = page->len;
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (page, i)));

      if (n < LIBRARY_PAGE_SIZE)
        break;
    }

  g_task_return_pointer (task, g_steal_pointer (&all), (GDestroyNotify) g_ptr_array_unref);
}

static void
library_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (entries == NULL)
    {
      _kz_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      cli->json_out = kz_cli_entry_list_to_json ("entries", entries, cli->language);
      json_object_set_string_member (json_node_get_object (cli->json_out), "path",
                                     kz_store_get_path (cli->store));
    }
  else
    kz_cli_append_library (cli->text_out, entries, cli->language);

  _kz_cli_complete (cli, 0);
}

static void
run_library (KzCli *cli)
{
  g_autoptr(GTask) task = g_task_new (NULL, cli->cancellable, library_done, cli);

  g_task_set_source_tag (task, run_library);
  g_task_set_task_data (task, g_object_ref (cli->store), g_object_unref);
  g_task_run_in_thread (task, library_thread);
}
