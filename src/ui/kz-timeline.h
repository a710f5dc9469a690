/* kz-timeline.h: a franchise drawn on a time axis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_TIMELINE (kz_timeline_get_type ())

G_DECLARE_FINAL_TYPE (KzTimeline, kz_timeline, KZ, TIMELINE, GtkWidget)

/* One colour of the legend. */
typedef struct {
  const char *label;  /* translated */
  GdkRGBA     color;
} KzTimelineSwatch;

GtkWidget              *kz_timeline_new                   (KzContext        *context);
void                    kz_timeline_set_graph             (KzTimeline       *self,
                                                           KzFranchiseGraph *graph);
KzFranchiseGraph       *kz_timeline_get_graph             (KzTimeline       *self);

/* The boxes drawn, in time order. */
guint                   kz_timeline_get_n_items           (KzTimeline       *self);
gint64                  kz_timeline_get_item_id           (KzTimeline       *self,
                                                           guint             index);
gboolean                kz_timeline_get_item_rect         (KzTimeline       *self,
                                                           guint             index,
                                                           graphene_rect_t  *rect);
/* The box the keyboard is on, or -1. */
int                     kz_timeline_get_focus_index       (KzTimeline       *self);

/* Zoom, in pixels per year. It opens on the whole franchise ("fit"),
 * following the width it is shown in; the actions zoom.in, zoom.out and
 * zoom.fit (Ctrl+plus, Ctrl+minus, Ctrl+0) and Ctrl with the wheel
 * change it. */
double                  kz_timeline_get_scale             (KzTimeline       *self);
void                    kz_timeline_get_scale_range       (KzTimeline       *self,
                                                           double           *min,
                                                           double           *max);
gboolean                kz_timeline_get_fit               (KzTimeline       *self);
void                    kz_timeline_zoom                  (KzTimeline       *self,
                                                           double            factor);
void                    kz_timeline_zoom_to_fit           (KzTimeline       *self);

const KzTimelineSwatch *kz_timeline_get_format_swatches   (guint            *n_swatches);
const KzTimelineSwatch *kz_timeline_get_relation_swatches (guint            *n_swatches);

/* "Apr 2013", "2013" or "TBA", for people. */
char                   *kz_timeline_dup_release_label     (KzEntry          *entry);

G_END_DECLS
