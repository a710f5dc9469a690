/* kizuna-mock-jikan.c: serve the Jikan stand-in from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "kz-mock-jikan.h"

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_count (const char  *text,
             guint       *out,
             const char  *what,
             GError     **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be a whole number, not '%s'", what, text);
      return FALSE;
    }

  *out = (guint) value;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KzMockJikan) mock = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot_path = NULL;
  g_autofree char *rate_limit = NULL;
  g_autofree char *fault_spec = NULL;
  g_autofree char *url = NULL;
  int port = 0;
  int latency = 0;
  guint rate_max = 0;
  guint rate_window = 0;
  KzMockJikanFault fault = KZ_MOCK_JIKAN_FAULT_NONE;
  guint fault_count = 0;
  guint sigint_id, sigterm_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "Port on 127.0.0.1 (default: any free port)", "N" },
    { "snapshot", 's', 0, G_OPTION_ARG_FILENAME, &snapshot_path,
      "AniList snapshot whose MAL ids to serve (default: the bundled one)", "FILE" },
    { "latency", 'l', 0, G_OPTION_ARG_INT, &latency,
      "Delay every answer by MS milliseconds", "MS" },
    { "rate-limit", 'r', 0, G_OPTION_ARG_STRING, &rate_limit,
      "Answer 429 past N requests in a window of SECONDS", "N/SECONDS" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING, &fault_spec,
      "Misbehave on the next COUNT requests (all of them without a count)", "NAME[:COUNT]" },
    { NULL }
  };

  context = g_option_context_new ("- serve a stand-in for Jikan, the MyAnimeList API");
  g_option_context_set_summary (context,
                                "Answers /v4/anime/{id}/full and /v4/anime?q= on 127.0.0.1.\n"
                                "Faults: none, 500, 503 (maintenance), malformed, 404.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;

  if (port < 0 || port > G_MAXUINT16 || latency < 0)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--port must be 0-65535 and --latency cannot be negative");
      goto usage_error;
    }

  if (rate_limit != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (rate_limit, "/", 2);

      if (g_strv_length (parts) != 2)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--rate-limit takes N/SECONDS (for example 60/60), not '%s'", rate_limit);
          goto usage_error;
        }
      if (!parse_count (parts[0], &rate_max, "The request count of --rate-limit", &error) ||
          !parse_count (parts[1], &rate_window, "The window of --rate-limit", &error))
        goto usage_error;
    }

  if (fault_spec != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (fault_spec, ":", 2);
      gboolean known = FALSE;

      fault = kz_mock_jikan_fault_from_string (parts[0], &known);
      if (!known)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Unknown fault '%s' (one of none, 500, 503, malformed, 404)", parts[0]);
          goto usage_error;
        }
      if (parts[1] != NULL && !parse_count (parts[1], &fault_count, "The count of --fault", &error))
        goto usage_error;
    }

  if (snapshot_path != NULL)
    {
      char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (snapshot_path, &contents, &length, &error))
        {
          g_autoptr(GBytes) snapshot = g_bytes_new_take (contents, length);

          mock = kz_mock_jikan_new_from_snapshot (snapshot, &error);
        }
      if (mock == NULL)
        {
          g_printerr ("kizuna-mock-jikan: %s: %s\n", snapshot_path, error->message);
          return EXIT_FAILURE;
        }
    }
  else
    {
      mock = kz_mock_jikan_new ();
    }

  kz_mock_jikan_set_latency (mock, (guint) latency);
  kz_mock_jikan_set_rate_limit (mock, rate_max, rate_window);
  kz_mock_jikan_set_fault (mock, fault, fault_count);

  if (!kz_mock_jikan_start (mock, (guint) port, &error))
    {
      g_printerr ("kizuna-mock-jikan: cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return EXIT_FAILURE;
    }

  url = kz_mock_jikan_dup_url (mock);
  printf ("Listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  return EXIT_SUCCESS;

usage_error:
  g_printerr ("kizuna-mock-jikan: %s\n", error->message);
  g_printerr ("Try 'kizuna-mock-jikan --help'.\n");
  return 2;
}
