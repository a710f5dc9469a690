/* kz-mock-answers.c: the stand-in's answers, from its snapshot
 *
 * The snapshot is indexed once; a query by ids or by search then
 * becomes one Page of media in AniList's shape.
 *
 * Relation nodes are served as the snapshot has them, without anything
 * nested. A two-level query gets each node's own edges (relationType and
 * a node of id and type) from the node itself when the snapshot nests
 * some there, as a copy AniList had cached earlier would (they may be
 * stale), and otherwise from the node's own entry; a node the snapshot
 * does not serve has none.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <string.h>

#include "kz-mock-anilist-private.h"

/* NFKC and case folding, so "ＧＵＮＤＡＭ" finds "Gundam". */
static char *
fold_text (const char *text)
{
  g_autofree char *normalized = NULL;

  if (text == NULL)
    return NULL;

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  if (normalized == NULL)
    return NULL;

  return g_utf8_casefold (normalized, -1);
}

/* The snapshot */

void
_kz_mock_media_free (KzMockMedia *media)
{
  g_ptr_array_unref (media->folded_names);
  g_free (media->type);
  g_free (media);
}

static void
add_folded_name (KzMockMedia *media,
                 const char  *name)
{
  char *folded = fold_text (name);

  if (folded != NULL)
    g_ptr_array_add (media->folded_names, folded);
}

/* Whether a relation node of @object carries relations of its own. */
static gboolean
node_nests_edges (JsonObject *object)
{
  JsonArray *edges = _kz_mock_member_array (_kz_mock_member_object (object, "relations"), "edges");

  for (guint i = 0; edges != NULL && i < json_array_get_length (edges); i++)
    {
      JsonNode *edge = json_array_get_element (edges, i);

      if (JSON_NODE_HOLDS_OBJECT (edge) &&
          _kz_mock_member_node (_kz_mock_member_object (json_node_get_object (edge), "node"),
                                "relations") != NULL)
        return TRUE;
    }

  return FALSE;
}

static KzMockMedia *
mock_media_new (gint64    id,
                JsonNode *node)
{
  JsonObject *object = json_node_get_object (node);
  JsonObject *title = _kz_mock_member_object (object, "title");
  JsonArray *synonyms = _kz_mock_member_array (object, "synonyms");
  KzMockMedia *media = g_new0 (KzMockMedia, 1);

  media->id = id;
  media->node = node;
  media->type = g_strdup (_kz_mock_member_string (object, "type"));
  media->nests_edges = node_nests_edges (object);
  media->folded_names = g_ptr_array_new_with_free_func (g_free);

  add_folded_name (media, _kz_mock_member_string (title, "romaji"));
  add_folded_name (media, _kz_mock_member_string (title, "english"));
  add_folded_name (media, _kz_mock_member_string (title, "native"));

  for (guint i = 0; synonyms != NULL && i < json_array_get_length (synonyms); i++)
    {
      JsonNode *synonym = json_array_get_element (synonyms, i);

      if (JSON_NODE_HOLDS_VALUE (synonym) &&
          json_node_get_value_type (synonym) == G_TYPE_STRING)
        add_folded_name (media, json_node_get_string (synonym));
    }

  return media;
}

gboolean
_kz_mock_load_snapshot (KzMockAniList  *self,
                        GBytes         *snapshot,
                        GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *media;
  const char *data;
  gsize size = 0;
  gint64 version = 0;

  data = g_bytes_get_data (snapshot, &size);
  if (data == NULL || size == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The snapshot is empty");
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    {
      g_prefix_error (error, "The snapshot is not valid JSON: ");
      return FALSE;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The snapshot is not a JSON object");
      return FALSE;
    }

  object = json_node_get_object (root);
  if (g_strcmp0 (_kz_mock_member_string (object, "format"), "kizuna-snapshot") != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The file is not a Kizuna snapshot (format is not \"kizuna-snapshot\")");
      return FALSE;
    }

  if (!_kz_mock_member_int (object, "version", &version) || version != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Snapshot version %" G_GINT64_FORMAT " is not supported (expected 1)",
                   version);
      return FALSE;
    }

  media = _kz_mock_member_array (object, "media");
  if (media == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The snapshot has no \"media\" array");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (media); i++)
    {
      JsonNode *node = json_array_get_element (media, i);
      KzMockMedia *entry;
      gint64 id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !_kz_mock_member_int (json_node_get_object (node), "id", &id))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Snapshot media #%u has no integer \"id\"", i);
          return FALSE;
        }

      if (g_hash_table_contains (self->media_by_id, &id))
        {
          g_debug ("Snapshot lists media %" G_GINT64_FORMAT " twice; keeping the first",
                   id);
          continue;
        }

      entry = mock_media_new (id, node);
      g_hash_table_insert (self->media_by_id, &entry->id, entry);
      g_ptr_array_add (self->media, entry);
    }

  self->snapshot = g_steal_pointer (&root);
  g_debug ("Serving %u media from the snapshot", self->media->len);

  return TRUE;
}

/* Writing answers */

char *
_kz_mock_generate (JsonNode *root,
                   gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

void
_kz_mock_set_json_response (SoupServerMessage *msg,
                            guint              status,
                            JsonNode          *root)
{
  gsize length = 0;
  char *text = _kz_mock_generate (root, &length);

  soup_server_message_set_status (msg, status,
                                  status == KZ_MOCK_HTTP_TOO_MANY_REQUESTS
                                  ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "application/json",
                                    SOUP_MEMORY_TAKE, text, length);
}

void
_kz_mock_set_uint_header (SoupMessageHeaders *headers,
                          const char         *name,
                          guint64             value)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  soup_message_headers_replace (headers, name, text);
}

/* Answers */

/* A copy of @object without the members named in @skip (NULL ended);
 * the values are shared, as json_node_copy() shares them. */
static JsonObject *
copy_object_except (JsonObject  *object,
                    const char **skip)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (skip, name))
      json_object_set_member (copy, name, json_node_copy (value));

  return copy;
}

/* {"edges": [{"relationType", "node": {"id", "type"}}]} from the edges
 * of @relations (a snapshot "relations" object, or NULL). */
static JsonObject *
bare_edges (JsonObject *relations)
{
  JsonArray *edges = _kz_mock_member_array (relations, "edges");
  JsonArray *bare = json_array_new ();
  JsonObject *result = json_object_new ();

  for (guint i = 0; edges != NULL && i < json_array_get_length (edges); i++)
    {
      JsonNode *edge_node = json_array_get_element (edges, i);
      JsonObject *edge;
      JsonObject *node;
      JsonObject *bare_edge;
      JsonObject *bare_node;
      const char *relation_type;
      const char *type;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (edge_node))
        continue;
      edge = json_node_get_object (edge_node);
      node = _kz_mock_member_object (edge, "node");
      if (!_kz_mock_member_int (node, "id", &id))
        continue;

      bare_edge = json_object_new ();
      bare_node = json_object_new ();
      relation_type = _kz_mock_member_string (edge, "relationType");
      if (relation_type != NULL)
        json_object_set_string_member (bare_edge, "relationType", relation_type);
      else
        json_object_set_null_member (bare_edge, "relationType");
      json_object_set_int_member (bare_node, "id", id);
      type = _kz_mock_member_string (node, "type");
      if (type != NULL)
        json_object_set_string_member (bare_node, "type", type);
      else
        json_object_set_null_member (bare_node, "type");
      json_object_set_object_member (bare_edge, "node", bare_node);
      json_array_add_object_element (bare, bare_edge);
    }

  json_object_set_array_member (result, "edges", bare);
  return result;
}

/* One media as the query asked for it: see the top of the file. */
static JsonNode *
shape_media (KzMockAniList *self,
             KzMockMedia   *media,
             gboolean       nested)
{
  static const char *relations_only[] = { "relations", NULL };
  static const char *node_skip[] = { "relations", NULL };
  JsonObject *object = json_node_get_object (media->node);
  JsonObject *relations = _kz_mock_member_object (object, "relations");
  JsonArray *edges = _kz_mock_member_array (relations, "edges");
  JsonObject *shaped;
  JsonObject *shaped_relations;
  JsonArray *shaped_edges;
  JsonNode *root;

  if (edges == NULL || (!nested && !media->nests_edges))
    return json_node_copy (media->node);

  shaped = copy_object_except (object, relations_only);
  shaped_relations = copy_object_except (relations, relations_only);
  shaped_edges = json_array_new ();

  for (guint i = 0; i < json_array_get_length (edges); i++)
    {
      JsonNode *edge_node = json_array_get_element (edges, i);
      JsonObject *edge;
      JsonObject *node;
      JsonObject *shaped_edge;
      JsonObject *shaped_node;
      KzMockMedia *target;
      gint64 id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (edge_node) ||
          !(node = _kz_mock_member_object ((edge = json_node_get_object (edge_node)), "node")))
        {
          json_array_add_element (shaped_edges, json_node_copy (edge_node));
          continue;
        }

      shaped_edge = copy_object_except (edge, (const char *[]) { "node", NULL });
      shaped_node = copy_object_except (node, node_skip);
      if (nested)
        {
          JsonObject *own = _kz_mock_member_object (node, "relations");

          if (own == NULL && _kz_mock_member_int (node, "id", &id) &&
              (target = g_hash_table_lookup (self->media_by_id, &id)))
            own = _kz_mock_member_object (json_node_get_object (target->node), "relations");
          json_object_set_object_member (shaped_node, "relations", bare_edges (own));
        }
      json_object_set_object_member (shaped_edge, "node", shaped_node);
      json_array_add_object_element (shaped_edges, shaped_edge);
    }

  json_object_set_array_member (shaped_relations, "edges", shaped_edges);
  json_object_set_object_member (shaped, "relations", shaped_relations);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, shaped);
  return root;
}

static JsonNode *
build_page (KzMockAniList *self,
            GPtrArray     *found,
            guint          page,
            guint          per_page,
            gboolean       nested)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint64 offset = (guint64) (page - 1) * per_page;
  guint64 end;

  offset = MIN (offset, found->len);
  end = MIN (offset + per_page, found->len);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Page");
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "pageInfo");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hasNextPage");
  json_builder_add_boolean_value (builder, end < found->len);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, found->len);
  json_builder_set_member_name (builder, "currentPage");
  json_builder_add_int_value (builder, page);
  json_builder_set_member_name (builder, "perPage");
  json_builder_add_int_value (builder, per_page);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "media");
  json_builder_begin_array (builder);
  for (guint64 i = offset; i < end; i++)
    {
      KzMockMedia *media = g_ptr_array_index (found, i);

      json_builder_add_value (builder, shape_media (self, media, nested));
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
type_matches (KzMockMedia *media,
              const char  *type)
{
  return type == NULL || g_strcmp0 (media->type, type) == 0;
}

static gint
compare_id_descending (gconstpointer a,
                       gconstpointer b)
{
  const KzMockMedia *ma = *(KzMockMedia * const *) a;
  const KzMockMedia *mb = *(KzMockMedia * const *) b;

  return (ma->id < mb->id) - (ma->id > mb->id);
}

/* Like AniList, the order is not the request's: clients must index by id. */
static JsonNode *
answer_by_ids (KzMockAniList *self,
               KzMockQuery   *query)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < query->ids->len; i++)
    {
      gint64 *id = &g_array_index (query->ids, gint64, i);
      KzMockMedia *media = g_hash_table_lookup (self->media_by_id, id);

      if (media == NULL || !type_matches (media, query->type) ||
          !g_hash_table_add (seen, id))
        continue;
      g_ptr_array_add (found, media);
    }

  g_ptr_array_sort (found, compare_id_descending);

  return build_page (self, found, query->page, query->per_page, query->nested);
}

typedef struct {
  KzMockMedia *media;
  guint        rank;  /* 0 exact, 1 prefix, 2 anywhere */
} SearchHit;

static gint
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const SearchHit *ha = a;
  const SearchHit *hb = b;

  if (ha->rank != hb->rank)
    return ha->rank < hb->rank ? -1 : 1;

  return (ha->media->id > hb->media->id) - (ha->media->id < hb->media->id);
}

static gboolean
rank_media (KzMockMedia *media,
            const char  *needle,
            guint       *rank)
{
  gboolean matched = FALSE;

  *rank = G_MAXUINT;
  for (guint i = 0; i < media->folded_names->len; i++)
    {
      const char *name = g_ptr_array_index (media->folded_names, i);
      guint name_rank;

      if (g_str_equal (name, needle))
        name_rank = 0;
      else if (g_str_has_prefix (name, needle))
        name_rank = 1;
      else if (strstr (name, needle) != NULL)
        name_rank = 2;
      else
        continue;

      *rank = MIN (*rank, name_rank);
      matched = TRUE;
    }

  return matched;
}

static JsonNode *
answer_search (KzMockAniList *self,
               KzMockQuery   *query)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (SearchHit));
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autofree char *needle = fold_text (query->search);

  if (needle == NULL)
    needle = g_strdup ("");

  for (guint i = 0; i < self->media->len; i++)
    {
      SearchHit hit = { g_ptr_array_index (self->media, i), 0 };

      if (type_matches (hit.media, query->type) &&
          rank_media (hit.media, needle, &hit.rank))
        g_array_append_val (hits, hit);
    }

  g_array_sort (hits, compare_hits);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (found, g_array_index (hits, SearchHit, i).media);

  return build_page (self, found, query->page, query->per_page, FALSE);
}

/* Under the lock: kz_mock_anilist_touch() may change the snapshot. */
JsonNode *
_kz_mock_build_answer (KzMockAniList *self,
                       KzMockQuery   *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (query->kind == KZ_MOCK_QUERY_BY_IDS)
    return answer_by_ids (self, query);

  return answer_search (self, query);
}
