/* kz-franchise-graph.h: a franchise as nodes and typed edges, with views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-entry.h"

G_BEGIN_DECLS

#define KZ_TYPE_FRANCHISE_GRAPH (kz_franchise_graph_get_type ())

G_DECLARE_FINAL_TYPE (KzFranchiseGraph, kz_franchise_graph, KZ, FRANCHISE_GRAPH, GObject)

typedef struct {
  gint64          from;
  gint64          to;
  KzRelationType  type;
  const char     *raw_type;  /* interned */
} KzEdge;

/* One row of the breadth-first spanning tree, in depth-first order. */
typedef struct {
  KzEntry        *entry;      /* borrowed from the graph */
  gint64          parent_id;  /* 0 for the root */
  KzRelationType  relation;   /* how the parent reaches this entry */
  const char     *raw_type;
  guint           depth;
} KzTreeItem;

/* Building: a graph is filled by one owner, then shared read-only. */
KzFranchiseGraph *kz_franchise_graph_new              (gint64             root_id);
gboolean          kz_franchise_graph_add_node         (KzFranchiseGraph  *self,
                                                       KzEntry           *entry,
                                                       guint              depth);
gboolean          kz_franchise_graph_add_edge         (KzFranchiseGraph  *self,
                                                       gint64             from,
                                                       gint64             to,
                                                       KzRelationType     type,
                                                       const char        *raw_type);
void              kz_franchise_graph_set_complete     (KzFranchiseGraph  *self,
                                                       gboolean           complete);
KzFranchiseGraph *kz_franchise_graph_copy             (KzFranchiseGraph  *self);

/* Reading */
gint64            kz_franchise_graph_get_root_id      (KzFranchiseGraph  *self);
KzEntry          *kz_franchise_graph_get_root         (KzFranchiseGraph  *self);
gboolean          kz_franchise_graph_is_complete      (KzFranchiseGraph  *self);
guint             kz_franchise_graph_get_n_nodes      (KzFranchiseGraph  *self);
KzEntry          *kz_franchise_graph_get_node         (KzFranchiseGraph  *self,
                                                       guint              position);
KzEntry          *kz_franchise_graph_lookup           (KzFranchiseGraph  *self,
                                                       gint64             id);
guint             kz_franchise_graph_get_node_depth   (KzFranchiseGraph  *self,
                                                       gint64             id);
guint             kz_franchise_graph_get_max_depth    (KzFranchiseGraph  *self);
const KzEdge     *kz_franchise_graph_get_edges        (KzFranchiseGraph  *self,
                                                       guint             *n_edges);
gsize             kz_franchise_graph_get_approx_size  (KzFranchiseGraph  *self);

/* Derived views; each returns a new array of borrowed entries. */
GPtrArray        *kz_franchise_graph_dup_release_order (KzFranchiseGraph *self);
GPtrArray        *kz_franchise_graph_dup_main_story    (KzFranchiseGraph *self);
GArray           *kz_franchise_graph_dup_tree          (KzFranchiseGraph *self);

G_END_DECLS
