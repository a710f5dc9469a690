/* kz-jikan-parser.c
 *
 * Everything in an answer is untrusted: any member may be missing, null
 * or of another JSON type. The getters check node types before reading.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-jikan"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kz-jikan-parser.h"
#include "kz-entry-private.h"
#include "kz-provider.h"
#include "kz-store-ratings.h"

/* json-glib parses recursively; Jikan's answers nest about six deep. */
#define MAX_JSON_DEPTH 64

/* Enough of a service's error message to act on. */
#define MAX_MESSAGE_CHARS 300

/* libsoup 3.2 has no name for it */
#define HTTP_TOO_MANY_REQUESTS 429

/* JSON access */

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
node_get_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  return node_get_string (get_member (object, name));
}

/* NULL for missing, null, non-string and empty members. */
static char *
dup_string (JsonObject *object,
            const char *name)
{
  const char *str = get_string (object, name);

  if (str == NULL || *str == '\0')
    return NULL;

  return g_utf8_make_valid (str, -1);
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

static int
get_clamped (JsonObject *object,
             const char *name,
             int         min,
             int         max)
{
  gint64 value = 0;

  if (!get_int (object, name, &value))
    return 0;

  return (int) CLAMP (value, min, max);
}

/* A score may come as 8.75 or, when round, as 8. */
static double
get_score (JsonObject *object,
           const char *name)
{
  JsonNode *node = get_member (object, name);
  double value = 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = (double) json_node_get_int (node);

  /* MyAnimeList scores run from 1 to 10 */
  if (!isfinite (value) || value < 0 || value > 10)
    return 0;

  return value;
}

/* json-glib recurses once per level: refuse absurd nesting up front. */
static gboolean
nesting_is_sane (const char *body,
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

static JsonNode *
parse_json (const char *body,
            gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (body == NULL || length == 0 || length > G_MAXSSIZE || !nesting_is_sane (body, length))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, body, (gssize) length, NULL))
    return NULL;

  root = json_parser_get_root (parser);

  return root != NULL ? json_node_ref (root) : NULL;
}

/* Values */

static KzFormat
format_from_jikan (const char *type)
{
  static const struct {
    const char *jikan;
    KzFormat    format;
  } formats[] = {
    { "TV", KZ_FORMAT_TV },
    { "Movie", KZ_FORMAT_MOVIE },
    { "OVA", KZ_FORMAT_OVA },
    { "ONA", KZ_FORMAT_ONA },
    { "Special", KZ_FORMAT_SPECIAL },
    { "TV Special", KZ_FORMAT_SPECIAL },
    { "Music", KZ_FORMAT_MUSIC },
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (type, formats[i].jikan) == 0)
      return formats[i].format;

  return KZ_FORMAT_UNKNOWN;
}

static KzStatus
status_from_jikan (const char *status)
{
  if (status == NULL)
    return KZ_STATUS_UNKNOWN;
  if (g_ascii_strcasecmp (status, "Finished Airing") == 0)
    return KZ_STATUS_FINISHED;
  if (g_ascii_strcasecmp (status, "Currently Airing") == 0)
    return KZ_STATUS_RELEASING;
  if (g_ascii_strcasecmp (status, "Not yet aired") == 0)
    return KZ_STATUS_NOT_YET_RELEASED;

  return KZ_STATUS_UNKNOWN;
}

static KzSeason
season_from_jikan (const char *season)
{
  g_autofree char *upper = NULL;

  if (season == NULL)
    return KZ_SEASON_UNKNOWN;

  upper = g_ascii_strup (season, -1);
  return kz_season_from_string (upper);
}

/* aired.prop.from is {day, month, year}, each possibly null. */
static KzDate
get_date (JsonObject *aired,
          const char *name)
{
  JsonObject *date = get_object (get_object (aired, "prop"), name);
  KzDate result = { 0, 0, 0 };

  if (date == NULL)
    return result;

  result.year = (gint16) get_clamped (date, "year", 0, 9999);
  result.month = (gint8) get_clamped (date, "month", 0, 12);
  result.day = (gint8) get_clamped (date, "day", 0, 31);

  return result;
}

/* "24 min per ep", "1 hr 55 min", "Unknown": minutes, 0 when unknown. */
static int
parse_duration (const char *text)
{
  gint64 minutes = 0;
  const char *p = text;

  while (p != NULL && *p != '\0')
    {
      char *end = NULL;
      guint64 value;

      if (!g_ascii_isdigit (*p))
        {
          p++;
          continue;
        }

      value = g_ascii_strtoull (p, &end, 10);
      while (*end == ' ')
        end++;

      if (g_str_has_prefix (end, "hr"))
        minutes += (gint64) MIN (value, 1000) * 60;
      else if (g_str_has_prefix (end, "min"))
        minutes += (gint64) MIN (value, 1000);

      p = end;
    }

  return (int) CLAMP (minutes, 0, 100000);
}

/* The "name" of each object of every list in @lists, in order. */
static char **
dup_names (JsonObject         *anime,
           const char * const *lists)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint l = 0; lists[l] != NULL; l++)
    {
      JsonArray *array = get_array (anime, lists[l]);
      guint length = array ? json_array_get_length (array) : 0;

      for (guint i = 0; i < length; i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          char *name;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          name = dup_string (json_node_get_object (node), "name");
          if (name != NULL)
            g_ptr_array_add (names, name);
        }
    }

  if (names->len == 0)
    return NULL;

  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static char **
dup_strings (JsonObject *anime,
             const char *name)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array = get_array (anime, name);
  guint length = array ? json_array_get_length (array) : 0;

  for (guint i = 0; i < length; i++)
    {
      const char *str = node_get_string (json_array_get_element (array, i));

      if (str != NULL && *str != '\0')
        g_ptr_array_add (strings, g_utf8_make_valid (str, -1));
    }

  if (strings->len == 0)
    return NULL;

  g_ptr_array_add (strings, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&strings), FALSE);
}

KzRelationType
kz_jikan_relation_type_from_string (const char *relation)
{
  g_autofree char *wire = NULL;

  if (relation == NULL || *relation == '\0')
    return KZ_RELATION_UNKNOWN;

  /* "Side Story" → SIDE_STORY, "Spin-Off" → SPIN_OFF */
  wire = g_ascii_strup (relation, -1);
  g_strdelimit (wire, " -", '_');

  if (g_str_equal (wire, "ALTERNATIVE_VERSION") || g_str_equal (wire, "ALTERNATIVE_SETTING"))
    return KZ_RELATION_ALTERNATIVE;
  if (g_str_equal (wire, "PARENT_STORY") || g_str_equal (wire, "FULL_STORY"))
    return KZ_RELATION_PARENT;

  return kz_relation_type_from_string (wire);
}

static KzEntry *
parse_relation_target (JsonObject *target)
{
  const char *type = get_string (target, "type");
  gint64 mal_id = 0;
  KzEntry *stub;

  if (!get_int (target, "mal_id", &mal_id) || mal_id <= 0)
    return NULL;

  stub = _kz_entry_new (mal_id, KZ_ENTRY_DETAIL_STUB);
  stub->id_mal = mal_id;
  stub->title_romaji = dup_string (target, "name");
  if (type != NULL && g_ascii_strcasecmp (type, "anime") == 0)
    stub->media_type = KZ_MEDIA_TYPE_ANIME;
  else if (type != NULL && g_ascii_strcasecmp (type, "manga") == 0)
    stub->media_type = KZ_MEDIA_TYPE_MANGA;

  return stub;
}

/* [{relation, entry: [{mal_id, type, name, url}]}] */
static void
parse_relations (KzEntry    *entry,
                 JsonObject *anime)
{
  JsonArray *relations = get_array (anime, "relations");
  guint n = relations ? json_array_get_length (relations) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (relations, i);
      JsonObject *relation;
      JsonArray *targets;
      const char *word;
      guint n_targets;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      relation = json_node_get_object (node);
      word = get_string (relation, "relation");
      targets = get_array (relation, "entry");
      n_targets = targets ? json_array_get_length (targets) : 0;

      for (guint j = 0; j < n_targets; j++)
        {
          JsonNode *target_node = json_array_get_element (targets, j);
          g_autoptr(KzEntry) target = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (target_node) ||
              !(target = parse_relation_target (json_node_get_object (target_node))) ||
              target->id == entry->id)
            continue;

          _kz_entry_add_relation (entry, kz_jikan_relation_type_from_string (word),
                                  word, target);
        }
    }
}

KzEntry *
kz_jikan_parse_anime (JsonObject  *anime,
                      GError     **error)
{
  static const char * const genre_lists[] = { "genres", "explicit_genres", NULL };
  g_autoptr(KzEntry) entry = NULL;
  JsonObject *aired = get_object (anime, "aired");
  JsonObject *jpg = get_object (get_object (anime, "images"), "jpg");
  gint64 mal_id = 0;
  double score;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!get_int (anime, "mal_id", &mal_id) || mal_id <= 0)
    {
      g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
                   _("Jikan sent an anime without a MyAnimeList id"));
      return NULL;
    }

  entry = _kz_entry_new (mal_id, KZ_ENTRY_DETAIL_FULL);
  entry->id_mal = mal_id;
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->title_romaji = dup_string (anime, "title");
  entry->title_english = dup_string (anime, "title_english");
  entry->title_native = dup_string (anime, "title_japanese");
  entry->synonyms = dup_strings (anime, "title_synonyms");
  entry->format = format_from_jikan (get_string (anime, "type"));
  entry->status = status_from_jikan (get_string (anime, "status"));
  entry->episodes = get_clamped (anime, "episodes", 0, 100000);
  entry->duration = parse_duration (get_string (anime, "duration"));
  entry->season = season_from_jikan (get_string (anime, "season"));
  entry->season_year = get_clamped (anime, "year", 0, 9999);
  entry->start_date = get_date (aired, "from");
  entry->end_date = get_date (aired, "to");
  entry->age_rating = dup_string (anime, "rating");
  entry->is_adult = kz_age_rating_is_restricted (entry->age_rating);
  entry->genres = dup_names (anime, genre_lists);
  entry->description = dup_string (anime, "synopsis");
  entry->site_url = dup_string (anime, "url");
  entry->cover_large = dup_string (jpg, "large_image_url");
  entry->cover_medium = dup_string (jpg, "image_url");

  score = get_score (anime, "score");
  entry->mal_score = score;
  entry->average_score = (int) lround (score * 10);

  parse_relations (entry, anime);

  return g_steal_pointer (&entry);
}

/* Errors */

/* Jikan's {status, type, message, error}, in a form a person can read. */
static char *
dup_service_message (JsonNode *root)
{
  JsonObject *object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *message = get_string (object, "message");
  g_autofree char *valid = NULL;

  if (message == NULL || *message == '\0')
    return NULL;

  valid = g_utf8_make_valid (message, -1);
  if (g_utf8_strlen (valid, -1) > MAX_MESSAGE_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, MAX_MESSAGE_CHARS);

      return g_strconcat (cut, "…", NULL);
    }

  return g_steal_pointer (&valid);
}

static void
set_status_error (GError    **error,
                  guint       status,
                  JsonNode   *root)
{
  g_autofree char *message = dup_service_message (root);
  const char *said = message ? message : _("no reason given");

  if (status == 404)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND,
                 _("MyAnimeList has no such anime (Jikan: %s)"), said);
  else if (status == HTTP_TOO_MANY_REQUESTS)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED,
                 _("Jikan is rate limiting requests (%s)"), said);
  else if (status == 503)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE,
                 _("Jikan is down for maintenance; try again later (%s)"), said);
  else if (status >= 500)
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE,
                 _("Jikan or MyAnimeList failed (HTTP %u: %s); try again later"), status, said);
  else
    g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY,
                 _("Jikan refused the request (HTTP %u: %s)"), status, said);
}

static void
set_unreadable_error (GError     **error,
                      const char  *what)
{
  g_set_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE,
               _("Jikan sent an answer Kizuna cannot read (%s)"), what);
}

/* The "data" member of a successful answer, or an error for anything
 * else. */
static JsonNode *
parse_answer (guint        http_status,
              const char  *body,
              gsize        length,
              JsonNode   **data,
              GError     **error)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object;

  *data = NULL;

  if (http_status != 200)
    {
      set_status_error (error, http_status, root);
      return NULL;
    }

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_unreadable_error (error, _("not JSON"));
      return NULL;
    }

  object = json_node_get_object (root);
  *data = get_member (object, "data");
  if (*data == NULL)
    {
      set_unreadable_error (error, _("no data"));
      return NULL;
    }

  return g_steal_pointer (&root);
}

KzEntry *
kz_jikan_parse_anime_response (guint        http_status,
                               const char  *body,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonNode *data = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(root = parse_answer (http_status, body, length, &data, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (data))
    {
      set_unreadable_error (error, _("the anime is not an object"));
      return NULL;
    }

  return kz_jikan_parse_anime (json_node_get_object (data), error);
}

/**
 * kz_jikan_parse_search_response:
 *
 * Returns: (transfer container) (element-type KzEntry): the anime found;
 *   elements Kizuna cannot read are skipped.
 */
GPtrArray *
kz_jikan_parse_search_response (guint        http_status,
                                const char  *body,
                                gsize        length,
                                GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  JsonNode *data = NULL;
  JsonArray *array;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(root = parse_answer (http_status, body, length, &data, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (data))
    {
      set_unreadable_error (error, _("the results are not a list"));
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func (g_object_unref);
  array = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      KzEntry *entry;

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          (entry = kz_jikan_parse_anime (json_node_get_object (node), NULL)) != NULL)
        g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}
