/* kz-franchise-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-franchise-graph"

#include "config.h"

#include "kz-franchise-graph.h"
#include "kz-entry-private.h"

typedef struct {
  gint64 id;      /* the hash key points here */
  guint  index;   /* into nodes */
  guint  depth;   /* from the root when discovered */
} NodeInfo;

struct _KzFranchiseGraph
{
  GObject     parent_instance;

  gint64      root_id;
  GPtrArray  *nodes;       /* KzEntry, in discovery order */
  GHashTable *node_info;   /* gint64* → NodeInfo */
  GArray     *edges;       /* KzEdge */
  GHashTable *edge_keys;   /* "from>to>raw" for de-duplication */
  guint       complete : 1;
};

G_DEFINE_FINAL_TYPE (KzFranchiseGraph, kz_franchise_graph, G_TYPE_OBJECT)

static void
kz_franchise_graph_finalize (GObject *object)
{
  KzFranchiseGraph *self = (KzFranchiseGraph *)object;

  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->node_info, g_hash_table_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->edge_keys, g_hash_table_unref);

  G_OBJECT_CLASS (kz_franchise_graph_parent_class)->finalize (object);
}

static void
kz_franchise_graph_class_init (KzFranchiseGraphClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kz_franchise_graph_finalize;
}

static void
kz_franchise_graph_init (KzFranchiseGraph *self)
{
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->node_info = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->edges = g_array_new (FALSE, FALSE, sizeof (KzEdge));
  self->edge_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

KzFranchiseGraph *
kz_franchise_graph_new (gint64 root_id)
{
  KzFranchiseGraph *self = g_object_new (KZ_TYPE_FRANCHISE_GRAPH, NULL);

  self->root_id = root_id;

  return self;
}

/* Adds the entry, or upgrades a stub already present to the full entry.
 * Returns TRUE when the id is new to the graph. */
gboolean
kz_franchise_graph_add_node (KzFranchiseGraph *self,
                             KzEntry          *entry,
                             guint             depth)
{
  gint64 id;
  NodeInfo *info;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), FALSE);
  g_return_val_if_fail (KZ_IS_ENTRY (entry), FALSE);

  id = kz_entry_get_id (entry);
  info = g_hash_table_lookup (self->node_info, &id);
  if (info != NULL)
    {
      KzEntry *present = g_ptr_array_index (self->nodes, info->index);

      if (kz_entry_get_detail (present) == KZ_ENTRY_DETAIL_STUB &&
          kz_entry_get_detail (entry) == KZ_ENTRY_DETAIL_FULL)
        {
          g_object_unref (present);
          g_ptr_array_index (self->nodes, info->index) = g_object_ref (entry);
        }
      info->depth = MIN (info->depth, depth);
      return FALSE;
    }

  info = g_new0 (NodeInfo, 1);
  info->id = id;
  info->index = self->nodes->len;
  info->depth = depth;
  g_ptr_array_add (self->nodes, g_object_ref (entry));
  g_hash_table_insert (self->node_info, &info->id, info);

  return TRUE;
}

/* Returns TRUE when the edge is new; the same typed edge twice is kept once. */
gboolean
kz_franchise_graph_add_edge (KzFranchiseGraph *self,
                             gint64            from,
                             gint64            to,
                             KzRelationType    type,
                             const char       *raw_type)
{
  KzEdge edge;
  char *key;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), FALSE);

  edge.from = from;
  edge.to = to;
  edge.type = type;
  edge.raw_type = g_intern_string (raw_type ? raw_type : kz_relation_type_to_string (type));

  key = g_strdup_printf ("%" G_GINT64_FORMAT ">%" G_GINT64_FORMAT ">%s", from, to, edge.raw_type);
  if (!g_hash_table_add (self->edge_keys, key))
    return FALSE;

  g_array_append_val (self->edges, edge);
  return TRUE;
}

void
kz_franchise_graph_set_complete (KzFranchiseGraph *self,
                                 gboolean          complete)
{
  g_return_if_fail (KZ_IS_FRANCHISE_GRAPH (self));
  self->complete = !!complete;
}

/* A new graph with the same nodes and edges, for someone to keep while
 * this one goes on growing. */
KzFranchiseGraph *
kz_franchise_graph_copy (KzFranchiseGraph *self)
{
  KzFranchiseGraph *copy;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);

  copy = kz_franchise_graph_new (self->root_id);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (self->nodes, i);
      gint64 id = kz_entry_get_id (entry);
      NodeInfo *info = g_hash_table_lookup (self->node_info, &id);

      kz_franchise_graph_add_node (copy, entry, info->depth);
    }
  for (guint i = 0; i < self->edges->len; i++)
    {
      const KzEdge *edge = &g_array_index (self->edges, KzEdge, i);
      kz_franchise_graph_add_edge (copy, edge->from, edge->to, edge->type, edge->raw_type);
    }
  copy->complete = self->complete;

  return copy;
}

gint64
kz_franchise_graph_get_root_id (KzFranchiseGraph *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), 0);
  return self->root_id;
}

KzEntry *
kz_franchise_graph_get_root (KzFranchiseGraph *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);
  return kz_franchise_graph_lookup (self, self->root_id);
}

gboolean
kz_franchise_graph_is_complete (KzFranchiseGraph *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), FALSE);
  return self->complete;
}

guint
kz_franchise_graph_get_n_nodes (KzFranchiseGraph *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), 0);
  return self->nodes->len;
}

KzEntry *
kz_franchise_graph_get_node (KzFranchiseGraph *self,
                             guint             position)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);
  g_return_val_if_fail (position < self->nodes->len, NULL);
  return g_ptr_array_index (self->nodes, position);
}

KzEntry *
kz_franchise_graph_lookup (KzFranchiseGraph *self,
                           gint64            id)
{
  NodeInfo *info;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);

  info = g_hash_table_lookup (self->node_info, &id);
  return info ? g_ptr_array_index (self->nodes, info->index) : NULL;
}

/* G_MAXUINT when the id is not in the graph. */
guint
kz_franchise_graph_get_node_depth (KzFranchiseGraph *self,
                                   gint64            id)
{
  NodeInfo *info;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), G_MAXUINT);

  info = g_hash_table_lookup (self->node_info, &id);
  return info ? info->depth : G_MAXUINT;
}

guint
kz_franchise_graph_get_max_depth (KzFranchiseGraph *self)
{
  GHashTableIter iter;
  NodeInfo *info;
  guint max_depth = 0;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), 0);

  g_hash_table_iter_init (&iter, self->node_info);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&info))
    max_depth = MAX (max_depth, info->depth);

  return max_depth;
}

const KzEdge *
kz_franchise_graph_get_edges (KzFranchiseGraph *self,
                              guint            *n_edges)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);
  g_return_val_if_fail (n_edges != NULL, NULL);

  *n_edges = self->edges->len;
  return (const KzEdge *)(gpointer)self->edges->data;
}

gsize
kz_franchise_graph_get_approx_size (KzFranchiseGraph *self)
{
  gsize size;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), 0);

  size = sizeof *self
       + self->nodes->len * (sizeof (gpointer) + sizeof (NodeInfo) + 2 * sizeof (gpointer))
       + self->edges->len * (sizeof (KzEdge) + 32);
  for (guint i = 0; i < self->nodes->len; i++)
    size += kz_entry_get_approx_size (g_ptr_array_index (self->nodes, i));

  return size;
}

static int
compare_release (gconstpointer a,
                 gconstpointer b)
{
  return kz_entry_compare_release (*(KzEntry **)a, *(KzEntry **)b);
}

GPtrArray *
kz_franchise_graph_dup_release_order (KzFranchiseGraph *self)
{
  GPtrArray *order;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);

  order = g_ptr_array_sized_new (self->nodes->len);
  for (guint i = 0; i < self->nodes->len; i++)
    g_ptr_array_add (order, g_ptr_array_index (self->nodes, i));
  g_ptr_array_sort (order, compare_release);

  return order;
}

/* The story step from @current in one direction: a SEQUEL edge out of it
 * or a PREQUEL edge into it (and the mirror for prequels). Of several
 * candidates the closest in release order wins. */
static KzEntry *
story_step (KzFranchiseGraph *self,
            KzEntry          *current,
            gboolean          forward,
            GHashTable       *visited)
{
  KzRelationType out_type = forward ? KZ_RELATION_SEQUEL : KZ_RELATION_PREQUEL;
  KzRelationType in_type = forward ? KZ_RELATION_PREQUEL : KZ_RELATION_SEQUEL;
  gint64 current_id = kz_entry_get_id (current);
  KzEntry *best = NULL;

  for (guint i = 0; i < self->edges->len; i++)
    {
      const KzEdge *edge = &g_array_index (self->edges, KzEdge, i);
      gint64 other_id;
      KzEntry *other;

      if (edge->from == current_id && edge->type == out_type)
        other_id = edge->to;
      else if (edge->to == current_id && edge->type == in_type)
        other_id = edge->from;
      else
        continue;

      if (g_hash_table_contains (visited, &other_id))
        continue;
      if (!(other = kz_franchise_graph_lookup (self, other_id)))
        continue;

      /* A "sequel" released before its prequel closes a loop back to
       * the start; it is not the next step of the story. */
      if (forward ? kz_entry_compare_release (other, current) < 0
                  : kz_entry_compare_release (other, current) > 0)
        continue;

      if (best == NULL ||
          (forward && kz_entry_compare_release (other, best) < 0) ||
          (!forward && kz_entry_compare_release (other, best) > 0))
        best = other;
    }

  return best;
}

/* The PREQUEL/SEQUEL line through the root, oldest first. */
GPtrArray *
kz_franchise_graph_dup_main_story (KzFranchiseGraph *self)
{
  g_autoptr(GHashTable) visited = NULL;
  g_autoptr(GPtrArray) before = NULL;
  GPtrArray *story;
  KzEntry *root;
  KzEntry *step;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);

  story = g_ptr_array_new ();
  if (!(root = kz_franchise_graph_get_root (self)))
    return story;

  visited = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_hash_table_add (visited, &root->id);

  before = g_ptr_array_new ();
  for (step = story_step (self, root, FALSE, visited);
       step != NULL;
       step = story_step (self, step, FALSE, visited))
    {
      g_hash_table_add (visited, &step->id);
      g_ptr_array_add (before, step);
    }

  for (guint i = before->len; i > 0; i--)
    g_ptr_array_add (story, g_ptr_array_index (before, i - 1));
  g_ptr_array_add (story, root);

  for (step = story_step (self, root, TRUE, visited);
       step != NULL;
       step = story_step (self, step, TRUE, visited))
    {
      g_hash_table_add (visited, &step->id);
      g_ptr_array_add (story, step);
    }

  return story;
}

typedef struct {
  KzEntry        *entry;
  KzRelationType  type;
  const char     *raw_type;
  guint           reversed : 1;
} Link;

/* Outgoing edges first, by relation rank then release; incoming edges
 * (read in reverse) only reach what nothing points to. */
static int
compare_links (gconstpointer a,
               gconstpointer b)
{
  const Link *la = a;
  const Link *lb = b;
  guint ra, rb;

  if (la->reversed != lb->reversed)
    return la->reversed ? 1 : -1;

  ra = kz_relation_type_get_rank (la->type);
  rb = kz_relation_type_get_rank (lb->type);
  if (ra != rb)
    return ra < rb ? -1 : 1;

  return kz_entry_compare_release (la->entry, lb->entry);
}

static GArray *
collect_links (KzFranchiseGraph *self,
               gint64            id)
{
  GArray *links = g_array_new (FALSE, FALSE, sizeof (Link));

  for (guint i = 0; i < self->edges->len; i++)
    {
      const KzEdge *edge = &g_array_index (self->edges, KzEdge, i);
      Link link = { 0 };

      if (edge->from == id)
        {
          link.entry = kz_franchise_graph_lookup (self, edge->to);
          link.type = edge->type;
          link.raw_type = edge->raw_type;
        }
      else if (edge->to == id)
        {
          KzRelationType inverse = kz_relation_type_inverse (edge->type);

          link.entry = kz_franchise_graph_lookup (self, edge->from);
          link.type = inverse != KZ_RELATION_UNKNOWN ? inverse : edge->type;
          link.raw_type = inverse != KZ_RELATION_UNKNOWN ? kz_relation_type_to_string (inverse) : edge->raw_type;
          link.reversed = TRUE;
        }

      if (link.entry != NULL)
        g_array_append_val (links, link);
    }

  g_array_sort (links, compare_links);
  return links;
}

typedef struct {
  KzTreeItem  item;
  GArray     *children;   /* guint indexes into the BFS array */
} TreeNode;

static void
append_preorder (GArray   *bfs,
                 guint     index,
                 GArray   *out)
{
  TreeNode *node = &g_array_index (bfs, TreeNode, index);

  g_array_append_val (out, node->item);
  for (guint i = 0; i < node->children->len; i++)
    append_preorder (bfs, g_array_index (node->children, guint, i), out);
}

/* Breadth-first spanning tree from the root, returned depth-first so a
 * printer or a tree model reads it top to bottom. */
GArray *
kz_franchise_graph_dup_tree (KzFranchiseGraph *self)
{
  g_autoptr(GHashTable) reached = NULL;
  g_autoptr(GArray) bfs = NULL;
  GArray *tree;
  KzEntry *root;

  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (self), NULL);

  tree = g_array_new (FALSE, FALSE, sizeof (KzTreeItem));
  if (!(root = kz_franchise_graph_get_root (self)))
    return tree;

  bfs = g_array_new (FALSE, FALSE, sizeof (TreeNode));
  reached = g_hash_table_new (g_int64_hash, g_int64_equal);

  {
    TreeNode node = { { root, 0, KZ_RELATION_UNKNOWN, NULL, 0 }, g_array_new (FALSE, FALSE, sizeof (guint)) };

    g_array_append_val (bfs, node);
    g_hash_table_add (reached, &root->id);
  }

  for (guint head = 0; head < bfs->len; head++)
    {
      g_autoptr(GArray) links = NULL;
      KzEntry *entry = g_array_index (bfs, TreeNode, head).item.entry;
      guint depth = g_array_index (bfs, TreeNode, head).item.depth;

      links = collect_links (self, kz_entry_get_id (entry));
      for (guint i = 0; i < links->len; i++)
        {
          const Link *link = &g_array_index (links, Link, i);
          TreeNode child;
          guint child_index;

          if (g_hash_table_contains (reached, &link->entry->id))
            continue;

          child.item.entry = link->entry;
          child.item.parent_id = kz_entry_get_id (entry);
          child.item.relation = link->type;
          child.item.raw_type = link->raw_type;
          child.item.depth = depth + 1;
          child.children = g_array_new (FALSE, FALSE, sizeof (guint));
          child_index = bfs->len;
          g_array_append_val (bfs, child);
          g_array_append_val (g_array_index (bfs, TreeNode, head).children, child_index);
          g_hash_table_add (reached, &link->entry->id);
        }
    }

  append_preorder (bfs, 0, tree);

  for (guint i = 0; i < bfs->len; i++)
    g_array_unref (g_array_index (bfs, TreeNode, i).children);

  return tree;
}
