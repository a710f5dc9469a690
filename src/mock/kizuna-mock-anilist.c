/* kizuna-mock-anilist.c: serve the AniList stand-in from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "kz-mock-anilist.h"

static gboolean
on_quit_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_uint (const char  *text,
            guint64      max,
            guint       *out,
            const char  *what,
            GError     **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be a whole number from 0 to %" G_GUINT64_FORMAT ", not '%s'",
                   what, max, text);
      return FALSE;
    }

  *out = (guint) value;
  return TRUE;
}

/* "N/SECONDS", e.g. "30/60" for AniList's degraded 30 requests a minute */
static gboolean
parse_rate_limit (const char  *text,
                  guint       *max_requests,
                  guint       *window_seconds,
                  GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", 2);

  if (g_strv_length (parts) != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--rate-limit takes N/SECONDS (for example 30/60), not '%s'", text);
      return FALSE;
    }

  return parse_uint (parts[0], G_MAXUINT, max_requests, "The request count of --rate-limit", error) &&
         parse_uint (parts[1], G_MAXUINT, window_seconds, "The window of --rate-limit", error);
}

/* "NAME[:COUNT]"; no count means every request */
static gboolean
parse_fault (const char   *text,
             KzMockFault  *fault,
             guint        *count,
             GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 2);

  *fault = kz_mock_fault_from_string (parts[0]);
  if (*fault == KZ_MOCK_FAULT_NONE && g_ascii_strcasecmp (parts[0], "none") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown fault '%s' (one of none, 500, disabled, graphql-error, "
                   "not-found, malformed, truncated, oversized, hang, drop)", parts[0]);
      return FALSE;
    }

  *count = 0;
  if (parts[1] != NULL)
    return parse_uint (parts[1], G_MAXUINT, count, "The count of --fault", error);

  return TRUE;
}

static GBytes *
read_snapshot (const char  *path,
               GError     **error)
{
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return g_bytes_new_take (contents, length);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KzMockAniList) mock = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot_path = NULL;
  g_autofree char *rate_limit = NULL;
  g_autofree char *fault_spec = NULL;
  g_autofree char *url = NULL;
  int port = 0;
  int latency = 0;
  int max_batch = 0;
  int max_nested = 0;
  gboolean refuse_nesting = FALSE;
  guint rate_max = 0;
  guint rate_window = 0;
  KzMockFault fault = KZ_MOCK_FAULT_NONE;
  guint fault_count = 0;
  guint sigint_id, sigterm_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "Port on 127.0.0.1 (default: any free port)", "N" },
    { "snapshot", 's', 0, G_OPTION_ARG_FILENAME, &snapshot_path,
      "Snapshot to serve (default: the bundled one)", "FILE" },
    { "latency", 'l', 0, G_OPTION_ARG_INT, &latency,
      "Delay every answer by MS milliseconds", "MS" },
    { "rate-limit", 'r', 0, G_OPTION_ARG_STRING, &rate_limit,
      "Answer 429 past N requests in a window of SECONDS", "N/SECONDS" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING, &fault_spec,
      "Misbehave on the next COUNT requests (all of them without a count)", "NAME[:COUNT]" },
    { "max-batch", 'b', 0, G_OPTION_ARG_INT, &max_batch,
      "Refuse id_in queries with more than N ids as too complex", "N" },
    { "max-nested-batch", 0, 0, G_OPTION_ARG_INT, &max_nested,
      "Refuse two-level id_in queries (relations of relations) with more than N ids as too complex", "N" },
    { "refuse-nesting", 0, 0, G_OPTION_ARG_NONE, &refuse_nesting,
      "Refuse every two-level query as too complex", NULL },
    { NULL }
  };

  context = g_option_context_new ("- serve a stand-in for AniList's GraphQL API");
  g_option_context_set_summary (context,
                                "Answers Kizuna's AniList queries on 127.0.0.1 from a snapshot.\n"
                                "Query complexity: 1 + perPage × 2 (no relations), × 9 (relations)\n"
                                "or × 19 (relations of relations), refused past 500.\n"
                                "Faults: none, 500, disabled, graphql-error, not-found, malformed,\n"
                                "truncated, oversized, hang, drop.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;

  if (port < 0 || port > G_MAXUINT16 || latency < 0 || max_batch < 0 || max_nested < 0)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--port must be 0-65535; --latency, --max-batch and --max-nested-batch "
                           "cannot be negative");
      goto usage_error;
    }

  if (rate_limit != NULL && !parse_rate_limit (rate_limit, &rate_max, &rate_window, &error))
    goto usage_error;

  if (fault_spec != NULL && !parse_fault (fault_spec, &fault, &fault_count, &error))
    goto usage_error;

  if (snapshot_path != NULL)
    {
      g_autoptr(GBytes) snapshot = read_snapshot (snapshot_path, &error);

      if (snapshot != NULL)
        mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
      if (mock == NULL)
        {
          g_printerr ("kizuna-mock-anilist: %s: %s\n", snapshot_path, error->message);
          return EXIT_FAILURE;
        }
    }
  else
    {
      mock = kz_mock_anilist_new ();
    }

  kz_mock_anilist_set_latency (mock, (guint) latency);
  kz_mock_anilist_set_rate_limit (mock, rate_max, rate_window);
  kz_mock_anilist_set_fault (mock, fault, fault_count);
  kz_mock_anilist_set_max_batch (mock, (guint) max_batch);
  kz_mock_anilist_set_max_nested_batch (mock, (guint) max_nested);
  kz_mock_anilist_set_nesting_refused (mock, refuse_nesting);

  if (!kz_mock_anilist_start (mock, (guint) port, &error))
    {
      g_printerr ("kizuna-mock-anilist: cannot listen on 127.0.0.1:%d: %s\n",
                  port, error->message);
      return EXIT_FAILURE;
    }

  url = kz_mock_anilist_dup_url (mock);
  printf ("Listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  g_debug ("Answered %u requests (%u rate limited)",
           kz_mock_anilist_get_request_count (mock),
           kz_mock_anilist_get_rate_limited_count (mock));

  return EXIT_SUCCESS;

usage_error:
  g_printerr ("kizuna-mock-anilist: %s\n", error->message);
  g_printerr ("Try 'kizuna-mock-anilist --help'.\n");
  return 2;
}
