/* kz-window-private.h: what the window's source files share
 *
 * kz-window.c is the window: its pages, loading a title and its
 * franchise, the history, actions and progress. kz-window-updates.c
 * keeps the views in step with background updates of the franchise
 * shown, redrawing them without moving the selected title, the scroll
 * positions or the keyboard focus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-franchise-tree.h"
#include "kz-library-sidebar.h"
#include "kz-timeline-view.h"
#include "kz-title-page.h"
#include "kz-watch-order.h"
#include "kz-window.h"

G_BEGIN_DECLS

struct _KzWindow
{
  AdwApplicationWindow  parent_instance;

  KzContext            *context;
  GSettings            *settings;      /* the window's size and state */
  guint                 loading_timeout_id;

  GArray               *history;       /* gint64 ids, most recent last */
  gint64                title_id;      /* 0: nothing open */
  KzEntry              *entry;         /* what the title page shows */
  KzFranchiseGraph     *franchise;     /* what the franchise views show */
  KzFranchiseGraph     *details;       /* the title page's neighbours */

  /* The open title: basic, detailed and franchise requests share it. */
  GCancellable         *load_cancellable;
  guint                 load_serial;
  guint                 load_pending;  /* its requests still running */
  double                franchise_fraction;
  GCancellable         *library_cancellable;
  double                library_fraction;
  /* MyAnimeList ratings of the franchise shown */
  GCancellable         *ratings_cancellable;
  /* the franchise shown, again after a background update
   * (kz-window-updates.c) */
  GCancellable         *update_cancellable;

  guint                 constructed : 1;
  guint                 franchise_busy : 1;
  guint                 library_busy : 1;
  guint                 report_frames : 1;
  guint                 first_frame_reported : 1;

  KzLibrarySidebar     *sidebar;
  KzTitlePage          *title_page;
  KzFranchiseTree      *franchise_tree;
  KzWatchOrder         *watch_order;
  KzTimelineView       *timeline_view;

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkBox               *sidebar_box;
  GtkWidget            *sidebar_separator;
  GtkButton            *back_button;
  GtkButton            *cancel_button;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *menu_button;
  GtkProgressBar       *progress_bar;
  GtkStack             *main_stack;
  AdwViewStack         *view_stack;
  AdwStatusPage        *error_page;
  GtkSpinner           *loading_spinner;
};

/* kz-window.c */
void _kz_window_show_entry               (KzWindow         *self,
                                          KzEntry          *entry);
void _kz_window_set_franchise            (KzWindow         *self,
                                          KzFranchiseGraph *graph);

/* kz-window-updates.c */
void _kz_window_follow_franchise_updates (KzWindow         *self);
void _kz_window_cancel_franchise_update  (KzWindow         *self);

G_END_DECLS
