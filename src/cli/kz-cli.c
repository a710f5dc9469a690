/* kz-cli.c: kizuna-cli, anime franchises from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kizuna-core.h"
#include "kz-cli-output.h"

enum {
  EXIT_OK          = 0,
  EXIT_USAGE       = 1,
  EXIT_FAILED      = 2,
  EXIT_NOT_FOUND   = 3,
  EXIT_INTERRUPTED = 130,
};

typedef enum {
  OUTPUT_TREE,
  OUTPUT_JSON,
  OUTPUT_DOT,
} OutputFormat;

/* Options that only some commands take */
typedef enum {
  OPT_DETAILED  = 1 << 0,
  OPT_FORMAT    = 1 << 1,
  OPT_MAX_DEPTH = 1 << 2,
  OPT_MAX_NODES = 1 << 3,
  OPT_RELATIONS = 1 << 4,
  OPT_LIMIT     = 1 << 5,
} CommandOption;

#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_LIMIT     50
#define LIBRARY_PAGE_SIZE    500

typedef struct _Cli Cli;

typedef enum {
  ARGS_NONE,
  ARGS_ID,
  ARGS_TEXT,
} CommandArgs;

typedef struct {
  const char  *name;
  CommandArgs  args;
  guint        options;
  void       (*run) (Cli *cli);
} Command;

struct _Cli
{
  /* Parsed options */
  gboolean            show_version;
  gboolean            offline;
  gboolean            json;
  gboolean            stats;
  gboolean            detailed;
  char               *data_dir;
  char               *language_name;
  char               *format_name;
  char               *max_depth_text;
  char               *max_nodes_text;
  char               *relations_text;
  char               *limit_text;

  const Command      *command;
  gint64              id;
  char               *text;
  KzTitleLanguage     language;
  OutputFormat        format;
  KzFranchiseOptions  franchise_options;
  guint               limit;

  /* Running */
  GMainLoop          *loop;
  GCancellable       *cancellable;
  guint               sigint_id;
  gboolean            interrupted;
  gboolean            progress_shown;
  char               *store_path;
  KzStore            *store;
  KzCache            *cache;
  KzProvider         *provider;
  KzRelationsService *service;

  /* Result */
  int                 exit_status;
  GString            *text_out;
  JsonNode           *json_out;
  KzResultFlags       result_flags;
  gboolean            stale_is_failure;
  KzFranchiseGraph   *previous;
};

static void run_search    (Cli *cli);
static void run_show      (Cli *cli);
static void run_relations (Cli *cli);
static void run_franchise (Cli *cli);
static void run_refresh   (Cli *cli);
static void run_library   (Cli *cli);

static const Command commands[] = {
  { "search",    ARGS_TEXT, OPT_LIMIT, run_search },
  { "show",      ARGS_ID,   0, run_show },
  { "relations", ARGS_ID,   OPT_DETAILED, run_relations },
  { "franchise", ARGS_ID,   OPT_FORMAT | OPT_MAX_DEPTH | OPT_MAX_NODES | OPT_RELATIONS, run_franchise },
  { "refresh",   ARGS_ID,   OPT_MAX_DEPTH | OPT_MAX_NODES | OPT_RELATIONS, run_refresh },
  { "library",   ARGS_NONE, 0, run_library },
};

/* Printing */

static void
write_stdout (const char *data,
              gsize       len)
{
  /* UTF-8 as it is: titles must reach pipes and JSON readers intact
   * whatever the locale's charset. */
  if (len > 0)
    fwrite (data, 1, len, stdout);
  fflush (stdout);
}

static void
clear_progress (Cli *cli)
{
  if (cli->progress_shown)
    {
      g_printerr ("\r\033[K");
      cli->progress_shown = FALSE;
    }
}

/* One line a person can act on, never more. */
static void
print_failure (Cli        *cli,
               const char *message)
{
  g_autofree char *line = kz_cli_sanitize_line (message);

  clear_progress (cli);
  g_strstrip (line);
  g_printerr ("%s\n", line);
}

static int
usage_error (const char *message)
{
  g_autofree char *line = kz_cli_sanitize_line (message);

  g_printerr ("%s\n", line);
  g_printerr ("%s\n", _("Try 'kizuna-cli --help'"));

  return EXIT_USAGE;
}

/* Finishing */

/* Writes what the command produced and stops the main loop. */
static void
finish (Cli *cli,
        int  exit_status)
{
  clear_progress (cli);
  cli->exit_status = exit_status;

  if (exit_status == EXIT_OK && cli->json)
    {
      g_autofree char *data = NULL;

      if (cli->json_out == NULL)
        cli->json_out = json_node_init_object (json_node_alloc (), json_object_new ());

      if (cli->stats && JSON_NODE_HOLDS_OBJECT (cli->json_out))
        {
          JsonObject *object = json_node_get_object (cli->json_out);
          g_autoptr(JsonNode) stats = kz_cli_stats_to_json (cli->cache, cli->provider, cli->service);
          JsonObject *existing = NULL;

          if (json_object_has_member (object, "stats"))
            existing = json_object_get_object_member (object, "stats");

          /* franchise already has a "stats" member: extend it */
          if (existing != NULL)
            {
              JsonObject *extra = json_node_get_object (stats);
              g_autoptr(GList) names = json_object_get_members (extra);

              for (GList *l = names; l != NULL; l = l->next)
                json_object_set_member (existing, l->data,
                                        json_node_copy (json_object_get_member (extra, l->data)));
            }
          else
            json_object_set_member (object, "stats", g_steal_pointer (&stats));
        }

      data = kz_cli_json_to_string (cli->json_out);
      write_stdout (data, strlen (data));
      write_stdout ("\n", 1);
    }
  else if (exit_status == EXIT_OK && cli->text_out != NULL)
    {
      write_stdout (cli->text_out->str, cli->text_out->len);
    }

  if (cli->stats && !cli->json)
    {
      g_autoptr(GString) stats = g_string_new (NULL);

      kz_cli_append_stats (stats, cli->cache, cli->provider, cli->service);
      g_printerr ("%s", stats->str);
    }

  g_main_loop_quit (cli->loop);
}

static gboolean
is_not_found (const GError *error)
{
  return g_error_matches (error, KZ_RELATIONS_SERVICE_ERROR, KZ_RELATIONS_SERVICE_ERROR_NOT_FOUND) ||
         g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND);
}

static void
fail_with_error (Cli          *cli,
                 const GError *error)
{
  if (cli->interrupted || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      print_failure (cli, _("Cancelled"));
      finish (cli, EXIT_INTERRUPTED);
    }
  else if (is_not_found (error) && cli->id > 0)
    {
      g_autofree char *message = g_strdup_printf (_("no such anime: %" G_GINT64_FORMAT), cli->id);

      print_failure (cli, message);
      finish (cli, EXIT_NOT_FOUND);
    }
  else
    {
      /* Provider, service and library messages are already phrased for
       * people; keep the first line only. */
      g_auto(GStrv) lines = g_strsplit (error->message, "\n", 2);

      print_failure (cli, lines[0] != NULL ? lines[0] : error->message);
      finish (cli, EXIT_FAILED);
    }
}

/* Stale results: say so, with the date of the copy */

static void
saved_at_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Cli *cli = task_data;
  KzFetchInfo info = { 0 };
  GError *error = NULL;

  if (!kz_store_get_fetch_info (cli->store, cli->id, &info, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_int (task, info.fetched_at);
}

static void
saved_at_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *message = NULL;
  gint64 fetched_at;

  fetched_at = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    g_debug ("No fetch time for %" G_GINT64_FORMAT ": %s", cli->id, error->message);

  if (fetched_at > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (fetched_at / G_USEC_PER_SEC);

      if (when != NULL)
        date = g_date_time_format (when, "%Y-%m-%d");
    }

  if (cli->stale_is_failure)
    {
      message = date != NULL
        ? g_strdup_printf (_("AniList is unreachable; kept the copy saved on %s"), date)
        : g_strdup (_("AniList is unreachable; kept the saved copy"));
      print_failure (cli, message);
      finish (cli, EXIT_FAILED);
      return;
    }

  message = date != NULL
    ? g_strdup_printf (_("AniList is unreachable; showing the copy saved on %s"), date)
    : g_strdup (_("AniList is unreachable; showing the saved copy"));
  print_failure (cli, message);
  finish (cli, EXIT_OK);
}

/* Called by every command once its output is ready. */
static void
complete (Cli           *cli,
          KzResultFlags  flags)
{
  g_autoptr(GTask) task = NULL;

  cli->result_flags = flags;

  if ((flags & KZ_RESULT_STALE) == 0)
    {
      finish (cli, EXIT_OK);
      return;
    }

  if (cli->id <= 0)
    {
      print_failure (cli, _("AniList is unreachable; showing saved results"));
      finish (cli, EXIT_OK);
      return;
    }

  task = g_task_new (NULL, NULL, saved_at_done, cli);
  g_task_set_source_tag (task, complete);
  g_task_set_task_data (task, cli, NULL);
  g_task_run_in_thread (task, saved_at_thread);
}

static KzFetchFlags
fetch_flags (Cli *cli)
{
  return cli->offline ? KZ_FETCH_OFFLINE : KZ_FETCH_DEFAULT;
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
provider_requests (Cli *cli)
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
  Cli *cli = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entries = kz_relations_service_search_finish (cli->service, result, &flags, &error);
  if (entries == NULL)
    {
      fail_with_error (cli, error);
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

  complete (cli, flags);
}

static void
run_search (Cli *cli)
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
  Cli *cli = user_data;
  g_autoptr(KzEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entry = kz_relations_service_get_basic_finish (cli->service, result, &flags, &error);
  if (entry == NULL)
    {
      fail_with_error (cli, error);
      return;
    }

  if (cli->json)
    cli->json_out = kz_cli_entry_to_json (entry, cli->language, TRUE);
  else
    kz_cli_append_entry_details (cli->text_out, entry, cli->language);

  complete (cli, flags);
}

static void
run_show (Cli *cli)
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
  Cli *cli = user_data;
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
                     _("no such anime: %" G_GINT64_FORMAT), cli->id);
      fail_with_error (cli, error);
      return;
    }

  if (cli->json)
    cli->json_out = kz_cli_relations_to_json (entry, graph, cli->language);
  else
    kz_cli_append_relations (cli->text_out, entry, graph, cli->language);

  complete (cli, flags);
}

static void
run_relations (Cli *cli)
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
franchise_progress (guint      depth,
                    guint      n_nodes,
                    GPtrArray *new_entries,
                    gpointer   user_data)
{
  Cli *cli = user_data;

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
  Cli *cli = user_data;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  graph = kz_relations_service_get_franchise_finish (cli->service, result, &flags, &error);
  if (graph == NULL)
    {
      fail_with_error (cli, error);
      return;
    }

  switch (cli->format)
    {
    case OUTPUT_JSON:
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

    case OUTPUT_DOT:
      kz_cli_append_franchise_dot (cli->text_out, graph, cli->language);
      break;

    case OUTPUT_TREE:
    default:
      kz_cli_append_franchise_tree (cli->text_out, graph, cli->language);
      break;
    }

  complete (cli, flags);
}

static void
run_franchise (Cli *cli)
{
  kz_relations_service_get_franchise_async (cli->service, cli->id, &cli->franchise_options,
                                            fetch_flags (cli), franchise_progress, cli,
                                            cli->cancellable, franchise_done, cli);
}

/* refresh ID */

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *titles_part = NULL;
  g_autofree char *requests_part = NULL;
  KzResultFlags flags = 0;
  KzEntry *root;
  guint64 requests;
  guint n_nodes;
  guint n_new = 0;
  guint n_updated = 0;
  guint n_gone = 0;

  graph = kz_relations_service_get_franchise_finish (cli->service, result, &flags, &error);
  if (graph == NULL)
    {
      fail_with_error (cli, error);
      return;
    }

  root = kz_franchise_graph_get_root (graph);
  title = kz_cli_sanitize_line (root != NULL ? kz_entry_get_title (root, cli->language) : "");
  n_nodes = kz_franchise_graph_get_n_nodes (graph);
  requests = provider_requests (cli);

  if (cli->previous != NULL)
    {
      for (guint i = 0; i < n_nodes; i++)
        {
          KzEntry *entry = kz_franchise_graph_get_node (graph, i);
          KzEntry *old = kz_franchise_graph_lookup (cli->previous, kz_entry_get_id (entry));

          if (old == NULL)
            n_new++;
          else if (kz_entry_get_updated_at (old) != kz_entry_get_updated_at (entry))
            n_updated++;
        }
      for (guint i = 0; i < kz_franchise_graph_get_n_nodes (cli->previous); i++)
        {
          KzEntry *old = kz_franchise_graph_get_node (cli->previous, i);

          if (kz_franchise_graph_lookup (graph, kz_entry_get_id (old)) == NULL)
            n_gone++;
        }
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "root");
      json_builder_add_int_value (builder, cli->id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
      json_builder_set_member_name (builder, "titles");
      json_builder_add_int_value (builder, n_nodes);
      json_builder_set_member_name (builder, "requests");
      json_builder_add_int_value (builder, requests);
      json_builder_set_member_name (builder, "new");
      json_builder_add_int_value (builder, n_new);
      json_builder_set_member_name (builder, "updated");
      json_builder_add_int_value (builder, n_updated);
      json_builder_set_member_name (builder, "removed");
      json_builder_add_int_value (builder, n_gone);
      json_builder_set_member_name (builder, "complete");
      json_builder_add_boolean_value (builder, kz_franchise_graph_is_complete (graph));
      json_builder_end_object (builder);
      cli->json_out = json_builder_get_root (builder);
    }
  else
    {
      /* TRANSLATORS: the start of "Refreshed 42 titles of Title (3 requests)" */
      titles_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Refreshed %u title of %s",
                                                  "Refreshed %u titles of %s", n_nodes),
                                     n_nodes, title);
      requests_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%" G_GUINT64_FORMAT " request",
                                                    "%" G_GUINT64_FORMAT " requests",
                                                    (gulong) MIN (requests, G_MAXULONG)),
                                       requests);
      g_string_append_printf (cli->text_out, "%s (%s)", titles_part, requests_part);
      if (cli->previous != NULL && n_new + n_updated + n_gone == 0)
        g_string_append_printf (cli->text_out, ": %s", _("nothing changed"));
      else if (cli->previous != NULL)
        /* TRANSLATORS: what a refresh changed, e.g. "2 new, 5 updated, 0 removed" */
        g_string_append_printf (cli->text_out, _(": %u new, %u updated, %u removed"),
                                n_new, n_updated, n_gone);
      g_string_append_c (cli->text_out, '\n');
    }

  /* A refresh that fell back on the saved copy did not refresh. */
  cli->stale_is_failure = TRUE;
  complete (cli, flags);
}

static void
refresh_previous_done (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  cli->previous = kz_relations_service_get_franchise_finish (cli->service, result, NULL, &error);
  if (cli->previous == NULL)
    {
      if (cli->interrupted || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fail_with_error (cli, error);
          return;
        }
      g_debug ("Nothing saved to compare the refresh with: %s", error->message);
    }

  kz_relations_service_get_franchise_async (cli->service, cli->id, &cli->franchise_options,
                                            KZ_FETCH_REFRESH, franchise_progress, cli,
                                            cli->cancellable, refresh_done, cli);
}

static void
run_refresh (Cli *cli)
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
  Cli *cli = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (entries == NULL)
    {
      fail_with_error (cli, error);
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

  complete (cli, 0);
}

static void
run_library (Cli *cli)
{
  g_autoptr(GTask) task = g_task_new (NULL, cli->cancellable, library_done, cli);

  g_task_set_source_tag (task, run_library);
  g_task_set_task_data (task, g_object_ref (cli->store), g_object_unref);
  g_task_run_in_thread (task, library_thread);
}

/* Start-up: open (and first time, seed) the library off the main thread */

static void
open_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(KzStore) store = NULL;
  GError *error = NULL;
  guint n_added = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create the library folder %s: %s"),
                               dir, g_strerror (saved_errno));
      return;
    }

  store = kz_store_open (path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!kz_bundled_seed_store (store, &n_added, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (n_added > 0)
    g_debug ("Seeded %s with %u bundled titles", path, n_added);

  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static void
open_store_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  cli->store = g_task_propagate_pointer (G_TASK (result), &error);
  if (cli->interrupted)
    {
      print_failure (cli, _("Cancelled"));
      finish (cli, EXIT_INTERRUPTED);
      return;
    }
  if (cli->store == NULL)
    {
      g_auto(GStrv) lines = g_strsplit (error->message, "\n", 2);

      print_failure (cli, lines[0] != NULL ? lines[0] : error->message);
      finish (cli, EXIT_FAILED);
      return;
    }

  cli->cache = kz_cache_new ();
  cli->service = kz_relations_service_new (cli->cache, cli->store, cli->provider);
  cli->command->run (cli);
}

static gboolean
on_sigint (gpointer user_data)
{
  Cli *cli = user_data;

  /* A second Ctrl+C does not wait for the work to wind down. */
  if (cli->interrupted)
    {
      clear_progress (cli);
      exit (EXIT_INTERRUPTED);
    }

  cli->interrupted = TRUE;
  g_cancellable_cancel (cli->cancellable);

  return G_SOURCE_CONTINUE;
}

/* Command line */

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  const char *marker = "anilist.co/anime/";
  const char *start = strstr (text, marker);
  g_autofree char *digits = NULL;

  /* An AniList page address works as well as its number. */
  if (start != NULL)
    {
      start += strlen (marker);
      digits = g_strndup (start, strcspn (start, "/?#"));
    }
  else
    digits = g_strdup (text);

  return g_ascii_string_to_signed (digits, 10, 1, G_MAXINT64, id, NULL);
}

static gboolean
parse_count (const char *option,
             const char *text,
             guint       min,
             guint       max,
             guint      *value,
             char      **message)
{
  guint64 parsed = 0;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    {
      *message = g_strdup_printf (_("%s needs a whole number from %u to %u, not “%s”"),
                                  option, min, max, text);
      return FALSE;
    }

  *value = (guint) parsed;
  return TRUE;
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];

  return NULL;
}

static guint
given_options (Cli *cli)
{
  guint given = 0;

  if (cli->detailed)
    given |= OPT_DETAILED;
  if (cli->format_name != NULL)
    given |= OPT_FORMAT;
  if (cli->max_depth_text != NULL)
    given |= OPT_MAX_DEPTH;
  if (cli->max_nodes_text != NULL)
    given |= OPT_MAX_NODES;
  if (cli->relations_text != NULL)
    given |= OPT_RELATIONS;
  if (cli->limit_text != NULL)
    given |= OPT_LIMIT;

  return given;
}

static const char *
option_name (guint option)
{
  switch (option)
    {
    case OPT_DETAILED:  return "--detailed";
    case OPT_FORMAT:    return "--format";
    case OPT_MAX_DEPTH: return "--max-depth";
    case OPT_MAX_NODES: return "--max-nodes";
    case OPT_RELATIONS: return "--relations";
    case OPT_LIMIT:     return "--limit";
    default:            return "?";
    }
}

/* Checks what the options and arguments say and fills in cli; on bad
 * usage returns FALSE with a message. */
static gboolean
check_usage (Cli    *cli,
             char  **args,
             char  **message)
{
  guint n_args = g_strv_length (args);
  guint given;

  if (n_args < 2)
    {
      *message = g_strdup (_("No command given"));
      return FALSE;
    }

  cli->command = find_command (args[1]);
  if (cli->command == NULL)
    {
      g_autofree char *clean = kz_cli_sanitize_line (args[1]);

      *message = g_strdup_printf (_("Unknown command “%s”"), clean);
      return FALSE;
    }

  given = given_options (cli) & ~cli->command->options;
  if (given != 0)
    {
      *message = g_strdup_printf (_("%s does not apply to %s"),
                                  option_name (given & -given), cli->command->name);
      return FALSE;
    }

  switch (cli->command->args)
    {
    case ARGS_NONE:
      if (n_args > 2)
        {
          g_autofree char *clean = kz_cli_sanitize_line (args[2]);

          *message = g_strdup_printf (_("Unexpected argument “%s” for %s"), clean, cli->command->name);
          return FALSE;
        }
      break;

    case ARGS_ID:
      if (n_args < 3)
        {
          *message = g_strdup_printf (_("%s needs an AniList id"), cli->command->name);
          return FALSE;
        }
      if (n_args > 3)
        {
          g_autofree char *clean = kz_cli_sanitize_line (args[3]);

          *message = g_strdup_printf (_("Unexpected argument “%s” for %s"), clean, cli->command->name);
          return FALSE;
        }
      if (!parse_id (args[2], &cli->id))
        {
          g_autofree char *clean = kz_cli_sanitize_line (args[2]);

          *message = g_strdup_printf (_("“%s” is not an AniList id (a positive number)"), clean);
          return FALSE;
        }
      break;

    case ARGS_TEXT:
      if (n_args < 3)
        {
          *message = g_strdup_printf (_("%s needs some text to look for"), cli->command->name);
          return FALSE;
        }
      cli->text = g_strjoinv (" ", &args[2]);
      g_strstrip (cli->text);
      if (*cli->text == '\0')
        {
          *message = g_strdup_printf (_("%s needs some text to look for"), cli->command->name);
          return FALSE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  cli->language = KZ_TITLE_LANGUAGE_ROMAJI;
  if (cli->language_name != NULL)
    {
      if (g_ascii_strcasecmp (cli->language_name, "romaji") == 0)
        cli->language = KZ_TITLE_LANGUAGE_ROMAJI;
      else if (g_ascii_strcasecmp (cli->language_name, "english") == 0)
        cli->language = KZ_TITLE_LANGUAGE_ENGLISH;
      else if (g_ascii_strcasecmp (cli->language_name, "native") == 0)
        cli->language = KZ_TITLE_LANGUAGE_NATIVE;
      else
        {
          g_autofree char *clean = kz_cli_sanitize_line (cli->language_name);

          *message = g_strdup_printf (_("Unknown language “%s” (use romaji, english or native)"), clean);
          return FALSE;
        }
    }

  cli->format = cli->json ? OUTPUT_JSON : OUTPUT_TREE;
  if (cli->format_name != NULL)
    {
      if (g_str_equal (cli->format_name, "tree"))
        cli->format = OUTPUT_TREE;
      else if (g_str_equal (cli->format_name, "json"))
        cli->format = OUTPUT_JSON;
      else if (g_str_equal (cli->format_name, "dot"))
        cli->format = OUTPUT_DOT;
      else
        {
          g_autofree char *clean = kz_cli_sanitize_line (cli->format_name);

          *message = g_strdup_printf (_("Unknown format “%s” (use tree, json or dot)"), clean);
          return FALSE;
        }

      if (cli->json && cli->format != OUTPUT_JSON)
        {
          *message = g_strdup_printf (_("--json and --format %s do not go together"), cli->format_name);
          return FALSE;
        }
    }
  /* From here on --json and --format json mean the same */
  if (cli->format == OUTPUT_JSON)
    cli->json = TRUE;

  kz_franchise_options_init_default (&cli->franchise_options);
  if (cli->max_depth_text != NULL &&
      !parse_count ("--max-depth", cli->max_depth_text, 0, 1000,
                    &cli->franchise_options.max_depth, message))
    return FALSE;
  if (cli->max_nodes_text != NULL &&
      !parse_count ("--max-nodes", cli->max_nodes_text, 0, 100000,
                    &cli->franchise_options.max_nodes, message))
    return FALSE;
  if (cli->relations_text != NULL)
    {
      g_autoptr(GError) error = NULL;
      KzRelationMask mask = kz_relation_mask_parse (cli->relations_text, &error);

      if (mask == 0)
        {
          *message = g_strdup (error != NULL ? error->message : _("No relation types given"));
          return FALSE;
        }
      cli->franchise_options.relations = mask;
    }

  cli->limit = SEARCH_DEFAULT_LIMIT;
  if (cli->limit_text != NULL &&
      !parse_count ("--limit", cli->limit_text, 1, SEARCH_MAX_LIMIT, &cli->limit, message))
    return FALSE;

  if (cli->offline && cli->command->run == run_refresh)
    {
      *message = g_strdup (_("refresh asks AniList for new data; it cannot run with --offline"));
      return FALSE;
    }

  return TRUE;
}

static void
cli_clear (Cli *cli)
{
  g_clear_handle_id (&cli->sigint_id, g_source_remove);
  g_clear_object (&cli->service);
  g_clear_object (&cli->provider);
  g_clear_object (&cli->cache);
  g_clear_object (&cli->store);
  g_clear_object (&cli->previous);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_pointer (&cli->json_out, json_node_unref);
  if (cli->text_out != NULL)
    g_string_free (g_steal_pointer (&cli->text_out), TRUE);
  g_clear_pointer (&cli->text, g_free);
  g_clear_pointer (&cli->store_path, g_free);
  g_clear_pointer (&cli->data_dir, g_free);
  g_clear_pointer (&cli->language_name, g_free);
  g_clear_pointer (&cli->format_name, g_free);
  g_clear_pointer (&cli->max_depth_text, g_free);
  g_clear_pointer (&cli->max_nodes_text, g_free);
  g_clear_pointer (&cli->relations_text, g_free);
  g_clear_pointer (&cli->limit_text, g_free);
}

int
main (int   argc,
      char *argv[])
{
  Cli cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *message = NULL;
  g_autofree char *description = NULL;
  GTask *task;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &cli.show_version,
      N_("Print the version and exit"), NULL },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &cli.offline,
      N_("Use the local library only; never contact AniList"), NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &cli.data_dir,
      N_("Keep the library in DIR (default: $KIZUNA_DATA_DIR or the user data folder)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
      N_("Print JSON instead of text"), NULL },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &cli.stats,
      N_("Print cache, provider and service statistics afterwards"), NULL },
    { "language", 0, 0, G_OPTION_ARG_STRING, &cli.language_name,
      N_("Preferred title language: romaji, english or native"), N_("LANG") },
    { "detailed", 0, 0, G_OPTION_ARG_NONE, &cli.detailed,
      N_("relations: fetch every related title in full"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cli.format_name,
      N_("franchise: tree, json or dot (default: tree)"), N_("FORMAT") },
    { "max-depth", 0, 0, G_OPTION_ARG_STRING, &cli.max_depth_text,
      N_("franchise: follow relations at most N steps (0: no limit)"), N_("N") },
    { "max-nodes", 0, 0, G_OPTION_ARG_STRING, &cli.max_nodes_text,
      N_("franchise: stop after N titles (0: no limit)"), N_("N") },
    { "relations", 0, 0, G_OPTION_ARG_STRING, &cli.relations_text,
      N_("franchise: relation types to follow, e.g. SEQUEL,PREQUEL, or “all”"), N_("TYPE,…") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &cli.limit_text,
      N_("search: show at most N titles (default: 20)"), N_("N") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("kizuna-cli");

  context = g_option_context_new (_("COMMAND [ARGS] — anime franchises from AniList"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  description = g_strjoin ("\n",
                           _("Commands:"),
                           _("  search TEXT       Titles matching TEXT"),
                           _("  show ID           One title in full"),
                           _("  relations ID      Its direct relations (--detailed: in full)"),
                           _("  franchise ID      The whole franchise as a tree, JSON or dot graph"),
                           _("  refresh ID        Fetch the title and its franchise again from AniList"),
                           _("  library           What the local library holds"),
                           "",
                           _("ID is an AniList id, such as 5114, or its anilist.co page address."),
                           _("Exit status: 0 done, 1 bad usage, 2 failed, 3 no such anime, 130 interrupted."),
                           NULL);
  g_option_context_set_description (context, description);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      int status = usage_error (error->message);

      cli_clear (&cli);
      return status;
    }

  if (cli.show_version)
    {
      g_autofree char *line = g_strdup_printf ("kizuna-cli %s\n", PACKAGE_VERSION);

      write_stdout (line, strlen (line));
      cli_clear (&cli);
      return EXIT_OK;
    }

  if (!check_usage (&cli, args, &message))
    {
      int status = usage_error (message);

      cli_clear (&cli);
      return status;
    }

  if (!cli.offline)
    {
      KzAniListProvider *provider = kz_anilist_provider_new (NULL, NULL, &error);

      if (provider == NULL)
        {
          print_failure (&cli, error->message);
          cli_clear (&cli);
          return EXIT_USAGE;
        }
      cli.provider = KZ_PROVIDER (provider);
    }

  if (cli.data_dir != NULL)
    cli.store_path = g_build_filename (cli.data_dir, "library.db", NULL);
  else
    cli.store_path = kz_store_dup_default_path ();

  cli.text_out = g_string_new (NULL);
  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();
  cli.sigint_id = g_unix_signal_add (SIGINT, on_sigint, &cli);

  task = g_task_new (NULL, NULL, open_store_done, &cli);
  g_task_set_source_tag (task, main);
  g_task_set_task_data (task, g_strdup (cli.store_path), g_free);
  g_task_run_in_thread (task, open_store_thread);
  g_object_unref (task);

  g_main_loop_run (cli.loop);

  {
    int status = cli.exit_status;

    cli_clear (&cli);
    return status;
  }
}
