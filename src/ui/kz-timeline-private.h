/* kz-timeline-private.h: what the timeline's source files share
 *
 * kz-timeline-layout.c works out where everything goes from the graph
 * alone: the time axis, a box per title stacked in lanes, the runs and
 * the links between titles, at a given scale; and which scales are
 * worth offering. It draws nothing and touches no widget.
 * kz-timeline-draw.c paints a layout: axis, runs, links and boxes.
 * kz-timeline.c is the widget around them: properties, the signal,
 * scrolling and zoom, pointer and keyboard, focus, tooltips and
 * accessibility.
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
#define KZ_TIMELINE_BOX_WIDTH     172.0  /* the widest a box gets */
#define KZ_TIMELINE_BOX_GAP       10.0   /* least space between boxes in a lane */
#define KZ_TIMELINE_STRIP_WIDTH   5.0    /* the format's colour down a box's side */
#define KZ_TIMELINE_TEXT_PADDING  9.0

/* Box titles show at least this many characters on a line. */
#define KZ_TIMELINE_MIN_BOX_CHARS 12

/* Zoom, in pixels per year. Closest in, the widest box covers about
 * seven months. Showing the whole franchise never spreads it wider than
 * KZ_TIMELINE_FIT_SCALE_MAX, so that a short one is not blown up. */
#define KZ_TIMELINE_SCALE_MAX     288.0
#define KZ_TIMELINE_FIT_SCALE_MAX 192.0
#define KZ_TIMELINE_ZOOM_STEP     1.5

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
  double    box_width;      /* at this scale */
  double    min_box_width;  /* what KZ_TIMELINE_MIN_BOX_CHARS take */
  /* Showing the whole franchise, the view's width, which boxes widening
   * into free room do not overrun; 0: no limit. */
  double    room_width;
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

  /* GtkScrollable: the timeline shows the part of its layout they say. */
  GtkAdjustment    *hadjustment;
  GtkAdjustment    *vadjustment;
  guint             hscroll_policy : 1;
  guint             vscroll_policy : 1;

  /* Zoom: fitting the whole franchise to the width, or a scale. */
  gboolean          fit;
  double            scale;

  int               hover;
  int               focus;
  int               pressed;
  gboolean          keyboard_moved;  /* since the last click */
  gboolean          has_pointer;
  double            pointer_x;       /* in widget coordinates */
  double            pointer_y;
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
/* The titles, their dates and links; placed at the scale it has. */
void   _kz_timeline_layout_compute            (KzTimelineLayout       *layout,
                                               KzFranchiseGraph       *graph,
                                               KzTimelineVisibleFunc   is_visible,
                                               gpointer                user_data,
                                               double                  now);
/* Boxes, lanes and size at @px_per_year. */
void   _kz_timeline_layout_place              (KzTimelineLayout       *layout,
                                               double                  px_per_year);
/* The least size at @px_per_year, before boxes widen into free room. */
double _kz_timeline_layout_width_at           (const KzTimelineLayout *layout,
                                               double                  px_per_year);
double _kz_timeline_layout_height_at          (const KzTimelineLayout *layout,
                                               double                  px_per_year);
/* The least zoom for a view @width wide: the whole franchise in that
 * width, unless the boxes would pile up in lanes; at most
 * KZ_TIMELINE_FIT_SCALE_MAX. */
double _kz_timeline_layout_get_min_scale      (const KzTimelineLayout *layout,
                                               double                  width);
/* From x to years and back, on the time axis. */
double _kz_timeline_layout_time_at            (const KzTimelineLayout *layout,
                                               double                  x);
double _kz_timeline_layout_x_at               (const KzTimelineLayout *layout,
                                               double                  when);

/* Years between two labelled years on the axis. */
guint  _kz_timeline_layout_get_label_step     (const KzTimelineLayout *layout);
/* Item indexes, or -1. */
int    _kz_timeline_layout_find_id            (const KzTimelineLayout *layout,
                                               gint64                  id);
int    _kz_timeline_layout_item_at            (const KzTimelineLayout *layout,
                                               double                  x,
                                               double                  y);
/* Where an arrow key, Home or End takes the keyboard from box @from
 * (-1: none yet): an index, or -1 with nothing further that way. Other
 * keys set @moves FALSE. */
int    _kz_timeline_layout_find_for_key       (const KzTimelineLayout *layout,
                                               int                     from,
                                               guint                   keyval,
                                               gboolean               *moves);
/* The first box in time that shows in @area, or -1. */
int    _kz_timeline_layout_first_in           (const KzTimelineLayout *layout,
                                               const graphene_rect_t  *area);

/* kz-timeline-draw.c */

void   _kz_timeline_snapshot                  (GtkWidget              *widget,
                                               GtkSnapshot            *snapshot);
gboolean _kz_timeline_query_tooltip           (GtkWidget              *widget,
                                               int                     x,
                                               int                     y,
                                               gboolean                keyboard_mode,
                                               GtkTooltip             *tooltip);
void   _kz_timeline_update_accessible         (KzTimeline             *self);
/* Sets the layout's least box width from the font. */
void   _kz_timeline_update_min_box_width      (KzTimeline             *self);
/* A box's title: without the franchise's name in front, which every
 * box would repeat. Points into the title. */
const char *_kz_timeline_get_box_title        (KzTimeline             *self,
                                               KzEntry                *entry);

G_END_DECLS
