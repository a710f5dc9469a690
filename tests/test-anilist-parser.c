/* test-anilist-parser.c: AniList answers to entries, and the requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kz-anilist-parser.h"
#include "kz-anilist-query.h"
#include "kz-provider.h"

static char *
load_fixture (const char *name,
              gsize      *length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "anilist", name, NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

static GPtrArray *
parse_fixture (guint        http_status,
               const char  *name,
               GError     **error)
{
  gsize length = 0;
  g_autofree char *body = load_fixture (name, &length);

  return kz_anilist_parse_response (http_status, body, length, error);
}

/* Parses a string as if it were a body; copied so that nothing relies
 * on a terminating NUL. */
static GPtrArray *
parse_text (guint        http_status,
            const char  *text,
            GError     **error)
{
  gsize length = strlen (text);
  g_autofree char *body = g_memdup2 (text, length);

  return kz_anilist_parse_response (http_status, body, length, error);
}

static void
discard_log (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
}

/* The loops below feed thousands of broken answers; each one is noted
 * at debug level, which would drown the test log. */
static guint
mute_debug (void)
{
  return g_log_set_handler ("kz-anilist", G_LOG_LEVEL_DEBUG, discard_log, NULL);
}

static void
assert_date (KzDate date,
             int    year,
             int    month,
             int    day)
{
  g_assert_cmpint (date.year, ==, year);
  g_assert_cmpint (date.month, ==, month);
  g_assert_cmpint (date.day, ==, day);
}

static void
assert_strv (const char * const *strv,
             const char * const *expected)
{
  if (expected == NULL)
    {
      g_assert_null (strv);
      return;
    }

  g_assert_nonnull (strv);
  g_assert_cmpstrv (strv, expected);
}

static const KzRelation *
get_relations (KzEntry *entry,
               guint    expected)
{
  guint n = G_MAXUINT;
  const KzRelation *relations = kz_entry_get_relations (entry, &n);

  g_assert_cmpuint (n, ==, expected);
  return relations;
}

static void
check_first_media (KzEntry *entry)
{
  const char *genres[] = { "Action", "Drama", "Fantasy", "Mystery", NULL };
  const char *synonyms[] = { "AoT", "SnK", "L'Attaque des Titans", NULL };
  const KzRelation *relations;
  KzEntry *target;

  g_assert_cmpint (kz_entry_get_id (entry), ==, 16498);
  g_assert_cmpint (kz_entry_get_id_mal (entry), ==, 16498);
  g_assert_cmpint (kz_entry_get_detail (entry), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpint (kz_entry_get_media_type (entry), ==, KZ_MEDIA_TYPE_ANIME);
  g_assert_cmpint (kz_entry_get_format (entry), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_status (entry), ==, KZ_STATUS_FINISHED);
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 25);
  g_assert_cmpint (kz_entry_get_duration (entry), ==, 24);
  g_assert_cmpint (kz_entry_get_season (entry), ==, KZ_SEASON_SPRING);
  g_assert_cmpint (kz_entry_get_season_year (entry), ==, 2013);
  g_assert_false (kz_entry_get_is_adult (entry));
  g_assert_cmpint (kz_entry_get_updated_at (entry), ==, 1717420800);
  g_assert_cmpint (kz_entry_get_average_score (entry), ==, 85);
  g_assert_cmpstr (kz_entry_get_site_url (entry), ==, "https://anilist.co/anime/16498");
  assert_strv (kz_entry_get_genres (entry), genres);
  assert_strv (kz_entry_get_synonyms (entry), synonyms);
  g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, "Shingeki no Kyojin");
  g_assert_cmpstr (kz_entry_get_title_english (entry), ==, "Attack on Titan");
  g_assert_cmpstr (kz_entry_get_title_native (entry), ==, "進撃の巨人");
  assert_date (kz_entry_get_start_date (entry), 2013, 4, 7);
  assert_date (kz_entry_get_end_date (entry), 2013, 9, 28);
  g_assert_cmpstr (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_EXTRA_LARGE), ==,
                   "https://img.anili.st/media/16498/xl.jpg");
  g_assert_cmpstr (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_LARGE), ==,
                   "https://img.anili.st/media/16498/l.jpg");
  g_assert_cmpstr (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_MEDIUM), ==,
                   "https://img.anili.st/media/16498/m.jpg");
  g_assert_cmpstr (kz_entry_get_cover_color (entry), ==, "#e4a15d");
  g_assert_cmpstr (kz_entry_get_banner_url (entry), ==, "https://img.anili.st/media/16498/banner.jpg");
  g_assert_null (kz_entry_get_age_rating (entry));
  /* Kept as sent: cleaning is the ingest step's job. */
  g_assert_cmpstr (kz_entry_get_description (entry), ==,
                   "Several hundred years ago, humans were nearly exterminated by titans."
                   "<br><br>\n<i>(Source: AniList)</i>");

  relations = get_relations (entry, 3);

  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_SOURCE);
  g_assert_cmpstr (relations[0].raw_type, ==, "SOURCE");
  target = relations[0].target;
  g_assert_cmpint (kz_entry_get_id (target), ==, 53390);
  g_assert_cmpint (kz_entry_get_id_mal (target), ==, 23390);
  g_assert_cmpint (kz_entry_get_detail (target), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpint (kz_entry_get_media_type (target), ==, KZ_MEDIA_TYPE_MANGA);
  g_assert_cmpint (kz_entry_get_format (target), ==, KZ_FORMAT_MANGA);
  g_assert_cmpint (kz_entry_get_status (target), ==, KZ_STATUS_FINISHED);
  g_assert_cmpint (kz_entry_get_episodes (target), ==, 0);
  g_assert_cmpint (kz_entry_get_season_year (target), ==, 0);
  g_assert_cmpstr (kz_entry_get_title_english (target), ==, "Attack on Titan");
  assert_date (kz_entry_get_start_date (target), 2009, 9, 9);
  g_assert_cmpstr (kz_entry_get_cover_url (target, KZ_COVER_SIZE_LARGE), ==,
                   "https://img.anili.st/media/53390/m.jpg");
  g_assert_cmpstr (kz_entry_get_cover_color (target), ==, "#d6a150");
  g_assert_null (kz_entry_get_description (target));
  get_relations (target, 0);

  g_assert_cmpint (relations[1].type, ==, KZ_RELATION_SEQUEL);
  g_assert_cmpstr (relations[1].raw_type, ==, "SEQUEL");
  target = relations[1].target;
  g_assert_cmpint (kz_entry_get_id (target), ==, 20958);
  g_assert_cmpint (kz_entry_get_id_mal (target), ==, 25777);
  g_assert_cmpint (kz_entry_get_media_type (target), ==, KZ_MEDIA_TYPE_ANIME);
  g_assert_cmpint (kz_entry_get_episodes (target), ==, 12);
  g_assert_cmpint (kz_entry_get_season_year (target), ==, 2017);
  g_assert_cmpstr (kz_entry_get_title_native (target), ==, "進撃の巨人 Season2");
  g_assert_null (kz_entry_get_cover_color (target));

  g_assert_cmpint (relations[2].type, ==, KZ_RELATION_SIDE_STORY);
  target = relations[2].target;
  g_assert_cmpint (kz_entry_get_id (target), ==, 18397);
  g_assert_cmpint (kz_entry_get_format (target), ==, KZ_FORMAT_OVA);
  g_assert_null (kz_entry_get_title_english (target));
  g_assert_cmpstr (kz_entry_get_title (target, KZ_TITLE_LANGUAGE_ENGLISH), ==, "Shingeki no Kyojin OVA");
  g_assert_null (kz_entry_get_cover_url (target, KZ_COVER_SIZE_MEDIUM));
  assert_date (kz_entry_get_start_date (target), 2013, 12, 9);
}

static void
check_second_media (KzEntry *entry)
{
  const char *genres[] = { "Action", "Drama", NULL };
  const KzRelation *relations;
  KzEntry *target;

  g_assert_cmpint (kz_entry_get_id (entry), ==, 20958);
  g_assert_cmpint (kz_entry_get_id_mal (entry), ==, 25777);
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 12);
  g_assert_cmpint (kz_entry_get_average_score (entry), ==, 84);
  g_assert_cmpint (kz_entry_get_updated_at (entry), ==, 1717420900);
  assert_strv (kz_entry_get_genres (entry), genres);
  /* An empty list reads as none. */
  assert_strv (kz_entry_get_synonyms (entry), NULL);
  assert_date (kz_entry_get_start_date (entry), 2017, 4, 1);
  assert_date (kz_entry_get_end_date (entry), 2017, 6, 17);
  g_assert_null (kz_entry_get_cover_color (entry));
  g_assert_null (kz_entry_get_banner_url (entry));
  g_assert_cmpstr (kz_entry_get_description (entry), ==, "The second season &amp; more.");

  /* Edges without a node or without a valid id are skipped. */
  relations = get_relations (entry, 3);

  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_PREQUEL);
  g_assert_cmpint (kz_entry_get_id (relations[0].target), ==, 16498);
  g_assert_cmpint (kz_entry_get_episodes (relations[0].target), ==, 25);

  g_assert_cmpint (relations[1].type, ==, KZ_RELATION_SAME_UNIVERSE);
  g_assert_cmpstr (relations[1].raw_type, ==, "SAME_UNIVERSE");
  target = relations[1].target;
  g_assert_cmpint (kz_entry_get_id (target), ==, 110277);
  g_assert_cmpint (kz_entry_get_id_mal (target), ==, 0);
  g_assert_cmpint (kz_entry_get_format (target), ==, KZ_FORMAT_ONA);
  g_assert_cmpstr (kz_entry_get_title_romaji (target), ==, "Shingeki! Kyojin Chuugakkou");
  g_assert_null (kz_entry_get_title_english (target));
  g_assert_null (kz_entry_get_title_native (target));
  assert_date (kz_entry_get_start_date (target), 2020, 0, 0);
  g_assert_null (kz_entry_get_cover_url (target, KZ_COVER_SIZE_MEDIUM));

  /* A relation type from a newer schema survives with its word. */
  g_assert_cmpint (relations[2].type, ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpstr (relations[2].raw_type, ==, "FUTURE_TYPE");
  target = relations[2].target;
  g_assert_cmpint (kz_entry_get_id (target), ==, 999001);
  g_assert_cmpint (kz_entry_get_format (target), ==, KZ_FORMAT_SPECIAL);
  g_assert_cmpint (kz_entry_get_status (target), ==, KZ_STATUS_NOT_YET_RELEASED);
  assert_date (kz_entry_get_start_date (target), 0, 0, 0);
}

static void
check_third_media (KzEntry *entry)
{
  g_assert_cmpint (kz_entry_get_id (entry), ==, 170000);
  g_assert_cmpint (kz_entry_get_id_mal (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_detail (entry), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpint (kz_entry_get_format (entry), ==, KZ_FORMAT_MOVIE);
  g_assert_cmpint (kz_entry_get_status (entry), ==, KZ_STATUS_NOT_YET_RELEASED);
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_duration (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_season (entry), ==, KZ_SEASON_UNKNOWN);
  g_assert_cmpint (kz_entry_get_season_year (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_year (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_average_score (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_updated_at (entry), ==, 1717421000);
  assert_strv (kz_entry_get_genres (entry), NULL);
  assert_strv (kz_entry_get_synonyms (entry), NULL);
  g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, "Kizuna no Hoshi Gekijouban");
  g_assert_null (kz_entry_get_title_english (entry));
  g_assert_cmpstr (kz_entry_get_title_native (entry), ==, "絆の星 劇場版");
  g_assert_cmpstr (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ENGLISH), ==, "Kizuna no Hoshi Gekijouban");
  assert_date (kz_entry_get_start_date (entry), 0, 0, 0);
  assert_date (kz_entry_get_end_date (entry), 0, 0, 0);
  g_assert_null (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_EXTRA_LARGE));
  g_assert_null (kz_entry_get_cover_color (entry));
  g_assert_null (kz_entry_get_banner_url (entry));
  g_assert_null (kz_entry_get_description (entry));
  g_assert_cmpstr (kz_entry_get_site_url (entry), ==, "https://anilist.co/anime/170000");
  g_assert_null (get_relations (entry, 0));
}

static void
test_parser_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse_fixture (200, "page-three.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 3);

  check_first_media (g_ptr_array_index (entries, 0));
  check_second_media (g_ptr_array_index (entries, 1));
  check_third_media (g_ptr_array_index (entries, 2));
}

static void
test_parser_media_ids (void)
{
  static const char *bodies[] = {
    "{}",
    "{\"id\": null}",
    "{\"id\": 0}",
    "{\"id\": -16498}",
    "{\"id\": 1.5}",
    "{\"id\": \"16498\"}",
    "{\"id\": [16498]}",
    "{\"id\": false}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bodies[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(KzEntry) entry = NULL;

      g_assert_nonnull (node);
      entry = kz_anilist_parse_media (json_node_get_object (node), &error);
      g_assert_null (entry);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
    }
}

static void
test_parser_empty_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries =
    parse_text (200, "{\"data\": {\"Page\": {\"pageInfo\": {\"hasNextPage\": false}, \"media\": []}}}", &error);

  /* A search without matches is not an error. */
  g_assert_no_error (error);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_parser_errors_with_200 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse_fixture (200, "errors-200.json", &error);

  g_assert_null (entries);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY);
  /* AniList's words on one line. */
  g_assert_cmpstr (error->message, ==,
                   "AniList rejected the request: Variable \"$ids\" got invalid value \"abc\"; "
                   "Expected type Int at value[0].");
}

static void
test_parser_partial (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse_fixture (200, "partial.json", &error);
  KzEntry *entry;

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kz_entry_get_id (entry), ==, 21);
  g_assert_cmpint (kz_entry_get_status (entry), ==, KZ_STATUS_RELEASING);
  g_assert_cmpstr (kz_entry_get_title_english (entry), ==, "ONE PIECE");
  assert_date (kz_entry_get_start_date (entry), 1999, 10, 20);
}

static void
test_parser_not_found (void)
{
  const guint statuses[] = { 404, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = parse_fixture (statuses[i], "not-found.json", &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND);
    }
}

static void
test_parser_disabled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries =
    parse_text (403, "The AniList API has been temporarily disabled due to severe stability issues.", &error);
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GPtrArray) entries2 = parse_text (403, "{\"errors\": [{\"message\": \"Forbidden\"}]}", &error2);

  g_assert_null (entries);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, "AniList is temporarily unavailable; try again later");

  g_assert_null (entries2);
  g_assert_error (error2, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE);
}

static void
test_parser_rate_limited (void)
{
  const guint statuses[] = { 429, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = parse_fixture (statuses[i], "rate-limited.json", &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED);
    }
}

static void
test_parser_server_error (void)
{
  const guint statuses[] = { 500, 502, 503, 504 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries =
        parse_text (statuses[i], "<html><body>Bad Gateway</body></html>", &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE);
    }
}

static void
test_parser_complexity (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse_fixture (400, "complexity.json", &error);

  g_assert_null (entries);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_COMPLEXITY);
  g_assert_nonnull (strstr (error->message, "Max query complexity should be 500 but got 646."));
}

static void
test_parser_complexity_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse_fixture (400, "complexity.json", &error);
  guint limit = 0, cost = 0;

  g_assert_true (kz_anilist_parse_complexity (error->message, &limit, &cost));
  g_assert_cmpuint (limit, ==, 500);
  g_assert_cmpuint (cost, ==, 646);

  g_assert_true (kz_anilist_parse_complexity ("Max query complexity should be 500 but got 1001.", &limit, &cost));
  g_assert_cmpuint (cost, ==, 1001);

  limit = cost = 7;
  g_assert_false (kz_anilist_parse_complexity (NULL, &limit, &cost));
  g_assert_false (kz_anilist_parse_complexity ("Max query complexity exceeded", &limit, &cost));
  g_assert_false (kz_anilist_parse_complexity ("should be  but got 3.", &limit, &cost));
  g_assert_false (kz_anilist_parse_complexity ("should be 500 but got ", &limit, &cost));
  g_assert_false (kz_anilist_parse_complexity ("should be 0 but got 3.", &limit, &cost));
  g_assert_false (kz_anilist_parse_complexity ("should be 500 but got 99999999999999999999.", &limit, &cost));
  g_assert_cmpuint (limit, ==, 7);
  g_assert_cmpuint (cost, ==, 7);
}

/* An answer to the two-level query: 10 relates to 11 (whose own edges
 * are a PREQUEL back and a SEQUEL on to 12), to a manga 13 with none, and
 * to 14, whose nested edges are partly unreadable. */
#define NESTED_ANSWER \
  "{\"data\": {\"Page\": {\"media\": [{\"id\": 10, \"type\": \"ANIME\", " \
  "\"relations\": {\"edges\": [" \
  "{\"relationType\": \"SEQUEL\", \"node\": {\"id\": 11, \"type\": \"ANIME\", " \
  "  \"relations\": {\"edges\": [" \
  "    {\"relationType\": \"PREQUEL\", \"node\": {\"id\": 10, \"type\": \"ANIME\"}}," \
  "    {\"relationType\": \"SEQUEL\", \"node\": {\"id\": 12, \"type\": \"ANIME\"}}]}}}," \
  "{\"relationType\": \"ADAPTATION\", \"node\": {\"id\": 13, \"type\": \"MANGA\", " \
  "  \"relations\": {\"edges\": []}}}," \
  "{\"relationType\": \"SIDE_STORY\", \"node\": {\"id\": 14, \"type\": \"ANIME\", " \
  "  \"relations\": {\"edges\": [7, {\"node\": null}, {\"relationType\": \"SHINY\", " \
  "    \"node\": {\"id\": 15, \"type\": \"NOVEL_X\"}}, {\"relationType\": \"CHARACTER\", " \
  "    \"node\": {\"id\": -3}}]}}}" \
  "]}}]}}}"

static void
test_parser_nested_hints (void)
{
  g_autoptr(GArray) hints = g_array_new (FALSE, FALSE, sizeof (KzRelationHint));
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) plain = NULL;
  g_autoptr(GError) error = NULL;
  const KzRelation *relations;
  KzRelationHint *hint;
  guint n_relations;

  entries = kz_anilist_parse_response_with_hints (200, NESTED_ANSWER, strlen (NESTED_ANSWER), hints, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);

  /* the entry is what the one-level reading gives: three stubs, none
   * of them with relations of its own */
  relations = kz_entry_get_relations (g_ptr_array_index (entries, 0), &n_relations);
  g_assert_cmpuint (n_relations, ==, 3);
  for (guint i = 0; i < n_relations; i++)
    {
      guint n_nested = 1;

      kz_entry_get_relations (relations[i].target, &n_nested);
      g_assert_cmpuint (n_nested, ==, 0);
    }
  plain = kz_anilist_parse_response (200, NESTED_ANSWER, strlen (NESTED_ANSWER), &error);
  g_assert_no_error (error);
  kz_entry_get_relations (g_ptr_array_index (plain, 0), &n_relations);
  g_assert_cmpuint (n_relations, ==, 3);

  g_assert_cmpuint (hints->len, ==, 3);
  hint = &g_array_index (hints, KzRelationHint, 0);
  g_assert_cmpint (hint->from, ==, 11);
  g_assert_cmpint (hint->to, ==, 10);
  g_assert_cmpint (hint->type, ==, KZ_RELATION_PREQUEL);
  g_assert_cmpint (hint->to_media_type, ==, KZ_MEDIA_TYPE_ANIME);
  hint = &g_array_index (hints, KzRelationHint, 1);
  g_assert_cmpint (hint->from, ==, 11);
  g_assert_cmpint (hint->to, ==, 12);
  g_assert_cmpint (hint->type, ==, KZ_RELATION_SEQUEL);
  /* unknown words are kept as unknown, never followed by default */
  hint = &g_array_index (hints, KzRelationHint, 2);
  g_assert_cmpint (hint->from, ==, 14);
  g_assert_cmpint (hint->to, ==, 15);
  g_assert_cmpint (hint->type, ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpint (hint->to_media_type, ==, KZ_MEDIA_TYPE_UNKNOWN);

  /* an error answer adds no entries */
  g_array_set_size (hints, 0);
  g_assert_null (kz_anilist_parse_response_with_hints (429, "{}", 2, hints, &error));
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (hints->len, ==, 0);
}

static void
test_parser_malformed (void)
{
  static const char *bodies[] = {
    "",
    "not json",
    "<html>Gateway Timeout</html>",
    "{\"data\": ",
    "{\"data\": {\"Page\": {\"media\": [}}}",
    "{\"data\": {} } trailing",
  };
  g_autoptr(GError) error = NULL;

  g_assert_null (kz_anilist_parse_response (200, NULL, 0, &error));
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "AniList sent a response that is not valid JSON");
  g_clear_error (&error);

  /* A body that is there but said to be empty. */
  g_assert_null (kz_anilist_parse_response (200, "{}", 0, &error));
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GPtrArray) entries = parse_text (200, bodies[i], &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
      g_clear_error (&error);
    }
}

static void
test_parser_truncated (void)
{
  gsize length = 0;
  g_autofree char *body = load_fixture ("page-three.json", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) half = NULL;
  guint handler;

  half = kz_anilist_parse_response (200, body, length / 2, &error);
  g_assert_null (half);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  /* No prefix of an object is a whole object. */
  handler = mute_debug ();
  for (gsize cut = 1; cut < length - 1; cut += 7)
    {
      g_autofree char *copy = g_memdup2 (body, cut);
      g_autoptr(GPtrArray) entries = kz_anilist_parse_response (200, copy, cut, &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
      g_clear_error (&error);
    }
  g_log_remove_handler ("kz-anilist", handler);
}

static void
test_parser_shapes (void)
{
  static const char *bodies[] = {
    "null",
    "42",
    "\"data\"",
    "[]",
    "[{\"data\": null}]",
    "{}",
    "{\"data\": null}",
    "{\"data\": []}",
    "{\"data\": {\"Page\": []}}",
    "{\"data\": {\"Page\": \"none\"}}",
    "{\"data\": {\"Page\": {\"media\": {}}}}",
    "{\"data\": {\"Page\": {\"media\": 3}}}",
    "{\"data\": {\"Page\": {\"media\": [1, null, \"x\", [], {}]}}}",
    "{\"data\": {\"Page\": {\"media\": [{\"id\": \"1\"}]}}}",
    "{\"errors\": {\"message\": \"Not Found.\"}}",
    "{\"errors\": \"boom\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = parse_text (200, bodies[i], &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
    }
}

static void
test_parser_odd_errors (void)
{
  struct {
    const char *body;
    int code;
    const char *message;
  } cases[] = {
    { "{\"errors\": [7, null, {\"message\": 5}]}",
      KZ_PROVIDER_ERROR_QUERY, "AniList rejected the request without saying why" },
    { "{\"errors\": [{\"message\": \"First\"}, {\"message\": \"Second\"}]}",
      KZ_PROVIDER_ERROR_QUERY, "AniList rejected the request: First" },
    { "{\"errors\": [{\"message\": \"First\"}, {\"message\": \"Not Found.\"}]}",
      KZ_PROVIDER_ERROR_NOT_FOUND, NULL },
    { "{\"errors\": [{\"message\": \"Oops\", \"status\": 404}], \"data\": {\"Page\": {\"media\": []}}}",
      KZ_PROVIDER_ERROR_NOT_FOUND, NULL },
    { "{\"errors\": [{\"message\": \"Syntax Error: Unexpected <EOF>\\u0001\"}]}",
      KZ_PROVIDER_ERROR_QUERY, "AniList rejected the request: Syntax Error: Unexpected <EOF>" },
  };

  g_autofree char *long_message = g_strnfill (1000, 'x');
  g_autofree char *long_body = g_strdup_printf ("{\"errors\": [{\"message\": \"%s\"}]}", long_message);
  g_autoptr(GError) long_error = NULL;
  g_autoptr(GPtrArray) long_entries = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = parse_text (200, cases[i].body, &error);

      g_assert_null (entries);
      g_assert_error (error, KZ_PROVIDER_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* A runaway message is cut to something a person can read. */
  long_entries = parse_text (400, long_body, &long_error);
  g_assert_null (long_entries);
  g_assert_error (long_error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_QUERY);
  g_assert_cmpuint (g_utf8_strlen (long_error->message, -1), ==,
                    strlen ("AniList rejected the request: ") + 300 + 1);
  g_assert_true (g_str_has_suffix (long_error->message, "xxx…"));
}

static void
test_parser_wrong_types (void)
{
  const char *synonyms[] = { "Valid synonym", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = parse_fixture (200, "wrong-types.json", &error);
  const KzRelation *relations;
  KzEntry *entry;

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 3);

  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kz_entry_get_id (entry), ==, 777);
  g_assert_cmpint (kz_entry_get_id_mal (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_media_type (entry), ==, KZ_MEDIA_TYPE_UNKNOWN);
  g_assert_cmpint (kz_entry_get_format (entry), ==, KZ_FORMAT_UNKNOWN);
  g_assert_cmpint (kz_entry_get_status (entry), ==, KZ_STATUS_UNKNOWN);
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_duration (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_season (entry), ==, KZ_SEASON_UNKNOWN);
  g_assert_cmpint (kz_entry_get_season_year (entry), ==, 0);
  g_assert_false (kz_entry_get_is_adult (entry));
  g_assert_cmpint (kz_entry_get_updated_at (entry), ==, 0);
  g_assert_cmpint (kz_entry_get_average_score (entry), ==, 0);
  g_assert_null (kz_entry_get_site_url (entry));
  assert_strv (kz_entry_get_genres (entry), NULL);
  assert_strv (kz_entry_get_synonyms (entry), synonyms);
  g_assert_null (kz_entry_get_title_romaji (entry));
  g_assert_null (kz_entry_get_title_english (entry));
  g_assert_null (kz_entry_get_title_native (entry));
  g_assert_cmpstr (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ROMAJI), ==, "Valid synonym");
  assert_date (kz_entry_get_start_date (entry), 0, 0, 0);
  /* Out-of-range parts are clamped, for the ingest checks to clear. */
  assert_date (kz_entry_get_end_date (entry), 0, G_MAXINT8, G_MININT8);
  g_assert_null (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_LARGE));
  g_assert_null (kz_entry_get_banner_url (entry));
  g_assert_null (kz_entry_get_description (entry));
  get_relations (entry, 0);

  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpint (kz_entry_get_id (entry), ==, 779);
  g_assert_null (kz_entry_get_title_romaji (entry));
  g_assert_null (kz_entry_get_title_english (entry));
  g_assert_null (kz_entry_get_title_native (entry));
  g_assert_cmpstr (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ROMAJI), ==, "");
  g_assert_null (kz_entry_get_cover_url (entry, KZ_COVER_SIZE_EXTRA_LARGE));
  g_assert_null (kz_entry_get_cover_color (entry));
  get_relations (entry, 0);

  entry = g_ptr_array_index (entries, 2);
  g_assert_cmpint (kz_entry_get_id (entry), ==, 781);
  relations = get_relations (entry, 1);
  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpstr (relations[0].raw_type, ==, "UNKNOWN");
  g_assert_cmpint (kz_entry_get_id (relations[0].target), ==, 782);
  g_assert_null (kz_entry_get_title_romaji (relations[0].target));
}

static void
test_parser_deep_nesting (void)
{
  const gsize depth = 200000;
  g_autofree char *body = g_malloc (depth * 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) quoted = NULL;
  const char *in_string =
    "{\"data\": {\"Page\": {\"media\": [{\"id\": 5, \"description\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"{{{{\"}]}}}";

  memset (body, '[', depth);
  memset (body + depth, ']', depth);

  entries = kz_anilist_parse_response (200, body, depth * 2, &error);
  g_assert_null (entries);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  /* Brackets inside strings are text, not nesting. */
  quoted = parse_text (200, in_string, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quoted->len, ==, 1);
  g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (quoted, 0)), ==, 5);
}

/* Every byte of a real answer flipped in turn: whatever comes out, it
 * comes out without a crash or a critical. */
static void
test_parser_mutations (void)
{
  static const char replacements[] = { '"', '{', '[', ']', '}', ',', '0', 'n', '\\', ':', '\xff' };
  gsize length = 0;
  g_autofree char *body = load_fixture ("page-three.json", &length);
  guint n_ok = 0;
  guint handler = mute_debug ();

  for (gsize i = 0; i < length; i += 3)
    {
      g_autofree char *copy = g_memdup2 (body, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;

      copy[i] = replacements[i % G_N_ELEMENTS (replacements)];
      entries = kz_anilist_parse_response (200, copy, length, &error);
      g_assert_true ((entries == NULL) != (error == NULL));
      if (entries != NULL)
        n_ok++;
    }

  g_log_remove_handler ("kz-anilist", handler);

  /* Changes inside strings and numbers still parse. */
  g_assert_cmpuint (n_ok, >, 0);
}

static JsonObject *
parse_request (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static void
assert_braces_balance (const char *query)
{
  int depth = 0;

  for (const char *p = query; *p; p++)
    {
      if (*p == '{')
        depth++;
      else if (*p == '}')
        depth--;
      g_assert_cmpint (depth, >=, 0);
    }
  g_assert_cmpint (depth, ==, 0);
}

static void
test_query_by_ids (void)
{
  const gint64 ids[] = { 1, 16498, 21 };
  g_autoptr(GBytes) bytes = kz_anilist_query_by_ids (ids, G_N_ELEMENTS (ids));
  g_autoptr(JsonObject) request = parse_request (bytes);
  JsonObject *variables;
  JsonArray *array;
  const char *query;

  g_assert_cmpuint (json_object_get_size (request), ==, 2);
  query = json_object_get_string_member (request, "query");
  g_assert_true (g_str_has_prefix (query, "query ($ids: [Int], $page: Int, $perPage: Int) { "
                                          "Page(page: $page, perPage: $perPage) { "
                                          "pageInfo { hasNextPage total } "
                                          "media(id_in: $ids, type: ANIME) { ...media } } } "
                                          "fragment media on Media { "));
  g_assert_nonnull (strstr (query, "relationType(version: 2)"));
  g_assert_nonnull (strstr (query, "description(asHtml: false)"));
  g_assert_nonnull (strstr (query, "coverImage { extraLarge large medium color }"));
  g_assert_nonnull (strstr (query, "title { romaji english native userPreferred }"));
  assert_braces_balance (query);

  variables = json_object_get_object_member (request, "variables");
  g_assert_cmpuint (json_object_get_size (variables), ==, 3);
  g_assert_cmpint (json_object_get_int_member (variables, "page"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (variables, "perPage"), ==, 3);
  array = json_object_get_array_member (variables, "ids");
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, 16498);
  g_assert_cmpint (json_array_get_int_element (array, 2), ==, 21);
}

static void
test_query_by_ids_page_size (void)
{
  gint64 ids[KZ_ANILIST_MAX_PER_PAGE + 10];
  g_autoptr(GBytes) full = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) empty_request = NULL;
  JsonObject *variables;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = 1000 + i;

  full = kz_anilist_query_by_ids (ids, KZ_ANILIST_MAX_PER_PAGE);
  request = parse_request (full);
  variables = json_object_get_object_member (request, "variables");
  g_assert_cmpint (json_object_get_int_member (variables, "perPage"), ==, 50);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (variables, "ids")), ==, 50);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (variables, "ids"), 49), ==, 1049);

  empty = kz_anilist_query_by_ids (NULL, 0);
  empty_request = parse_request (empty);
  variables = json_object_get_object_member (empty_request, "variables");
  g_assert_cmpint (json_object_get_int_member (variables, "perPage"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (variables, "ids")), ==, 0);
}

static void
test_query_by_ids_nested (void)
{
  const gint64 ids[] = { 21, 1 };
  g_autoptr(GBytes) bytes = kz_anilist_query_by_ids_nested (ids, G_N_ELEMENTS (ids));
  g_autoptr(GBytes) plain_bytes = kz_anilist_query_by_ids (ids, G_N_ELEMENTS (ids));
  g_autoptr(JsonObject) request = parse_request (bytes);
  g_autoptr(JsonObject) plain_request = parse_request (plain_bytes);
  const char *query = json_object_get_string_member (request, "query");
  const char *plain = json_object_get_string_member (plain_request, "query");
  const char *first;
  JsonObject *variables;

  g_assert_true (g_str_has_prefix (query, "query ($ids: [Int], $page: Int, $perPage: Int) { "
                                          "Page(page: $page, perPage: $perPage) { "
                                          "pageInfo { hasNextPage total } "
                                          "media(id_in: $ids, type: ANIME) { ...media } } } "
                                          "fragment media on Media { "));
  /* relations twice: the nodes' own edges, with no more than id and type */
  first = strstr (query, "relations { edges { relationType(version: 2) node { ");
  g_assert_nonnull (first);
  g_assert_nonnull (strstr (first + 1, "relations { edges { relationType(version: 2) node { id type } } } "));
  g_assert_null (strstr (strstr (first + 1, "relations") + 1, "relations"));
  g_assert_null (strstr (strstr (plain, "relations") + 1, "relations"));
  /* and otherwise the same fields */
  g_assert_cmpuint (strlen (query), ==, strlen (plain) + strlen ("relations { edges { relationType(version: 2) node { id type } } } "));
  assert_braces_balance (query);

  variables = json_object_get_object_member (request, "variables");
  g_assert_cmpint (json_object_get_int_member (variables, "perPage"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (variables, "ids")), ==, 2);
  g_assert_cmpuint (KZ_ANILIST_NESTED_PER_PAGE, <=, KZ_ANILIST_MAX_PER_PAGE);
}

static void
test_query_search (void)
{
  const char *text = "Re:Zero \"Season 2\" } query { Media(id: 1) { id } } #";
  g_autoptr(GBytes) bytes = kz_anilist_query_search (text, 10);
  g_autoptr(JsonObject) request = parse_request (bytes);
  JsonObject *variables;
  const char *query;

  query = json_object_get_string_member (request, "query");
  g_assert_true (g_str_has_prefix (query, "query ($search: String, $page: Int, $perPage: Int) { "));
  g_assert_nonnull (strstr (query, "media(search: $search, type: ANIME, sort: SEARCH_MATCH) { ...media }"));
  g_assert_nonnull (strstr (query, "relationType(version: 2)"));
  g_assert_null (strstr (query, "Re:Zero"));
  g_assert_null (strstr (query, "Media(id: 1)"));
  assert_braces_balance (query);

  variables = json_object_get_object_member (request, "variables");
  g_assert_cmpuint (json_object_get_size (variables), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (variables, "search"), ==, text);
  g_assert_cmpint (json_object_get_int_member (variables, "page"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (variables, "perPage"), ==, 10);
}

static void
test_query_search_limits (void)
{
  const struct {
    guint limit;
    gint64 per_page;
  } cases[] = { { 0, 1 }, { 1, 1 }, { 50, 50 }, { 51, 50 }, { G_MAXUINT, 50 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = kz_anilist_query_search ("naruto", cases[i].limit);
      g_autoptr(JsonObject) request = parse_request (bytes);
      JsonObject *variables = json_object_get_object_member (request, "variables");

      g_assert_cmpint (json_object_get_int_member (variables, "perPage"), ==, cases[i].per_page);
    }
}

static void
test_query_search_invalid_utf8 (void)
{
  g_autoptr(GBytes) bytes = kz_anilist_query_search ("ab\xff" "cd", 5);
  g_autoptr(JsonObject) request = parse_request (bytes);
  JsonObject *variables = json_object_get_object_member (request, "variables");

  g_assert_cmpstr (json_object_get_string_member (variables, "search"), ==, "ab\xef\xbf\xbd" "cd");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/anilist/parser/page", test_parser_page);
  g_test_add_func ("/kz/anilist/parser/media-ids", test_parser_media_ids);
  g_test_add_func ("/kz/anilist/parser/empty-page", test_parser_empty_page);
  g_test_add_func ("/kz/anilist/parser/errors-with-200", test_parser_errors_with_200);
  g_test_add_func ("/kz/anilist/parser/partial-data", test_parser_partial);
  g_test_add_func ("/kz/anilist/parser/not-found", test_parser_not_found);
  g_test_add_func ("/kz/anilist/parser/disabled-403", test_parser_disabled);
  g_test_add_func ("/kz/anilist/parser/rate-limited", test_parser_rate_limited);
  g_test_add_func ("/kz/anilist/parser/server-error", test_parser_server_error);
  g_test_add_func ("/kz/anilist/parser/complexity", test_parser_complexity);
  g_test_add_func ("/kz/anilist/parser/complexity-numbers", test_parser_complexity_numbers);
  g_test_add_func ("/kz/anilist/parser/nested-hints", test_parser_nested_hints);
  g_test_add_func ("/kz/anilist/parser/malformed", test_parser_malformed);
  g_test_add_func ("/kz/anilist/parser/truncated", test_parser_truncated);
  g_test_add_func ("/kz/anilist/parser/shapes", test_parser_shapes);
  g_test_add_func ("/kz/anilist/parser/odd-errors", test_parser_odd_errors);
  g_test_add_func ("/kz/anilist/parser/wrong-types", test_parser_wrong_types);
  g_test_add_func ("/kz/anilist/parser/deep-nesting", test_parser_deep_nesting);
  g_test_add_func ("/kz/anilist/parser/mutations", test_parser_mutations);
  g_test_add_func ("/kz/anilist/query/by-ids", test_query_by_ids);
  g_test_add_func ("/kz/anilist/query/by-ids-page-size", test_query_by_ids_page_size);
  g_test_add_func ("/kz/anilist/query/by-ids-nested", test_query_by_ids_nested);
  g_test_add_func ("/kz/anilist/query/search", test_query_search);
  g_test_add_func ("/kz/anilist/query/search-limits", test_query_search_limits);
  g_test_add_func ("/kz/anilist/query/search-invalid-utf8", test_query_search_invalid_utf8);

  return g_test_run ();
}
