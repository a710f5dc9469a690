/* test-relations-service.c: the service against the AniList stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kizuna-core.h"
#include "kz-anilist-query.h"
#include "kz-mock-anilist.h"
#include "kz-mock-snapshot.h"
#include "kz-relations-service-private.h"

typedef struct {
  char               *dir;
  KzMockAniList      *mock;
  KzStore            *store;
  KzCache            *cache;
  KzProvider         *provider;
  KzRelationsService *service;
  gint64              now;
} Fixture;

static gint64
fake_now (gpointer data)
{
  return *(gint64 *)data;
}

static KzRelationsService *
new_service (Fixture    *fixture,
             const char *library_name)
{
  g_autofree char *path = g_build_filename (fixture->dir, library_name, NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzCache) cache = kz_cache_new ();
  g_autoptr(GError) error = NULL;
  KzRelationsService *service;

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  kz_cache_set_clock (cache, fake_now, &fixture->now);
  service = kz_relations_service_new (cache, store, fixture->provider);
  kz_relations_service_set_clock (service, fake_now, &fixture->now);

  return service;
}

/* A service over a provider of its own that asks one level at a time. */
static KzRelationsService *
new_one_level_service (Fixture    *fixture,
                       const char *library_name)
{
  g_autofree char *path = g_build_filename (fixture->dir, library_name, NULL);
  g_autofree char *url = kz_mock_anilist_dup_url (fixture->mock);
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (60000, 100);
  g_autoptr(KzAniListProvider) provider = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzCache) cache = kz_cache_new ();
  g_autoptr(GError) error = NULL;
  KzRelationsService *service;

  provider = kz_anilist_provider_new (url, limiter, &error);
  g_assert_no_error (error);
  kz_anilist_provider_set_lookahead_batch (provider, 0);
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  kz_cache_set_clock (cache, fake_now, &fixture->now);
  service = kz_relations_service_new (cache, store, KZ_PROVIDER (provider));
  kz_relations_service_set_clock (service, fake_now, &fixture->now);

  return service;
}

/* Starts fixture->mock and puts a provider, and a service over a new
 * library @library_name, in front of it. */
static void
connect_to_mock (Fixture    *fixture,
                 const char *library_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (60000, 100);
  g_autofree char *url = NULL;

  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);
  url = kz_mock_anilist_dup_url (fixture->mock);

  fixture->provider = KZ_PROVIDER (kz_anilist_provider_new (url, limiter, &error));
  g_assert_no_error (error);
  kz_anilist_provider_set_timeout (KZ_ANILIST_PROVIDER (fixture->provider), 2);

  fixture->service = new_service (fixture, library_name);
  fixture->store = g_object_ref (kz_relations_service_get_store (fixture->service));
  fixture->cache = g_object_ref (kz_relations_service_get_cache (fixture->service));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  fixture->dir = g_dir_make_tmp ("kizuna-service-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->mock = kz_mock_anilist_new ();
  connect_to_mock (fixture, "library.db");
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
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->mock);
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

static KzFranchiseGraph *
franchise (KzRelationsService       *service,
           gint64                    id,
           const KzFranchiseOptions *options,
           KzFetchFlags              flags,
           KzResultFlags            *result_flags,
           GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_relations_service_get_franchise_async (service, id, options, flags, NULL, NULL, NULL,
                                            store_result, &result);
  return kz_relations_service_get_franchise_finish (service, await (&result), result_flags, error);
}

static KzEntry *
basic (KzRelationsService *service,
       gint64              id,
       KzFetchFlags        flags,
       KzResultFlags      *result_flags,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_relations_service_get_basic_async (service, id, flags, NULL, store_result, &result);
  return kz_relations_service_get_basic_finish (service, await (&result), result_flags, error);
}

/* The bundled title whose default walk reaches the most entries, found
 * by walking the snapshot itself. */
static gint64
largest_franchise_root (guint *n_reached)
{
  g_autoptr(GPtrArray) entries = kz_bundled_load_entries (NULL);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 best_id = 0;
  guint best = 0;

  g_assert_nonnull (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      g_hash_table_insert (by_id, g_memdup2 (&(gint64) { kz_entry_get_id (entry) }, sizeof (gint64)), entry);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_autoptr(GQueue) queue = g_queue_new ();
      KzEntry *start = g_ptr_array_index (entries, i);

      g_hash_table_add (seen, g_memdup2 (&(gint64) { kz_entry_get_id (start) }, sizeof (gint64)));
      g_queue_push_tail (queue, start);
      while (!g_queue_is_empty (queue))
        {
          KzEntry *entry = g_queue_pop_head (queue);
          const KzRelation *relations;
          guint n;

          relations = kz_entry_get_relations (entry, &n);
          for (guint j = 0; j < n; j++)
            {
              gint64 target = kz_entry_get_id (relations[j].target);
              KzEntry *next;

              if (!(KZ_RELATION_MASK_DEFAULT & KZ_RELATION_MASK (relations[j].type)) ||
                  kz_entry_get_media_type (relations[j].target) != KZ_MEDIA_TYPE_ANIME ||
                  g_hash_table_contains (seen, &target))
                continue;
              g_hash_table_add (seen, g_memdup2 (&target, sizeof target));
              if ((next = g_hash_table_lookup (by_id, &target)))
                g_queue_push_tail (queue, next);
            }
        }

      if (g_hash_table_size (seen) > best)
        {
          best = g_hash_table_size (seen);
          best_id = kz_entry_get_id (start);
        }
    }

  *n_reached = best;
  return best_id;
}

static GHashTable *
edge_set (KzFranchiseGraph *graph)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const KzEdge *edges;
  guint n;

  edges = kz_franchise_graph_get_edges (graph, &n);
  for (guint i = 0; i < n; i++)
    g_hash_table_add (set, g_strdup_printf ("%" G_GINT64_FORMAT ">%" G_GINT64_FORMAT ">%s",
                                            edges[i].from, edges[i].to, edges[i].raw_type));
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (graph); i++)
    g_hash_table_add (set, g_strdup_printf ("node %" G_GINT64_FORMAT,
                                            kz_entry_get_id (kz_franchise_graph_get_node (graph, i))));
  return set;
}

static void
assert_same_graph (KzFranchiseGraph *a,
                   KzFranchiseGraph *b)
{
  g_autoptr(GHashTable) set_a = edge_set (a);
  g_autoptr(GHashTable) set_b = edge_set (b);
  GHashTableIter iter;
  const char *key;

  g_assert_cmpuint (g_hash_table_size (set_a), ==, g_hash_table_size (set_b));
  g_hash_table_iter_init (&iter, set_a);
  while (g_hash_table_iter_next (&iter, (gpointer *)&key, NULL))
    g_assert_true (g_hash_table_contains (set_b, key));
}

static void
test_franchise_batched (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(KzRelationsService) naive = NULL;
  g_autoptr(KzRelationsService) one_level = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) naive_graph = NULL;
  g_autoptr(KzFranchiseGraph) one_level_graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  KzResultFlags flags;
  guint expected_nodes, batched_requests, full_nodes = 0;
  gint64 root = largest_franchise_root (&expected_nodes);

  g_assert_cmpuint (expected_nodes, >=, 40);
  kz_franchise_options_init_default (&options);
  options.max_depth = 0;
  options.max_nodes = 0;

  graph = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);
  g_assert_true (kz_franchise_graph_is_complete (graph));
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, expected_nodes);

  /* two levels per request: the root, then the wide first level alone
   * (38 ids, too many for one two-level request), then two levels at a
   * time (AniList would need depth + 1 = 7 one level at a time) */
  batched_requests = kz_mock_anilist_get_request_count (fixture->mock);
  g_assert_cmpuint (kz_franchise_graph_get_max_depth (graph), ==, 6);
  g_assert_cmpuint (batched_requests, ==, 5);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 4);

  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (graph); i++)
    if (kz_entry_get_detail (kz_franchise_graph_get_node (graph, i)) == KZ_ENTRY_DETAIL_FULL)
      full_nodes++;
  g_assert_cmpuint (full_nodes, ==, expected_nodes);

  /* one level per request gets the same graph in depth + 1 requests */
  kz_mock_anilist_reset_counters (fixture->mock);
  one_level = new_one_level_service (fixture, "one-level.db");
  one_level_graph = franchise (one_level, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 7);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 0);
  assert_same_graph (graph, one_level_graph);

  /* and so does the walk asking for one entry per request */
  kz_mock_anilist_reset_counters (fixture->mock);
  naive = new_service (fixture, "naive.db");
  _kz_relations_service_set_batch_size (naive, 1);
  naive_graph = franchise (naive, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%u entries, depth %u: %u batched requests, %u one per entry",
                  expected_nodes, kz_franchise_graph_get_max_depth (graph), batched_requests,
                  kz_mock_anilist_get_request_count (fixture->mock));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, full_nodes);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >=, 8 * batched_requests);
  assert_same_graph (graph, naive_graph);
}

static void
test_cache_then_library (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(KzFranchiseGraph) first = NULL;
  g_autoptr(KzFranchiseGraph) cached = NULL;
  g_autoptr(KzFranchiseGraph) stored = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags;
  KzServiceStats stats;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);
  guint requests;

  first = franchise (fixture->service, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  requests = kz_mock_anilist_get_request_count (fixture->mock);
  g_assert_cmpuint (requests, >, 0);

  cached = franchise (fixture->service, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_CACHE);
  g_assert_true (cached == first);

  kz_cache_clear_all (fixture->cache);
  stored = franchise (fixture->service, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY);
  assert_same_graph (first, stored);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, requests);

  kz_relations_service_get_stats (fixture->service, &stats);
  g_assert_cmpuint (stats.cache_hits, ==, 1);
  g_assert_cmpuint (stats.library_hits, ==, 1);
  /* one call per request: two levels each, the first ones aside */
  g_assert_cmpuint (stats.provider_fetches, ==, requests);
  g_assert_cmpuint (stats.provider_fetches, <, kz_franchise_graph_get_max_depth (first) + 1);

  /* a day later the saved franchise is too old and is walked again, but
   * every entry in it is a finished series saved less than 7 days ago */
  kz_cache_clear_all (fixture->cache);
  fixture->now += 25 * KZ_USEC_PER_HOUR;
  g_clear_object (&stored);
  stored = franchise (fixture->service, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_true (flags & KZ_RESULT_FROM_LIBRARY);
  assert_same_graph (first, stored);
}

typedef struct {
  guint      pending;
  KzEntry   *first;
  guint      same;
} Coalesce;

static void
coalesced_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Coalesce *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KzEntry) entry = NULL;

  entry = kz_relations_service_get_basic_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  g_assert_no_error (error);
  if (state->first == NULL)
    state->first = g_object_ref (entry);
  if (entry == state->first)
    state->same++;
  state->pending--;
}

static void
test_coalesce (Fixture       *fixture,
               gconstpointer  data)
{
  Coalesce state = { 10, NULL, 0 };
  KzServiceStats stats;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  kz_mock_anilist_set_latency (fixture->mock, 100);
  for (guint i = 0; i < 10; i++)
    kz_relations_service_get_basic_async (fixture->service, root, KZ_FETCH_DEFAULT, NULL,
                                          coalesced_done, &state);
  while (state.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);
  g_assert_cmpuint (state.same, ==, 10);
  kz_relations_service_get_stats (fixture->service, &stats);
  g_assert_cmpuint (stats.coalesced, ==, 9);
  g_assert_cmpuint (stats.provider_fetches, ==, 1);
  g_object_unref (state.first);
}

static void
test_stale_when_down (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(KzEntry) fresh = NULL;
  g_autoptr(KzEntry) stale = NULL;
  g_autoptr(KzEntry) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autofree char *key = NULL;
  KzResultFlags flags;
  KzStoreStats before, after;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  fresh = basic (fixture->service, root, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);

  /* eight days later the copy is old; AniList is down */
  fixture->now += 8 * KZ_USEC_PER_DAY;
  kz_cache_clear_all (fixture->cache);
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 0);
  g_assert_true (kz_store_get_stats (fixture->store, 0, &before, NULL));

  stale = basic (fixture->service, root, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY | KZ_RESULT_STALE);
  g_assert_cmpint (kz_entry_get_id (stale), ==, root);
  g_assert_cmpstr (kz_entry_get_title_romaji (stale), ==, kz_entry_get_title_romaji (fresh));

  /* a stale copy is never cached: the next call asks again */
  key = g_strdup_printf ("%" G_GINT64_FORMAT, root);
  g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_BASIC, key));

  /* a franchise walk while down: stale, incomplete, not kept */
  graph = franchise (fixture->service, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_true (flags & KZ_RESULT_STALE);
  g_assert_false (kz_franchise_graph_is_complete (graph));
  g_assert_true (kz_store_get_stats (fixture->store, 0, &after, NULL));
  g_assert_cmpuint (after.n_franchises, ==, before.n_franchises);
  g_assert_cmpuint (after.n_entries, ==, before.n_entries);

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_NONE, 0);
  again = basic (fixture->service, root, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KzEntry) entry = NULL;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  entry = basic (fixture->service, 999999, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_null (entry);
  g_assert_error (error, KZ_RELATIONS_SERVICE_ERROR, KZ_RELATIONS_SERVICE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "no such anime: 999999");
  g_clear_error (&error);

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 0);
  entry = basic (fixture->service, root, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_null (entry);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  entry = basic (fixture->service, root, KZ_FETCH_OFFLINE, NULL, &error);
  g_assert_null (entry);
  g_assert_error (error, KZ_RELATIONS_SERVICE_ERROR, KZ_RELATIONS_SERVICE_ERROR_NOT_STORED);
}

static void
test_offline_bundled (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  KzResultFlags flags;
  guint n_added, n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  g_assert_true (kz_bundled_seed_store (fixture->store, &n_added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, >=, 150);

  kz_franchise_options_init_default (&options);
  options.max_depth = 0;
  options.max_nodes = 0;
  graph = franchise (fixture->service, root, &options, KZ_FETCH_OFFLINE, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, n_reached);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);

  /* seeded data is old: online, the walk asks the provider again */
  g_clear_object (&graph);
  graph = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_true (flags & KZ_RESULT_FROM_PROVIDER);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, n_reached);
}

static void
test_depth_and_node_caps (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(KzFranchiseGraph) shallow = NULL;
  g_autoptr(KzFranchiseGraph) capped = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  kz_franchise_options_init_default (&options);
  options.max_depth = 1;
  shallow = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_franchise_graph_get_max_depth (shallow), ==, 1);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);

  options.max_depth = 0;
  options.max_nodes = 10;
  capped = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (capped), ==, 10);
}

static void
test_detailed (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  const KzRelation *relations;
  KzResultFlags flags;
  guint n_relations, n_anime = 0, n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  kz_relations_service_get_detailed_async (fixture->service, root, KZ_FETCH_DEFAULT, NULL,
                                           store_result, &result);
  graph = kz_relations_service_get_detailed_finish (fixture->service, await (&result), &flags, &error);
  g_assert_no_error (error);
  g_assert_true (flags & KZ_RESULT_FROM_PROVIDER);
  g_assert_true (kz_franchise_graph_is_complete (graph));
  /* the root, then every neighbour in one more request */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 2);

  relations = kz_entry_get_relations (kz_franchise_graph_get_root (graph), &n_relations);
  for (guint i = 0; i < n_relations; i++)
    {
      KzEntry *node = kz_franchise_graph_lookup (graph, kz_entry_get_id (relations[i].target));

      g_assert_nonnull (node);
      if (kz_entry_get_media_type (node) != KZ_MEDIA_TYPE_ANIME)
        continue;
      n_anime++;
      g_assert_cmpint (kz_entry_get_detail (node), ==, KZ_ENTRY_DETAIL_FULL);
    }
  g_assert_cmpuint (n_anime, >, 0);
  g_assert_cmpuint (kz_franchise_graph_get_max_depth (graph), ==, 1);
}

static void
cancel_soon (guint             depth,
             KzFranchiseGraph *partial,
             GPtrArray        *new_entries,
             gpointer          user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  KzFranchiseOptions options;
  KzStoreStats stats;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  kz_franchise_options_init_default (&options);
  kz_relations_service_get_franchise_async (fixture->service, root, &options, KZ_FETCH_DEFAULT,
                                            cancel_soon, cancellable, cancellable,
                                            store_result, &result);
  graph = kz_relations_service_get_franchise_finish (fixture->service, await (&result), NULL, &error);
  g_assert_null (graph);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* let the abandoned walk wind down, then check nothing was kept */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  key = kz_franchise_options_to_key (&options, root);
  g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_FRANCHISE, key));
  g_assert_true (kz_store_get_stats (fixture->store, 0, &stats, NULL));
  g_assert_cmpuint (stats.n_franchises, ==, 0);
}

static void
count_levels (guint             depth,
              KzFranchiseGraph *partial,
              GPtrArray        *new_entries,
              gpointer          user_data)
{
  GArray *levels = user_data;
  guint n_nodes = kz_franchise_graph_get_n_nodes (partial);

  g_assert_cmpuint (depth, ==, levels->len);
  g_assert_cmpuint (new_entries->len, >, 0);
  g_array_append_val (levels, n_nodes);
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GArray) levels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  kz_relations_service_get_franchise_async (fixture->service, root, NULL, KZ_FETCH_DEFAULT,
                                            count_levels, levels, NULL, store_result, &result);
  graph = kz_relations_service_get_franchise_finish (fixture->service, await (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (levels->len, ==, kz_franchise_graph_get_max_depth (graph) + 1);
  for (guint i = 1; i < levels->len; i++)
    g_assert_cmpuint (g_array_index (levels, guint, i), >=, g_array_index (levels, guint, i - 1));
  g_assert_cmpuint (g_array_index (levels, guint, levels->len - 1), ==, kz_franchise_graph_get_n_nodes (graph));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) online = NULL;
  g_autoptr(GPtrArray) offline = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags;
  const char *title;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);
  g_autoptr(KzEntry) entry = basic (fixture->service, root, KZ_FETCH_DEFAULT, NULL, NULL);
  g_autofree char *word = NULL;

  title = kz_entry_get_title_romaji (entry);
  word = g_strndup (title, strcspn (title, " :"));

  kz_relations_service_search_async (fixture->service, word, 10, KZ_FETCH_DEFAULT, NULL,
                                     store_result, &result);
  online = kz_relations_service_search_finish (fixture->service, await (&result), &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);
  g_assert_cmpuint (online->len, >, 0);

  g_clear_object (&result);
  kz_relations_service_search_async (fixture->service, word, 10, KZ_FETCH_OFFLINE, NULL,
                                     store_result, &result);
  offline = kz_relations_service_search_finish (fixture->service, await (&result), &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY);
  g_assert_cmpuint (offline->len, >, 0);
}

static void
count_refresh (guint    done,
               guint    total,
               gpointer user_data)
{
  GArray *calls = user_data;

  g_assert_cmpuint (done, <=, total);
  g_array_append_val (calls, done);
}

static void
test_library_calls (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  KzStoreStats stats;
  guint n_added, refreshed;

  g_assert_true (kz_bundled_seed_store (fixture->store, &n_added, &error));

  kz_relations_service_list_library_async (fixture->service, 0, 0, NULL, store_result, &result);
  listed = kz_relations_service_list_library_finish (fixture->service, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, n_added);

  /* the seeded snapshot is weeks old: everything is due */
  g_clear_object (&result);
  kz_relations_service_get_library_stats_async (fixture->service, NULL, store_result, &result);
  g_assert_true (kz_relations_service_get_library_stats_finish (fixture->service, await (&result), &stats, &error));
  g_assert_cmpuint (stats.n_full_entries, ==, n_added);
  g_assert_cmpuint (stats.n_stale, ==, n_added);
  g_assert_cmpint (stats.file_size, >, 0);

  g_clear_object (&result);
  kz_relations_service_refresh_library_async (fixture->service, count_refresh, calls, NULL,
                                              store_result, &result);
  refreshed = kz_relations_service_refresh_library_finish (fixture->service, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refreshed, ==, n_added);
  /* 50 a request, in the background */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, (n_added + 49) / 50);
  g_assert_cmpuint (calls->len, ==, 1 + (n_added + 49) / 50);
  g_assert_cmpuint (g_array_index (calls, guint, calls->len - 1), ==, n_added);

  /* nothing is due any more */
  g_clear_object (&result);
  kz_relations_service_refresh_library_async (fixture->service, NULL, NULL, NULL, store_result, &result);
  refreshed = kz_relations_service_refresh_library_finish (fixture->service, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refreshed, ==, 0);

  /* an hour later only what is still airing is due */
  fixture->now += 2 * KZ_USEC_PER_HOUR;
  g_clear_object (&result);
  kz_relations_service_get_library_stats_async (fixture->service, NULL, store_result, &result);
  g_assert_true (kz_relations_service_get_library_stats_finish (fixture->service, await (&result), &stats, &error));
  g_clear_object (&result);
  kz_relations_service_refresh_library_async (fixture->service, NULL, NULL, NULL, store_result, &result);
  refreshed = kz_relations_service_refresh_library_finish (fixture->service, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refreshed, >, 0);
  g_assert_cmpuint (refreshed, <, 10);
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

typedef struct {
  guint             pending;
  KzEntry          *entry;
  KzFranchiseGraph *detailed;
  KzFranchiseGraph *franchise;
} OpenTitle;

static void
open_basic_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenTitle *open = user_data;
  g_autoptr(GError) error = NULL;

  open->entry = kz_relations_service_get_basic_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  g_assert_no_error (error);
  open->pending--;
}

static void
open_detailed_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OpenTitle *open = user_data;
  g_autoptr(GError) error = NULL;

  open->detailed = kz_relations_service_get_detailed_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  g_assert_no_error (error);
  open->pending--;
}

static void
open_franchise_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  OpenTitle *open = user_data;
  g_autoptr(GError) error = NULL;

  open->franchise = kz_relations_service_get_franchise_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  g_assert_no_error (error);
  open->pending--;
}

/* What the window does to open a title: all three calls at once. */
static void
test_open_title_cost (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(KzRelationsService) alone = new_service (fixture, "alone.db");
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) infos = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  OpenTitle open = { 3, NULL, NULL, NULL };
  const KzRelation *relations;
  guint n_relations, n_reached, alone_requests, alone_ids;
  gint64 root = largest_franchise_root (&n_reached);

  /* requests overlap, as they do over a network */
  kz_mock_anilist_set_latency (fixture->mock, 30);

  graph = franchise (alone, root, NULL, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  alone_requests = kz_mock_anilist_get_request_count (fixture->mock);
  alone_ids = kz_mock_anilist_get_ids_requested (fixture->mock);
  g_assert_cmpuint (alone_ids, ==, kz_franchise_graph_get_n_nodes (graph));

  kz_mock_anilist_reset_counters (fixture->mock);
  kz_relations_service_get_basic_async (fixture->service, root, KZ_FETCH_DEFAULT, NULL,
                                        open_basic_done, &open);
  kz_relations_service_get_detailed_async (fixture->service, root, KZ_FETCH_DEFAULT, NULL,
                                           open_detailed_done, &open);
  kz_relations_service_get_franchise_async (fixture->service, root, NULL, KZ_FETCH_DEFAULT,
                                            NULL, NULL, NULL, open_franchise_done, &open);
  while (open.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("franchise alone: %u requests; title opened: %u requests",
                  alone_requests, kz_mock_anilist_get_request_count (fixture->mock));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), <=, alone_requests + 1);
  g_assert_true (kz_franchise_graph_is_complete (open.franchise));
  assert_same_graph (graph, open.franchise);

  /* each title fetched once: the franchise's and the page's neighbours,
   * nothing beyond */
  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (open.franchise); i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (open.franchise, i);

      g_assert_cmpint (kz_entry_get_detail (node), ==, KZ_ENTRY_DETAIL_FULL);
      g_hash_table_add (wanted, g_memdup2 (&(gint64) { kz_entry_get_id (node) }, sizeof (gint64)));
    }
  relations = kz_entry_get_relations (open.entry, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    if (kz_entry_get_media_type (relations[i].target) == KZ_MEDIA_TYPE_ANIME)
      g_hash_table_add (wanted, g_memdup2 (&(gint64) { kz_entry_get_id (relations[i].target) },
                                           sizeof (gint64)));
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, g_hash_table_size (wanted));

  /* and all of it is in the library */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, wanted);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_array_append_val (ids, *(gint64 *)key);
  }
  infos = kz_store_get_fetch_infos (fixture->store, (const gint64 *)(gpointer)ids->data, ids->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < infos->len; i++)
    g_assert_cmpint (g_array_index (infos, KzFetchInfo, i).fetched_at, ==, fixture->now);

  g_clear_object (&open.entry);
  g_clear_object (&open.detailed);
  g_clear_object (&open.franchise);
}

/* A new memory cache over the same library, as after a restart. */
static KzRelationsService *
cold_start (Fixture *fixture)
{
  g_autoptr(KzCache) cache = kz_cache_new ();
  KzRelationsService *service;

  kz_cache_set_clock (cache, fake_now, &fixture->now);
  service = kz_relations_service_new (cache, fixture->store, fixture->provider);
  kz_relations_service_set_clock (service, fake_now, &fixture->now);

  return service;
}

static gboolean
is_cached (KzRelationsService *service,
           const char         *key)
{
  g_autoptr(GObject) value = kz_cache_lookup (kz_relations_service_get_cache (service),
                                              KZ_CACHE_TIER_FRANCHISE, key);

  return value != NULL;
}

static void
on_franchise_updated (KzRelationsService *service,
                      gint64              root_id,
                      gpointer            user_data)
{
  GArray *updated = user_data;

  g_array_append_val (updated, root_id);
}

static void
test_revalidate (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(KzRelationsService) warm = NULL;
  g_autoptr(KzRelationsService) later = NULL;
  g_autoptr(KzRelationsService) unchanged = NULL;
  g_autoptr(KzFranchiseGraph) first = NULL;
  g_autoptr(KzFranchiseGraph) shown = NULL;
  g_autoptr(KzFranchiseGraph) again = NULL;
  g_autoptr(KzFranchiseGraph) latest = NULL;
  g_autoptr(KzEntry) stored = NULL;
  g_autofree char *edited_key = NULL;
  g_autoptr(KzEntry) after_update = NULL;
  g_autoptr(GArray) updated = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) not_updated = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *old_title = NULL;
  KzFranchiseOptions options;
  KzResultFlags flags;
  guint n_reached, walk_requests;
  gint64 root = largest_franchise_root (&n_reached);
  gint64 edited = 0;

  kz_franchise_options_init_default (&options);
  key = kz_franchise_options_to_key (&options, root);

  first = franchise (fixture->service, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);
  walk_requests = kz_mock_anilist_get_request_count (fixture->mock);

  for (guint i = 0; i < kz_franchise_graph_get_n_nodes (first) && edited == 0; i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (first, i);

      if (kz_entry_get_id (node) != root && kz_entry_get_status (node) == KZ_STATUS_FINISHED)
        {
          edited = kz_entry_get_id (node);
          old_title = g_strdup (kz_entry_get_title_romaji (node));
        }
    }
  g_assert_cmpint (edited, >, 0);

  /* a restart half an hour later: shown from the library, nothing asked */
  fixture->now += KZ_USEC_PER_HOUR / 2;
  kz_mock_anilist_reset_counters (fixture->mock);
  warm = cold_start (fixture);
  g_signal_connect (warm, "franchise-updated", G_CALLBACK (on_franchise_updated), updated);
  shown = franchise (warm, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY);
  assert_same_graph (first, shown);
  run_for (100);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
  g_clear_object (&shown);

  /* eight days on, past every title's policy, and one was edited on
   * AniList: still shown at once, then brought up to date behind it */
  g_assert_true (kz_mock_anilist_touch (fixture->mock, edited, "Edited Since"));
  kz_mock_anilist_set_latency (fixture->mock, 50);
  fixture->now += 8 * KZ_USEC_PER_DAY;
  later = cold_start (fixture);
  g_signal_connect (later, "franchise-updated", G_CALLBACK (on_franchise_updated), updated);

  shown = franchise (later, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY | KZ_RESULT_REVALIDATING);
  g_assert_cmpstr (kz_entry_get_title_romaji (kz_franchise_graph_lookup (shown, edited)), ==, old_title);
  /* the edited title opened meanwhile: its old copy in the memory cache */
  edited_key = g_strdup_printf ("%" G_GINT64_FORMAT, edited);
  kz_cache_insert (kz_relations_service_get_cache (later), KZ_CACHE_TIER_BASIC, edited_key,
                   kz_franchise_graph_lookup (shown, edited), 1);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
  g_assert_false (is_cached (later, key));

  /* asked again meanwhile: the same answer, and no second walk */
  again = franchise (later, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY | KZ_RESULT_REVALIDATING);

  while (updated->len == 0)
    g_main_context_iteration (NULL, TRUE);
  run_for (300);
  g_assert_cmpuint (updated->len, ==, 1);
  g_assert_cmpint (g_array_index (updated, gint64, 0), ==, root);
  /* the walk again, every title being due, behind the person's requests */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, walk_requests);

  latest = franchise (later, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_CACHE);
  g_assert_cmpstr (kz_entry_get_title_romaji (kz_franchise_graph_lookup (latest, edited)), ==, "Edited Since");
  stored = kz_store_get_entry (fixture->store, edited, &error);
  g_assert_cmpstr (kz_entry_get_title_romaji (stored), ==, "Edited Since");
  /* and opened again: not the copy cached before the update */
  g_assert_null (kz_cache_lookup (kz_relations_service_get_cache (later), KZ_CACHE_TIER_BASIC, edited_key));
  after_update = basic (later, edited, KZ_FETCH_OFFLINE, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_title_romaji (after_update), ==, "Edited Since");

  /* another week on with nothing edited: revalidated, but not redrawn */
  kz_mock_anilist_reset_counters (fixture->mock);
  fixture->now += 8 * KZ_USEC_PER_DAY;
  unchanged = cold_start (fixture);
  g_signal_connect (unchanged, "franchise-updated", G_CALLBACK (on_franchise_updated), not_updated);
  g_clear_object (&shown);
  shown = franchise (unchanged, root, NULL, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_LIBRARY | KZ_RESULT_REVALIDATING);
  while (!is_cached (unchanged, key))
    g_main_context_iteration (NULL, TRUE);
  run_for (100);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, walk_requests);
  g_assert_cmpuint (not_updated->len, ==, 0);
}

/* Two levels per request, against stand-ins serving made-up data */

#define CHAIN_FIRST  5001
#define CHAIN_LENGTH 20

/* Serves @snapshot instead of the bundled one, with a new provider and
 * service (their libraries start empty). */
static void
serve_snapshot (Fixture *fixture,
                GBytes  *snapshot)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->service);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->mock);

  fixture->mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  g_assert_no_error (error);
  connect_to_mock (fixture, "made-up.db");
}

static void
unlimited_options (KzFranchiseOptions *options)
{
  kz_franchise_options_init_default (options);
  options->max_depth = 0;
  options->max_nodes = 0;
}

static void
test_two_level_chain (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GBytes) snapshot = kz_mock_snapshot_new_chain (CHAIN_FIRST, CHAIN_LENGTH);
  g_autoptr(KzRelationsService) one_level = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) one_level_graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  KzResultFlags flags;

  serve_snapshot (fixture, snapshot);
  unlimited_options (&options);

  graph = franchise (fixture->service, CHAIN_FIRST, &options, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);
  g_assert_true (kz_franchise_graph_is_complete (graph));
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, CHAIN_LENGTH);
  g_assert_cmpuint (kz_franchise_graph_get_max_depth (graph), ==, CHAIN_LENGTH - 1);
  /* the root, then two seasons per request: 1 + ⌈19 / 2⌉ */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 11);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, CHAIN_LENGTH);

  kz_mock_anilist_reset_counters (fixture->mock);
  one_level = new_one_level_service (fixture, "chain-one-level.db");
  one_level_graph = franchise (one_level, CHAIN_FIRST, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, CHAIN_LENGTH);
  assert_same_graph (graph, one_level_graph);
}

static void
test_two_level_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(KzRelationsService) one_level = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) again = NULL;
  g_autoptr(KzFranchiseGraph) one_level_graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  KzResultFlags flags;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  unlimited_options (&options);
  kz_mock_anilist_set_nesting_refused (fixture->mock, TRUE);

  /* the first two-level request is refused, once: it goes again in one
   * level, and so does every later one (depth + 1 of them) */
  graph = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, &flags, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flags, ==, KZ_RESULT_FROM_PROVIDER);
  g_assert_true (kz_franchise_graph_is_complete (graph));
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 1);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1 + 7);
  g_assert_cmpuint (kz_anilist_provider_get_lookahead_batch (KZ_ANILIST_PROVIDER (fixture->provider)), ==, 0);

  one_level = new_one_level_service (fixture, "one-level.db");
  one_level_graph = franchise (one_level, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  assert_same_graph (graph, one_level_graph);

  /* the provider remembers: a later walk sends no two-level request */
  kz_mock_anilist_reset_counters (fixture->mock);
  g_clear_object (&fixture->service);
  fixture->service = new_service (fixture, "later.db");
  again = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 0);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 7);
  assert_same_graph (graph, again);
}

static void
test_two_level_smaller (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) snapshot = kz_mock_snapshot_new_chain (CHAIN_FIRST, CHAIN_LENGTH);
  g_autoptr(KzRelationsService) one_level = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) one_level_graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  KzAniListProvider *provider;

  serve_snapshot (fixture, snapshot);
  provider = KZ_ANILIST_PROVIDER (fixture->provider);
  unlimited_options (&options);

  /* two-level requests of more than 3 ids are too complex; the provider
   * is set to send 8, learns 2 from the first refusal's numbers (8 ids
   * cost 1334 against 500) and keeps to it */
  kz_mock_anilist_set_max_nested_batch (fixture->mock, 3);
  kz_anilist_provider_set_lookahead_batch (provider, 8);
  g_assert_cmpuint (kz_provider_get_lookahead_batch (fixture->provider), ==, 8);

  graph = franchise (fixture->service, CHAIN_FIRST, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, CHAIN_LENGTH);
  /* a chain never needs more than 2 ids per request: none is refused */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 11);
  g_assert_cmpuint (kz_anilist_provider_get_lookahead_batch (provider), ==, 8);

  /* a wide level is: 8 ids of the bundled data at once */
  g_clear_object (&graph);
  kz_mock_anilist_reset_counters (fixture->mock);
  {
    const gint64 ids[] = { CHAIN_FIRST, CHAIN_FIRST + 2, CHAIN_FIRST + 4, CHAIN_FIRST + 6,
                           CHAIN_FIRST + 8, CHAIN_FIRST + 10, CHAIN_FIRST + 12, CHAIN_FIRST + 14 };
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) entries = NULL;
    g_autoptr(GArray) hints = NULL;

    kz_provider_fetch_lookahead_async (fixture->provider, ids, G_N_ELEMENTS (ids), KZ_PRIORITY_USER,
                                       NULL, store_result, &result);
    entries = kz_provider_fetch_lookahead_finish (fixture->provider, await (&result), &hints, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 8);
    /* 8 refused, then 2 + 2 + 2 + 2 */
    g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 5);
    g_assert_cmpuint (kz_mock_anilist_get_nested_count (fixture->mock), ==, 5);
    g_assert_cmpuint (kz_anilist_provider_get_lookahead_batch (provider), ==, 2);
    /* each fetched season's neighbours, with their own two edges (one
     * for each end of the chain) */
    g_assert_cmpuint (hints->len, ==, 2 * 8 * 2 - 2);
  }

  one_level = new_one_level_service (fixture, "chain-one-level.db");
  one_level_graph = franchise (one_level, CHAIN_FIRST, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  graph = franchise (new_service (fixture, "chain-again.db"), CHAIN_FIRST, &options,
                     KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  assert_same_graph (graph, one_level_graph);
}

static void
test_two_level_halving (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(KzRelationsService) one_level = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) one_level_graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  guint n_reached;
  gint64 root = largest_franchise_root (&n_reached);

  unlimited_options (&options);

  /* every query of more than 10 ids is too complex, in either form */
  kz_mock_anilist_set_max_batch (fixture->mock, 10);
  graph = franchise (fixture->service, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kz_franchise_graph_is_complete (graph));
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, n_reached);
  /* the wide level (38 ids, one level) was split until it fitted: 38,
   * 19 + 19, then 9 + 10 twice; the two-level requests were small enough */
  g_assert_cmpuint (kz_mock_anilist_get_max_batch_seen (fixture->mock), ==, 38);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 5 + 2 + 4);
  g_assert_cmpuint (kz_anilist_provider_get_lookahead_batch (KZ_ANILIST_PROVIDER (fixture->provider)), ==,
                    KZ_ANILIST_NESTED_PER_PAGE);

  kz_mock_anilist_set_max_batch (fixture->mock, 0);
  one_level = new_one_level_service (fixture, "one-level.db");
  one_level_graph = franchise (one_level, root, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  assert_same_graph (graph, one_level_graph);
}

static void
test_two_level_stale_hint (Fixture       *fixture,
                           gconstpointer  data)
{
  /* 1 → 2 → 3 in the full entries; 1's copy of node 2 still says 2 → 9 */
  const KzMockEdge edges[] = {
    { 1, "SEQUEL", 2, 9 },
    { 2, "PREQUEL", 1, 0 },
    { 2, "SEQUEL", 3, 0 },
    { 3, "PREQUEL", 2, 0 },
    { 0, NULL, 0, 0 },
  };
  g_autoptr(GBytes) snapshot = kz_mock_snapshot_new (1, 9, edges);
  g_autoptr(KzRelationsService) one_level = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) one_level_graph = NULL;
  g_autoptr(KzEntry) stored = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;

  serve_snapshot (fixture, snapshot);
  unlimited_options (&options);

  graph = franchise (fixture->service, 1, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (graph), ==, 3);
  g_assert_null (kz_franchise_graph_lookup (graph, 9));
  g_assert_nonnull (kz_franchise_graph_lookup (graph, 3));
  /* 1; then 2 with 9, the stale guess; then 3, which no hint named */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 3);
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (fixture->mock), ==, 4);

  one_level = new_one_level_service (fixture, "one-level.db");
  one_level_graph = franchise (one_level, 1, &options, KZ_FETCH_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  assert_same_graph (graph, one_level_graph);
}

static void
cancel_at_depth_two (guint             depth,
                     KzFranchiseGraph *partial,
                     GPtrArray        *new_entries,
                     gpointer          user_data)
{
  if (depth == 2)
    g_cancellable_cancel (user_data);
}

static void
test_two_level_cancel (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) snapshot = kz_mock_snapshot_new_chain (CHAIN_FIRST, CHAIN_LENGTH);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  KzFranchiseOptions options;
  KzStoreStats stats;
  guint requests;

  serve_snapshot (fixture, snapshot);
  unlimited_options (&options);

  /* cancelled as level 2 is built, which came with level 1's request */
  kz_relations_service_get_franchise_async (fixture->service, CHAIN_FIRST, &options, KZ_FETCH_DEFAULT,
                                            cancel_at_depth_two, cancellable, cancellable,
                                            store_result, &result);
  graph = kz_relations_service_get_franchise_finish (fixture->service, await (&result), NULL, &error);
  g_assert_null (graph);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  /* The walk is shared between askers and learns of the cancel from the
   * main loop, so a request or two may still go out; never the whole
   * chain's eleven. */
  requests = kz_mock_anilist_get_request_count (fixture->mock);
  g_assert_cmpuint (requests, >=, 2);
  g_assert_cmpuint (requests, <, 11);
  key = kz_franchise_options_to_key (&options, CHAIN_FIRST);
  g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_FRANCHISE, key));
  g_assert_true (kz_store_get_stats (fixture->store, 0, &stats, NULL));
  g_assert_cmpuint (stats.n_franchises, ==, 0);
  /* three seasons fetched by the first two requests, the fourth as the
   * third's relation, and at most two more per later request (whose
   * answer may also arrive too late to be saved) */
  g_assert_cmpuint (stats.n_entries, >=, 4);
  g_assert_cmpuint (stats.n_entries, <=, 4 + 2 * (requests - 2));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kz/service/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("franchise-batched", test_franchise_batched);
  ADD ("cache-then-library", test_cache_then_library);
  ADD ("coalesce", test_coalesce);
  ADD ("stale-when-down", test_stale_when_down);
  ADD ("errors", test_errors);
  ADD ("offline-bundled", test_offline_bundled);
  ADD ("depth-and-node-caps", test_depth_and_node_caps);
  ADD ("detailed", test_detailed);
  ADD ("cancel", test_cancel);
  ADD ("progress", test_progress);
  ADD ("search", test_search);
  ADD ("library-calls", test_library_calls);
  ADD ("open-title-cost", test_open_title_cost);
  ADD ("revalidate", test_revalidate);
  ADD ("two-level/chain", test_two_level_chain);
  ADD ("two-level/refused", test_two_level_refused);
  ADD ("two-level/smaller", test_two_level_smaller);
  ADD ("two-level/halving", test_two_level_halving);
  ADD ("two-level/stale-hint", test_two_level_stale_hint);
  ADD ("two-level/cancel", test_two_level_cancel);

  return g_test_run ();
}
