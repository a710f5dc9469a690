/* kz-library-sidebar.h: the stored titles, searchable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_LIBRARY_SIDEBAR (kz_library_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (KzLibrarySidebar, kz_library_sidebar, KZ, LIBRARY_SIDEBAR, GtkWidget)

GtkWidget   *kz_library_sidebar_new              (KzContext        *context);
void         kz_library_sidebar_reload           (KzLibrarySidebar *self);
void         kz_library_sidebar_set_current      (KzLibrarySidebar *self,
                                                  gint64            id);
void         kz_library_sidebar_focus_search     (KzLibrarySidebar *self);
void         kz_library_sidebar_search_online    (KzLibrarySidebar *self);

/* For tests and the benchmark: the titles shown, in the order shown
 * (the search results while searching, the whole library otherwise;
 * the same model throughout), the search entry, the page shown
 * ("loading", "list", "empty" or "no-results"), and whether anything is
 * still to come: from a change of the search text until the model shows
 * the outcome for that text, while the library loads, and while AniList
 * is searched. */
GListModel  *kz_library_sidebar_get_model        (KzLibrarySidebar *self);
GtkEditable *kz_library_sidebar_get_search_entry (KzLibrarySidebar *self);
const char  *kz_library_sidebar_get_visible_page (KzLibrarySidebar *self);
gboolean     kz_library_sidebar_get_busy         (KzLibrarySidebar *self);

G_END_DECLS
