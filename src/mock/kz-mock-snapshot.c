/* kz-mock-snapshot.c: made-up snapshots for the stand-ins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <json-glib/json-glib.h>

#include "kz-mock-snapshot.h"

static void
add_node (JsonBuilder *builder,
          gint64       id)
{
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ANIME");
}

static void
add_edge (JsonBuilder      *builder,
          const KzMockEdge *edge)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "relationType");
  json_builder_add_string_value (builder, edge->relation);
  json_builder_set_member_name (builder, "node");
  json_builder_begin_object (builder);
  add_node (builder, edge->to);
  if (edge->stale_to != 0)
    {
      KzMockEdge stale = { edge->to, "SEQUEL", edge->stale_to, 0 };

      json_builder_set_member_name (builder, "relations");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "edges");
      json_builder_begin_array (builder);
      add_edge (builder, &stale);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_media (JsonBuilder      *builder,
           gint64            id,
           const KzMockEdge *edges)
{
  g_autofree char *title = g_strdup_printf ("Made-up season %" G_GINT64_FORMAT, id);

  json_builder_begin_object (builder);
  add_node (builder, id);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "TV");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "FINISHED");
  json_builder_set_member_name (builder, "episodes");
  json_builder_add_int_value (builder, 12);
  json_builder_set_member_name (builder, "updatedAt");
  json_builder_add_int_value (builder, 1700000000);
  json_builder_set_member_name (builder, "title");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "romaji");
  json_builder_add_string_value (builder, title);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "relations");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  for (const KzMockEdge *edge = edges; edge != NULL && edge->relation != NULL; edge++)
    if (edge->from == id)
      add_edge (builder, edge);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* A snapshot of TV seasons @first … @last with @edges between them. */
GBytes *
kz_mock_snapshot_new (gint64            first,
                      gint64            last,
                      const KzMockEdge *edges)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *data;
  gsize length = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "kizuna-snapshot");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "media");
  json_builder_begin_array (builder);
  for (gint64 id = first; id <= last; id++)
    add_media (builder, id, edges);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

/* Seasons @first … , each the SEQUEL of the one before (and that one
 * its PREQUEL). */
GBytes *
kz_mock_snapshot_new_chain (gint64 first,
                            guint  length)
{
  g_autoptr(GArray) edges = g_array_new (TRUE, TRUE, sizeof (KzMockEdge));

  for (gint64 id = first; id + 1 < first + length; id++)
    {
      KzMockEdge sequel = { id, "SEQUEL", id + 1, 0 };
      KzMockEdge prequel = { id + 1, "PREQUEL", id, 0 };

      g_array_append_val (edges, sequel);
      g_array_append_val (edges, prequel);
    }

  return kz_mock_snapshot_new (first, first + length - 1, (const KzMockEdge *)(gpointer) edges->data);
}
