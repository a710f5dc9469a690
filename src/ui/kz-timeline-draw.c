/* kz-timeline-draw.c
 *
 * What the timeline shows of its layout. Painted: the year axis, the bars
 * of long runs, the links as curves underneath, then the boxes with their
 * titles; the box under the pointer or the keyboard is lifted, its links
 * drawn bolder. In words: the tooltips and what a screen reader says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "kz-timeline-private.h"

#define BOX_RADIUS    8.0
#define STRIP_WIDTH   KZ_TIMELINE_STRIP_WIDTH
#define RUN_HEIGHT    8.0    /* the bar of a title that aired for long */
#define RUN_FADE      64.0   /* how a title still airing fades out */
#define TEXT_PADDING  KZ_TIMELINE_TEXT_PADDING

typedef struct {
  const char *label;
  const char *color;
} PaletteEntry;

/* The GNOME palette, in shades that hold up on light and dark backgrounds. */
static const PaletteEntry shade_palette[KZ_TIMELINE_N_SHADES] = {
  [KZ_TIMELINE_SHADE_TV]       = { N_("TV"),       "#3584e4" },
  [KZ_TIMELINE_SHADE_TV_SHORT] = { N_("TV Short"), "#2190a4" },
  [KZ_TIMELINE_SHADE_MOVIE]    = { N_("Movie"),    "#e01b24" },
  [KZ_TIMELINE_SHADE_SPECIAL]  = { N_("Special"),  "#9141ac" },
  [KZ_TIMELINE_SHADE_OVA]      = { N_("OVA"),      "#2ec27e" },
  [KZ_TIMELINE_SHADE_ONA]      = { N_("ONA"),      "#ff7800" },
  [KZ_TIMELINE_SHADE_MUSIC]    = { N_("Music"),    "#e5a50a" },
  [KZ_TIMELINE_SHADE_OTHER]    = { N_("Other"),    "#986a44" },
};

static const PaletteEntry link_palette[KZ_TIMELINE_N_LINK_KINDS] = {
  [KZ_TIMELINE_LINK_STORY]       = { N_("Sequel or Prequel"),   "#3584e4" },
  [KZ_TIMELINE_LINK_SIDE_STORY]  = { N_("Side Story"),          "#2ec27e" },
  [KZ_TIMELINE_LINK_SPIN_OFF]    = { N_("Spin-off"),            "#c061cb" },
  [KZ_TIMELINE_LINK_ALTERNATIVE] = { N_("Alternative Version"), "#ff7800" },
  [KZ_TIMELINE_LINK_SUMMARY]     = { N_("Summary"),             "#e5a50a" },
  [KZ_TIMELINE_LINK_OTHER]       = { N_("Other"),               "#9a9996" },
};

static void
fill_swatches (KzTimelineSwatch   *swatches,
               const PaletteEntry *palette,
               guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      swatches[i].label = _(palette[i].label);
      gdk_rgba_parse (&swatches[i].color, palette[i].color);
    }
}

const KzTimelineSwatch *
kz_timeline_get_format_swatches (guint *n_swatches)
{
  static KzTimelineSwatch swatches[KZ_TIMELINE_N_SHADES];
  static gsize initialized;

  g_return_val_if_fail (n_swatches != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      fill_swatches (swatches, shade_palette, KZ_TIMELINE_N_SHADES);
      g_once_init_leave (&initialized, 1);
    }

  *n_swatches = KZ_TIMELINE_N_SHADES;
  return swatches;
}

const KzTimelineSwatch *
kz_timeline_get_relation_swatches (guint *n_swatches)
{
  static KzTimelineSwatch swatches[KZ_TIMELINE_N_LINK_KINDS];
  static gsize initialized;

  g_return_val_if_fail (n_swatches != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      fill_swatches (swatches, link_palette, KZ_TIMELINE_N_LINK_KINDS);
      g_once_init_leave (&initialized, 1);
    }

  *n_swatches = KZ_TIMELINE_N_LINK_KINDS;
  return swatches;
}

/* Boxes keep room for a few words in the font they are drawn in. */
void
_kz_timeline_update_min_box_width (KzTimeline *self)
{
  PangoContext *pango = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontMetrics *metrics = pango_context_get_metrics (pango, NULL, NULL);
  double char_width = pango_font_metrics_get_approximate_char_width (metrics) / (double) PANGO_SCALE;

  pango_font_metrics_unref (metrics);
  self->layout.min_box_width = CLAMP (ceil (KZ_TIMELINE_MIN_BOX_CHARS * char_width) +
                                      KZ_TIMELINE_STRIP_WIDTH + 2 * KZ_TIMELINE_TEXT_PADDING,
                                      64, KZ_TIMELINE_BOX_WIDTH);
}

/* What a screen reader says of the timeline, and of the box the
 * keyboard is on. */
void
_kz_timeline_update_accessible (KzTimeline *self)
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

/* KzTimeline's query-tooltip vfunc: a box's full title, format and date. */
gboolean
_kz_timeline_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard_mode,
                            GtkTooltip *tooltip)
{
  KzTimeline *self = KZ_TIMELINE (widget);
  double scroll_x = gtk_adjustment_get_value (self->hadjustment);
  double scroll_y = gtk_adjustment_get_value (self->vadjustment);
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;
  const KzTimelineItem *item;
  int index;

  index = keyboard_mode ? self->focus : _kz_timeline_layout_item_at (&self->layout, x + scroll_x, y + scroll_y);
  if (index < 0)
    return FALSE;

  item = _kz_timeline_get_item (self, index);
  date = kz_timeline_dup_release_label (item->entry);
  /* Translators: a tooltip; the title, then its format and release date */
  text = g_strdup_printf (_("%s\n%s · %s"),
                          kz_entry_get_title (item->entry, kz_context_get_title_language (self->context)),
                          kz_format_to_label (kz_entry_get_format (item->entry)),
                          date);

  /* Plain text: titles come from the network. In full, where the box
   * may have left some out. */
  gtk_tooltip_set_text (tooltip, text);
  gtk_tooltip_set_tip_area (tooltip,
                            &(GdkRectangle) { item->rect.origin.x - scroll_x, item->rect.origin.y - scroll_y,
                                              item->rect.size.width, item->rect.size.height });
  return TRUE;
}

/* Where the keyboard is, once it is used: after Tab, or moving boxes. */
static gboolean
shows_focus (KzTimeline *self)
{
  return gtk_widget_has_focus (GTK_WIDGET (self)) &&
         (self->keyboard_moved || gtk_widget_has_visible_focus (GTK_WIDGET (self)));
}

static void
rgba_with_alpha (GdkRGBA       *out,
                 const GdkRGBA *color,
                 float          alpha)
{
  *out = *color;
  out->alpha = color->alpha * alpha;
}

static void
draw_axis (KzTimeline            *self,
           GtkSnapshot           *snapshot,
           const graphene_rect_t *area,
           const GdkRGBA         *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint step = _kz_timeline_layout_get_label_step (&self->layout);
  double height = area->origin.y + area->size.height;
  double line_top = KZ_TIMELINE_AXIS_HEIGHT - 12;
  GdkRGBA major, minor, text;
  PangoAttrList *attrs;

  rgba_with_alpha (&major, fg, 0.14f);
  rgba_with_alpha (&minor, fg, 0.06f);
  rgba_with_alpha (&text, fg, 0.62f);

  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.9));

  for (guint i = 0; i <= self->layout.n_years && self->layout.n_years > 0; i++)
    {
      double x = round (KZ_TIMELINE_MARGIN_X + i * self->layout.px_per_year);
      gboolean labelled = i % step == 0 && i < self->layout.n_years;

      if (x < area->origin.x - 100 || x > area->origin.x + area->size.width)
        continue;

      gtk_snapshot_append_color (snapshot, labelled ? &major : &minor,
                                 &GRAPHENE_RECT_INIT (x, line_top, 1, height - line_top));

      if (labelled)
        {
          g_autoptr(PangoLayout) layout = NULL;
          g_autofree char *year = g_strdup_printf ("%d", self->layout.first_year + (int) i);
          int text_height;

          layout = gtk_widget_create_pango_layout (widget, year);
          pango_layout_set_attributes (layout, attrs);
          pango_layout_get_pixel_size (layout, NULL, &text_height);

          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 6, line_top - text_height - 2));
          gtk_snapshot_append_layout (snapshot, layout, &text);
          gtk_snapshot_restore (snapshot);
        }
    }

  if (self->layout.has_tba)
    {
      g_autoptr(PangoLayout) layout = NULL;
      double x = round (self->layout.tba_x - KZ_TIMELINE_BOX_GAP);
      int text_height;

      layout = gtk_widget_create_pango_layout (widget, _("TBA"));
      pango_layout_set_attributes (layout, attrs);
      pango_layout_get_pixel_size (layout, NULL, &text_height);

      gtk_snapshot_append_color (snapshot, &major, &GRAPHENE_RECT_INIT (x, line_top, 1, height - line_top));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 6, line_top - text_height - 2));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }

  pango_attr_list_unref (attrs);
}

static void
link_path (cairo_t    *cr,
           const KzTimelineItem *from,
           const KzTimelineItem *to)
{
  const graphene_rect_t *a = &from->rect;
  const graphene_rect_t *b = &to->rect;
  double ax, ay, bx, by;

  if (from->run_end > 0 && from->lane != to->lane &&
      b->origin.x >= a->origin.x + a->size.width && b->origin.x <= from->run_end)
    {
      /* Branching off a long run where the other title starts. */
      gboolean down = to->lane > from->lane;
      double rise;

      ax = b->origin.x - 4;
      ay = a->origin.y + a->size.height / 2 + (down ? RUN_HEIGHT / 2 : -RUN_HEIGHT / 2);
      bx = b->origin.x + 3 * STRIP_WIDTH;
      by = down ? b->origin.y : b->origin.y + b->size.height;
      rise = by - ay;

      cairo_move_to (cr, ax, ay);
      cairo_curve_to (cr, ax, ay + rise * 0.6, bx, by - rise * 0.4, bx, by);
    }
  else if (b->origin.x >= a->origin.x + a->size.width)
    {
      /* Side to side, leaving and arriving level. */
      double bend;

      ax = a->origin.x + a->size.width;
      ay = a->origin.y + a->size.height / 2;
      bx = b->origin.x;
      by = b->origin.y + b->size.height / 2;
      bend = MAX ((bx - ax) / 2, 24);

      cairo_move_to (cr, ax, ay);
      cairo_curve_to (cr, ax + bend, ay, bx - bend, by, bx, by);
    }
  else
    {
      /* Boxes of about the same time: top to bottom. */
      gboolean down = b->origin.y > a->origin.y;
      double bend;

      ax = a->origin.x + MIN (a->size.width, b->size.width) / 2;
      bx = b->origin.x + MIN (a->size.width, b->size.width) / 2;
      ay = down ? a->origin.y + a->size.height : a->origin.y;
      by = down ? b->origin.y : b->origin.y + b->size.height;
      bend = (by - ay) / 2;

      cairo_move_to (cr, ax, ay);
      cairo_curve_to (cr, ax, ay + bend, bx, by - bend, bx, by);
    }
}

static void
draw_links (KzTimeline            *self,
            GtkSnapshot           *snapshot,
            const graphene_rect_t *area,
            gboolean               dark)
{
  guint n_swatches;
  const KzTimelineSwatch *swatches = kz_timeline_get_relation_swatches (&n_swatches);
  int highlight = self->hover >= 0 ? self->hover : (shows_focus (self) ? self->focus : -1);
  /* Zoomed out, the links cross a lot: quieter, until a box is picked. */
  gboolean crowded = self->layout.box_width < KZ_TIMELINE_BOX_WIDTH;
  double alpha = (dark ? 0.8 : 0.6) * (crowded ? 0.6 : 1.0);
  cairo_t *cr;

  if (self->layout.links->len == 0)
    return;

  /* Only what is on screen: zoomed in, all of it is too big for one surface. */
  cr = gtk_snapshot_append_cairo (snapshot, area);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* The links of the box under the pointer go last, on top and bolder. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < self->layout.links->len; i++)
        {
          const KzTimelineLink *link = &g_array_index (self->layout.links, KzTimelineLink, i);
          const GdkRGBA *color = &swatches[link->kind].color;
          gboolean lit = highlight >= 0 && ((int) link->from == highlight || (int) link->to == highlight);

          if (lit != (pass == 1))
            continue;

          link_path (cr, _kz_timeline_get_item (self, link->from),
                     _kz_timeline_get_item (self, link->to));
          cairo_set_source_rgba (cr, color->red, color->green, color->blue,
                                 lit ? 1.0 : (highlight >= 0 ? 0.25 : alpha));
          cairo_set_line_width (cr, lit ? 2.5 : 1.5);
          cairo_stroke (cr);
        }
    }

  cairo_destroy (cr);
}

static void
draw_run (KzTimeline  *self,
          GtkSnapshot *snapshot,
          const KzTimelineItem  *item,
          gboolean     dark)
{
  guint n_swatches;
  const KzTimelineSwatch *swatches = kz_timeline_get_format_swatches (&n_swatches);
  const graphene_rect_t *rect = &item->rect;
  double start = rect->origin.x + rect->size.width - BOX_RADIUS;
  graphene_rect_t bar;
  GskRoundedRect outline;
  GdkRGBA color;

  if (item->run_end <= 0)
    return;

  rgba_with_alpha (&color, &swatches[item->shade].color, dark ? 0.55f : 0.4f);
  graphene_rect_init (&bar, start, rect->origin.y + (rect->size.height - RUN_HEIGHT) / 2,
                      item->run_end - start, RUN_HEIGHT);
  gsk_rounded_rect_init_from_rect (&outline, &bar, RUN_HEIGHT / 2);

  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  if (item->ongoing && bar.size.width > 2 * RUN_FADE)
    {
      GdkRGBA clear = color;
      float solid = 1.0f - RUN_FADE / bar.size.width;

      /* Still airing: the bar fades out into today. */
      clear.alpha = 0;
      gtk_snapshot_append_linear_gradient (snapshot, &bar,
                                           &GRAPHENE_POINT_INIT (bar.origin.x, 0),
                                           &GRAPHENE_POINT_INIT (bar.origin.x + bar.size.width, 0),
                                           (GskColorStop[3]) {
                                             { 0, color }, { solid, color }, { 1, clear },
                                           }, 3);
    }
  else
    {
      gtk_snapshot_append_color (snapshot, &color, &bar);
    }
  gtk_snapshot_pop (snapshot);
}

static void
draw_box (KzTimeline    *self,
          GtkSnapshot   *snapshot,
          guint          index,
          const GdkRGBA *fg,
          const GdkRGBA *accent,
          gboolean       dark)
{
  const KzTimelineItem *item = _kz_timeline_get_item (self, index);
  const graphene_rect_t *rect = &item->rect;
  guint n_swatches;
  const KzTimelineSwatch *swatches = kz_timeline_get_format_swatches (&n_swatches);
  const GdkRGBA *shade = &swatches[item->shade].color;
  gboolean hovered = (int) index == self->hover;
  gboolean focused = (int) index == self->focus && shows_focus (self);
  g_autoptr(PangoLayout) layout = NULL;
  GskRoundedRect outline;
  GdkRGBA base, tint, edge;
  int text_height;

  gsk_rounded_rect_init_from_rect (&outline, rect, BOX_RADIUS);

  if (dark)
    gdk_rgba_parse (&base, "#383838");
  else
    gdk_rgba_parse (&base, "#ffffff");
  rgba_with_alpha (&tint, shade, dark ? 0.22f : 0.12f);
  rgba_with_alpha (&edge, fg, hovered ? 0.35f : 0.14f);

  if (hovered || focused)
    {
      GdkRGBA shadow;

      rgba_with_alpha (&shadow, &(GdkRGBA) { 0, 0, 0, 1 }, dark ? 0.5f : 0.18f);
      gtk_snapshot_append_outset_shadow (snapshot, &outline, &shadow, 0, 2, 0, 6);
    }

  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &base, rect);
  gtk_snapshot_append_color (snapshot, &tint, rect);
  gtk_snapshot_append_color (snapshot, shade,
                             &GRAPHENE_RECT_INIT (rect->origin.x, rect->origin.y, STRIP_WIDTH, rect->size.height));
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { edge, edge, edge, edge });

  if (focused)
    {
      GskRoundedRect ring;
      graphene_rect_t around;

      graphene_rect_inset_r (rect, -3, -3, &around);
      gsk_rounded_rect_init_from_rect (&ring, &around, BOX_RADIUS + 3);
      gtk_snapshot_append_border (snapshot, &ring,
                                  (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { *accent, *accent, *accent, *accent });
    }

  /* Plain text, never markup: titles come from the network. */
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _kz_timeline_get_box_title (self, item->entry));
  pango_layout_set_width (layout, (int) ((rect->size.width - STRIP_WIDTH - 2 * TEXT_PADDING) * PANGO_SCALE));
  pango_layout_set_height (layout, -2);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, NULL, &text_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (rect->origin.x + STRIP_WIDTH + TEXT_PADDING,
                                                rect->origin.y + floor ((rect->size.height - text_height) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, fg);
  gtk_snapshot_restore (snapshot);
}

static gboolean
separates_name (gunichar c)
{
  return g_unichar_isspace (c) || c == ':' || c == '-' || c == '~' ||
         c == 0x2013 || c == 0x2014 || c == 0x301C || c == 0xFF1A;  /* – — 〜 ： */
}

const char *
_kz_timeline_get_box_title (KzTimeline *self,
                            KzEntry    *entry)
{
  KzTitleLanguage language = kz_context_get_title_language (self->context);
  const char *title = kz_entry_get_title (entry, language);
  KzEntry *root = self->graph != NULL ? kz_franchise_graph_get_root (self->graph) : NULL;
  const char *name, *subtitle, *rest;
  gsize length;

  if (root == NULL)
    return title;

  /* The franchise's name: the root's title, before any subtitle. */
  name = kz_entry_get_title (root, language);
  subtitle = strstr (name, ": ");
  length = subtitle != NULL ? (gsize) (subtitle - name) : strlen (name);

  if (length == 0 || strncmp (title, name, length) != 0 || !separates_name (g_utf8_get_char (title + length)))
    return title;

  for (rest = title + length; *rest != '\0' && separates_name (g_utf8_get_char (rest)); rest = g_utf8_next_char (rest))
    ;

  /* Too little left to tell the title by: all of it, then. */
  return g_utf8_strlen (rest, -1) >= 3 ? rest : title;
}

/* KzTimeline's snapshot vfunc: the layout, scrolled to the adjustments. */
void
_kz_timeline_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  KzTimeline *self = KZ_TIMELINE (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  graphene_rect_t area, around;
  GdkRGBA fg, accent;
  gboolean dark;

  if (self->layout.items->len == 0)
    return;

  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");

  /* Light text means a dark style. */
  dark = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;

  /* Whole pixels, for crisp lines and text. */
  graphene_rect_init (&area,
                      round (gtk_adjustment_get_value (self->hadjustment)),
                      round (gtk_adjustment_get_value (self->vadjustment)),
                      gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  /* With room for the shadow of a lifted box. */
  graphene_rect_inset_r (&area, -12, -12, &around);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-area.origin.x, -area.origin.y));

  draw_axis (self, snapshot, &area, &fg);
  for (guint i = 0; i < self->layout.items->len; i++)
    draw_run (self, snapshot, _kz_timeline_get_item (self, i), dark);
  draw_links (self, snapshot, &area, dark);

  for (guint i = 0; i < self->layout.items->len; i++)
    if ((int) i != self->hover && (int) i != self->focus &&
        graphene_rect_intersection (&_kz_timeline_get_item (self, i)->rect, &around, NULL))
      draw_box (self, snapshot, i, &fg, &accent, dark);

  /* The lifted boxes last, so that their shadows fall on the others. */
  if (self->focus >= 0 && self->focus != self->hover)
    draw_box (self, snapshot, self->focus, &fg, &accent, dark);
  if (self->hover >= 0)
    draw_box (self, snapshot, self->hover, &fg, &accent, dark);

  gtk_snapshot_restore (snapshot);
}
