/* kz-bench-ui.c: the sidebar's work per keystroke with a large library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <gtk/gtk.h>
#include <math.h>

#include "kz-bench.h"

/* What the sidebar asks the library search for. */
#define SIDEBAR_SEARCH_LIMIT 50
/* Typing a word longer than this is rare: people pick from the list. */
#define MAX_TYPED_LETTERS 6

/* The sidebar's filter and sorter, rebuilt here without the widget. */

typedef struct {
  GHashTable *ranks;      /* id → rank (1 = best); NULL when not searching */
  GHashTable *sort_keys;  /* entry → collation key of its title */
  gboolean    show_adult;
} Sidebar;

static gboolean
sidebar_filter (gpointer item,
                gpointer user_data)
{
  Sidebar *sidebar = user_data;
  KzEntry *entry = item;
  gint64 id = kz_entry_get_id (entry);

  if (!sidebar->show_adult && kz_entry_get_is_adult (entry))
    return FALSE;

  return sidebar->ranks == NULL || g_hash_table_contains (sidebar->ranks, &id);
}

static const char *
sidebar_sort_key (Sidebar *sidebar,
                  KzEntry *entry)
{
  const char *key = g_hash_table_lookup (sidebar->sort_keys, entry);

  if (key == NULL)
    {
      g_autofree char *folded = g_utf8_casefold (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ROMAJI), -1);

      key = g_utf8_collate_key (folded, -1);
      g_hash_table_insert (sidebar->sort_keys, entry, (char *) key);
    }

  return key;
}

static int
sidebar_compare (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  Sidebar *sidebar = user_data;
  KzEntry *entry_a = (KzEntry *) a;
  KzEntry *entry_b = (KzEntry *) b;
  int result;

  if (sidebar->ranks != NULL)
    {
      gint64 id_a = kz_entry_get_id (entry_a);
      gint64 id_b = kz_entry_get_id (entry_b);
      guint rank_a = GPOINTER_TO_UINT (g_hash_table_lookup (sidebar->ranks, &id_a));
      guint rank_b = GPOINTER_TO_UINT (g_hash_table_lookup (sidebar->ranks, &id_b));

      if (rank_a != rank_b)
        return rank_a < rank_b ? -1 : 1;
    }

  result = strcmp (sidebar_sort_key (sidebar, entry_a), sidebar_sort_key (sidebar, entry_b));
  if (result != 0)
    return result;

  return kz_entry_get_id (entry_a) < kz_entry_get_id (entry_b) ? -1 : 1;
}

static void
sidebar_set_results (Sidebar   *sidebar,
                     GPtrArray *entries)
{
  g_clear_pointer (&sidebar->ranks, g_hash_table_unref);

  if (entries == NULL)
    return;

  sidebar->ranks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      gint64 id = kz_entry_get_id (g_ptr_array_index (entries, i));

      if (!g_hash_table_contains (sidebar->ranks, &id))
        g_hash_table_insert (sidebar->ranks, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (i + 1));
    }
}

typedef struct {
  Sidebar             sidebar;
  GListStore         *store;
  GtkCustomFilter    *filter;
  GtkCustomSorter    *sorter;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
} SidebarModels;

static gboolean
sidebar_models_init (KzBench       *bench,
                     SidebarModels *models)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  models->sidebar.sort_keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  if (!bench->have_display)
    return TRUE;

  if (!(entries = kz_store_list_entries (bench->store, 0, 0, &error)))
    {
      kz_bench_error (bench, "cannot list the library: %s", error->message);
      return FALSE;
    }

  models->store = g_list_store_new (KZ_TYPE_ENTRY);
  g_list_store_splice (models->store, 0, 0, entries->pdata, entries->len);
  models->filter = gtk_custom_filter_new (sidebar_filter, &models->sidebar, NULL);
  models->sorter = gtk_custom_sorter_new (sidebar_compare, &models->sidebar, NULL);
  models->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (models->store)),
                                                    GTK_FILTER (g_object_ref (models->filter)));
  models->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (models->filter_model)),
                                                GTK_SORTER (g_object_ref (models->sorter)));

  if (g_list_model_get_n_items (G_LIST_MODEL (models->sort_model)) == 0)
    kz_bench_error (bench, "the sidebar's model is empty");

  return TRUE;
}

static void
sidebar_models_clear (SidebarModels *models)
{
  g_clear_object (&models->sort_model);
  g_clear_object (&models->filter_model);
  g_clear_object (&models->sorter);
  g_clear_object (&models->filter);
  g_clear_object (&models->store);
  g_clear_pointer (&models->sidebar.ranks, g_hash_table_unref);
  g_clear_pointer (&models->sidebar.sort_keys, g_hash_table_unref);
}

/* One keystroke: the search, the id set, the filter and sorter over the
 * whole list. An empty @text ends the search. Milliseconds. */
static double
keystroke (KzBench       *bench,
           SidebarModels *models,
           const char    *text,
           guint          limit,
           guint         *n_shown,
           double        *search_ms)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  double start = kz_bench_seconds ();
  double elapsed;

  if (*text != '\0' && !(entries = kz_store_search (bench->store, text, limit, &error)))
    kz_bench_error (bench, "search for \"%s\" failed: %s", text, error->message);
  *search_ms = (kz_bench_seconds () - start) * 1000;

  sidebar_set_results (&models->sidebar, entries);

  if (models->sort_model != NULL)
    {
      gtk_filter_changed (GTK_FILTER (models->filter), GTK_FILTER_CHANGE_DIFFERENT);
      gtk_sorter_changed (GTK_SORTER (models->sorter), GTK_SORTER_CHANGE_DIFFERENT);
      *n_shown = g_list_model_get_n_items (G_LIST_MODEL (models->sort_model));
    }
  else
    {
      *n_shown = entries ? entries->len : 0;
    }

  elapsed = (kz_bench_seconds () - start) * 1000;

  /* Results are freed outside the timed part, as the sidebar keeps them
   * until the next search. */
  return elapsed;
}

typedef struct {
  GArray *typing;    /* ms per keystroke that refines a search */
  GArray *search;    /* the search's part of each of those */
  GArray *later;     /* keystrokes after the first letter of a word */
  GArray *clearing;  /* ms per keystroke that ends one */
  guint64 shown;
} Typing;

static void
type_words (KzBench       *bench,
            SidebarModels *models,
            GStrv          words,
            guint          limit,
            Typing        *typing)
{
  typing->typing = g_array_new (FALSE, FALSE, sizeof (double));
  typing->search = g_array_new (FALSE, FALSE, sizeof (double));
  typing->later = g_array_new (FALSE, FALSE, sizeof (double));
  typing->clearing = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint w = 0; words[w] != NULL; w++)
    {
      guint n_letters = MIN (strlen (words[w]), MAX_TYPED_LETTERS);
      guint n_shown = 0;
      double ms, search_ms;

      for (guint n = 1; n <= n_letters; n++)
        {
          g_autofree char *text = g_strndup (words[w], n);

          ms = keystroke (bench, models, text, limit, &n_shown, &search_ms);
          g_array_append_val (typing->typing, ms);
          g_array_append_val (typing->search, search_ms);
          if (n > 1)
            g_array_append_val (typing->later, ms);
          typing->shown += n_shown;
        }

      ms = keystroke (bench, models, "", limit, &n_shown, &search_ms);
      g_array_append_val (typing->clearing, ms);
    }
}

static void
typing_clear (Typing *typing)
{
  g_clear_pointer (&typing->typing, g_array_unref);
  g_clear_pointer (&typing->search, g_array_unref);
  g_clear_pointer (&typing->later, g_array_unref);
  g_clear_pointer (&typing->clearing, g_array_unref);
}

void
kz_bench_run_sidebar (KzBench *bench)
{
  SidebarModels models = { { NULL, }, };
  guint n_words = bench->quick ? 4 : 40;
  g_auto(GStrv) words = g_new0 (char *, n_words + 1);
  Typing limited = { NULL, };
  Typing unlimited = { NULL, };
  const char *scope;
  KzBenchFigure *figure;
  double p95;

  if (bench->store == NULL)
    return;

  g_print ("Sidebar: filtering per keystroke…\n");

  if (!sidebar_models_init (bench, &models))
    return;

  for (guint i = 0; i < n_words; i++)
    words[i] = kz_synthetic_library_pick_word (bench->library, bench->rand, 5);

  type_words (bench, &models, words, SIDEBAR_SEARCH_LIMIT, &limited);
  /* The whole result set, as an unlimited search would give it. */
  type_words (bench, &models, words, 0, &unlimited);

  scope = bench->have_display
    ? "search, id set, and the GtkFilterListModel and GtkSortListModel over every stored entry (no list widget)"
    : "search and id set only: no display, so no GTK list models";

  p95 = kz_bench_percentile (limited.typing, 95);
  figure = kz_bench_add_figure (bench, "sidebar-keystroke",
                                bench->have_display ? "Sidebar filter update per keystroke, p95"
                                                    : "Sidebar filter update per keystroke, p95 (search part only)");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_AT_MOST, 1.0);
  kz_bench_figure_note (figure,
                        "%u keystrokes typing the first 1–%u letters of %u title words; per keystroke: %s. "
                        "The search asks for %u results, as the sidebar does; median %.2f ms, %.1f titles "
                        "shown on average. The search alone: p95 %.2f ms, median %.2f ms. Without the "
                        "first letter of each word: p95 %.2f ms.",
                        limited.typing->len, MAX_TYPED_LETTERS, n_words, scope, SIDEBAR_SEARCH_LIMIT,
                        kz_bench_percentile (limited.typing, 50),
                        (double) limited.shown / limited.typing->len,
                        kz_bench_percentile (limited.search, 95), kz_bench_percentile (limited.search, 50),
                        kz_bench_percentile (limited.later, 95));

  p95 = kz_bench_percentile (limited.clearing, 95);
  figure = kz_bench_add_figure (bench, "sidebar-clear",
                                "Sidebar: ending a search (whole list back), p95");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_AT_MOST, 1.0);
  kz_bench_figure_note (figure, "%u times; the filter lets every entry back in and the sorter sorts them all. %s.",
                        limited.clearing->len, bench->have_display ? "Models as above" : "No display: nothing to filter");

  p95 = kz_bench_percentile (unlimited.typing, 95);
  figure = kz_bench_add_figure (bench, "sidebar-keystroke-unlimited",
                                "Sidebar per keystroke with an unlimited search, p95");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (figure,
                        "For comparison only: the same keystrokes with `kz_store_search (text, 0)`, every match "
                        "built as a full entry; median %.2f ms, %.0f titles shown on average.",
                        kz_bench_percentile (unlimited.typing, 50),
                        (double) unlimited.shown / unlimited.typing->len);

  typing_clear (&limited);
  typing_clear (&unlimited);
  sidebar_models_clear (&models);
}
