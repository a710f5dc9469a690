/* test-ui-window.c: the application window against the AniList stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kz-application.h"
#include "kz-franchise-tree.h"
#include "kz-library-sidebar.h"
#include "kz-mock-anilist.h"
#include "kz-timeline-view.h"
#include "kz-title-page.h"
#include "kz-watch-order.h"
#include "kz-window.h"

#define CONAN_ID        235
#define CONAN_FRANCHISE 49
#define ADULT_ID        320
#define NOT_STORED_ID   999999  /* in no snapshot */
#define OFFLINE_URL     "http://127.0.0.1:9/"

typedef struct {
  char          *dir;
  KzMockAniList *mock;
  KzContext     *context;
  KzApplication *app;
  KzWindow      *window;
  GPtrArray     *library;   /* every stored title, read directly */
} Fixture;

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
window_idle (gpointer data)
{
  Fixture *fixture = data;

  return !kz_window_get_busy (fixture->window) &&
         !kz_library_sidebar_get_busy (kz_window_get_sidebar (fixture->window));
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  (*(guint *)user_data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_drawn (gpointer data)
{
  return *(guint *)data >= 3;
}

/* Until the window is laid out, the leaflet counts as folded. */
static void
wait_for_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);

  wait_until (frames_drawn, &frames, "the first frames");
  gtk_widget_remove_tick_callback (widget, id);
}

static void
wait_idle (Fixture *fixture)
{
  wait_until (window_idle, fixture, "the window to finish loading");
}

/* One registered application for the whole program: on a session bus a
 * second one would find its object path taken. */
static KzApplication *
new_application (void)
{
  static KzApplication *app;

  if (app == NULL)
    {
      g_autoptr(GError) error = NULL;

      app = kz_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  return g_object_ref (app);
}

static void
set_up_with_endpoint (Fixture    *fixture,
                      const char *endpoint)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autofree char *url = NULL;

  fixture->dir = g_dir_make_tmp ("kizuna-window-XXXXXX", &error);
  g_assert_no_error (error);

  if (endpoint == NULL)
    {
      fixture->mock = kz_mock_anilist_new ();
      kz_mock_anilist_start (fixture->mock, 0, &error);
      g_assert_no_error (error);
      endpoint = url = kz_mock_anilist_dup_url (fixture->mock);
    }

  kz_context_new_async (settings, fixture->dir, endpoint, NULL, store_result, &result);
  wait_until (result_arrived, &result, "the library to open");
  fixture->context = kz_context_new_finish (result, &error);
  g_assert_no_error (error);

  kz_relations_service_list_library_async (kz_context_get_service (fixture->context), 0, 0,
                                           NULL, store_result, &list_result);
  wait_until (result_arrived, &list_result, "the library list");
  fixture->library = kz_relations_service_list_library_finish (kz_context_get_service (fixture->context),
                                                               list_result, &error);
  g_assert_no_error (error);

  fixture->app = new_application ();
  kz_application_set_context (fixture->app, fixture->context);

  fixture->window = g_object_ref_sink (kz_window_new (fixture->app, fixture->context));
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_frames (GTK_WIDGET (fixture->window));
  wait_idle (fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  set_up_with_endpoint (fixture, NULL);
}

static void
fixture_set_up_offline (Fixture       *fixture,
                        gconstpointer  data)
{
  set_up_with_endpoint (fixture, OFFLINE_URL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->app);
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->mock);
  g_clear_pointer (&fixture->library, g_ptr_array_unref);

  /* Let cancelled work wind down before the library goes. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* What is on screen */

static gboolean
label_matches (GtkWidget  *widget,
               const char *text)
{

  return GTK_IS_LABEL (widget) &&
         gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (label_matches (root, text))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
titles_contain (KzEntry    *entry,
                const char *needle)
{
  const char *titles[] = {
    kz_entry_get_title_romaji (entry),
    kz_entry_get_title_english (entry),
    kz_entry_get_title_native (entry),
  };
  const char * const *synonyms = kz_entry_get_synonyms (entry);

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *folded = titles[i] ? g_utf8_casefold (titles[i], -1) : NULL;

      if (folded != NULL && strstr (folded, needle) != NULL)
        return TRUE;
    }

  for (guint i = 0; synonyms != NULL && synonyms[i] != NULL; i++)
    {
      g_autofree char *folded = g_utf8_casefold (synonyms[i], -1);

      if (strstr (folded, needle) != NULL)
        return TRUE;
    }

  return FALSE;
}

static guint
count_adult (GPtrArray *entries)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    n += kz_entry_get_is_adult (g_ptr_array_index (entries, i));

  return n;
}

static gboolean
model_has_id (GListModel *model,
              gint64      id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);

      if (kz_entry_get_id (entry) == id)
        return TRUE;
    }

  return FALSE;
}

typedef struct {
  Fixture    *fixture;
  const char *text;
  gboolean    seen;
} SearchWait;

/* Emptying the entry is reported at once, typing after a delay: only
 * the report of the final text counts. */
static void
search_changed (GtkEditable *entry,
                SearchWait  *wait)
{
  if (g_str_equal (gtk_editable_get_text (entry), wait->text))
    wait->seen = TRUE;
}

static gboolean
search_done (gpointer data)
{
  SearchWait *wait = data;

  return wait->seen && window_idle (wait->fixture);
}

/* Types into the sidebar's search entry and waits for the library
 * search that follows. */
static void
type_search (Fixture    *fixture,
             const char *text)
{
  GtkEditable *entry = kz_library_sidebar_get_search_entry (kz_window_get_sidebar (fixture->window));
  SearchWait wait = { fixture, text, FALSE };
  gulong id;

  id = g_signal_connect (entry, "search-changed", G_CALLBACK (search_changed), &wait);
  gtk_editable_set_text (entry, text);
  wait_until (search_done, &wait, "the library search");
  g_signal_handler_disconnect (entry, id);
  wait_for_frames (GTK_WIDGET (fixture->window));
}

/* Tests */

static void
test_library (Fixture       *fixture,
              gconstpointer  data)
{
  KzLibrarySidebar *sidebar = kz_window_get_sidebar (fixture->window);
  GListModel *model = kz_library_sidebar_get_model (sidebar);
  guint n_adult = count_adult (fixture->library);

  g_assert_cmpuint (fixture->library->len, ==, 180);
  g_assert_cmpuint (n_adult, ==, 1);

  /* Adult titles stay out of the list until asked for. */
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (sidebar), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fixture->library->len - n_adult);
  g_assert_false (model_has_id (model, ADULT_ID));
  g_assert_true (model_has_id (model, CONAN_ID));

  g_settings_set_boolean (kz_context_get_settings (fixture->context), "show-adult", TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fixture->library->len);
  g_assert_true (model_has_id (model, ADULT_ID));
  g_settings_set_boolean (kz_context_get_settings (fixture->context), "show-adult", FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fixture->library->len - n_adult);

  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "empty");
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Select a Title"));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  KzLibrarySidebar *sidebar = kz_window_get_sidebar (fixture->window);
  GListModel *model = kz_library_sidebar_get_model (sidebar);
  guint expected = 0;
  guint n_all = g_list_model_get_n_items (model);

  for (guint i = 0; i < fixture->library->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (fixture->library, i);

      if (!kz_entry_get_is_adult (entry) && titles_contain (entry, "conan"))
        expected++;
    }
  g_assert_cmpuint (expected, ==, CONAN_FRANCHISE);

  type_search (fixture, "conan");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);

      g_assert_true (titles_contain (entry, "conan"));
    }
  g_assert_nonnull (find_label (GTK_WIDGET (sidebar), "Search AniList for “conan”"));

  type_search (fixture, "zzqxwv");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (sidebar), ==, "no-results");

  type_search (fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_all);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (sidebar), ==, "list");
}

static void
test_search_online (Fixture       *fixture,
                    gconstpointer  data)
{
  KzLibrarySidebar *sidebar = kz_window_get_sidebar (fixture->window);
  GListModel *model = kz_library_sidebar_get_model (sidebar);
  guint requests;

  type_search (fixture, "conan");
  kz_mock_anilist_reset_counters (fixture->mock);

  kz_library_sidebar_search_online (sidebar);
  g_assert_true (kz_library_sidebar_get_busy (sidebar));
  wait_idle (fixture);

  requests = kz_mock_anilist_get_request_count (fixture->mock);
  g_assert_cmpuint (requests, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);

      g_assert_true (titles_contain (entry, "conan"));
    }
}

static void
test_search_activate (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkEditable *entry = kz_library_sidebar_get_search_entry (kz_window_get_sidebar (fixture->window));
  g_autoptr(KzEntry) best = NULL;

  type_search (fixture, "meitantei conan");
  best = g_list_model_get_item (kz_library_sidebar_get_model (kz_window_get_sidebar (fixture->window)), 0);
  g_assert_nonnull (best);

  /* Enter in the search entry opens the best match. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (kz_window_get_title_id (fixture->window), ==, kz_entry_get_id (best));
  wait_idle (fixture);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "views");
}

static void
assert_shows_conan (Fixture *fixture)
{
  KzFranchiseGraph *graph = kz_window_get_franchise (fixture->window);
  GtkWidget *title_page = kz_window_get_view (fixture->window, "overview");
  KzFranchiseTree *tree = KZ_FRANCHISE_TREE (kz_window_get_view (fixture->window, "tree"));
  KzWatchOrder *watch_order = KZ_WATCH_ORDER (kz_window_get_view (fixture->window, "watch-order"));
  KzTimelineView *timeline = KZ_TIMELINE_VIEW (kz_window_get_view (fixture->window, "timeline"));
  g_autoptr(GPtrArray) release_order = NULL;

  g_assert_cmpint (kz_window_get_title_id (fixture->window), ==, CONAN_ID);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "views");
  g_assert_cmpint (kz_entry_get_id (kz_title_page_get_entry (KZ_TITLE_PAGE (title_page))), ==, CONAN_ID);
  g_assert_nonnull (find_label (title_page, "Meitantei Conan"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Meitantei Conan");

  g_assert_nonnull (graph);
  g_assert_cmpint (kz_franchise_graph_get_root_id (graph), ==, CONAN_ID);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, CONAN_FRANCHISE);

  release_order = kz_franchise_graph_dup_release_order (graph);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, CONAN_FRANCHISE);
  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (watch_order)), ==, release_order->len);
  g_assert_cmpuint (release_order->len, ==, CONAN_FRANCHISE);
  g_assert_cmpuint (kz_timeline_get_n_items (kz_timeline_view_get_timeline (timeline)), ==, CONAN_FRANCHISE);
}

static void
test_open_title (Fixture       *fixture,
                 gconstpointer  data)
{
  kz_window_open_title (fixture->window, CONAN_ID);
  g_assert_true (kz_window_get_busy (fixture->window));
  wait_idle (fixture);

  assert_shows_conan (fixture);

  /* The title language is a setting: the page follows it. */
  g_settings_set_string (kz_context_get_settings (fixture->context), "title-language", "english");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Case Closed");
  g_settings_reset (kz_context_get_settings (fixture->context), "title-language");
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);

  kz_mock_anilist_reset_counters (fixture->mock);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "refresh", NULL);
  g_assert_true (kz_window_get_busy (fixture->window));
  wait_idle (fixture);

  /* Every title of the franchise came from AniList again. */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >, 0);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), >=, CONAN_FRANCHISE);
  assert_shows_conan (fixture);
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Refreshed"));
}

static void
test_back (Fixture       *fixture,
           gconstpointer  data)
{
  KzFranchiseGraph *graph;
  gint64 other_id = 0;
  GAction *back = g_action_map_lookup_action (G_ACTION_MAP (fixture->window), "back");

  g_assert_false (g_action_get_enabled (back));

  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  g_assert_false (g_action_get_enabled (back));

  /* Another title of the same franchise, as a view would open it. */
  graph = kz_window_get_franchise (fixture->window);
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (graph) && other_id == 0; i++)
    if (kz_entry_get_id (kz_franchise_graph_get_node (graph, i)) != CONAN_ID)
      other_id = kz_entry_get_id (kz_franchise_graph_get_node (graph, i));
  g_assert_cmpint (other_id, !=, 0);

  g_signal_emit_by_name (kz_window_get_view (fixture->window, "tree"), "open-title", other_id);
  wait_idle (fixture);
  g_assert_cmpint (kz_window_get_title_id (fixture->window), ==, other_id);
  g_assert_cmpint (kz_entry_get_id (kz_title_page_get_entry (KZ_TITLE_PAGE (kz_window_get_view (fixture->window, "overview")))),
                   ==, other_id);
  g_assert_true (g_action_get_enabled (back));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "back", NULL);
  wait_idle (fixture);
  assert_shows_conan (fixture);
  g_assert_false (g_action_get_enabled (back));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);

  /* AniList has no such title: what was open stays. */
  kz_window_open_title (fixture->window, NOT_STORED_ID);
  wait_idle (fixture);
  assert_shows_conan (fixture);
  g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (fixture->window), "back")));
}

static void
test_offline_not_stored (Fixture       *fixture,
                         gconstpointer  data)
{
  kz_window_open_title (fixture->window, NOT_STORED_ID);
  wait_idle (fixture);

  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "not-stored");
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Not in Your Library"));
  g_assert_null (kz_window_get_franchise (fixture->window));

  /* Trying again while still offline ends the same way. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "retry", NULL);
  wait_idle (fixture);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "not-stored");

  /* A stored title opens from the library. */
  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  assert_shows_conan (fixture);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  KzFranchiseGraph *before;
  GAction *cancel = g_action_map_lookup_action (G_ACTION_MAP (fixture->window), "cancel");

  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  before = kz_window_get_franchise (fixture->window);
  g_assert_nonnull (before);
  g_assert_false (g_action_get_enabled (cancel));

  /* A slow refresh, stopped: what was shown stays, and no "Refreshed". */
  kz_mock_anilist_set_latency (fixture->mock, 500);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "refresh", NULL);
  g_assert_true (g_action_get_enabled (cancel));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "cancel", NULL);
  wait_idle (fixture);
  wait_for_frames (GTK_WIDGET (fixture->window));

  g_assert_false (g_action_get_enabled (cancel));
  g_assert_true (kz_window_get_franchise (fixture->window) == before);
  assert_shows_conan (fixture);
  g_assert_null (find_label (GTK_WIDGET (fixture->window), "Refreshed"));
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);

  /* Folded: one pane at a time, the list first. */
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 700);
  wait_for_frames (window);
  g_assert_nonnull (find_label (window, "Library"));
  g_assert_null (find_label (window, "Select a Title"));

  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  wait_for_frames (window);
  g_assert_null (find_label (window, "Library"));
  g_assert_nonnull (find_label (kz_window_get_view (fixture->window, "overview"), "Meitantei Conan"));

  /* Nothing to go back to but the list. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "back", NULL);
  wait_for_frames (window);
  g_assert_cmpint (kz_window_get_title_id (fixture->window), ==, CONAN_ID);
  g_assert_nonnull (find_label (window, "Library"));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  wait_for_frames (window);
  g_assert_nonnull (find_label (window, "Library"));
  g_assert_nonnull (find_label (kz_window_get_view (fixture->window, "overview"), "Meitantei Conan"));
}

static void
test_shortcuts (Fixture       *fixture,
                gconstpointer  data)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "app.quit", "<Control>q" },
    { "app.preferences", "<Control>comma" },
    { "app.debug-panel", "<Shift><Control>d" },
    { "win.refresh", "<Control>r" },
    { "win.back", "<Alt>Left" },
    { "win.search", "<Control>f" },
  };
  GtkApplication *app = GTK_APPLICATION (fixture->app);
  GtkWidget *entry;
  GtkWidget *focus;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, expected[i].action);

      g_assert_nonnull (accels[0]);
      g_assert_cmpstr (accels[0], ==, expected[i].accel);
    }

  for (guint i = 0; i < 3; i++)
    g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app),
                                                      (const char *[]) { "preferences", "debug-panel", "about" }[i]));

  /* Ctrl+F lands in the search entry, wherever the focus was. */
  entry = GTK_WIDGET (kz_library_sidebar_get_search_entry (kz_window_get_sidebar (fixture->window)));
  gtk_window_set_focus (GTK_WINDOW (fixture->window), NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "search", NULL);
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

static void
test_window_size (Fixture       *fixture,
                  gconstpointer  data)
{
  GSettings *settings = kz_context_get_settings (fixture->context);
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);
  gtk_window_get_default_size (GTK_WINDOW (fixture->window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static KzWindow *
first_window (KzApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (KZ_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
window_shows_error (gpointer data)
{
  KzWindow *window = first_window (data);

  return window != NULL && g_strcmp0 (kz_window_get_visible_page (window), "error") == 0;
}

/* A fresh application of its own, under another id, so that it starts
 * with no context and no window. */
static KzApplication *
new_separate_application (const char *suffix)
{
  g_autofree char *id = g_strconcat (APPLICATION_ID ".", suffix, NULL);
  KzApplication *app;

  app = g_object_new (KZ_TYPE_APPLICATION,
                      "application-id", id,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", RESOURCE_PATH,
                      NULL);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  return app;
}

static void
test_library_failure (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kizuna-window-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "not-a-folder", NULL);
  g_autofree char *old_dir = g_strdup (g_getenv ("KIZUNA_DATA_DIR"));
  g_autoptr(KzApplication) app = NULL;
  KzWindow *window;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_setenv ("KIZUNA_DATA_DIR", file, TRUE);

  /* Without a library the app explains itself, in the window that was
   * already there, instead of failing. */
  app = new_separate_application ("LibraryFailure");
  g_test_expect_message ("kz-app", G_LOG_LEVEL_WARNING, "Could not open the library*");
  g_application_activate (G_APPLICATION (app));
  window = first_window (app);
  g_assert_nonnull (window);
  wait_until (window_shows_error, app, "the error page");
  g_test_assert_expected_messages ();

  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);
  g_assert_null (kz_application_get_context (app));
  g_assert_null (kz_window_get_context (window));
  g_assert_null (kz_window_get_sidebar (window));
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Could Not Open the Library"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "preferences"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "search"));

  gtk_window_destroy (GTK_WINDOW (window));
  if (old_dir != NULL)
    g_setenv ("KIZUNA_DATA_DIR", old_dir, TRUE);
  else
    g_unsetenv ("KIZUNA_DATA_DIR");
  g_unlink (file);
  g_rmdir (dir);
}

static gboolean
window_has_context (gpointer data)
{
  KzWindow *window = first_window (data);

  return window != NULL && kz_window_get_context (window) != NULL &&
         kz_library_sidebar_get_busy (kz_window_get_sidebar (window)) == FALSE;
}

/* The window is on screen before the library is open, and the library
 * fills it when it is. */
static void
test_app_start (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kizuna-window-XXXXXX", NULL);
  g_autofree char *old_dir = g_strdup (g_getenv ("KIZUNA_DATA_DIR"));
  g_autofree char *old_url = g_strdup (g_getenv ("KIZUNA_ANILIST_URL"));
  g_autoptr(KzApplication) app = NULL;
  KzLibrarySidebar *sidebar;
  KzWindow *window;

  g_setenv ("KIZUNA_DATA_DIR", dir, TRUE);
  g_setenv ("KIZUNA_ANILIST_URL", OFFLINE_URL, TRUE);

  app = new_separate_application ("Start");
  g_application_activate (G_APPLICATION (app));

  window = first_window (app);
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_null (kz_window_get_context (window));
  g_assert_cmpstr (kz_window_get_visible_page (window), ==, "starting");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "preferences"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "debug-panel"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "about"));

  /* Activated again while the library opens: the same window. */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  wait_until (window_has_context, app, "the library");
  g_assert_true (first_window (app) == window);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);
  g_assert_true (kz_window_get_context (window) == kz_application_get_context (app));
  g_assert_cmpstr (kz_window_get_visible_page (window), ==, "empty");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "search"));

  sidebar = kz_window_get_sidebar (window);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (sidebar), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (kz_library_sidebar_get_model (sidebar)), ==, 179);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  if (old_dir != NULL)
    g_setenv ("KIZUNA_DATA_DIR", old_dir, TRUE);
  else
    g_unsetenv ("KIZUNA_DATA_DIR");
  if (old_url != NULL)
    g_setenv ("KIZUNA_ANILIST_URL", old_url, TRUE);
  else
    g_unsetenv ("KIZUNA_ANILIST_URL");
  remove_tree (dir);
}

/* Before its library: the header bar, a blank page, then a spinner */

static const char *window_actions[] = { "back", "refresh", "refresh-library", "retry", "cancel", "search" };

static void
assert_actions_enabled (KzWindow *window,
                        gboolean  enabled)
{
  for (guint i = 0; i < G_N_ELEMENTS (window_actions); i++)
    if (g_action_group_get_action_enabled (G_ACTION_GROUP (window), window_actions[i]) != enabled)
      g_error ("win.%s is %s", window_actions[i], enabled ? "disabled" : "enabled");
}

/* Any label with @text, shown or not. */
static GtkWidget *
find_any_label (GtkWidget  *root,
                const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_any_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
shows_loading_page (gpointer data)
{
  /* The header's title is mapped once the header is laid out again,
   * which can come a frame after the page. */
  return g_strcmp0 (kz_window_get_visible_page (data), "loading") == 0 &&
         find_label (data, "Opening the Library…") != NULL &&
         find_label (data, "Kizuna") != NULL;
}

static void
fixture_set_up_context (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  fixture->dir = g_dir_make_tmp ("kizuna-window-XXXXXX", &error);
  g_assert_no_error (error);

  kz_context_new_async (settings, fixture->dir, OFFLINE_URL, NULL, store_result, &result);
  wait_until (result_arrived, &result, "the library to open");
  fixture->context = kz_context_new_finish (result, &error);
  g_assert_no_error (error);

  fixture->app = new_application ();
}

static void
test_loading_page (Fixture       *fixture,
                   gconstpointer  data)
{
  KzLibrarySidebar *sidebar;
  GtkWidget *focus;

  fixture->window = g_object_ref_sink (kz_window_new (fixture->app, NULL));
  gtk_window_present (GTK_WINDOW (fixture->window));

  g_assert_null (kz_window_get_context (fixture->window));
  g_assert_null (kz_window_get_sidebar (fixture->window));
  g_assert_null (kz_window_get_view (fixture->window, "overview"));
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "starting");
  assert_actions_enabled (fixture->window, FALSE);

  /* After a moment, the person is told what is happening. */
  wait_until (shows_loading_page, fixture->window, "the loading page");
  g_assert_null (find_label (GTK_WIDGET (fixture->window), "Library"));
  assert_actions_enabled (fixture->window, FALSE);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "search", NULL);

  kz_window_set_context (fixture->window, fixture->context);
  g_assert_true (kz_window_get_context (fixture->window) == fixture->context);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "empty");
  wait_for_frames (GTK_WIDGET (fixture->window));
  wait_idle (fixture);

  sidebar = kz_window_get_sidebar (fixture->window);
  g_assert_nonnull (sidebar);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (sidebar), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (kz_library_sidebar_get_model (sidebar)), ==, 179);
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Library"));
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Select a Title"));
  g_assert_null (find_label (GTK_WIDGET (fixture->window), "Opening the Library…"));
  g_assert_true (KZ_IS_TITLE_PAGE (kz_window_get_view (fixture->window, "overview")));

  /* What needs no title open works now; the rest waits for one. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "search"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "refresh-library"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "refresh"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "back"));

  /* The keyboard is in the library, as in a window that starts with it. */
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (sidebar)));

  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "views");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "refresh"));
}

static void
count_maps (GtkWidget *widget,
            guint     *n_maps)
{
  (*n_maps)++;
}

/* A library that opens at once: no loading page at all. */
static void
test_no_flash (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *label;
  guint n_maps = 0;

  fixture->window = g_object_ref_sink (kz_window_new (fixture->app, NULL));
  label = find_any_label (GTK_WIDGET (fixture->window), "Opening the Library…");
  g_assert_nonnull (label);
  g_signal_connect (label, "map", G_CALLBACK (count_maps), &n_maps);

  gtk_window_present (GTK_WINDOW (fixture->window));
  kz_window_set_context (fixture->window, fixture->context);
  wait_for_frames (GTK_WIDGET (fixture->window));
  wait_idle (fixture);

  g_assert_cmpuint (n_maps, ==, 0);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "empty");
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Select a Title"));
  g_signal_handlers_disconnect_by_func (label, count_maps, &n_maps);
}

static void
test_error_page (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *message = "Cannot read <b>library.db</b> & co: <i>Permission denied</i>";

  fixture->window = g_object_ref_sink (kz_window_new (fixture->app, NULL));
  gtk_window_present (GTK_WINDOW (fixture->window));

  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, message);
  kz_window_set_error (fixture->window, error);
  wait_for_frames (GTK_WIDGET (fixture->window));

  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "error");
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), "Could Not Open the Library"));
  /* the message as it is, not read as markup */
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->window), message));
  g_assert_null (find_label (GTK_WIDGET (fixture->window), "Opening the Library…"));
  assert_actions_enabled (fixture->window, FALSE);
  g_assert_null (kz_window_get_sidebar (fixture->window));
}

/* Background updates */

static gint64
fake_now (gpointer data)
{
  return *(gint64 *)data;
}

static gint64 test_now;

/* The service and its cache on a clock the test moves. */
static void
use_fake_clock (Fixture *fixture)
{
  test_now = g_get_real_time ();
  kz_cache_set_clock (kz_context_get_cache (fixture->context), fake_now, &test_now);
  kz_relations_service_set_clock (kz_context_get_service (fixture->context), fake_now, &test_now);
}

static void
restore_clock (Fixture *fixture)
{
  kz_cache_set_clock (kz_context_get_cache (fixture->context), NULL, NULL);
  kz_relations_service_set_clock (kz_context_get_service (fixture->context), NULL, NULL);
}

static void
count_update (KzRelationsService *service,
              gint64              root_id,
              GArray             *updated)
{
  g_array_append_val (updated, root_id);
}

static gboolean
update_arrived (gpointer data)
{
  return ((GArray *)data)->len > 0;
}

/* What another view asking for Conan's franchise would get: the stored
 * copy at once, walked again behind it. */
static void
request_conan_franchise (Fixture *fixture)
{
  KzRelationsService *service = kz_context_get_service (fixture->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  KzResultFlags flags = 0;

  kz_context_get_franchise_options (fixture->context, &options);
  kz_relations_service_get_franchise_async (service, CONAN_ID, &options, KZ_FETCH_DEFAULT,
                                            NULL, NULL, NULL, store_result, &result);
  wait_until (result_arrived, &result, "Conan's franchise");
  graph = kz_relations_service_get_franchise_finish (service, result, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY | KZ_RESULT_REVALIDATING);
}

static GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return GTK_SCROLLED_WINDOW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scroller (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The keyboard on the row in the middle of @scroller, as a click would
 * put it. */
static void
focus_row (GtkWidget *scroller)
{
  GtkWidget *picked = gtk_widget_pick (scroller, gtk_widget_get_width (scroller) / 2.0,
                                       gtk_widget_get_height (scroller) / 2.0, GTK_PICK_DEFAULT);

  for (; picked != NULL && picked != scroller; picked = gtk_widget_get_parent (picked))
    if (gtk_widget_get_focusable (picked) && gtk_widget_grab_focus (picked))
      return;

  g_error ("No row to focus");
}

static gint64
finished_node_other_than (KzFranchiseGraph *graph,
                          gint64            id)
{
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (graph); i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (graph, i);

      if (kz_entry_get_id (node) != id && kz_entry_get_status (node) == KZ_STATUS_FINISHED)
        return kz_entry_get_id (node);
    }

  return 0;
}

typedef struct {
  Fixture *fixture;
  gint64   id;
  const char *title;
} TitleWait;

static gboolean
franchise_has_title (gpointer data)
{
  TitleWait *wait = data;
  KzFranchiseGraph *graph = kz_window_get_franchise (wait->fixture->window);
  KzEntry *node = graph != NULL ? kz_franchise_graph_lookup (graph, wait->id) : NULL;

  return node != NULL && g_strcmp0 (kz_entry_get_title_romaji (node), wait->title) == 0;
}

static void
test_franchise_updated (Fixture       *fixture,
                        gconstpointer  data)
{
  KzRelationsService *service = kz_context_get_service (fixture->context);
  g_autoptr(GArray) updated = g_array_new (FALSE, FALSE, sizeof (gint64));
  KzFranchiseGraph *before;
  GtkWidget *tree = kz_window_get_view (fixture->window, "tree");
  AdwViewStack *views = ADW_VIEW_STACK (gtk_widget_get_ancestor (tree, ADW_TYPE_VIEW_STACK));
  GtkAdjustment *scroll;
  GtkWidget *scroller;
  GtkWidget *focus;
  TitleWait wait = { fixture, 0, "Edited Since" };
  double scrolled_to;
  gint64 edited;

  use_fake_clock (fixture);
  g_signal_connect (service, "franchise-updated", G_CALLBACK (count_update), updated);

  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  before = kz_window_get_franchise (fixture->window);
  edited = finished_node_other_than (before, CONAN_ID);
  g_assert_cmpint (edited, >, 0);
  wait.id = edited;

  /* The person is in the tree, scrolled down, a row under the keyboard. */
  adw_view_stack_set_visible_child_name (views, "tree");
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 600);
  wait_for_frames (GTK_WIDGET (fixture->window));
  scroller = GTK_WIDGET (find_scroller (tree));
  scroll = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (scroll) - gtk_adjustment_get_page_size (scroll), >, 200);
  gtk_adjustment_set_value (scroll, 200);
  wait_for_frames (GTK_WIDGET (fixture->window));
  scrolled_to = gtk_adjustment_get_value (scroll);
  g_assert_cmpfloat (scrolled_to, ==, 200);
  focus_row (scroller);
  wait_for_frames (GTK_WIDGET (fixture->window));
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (gtk_widget_is_ancestor (focus, tree));
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, scrolled_to);

  /* Eight days on, past every title's policy, two titles were edited
   * on AniList: the shown one and another of its franchise. */
  g_assert_true (kz_mock_anilist_touch (fixture->mock, edited, "Edited Since"));
  g_assert_true (kz_mock_anilist_touch (fixture->mock, CONAN_ID, "Meitantei Conan (Edited)"));
  test_now += 8 * KZ_USEC_PER_DAY;
  request_conan_franchise (fixture);

  wait_until (update_arrived, updated, "the franchise to be walked again");
  g_assert_cmpint (g_array_index (updated, gint64, 0), ==, CONAN_ID);
  wait_until (franchise_has_title, &wait, "the window to show the update");
  wait_for_frames (GTK_WIDGET (fixture->window));

  /* Redrawn in place: the same title, view, scroll position and focus. */
  g_assert_true (kz_window_get_franchise (fixture->window) != before);
  g_assert_cmpint (kz_window_get_title_id (fixture->window), ==, CONAN_ID);
  g_assert_cmpstr (kz_window_get_visible_page (fixture->window), ==, "views");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (views), ==, "tree");
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (KZ_FRANCHISE_TREE (tree)), ==, CONAN_FRANCHISE);
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, scrolled_to);
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, tree));
  g_assert_false (kz_window_get_busy (fixture->window));

  /* The title page and the window's title follow the title's edit. */
  g_assert_cmpstr (kz_entry_get_title_romaji (kz_title_page_get_entry (KZ_TITLE_PAGE (kz_window_get_view (fixture->window, "overview")))),
                   ==, "Meitantei Conan (Edited)");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Meitantei Conan (Edited)");

  g_signal_handlers_disconnect_by_func (service, count_update, updated);
  restore_clock (fixture);
}

/* An update of a franchise the window does not show changes nothing. */
static void
test_franchise_updated_elsewhere (Fixture       *fixture,
                                  gconstpointer  data)
{
  KzRelationsService *service = kz_context_get_service (fixture->context);
  g_autoptr(GArray) updated = g_array_new (FALSE, FALSE, sizeof (gint64));
  KzFranchiseGraph *conan;
  KzFranchiseGraph *shown;
  KzEntry *shown_entry;
  gint64 other_id = 0;
  gint64 edited;

  use_fake_clock (fixture);
  g_signal_connect (service, "franchise-updated", G_CALLBACK (count_update), updated);

  kz_window_open_title (fixture->window, CONAN_ID);
  wait_idle (fixture);
  conan = kz_window_get_franchise (fixture->window);
  edited = finished_node_other_than (conan, CONAN_ID);

  /* A title outside Conan's franchise. */
  for (guint i = 0; i < fixture->library->len && other_id == 0; i++)
    {
      KzEntry *entry = g_ptr_array_index (fixture->library, i);

      if (!kz_entry_get_is_adult (entry) && kz_franchise_graph_lookup (conan, kz_entry_get_id (entry)) == NULL)
        other_id = kz_entry_get_id (entry);
    }
  g_assert_cmpint (other_id, >, 0);

  kz_window_open_title (fixture->window, other_id);
  wait_idle (fixture);
  shown = kz_window_get_franchise (fixture->window);
  shown_entry = kz_title_page_get_entry (KZ_TITLE_PAGE (kz_window_get_view (fixture->window, "overview")));
  g_assert_nonnull (shown);
  g_assert_null (kz_franchise_graph_lookup (shown, CONAN_ID));

  g_assert_true (kz_mock_anilist_touch (fixture->mock, edited, "Edited Since"));
  test_now += 8 * KZ_USEC_PER_DAY;
  request_conan_franchise (fixture);
  wait_until (update_arrived, updated, "the franchise to be walked again");
  g_assert_cmpint (g_array_index (updated, gint64, 0), ==, CONAN_ID);
  wait_for_frames (GTK_WIDGET (fixture->window));

  g_assert_false (kz_window_get_busy (fixture->window));
  g_assert_cmpint (kz_window_get_title_id (fixture->window), ==, other_id);
  g_assert_true (kz_window_get_franchise (fixture->window) == shown);
  g_assert_true (kz_title_page_get_entry (KZ_TITLE_PAGE (kz_window_get_view (fixture->window, "overview"))) == shown_entry);

  g_signal_handlers_disconnect_by_func (service, count_update, updated);
  restore_clock (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Without a session bus GTK warns that it cannot reach the
   * accessibility bus, which these tests do not use. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "none", FALSE);

  if (!gtk_init_check ())
    return 77;
  adw_init ();

  /* What is shown is then shown at once, not at the end of a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* The stand-in answers at once; no need to pace requests to it. */
  g_setenv ("KIZUNA_ANILIST_RPM", "60000", TRUE);

#define ADD(path, set_up, func) \
  g_test_add ("/kz/ui/window/" path, Fixture, NULL, set_up, func, fixture_tear_down)

  ADD ("library", fixture_set_up, test_library);
  ADD ("search", fixture_set_up, test_search);
  ADD ("search-online", fixture_set_up, test_search_online);
  ADD ("search-activate", fixture_set_up, test_search_activate);
  ADD ("open-title", fixture_set_up, test_open_title);
  ADD ("refresh", fixture_set_up, test_refresh);
  ADD ("back", fixture_set_up, test_back);
  ADD ("not-found", fixture_set_up, test_not_found);
  ADD ("offline-not-stored", fixture_set_up_offline, test_offline_not_stored);
  ADD ("cancel", fixture_set_up, test_cancel);
  ADD ("narrow", fixture_set_up, test_narrow);
  ADD ("shortcuts", fixture_set_up, test_shortcuts);
  ADD ("window-size", fixture_set_up, test_window_size);

  ADD ("starting/loading-page", fixture_set_up_context, test_loading_page);
  ADD ("starting/no-flash", fixture_set_up_context, test_no_flash);
  ADD ("starting/error-page", fixture_set_up_context, test_error_page);
  ADD ("franchise-updated/shown", fixture_set_up, test_franchise_updated);
  ADD ("franchise-updated/elsewhere", fixture_set_up, test_franchise_updated_elsewhere);

#undef ADD

  g_test_add_func ("/kz/ui/window/starting/app", test_app_start);
  g_test_add_func ("/kz/ui/window/library-failure", test_library_failure);

  return g_test_run ();
}
