/* kz-timeline-view.c
 *
 * The timeline in a scrolled window, and underneath it what its colours
 * mean and the buttons that zoom it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-timeline-view.h"
#include "kz-timeline-private.h"

#define SWATCH_SIZE 12

struct _KzTimelineView
{
  GtkWidget          parent_instance;

  KzContext         *context;
  KzTimeline        *timeline;

  GtkStack          *stack;
  GtkLabel          *empty_label;
  GtkScrolledWindow *scrolled;
  GtkWidget         *legend;
  GtkWidget         *legend_separator;
  GtkFlowBox        *formats;
  GtkFlowBox        *relations;
};

G_DEFINE_FINAL_TYPE (KzTimelineView, kz_timeline_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  OPEN_TITLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A format is a filled square, a relation a short line: as drawn. */
static void
draw_format_swatch (GtkDrawingArea *area,
                    cairo_t        *cr,
                    int             width,
                    int             height,
                    gpointer        user_data)
{
  const KzTimelineSwatch *swatch = user_data;
  double size = MIN (width, height);
  double x = (width - size) / 2;
  double y = (height - size) / 2;
  double r = 3;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + size - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + size - r, y + size - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + size - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, &swatch->color);
  cairo_fill (cr);
}

static void
draw_relation_swatch (GtkDrawingArea *area,
                      cairo_t        *cr,
                      int             width,
                      int             height,
                      gpointer        user_data)
{
  const KzTimelineSwatch *swatch = user_data;

  cairo_set_line_width (cr, 2.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, 2, height * 0.75);
  cairo_curve_to (cr, width / 2.0, height * 0.75, width / 2.0, height * 0.25, width - 2, height * 0.25);
  gdk_cairo_set_source_rgba (cr, &swatch->color);
  cairo_stroke (cr);
}

static void
add_swatches (GtkFlowBox             *box,
              const KzTimelineSwatch *swatches,
              guint                   n_swatches,
              GtkDrawingAreaDrawFunc  draw,
              int                     swatch_width)
{
  for (guint i = 0; i < n_swatches; i++)
    {
      GtkWidget *item = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *area;
      GtkWidget *label;
      GtkWidget *child;

      /* The colour is only decoration next to its visible name. */
      area = g_object_new (GTK_TYPE_DRAWING_AREA,
                           "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                           "content-width", swatch_width,
                           "content-height", SWATCH_SIZE,
                           "valign", GTK_ALIGN_CENTER,
                           NULL);
      /* The swatches are static: they outlive every widget. */
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw, (gpointer) &swatches[i], NULL);

      label = gtk_label_new (swatches[i].label);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "caption");

      gtk_box_append (GTK_BOX (item), area);
      gtk_box_append (GTK_BOX (item), label);

      gtk_flow_box_append (box, item);
      child = gtk_widget_get_parent (item);
      gtk_widget_set_focusable (child, FALSE);
      gtk_widget_set_can_target (child, FALSE);
    }
}

static void
show_used_swatches (GtkFlowBox *box,
                    guint       used)
{
  GtkFlowBoxChild *child;

  for (guint i = 0; (child = gtk_flow_box_get_child_at_index (box, i)) != NULL; i++)
    gtk_widget_set_visible (GTK_WIDGET (child), (used & (1u << i)) != 0);
}

/* The legend tells only the colours this franchise shows. */
static void
update_legend (KzTimelineView *self)
{
  const KzTimelineLayout *layout = &self->timeline->layout;
  guint formats = 0;
  guint relations = 0;

  for (guint i = 0; i < layout->items->len; i++)
    formats |= 1u << _kz_timeline_layout_get_item (layout, i)->shade;
  for (guint i = 0; i < layout->links->len; i++)
    relations |= 1u << g_array_index (layout->links, KzTimelineLink, i).kind;

  show_used_swatches (self->formats, formats);
  show_used_swatches (self->relations, relations);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->relations)), relations != 0);
}

static void
update_page (KzTimelineView *self)
{
  gboolean has_graph = kz_timeline_get_graph (self->timeline) != NULL;
  gboolean has_items = kz_timeline_get_n_items (self->timeline) > 0;

  if (!has_graph)
    gtk_label_set_text (self->empty_label, _("No Franchise Open"));
  else if (!has_items)
    gtk_label_set_text (self->empty_label, _("No Titles to Show"));

  gtk_stack_set_visible_child_name (self->stack, has_items ? "timeline" : "empty");
  update_legend (self);
  gtk_widget_set_visible (self->legend, has_items);
  gtk_widget_set_visible (self->legend_separator, has_items);
}

/* The buttons zoom the timeline: its actions, as far as they go. */
static void
update_zoom_actions (KzTimelineView *self)
{
  gboolean has_items = kz_timeline_get_n_items (self->timeline) > 0;
  gboolean fit = kz_timeline_get_fit (self->timeline);
  double max;

  kz_timeline_get_scale_range (self->timeline, NULL, &max);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.in",
                                 has_items && kz_timeline_get_scale (self->timeline) < max);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.out", has_items && !fit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.fit", has_items && !fit);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KzTimelineView *self = KZ_TIMELINE_VIEW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->timeline), action_name, NULL);
}

static void
open_title_cb (KzTimelineView *self,
               gint64          id)
{
  g_signal_emit (self, signals[OPEN_TITLE], 0, id);
}

static void
kz_timeline_view_constructed (GObject *object)
{
  KzTimelineView *self = KZ_TIMELINE_VIEW (object);

  G_OBJECT_CLASS (kz_timeline_view_parent_class)->constructed (object);

  g_return_if_fail (KZ_IS_CONTEXT (self->context));

  /* The timeline needs the context from its construction on. It
   * scrolls itself: no viewport. */
  self->timeline = KZ_TIMELINE (kz_timeline_new (self->context));
  gtk_scrolled_window_set_child (self->scrolled, GTK_WIDGET (self->timeline));

  g_signal_connect_object (self->timeline, "open-title",
                           G_CALLBACK (open_title_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "notify::n-items",
                           G_CALLBACK (update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "notify::graph",
                           G_CALLBACK (update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "notify::n-items",
                           G_CALLBACK (update_zoom_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "notify::scale",
                           G_CALLBACK (update_zoom_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "notify::fit",
                           G_CALLBACK (update_zoom_actions), self, G_CONNECT_SWAPPED);

  update_page (self);
  update_zoom_actions (self);
}

static void
kz_timeline_view_dispose (GObject *object)
{
  KzTimelineView *self = KZ_TIMELINE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_TIMELINE_VIEW);
  self->timeline = NULL;
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_timeline_view_parent_class)->dispose (object);
}

static void
kz_timeline_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KzTimelineView *self = KZ_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_timeline_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KzTimelineView *self = KZ_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_timeline_view_class_init (KzTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_timeline_view_constructed;
  object_class->dispose = kz_timeline_view_dispose;
  object_class->get_property = kz_timeline_view_get_property;
  object_class->set_property = kz_timeline_view_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KzTimelineView::open-title:
   * @id: the AniList id of the title activated in the timeline
   */
  signals[OPEN_TITLE] =
    g_signal_new ("open-title",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-timeline-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, stack);
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, scrolled);
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, legend);
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, legend_separator);
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, formats);
  gtk_widget_class_bind_template_child (widget_class, KzTimelineView, relations);

  gtk_widget_class_install_action (widget_class, "zoom.in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "zoom.out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "zoom.fit", NULL, zoom_action);

  /* As on the timeline, for the rest of the view: after a zoom button. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "zoom.in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "zoom.in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "zoom.in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "zoom.out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "zoom.out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "zoom.fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "zoom.fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "timelineview");
}

static void
kz_timeline_view_init (KzTimelineView *self)
{
  const KzTimelineSwatch *swatches;
  guint n_swatches;

  gtk_widget_init_template (GTK_WIDGET (self));

  swatches = kz_timeline_get_format_swatches (&n_swatches);
  add_swatches (self->formats, swatches, n_swatches, draw_format_swatch, SWATCH_SIZE);
  swatches = kz_timeline_get_relation_swatches (&n_swatches);
  add_swatches (self->relations, swatches, n_swatches, draw_relation_swatch, 2 * SWATCH_SIZE);
}

GtkWidget *
kz_timeline_view_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_TIMELINE_VIEW, "context", context, NULL);
}

/* @graph NULL: the empty state. */
void
kz_timeline_view_set_graph (KzTimelineView   *self,
                            KzFranchiseGraph *graph)
{
  g_return_if_fail (KZ_IS_TIMELINE_VIEW (self));
  g_return_if_fail (!graph || KZ_IS_FRANCHISE_GRAPH (graph));

  /* Each franchise opens whole, at its beginning. */
  kz_timeline_set_graph (self->timeline, graph);
}

KzTimeline *
kz_timeline_view_get_timeline (KzTimelineView *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE_VIEW (self), NULL);
  return self->timeline;
}
