/* test-ui-franchise.c: the franchise tree, watch order and timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kz-context.h"
#include "kz-entry-private.h"
#include "kz-entry-row.h"
#include "kz-franchise-tree.h"
#include "kz-timeline-private.h"
#include "kz-timeline-view.h"
#include "kz-ui-resources.h"
#include "kz-watch-order.h"

#define CONAN_ID 235
#define CONAN_TITLES 49
#define BAKEMONOGATARI_ID 5081

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

/* Shows @child in a window of that size and waits for it to be drawn once. */
static GtkWindow *
show_in_window_sized (GtkWidget *child,
                      int        width,
                      int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  wait_for_frame (window);

  return window;
}

static GtkWindow *
show_in_window (GtkWidget *child)
{
  return show_in_window_sized (child, 1000, 700);
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
  g_autoptr(KzFranchiseGraph) newer = NULL;
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

  /* A newer copy of the same franchise keeps the root folded; another
   * franchise opens all the way down. */
  g_assert_true (send_key (list_view, GDK_KEY_Left));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  newer = kz_franchise_graph_copy (conan);
  kz_franchise_tree_set_graph (tree, newer);
  model = kz_franchise_tree_get_model (tree);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpint (tree_row_id (model, 0, NULL), ==, CONAN_ID);
  kz_franchise_tree_set_graph (tree, NULL);
  kz_franchise_tree_set_graph (tree, conan);
  g_assert_cmpuint (g_list_model_get_n_items (kz_franchise_tree_get_model (tree)), ==, CONAN_TITLES);

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

/* A click at @x, @y of the whole timeline, before scrolling. */
static void
click_at (KzTimeline *timeline,
          double      x,
          double      y)
{
  GtkScrollable *scrollable = GTK_SCROLLABLE (timeline);
  GtkGesture *click = find_controller (GTK_WIDGET (timeline), GTK_TYPE_GESTURE_CLICK);

  g_assert_nonnull (click);
  x -= gtk_adjustment_get_value (gtk_scrollable_get_hadjustment (scrollable));
  y -= gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (scrollable));
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_signal_emit_by_name (click, "released", 1, x, y);
}

/* The part of the timeline on screen, in its own coordinates. */
static void
get_visible_area (KzTimeline      *timeline,
                  graphene_rect_t *area)
{
  GtkScrollable *scrollable = GTK_SCROLLABLE (timeline);

  graphene_rect_init (area,
                      gtk_adjustment_get_value (gtk_scrollable_get_hadjustment (scrollable)),
                      gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (scrollable)),
                      gtk_widget_get_width (GTK_WIDGET (timeline)),
                      gtk_widget_get_height (GTK_WIDGET (timeline)));
}

static gboolean
rect_is_in (const graphene_rect_t *rect,
            const graphene_rect_t *area)
{
  return rect->origin.x >= area->origin.x && rect->origin.y >= area->origin.y &&
         rect->origin.x + rect->size.width <= area->origin.x + area->size.width &&
         rect->origin.y + rect->size.height <= area->origin.y + area->size.height;
}

/* Twelve characters of the timeline's font, as a box must show. */
static double
twelve_characters (KzTimeline *timeline)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (timeline)),
                                                         NULL, NULL);
  double width = 12.0 * pango_font_metrics_get_approximate_char_width (metrics) / PANGO_SCALE;

  pango_font_metrics_unref (metrics);
  g_assert_cmpfloat (width, >, 40);
  return width;
}

/* Every title once, left to right in time, none overlapping another,
 * each wide enough for a few words. */
static void
assert_boxes_apart (KzTimeline *timeline)
{
  guint n = kz_timeline_get_n_items (timeline);
  double least = twelve_characters (timeline);
  graphene_rect_t rect, other;

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (kz_timeline_get_item_rect (timeline, i, &rect));
      g_assert_cmpfloat (rect.size.width, >=, least);
      g_assert_cmpfloat (rect.size.width, <=, KZ_TIMELINE_BOX_WIDTH);
      g_assert_cmpfloat (rect.size.height, ==, KZ_TIMELINE_BOX_HEIGHT);

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
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_timeline (void)
{
  KzTimelineView *view = KZ_TIMELINE_VIEW (kz_timeline_view_new (context));
  KzTimeline *timeline = kz_timeline_view_get_timeline (view);
  GtkWindow *window = show_in_window (GTK_WIDGET (view));
  GtkAdjustment *hadj = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (timeline));
  graphene_rect_t rect, other, area;
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
  for (guint i = 0; i < n; i++)
    g_assert_nonnull (kz_franchise_graph_lookup (conan, kz_timeline_get_item_id (timeline, i)));
  assert_boxes_apart (timeline);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Franchise Timeline");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "49 titles from 1996 to 2024");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (timeline)));

  /* A click in the middle of a box opens its title. */
  g_signal_connect (view, "open-title", G_CALLBACK (record_open_title), &opened);
  g_assert_true (kz_timeline_get_item_rect (timeline, 5, &rect));
  click_at (timeline, rect.origin.x + rect.size.width / 2, rect.origin.y + rect.size.height / 2);
  g_assert_cmpint (opened, ==, kz_timeline_get_item_id (timeline, 5));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, 5);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (timeline)));

  /* Between boxes: nothing. */
  opened = 0;
  click_at (timeline, 2, 2);
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

  /* Zoomed in, keyboard moves scroll the box into view. */
  kz_timeline_zoom (timeline, 4);
  wait_for_frame (window);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), >, 2 * gtk_adjustment_get_page_size (hadj));
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Home));
  g_assert_true (kz_timeline_get_item_rect (timeline, 0, &rect));
  get_visible_area (timeline, &area);
  g_assert_cmpfloat (area.origin.x, <, 20);
  g_assert_true (rect_is_in (&rect, &area));
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_End));
  g_assert_true (kz_timeline_get_item_rect (timeline, n - 1, &rect));
  get_visible_area (timeline, &area);
  g_assert_cmpfloat (area.origin.x, >, 0);
  g_assert_true (rect_is_in (&rect, &area));

  /* A click on a box in view leaves the view where it is. */
  {
    double page = gtk_adjustment_get_page_size (hadj);
    int target = -1;

    gtk_adjustment_set_value (hadj, 1000);
    wait_for_frame (window);
    for (guint i = 0; i < n && target < 0; i++)
      if (kz_timeline_get_item_rect (timeline, i, &rect) &&
          rect.origin.x > 1000 + 100 && rect.origin.x + rect.size.width < 1000 + page - 100)
        target = i;

    g_assert_cmpint (target, >, 0);
    click_at (timeline, rect.origin.x + 10, rect.origin.y + 10);
    g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, target);
    g_assert_cmpint (opened, ==, kz_timeline_get_item_id (timeline, target));
    g_assert_cmpfloat (gtk_adjustment_get_value (hadj), ==, 1000);

    /* A newer copy of the franchise (a background update) keeps the
     * zoom, the scroll and the box under the keyboard. */
    {
      g_autoptr(KzFranchiseGraph) newer = kz_franchise_graph_copy (conan);

      kz_timeline_view_set_graph (view, newer);
      wait_for_frame (window);
      g_assert_false (kz_timeline_get_fit (timeline));
      g_assert_cmpfloat (gtk_adjustment_get_value (hadj), ==, 1000);
      g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, target);
      kz_timeline_view_set_graph (view, conan);
    }
  }

  kz_timeline_view_set_graph (view, NULL);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 0);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "No titles");
  g_assert_false (send_key (GTK_WIDGET (timeline), GDK_KEY_Right));
  g_assert_false (gtk_widget_get_sensitive (find_action_button (GTK_WIDGET (view), "zoom.in")));
  gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.in", NULL);
  g_assert_true (kz_timeline_get_fit (timeline));
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
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Activates @button as the keyboard does, and waits for its click. */
static void
press_button (GtkWidget *button)
{
  gboolean clicked = FALSE;
  gulong handler = g_signal_connect_swapped (button, "clicked", G_CALLBACK (set_flag), &clicked);

  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
  wait_until (flag_is_set, &clicked, "a click");
  g_signal_handler_disconnect (button, handler);
}

/* Presses @keyval with Ctrl as the timeline's own shortcuts see it. */
static gboolean
press_ctrl (GtkWidget *widget,
            guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == GDK_CONTROL_MASK)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget, NULL);
        }
    }

  g_assert_not_reached ();
}

static void
test_timeline_zoom (void)
{
  KzTimelineView *view = KZ_TIMELINE_VIEW (kz_timeline_view_new (context));
  KzTimeline *timeline = kz_timeline_view_get_timeline (view);
  GtkAdjustment *hadj = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (timeline));
  GtkWindow *window = show_in_window_sized (GTK_WIDGET (view), 1100, 760);
  GtkWidget *zoom_in = find_action_button (GTK_WIDGET (view), "zoom.in");
  GtkWidget *zoom_out = find_action_button (GTK_WIDGET (view), "zoom.out");
  GtkWidget *zoom_fit = find_action_button (GTK_WIDGET (view), "zoom.fit");
  GtkEventController *wheel = find_controller (GTK_WIDGET (timeline), GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  graphene_rect_t rect, area;
  double fit, min, max, scale;
  gboolean handled = TRUE;
  guint n;

  g_assert_nonnull (zoom_in);
  g_assert_nonnull (zoom_out);
  g_assert_nonnull (zoom_fit);
  g_assert_nonnull (wheel);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (zoom_in), GTK_ACCESSIBLE_PROPERTY_LABEL, "Zoom In");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (zoom_out), GTK_ACCESSIBLE_PROPERTY_LABEL, "Zoom Out");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (zoom_fit), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Show Whole Franchise");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (zoom_fit), ==, "Show Whole Franchise");

  kz_timeline_view_set_graph (view, conan);
  wait_for_frame (window);
  n = kz_timeline_get_n_items (timeline);
  g_assert_cmpuint (n, ==, CONAN_TITLES);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (timeline)), ==, 1100);

  /* It opens on the whole franchise: 1996 to today in 1100 pixels, all
   * of it in view without scrolling sideways, at some 30 pixels a year. */
  fit = kz_timeline_get_scale (timeline);
  kz_timeline_get_scale_range (timeline, &min, &max);
  g_assert_true (kz_timeline_get_fit (timeline));
  g_assert_cmpfloat (fit, ==, min);
  g_assert_cmpfloat (max, ==, KZ_TIMELINE_SCALE_MAX);
  g_assert_cmpfloat (fit, >, 25);
  g_assert_cmpfloat (fit, <, 40);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), <=, gtk_adjustment_get_page_size (hadj));
  get_visible_area (timeline, &area);
  area.size.height = G_MAXFLOAT;
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (kz_timeline_get_item_rect (timeline, i, &rect));
      g_assert_true (rect_is_in (&rect, &area));
    }
  assert_boxes_apart (timeline);

  /* Out and back is as far as zoom goes out. */
  g_assert_false (gtk_widget_get_sensitive (zoom_out));
  g_assert_false (gtk_widget_get_sensitive (zoom_fit));
  g_assert_true (gtk_widget_get_sensitive (zoom_in));
  gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.out", NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, fit);

  /* In by a step, from the button or the action; the step further would
   * not have fit: the default is the closest view of it all. */
  press_button (zoom_in);
  g_assert_cmpfloat_with_epsilon (kz_timeline_get_scale (timeline), fit * KZ_TIMELINE_ZOOM_STEP, 1e-9);
  g_assert_false (kz_timeline_get_fit (timeline));
  wait_for_frame (window);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), >, gtk_adjustment_get_page_size (hadj));
  g_assert_true (gtk_widget_get_sensitive (zoom_out));
  g_assert_true (gtk_widget_get_sensitive (zoom_fit));
  assert_boxes_apart (timeline);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.in", NULL));
  scale = kz_timeline_get_scale (timeline);
  g_assert_cmpfloat_with_epsilon (scale, fit * KZ_TIMELINE_ZOOM_STEP * KZ_TIMELINE_ZOOM_STEP, 1e-9);
  wait_for_frame (window);
  assert_boxes_apart (timeline);

  press_button (zoom_out);
  g_assert_cmpfloat_with_epsilon (kz_timeline_get_scale (timeline), scale / KZ_TIMELINE_ZOOM_STEP, 1e-9);

  /* All the way in stops at the most. */
  for (guint i = 0; i < 12; i++)
    gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.in", NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, KZ_TIMELINE_SCALE_MAX);
  g_assert_false (gtk_widget_get_sensitive (zoom_in));
  gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.in", NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, KZ_TIMELINE_SCALE_MAX);
  wait_for_frame (window);
  assert_boxes_apart (timeline);

  /* "Show Whole Franchise" is the default again, from the beginning. */
  press_button (zoom_fit);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, fit);
  g_assert_true (kz_timeline_get_fit (timeline));
  wait_for_frame (window);
  g_assert_cmpfloat (gtk_adjustment_get_value (hadj), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (zoom_fit));

  /* All the way out stops at the default. */
  press_button (zoom_in);
  press_button (zoom_out);
  gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.out", NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, fit);
  g_assert_true (kz_timeline_get_fit (timeline));

  /* The keyboard: Ctrl+plus and Ctrl+minus step, Ctrl+0 resets. */
  g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_plus));
  g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_equal));
  g_assert_cmpfloat_with_epsilon (kz_timeline_get_scale (timeline), fit * KZ_TIMELINE_ZOOM_STEP * KZ_TIMELINE_ZOOM_STEP, 1e-9);
  g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_minus));
  g_assert_cmpfloat_with_epsilon (kz_timeline_get_scale (timeline), fit * KZ_TIMELINE_ZOOM_STEP, 1e-9);
  g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_0));
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, fit);
  g_assert_true (kz_timeline_get_fit (timeline));

  /* The wheel alone scrolls: it is not taken for zooming. */
  g_signal_emit_by_name (wheel, "scroll", 0.0, -1.0, &handled);
  g_assert_false (handled);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, fit);

  /* Zooming keeps the keyboard's box in view: near the end, pushed in
   * from the edge as it widens; in the middle, where it was on screen. */
  gtk_widget_grab_focus (GTK_WIDGET (timeline));
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_End));
  g_assert_true (send_key (GTK_WIDGET (timeline), GDK_KEY_Left));
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, (int) n - 2);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_plus));
      wait_for_frame (window);
      g_assert_true (kz_timeline_get_item_rect (timeline, n - 2, &rect));
      get_visible_area (timeline, &area);
      g_assert_true (rect_is_in (&rect, &area));
    }
  g_assert_cmpfloat (gtk_adjustment_get_value (hadj), >, 1000);
  g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, (int) n - 2);

  g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_0));
  {
    graphene_rect_t before;
    int target = -1;

    for (guint i = 0; i < n && target < 0; i++)
      if (kz_timeline_get_item_rect (timeline, i, &before) && before.origin.x > 450)
        target = i;

    g_assert_cmpint (target, >, 0);
    click_at (timeline, before.origin.x + 5, before.origin.y + 5);
    g_assert_cmpint (kz_timeline_get_focus_index (timeline), ==, target);

    for (guint i = 0; i < 3; i++)
      {
        g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_plus));
        wait_for_frame (window);
        g_assert_true (kz_timeline_get_item_rect (timeline, target, &rect));
        get_visible_area (timeline, &area);
        g_assert_true (rect_is_in (&rect, &area));
        g_assert_cmpfloat_with_epsilon (rect.origin.x - area.origin.x, before.origin.x, 1);
      }
    g_assert_cmpfloat (area.origin.x, >, 500);
  }

  /* Narrower, the whole franchise follows the width; too narrow, the
   * boxes would pile up: the scale stops and the view scrolls. */
  g_assert_true (press_ctrl (GTK_WIDGET (timeline), GDK_KEY_0));
  gtk_window_set_default_size (window, 950, 760);
  wait_for_frame (window);
  wait_for_frame (window);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (timeline)), ==, 950);
  g_assert_true (kz_timeline_get_fit (timeline));
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), <, fit);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), <=, 950);
  assert_boxes_apart (timeline);

  gtk_window_set_default_size (window, 400, 760);
  wait_for_frame (window);
  wait_for_frame (window);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (timeline)), ==, 400);
  kz_timeline_get_scale_range (timeline, &min, NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, min);
  g_assert_cmpfloat (min, >=, twelve_characters (timeline) / 5);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), >, 400);
  assert_boxes_apart (timeline);

  gtk_window_destroy (window);
}

/* A short franchise is not blown up to fill the width. */
static void
test_timeline_small (void)
{
  g_autoptr(KzFranchiseGraph) monogatari = load_franchise (BAKEMONOGATARI_ID);
  g_autoptr(KzFranchiseGraph) short_one = make_adult_graph ();
  KzTimelineView *view = KZ_TIMELINE_VIEW (kz_timeline_view_new (context));
  KzTimeline *timeline = kz_timeline_view_get_timeline (view);
  GtkAdjustment *hadj = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (timeline));
  GtkWindow *window = show_in_window_sized (GTK_WIDGET (view), 1100, 760);
  graphene_rect_t rect;
  double scale;

  set_show_adult (FALSE);

  kz_timeline_view_set_graph (view, monogatari);
  wait_for_frame (window);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), >=, 10);
  scale = kz_timeline_get_scale (timeline);
  g_assert_true (kz_timeline_get_fit (timeline));
  g_assert_cmpfloat (scale, >, 40);
  g_assert_cmpfloat (scale, <=, KZ_TIMELINE_FIT_SCALE_MAX);
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), <=, 1100);
  assert_boxes_apart (timeline);

  /* Three titles over four years: at most the capped scale. */
  kz_timeline_view_set_graph (view, short_one);
  wait_for_frame (window);
  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 3);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, KZ_TIMELINE_FIT_SCALE_MAX);
  g_assert_true (kz_timeline_get_fit (timeline));
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (kz_timeline_get_item_rect (timeline, i, &rect));
      g_assert_cmpfloat (rect.size.width, <=, KZ_TIMELINE_BOX_WIDTH);
      g_assert_cmpfloat (rect.origin.x + rect.size.width, <, 1100);
    }
  assert_boxes_apart (timeline);

  /* Zooming in still goes a step closer, out no further. */
  gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.in", NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, KZ_TIMELINE_SCALE_MAX);
  gtk_widget_activate_action (GTK_WIDGET (timeline), "zoom.out", NULL);
  g_assert_cmpfloat (kz_timeline_get_scale (timeline), ==, KZ_TIMELINE_FIT_SCALE_MAX);
  g_assert_true (kz_timeline_get_fit (timeline));

  gtk_window_destroy (window);
}

/* Boxes leave out the franchise's name that every title repeats. */
static void
test_timeline_box_titles (void)
{
  KzTimeline *timeline = KZ_TIMELINE (g_object_ref_sink (kz_timeline_new (context)));
  KzEntry *root = kz_franchise_graph_lookup (conan, CONAN_ID);
  g_autoptr(GPtrArray) release = kz_franchise_graph_dup_release_order (conan);
  guint shortened = 0;

  kz_timeline_set_graph (timeline, conan);
  g_assert_cmpstr (_kz_timeline_get_box_title (timeline, root), ==, "Meitantei Conan");

  for (guint i = 0; i < release->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (release, i);
      const char *title = kz_entry_get_title_romaji (entry);
      const char *shown = _kz_timeline_get_box_title (timeline, entry);

      if (g_str_has_prefix (title, "Meitantei Conan: "))
        {
          g_assert_cmpstr (shown, ==, title + strlen ("Meitantei Conan: "));
          shortened++;
        }
      else if (!g_str_has_prefix (title, "Meitantei Conan "))
        {
          g_assert_cmpstr (shown, ==, title);
        }
    }
  g_assert_cmpuint (shortened, >=, 20);

  /* In the language asked for. */
  set_title_language (KZ_TITLE_LANGUAGE_ENGLISH);
  for (guint i = 0; i < release->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (release, i);
      const char *title = kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ENGLISH);

      if (g_str_has_prefix (title, "Case Closed: "))
        g_assert_cmpstr (_kz_timeline_get_box_title (timeline, entry), ==, title + strlen ("Case Closed: "));
    }
  set_title_language (KZ_TITLE_LANGUAGE_ROMAJI);

  g_object_unref (timeline);
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
  g_test_add_func ("/kz/ui/franchise/timeline-zoom", test_timeline_zoom);
  g_test_add_func ("/kz/ui/franchise/timeline-small", test_timeline_small);
  g_test_add_func ("/kz/ui/franchise/timeline-box-titles", test_timeline_box_titles);
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
