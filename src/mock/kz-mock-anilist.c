/* kz-mock-anilist.c: a local stand-in for AniList's GraphQL API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-mock"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kz-bundled.h"
#include "kz-mock-anilist.h"

/* What AniList advertises when no limit is configured. */
#define DEFAULT_RATE_LIMIT       90
#define DEFAULT_RATE_WINDOW      60

#define MAX_PER_PAGE             50
#define DEFAULT_IDS_PER_PAGE     50
#define DEFAULT_SEARCH_PER_PAGE  10
#define MAX_COMPLEXITY           500

/* libsoup 3.2 has no name for it */
#define HTTP_TOO_MANY_REQUESTS   429

/* Past the 16 MiB a client should refuse to buffer. */
#define OVERSIZED_PADDING        (16 * 1024 * 1024 + 4096)
#define HANG_PREFIX_BYTES        64

#define DISABLED_MESSAGE \
  "The AniList API has been temporarily disabled due to severe stability " \
  "issues. Please try again later.\n"
#define GRAPHQL_ERROR_MESSAGE \
  "Validation error of type FieldUndefined: Field 'foo' in type 'Media' " \
  "is undefined @ 'Page/media/foo'"
#define MALFORMED_BODY "<html><body>Bad Gateway</body></html>"

typedef struct {
  gint64     id;
  JsonNode  *node;          /* borrowed from the snapshot tree */
  char      *type;          /* "ANIME", "MANGA" or NULL */
  GPtrArray *folded_names;  /* titles and synonyms, case-folded */
} MockMedia;

typedef enum {
  QUERY_INVALID,
  QUERY_BY_IDS,
  QUERY_SEARCH,
} QueryKind;

typedef struct {
  QueryKind  kind;
  char      *error;         /* why an invalid query was refused */
  GArray    *ids;           /* gint64, as requested */
  char      *search;
  const char *type;         /* static string, or NULL for any type */
  guint      page;
  guint      per_page;
} MockQuery;

typedef enum {
  PENDING_DELAY,  /* paused until the latency has passed */
  PENDING_DROP,   /* paused, then its connection is closed */
  PENDING_HANG,   /* part of the body sent, the rest never will be */
} PendingKind;

typedef struct {
  KzMockAniList     *self;  /* unowned: dispose frees every pending */
  SoupServerMessage *msg;
  PendingKind        kind;
  gboolean           hang_after_delay;
  GSource           *timeout;
  GSource           *watch;         /* a hang's client going away */
  gulong             finished_id;
  gulong             disconnected_id;
} Pending;

struct _KzMockAniList
{
  GObject       parent_instance;

  JsonNode     *snapshot;
  GHashTable   *media_by_id;    /* gint64* → MockMedia* (owned) */
  GPtrArray    *media;          /* MockMedia*, snapshot order */

  SoupServer   *server;
  GMainContext *context;
  guint         port;
  GList        *pending;        /* Pending*, only touched on context */

  /* Settings may be changed from another thread than the server's. */
  GMutex        lock;
  guint         latency_ms;
  guint         rate_max;       /* 0: not enforced */
  guint         rate_window;
  gint64        window_start;   /* monotonic µs; 0 before any request */
  guint         window_used;
  KzMockFault   fault;
  guint         fault_remaining;  /* 0 with a fault set: until cleared */
  guint         max_batch;

  /* Counters, read from any thread */
  gint          request_count;
  gint          rate_limited_count;
  gint          ids_requested;
  gint          max_batch_seen;
};

G_DEFINE_FINAL_TYPE (KzMockAniList, kz_mock_anilist, G_TYPE_OBJECT)

/* JSON helpers that tolerate whatever a client sends */

static JsonNode *
member_node (JsonObject *object,
             const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;

  return json_object_get_member (object, name);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = member_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
node_int (JsonNode *node,
          gint64   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *out)
{
  return node_int (member_node (object, name), out);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = member_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = member_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

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

static void
mock_media_free (MockMedia *media)
{
  g_ptr_array_unref (media->folded_names);
  g_free (media->type);
  g_free (media);
}

static void
add_folded_name (MockMedia  *media,
                 const char *name)
{
  char *folded = fold_text (name);

  if (folded != NULL)
    g_ptr_array_add (media->folded_names, folded);
}

static MockMedia *
mock_media_new (gint64    id,
                JsonNode *node)
{
  JsonObject *object = json_node_get_object (node);
  JsonObject *title = member_object (object, "title");
  JsonArray *synonyms = member_array (object, "synonyms");
  MockMedia *media = g_new0 (MockMedia, 1);

  media->id = id;
  media->node = node;
  media->type = g_strdup (member_string (object, "type"));
  media->folded_names = g_ptr_array_new_with_free_func (g_free);

  add_folded_name (media, member_string (title, "romaji"));
  add_folded_name (media, member_string (title, "english"));
  add_folded_name (media, member_string (title, "native"));

  for (guint i = 0; synonyms != NULL && i < json_array_get_length (synonyms); i++)
    {
      JsonNode *synonym = json_array_get_element (synonyms, i);

      if (JSON_NODE_HOLDS_VALUE (synonym) &&
          json_node_get_value_type (synonym) == G_TYPE_STRING)
        add_folded_name (media, json_node_get_string (synonym));
    }

  return media;
}

static gboolean
load_snapshot (KzMockAniList  *self,
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
  if (g_strcmp0 (member_string (object, "format"), "kizuna-snapshot") != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The file is not a Kizuna snapshot (format is not \"kizuna-snapshot\")");
      return FALSE;
    }

  if (!member_int (object, "version", &version) || version != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Snapshot version %" G_GINT64_FORMAT " is not supported (expected 1)",
                   version);
      return FALSE;
    }

  media = member_array (object, "media");
  if (media == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The snapshot has no \"media\" array");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (media); i++)
    {
      JsonNode *node = json_array_get_element (media, i);
      MockMedia *entry;
      gint64 id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !member_int (json_node_get_object (node), "id", &id))
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

/* Requests */

static void
mock_query_free (MockQuery *query)
{
  g_clear_pointer (&query->ids, g_array_unref);
  g_free (query->search);
  g_free (query->error);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockQuery, mock_query_free)

static MockQuery *
refuse_query (MockQuery  *query,
              const char *message)
{
  query->kind = QUERY_INVALID;
  g_free (query->error);
  query->error = g_strdup (message);
  return query;
}

static gboolean
read_ids (JsonObject *variables,
          GArray     *ids)
{
  JsonArray *array = member_array (variables, "ids");

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 id;

      if (!node_int (json_array_get_element (array, i), &id))
        return FALSE;
      g_array_append_val (ids, id);
    }

  return TRUE;
}

static const char *
query_media_type (const char *text,
                  JsonObject *variables)
{
  const char *type = member_string (variables, "type");

  if (g_strcmp0 (type, "ANIME") == 0 ||
      strstr (text, "type: ANIME") != NULL || strstr (text, "type:ANIME") != NULL)
    return "ANIME";

  if (g_strcmp0 (type, "MANGA") == 0 ||
      strstr (text, "type: MANGA") != NULL || strstr (text, "type:MANGA") != NULL)
    return "MANGA";

  return NULL;
}

static MockQuery *
mock_query_parse (SoupServerMessage *msg)
{
  MockQuery *query = g_new0 (MockQuery, 1);
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
  guint default_per_page;
  gint64 number;

  query->kind = QUERY_INVALID;

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
  text = member_string (request, "query");
  if (text == NULL || *text == '\0')
    return refuse_query (query, "Must provide query string.");

  variables_node = member_node (request, "variables");
  if (variables_node != NULL && JSON_NODE_HOLDS_OBJECT (variables_node))
    variables = json_node_get_object (variables_node);
  else if (variables_node != NULL && !JSON_NODE_HOLDS_NULL (variables_node))
    return refuse_query (query, "Variables must be a JSON object.");

  if (strstr (text, "id_in") != NULL)
    {
      query->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!read_ids (variables, query->ids))
        return refuse_query (query, "Variable \"$ids\" of type \"[Int]\" must be a list of integers.");
      query->kind = QUERY_BY_IDS;
      default_per_page = DEFAULT_IDS_PER_PAGE;
    }
  else if (strstr (text, "search:") != NULL)
    {
      const char *search = member_string (variables, "search");

      if (search == NULL)
        return refuse_query (query, "Variable \"$search\" of type \"String\" was not provided.");
      query->search = g_strdup (search);
      query->kind = QUERY_SEARCH;
      default_per_page = DEFAULT_SEARCH_PER_PAGE;
    }
  else
    {
      return refuse_query (query, "Unsupported query: only Page queries on media(id_in: …) or media(search: …) are answered.");
    }

  query->type = query_media_type (text, variables);

  query->page = 1;
  if (member_int (variables, "page", &number) && number > 1)
    query->page = (guint) MIN (number, G_MAXUINT);

  query->per_page = default_per_page;
  if (member_int (variables, "perPage", &number))
    query->per_page = (guint) CLAMP (number, 1, MAX_PER_PAGE);

  return query;
}

/* Answers */

static char *
generate (JsonNode *root,
          gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

static void
set_json_response (SoupServerMessage *msg,
                   guint              status,
                   JsonNode          *root)
{
  gsize length = 0;
  char *text = generate (root, &length);

  soup_server_message_set_status (msg, status,
                                  status == HTTP_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "application/json",
                                    SOUP_MEMORY_TAKE, text, length);
}

/* {"data": null | {"<data_member>": null}, "errors": [{…}]} */
static JsonNode *
build_error (const char *data_member,
             const char *message,
             guint       status,
             gint        line,
             gint        column)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  if (data_member != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, data_member);
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }

  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  if (line > 0)
    {
      json_builder_set_member_name (builder, "locations");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, line);
      json_builder_set_member_name (builder, "column");
      json_builder_add_int_value (builder, column);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
respond_error (SoupServerMessage *msg,
               guint              http_status,
               const char        *data_member,
               const char        *message,
               guint              error_status,
               gint               line,
               gint               column)
{
  g_autoptr(JsonNode) root = build_error (data_member, message, error_status,
                                          line, column);

  set_json_response (msg, http_status, root);
}

static JsonNode *
build_page (GPtrArray *found,
            guint      page,
            guint      per_page)
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
      MockMedia *media = g_ptr_array_index (found, i);

      json_builder_add_value (builder, json_node_copy (media->node));
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
type_matches (MockMedia  *media,
              const char *type)
{
  return type == NULL || g_strcmp0 (media->type, type) == 0;
}

static gint
compare_id_descending (gconstpointer a,
                       gconstpointer b)
{
  const MockMedia *ma = *(MockMedia * const *) a;
  const MockMedia *mb = *(MockMedia * const *) b;

  return (ma->id < mb->id) - (ma->id > mb->id);
}

/* Like AniList, the order is not the request's: clients must index by id. */
static JsonNode *
answer_by_ids (KzMockAniList *self,
               MockQuery     *query)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < query->ids->len; i++)
    {
      gint64 *id = &g_array_index (query->ids, gint64, i);
      MockMedia *media = g_hash_table_lookup (self->media_by_id, id);

      if (media == NULL || !type_matches (media, query->type) ||
          !g_hash_table_add (seen, id))
        continue;
      g_ptr_array_add (found, media);
    }

  g_ptr_array_sort (found, compare_id_descending);

  return build_page (found, query->page, query->per_page);
}

typedef struct {
  MockMedia *media;
  guint      rank;  /* 0 exact, 1 prefix, 2 anywhere */
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
rank_media (MockMedia  *media,
            const char *needle,
            guint      *rank)
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
               MockQuery     *query)
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

  return build_page (found, query->page, query->per_page);
}

static JsonNode *
build_answer (KzMockAniList *self,
              MockQuery     *query)
{
  if (query->kind == QUERY_BY_IDS)
    return answer_by_ids (self, query);

  return answer_search (self, query);
}

typedef enum {
  OUTCOME_ANSWERED,
  OUTCOME_HANG,
  OUTCOME_DROP,
} Outcome;

static Outcome
respond_query (KzMockAniList     *self,
               SoupServerMessage *msg,
               MockQuery         *query,
               KzMockFault        fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  switch (fault)
    {
    case KZ_MOCK_FAULT_NONE:
      answer = build_answer (self, query);
      set_json_response (msg, SOUP_STATUS_OK, answer);
      /* Faulted answers do not count: the client has to ask again. */
      if (query->kind == QUERY_BY_IDS)
        g_atomic_int_add (&self->ids_requested, (gint) query->ids->len);
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_SERVER_ERROR:
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL,
                     "Internal Server Error", 500, 0, 0);
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_DISABLED:
      soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                        SOUP_MEMORY_STATIC, DISABLED_MESSAGE,
                                        strlen (DISABLED_MESSAGE));
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_GRAPHQL_ERROR:
      respond_error (msg, SOUP_STATUS_OK, NULL, GRAPHQL_ERROR_MESSAGE, 400, 4, 5);
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_NOT_FOUND:
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "Media", "Not Found.", 404, 0, 0);
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_MALFORMED:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json",
                                        SOUP_MEMORY_STATIC, MALFORMED_BODY,
                                        strlen (MALFORMED_BODY));
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_TRUNCATED:
      answer = build_answer (self, query);
      text = generate (answer, &length);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json",
                                        SOUP_MEMORY_COPY, text, length / 2);
      return OUTCOME_ANSWERED;

    case KZ_MOCK_FAULT_OVERSIZED:
      {
        g_autofree char *padding = g_malloc (OVERSIZED_PADDING + 1);
        JsonObject *extensions = json_object_new ();

        memset (padding, 'x', OVERSIZED_PADDING);
        padding[OVERSIZED_PADDING] = '\0';
        json_object_set_string_member (extensions, "padding", padding);

        answer = build_answer (self, query);
        json_object_set_object_member (json_node_get_object (answer),
                                       "extensions", extensions);
        set_json_response (msg, SOUP_STATUS_OK, answer);
        return OUTCOME_ANSWERED;
      }

    case KZ_MOCK_FAULT_HANG:
      answer = build_answer (self, query);
      text = generate (answer, &length);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Content-Type", "application/json");
      /* No final chunk: the server pauses itself once this is written. */
      soup_message_body_append (soup_server_message_get_response_body (msg),
                                SOUP_MEMORY_COPY, text,
                                MIN (length, HANG_PREFIX_BYTES));
      return OUTCOME_HANG;

    case KZ_MOCK_FAULT_DROP:
      return OUTCOME_DROP;

    default:
      g_return_val_if_reached (OUTCOME_ANSWERED);
    }
}

/* Messages held back: latency, hangs and drops */

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
pending_free (Pending *pending)
{
  clear_source (&pending->timeout);
  clear_source (&pending->watch);
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_object_unref (pending->msg);
  g_free (pending);
}

static void
pending_forget (Pending *pending)
{
  KzMockAniList *self = pending->self;

  self->pending = g_list_remove (self->pending, pending);
  pending_free (pending);
}

/* Closes the connection before anything is answered. */
static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

/* Ends a connection mid-answer. Closing its streams would send the last
 * chunk of a chunked body and make a cut-off hang look complete: shut
 * the socket down first so nothing more gets out. */
static void
shut_down_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
on_pending_gone (SoupServerMessage *msg,
                 Pending           *pending)
{
  g_debug ("Held message %p ended", msg);
  pending_forget (pending);
}

/* A client waiting on a hang sends nothing more: anything readable
 * means it went away. */
static gboolean
on_hang_socket (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);

  g_debug ("Client of hanging message %p went away", msg);
  pending_forget (pending);

  /* Finishing the body now fails to write, and the server forgets the
   * message the way it does any broken connection. */
  shut_down_connection (msg);
  soup_message_body_complete (soup_server_message_get_response_body (msg));
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static void
watch_hang (Pending *pending)
{
  GSocket *socket = soup_server_message_get_socket (pending->msg);

  pending->kind = PENDING_HANG;
  if (socket == NULL)
    return;

  pending->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (pending->watch, G_SOURCE_FUNC (on_hang_socket), pending, NULL);
  g_source_set_static_name (pending->watch, "[kz-mock] hanging answer");
  g_source_attach (pending->watch, pending->self->context);
}

static gboolean
on_pending_timeout (gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);

  g_clear_pointer (&pending->timeout, g_source_unref);

  switch (pending->kind)
    {
    case PENDING_DROP:
      pending_forget (pending);
      drop_connection (msg);
      break;

    case PENDING_DELAY:
      if (pending->hang_after_delay)
        watch_hang (pending);
      else
        pending_forget (pending);
      soup_server_message_unpause (msg);
      break;

    case PENDING_HANG:
    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

static void
hold_message (KzMockAniList     *self,
              SoupServerMessage *msg,
              PendingKind        kind,
              guint              delay_ms,
              gboolean           hang_after_delay)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->kind = kind;
  pending->hang_after_delay = hang_after_delay;
  pending->finished_id = g_signal_connect (msg, "finished",
                                           G_CALLBACK (on_pending_gone), pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_pending_gone), pending);

  if (kind == PENDING_HANG)
    {
      watch_hang (pending);
    }
  else
    {
      soup_server_message_pause (msg);
      pending->timeout = g_timeout_source_new (delay_ms);
      g_source_set_callback (pending->timeout, on_pending_timeout, pending, NULL);
      g_source_set_static_name (pending->timeout, "[kz-mock] delayed answer");
      g_source_attach (pending->timeout, self->context);
    }

  self->pending = g_list_prepend (self->pending, pending);
}

/* The request handler */

static void
note_batch (KzMockAniList *self,
            guint          n_ids)
{
  gint seen = g_atomic_int_get (&self->max_batch_seen);

  while ((guint) seen < n_ids &&
         !g_atomic_int_compare_and_exchange (&self->max_batch_seen, seen, (gint) n_ids))
    seen = g_atomic_int_get (&self->max_batch_seen);
}

static void
set_uint_header (SoupMessageHeaders *headers,
                 const char         *name,
                 guint64             value)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  soup_message_headers_replace (headers, name, text);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *params,
                 gpointer           user_data)
{
  KzMockAniList *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(MockQuery) query = NULL;
  KzMockFault fault = KZ_MOCK_FAULT_NONE;
  Outcome outcome = OUTCOME_ANSWERED;
  gboolean limited = FALSE;
  guint64 complexity = 0;
  guint64 wait_us = 0;
  guint limit, remaining, latency;
  gint64 now, window_us;

  g_atomic_int_inc (&self->request_count);

  query = mock_query_parse (msg);
  if (query->kind == QUERY_BY_IDS)
    note_batch (self, query->ids->len);

  g_mutex_lock (&self->lock);

  now = g_get_monotonic_time ();
  limit = self->rate_max > 0 ? self->rate_max : DEFAULT_RATE_LIMIT;
  window_us = (self->rate_max > 0 ? MAX (self->rate_window, 1) : DEFAULT_RATE_WINDOW)
              * G_USEC_PER_SEC;

  /* A fixed window opened by the first request after the last one ended. */
  if (self->window_start == 0 || now >= self->window_start + window_us)
    {
      self->window_start = now;
      self->window_used = 0;
    }

  if (self->rate_max > 0 && self->window_used >= self->rate_max)
    {
      limited = TRUE;
      wait_us = (guint64) (self->window_start + window_us - now);
      remaining = 0;
    }
  else
    {
      self->window_used++;
      remaining = limit > self->window_used ? limit - self->window_used : 0;
    }

  if (!limited && query->kind == QUERY_BY_IDS &&
      self->max_batch > 0 && query->ids->len > self->max_batch)
    complexity = (guint64) query->ids->len * MAX_COMPLEXITY / self->max_batch + 1;

  if (!limited && query->kind != QUERY_INVALID && complexity == 0 &&
      self->fault != KZ_MOCK_FAULT_NONE)
    {
      fault = self->fault;
      if (self->fault_remaining > 0 && --self->fault_remaining == 0)
        self->fault = KZ_MOCK_FAULT_NONE;
    }

  latency = self->latency_ms;

  g_mutex_unlock (&self->lock);

  set_uint_header (headers, "X-RateLimit-Limit", limit);
  set_uint_header (headers, "X-RateLimit-Remaining", remaining);

  if (limited)
    {
      guint64 retry_after = MAX ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1);
      guint64 reset = ((guint64) g_get_real_time () + wait_us + G_USEC_PER_SEC - 1)
                      / G_USEC_PER_SEC;

      g_atomic_int_inc (&self->rate_limited_count);
      set_uint_header (headers, "Retry-After", retry_after);
      set_uint_header (headers, "X-RateLimit-Reset", reset);
      respond_error (msg, HTTP_TOO_MANY_REQUESTS, NULL,
                     "Too Many Requests.", 429, 0, 0);
    }
  else if (query->kind == QUERY_INVALID)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, NULL, query->error, 400, 0, 0);
    }
  else if (complexity > 0)
    {
      g_autofree char *message =
        g_strdup_printf ("Max query complexity should be %d but got %" G_GUINT64_FORMAT ".",
                         MAX_COMPLEXITY, complexity);

      respond_error (msg, SOUP_STATUS_BAD_REQUEST, NULL, message, 400, 1, 1);
    }
  else
    {
      outcome = respond_query (self, msg, query, fault);
    }

  g_debug ("%s %s: %u%s", soup_server_message_get_method (msg), path,
           soup_server_message_get_status (msg),
           outcome == OUTCOME_HANG ? " (hanging)" :
           outcome == OUTCOME_DROP ? " (dropping)" : "");

  if (outcome == OUTCOME_DROP)
    hold_message (self, msg, PENDING_DROP, latency, FALSE);
  else if (latency > 0)
    hold_message (self, msg, PENDING_DELAY, latency, outcome == OUTCOME_HANG);
  else if (outcome == OUTCOME_HANG)
    hold_message (self, msg, PENDING_HANG, 0, FALSE);
}

/* GObject */

static void
kz_mock_anilist_dispose (GObject *object)
{
  KzMockAniList *self = KZ_MOCK_ANILIST (object);

  while (self->pending != NULL)
    {
      Pending *pending = self->pending->data;
      g_autoptr(SoupServerMessage) msg = g_object_ref (pending->msg);

      pending_forget (pending);
      shut_down_connection (msg);
    }

  /* Closes every connection, held ones included. */
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (kz_mock_anilist_parent_class)->dispose (object);
}

static void
kz_mock_anilist_finalize (GObject *object)
{
  KzMockAniList *self = KZ_MOCK_ANILIST (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->media, g_ptr_array_unref);
  g_clear_pointer (&self->media_by_id, g_hash_table_unref);
  g_clear_pointer (&self->snapshot, json_node_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kz_mock_anilist_parent_class)->finalize (object);
}

static void
kz_mock_anilist_class_init (KzMockAniListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_mock_anilist_dispose;
  object_class->finalize = kz_mock_anilist_finalize;
}

static void
kz_mock_anilist_init (KzMockAniList *self)
{
  g_mutex_init (&self->lock);
  self->media_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                             NULL, (GDestroyNotify) mock_media_free);
  self->media = g_ptr_array_new ();
}

/* Public API */

KzMockAniList *
kz_mock_anilist_new (void)
{
  g_autoptr(KzMockAniList) self = NULL;
  g_autoptr(GBytes) snapshot = kz_bundled_get_snapshot ();
  g_autoptr(GError) error = NULL;

  if (snapshot != NULL)
    self = kz_mock_anilist_new_from_snapshot (snapshot, &error);

  if (self == NULL)
    {
      g_critical ("The bundled snapshot cannot be served: %s",
                  error != NULL ? error->message : "it is missing");
      self = g_object_new (KZ_TYPE_MOCK_ANILIST, NULL);
    }

  return g_steal_pointer (&self);
}

KzMockAniList *
kz_mock_anilist_new_from_snapshot (GBytes  *snapshot,
                                   GError **error)
{
  g_autoptr(KzMockAniList) self = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KZ_TYPE_MOCK_ANILIST, NULL);
  if (!load_snapshot (self, snapshot, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
kz_mock_anilist_start (KzMockAniList  *self,
                       guint           port,
                       GError        **error)
{
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  server = soup_server_new ("server-header", "kizuna-mock-anilist ", NULL);
  soup_server_add_handler (server, NULL, server_callback, self, NULL);

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->context = g_main_context_ref_thread_default ();
  self->server = g_steal_pointer (&server);
  g_debug ("Listening on 127.0.0.1:%u", self->port);

  return TRUE;
}

char *
kz_mock_anilist_dup_url (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), NULL);

  if (self->server == NULL)
    return NULL;

  return g_strdup_printf ("http://127.0.0.1:%u/", self->port);
}

guint
kz_mock_anilist_get_request_count (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->request_count);
}

guint
kz_mock_anilist_get_rate_limited_count (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->rate_limited_count);
}

guint
kz_mock_anilist_get_ids_requested (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->ids_requested);
}

guint
kz_mock_anilist_get_max_batch_seen (KzMockAniList *self)
{
  g_return_val_if_fail (KZ_IS_MOCK_ANILIST (self), 0);

  return (guint) g_atomic_int_get (&self->max_batch_seen);
}

void
kz_mock_anilist_reset_counters (KzMockAniList *self)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_atomic_int_set (&self->request_count, 0);
  g_atomic_int_set (&self->rate_limited_count, 0);
  g_atomic_int_set (&self->ids_requested, 0);
  g_atomic_int_set (&self->max_batch_seen, 0);
}

void
kz_mock_anilist_set_latency (KzMockAniList *self,
                             guint          milliseconds)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->latency_ms = milliseconds;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_anilist_set_rate_limit (KzMockAniList *self,
                                guint          max_requests,
                                guint          window_seconds)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->rate_max = max_requests;
  self->rate_window = window_seconds;
  self->window_start = 0;
  self->window_used = 0;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_anilist_set_fault (KzMockAniList *self,
                           KzMockFault    fault,
                           guint          n_requests)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));
  g_return_if_fail (fault >= KZ_MOCK_FAULT_NONE && fault <= KZ_MOCK_FAULT_DROP);

  g_mutex_lock (&self->lock);
  self->fault = fault;
  self->fault_remaining = fault != KZ_MOCK_FAULT_NONE ? n_requests : 0;
  g_mutex_unlock (&self->lock);
}

void
kz_mock_anilist_set_max_batch (KzMockAniList *self,
                               guint          max_ids)
{
  g_return_if_fail (KZ_IS_MOCK_ANILIST (self));

  g_mutex_lock (&self->lock);
  self->max_batch = max_ids;
  g_mutex_unlock (&self->lock);
}

static const struct {
  const char  *name;
  KzMockFault  fault;
} fault_names[] = {
  { "none",          KZ_MOCK_FAULT_NONE },
  { "500",           KZ_MOCK_FAULT_SERVER_ERROR },
  { "server-error",  KZ_MOCK_FAULT_SERVER_ERROR },
  { "disabled",      KZ_MOCK_FAULT_DISABLED },
  { "graphql-error", KZ_MOCK_FAULT_GRAPHQL_ERROR },
  { "not-found",     KZ_MOCK_FAULT_NOT_FOUND },
  { "malformed",     KZ_MOCK_FAULT_MALFORMED },
  { "truncated",     KZ_MOCK_FAULT_TRUNCATED },
  { "oversized",     KZ_MOCK_FAULT_OVERSIZED },
  { "hang",          KZ_MOCK_FAULT_HANG },
  { "drop",          KZ_MOCK_FAULT_DROP },
};

/* Unknown names give KZ_MOCK_FAULT_NONE; callers that need to tell
 * "none" from a typo compare the name themselves. */
KzMockFault
kz_mock_fault_from_string (const char *name)
{
  if (name == NULL)
    return KZ_MOCK_FAULT_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (g_ascii_strcasecmp (name, fault_names[i].name) == 0)
      return fault_names[i].fault;

  return KZ_MOCK_FAULT_NONE;
}
