/* kz-timeline-layout.c
 *
 * Where the timeline puts everything, from the graph alone: one box per
 * title at its start date, stacked in lanes so that none overlap, the
 * bar of a long run, and the links between titles; the scales worth
 * zooming to; and a title's date as people read it. Nothing here draws
 * or looks at a widget.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "kz-timeline-private.h"

#define TBA_GAP           56.0   /* between the last year and the "TBA" column */
#define MIN_LABEL_GAP     56.0   /* between two year labels */
#define MAX_YEARS_PER_BOX 5.0    /* zoomed out, boxes pile up in lanes beyond this */

static KzTimelineShade
shade_for_format (KzFormat format)
{
  switch (format)
    {
    case KZ_FORMAT_TV:       return KZ_TIMELINE_SHADE_TV;
    case KZ_FORMAT_TV_SHORT: return KZ_TIMELINE_SHADE_TV_SHORT;
    case KZ_FORMAT_MOVIE:    return KZ_TIMELINE_SHADE_MOVIE;
    case KZ_FORMAT_SPECIAL:  return KZ_TIMELINE_SHADE_SPECIAL;
    case KZ_FORMAT_OVA:      return KZ_TIMELINE_SHADE_OVA;
    case KZ_FORMAT_ONA:      return KZ_TIMELINE_SHADE_ONA;
    case KZ_FORMAT_MUSIC:    return KZ_TIMELINE_SHADE_MUSIC;
    case KZ_FORMAT_UNKNOWN:
    case KZ_FORMAT_MANGA:
    case KZ_FORMAT_NOVEL:
    case KZ_FORMAT_ONE_SHOT:
    default:
      return KZ_TIMELINE_SHADE_OTHER;
    }
}

static KzTimelineLinkKind
link_kind_for_relation (KzRelationType type)
{
  switch (type)
    {
    case KZ_RELATION_PREQUEL:
    case KZ_RELATION_SEQUEL:
      return KZ_TIMELINE_LINK_STORY;

    case KZ_RELATION_SIDE_STORY:
    case KZ_RELATION_PARENT:
      return KZ_TIMELINE_LINK_SIDE_STORY;

    case KZ_RELATION_SPIN_OFF:
      return KZ_TIMELINE_LINK_SPIN_OFF;

    case KZ_RELATION_ALTERNATIVE:
      return KZ_TIMELINE_LINK_ALTERNATIVE;

    case KZ_RELATION_SUMMARY:
    case KZ_RELATION_COMPILATION:
    case KZ_RELATION_CONTAINS:
      return KZ_TIMELINE_LINK_SUMMARY;

    case KZ_RELATION_UNKNOWN:
    case KZ_RELATION_ADAPTATION:
    case KZ_RELATION_CHARACTER:
    case KZ_RELATION_OTHER:
    case KZ_RELATION_SOURCE:
    case KZ_RELATION_SAME_UNIVERSE:
    case KZ_RELATION_N_TYPES:
    default:
      return KZ_TIMELINE_LINK_OTHER;
    }
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

double
_kz_timeline_layout_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_get_year (now) + (g_date_time_get_day_of_year (now) - 1) / 365.0;
}

/* A series runs to its end date, or to today while it still airs. */
static void
set_run (KzTimelineItem *item,
         double          now)
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
  const KzTimelineItem *ia = a;
  const KzTimelineItem *ib = b;

  if (ia->when != ib->when)
    return ia->when < ib->when ? -1 : 1;

  return (ia->order > ib->order) - (ia->order < ib->order);
}

guint
_kz_timeline_layout_get_label_step (const KzTimelineLayout *layout)
{
  static const guint steps[] = { 1, 2, 5, 10, 25, 50 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * layout->px_per_year >= MIN_LABEL_GAP)
      return steps[i];

  return 100;
}

static void
collect_links (KzTimelineLayout *layout,
               KzFranchiseGraph *graph)
{
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) pairs = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree gint64 *ids = g_new (gint64, MAX (layout->items->len, 1));
  const KzEdge *edges;
  guint n_edges;

  for (guint i = 0; i < layout->items->len; i++)
    {
      ids[i] = kz_entry_get_id (_kz_timeline_layout_get_item (layout, i)->entry);
      g_hash_table_insert (index_of, &ids[i], GUINT_TO_POINTER (i + 1));
    }

  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      guint a = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, &edges[i].from));
      guint b = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, &edges[i].to));
      KzTimelineLink link;
      guint key;

      /* Hidden titles take their edges with them. */
      if (a == 0 || b == 0 || a == b)
        continue;

      link.from = MIN (a, b) - 1;
      link.to = MAX (a, b) - 1;
      link.kind = link_kind_for_relation (edges[i].type);

      /* A sequel edge and its prequel edge are one line. */
      key = link.from * layout->items->len + link.to + 1;
      if (!g_hash_table_add (pairs, GUINT_TO_POINTER (key)))
        continue;

      g_array_append_val (layout->links, link);
    }
}

void
_kz_timeline_layout_init (KzTimelineLayout *layout)
{
  memset (layout, 0, sizeof *layout);
  layout->items = g_array_new (FALSE, TRUE, sizeof (KzTimelineItem));
  layout->links = g_array_new (FALSE, FALSE, sizeof (KzTimelineLink));
  layout->px_per_year = KZ_TIMELINE_FIT_SCALE_MAX;
  layout->box_width = KZ_TIMELINE_BOX_WIDTH;
  layout->min_box_width = 112;
}

void
_kz_timeline_layout_reset (KzTimelineLayout *layout)
{
  if (layout->items != NULL)
    g_array_set_size (layout->items, 0);
  if (layout->links != NULL)
    g_array_set_size (layout->links, 0);
}

void
_kz_timeline_layout_clear (KzTimelineLayout *layout)
{
  g_clear_pointer (&layout->items, g_array_unref);
  g_clear_pointer (&layout->links, g_array_unref);
}

/* @graph NULL, or nothing visible in it, leaves the layout empty.
 * @now places the end of what still airs. */
void
_kz_timeline_layout_compute (KzTimelineLayout      *layout,
                             KzFranchiseGraph      *graph,
                             KzTimelineVisibleFunc  is_visible,
                             gpointer               user_data,
                             double                 now)
{
  g_autoptr(GPtrArray) order = NULL;
  int first_year = G_MAXINT;
  int last_year = G_MININT;

  g_return_if_fail (is_visible != NULL);

  g_array_set_size (layout->items, 0);
  g_array_set_size (layout->links, 0);
  layout->first_year = 0;
  layout->last_release = 0;
  layout->n_years = 0;
  layout->n_lanes = 0;
  layout->has_tba = FALSE;
  layout->width = layout->height = 0;

  if (graph != NULL)
    order = kz_franchise_graph_dup_release_order (graph);

  for (guint i = 0; order != NULL && i < order->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (order, i);
      KzTimelineItem item = { 0 };
      int year;

      if (!is_visible (entry, user_data))
        continue;

      year = kz_entry_get_year (entry);
      item.entry = entry;
      item.order = i;
      item.when = date_when (kz_entry_get_start_date (entry), year);
      item.shade = shade_for_format (kz_entry_get_format (entry));
      set_run (&item, now);
      g_array_append_val (layout->items, item);

      if (year > 0)
        {
          first_year = MIN (first_year, year);
          last_year = MAX (last_year, MAX (year, (int) item.until));
          layout->last_release = MAX (layout->last_release, year);
        }
    }

  if (layout->items->len == 0)
    return;

  g_array_sort (layout->items, compare_items);

  if (first_year <= last_year)
    {
      layout->first_year = first_year;
      layout->n_years = last_year - first_year + 1;
    }

  collect_links (layout, graph);
  _kz_timeline_layout_place (layout, layout->px_per_year);
}

/* Boxes narrow as the years do, down to what shows a title. */
static double
box_width_at (const KzTimelineLayout *layout,
              double                  px_per_year)
{
  return CLAMP (px_per_year - 2 * KZ_TIMELINE_BOX_GAP, layout->min_box_width, KZ_TIMELINE_BOX_WIDTH);
}

static double
tba_x_at (const KzTimelineLayout *layout,
          double                  px_per_year)
{
  return KZ_TIMELINE_MARGIN_X + layout->n_years * px_per_year + (layout->n_years > 0 ? TBA_GAP : 0);
}

/* Where a box starts, and where its run ends (0: no run bar). */
static double
item_x_at (const KzTimelineLayout *layout,
           const KzTimelineItem   *item,
           double                  px_per_year,
           double                  box_width,
           double                 *run_end)
{
  double x;

  if (item->when == G_MAXDOUBLE)
    x = tba_x_at (layout, px_per_year);
  else
    x = KZ_TIMELINE_MARGIN_X + (item->when - layout->first_year) * px_per_year;

  *run_end = 0;
  if (item->until > 0)
    {
      *run_end = KZ_TIMELINE_MARGIN_X + (item->until - layout->first_year) * px_per_year;
      if (*run_end <= x + box_width)
        *run_end = 0;
    }

  return x;
}

/* First fit, left to right: each box takes the top lane it fits in, and
 * a long run keeps its lane until it ends. Returns the number of lanes.
 *
 * With @store, the places go into the items, and boxes then widen into
 * the free room of their lane, showing more of their titles: up to the
 * next box, or @right_limit for the last (0: no limit). */
static guint
arrange (const KzTimelineLayout *layout,
         double                  px_per_year,
         double                  box_width,
         gboolean                store,
         double                  right_limit)
{
  g_autoptr(GArray) lane_ends = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lane_last = g_array_new (FALSE, FALSE, sizeof (KzTimelineItem *));

  for (guint i = 0; i < layout->items->len; i++)
    {
      KzTimelineItem *item = _kz_timeline_layout_get_item (layout, i);
      KzTimelineItem *before;
      double x, run_end;
      guint lane;

      x = item_x_at (layout, item, px_per_year, box_width, &run_end);

      for (lane = 0; lane < lane_ends->len; lane++)
        if (g_array_index (lane_ends, double, lane) + KZ_TIMELINE_BOX_GAP <= x)
          break;

      if (lane == lane_ends->len)
        {
          g_array_set_size (lane_ends, lane + 1);
          g_array_append_val (lane_last, (KzTimelineItem *) { NULL });
        }
      g_array_index (lane_ends, double, lane) = MAX (x + box_width, run_end);

      if (!store)
        continue;

      before = g_array_index (lane_last, KzTimelineItem *, lane);
      if (before != NULL && before->run_end == 0)
        before->rect.size.width = MIN (KZ_TIMELINE_BOX_WIDTH, x - KZ_TIMELINE_BOX_GAP - before->rect.origin.x);
      g_array_index (lane_last, KzTimelineItem *, lane) = item;

      item->lane = lane;
      item->run_end = run_end;
      graphene_rect_init (&item->rect,
                          x, KZ_TIMELINE_AXIS_HEIGHT + lane * KZ_TIMELINE_LANE_HEIGHT,
                          box_width, KZ_TIMELINE_BOX_HEIGHT);
    }

  /* The last box of each lane, up to the edge. */
  for (guint lane = 0; store && lane < lane_last->len; lane++)
    {
      KzTimelineItem *last = g_array_index (lane_last, KzTimelineItem *, lane);
      double room = right_limit > 0 ? right_limit - last->rect.origin.x : KZ_TIMELINE_BOX_WIDTH;

      if (last->run_end == 0)
        last->rect.size.width = CLAMP (room, box_width, KZ_TIMELINE_BOX_WIDTH);
    }

  return lane_ends->len;
}

static double
content_width (const KzTimelineLayout *layout,
               double                  px_per_year,
               double                  box_width)
{
  double right = KZ_TIMELINE_MARGIN_X + layout->n_years * px_per_year;

  if (layout->items->len == 0)
    return 0;

  for (guint i = 0; i < layout->items->len; i++)
    {
      double run_end;
      double x = item_x_at (layout, _kz_timeline_layout_get_item (layout, i),
                            px_per_year, box_width, &run_end);

      right = MAX (right, MAX (x + box_width, run_end));
    }

  return ceil (right + KZ_TIMELINE_MARGIN_X);
}

static double
height_for_lanes (guint n_lanes)
{
  if (n_lanes == 0)
    return 0;

  return ceil (KZ_TIMELINE_AXIS_HEIGHT + (n_lanes - 1) * KZ_TIMELINE_LANE_HEIGHT +
               KZ_TIMELINE_BOX_HEIGHT + KZ_TIMELINE_MARGIN_BOTTOM);
}

/* The least width and height: boxes at their narrowest for the scale. */
double
_kz_timeline_layout_width_at (const KzTimelineLayout *layout,
                              double                  px_per_year)
{
  return content_width (layout, px_per_year, box_width_at (layout, px_per_year));
}

double
_kz_timeline_layout_height_at (const KzTimelineLayout *layout,
                               double                  px_per_year)
{
  return height_for_lanes (arrange (layout, px_per_year, box_width_at (layout, px_per_year), FALSE, 0));
}

void
_kz_timeline_layout_place (KzTimelineLayout *layout,
                           double            px_per_year)
{
  double right_limit = 0;
  double right = 0;

  g_return_if_fail (px_per_year > 0);

  layout->px_per_year = px_per_year;
  layout->box_width = box_width_at (layout, px_per_year);
  layout->tba_x = tba_x_at (layout, px_per_year);
  layout->has_tba = FALSE;
  for (guint i = 0; i < layout->items->len; i++)
    if (_kz_timeline_layout_get_item (layout, i)->when == G_MAXDOUBLE)
      layout->has_tba = TRUE;

  /* Showing it all, widened boxes stay within what the narrowest need. */
  if (layout->room_width > 0)
    right_limit = MAX (layout->room_width, _kz_timeline_layout_width_at (layout, px_per_year)) -
                  KZ_TIMELINE_MARGIN_X;

  layout->n_lanes = arrange (layout, px_per_year, layout->box_width, TRUE, right_limit);
  layout->height = height_for_lanes (layout->n_lanes);

  for (guint i = 0; i < layout->items->len; i++)
    {
      const KzTimelineItem *item = _kz_timeline_layout_get_item (layout, i);

      right = MAX (right, item->rect.origin.x + item->rect.size.width);
    }
  layout->width = layout->items->len > 0
                  ? MAX (_kz_timeline_layout_width_at (layout, px_per_year), ceil (right + KZ_TIMELINE_MARGIN_X))
                  : 0;
}

/* The largest scale at which the whole franchise fits in @width, within
 * what is readable and what is sensible: boxes keep their least width,
 * so zoomed out further they only stack in more lanes. */
double
_kz_timeline_layout_get_min_scale (const KzTimelineLayout *layout,
                                   double                  width)
{
  double low = layout->min_box_width / MAX_YEARS_PER_BOX;
  double high = KZ_TIMELINE_FIT_SCALE_MAX;

  if (_kz_timeline_layout_width_at (layout, high) <= width)
    return high;
  if (_kz_timeline_layout_width_at (layout, low) >= width)
    return low;

  /* The width grows with the scale: halve the range to a tenth of a pixel. */
  while (high - low > 0.01)
    {
      double middle = (low + high) / 2;

      if (_kz_timeline_layout_width_at (layout, middle) <= width)
        low = middle;
      else
        high = middle;
    }

  return low;
}

double
_kz_timeline_layout_time_at (const KzTimelineLayout *layout,
                             double                  x)
{
  return layout->first_year + (x - KZ_TIMELINE_MARGIN_X) / layout->px_per_year;
}

double
_kz_timeline_layout_x_at (const KzTimelineLayout *layout,
                          double                  when)
{
  return KZ_TIMELINE_MARGIN_X + (when - layout->first_year) * layout->px_per_year;
}

int
_kz_timeline_layout_find_id (const KzTimelineLayout *layout,
                             gint64                  id)
{
  for (guint i = 0; i < layout->items->len; i++)
    if (kz_entry_get_id (_kz_timeline_layout_get_item (layout, i)->entry) == id)
      return i;

  return -1;
}

int
_kz_timeline_layout_item_at (const KzTimelineLayout *layout,
                             double                  x,
                             double                  y)
{
  for (guint i = 0; i < layout->items->len; i++)
    if (graphene_rect_contains_point (&_kz_timeline_layout_get_item (layout, i)->rect,
                                      &GRAPHENE_POINT_INIT (x, y)))
      return i;

  return -1;
}

/* The nearest box in time in the closest lane above (@direction < 0) or
 * below. */
static int
find_across_lanes (const KzTimelineLayout *layout,
                                       int                     from,
                                       int                     direction)
{
  const KzTimelineItem *current = _kz_timeline_layout_get_item (layout, from);
  double centre = current->rect.origin.x + current->rect.size.width / 2;
  guint best_lanes = G_MAXUINT;
  double best_dx = G_MAXDOUBLE;
  int best = -1;

  for (guint i = 0; i < layout->items->len; i++)
    {
      const KzTimelineItem *item = _kz_timeline_layout_get_item (layout, i);
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

int
_kz_timeline_layout_find_for_key (const KzTimelineLayout *layout,
                                  int                     from,
                                  guint                   keyval,
                                  gboolean               *moves)
{
  int last = (int) layout->items->len - 1;

  *moves = TRUE;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      return from < 0 ? 0 : MIN (from + 1, last);

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      return from < 0 ? 0 : MAX (from - 1, 0);

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      return from < 0 ? 0 : find_across_lanes (layout, from, -1);

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      return from < 0 ? 0 : find_across_lanes (layout, from, 1);

    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      return 0;

    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      return last;

    default:
      *moves = FALSE;
      return -1;
    }
}

int
_kz_timeline_layout_first_in (const KzTimelineLayout *layout,
                              const graphene_rect_t  *area)
{
  for (guint i = 0; i < layout->items->len; i++)
    if (graphene_rect_intersection (&_kz_timeline_layout_get_item (layout, i)->rect, area, NULL))
      return i;

  return -1;
}
