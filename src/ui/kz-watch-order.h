/* kz-watch-order.h: a franchise as a numbered list in release order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_WATCH_ORDER (kz_watch_order_get_type ())

G_DECLARE_FINAL_TYPE (KzWatchOrder, kz_watch_order, KZ, WATCH_ORDER, GtkWidget)

GtkWidget        *kz_watch_order_new             (KzContext        *context);
void              kz_watch_order_set_graph       (KzWatchOrder     *self,
                                                  KzFranchiseGraph *graph);
KzFranchiseGraph *kz_watch_order_get_graph       (KzWatchOrder     *self);

/* The list shown (KzEntry items): everything, or the main story only. */
GListModel       *kz_watch_order_get_model       (KzWatchOrder     *self);
gboolean          kz_watch_order_get_main_story  (KzWatchOrder     *self);
void              kz_watch_order_set_main_story  (KzWatchOrder     *self,
                                                  gboolean          main_story);

G_END_DECLS
