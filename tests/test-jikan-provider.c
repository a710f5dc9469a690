/* test-jikan-provider.c: Jikan, its parser, the rating enricher and the
 * ratings in the library
 *
 * Everything talks to KzMockJikan on 127.0.0.1, on this thread's main
 * context. The enricher runs on an injected clock; only the rate
 * limiter's pacing takes real time (about a second per request after
 * the first).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kz-entry-private.h"
#include "kz-jikan-parser.h"
#include "kz-jikan-provider.h"
#include "kz-mock-jikan.h"
#include "kz-rating-enricher.h"
#include "kz-store-private.h"
#include "kz-store-ratings.h"

/* From the bundled snapshot: AniList id, MAL id */
#define CONAN_ID        235      /* PG-13, AniList score 81 */
#define DEATH_NOTE_ID   1535     /* Thriller: R */
#define KITE_ID         320      /* the adult one: Rx */
#define GINTAMA_ID      20996    /* MAL 28977, score 90 */
#define GINTAMA_MAL     28977
#define STEINS_GATE_ID  9253     /* Thriller: R */
#define LUPIN_ID        1412

#define PG13   "PG-13 - Teens 13 or older"
#define R17    "R - 17+ (violence & profanity)"
#define RX     "Rx - Hentai"

#define START_TIME (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)
#define DAY        (G_GINT64_CONSTANT (24) * 60 * 60 * G_USEC_PER_SEC)

typedef struct {
  char             *dir;
  char             *path;
  KzStore          *store;
  KzMockJikan      *mock;
  char             *url;
  KzJikanProvider  *jikan;
  KzRatingEnricher *enricher;
  gint64            now;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static KzEntry *
make_entry (gint64      id,
            gint64      mal_id,
            const char *title)
{
  KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);

  entry->id_mal = mal_id;
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->format = KZ_FORMAT_TV;
  entry->status = KZ_STATUS_FINISHED;
  entry->title_romaji = g_strdup (title);

  return entry;
}

static void
store_entries (Fixture  *fixture,
               KzEntry **entries,
               guint     n)
{
  g_autoptr(GPtrArray) array = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, entries[i]);

  g_assert_true (kz_store_upsert_entries (fixture->store, array, fixture->now, &error));
  g_assert_no_error (error);
}

/* @paced: Jikan's own pace, one request a second; otherwise a quicker
 * limiter, for tests that are not about pacing. */
static void
fixture_init (Fixture  *fixture,
              gboolean  paced)
{
  g_autoptr(KzRateLimiter) quick = paced ? NULL : kz_rate_limiter_new (6000, 5);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kizuna-jikan-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "library.db", NULL);
  fixture->store = kz_store_open (fixture->path, &error);
  g_assert_no_error (error);

  fixture->mock = kz_mock_jikan_new ();
  g_assert_true (kz_mock_jikan_start (fixture->mock, 0, &error));
  g_assert_no_error (error);
  fixture->url = kz_mock_jikan_dup_url (fixture->mock);

  fixture->jikan = kz_jikan_provider_new (fixture->url, quick, &error);
  g_assert_no_error (error);

  fixture->now = START_TIME;
  fixture->enricher = kz_rating_enricher_new (fixture->store, fixture->jikan);
  kz_rating_enricher_set_clock (fixture->enricher, fake_clock, &fixture->now);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_init (fixture, FALSE);
}

static void
fixture_set_up_paced (Fixture       *fixture,
                      gconstpointer  data)
{
  fixture_init (fixture, TRUE);
}

/* A worker thread may hold a finished task, and with it its source
 * object, a moment longer than the callback that reported it. */
static void
assert_finalized (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);

  while (weak != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  assert_finalized (fixture->enricher);
  assert_finalized (fixture->jikan);
  g_clear_object (&fixture->mock);
  assert_finalized (fixture->store);

  g_unlink (fixture->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);

  g_free (fixture->url);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Waiting */

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* Lets finished work (store writes, cancelled lookups) settle. */
static void
drain (void)
{
  gint64 until = g_get_monotonic_time () + 50 * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static KzRatingInfo *
enrich (Fixture  *fixture,
        KzEntry  *entry,
        GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_rating_enricher_enrich_async (fixture->enricher, entry, KZ_PRIORITY_USER, NULL,
                                   store_result, &result);
  wait_for (&result);

  return kz_rating_enricher_enrich_finish (fixture->enricher, result, error);
}

static guint
enrich_many (Fixture   *fixture,
             GPtrArray *entries)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  kz_rating_enricher_enrich_many_async (fixture->enricher, entries, KZ_PRIORITY_BACKGROUND,
                                        NULL, store_result, &result);
  wait_for (&result);

  n = kz_rating_enricher_enrich_many_finish (fixture->enricher, result, &error);
  g_assert_no_error (error);

  return n;
}

static KzJikanLookup *
lookup (Fixture     *fixture,
        gint64       mal_id,
        const char  *etag,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_jikan_provider_lookup_async (fixture->jikan, mal_id, etag, KZ_PRIORITY_USER, NULL,
                                  store_result, &result);
  wait_for (&result);

  return kz_jikan_provider_lookup_finish (fixture->jikan, result, error);
}

static KzRatingInfo *
stored_rating (Fixture *fixture,
               gint64   id)
{
  g_autoptr(GError) error = NULL;
  KzRatingInfo *info = kz_store_get_rating (fixture->store, id, &error);

  g_assert_no_error (error);
  return info;
}

/* The parser */

static const char anime_json[] =
  "{\"data\": {\"mal_id\": 5114, \"url\": \"https://myanimelist.net/anime/5114\","
  " \"title\": \"Hagane no Renkinjutsushi: Fullmetal Alchemist\","
  " \"title_english\": \"Fullmetal Alchemist: Brotherhood\", \"title_japanese\": \"鋼の錬金術師\","
  " \"title_synonyms\": [\"FMA\", 7, \"\"], \"type\": \"TV\", \"episodes\": 64,"
  " \"status\": \"Finished Airing\", \"aired\": {\"prop\": {\"from\": {\"day\": 5, \"month\": 4,"
  " \"year\": 2009}, \"to\": {\"day\": 4, \"month\": 7, \"year\": 2010}}},"
  " \"duration\": \"1 hr 2 min per ep\", \"rating\": \"R - 17+ (violence & profanity)\","
  " \"score\": 9.1, \"season\": \"spring\", \"year\": 2009,"
  " \"genres\": [{\"mal_id\": 1, \"name\": \"Action\"}, {\"name\": null}, {\"mal_id\": 2, \"name\": \"Drama\"}],"
  " \"relations\": [{\"relation\": \"Side Story\", \"entry\": [{\"mal_id\": 6421, \"type\": \"anime\","
  "   \"name\": \"Fullmetal Alchemist: Brotherhood Specials\"}]},"
  "  {\"relation\": \"Alternative Version\", \"entry\": [{\"mal_id\": 121, \"type\": \"anime\", \"name\": \"FMA\"}]},"
  "  {\"relation\": \"Adaptation\", \"entry\": [{\"mal_id\": 25, \"type\": \"manga\", \"name\": \"FMA\"},"
  "   {\"mal_id\": \"bad\"}, {\"mal_id\": 5114}]},"
  "  {\"relation\": \"Spin-Off\", \"entry\": [{\"mal_id\": 9135, \"type\": \"anime\"}]},"
  "  {\"relation\": \"Crossover\", \"entry\": [{\"mal_id\": 1, \"type\": \"anime\"}]}]}}";

static void
test_parser_anime (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KzEntry) entry = kz_jikan_parse_anime_response (200, anime_json, strlen (anime_json), &error);
  const KzRelation *relations;
  guint n = 0;
  KzDate start, end;

  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpint (kz_entry_get_id (entry), ==, 5114);
  g_assert_cmpint (kz_entry_get_id_mal (entry), ==, 5114);
  g_assert_cmpstr (kz_entry_get_age_rating (entry), ==, R17);
  g_assert_cmpfloat_with_epsilon (entry->mal_score, 9.1, 1e-9);
  g_assert_cmpint (kz_entry_get_average_score (entry), ==, 91);
  g_assert_false (kz_entry_get_is_adult (entry));
  g_assert_cmpstr (kz_entry_get_title_english (entry), ==, "Fullmetal Alchemist: Brotherhood");
  g_assert_cmpstr (kz_entry_get_title_native (entry), ==, "鋼の錬金術師");
  g_assert_cmpint (g_strv_length ((char **) kz_entry_get_synonyms (entry)), ==, 1);
  g_assert_cmpint (kz_entry_get_format (entry), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_status (entry), ==, KZ_STATUS_FINISHED);
  g_assert_cmpint (kz_entry_get_season (entry), ==, KZ_SEASON_SPRING);
  g_assert_cmpint (kz_entry_get_season_year (entry), ==, 2009);
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 64);
  g_assert_cmpint (kz_entry_get_duration (entry), ==, 62);
  start = kz_entry_get_start_date (entry);
  end = kz_entry_get_end_date (entry);
  g_assert_cmpint (start.year, ==, 2009);
  g_assert_cmpint (start.month, ==, 4);
  g_assert_cmpint (end.day, ==, 4);
  g_assert_cmpint (g_strv_length ((char **) kz_entry_get_genres (entry)), ==, 2);
  g_assert_cmpstr (kz_entry_get_genres (entry)[1], ==, "Drama");

  /* the malformed target and the edge back to itself are dropped */
  relations = kz_entry_get_relations (entry, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_SIDE_STORY);
  g_assert_cmpstr (relations[0].raw_type, ==, "Side Story");
  g_assert_cmpint (kz_entry_get_id (relations[0].target), ==, 6421);
  g_assert_cmpint (relations[1].type, ==, KZ_RELATION_ALTERNATIVE);
  g_assert_cmpint (relations[2].type, ==, KZ_RELATION_ADAPTATION);
  g_assert_cmpint (kz_entry_get_media_type (relations[2].target), ==, KZ_MEDIA_TYPE_MANGA);
  g_assert_cmpint (relations[3].type, ==, KZ_RELATION_SPIN_OFF);
  g_assert_cmpint (relations[4].type, ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpstr (relations[4].raw_type, ==, "Crossover");

  g_assert_cmpint (kz_jikan_relation_type_from_string ("sequel"), ==, KZ_RELATION_SEQUEL);
  g_assert_cmpint (kz_jikan_relation_type_from_string ("Parent Story"), ==, KZ_RELATION_PARENT);
  g_assert_cmpint (kz_jikan_relation_type_from_string (NULL), ==, KZ_RELATION_UNKNOWN);
}

static void
test_parser_errors (void)
{
  static const struct {
    guint       status;
    const char *body;
    int         code;
    const char *in_message;
  } cases[] = {
    { 404, "{\"status\": 404, \"type\": \"BadResponseException\", \"message\": \"Resource does not exist\", \"error\": null}",
      KZ_PROVIDER_ERROR_NOT_FOUND, "Resource does not exist" },
    { 500, "{\"status\": 500, \"type\": \"UpstreamException\", \"message\": \"MyAnimeList may be down.\"}",
      KZ_PROVIDER_ERROR_UNAVAILABLE, "MyAnimeList may be down." },
    { 503, "<html>down</html>", KZ_PROVIDER_ERROR_UNAVAILABLE, "maintenance" },
    { 429, "{\"status\": 429, \"type\": \"RateLimitException\", \"message\": \"You are being rate limited\"}",
      KZ_PROVIDER_ERROR_RATE_LIMITED, "rate limited" },
    { 400, "{\"status\": 400, \"message\": \"Invalid id\"}", KZ_PROVIDER_ERROR_QUERY, "Invalid id" },
    { 200, "<html><body>Bad Gateway</body></html>", KZ_PROVIDER_ERROR_INVALID_RESPONSE, "cannot read" },
    { 200, "{\"data\": null}", KZ_PROVIDER_ERROR_INVALID_RESPONSE, "cannot read" },
    { 200, "{\"data\": {\"mal_id\": -3}}", KZ_PROVIDER_ERROR_INVALID_RESPONSE, "MyAnimeList id" },
    { 200, "{\"dat", KZ_PROVIDER_ERROR_INVALID_RESPONSE, "cannot read" },
  };
  g_autoptr(GString) deep = g_string_new ("{\"data\": ");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KzEntry) entry = kz_jikan_parse_anime_response (cases[i].status, cases[i].body,
                                                                strlen (cases[i].body), &error);

      g_assert_null (entry);
      g_assert_error (error, KZ_PROVIDER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }

  /* nesting past any real answer is refused before json-glib recurses */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KzEntry) entry = kz_jikan_parse_anime_response (200, deep->str, deep->len, &error);

    g_assert_null (entry);
    g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
  }

  g_assert_true (kz_age_rating_is_restricted (RX));
  g_assert_true (kz_age_rating_is_restricted ("rx"));
  g_assert_false (kz_age_rating_is_restricted ("R+ - Mild Nudity"));
  g_assert_false (kz_age_rating_is_restricted (R17));
  g_assert_false (kz_age_rating_is_restricted (NULL));
}

/* The provider */

static void
test_provider_lookup (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(KzJikanLookup) first = NULL;
  g_autoptr(KzJikanLookup) second = NULL;
  g_autofree char *sent = NULL;
  g_autoptr(GError) error = NULL;

  first = lookup (fixture, CONAN_ID, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (first->not_modified);
  g_assert_nonnull (first->etag);
  g_assert_cmpstr (kz_entry_get_age_rating (first->entry), ==, PG13);
  g_assert_cmpfloat_with_epsilon (first->entry->mal_score, 8.1, 1e-9);
  g_assert_cmpstr (kz_entry_get_title_romaji (first->entry), ==, "Meitantei Conan");
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);

  /* the same ETag back: 304, nothing to parse */
  second = lookup (fixture, CONAN_ID, first->etag, &error);
  g_assert_no_error (error);
  g_assert_true (second->not_modified);
  g_assert_null (second->entry);
  g_assert_cmpstr (second->etag, ==, first->etag);
  sent = kz_mock_jikan_dup_last_if_none_match (fixture->mock);
  g_assert_cmpstr (sent, ==, first->etag);
  g_assert_cmpuint (kz_mock_jikan_get_not_modified_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_jikan_provider_get_n_not_modified (fixture->jikan), ==, 1);
}

static void
test_provider_not_found (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(KzJikanLookup) result = NULL;
  g_autoptr(GError) error = NULL;

  result = lookup (fixture, 987654321, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND);
}

static void
test_provider_interface (Fixture       *fixture,
                         gconstpointer  data)
{
  KzProvider *provider = KZ_PROVIDER (fixture->jikan);
  const gint64 ids[] = { CONAN_ID, KITE_ID, 987654321, CONAN_ID };
  g_autoptr(GAsyncResult) fetched = NULL;
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  KzProviderStats stats = { 0 };
  gboolean saw_conan = FALSE;
  gboolean saw_kite = FALSE;

  g_assert_cmpstr (kz_provider_get_name (provider), ==, "Jikan");

  /* one lookup per distinct id; the unknown one is simply missing */
  kz_provider_fetch_async (provider, ids, G_N_ELEMENTS (ids), KZ_PRIORITY_USER, NULL,
                           store_result, &fetched);
  wait_for (&fetched);
  entries = kz_provider_fetch_finish (provider, fetched, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);

      if (kz_entry_get_id (entry) == CONAN_ID)
        saw_conan = TRUE;
      if (kz_entry_get_id (entry) == KITE_ID)
        {
          saw_kite = TRUE;
          g_assert_cmpstr (kz_entry_get_age_rating (entry), ==, RX);
          g_assert_true (kz_entry_get_is_adult (entry));
        }
    }
  g_assert_true (saw_conan && saw_kite);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 3);

  /* searches are safe for work: the Rx title never comes back */
  kz_provider_search_async (provider, "kite", 10, NULL, store_result, &found);
  wait_for (&found);
  results = kz_provider_search_finish (provider, found, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (results, i)), !=, KITE_ID);

  kz_provider_get_stats (provider, &stats);
  g_assert_cmpuint (stats.requests_sent, ==, 4);
  g_assert_cmpuint (stats.failures, ==, 1);   /* the unknown id */
  g_assert_cmpuint (stats.rate_limited, ==, 0);
  kz_provider_stats_clear (&stats);
}

static void
test_provider_search (Fixture       *fixture,
                      gconstpointer  data)
{
  KzProvider *provider = KZ_PROVIDER (fixture->jikan);
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  kz_provider_search_async (provider, "Death Note", 5, NULL, store_result, &found);
  wait_for (&found);
  results = kz_provider_search_finish (provider, found, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, >=, 1);
  g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (results, 0)), ==, DEATH_NOTE_ID);
  g_assert_cmpstr (kz_entry_get_age_rating (g_ptr_array_index (results, 0)), ==, R17);
}

static void
test_provider_endpoints (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KzJikanProvider) insecure = kz_jikan_provider_new ("http://api.jikan.moe/v4/", NULL, &error);
  g_autoptr(KzJikanProvider) local = NULL;
  g_autoptr(KzJikanProvider) public = NULL;

  g_assert_null (insecure);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE);
  g_clear_error (&error);

  local = kz_jikan_provider_new ("http://127.0.0.1:9/v4", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_jikan_provider_get_endpoint (local), ==, "http://127.0.0.1:9/v4/");

  /* its own limiter, one request a second, no bursts */
  g_assert_cmpfloat (kz_rate_limiter_get_rate (kz_jikan_provider_get_rate_limiter (local)), ==, 60.0);
  g_assert_cmpuint (kz_rate_limiter_get_burst (kz_jikan_provider_get_rate_limiter (local)), ==, 1);

  public = kz_jikan_provider_new ("https://api.jikan.moe/v4/", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_jikan_provider_get_endpoint (public), ==, KZ_JIKAN_DEFAULT_ENDPOINT);
}

/* The enricher */

static void
test_enrich_fetch_and_store (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(KzEntry) gintama = make_entry (GINTAMA_ID, GINTAMA_MAL, "Gintama°");
  KzEntry *both[] = { conan, gintama };
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(KzRatingInfo) stored = NULL;
  g_autoptr(KzEntry) read_back = NULL;
  g_autoptr(GError) error = NULL;
  KzRatingEnricherStats stats;
  guint changed = 0;

  store_entries (fixture, both, G_N_ELEMENTS (both));
  g_signal_connect_swapped (fixture->enricher, "rating-changed", G_CALLBACK (g_atomic_int_inc), &changed);

  info = enrich (fixture, gintama, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->entry_id, ==, GINTAMA_ID);
  g_assert_cmpint (info->mal_id, ==, GINTAMA_MAL);
  g_assert_cmpstr (info->rating, ==, PG13);
  g_assert_cmpfloat_with_epsilon (info->mal_score, 9.0, 1e-9);
  g_assert_cmpint (info->fetched_at, ==, START_TIME);
  g_assert_nonnull (info->etag);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);
  g_assert_cmpstr (kz_rating_enricher_peek_rating (fixture->enricher, GINTAMA_ID), ==, PG13);

  /* in the library, under the AniList id */
  stored = stored_rating (fixture, GINTAMA_ID);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->rating, ==, PG13);
  g_assert_cmpfloat_with_epsilon (stored->mal_score, 9.0, 1e-9);
  g_assert_cmpstr (stored->etag, ==, info->etag);
  g_assert_cmpint (stored->fetched_at, ==, START_TIME);
  g_assert_cmpint (stored->failed_at, ==, 0);
  g_assert_null (stored_rating (fixture, CONAN_ID));

  /* and on the entry the library gives back */
  read_back = kz_store_get_entry (fixture->store, GINTAMA_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_age_rating (read_back), ==, PG13);
  g_assert_cmpfloat_with_epsilon (read_back->mal_score, 9.0, 1e-9);

  kz_rating_enricher_get_stats (fixture->enricher, &stats);
  g_assert_cmpuint (stats.requests, ==, 1);
  g_assert_cmpuint (stats.failures, ==, 0);
}

static void
test_enrich_once (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(KzRatingInfo) a = NULL;
  g_autoptr(KzRatingInfo) b = NULL;
  g_autoptr(KzRatingInfo) c = NULL;
  g_autoptr(KzRatingInfo) d = NULL;
  g_autoptr(KzRatingEnricher) later = NULL;
  g_autoptr(GError) error = NULL;
  KzRatingEnricherStats stats;

  store_entries (fixture, &conan, 1);

  /* two callers at once share one lookup */
  kz_rating_enricher_enrich_async (fixture->enricher, conan, KZ_PRIORITY_USER, NULL, store_result, &first);
  kz_rating_enricher_enrich_async (fixture->enricher, conan, KZ_PRIORITY_BACKGROUND, NULL, store_result, &second);
  wait_for (&first);
  wait_for (&second);
  a = kz_rating_enricher_enrich_finish (fixture->enricher, first, &error);
  g_assert_no_error (error);
  b = kz_rating_enricher_enrich_finish (fixture->enricher, second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->rating, ==, PG13);
  g_assert_cmpstr (b->rating, ==, PG13);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);

  /* asked again a day later: still within the maximum age */
  fixture->now += DAY;
  c = enrich (fixture, conan, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->rating, ==, PG13);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);

  kz_rating_enricher_get_stats (fixture->enricher, &stats);
  g_assert_cmpuint (stats.requests, ==, 1);
  g_assert_cmpuint (stats.coalesced, ==, 0);   /* joined the library read, not a lookup */
  g_assert_cmpuint (stats.from_memory, ==, 1);

  /* the next session finds it in the library */
  later = kz_rating_enricher_new (fixture->store, fixture->jikan);
  kz_rating_enricher_set_clock (later, fake_clock, &fixture->now);
  {
    g_autoptr(GAsyncResult) result = NULL;

    kz_rating_enricher_enrich_async (later, conan, KZ_PRIORITY_USER, NULL, store_result, &result);
    wait_for (&result);
    d = kz_rating_enricher_enrich_finish (later, result, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (d->rating, ==, PG13);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);
  kz_rating_enricher_get_stats (later, &stats);
  g_assert_cmpuint (stats.from_library, ==, 1);
  g_assert_cmpuint (stats.requests, ==, 0);
}

static void
test_enrich_coalesce_lookup (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(KzRatingInfo) a = NULL;
  g_autoptr(KzRatingInfo) b = NULL;
  g_autoptr(GError) error = NULL;
  KzRatingEnricherStats stats;

  /* a slow answer: the second caller arrives while Jikan is asked */
  kz_mock_jikan_set_latency (fixture->mock, 300);
  kz_rating_enricher_enrich_async (fixture->enricher, conan, KZ_PRIORITY_BACKGROUND, NULL, store_result, &first);
  while (kz_mock_jikan_get_request_count (fixture->mock) == 0)
    g_main_context_iteration (NULL, TRUE);
  kz_rating_enricher_enrich_async (fixture->enricher, conan, KZ_PRIORITY_USER, NULL, store_result, &second);

  wait_for (&first);
  wait_for (&second);
  a = kz_rating_enricher_enrich_finish (fixture->enricher, first, &error);
  g_assert_no_error (error);
  b = kz_rating_enricher_enrich_finish (fixture->enricher, second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->rating, ==, b->rating);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);

  kz_rating_enricher_get_stats (fixture->enricher, &stats);
  g_assert_cmpuint (stats.coalesced, ==, 1);
  g_assert_cmpuint (stats.requests, ==, 1);
}

static void
test_enrich_not_modified (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(KzEntry) steins = make_entry (STEINS_GATE_ID, STEINS_GATE_ID, "Steins;Gate");
  g_autoptr(KzRatingInfo) first = NULL;
  g_autoptr(KzRatingInfo) second = NULL;
  g_autoptr(KzRatingInfo) stored = NULL;
  g_autofree char *sent = NULL;
  g_autoptr(GError) error = NULL;
  KzRatingEnricherStats stats;
  guint changed = 0;

  store_entries (fixture, &steins, 1);
  first = enrich (fixture, steins, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->rating, ==, R17);

  g_signal_connect_swapped (fixture->enricher, "rating-changed", G_CALLBACK (g_atomic_int_inc), &changed);

  /* past the maximum age: revalidated, and unchanged */
  fixture->now += KZ_RATING_DEFAULT_MAX_AGE + G_USEC_PER_SEC;
  second = enrich (fixture, steins, &error);
  g_assert_no_error (error);
  sent = kz_mock_jikan_dup_last_if_none_match (fixture->mock);
  g_assert_cmpstr (sent, ==, first->etag);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 2);
  g_assert_cmpuint (kz_mock_jikan_get_not_modified_count (fixture->mock), ==, 1);

  g_assert_cmpstr (second->rating, ==, R17);
  g_assert_cmpfloat (second->mal_score, ==, first->mal_score);
  g_assert_cmpstr (second->etag, ==, first->etag);
  g_assert_cmpint (second->fetched_at, ==, fixture->now);
  g_assert_cmpuint (changed, ==, 0);

  /* the library keeps the values with the new confirmation time */
  stored = stored_rating (fixture, STEINS_GATE_ID);
  g_assert_cmpstr (stored->rating, ==, R17);
  g_assert_cmpfloat (stored->mal_score, ==, first->mal_score);
  g_assert_cmpstr (stored->etag, ==, first->etag);
  g_assert_cmpint (stored->fetched_at, ==, fixture->now);

  kz_rating_enricher_get_stats (fixture->enricher, &stats);
  g_assert_cmpuint (stats.requests, ==, 2);
  g_assert_cmpuint (stats.not_modified, ==, 1);
}

static void
test_enrich_rate_limited (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(KzEntry) death_note = make_entry (DEATH_NOTE_ID, DEATH_NOTE_ID, "DEATH NOTE");
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(KzRatingInfo) a = NULL;
  g_autoptr(KzRatingInfo) b = NULL;
  KzRateLimiter *limiter = kz_jikan_provider_get_rate_limiter (fixture->jikan);
  KzProviderStats stats = { 0 };
  gint64 before = g_get_monotonic_time ();

  /* one request in two seconds: the second gets a 429 with Retry-After */
  kz_mock_jikan_set_rate_limit (fixture->mock, 1, 2);
  g_ptr_array_add (entries, conan);
  g_ptr_array_add (entries, death_note);

  g_assert_cmpuint (enrich_many (fixture, entries), ==, 2);

  g_assert_cmpuint (kz_mock_jikan_get_rate_limited_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 3);
  kz_provider_get_stats (KZ_PROVIDER (fixture->jikan), &stats);
  g_assert_cmpuint (stats.rate_limited, ==, 1);
  g_assert_cmpuint (stats.requests_sent, ==, 3);
  kz_provider_stats_clear (&stats);

  /* the whole queue was paused, past the 429 */
  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), >, before);

  a = stored_rating (fixture, CONAN_ID);
  b = stored_rating (fixture, DEATH_NOTE_ID);
  g_assert_cmpstr (a->rating, ==, PG13);
  g_assert_cmpstr (b->rating, ==, R17);
}

static void
test_enrich_pacing (Fixture       *fixture,
                    gconstpointer  data)
{
  const gint64 ids[][2] = {
    { CONAN_ID, CONAN_ID }, { DEATH_NOTE_ID, DEATH_NOTE_ID }, { GINTAMA_ID, GINTAMA_MAL },
    { STEINS_GATE_ID, STEINS_GATE_ID }, { LUPIN_ID, LUPIN_ID },
  };
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) times = NULL;
  KzRateLimiter *limiter = kz_jikan_provider_get_rate_limiter (fixture->jikan);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_ptr_array_add (entries, make_entry (ids[i][0], ids[i][1], "x"));

  g_assert_cmpuint (enrich_many (fixture, entries), ==, 5);

  /* one request each, at most one a second */
  times = kz_mock_jikan_dup_request_times (fixture->mock);
  g_assert_cmpuint (times->len, ==, 5);
  for (guint i = 1; i < times->len; i++)
    g_assert_cmpint (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1),
                     >=, 950 * 1000);
  g_assert_cmpint (g_array_index (times, gint64, 4) - g_array_index (times, gint64, 0),
                   >=, 3950 * 1000);

  /* queued together: they waited 0 + 1 + 2 + 3 + 4 s in the limiter */
  g_assert_cmpint (kz_rate_limiter_get_wait_usec (limiter), >=, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 0);
}

typedef struct {
  KzMockJikanFault fault;
  int              code;
  const char      *in_message;
} FaultCase;

static const FaultCase fault_cases[] = {
  { KZ_MOCK_JIKAN_FAULT_SERVER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE, "MyAnimeList may be down" },
  { KZ_MOCK_JIKAN_FAULT_MAINTENANCE, KZ_PROVIDER_ERROR_UNAVAILABLE, "maintenance" },
  { KZ_MOCK_JIKAN_FAULT_MALFORMED, KZ_PROVIDER_ERROR_INVALID_RESPONSE, "cannot read" },
  { KZ_MOCK_JIKAN_FAULT_NOT_FOUND, KZ_PROVIDER_ERROR_NOT_FOUND, "no such anime" },
};

static void
test_enrich_failure (Fixture       *fixture,
                     gconstpointer  data)
{
  const FaultCase *fault = data;
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(KzRatingInfo) again = NULL;
  g_autoptr(KzRatingInfo) retried = NULL;
  g_autoptr(KzRatingInfo) stored = NULL;
  g_autoptr(KzEntry) read_back = NULL;
  g_autoptr(GError) error = NULL;

  store_entries (fixture, &conan, 1);
  kz_mock_jikan_set_fault (fixture->mock, fault->fault, 1);

  info = enrich (fixture, conan, &error);
  g_assert_null (info);
  g_assert_error (error, KZ_PROVIDER_ERROR, fault->code);
  g_assert_nonnull (strstr (error->message, "Jikan"));
  g_assert_nonnull (strstr (error->message, fault->in_message));
  g_clear_error (&error);

  /* no rating, score or ETag stored; only when it failed */
  stored = stored_rating (fixture, CONAN_ID);
  g_assert_nonnull (stored);
  g_assert_null (stored->rating);
  g_assert_null (stored->etag);
  g_assert_cmpfloat (stored->mal_score, ==, 0);
  g_assert_cmpint (stored->fetched_at, ==, 0);
  g_assert_cmpint (stored->failed_at, ==, START_TIME);
  g_assert_cmpint (stored->failure_code, ==, fault->code);
  read_back = kz_store_get_entry (fixture->store, CONAN_ID, &error);
  g_assert_no_error (error);
  g_assert_null (kz_entry_get_age_rating (read_back));

  /* remembered: not asked again within the day */
  fixture->now += DAY / 2;
  again = enrich (fixture, conan, &error);
  g_assert_null (again);
  g_assert_error (error, KZ_PROVIDER_ERROR, fault->code);
  g_clear_error (&error);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);

  /* a day after the failure it is tried again, and works */
  fixture->now = START_TIME + DAY + G_USEC_PER_SEC;
  retried = enrich (fixture, conan, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (retried->rating, ==, PG13);
  g_assert_cmpint (retried->failed_at, ==, 0);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 2);
}

static void
test_enrich_restricted (Fixture       *fixture,
                        gconstpointer  data)
{
  /* AniList's adult flag left off on purpose: MAL's Rx alone must do */
  g_autoptr(KzEntry) kite = make_entry (KITE_ID, KITE_ID, "A Kite");
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  KzEntry *both[] = { kite, conan };
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(KzRatingEnricher) fresh = NULL;
  g_autoptr(KzEntry) stored_kite = NULL;
  g_autoptr(GError) error = NULL;

  store_entries (fixture, both, G_N_ELEMENTS (both));
  g_assert_false (kz_rating_enricher_is_restricted (fixture->enricher, kite));

  g_ptr_array_add (entries, kite);
  g_ptr_array_add (entries, conan);
  g_assert_cmpuint (enrich_many (fixture, entries), ==, 2);

  g_assert_cmpstr (kz_rating_enricher_peek_rating (fixture->enricher, KITE_ID), ==, RX);
  g_assert_true (kz_rating_enricher_is_restricted (fixture->enricher, kite));
  g_assert_false (kz_rating_enricher_is_restricted (fixture->enricher, conan));

  /* an enricher that learnt nothing yet still sees it on the stored entry */
  fresh = kz_rating_enricher_new (fixture->store, fixture->jikan);
  stored_kite = kz_store_get_entry (fixture->store, KITE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_age_rating (stored_kite), ==, RX);
  g_assert_true (kz_rating_enricher_is_restricted (fresh, stored_kite));
}

static void
test_enrich_without_mal_id (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(KzEntry) entry = make_entry (98222, 0, "Meitantei Conan: Kara Kurenai Love Letter");
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = enrich (fixture, entry, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->entry_id, ==, 98222);
  g_assert_null (info->rating);
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 0);
}

static void
test_enrich_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(KzEntry) death_note = make_entry (DEATH_NOTE_ID, DEATH_NOTE_ID, "DEATH NOTE");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* the first takes the only token; the second waits a second for its
   * own, and is given up on in the meantime */
  kz_rating_enricher_enrich_async (fixture->enricher, conan, KZ_PRIORITY_USER, NULL, store_result, &first);
  while (kz_mock_jikan_get_request_count (fixture->mock) == 0)
    g_main_context_iteration (NULL, TRUE);
  kz_rating_enricher_enrich_async (fixture->enricher, death_note, KZ_PRIORITY_USER, cancellable,
                                   store_result, &second);
  wait_for (&first);
  g_cancellable_cancel (cancellable);
  wait_for (&second);

  info = kz_rating_enricher_enrich_finish (fixture->enricher, second, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* the queued lookup went with it: Jikan only heard about the first */
  drain ();
  g_assert_cmpuint (kz_mock_jikan_get_request_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (kz_jikan_provider_get_rate_limiter (fixture->jikan)), ==, 0);
  g_assert_null (stored_rating (fixture, DEATH_NOTE_ID));
}

/* The library */

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_migrate_from_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kizuna-jikan-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzRatingInfo) carried = NULL;
  g_autoptr(KzRatingInfo) saved = NULL;
  g_autoptr(KzEntry) entry = NULL;
  const char * const *steps;
  KzRatingInfo info = { 0 };
  guint n_steps = 0;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  steps = _kz_store_get_migrations (&n_steps);
  g_assert_cmpuint (n_steps, >=, 2);

  /* A library as the first version wrote it, with one title in it */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, steps[0]);
  {
    g_autofree char *header = g_strdup_printf ("PRAGMA user_version = 1; PRAGMA application_id = %d;",
                                               KZ_STORE_APPLICATION_ID);

    exec_sql (db, header);
  }
  exec_sql (db, "INSERT INTO entries (id, id_mal, detail, format, age_rating)"
                " VALUES (235, 235, 1, 'TV', 'PG-13 - Teens 13 or older'),"
                " (1535, 1535, 1, 'TV', NULL);"
                "INSERT INTO titles (entry_id, kind, position, text)"
                " VALUES (235, 'romaji', 0, 'Meitantei Conan'), (1535, 'romaji', 0, 'DEATH NOTE');"
                "INSERT INTO fetch_meta (entry_id, fetched_at, updated_at) VALUES (235, 5, 6);");
  sqlite3_close (db);

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kz_store_get_schema_version (store), ==, (int) n_steps);

  /* upgraded in place: the entries are all there */
  entry = kz_store_get_entry (store, CONAN_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, "Meitantei Conan");
  g_assert_cmpstr (kz_entry_get_age_rating (entry), ==, PG13);
  g_clear_object (&entry);

  /* a rating kept on the entry moved over, to be confirmed again */
  carried = kz_store_get_rating (store, CONAN_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (carried);
  g_assert_cmpint (carried->mal_id, ==, CONAN_ID);
  g_assert_cmpstr (carried->rating, ==, PG13);
  g_assert_cmpint (carried->fetched_at, ==, 0);
  g_assert_null (kz_store_get_rating (store, DEATH_NOTE_ID, &error));
  g_assert_no_error (error);

  /* the new table takes ratings */
  info.entry_id = DEATH_NOTE_ID;
  info.mal_id = DEATH_NOTE_ID;
  info.rating = (char *) R17;
  info.mal_score = 8.62;
  info.etag = (char *) "\"abc\"";
  info.fetched_at = 42;
  g_assert_true (kz_store_save_rating (store, &info, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* and the next opening has nothing left to do */
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kz_store_get_schema_version (store), ==, (int) n_steps);
  saved = kz_store_get_rating (store, DEATH_NOTE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->rating, ==, R17);
  g_assert_cmpfloat_with_epsilon (saved->mal_score, 8.62, 1e-9);
  g_assert_cmpstr (saved->etag, ==, "\"abc\"");
  g_assert_cmpint (saved->fetched_at, ==, 42);
  entry = kz_store_get_entry (store, DEATH_NOTE_ID, &error);
  g_assert_cmpstr (kz_entry_get_age_rating (entry), ==, R17);
  g_assert_cmpfloat_with_epsilon (entry->mal_score, 8.62, 1e-9);
  g_clear_object (&store);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

static void
test_store_ratings (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kizuna-jikan-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(KzStore) store = kz_store_open (path, &error);
  g_autoptr(KzEntry) conan = make_entry (CONAN_ID, CONAN_ID, "Meitantei Conan");
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) ratings = NULL;
  g_autoptr(KzEntry) read_back = NULL;
  const gint64 ids[] = { 3, CONAN_ID, 7, 2 };
  KzRatingInfo info = { 0 };

  g_assert_no_error (error);
  g_ptr_array_add (entries, conan);
  g_assert_true (kz_store_upsert_entries (store, entries, 1, &error));

  for (gint64 id = 1; id <= 3; id++)
    {
      info.entry_id = id;
      info.mal_id = id * 10;
      info.rating = (char *) (id == 2 ? RX : PG13);
      g_assert_true (kz_store_save_rating (store, &info, &error));
      g_assert_no_error (error);
    }

  /* one statement, in the order asked, only what is stored */
  ratings = kz_store_get_ratings (store, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ratings->len, ==, 2);
  g_assert_cmpint (((KzRatingInfo *) g_ptr_array_index (ratings, 0))->entry_id, ==, 3);
  g_assert_cmpint (((KzRatingInfo *) g_ptr_array_index (ratings, 1))->mal_id, ==, 20);
  g_assert_cmpstr (((KzRatingInfo *) g_ptr_array_index (ratings, 1))->rating, ==, RX);

  /* a rating for another MAL page than the entry links now is not shown */
  info.entry_id = CONAN_ID;
  info.mal_id = 999;
  info.rating = (char *) RX;
  g_assert_true (kz_store_save_rating (store, &info, &error));
  read_back = kz_store_get_entry (store, CONAN_ID, &error);
  g_assert_no_error (error);
  g_assert_null (kz_entry_get_age_rating (read_back));

  g_clear_object (&store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

#define ADD(path, func) \
  g_test_add ("/kz/jikan/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_PACED(path, func) \
  g_test_add ("/kz/jikan/" path, Fixture, NULL, fixture_set_up_paced, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/jikan/parser/anime", test_parser_anime);
  g_test_add_func ("/kz/jikan/parser/errors", test_parser_errors);
  g_test_add_func ("/kz/jikan/provider/endpoints", test_provider_endpoints);
  ADD ("provider/lookup", test_provider_lookup);
  ADD ("provider/not-found", test_provider_not_found);
  ADD ("provider/interface", test_provider_interface);
  ADD ("provider/search", test_provider_search);
  ADD ("enricher/fetch-and-store", test_enrich_fetch_and_store);
  ADD ("enricher/once", test_enrich_once);
  ADD ("enricher/coalesce-lookup", test_enrich_coalesce_lookup);
  ADD ("enricher/not-modified", test_enrich_not_modified);
  ADD_PACED ("enricher/rate-limited", test_enrich_rate_limited);
  ADD_PACED ("enricher/pacing", test_enrich_pacing);
  ADD ("enricher/restricted", test_enrich_restricted);
  ADD ("enricher/without-mal-id", test_enrich_without_mal_id);
  ADD_PACED ("enricher/cancel", test_enrich_cancel);

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      static const char * const names[] = { "500", "503", "malformed", "404" };
      g_autofree char *path = g_strdup_printf ("/kz/jikan/enricher/failure/%s", names[i]);

      g_test_add (path, Fixture, &fault_cases[i], fixture_set_up, test_enrich_failure, fixture_tear_down);
    }

  g_test_add_func ("/kz/jikan/store/migrate-from-v1", test_migrate_from_v1);
  g_test_add_func ("/kz/jikan/store/ratings", test_store_ratings);

  return g_test_run ();
}
