/* test-refresh-worker.c: keeping stored titles fresh without waste,
 * against the AniList stand-in on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kizuna-core.h"
#include "kz-anilist-parser.h"
#include "kz-anilist-query.h"
#include "kz-mock-anilist.h"
#include "kz-refresh-worker.h"

#define N_STORED 120
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC)

typedef struct {
  char               *dir;
  KzMockAniList      *mock;
  KzStore            *store;
  KzProvider         *provider;
  KzRelationsService *service;
  GArray             *stored_ids;   /* gint64, sorted */
  gint64              now;
} Fixture;

static gint64
fake_now (gpointer data)
{
  return *(gint64 *)data;
}

static KzProvider *
new_provider (Fixture *fixture,
              double   requests_per_minute,
              guint    burst)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (requests_per_minute, burst);
  g_autofree char *url = kz_mock_anilist_dup_url (fixture->mock);
  g_autoptr(GError) error = NULL;
  KzAniListProvider *provider;

  provider = kz_anilist_provider_new (url, limiter, &error);
  g_assert_no_error (error);
  kz_anilist_provider_set_timeout (provider, 5);

  return KZ_PROVIDER (provider);
}

static KzRelationsService *
new_service (Fixture    *fixture,
             KzProvider *provider)
{
  g_autoptr(KzCache) cache = kz_cache_new ();
  KzRelationsService *service;

  kz_cache_set_clock (cache, fake_now, &fixture->now);
  service = kz_relations_service_new (cache, fixture->store, provider);
  kz_relations_service_set_clock (service, fake_now, &fixture->now);

  return service;
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* The first @n bundled titles, saved in full as fetched at @fetched_at. */
static GArray *
store_bundled (KzStore *store,
               guint    n,
               gint64   fetched_at)
{
  g_autoptr(GPtrArray) entries = kz_bundled_load_entries (NULL);
  g_autoptr(GPtrArray) some = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, >=, n);
  for (guint i = 0; i < n; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 id = kz_entry_get_id (entry);

      g_ptr_array_add (some, g_object_ref (entry));
      g_array_append_val (ids, id);
    }

  g_assert_true (kz_store_upsert_entries (store, some, fetched_at, &error));
  g_assert_no_error (error);
  g_array_sort (ids, compare_ids);

  return ids;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->now = T0;
  fixture->dir = g_dir_make_tmp ("kizuna-refresh-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->mock = kz_mock_anilist_new ();
  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);

  path = g_build_filename (fixture->dir, "library.db", NULL);
  fixture->store = kz_store_open (path, &error);
  g_assert_no_error (error);

  fixture->provider = new_provider (fixture, 60000, 100);
  fixture->service = new_service (fixture, fixture->provider);

  /* a month old: every one of them is due */
  fixture->stored_ids = store_bundled (fixture->store, N_STORED, T0 - 30 * KZ_USEC_PER_DAY);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->mock);
  g_clear_pointer (&fixture->stored_ids, g_array_unref);
  remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Lets the main context run for @msec without blocking on it. */
static void
run_for (guint msec)
{
  gint64 until = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gboolean
run_worker (KzRefreshWorker  *worker,
            GCancellable     *cancellable,
            KzRefreshCounts  *counts,
            GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_refresh_worker_run_async (worker, cancellable, store_result, &result);
  return kz_refresh_worker_run_finish (worker, await (&result), counts, error);
}

static gint64
fetched_at (Fixture *fixture,
            gint64   id)
{
  KzFetchInfo info;
  g_autoptr(GError) error = NULL;

  g_assert_true (kz_store_get_fetch_info (fixture->store, id, &info, &error));
  g_assert_no_error (error);
  return info.fetched_at;
}

static gint64
stored_id (Fixture *fixture,
           guint    position)
{
  return g_array_index (fixture->stored_ids, gint64, position);
}

/* The query and its answer */

static void
test_query_and_parse (void)
{
  static const gint64 ids[] = { 21, 1535 };
  static const char answer[] =
    "{\"data\": {\"Page\": {\"pageInfo\": {\"hasNextPage\": false},"
    " \"media\": [{\"id\": 21, \"updatedAt\": 1700000123},"
    "             {\"id\": 1535, \"updatedAt\": null}, \"junk\"]}}}";
  g_autoptr(GBytes) body = kz_anilist_query_updated_at (ids, G_N_ELEMENTS (ids));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr(GPtrArray) stubs = NULL;
  g_autoptr(GError) error = NULL;
  KzEntry *first;

  /* no relations, nor any other field: it costs AniList next to nothing */
  g_assert_nonnull (strstr (text, "id updatedAt }"));
  g_assert_null (strstr (text, "relations"));
  g_assert_null (strstr (text, "title"));
  g_assert_nonnull (strstr (text, "\"ids\":[21,1535]"));
  g_assert_nonnull (strstr (text, "\"perPage\":2"));

  stubs = kz_anilist_parse_updated_response (200, answer, strlen (answer), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stubs->len, ==, 2);
  first = g_ptr_array_index (stubs, 0);
  g_assert_cmpint (kz_entry_get_id (first), ==, 21);
  g_assert_cmpint (kz_entry_get_updated_at (first), ==, 1700000123);
  /* never mistaken for a fetched entry */
  g_assert_cmpint (kz_entry_get_detail (first), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpint (kz_entry_get_updated_at (g_ptr_array_index (stubs, 1)), ==, 0);
  g_clear_pointer (&stubs, g_ptr_array_unref);

  /* the same error mapping as a fetch */
  stubs = kz_anilist_parse_updated_response (429, "{}", 2, &error);
  g_assert_null (stubs);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED);
}

static GHashTable *
check (KzProvider    *provider,
       const gint64  *ids,
       guint          n_ids,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_provider_check_updated_async (provider, ids, n_ids, KZ_PRIORITY_BACKGROUND, NULL,
                                   store_result, &result);
  return kz_provider_check_updated_finish (provider, await (&result), error);
}

static void
test_provider_check (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_copy (fixture->stored_ids);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 touched = stored_id (fixture, 7);
  gint64 unknown = 999999;
  const gint64 *old_time, *new_time;

  g_assert_true (kz_provider_can_check_updated (fixture->provider));

  g_array_append_val (ids, unknown);
  before = check (fixture->provider, (const gint64 *)(gpointer)ids->data, ids->len, &error);
  g_assert_no_error (error);
  /* 121 ids: three pages of at most 50 */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3);
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 50);
  g_assert_cmpuint (g_hash_table_size (before), ==, N_STORED);
  g_assert_false (g_hash_table_contains (before, &unknown));

  /* an edit on AniList moves updatedAt on */
  g_assert_true (kz_mock_anilist_touch (fixture->mock, touched, "Renamed"));
  g_assert_false (kz_mock_anilist_touch (fixture->mock, unknown, NULL));
  after = check (fixture->provider, &touched, 1, &error);
  g_assert_no_error (error);
  old_time = g_hash_table_lookup (before, &touched);
  new_time = g_hash_table_lookup (after, &touched);
  g_assert_nonnull (old_time);
  g_assert_nonnull (new_time);
  g_assert_cmpint (*old_time, >, 0);
  g_assert_cmpint (*new_time, >, *old_time);
}

/* The worker */

static void
test_cheap_check (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(KzRefreshWorker) worker = kz_refresh_worker_new (fixture->service);
  g_autoptr(GError) error = NULL;
  g_autoptr(KzEntry) renamed = NULL;
  KzRefreshCounts counts;
  gint64 changed[3];
  gint64 old = T0 - 30 * KZ_USEC_PER_DAY;

  /* one edit in each page of the check */
  changed[0] = stored_id (fixture, 0);
  changed[1] = stored_id (fixture, 60);
  changed[2] = stored_id (fixture, N_STORED - 1);
  for (guint i = 0; i < G_N_ELEMENTS (changed); i++)
    g_assert_true (kz_mock_anilist_touch (fixture->mock, changed[i], "Edited on AniList"));

  fixture->now = T0;
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (counts.checked, ==, N_STORED);
  g_assert_cmpuint (counts.changed, ==, 3);
  g_assert_cmpuint (counts.fetched, ==, 3);
  g_assert_cmpuint (counts.unchanged, ==, N_STORED - 3);

  /* ⌈120 / 50⌉ checks, then one fetch of the three that changed */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3 + 1);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, N_STORED + 3);

  /* every one of them is current now, fetched or not */
  for (guint i = 0; i < fixture->stored_ids->len; i++)
    g_assert_cmpint (fetched_at (fixture, stored_id (fixture, i)), ==, T0);

  renamed = kz_store_get_entry (fixture->store, changed[1], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_title_romaji (renamed), ==, "Edited on AniList");

  /* nothing is due any more: no request at all */
  kz_mock_anilist_reset_counters (fixture->mock);
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
  g_assert_cmpint (old, <, T0);
}

static void
test_policy (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KzRefreshWorker) worker = kz_refresh_worker_new (fixture->service);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  KzRefreshCounts counts;
  gint64 finished = 0, airing = 0;
  gint64 finished_age, airing_age;

  kz_refresh_worker_get_policy (worker, &finished_age, &airing_age);
  g_assert_cmpint (finished_age, ==, 7 * KZ_USEC_PER_DAY);
  g_assert_cmpint (airing_age, ==, KZ_USEC_PER_HOUR);

  /* one finished title and one airing one, both stored at T0 */
  entries = kz_store_get_entries (fixture->store, (const gint64 *)(gpointer)fixture->stored_ids->data,
                                  fixture->stored_ids->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      KzStatus status = kz_entry_get_status (entry);

      if (status == KZ_STATUS_FINISHED && finished == 0)
        finished = kz_entry_get_id (entry);
      else if (status == KZ_STATUS_RELEASING && airing == 0)
        airing = kz_entry_get_id (entry);
    }
  g_assert_cmpint (finished, >, 0);
  g_assert_cmpint (airing, >, 0);

  /* a library of just those two */
  g_ptr_array_set_size (entries, 0);
  g_ptr_array_add (entries, kz_store_get_entry (fixture->store, finished, NULL));
  g_ptr_array_add (entries, kz_store_get_entry (fixture->store, airing, NULL));
  g_clear_object (&worker);
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->store);
  path = g_build_filename (fixture->dir, "policy.db", NULL);
  fixture->store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kz_store_upsert_entries (fixture->store, entries, T0, &error));
  fixture->service = new_service (fixture, fixture->provider);
  worker = kz_refresh_worker_new (fixture->service);

  /* half an hour later nothing is due */
  fixture->now = T0 + KZ_USEC_PER_HOUR / 2;
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);

  /* two hours later the airing title is, the finished one not */
  fixture->now = T0 + 2 * KZ_USEC_PER_HOUR;
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, 1);
  g_assert_cmpint (fetched_at (fixture, airing), ==, fixture->now);
  g_assert_cmpint (fetched_at (fixture, finished), ==, T0);

  /* other settings: finished after a day, airing after twelve hours */
  kz_refresh_worker_set_policy (worker, KZ_USEC_PER_DAY, 12 * KZ_USEC_PER_HOUR);
  fixture->now = T0 + 15 * KZ_USEC_PER_HOUR;
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, 1);
  g_assert_cmpint (fetched_at (fixture, airing), ==, fixture->now);
  g_assert_cmpint (fetched_at (fixture, finished), ==, T0);

  fixture->now = T0 + 25 * KZ_USEC_PER_HOUR;
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, 1);
  g_assert_cmpint (fetched_at (fixture, finished), ==, fixture->now);

  /* back to a week: eight days on, both are due */
  kz_refresh_worker_set_policy (worker, 7 * KZ_USEC_PER_DAY, KZ_USEC_PER_HOUR);
  fixture->now = T0 + 8 * KZ_USEC_PER_DAY + 2 * KZ_USEC_PER_HOUR;
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, 2);
  g_assert_cmpuint (counts.changed, ==, 0);
}

typedef struct {
  guint          user_requests_seen;  /* the mock's count when the user's fetch was done */
  gboolean       user_done;
  gboolean       background_done;
  gboolean       user_first;
  KzMockAniList *mock;
} Race;

static void
user_fetch_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kz_provider_fetch_finish (KZ_PROVIDER (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  race->user_done = TRUE;
  race->user_first = !race->background_done;
  race->user_requests_seen = kz_mock_anilist_get_request_count (race->mock);
}

static void
background_fetch_done (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kz_provider_fetch_finish (KZ_PROVIDER (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 150);
  race->background_done = TRUE;
}

static void
user_basic_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(KzEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  entry = kz_relations_service_get_basic_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  g_assert_no_error (error);
  race->user_done = TRUE;
  race->user_first = !race->background_done;
  race->user_requests_seen = kz_mock_anilist_get_request_count (race->mock);
}

static void
worker_run_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GError) error = NULL;
  KzRefreshCounts counts;

  g_assert_true (kz_refresh_worker_run_finish (KZ_REFRESH_WORKER (object), result, &counts, &error));
  g_assert_cmpuint (counts.checked, ==, N_STORED);
  race->background_done = TRUE;
}

static void
test_user_first (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) all = kz_bundled_load_entries (NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* one request every 200 ms, no burst to speak of */
  g_autoptr(KzProvider) slow = new_provider (fixture, 300, 1);
  g_autoptr(KzRelationsService) service = new_service (fixture, slow);
  g_autoptr(KzRefreshWorker) worker = kz_refresh_worker_new (service);
  Race race = { .mock = fixture->mock };
  gint64 user_id;

  /* at the provider: 150 ids in three background requests, queued
   * together, then one the person waits for */
  for (guint i = 0; i < 150; i++)
    {
      gint64 id = kz_entry_get_id (g_ptr_array_index (all, i));
      g_array_append_val (ids, id);
    }
  user_id = kz_entry_get_id (g_ptr_array_index (all, 170));

  kz_provider_fetch_async (slow, (const gint64 *)(gpointer)ids->data, ids->len,
                           KZ_PRIORITY_BACKGROUND, NULL, background_fetch_done, &race);
  kz_provider_fetch_async (slow, &user_id, 1, KZ_PRIORITY_USER, NULL, user_fetch_done, &race);
  while (!race.user_done || !race.background_done)
    g_main_context_iteration (NULL, TRUE);

  /* in the order asked, the person's would have been the fourth */
  g_assert_true (race.user_first);
  g_assert_cmpuint (race.user_requests_seen, <, 4);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 4);

  /* through the service: a title opened while the worker checks the
   * library goes before the worker's next check */
  memset (&race, 0, sizeof race);
  race.mock = fixture->mock;
  kz_mock_anilist_reset_counters (fixture->mock);
  kz_refresh_worker_run_async (worker, NULL, worker_run_done, &race);
  while (kz_mock_anilist_get_request_count (fixture->mock) == 0)
    g_main_context_iteration (NULL, TRUE);
  kz_relations_service_get_basic_async (service, user_id, KZ_FETCH_DEFAULT, NULL,
                                        user_basic_done, &race);
  while (!race.user_done || !race.background_done)
    g_main_context_iteration (NULL, TRUE);

  /* it did not wait for the worker's other checks */
  g_assert_true (race.user_first);
  g_assert_cmpuint (race.user_requests_seen, <, 3 + 1);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3 + 1);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KzRefreshWorker) worker = kz_refresh_worker_new (fixture->service);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzRefreshCounts counts = { 1, 1, 1, 1 };

  kz_mock_anilist_set_latency (fixture->mock, 200);
  kz_refresh_worker_run_async (worker, cancellable, store_result, &result);
  g_assert_true (kz_refresh_worker_is_busy (worker));
  while (kz_mock_anilist_get_request_count (fixture->mock) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);

  g_assert_false (kz_refresh_worker_run_finish (worker, await (&result), &counts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (counts.checked, ==, 0);
  g_assert_false (kz_refresh_worker_is_busy (worker));

  /* nothing more was asked, and nothing was marked as checked */
  run_for (300);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);
  for (guint i = 0; i < fixture->stored_ids->len; i++)
    g_assert_cmpint (fetched_at (fixture, stored_id (fixture, i)), ==, T0 - 30 * KZ_USEC_PER_DAY);
}

typedef struct {
  guint           n_signals;
  KzRefreshCounts counts;
} Refreshed;

static void
on_refreshed (KzRefreshWorker *worker,
              guint            checked,
              guint            changed,
              guint            fetched,
              gpointer         user_data)
{
  Refreshed *refreshed = user_data;

  refreshed->n_signals++;
  refreshed->counts.checked = checked;
  refreshed->counts.changed = changed;
  refreshed->counts.fetched = fetched;
}

static void
test_schedule (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(KzRefreshWorker) worker = kz_refresh_worker_new (fixture->service);
  Refreshed refreshed = { 0 };

  g_assert_true (kz_mock_anilist_touch (fixture->mock, stored_id (fixture, 3), NULL));
  g_signal_connect (worker, "refreshed", G_CALLBACK (on_refreshed), &refreshed);

  /* a run shortly after starting, then one an interval after each */
  kz_refresh_worker_set_schedule (worker, 0, 3600);
  g_assert_false (kz_refresh_worker_is_started (worker));
  kz_refresh_worker_start (worker);
  g_assert_true (kz_refresh_worker_is_started (worker));
  while (refreshed.n_signals == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (refreshed.counts.checked, ==, N_STORED);
  g_assert_cmpuint (refreshed.counts.changed, ==, 1);
  g_assert_cmpuint (refreshed.counts.fetched, ==, 1);
  g_assert_false (kz_refresh_worker_is_busy (worker));

  /* the next one is an hour away */
  run_for (200);
  g_assert_cmpuint (refreshed.n_signals, ==, 1);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3 + 1);

  kz_refresh_worker_stop (worker);
  g_assert_false (kz_refresh_worker_is_started (worker));
}

static void
test_dispose_stops (Fixture       *fixture,
                    gconstpointer  data)
{
  KzRefreshWorker *worker = kz_refresh_worker_new (fixture->service);
  Refreshed refreshed = { 0 };

  g_signal_connect (worker, "refreshed", G_CALLBACK (on_refreshed), &refreshed);
  g_object_add_weak_pointer (G_OBJECT (worker), (gpointer *)&worker);
  kz_mock_anilist_set_latency (fixture->mock, 200);
  kz_refresh_worker_set_schedule (worker, 0, 1);
  kz_refresh_worker_start (worker);

  while (kz_mock_anilist_get_request_count (fixture->mock) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kz_refresh_worker_is_busy (worker));

  /* the owner lets go in the middle of a run */
  g_object_unref (worker);
  g_assert_null (worker);

  run_for (1500);
  g_assert_cmpuint (refreshed.n_signals, ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);
  for (guint i = 0; i < fixture->stored_ids->len; i++)
    g_assert_cmpint (fetched_at (fixture, stored_id (fixture, i)), ==, T0 - 30 * KZ_USEC_PER_DAY);
}

/* A provider without the cheap query: AniList's fetch, nothing else. */

#define TEST_TYPE_PLAIN_PROVIDER (test_plain_provider_get_type ())
G_DECLARE_FINAL_TYPE (TestPlainProvider, test_plain_provider, TEST, PLAIN_PROVIDER, GObject)

struct _TestPlainProvider
{
  GObject     parent_instance;
  KzProvider *inner;
};

static void test_plain_provider_iface_init (KzProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestPlainProvider, test_plain_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KZ_TYPE_PROVIDER, test_plain_provider_iface_init))

static const char *
plain_get_name (KzProvider *provider)
{
  return "Plain";
}

static void
plain_fetch_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GPtrArray *entries;
  GError *error = NULL;

  if ((entries = kz_provider_fetch_finish (KZ_PROVIDER (object), result, &error)))
    g_task_return_pointer (task, entries, (GDestroyNotify)g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
plain_fetch_async (KzProvider          *provider,
                   const gint64        *ids,
                   guint                n_ids,
                   KzPriority           priority,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TestPlainProvider *self = TEST_PLAIN_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  kz_provider_fetch_async (self->inner, ids, n_ids, priority, cancellable, plain_fetch_done, task);
}

static GPtrArray *
plain_fetch_finish (KzProvider    *provider,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_plain_provider_iface_init (KzProviderInterface *iface)
{
  iface->get_name = plain_get_name;
  iface->fetch_async = plain_fetch_async;
  iface->fetch_finish = plain_fetch_finish;
}

static void
test_plain_provider_dispose (GObject *object)
{
  g_clear_object (&TEST_PLAIN_PROVIDER (object)->inner);
  G_OBJECT_CLASS (test_plain_provider_parent_class)->dispose (object);
}

static void
test_plain_provider_class_init (TestPlainProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = test_plain_provider_dispose;
}

static void
test_plain_provider_init (TestPlainProvider *self)
{
}

static void
test_without_cheap_check (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(TestPlainProvider) plain = g_object_new (TEST_TYPE_PLAIN_PROVIDER, NULL);
  g_autoptr(KzRelationsService) service = NULL;
  g_autoptr(KzRefreshWorker) worker = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GError) error = NULL;
  KzRefreshCounts counts;
  gint64 id = stored_id (fixture, 0);

  plain->inner = g_object_ref (fixture->provider);
  g_assert_false (kz_provider_can_check_updated (KZ_PROVIDER (plain)));
  kz_provider_check_updated_async (KZ_PROVIDER (plain), &id, 1, KZ_PRIORITY_BACKGROUND, NULL,
                                   store_result, &result);
  table = kz_provider_check_updated_finish (KZ_PROVIDER (plain), await (&result), &error);
  g_assert_null (table);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* everything due is fetched again, 50 to a request */
  service = new_service (fixture, KZ_PROVIDER (plain));
  worker = kz_refresh_worker_new (service);
  g_assert_true (run_worker (worker, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.checked, ==, 0);
  g_assert_cmpuint (counts.changed, ==, N_STORED);
  g_assert_cmpuint (counts.fetched, ==, N_STORED);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, (N_STORED + 49) / 50);
  g_assert_cmpint (fetched_at (fixture, stored_id (fixture, N_STORED - 1)), ==, T0);
}

static void
count_progress (guint    done,
                guint    total,
                gpointer user_data)
{
  GArray *calls = user_data;

  g_assert_cmpuint (done, <=, total);
  g_array_append_val (calls, done);
}

/* The menu's Refresh Library goes the same cheap way. */
static void
test_library_refresh (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint refreshed;

  g_assert_true (kz_mock_anilist_touch (fixture->mock, stored_id (fixture, 10), "Changed"));
  g_assert_true (kz_mock_anilist_touch (fixture->mock, stored_id (fixture, 90), NULL));

  kz_relations_service_refresh_library_async (fixture->service, count_progress, calls, NULL,
                                              store_result, &result);
  refreshed = kz_relations_service_refresh_library_finish (fixture->service, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refreshed, ==, N_STORED);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3 + 1);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, N_STORED + 2);

  /* at the start, after each check, and after the fetch */
  g_assert_cmpuint (calls->len, ==, 1 + 3 + 1);
  g_assert_cmpuint (g_array_index (calls, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (calls, guint, calls->len - 1), ==, N_STORED);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/refresh/query-and-parse", test_query_and_parse);

#define ADD(path, func) \
  g_test_add ("/kz/refresh/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("provider-check", test_provider_check);
  ADD ("cheap-check", test_cheap_check);
  ADD ("policy", test_policy);
  ADD ("user-first", test_user_first);
  ADD ("cancel", test_cancel);
  ADD ("schedule", test_schedule);
  ADD ("dispose-stops", test_dispose_stops);
  ADD ("without-cheap-check", test_without_cheap_check);
  ADD ("library-refresh", test_library_refresh);

  return g_test_run ();
}
