/* test-ui-widgets.c: every templated widget of the application builds
 *
 * A broken .ui file (a misspelt property, a child the template does not
 * bind, a type that is not registered) only shows when the widget is
 * created; this creates each one, shows it and checks what it built.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kz-application.h"
#include "kz-context.h"
#include "kz-cover-image.h"
#include "kz-debug-panel.h"
#include "kz-entry-row.h"
#include "kz-franchise-tree.h"
#include "kz-library-sidebar.h"
#include "kz-preferences-window.h"
#include "kz-timeline-view.h"
#include "kz-title-page.h"
#include "kz-ui-resources.h"
#include "kz-watch-order.h"
#include "kz-window.h"

#define CONAN_ID 235

static KzContext *context;
static char *data_dir;

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(condition)                                               \
  G_STMT_START {                                                            \
    gboolean timed_out_ = FALSE;                                            \
    guint deadline_ = g_timeout_add_seconds (20, on_deadline, &timed_out_); \
    while (!(condition) && !timed_out_)                                     \
      g_main_context_iteration (NULL, TRUE);                                \
    if (!timed_out_)                                                        \
      g_source_remove (deadline_);                                          \
    g_assert_true (condition);                                              \
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

static KzContext *
create_context (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzContext *created;

  data_dir = g_dir_make_tmp ("kizuna-ui-widgets-XXXXXX", &error);
  g_assert_no_error (error);
  kz_context_new_async (settings, data_dir, "http://127.0.0.1:9/", NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);

  created = kz_context_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);

  return created;
}

static KzFranchiseGraph *
get_franchise (gint64 id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzRelationsService *service = kz_context_get_service (context);
  KzFranchiseOptions options;
  KzFranchiseGraph *graph;

  kz_context_get_franchise_options (context, &options);
  kz_relations_service_get_franchise_async (service, id, &options, KZ_FETCH_OFFLINE,
                                            NULL, NULL, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);

  graph = kz_relations_service_get_franchise_finish (service, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  return graph;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static guint
count_descendants (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += 1 + count_descendants (child);

  return n;
}

static gboolean
has_descendant_of_type (GtkWidget *widget,
                        GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) || has_descendant_of_type (child, type))
      return TRUE;

  return FALSE;
}

/* Shows @widget in a window of its own until its first frame. */
static void
show_widget (GtkWidget *widget)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (widget));
  drain_main_context ();

  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

static void
show_window (GtkWindow *window)
{
  gtk_window_present (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  drain_main_context ();
}

/* The title part */

static void
test_entry_row (void)
{
  GtkWidget *row = kz_entry_row_new (context);

  g_assert_true (KZ_IS_ENTRY_ROW (row));
  g_assert_true (has_descendant_of_type (row, KZ_TYPE_COVER_IMAGE));
  g_assert_cmpuint (count_descendants (row), >=, 5);
  show_widget (row);
}

static void
test_title_page (void)
{
  GtkWidget *page = kz_title_page_new (context);

  g_assert_true (KZ_IS_TITLE_PAGE (page));
  g_assert_true (has_descendant_of_type (page, GTK_TYPE_SCROLLED_WINDOW));
  g_assert_true (has_descendant_of_type (page, ADW_TYPE_CLAMP));
  g_assert_true (has_descendant_of_type (page, KZ_TYPE_COVER_IMAGE));
  g_assert_true (has_descendant_of_type (page, GTK_TYPE_LINK_BUTTON));
  show_widget (page);
}

/* The franchise part */

static void
test_franchise_tree (void)
{
  g_autoptr(KzFranchiseGraph) graph = get_franchise (CONAN_ID);
  GtkWidget *tree = kz_franchise_tree_new (context);

  g_assert_true (KZ_IS_FRANCHISE_TREE (tree));
  g_assert_cmpuint (count_descendants (tree), >, 0);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (KZ_FRANCHISE_TREE (tree)), ==, 0);
  kz_franchise_tree_set_graph (KZ_FRANCHISE_TREE (tree), graph);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (KZ_FRANCHISE_TREE (tree)), ==,
                    kz_franchise_graph_get_n_nodes (graph));
  show_widget (tree);
}

static void
test_watch_order (void)
{
  g_autoptr(KzFranchiseGraph) graph = get_franchise (CONAN_ID);
  GtkWidget *order = kz_watch_order_new (context);

  g_assert_true (KZ_IS_WATCH_ORDER (order));
  g_assert_cmpuint (count_descendants (order), >, 0);
  kz_watch_order_set_graph (KZ_WATCH_ORDER (order), graph);
  kz_watch_order_set_main_story (KZ_WATCH_ORDER (order), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (KZ_WATCH_ORDER (order))), ==,
                    kz_franchise_graph_get_n_nodes (graph));
  show_widget (order);
}

static void
test_timeline_view (void)
{
  g_autoptr(KzFranchiseGraph) graph = get_franchise (CONAN_ID);
  GtkWidget *view = kz_timeline_view_new (context);
  KzTimeline *timeline;

  g_assert_true (KZ_IS_TIMELINE_VIEW (view));
  timeline = kz_timeline_view_get_timeline (KZ_TIMELINE_VIEW (view));
  g_assert_true (KZ_IS_TIMELINE (timeline));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (timeline), view));
  g_assert_true (has_descendant_of_type (view, GTK_TYPE_SCROLLED_WINDOW));
  kz_timeline_view_set_graph (KZ_TIMELINE_VIEW (view), graph);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, kz_franchise_graph_get_n_nodes (graph));
  show_widget (view);
}

/* The shell */

static void
test_library_sidebar (void)
{
  GtkWidget *sidebar = kz_library_sidebar_new (context);

  g_assert_true (KZ_IS_LIBRARY_SIDEBAR (sidebar));
  g_assert_true (GTK_IS_EDITABLE (kz_library_sidebar_get_search_entry (KZ_LIBRARY_SIDEBAR (sidebar))));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (kz_library_sidebar_get_search_entry (KZ_LIBRARY_SIDEBAR (sidebar))),
                                         sidebar));

  /* The bundled library fills it. */
  g_object_ref_sink (sidebar);
  {
    GtkWidget *window = gtk_window_new ();

    gtk_window_set_child (GTK_WINDOW (window), sidebar);
    gtk_window_present (GTK_WINDOW (window));
    WAIT_UNTIL (!kz_library_sidebar_get_busy (KZ_LIBRARY_SIDEBAR (sidebar)) &&
                g_list_model_get_n_items (kz_library_sidebar_get_model (KZ_LIBRARY_SIDEBAR (sidebar))) > 0);
    gtk_window_destroy (GTK_WINDOW (window));
    drain_main_context ();
  }
  g_object_unref (sidebar);
}

static void
test_window (void)
{
  g_autoptr(KzApplication) app = kz_application_new ();
  g_autoptr(GError) error = NULL;
  KzWindow *window;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  kz_application_set_context (app, context);

  window = kz_window_new (app, context);
  g_assert_true (KZ_IS_WINDOW (window));
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (app));
  g_assert_true (KZ_IS_LIBRARY_SIDEBAR (kz_window_get_sidebar (window)));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (kz_window_get_sidebar (window)), GTK_WIDGET (window)));

  show_window (GTK_WINDOW (window));
  WAIT_UNTIL (!kz_window_get_busy (window));
  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
}

/* The panels */

static void
test_debug_panel (void)
{
  GtkWindow *panel = kz_debug_panel_new (context);

  g_assert_true (KZ_IS_DEBUG_PANEL (panel));
  g_assert_cmpuint (count_descendants (GTK_WIDGET (panel)), >, 0);
  g_assert_nonnull (kz_debug_panel_get_value (KZ_DEBUG_PANEL (panel), "basic.hits"));
  show_window (panel);
  gtk_window_destroy (panel);
  drain_main_context ();
}

static void
test_preferences_window (void)
{
  GtkWindow *preferences = kz_preferences_window_new (context);

  g_assert_true (KZ_IS_PREFERENCES_WINDOW (preferences));
  g_assert_true (has_descendant_of_type (GTK_WIDGET (preferences), ADW_TYPE_PREFERENCES_PAGE));
  show_window (preferences);
  gtk_window_destroy (preferences);
  drain_main_context ();
}

/* The resources that are not templates */

static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GError) error = NULL;
  GObject *overlay;

  gtk_builder_add_from_resource (builder, RESOURCE_PATH "/gtk/help-overlay.ui", &error);
  g_assert_no_error (error);
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static void
on_parsing_error (GtkCssProvider *provider,
                  GtkCssSection  *section,
                  const GError   *error,
                  guint          *n_errors)
{
  g_autofree char *where = gtk_css_section_to_string (section);

  g_test_message ("style.css: %s: %s", where, error->message);
  (*n_errors)++;
}

static void
test_style_sheet (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  g_autoptr(GBytes) css = NULL;
  guint n_errors = 0;

  css = g_resources_lookup_data (RESOURCE_PATH "/style.css", G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert_nonnull (css);

  g_signal_connect (provider, "parsing-error", G_CALLBACK (on_parsing_error), &n_errors);
  gtk_css_provider_load_from_resource (provider, RESOURCE_PATH "/style.css");
  g_assert_cmpuint (n_errors, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("LC_ALL", "C", TRUE);
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

  g_test_add_func ("/kz/ui/widgets/entry-row", test_entry_row);
  g_test_add_func ("/kz/ui/widgets/title-page", test_title_page);
  g_test_add_func ("/kz/ui/widgets/franchise-tree", test_franchise_tree);
  g_test_add_func ("/kz/ui/widgets/watch-order", test_watch_order);
  g_test_add_func ("/kz/ui/widgets/timeline-view", test_timeline_view);
  g_test_add_func ("/kz/ui/widgets/library-sidebar", test_library_sidebar);
  g_test_add_func ("/kz/ui/widgets/window", test_window);
  g_test_add_func ("/kz/ui/widgets/debug-panel", test_debug_panel);
  g_test_add_func ("/kz/ui/widgets/preferences-window", test_preferences_window);
  g_test_add_func ("/kz/ui/widgets/help-overlay", test_help_overlay);
  g_test_add_func ("/kz/ui/widgets/style-sheet", test_style_sheet);

  /* One library for all: the widgets only read it. */
  context = create_context ();
  status = g_test_run ();
  g_clear_object (&context);
  drain_main_context ();
  remove_tree (data_dir);
  g_free (data_dir);

  return status;
}
