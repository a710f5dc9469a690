/* kz-title-page.h: everything about one title, and what it relates to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_TITLE_PAGE (kz_title_page_get_type ())

G_DECLARE_FINAL_TYPE (KzTitlePage, kz_title_page, KZ, TITLE_PAGE, GtkWidget)

GtkWidget *kz_title_page_new         (KzContext        *context);
void       kz_title_page_set_entry   (KzTitlePage      *self,
                                      KzEntry          *entry);
KzEntry   *kz_title_page_get_entry   (KzTitlePage      *self);
void       kz_title_page_set_details (KzTitlePage      *self,
                                      KzFranchiseGraph *detailed);

G_END_DECLS
