/* kz-entry-row.h: one title in a list: cover, title, format and year
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_ENTRY_ROW (kz_entry_row_get_type ())

G_DECLARE_FINAL_TYPE (KzEntryRow, kz_entry_row, KZ, ENTRY_ROW, GtkWidget)

GtkWidget  *kz_entry_row_new          (KzContext  *context);
void        kz_entry_row_set_entry    (KzEntryRow *self,
                                       KzEntry    *entry);
KzEntry    *kz_entry_row_get_entry    (KzEntryRow *self);
void        kz_entry_row_set_relation (KzEntryRow *self,
                                       const char *label);

/* What the row shows, for tests and accessibility */
const char *kz_entry_row_get_title    (KzEntryRow *self);
const char *kz_entry_row_get_subtitle (KzEntryRow *self);

G_END_DECLS
