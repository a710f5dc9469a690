/* kz-franchise-tree.h: a franchise as an expandable tree of relations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_FRANCHISE_TREE (kz_franchise_tree_get_type ())

G_DECLARE_FINAL_TYPE (KzFranchiseTree, kz_franchise_tree, KZ, FRANCHISE_TREE, GtkWidget)

GtkWidget        *kz_franchise_tree_new        (KzContext        *context);
void              kz_franchise_tree_set_graph  (KzFranchiseTree  *self,
                                                KzFranchiseGraph *graph);
KzFranchiseGraph *kz_franchise_tree_get_graph  (KzFranchiseTree  *self);

/* Rows when fully expanded: the titles shown. */
guint             kz_franchise_tree_get_n_rows (KzFranchiseTree  *self);
/* The rows as shown (GtkTreeListRow items), NULL when empty. */
GListModel       *kz_franchise_tree_get_model  (KzFranchiseTree  *self);

G_END_DECLS
