/* kz-timeline-private.h: what the timeline's source files share
 *
 * kz-timeline-layout.c works out where everything goes from the graph
 * alone: the time axis, a box per title stacked in lanes, the runs and
 * the links between titles. It draws nothing and touches no widget.
 * kz-timeline-draw.c paints a layout: axis, runs, links and boxes.
 * kz-timeline.c is the widget around them: properties, the signal,
 * pointer and keyboard, focus, tooltips and accessibility.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-timeline.h"

G_BEGIN_DECLS

/* Geometry, in pixels, shared by the layout, the drawing and scrolling. */
#define KZ_TIMELINE_MARGIN_X      24.0
#define KZ_TIMELINE_MARGIN_BOTTOM 20.0
#define KZ_TIMELINE_AXIS_HEIGHT   44.0   /* year labels above the first lane */
#define KZ_TIMELINE_LANE_HEIGHT   56.0
#define KZ_TIMELINE_BOX_HEIGHT    46.0
#define KZ_TIMELINE_BOX_WIDTH     172.0
#define KZ_TIMELINE_BOX_GAP       10.0   /* least space between boxes in a lane */

/* The colour of a box, after its format. */
typedef enum {
  KZ_TIMELINE_SHADE_TV,
  KZ_TIMELINE_SHADE_TV_SHORT,
  KZ_TIMELINE_SHADE_MOVIE,
  KZ_TIMELINE_SHADE_SPECIAL,
  KZ_TIMELINE_SHADE_OVA,
  KZ_TIMELINE_SHADE_ONA,
  KZ_TIMELINE_SHADE_MUSIC,
  KZ_TIMELINE_SHADE_OTHER,
  KZ_TIMELINE_N_SHADES
} KzTimelineShade;

/* The colour of a link, after its relation. */
typedef enum {
  KZ_TIMELINE_LINK_STORY,
  KZ_TIMELINE_LINK_SIDE_STORY,
  KZ_TIMELINE_LINK_SPIN_OFF,
  KZ_TIMELINE_LINK_ALTERNATIVE,
  KZ_TIMELINE_LINK_SUMMARY,
  KZ_TIMELINE_LINK_OTHER,
  KZ_TIMELINE_N_LINK_KINDS
} KzTimelineLinkKind;

typedef struct {
  KzEntry         *entry;    /* borrowed from the graph */
  double           when;     /* in years; G_MAXDOUBLE: unknown */
  double           until;    /* when its run ended, in years; 0: no run */
  guint            order;    /* in release order, to break ties */
  guint            lane;
  KzTimelineShade  shade;
  gboolean         ongoing;
  graphene_rect_t  rect;
  double           run_end;  /* x of the end of the run bar; 0: none */
} KzTimelineItem;

typedef struct {
  guint              from;  /* item indexes, from the earlier */
  guint              to;
  KzTimelineLinkKind kind;
} KzTimelineLink;

typedef struct {
  GArray   *items;  /* KzTimelineItem, in time order */
  GArray   *links;  /* KzTimelineLink */

  int       first_year;
  int       last_release;  /* the year of the newest start */
  guint     n_years;
  guint     n_lanes;
  double    px_per_year;
  double    tba_x;
  gboolean  has_tba;
  double    width;
  double    height;
} KzTimelineLayout;

struct _KzTimeline
{
  GtkWidget         parent_instance;

  KzContext        *context;
  KzFranchiseGraph *graph;

  KzTimelineLayout  layout;

  int               hover;
  int               focus;
  int               pressed;
  gboolean          keyboard_moved;  /* since the last click */
};

/* Whether a title gets a box: hidden titles take their links with them. */
typedef gboolean (*KzTimelineVisibleFunc) (KzEntry  *entry,
                                           gpointer  user_data);

static inline KzTimelineItem *
_kz_timeline_layout_get_item (const KzTimelineLayout *layout,
                              guint                   index)
{
  return &g_array_index (layout->items, KzTimelineItem, index);
}

static inline KzTimelineItem *
_kz_timeline_get_item (KzTimeline *self,
                       guint       index)
{
  return _kz_timeline_layout_get_item (&self->layout, index);
}

/* kz-timeline-layout.c */

void   _kz_timeline_layout_init               (KzTimelineLayout       *layout);
/* Drops the items and links, which borrow the graph's entries. */
void   _kz_timeline_layout_reset              (KzTimelineLayout       *layout);
void   _kz_timeline_layout_clear              (KzTimelineLayout       *layout);

/* Today, in the layout's years. */
double _kz_timeline_layout_now                (void);
void   _kz_timeline_layout_compute            (KzTimelineLayout       *layout,
                                               KzFranchiseGraph       *graph,
                                               KzTimelineVisibleFunc   is_visible,
                                               gpointer                user_data,
                                               double                  now);

/* Years between two labelled years on the axis. */
guint  _kz_timeline_layout_get_label_step     (const KzTimelineLayout *layout);
/* Item indexes, or -1. */
int    _kz_timeline_layout_find_id            (const KzTimelineLayout *layout,
                                               gint64                  id);
int    _kz_timeline_layout_item_at            (const KzTimelineLayout *layout,
                                               double                  x,
                                               double                  y);
int    _kz_timeline_layout_find_across_lanes  (const KzTimelineLayout *layout,
                                               int                     from,
                                               int                     direction);

/* kz-timeline-draw.c */

void   _kz_timeline_snapshot                  (GtkWidget              *widget,
                                               GtkSnapshot            *snapshot);

G_END_DECLS
