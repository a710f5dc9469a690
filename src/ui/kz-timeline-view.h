/* kz-timeline-view.h: the franchise timeline, scrollable, with its legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"
#include "kz-timeline.h"

G_BEGIN_DECLS

#define KZ_TYPE_TIMELINE_VIEW (kz_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (KzTimelineView, kz_timeline_view, KZ, TIMELINE_VIEW, GtkWidget)

GtkWidget  *kz_timeline_view_new          (KzContext        *context);
void        kz_timeline_view_set_graph    (KzTimelineView   *self,
                                           KzFranchiseGraph *graph);
KzTimeline *kz_timeline_view_get_timeline (KzTimelineView   *self);

G_END_DECLS
