/* kz-window-updates.c: the window's views kept in step with background
 * updates of the franchise shown, redrawn in place: the title shown, the
 * scroll positions and the keyboard focus stay where they were
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-window"

#include "config.h"

#include "kz-window-private.h"

/* Where the views were scrolled to, and which widget had the keyboard,
 * so that an update redraws them without moving the person. */
typedef struct {
  GPtrArray        *adjustments;   /* GtkAdjustment */
  GArray           *values;        /* double */
  GtkWidget        *focus;         /* owned */
  GtkWidget        *focus_view;    /* the view around it; owned */
  graphene_point_t  focus_point;   /* its middle, in the window */
  KzWindow         *window;        /* owned once waiting for a layout */
  guint             n_layouts;
} ViewState;

static void
collect_adjustments (GtkWidget *widget,
                     ViewState *state)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (widget);
      GtkAdjustment *adjustments[] = {
        gtk_scrolled_window_get_hadjustment (scroller),
        gtk_scrolled_window_get_vadjustment (scroller),
      };

      for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
        {
          double value = gtk_adjustment_get_value (adjustments[i]);

          g_ptr_array_add (state->adjustments, g_object_ref (adjustments[i]));
          g_array_append_val (state->values, value);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_adjustments (child, state);
}

static ViewState *
view_state_save (KzWindow *self)
{
  GtkWidget *views[] = {
    GTK_WIDGET (self->title_page), GTK_WIDGET (self->franchise_tree),
    GTK_WIDGET (self->watch_order), GTK_WIDGET (self->timeline_view),
  };
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  ViewState *state = g_new0 (ViewState, 1);

  state->adjustments = g_ptr_array_new_with_free_func (g_object_unref);
  state->values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      collect_adjustments (views[i], state);
      if (focus != NULL && state->focus_view == NULL &&
          (focus == views[i] || gtk_widget_is_ancestor (focus, views[i])))
        state->focus_view = g_object_ref (views[i]);
    }

  if (state->focus_view != NULL)
    {
      graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (focus) / 2.f,
                                                     gtk_widget_get_height (focus) / 2.f);

      state->focus = g_object_ref (focus);
      if (!gtk_widget_compute_point (focus, GTK_WIDGET (self), &middle, &state->focus_point))
        g_clear_object (&state->focus_view);
    }

  return state;
}

static void
view_state_free (gpointer data)
{
  ViewState *state = data;

  g_clear_pointer (&state->adjustments, g_ptr_array_unref);
  g_clear_pointer (&state->values, g_array_unref);
  g_clear_object (&state->focus);
  g_clear_object (&state->focus_view);
  g_clear_object (&state->window);
  g_free (state);
}

static void
restore_scrolling (ViewState *state)
{
  for (guint i = 0; i < state->adjustments->len; i++)
    gtk_adjustment_set_value (g_ptr_array_index (state->adjustments, i),
                              g_array_index (state->values, double, i));
}

/* The row that had the keyboard may have been replaced, or given
 * another title: the keyboard goes to the row now in its place. */
static void
restore_focus (KzWindow  *self,
               ViewState *state)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  GtkWidget *picked;

  if (!gtk_widget_get_mapped (state->focus_view))
    return;

  picked = gtk_widget_pick (GTK_WIDGET (self), state->focus_point.x, state->focus_point.y, GTK_PICK_DEFAULT);
  if (picked != NULL && gtk_widget_is_ancestor (picked, state->focus_view))
    for (; picked != state->focus_view; picked = gtk_widget_get_parent (picked))
      if (gtk_widget_get_focusable (picked) && gtk_widget_grab_focus (picked))
        return;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, state->focus_view))
    gtk_widget_grab_focus (state->focus_view);
}

/* A list given a new model goes back to its top when it is next laid
 * out: scroll back after that layout, before the frame is painted, and
 * once laid out again, put the keyboard back. */
static void
views_laid_out_cb (GdkFrameClock *frame_clock,
                   ViewState     *state)
{
  if (state->n_layouts++ == 0)
    {
      restore_scrolling (state);
      if (state->focus_view != NULL)
        {
          gtk_widget_queue_allocate (state->focus_view);
          return;
        }
    }
  else
    {
      restore_focus (state->window, state);
    }

  g_signal_handlers_disconnect_by_func (frame_clock, views_laid_out_cb, state);
}

static void
view_state_restore (KzWindow  *self,
                    ViewState *state)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  restore_scrolling (state);

  if (frame_clock == NULL)
    {
      view_state_free (state);
      return;
    }

  state->window = g_object_ref (self);
  g_signal_connect_data (frame_clock, "layout", G_CALLBACK (views_laid_out_cb),
                         state, (GClosureNotify) G_CALLBACK (view_state_free), G_CONNECT_AFTER);
}

/* The title page's neighbours, taken from the updated franchise where
 * it has them in full: the same graph the service builds for a title's
 * details, without asking again. */
static KzFranchiseGraph *
update_details (KzFranchiseGraph *details,
                KzFranchiseGraph *franchise,
                KzEntry          *root)
{
  KzFranchiseGraph *updated = kz_franchise_graph_new (kz_entry_get_id (root));
  const KzRelation *relations;
  guint n_relations;

  kz_franchise_graph_add_node (updated, root, 0);

  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (details); i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (details, i);
      KzEntry *newer = kz_franchise_graph_lookup (franchise, kz_entry_get_id (node));

      if (kz_entry_get_id (node) == kz_entry_get_id (root))
        continue;
      if (newer != NULL && kz_entry_get_detail (newer) >= kz_entry_get_detail (node))
        node = newer;
      kz_franchise_graph_add_node (updated, node, 1);
    }

  relations = kz_entry_get_relations (root, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    {
      KzEntry *target = relations[i].target;
      KzEntry *newer = kz_franchise_graph_lookup (franchise, kz_entry_get_id (target));

      kz_franchise_graph_add_node (updated, newer != NULL ? newer : target, 1);
      kz_franchise_graph_add_edge (updated, kz_entry_get_id (root), kz_entry_get_id (target),
                                   relations[i].type, relations[i].raw_type);
    }

  kz_franchise_graph_set_complete (updated, kz_franchise_graph_is_complete (details));

  return updated;
}

static void
apply_franchise_update (KzWindow         *self,
                        KzFranchiseGraph *graph)
{
  KzEntry *node = kz_franchise_graph_lookup (graph, self->title_id);
  KzFranchiseGraph *details = self->details;
  ViewState *state = view_state_save (self);

  _kz_window_set_franchise (self, graph);

  /* The title itself may have changed too; the walk brought it in full. */
  if (node != NULL && node != self->entry && self->entry != NULL &&
      kz_entry_get_id (self->entry) == self->title_id &&
      kz_entry_get_detail (node) >= kz_entry_get_detail (self->entry))
    {
      g_autoptr(KzFranchiseGraph) updated = NULL;

      if (details != NULL && kz_franchise_graph_get_root_id (details) == self->title_id)
        updated = update_details (details, graph, node);

      _kz_window_show_entry (self, node);
      if (updated != NULL)
        {
          kz_title_page_set_details (self->title_page, updated);
          g_set_object (&self->details, updated);
        }
    }

  view_state_restore (self, state);
}

static void
franchise_update_done (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KzWindow) self = user_data;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  graph = kz_relations_service_get_franchise_finish (KZ_RELATIONS_SERVICE (object), result, &flags, &error);
  if (graph == NULL)
    {
      /* What is shown stays: it is what was there before the update. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not show the updated franchise: %s", error->message);
      return;
    }

  if (self->context == NULL || self->franchise_busy ||
      kz_franchise_graph_lookup (graph, self->title_id) == NULL ||
      graph == self->franchise)
    return;

  apply_franchise_update (self, graph);
}

/* A franchise shown from the library was walked again in the background
 * and changed: ask for it again (the memory cache now has it) and redraw
 * in place. Updates of franchises not shown change nothing here. */
static void
franchise_updated_cb (KzWindow           *self,
                      gint64              root_id,
                      KzRelationsService *service)
{
  KzFranchiseOptions options;

  if (self->title_id == 0 || self->franchise == NULL)
    return;

  if (root_id != self->title_id && kz_franchise_graph_lookup (self->franchise, root_id) == NULL)
    return;

  /* A request of the person's own is on its way and will show the latest. */
  if (self->franchise_busy)
    return;

  g_debug ("The franchise of %" G_GINT64_FORMAT " changed; showing it again", root_id);

  g_cancellable_cancel (self->update_cancellable);
  g_clear_object (&self->update_cancellable);
  self->update_cancellable = g_cancellable_new ();

  kz_context_get_franchise_options (self->context, &options);
  kz_relations_service_get_franchise_async (service, self->title_id, &options, KZ_FETCH_DEFAULT,
                                            NULL, NULL, self->update_cancellable,
                                            franchise_update_done, g_object_ref (self));
}

void
_kz_window_follow_franchise_updates (KzWindow *self)
{
  g_signal_connect_object (kz_context_get_service (self->context), "franchise-updated",
                           G_CALLBACK (franchise_updated_cb), self, G_CONNECT_SWAPPED);
}

/* The title shown changes, or the window goes: the update is not wanted. */
void
_kz_window_cancel_franchise_update (KzWindow *self)
{
  g_cancellable_cancel (self->update_cancellable);
}
