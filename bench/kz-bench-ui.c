/* kz-bench-ui.c: the library sidebar with a large library
 *
 * Drives the real KzLibrarySidebar in a window: loading the library,
 * then typing into its search entry and ending the search, timed from
 * the keystroke until the sidebar's model shows the outcome.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <adwaita.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <math.h>

#include "kz-bench.h"
#include "kz-context.h"
#include "kz-library-sidebar.h"

/* What the sidebar asks the library search for. */
#define SIDEBAR_SEARCH_LIMIT 50
/* Typing a word longer than this is rare: people pick from the list. */
#define MAX_TYPED_LETTERS 6
/* Waiting for something the sidebar must do gives up after this. */
#define WAIT_SECONDS 120
/* A change that leaves nothing to repaint draws no frame. */
#define FRAME_WAIT_SECONDS 0.25

/* Main-thread accounting: the main loop's time outside poll() is time
 * the main thread worked (or waited on the X server), and the longest
 * such stretch is the longest the window could not answer. */

static GPollFunc default_poll;
static double poll_end;
static double work_total;
static double work_longest;

static gint
timed_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  double start = kz_bench_seconds ();
  double work = start - poll_end;
  gint result;

  work_total += work;
  work_longest = MAX (work_longest, work);

  result = default_poll (fds, n_fds, timeout);
  poll_end = kz_bench_seconds ();

  return result;
}

static void
work_reset (void)
{
  poll_end = kz_bench_seconds ();
  work_total = 0;
  work_longest = 0;
}

/* Main-thread seconds since work_reset(), the current stretch included. */
static double
work_so_far (void)
{
  return work_total + (kz_bench_seconds () - poll_end);
}

typedef struct {
  KzBench          *bench;
  KzContext        *context;
  GtkWindow        *window;
  KzLibrarySidebar *sidebar;
  gulong            paint_handler;
  guint             frames;
} Fixture;

static gboolean
deadline_passed (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the sidebar has nothing left to do. */
static gboolean
wait_idle (Fixture *fixture)
{
  gboolean timed_out = FALSE;
  guint deadline = 0;

  if (!kz_library_sidebar_get_busy (fixture->sidebar))
    return TRUE;

  deadline = g_timeout_add_seconds (WAIT_SECONDS, deadline_passed, &timed_out);
  while (kz_library_sidebar_get_busy (fixture->sidebar) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (deadline);

  return !timed_out;
}

static void
after_paint (GdkFrameClock *clock,
             Fixture       *fixture)
{
  fixture->frames++;
}

/* Runs the main loop until the window has painted a frame, or briefly
 * when there is nothing to paint. */
static void
wait_frame (Fixture *fixture)
{
  guint frames = fixture->frames;
  gboolean timed_out = FALSE;
  guint deadline = g_timeout_add ((guint) (FRAME_WAIT_SECONDS * 1000), deadline_passed, &timed_out);

  while (fixture->frames == frames && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (deadline);
}

static void
context_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GSettings *
memory_settings (void)
{
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;

  source = g_settings_schema_source_new_from_directory (KZ_BENCH_SCHEMA_DIR, NULL, FALSE, NULL);
  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, SCHEMA_ID, FALSE)))
    return NULL;

  backend = g_memory_settings_backend_new ();
  return g_settings_new_full (schema, backend, NULL);
}

typedef struct {
  double   made_ms;       /* making the sidebar and its first frame */
  double   seconds;       /* then until the list shows */
  double   work_ms;       /* main-thread work meanwhile */
  double   longest_ms;    /* the longest stretch of it */
  guint    n_shown;
} Load;

/* Opens the library as the app does and puts the sidebar in a window. */
static gboolean
fixture_init (Fixture *fixture,
              KzBench *bench,
              Load    *load)
{
  g_autoptr(GSettings) settings = memory_settings ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *sidebar;
  double start;

  fixture->bench = bench;

  if (settings == NULL)
    {
      kz_bench_error (bench, "the settings schema is not compiled in %s", KZ_BENCH_SCHEMA_DIR);
      return FALSE;
    }

  /* AniList on this computer (nothing listens there): the rows' covers,
   * which name AniList's image servers, are then never downloaded. */
  kz_context_new_async (settings, bench->store_dir, "http://127.0.0.1:9/", NULL, context_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!(fixture->context = kz_context_new_finish (result, &error)))
    {
      kz_bench_error (bench, "cannot open the library: %s", error->message);
      return FALSE;
    }

  /* The window first, as the app shows it before the library is read. */
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 360, 900);
  gtk_window_present (fixture->window);
  fixture->paint_handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window)),
                                             "after-paint", G_CALLBACK (after_paint), fixture);
  wait_frame (fixture);

  /* Making the sidebar and drawing it while the list is read is timed
   * apart: it costs the same with any library. */
  work_reset ();
  sidebar = kz_library_sidebar_new (fixture->context);
  fixture->sidebar = KZ_LIBRARY_SIDEBAR (sidebar);
  gtk_window_set_child (fixture->window, sidebar);
  wait_frame (fixture);
  load->made_ms = work_so_far () * 1000;

  work_reset ();
  start = kz_bench_seconds ();
  if (!wait_idle (fixture))
    {
      kz_bench_error (bench, "the sidebar did not load the library in %d s", WAIT_SECONDS);
      return FALSE;
    }
  load->seconds = kz_bench_seconds () - start;
  /* The frame that draws the list counts too. */
  wait_frame (fixture);
  load->work_ms = work_so_far () * 1000;
  load->longest_ms = work_longest * 1000;
  load->n_shown = g_list_model_get_n_items (kz_library_sidebar_get_model (fixture->sidebar));

  if (load->n_shown == 0)
    kz_bench_error (bench, "the sidebar shows no titles");

  return TRUE;
}

static void
fixture_clear (Fixture *fixture)
{
  if (fixture->window != NULL)
    {
      if (fixture->paint_handler != 0)
        g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window)),
                                     fixture->paint_handler);
      gtk_window_destroy (fixture->window);
    }
  g_clear_object (&fixture->context);

  /* Let the library's arrays go and cancelled work end. */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

typedef struct {
  GArray *typing;      /* ms from a keystroke that refines a search to its results */
  GArray *typing_work; /* main-thread ms in that time */
  GArray *painted;     /* main-thread ms until the frame that shows them */
  GArray *search;      /* kz_store_search alone, for the same texts */
  GArray *clearing;    /* ms to end a search */
  GArray *clear_work;
  guint64 shown;
  guint   n_mismatches;
} Typing;

/* One keystroke: @text into the entry, "" ends the search. */
static double
keystroke (Fixture    *fixture,
           const char *text,
           double     *work_ms,
           double     *painted_ms)
{
  GtkEditable *entry = kz_library_sidebar_get_search_entry (fixture->sidebar);
  double start, elapsed;

  work_reset ();
  start = kz_bench_seconds ();
  gtk_editable_set_text (entry, text);
  if (!wait_idle (fixture))
    kz_bench_error (fixture->bench, "no results for \"%s\" in %d s", text, WAIT_SECONDS);
  elapsed = (kz_bench_seconds () - start) * 1000;
  *work_ms = work_so_far () * 1000;

  wait_frame (fixture);
  *painted_ms = work_so_far () * 1000;

  return elapsed;
}

/* The sidebar shows what the library search gives, in that order, less
 * what the adult filter hides. */
static gboolean
shows_search (Fixture   *fixture,
              GPtrArray *entries)
{
  GListModel *model = kz_library_sidebar_get_model (fixture->sidebar);
  guint n = g_list_model_get_n_items (model);
  guint position = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *expected = g_ptr_array_index (entries, i);
      g_autoptr(KzEntry) shown = NULL;

      if (!kz_context_entry_is_visible (fixture->context, expected))
        continue;
      if (position >= n)
        return FALSE;
      shown = g_list_model_get_item (model, position++);
      if (kz_entry_get_id (shown) != kz_entry_get_id (expected))
        return FALSE;
    }

  return position == n;
}

static void
type_words (Fixture *fixture,
            GStrv    words,
            guint    n_listed,
            Typing  *typing)
{
  GListModel *model = kz_library_sidebar_get_model (fixture->sidebar);

  typing->typing = g_array_new (FALSE, FALSE, sizeof (double));
  typing->typing_work = g_array_new (FALSE, FALSE, sizeof (double));
  typing->painted = g_array_new (FALSE, FALSE, sizeof (double));
  typing->search = g_array_new (FALSE, FALSE, sizeof (double));
  typing->clearing = g_array_new (FALSE, FALSE, sizeof (double));
  typing->clear_work = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint w = 0; words[w] != NULL; w++)
    {
      guint n_letters = MIN (strlen (words[w]), MAX_TYPED_LETTERS);
      double ms, work_ms, painted_ms;

      for (guint n = 1; n <= n_letters; n++)
        {
          g_autofree char *text = g_strndup (words[w], n);
          g_autoptr(GPtrArray) entries = NULL;
          g_autoptr(GError) error = NULL;
          double start;

          ms = keystroke (fixture, text, &work_ms, &painted_ms);
          g_array_append_val (typing->typing, ms);
          g_array_append_val (typing->typing_work, work_ms);
          g_array_append_val (typing->painted, painted_ms);
          typing->shown += g_list_model_get_n_items (model);

          /* The same search without the sidebar, and a check that the
           * sidebar showed its outcome. */
          start = kz_bench_seconds ();
          entries = kz_store_search (fixture->bench->store, text, SIDEBAR_SEARCH_LIMIT, &error);
          ms = (kz_bench_seconds () - start) * 1000;
          g_array_append_val (typing->search, ms);
          if (entries == NULL)
            kz_bench_error (fixture->bench, "search for \"%s\" failed: %s", text, error->message);
          else if (!shows_search (fixture, entries))
            typing->n_mismatches++;
        }

      ms = keystroke (fixture, "", &work_ms, &painted_ms);
      g_array_append_val (typing->clearing, ms);
      g_array_append_val (typing->clear_work, work_ms);
      if (g_list_model_get_n_items (model) != n_listed)
        kz_bench_error (fixture->bench, "ending a search showed %u titles, not %u",
                        g_list_model_get_n_items (model), n_listed);
    }
}

/* The library changed (a search on AniList stored titles, a title was
 * refreshed): the sidebar lists it again. Nothing changed here, which
 * is the common case: few titles change at a time. */
static void
reload_library (Fixture *fixture,
                guint    n_listed,
                Load    *reload)
{
  double start;

  work_reset ();
  start = kz_bench_seconds ();
  kz_context_library_changed (fixture->context);
  if (!wait_idle (fixture))
    kz_bench_error (fixture->bench, "the sidebar did not reload the library in %d s", WAIT_SECONDS);
  reload->seconds = kz_bench_seconds () - start;
  wait_frame (fixture);
  reload->work_ms = work_so_far () * 1000;
  reload->longest_ms = work_longest * 1000;
  reload->n_shown = g_list_model_get_n_items (kz_library_sidebar_get_model (fixture->sidebar));
  if (reload->n_shown != n_listed)
    kz_bench_error (fixture->bench, "the reloaded sidebar shows %u titles, not %u", reload->n_shown, n_listed);
}

static void
typing_clear (Typing *typing)
{
  g_clear_pointer (&typing->typing, g_array_unref);
  g_clear_pointer (&typing->typing_work, g_array_unref);
  g_clear_pointer (&typing->painted, g_array_unref);
  g_clear_pointer (&typing->search, g_array_unref);
  g_clear_pointer (&typing->clearing, g_array_unref);
  g_clear_pointer (&typing->clear_work, g_array_unref);
}

static void
skip_figures (KzBench    *bench,
              const char *reason)
{
  static const struct {
    const char *id;
    const char *title;
  } figures[] = {
    { "sidebar-keystroke", "Sidebar filter update per keystroke, p95" },
    { "sidebar-clear", "Sidebar: ending a search (whole list back), p95" },
    { "sidebar-load", "Sidebar: loading the library, longest main-thread stall" },
    { "sidebar-reload", "Sidebar: listing the library again, longest main-thread stall" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      KzBenchFigure *figure = kz_bench_add_figure (bench, figures[i].id, figures[i].title);

      figure->synthetic = TRUE;
      kz_bench_figure_skip (figure, "%s", reason);
    }
}

void
kz_bench_run_sidebar (KzBench *bench)
{
  Fixture fixture = { NULL, };
  guint n_words = bench->quick ? 4 : 40;
  g_auto(GStrv) words = g_new0 (char *, n_words + 1);
  Typing typing = { NULL, };
  Load load = { 0, };
  Load reload = { 0, };
  KzBenchFigure *figure;
  double p95;

  if (bench->store == NULL)
    return;

  if (!bench->have_display)
    {
      skip_figures (bench, "No display could be opened, so the sidebar cannot be made. "
                           "Run under xvfb-run to measure it.");
      return;
    }

  g_print ("Sidebar: loading and typing…\n");
  adw_init ();

  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  if (!fixture_init (&fixture, bench, &load))
    {
      fixture_clear (&fixture);
      g_main_context_set_poll_func (NULL, default_poll);
      skip_figures (bench, "The sidebar could not be set up.");
      return;
    }

  for (guint i = 0; i < n_words; i++)
    words[i] = kz_synthetic_library_pick_word (bench->library, bench->rand, 5);

  /* Once untimed, so that the first word does not pay for fonts and
   * row widgets made for the first time. */
  {
    double work_ms, painted_ms;

    keystroke (&fixture, words[0], &work_ms, &painted_ms);
    keystroke (&fixture, "", &work_ms, &painted_ms);
  }

  type_words (&fixture, words, load.n_shown, &typing);
  reload_library (&fixture, load.n_shown, &reload);

  p95 = kz_bench_percentile (typing.typing, 95);
  figure = kz_bench_add_figure (bench, "sidebar-keystroke", "Sidebar filter update per keystroke, p95");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_AT_MOST, 1.0);
  kz_bench_figure_note (figure,
                        "The real KzLibrarySidebar in a window over %u listed titles: %u keystrokes typing "
                        "the first 1–%u letters of %u title words, each timed from setting the entry's text "
                        "until the sidebar is no longer busy and its model shows the results (the library "
                        "search runs on a worker thread; %u results asked for). Median %.2f ms, %.1f titles "
                        "shown on average; %u of them differed from `kz_store_search` of the same text. "
                        "Main-thread work in that time: p95 %.2f ms, median %.2f ms; with the frame that "
                        "draws the results: p95 %.2f ms. `kz_store_search` alone for the same texts: p95 "
                        "%.2f ms, median %.2f ms.",
                        load.n_shown, typing.typing->len, MAX_TYPED_LETTERS, n_words, SIDEBAR_SEARCH_LIMIT,
                        kz_bench_percentile (typing.typing, 50),
                        (double) typing.shown / typing.typing->len, typing.n_mismatches,
                        kz_bench_percentile (typing.typing_work, 95),
                        kz_bench_percentile (typing.typing_work, 50),
                        kz_bench_percentile (typing.painted, 95),
                        kz_bench_percentile (typing.search, 95), kz_bench_percentile (typing.search, 50));

  p95 = kz_bench_percentile (typing.clearing, 95);
  figure = kz_bench_add_figure (bench, "sidebar-clear", "Sidebar: ending a search (whole list back), p95");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_AT_MOST, 1.0);
  kz_bench_figure_note (figure,
                        "%u times: emptying the entry, until the model shows all %u titles again (the sorted, "
                        "filtered list is kept while searching and shown again as it is). Median %.3f ms.",
                        typing.clearing->len, load.n_shown, kz_bench_percentile (typing.clearing, 50));

  figure = kz_bench_add_figure (bench, "sidebar-load", "Sidebar: loading the library, longest main-thread stall");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, load.longest_ms, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, load.longest_ms / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (figure,
                        "From the sidebar's first frame (a spinner) until it shows the %u titles (listed and "
                        "sorted on worker threads, the first rows made a few at a time) and the frame that "
                        "draws them: %.2f s, of which the main thread spent %.1f ms outside poll(); the figure is the "
                        "longest main-loop iteration, during which the window could not answer. Making the "
                        "sidebar and drawing its first frame, before: %.1f ms of main-thread work, the same "
                        "with any library.",
                        load.n_shown, load.seconds, load.work_ms, load.made_ms);

  figure = kz_bench_add_figure (bench, "sidebar-reload",
                                "Sidebar: listing the library again, longest main-thread stall");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, reload.longest_ms, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, reload.longest_ms / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (figure,
                        "What follows ::library-changed (titles stored by an AniList search or a refresh), "
                        "with nothing changed: listed and sorted again on worker threads, titles that did "
                        "not change keep their objects and rows. %.2f s until the %u titles are shown "
                        "again, of which the main thread spent %.1f ms outside poll() (working, or waiting on "
                        "the X server for the frames drawn meanwhile).",
                        reload.seconds, reload.n_shown, reload.work_ms);

  typing_clear (&typing);
  fixture_clear (&fixture);
  g_main_context_set_poll_func (NULL, default_poll);
}
