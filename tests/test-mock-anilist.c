/* test-mock-anilist.c: the AniList stand-in answers like AniList
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kz-anilist-parser.h"
#include "kz-bundled.h"
#include "kz-mock-anilist.h"

#define IDS_QUERY \
  "query ($ids: [Int], $page: Int, $perPage: Int) {\n" \
  "  Page(page: $page, perPage: $perPage) {\n" \
  "    pageInfo { hasNextPage total }\n" \
  "    media(id_in: $ids, type: ANIME) { id title { romaji } }\n" \
  "  }\n" \
  "}"
#define SEARCH_QUERY \
  "query ($search: String, $perPage: Int) {\n" \
  "  Page(perPage: $perPage) {\n" \
  "    media(search: $search, type: ANIME) { id title { romaji } }\n" \
  "  }\n" \
  "}"

#define NESTED_QUERY \
  "query ($ids: [Int], $page: Int, $perPage: Int) {\n" \
  "  Page(page: $page, perPage: $perPage) {\n" \
  "    media(id_in: $ids, type: ANIME) { id relations { edges { relationType node {\n" \
  "      id type relations { edges { relationType node { id type } } } } } } }\n" \
  "  }\n" \
  "}"
#define RELATIONS_QUERY \
  "query ($ids: [Int], $page: Int, $perPage: Int) {\n" \
  "  Page(page: $page, perPage: $perPage) {\n" \
  "    media(id_in: $ids, type: ANIME) { id relations { edges { relationType node { id type } } } }\n" \
  "  }\n" \
  "}"

#define OVERSIZED_LIMIT (16 * 1024 * 1024)

typedef struct {
  KzMockAniList *mock;
  SoupSession   *session;
  char          *url;
} Fixture;

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
  gint64       started;
  gint64       elapsed_us;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_object (&reply->msg);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static SoupSession *
new_session (guint timeout_seconds)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  /* Straight to loopback, whatever proxy the environment names. */
  return soup_session_new_with_options ("timeout", timeout_seconds,
                                        "proxy-resolver", direct,
                                        NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                 "mini-snapshot.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) snapshot = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  snapshot = g_bytes_new_take (contents, length);

  fixture->mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->mock);

  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);

  fixture->url = kz_mock_anilist_dup_url (fixture->mock);
  fixture->session = new_session (10);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->mock);
  g_clear_pointer (&fixture->url, g_free);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Requests */

static char *
ids_body (const gint64 *ids,
          guint         n_ids,
          gint          per_page,
          const char   *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query != NULL ? query : IDS_QUERY);
  json_builder_set_member_name (builder, "variables");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_ids; i++)
    json_builder_add_int_value (builder, ids[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, 1);
  if (per_page > 0)
    {
      json_builder_set_member_name (builder, "perPage");
      json_builder_add_int_value (builder, per_page);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
search_body (const char *text,
             gint        per_page)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, SEARCH_QUERY);
  json_builder_set_member_name (builder, "variables");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "search");
  json_builder_add_string_value (builder, text);
  if (per_page > 0)
    {
      json_builder_set_member_name (builder, "perPage");
      json_builder_add_int_value (builder, per_page);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                   &reply->error);
  reply->elapsed_us = g_get_monotonic_time () - reply->started;
  reply->done = TRUE;
}

static Reply *
start_request (SoupSession *session,
               const char  *url,
               const char  *method,
               const char  *body)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->msg = soup_message_new (method, url);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (reply->msg, "application/json", bytes);
    }

  reply->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (session, reply->msg, G_PRIORITY_DEFAULT,
                                    NULL, on_sent, reply);
  return reply;
}

static void
wait_reply (Reply *reply)
{
  while (!reply->done)
    g_main_context_iteration (NULL, TRUE);
}

static Reply *
request_with (SoupSession *session,
              const char  *url,
              const char  *method,
              const char  *body)
{
  Reply *reply = start_request (session, url, method, body);

  wait_reply (reply);
  return reply;
}

static Reply *
post (Fixture    *fixture,
      const char *body)
{
  return request_with (fixture->session, fixture->url, "POST", body);
}

static Reply *
post_ids (Fixture      *fixture,
          const gint64 *ids,
          guint         n_ids)
{
  g_autofree char *body = ids_body (ids, n_ids, 0, NULL);

  return post (fixture, body);
}

static void
run_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    {
      g_autoptr(GSource) tick = g_timeout_source_new (10);

      g_source_set_dummy_callback (tick);
      g_source_attach (tick, NULL);
      g_main_context_iteration (NULL, TRUE);
      g_source_destroy (tick);
    }
}

/* Replies */

static guint
status_of (Reply *reply)
{
  g_assert_no_error (reply->error);
  return soup_message_get_status (reply->msg);
}

static const char *
header_of (Reply      *reply,
           const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (reply->msg), name);
}

static guint64
uint_header_of (Reply      *reply,
                const char *name)
{
  const char *text = header_of (reply, name);
  guint64 value = 0;

  g_assert_nonnull (text);
  g_assert_true (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL));
  return value;
}

static gboolean
body_parses (Reply *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (reply->body, &size);

  return json_parser_load_from_data (parser, data, (gssize) size, NULL);
}

static JsonObject *
json_of (Reply *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  gsize size = 0;
  const char *data;

  g_assert_no_error (reply->error);
  data = g_bytes_get_data (reply->body, &size);
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* data.Page.media[].id, in answer order */
static GArray *
page_ids (JsonObject *answer)
{
  JsonObject *page = json_object_get_object_member (json_object_get_object_member (answer, "data"),
                                                    "Page");
  JsonArray *media = json_object_get_array_member (page, "media");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < json_array_get_length (media); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (media, i), "id");

      g_array_append_val (ids, id);
    }

  return ids;
}

static JsonObject *
page_info (JsonObject *answer)
{
  JsonObject *page = json_object_get_object_member (json_object_get_object_member (answer, "data"),
                                                    "Page");

  return json_object_get_object_member (page, "pageInfo");
}

static JsonObject *
first_error (JsonObject *answer)
{
  JsonArray *errors = json_object_get_array_member (answer, "errors");

  g_assert_nonnull (errors);
  g_assert_cmpuint (json_array_get_length (errors), ==, 1);
  return json_array_get_object_element (errors, 0);
}

static void
assert_ids (GArray       *ids,
            const gint64 *expected,
            guint         n_expected)
{
  g_assert_cmpuint (ids->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

/* By ids */

static void
test_by_ids (Fixture       *fixture,
             gconstpointer  user_data)
{
  const gint64 request[] = { 1, 16498, 999999, 5 };
  const gint64 expected[] = { 16498, 5, 1 };
  g_autoptr(Reply) reply = post_ids (fixture, request, G_N_ELEMENTS (request));
  g_autoptr(Reply) again = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GArray) ids = NULL;
  JsonObject *page;
  JsonObject *media;
  JsonObject *title;
  JsonArray *edges;

  g_assert_cmpuint (status_of (reply), ==, 200);
  g_assert_cmpstr (header_of (reply, "Content-Type"), ==, "application/json");
  g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Limit"), ==, 90);
  g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Remaining"), ==, 89);

  answer = json_of (reply);
  ids = page_ids (answer);
  /* Present ids only, and not in the order asked. */
  assert_ids (ids, expected, G_N_ELEMENTS (expected));
  g_assert_false (json_object_get_boolean_member (page_info (answer), "hasNextPage"));
  g_assert_cmpint (json_object_get_int_member (page_info (answer), "total"), ==, 3);
  g_assert_false (json_object_has_member (answer, "errors"));

  /* The snapshot's Media object, whole. */
  page = json_object_get_object_member (json_object_get_object_member (answer, "data"), "Page");
  media = json_array_get_object_element (json_object_get_array_member (page, "media"), 0);
  title = json_object_get_object_member (media, "title");
  edges = json_object_get_array_member (json_object_get_object_member (media, "relations"), "edges");
  g_assert_cmpstr (json_object_get_string_member (title, "romaji"), ==, "Shingeki no Kyojin");
  g_assert_cmpstr (json_object_get_string_member (title, "native"), ==, "進撃の巨人");
  g_assert_cmpint (json_object_get_int_member (media, "episodes"), ==, 25);
  g_assert_cmpuint (json_array_get_length (edges), ==, 2);

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 4);
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 4);

  again = post_ids (fixture, request, 2);
  g_assert_cmpuint (status_of (again), ==, 200);
  g_assert_cmpuint (uint_header_of (again, "X-RateLimit-Remaining"), ==, 88);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 6);
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 4);

  kz_mock_anilist_reset_counters (fixture->mock);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_rate_limited_count (fixture->mock), ==, 0);
}

static void
test_by_ids_pages (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gint64 many[60];
  const gint64 all[] = { 20958, 16498, 16049, 80, 5, 1 };
  const gint64 first_two[] = { 20958, 16498 };
  const gint64 aot[] = { 16498 };
  g_autofree char *paged_body = NULL;
  g_autofree char *manga_body = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) paged = NULL;
  g_autoptr(Reply) manga = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) paged_answer = NULL;
  g_autoptr(JsonObject) manga_answer = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) paged_ids = NULL;
  g_autoptr(GArray) manga_ids = NULL;

  /* 60 ids, six of them known, duplicates included */
  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = 100000 + i;
  memcpy (many, all, sizeof all);
  many[59] = 1;

  reply = post_ids (fixture, many, G_N_ELEMENTS (many));
  g_assert_cmpuint (status_of (reply), ==, 200);
  answer = json_of (reply);
  ids = page_ids (answer);
  assert_ids (ids, all, G_N_ELEMENTS (all));
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 60);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 60);

  paged_body = ids_body (all, G_N_ELEMENTS (all), 2, NULL);
  paged = post (fixture, paged_body);
  g_assert_cmpuint (status_of (paged), ==, 200);
  paged_answer = json_of (paged);
  paged_ids = page_ids (paged_answer);
  assert_ids (paged_ids, first_two, G_N_ELEMENTS (first_two));
  g_assert_true (json_object_get_boolean_member (page_info (paged_answer), "hasNextPage"));
  g_assert_cmpint (json_object_get_int_member (page_info (paged_answer), "total"), ==, 6);

  /* A query for manga finds none of these anime. */
  manga_body = ids_body (aot, G_N_ELEMENTS (aot), 0,
                         "query ($ids: [Int]) { Page { media(id_in: $ids, type: MANGA) { id } } }");
  manga = post (fixture, manga_body);
  g_assert_cmpuint (status_of (manga), ==, 200);
  manga_answer = json_of (manga);
  manga_ids = page_ids (manga_answer);
  g_assert_cmpuint (manga_ids->len, ==, 0);
}

/* Search */

static GArray *
search_ids (Fixture    *fixture,
            const char *text,
            gint        per_page)
{
  g_autofree char *body = search_body (text, per_page);
  g_autoptr(Reply) reply = post (fixture, body);
  g_autoptr(JsonObject) answer = NULL;

  g_assert_cmpuint (status_of (reply), ==, 200);
  answer = json_of (reply);
  return page_ids (answer);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  user_data)
{
  const gint64 gundam[] = { 16049, 80 };
  const gint64 bebop[] = { 1, 5 };
  const gint64 titans[] = { 16498, 20958 };
  const gint64 first_titan[] = { 16498 };
  const gint64 snk[] = { 16498, 20958 };
  const gint64 heavens_door[] = { 5 };
  g_autoptr(GArray) ids = NULL;

  /* A title that starts with the text ranks above one that only contains
   * it, whatever the ids. */
  ids = search_ids (fixture, "gundam", 0);
  assert_ids (ids, gundam, G_N_ELEMENTS (gundam));
  g_clear_pointer (&ids, g_array_unref);

  /* Full-width letters fold to the same text. */
  ids = search_ids (fixture, "ＧＵＮＤＡＭ", 0);
  assert_ids (ids, gundam, G_N_ELEMENTS (gundam));
  g_clear_pointer (&ids, g_array_unref);

  /* Exact before prefix; case does not matter. */
  ids = search_ids (fixture, "COWBOY BEBOP", 0);
  assert_ids (ids, bebop, G_N_ELEMENTS (bebop));
  g_clear_pointer (&ids, g_array_unref);

  /* Native titles */
  ids = search_ids (fixture, "巨人", 0);
  assert_ids (ids, titans, G_N_ELEMENTS (titans));
  g_clear_pointer (&ids, g_array_unref);

  ids = search_ids (fixture, "巨人", 1);
  assert_ids (ids, first_titan, G_N_ELEMENTS (first_titan));
  g_clear_pointer (&ids, g_array_unref);

  /* Synonyms: "SnK" exactly, then "SnK 2" by prefix */
  ids = search_ids (fixture, "snk", 0);
  assert_ids (ids, snk, G_N_ELEMENTS (snk));
  g_clear_pointer (&ids, g_array_unref);

  ids = search_ids (fixture, "heaven's door", 0);
  assert_ids (ids, heavens_door, G_N_ELEMENTS (heavens_door));
  g_clear_pointer (&ids, g_array_unref);

  ids = search_ids (fixture, "no such show", 0);
  g_assert_cmpuint (ids->len, ==, 0);

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 8);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 0);
}

/* Refused requests */

static void
assert_bad_request (Reply *reply)
{
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *error;

  g_assert_cmpuint (status_of (reply), ==, 400);
  g_assert_cmpstr (header_of (reply, "Content-Type"), ==, "application/json");
  g_assert_nonnull (header_of (reply, "X-RateLimit-Remaining"));
  answer = json_of (reply);
  g_assert_true (json_object_get_null_member (answer, "data"));
  error = first_error (answer);
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, 400);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
}

static void
test_bad_requests (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *bodies[] = {
    "this is not JSON",
    "[1, 2, 3]",
    "{\"variables\": {}}",
    "{\"query\": \"{ Viewer { id } }\"}",
    "{\"query\": \"query { Page { media(id_in: $ids) { id } } }\", \"variables\": {\"ids\": \"1,2\"}}",
    "{\"query\": \"query { Page { media(search: $search) { id } } }\"}",
  };
  g_autoptr(Reply) get = request_with (fixture->session, fixture->url, "GET", NULL);

  assert_bad_request (get);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(Reply) reply = post (fixture, bodies[i]);

      assert_bad_request (reply);
    }

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==,
                    1 + G_N_ELEMENTS (bodies));
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 0);
}

/* Rate limit */

static void
assert_rate_limited (Reply  *reply,
                     guint   window_seconds)
{
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *error;
  guint64 retry_after, reset, now;

  g_assert_cmpuint (status_of (reply), ==, 429);
  g_assert_cmpstr (soup_message_get_reason_phrase (reply->msg), ==, "Too Many Requests");
  g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Remaining"), ==, 0);

  retry_after = uint_header_of (reply, "Retry-After");
  g_assert_cmpuint (retry_after, >=, 1);
  g_assert_cmpuint (retry_after, <=, window_seconds);

  now = (guint64) (g_get_real_time () / G_USEC_PER_SEC);
  reset = uint_header_of (reply, "X-RateLimit-Reset");
  g_assert_cmpuint (reset, >=, now);
  g_assert_cmpuint (reset, <=, now + window_seconds + 1);

  answer = json_of (reply);
  g_assert_true (json_object_get_null_member (answer, "data"));
  error = first_error (answer);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, "Too Many Requests.");
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, 429);
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const gint64 request[] = { 1 };

  kz_mock_anilist_set_rate_limit (fixture->mock, 3, 60);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) reply = post_ids (fixture, request, 1);

      g_assert_cmpuint (status_of (reply), ==, 200);
      g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Limit"), ==, 3);
      g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Remaining"), ==, 2 - i);
      g_assert_null (header_of (reply, "Retry-After"));
    }

  /* Request max + 1, and the ones after it: 429s do not use up the window. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) reply = post_ids (fixture, request, 1);

      assert_rate_limited (reply, 60);
    }

  g_assert_cmpuint (kz_mock_anilist_get_rate_limited_count (fixture->mock), ==, 2);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 5);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 3);

  /* Lifting the limit answers again, with AniList's advertised 90. */
  kz_mock_anilist_set_rate_limit (fixture->mock, 0, 0);
  {
    g_autoptr(Reply) reply = post_ids (fixture, request, 1);

    g_assert_cmpuint (status_of (reply), ==, 200);
    g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Limit"), ==, 90);
    g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Remaining"), ==, 89);
  }
}

static void
test_rate_limit_window (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const gint64 request[] = { 1 };
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) limited = NULL;
  g_autoptr(Reply) later = NULL;

  /* The mock keeps real time, so the shortest window it has: one second. */
  kz_mock_anilist_set_rate_limit (fixture->mock, 1, 1);

  first = post_ids (fixture, request, 1);
  g_assert_cmpuint (status_of (first), ==, 200);
  limited = post_ids (fixture, request, 1);
  assert_rate_limited (limited, 1);
  g_assert_cmpuint (uint_header_of (limited, "Retry-After"), ==, 1);

  run_for (1100);

  later = post_ids (fixture, request, 1);
  g_assert_cmpuint (status_of (later), ==, 200);
  g_assert_cmpuint (uint_header_of (later, "X-RateLimit-Remaining"), ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_rate_limited_count (fixture->mock), ==, 1);
}

/* Query complexity */

static void
test_max_batch (Fixture       *fixture,
                gconstpointer  user_data)
{
  const gint64 three[] = { 1, 5, 80 };
  g_autoptr(Reply) refused = NULL;
  g_autoptr(Reply) accepted = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *got = NULL;
  JsonObject *error;
  JsonObject *location;

  kz_mock_anilist_set_max_batch (fixture->mock, 2);

  refused = post_ids (fixture, three, 3);
  g_assert_cmpuint (status_of (refused), ==, 400);
  answer = json_of (refused);
  g_assert_true (json_object_get_null_member (answer, "data"));
  error = first_error (answer);
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, 400);

  regex = g_regex_new ("^Max query complexity should be 500 but got ([0-9]+)\\.$", 0, 0, NULL);
  g_assert_true (g_regex_match (regex, json_object_get_string_member (error, "message"), 0, &match));
  got = g_match_info_fetch (match, 1);
  g_assert_cmpint (g_ascii_strtoll (got, NULL, 10), >, 500);

  location = json_array_get_object_element (json_object_get_array_member (error, "locations"), 0);
  g_assert_cmpint (json_object_get_int_member (location, "line"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (location, "column"), ==, 1);

  /* Seen, but not answered. */
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 3);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 0);

  accepted = post_ids (fixture, three, 2);
  g_assert_cmpuint (status_of (accepted), ==, 200);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 2);

  /* Rate limit, then complexity, then faults. */
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 1);
  {
    g_autoptr(Reply) still_refused = post_ids (fixture, three, 3);
    g_autoptr(Reply) faulted = post_ids (fixture, three, 2);
    g_autoptr(Reply) normal = post_ids (fixture, three, 2);

    g_assert_cmpuint (status_of (still_refused), ==, 400);
    g_assert_cmpuint (status_of (faulted), ==, 500);
    g_assert_cmpuint (status_of (normal), ==, 200);
  }

  kz_mock_anilist_set_rate_limit (fixture->mock, 1, 60);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 1);
  {
    g_autoptr(Reply) allowed = post_ids (fixture, three, 3);
    g_autoptr(Reply) limited = post_ids (fixture, three, 2);

    g_assert_cmpuint (status_of (allowed), ==, 400);
    g_assert_cmpuint (status_of (limited), ==, 429);
  }
}

/* The first media's relation edges in @answer. */
static JsonArray *
first_media_edges (JsonObject *answer)
{
  JsonObject *page = json_object_get_object_member (json_object_get_object_member (answer, "data"), "Page");
  JsonObject *media = json_array_get_object_element (json_object_get_array_member (page, "media"), 0);

  return json_object_get_array_member (json_object_get_object_member (media, "relations"), "edges");
}

/* The node of @edges whose id is @id. */
static JsonObject *
edge_node (JsonArray *edges,
           gint64     id)
{
  for (guint i = 0; i < json_array_get_length (edges); i++)
    {
      JsonObject *node = json_object_get_object_member (json_array_get_object_element (edges, i), "node");

      if (json_object_get_int_member (node, "id") == id)
        return node;
    }

  g_assert_not_reached ();
}

static guint64
complexity_of (Reply *reply)
{
  g_autoptr(JsonObject) answer = json_of (reply);
  JsonObject *error = first_error (answer);
  guint limit = 0, cost = 0;

  g_assert_cmpuint (status_of (reply), ==, 400);
  g_assert_true (kz_anilist_parse_complexity (json_object_get_string_member (error, "message"),
                                              &limit, &cost));
  g_assert_cmpuint (limit, ==, 500);
  return cost;
}

static void
test_nested (Fixture       *fixture,
             gconstpointer  user_data)
{
  const gint64 ids[] = { 16498 };
  g_autofree char *nested_body = ids_body (ids, 1, 1, NESTED_QUERY);
  g_autofree char *plain_body = ids_body (ids, 1, 0, RELATIONS_QUERY);
  g_autoptr(Reply) nested = post (fixture, nested_body);
  g_autoptr(Reply) plain = post (fixture, plain_body);
  g_autoptr(JsonObject) nested_answer = json_of (nested);
  g_autoptr(JsonObject) plain_answer = json_of (plain);
  JsonArray *edges;
  JsonArray *nested_edges;
  JsonObject *nested_edge;
  JsonObject *node;

  g_assert_cmpuint (status_of (nested), ==, 200);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 1);

  /* the sequel's own edges come from its entry: back to 16498 */
  edges = first_media_edges (nested_answer);
  g_assert_cmpuint (json_array_get_length (edges), ==, 2);
  node = edge_node (edges, 20958);
  g_assert_cmpstr (json_object_get_string_member (node, "type"), ==, "ANIME");
  nested_edges = json_object_get_array_member (json_object_get_object_member (node, "relations"), "edges");
  g_assert_cmpuint (json_array_get_length (nested_edges), ==, 1);
  nested_edge = json_array_get_object_element (nested_edges, 0);
  g_assert_cmpstr (json_object_get_string_member (nested_edge, "relationType"), ==, "PREQUEL");
  node = json_object_get_object_member (nested_edge, "node");
  g_assert_cmpint (json_object_get_int_member (node, "id"), ==, 16498);
  g_assert_cmpstr (json_object_get_string_member (node, "type"), ==, "ANIME");
  g_assert_cmpuint (json_object_get_size (node), ==, 2);

  /* a node the stand-in does not serve has no edges to tell */
  node = edge_node (edges, 53390);
  nested_edges = json_object_get_array_member (json_object_get_object_member (node, "relations"), "edges");
  g_assert_cmpuint (json_array_get_length (nested_edges), ==, 0);

  /* one level: nodes as they are, nothing nested */
  g_assert_cmpuint (status_of (plain), ==, 200);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 1);
  edges = first_media_edges (plain_answer);
  g_assert_false (json_object_has_member (edge_node (edges, 20958), "relations"));
}

static void
test_nested_complexity (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const gint64 ids[] = { 1, 5 };
  g_autofree char *over = ids_body (ids, 2, 27, NESTED_QUERY);
  g_autofree char *under = ids_body (ids, 2, 26, NESTED_QUERY);
  g_autofree char *full_page = ids_body (ids, 2, 50, RELATIONS_QUERY);
  g_autofree char *two_nested = ids_body (ids, 2, 2, NESTED_QUERY);
  g_autofree char *one_nested = ids_body (ids, 1, 1, NESTED_QUERY);
  g_autofree char *two_plain = ids_body (ids, 2, 2, RELATIONS_QUERY);

  /* the rule: 1 + perPage × 19 nested, × 9 with one level of relations */
  {
    g_autoptr(Reply) refused = post (fixture, over);
    g_autoptr(Reply) accepted = post (fixture, under);
    g_autoptr(Reply) page = post (fixture, full_page);

    g_assert_cmpuint (complexity_of (refused), ==, 1 + 27 * 19);
    g_assert_cmpuint (status_of (accepted), ==, 200);
    g_assert_cmpuint (status_of (page), ==, 200);
    g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 4);
  }

  /* a cap on the ids of nested queries alone, stated in proportion */
  kz_mock_anilist_set_max_nested_batch (fixture->mock, 1);
  {
    g_autoptr(Reply) refused = post (fixture, two_nested);
    g_autoptr(Reply) one = post (fixture, one_nested);
    g_autoptr(Reply) plain = post (fixture, two_plain);

    g_assert_cmpuint (complexity_of (refused), ==, 2 * 500 / 1 + 1);
    g_assert_cmpuint (status_of (one), ==, 200);
    g_assert_cmpuint (status_of (plain), ==, 200);
  }

  /* nesting refused whatever its size; one level still answered */
  kz_mock_anilist_set_max_nested_batch (fixture->mock, 0);
  kz_mock_anilist_set_nesting_refused (fixture->mock, TRUE);
  {
    g_autoptr(Reply) refused = post (fixture, one_nested);
    g_autoptr(Reply) plain = post (fixture, two_plain);

    g_assert_cmpuint (complexity_of (refused), ==, 501);
    g_assert_cmpuint (status_of (plain), ==, 200);
  }
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 5);

  kz_mock_anilist_set_nesting_refused (fixture->mock, FALSE);
  {
    g_autoptr(Reply) accepted = post (fixture, two_nested);

    g_assert_cmpuint (status_of (accepted), ==, 200);
  }
}

/* Faults */

static const gint64 fault_ids[] = { 1, 16498, 5 };

/* The fault once, then the normal answer */
static Reply *
post_with_fault (Fixture     *fixture,
                 KzMockFault  fault,
                 Reply      **normal)
{
  Reply *reply;

  kz_mock_anilist_set_fault (fixture->mock, fault, 1);
  reply = post_ids (fixture, fault_ids, G_N_ELEMENTS (fault_ids));

  *normal = post_ids (fixture, fault_ids, G_N_ELEMENTS (fault_ids));
  g_assert_cmpuint (status_of (*normal), ==, 200);
  g_assert_true (body_parses (*normal));

  return reply;
}

static void
test_fault_server_error (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_SERVER_ERROR, &normal);
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *error;

  g_assert_cmpuint (status_of (reply), ==, 500);
  g_assert_cmpuint (uint_header_of (reply, "X-RateLimit-Limit"), ==, 90);
  answer = json_of (reply);
  g_assert_true (json_object_get_null_member (answer, "data"));
  error = first_error (answer);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, "Internal Server Error");
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, 500);

  /* Only answered requests count their ids. */
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 3);
}

static void
test_fault_disabled (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_DISABLED, &normal);
  g_autofree char *text = NULL;

  g_assert_cmpuint (status_of (reply), ==, 403);
  g_assert_true (g_str_has_prefix (header_of (reply, "Content-Type"), "text/plain"));
  text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  g_assert_nonnull (strstr (text, "The AniList API has been temporarily disabled due to severe stability issues"));
}

static void
test_fault_graphql_error (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_GRAPHQL_ERROR, &normal);
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *error;
  JsonObject *location;

  g_assert_cmpuint (status_of (reply), ==, 200);
  answer = json_of (reply);
  g_assert_true (json_object_get_null_member (answer, "data"));
  error = first_error (answer);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (error, "message"),
                                   "Validation error of type FieldUndefined"));
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, 400);
  location = json_array_get_object_element (json_object_get_array_member (error, "locations"), 0);
  g_assert_cmpint (json_object_get_int_member (location, "line"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (location, "column"), ==, 5);
}

static void
test_fault_not_found (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_NOT_FOUND, &normal);
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *data;
  JsonObject *error;

  g_assert_cmpuint (status_of (reply), ==, 404);
  answer = json_of (reply);
  data = json_object_get_object_member (answer, "data");
  g_assert_nonnull (data);
  g_assert_true (json_object_get_null_member (data, "Media"));
  error = first_error (answer);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, "Not Found.");
  g_assert_cmpint (json_object_get_int_member (error, "status"), ==, 404);
}

static void
test_fault_malformed (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_MALFORMED, &normal);

  g_assert_cmpuint (status_of (reply), ==, 200);
  g_assert_cmpstr (header_of (reply, "Content-Type"), ==, "application/json");
  g_assert_cmpmem (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body),
                   "<html><body>Bad Gateway</body></html>", 37);
  g_assert_false (body_parses (reply));
}

static void
test_fault_truncated (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_TRUNCATED, &normal);
  gsize full = g_bytes_get_size (normal->body);

  g_assert_cmpuint (status_of (reply), ==, 200);
  g_assert_cmpuint (full, >, 1000);
  g_assert_cmpmem (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body),
                   g_bytes_get_data (normal->body, NULL), full / 2);
  g_assert_false (body_parses (reply));
}

static void
test_fault_oversized (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const gint64 expected[] = { 16498, 5, 1 };
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_OVERSIZED, &normal);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GArray) ids = NULL;

  g_assert_cmpuint (status_of (reply), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (reply->body), >, OVERSIZED_LIMIT);
  g_assert_cmpuint (g_bytes_get_size (normal->body), <, 100000);

  /* Valid JSON, and the real answer inside it */
  answer = json_of (reply);
  ids = page_ids (answer);
  assert_ids (ids, expected, G_N_ELEMENTS (expected));
}

static void
test_fault_hang (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(SoupSession) impatient = new_session (1);
  g_autoptr(SoupSession) patient = new_session (10);
  g_autofree char *body = ids_body (fault_ids, G_N_ELEMENTS (fault_ids), 0, NULL);
  g_autoptr(Reply) hung = NULL;
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) abandoned = NULL;

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_HANG, 1);
  hung = request_with (impatient, fixture->url, "POST", body);

  /* Headers came, the body never finished. */
  g_assert_error (hung->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (soup_message_get_status (hung->msg), ==, 200);
  g_assert_cmpstr (header_of (hung, "Content-Type"), ==, "application/json");
  g_assert_cmpint (hung->elapsed_us, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (hung->elapsed_us, <, 5 * G_TIME_SPAN_SECOND);

  normal = request_with (impatient, fixture->url, "POST", body);
  g_assert_cmpuint (status_of (normal), ==, 200);
  g_assert_true (body_parses (normal));

  /* After the latency, the same hang */
  kz_mock_anilist_set_latency (fixture->mock, 200);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_HANG, 1);
  {
    g_autoptr(Reply) late = request_with (impatient, fixture->url, "POST", body);

    g_assert_error (late->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_cmpuint (soup_message_get_status (late->msg), ==, 200);
    g_assert_cmpint (late->elapsed_us, >=, 1100 * G_TIME_SPAN_MILLISECOND);
  }
  kz_mock_anilist_set_latency (fixture->mock, 0);

  /* Disposing the mock ends a hang a client is still waiting on. */
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_HANG, 0);
  abandoned = start_request (patient, fixture->url, "POST", body);
  while (kz_mock_anilist_get_request_count (fixture->mock) < 4)
    g_main_context_iteration (NULL, TRUE);
  run_for (100);
  g_assert_false (abandoned->done);

  g_clear_object (&fixture->mock);
  wait_reply (abandoned);
  /* libsoup takes an end between chunks for the end of the body, so the
   * client may see the cut-off prefix instead of an error. */
  g_assert_true (abandoned->error != NULL || !body_parses (abandoned));
  g_assert_cmpint (abandoned->elapsed_us, <, 5 * G_TIME_SPAN_SECOND);
}

/* Clients that gave up on answers the mock still holds back (a latency
 * longer than their timeout, a hang) are gone when the mock is disposed:
 * disposing must end those answers without a single warning. */
static void
test_dispose_abandoned (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(SoupSession) impatient = new_session (1);
  g_autofree char *body = ids_body (fault_ids, G_N_ELEMENTS (fault_ids), 0, NULL);
  g_autoptr(Reply) delayed = NULL;
  g_autoptr(Reply) hung = NULL;
  GLogLevelFlags fatal;

  fatal = g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);

  kz_mock_anilist_set_latency (fixture->mock, 30000);
  delayed = request_with (impatient, fixture->url, "POST", body);
  g_assert_error (delayed->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (soup_message_get_status (delayed->msg), ==, SOUP_STATUS_NONE);

  kz_mock_anilist_set_latency (fixture->mock, 0);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_HANG, 0);
  hung = request_with (impatient, fixture->url, "POST", body);
  g_assert_error (hung->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (soup_message_get_status (hung->msg), ==, 200);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);

  /* Straight away: the mock has not yet seen the hang's client leave. */
  g_assert_finalize_object (g_steal_pointer (&fixture->mock));

  g_clear_object (&impatient);
  run_for (100);
  g_log_set_always_fatal (fatal);
}

static void
test_fault_drop (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) reply = post_with_fault (fixture, KZ_MOCK_FAULT_DROP, &normal);

  /* No status line at all */
  g_assert_error (reply->error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_cmpuint (soup_message_get_status (reply->msg), ==, SOUP_STATUS_NONE);
  g_assert_cmpint (reply->elapsed_us, <, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);
}

/* A client that resets its connection while a drop is delayed leaves
 * nothing to drop: the mock ends that answer without a warning and goes
 * on serving. */
static void
test_fault_drop_abandoned (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = ids_body (fault_ids, 1, 0, NULL);
  g_autofree char *request = NULL;
  g_autoptr(Reply) after = NULL;
  struct linger reset = { 1, 0 };
  GLogLevelFlags fatal;
  GSocket *socket;

  fatal = g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);

  kz_mock_anilist_set_latency (fixture->mock, 200);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_DROP, 1);

  /* A bare connection, so that closing it can be a reset */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                (guint16) g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST / HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: %zu\r\n"
                             "\r\n%s", strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  while (kz_mock_anilist_get_request_count (fixture->mock) < 1)
    g_main_context_iteration (NULL, TRUE);

  /* A zero linger makes the close a reset. */
  socket = g_socket_connection_get_socket (connection);
  g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
                               &reset, sizeof reset), ==, 0);
  g_io_stream_close (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);

  /* Past the latency: the drop has come and gone. */
  run_for (400);

  kz_mock_anilist_set_latency (fixture->mock, 0);
  after = post (fixture, body);
  g_assert_cmpuint (status_of (after), ==, 200);
  g_assert_true (body_parses (after));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);

  g_log_set_always_fatal (fatal);
}

static void
test_fault_count (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const guint expected[] = { 500, 500, 200 };

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 2);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(Reply) reply = post_ids (fixture, fault_ids, 1);

      g_assert_cmpuint (status_of (reply), ==, expected[i]);
    }

  /* A count of 0: until told otherwise */
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_NOT_FOUND, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(Reply) reply = post_ids (fixture, fault_ids, 1);

      g_assert_cmpuint (status_of (reply), ==, 404);
    }

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_NONE, 0);
  {
    g_autoptr(Reply) reply = post_ids (fixture, fault_ids, 1);

    g_assert_cmpuint (status_of (reply), ==, 200);
  }
}

static void
test_fault_names (void)
{
  static const struct {
    const char  *name;
    KzMockFault  fault;
  } names[] = {
    { "none",          KZ_MOCK_FAULT_NONE },
    { "500",           KZ_MOCK_FAULT_SERVER_ERROR },
    { "disabled",      KZ_MOCK_FAULT_DISABLED },
    { "graphql-error", KZ_MOCK_FAULT_GRAPHQL_ERROR },
    { "not-found",     KZ_MOCK_FAULT_NOT_FOUND },
    { "malformed",     KZ_MOCK_FAULT_MALFORMED },
    { "truncated",     KZ_MOCK_FAULT_TRUNCATED },
    { "oversized",     KZ_MOCK_FAULT_OVERSIZED },
    { "hang",          KZ_MOCK_FAULT_HANG },
    { "drop",          KZ_MOCK_FAULT_DROP },
    { "HANG",          KZ_MOCK_FAULT_HANG },
    { "no-such-fault", KZ_MOCK_FAULT_NONE },
    { "",              KZ_MOCK_FAULT_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpint (kz_mock_fault_from_string (names[i].name), ==, names[i].fault);
  g_assert_cmpint (kz_mock_fault_from_string (NULL), ==, KZ_MOCK_FAULT_NONE);
}

/* Latency */

static void
test_latency (Fixture       *fixture,
              gconstpointer  user_data)
{
  const gint64 request[] = { 16498 };
  g_autofree char *body = ids_body (request, 1, 0, NULL);
  g_autoptr(Reply) quick = NULL;
  g_autoptr(Reply) slow = NULL;
  g_autoptr(Reply) a = NULL;
  g_autoptr(Reply) b = NULL;
  gint64 started, both;

  quick = post (fixture, body);
  g_assert_cmpuint (status_of (quick), ==, 200);

  kz_mock_anilist_set_latency (fixture->mock, 300);
  slow = post (fixture, body);
  g_assert_cmpuint (status_of (slow), ==, 200);
  g_assert_cmpint (slow->elapsed_us, >=, 300 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (slow->elapsed_us, <, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpmem (g_bytes_get_data (slow->body, NULL), g_bytes_get_size (slow->body),
                   g_bytes_get_data (quick->body, NULL), g_bytes_get_size (quick->body));

  /* Two at once take one delay, not two: the server keeps serving. */
  kz_mock_anilist_set_latency (fixture->mock, 500);
  started = g_get_monotonic_time ();
  a = start_request (fixture->session, fixture->url, "POST", body);
  b = start_request (fixture->session, fixture->url, "POST", body);
  wait_reply (a);
  wait_reply (b);
  both = g_get_monotonic_time () - started;
  g_assert_cmpuint (status_of (a), ==, 200);
  g_assert_cmpuint (status_of (b), ==, 200);
  g_assert_cmpint (both, >=, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (both, <, 950 * G_TIME_SPAN_MILLISECOND);

  /* So is a dropped connection. */
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_DROP, 1);
  {
    g_autoptr(SoupSession) fresh = new_session (10);
    g_autoptr(Reply) dropped = request_with (fresh, fixture->url, "POST", body);

    g_assert_error (dropped->error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
    g_assert_cmpint (dropped->elapsed_us, >=, 500 * G_TIME_SPAN_MILLISECOND);
  }

  /* Errors are delayed too. */
  kz_mock_anilist_set_latency (fixture->mock, 200);
  {
    g_autoptr(Reply) get = request_with (fixture->session, fixture->url, "GET", NULL);

    g_assert_cmpuint (status_of (get), ==, 400);
    g_assert_cmpint (get->elapsed_us, >=, 200 * G_TIME_SPAN_MILLISECOND);
  }
}

/* Construction */

static void
test_snapshot_errors (void)
{
  static const char *bad[] = {
    "",
    "{\"format\": \"kizuna-snapshot\", ",
    "[]",
    "{\"format\": \"something-else\", \"version\": 1, \"media\": []}",
    "{\"format\": \"kizuna-snapshot\", \"version\": 2, \"media\": []}",
    "{\"format\": \"kizuna-snapshot\", \"version\": 1}",
    "{\"format\": \"kizuna-snapshot\", \"version\": 1, \"media\": [{\"title\": {}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(KzMockAniList) mock = kz_mock_anilist_new_from_snapshot (bytes, &error);

      g_assert_null (mock);
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR || error->domain == JSON_PARSER_ERROR);
    }
}

/* The default constructor serves the snapshot compiled into Kizuna. */
static void
test_bundled (void)
{
  g_autoptr(KzMockAniList) mock = kz_mock_anilist_new ();
  g_autoptr(SoupSession) session = new_session (10);
  g_autoptr(GBytes) snapshot = kz_bundled_get_snapshot ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GArray) answered = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  JsonArray *media;
  gsize size = 0;
  const char *data;

  g_assert_nonnull (mock);
  kz_mock_anilist_start (mock, 0, &error);
  g_assert_no_error (error);
  url = kz_mock_anilist_dup_url (mock);

  data = g_bytes_get_data (snapshot, &size);
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  media = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "media");
  for (guint i = 0; i < MIN (json_array_get_length (media), 50); i++)
    {
      JsonObject *entry = json_array_get_object_element (media, i);
      gint64 id = json_object_get_int_member (entry, "id");

      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "type", NULL), "ANIME") == 0)
        g_array_append_val (ids, id);
    }

  if (ids->len == 0)
    {
      g_test_skip ("The bundled snapshot has no anime");
      return;
    }

  body = ids_body ((const gint64 *) (gpointer) ids->data, ids->len, 0, NULL);
  reply = request_with (session, url, "POST", body);
  g_assert_cmpuint (status_of (reply), ==, 200);
  answer = json_of (reply);
  answered = page_ids (answer);
  g_assert_cmpuint (answered->len, ==, ids->len);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (mock), ==, ids->len);
  g_test_message ("%u bundled anime served", answered->len);
}

static void
test_url (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autoptr(GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *expected = NULL;

  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  expected = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uri));
  g_assert_cmpstr (fixture->url, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/kz/mock-anilist/url", test_url);
  ADD ("/kz/mock-anilist/by-ids", test_by_ids);
  ADD ("/kz/mock-anilist/by-ids-pages", test_by_ids_pages);
  ADD ("/kz/mock-anilist/search", test_search);
  ADD ("/kz/mock-anilist/nested", test_nested);
  ADD ("/kz/mock-anilist/nested-complexity", test_nested_complexity);
  ADD ("/kz/mock-anilist/bad-requests", test_bad_requests);
  ADD ("/kz/mock-anilist/rate-limit/exceeded", test_rate_limit);
  ADD ("/kz/mock-anilist/rate-limit/window", test_rate_limit_window);
  ADD ("/kz/mock-anilist/max-batch", test_max_batch);
  ADD ("/kz/mock-anilist/fault/server-error", test_fault_server_error);
  ADD ("/kz/mock-anilist/fault/disabled", test_fault_disabled);
  ADD ("/kz/mock-anilist/fault/graphql-error", test_fault_graphql_error);
  ADD ("/kz/mock-anilist/fault/not-found", test_fault_not_found);
  ADD ("/kz/mock-anilist/fault/malformed", test_fault_malformed);
  ADD ("/kz/mock-anilist/fault/truncated", test_fault_truncated);
  ADD ("/kz/mock-anilist/fault/oversized", test_fault_oversized);
  ADD ("/kz/mock-anilist/fault/hang", test_fault_hang);
  ADD ("/kz/mock-anilist/fault/drop", test_fault_drop);
  ADD ("/kz/mock-anilist/fault/drop-abandoned", test_fault_drop_abandoned);
  ADD ("/kz/mock-anilist/dispose/abandoned", test_dispose_abandoned);
  ADD ("/kz/mock-anilist/fault/count", test_fault_count);
  ADD ("/kz/mock-anilist/latency", test_latency);
  g_test_add_func ("/kz/mock-anilist/fault/names", test_fault_names);
  g_test_add_func ("/kz/mock-anilist/snapshot-errors", test_snapshot_errors);
  g_test_add_func ("/kz/mock-anilist/bundled", test_bundled);

#undef ADD

  return g_test_run ();
}
