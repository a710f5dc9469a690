/* test-ui-franchise.c: the franchise tree, watch order and timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kz-context.h"
#include "kz-entry-private.h"
#include "kz-entry-row.h"
#include "kz-franchise-tree.h"
#include "kz-timeline-view.h"
#include "kz-ui-resources.h"
#include "kz-watch-order.h"

#define CONAN_ID 235
#define CONAN_TITLES 49

/* One library for every test: seeding it is the slow part. */
static KzContext *context;
static GSettings *settings;
static KzFranchiseGraph *conan;

static gboolean
give_up (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
wait_until (gboolean   (*done) (gpointer),
            gpointer     data,
            const char  *what)
{
  guint timeout = g_timeout_add_seconds (20, give_up, (gpointer) what);

  while (!done (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout);
}

static gboolean
pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static KzContext *
create_context (const char *data_dir)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzContext *created;

  kz_context_new_async (settings, data_dir, "http://127.0.0.1:9/", NULL, store_result, &result);
  wait_until (pointer_is_set, &result, "the library");

  created = kz_context_new_finish (result, &error);
  g_assert_no_error (error);
  return created;
}

static KzFranchiseGraph *
load_franchise (gint64 id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzRelationsService *service = kz_context_get_service (context);
  KzFranchiseOptions options;
  KzFranchiseGraph *graph;

  kz_context_get_franchise_options (context, &options);
  kz_relations_service_get_franchise_async (service, id, &options, KZ_FETCH_OFFLINE,
                                            NULL, NULL, NULL, store_result, &result);
  wait_until (pointer_is_set, &result, "the franchise");

  graph = kz_relations_service_get_franchise_finish (service, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  return graph;
}

static gboolean
show_adult_is (gpointer data)
{
  return kz_context_get_show_adult (context) == GPOINTER_TO_INT (data);
}

static void
set_show_adult (gboolean show)
{
  g_settings_set_boolean (settings, "show-adult", show);
  wait_until (show_adult_is, GINT_TO_POINTER (show), "the show-adult setting");
}

static gboolean
title_language_is (gpointer data)
{
  return kz_context_get_title_language (context) == (KzTitleLanguage) GPOINTER_TO_INT (data);
}

static void
set_title_language (KzTitleLanguage language)
{
  g_settings_set_enum (settings, "title-language", language);
  wait_until (title_language_is, GINT_TO_POINTER (language), "the title-language setting");
}

typedef struct {
  gboolean painted;
} Frame;

static void
after_paint (GdkFrameClock *clock,
             Frame         *frame)
{
  frame->painted = TRUE;
}

static gboolean
frame_painted (gpointer data)
{
  return ((Frame *) data)->painted;
}

/* Waits until @window has laid out and drawn what changed. */
static void
wait_for_frame (GtkWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  Frame frame = { FALSE };
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &frame);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  wait_until (frame_painted, &frame, "a frame");
  g_signal_handler_disconnect (clock, handler);

  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Shows @child in a window and waits for it to be drawn once. */
static GtkWindow *
show_in_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1000, 700);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  wait_for_frame (window);

  return window;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (out, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_descendants (child, type, out);
}

static gpointer
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;  /* the widget keeps it */
    }

  return NULL;
}

static void
record_open_title (GtkWidget *widget,
                   gint64     id,
                   gint64    *opened)
{
  *opened = id;
}

static KzEntry *
make_entry (gint64      id,
            const char *title,
            KzFormat    format,
            int         year,
            gboolean    adult)
{
  KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);

  entry->title_romaji = g_strdup (title);
  entry->format = format;
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->start_date.year = year;
  entry->start_date.month = 4;
  entry->start_date.day = 1;
  entry->is_adult = adult;

  return entry;
}

/* A root with an adult sequel, which has a sequel of its own, and a
 * side story:  1 → 2 (adult) → 3,  1 → 4. */
static KzFranchiseGraph *
make_adult_graph (void)
{
  KzFranchiseGraph *graph = kz_franchise_graph_new (1);
  g_autoptr(KzEntry) root = make_entry (1, "Root Story", KZ_FORMAT_TV, 2000, FALSE);
  g_autoptr(KzEntry) adult = make_entry (2, "Adult Sequel", KZ_FORMAT_OVA, 2001, TRUE);
  g_autoptr(KzEntry) after = make_entry (3, "After the Adult Sequel", KZ_FORMAT_TV, 2002, FALSE);
  g_autoptr(KzEntry) side = make_entry (4, "Side Story", KZ_FORMAT_MOVIE, 2003, FALSE);

  kz_franchise_graph_add_node (graph, root, 0);
  kz_franchise_graph_add_node (graph, adult, 1);
  kz_franchise_graph_add_node (graph, side, 1);
  kz_franchise_graph_add_node (graph, after, 2);
  kz_franchise_graph_add_edge (graph, 1, 2, KZ_RELATION_SEQUEL, NULL);
  kz_franchise_graph_add_edge (graph, 2, 1, KZ_RELATION_PREQUEL, NULL);
  kz_franchise_graph_add_edge (graph, 2, 3, KZ_RELATION_SEQUEL, NULL);
  kz_franchise_graph_add_edge (graph, 1, 4, KZ_RELATION_SIDE_STORY, NULL);
  kz_franchise_graph_set_complete (graph, TRUE);

  return graph;
}

static gboolean
send_key (GtkWidget *widget,
          guint      keyval)
{
  GtkEventController *keys = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

static gint64
tree_row_id (GListModel *model,
             guint       position,
             guint      *depth)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, position);
  g_autoptr(KzEntry) entry = NULL;

  g_assert_nonnull (row);
  entry = gtk_tree_list_row_get_item (row);
  if (depth != NULL)
    *depth = gtk_tree_list_row_get_depth (row);

  return kz_entry_get_id (entry);
}

static void
test_tree (void)
{
  KzFranchiseTree *tree = KZ_FRANCHISE_TREE (kz_franchise_tree_new (context));
  g_autoptr(GArray) items = kz_franchise_graph_dup_tree (conan);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWindow *window = show_in_window (GTK_WIDGET (tree));
  GtkWidget *list_view;
  GtkWidget *expander;
  GListModel *model;
  gint64 opened = 0;
  guint depth = 99;

  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, 0);
  g_assert_null (kz_franchise_tree_get_model (tree));

  kz_franchise_tree_set_graph (tree, conan);
  wait_for_frame (window);

  /* Every title, the whole tree open. */
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, CONAN_TITLES);
  model = kz_franchise_tree_get_model (tree);
  g_assert_nonnull (model);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, CONAN_TITLES);

  /* The root first, then the tree depth-first as the graph gives it. */
  g_assert_cmpint (tree_row_id (model, 0, &depth), ==, CONAN_ID);
  g_assert_cmpuint (depth, ==, 0);
  for (guint i = 0; i < items->len; i++)
    {
      const KzTreeItem *item = &g_array_index (items, KzTreeItem, i);

      g_assert_cmpint (tree_row_id (model, i, &depth), ==, kz_entry_get_id (item->entry));
      g_assert_cmpuint (depth, ==, item->depth);
    }

  /* On screen: the root row shows the root's title. */
  collect_descendants (GTK_WIDGET (tree), KZ_TYPE_ENTRY_ROW, rows);
  g_assert_cmpuint (rows->len, >, 5);
  g_assert_cmpint (kz_entry_get_id (kz_entry_row_get_entry (rows->pdata[0])), ==, CONAN_ID);
  g_assert_cmpstr (kz_entry_row_get_title (rows->pdata[0]), ==, "Meitantei Conan");

  /* Enter on a row opens its title. */
  list_view = find_descendant (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (list_view);
  g_signal_connect (tree, "open-title", G_CALLBACK (record_open_title), &opened);
  g_signal_emit_by_name (list_view, "activate", 3);
  g_assert_cmpint (opened, ==, tree_row_id (model, 3, NULL));
  g_assert_cmpint (opened, !=, CONAN_ID);

  /* From the keyboard: Left folds the root, leaving one row (the count
   * stays the full tree); Right opens it again. */
  expander = find_descendant (list_view, GTK_TYPE_TREE_EXPANDER);
  g_assert_true (gtk_widget_grab_focus (gtk_widget_get_parent (expander)));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), list_view));
  g_assert_true (send_key (list_view, GDK_KEY_Left));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, CONAN_TITLES);
  g_assert_false (send_key (list_view, GDK_KEY_minus));
  g_assert_true (send_key (list_view, GDK_KEY_Right));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, CONAN_TITLES);
  g_assert_false (send_key (list_view, GDK_KEY_plus));

  /* Left on a leaf goes up to the row it hangs from. */
  wait_for_frame (window);
  expander = gtk_widget_get_first_child (gtk_widget_get_next_sibling (gtk_widget_get_parent (expander)));
  g_assert_true (GTK_IS_TREE_EXPANDER (expander));
  g_assert_cmpuint (gtk_tree_list_row_get_depth (gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander))), ==, 1);
  g_assert_true (gtk_widget_grab_focus (gtk_widget_get_parent (expander)));
  g_assert_true (send_key (list_view, GDK_KEY_Left));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), list_view));
  expander = find_descendant (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_TREE_EXPANDER);
  g_assert_cmpuint (gtk_tree_list_row_get_depth (gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander))), ==, 0);

  kz_franchise_tree_set_graph (tree, NULL);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, 0);
  g_assert_null (kz_franchise_tree_get_model (tree));

  gtk_window_destroy (window);
}

static void
test_watch_order (void)
{
  KzWatchOrder *order = KZ_WATCH_ORDER (kz_watch_order_new (context));
  g_autoptr(GPtrArray) release = kz_franchise_graph_dup_release_order (conan);
  g_autoptr(GPtrArray) story = kz_franchise_graph_dup_main_story (conan);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *first_date = NULL;
  GtkWindow *window = show_in_window (GTK_WIDGET (order));
  GtkWidget *main_switch;
  GtkWidget *list_view;
  GListModel *model;
  gint64 opened = 0;

  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (order)), ==, 0);

  kz_watch_order_set_graph (order, conan);
  wait_for_frame (window);

  model = kz_watch_order_get_model (order);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, CONAN_TITLES);
  for (guint i = 0; i < release->len; i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);

      g_assert_true (entry == g_ptr_array_index (release, i));
    }

  /* The TV series from January 1996 came out first. */
  {
    g_autoptr(KzEntry) first = g_list_model_get_item (model, 0);

    g_assert_cmpint (kz_entry_get_id (first), ==, CONAN_ID);
    first_date = kz_timeline_dup_release_label (first);
    g_assert_true (g_str_has_suffix (first_date, "1996"));
  }

  /* On screen: "1.", the first title and its date in the first row. */
  collect_descendants (GTK_WIDGET (order), KZ_TYPE_ENTRY_ROW, rows);
  g_assert_cmpuint (rows->len, >, 5);
  g_assert_cmpint (kz_entry_get_id (kz_entry_row_get_entry (rows->pdata[0])), ==, CONAN_ID);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_prev_sibling (rows->pdata[0]))), ==, "1.");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_next_sibling (rows->pdata[0]))), ==, first_date);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_prev_sibling (rows->pdata[1]))), ==, "2.");

  /* The switch, as a person flips it. */
  main_switch = find_descendant (GTK_WIDGET (order), GTK_TYPE_SWITCH);
  g_assert_nonnull (main_switch);
  g_assert_false (kz_watch_order_get_main_story (order));
  gtk_switch_set_active (GTK_SWITCH (main_switch), TRUE);
  g_assert_true (kz_watch_order_get_main_story (order));

  model = kz_watch_order_get_model (order);
  g_assert_cmpuint (story->len, >=, 1);
  g_assert_cmpuint (story->len, <, CONAN_TITLES);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, story->len);
  for (guint i = 0; i < story->len; i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);

      g_assert_true (entry == g_ptr_array_index (story, i));
    }

  list_view = find_descendant (GTK_WIDGET (order), GTK_TYPE_LIST_VIEW);
  g_signal_connect (order, "open-title", G_CALLBACK (record_open_title), &opened);
  g_signal_emit_by_name (list_view, "activate", 0);
  g_assert_cmpint (opened, ==, kz_entry_get_id (g_ptr_array_index (story, 0)));

  gtk_switch_set_active (GTK_SWITCH (main_switch), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (order)), ==, CONAN_TITLES);

  kz_watch_order_set_graph (order, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (order)), ==, 0);

  gtk_window_destroy (window);
}

static void
click_at (GtkWidget *widget,
          double     x,
          double     y)
{
  GtkGesture *click = find_controller (widget, GTK_TYPE_GESTURE_CLICK);

  g_assert_nonnull (click);
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_signal_emit_by_name (click, "released", 1, x, y);
}

static void
test_timeline (void)
{
  KzTimelineView *view = KZ_TIMELINE_VIEW (kz_timeline_view_new (context));
  KzTimeline *timeline = kz_timeline_view_get_timeline (view);
  g_autoptr(GPtrArray) release = kz_franchise_graph_dup_release_order (conan);
  GtkWindow *window = show_in_window (GTK_WIDGET (view));
  graphene_rect_t rect, other;
  gint64 opened = 0;
  guint n;

  g_assert_nonnull (timeline);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 0);
  g_assert_false (kz_timeline_get_item_rect (timeline, 0, &rect));

  kz_timeline_view_set_graph (view, conan);
  wait_for_frame (window);

  n = kz_timeline_get_n_items (timeline);
  g_assert_cmpuint (n, ==, CONAN_TITLES);
  g_assert_cmpint (kz_timeline_get_item_id (timeline, 0), ==, CONAN_ID);

  /* Every title once; boxes run left to right in time and never overlap. */
  for (guint i = 0; i < n; i++)
    {
      g_assert_nonnull (kz_franchise_graph_lookup (conan, kz_timeline_get_item_id (timeline, i)));
      g_assert_true (kz_timeline_get_item_rect (timeline, i, &rect));
      g_assert_cmpfloat (rect.size.width, >=, 120);

      if (i > 0)
        {
          g_assert_true (kz_timeline_get_item_rect (timeline, i - 1, &other));
          g_assert_cmpfloat (other.origin.x, <=, rect.origin.x);
        }

      for (guint j = 0; j < i; j++)
        {
          g_assert_true (kz_timeline_get_item_rect (timeline, j, &other));
          g_assert_false (graphene_rect_intersection (&rect, &other, NULL));
        }
    }

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Franchise Timeline");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "49 titles from 1996 to 2024");

  /* Big enough to scroll through, both ways in a 1000×700 window. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (timeline)), >, 1000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (timeline)));

  /* A click in the middle of a box opens its title. */
  g_signal_connect (view, "open-title", G_CALLBACK (record_open_title), &opened);
  g_assert_true (kz_timeline_get_item_rect (timeline, 5, &rect));
  click_at (GTK_WIDGET (timeline), rect.origin.x + rect.size.width / 2, rect.origin.y + rect.size.height / 2);
  g_assert_cmpint (opened, ==, kz_timeline_get_item_id (timeline, 5));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, 5);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (timeline)));

  /* Between boxes: nothing. */
  opened = 0;
  click_at (GTK_WIDGET (timeline), 2, 2);
  g_assert_cmpint (opened, ==, 0);

  /* The keyboard walks the boxes in time order. */
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Right));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, 6);
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Left));
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Left));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, 4);
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_End));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, (int) n - 1);
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Right));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, (int) n - 1);
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Home));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, 0);

  /* Down goes to another lane, near in time. */
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Down));
  g_assert_true (kz_timeline_get_item_rect (timeline, kz_timeline_get_focus_index (timeline), &rect));
  g_assert_true (kz_timeline_get_item_rect (timeline, 0, &other));
  g_assert_cmpfloat (rect.origin.y, >, other.origin.y);
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Up));
  g_assert_true (kz_timeline_get_item_rect (timeline, kz_timeline_get_focus_index (timeline), &rect));
  g_assert_cmpfloat (rect.origin.y, ==, other.origin.y);

  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_End));
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Return));
  g_assert_cmpint (opened, ==, kz_timeline_get_item_id (timeline, n - 1));
  g_assert_false (send_key (GTK_WIDGET (timeline), GDK_KEY_a));

  /* What the keyboard is on is told, in the title language asked for. */
  {
    KzEntry *last = kz_franchise_graph_lookup (conan, kz_timeline_get_item_id (timeline, n - 1));
    g_autofree char *date = kz_timeline_dup_release_label (last);
    g_autofree char *romaji = NULL;
    g_autofree char *english = NULL;

    romaji = g_strdup_printf ("49 titles from 1996 to 2024. Selected: %s, %s, %s",
                              kz_entry_get_title_romaji (last),
                              kz_format_to_label (kz_entry_get_format (last)), date);
    english = g_strdup_printf ("49 titles from 1996 to 2024. Selected: %s, %s, %s",
                               kz_entry_get_title (last, KZ_TITLE_LANGUAGE_ENGLISH),
                               kz_format_to_label (kz_entry_get_format (last)), date);
    g_assert_cmpstr (romaji, !=, english);

    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, romaji);
    set_title_language (KZ_TITLE_LANGUAGE_ENGLISH);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, english);
    set_title_language (KZ_TITLE_LANGUAGE_ROMAJI);
  }

  /* Keyboard moves scroll the box into view. */
  wait_for_frame (window);
  {
    GtkWidget *scrolled = find_descendant (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *hadj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));

    g_assert_true (kz_timeline_get_item_rect (timeline, n - 1, &rect));
    g_assert_cmpfloat (gtk_adjustment_get_value (hadj), >, 0);
    g_assert_cmpfloat (gtk_adjustment_get_value (hadj), <=, rect.origin.x);
    g_assert_cmpfloat (gtk_adjustment_get_value (hadj) + gtk_adjustment_get_page_size (hadj),
                       >=, rect.origin.x + rect.size.width);
  }

  /* A click on a box in view leaves the view where it is. */
  {
    GtkWidget *scrolled = find_descendant (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *hadj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
    double page = gtk_adjustment_get_page_size (hadj);
    int target = -1;

    gtk_adjustment_set_value (hadj, 2000);
    wait_for_frame (window);
    for (guint i = 0; i < n && target < 0; i++)
      if (kz_timeline_get_item_rect (timeline, i, &rect) &&
          rect.origin.x > 2000 + 100 && rect.origin.x + rect.size.width < 2000 + page - 100)
        target = i;

    g_assert_cmpint (target, >, 0);
    click_at (GTK_WIDGET (timeline), rect.origin.x + 10, rect.origin.y + 10);
    g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, target);
    g_assert_cmpint (opened, ==, kz_timeline_get_item_id (timeline, target));
    g_assert_cmpfloat (gtk_adjustment_get_value (hadj), ==, 2000);
  }

  kz_timeline_view_set_graph (view, NULL);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 0);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "No titles");
  g_assert_false (send_key (GTK_WIDGET (timeline), GDK_KEY_Right));
  wait_for_frame (window);
  {
    GtkWidget *stack = find_descendant (GTK_WIDGET (view), GTK_TYPE_STACK);
    int natural = -1;

    gtk_widget_measure (GTK_WIDGET (timeline), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
    g_assert_cmpint (natural, ==, 0);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_stack_get_visible_child (GTK_STACK (stack)))),
                     ==, "No Franchise Open");
  }

  gtk_window_destroy (window);
}

static void
test_legend (void)
{
  const KzTimelineSwatch *swatches;
  guint n = 0;

  swatches = kz_timeline_get_format_swatches (&n);
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpstr (swatches[0].label, ==, "TV");
  g_assert_cmpstr (swatches[2].label, ==, "Movie");
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpfloat (swatches[i].color.alpha, ==, 1.0);
      for (guint j = 0; j < i; j++)
        g_assert_false (gdk_rgba_equal (&swatches[i].color, &swatches[j].color));
    }

  swatches = kz_timeline_get_relation_swatches (&n);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpstr (swatches[1].label, ==, "Side Story");
}

static void
test_release_label (void)
{
  g_autoptr(KzEntry) dated = make_entry (10, "Dated", KZ_FORMAT_TV, 2013, FALSE);
  g_autoptr(KzEntry) year_only = make_entry (11, "Year", KZ_FORMAT_TV, 2014, FALSE);
  g_autoptr(KzEntry) unknown = make_entry (12, "Unknown", KZ_FORMAT_TV, 0, FALSE);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  year_only->start_date.month = 0;
  year_only->start_date.day = 0;
  unknown->start_date.month = 0;
  unknown->start_date.day = 0;

  a = kz_timeline_dup_release_label (dated);
  b = kz_timeline_dup_release_label (year_only);
  c = kz_timeline_dup_release_label (unknown);

  g_assert_cmpstr (a, ==, "Apr 2013");
  g_assert_cmpstr (b, ==, "2014");
  g_assert_cmpstr (c, ==, "TBA");
}

static void
test_adult (void)
{
  g_autoptr(KzFranchiseGraph) graph = make_adult_graph ();
  KzFranchiseTree *tree = KZ_FRANCHISE_TREE (kz_franchise_tree_new (context));
  KzWatchOrder *order = KZ_WATCH_ORDER (kz_watch_order_new (context));
  KzTimelineView *view = KZ_TIMELINE_VIEW (kz_timeline_view_new (context));
  KzTimeline *timeline = kz_timeline_view_get_timeline (view);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWindow *window;
  GListModel *model;

  set_show_adult (FALSE);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (tree));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (order));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view));
  window = show_in_window (box);

  kz_franchise_tree_set_graph (tree, graph);
  kz_watch_order_set_graph (order, graph);
  kz_timeline_view_set_graph (view, graph);
  wait_for_frame (window);

  /* The adult sequel goes, and in the tree what hangs from it. */
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, 2);
  model = kz_franchise_tree_get_model (tree);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpint (tree_row_id (model, 0, NULL), ==, 1);
  g_assert_cmpint (tree_row_id (model, 1, NULL), ==, 4);

  model = kz_watch_order_get_model (order);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(KzEntry) entry = g_list_model_get_item (model, i);

      g_assert_false (kz_entry_get_is_adult (entry));
    }

  /* The main story line runs through the adult sequel: 1 → 3 remain. */
  kz_watch_order_set_main_story (order, TRUE);
  model = kz_watch_order_get_model (order);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  kz_watch_order_set_main_story (order, FALSE);

  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (kz_timeline_get_item_id (timeline, i), !=, 2);

  /* Asked for, it is back everywhere. */
  set_show_adult (TRUE);
  wait_for_frame (window);

  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (kz_franchise_tree_get_model (tree)), ==, 4);
  g_assert_cmpint (tree_row_id (kz_franchise_tree_get_model (tree), 1, NULL), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (order)), ==, 4);
  kz_watch_order_set_main_story (order, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kz_watch_order_get_model (order)), ==, 3);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 4);
  g_assert_cmpint (kz_timeline_get_item_id (timeline, 1), ==, 2);

  set_show_adult (FALSE);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, 2);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 3);

  gtk_window_destroy (window);
}

static void
test_adult_root (void)
{
  g_autoptr(KzFranchiseGraph) graph = kz_franchise_graph_new (20);
  g_autoptr(KzEntry) root = make_entry (20, "Adult Root", KZ_FORMAT_OVA, 2005, TRUE);
  KzFranchiseTree *tree = KZ_FRANCHISE_TREE (g_object_ref_sink (kz_franchise_tree_new (context)));
  KzTimeline *timeline = KZ_TIMELINE (g_object_ref_sink (kz_timeline_new (context)));

  set_show_adult (FALSE);
  kz_franchise_graph_add_node (graph, root, 0);

  kz_franchise_tree_set_graph (tree, graph);
  kz_timeline_set_graph (timeline, graph);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (tree), ==, 0);
  g_assert_null (kz_franchise_tree_get_model (tree));
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 0);

  g_object_unref (tree);
  g_object_unref (timeline);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  /* Without a session bus GTK warns that it cannot reach the
   * accessibility bus; the test backend still keeps what is set. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "test", FALSE);
  if (!gtk_init_check ())
    return 77;
  adw_init ();

  /* Asking for the resource links it in from the static library. */
  g_assert_nonnull (kz_ui_get_resource ());

  data_dir = g_dir_make_tmp ("kizuna-ui-franchise-XXXXXX", &error);
  g_assert_no_error (error);

  settings = g_settings_new ("io.github.kizuna.Kizuna");
  context = create_context (data_dir);
  conan = load_franchise (CONAN_ID);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (conan), ==, CONAN_TITLES);

  g_test_add_func ("/kz/ui/franchise/tree", test_tree);
  g_test_add_func ("/kz/ui/franchise/watch-order", test_watch_order);
  g_test_add_func ("/kz/ui/franchise/timeline", test_timeline);
  g_test_add_func ("/kz/ui/franchise/legend", test_legend);
  g_test_add_func ("/kz/ui/franchise/release-label", test_release_label);
  g_test_add_func ("/kz/ui/franchise/adult-hidden", test_adult);
  g_test_add_func ("/kz/ui/franchise/adult-root", test_adult_root);

  status = g_test_run ();

  g_clear_object (&conan);
  g_clear_object (&context);
  g_clear_object (&settings);

  {
    g_autofree char *db = g_build_filename (data_dir, "library.db", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db);
    g_rmdir (data_dir);
  }

  return status;
}
