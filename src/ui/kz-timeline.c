/* kz-timeline.c
 *
 * The franchise as boxes on a horizontal time axis: one box per title
 * at its start date, stacked in lanes so that none overlap, with the
 * relations between titles as curves underneath.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "kz-timeline.h"

#define MARGIN_X      24.0
#define MARGIN_BOTTOM 20.0
#define AXIS_HEIGHT   44.0   /* year labels above the first lane */
#define LANE_HEIGHT   56.0
#define BOX_HEIGHT    46.0
#define BOX_WIDTH     172.0
#define BOX_RADIUS    8.0
#define BOX_GAP       10.0   /* least space between boxes in a lane */
#define STRIP_WIDTH   5.0
#define RUN_HEIGHT    8.0    /* the bar of a title that aired for long */
#define RUN_FADE      64.0   /* how a title still airing fades out */
#define TEXT_PADDING  9.0
#define TBA_GAP       56.0   /* between the last year and the "TBA" column */
#define MIN_LABEL_GAP 56.0   /* between two year labels */

typedef enum {
  SHADE_TV,
  SHADE_TV_SHORT,
  SHADE_MOVIE,
  SHADE_SPECIAL,
  SHADE_OVA,
  SHADE_ONA,
  SHADE_MUSIC,
  SHADE_OTHER,
  N_SHADES
} Shade;

typedef enum {
  LINK_STORY,
  LINK_SIDE_STORY,
  LINK_SPIN_OFF,
  LINK_ALTERNATIVE,
  LINK_SUMMARY,
  LINK_OTHER,
  N_LINK_KINDS
} LinkKind;

typedef struct {
  const char *label;
  const char *color;
} PaletteEntry;

/* The GNOME palette, in shades that hold up on light and dark backgrounds. */
static const PaletteEntry shade_palette[N_SHADES] = {
  [SHADE_TV]       = { N_("TV"),       "#3584e4" },
  [SHADE_TV_SHORT] = { N_("TV Short"), "#2190a4" },
  [SHADE_MOVIE]    = { N_("Movie"),    "#e01b24" },
  [SHADE_SPECIAL]  = { N_("Special"),  "#9141ac" },
  [SHADE_OVA]      = { N_("OVA"),      "#2ec27e" },
  [SHADE_ONA]      = { N_("ONA"),      "#ff7800" },
  [SHADE_MUSIC]    = { N_("Music"),    "#e5a50a" },
  [SHADE_OTHER]    = { N_("Other"),    "#986a44" },
};

static const PaletteEntry link_palette[N_LINK_KINDS] = {
  [LINK_STORY]       = { N_("Sequel or Prequel"),   "#3584e4" },
  [LINK_SIDE_STORY]  = { N_("Side Story"),          "#2ec27e" },
  [LINK_SPIN_OFF]    = { N_("Spin-off"),            "#c061cb" },
  [LINK_ALTERNATIVE] = { N_("Alternative Version"), "#ff7800" },
  [LINK_SUMMARY]     = { N_("Summary"),             "#e5a50a" },
  [LINK_OTHER]       = { N_("Other"),               "#9a9996" },
};

typedef struct {
  KzEntry         *entry;  /* borrowed from the graph */
  double           when;     /* in years; G_MAXDOUBLE: unknown */
  double           until;    /* when its run ended, in years; 0: no run */
  guint            order;    /* in release order, to break ties */
  guint            lane;
  Shade            shade;
  gboolean         ongoing;
  graphene_rect_t  rect;
  double           run_end;  /* x of the end of the run bar; 0: none */
} Item;

typedef struct {
  guint    from;  /* item indexes, from the earlier */
  guint    to;
  LinkKind kind;
} Link;

struct _KzTimeline
{
  GtkWidget         parent_instance;

  KzContext        *context;
  KzFranchiseGraph *graph;

  GArray           *items;  /* Item, in time order */
  GArray           *links;  /* Link */

  int               first_year;
  int               last_release;  /* the year of the newest start */
  guint             n_years;
  guint             n_lanes;
  double            px_per_year;
  double            tba_x;
  gboolean          has_tba;
  double            width;
  double            height;

  int               hover;
  int               focus;
  int               pressed;
  gboolean          keyboard_moved;  /* since the last click */
};

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

static Shade
shade_for_format (KzFormat format)
{
  switch (format)
    {
    case KZ_FORMAT_TV:       return SHADE_TV;
    case KZ_FORMAT_TV_SHORT: return SHADE_TV_SHORT;
    case KZ_FORMAT_MOVIE:    return SHADE_MOVIE;
    case KZ_FORMAT_SPECIAL:  return SHADE_SPECIAL;
    case KZ_FORMAT_OVA:      return SHADE_OVA;
    case KZ_FORMAT_ONA:      return SHADE_ONA;
    case KZ_FORMAT_MUSIC:    return SHADE_MUSIC;
    case KZ_FORMAT_UNKNOWN:
    case KZ_FORMAT_MANGA:
    case KZ_FORMAT_NOVEL:
    case KZ_FORMAT_ONE_SHOT:
    default:
      return SHADE_OTHER;
    }
}

static LinkKind
link_kind_for_relation (KzRelationType type)
{
  switch (type)
    {
    case KZ_RELATION_PREQUEL:
    case KZ_RELATION_SEQUEL:
      return LINK_STORY;

    case KZ_RELATION_SIDE_STORY:
    case KZ_RELATION_PARENT:
      return LINK_SIDE_STORY;

    case KZ_RELATION_SPIN_OFF:
      return LINK_SPIN_OFF;

    case KZ_RELATION_ALTERNATIVE:
      return LINK_ALTERNATIVE;

    case KZ_RELATION_SUMMARY:
    case KZ_RELATION_COMPILATION:
    case KZ_RELATION_CONTAINS:
      return LINK_SUMMARY;

    case KZ_RELATION_UNKNOWN:
    case KZ_RELATION_ADAPTATION:
    case KZ_RELATION_CHARACTER:
    case KZ_RELATION_OTHER:
    case KZ_RELATION_SOURCE:
    case KZ_RELATION_SAME_UNIVERSE:
    case KZ_RELATION_N_TYPES:
    default:
      return LINK_OTHER;
    }
}

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
  static KzTimelineSwatch swatches[N_SHADES];
  static gsize initialized;

  g_return_val_if_fail (n_swatches != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      fill_swatches (swatches, shade_palette, N_SHADES);
      g_once_init_leave (&initialized, 1);
    }

  *n_swatches = N_SHADES;
  return swatches;
}

const KzTimelineSwatch *
kz_timeline_get_relation_swatches (guint *n_swatches)
{
  static KzTimelineSwatch swatches[N_LINK_KINDS];
  static gsize initialized;

  g_return_val_if_fail (n_swatches != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      fill_swatches (swatches, link_palette, N_LINK_KINDS);
      g_once_init_leave (&initialized, 1);
    }

  *n_swatches = N_LINK_KINDS;
  return swatches;
}

char *
kz_timeline_dup_release_label (KzEntry *entry)
{
  KzDate date;
  int year;

  g_return_val_if_fail (KZ_IS_ENTRY (entry), NULL);

  date = kz_entry_get_start_date (entry);
  year = kz_entry_get_year (entry);

  if (year <= 0)
    /* Translators: the release date of a title that has none yet */
    return g_strdup (_("TBA"));

  if (date.year > 0 && date.month >= 1 && date.month <= 12)
    {
      g_autoptr(GDateTime) when = g_date_time_new_utc (date.year, date.month, 1, 0, 0, 0);

      /* Translators: a month and year, see the strftime() manual; "Apr 2013" */
      if (when != NULL)
        return g_date_time_format (when, _("%b %Y"));
    }

  return g_strdup_printf ("%d", year);
}

static inline Item *
get_item (KzTimeline *self,
          guint       index)
{
  return &g_array_index (self->items, Item, index);
}

/* Years after January 1st of year 0, placing an unknown month or day in
 * the middle of what is known. */
static double
date_when (KzDate date,
           int    year)
{
  double month_part;

  if (year <= 0)
    return G_MAXDOUBLE;

  if (date.year <= 0 || date.month < 1 || date.month > 12)
    return year + 0.5;

  month_part = date.day >= 1 ? (date.day - 1) / 31.0 : 0.5;
  return year + (date.month - 1 + month_part) / 12.0;
}

static double
now_when (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_get_year (now) + (g_date_time_get_day_of_year (now) - 1) / 365.0;
}

/* A series runs to its end date, or to today while it still airs. */
static void
set_run (Item   *item,
         double  now)
{
  KzDate end = kz_entry_get_end_date (item->entry);
  KzStatus status = kz_entry_get_status (item->entry);

  if (item->when == G_MAXDOUBLE)
    return;

  if (end.year > 0)
    item->until = date_when (end, end.year);
  else if (status == KZ_STATUS_RELEASING || status == KZ_STATUS_HIATUS)
    item->until = MAX (now, item->when);
  else
    return;

  item->ongoing = end.year <= 0;
  if (item->until <= item->when)
    item->until = 0;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *ia = a;
  const Item *ib = b;

  if (ia->when != ib->when)
    return ia->when < ib->when ? -1 : 1;

  return (ia->order > ib->order) - (ia->order < ib->order);
}

/* Wide enough that a title a year fits in one lane; long franchises
 * squeeze, and the boxes then stack in more lanes. */
static double
choose_scale (guint n_years)
{
  double roomy = BOX_WIDTH + 2 * BOX_GAP;

  if (n_years <= 32)
    return roomy;

  return MAX (48.0, roomy * 32.0 / n_years);
}

static guint
label_step (double px_per_year)
{
  static const guint steps[] = { 1, 2, 5, 10, 25, 50 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * px_per_year >= MIN_LABEL_GAP)
      return steps[i];

  return 100;
}

static void
update_accessible (KzTimeline *self)
{
  g_autofree char *summary = NULL;
  g_autofree char *description = NULL;
  guint n_items = self->items->len;

  if (n_items == 0)
    summary = g_strdup (_("No titles"));
  else if (self->n_years == 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u title, release date unknown",
                                            "%u titles, release dates unknown", n_items),
                               n_items);
  else if (self->last_release == self->first_year)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u title in %d",
                                            "%u titles in %d", n_items),
                               n_items, self->first_year);
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u title from %d to %d",
                                            "%u titles from %d to %d", n_items),
                               n_items, self->first_year, self->last_release);

  if (self->focus >= 0)
    {
      Item *item = get_item (self, self->focus);
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

static void
collect_links (KzTimeline *self)
{
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) pairs = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree gint64 *ids = g_new (gint64, MAX (self->items->len, 1));
  const KzEdge *edges;
  guint n_edges;

  for (guint i = 0; i < self->items->len; i++)
    {
      ids[i] = kz_entry_get_id (get_item (self, i)->entry);
      g_hash_table_insert (index_of, &ids[i], GUINT_TO_POINTER (i + 1));
    }

  edges = kz_franchise_graph_get_edges (self->graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      guint a = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, &edges[i].from));
      guint b = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, &edges[i].to));
      Link link;
      guint key;

      /* Hidden titles take their edges with them. */
      if (a == 0 || b == 0 || a == b)
        continue;

      link.from = MIN (a, b) - 1;
      link.to = MAX (a, b) - 1;
      link.kind = link_kind_for_relation (edges[i].type);

      /* A sequel edge and its prequel edge are one line. */
      key = link.from * self->items->len + link.to + 1;
      if (!g_hash_table_add (pairs, GUINT_TO_POINTER (key)))
        continue;

      g_array_append_val (self->links, link);
    }
}

static void
layout_items (KzTimeline *self)
{
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GArray) lane_ends = NULL;
  gint64 focus_id = 0;
  int first_year = G_MAXINT;
  int last_year = G_MININT;
  double now = now_when ();
  double right = 0;

  if (self->focus >= 0)
    focus_id = kz_entry_get_id (get_item (self, self->focus)->entry);

  g_array_set_size (self->items, 0);
  g_array_set_size (self->links, 0);
  self->hover = self->focus = self->pressed = -1;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  self->first_year = 0;
  self->last_release = 0;
  self->n_years = 0;
  self->n_lanes = 0;
  self->has_tba = FALSE;
  self->width = self->height = 0;

  if (self->graph != NULL)
    order = kz_franchise_graph_dup_release_order (self->graph);

  for (guint i = 0; order != NULL && i < order->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (order, i);
      Item item = { 0 };
      int year;

      if (!kz_context_entry_is_visible (self->context, entry))
        continue;

      year = kz_entry_get_year (entry);
      item.entry = entry;
      item.order = i;
      item.when = date_when (kz_entry_get_start_date (entry), year);
      item.shade = shade_for_format (kz_entry_get_format (entry));
      set_run (&item, now);
      g_array_append_val (self->items, item);

      if (year > 0)
        {
          first_year = MIN (first_year, year);
          last_year = MAX (last_year, MAX (year, (int) item.until));
          self->last_release = MAX (self->last_release, year);
        }
    }

  if (self->items->len == 0)
    {
      update_accessible (self);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }

  g_array_sort (self->items, compare_items);

  if (first_year <= last_year)
    {
      self->first_year = first_year;
      self->n_years = last_year - first_year + 1;
    }
  self->px_per_year = choose_scale (self->n_years);
  self->tba_x = MARGIN_X + self->n_years * self->px_per_year + (self->n_years > 0 ? TBA_GAP : 0);
  right = MARGIN_X + self->n_years * self->px_per_year;

  /* First fit, left to right: each box takes the top lane it fits in. */
  lane_ends = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = get_item (self, i);
      double x;
      guint lane;

      if (item->when == G_MAXDOUBLE)
        {
          x = self->tba_x;
          self->has_tba = TRUE;
        }
      else
        {
          x = MARGIN_X + (item->when - self->first_year) * self->px_per_year;
        }

      /* A long run keeps its lane until it ends. */
      if (item->until > 0)
        {
          item->run_end = MARGIN_X + (item->until - self->first_year) * self->px_per_year;
          if (item->run_end <= x + BOX_WIDTH)
            item->run_end = 0;
        }

      for (lane = 0; lane < lane_ends->len; lane++)
        if (g_array_index (lane_ends, double, lane) + BOX_GAP <= x)
          break;

      if (lane == lane_ends->len)
        g_array_set_size (lane_ends, lane + 1);
      g_array_index (lane_ends, double, lane) = MAX (x + BOX_WIDTH, item->run_end);

      item->lane = lane;
      graphene_rect_init (&item->rect, x, AXIS_HEIGHT + lane * LANE_HEIGHT, BOX_WIDTH, BOX_HEIGHT);
      right = MAX (right, MAX (x + BOX_WIDTH, item->run_end));
    }

  self->n_lanes = lane_ends->len;
  self->width = ceil (right + MARGIN_X);
  self->height = ceil (AXIS_HEIGHT + (self->n_lanes - 1) * LANE_HEIGHT + BOX_HEIGHT + MARGIN_BOTTOM);

  collect_links (self);

  for (guint i = 0; focus_id != 0 && i < self->items->len; i++)
    if (kz_entry_get_id (get_item (self, i)->entry) == focus_id)
      self->focus = i;

  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
rebuild (KzTimeline *self)
{
  guint n_before = self->items->len;

  layout_items (self);

  if (self->items->len != n_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static int
item_at (KzTimeline *self,
         double      x,
         double      y)
{
  for (guint i = 0; i < self->items->len; i++)
    if (graphene_rect_contains_point (&get_item (self, i)->rect, &GRAPHENE_POINT_INIT (x, y)))
      return i;

  return -1;
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
  rect = &get_item (self, index)->rect;
  dx = gtk_adjustment_get_value (hadj) - area.origin.x;
  dy = gtk_adjustment_get_value (vadj) - area.origin.y;

  gtk_adjustment_clamp_page (hadj,
                             dx + rect->origin.x - MARGIN_X,
                             dx + rect->origin.x + rect->size.width + MARGIN_X);
  gtk_adjustment_clamp_page (vadj,
                             dy + rect->origin.y - (rect->origin.y <= AXIS_HEIGHT ? AXIS_HEIGHT : LANE_HEIGHT - BOX_HEIGHT),
                             dy + rect->origin.y + rect->size.height + MARGIN_BOTTOM);
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
  if (index < 0 || (guint) index >= self->items->len)
    return;

  g_signal_emit (self, signals[OPEN_TITLE], 0, kz_entry_get_id (get_item (self, index)->entry));
}

/* The nearest box in time in the closest lane above (@direction < 0) or
 * below. */
static int
find_across_lanes (KzTimeline *self,
                   int         from,
                   int         direction)
{
  const Item *current = get_item (self, from);
  double centre = current->rect.origin.x + current->rect.size.width / 2;
  guint best_lanes = G_MAXUINT;
  double best_dx = G_MAXDOUBLE;
  int best = -1;

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = get_item (self, i);
      guint lanes;
      double dx;

      if (direction < 0 ? item->lane >= current->lane : item->lane <= current->lane)
        continue;

      lanes = direction < 0 ? current->lane - item->lane : item->lane - current->lane;
      dx = fabs (item->rect.origin.x + item->rect.size.width / 2 - centre);

      if (lanes < best_lanes || (lanes == best_lanes && dx < best_dx))
        {
          best = i;
          best_lanes = lanes;
          best_dx = dx;
        }
    }

  return best;
}

static gboolean
key_pressed_cb (KzTimeline            *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  int n = self->items->len;
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
      target = focus < 0 ? 0 : find_across_lanes (self, focus, -1);
      break;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      target = focus < 0 ? 0 : find_across_lanes (self, focus, 1);
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

  if (self->focus < 0 && self->items->len > 0)
    {
      if (get_visible_area (self, &area, &hadj, &vadj))
        for (guint i = 0; i < self->items->len; i++)
          if (graphene_rect_intersection (&get_item (self, i)->rect, &area, NULL))
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
  set_hover (self, item_at (self, x, y));
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
  int index = item_at (self, x, y);

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
  int index = item_at (self, x, y);

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
  const Item *item;
  int index;

  index = keyboard_mode ? self->focus : item_at (self, x, y);
  if (index < 0)
    return FALSE;

  item = get_item (self, index);
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
    *minimum = *natural = (int) self->width;
  else
    *minimum = *natural = (int) self->height;
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
draw_axis (KzTimeline    *self,
           GtkSnapshot   *snapshot,
           const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint step = label_step (self->px_per_year);
  double height = gtk_widget_get_height (widget);
  double line_top = AXIS_HEIGHT - 12;
  GdkRGBA major, minor, text;
  PangoAttrList *attrs;

  rgba_with_alpha (&major, fg, 0.14f);
  rgba_with_alpha (&minor, fg, 0.06f);
  rgba_with_alpha (&text, fg, 0.62f);

  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.9));

  for (guint i = 0; i <= self->n_years && self->n_years > 0; i++)
    {
      double x = round (MARGIN_X + i * self->px_per_year);
      gboolean labelled = i % step == 0 && i < self->n_years;

      gtk_snapshot_append_color (snapshot, labelled ? &major : &minor,
                                 &GRAPHENE_RECT_INIT (x, line_top, 1, height - line_top));

      if (labelled)
        {
          g_autoptr(PangoLayout) layout = NULL;
          g_autofree char *year = g_strdup_printf ("%d", self->first_year + (int) i);
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

  if (self->has_tba)
    {
      g_autoptr(PangoLayout) layout = NULL;
      double x = round (self->tba_x - BOX_GAP);
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
           const Item *from,
           const Item *to)
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
draw_links (KzTimeline  *self,
            GtkSnapshot *snapshot,
            gboolean     dark)
{
  guint n_swatches;
  const KzTimelineSwatch *swatches = kz_timeline_get_relation_swatches (&n_swatches);
  int highlight = self->hover >= 0 ? self->hover : (shows_focus (self) ? self->focus : -1);
  cairo_t *cr;

  if (self->links->len == 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, self->width, self->height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* The links of the box under the pointer go last, on top and bolder. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < self->links->len; i++)
        {
          const Link *link = &g_array_index (self->links, Link, i);
          const GdkRGBA *color = &swatches[link->kind].color;
          gboolean lit = highlight >= 0 && ((int) link->from == highlight || (int) link->to == highlight);

          if (lit != (pass == 1))
            continue;

          link_path (cr, get_item (self, link->from), get_item (self, link->to));
          cairo_set_source_rgba (cr, color->red, color->green, color->blue,
                                 lit ? 1.0 : (highlight >= 0 ? 0.25 : (dark ? 0.8 : 0.6)));
          cairo_set_line_width (cr, lit ? 2.5 : 1.5);
          cairo_stroke (cr);
        }
    }

  cairo_destroy (cr);
}

static void
draw_run (KzTimeline  *self,
          GtkSnapshot *snapshot,
          const Item  *item,
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
  const Item *item = get_item (self, index);
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
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                           kz_entry_get_title (item->entry,
                                                               kz_context_get_title_language (self->context)));
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

static void
kz_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  KzTimeline *self = KZ_TIMELINE (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA fg, accent;
  gboolean dark;

  if (self->items->len == 0)
    return;

  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");

  /* Light text means a dark style. */
  dark = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;

  draw_axis (self, snapshot, &fg);
  for (guint i = 0; i < self->items->len; i++)
    draw_run (self, snapshot, get_item (self, i), dark);
  draw_links (self, snapshot, dark);

  for (guint i = 0; i < self->items->len; i++)
    if ((int) i != self->hover && (int) i != self->focus)
      draw_box (self, snapshot, i, &fg, &accent, dark);

  /* The lifted boxes last, so that their shadows fall on the others. */
  if (self->focus >= 0 && self->focus != self->hover)
    draw_box (self, snapshot, self->focus, &fg, &accent, dark);
  if (self->hover >= 0)
    draw_box (self, snapshot, self->hover, &fg, &accent, dark);
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
  if (self->items != NULL)
    g_array_set_size (self->items, 0);
  if (self->links != NULL)
    g_array_set_size (self->links, 0);
  g_clear_object (&self->graph);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_timeline_parent_class)->dispose (object);
}

static void
kz_timeline_finalize (GObject *object)
{
  KzTimeline *self = KZ_TIMELINE (object);

  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->links, g_array_unref);

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
      g_value_set_uint (value, self->items->len);
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
  widget_class->snapshot = kz_timeline_snapshot;
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

  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  self->links = g_array_new (FALSE, FALSE, sizeof (Link));
  self->hover = self->focus = self->pressed = -1;
  self->px_per_year = BOX_WIDTH + 2 * BOX_GAP;

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
  return self->items->len;
}

gint64
kz_timeline_get_item_id (KzTimeline *self,
                         guint       index)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), 0);
  g_return_val_if_fail (index < self->items->len, 0);

  return kz_entry_get_id (get_item (self, index)->entry);
}

/* In the timeline's own coordinates. */
gboolean
kz_timeline_get_item_rect (KzTimeline      *self,
                           guint            index,
                           graphene_rect_t *rect)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (index >= self->items->len)
    return FALSE;

  *rect = get_item (self, index)->rect;
  return TRUE;
}

int
kz_timeline_get_focus_index (KzTimeline *self)
{
  g_return_val_if_fail (KZ_IS_TIMELINE (self), -1);
  return self->focus;
}
