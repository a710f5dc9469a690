/* kz-mock-jikan.c: a local stand-in for Jikan v4
 *
 * Each snapshot entry with an idMal becomes one Jikan anime object,
 * serialised once with its ETag. The AniList data is reshaped the way
 * Jikan shows it (type "Movie", status "Finished Airing", score out of
 * 10, relations by MAL id); the age rating, which AniList does not
 * have, is made up from the adult flag and the genres.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include "kz-mock-jikan.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kz-bundled.h"

/* libsoup 3.2 has no name for it */
#define HTTP_TOO_MANY_REQUESTS 429
#define MAX_SEARCH_LIMIT       25
#define MALFORMED_BODY         "<html><body><h1>502 Bad Gateway</h1></body></html>"
#define RATE_LIMIT_MESSAGE \
  "You are being rate limited by Jikan or MyAnimeList is rate-limiting our " \
  "servers (specifically for *this* endpoint). Please wait before trying again."

typedef struct {
  gint64     mal_id;
  JsonNode  *data;       /* the anime object */
  char      *body;       /* {"data": …} */
  gsize      length;
  char      *etag;
  char      *rating;
  char      *folded;     /* titles, case-folded, for searches */
} MockAnime;

typedef struct {
  KzMockJikan       *self;   /* unowned: dispose releases every held message */
  SoupServerMessage *msg;
  GSource           *timeout;
} Held;

struct _KzMockJikan
{
  GObject           parent_instance;

  GHashTable       *anime;        /* &MockAnime.mal_id → MockAnime */
  GPtrArray        *order;        /* MockAnime, snapshot order */

  SoupServer       *server;
  guint             port;
  GList            *held;         /* Held, only touched on the server's context */

  /* settings and records may be read and changed from other threads */
  GMutex            lock;
  guint             latency_ms;
  guint             rate_max;
  guint             rate_window;
  gint64            window_start;
  guint             window_used;
  KzMockJikanFault  fault;
  guint             fault_remaining;
  GArray           *times;
  char             *last_if_none_match;

  gint              request_count;
  gint              not_modified_count;
  gint              rate_limited_count;
};

G_DEFINE_FINAL_TYPE (KzMockJikan, kz_mock_jikan, G_TYPE_OBJECT)

static void
mock_anime_free (gpointer data)
{
  MockAnime *anime = data;

  g_clear_pointer (&anime->data, json_node_unref);
  g_free (anime->body);
  g_free (anime->etag);
  g_free (anime->rating);
  g_free (anime->folded);
  g_free (anime);
}

/* Reading the AniList snapshot */

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  return json_node_get_int (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
has_genre (JsonObject *media,
           const char *genre)
{
  JsonArray *genres = member_array (media, "genres");

  for (guint i = 0; genres != NULL && i < json_array_get_length (genres); i++)
    {
      JsonNode *node = json_array_get_element (genres, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (node), genre))
        return TRUE;
    }

  return FALSE;
}

/* MyAnimeList's rating as it might be: AniList has none to copy. */
static const char *
made_up_rating (JsonObject *media)
{
  static const char * const gentle[] = {
    "Comedy", "Slice of Life", "Fantasy", "Adventure", "Mahou Shoujo", "Music",
  };
  JsonArray *genres = member_array (media, "genres");
  JsonNode *adult = member (media, "isAdult");
  guint n_genres = genres ? json_array_get_length (genres) : 0;
  guint n_gentle = 0;

  if ((adult != NULL && JSON_NODE_HOLDS_VALUE (adult) &&
       json_node_get_value_type (adult) == G_TYPE_BOOLEAN && json_node_get_boolean (adult)) ||
      has_genre (media, "Hentai"))
    return "Rx - Hentai";
  if (has_genre (media, "Ecchi"))
    return "R+ - Mild Nudity";
  if (has_genre (media, "Horror") || has_genre (media, "Thriller"))
    return "R - 17+ (violence & profanity)";
  if (n_genres == 0)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (gentle); i++)
    n_gentle += has_genre (media, gentle[i]) ? 1 : 0;

  return n_gentle == n_genres ? "PG - Children" : "PG-13 - Teens 13 or older";
}

static const char *
jikan_type (const char *format)
{
  static const struct {
    const char *anilist;
    const char *jikan;
  } types[] = {
    { "TV", "TV" }, { "TV_SHORT", "TV" }, { "MOVIE", "Movie" }, { "SPECIAL", "Special" },
    { "OVA", "OVA" }, { "ONA", "ONA" }, { "MUSIC", "Music" },
  };

  for (guint i = 0; format != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (format, types[i].anilist))
      return types[i].jikan;

  return NULL;
}

static const char *
jikan_status (const char *status)
{
  if (g_strcmp0 (status, "FINISHED") == 0 || g_strcmp0 (status, "CANCELLED") == 0)
    return "Finished Airing";
  if (g_strcmp0 (status, "RELEASING") == 0 || g_strcmp0 (status, "HIATUS") == 0)
    return "Currently Airing";
  if (g_strcmp0 (status, "NOT_YET_RELEASED") == 0)
    return "Not yet aired";

  return NULL;
}

/* "SIDE_STORY" → "Side Story", "SPIN_OFF" → "Spin-Off" */
static char *
jikan_relation (const char *type)
{
  GString *word;
  gboolean start = TRUE;

  if (g_strcmp0 (type, "SPIN_OFF") == 0)
    return g_strdup ("Spin-Off");
  if (g_strcmp0 (type, "ALTERNATIVE") == 0)
    return g_strdup ("Alternative Version");
  if (g_strcmp0 (type, "PARENT") == 0)
    return g_strdup ("Parent Story");

  word = g_string_new (NULL);
  for (const char *p = type ? type : "OTHER"; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          g_string_append_c (word, ' ');
          start = TRUE;
          continue;
        }
      g_string_append_c (word, start ? g_ascii_toupper (*p) : g_ascii_tolower (*p));
      start = FALSE;
    }

  return g_string_free (word, FALSE);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_or_null (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_date (JsonBuilder *builder,
          const char  *name,
          JsonObject  *date)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  add_int_or_null (builder, "day", member_int (date, "day"));
  add_int_or_null (builder, "month", member_int (date, "month"));
  add_int_or_null (builder, "year", member_int (date, "year"));
  json_builder_end_object (builder);
}

static void
add_named_list (JsonBuilder *builder,
                const char  *name,
                JsonArray   *names)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonNode *node = json_array_get_element (names, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mal_id");
      json_builder_add_int_value (builder, i + 1);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "anime");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, json_node_get_string (node));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* relations: [{relation, entry: [{mal_id, type, name, url}]}], one
 * group per AniList edge whose target has a MAL id */
static void
add_relations (JsonBuilder *builder,
               JsonObject  *media)
{
  JsonArray *edges = member_array (member_object (media, "relations"), "edges");

  json_builder_set_member_name (builder, "relations");
  json_builder_begin_array (builder);
  for (guint i = 0; edges != NULL && i < json_array_get_length (edges); i++)
    {
      JsonNode *edge_node = json_array_get_element (edges, i);
      JsonObject *edge = JSON_NODE_HOLDS_OBJECT (edge_node) ? json_node_get_object (edge_node) : NULL;
      JsonObject *node = member_object (edge, "node");
      gint64 target = member_int (node, "idMal");
      const char *type = member_string (node, "type");
      g_autofree char *relation = NULL;
      g_autofree char *url = NULL;
      const char *kind;

      if (target <= 0)
        continue;

      relation = jikan_relation (member_string (edge, "relationType"));
      kind = g_strcmp0 (type, "MANGA") == 0 ? "manga" : "anime";
      url = g_strdup_printf ("https://myanimelist.net/%s/%" G_GINT64_FORMAT, kind, target);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "relation");
      json_builder_add_string_value (builder, relation);
      json_builder_set_member_name (builder, "entry");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mal_id");
      json_builder_add_int_value (builder, target);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, kind);
      add_string_or_null (builder, "name", member_string (member_object (node, "title"), "romaji"));
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static JsonNode *
build_anime (JsonObject *media,
             gint64      mal_id,
             const char *rating)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *title = member_object (media, "title");
  JsonObject *cover = member_object (media, "coverImage");
  const char *season = member_string (media, "season");
  g_autofree char *url = g_strdup_printf ("https://myanimelist.net/anime/%" G_GINT64_FORMAT, mal_id);
  g_autofree char *season_lower = season ? g_ascii_strdown (season, -1) : NULL;
  g_autofree char *duration = NULL;
  gint64 score = member_int (media, "averageScore");
  gint64 minutes = member_int (media, "duration");
  const char *status = member_string (media, "status");

  if (minutes > 0)
    duration = g_strdup_printf ("%" G_GINT64_FORMAT " min per ep", minutes);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mal_id");
  json_builder_add_int_value (builder, mal_id);
  add_string_or_null (builder, "url", url);
  json_builder_set_member_name (builder, "images");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jpg");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "image_url", member_string (cover, "medium"));
  add_string_or_null (builder, "large_image_url", member_string (cover, "large"));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "approved");
  json_builder_add_boolean_value (builder, TRUE);
  add_string_or_null (builder, "title", member_string (title, "romaji"));
  add_string_or_null (builder, "title_english", member_string (title, "english"));
  add_string_or_null (builder, "title_japanese", member_string (title, "native"));
  json_builder_set_member_name (builder, "title_synonyms");
  json_builder_begin_array (builder);
  {
    JsonArray *synonyms = member_array (media, "synonyms");

    for (guint i = 0; synonyms != NULL && i < json_array_get_length (synonyms); i++)
      {
        JsonNode *node = json_array_get_element (synonyms, i);

        if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
          json_builder_add_string_value (builder, json_node_get_string (node));
      }
  }
  json_builder_end_array (builder);
  add_string_or_null (builder, "type", jikan_type (member_string (media, "format")));
  add_int_or_null (builder, "episodes", member_int (media, "episodes"));
  add_string_or_null (builder, "status", jikan_status (status));
  json_builder_set_member_name (builder, "airing");
  json_builder_add_boolean_value (builder, g_strcmp0 (status, "RELEASING") == 0);
  json_builder_set_member_name (builder, "aired");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prop");
  json_builder_begin_object (builder);
  add_date (builder, "from", member_object (media, "startDate"));
  add_date (builder, "to", member_object (media, "endDate"));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  add_string_or_null (builder, "duration", duration);
  add_string_or_null (builder, "rating", rating);
  json_builder_set_member_name (builder, "score");
  if (score > 0)
    json_builder_add_double_value (builder, (double) score / 10.0);
  else
    json_builder_add_null_value (builder);
  add_int_or_null (builder, "scored_by", score > 0 ? score * 1234 : 0);
  add_string_or_null (builder, "synopsis", member_string (media, "description"));
  add_string_or_null (builder, "season", season_lower);
  add_int_or_null (builder, "year", member_int (media, "seasonYear"));
  add_named_list (builder, "genres", member_array (media, "genres"));
  json_builder_set_member_name (builder, "explicit_genres");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_relations (builder, media);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
generate (JsonNode *root,
          gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

static char *
fold_titles (JsonObject *media)
{
  JsonObject *title = member_object (media, "title");
  JsonArray *synonyms = member_array (media, "synonyms");
  GString *text = g_string_new (NULL);
  const char *names[] = {
    member_string (title, "romaji"), member_string (title, "english"), member_string (title, "native"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i] != NULL)
      g_string_append_printf (text, "%s\n", names[i]);
  for (guint i = 0; synonyms != NULL && i < json_array_get_length (synonyms); i++)
    {
      JsonNode *node = json_array_get_element (synonyms, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (text, "%s\n", json_node_get_string (node));
    }

  {
    g_autofree char *plain = g_string_free (text, FALSE);

    return g_utf8_casefold (plain, -1);
  }
}

static gboolean
load_snapshot (KzMockJikan  *self,
               GBytes       *snapshot,
               GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *media;
  gsize size = 0;
  const char *data = g_bytes_get_data (snapshot, &size);

  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    return FALSE;

  root = json_parser_get_root (parser);
  media = root && JSON_NODE_HOLDS_OBJECT (root) ? member_array (json_node_get_object (root), "media") : NULL;
  if (media == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The snapshot has no \"media\" list");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (media); i++)
    {
      JsonNode *node = json_array_get_element (media, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 mal_id = member_int (object, "idMal");
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *digest = NULL;
      MockAnime *anime;

      /* AniList links a few MAL ids to more than one entry: first wins */
      if (mal_id <= 0 || g_hash_table_contains (self->anime, &mal_id) ||
          g_strcmp0 (member_string (object, "type"), "MANGA") == 0)
        continue;

      anime = g_new0 (MockAnime, 1);
      anime->mal_id = mal_id;
      anime->rating = g_strdup (made_up_rating (object));
      anime->data = build_anime (object, mal_id, anime->rating);
      anime->folded = fold_titles (object);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "data");
      json_builder_add_value (builder, json_node_ref (anime->data));
      json_builder_end_object (builder);
      answer = json_builder_get_root (builder);
      anime->body = generate (answer, &anime->length);

      digest = g_compute_checksum_for_string (G_CHECKSUM_MD5, anime->body, anime->length);
      anime->etag = g_strdup_printf ("\"%s\"", digest);

      g_hash_table_insert (self->anime, &anime->mal_id, anime);
      g_ptr_array_add (self->order, anime);
    }

  return TRUE;
}

/* Answers */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *reason,
              char              *body,
              gsize              length)
{
  soup_server_message_set_status (msg, status, reason);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

/* Jikan's error shape: {status, type, message, error} */
static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *type,
               const char        *message,
               const char        *detail)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;
  char *body;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  add_string_or_null (builder, "error", detail);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  body = generate (root, &length);
  respond_json (msg, status, status == HTTP_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL,
                body, length);
}

static void
respond_not_found (SoupServerMessage *msg,
                   const char        *path)
{
  g_autofree char *detail = g_strdup_printf ("404 on https://myanimelist.net%s", path);

  respond_error (msg, SOUP_STATUS_NOT_FOUND, "BadResponseException",
                 "Resource does not exist", detail);
}

static gboolean
respond_fault (SoupServerMessage *msg,
               KzMockJikanFault   fault,
               const char        *path)
{
  switch (fault)
    {
    case KZ_MOCK_JIKAN_FAULT_SERVER_ERROR:
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "UpstreamException",
                     "Jikan failed to connect to MyAnimeList. MyAnimeList may be down.", NULL);
      return TRUE;

    case KZ_MOCK_JIKAN_FAULT_MAINTENANCE:
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "ServiceUnavailableException",
                     "Jikan is undergoing maintenance.", NULL);
      return TRUE;

    case KZ_MOCK_JIKAN_FAULT_MALFORMED:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        MALFORMED_BODY, strlen (MALFORMED_BODY));
      return TRUE;

    case KZ_MOCK_JIKAN_FAULT_NOT_FOUND:
      respond_not_found (msg, path);
      return TRUE;

    case KZ_MOCK_JIKAN_FAULT_NONE:
    default:
      return FALSE;
    }
}

static void
respond_anime (KzMockJikan       *self,
               SoupServerMessage *msg,
               const char        *path,
               gint64             mal_id,
               const char        *if_none_match)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  MockAnime *anime = g_hash_table_lookup (self->anime, &mal_id);

  if (anime == NULL)
    {
      respond_not_found (msg, path);
      return;
    }

  soup_message_headers_replace (headers, "ETag", anime->etag);
  /* Jikan keeps answers for a day */
  soup_message_headers_replace (headers, "Cache-Control", "public, max-age=86400");

  if (if_none_match != NULL && g_str_equal (if_none_match, anime->etag))
    {
      g_atomic_int_inc (&self->not_modified_count);
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    anime->body, anime->length);
}

static void
respond_search (KzMockJikan       *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *text = query ? g_hash_table_lookup (query, "q") : NULL;
  const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  const char *sfw = query ? g_hash_table_lookup (query, "sfw") : NULL;
  g_autofree char *folded = g_utf8_casefold (text ? text : "", -1);
  guint64 limit = MAX_SEARCH_LIMIT;
  guint n = 0;
  gsize length = 0;
  char *body;

  if (limit_text != NULL &&
      !g_ascii_string_to_unsigned (limit_text, 10, 1, MAX_SEARCH_LIMIT, &limit, NULL))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "ValidationException",
                     "The limit must be between 1 and 25.", NULL);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->order->len && n < limit; i++)
    {
      MockAnime *anime = g_ptr_array_index (self->order, i);

      if (*folded != '\0' && strstr (anime->folded, folded) == NULL)
        continue;
      if (g_strcmp0 (sfw, "true") == 0 && g_str_has_prefix (anime->rating ? anime->rating : "", "Rx"))
        continue;

      json_builder_add_value (builder, json_node_ref (anime->data));
      n++;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "pagination");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "has_next_page");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  body = generate (root, &length);
  respond_json (msg, SOUP_STATUS_OK, NULL, body, length);
}

/* "/v4/anime/ID/full" or "/v4/anime/ID": the id, else 0 */
static gint64
parse_anime_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint64 id = 0;
  guint n = g_strv_length (parts);

  /* "", "v4", "anime", ID [, "full"] */
  if ((n != 4 && n != 5) || !g_str_equal (parts[1], "v4") || !g_str_equal (parts[2], "anime") ||
      (n == 5 && !g_str_equal (parts[4], "full")) ||
      !g_ascii_string_to_unsigned (parts[3], 10, 1, G_MAXINT64, &id, NULL))
    return 0;

  return (gint64) id;
}

/* Holding answers back */

static void
held_free (Held *held)
{
  if (held->timeout != NULL)
    {
      g_source_destroy (held->timeout);
      g_source_unref (held->timeout);
    }
  g_object_unref (held->msg);
  g_free (held);
}

static gboolean
on_latency_over (gpointer user_data)
{
  Held *held = user_data;
  KzMockJikan *self = held->self;

  self->held = g_list_remove (self->held, held);
  g_clear_pointer (&held->timeout, g_source_unref);
  soup_server_message_unpause (held->msg);
  held_free (held);

  return G_SOURCE_REMOVE;
}

static void
hold_back (KzMockJikan       *self,
           SoupServerMessage *msg,
           guint              latency_ms)
{
  Held *held = g_new0 (Held, 1);

  held->self = self;
  held->msg = g_object_ref (msg);
  held->timeout = g_timeout_source_new (latency_ms);
  g_source_set_callback (held->timeout, on_latency_over, held, NULL);
  g_source_set_static_name (held->timeout, "[kizuna] mock Jikan latency");
  g_source_attach (held->timeout, g_main_context_get_thread_default ());

  self->held = g_list_prepend (self->held, held);
  soup_server_message_pause (msg);
}

/* The request handler */

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  KzMockJikan *self = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  const char *if_none_match = soup_message_headers_get_one (request_headers, "If-None-Match");
  KzMockJikanFault fault = KZ_MOCK_JIKAN_FAULT_NONE;
  gboolean limited = FALSE;
  guint64 wait_us = 0;
  guint latency;
  gint64 now = g_get_monotonic_time ();
  gint64 mal_id;

  g_atomic_int_inc (&self->request_count);

  g_mutex_lock (&self->lock);

  g_array_append_val (self->times, now);
  g_free (self->last_if_none_match);
  self->last_if_none_match = g_strdup (if_none_match);

  if (self->rate_max > 0)
    {
      gint64 window_us = (gint64) MAX (self->rate_window, 1) * G_USEC_PER_SEC;

      if (self->window_start == 0 || now >= self->window_start + window_us)
        {
          self->window_start = now;
          self->window_used = 0;
        }

      if (self->window_used >= self->rate_max)
        {
          limited = TRUE;
          wait_us = (guint64) (self->window_start + window_us - now);
        }
      else
        {
          self->window_used++;
        }
    }

  if (!limited && self->fault != KZ_MOCK_JIKAN_FAULT_NONE)
    {
      fault = self->fault;
      if (self->fault_remaining > 0 && --self->fault_remaining == 0)
        self->fault = KZ_MOCK_JIKAN_FAULT_NONE;
    }

  latency = self->latency_ms;

  g_mutex_unlock (&self->lock);

  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0)
    {
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "HttpException",
                     "Method Not Allowed", NULL);
    }
  else if (limited)
    {
      char seconds[32];

      g_atomic_int_inc (&self->rate_limited_count);
      g_snprintf (seconds, sizeof seconds, "%" G_GUINT64_FORMAT,
                  MAX ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      respond_error (msg, HTTP_TOO_MANY_REQUESTS, "RateLimitException", RATE_LIMIT_MESSAGE, NULL);
    }
  else if (respond_fault (msg, fault, path))
    {
      /* answered */
    }
  else if ((mal_id = parse_anime_path (path)) > 0)
    {
      respond_anime (self, msg, path, mal_id, if_none_match);
    }
  else if (g_str_equal (path, "/v4/anime"))
    {
      respond_search (self, msg, query);
    }
  else
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "HttpException", "Not Found", NULL);
    }

  g_debug ("GET %s: %u", path, soup_server_message_get_status (msg));

  if (latency > 0)
    hold_back (self, msg, latency);
}

/* GObject */

static void
kz_mock_jikan_dispose (GObject *object)
{
  KzMockJikan *self = KZ_MOCK_JIKAN (object);

  while (self->held != NULL)
    {
      Held *held = self->held->data;

      self->held = g_list_delete_link (self->held, self->held);
      soup_server_message_unpause (held->msg);
      held_free (held);
    }

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (kz_mock_jikan_parent_class)->dispose (object);
}

static void
kz_mock_jikan_finalize (GObject *object)
{
  KzMockJikan *self = KZ_MOCK_JIKAN (object);

  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_pointer (&self->anime, g_hash_table_unref);
  g_clear_pointer (&self->times, g_array_unref);
  g_free (self->last_if_none_match);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kz_mock_jikan_parent_class)->finalize (object);
}

static void
kz_mock_jikan_class_init (KzMockJikanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_mock_jikan_dispose;
  object_class->finalize = kz_mock_jikan_finalize;
}

static void
kz_mock_jikan_init (KzMockJikan *self)
{
  g_mutex_init (&self->lock);
  self->anime = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, mock_anime_free);
  self->order = g_ptr_array_new ();
  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/* Public API */

KzMockJikan *
kz_mock_jikan_new (void)
{
  g_autoptr(GBytes) snapshot = kz_bundled_get_snapshot ();
  g_autoptr(GError) error = NULL;
  KzMockJikan *self = NULL;

  if (snapshot != NULL)
    self = kz_mock_jikan_new_from_snapshot (snapshot, &error);

  if (self == NULL)
    {
      g_critical ("The bundled snapshot cannot be served: %s",
                  error != NULL ? error->message : "it is missing");
      self = g_object_new (KZ_TYPE_MOCK_JIKAN, NULL);
    }

  return self;
}

KzMockJikan *
kz_mock_jikan_new_from_snapshot (GBytes  *snapshot,
                                 GError **error)
{
  g_autoptr(KzMockJikan) self = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KZ_TYPE_MOCK_JIKAN, NULL);
  if (!load_snapshot (self, snapshot, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
kz_mock_jikan_start (KzMockJikan  *self,
                     guint         port,
                     GError      **error)
{
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  server = soup_server_new ("server-header", "kizuna-mock-jikan ", NULL);
  soup_server_add_handler (server, NULL, server_callback, self, NULL);

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->server = g_steal_pointer (&server);
  g_debug ("Jikan stand-in listening on 127.0.0.1:%u", self->port);

  return TRUE;
}

char *
kz_mock_jikan_dup_url (KzMockJikan *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), NULL);

  if (self->server == NULL)
    return NULL;

  return g_strdup_printf ("http://127.0.0.1:%u/v4/", self->port);
}

const char *
kz_mock_jikan_get_rating (KzMockJikan *self,
                          gint64       mal_id)
{
  MockAnime *anime;

  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), NULL);

  anime = g_hash_table_lookup (self->anime, &mal_id);
  return anime != NULL ? anime->rating : NULL;
}

guint
kz_mock_jikan_get_request_count (KzMockJikan *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), 0);
  return (guint) g_atomic_int_get (&self->request_count);
}

guint
kz_mock_jikan_get_not_modified_count (KzMockJikan *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), 0);
  return (guint) g_atomic_int_get (&self->not_modified_count);
}

guint
kz_mock_jikan_get_rate_limited_count (KzMockJikan *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), 0);
  return (guint) g_atomic_int_get (&self->rate_limited_count);
}

/**
 * kz_mock_jikan_dup_request_times:
 *
 * Returns: (transfer full) (element-type gint64): arrival times
 */
GArray *
kz_mock_jikan_dup_request_times (KzMockJikan *self)
{
  GArray *times;

  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), NULL);

  g_mutex_lock (&self->lock);
  times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->times->len);
  g_array_append_vals (times, self->times->data, self->times->len);
  g_mutex_unlock (&self->lock);

  return times;
}

char *
kz_mock_jikan_dup_last_if_none_match (KzMockJikan *self)
{
  char *value;

  g_return_val_if_fail (KZ_IS_MOCK_JIKAN (self), NULL);

  g_mutex_lock (&self->lock);
  value = g_strdup (self->last_if_none_match);
  g_mutex_unlock (&self->lock);

  return value;
}

void
kz_mock_jikan_reset_counters (KzMockJikan *self)
{
  g_return_if_fail (KZ_IS_MOCK_JIKAN (self));

  g_mutex_lock (&self->lock);
  g_array_set_size (self->times, 0);
  g_clear_pointer (&self->last_if_none_match, g_free);
  g_mutex_unlock (&self->lock);

  g_atomic_int_set (&self->request_count, 0);
  g_atomic_int_set (&self->not_modified_count, 0);
  g_atomic_int_set (&self->rate_limited_count, 0);
}

void
kz_mock_jikan_set_latency (KzMockJikan *self,
                           guint        milliseconds)
{
  g_return_if_fail (KZ_IS_MOCK_JIKAN (self));

  g_mutex_lock (&self->lock);
  self->latency_ms = milliseconds;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_jikan_set_rate_limit (KzMockJikan *self,
                              guint        max_requests,
                              guint        window_seconds)
{
  g_return_if_fail (KZ_IS_MOCK_JIKAN (self));

  g_mutex_lock (&self->lock);
  self->rate_max = max_requests;
  self->rate_window = window_seconds;
  self->window_start = 0;
  self->window_used = 0;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_jikan_set_fault (KzMockJikan      *self,
                         KzMockJikanFault  fault,
                         guint             n_requests)
{
  g_return_if_fail (KZ_IS_MOCK_JIKAN (self));
  g_return_if_fail (fault >= KZ_MOCK_JIKAN_FAULT_NONE && fault <= KZ_MOCK_JIKAN_FAULT_NOT_FOUND);

  g_mutex_lock (&self->lock);
  self->fault = fault;
  self->fault_remaining = fault != KZ_MOCK_JIKAN_FAULT_NONE ? n_requests : 0;
  g_mutex_unlock (&self->lock);
}

KzMockJikanFault
kz_mock_jikan_fault_from_string (const char *name,
                                 gboolean   *known)
{
  static const struct {
    const char       *name;
    KzMockJikanFault  fault;
  } faults[] = {
    { "none", KZ_MOCK_JIKAN_FAULT_NONE },
    { "500", KZ_MOCK_JIKAN_FAULT_SERVER_ERROR },
    { "server-error", KZ_MOCK_JIKAN_FAULT_SERVER_ERROR },
    { "503", KZ_MOCK_JIKAN_FAULT_MAINTENANCE },
    { "maintenance", KZ_MOCK_JIKAN_FAULT_MAINTENANCE },
    { "malformed", KZ_MOCK_JIKAN_FAULT_MALFORMED },
    { "404", KZ_MOCK_JIKAN_FAULT_NOT_FOUND },
    { "not-found", KZ_MOCK_JIKAN_FAULT_NOT_FOUND },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (faults); i++)
    if (g_ascii_strcasecmp (name, faults[i].name) == 0)
      {
        if (known != NULL)
          *known = TRUE;
        return faults[i].fault;
      }

  if (known != NULL)
    *known = FALSE;
  return KZ_MOCK_JIKAN_FAULT_NONE;
}
