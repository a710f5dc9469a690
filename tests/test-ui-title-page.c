/* test-ui-title-page.c: the title page, entry rows and cover images
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>

#include "kz-context.h"
#include "kz-cover-image.h"
#include "kz-entry-private.h"
#include "kz-entry-row.h"
#include "kz-title-page.h"
#include "kz-ui-resources.h"

#define CONAN_ID   235
#define SHIPPUUDEN 1735

/* Waiting, with a deadline so that a hang fails instead of timing out */

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(condition)                                             \
  G_STMT_START {                                                          \
    gboolean timed_out_ = FALSE;                                          \
    guint deadline_ = g_timeout_add_seconds (10, on_deadline, &timed_out_); \
    while (!(condition) && !timed_out_)                                   \
      g_main_context_iteration (NULL, TRUE);                              \
    if (!timed_out_)                                                      \
      g_source_remove (deadline_);                                        \
    g_assert_true (condition);                                            \
  } G_STMT_END

static void
drain_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A context on a fresh library (seeded from the bundled snapshot) with
 * nothing listening at its AniList endpoint. */
static KzContext *
create_context (GSettings **out_settings)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.kizuna.Kizuna");
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "kizuna-test", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzContext *context;

  /* The memory backend outlives each test: start from the defaults. */
  g_settings_reset (settings, "title-language");
  g_settings_reset (settings, "show-adult");

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  kz_context_new_async (settings, dir, "http://127.0.0.1:9/", NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);

  context = kz_context_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (context);

  if (out_settings != NULL)
    *out_settings = g_steal_pointer (&settings);

  return context;
}

static KzEntry *
get_basic (KzContext *context,
           gint64     id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzRelationsService *service = kz_context_get_service (context);
  KzEntry *entry;

  kz_relations_service_get_basic_async (service, id, KZ_FETCH_OFFLINE, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);

  entry = kz_relations_service_get_basic_finish (service, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);

  return entry;
}

static KzFranchiseGraph *
get_detailed (KzContext *context,
              gint64     id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzRelationsService *service = kz_context_get_service (context);
  KzFranchiseGraph *graph;

  kz_relations_service_get_detailed_async (service, id, KZ_FETCH_OFFLINE, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);

  graph = kz_relations_service_get_detailed_finish (service, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  return graph;
}

static GtkWidget *
show_in_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (child));

  return window;
}

/* Looking at what is on screen */

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (out, child);
      collect (child, type, out);
    }
}

static GPtrArray *
find_all (GtkWidget *root,
          GType      type)
{
  GPtrArray *out = g_ptr_array_new ();

  collect (root, type, out);
  return out;
}

static GtkLabel *
find_label (GtkWidget  *root,
            const char *css_class)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), css_class))
      return g_ptr_array_index (labels, i);

  g_assert_not_reached ();
}

static GtkWidget *
find_first (GtkWidget *root,
            GType      type)
{
  g_autoptr(GPtrArray) found = find_all (root, type);

  g_assert_cmpuint (found->len, >, 0);
  return g_ptr_array_index (found, 0);
}

static guint
count_all (GtkWidget *root,
           GType      type)
{
  g_autoptr(GPtrArray) found = find_all (root, type);

  return found->len;
}

static GPtrArray *
find_groups (GtkWidget *page)
{
  return find_all (page, ADW_TYPE_PREFERENCES_GROUP);
}

static KzEntryRow *
row_entry_row (GtkWidget *row)
{
  g_autoptr(GPtrArray) rows = find_all (row, KZ_TYPE_ENTRY_ROW);

  g_assert_cmpuint (rows->len, ==, 1);
  return g_ptr_array_index (rows, 0);
}

static gint64
row_id (GtkWidget *row)
{
  return kz_entry_get_id (kz_entry_row_get_entry (row_entry_row (row)));
}

static void
on_open_title (KzTitlePage *page,
               gint64       id,
               gint64      *out)
{
  *out = id;
}

/* What the page should show for @entry: anime relations grouped by
 * type in rank order, then one group of manga and novels. */
typedef struct {
  KzRelationType type;
  guint          n_rows;
} ExpectedGroup;

static GArray *
expected_groups (KzEntry  *entry,
                 gboolean  show_adult,
                 guint    *n_non_anime)
{
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (ExpectedGroup));
  guint counts[KZ_RELATION_N_TYPES] = { 0 };
  const KzRelation *relations;
  guint n_relations;

  *n_non_anime = 0;
  relations = kz_entry_get_relations (entry, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    {
      if (kz_entry_get_is_adult (relations[i].target) && !show_adult)
        continue;
      if (kz_entry_get_media_type (relations[i].target) == KZ_MEDIA_TYPE_MANGA)
        (*n_non_anime)++;
      else
        counts[relations[i].type]++;
    }

  for (guint rank = 0; rank <= KZ_RELATION_N_TYPES; rank++)
    for (guint type = 0; type < KZ_RELATION_N_TYPES; type++)
      if (counts[type] > 0 && kz_relation_type_get_rank (type) == rank)
        {
          ExpectedGroup group = { type, counts[type] };

          g_array_append_val (groups, group);
        }

  return groups;
}

static void
assert_groups (GtkWidget *page,
               KzEntry   *entry,
               gboolean   show_adult)
{
  g_autoptr(GPtrArray) groups = find_groups (page);
  g_autoptr(GArray) expected = NULL;
  guint n_non_anime;

  expected = expected_groups (entry, show_adult, &n_non_anime);
  g_assert_cmpuint (groups->len, ==, expected->len + (n_non_anime > 0 ? 1 : 0));

  for (guint i = 0; i < expected->len; i++)
    {
      ExpectedGroup *want = &g_array_index (expected, ExpectedGroup, i);
      AdwPreferencesGroup *group = g_ptr_array_index (groups, i);
      g_autoptr(GPtrArray) rows = find_all (GTK_WIDGET (group), GTK_TYPE_LIST_BOX_ROW);

      g_assert_cmpstr (adw_preferences_group_get_title (group), ==,
                       kz_relation_type_to_label (want->type));
      g_assert_cmpuint (rows->len, ==, want->n_rows);
    }

  if (n_non_anime > 0)
    {
      AdwPreferencesGroup *group = g_ptr_array_index (groups, expected->len);
      g_autoptr(GPtrArray) rows = find_all (GTK_WIDGET (group), GTK_TYPE_LIST_BOX_ROW);

      g_assert_cmpstr (adw_preferences_group_get_title (group), ==, "Source Material");
      g_assert_cmpuint (rows->len, ==, n_non_anime);
    }
}

/* Building entries */

static KzEntry *
build_entry (gint64         id,
             KzEntryDetail  detail,
             KzMediaType    media_type,
             KzFormat       format,
             int            year,
             const char    *title)
{
  KzEntry *entry = _kz_entry_new (id, detail);

  entry->media_type = media_type;
  entry->format = format;
  entry->start_date.year = year;
  entry->title_romaji = g_strdup (title);

  return entry;
}

static void
add_relation (KzEntry        *entry,
              KzRelationType  type,
              KzEntry        *target)
{
  _kz_entry_add_relation (entry, type, NULL, target);
  g_object_unref (target);
}

/* A title whose relations come in no useful order, with a manga source
 * and an adult sequel. */
static KzEntry *
build_mixed_entry (void)
{
  KzEntry *root = build_entry (9001, KZ_ENTRY_DETAIL_FULL, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2001, "Root Title");
  KzEntry *adult = build_entry (9008, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_OVA, 2006, "Adult Sequel");

  adult->is_adult = TRUE;

  add_relation (root, KZ_RELATION_SIDE_STORY,
                build_entry (9002, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_MOVIE, 2005, "Late Movie"));
  add_relation (root, KZ_RELATION_SEQUEL,
                build_entry (9003, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2004, "Second Season"));
  add_relation (root, KZ_RELATION_CHARACTER,
                build_entry (9004, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2010, "Crossover"));
  add_relation (root, KZ_RELATION_PREQUEL,
                build_entry (9005, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2000, "First Season"));
  add_relation (root, KZ_RELATION_SOURCE,
                build_entry (9006, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_MANGA, KZ_FORMAT_MANGA, 1999, "The Manga"));
  add_relation (root, KZ_RELATION_SIDE_STORY,
                build_entry (9007, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_MOVIE, 2003, "Early Movie"));
  add_relation (root, KZ_RELATION_SEQUEL, adult);

  return root;
}

/* The title page with the bundled library */

static void
test_title_page_bundled (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(KzContext) context = create_context (&settings);
  g_autoptr(KzEntry) entry = get_basic (context, CONAN_ID);
  g_autoptr(KzFranchiseGraph) detailed = get_detailed (context, CONAN_ID);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) ids_before = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkWidget *page = kz_title_page_new (context);
  GtkWidget *window = show_in_window (page);
  KzCoverCacheStats stats;
  const char *facts;
  const char *others;
  gint64 opened = 0;
  guint n_full = 0;

  g_signal_connect (page, "open-title", G_CALLBACK (on_open_title), &opened);

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), entry);
  g_assert_true (kz_title_page_get_entry (KZ_TITLE_PAGE (page)) == entry);

  g_assert_cmpstr (gtk_label_get_text (find_label (page, "title-1")), ==, "Meitantei Conan");
  others = gtk_label_get_text (find_label (page, "other-titles"));
  g_assert_cmpstr (others, ==, "Case Closed\n名探偵コナン");

  facts = gtk_label_get_text (find_label (page, "facts"));
  g_assert_true (g_str_has_prefix (facts, "TV · "));
  g_assert_nonnull (strstr (facts, "Airing"));
  g_assert_nonnull (strstr (facts, "Winter 1996"));
  g_assert_nonnull (strstr (facts, "81%"));
  /* AniList gives no episode count for a running show. */
  g_assert_null (strstr (facts, "episode"));

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (find_label (page, "description"))));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (find_label (page, "description")),
                                   "High school detective"));

  /* Side stories first: Conan has no prequel or sequel. */
  assert_groups (page, entry, FALSE);
  groups = find_groups (page);
  g_assert_cmpuint (groups->len, ==, 5);
  g_assert_cmpstr (adw_preferences_group_get_title (g_ptr_array_index (groups, 0)), ==, "Side Story");

  rows = find_all (page, GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpuint (rows->len, ==, 40);
  for (guint i = 0; i < rows->len; i++)
    {
      gint64 id = row_id (g_ptr_array_index (rows, i));

      g_array_append_val (ids_before, id);
      g_assert_cmpint (kz_entry_get_detail (kz_entry_row_get_entry (row_entry_row (g_ptr_array_index (rows, i)))),
                       ==, KZ_ENTRY_DETAIL_STUB);
    }

  /* Side stories in release order: the 1997 film first. */
  g_assert_cmpint (g_array_index (ids_before, gint64, 0), ==, 779);
  g_assert_cmpstr (kz_entry_row_get_subtitle (row_entry_row (g_ptr_array_index (rows, 0))), ==, "Movie · 1997");

  gtk_widget_activate (g_ptr_array_index (rows, 0));
  g_assert_cmpint (opened, ==, 779);
  gtk_widget_activate (g_ptr_array_index (rows, 39));
  g_assert_cmpint (opened, ==, g_array_index (ids_before, gint64, 39));

  /* The full neighbours replace the stubs, in the same places. */
  kz_title_page_set_details (KZ_TITLE_PAGE (page), detailed);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = find_all (page, GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpuint (rows->len, ==, 40);
  for (guint i = 0; i < rows->len; i++)
    {
      KzEntry *shown = kz_entry_row_get_entry (row_entry_row (g_ptr_array_index (rows, i)));

      g_assert_cmpint (kz_entry_get_id (shown), ==, g_array_index (ids_before, gint64, i));
      if (kz_franchise_graph_lookup (detailed, kz_entry_get_id (shown)) != NULL)
        {
          g_assert_true (shown == kz_franchise_graph_lookup (detailed, kz_entry_get_id (shown)));
          g_assert_cmpint (kz_entry_get_detail (shown), ==, KZ_ENTRY_DETAIL_FULL);
          n_full++;
        }
    }
  g_assert_cmpuint (n_full, ==, 40);

  /* The preferred language moves the titles around. */
  g_settings_set_enum (settings, "title-language", KZ_TITLE_LANGUAGE_ENGLISH);
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (find_label (page, "title-1")), "Case Closed"));
  g_assert_cmpstr (gtk_label_get_text (find_label (page, "other-titles")), ==, "名探偵コナン\nMeitantei Conan");
  g_assert_cmpstr (kz_entry_row_get_title (row_entry_row (g_ptr_array_index (rows, 0))), ==,
                   "Case Closed: The Time Bombed Skyscraper");

  /* The bundled titles have no cover addresses: nothing was fetched. */
  drain_main_context ();
  kz_cover_cache_get_stats (kz_context_get_covers (context), &stats);
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (stats.failures, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

/* A fresher copy of the title shown (a background update) keeps the
 * page where the person scrolled to; another title starts at the top. */
static void
test_title_page_keeps_scroll (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(KzContext) context = create_context (&settings);
  g_autoptr(KzEntry) entry = get_basic (context, CONAN_ID);
  g_autoptr(KzEntry) fresher = NULL;
  g_autoptr(KzEntry) other = get_basic (context, SHIPPUUDEN);
  g_autoptr(GError) error = NULL;
  KzStore *store = kz_relations_service_get_store (kz_context_get_service (context));
  GtkWidget *page = kz_title_page_new (context);
  GtkWidget *window = show_in_window (page);
  GtkAdjustment *vadjustment;

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), entry);
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (find_first (page, GTK_TYPE_SCROLLED_WINDOW)));
  WAIT_UNTIL (gtk_adjustment_get_upper (vadjustment) > gtk_adjustment_get_page_size (vadjustment) + 300);
  gtk_adjustment_set_value (vadjustment, 300);

  fresher = kz_store_get_entry (store, CONAN_ID, &error);
  g_assert_no_error (error);
  g_assert_true (fresher != entry);
  kz_title_page_set_entry (KZ_TITLE_PAGE (page), fresher);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 300);

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), other);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_title_page_source_material (void)
{
  g_autoptr(KzContext) context = create_context (NULL);
  g_autoptr(KzEntry) entry = get_basic (context, SHIPPUUDEN);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) source_rows = NULL;
  GtkWidget *page = kz_title_page_new (context);
  GtkWidget *window = show_in_window (page);
  KzEntryRow *manga;
  gint64 opened = 0;

  g_signal_connect (page, "open-title", G_CALLBACK (on_open_title), &opened);
  kz_title_page_set_entry (KZ_TITLE_PAGE (page), entry);

  assert_groups (page, entry, FALSE);
  groups = find_groups (page);
  g_assert_cmpuint (groups->len, ==, 4);
  g_assert_cmpstr (adw_preferences_group_get_title (g_ptr_array_index (groups, 0)), ==, "Prequel");
  g_assert_cmpstr (adw_preferences_group_get_title (g_ptr_array_index (groups, 1)), ==, "Sequel");
  g_assert_cmpstr (adw_preferences_group_get_title (g_ptr_array_index (groups, 2)), ==, "Side Story");
  g_assert_cmpstr (adw_preferences_group_get_title (g_ptr_array_index (groups, 3)), ==, "Source Material");

  /* The manga is listed with its format, but leads nowhere. */
  source_rows = find_all (g_ptr_array_index (groups, 3), GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpuint (source_rows->len, ==, 1);
  manga = row_entry_row (g_ptr_array_index (source_rows, 0));
  g_assert_cmpstr (kz_entry_row_get_title (manga), ==, "NARUTO");
  g_assert_cmpstr (kz_entry_row_get_subtitle (manga), ==, "Manga · 1999");
  g_assert_cmpstr (gtk_label_get_text (find_label (GTK_WIDGET (manga), "accent")), ==, "Source");
  g_assert_false (gtk_list_box_row_get_activatable (g_ptr_array_index (source_rows, 0)));
  gtk_widget_activate (g_ptr_array_index (source_rows, 0));
  g_assert_cmpint (opened, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

/* Built entries: group order, adult relations, details */

static void
test_title_page_groups (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(KzContext) context = create_context (&settings);
  g_autoptr(KzEntry) root = build_mixed_entry ();
  g_autoptr(KzEntry) full_sequel = NULL;
  g_autoptr(KzFranchiseGraph) details = kz_franchise_graph_new (9001);
  g_autoptr(KzFranchiseGraph) other = kz_franchise_graph_new (4242);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *page = kz_title_page_new (context);
  GtkWidget *window = show_in_window (page);
  const gint64 want_ids[] = { 9005, 9003, 9007, 9002, 9004, 9006 };
  const char * const want_titles[] = { "Prequel", "Sequel", "Side Story", "Shared Characters", "Source Material" };
  gint64 opened = 0;

  g_signal_connect (page, "open-title", G_CALLBACK (on_open_title), &opened);
  kz_title_page_set_entry (KZ_TITLE_PAGE (page), root);

  /* Prequel and sequel first, whatever order the edges came in. */
  assert_groups (page, root, FALSE);
  groups = find_groups (page);
  g_assert_cmpuint (groups->len, ==, G_N_ELEMENTS (want_titles));
  for (guint i = 0; i < groups->len; i++)
    g_assert_cmpstr (adw_preferences_group_get_title (g_ptr_array_index (groups, i)), ==, want_titles[i]);

  /* The adult sequel is left out; side stories go by release date. */
  rows = find_all (page, GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (want_ids));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (row_id (g_ptr_array_index (rows, i)), ==, want_ids[i]);

  gtk_widget_activate (g_ptr_array_index (rows, 0));
  g_assert_cmpint (opened, ==, 9005);
  gtk_widget_activate (g_ptr_array_index (rows, 1));
  g_assert_cmpint (opened, ==, 9003);

  /* Details for another title change nothing; the right ones swap the
   * stub for the full entry in place. */
  full_sequel = build_entry (9003, KZ_ENTRY_DETAIL_FULL, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2004, "Second Season");
  full_sequel->title_english = g_strdup ("Season Two");
  kz_franchise_graph_add_node (details, root, 0);
  kz_franchise_graph_add_node (details, full_sequel, 1);
  kz_franchise_graph_add_edge (details, 9001, 9003, KZ_RELATION_SEQUEL, NULL);
  kz_franchise_graph_add_node (other, full_sequel, 0);

  kz_title_page_set_details (KZ_TITLE_PAGE (page), other);
  g_assert_cmpint (kz_entry_get_detail (kz_entry_row_get_entry (row_entry_row (g_ptr_array_index (rows, 1)))),
                   ==, KZ_ENTRY_DETAIL_STUB);

  kz_title_page_set_details (KZ_TITLE_PAGE (page), details);
  g_assert_true (kz_entry_row_get_entry (row_entry_row (g_ptr_array_index (rows, 1))) == full_sequel);
  g_assert_cmpint (row_id (g_ptr_array_index (rows, 0)), ==, 9005);

  g_settings_set_enum (settings, "title-language", KZ_TITLE_LANGUAGE_ENGLISH);
  WAIT_UNTIL (g_str_equal (kz_entry_row_get_title (row_entry_row (g_ptr_array_index (rows, 1))), "Season Two"));

  /* Adult titles appear when asked for; the details stay applied. */
  g_settings_set_boolean (settings, "show-adult", TRUE);
  WAIT_UNTIL (kz_context_get_show_adult (context));
  assert_groups (page, root, TRUE);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = find_all (page, GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (want_ids) + 1);
  g_assert_cmpint (row_id (g_ptr_array_index (rows, 1)), ==, 9003);
  g_assert_cmpint (row_id (g_ptr_array_index (rows, 2)), ==, 9008);
  g_assert_true (kz_entry_row_get_entry (row_entry_row (g_ptr_array_index (rows, 1))) == full_sequel);

  /* Back to the stubs without details. */
  kz_title_page_set_details (KZ_TITLE_PAGE (page), NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = find_all (page, GTK_TYPE_LIST_BOX_ROW);
  g_assert_cmpint (kz_entry_get_detail (kz_entry_row_get_entry (row_entry_row (g_ptr_array_index (rows, 1)))),
                   ==, KZ_ENTRY_DETAIL_STUB);

  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

static void
test_title_page_facts (void)
{
  g_autoptr(KzContext) context = create_context (NULL);
  g_autoptr(KzEntry) series = build_entry (7001, KZ_ENTRY_DETAIL_FULL, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2013, "Series");
  g_autoptr(KzEntry) film = build_entry (7002, KZ_ENTRY_DETAIL_FULL, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_MOVIE, 2016, "Film");
  GtkWidget *page = kz_title_page_new (context);
  GtkWidget *window = show_in_window (page);
  GtkWidget *link;

  series->status = KZ_STATUS_FINISHED;
  series->episodes = 12;
  series->season = KZ_SEASON_SPRING;
  series->season_year = 2013;
  series->average_score = 86;
  series->age_rating = g_strdup ("PG-13");
  series->site_url = g_strdup ("https://anilist.co/anime/7001");

  film->episodes = 1;

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), series);
  g_assert_cmpstr (gtk_label_get_text (find_label (page, "facts")), ==,
                   "TV · Finished · 12 episodes · Spring 2013 · 86% · PG-13");
  link = find_first (page, GTK_TYPE_LINK_BUTTON);
  g_assert_true (gtk_widget_get_visible (link));
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), ==, "https://anilist.co/anime/7001");
  /* Nothing to show: no other titles, no description, no relations. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (find_label (page, "other-titles"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (find_label (page, "description"))));
  g_assert_cmpuint (count_all (page, ADW_TYPE_PREFERENCES_GROUP), ==, 0);

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), film);
  g_assert_cmpstr (gtk_label_get_text (find_label (page, "facts")), ==, "Movie · 1 episode · 2016");
  g_assert_false (gtk_widget_get_visible (link));

  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

static void
test_title_page_hostile_text (void)
{
  static const char *hostile_genres[] = { "<b>Action</b>", NULL };
  g_autoptr(KzContext) context = create_context (NULL);
  g_autoptr(KzEntry) entry = build_entry (6001, KZ_ENTRY_DETAIL_FULL, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2020,
                                          "<b>&amp;</b> <i>Title");
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *page = kz_title_page_new (context);
  GtkWidget *window = show_in_window (page);
  GtkLabel *title;
  gboolean genre_found = FALSE;

  entry->title_english = g_strdup ("<span foreground='red'>Red</span> &lt;");
  entry->description = g_strdup ("<script>alert(1)</script> &amp; <br>");
  entry->genres = g_strdupv ((char **) hostile_genres);
  entry->age_rating = g_strdup ("<R18+>");
  entry->site_url = g_strdup ("http://anilist.co/anime/6001");
  add_relation (entry, KZ_RELATION_SEQUEL,
                build_entry (6002, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2021, "<u>Sequel</u> &"));

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), entry);

  title = find_label (page, "title-1");
  g_assert_false (gtk_label_get_use_markup (title));
  g_assert_cmpstr (gtk_label_get_text (title), ==, "<b>&amp;</b> <i>Title");
  g_assert_cmpstr (gtk_label_get_label (title), ==, "<b>&amp;</b> <i>Title");
  g_assert_cmpstr (gtk_label_get_text (find_label (page, "other-titles")), ==,
                   "<span foreground='red'>Red</span> &lt;");
  g_assert_cmpstr (gtk_label_get_text (find_label (page, "description")), ==,
                   "<script>alert(1)</script> &amp; <br>");
  g_assert_true (g_str_has_suffix (gtk_label_get_text (find_label (page, "facts")), " · <R18+>"));

  labels = find_all (page, GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      /* Only the group headings use markup, and they hold our own words. */
      if (gtk_label_get_use_markup (label))
        g_assert_null (strchr (gtk_label_get_label (label), '<'));
      if (g_str_equal (gtk_label_get_text (label), "<b>Action</b>"))
        genre_found = TRUE;
    }
  g_assert_true (genre_found);

  /* Only https addresses are offered. */
  g_assert_false (gtk_widget_get_visible (find_first (page, GTK_TYPE_LINK_BUTTON)));

  rows = find_all (page, KZ_TYPE_ENTRY_ROW);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (kz_entry_row_get_title (g_ptr_array_index (rows, 0)), ==, "<u>Sequel</u> &");

  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

/* Entry rows */

static void
test_entry_row (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(KzContext) context = create_context (&settings);
  g_autoptr(KzEntry) entry = get_basic (context, CONAN_ID);
  g_autoptr(KzEntry) undated = build_entry (5001, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_ONA, 0,
                                            "<b>Soon</b>");
  GtkWidget *row = g_object_ref_sink (kz_entry_row_new (context));
  GtkLabel *relation;

  kz_entry_row_set_entry (KZ_ENTRY_ROW (row), entry);
  g_assert_true (kz_entry_row_get_entry (KZ_ENTRY_ROW (row)) == entry);
  g_assert_cmpstr (kz_entry_row_get_title (KZ_ENTRY_ROW (row)), ==, "Meitantei Conan");
  g_assert_cmpstr (kz_entry_row_get_subtitle (KZ_ENTRY_ROW (row)), ==, "TV · 1996");

  relation = find_label (row, "accent");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (relation)));
  kz_entry_row_set_relation (KZ_ENTRY_ROW (row), "Sequel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (relation)));
  g_assert_cmpstr (gtk_label_get_text (relation), ==, "Sequel");
  kz_entry_row_set_relation (KZ_ENTRY_ROW (row), NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (relation)));

  g_settings_set_enum (settings, "title-language", KZ_TITLE_LANGUAGE_NATIVE);
  WAIT_UNTIL (g_str_equal (kz_entry_row_get_title (KZ_ENTRY_ROW (row)), "名探偵コナン"));

  kz_entry_row_set_entry (KZ_ENTRY_ROW (row), undated);
  g_assert_cmpstr (kz_entry_row_get_title (KZ_ENTRY_ROW (row)), ==, "<b>Soon</b>");
  g_assert_cmpstr (kz_entry_row_get_subtitle (KZ_ENTRY_ROW (row)), ==, "ONA");

  kz_entry_row_set_entry (KZ_ENTRY_ROW (row), NULL);
  g_assert_null (kz_entry_row_get_entry (KZ_ENTRY_ROW (row)));
  g_assert_cmpstr (kz_entry_row_get_title (KZ_ENTRY_ROW (row)), ==, "");

  g_object_unref (row);
}

/* Cover images */

typedef struct {
  SoupServer *server;
  char       *base_url;
  GBytes     *png;
  guint       requests;
  gboolean    hold;       /* answer nothing: the download stays pending */
} CoverServer;

static GBytes *
make_png (int width,
          int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, size);
}

static void
serve_cover (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  CoverServer *covers = user_data;
  gsize size;
  const char *data = g_bytes_get_data (covers->png, &size);

  covers->requests++;
  if (covers->hold)
    {
      soup_server_message_pause (message);
      return;
    }

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "image/png", SOUP_MEMORY_COPY, data, size);
}

static void
cover_server_start (CoverServer *covers)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  covers->png = make_png (100, 150);
  covers->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (covers->server, "/covers", serve_cover, covers, NULL);
  soup_server_listen_local (covers->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (covers->server);
  g_assert_nonnull (uris);
  covers->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
cover_server_stop (CoverServer *covers)
{
  soup_server_disconnect (covers->server);
  g_clear_object (&covers->server);
  g_clear_pointer (&covers->png, g_bytes_unref);
  g_clear_pointer (&covers->base_url, g_free);
}

static void
test_cover_without_url (void)
{
  g_autoptr(KzContext) context = create_context (NULL);
  g_autoptr(KzEntry) entry = get_basic (context, CONAN_ID);
  GtkWidget *cover = g_object_ref_sink (kz_cover_image_new (context, 40, 56));
  KzCoverCacheStats stats;
  int minimum, natural;

  g_assert_null (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_MEDIUM));
  kz_cover_image_set_entry (KZ_COVER_IMAGE (cover), entry);
  drain_main_context ();

  kz_cover_cache_get_stats (kz_context_get_covers (context), &stats);
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (stats.failures, ==, 0);
  g_assert_cmpuint (stats.disk_hits, ==, 0);
  g_assert_false (kz_cover_image_get_loaded (KZ_COVER_IMAGE (cover)));

  gtk_widget_measure (cover, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, ==, 40);
  gtk_widget_measure (cover, GTK_ORIENTATION_VERTICAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (natural, ==, 56);

  g_object_unref (cover);
}

static void
test_cover_adult (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(KzContext) context = create_context (&settings);
  g_autoptr(KzEntry) adult = build_entry (8001, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_OVA, 2001, "Adult");
  CoverServer covers = { 0 };
  KzCoverImage *cover = g_object_ref_sink (KZ_COVER_IMAGE (kz_cover_image_new (context, 40, 56)));
  GtkWidget *window = show_in_window (GTK_WIDGET (cover));
  KzCoverCache *cache = kz_context_get_covers (context);
  KzCoverCacheStats stats;

  cover_server_start (&covers);
  adult->is_adult = TRUE;
  adult->cover_medium = g_strconcat (covers.base_url, "covers/8001.png", NULL);

  /* Hidden adult titles keep the placeholder and fetch nothing. */
  kz_cover_image_set_entry (cover, adult);
  drain_main_context ();
  kz_cover_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (stats.failures, ==, 0);
  g_assert_cmpuint (covers.requests, ==, 0);
  g_assert_false (kz_cover_image_get_loaded (cover));

  /* Shown, the cover is downloaded once and decoded. */
  g_settings_set_boolean (settings, "show-adult", TRUE);
  WAIT_UNTIL (kz_cover_image_get_loaded (cover));
  kz_cover_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.downloads, ==, 1);
  g_assert_cmpuint (covers.requests, ==, 1);

  /* Hidden again, the image goes. */
  g_settings_set_boolean (settings, "show-adult", FALSE);
  WAIT_UNTIL (!kz_cover_image_get_loaded (cover));

  /* A cancelled load never lands: the entry changes before it arrives. */
  g_settings_set_boolean (settings, "show-adult", TRUE);
  WAIT_UNTIL (kz_context_get_show_adult (context));
  kz_cover_image_set_entry (cover, NULL);
  drain_main_context ();
  g_assert_false (kz_cover_image_get_loaded (cover));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (cover);
  drain_main_context ();
  cover_server_stop (&covers);
}

static void
test_cover_not_adult (void)
{
  g_autoptr(KzContext) context = create_context (NULL);
  g_autoptr(KzEntry) entry = build_entry (8002, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2001, "Plain");
  CoverServer covers = { 0 };
  KzCoverImage *cover = g_object_ref_sink (KZ_COVER_IMAGE (kz_cover_image_new (context, 40, 56)));
  KzCoverCacheStats stats;

  cover_server_start (&covers);
  entry->cover_medium = g_strconcat (covers.base_url, "covers/8002.png", NULL);

  kz_cover_image_set_entry (cover, entry);
  WAIT_UNTIL (kz_cover_image_get_loaded (cover));
  kz_cover_cache_get_stats (kz_context_get_covers (context), &stats);
  g_assert_cmpuint (stats.downloads, ==, 1);
  g_assert_cmpuint (covers.requests, ==, 1);

  g_object_unref (cover);
  drain_main_context ();
  cover_server_stop (&covers);
}

static void
test_cover_dispose_cancels (void)
{
  g_autoptr(KzContext) context = create_context (NULL);
  g_autoptr(KzEntry) entry = build_entry (8003, KZ_ENTRY_DETAIL_STUB, KZ_MEDIA_TYPE_ANIME, KZ_FORMAT_TV, 2001, "Slow");
  CoverServer covers = { 0 };
  GtkWidget *cover = g_object_ref_sink (kz_cover_image_new (context, 40, 56));
  KzCoverCacheStats stats;

  cover_server_start (&covers);
  covers.hold = TRUE;
  entry->cover_medium = g_strconcat (covers.base_url, "covers/8003.png", NULL);

  kz_cover_image_set_entry (KZ_COVER_IMAGE (cover), entry);
  WAIT_UNTIL (covers.requests == 1);

  /* The pending download holds no reference: the widget goes at once,
   * and the download with it. */
  g_object_add_weak_pointer (G_OBJECT (cover), (gpointer *) &cover);
  g_object_unref (cover);
  g_assert_null (cover);
  drain_main_context ();

  kz_cover_cache_get_stats (kz_context_get_covers (context), &stats);
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (stats.failures, ==, 0);

  cover_server_stop (&covers);
  drain_main_context ();
}

static void
test_cover_decode (void)
{
  g_autoptr(GBytes) small = make_png (100, 150);
  g_autoptr(GBytes) huge = make_png (KZ_COVER_IMAGE_MAX_SOURCE_SIZE + 1, 2);
  g_autoptr(GBytes) junk = g_bytes_new_static ("not an image at all", 19);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) refused = NULL;
  g_autoptr(GdkTexture) broken = NULL;
  g_autoptr(GError) error = NULL;

  /* Scaled down to just cover 40×56: 40×60. */
  texture = kz_cover_image_decode (small, 40, 56, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 40);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 60);

  refused = kz_cover_image_decode (huge, 40, 56, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (refused);
  g_clear_error (&error);

  broken = kz_cover_image_decode (junk, 40, 56, NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (broken);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C", TRUE);
  /* The isolated folders hide the desktop's proxy settings schema; the
   * covers come from this computer anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* Without a session bus GTK warns that it cannot reach the
   * accessibility bus, which these tests do not use. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "none", FALSE);
  if (!gtk_init_check ())
    return 77;
  adw_init ();

  /* Asking for the resource links it in from the static library. */
  g_assert_nonnull (kz_ui_get_resource ());

  g_test_add_func ("/kz/ui/title-page/bundled", test_title_page_bundled);
  g_test_add_func ("/kz/ui/title-page/keeps-scroll", test_title_page_keeps_scroll);
  g_test_add_func ("/kz/ui/title-page/source-material", test_title_page_source_material);
  g_test_add_func ("/kz/ui/title-page/groups", test_title_page_groups);
  g_test_add_func ("/kz/ui/title-page/facts", test_title_page_facts);
  g_test_add_func ("/kz/ui/title-page/hostile-text", test_title_page_hostile_text);
  g_test_add_func ("/kz/ui/entry-row/labels", test_entry_row);
  g_test_add_func ("/kz/ui/cover-image/without-url", test_cover_without_url);
  g_test_add_func ("/kz/ui/cover-image/adult", test_cover_adult);
  g_test_add_func ("/kz/ui/cover-image/not-adult", test_cover_not_adult);
  g_test_add_func ("/kz/ui/cover-image/dispose-cancels", test_cover_dispose_cancels);
  g_test_add_func ("/kz/ui/cover-image/decode", test_cover_decode);

  return g_test_run ();
}
