/* kz-window.h: the main window: library on the left, a title and its
 * franchise on the right
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kz-application.h"
#include "kz-context.h"
#include "kz-library-sidebar.h"

G_BEGIN_DECLS

#define KZ_TYPE_WINDOW (kz_window_get_type ())

G_DECLARE_FINAL_TYPE (KzWindow, kz_window, KZ, WINDOW, AdwApplicationWindow)

KzWindow         *kz_window_new               (KzApplication *app,
                                               KzContext     *context);
void              kz_window_set_context       (KzWindow      *self,
                                               KzContext     *context);
KzContext        *kz_window_get_context       (KzWindow      *self);
void              kz_window_set_error         (KzWindow      *self,
                                               const GError  *error);
void              kz_window_open_title        (KzWindow      *self,
                                               gint64         id);

/* For tests and the debug panel: what the window shows now. */
gint64            kz_window_get_title_id      (KzWindow      *self);
KzFranchiseGraph *kz_window_get_franchise     (KzWindow      *self);
const char       *kz_window_get_visible_page  (KzWindow      *self);
gboolean          kz_window_get_busy          (KzWindow      *self);
KzLibrarySidebar *kz_window_get_sidebar       (KzWindow      *self);
GtkWidget        *kz_window_get_view          (KzWindow      *self,
                                               const char    *name);

G_END_DECLS
