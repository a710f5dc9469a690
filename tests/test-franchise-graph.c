/* test-franchise-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-entry-private.h"
#include "kz-franchise-graph.h"

static KzEntry *
make_entry (gint64 id, int year, KzFormat format)
{
  KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);

  entry->title_romaji = g_strdup_printf ("Title %" G_GINT64_FORMAT, id);
  entry->start_date.year = year;
  entry->format = format;
  entry->media_type = KZ_MEDIA_TYPE_ANIME;

  return entry;
}

static void
add_pair (KzFranchiseGraph *graph,
          gint64            from,
          gint64            to,
          KzRelationType    type)
{
  kz_franchise_graph_add_edge (graph, from, to, type, NULL);
  if (kz_relation_type_inverse (type) != KZ_RELATION_UNKNOWN)
    kz_franchise_graph_add_edge (graph, to, from, kz_relation_type_inverse (type), NULL);
}

/* 1 (2006 TV) → SEQUEL 2 (2008 TV) → SEQUEL 3 (2012 TV)
 * 2 → SIDE_STORY 4 (2009 OVA), 4 → PARENT 2
 * 1 → SUMMARY 5 (2007 movie)
 * 3 → SEQUEL 1: a loop back to the start */
static KzFranchiseGraph *
make_graph (gint64 root)
{
  KzFranchiseGraph *graph = kz_franchise_graph_new (root);
  const struct { gint64 id; int year; KzFormat format; } nodes[] = {
    { 1, 2006, KZ_FORMAT_TV }, { 2, 2008, KZ_FORMAT_TV }, { 3, 2012, KZ_FORMAT_TV },
    { 4, 2009, KZ_FORMAT_OVA }, { 5, 2007, KZ_FORMAT_MOVIE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autoptr(KzEntry) entry = make_entry (nodes[i].id, nodes[i].year, nodes[i].format);
      kz_franchise_graph_add_node (graph, entry, i);
    }

  add_pair (graph, 1, 2, KZ_RELATION_SEQUEL);
  add_pair (graph, 2, 3, KZ_RELATION_SEQUEL);
  kz_franchise_graph_add_edge (graph, 2, 4, KZ_RELATION_SIDE_STORY, NULL);
  kz_franchise_graph_add_edge (graph, 4, 2, KZ_RELATION_PARENT, NULL);
  kz_franchise_graph_add_edge (graph, 1, 5, KZ_RELATION_SUMMARY, NULL);
  kz_franchise_graph_add_edge (graph, 3, 1, KZ_RELATION_SEQUEL, NULL);
  kz_franchise_graph_set_complete (graph, TRUE);

  return graph;
}

static void
test_build (void)
{
  g_autoptr(KzFranchiseGraph) graph = make_graph (1);
  g_autoptr(KzEntry) stub = _kz_entry_new (2, KZ_ENTRY_DETAIL_STUB);
  g_autoptr(KzEntry) full = make_entry (6, 2020, KZ_FORMAT_TV);
  g_autoptr(KzEntry) stub6 = _kz_entry_new (6, KZ_ENTRY_DETAIL_STUB);
  guint n_edges;

  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, 5);
  kz_franchise_graph_get_edges (graph, &n_edges);
  g_assert_cmpuint (n_edges, ==, 8);
  g_assert_true (kz_franchise_graph_is_complete (graph));
  g_assert_cmpint (kz_entry_get_id (kz_franchise_graph_get_root (graph)), ==, 1);

  /* the same edge twice is kept once */
  g_assert_false (kz_franchise_graph_add_edge (graph, 1, 2, KZ_RELATION_SEQUEL, NULL));

  /* a stub never replaces a full entry; a full one replaces a stub */
  g_assert_false (kz_franchise_graph_add_node (graph, stub, 9));
  g_assert_cmpint (kz_entry_get_detail (kz_franchise_graph_lookup (graph, 2)), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_true (kz_franchise_graph_add_node (graph, stub6, 3));
  g_assert_false (kz_franchise_graph_add_node (graph, full, 2));
  g_assert_true (kz_franchise_graph_lookup (graph, 6) == full);
  g_assert_cmpuint (kz_franchise_graph_get_node_depth (graph, 6), ==, 2);
  g_assert_cmpuint (kz_franchise_graph_get_node_depth (graph, 77), ==, G_MAXUINT);
  g_assert_null (kz_franchise_graph_lookup (graph, 77));
  g_assert_cmpuint (kz_franchise_graph_get_max_depth (graph), ==, 4);
}

static void
test_release_order (void)
{
  g_autoptr(KzFranchiseGraph) graph = make_graph (3);
  g_autoptr(GPtrArray) order = kz_franchise_graph_dup_release_order (graph);
  const gint64 expected[] = { 1, 5, 2, 4, 3 };

  g_assert_cmpuint (order->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < order->len; i++)
    g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (order, i)), ==, expected[i]);
}

static void
test_main_story (void)
{
  g_autoptr(KzFranchiseGraph) graph = make_graph (2);
  g_autoptr(GPtrArray) story = kz_franchise_graph_dup_main_story (graph);
  const gint64 expected[] = { 1, 2, 3 };

  /* the loop 3 → 1 must not repeat entries or run forever */
  g_assert_cmpuint (story->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < story->len; i++)
    g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (story, i)), ==, expected[i]);
}

static void
test_tree (void)
{
  g_autoptr(KzFranchiseGraph) graph = make_graph (1);
  g_autoptr(GArray) tree = kz_franchise_graph_dup_tree (graph);
  const struct { gint64 id; gint64 parent; KzRelationType relation; guint depth; } expected[] = {
    { 1, 0, KZ_RELATION_UNKNOWN, 0 },
    { 2, 1, KZ_RELATION_SEQUEL, 1 },
    { 4, 2, KZ_RELATION_SIDE_STORY, 2 },
    { 5, 1, KZ_RELATION_SUMMARY, 1 },
    /* only 3 → SEQUEL → 1 reaches 3 from the root: read backwards, it
     * comes after the root's own edges */
    { 3, 1, KZ_RELATION_PREQUEL, 1 },
  };

  g_assert_cmpuint (tree->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < tree->len; i++)
    {
      const KzTreeItem *item = &g_array_index (tree, KzTreeItem, i);

      g_assert_cmpint (kz_entry_get_id (item->entry), ==, expected[i].id);
      g_assert_cmpint (item->parent_id, ==, expected[i].parent);
      g_assert_cmpuint (item->depth, ==, expected[i].depth);
      if (i > 0)
        g_assert_cmpint (item->relation, ==, expected[i].relation);
    }
}

static void
test_empty (void)
{
  g_autoptr(KzFranchiseGraph) graph = kz_franchise_graph_new (42);
  g_autoptr(GArray) tree = kz_franchise_graph_dup_tree (graph);
  g_autoptr(GPtrArray) story = kz_franchise_graph_dup_main_story (graph);

  g_assert_null (kz_franchise_graph_get_root (graph));
  g_assert_cmpuint (tree->len, ==, 0);
  g_assert_cmpuint (story->len, ==, 0);
  g_assert_false (kz_franchise_graph_is_complete (graph));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/franchise-graph/build", test_build);
  g_test_add_func ("/kz/franchise-graph/release-order", test_release_order);
  g_test_add_func ("/kz/franchise-graph/main-story", test_main_story);
  g_test_add_func ("/kz/franchise-graph/tree", test_tree);
  g_test_add_func ("/kz/franchise-graph/empty", test_empty);

  return g_test_run ();
}
