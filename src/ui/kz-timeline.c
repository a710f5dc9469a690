/* kz-timeline.c
 *
 * The franchise as boxes on a horizontal time axis: one box per title
 * at its start date, stacked in lanes so that none overlap, with the
 * relations between titles as curves underneath.
 *
 * This is the widget: its properties and signal, the pointer and the
 * keyboard, focus and accessibility. Where the boxes go is worked out
 * in kz-timeline-layout.c, and painted in kz-timeline-draw.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-timeline-private.h"

G_DEFINE_FINAL_TYPE (KzTimeline, kz_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_GRAPH,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  OPEN_TITLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_accessible (KzTimeline *self)
{
  g_autofree char *summary = NULL;
  g_autofree char *description = NULL;
  guint n_items = self->layout.items->len;

  if (n_items == 0)
    summary = g_strdup (_("No titles"));
  else if (self->layout.n_years == 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u title, release date unknown",
                                            "%u titles, release dates unknown", n_items),
                               n_items);
  else if (self->layout.last_release == self->layout.first_year)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u title in %d",
                                            "%u titles in %d", n_items),
                               n_items, self->layout.first_year);
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u title from %d to %d",
                                            "%u titles from %d to %d", n_items),
                               n_items, self->layout.first_year, self->layout.last_release);

  if (self->focus >= 0)
    {
      KzTimelineItem *item = _kz_timeline_get_item (self, self->focus);
      g_autofree char *date = kz_timeline_dup_release_label (item->entry);

      /* Translators: the timeline's summary, then the title the keyboard is on */
      description = g_strdup_printf (_("%s. Selected: %s, %s, %s"), summary,
                                     kz_entry_get_title (item->entry, kz_context_get_title_language (self->context)),
                                     kz_format_to_label (kz_entry_get_format (item->entry)),
                                     date);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description ? description : summary,
                                  -1);
}

static gboolean
entry_is_visible (KzEntry  *entry,
                  gpointer  user_data)
{
  return kz_context_entry_is_visible (user_data, entry);
}

static void
layout_items (KzTimeline *self)
{
  gint64 focus_id = 0;

  if (self->focus >= 0)
    focus_id = kz_entry_get_id (_kz_timeline_get_item (self, self->focus)->entry);

  self->hover = self->focus = self->pressed = -1;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);

  _kz_timeline_layout_compute (&self->layout, self->graph, entry_is_visible, self->context,
                               _kz_timeline_layout_now ());

  /* The keyboard stays on its title when the others come and go. */
  if (focus_id != 0)
    self->focus = _kz_timeline_layout_find_id (&self->layout, focus_id);

  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
rebuild (KzTimeline *self)
{
  guint n_before = self->layout.items->len;

  layout_items (self);

  if (self->layout.items->len != n_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* The part of the timeline its scrolled window shows, and the
 * adjustments that move it. */
static gboolean
get_visible_area (KzTimeline       *self,
                  graphene_rect_t  *area,
                  GtkAdjustment   **hadj,
                  GtkAdjustment   **vadj)
{
  GtkWidget *scrolled;
  GtkWidget *viewport;
  graphene_point_t origin;

  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled == NULL || (viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))) == NULL)
    return FALSE;

  if (!gtk_widget_compute_point (viewport, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (0, 0), &origin))
    return FALSE;

  *hadj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
  *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_init (area, origin.x, origin.y,
                      gtk_widget_get_width (viewport), gtk_widget_get_height (viewport));
  return TRUE;
}

static void
scroll_to_item (KzTimeline *self,
                int         index)
{
  GtkAdjustment *hadj;
  GtkAdjustment *vadj;
  graphene_rect_t area;
  const graphene_rect_t *rect;
  double dx, dy;

  if (index < 0 || !get_visible_area (self, &area, &hadj, &vadj))
    return;

  /* Moving the adjustments by as much as the box is out of view. */
  rect = &_kz_timeline_get_item (self, index)->rect;
  dx = gtk_adjustment_get_value (hadj) - area.origin.x;
  dy = gtk_adjustment_get_value (vadj) - area.origin.y;

  gtk_adjustment_clamp_page (hadj,
                             dx + rect->origin.x - KZ_TIMELINE_MARGIN_X,
                             dx + rect->origin.x + rect->size.width + KZ_TIMELINE_MARGIN_X);
  gtk_adjustment_clamp_page (vadj,
                             dy + rect->origin.y - (rect->origin.y <= KZ_TIMELINE_AXIS_HEIGHT
                                                    ? KZ_TIMELINE_AXIS_HEIGHT
                                                    : KZ_TIMELINE_LANE_HEIGHT - KZ_TIMELINE_BOX_HEIGHT),
                             dy + rect->origin.y + rect->size.height + KZ_TIMELINE_MARGIN_BOTTOM);
}

static void
set_focus_index (KzTimeline *self,
                 int         index)
{
  if (index == self->focus)
    return;

  self->focus = index;
  scroll_to_item (self, index);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
activate_item (KzTimeline *self,
               int         index)
{
  if (index < 0 || (guint) index >= self->layout.items->len)
    return;

  g_signal_emit (self, signals[OPEN_TITLE], 0,
                 kz_entry_get_id (_kz_timeline_get_item (self, index)->entry));
}

static gboolean
key_pressed_cb (KzTimeline            *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  int n = self->layout.items->len;
  int focus = self->focus;
  int target;

  if (n == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      target = focus < 0 ? 0 : MIN (focus + 1, n - 1);
      break;

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      target = focus < 0 ? 0 : MAX (focus - 1, 0);
      break;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      target = focus < 0 ? 0 : _kz_timeline_layout_find_across_lanes (&self->layout, focus, -1);
      break;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      target = focus < 0 ? 0 : _kz_timeline_layout_find_across_lanes (&self->layout, focus, 1);
      break;

    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      target = 0;
      break;

    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      target = n - 1;
      break;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      if (focus < 0)
        return FALSE;
      activate_item (self, focus);
      return TRUE;

    default:
      return FALSE;
    }

  /* Moving by keyboard shows where the keyboard is. */
  self->keyboard_moved = TRUE;

  /* Nothing further that way: stay, and keep the key. */
  if (target >= 0)
    set_focus_index (self, target);

  return TRUE;
}

/* Coming in with Tab starts from the first box in view. */
static void
focus_enter_cb (KzTimeline *self)
{
  GtkAdjustment *hadj;
  GtkAdjustment *vadj;
  graphene_rect_t area;
  int first = 0;

  if (self->focus < 0 && self->layout.items->len > 0)
    {
      if (get_visible_area (self, &area, &hadj, &vadj))
        for (guint i = 0; i < self->layout.items->len; i++)
          if (graphene_rect_intersection (&_kz_timeline_get_item (self, i)->rect, &area, NULL))
            {
              first = i;
              break;
            }

      set_focus_index (self, first);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_hover (KzTimeline *self,
           int         index)
{
  if (index == self->hover)
    return;

  self->hover = index;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), index >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (KzTimeline *self,
           double      x,
           double      y)
{
  set_hover (self, _kz_timeline_layout_item_at (&self->layout, x, y));
}

static void
leave_cb (KzTimeline *self)
{
  set_hover (self, -1);
}

static void
pressed_cb (KzTimeline      *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  int index = _kz_timeline_layout_item_at (&self->layout, x, y);

  self->pressed = index;
  if (index < 0)
    return;

  /* The box first, so that taking the focus does not pick another. */
  self->keyboard_moved = FALSE;
  set_focus_index (self, index);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
released_cb (KzTimeline      *self,
             int              n_press,
             double           x,
             double           y,
             GtkGestureClick *gesture)
{
  int index = _kz_timeline_layout_item_at (&self->layout, x, y);

  /* Only a press and release on the same box opens it. */
  if (index >= 0 && index == self->pressed)
    activate_item (self, index);

  self->pressed = -1;
}

static gboolean
kz_timeline_query_tooltip (GtkWidget  *widget,
                           int         x,
                           int         y,
                           gboolean    keyboard_mode,
                           GtkTooltip *tooltip)
{
  KzTimeline *self = KZ_TIMELINE (widget);
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;
  const KzTimelineItem *item;
  int index;

  index = keyboard_mode ? self->focus : _kz_timeline_layout_item_at (&self->layout, x, y);
  if (index < 0)
    return FALSE;

  item = _kz_timeline_get_item (self, index);
  date = kz_timeline_dup_release_label (item->entry);
  /* Translators: a tooltip; the title, then its format and release date */
  text = g_strdup_printf (_("%s\n%s · %s"),
                          kz_entry_get_title (item->entry, kz_context_get_title_language (self->context)),
                          kz_format_to_label (kz_entry_get_format (item->entry)),
                          date);

  /* Plain text: titles come from the network. */
  gtk_tooltip_set_text (tooltip, text);
  gtk_tooltip_set_tip_area (tooltip,
                            &(GdkRectangle) { item->rect.origin.x, item->rect.origin.y,
                                              item->rect.size.width, item->rect.size.height });
  return TRUE;
}

static void
kz_timeline_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  KzTimeline *self = KZ_TIMELINE (widget);

  /* A canvas: all of it is needed, the scrolled window shows a part. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int) self->layout.width;
  else
    *minimum = *natural = (int) self->layout.height;
}

static void
language_changed_cb (KzTimeline *self)
{
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
kz_timeline_constructed (GObject *object)
{
  KzTimeline *self = KZ_TIMELINE (object);

  G_OBJECT_CLASS (kz_timeline_parent_class)->constructed (object);

  g_return_if_fail (KZ_IS_CONTEXT (self->context));

  g_signal_connect_object (self->context, "notify::title-language",
                           G_CALLBACK (language_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::show-adult",
                           G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);

  update_accessible (self);
}

static void
kz_timeline_dispose (GObject *object)
{
  KzTimeline *self = KZ_TIMELINE (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  _kz_timeline_layout_reset (&self->layout);
  g_clear_object (&self->graph);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_timeline_parent_class)->dispose (object);
}

static void
kz_timeline_finalize (GObject *object)
{
  KzTimeline *self = KZ_TIMELINE (object);

  _kz_timeline_layout_clear (&self->layout);

  G_OBJECT_CLASS (kz_timeline_parent_class)->finalize (object);
}

static void
kz_timeline_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KzTimeline *self = KZ_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->layout.items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_timeline_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  KzTimeline *self = KZ_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_GRAPH:
      kz_timeline_set_graph (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_timeline_class_init (KzTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_timeline_constructed;
  object_class->dispose = kz_timeline_dispose;
  object_class->finalize = kz_timeline_finalize;
  object_class->get_property = kz_timeline_get_property;
  object_class->set_property = kz_timeline_set_property;

  widget_class->measure = kz_timeline_measure;
  widget_class->snapshot = _kz_timeline_snapshot;
  widget_class->query_tooltip = kz_timeline_query_tooltip;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL,
                         KZ_TYPE_FRANCHISE_GRAPH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KzTimeline::open-title:
   * @id: the AniList id of the title whose box was activated
   */
  signals[OPEN_TITLE] =
    g_signal_new ("open-title",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kz_timeline_init (KzTimeline *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  _kz_timeline_layout_init (&self->layout);
  self->hover = self->focus = self->pressed = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Franchise Timeline"),
                                  -1);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
kz_timeline_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_TIMELINE, "context", context, NULL);
}

/* @graph NULL empties the timeline. */
void
kz_timeline_set_graph (KzTimeline       *self,
                       KzFranchiseGraph *graph)
{
  g_return_if_fail (KZ_IS_TIMELINE (self));
  g_return_if_fail (!graph || KZ_IS_FRANCHISE_GRAPH (graph));

  if (self->graph == graph)
    return;

  /* A new franchise starts with no box under the keyboard. */
  self->focus = -1;
  g_set_object (&self->graph, graph);
  if (self->context != NULL)
    rebuild (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPH]);
}

KzFranchiseGraph *
kz_timeline_get_graph (KzTimeline *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), NULL);
  return self->graph;
}

guint
kz_timeline_get_n_items (KzTimeline *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), 0);
  return self->layout.items->len;
}

gint64
kz_timeline_get_item_id (KzTimeline *self,
                         guint       index)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), 0);
  g_return_val_if_fail (index < self->layout.items->len, 0);

  return kz_entry_get_id (_kz_timeline_get_item (self, index)->entry);
}

/* In the timeline's own coordinates. */
gboolean
kz_timeline_get_item_rect (KzTimeline      *self,
                           guint            index,
                           graphene_rect_t *rect)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (index >= self->layout.items->len)
    return FALSE;

  *rect = _kz_timeline_get_item (self, index)->rect;
  return TRUE;
}

int
kz_timeline_get_focus_index (KzTimeline *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), -1);
  return self->focus;
}
