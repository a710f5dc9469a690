/* kz-bench-first-frame.c: how long the window takes to paint its first
 * frame with a large library, against a nearly empty one, and then to
 * show the library in it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <signal.h>

#include "kz-bench.h"

#define FIRST_FRAME_TIMEOUT_SECONDS 60


typedef struct {
  GDataInputStream *stream;
  GCancellable     *cancellable;
  gint64            frame_time;   /* CLOCK_MONOTONIC µs the app printed; 0 until then */
  gint64            shown_time;   /* the same, for the library shown */
  guint             timeout_id;
  gboolean          done;
} Launch;

static void
line_read (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Launch *launch = user_data;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, NULL);
  if (line == NULL)
    {
      launch->done = TRUE;
      return;
    }

  if (g_str_has_prefix (line, "first-frame "))
    launch->frame_time = g_ascii_strtoll (line + strlen ("first-frame "), NULL, 10);
  else if (g_str_has_prefix (line, "library-shown "))
    launch->shown_time = g_ascii_strtoll (line + strlen ("library-shown "), NULL, 10);

  /* The window paints before the library is in it; both lines come. */
  if (launch->frame_time != 0 && launch->shown_time != 0)
    {
      launch->done = TRUE;
      return;
    }

  g_data_input_stream_read_line_async (launch->stream, G_PRIORITY_DEFAULT, launch->cancellable,
                                       line_read, launch);
}

static gboolean
launch_timed_out (gpointer user_data)
{
  Launch *launch = user_data;

  launch->timeout_id = 0;
  g_cancellable_cancel (launch->cancellable);
  return G_SOURCE_REMOVE;
}

/* Milliseconds from spawning the app on @data_dir to its first painted
 * frame, or NAN; and in @shown_ms to the first frame with the library in
 * it, or NAN. */
static double
time_first_frame (KzBench    *bench,
                  const char *data_dir,
                  double     *shown_ms)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *no_bus = g_strdup_printf ("unix:path=%s/no-bus", bench->work_dir);
  g_autofree char *cache_dir = g_build_filename (bench->work_dir, "app-cache", NULL);
  g_autofree char *config_dir = g_build_filename (bench->work_dir, "app-config", NULL);
  g_autofree char *log = g_build_filename (bench->work_dir, "app-stderr.log", NULL);
  Launch launch = { NULL, };
  gint64 spawned;

  *shown_ms = NAN;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_REPORT_FIRST_FRAME", "1", TRUE);
  /* Nothing the app starts may reach a real host. */
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_URL", "http://127.0.0.1:9/", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", KZ_BENCH_SCHEMA_DIR, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GDK_DEBUG", "gl-disable", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_VFS", "local", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  /* A bus that is not there: each launch is its own primary instance
   * and never hands over to a Kizuna already running. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", no_bus, TRUE);

  spawned = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawn (launcher, &error, KZ_BENCH_KIZUNA, NULL);
  if (process == NULL)
    {
      kz_bench_error (bench, "cannot start %s: %s", KZ_BENCH_KIZUNA, error->message);
      return NAN;
    }

  launch.stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  launch.cancellable = g_cancellable_new ();
  launch.timeout_id = g_timeout_add_seconds (FIRST_FRAME_TIMEOUT_SECONDS, launch_timed_out, &launch);
  g_data_input_stream_read_line_async (launch.stream, G_PRIORITY_DEFAULT, launch.cancellable,
                                       line_read, &launch);
  while (!launch.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&launch.timeout_id, g_source_remove);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);

  g_clear_object (&launch.stream);
  g_clear_object (&launch.cancellable);

  if (launch.frame_time == 0)
    {
      kz_bench_error (bench, "the app on %s printed no first frame within %u s (its log: %s)",
                      data_dir, FIRST_FRAME_TIMEOUT_SECONDS, log);
      return NAN;
    }

  if (launch.shown_time == 0)
    kz_bench_error (bench, "the app on %s printed no library-shown within %u s (its log: %s)",
                    data_dir, FIRST_FRAME_TIMEOUT_SECONDS, log);
  else
    *shown_ms = (double) (launch.shown_time - spawned) / 1000.0;

  return (double) (launch.frame_time - spawned) / 1000.0;
}

static char *
prepare_seeded_library (KzBench *bench,
                        guint   *n_seeded)
{
  g_autofree char *dir = g_build_filename (bench->work_dir, "empty", NULL);
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!(store = kz_store_open (path, &error)) ||
      !kz_bundled_seed_store (store, n_seeded, &error))
    {
      kz_bench_error (bench, "cannot prepare the empty library: %s", error->message);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

void
kz_bench_run_first_frame (KzBench *bench)
{
  g_autoptr(GArray) large = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) large_shown = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_shown = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *empty_dir = NULL;
  guint n_runs = bench->quick ? 1 : 7;
  guint n_warm_up = bench->quick ? 0 : 1;
  guint n_seeded = 0;
  g_autofree char *title = NULL;
  g_autofree char *shown_title = NULL;
  KzBenchFigure *figure;
  KzBenchFigure *shown;
  double large_ms, empty_ms;

  title = g_strdup_printf ("Window first frame, %u-entry library", bench->n_entries);
  figure = kz_bench_add_figure (bench, "first-frame", title);
  figure->synthetic = TRUE;
  shown_title = g_strdup_printf ("Window shows the library, %u-entry library", bench->n_entries);
  shown = kz_bench_add_figure (bench, "library-shown", shown_title);
  shown->synthetic = TRUE;

  if (!bench->have_display)
    {
      kz_bench_figure_skip (figure, "No display could be opened, so the app cannot be started. "
                                    "Run under xvfb-run to measure it.");
      kz_bench_figure_skip (shown, "As the first frame.");
      return;
    }
  if (bench->store_dir == NULL)
    {
      kz_bench_figure_skip (figure, "The large library could not be prepared.");
      kz_bench_figure_skip (shown, "As the first frame.");
      return;
    }

  g_print ("Window: first frame…\n");

  if (!(empty_dir = prepare_seeded_library (bench, &n_seeded)))
    {
      kz_bench_figure_skip (figure, "The empty library could not be prepared.");
      kz_bench_figure_skip (shown, "As the first frame.");
      return;
    }

  for (guint run = 0; run < n_warm_up + n_runs; run++)
    {
      double ms_large, ms_empty, shown_large, shown_empty;

      /* Alternate, so neither side always runs with warmer caches. */
      if (run % 2 == 0)
        {
          ms_large = time_first_frame (bench, bench->store_dir, &shown_large);
          ms_empty = time_first_frame (bench, empty_dir, &shown_empty);
        }
      else
        {
          ms_empty = time_first_frame (bench, empty_dir, &shown_empty);
          ms_large = time_first_frame (bench, bench->store_dir, &shown_large);
        }

      if (isnan (ms_large) || isnan (ms_empty))
        {
          kz_bench_figure_skip (figure, "The app did not report its first frame; see the errors above.");
          kz_bench_figure_skip (shown, "As the first frame.");
          return;
        }

      if (run >= n_warm_up)
        {
          g_array_append_val (large, ms_large);
          g_array_append_val (empty, ms_empty);
          if (!isnan (shown_large) && !isnan (shown_empty))
            {
              g_array_append_val (large_shown, shown_large);
              g_array_append_val (empty_shown, shown_empty);
            }
        }
    }

  large_ms = kz_bench_percentile (large, 50);
  empty_ms = kz_bench_percentile (empty, 50);

  kz_bench_figure_set_value (figure, large_ms, "ms");
  kz_bench_figure_set_reference (figure, empty_ms, "ms", "empty library");
  kz_bench_figure_set_goal (figure, large_ms / empty_ms, KZ_BENCH_GOAL_AT_MOST, 1.5);
  kz_bench_figure_note (figure,
                        "The real `kizuna` from spawn to its first painted frame "
                        "(KIZUNA_REPORT_FIRST_FRAME=1), median of %u launches of each library after %u "
                        "warm-up launch(es), alternating; cairo renderer with GL off; display %s. The empty library holds only "
                        "the %u bundled titles the app seeds any empty library with.",
                        n_runs, n_warm_up,
                        g_getenv ("WAYLAND_DISPLAY") ? g_getenv ("WAYLAND_DISPLAY") : g_getenv ("DISPLAY"),
                        n_seeded);

  if (large_shown->len < n_runs)
    {
      kz_bench_figure_skip (shown, "The app did not report the library shown in every launch; "
                                   "see the errors above.");
      return;
    }

  large_ms = kz_bench_percentile (large_shown, 50);
  empty_ms = kz_bench_percentile (empty_shown, 50);
  kz_bench_figure_set_value (shown, large_ms, "ms");
  kz_bench_figure_set_reference (shown, empty_ms, "ms", "empty library");
  kz_bench_figure_set_goal (shown, large_ms / empty_ms, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (shown,
                        "The same launches, from spawn to the first painted frame with the library in "
                        "the window (its context, and the sidebar's list loaded; the app's "
                        "\"library-shown\" line). For information: opening a large library checks it, "
                        "which the window no longer waits for.");
}
