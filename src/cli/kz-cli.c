/* kz-cli.c: kizuna-cli, anime franchises from the command line
 *
 * Start-up, the main loop, and how a run ends: what reaches stdout and
 * stderr, and the exit status. The command line is read in
 * kz-cli-options.c, the commands run in kz-cli-commands.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-private.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz-cli-output.h"
#include "kz-store-recovery.h"

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
clear_progress (KzCli *cli)
{
  if (cli->progress_shown)
    {
      g_printerr ("\r\033[K");
      cli->progress_shown = FALSE;
    }
}

/* One line a person can act on, never more. */
static void
print_failure (KzCli      *cli,
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

  return KZ_CLI_EXIT_USAGE;
}

/* Finishing */

/* --stats in JSON: a "stats" member, or more of it where the result has
 * one already (franchise) */
static void
add_stats_member (KzCli      *cli,
                  JsonObject *object)
{
  g_autoptr(JsonNode) stats = kz_cli_stats_to_json (cli->cache, cli->provider, cli->service);
  JsonObject *existing = NULL;

  if (json_object_has_member (object, "stats"))
    existing = json_object_get_object_member (object, "stats");

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

/* Writes what the command produced and stops the main loop. */
static void
finish (KzCli *cli,
        int    exit_status)
{
  clear_progress (cli);
  cli->exit_status = exit_status;

  if (exit_status == KZ_CLI_EXIT_OK && cli->json)
    {
      g_autofree char *data = NULL;

      if (cli->json_out == NULL)
        cli->json_out = json_node_init_object (json_node_alloc (), json_object_new ());

      if (cli->stats && JSON_NODE_HOLDS_OBJECT (cli->json_out))
        add_stats_member (cli, json_node_get_object (cli->json_out));

      data = kz_cli_json_to_string (cli->json_out);
      write_stdout (data, strlen (data));
      write_stdout ("\n", 1);
    }
  else if (exit_status == KZ_CLI_EXIT_OK && cli->text_out != NULL)
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

/* Ctrl+C was pressed or the work was cancelled; error may be NULL. */
gboolean
_kz_cli_is_cancelled (KzCli        *cli,
                      const GError *error)
{
  return cli->interrupted || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

void
_kz_cli_fail (KzCli        *cli,
              const GError *error)
{
  if (_kz_cli_is_cancelled (cli, error))
    {
      print_failure (cli, _("Cancelled"));
      finish (cli, KZ_CLI_EXIT_INTERRUPTED);
    }
  else if (is_not_found (error) && cli->id > 0)
    {
      g_autofree char *message = g_strdup_printf (_("no such anime: %" PRId64), cli->id);

      print_failure (cli, message);
      finish (cli, KZ_CLI_EXIT_NOT_FOUND);
    }
  else
    {
      /* Provider, service and library messages are already phrased for
       * people; keep the first line only. */
      g_auto(GStrv) lines = g_strsplit (error->message, "\n", 2);

      print_failure (cli, lines[0] != NULL ? lines[0] : error->message);
      finish (cli, KZ_CLI_EXIT_FAILED);
    }
}

/* Stale results: say so, with the date of the copy */

static void
saved_at_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KzCli *cli = task_data;
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
  KzCli *cli = user_data;
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
    message = date != NULL
      ? g_strdup_printf (_("AniList is unreachable; kept the copy saved on %s"), date)
      : g_strdup (_("AniList is unreachable; kept the saved copy"));
  else
    message = date != NULL
      ? g_strdup_printf (_("AniList is unreachable; showing the copy saved on %s"), date)
      : g_strdup (_("AniList is unreachable; showing the saved copy"));

  print_failure (cli, message);
  finish (cli, cli->stale_is_failure ? KZ_CLI_EXIT_FAILED : KZ_CLI_EXIT_OK);
}

/* Called by every command once its output is ready. */
void
_kz_cli_complete (KzCli         *cli,
                  KzResultFlags  flags)
{
  g_autoptr(GTask) task = NULL;

  cli->result_flags = flags;

  if ((flags & KZ_RESULT_STALE) == 0)
    {
      finish (cli, KZ_CLI_EXIT_OK);
      return;
    }

  if (cli->id <= 0)
    {
      print_failure (cli, _("AniList is unreachable; showing saved results"));
      finish (cli, KZ_CLI_EXIT_OK);
      return;
    }

  task = g_task_new (NULL, NULL, saved_at_done, cli);
  g_task_set_source_tag (task, _kz_cli_complete);
  g_task_set_task_data (task, cli, NULL);
  g_task_run_in_thread (task, saved_at_thread);
}

/* Start-up: open (and first time, seed) the library off the main thread */

typedef struct {
  KzStore *store;
  char    *recovered_path;  /* where a damaged library was moved, or NULL */
} Opened;

static void
opened_free (gpointer data)
{
  Opened *opened = data;

  g_clear_object (&opened->store);
  g_free (opened->recovered_path);
  g_free (opened);
}

static void
open_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *recovered_path = NULL;
  g_autoptr(KzStore) store = NULL;
  GError *error = NULL;
  guint n_added = 0;
  Opened *opened;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create the library folder %s: %s"),
                               dir, g_strerror (saved_errno));
      return;
    }

  store = kz_store_open_or_recover (path, &recovered_path, &error);
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

  opened = g_new0 (Opened, 1);
  opened->store = g_steal_pointer (&store);
  opened->recovered_path = g_steal_pointer (&recovered_path);
  g_task_return_pointer (task, opened, opened_free);
}

static void
open_store_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KzCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  Opened *opened;

  opened = g_task_propagate_pointer (G_TASK (result), &error);
  if (opened != NULL)
    {
      cli->store = g_steal_pointer (&opened->store);

      /* one line on stderr, like a failure, though the command goes on */
      if (opened->recovered_path != NULL)
        {
          g_autofree char *message = NULL;

          message = g_strdup_printf (_("Your library was damaged and has been replaced; "
                                       "the old file was kept as %s"),
                                     opened->recovered_path);
          print_failure (cli, message);
        }
      opened_free (opened);
    }

  if (cli->interrupted || cli->store == NULL)
    {
      _kz_cli_fail (cli, error);
      return;
    }

  cli->cache = kz_cache_new ();
  cli->service = kz_relations_service_new (cli->cache, cli->store, cli->provider);
  cli->command->run (cli);
}

static gboolean
on_sigint (gpointer user_data)
{
  KzCli *cli = user_data;

  /* A second Ctrl+C does not wait for the work to wind down. */
  if (cli->interrupted)
    {
      clear_progress (cli);
      exit (KZ_CLI_EXIT_INTERRUPTED);
    }

  cli->interrupted = TRUE;
  g_cancellable_cancel (cli->cancellable);

  return G_SOURCE_CONTINUE;
}

/* Running */

void
_kz_cli_clear (KzCli *cli)
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

/* Everything between reading argv and the exit status */
static int
run (KzCli  *cli,
     char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GTask *task;

  if (!_kz_cli_parse_command_line (cli, argv, &message))
    return usage_error (message);

  if (cli->show_version)
    {
      g_autofree char *line = g_strdup_printf ("kizuna-cli %s\n", PACKAGE_VERSION);

      write_stdout (line, strlen (line));
      return KZ_CLI_EXIT_OK;
    }

  if (!cli->offline)
    {
      KzAniListProvider *provider = kz_anilist_provider_new (NULL, NULL, &error);

      if (provider == NULL)
        {
          print_failure (cli, error->message);
          return KZ_CLI_EXIT_USAGE;
        }
      cli->provider = KZ_PROVIDER (provider);
    }

  if (cli->data_dir != NULL)
    cli->store_path = g_build_filename (cli->data_dir, "library.db", NULL);
  else
    cli->store_path = kz_store_dup_default_path ();

  cli->text_out = g_string_new (NULL);
  cli->loop = g_main_loop_new (NULL, FALSE);
  cli->cancellable = g_cancellable_new ();
  cli->sigint_id = g_unix_signal_add (SIGINT, on_sigint, cli);

  task = g_task_new (NULL, NULL, open_store_done, cli);
  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, g_strdup (cli->store_path), g_free);
  g_task_run_in_thread (task, open_store_thread);
  g_object_unref (task);

  g_main_loop_run (cli->loop);

  return cli->exit_status;
}

int
_kz_cli_main (int   argc,
              char *argv[])
{
  KzCli cli = { 0 };
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KIZUNA_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("kizuna-cli");

  status = run (&cli, argv);
  _kz_cli_clear (&cli);

  return status;
}
