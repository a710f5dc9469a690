/* test-anilist-provider.c
 *
 * The provider against KzMockAniList on 127.0.0.1, on the same main
 * context, and against small SoupServer handlers for what the mock does
 * not show (the request headers, X-RateLimit-Remaining).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kz-anilist-provider.h"
#include "kz-anilist-query.h"
#include "kz-mock-anilist.h"

#define MSEC (G_GINT64_CONSTANT (1000))

/* Ids 1001 … 1000 + N_FILLER exist next to the three named ones */
#define N_FILLER 130

typedef struct {
  KzMockAniList     *mock;
  char              *url;
  KzRateLimiter     *limiter;
  KzAniListProvider *anilist;
  KzProvider        *provider;
} Fixture;

static void
add_media (JsonBuilder *builder,
           gint64       id,
           const char  *romaji,
           const char  *english,
           const char  *format,
           int          episodes,
           int          year)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "idMal");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ANIME");
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "FINISHED");
  json_builder_set_member_name (builder, "episodes");
  json_builder_add_int_value (builder, episodes);
  json_builder_set_member_name (builder, "seasonYear");
  json_builder_add_int_value (builder, year);
  json_builder_set_member_name (builder, "isAdult");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "updatedAt");
  json_builder_add_int_value (builder, 1700000000);
  json_builder_set_member_name (builder, "title");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "romaji");
  json_builder_add_string_value (builder, romaji);
  json_builder_set_member_name (builder, "english");
  if (english != NULL)
    json_builder_add_string_value (builder, english);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "startDate");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "year");
  json_builder_add_int_value (builder, year);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "relations");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static GBytes *
build_snapshot (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "kizuna-snapshot");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "generated_at");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "media");
  json_builder_begin_array (builder);

  add_media (builder, 1, "Cowboy Bebop", "Cowboy Bebop", "TV", 26, 1998);
  add_media (builder, 5, "Cowboy Bebop: Tengoku no Tobira",
             "Cowboy Bebop: The Movie", "MOVIE", 1, 2001);
  add_media (builder, 20, "Naruto", NULL, "TV", 220, 2002);

  for (gint64 i = 1; i <= N_FILLER; i++)
    {
      g_autofree char *title = g_strdup_printf ("Filler Show %" G_GINT64_FORMAT, i);

      add_media (builder, 1000 + i, title, NULL, "OVA", (int) i % 13 + 1, 2010);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

static gboolean
on_deadline (gpointer user_data)
{
  g_error ("%s did not finish in time", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
wait_for_result (GAsyncResult **result)
{
  GSource *deadline = g_timeout_source_new_seconds (30);

  g_source_set_callback (deadline, on_deadline, (gpointer) "request", NULL);
  g_source_attach (deadline, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (deadline);
  g_source_unref (deadline);
}

static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static GPtrArray *
fetch (KzProvider    *provider,
       const gint64  *ids,
       guint          n_ids,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_provider_fetch_async (provider, ids, n_ids, KZ_PRIORITY_USER, cancellable,
                           on_result, &result);
  wait_for_result (&result);

  return kz_provider_fetch_finish (provider, result, error);
}

static GPtrArray *
fetch_lookahead (KzProvider  *provider,
                 gint64       first,
                 guint        n_ids,
                 GArray     **hints,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gint64 id = first; id < first + n_ids; id++)
    g_array_append_val (ids, id);

  kz_provider_fetch_lookahead_async (provider, (const gint64 *)(gpointer) ids->data, ids->len,
                                     KZ_PRIORITY_USER, NULL, on_result, &result);
  wait_for_result (&result);

  return kz_provider_fetch_lookahead_finish (provider, result, hints, error);
}

static KzEntry *
find_entry (GPtrArray *entries,
            gint64     id)
{
  for (guint i = 0; i < entries->len; i++)
    if (kz_entry_get_id (g_ptr_array_index (entries, i)) == id)
      return g_ptr_array_index (entries, i);

  return NULL;
}

static KzProvider *
new_provider (const char    *url,
              KzRateLimiter *limiter)
{
  g_autoptr(GError) error = NULL;
  KzAniListProvider *anilist = kz_anilist_provider_new (url, limiter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (anilist);

  return KZ_PROVIDER (anilist);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GBytes) snapshot = build_snapshot ();
  g_autoptr(GError) error = NULL;

  fixture->mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  g_assert_no_error (error);
  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);
  fixture->url = kz_mock_anilist_dup_url (fixture->mock);
  g_assert_true (g_str_has_prefix (fixture->url, "http://127.0.0.1:"));

  /* Fast, so that only the mock's own limits matter */
  fixture->limiter = kz_rate_limiter_new (6000, 10);
  fixture->provider = new_provider (fixture->url, fixture->limiter);
  fixture->anilist = KZ_ANILIST_PROVIDER (fixture->provider);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* Nothing may keep the provider alive once its work is done */
  g_assert_finalize_object (fixture->provider);
  g_clear_object (&fixture->limiter);
  g_clear_object (&fixture->mock);
  g_free (fixture->url);
}

static void
test_fetch_three (Fixture       *fixture,
                  gconstpointer  data)
{
  const gint64 ids[] = { 20, 1, 5 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzProviderStats stats;
  KzEntry *entry;

  g_assert_cmpstr (kz_provider_get_name (fixture->provider), ==, "AniList");
  g_assert_cmpstr (kz_anilist_provider_get_endpoint (fixture->anilist), ==, fixture->url);
  g_assert_true (kz_anilist_provider_get_rate_limiter (fixture->anilist) == fixture->limiter);

  entries = fetch (fixture->provider, ids, G_N_ELEMENTS (ids), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);

  entry = find_entry (entries, 1);
  g_assert_nonnull (entry);
  g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, "Cowboy Bebop");
  g_assert_cmpint (kz_entry_get_format (entry), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 26);
  g_assert_cmpint (kz_entry_get_detail (entry), ==, KZ_ENTRY_DETAIL_FULL);

  entry = find_entry (entries, 5);
  g_assert_nonnull (entry);
  g_assert_cmpstr (kz_entry_get_title_english (entry), ==, "Cowboy Bebop: The Movie");
  g_assert_cmpint (kz_entry_get_format (entry), ==, KZ_FORMAT_MOVIE);

  entry = find_entry (entries, 20);
  g_assert_nonnull (entry);
  g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, "Naruto");
  g_assert_null (kz_entry_get_title_english (entry));
  g_assert_cmpint (kz_entry_get_episodes (entry), ==, 220);

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);

  kz_provider_get_stats (fixture->provider, &stats);
  g_assert_cmpuint (stats.requests_sent, ==, 1);
  g_assert_cmpuint (stats.rate_limited, ==, 0);
  g_assert_cmpuint (stats.failures, ==, 0);
  g_assert_cmpuint (stats.requests_waiting, ==, 0);
  g_assert_cmpint (stats.paused_until, ==, 0);
  g_assert_null (stats.last_error);
  kz_provider_stats_clear (&stats);
}

/* 120 distinct ids (plus repeats): three pages of at most 50. */
static void
test_fetch_batches (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (gint64 i = 1; i <= 120; i++)
    {
      gint64 id = 1000 + i;

      g_array_append_val (ids, id);
      /* Repeats are sent once */
      if (i % 10 == 0)
        g_array_append_val (ids, id);
    }

  entries = fetch (fixture->provider, (const gint64 *) ids->data, ids->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 120);

  for (guint i = 0; i < entries->len; i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = kz_entry_get_id (g_ptr_array_index (entries, i));
      g_assert_cmpint (*id, >, 1000);
      g_assert_cmpint (*id, <=, 1120);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, id);
    }
  g_hash_table_foreach (seen, (GHFunc) g_free, NULL);

  g_assert_cmpstr (kz_entry_get_title_romaji (find_entry (entries, 1077)), ==, "Filler Show 77");

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 120);
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 50);
}

static void
test_missing_ids (Fixture       *fixture,
                  gconstpointer  data)
{
  const gint64 ids[] = { 1, 424242, 5, 999999 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = fetch (fixture->provider, ids, G_N_ELEMENTS (ids), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_nonnull (find_entry (entries, 1));
  g_assert_nonnull (find_entry (entries, 5));
  g_assert_null (find_entry (entries, 424242));
}

static void
test_fetch_nothing (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = fetch (fixture->provider, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
}

/* The mock rejects more than 20 ids as too complex: 50 → 25 + 25 →
 * 12 + 13 + 12 + 13, so 1 + 2 + 4 requests. */
static void
test_complexity (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  for (gint64 i = 1; i <= 50; i++)
    {
      gint64 id = 1000 + i;
      g_array_append_val (ids, id);
    }

  kz_mock_anilist_set_max_batch (fixture->mock, 20);

  entries = fetch (fixture->provider, (const gint64 *) ids->data, ids->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 50);
  g_assert_nonnull (find_entry (entries, 1001));
  g_assert_nonnull (find_entry (entries, 1050));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 7);
}

static void
test_lookahead_pages (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GArray) hints = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (kz_provider_get_lookahead_batch (fixture->provider), ==, KZ_ANILIST_NESTED_PER_PAGE);

  /* pages of 25 in the two-level form: 25 + 25 + 10 */
  entries = fetch_lookahead (fixture->provider, 1001, 60, &hints, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 60);
  g_assert_nonnull (hints);
  g_assert_cmpuint (hints->len, ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 3);
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 25);

  /* switched off, the same call is a one-level fetch */
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_clear_pointer (&hints, g_array_unref);
  kz_mock_anilist_reset_counters (fixture->mock);
  kz_anilist_provider_set_lookahead_batch (fixture->anilist, 0);
  entries = fetch_lookahead (fixture->provider, 1001, 60, &hints, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 60);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 0);
}

static void
test_lookahead_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GArray) hints = NULL;
  g_autoptr(GError) error = NULL;

  kz_mock_anilist_set_nesting_refused (fixture->mock, TRUE);

  /* both pages (25 + 5) are refused once and sent again in one level */
  entries = fetch_lookahead (fixture->provider, 1001, 30, &hints, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 30);
  g_assert_nonnull (find_entry (entries, 1030));
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 2);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 4);
  g_assert_cmpuint (kz_provider_get_lookahead_batch (fixture->provider), ==, 0);

  /* remembered: one request of 30 in one level */
  kz_mock_anilist_reset_counters (fixture->mock);
  again = fetch_lookahead (fixture->provider, 1001, 30, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 30);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 0);
}

static void
test_lookahead_learned (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;

  /* 25 ids "cost" 1251 against 500: 9 fit, so 9 + 9 + 7 after one refusal */
  kz_mock_anilist_set_max_nested_batch (fixture->mock, 10);
  entries = fetch_lookahead (fixture->provider, 1001, 25, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 25);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 4);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 4);
  g_assert_cmpuint (kz_provider_get_lookahead_batch (fixture->provider), ==, 9);

  kz_mock_anilist_reset_counters (fixture->mock);
  again = fetch_lookahead (fixture->provider, 1001, 18, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 18);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);
}

static void
on_one_of_many (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Five requests per 2 s, one request every 100 ms. The fifth answer says
 * none are left: the queue pauses for at most max_retry_wait (1 s here),
 * so the sixth still lands in the window and gets the one 429. Its
 * Retry-After pauses the whole queue until the window has passed, and
 * nobody hits the limit a second time. */
static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (600, 1);
  g_autoptr(KzProvider) provider = new_provider (fixture->url, limiter);
  GAsyncResult *results[8] = { NULL, };
  KzProviderStats stats;
  gint64 start = g_get_monotonic_time ();

  kz_anilist_provider_set_max_retry_wait (KZ_ANILIST_PROVIDER (provider), 1);
  kz_mock_anilist_set_rate_limit (fixture->mock, 5, 2);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      gint64 id = 1001 + i;

      kz_provider_fetch_async (provider, &id, 1, KZ_PRIORITY_USER, NULL,
                               on_one_of_many, &results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(GError) error = NULL;

      wait_for_result (&results[i]);
      entries = kz_provider_fetch_finish (provider, results[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (entries->len, ==, 1);
      g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (entries, 0)), ==, 1001 + i);
      g_clear_object (&results[i]);
    }

  g_assert_cmpuint (kz_mock_anilist_get_rate_limited_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 9);
  /* The retries waited until the mock's window had passed */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2000 * MSEC);

  kz_provider_get_stats (provider, &stats);
  g_assert_cmpuint (stats.rate_limited, ==, 1);
  g_assert_cmpuint (stats.requests_sent, ==, 9);
  g_assert_cmpuint (stats.failures, ==, 0);
  g_assert_cmpint (stats.wait_usec, >=, 1000 * MSEC);
  kz_provider_stats_clear (&stats);

  g_assert_finalize_object (g_steal_pointer (&provider));
}

/* AniList asks for two minutes; we will not wait one second. */
static void
test_rate_limited_too_long (Fixture       *fixture,
                            gconstpointer  data)
{
  const gint64 first[] = { 1 };
  const gint64 second[] = { 5 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzProviderStats stats;
  gint64 start;

  kz_mock_anilist_set_rate_limit (fixture->mock, 1, 120);
  kz_anilist_provider_set_max_retry_wait (fixture->anilist, 1);

  entries = fetch (fixture->provider, first, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_clear_pointer (&entries, g_ptr_array_unref);

  start = g_get_monotonic_time ();
  entries = fetch (fixture->provider, second, 1, NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "retry in"));
  g_assert_null (entries);
  /* At most the one-second pause the headers asked for, not two minutes */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  kz_provider_get_stats (fixture->provider, &stats);
  g_assert_cmpuint (stats.rate_limited, ==, 1);
  g_assert_cmpuint (stats.failures, ==, 1);
  g_assert_cmpint (stats.paused_until, >, g_get_monotonic_time () + 60 * G_USEC_PER_SEC);
  g_assert_cmpstr (stats.last_error, ==, error->message);
  kz_provider_stats_clear (&stats);

  /* While the pause lasts, later requests fail at once */
  g_clear_error (&error);
  entries = fetch (fixture->provider, second, 1, NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);
}

typedef struct {
  const char      *name;
  KzMockFault      fault;
  KzProviderError  code;
} FaultCase;

static const FaultCase fault_cases[] = {
  { "graphql-error", KZ_MOCK_FAULT_GRAPHQL_ERROR, KZ_PROVIDER_ERROR_QUERY },
  { "not-found",     KZ_MOCK_FAULT_NOT_FOUND,     KZ_PROVIDER_ERROR_NOT_FOUND },
  { "disabled",      KZ_MOCK_FAULT_DISABLED,      KZ_PROVIDER_ERROR_UNAVAILABLE },
  { "server-error",  KZ_MOCK_FAULT_SERVER_ERROR,  KZ_PROVIDER_ERROR_UNAVAILABLE },
  { "malformed",     KZ_MOCK_FAULT_MALFORMED,     KZ_PROVIDER_ERROR_INVALID_RESPONSE },
  { "truncated",     KZ_MOCK_FAULT_TRUNCATED,     KZ_PROVIDER_ERROR_INVALID_RESPONSE },
  { "drop",          KZ_MOCK_FAULT_DROP,          KZ_PROVIDER_ERROR_NETWORK },
};

static void
test_fault (Fixture       *fixture,
            gconstpointer  data)
{
  const FaultCase *fault = data;
  const gint64 ids[] = { 1, 5 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzProviderStats stats;

  kz_mock_anilist_set_fault (fixture->mock, fault->fault, 1);

  entries = fetch (fixture->provider, ids, G_N_ELEMENTS (ids), NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, (int) fault->code);
  g_assert_null (entries);

  kz_provider_get_stats (fixture->provider, &stats);
  g_assert_cmpuint (stats.failures, ==, 1);
  g_assert_cmpstr (stats.last_error, ==, error->message);
  kz_provider_stats_clear (&stats);

  /* The fault was for one request: the next fetch works */
  g_clear_error (&error);
  entries = fetch (fixture->provider, ids, G_N_ELEMENTS (ids), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
}

static void
test_fault_network_message (Fixture       *fixture,
                            gconstpointer  data)
{
  const gint64 ids[] = { 1 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_DROP, 1);

  entries = fetch (fixture->provider, ids, 1, NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Cannot reach AniList at "));
  g_assert_nonnull (strstr (error->message, fixture->url));
}

static void
test_hang (Fixture       *fixture,
           gconstpointer  data)
{
  const gint64 ids[] = { 1 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  kz_anilist_provider_set_timeout (fixture->anilist, 1);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_HANG, 1);

  entries = fetch (fixture->provider, ids, 1, NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TIMEOUT);
  g_assert_null (entries);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * MSEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_oversized (Fixture       *fixture,
                gconstpointer  data)
{
  const gint64 ids[] = { 1 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  kz_anilist_provider_set_max_response_size (fixture->anilist, 1024 * 1024);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_OVERSIZED, 1);

  entries = fetch (fixture->provider, ids, 1, NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_TOO_LARGE);
  g_assert_null (entries);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  /* The connection that was given up on does not spoil the next request */
  g_clear_error (&error);
  entries = fetch (fixture->provider, ids, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
}

/* A port that was free a moment ago: nothing listens there. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

static void
test_refused (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (6000, 10);
  g_autoptr(KzProvider) provider = new_provider (url, limiter);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 ids[] = { 1 };

  entries = fetch (provider, ids, 1, NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_null (entries);
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  const gint64 ids[] = { 1, 5, 20 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzProviderStats stats;
  gint64 start = g_get_monotonic_time ();

  /* The answer takes 3 s; the caller gives up once the request is out */
  kz_mock_anilist_set_latency (fixture->mock, 3000);
  g_timeout_add (200, cancel_soon, cancellable);

  entries = fetch (fixture->provider, ids, G_N_ELEMENTS (ids), cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (entries);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2000 * MSEC);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);

  /* Cancelling is not a failure */
  kz_provider_get_stats (fixture->provider, &stats);
  g_assert_cmpuint (stats.requests_sent, ==, 1);
  g_assert_cmpuint (stats.failures, ==, 0);
  g_assert_null (stats.last_error);
  kz_provider_stats_clear (&stats);
}

static gboolean
dispose_soon (gpointer user_data)
{
  g_object_run_dispose (G_OBJECT (user_data));
  return G_SOURCE_REMOVE;
}

/* Shutting the provider down stops what it is doing. */
static void
test_dispose (Fixture       *fixture,
              gconstpointer  data)
{
  const gint64 ids[] = { 1, 5, 20 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  kz_mock_anilist_set_latency (fixture->mock, 3000);
  g_timeout_add (200, dispose_soon, fixture->provider);

  entries = fetch (fixture->provider, ids, G_N_ELEMENTS (ids), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (entries);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2000 * MSEC);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  kz_provider_search_async (fixture->provider, "Bebop", 10, NULL, on_result, &result);
  wait_for_result (&result);
  entries = kz_provider_search_finish (fixture->provider, result, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_nonnull (find_entry (entries, 1));
  g_assert_nonnull (find_entry (entries, 5));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);
}

static void
test_endpoints (void)
{
  const struct {
    const char *uri;
    gboolean    acceptable;
  } cases[] = {
    { "https://graphql.anilist.co", TRUE },
    { "https://example.com:8443/graphql", TRUE },
    { "http://127.0.0.1:8080/", TRUE },
    { "http://127.1.2.3/", TRUE },
    { "http://localhost:9000", TRUE },
    { "http://LOCALHOST/", TRUE },
    { "http://[::1]:8080/", TRUE },
    { "http://example.com", FALSE },
    { "http://graphql.anilist.co", FALSE },
    { "http://10.0.0.1/", FALSE },
    { "http://128.0.0.1/", FALSE },
    { "http://127.0.0.1.example.com/", FALSE },
    { "http://localhost.example.com/", FALSE },
    { "ftp://127.0.0.1/", FALSE },
    { "graphql.anilist.co", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean acceptable = kz_endpoint_is_acceptable (cases[i].uri, &error);

      g_test_message ("%s", cases[i].uri);
      g_assert_cmpint (acceptable, ==, cases[i].acceptable);
      if (acceptable)
        g_assert_no_error (error);
      else
        g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE);
    }
}

static void
test_insecure (void)
{
  g_autoptr(KzAniListProvider) anilist = NULL;
  g_autoptr(GError) error = NULL;

  anilist = kz_anilist_provider_new ("http://example.com", NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "http://example.com"));
  g_assert_null (anilist);
}

/* The test environment points KIZUNA_ANILIST_URL at a loopback port. */
static void
test_defaults (void)
{
  const char *env_url = g_getenv ("KIZUNA_ANILIST_URL");
  g_autoptr(KzAniListProvider) anilist = NULL;
  g_autoptr(KzAniListProvider) paced = NULL;
  g_autoptr(GError) error = NULL;
  KzRateLimiter *limiter;

  g_assert_nonnull (env_url);
  g_assert_true (g_str_has_prefix (env_url, "http://127.0.0.1:"));

  g_unsetenv ("KIZUNA_ANILIST_RPM");
  anilist = kz_anilist_provider_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_anilist_provider_get_endpoint (anilist), ==, env_url);
  limiter = kz_anilist_provider_get_rate_limiter (anilist);
  g_assert_cmpfloat (kz_rate_limiter_get_rate (limiter), ==, KZ_ANILIST_DEFAULT_RPM);
  g_assert_cmpuint (kz_rate_limiter_get_burst (limiter), ==, KZ_ANILIST_DEFAULT_BURST);

  g_setenv ("KIZUNA_ANILIST_RPM", "12.5", TRUE);
  paced = kz_anilist_provider_new (NULL, NULL, &error);
  g_assert_no_error (error);
  limiter = kz_anilist_provider_get_rate_limiter (paced);
  g_assert_cmpfloat (kz_rate_limiter_get_rate (limiter), ==, 12.5);
  g_unsetenv ("KIZUNA_ANILIST_RPM");
}

typedef struct {
  SoupServer *server;
  char       *url;
  guint       n_requests;
  char       *method;
  char       *user_agent;
  char       *referer;
  char       *content_type;
  char       *accept;
  char       *body;
  gint64      reset_in;      /* seconds; 0: no rate-limit headers */
  guint       status;        /* 0: 200 with an empty page */
  const char *answer;
} Recorder;

static void
record_request (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  static const char answer[] =
    "{\"data\": {\"Page\": {\"pageInfo\": {\"hasNextPage\": false}, \"media\": []}}}";
  Recorder *recorder = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);
  SoupMessageBody *body = soup_server_message_get_request_body (message);

  recorder->n_requests++;
  g_free (recorder->method);
  recorder->method = g_strdup (soup_server_message_get_method (message));
  g_free (recorder->user_agent);
  recorder->user_agent = g_strdup (soup_message_headers_get_one (request, "User-Agent"));
  g_free (recorder->referer);
  recorder->referer = g_strdup (soup_message_headers_get_one (request, "Referer"));
  g_free (recorder->content_type);
  recorder->content_type = g_strdup (soup_message_headers_get_content_type (request, NULL));
  g_free (recorder->accept);
  recorder->accept = g_strdup (soup_message_headers_get_one (request, "Accept"));
  g_free (recorder->body);
  recorder->body = g_strndup (body->data, body->length);

  if (recorder->reset_in > 0)
    {
      g_autofree char *reset = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                g_get_real_time () / G_USEC_PER_SEC + recorder->reset_in);

      soup_message_headers_replace (response, "X-RateLimit-Limit", "90");
      soup_message_headers_replace (response, "X-RateLimit-Remaining", "0");
      soup_message_headers_replace (response, "X-RateLimit-Reset", reset);
    }

  soup_server_message_set_status (message, recorder->status ? recorder->status : SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                    recorder->answer ? recorder->answer : answer,
                                    strlen (recorder->answer ? recorder->answer : answer));
}

static void
recorder_start (Recorder *recorder)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  recorder->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (recorder->server, NULL, record_request, recorder, NULL);
  soup_server_listen_local (recorder->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (recorder->server);
  g_assert_nonnull (uris);
  recorder->url = g_uri_to_string (uris->data);
}

static void
recorder_clear (Recorder *recorder)
{
  soup_server_disconnect (recorder->server);
  g_clear_object (&recorder->server);
  g_free (recorder->url);
  g_free (recorder->method);
  g_free (recorder->user_agent);
  g_free (recorder->referer);
  g_free (recorder->content_type);
  g_free (recorder->accept);
  g_free (recorder->body);
}

static void
test_headers (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (6000, 10);
  g_autoptr(KzProvider) provider = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const gint64 ids[] = { 1 };
  Recorder recorder = { NULL, };

  recorder_start (&recorder);
  provider = new_provider (recorder.url, limiter);

  entries = fetch (provider, ids, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);

  g_assert_cmpuint (recorder.n_requests, ==, 1);
  g_assert_cmpstr (recorder.method, ==, "POST");
  g_assert_cmpstr (recorder.user_agent, ==, "Kizuna/" PACKAGE_VERSION " (+" PACKAGE_URL ")");
  g_assert_cmpstr (recorder.referer, ==, PACKAGE_URL);
  g_assert_cmpstr (recorder.content_type, ==, "application/json");
  g_assert_cmpstr (recorder.accept, ==, "application/json");

  /* The body is the GraphQL request */
  node = json_from_string (recorder.body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_true (json_object_has_member (json_node_get_object (node), "query"));

  g_assert_finalize_object (g_steal_pointer (&provider));
  recorder_clear (&recorder);
}

/* No requests left in the window: the queue waits for the reset before
 * AniList has to say 429. */
static void
test_remaining_zero (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (6000, 10);
  g_autoptr(KzProvider) provider = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 ids[] = { 1 };
  Recorder recorder = { NULL, };
  KzProviderStats stats;
  gint64 before;
  gint64 paused_until;

  recorder.reset_in = 2;
  recorder_start (&recorder);
  provider = new_provider (recorder.url, limiter);

  before = g_get_monotonic_time ();
  entries = fetch (provider, ids, 1, NULL, &error);
  g_assert_no_error (error);

  kz_provider_get_stats (provider, &stats);
  g_assert_cmpint (stats.paused_until, >, before);
  /* Reset is 2 s away in whole seconds: at least a second's pause */
  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), >=, before + 1 * G_USEC_PER_SEC);
  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), <=, g_get_monotonic_time () + 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (stats.rate_limited, ==, 0);
  kz_provider_stats_clear (&stats);
  paused_until = kz_rate_limiter_get_paused_until (limiter);

  /* The next request waits for the pause */
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = fetch (provider, ids, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time (), >=, paused_until);
  g_assert_cmpuint (recorder.n_requests, ==, 2);

  g_assert_finalize_object (g_steal_pointer (&provider));
  recorder_clear (&recorder);
}

/* Too complex even for a single id: split down to one, then give up. */
static void
test_complexity_single (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (6000, 10);
  g_autoptr(KzProvider) provider = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 ids[] = { 1, 5 };
  Recorder recorder = { NULL, };

  recorder.status = 400;
  recorder.answer = "{\"data\": null, \"errors\": [{\"message\": "
                    "\"Max query complexity should be 500 but got 646.\", \"status\": 400}]}";
  recorder_start (&recorder);
  provider = new_provider (recorder.url, limiter);

  entries = fetch (provider, ids, G_N_ELEMENTS (ids), NULL, &error);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_COMPLEXITY);
  g_assert_null (entries);
  /* Both ids, then at least one of the halves */
  g_assert_cmpuint (recorder.n_requests, >=, 2);
  g_assert_cmpuint (recorder.n_requests, <=, 3);

  g_assert_finalize_object (g_steal_pointer (&provider));
  recorder_clear (&recorder);
}

#define ADD_FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_FIXTURE_TEST ("/kz/anilist-provider/fetch/three", test_fetch_three);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/fetch/batches", test_fetch_batches);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/fetch/missing-ids", test_missing_ids);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/fetch/nothing", test_fetch_nothing);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/fetch/cancel", test_cancel);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/fetch/dispose", test_dispose);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/complexity/split", test_complexity);
  g_test_add_func ("/kz/anilist-provider/complexity/single", test_complexity_single);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/lookahead/pages", test_lookahead_pages);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/lookahead/refused", test_lookahead_refused);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/lookahead/learned", test_lookahead_learned);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/rate-limit/pause-and-retry", test_rate_limited);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/rate-limit/too-long", test_rate_limited_too_long);
  g_test_add_func ("/kz/anilist-provider/rate-limit/remaining-zero", test_remaining_zero);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/search", test_search);

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kz/anilist-provider/errors/%s", fault_cases[i].name);

      g_test_add (path, Fixture, &fault_cases[i], fixture_setup, test_fault, fixture_teardown);
    }
  ADD_FIXTURE_TEST ("/kz/anilist-provider/errors/network-message", test_fault_network_message);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/errors/timeout", test_hang);
  ADD_FIXTURE_TEST ("/kz/anilist-provider/errors/too-large", test_oversized);
  g_test_add_func ("/kz/anilist-provider/errors/refused", test_refused);

  g_test_add_func ("/kz/anilist-provider/endpoint/acceptable", test_endpoints);
  g_test_add_func ("/kz/anilist-provider/endpoint/insecure", test_insecure);
  g_test_add_func ("/kz/anilist-provider/endpoint/defaults", test_defaults);
  g_test_add_func ("/kz/anilist-provider/headers", test_headers);

  return g_test_run ();
}
