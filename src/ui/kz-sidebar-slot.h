/* kz-sidebar-slot.h: one row of the sidebar's search results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kz-entry.h"

G_BEGIN_DECLS

#define KZ_TYPE_SIDEBAR_SLOT (kz_sidebar_slot_get_type ())

G_DECLARE_FINAL_TYPE (KzSidebarSlot, kz_sidebar_slot, KZ, SIDEBAR_SLOT, GObject)

KzSidebarSlot *kz_sidebar_slot_new       (void);
KzEntry       *kz_sidebar_slot_get_entry (KzSidebarSlot *self);
void           kz_sidebar_slot_set_entry (KzSidebarSlot *self,
                                          KzEntry       *entry);

G_END_DECLS
