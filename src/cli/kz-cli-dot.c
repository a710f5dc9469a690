/* kz-cli-dot.c: a franchise as a Graphviz dot graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-output-private.h"

#include <string.h>

/* For the inside of a double-quoted dot string. */
char *
kz_cli_escape_dot (const char *text)
{
  g_autofree char *clean = kz_cli_sanitize_line (text);
  GString *out = g_string_sized_new (strlen (clean) + 8);

  for (const char *p = clean; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
has_edge (const KzEdge   *edges,
          guint           n_edges,
          gint64          from,
          gint64          to,
          KzRelationType  type)
{
  for (guint i = 0; i < n_edges; i++)
    if (edges[i].from == from && edges[i].to == to && edges[i].type == type)
      return TRUE;

  return FALSE;
}

/* PREQUEL one way and SEQUEL the other say the same thing: draw one. */
static gboolean
is_redundant_edge (const KzEdge *edges,
                   guint         n_edges,
                   const KzEdge *edge)
{
  KzRelationType inverse = kz_relation_type_inverse (edge->type);

  if (inverse == KZ_RELATION_UNKNOWN)
    return FALSE;
  if (!has_edge (edges, n_edges, edge->to, edge->from, inverse))
    return FALSE;
  if (inverse == edge->type)
    return edge->from > edge->to;

  return edge->type < inverse;
}

void
kz_cli_append_franchise_dot (GString          *out,
                             KzFranchiseGraph *graph,
                             KzTitleLanguage   language)
{
  guint n_nodes = kz_franchise_graph_get_n_nodes (graph);
  gint64 root_id = kz_franchise_graph_get_root_id (graph);
  const KzEdge *edges;
  guint n_edges = 0;

  g_string_append (out, "digraph franchise {\n");
  g_string_append (out, "  graph [rankdir=LR];\n");
  g_string_append (out, "  node [shape=box, fontname=\"sans-serif\"];\n");
  g_string_append (out, "  edge [fontname=\"sans-serif\", fontsize=10];\n");

  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *entry = kz_franchise_graph_get_node (graph, i);
      g_autofree char *title = kz_cli_escape_dot (kz_entry_get_title (entry, language));
      gint64 id = kz_entry_get_id (entry);

      g_string_append_printf (out, "  n%" G_GINT64_FORMAT " [label=\"%s", id, title);
      /* dot's own line break, inside the label */
      _kz_cli_append_format_year (out, "\\n", entry);
      g_string_append_c (out, '"');
      if (id == root_id)
        g_string_append (out, ", peripheries=2");
      g_string_append (out, "];\n");
    }

  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      g_autofree char *label = NULL;

      if (is_redundant_edge (edges, n_edges, &edges[i]))
        continue;

      label = kz_cli_escape_dot (kz_cli_relation_name (edges[i].type, edges[i].raw_type));
      g_string_append_printf (out,
                              "  n%" G_GINT64_FORMAT " -> n%" G_GINT64_FORMAT " [label=\"%s\"];\n",
                              edges[i].from, edges[i].to, label);
    }

  g_string_append (out, "}\n");
}
