/* kz-anilist-parser.c
 *
 * Everything in a response is treated as untrusted: any member may be
 * missing, null or of another JSON type, and none of that may crash or
 * log a critical. The getters below check node types before reading.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-anilist"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kz-anilist-parser.h"
#include "kz-entry-private.h"
#include "kz-provider.h"

/* json-glib parses recursively and runs out of stack on deeply nested
 * input; AniList's answers are nested about ten levels deep. */
#define MAX_JSON_DEPTH 64

/* Enough of a service's error message to act on. */
#define MAX_MESSAGE_CHARS 300

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  if (object == NULL)
    return NULL;

  return json_object_get_member (object, name);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

static const char *
node_get_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* NULL for missing, null, non-string and empty members. */
static char *
dup_string (JsonObject *object,
            const char *name)
{
  const char *str = node_get_string (get_member (object, name));

  if (str == NULL || *str == '\0')
    return NULL;

  return g_utf8_make_valid (str, -1);
}

/* Text shown on one line (titles, genres, words): no control character
 * may reach a label or a terminal, and the blank ones become spaces.
 * NULL when nothing is left. */
static char *
clean_line (const char *str)
{
  g_autofree char *valid = NULL;
  GString *out;
  char *line;

  if (str == NULL)
    return NULL;

  valid = g_utf8_make_valid (str, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\t' || c == '\n' || c == '\r')
        g_string_append_c (out, ' ');
      else if (!g_unichar_iscntrl (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  line = g_strstrip (g_string_free (out, FALSE));
  if (*line == '\0')
    g_clear_pointer (&line, g_free);

  return line;
}

static char *
dup_line (JsonObject *object,
          const char *name)
{
  return clean_line (node_get_string (get_member (object, name)));
}

static gboolean
get_int (JsonObject *object,
         const char *name,
         gint64     *value)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

/* Out-of-range values are clamped rather than wrapped, so that the
 * ingest checks still see them as impossible and clear them. */
static gint64
get_clamped (JsonObject *object,
             const char *name,
             gint64      min,
             gint64      max)
{
  gint64 value = 0;

  if (!get_int (object, name, &value))
    return 0;

  return CLAMP (value, min, max);
}

static gboolean
get_boolean (JsonObject *object,
             const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  return json_node_get_boolean (node);
}

/* The strings of an array, skipping anything else; NULL when none. */
static char **
dup_string_array (JsonObject *object,
                  const char *name)
{
  JsonArray *array = get_array (object, name);
  GPtrArray *strings;
  guint length;

  if (array == NULL)
    return NULL;

  length = json_array_get_length (array);
  strings = g_ptr_array_new ();
  for (guint i = 0; i < length; i++)
    {
      char *str = clean_line (node_get_string (json_array_get_element (array, i)));

      if (str != NULL)
        g_ptr_array_add (strings, str);
    }

  if (strings->len == 0)
    {
      g_ptr_array_free (strings, TRUE);
      return NULL;
    }

  g_ptr_array_add (strings, NULL);
  return (char **)g_ptr_array_free (strings, FALSE);
}

static KzDate
get_date (JsonObject *object,
          const char *name)
{
  JsonObject *date = get_object (object, name);
  KzDate result = { 0, 0, 0 };

  if (date == NULL)
    return result;

  result.year = get_clamped (date, "year", G_MININT16, G_MAXINT16);
  result.month = get_clamped (date, "month", G_MININT8, G_MAXINT8);
  result.day = get_clamped (date, "day", G_MININT8, G_MAXINT8);

  return result;
}

static gint64
get_id (JsonObject *media)
{
  gint64 id = 0;

  if (!get_int (media, "id", &id) || id <= 0)
    return 0;

  return id;
}

/* What both a fetched Media object and a relation's node carry. */
static void
parse_common (KzEntry    *entry,
              JsonObject *media)
{
  JsonObject *title = get_object (media, "title");
  JsonObject *cover = get_object (media, "coverImage");
  gint64 id_mal = 0;

  if (get_int (media, "idMal", &id_mal) && id_mal > 0)
    entry->id_mal = id_mal;

  entry->title_romaji = dup_line (title, "romaji");
  entry->title_english = dup_line (title, "english");
  entry->title_native = dup_line (title, "native");

  entry->media_type = kz_media_type_from_string (node_get_string (get_member (media, "type")));
  entry->format = kz_format_from_string (node_get_string (get_member (media, "format")));
  entry->status = kz_status_from_string (node_get_string (get_member (media, "status")));

  entry->episodes = get_clamped (media, "episodes", G_MININT, G_MAXINT);
  entry->season_year = get_clamped (media, "seasonYear", G_MININT, G_MAXINT);
  entry->is_adult = get_boolean (media, "isAdult");
  entry->start_date = get_date (media, "startDate");

  entry->cover_medium = dup_line (cover, "medium");
  entry->cover_color = dup_line (cover, "color");
}

static KzEntry *
parse_node (JsonObject  *node,
            GError     **error)
{
  KzEntry *entry;
  gint64 id = get_id (node);

  if (id == 0)
    {
      g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                           _("AniList sent a related entry without a valid id"));
      return NULL;
    }

  entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_STUB);
  parse_common (entry, node);

  return entry;
}

/* The edges nested in a relation's node (the two-level query), as
 * hints from that node; nodes without a valid id are skipped. */
static void
parse_nested_edges (gint64      from,
                    JsonObject *node,
                    GArray     *hints)
{
  JsonArray *edges = get_array (get_object (node, "relations"), "edges");
  guint length;

  if (edges == NULL)
    return;

  length = json_array_get_length (edges);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *edge_node = json_array_get_element (edges, i);
      JsonObject *edge;
      JsonObject *target;
      KzRelationHint hint = { from, 0, KZ_RELATION_UNKNOWN, KZ_MEDIA_TYPE_UNKNOWN };

      if (!JSON_NODE_HOLDS_OBJECT (edge_node))
        continue;

      edge = json_node_get_object (edge_node);
      target = get_object (edge, "node");
      if ((hint.to = get_id (target)) == 0)
        continue;

      hint.type = kz_relation_type_from_string (node_get_string (get_member (edge, "relationType")));
      hint.to_media_type = kz_media_type_from_string (node_get_string (get_member (target, "type")));
      g_array_append_val (hints, hint);
    }
}

static void
parse_relations (KzEntry    *entry,
                 JsonObject *media,
                 GArray     *hints)
{
  JsonArray *edges = get_array (get_object (media, "relations"), "edges");
  guint length;

  if (edges == NULL)
    return;

  length = json_array_get_length (edges);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *edge_node = json_array_get_element (edges, i);
      JsonObject *edge;
      JsonObject *node;
      g_autoptr(KzEntry) target = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *raw_type = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (edge_node))
        continue;

      edge = json_node_get_object (edge_node);
      node = get_object (edge, "node");
      if (node == NULL)
        continue;

      target = parse_node (node, &error);
      if (target == NULL)
        {
          g_debug ("Skipping a relation of %" G_GINT64_FORMAT ": %s",
                   entry->id, error->message);
          continue;
        }

      if (hints != NULL)
        parse_nested_edges (kz_entry_get_id (target), node, hints);

      /* New relation types come through as UNKNOWN with their word kept. */
      raw_type = dup_line (edge, "relationType");
      _kz_entry_add_relation (entry,
                              kz_relation_type_from_string (raw_type),
                              raw_type,
                              target);
    }
}

static KzEntry *
parse_media (JsonObject  *media,
             GArray      *hints,
             GError     **error)
{
  g_autoptr(KzEntry) entry = NULL;
  JsonObject *cover;
  gint64 id = get_id (media);

  if (id == 0)
    {
      g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                           _("AniList sent an entry without a valid id"));
      return NULL;
    }

  entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);
  parse_common (entry, media);

  cover = get_object (media, "coverImage");
  entry->cover_extra_large = dup_line (cover, "extraLarge");
  entry->cover_large = dup_line (cover, "large");
  entry->banner_url = dup_line (media, "bannerImage");

  entry->synonyms = dup_string_array (media, "synonyms");
  entry->genres = dup_string_array (media, "genres");
  entry->description = dup_string (media, "description");
  entry->site_url = dup_line (media, "siteUrl");

  entry->season = kz_season_from_string (node_get_string (get_member (media, "season")));
  entry->duration = get_clamped (media, "duration", G_MININT, G_MAXINT);
  entry->average_score = get_clamped (media, "averageScore", G_MININT, G_MAXINT);
  entry->updated_at = get_clamped (media, "updatedAt", 0, G_MAXINT64);
  entry->end_date = get_date (media, "endDate");

  parse_relations (entry, media, hints);

  return g_steal_pointer (&entry);
}

KzEntry *
kz_anilist_parse_media (JsonObject  *media,
                        GError     **error)
{
  g_return_val_if_fail (media != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_media (media, NULL, error);
}

/* Rejects nesting that would exhaust json-glib's recursion, without
 * parsing: brackets inside strings do not count. */
static gboolean
nesting_is_shallow (const char *body,
                    gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = body[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

static void
set_invalid_json (GError **error)
{
  g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                       _("AniList sent a response that is not valid JSON"));
}

/* A service message fit for a person: valid UTF-8, one line, bounded. */
static char *
plain_message (const char *message)
{
  g_autofree char *valid = g_utf8_make_valid (message, -1);
  GString *out = g_string_new (NULL);
  guint n_chars = 0;
  const char *p;

  for (p = valid; *p && n_chars < MAX_MESSAGE_CHARS; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  if (*p != '\0')
    g_string_append (out, "…");

  if (*g_strstrip (out->str) == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  g_string_set_size (out, strlen (out->str));
  return g_string_free (out, FALSE);
}

/* Turns a non-empty "errors" array into one error; NOT_FOUND and
 * COMPLEXITY win over the others, whatever their position. */
static void
set_error_from_errors (JsonArray  *errors,
                       GError    **error)
{
  g_autofree char *first_message = NULL;
  guint length = json_array_get_length (errors);

  for (guint i = 0; i < length; i++)
    {
      JsonNode *node = json_array_get_element (errors, i);
      JsonObject *item;
      const char *message;
      gint64 status = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      item = json_node_get_object (node);
      message = node_get_string (get_member (item, "message"));
      get_int (item, "status", &status);

      if (status == 404 || g_strcmp0 (message, "Not Found.") == 0)
        {
          g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND,
                               _("AniList has no entry with that id"));
          return;
        }
    }

  for (guint i = 0; i < length; i++)
    {
      JsonNode *node = json_array_get_element (errors, i);
      JsonObject *item;
      const char *message;
      gint64 status = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      item = json_node_get_object (node);
      message = node_get_string (get_member (item, "message"));
      get_int (item, "status", &status);

      if (message != NULL && strstr (message, "Max query complexity") != NULL)
        {
          g_autofree char *text = plain_message (message);

          g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_COMPLEXITY,
                       _("The request was too complex for AniList (%s)"), text);
          return;
        }

      if (status == 429)
        {
          g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED,
                               _("AniList is rate limiting requests; try again in a minute"));
          return;
        }

      if (message != NULL && first_message == NULL)
        first_message = plain_message (message);
    }

  if (first_message != NULL)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY,
                 _("AniList rejected the request: %s"), first_message);
  else
    g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY,
                         _("AniList rejected the request without saying why"));
}

/* Errors that the HTTP status alone tells, whatever the body holds:
 * AniList's 403 "temporarily disabled" page is not even JSON. */
static gboolean
set_error_from_status (guint    http_status,
                       GError **error)
{
  if (http_status == 403)
    g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE,
                         _("AniList is temporarily unavailable; try again later"));
  else if (http_status == 429)
    g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED,
                         _("AniList is rate limiting requests; try again in a minute"));
  else if (http_status >= 500 && http_status <= 599)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE,
                 _("AniList is temporarily unavailable (HTTP %u); try again later"),
                 http_status);
  else if (http_status == 404)
    g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND,
                         _("AniList has no entry with that id"));
  else
    return FALSE;

  return TRUE;
}

/* Reads one item of data.Page.media; @hints is only for the by-ids
 * reader. */
typedef KzEntry *(*MediaParser) (JsonObject  *media,
                                 GArray      *hints,
                                 GError     **error);

/* An item of the freshness check: a stub that carries only its id and
 * updatedAt, never mistaken for a fetched entry. */
static KzEntry *
parse_updated_media (JsonObject  *media,
                     GArray      *hints,
                     GError     **error)
{
  KzEntry *entry;
  gint64 id = get_id (media);

  if (id == 0)
    {
      g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                           "AniList sent an entry without a valid id");
      return NULL;
    }

  entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_STUB);
  entry->updated_at = get_clamped (media, "updatedAt", 0, G_MAXINT64);

  return entry;
}

/* The parsed entries of data.Page.media, or NULL with @error set when
 * the shape is wrong. Sets @have_media to whether the array was there. */
static GPtrArray *
parse_page_media (JsonObject   *root,
                  MediaParser   parse_item,
                  GArray       *hints,
                  gboolean     *have_media,
                  GError      **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *data;
  JsonNode *page;
  JsonNode *media;
  JsonArray *items;
  guint n_items;
  guint n_failed = 0;

  *have_media = FALSE;

  data = get_member (root, "data");
  if (data == NULL || JSON_NODE_HOLDS_NULL (data))
    return g_steal_pointer (&entries);
  if (!JSON_NODE_HOLDS_OBJECT (data))
    goto invalid;

  page = get_member (json_node_get_object (data), "Page");
  if (page == NULL || JSON_NODE_HOLDS_NULL (page))
    return g_steal_pointer (&entries);
  if (!JSON_NODE_HOLDS_OBJECT (page))
    goto invalid;

  media = get_member (json_node_get_object (page), "media");
  if (media == NULL || JSON_NODE_HOLDS_NULL (media))
    return g_steal_pointer (&entries);
  if (!JSON_NODE_HOLDS_ARRAY (media))
    goto invalid;

  *have_media = TRUE;
  items = json_node_get_array (media);
  n_items = json_array_get_length (items);

  for (guint i = 0; i < n_items; i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      g_autoptr(GError) item_error = NULL;
      KzEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          n_failed++;
          continue;
        }

      entry = parse_item (json_node_get_object (item), hints, &item_error);
      if (entry == NULL)
        {
          n_failed++;
          continue;
        }

      g_ptr_array_add (entries, entry);
    }

  if (n_failed > 0)
    g_debug ("Ignored %u of %u media entries that could not be read", n_failed, n_items);

  if (n_items > 0 && entries->len == 0)
    goto invalid;

  return g_steal_pointer (&entries);

invalid:
  g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                       _("AniList sent a response in a shape Kizuna does not understand"));
  return NULL;
}

static GPtrArray *
parse_response (guint         http_status,
                const char   *body,
                gsize         length,
                MediaParser   parse_item,
                GArray       *hints,
                GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) media_error = NULL;
  g_autofree char *repaired = NULL;
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *errors_node;
  JsonArray *errors = NULL;
  gboolean have_media = FALSE;

  if (set_error_from_status (http_status, error))
    return NULL;

  if (body == NULL || length == 0 || length > G_MAXSSIZE ||
      !nesting_is_shallow (body, length))
    {
      set_invalid_json (error);
      return NULL;
    }

  /* json-glib refuses a whole document for one byte that is not UTF-8:
   * one broken title must not make fifty entries unreadable. Outside
   * strings JSON is ASCII, so a repair only ever changes text. */
  if (!g_utf8_validate_len (body, length, NULL))
    {
      repaired = g_utf8_make_valid (body, length);
      body = repaired;
      length = strlen (repaired);
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, length, &parse_error))
    {
      g_debug ("Unreadable answer (HTTP %u): %s", http_status, parse_error->message);
      set_invalid_json (error);
      return NULL;
    }

  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      set_invalid_json (error);
      return NULL;
    }
  root = json_node_get_object (root_node);

  errors_node = get_member (root, "errors");
  if (errors_node != NULL && JSON_NODE_HOLDS_ARRAY (errors_node))
    {
      errors = json_node_get_array (errors_node);
      if (json_array_get_length (errors) == 0)
        errors = NULL;
    }
  else if (errors_node != NULL && !JSON_NODE_HOLDS_NULL (errors_node))
    {
      g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                           _("AniList sent a response in a shape Kizuna does not understand"));
      return NULL;
    }

  entries = parse_page_media (root, parse_item, hints, &have_media, &media_error);

  if (errors != NULL)
    {
      /* Partial data: keep what came, note what went wrong. */
      if (entries != NULL && entries->len > 0)
        {
          g_autoptr(GError) ignored = NULL;

          set_error_from_errors (errors, &ignored);
          g_debug ("Keeping %u entries despite an error: %s", entries->len, ignored->message);
          return g_steal_pointer (&entries);
        }

      set_error_from_errors (errors, error);
      return NULL;
    }

  if (entries == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&media_error));
      return NULL;
    }

  if (!have_media)
    {
      /* A 200 with nothing in it, or an unexpected status with no errors. */
      if (http_status >= 200 && http_status <= 299)
        g_set_error_literal (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                             _("AniList sent a response without any entries"));
      else
        g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY,
                     _("AniList rejected the request (HTTP %u)"), http_status);
      return NULL;
    }

  if (http_status < 200 || http_status > 299)
    g_debug ("Entries came with HTTP status %u", http_status);

  return g_steal_pointer (&entries);
}

GPtrArray *
kz_anilist_parse_response (guint        http_status,
                           const char  *body,
                           gsize        length,
                           GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_response (http_status, body, length, parse_media, NULL, error);
}

/**
 * kz_anilist_parse_response_with_hints:
 * @hints: (element-type KzRelationHint): where the nested edges go
 *
 * Reads the answer to kz_anilist_query_by_ids_nested(): the entries as
 * kz_anilist_parse_response() gives them, and for every relation node
 * that carries edges of its own, those edges appended to @hints (the
 * entries do not keep them). Hints of an answer that fails are left in
 * @hints; callers drop them with the error.
 */
GPtrArray *
kz_anilist_parse_response_with_hints (guint        http_status,
                                      const char  *body,
                                      gsize        length,
                                      GArray      *hints,
                                      GError     **error)
{
  g_return_val_if_fail (hints != NULL, NULL);
  g_return_val_if_fail (g_array_get_element_size (hints) == sizeof (KzRelationHint), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_response (http_status, body, length, parse_media, hints, error);
}

/* Reads the numbers of AniList's "Max query complexity should be 500 but
 * got 646." wherever they appear in @message. */
gboolean
kz_anilist_parse_complexity (const char *message,
                             guint      *limit,
                             guint      *cost)
{
  const char *p;
  guint64 a, b;
  char *end = NULL;

  g_return_val_if_fail (limit != NULL && cost != NULL, FALSE);

  if (message == NULL || !(p = strstr (message, "should be ")))
    return FALSE;

  p += strlen ("should be ");
  if (!g_ascii_isdigit (*p))
    return FALSE;
  a = g_ascii_strtoull (p, &end, 10);
  if (end == p || !g_str_has_prefix (end, " but got "))
    return FALSE;

  p = end + strlen (" but got ");
  if (!g_ascii_isdigit (*p))
    return FALSE;
  b = g_ascii_strtoull (p, &end, 10);
  if (end == p || a == 0 || a > G_MAXUINT || b > G_MAXUINT)
    return FALSE;

  *limit = (guint) a;
  *cost = (guint) b;
  return TRUE;
}

/**
 * kz_anilist_parse_updated_response:
 *
 * Reads the answer to kz_anilist_query_updated_at(), with the same
 * error mapping as kz_anilist_parse_response().
 *
 * Returns: (transfer full) (element-type KzEntry): one stub per entry
 *   AniList knows, holding only its id and updatedAt (0 when missing)
 */
GPtrArray *
kz_anilist_parse_updated_response (guint        http_status,
                                   const char  *body,
                                   gsize        length,
                                   GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_response (http_status, body, length, parse_updated_media, NULL, error);
}
