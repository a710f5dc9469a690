/* kz-sidebar-list.h: the titles a sidebar list shows, over an array
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KZ_TYPE_SIDEBAR_LIST (kz_sidebar_list_get_type ())

G_DECLARE_FINAL_TYPE (KzSidebarList, kz_sidebar_list, KZ, SIDEBAR_LIST, GObject)

KzSidebarList *kz_sidebar_list_new       (void);
void           kz_sidebar_list_set_items (KzSidebarList *self,
                                          GPtrArray     *items);

G_END_DECLS
