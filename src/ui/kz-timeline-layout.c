/* kz-timeline-layout.c
 *
 * Where the timeline puts everything, from the graph alone: one box per
 * title at its start date, stacked in lanes so that none overlap, the
 * bar of a long run, and the links between titles; and a title's date
 * as people read it. Nothing here draws or looks at a widget.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "kz-timeline-private.h"

#define TBA_GAP       56.0   /* between the last year and the "TBA" column */
#define MIN_LABEL_GAP 56.0   /* between two year labels */

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

/* Wide enough that a title a year fits in one lane; long franchises
 * squeeze, and the boxes then stack in more lanes. */
static double
choose_scale (guint n_years)
{
  double roomy = KZ_TIMELINE_BOX_WIDTH + 2 * KZ_TIMELINE_BOX_GAP;

  if (n_years <= 32)
    return roomy;

  return MAX (48.0, roomy * 32.0 / n_years);
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
  layout->px_per_year = KZ_TIMELINE_BOX_WIDTH + 2 * KZ_TIMELINE_BOX_GAP;
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
  g_autoptr(GArray) lane_ends = NULL;
  int first_year = G_MAXINT;
  int last_year = G_MININT;
  double right = 0;

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
  layout->px_per_year = choose_scale (layout->n_years);
  layout->tba_x = KZ_TIMELINE_MARGIN_X + layout->n_years * layout->px_per_year +
                  (layout->n_years > 0 ? TBA_GAP : 0);
  right = KZ_TIMELINE_MARGIN_X + layout->n_years * layout->px_per_year;

  /* First fit, left to right: each box takes the top lane it fits in. */
  lane_ends = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < layout->items->len; i++)
    {
      KzTimelineItem *item = _kz_timeline_layout_get_item (layout, i);
      double x;
      guint lane;

      if (item->when == G_MAXDOUBLE)
        {
          x = layout->tba_x;
          layout->has_tba = TRUE;
        }
      else
        {
          x = KZ_TIMELINE_MARGIN_X + (item->when - layout->first_year) * layout->px_per_year;
        }

      /* A long run keeps its lane until it ends. */
      if (item->until > 0)
        {
          item->run_end = KZ_TIMELINE_MARGIN_X + (item->until - layout->first_year) * layout->px_per_year;
          if (item->run_end <= x + KZ_TIMELINE_BOX_WIDTH)
            item->run_end = 0;
        }

      for (lane = 0; lane < lane_ends->len; lane++)
        if (g_array_index (lane_ends, double, lane) + KZ_TIMELINE_BOX_GAP <= x)
          break;

      if (lane == lane_ends->len)
        g_array_set_size (lane_ends, lane + 1);
      g_array_index (lane_ends, double, lane) = MAX (x + KZ_TIMELINE_BOX_WIDTH, item->run_end);

      item->lane = lane;
      graphene_rect_init (&item->rect,
                          x, KZ_TIMELINE_AXIS_HEIGHT + lane * KZ_TIMELINE_LANE_HEIGHT,
                          KZ_TIMELINE_BOX_WIDTH, KZ_TIMELINE_BOX_HEIGHT);
      right = MAX (right, MAX (x + KZ_TIMELINE_BOX_WIDTH, item->run_end));
    }

  layout->n_lanes = lane_ends->len;
  layout->width = ceil (right + KZ_TIMELINE_MARGIN_X);
  layout->height = ceil (KZ_TIMELINE_AXIS_HEIGHT + (layout->n_lanes - 1) * KZ_TIMELINE_LANE_HEIGHT +
                         KZ_TIMELINE_BOX_HEIGHT + KZ_TIMELINE_MARGIN_BOTTOM);

  collect_links (layout, graph);
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
int
_kz_timeline_layout_find_across_lanes (const KzTimelineLayout *layout,
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
