/* kz-mock-query.c: what a client asked the AniList stand-in
 *
 * Only the two Page queries Kizuna sends are understood: media by ids
 * and media by search. Anything else becomes an invalid query with the
 * message AniList would give. A query is read as asking for relations
 * when its text names "relations", and for the two-level form when it
 * names them twice (the nodes' own relations inside the edges).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <string.h>

#include "kz-mock-anilist-private.h"

#define MAX_PER_PAGE             50
#define DEFAULT_IDS_PER_PAGE     50
#define DEFAULT_SEARCH_PER_PAGE  10

void
_kz_mock_query_free (KzMockQuery *query)
{
  g_clear_pointer (&query->ids, g_array_unref);
  g_free (query->search);
  g_free (query->error);
  g_free (query);
}

/* See KZ_MOCK_MAX_COMPLEXITY for the rule. */
guint64
_kz_mock_query_cost (const KzMockQuery *query)
{
  guint64 per_media = KZ_MOCK_COST_BARE;

  if (query->nested)
    per_media = KZ_MOCK_COST_NESTED;
  else if (query->relations)
    per_media = KZ_MOCK_COST_RELATIONS;

  return 1 + (guint64) query->per_page * per_media;
}

static KzMockQuery *
refuse_query (KzMockQuery *query,
              const char  *message)
{
  query->kind = KZ_MOCK_QUERY_INVALID;
  g_free (query->error);
  query->error = g_strdup (message);
  return query;
}

static gboolean
read_ids (JsonObject *variables,
          GArray     *ids)
{
  JsonArray *array = _kz_mock_member_array (variables, "ids");

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 id;

      if (!_kz_mock_node_int (json_array_get_element (array, i), &id))
        return FALSE;
      g_array_append_val (ids, id);
    }

  return TRUE;
}

static const char *
query_media_type (const char *text,
                  JsonObject *variables)
{
  const char *type = _kz_mock_member_string (variables, "type");

  if (g_strcmp0 (type, "ANIME") == 0 ||
      strstr (text, "type: ANIME") != NULL || strstr (text, "type:ANIME") != NULL)
    return "ANIME";

  if (g_strcmp0 (type, "MANGA") == 0 ||
      strstr (text, "type: MANGA") != NULL || strstr (text, "type:MANGA") != NULL)
    return "MANGA";

  return NULL;
}

KzMockQuery *
_kz_mock_query_parse (SoupServerMessage *msg)
{
  KzMockQuery *query = g_new0 (KzMockQuery, 1);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *data;
  gsize size = 0;
  JsonNode *root;
  JsonNode *variables_node;
  JsonObject *request;
  JsonObject *variables = NULL;
  const char *text;
  const char *relations;
  guint default_per_page;
  gint64 number;

  query->kind = KZ_MOCK_QUERY_INVALID;

  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    return refuse_query (query, "Send queries as a POST with a JSON body {\"query\": …, \"variables\": …}.");

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &size);
  if (data == NULL || size == 0)
    return refuse_query (query, "Must provide query string.");

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    {
      g_autofree char *message = g_strdup_printf ("Invalid JSON in the request body: %s",
                                                  error->message);
      return refuse_query (query, message);
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return refuse_query (query, "The request body must be a JSON object.");

  request = json_node_get_object (root);
  text = _kz_mock_member_string (request, "query");
  if (text == NULL || *text == '\0')
    return refuse_query (query, "Must provide query string.");

  variables_node = _kz_mock_member_node (request, "variables");
  if (variables_node != NULL && JSON_NODE_HOLDS_OBJECT (variables_node))
    variables = json_node_get_object (variables_node);
  else if (variables_node != NULL && !JSON_NODE_HOLDS_NULL (variables_node))
    return refuse_query (query, "Variables must be a JSON object.");

  if (strstr (text, "id_in") != NULL)
    {
      query->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!read_ids (variables, query->ids))
        return refuse_query (query, "Variable \"$ids\" of type \"[Int]\" must be a list of integers.");
      query->kind = KZ_MOCK_QUERY_BY_IDS;
      default_per_page = DEFAULT_IDS_PER_PAGE;
    }
  else if (strstr (text, "search:") != NULL)
    {
      const char *search = _kz_mock_member_string (variables, "search");

      if (search == NULL)
        return refuse_query (query, "Variable \"$search\" of type \"String\" was not provided.");
      query->search = g_strdup (search);
      query->kind = KZ_MOCK_QUERY_SEARCH;
      default_per_page = DEFAULT_SEARCH_PER_PAGE;
    }
  else
    {
      return refuse_query (query, "Unsupported query: only Page queries on media(id_in: …) or media(search: …) are answered.");
    }

  query->type = query_media_type (text, variables);
  if ((relations = strstr (text, "relations")) != NULL)
    {
      query->relations = TRUE;
      query->nested = strstr (relations + strlen ("relations"), "relations") != NULL;
    }

  query->page = 1;
  if (_kz_mock_member_int (variables, "page", &number) && number > 1)
    query->page = (guint) MIN (number, G_MAXUINT);

  query->per_page = default_per_page;
  if (_kz_mock_member_int (variables, "perPage", &number))
    query->per_page = (guint) CLAMP (number, 1, MAX_PER_PAGE);

  return query;
}
