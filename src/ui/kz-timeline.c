/* kz-timeline.c
 *
 * The franchise as boxes on a horizontal time axis: one box per title
 * at its start date, stacked in lanes so that none overlap, with the
 * relations between titles as curves underneath.
 *
 * This is the widget: its properties and signal, scrolling and zoom, the
 * pointer and the keyboard, focus and accessibility. Where the boxes go
 * is worked out in kz-timeline-layout.c, and painted in
 * kz-timeline-draw.c.
 *
 * It scrolls itself (GtkScrollable) rather than sitting in a viewport:
 * how wide it is depends on the width it is shown in, since it opens
 * on the whole franchise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "kz-timeline-private.h"

/* Ctrl and the wheel zoom in smaller steps than the buttons. */
#define WHEEL_ZOOM_STEP 1.25

G_DEFINE_FINAL_TYPE_WITH_CODE (KzTimeline, kz_timeline, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_GRAPH,
  PROP_N_ITEMS,
  PROP_SCALE,
  PROP_FIT,
  N_PROPS,

  /* GtkScrollable's */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY
};

enum {
  OPEN_TITLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
entry_is_visible (KzEntry  *entry,
                  gpointer  user_data)
{
  return kz_context_entry_is_visible (user_data, entry);
}

static double
get_scroll_x (KzTimeline *self)
{
  return self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0;
}

static double
get_scroll_y (KzTimeline *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

/* The part of the layout on screen. */
static void
get_visible_area (KzTimeline      *self,
                  graphene_rect_t *area)
{
  graphene_rect_init (area, get_scroll_x (self), get_scroll_y (self),
                      gtk_widget_get_width (GTK_WIDGET (self)),
                      gtk_widget_get_height (GTK_WIDGET (self)));
}

/* Which box is at a point in widget coordinates, or -1. */
static int
item_at_point (KzTimeline *self,
               double      x,
               double      y)
{
  return _kz_timeline_layout_item_at (&self->layout, x + get_scroll_x (self), y + get_scroll_y (self));
}

/* What the scrollbars span: the layout, and the part of it shown. */
static void
configure_adjustments (KzTimeline *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, gtk_adjustment_get_value (self->hadjustment),
                              0, MAX (self->layout.width, width),
                              width * 0.1, width * 0.9, width);
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment, gtk_adjustment_get_value (self->vadjustment),
                              0, MAX (self->layout.height, height),
                              KZ_TIMELINE_LANE_HEIGHT, height * 0.9, height);
}

static double
get_min_scale (KzTimeline *self,
               double      width)
{
  return _kz_timeline_layout_get_min_scale (&self->layout, width);
}

/* The scale to show the timeline at in @width. */
static double
scale_for_width (KzTimeline *self,
                 double      width)
{
  double min = get_min_scale (self, width);

  if (self->fit)
    return min;

  return CLAMP (self->layout.px_per_year, min, KZ_TIMELINE_SCALE_MAX);
}

static void
update_actions (KzTimeline *self)
{
  gboolean has_items = self->layout.items->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.in",
                                 has_items && self->layout.px_per_year < KZ_TIMELINE_SCALE_MAX);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.out", has_items && !self->fit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.fit", has_items && !self->fit);
}

static void
set_fit (KzTimeline *self,
         gboolean    fit)
{
  if (self->fit == fit)
    return;

  self->fit = fit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
}

/* Places the boxes at @scale in the room there is, unless they are. */
static void
set_scale (KzTimeline *self,
           double      scale)
{
  double old_scale = self->layout.px_per_year;
  double room_width = self->fit ? gtk_widget_get_width (GTK_WIDGET (self)) : 0;

  if (scale == old_scale && room_width == self->layout.room_width)
    return;

  self->layout.room_width = room_width;
  _kz_timeline_layout_place (&self->layout, scale);

  if (scale != old_scale)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
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

/* What is under the pointer changes as the boxes move under it. */
static void
update_hover (KzTimeline *self)
{
  set_hover (self, self->has_pointer ? item_at_point (self, self->pointer_x, self->pointer_y) : -1);
}

static void
layout_items (KzTimeline *self)
{
  gint64 focus_id = 0;

  if (self->focus >= 0)
    focus_id = kz_entry_get_id (_kz_timeline_get_item (self, self->focus)->entry);

  self->hover = self->focus = self->pressed = -1;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);

  _kz_timeline_update_min_box_width (self);
  _kz_timeline_layout_compute (&self->layout, self->graph, entry_is_visible, self->context,
                               _kz_timeline_layout_now ());
  set_scale (self, scale_for_width (self, gtk_widget_get_width (GTK_WIDGET (self))));

  /* The keyboard stays on its title when the others come and go. */
  if (focus_id != 0)
    self->focus = _kz_timeline_layout_find_id (&self->layout, focus_id);

  configure_adjustments (self);
  update_hover (self);
  update_actions (self);
  _kz_timeline_update_accessible (self);
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

static void
scroll_to_item (KzTimeline *self,
                int         index)
{
  const graphene_rect_t *rect;

  if (index < 0 || self->hadjustment == NULL || self->vadjustment == NULL)
    return;

  rect = &_kz_timeline_get_item (self, index)->rect;
  gtk_adjustment_clamp_page (self->hadjustment,
                             rect->origin.x - KZ_TIMELINE_MARGIN_X,
                             rect->origin.x + rect->size.width + KZ_TIMELINE_MARGIN_X);
  gtk_adjustment_clamp_page (self->vadjustment,
                             rect->origin.y - (rect->origin.y <= KZ_TIMELINE_AXIS_HEIGHT
                                               ? KZ_TIMELINE_AXIS_HEIGHT
                                               : KZ_TIMELINE_LANE_HEIGHT - KZ_TIMELINE_BOX_HEIGHT),
                             rect->origin.y + rect->size.height + KZ_TIMELINE_MARGIN_BOTTOM);
}

/* Zooms to @scale, within bounds, keeping still what the person looks
 * at: with @x >= 0 the moment under it (widget coordinates), else the
 * box @anchor where it is on screen; vertically, @anchor's lane. */
static void
zoom_to (KzTimeline *self,
         double      scale,
         int         anchor,
         double      x)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double min = get_min_scale (self, width);
  double scroll_x = get_scroll_x (self);
  double scroll_y = get_scroll_y (self);
  graphene_rect_t before = GRAPHENE_RECT_INIT (0, 0, 0, 0);
  const graphene_rect_t *after;
  double when = 0;

  if (self->layout.items->len == 0)
    return;

  scale = CLAMP (scale, min, KZ_TIMELINE_SCALE_MAX);
  if (anchor >= 0)
    before = _kz_timeline_get_item (self, anchor)->rect;
  if (x >= 0)
    when = _kz_timeline_layout_time_at (&self->layout, x + scroll_x);

  /* All the way out is the whole franchise, following the width again. */
  set_fit (self, scale <= min);
  set_scale (self, scale);
  configure_adjustments (self);

  if (anchor >= 0)
    {
      after = &_kz_timeline_get_item (self, anchor)->rect;
      gtk_adjustment_set_value (self->vadjustment, after->origin.y - (before.origin.y - scroll_y));
      if (x < 0)
        {
          gtk_adjustment_set_value (self->hadjustment, after->origin.x - (before.origin.x - scroll_x));
          scroll_to_item (self, anchor);
        }
    }
  if (x >= 0)
    gtk_adjustment_set_value (self->hadjustment, _kz_timeline_layout_x_at (&self->layout, when) - x);

  update_hover (self);
  update_actions (self);
  /* Whether the scrollbars are needed may have changed. */
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* What zooming from the keyboard or a button keeps in place: the
 * keyboard's box while it is in view, or the box under the pointer;
 * else the middle of the view. */
static void
zoom_by (KzTimeline *self,
         double      factor)
{
  graphene_rect_t area;
  int anchor = self->hover;

  get_visible_area (self, &area);
  if (self->focus >= 0 &&
      graphene_rect_intersection (&_kz_timeline_get_item (self, self->focus)->rect, &area, NULL))
    anchor = self->focus;

  zoom_to (self, self->layout.px_per_year * factor, anchor,
           anchor >= 0 ? -1 : area.size.width / 2);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KzTimeline *self = KZ_TIMELINE (widget);

  if (g_str_equal (action_name, "zoom.in"))
    kz_timeline_zoom (self, KZ_TIMELINE_ZOOM_STEP);
  else if (g_str_equal (action_name, "zoom.out"))
    kz_timeline_zoom (self, 1 / KZ_TIMELINE_ZOOM_STEP);
  else
    kz_timeline_zoom_to_fit (self);
}

/* Ctrl and the wheel zoom around the pointer; the wheel alone scrolls. */
static gboolean
scroll_cb (KzTimeline               *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0 || self->layout.items->len == 0)
    return FALSE;

  zoom_to (self, self->layout.px_per_year * pow (WHEEL_ZOOM_STEP, -dy), self->hover,
           self->has_pointer ? self->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0);
  return TRUE;
}

static void
set_focus_index (KzTimeline *self,
                 int         index)
{
  if (index == self->focus)
    return;

  self->focus = index;
  scroll_to_item (self, index);
  _kz_timeline_update_accessible (self);
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
  gboolean moves = FALSE;
  int target;

  if (self->layout.items->len == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      if (self->focus < 0)
        return FALSE;
      activate_item (self, self->focus);
      return TRUE;

    default:
      target = _kz_timeline_layout_find_for_key (&self->layout, self->focus, keyval, &moves);
      break;
    }

  if (!moves)
    return FALSE;

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
  graphene_rect_t area;

  if (self->focus < 0 && self->layout.items->len > 0)
    {
      get_visible_area (self, &area);
      set_focus_index (self, MAX (_kz_timeline_layout_first_in (&self->layout, &area), 0));
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (KzTimeline *self,
           double      x,
           double      y)
{
  self->has_pointer = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
leave_cb (KzTimeline *self)
{
  self->has_pointer = FALSE;
  set_hover (self, -1);
}

static void
pressed_cb (KzTimeline      *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  int index = item_at_point (self, x, y);

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
  int index = item_at_point (self, x, y);

  /* Only a press and release on the same box opens it. */
  if (index >= 0 && index == self->pressed)
    activate_item (self, index);

  self->pressed = -1;
}

static GtkSizeRequestMode
kz_timeline_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* The whole layout: the scrolled window shows a part. Fitting the
 * width, it is as wide as the least it can be, so that the scrollbar
 * only shows when even that does not fit. */
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
  double scale = self->layout.px_per_year;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = self->fit
                            ? (int) _kz_timeline_layout_width_at (&self->layout, get_min_scale (self, 0))
                            : (int) self->layout.width;
      return;
    }

  if (for_size >= 0)
    scale = scale_for_width (self, for_size);
  *minimum = *natural = scale == self->layout.px_per_year
                        ? (int) self->layout.height
                        : (int) _kz_timeline_layout_height_at (&self->layout, scale);
}

static void
kz_timeline_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  KzTimeline *self = KZ_TIMELINE (widget);
  double scale = scale_for_width (self, width);

  /* Wide enough now to show it all: from here on it follows the width. */
  if (scale <= get_min_scale (self, width))
    set_fit (self, TRUE);
  set_scale (self, scale);

  configure_adjustments (self);
  update_hover (self);
  update_actions (self);
}

static void
kz_timeline_system_setting_changed (GtkWidget         *widget,
                                    GtkSystemSetting   setting)
{
  KzTimeline *self = KZ_TIMELINE (widget);

  GTK_WIDGET_CLASS (kz_timeline_parent_class)->system_setting_changed (widget, setting);

  /* The boxes' least width follows the font. */
  if (setting == GTK_SYSTEM_SETTING_FONT_NAME || setting == GTK_SYSTEM_SETTING_DPI)
    layout_items (self);
}

static void
language_changed_cb (KzTimeline *self)
{
  _kz_timeline_update_accessible (self);
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

  _kz_timeline_update_accessible (self);
}

static void
kz_timeline_dispose (GObject *object)
{
  KzTimeline *self = KZ_TIMELINE (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->hadjustment, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
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
adjustment_value_changed_cb (KzTimeline *self)
{
  update_hover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (KzTimeline     *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (adjustment == *slot)
    return;

  if (*slot != NULL)
    g_signal_handlers_disconnect_by_data (*slot, self);
  g_clear_object (slot);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_value_changed_cb), self, G_CONNECT_SWAPPED);

  configure_adjustments (self);
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

    case PROP_SCALE:
      g_value_set_double (value, self->layout.px_per_year);
      break;

    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;

    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;

    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;

    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;

    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
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

    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;

    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;

    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
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

  widget_class->get_request_mode = kz_timeline_get_request_mode;
  widget_class->measure = kz_timeline_measure;
  widget_class->size_allocate = kz_timeline_size_allocate;
  widget_class->snapshot = _kz_timeline_snapshot;
  widget_class->query_tooltip = _kz_timeline_query_tooltip;
  widget_class->system_setting_changed = kz_timeline_system_setting_changed;

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

  /* Pixels per year. */
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL,
                         0, G_MAXDOUBLE, KZ_TIMELINE_FIT_SCALE_MAX,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Zoomed out to the whole franchise, following the width. */
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL,
                          TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

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

  gtk_widget_class_install_action (widget_class, "zoom.in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "zoom.out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "zoom.fit", NULL, zoom_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "zoom.in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "zoom.in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "zoom.in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "zoom.out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "zoom.out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "zoom.fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "zoom.fit", NULL);

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
  self->fit = TRUE;

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

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  update_actions (self);
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
  gboolean newer_copy;

  g_return_if_fail (KZ_IS_TIMELINE (self));
  g_return_if_fail (!graph || KZ_IS_FRANCHISE_GRAPH (graph));

  if (self->graph == graph)
    return;

  /* A newer copy of the franchise shown (a background update) keeps the
   * zoom, the scroll and the box under the keyboard (found again by id
   * when laid out). A new franchise starts whole, at its beginning, with
   * no box under the keyboard. */
  newer_copy = self->graph != NULL && graph != NULL &&
               kz_franchise_graph_get_root_id (self->graph) == kz_franchise_graph_get_root_id (graph);
  if (!newer_copy)
    {
      self->focus = -1;
      set_fit (self, TRUE);
    }
  g_set_object (&self->graph, graph);
  if (self->context != NULL)
    rebuild (self);
  if (!newer_copy && self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, 0);
  if (!newer_copy && self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, 0);

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

/* Where the box is in the whole layout, before scrolling: what is on
 * screen starts at the adjustments' values. */
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

double
kz_timeline_get_scale (KzTimeline *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), 0);
  return self->layout.px_per_year;
}

/* What zooming can reach at the current width. */
void
kz_timeline_get_scale_range (KzTimeline *self,
                             double     *min,
                             double     *max)
{
  g_return_if_fail (KZ_IS_TIMELINE (self));

  if (min != NULL)
    *min = get_min_scale (self, gtk_widget_get_width (GTK_WIDGET (self)));
  if (max != NULL)
    *max = KZ_TIMELINE_SCALE_MAX;
}

gboolean
kz_timeline_get_fit (KzTimeline *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), FALSE);
  return self->fit;
}

/* Multiplies the scale by @factor, within bounds, keeping the box of
 * the keyboard or under the pointer where it is. */
void
kz_timeline_zoom (KzTimeline *self,
                  double      factor)
{
  g_return_if_fail (KZ_IS_TIMELINE (self));
  g_return_if_fail (factor > 0);

  zoom_by (self, factor);
}

/* Back to the whole franchise in the width it has. */
void
kz_timeline_zoom_to_fit (KzTimeline *self)
{
  g_return_if_fail (KZ_IS_TIMELINE (self));

  zoom_by (self, 0);
}
