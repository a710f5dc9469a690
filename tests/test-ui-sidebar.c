/* test-ui-sidebar.c: the library sidebar's lists, search and keyboard
 *
 * The sidebar is shown in a window over the bundled library (180
 * titles, one of them adult). What it shows is compared with what the
 * library itself answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kz-context.h"
#include "kz-library-sidebar.h"
#include "kz-ui-resources.h"

#define ADULT_ID       320
#define N_BUNDLED      180
#define SEARCH_LIMIT   50
#define OFFLINE_URL    "http://127.0.0.1:9/"

typedef struct {
  char             *dir;
  KzContext        *context;
  GtkWindow        *window;
  KzLibrarySidebar *sidebar;
  GListModel       *model;     /* what the sidebar shows */
  GPtrArray        *library;   /* every stored title, read directly */
  gint64            activated; /* the last ::title-activated id */
} Fixture;

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(condition)                                               \
  G_STMT_START {                                                            \
    gboolean timed_out_ = FALSE;                                            \
    guint deadline_ = g_timeout_add_seconds (30, on_deadline, &timed_out_); \
    while (!(condition) && !timed_out_)                                     \
      g_main_context_iteration (NULL, TRUE);                                \
    if (!timed_out_)                                                        \
      g_source_remove (deadline_);                                          \
    g_assert_true (condition);                                              \
  } G_STMT_END

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Rows exist, and can take the focus, once the window is laid out. */
static void
wait_for_frames (Fixture *fixture)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), count_frame, &frames, NULL);

  WAIT_UNTIL (frames >= 3);
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), id);
}

static void
wait_idle (Fixture *fixture)
{
  WAIT_UNTIL (!kz_library_sidebar_get_busy (fixture->sidebar));
}

static void
title_activated (KzLibrarySidebar *sidebar,
                 gint64            id,
                 Fixture          *fixture)
{
  fixture->activated = id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GError) error = NULL;

  g_settings_reset (settings, "show-adult");
  g_settings_reset (settings, "title-language");

  fixture->dir = g_dir_make_tmp ("kizuna-sidebar-XXXXXX", &error);
  g_assert_no_error (error);

  kz_context_new_async (settings, fixture->dir, OFFLINE_URL, NULL, store_result, &result);
  WAIT_UNTIL (result != NULL);
  fixture->context = kz_context_new_finish (result, &error);
  g_assert_no_error (error);

  kz_relations_service_list_library_async (kz_context_get_service (fixture->context), 0, 0,
                                           NULL, store_result, &list_result);
  WAIT_UNTIL (list_result != NULL);
  fixture->library = kz_relations_service_list_library_finish (kz_context_get_service (fixture->context),
                                                               list_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->library->len, ==, N_BUNDLED);

  fixture->sidebar = KZ_LIBRARY_SIDEBAR (kz_library_sidebar_new (fixture->context));
  fixture->model = kz_library_sidebar_get_model (fixture->sidebar);
  g_signal_connect (fixture->sidebar, "title-activated", G_CALLBACK (title_activated), fixture);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 360, 700);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->sidebar));
  gtk_window_present (fixture->window);
  wait_idle (fixture);
  wait_for_frames (fixture);
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
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->context);
  g_clear_pointer (&fixture->library, g_ptr_array_unref);

  /* Let cancelled work and released lists wind down before the library
   * goes. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  g_settings_reset (settings, "show-adult");
  g_settings_reset (settings, "title-language");
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Helpers */

static void
set_show_adult (Fixture  *fixture,
                gboolean  show)
{
  g_settings_set_boolean (kz_context_get_settings (fixture->context), "show-adult", show);
  g_assert_cmpint (kz_context_get_show_adult (fixture->context), ==, show);
}

static GArray *
model_ids (GListModel *model)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);
      gint64 id = kz_entry_get_id (entry);

      g_array_append_val (ids, id);
    }

  return ids;
}

static gboolean
model_has_id (GListModel *model,
              gint64      id)
{
  g_autoptr(GArray) ids = model_ids (model);

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;

  return FALSE;
}

static void
assert_same_ids (GArray *a,
                 GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
}

static guint
count_visible (Fixture *fixture)
{
  guint n = 0;

  for (guint i = 0; i < fixture->library->len; i++)
    n += kz_context_entry_is_visible (fixture->context, g_ptr_array_index (fixture->library, i));

  return n;
}

/* The ids the sidebar should show for @text: the library search, in its
 * order, less what the adult filter hides. */
static GArray *
expected_search (Fixture    *fixture,
                 const char *text)
{
  KzRelationsService *service = kz_context_get_service (fixture->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  kz_relations_service_search_async (service, text, SEARCH_LIMIT, KZ_FETCH_OFFLINE, NULL,
                                     store_result, &result);
  WAIT_UNTIL (result != NULL);
  entries = kz_relations_service_search_finish (service, result, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 id = kz_entry_get_id (entry);

      if (kz_context_entry_is_visible (fixture->context, entry))
        g_array_append_val (ids, id);
    }

  return ids;
}

static void
type_text (Fixture    *fixture,
           const char *text)
{
  gtk_editable_set_text (kz_library_sidebar_get_search_entry (fixture->sidebar), text);
  wait_idle (fixture);
}

static KzEntry *
find_entry (Fixture *fixture,
            gint64   id)
{
  for (guint i = 0; i < fixture->library->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (fixture->library, i);

      if (kz_entry_get_id (entry) == id)
        return entry;
    }

  return NULL;
}

/* The order the library is listed in: by title, regardless of case. */
static void
assert_sorted (Fixture         *fixture,
               KzTitleLanguage  language)
{
  g_autofree char *previous = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (fixture->model); i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (fixture->model, i);
      g_autofree char *folded = g_utf8_casefold (kz_entry_get_title (entry, language), -1);
      g_autofree char *key = g_utf8_collate_key (folded, -1);

      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, key), <=, 0);
      g_free (previous);
      previous = g_steal_pointer (&key);
    }
}

/* Tests */

static void
test_library_list (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  guint n_visible = count_visible (fixture);

  g_assert_cmpuint (n_visible, ==, N_BUNDLED - 1);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (fixture->sidebar), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, n_visible);
  g_assert_false (model_has_id (fixture->model, ADULT_ID));
  assert_sorted (fixture, KZ_TITLE_LANGUAGE_ROMAJI);

  /* Shown, the adult title takes its place in the order. */
  set_show_adult (fixture, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, N_BUNDLED);
  g_assert_true (model_has_id (fixture->model, ADULT_ID));
  assert_sorted (fixture, KZ_TITLE_LANGUAGE_ROMAJI);
  set_show_adult (fixture, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, n_visible);

  /* Another title language sorts again, off the main thread. */
  before = model_ids (fixture->model);
  g_settings_set_string (kz_context_get_settings (fixture->context), "title-language", "english");
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, n_visible);
  assert_sorted (fixture, KZ_TITLE_LANGUAGE_ENGLISH);
  after = model_ids (fixture->model);
  g_assert_cmpuint (after->len, ==, before->len);
}

static void
test_search_rank_order (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GArray) full = model_ids (fixture->model);
  g_autoptr(GArray) back = NULL;
  const char *queries[] = { "conan", "meitantei conan", "one", "naruto", "shingeki" };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GArray) expected = expected_search (fixture, queries[q]);
      g_autoptr(GArray) shown = NULL;

      type_text (fixture, queries[q]);
      shown = model_ids (fixture->model);
      g_assert_cmpuint (expected->len, >, 0);
      assert_same_ids (shown, expected);
      g_assert_cmpstr (kz_library_sidebar_get_visible_page (fixture->sidebar), ==, "list");
    }

  /* Escape ends the search: the whole list, in the same order. */
  g_signal_emit_by_name (kz_library_sidebar_get_search_entry (fixture->sidebar), "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (kz_library_sidebar_get_search_entry (fixture->sidebar)), ==, "");
  wait_idle (fixture);
  back = model_ids (fixture->model);
  assert_same_ids (back, full);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (fixture->sidebar), ==, "list");

  type_text (fixture, "zzqxwv");
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, 0);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (fixture->sidebar), ==, "no-results");
  type_text (fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, full->len);
}

static void
test_adult_hidden (Fixture       *fixture,
                   gconstpointer  data)
{
  KzEntry *adult = find_entry (fixture, ADULT_ID);
  g_autofree char *query = NULL;
  g_autoptr(GArray) hidden = NULL;
  g_autoptr(GArray) shown = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) ids_shown = NULL;
  g_auto(GStrv) words = NULL;

  g_assert_nonnull (adult);
  g_assert_true (kz_entry_get_is_adult (adult));

  /* A word of its title finds it, once adult titles are shown. */
  words = g_strsplit (kz_entry_get_title_romaji (adult), " ", -1);
  query = g_strdup (words[0]);
  set_show_adult (fixture, TRUE);
  shown = expected_search (fixture, query);
  set_show_adult (fixture, FALSE);
  hidden = expected_search (fixture, query);
  g_assert_cmpuint (shown->len, ==, hidden->len + 1);

  type_text (fixture, query);
  g_assert_false (model_has_id (fixture->model, ADULT_ID));
  ids = model_ids (fixture->model);
  assert_same_ids (ids, hidden);

  /* The filter applies to the results as they are shown. */
  set_show_adult (fixture, TRUE);
  g_assert_true (model_has_id (fixture->model, ADULT_ID));
  ids_shown = model_ids (fixture->model);
  assert_same_ids (ids_shown, shown);
  set_show_adult (fixture, FALSE);
  g_assert_false (model_has_id (fixture->model, ADULT_ID));

  /* And to the whole list when the search ends. */
  type_text (fixture, "");
  g_assert_false (model_has_id (fixture->model, ADULT_ID));
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, N_BUNDLED - 1);
  set_show_adult (fixture, TRUE);
  g_assert_true (model_has_id (fixture->model, ADULT_ID));
}

static void
record_count (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              GArray     *counts)
{
  guint n = g_list_model_get_n_items (model);

  g_array_append_val (counts, n);
}

/* Keystrokes that arrive while a search runs: the earlier results come
 * back after the newer text was typed, and must not be shown. */
static void
test_stale_results (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkEditable *entry = kz_library_sidebar_get_search_entry (fixture->sidebar);
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) expected = expected_search (fixture, "conan");
  g_autoptr(GArray) wide = expected_search (fixture, "c");
  g_autoptr(GArray) ids = NULL;
  gulong handler;

  g_assert_cmpuint (wide->len, >, expected->len);

  handler = g_signal_connect (fixture->model, "items-changed", G_CALLBACK (record_count), counts);

  /* No main-loop iteration between them: "c" is searched first and its
   * results arrive only once the text is "conan" already. */
  gtk_editable_set_text (entry, "c");
  g_assert_true (kz_library_sidebar_get_busy (fixture->sidebar));
  gtk_editable_set_text (entry, "co");
  gtk_editable_set_text (entry, "conan");
  wait_idle (fixture);

  g_assert_cmpuint (counts->len, ==, 1);
  g_assert_cmpuint (g_array_index (counts, guint, 0), ==, expected->len);
  ids = model_ids (fixture->model);
  assert_same_ids (ids, expected);

  /* The same when the newer text matches nothing, and when the search
   * is ended before the results of a running one come back. */
  g_array_set_size (counts, 0);
  gtk_editable_set_text (entry, "o");
  gtk_editable_set_text (entry, "zzqxwv");
  wait_idle (fixture);
  g_assert_cmpuint (counts->len, ==, 1);
  g_assert_cmpuint (g_array_index (counts, guint, 0), ==, 0);
  g_assert_cmpstr (kz_library_sidebar_get_visible_page (fixture->sidebar), ==, "no-results");

  g_array_set_size (counts, 0);
  gtk_editable_set_text (entry, "one");
  gtk_editable_set_text (entry, "");
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, N_BUNDLED - 1);
  /* Whether the abandoned search ends before or after this one starts,
   * only this one's results are shown. */
  gtk_editable_set_text (entry, "one");
  wait_idle (fixture);
  g_assert_cmpuint (counts->len, ==, 2);
  g_assert_cmpuint (g_array_index (counts, guint, 0), ==, N_BUNDLED - 1);
  g_clear_pointer (&ids, g_array_unref);
  g_clear_pointer (&expected, g_array_unref);
  ids = model_ids (fixture->model);
  expected = expected_search (fixture, "one");
  assert_same_ids (ids, expected);

  g_signal_handler_disconnect (fixture->model, handler);
}

static GtkWidget *
focused_widget (Fixture *fixture)
{
  return gtk_window_get_focus (fixture->window);
}

/* The key controller of the search entry that moves into the list. */
static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }

  return handled;
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *entry = GTK_WIDGET (kz_library_sidebar_get_search_entry (fixture->sidebar));
  g_autoptr(KzEntry) best = NULL;
  g_autoptr(KzEntry) first = NULL;
  GtkWidget *focus;

  kz_library_sidebar_focus_search (fixture->sidebar);
  focus = focused_widget (fixture);
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));

  type_text (fixture, "conan");
  wait_for_frames (fixture);
  best = g_list_model_get_item (fixture->model, 0);
  g_assert_nonnull (best);

  /* Enter in the entry opens the best match. */
  fixture->activated = 0;
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (fixture->activated, ==, kz_entry_get_id (best));

  /* Down moves into the results, Enter there opens the row. */
  g_assert_true (press_key (entry, GDK_KEY_Down));
  focus = focused_widget (fixture);
  g_assert_nonnull (focus);
  g_assert_false (focus == entry || gtk_widget_is_ancestor (focus, entry));
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_VIEW));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (fixture->sidebar)));
  g_assert_true (gtk_widget_get_mapped (focus));

  fixture->activated = 0;
  g_assert_true (gtk_widget_activate (focus));
  g_assert_cmpint (fixture->activated, ==, kz_entry_get_id (best));

  /* Escape in the entry ends the search; Down then goes into the whole
   * list, where Enter opens its first title. */
  gtk_widget_grab_focus (entry);
  g_signal_emit_by_name (entry, "stop-search");
  wait_idle (fixture);
  wait_for_frames (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, N_BUNDLED - 1);
  first = g_list_model_get_item (fixture->model, 0);

  g_assert_true (press_key (entry, GDK_KEY_Down));
  focus = focused_widget (fixture);
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_VIEW));
  g_assert_true (gtk_widget_get_mapped (focus));
  fixture->activated = 0;
  g_assert_true (gtk_widget_activate (focus));
  g_assert_cmpint (fixture->activated, ==, kz_entry_get_id (first));

  /* Nothing to move to: Down stays in the entry. */
  gtk_widget_grab_focus (entry);
  type_text (fixture, "zzqxwv");
  g_assert_false (press_key (entry, GDK_KEY_Down));
}

/* The mapped list view (library or results) and its selection. */
static GtkListView *
shown_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) && gtk_widget_get_mapped (widget))
    return GTK_LIST_VIEW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found = shown_list_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static guint
selected_position (Fixture *fixture)
{
  GtkListView *view = shown_list_view (GTK_WIDGET (fixture->sidebar));

  g_assert_nonnull (view);
  return gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (view)));
}

static double
scrolled_to (Fixture *fixture)
{
  GtkListView *view = shown_list_view (GTK_WIDGET (fixture->sidebar));

  return gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)));
}

/* The title open in the window is selected in the library list, far
 * down it too, and is where the list comes back to after a search. */
static void
test_current_title (Fixture       *fixture,
                    gconstpointer  data)
{
  guint n_listed = g_list_model_get_n_items (fixture->model);
  guint last = n_listed - 1;
  g_autoptr(KzEntry) entry = g_list_model_get_item (fixture->model, last);

  g_assert_cmpuint (n_listed, ==, N_BUNDLED - 1);
  g_assert_cmpuint (selected_position (fixture), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpfloat (scrolled_to (fixture), ==, 0);

  kz_library_sidebar_set_current (fixture->sidebar, kz_entry_get_id (entry));
  wait_for_frames (fixture);
  g_assert_cmpuint (selected_position (fixture), ==, last);
  g_assert_cmpfloat (scrolled_to (fixture), >, 0);

  /* a search shows its own list; ending it comes back to the title */
  type_text (fixture, "conan");
  wait_for_frames (fixture);
  g_assert_cmpuint (selected_position (fixture), ==, GTK_INVALID_LIST_POSITION);
  gtk_editable_set_text (kz_library_sidebar_get_search_entry (fixture->sidebar), "");
  wait_idle (fixture);
  wait_for_frames (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (fixture->model), ==, n_listed);
  g_assert_cmpuint (selected_position (fixture), ==, last);
  g_assert_cmpfloat (scrolled_to (fixture), >, 0);

  /* a title the list does not hold selects nothing */
  kz_library_sidebar_set_current (fixture->sidebar, ADULT_ID);
  g_assert_cmpuint (selected_position (fixture), ==, GTK_INVALID_LIST_POSITION);
}

/* A reload (the library changed) keeps the order, and the very objects
 * of the titles that did not change, so the rows stay. */
static void
test_reload (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GArray) before = model_ids (fixture->model);
  g_autoptr(GArray) after = NULL;
  g_autoptr(KzEntry) first_before = g_list_model_get_item (fixture->model, 0);
  g_autoptr(KzEntry) first_after = NULL;
  g_autoptr(GArray) results_before = NULL;
  g_autoptr(GArray) results_after = NULL;

  type_text (fixture, "conan");
  results_before = model_ids (fixture->model);

  kz_context_library_changed (fixture->context);
  g_assert_true (kz_library_sidebar_get_busy (fixture->sidebar));
  wait_idle (fixture);
  results_after = model_ids (fixture->model);
  assert_same_ids (results_after, results_before);

  type_text (fixture, "");
  after = model_ids (fixture->model);
  assert_same_ids (after, before);
  first_after = g_list_model_get_item (fixture->model, 0);
  g_assert_true (first_after == first_before);
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

  /* Asking for the resource links it in from the static library. */
  g_assert_nonnull (kz_ui_get_resource ());

#define ADD(path, func) \
  g_test_add ("/kz/ui/sidebar/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("library-list", test_library_list);
  ADD ("search/rank-order", test_search_rank_order);
  ADD ("search/adult-hidden", test_adult_hidden);
  ADD ("search/stale-results", test_stale_results);
  ADD ("keyboard", test_keyboard);
  ADD ("current-title", test_current_title);
  ADD ("reload", test_reload);

#undef ADD

  return g_test_run ();
}
