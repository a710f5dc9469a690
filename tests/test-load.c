/* test-load.c: many requests at once, and a long run of cache churn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kizuna-core.h"
#include "kz-mock-anilist.h"

#define N_THREADS 8
#define FIRST_ID  70001
#define GROUP     4      /* titles per made-up franchise */

/* Under valgrind everything runs some fifty times slower: do fewer
 * rounds of the same work, with the same checks. */
static gboolean
under_valgrind (void)
{
  return g_getenv ("KIZUNA_UNDER_VALGRIND") != NULL;
}

static gint64
fixed_now (gpointer data)
{
  return __atomic_load_n ((gint64 *) data, __ATOMIC_RELAXED);
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

/* The snapshot: @n_ids anime in franchises of GROUP, each linked to the
 * one before (PREQUEL) and after (SEQUEL). */

static char *
title_for (gint64 id)
{
  return g_strdup_printf ("Load Test Title %" G_GINT64_FORMAT, id);
}

static void
add_node (JsonBuilder *builder,
          gint64       id)
{
  g_autofree char *title = title_for (id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ANIME");
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "TV");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "FINISHED");
  json_builder_set_member_name (builder, "title");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "romaji");
  json_builder_add_string_value (builder, title);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_edge (JsonBuilder *builder,
          const char  *type,
          gint64       target)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "relationType");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "node");
  add_node (builder, target);
  json_builder_end_object (builder);
}

static guint
expected_relations (gint64 id)
{
  gint64 position = (id - FIRST_ID) % GROUP;

  return (position > 0) + (position < GROUP - 1);
}

static void
add_media (JsonBuilder *builder,
           gint64       id)
{
  g_autofree char *title = title_for (id);
  gint64 position = (id - FIRST_ID) % GROUP;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "idMal");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ANIME");
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "TV");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "FINISHED");
  json_builder_set_member_name (builder, "episodes");
  json_builder_add_int_value (builder, 12);
  json_builder_set_member_name (builder, "seasonYear");
  json_builder_add_int_value (builder, 2000 + position);
  json_builder_set_member_name (builder, "isAdult");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "updatedAt");
  json_builder_add_int_value (builder, 1700000000);
  json_builder_set_member_name (builder, "title");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "romaji");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "english");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "relations");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  if (position > 0)
    add_edge (builder, "PREQUEL", id - 1);
  if (position < GROUP - 1)
    add_edge (builder, "SEQUEL", id + 1);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static GBytes *
build_snapshot (guint n_ids)
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
  for (guint i = 0; i < n_ids; i++)
    add_media (builder, FIRST_ID + i);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

/* Load: threads ask the service, which lives on the main context. */

typedef struct {
  KzRelationsService *service;
  GMainContext       *context;
  GArray             *plan[2];     /* gint64 ids: phase 1, then phase 2 */

  GMutex              lock;
  GCond               cond;
  guint               phase1_done; /* threads past phase 1 */

  gint                answers;     /* atomic, all below */
  gint                errors;
  gint                wrong;       /* wrong id, title or relations */
  gint                from_cache;
  gint                threads_done;
} LoadRun;

typedef struct {
  LoadRun       *run;
  guint          index;
  GAsyncQueue   *answers;
} LoadThread;

typedef struct {
  LoadThread    *thread;
  gint64         id;
  KzEntry       *entry;
  KzResultFlags  flags;
  GError        *error;
} Request;

static void
request_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *request = user_data;

  request->entry = kz_relations_service_get_basic_finish (KZ_RELATIONS_SERVICE (object), result,
                                                          &request->flags, &request->error);
  g_async_queue_push (request->thread->answers, request);
}

static gboolean
submit_request (gpointer user_data)
{
  Request *request = user_data;

  /* On the service's own context, as the UI would call it. */
  g_assert_true (g_main_context_is_owner (request->thread->run->context));
  kz_relations_service_get_basic_async (request->thread->run->service, request->id,
                                        KZ_FETCH_DEFAULT, NULL, request_done, request);
  return G_SOURCE_REMOVE;
}

static void
check_answer (LoadRun *run,
              Request *request)
{
  g_atomic_int_inc (&run->answers);

  if (request->error != NULL || request->entry == NULL)
    {
      g_atomic_int_inc (&run->errors);
      g_printerr ("# request for %" G_GINT64_FORMAT " failed: %s\n", request->id,
                  request->error ? request->error->message : "no entry");
    }
  else
    {
      g_autofree char *title = title_for (request->id);
      guint n_relations = 0;

      kz_entry_get_relations (request->entry, &n_relations);
      if (kz_entry_get_id (request->entry) != request->id ||
          g_strcmp0 (kz_entry_get_title_romaji (request->entry), title) != 0 ||
          n_relations != expected_relations (request->id))
        g_atomic_int_inc (&run->wrong);
      if (request->flags & KZ_RESULT_FROM_CACHE)
        g_atomic_int_inc (&run->from_cache);
    }

  g_clear_object (&request->entry);
  g_clear_error (&request->error);
  g_free (request);
}

static void
run_phase (LoadThread *thread,
           GArray     *plan)
{
  guint n_sent = 0;

  for (guint i = thread->index; i < plan->len; i += N_THREADS)
    {
      Request *request = g_new0 (Request, 1);

      request->thread = thread;
      request->id = g_array_index (plan, gint64, i);
      g_main_context_invoke (thread->run->context, submit_request, request);
      n_sent++;
    }

  /* All sent at once, then every answer awaited */
  for (guint i = 0; i < n_sent; i++)
    check_answer (thread->run, g_async_queue_pop (thread->answers));
}

static gpointer
load_thread (gpointer data)
{
  LoadThread *thread = data;
  LoadRun *run = thread->run;

  run_phase (thread, run->plan[0]);

  /* Phase 2 starts when every phase 1 answer is in: then it can only
   * be answered from the cache. */
  g_mutex_lock (&run->lock);
  run->phase1_done++;
  g_cond_broadcast (&run->cond);
  while (run->phase1_done < N_THREADS)
    g_cond_wait (&run->cond, &run->lock);
  g_mutex_unlock (&run->lock);

  run_phase (thread, run->plan[1]);

  g_atomic_int_inc (&run->threads_done);
  g_main_context_wakeup (run->context);

  return NULL;
}

static GArray *
shuffled_plan (GRand *rand,
               guint  n_ids,
               guint  repeats)
{
  GArray *plan = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint r = 0; r < repeats; r++)
    for (guint i = 0; i < n_ids; i++)
      {
        gint64 id = FIRST_ID + i;
        g_array_append_val (plan, id);
      }

  for (guint i = plan->len - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gint64 tmp = g_array_index (plan, gint64, i);

      g_array_index (plan, gint64, i) = g_array_index (plan, gint64, j);
      g_array_index (plan, gint64, j) = tmp;
    }

  return plan;
}

static gboolean
on_deadline (gpointer user_data)
{
  g_error ("%s did not finish in time", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
test_load_concurrent_basic (void)
{
  /* 1,000 requests for 200 ids: 3 each at once, then 2 each again */
  guint n_ids = under_valgrind () ? 40 : 200;
  guint n_requests = n_ids * 5;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) snapshot = build_snapshot (n_ids);
  g_autoptr(KzMockAniList) mock = NULL;
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (600000, 500);
  g_autoptr(KzProvider) provider = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzCache) cache = kz_cache_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (6);
  g_autofree char *url = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GThread *threads[N_THREADS];
  LoadThread thread_data[N_THREADS];
  LoadRun run = { 0, };
  KzServiceStats stats;
  KzCacheTierStats cache_stats;
  KzStoreStats store_stats;
  gint64 now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  GSource *deadline;

  dir = g_dir_make_tmp ("kizuna-load-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "library.db", NULL);

  mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  g_assert_no_error (error);
  kz_mock_anilist_start (mock, 0, &error);
  g_assert_no_error (error);
  /* A window far larger than the run: the provider never has to wait */
  kz_mock_anilist_set_rate_limit (mock, 100000, 60);
  url = kz_mock_anilist_dup_url (mock);

  provider = KZ_PROVIDER (kz_anilist_provider_new (url, limiter, &error));
  g_assert_no_error (error);
  kz_anilist_provider_set_timeout (KZ_ANILIST_PROVIDER (provider), 30);

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  kz_cache_set_clock (cache, fixed_now, &now);

  run.context = g_main_context_default ();
  run.service = kz_relations_service_new (cache, store, provider);
  kz_relations_service_set_clock (run.service, fixed_now, &now);
  run.plan[0] = shuffled_plan (rand, n_ids, 3);
  run.plan[1] = shuffled_plan (rand, n_ids, 2);
  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);

  deadline = g_timeout_source_new_seconds (under_valgrind () ? 1200 : 90);
  g_source_set_callback (deadline, on_deadline, (gpointer) "the load test", NULL);
  g_source_attach (deadline, NULL);

  for (guint i = 0; i < N_THREADS; i++)
    {
      thread_data[i].run = &run;
      thread_data[i].index = i;
      thread_data[i].answers = g_async_queue_new ();
      threads[i] = g_thread_new ("kz-load", load_thread, &thread_data[i]);
    }

  while (g_atomic_int_get (&run.threads_done) < N_THREADS)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_async_queue_unref (thread_data[i].answers);
    }
  g_source_destroy (deadline);
  g_source_unref (deadline);

  kz_relations_service_get_stats (run.service, &stats);
  kz_cache_get_stats (cache, KZ_CACHE_TIER_BASIC, &cache_stats);
  kz_store_get_stats (store, 0, &store_stats, &error);
  g_assert_no_error (error);

  g_test_message ("%u requests, %u ids: %u HTTP requests, %" G_GUINT64_FORMAT " provider fetches, "
                  "%" G_GUINT64_FORMAT " coalesced, %" G_GUINT64_FORMAT " cache hits, %d errors",
                  n_requests, n_ids, kz_mock_anilist_get_request_count (mock),
                  stats.provider_fetches, stats.coalesced, stats.cache_hits, run.errors);

  /* Every request answered, rightly, without an error */
  g_assert_cmpint (run.answers, ==, (gint) n_requests);
  g_assert_cmpint (run.errors, ==, 0);
  g_assert_cmpint (run.wrong, ==, 0);

  /* Each id fetched exactly once */
  g_assert_cmpuint (kz_mock_anilist_get_ids_requested (mock), ==, n_ids);
  g_assert_cmpuint (kz_mock_anilist_get_request_count (mock), ==, n_ids);
  g_assert_cmpuint (kz_mock_anilist_get_rate_limited_count (mock), ==, 0);
  g_assert_cmpuint (stats.provider_fetches, ==, n_ids);

  /* Every other request joined a fetch in flight or hit the cache; all
   * of phase 2 hit the cache. */
  g_assert_cmpuint (stats.library_hits, ==, 0);
  g_assert_cmpuint (stats.stale_returned, ==, 0);
  g_assert_cmpuint (stats.coalesced + stats.cache_hits, ==, n_requests - n_ids);
  g_assert_cmpuint (stats.cache_hits, >=, run.plan[1]->len);
  g_assert_cmpuint (stats.coalesced, >, 0);
  g_assert_cmpuint (run.from_cache, ==, stats.cache_hits);
  g_assert_cmpuint (cache_stats.hits, ==, stats.cache_hits);
  g_assert_cmpuint (cache_stats.insertions, ==, n_ids);
  g_assert_cmpuint (cache_stats.entries, ==, n_ids);

  /* The library has every title in full, and nothing else */
  g_assert_cmpuint (store_stats.n_full_entries, ==, n_ids);
  g_assert_cmpuint (store_stats.n_entries, ==, n_ids);
  g_assert_cmpuint (store_stats.n_relations, ==, (n_ids / GROUP) * (GROUP - 1) * 2);

  g_clear_object (&run.service);
  /* Let the service's last callbacks run before the mock goes */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_array_unref (run.plan[0]);
  g_array_unref (run.plan[1]);
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.cond);
  g_clear_object (&store);
  remove_dir (dir);
}

/* Churn: a million cache operations from several threads */

#define CHURN_THREADS 4
#define N_VALUES      16

static const struct {
  guint  max_entries;
  guint  n_keys;
  gint64 ttl_usec;
} churn_tiers[KZ_CACHE_N_TIERS] = {
  /* Exact LRU below 65 entries, stamps by granule above. The fake clock
   * moves 10 µs every 16 operations of a thread: TTLs near an item's
   * time in the tier, so some expire and some are evicted. */
  [KZ_CACHE_TIER_BASIC]     = { 48,  160, 300 },
  [KZ_CACHE_TIER_DETAILED]  = { 200, 640, 1500 },
  [KZ_CACHE_TIER_FRANCHISE] = { 8,   40,  100 },
};

typedef struct {
  guint64 lookups;
  guint64 hits;
  guint64 inserts;
  guint64 invalidated;
} TierCount;

typedef struct {
  KzCache   *cache;
  GObject   *values[N_VALUES];
  gint64     now;          /* atomic, the fake clock */
  guint      ops_per_thread;
  gint       done;         /* atomic */

  /* from the sampler */
  guint64    n_samples;
  guint      over_bound;
  guint      max_seen[KZ_CACHE_N_TIERS];
} ChurnRun;

typedef struct {
  ChurnRun  *run;
  guint      seed;
  guint64    swept;
  TierCount  count[KZ_CACHE_N_TIERS];
} ChurnThread;

static char *
churn_key (guint tier,
           guint index)
{
  return g_strdup_printf ("t%u-k%05u", tier, index);
}

/* Each key always carries the same size, so the total can be checked. */
static gsize
churn_bytes (guint index)
{
  return 64 + index;
}

static gpointer
churn_worker (gpointer data)
{
  ChurnThread *thread = data;
  ChurnRun *run = thread->run;
  g_autoptr(GRand) rand = g_rand_new_with_seed (thread->seed);
  char key[32];

  for (guint op = 0; op < run->ops_per_thread; op++)
    {
      guint tier = g_rand_int_range (rand, 0, KZ_CACHE_N_TIERS);
      guint index = g_rand_int_range (rand, 0, churn_tiers[tier].n_keys);
      guint what = g_rand_int_range (rand, 0, 1000);
      TierCount *count = &thread->count[tier];

      g_snprintf (key, sizeof key, "t%u-k%05u", tier, index);

      /* Time moves, so values expire and sweeps find some */
      if (op % 16 == 0)
        __atomic_add_fetch (&run->now, 10, __ATOMIC_RELAXED);

      if (what < 650)
        {
          GObject *value = kz_cache_lookup (run->cache, tier, key);

          count->lookups++;
          if (value != NULL)
            {
              count->hits++;
              g_object_unref (value);
            }
        }
      else if (what < 940)
        {
          kz_cache_insert (run->cache, tier, key, run->values[index % N_VALUES],
                           churn_bytes (index));
          count->inserts++;
        }
      else if (what < 999)
        {
          if (kz_cache_invalidate (run->cache, tier, key))
            count->invalidated++;
        }
      else
        {
          thread->swept += kz_cache_sweep (run->cache);
        }
    }

  return NULL;
}

/* Reads the stats while the workers run: no tier may ever be over. */
static gpointer
churn_sampler (gpointer data)
{
  ChurnRun *run = data;

  while (!g_atomic_int_get (&run->done))
    {
      for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
        {
          KzCacheTierStats stats;

          kz_cache_get_stats (run->cache, t, &stats);
          if (stats.entries > stats.max_entries)
            run->over_bound++;
          run->max_seen[t] = MAX (run->max_seen[t], stats.entries);
        }
      run->n_samples++;
    }

  return NULL;
}

/* What the cache adds to each item's own size, measured on its own. */
static gsize
churn_item_overhead (void)
{
  g_autoptr(KzCache) cache = kz_cache_new ();
  g_autoptr(GObject) value = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree char *key = churn_key (0, 0);
  KzCacheTierStats stats;

  kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, key, value, churn_bytes (0));
  kz_cache_get_stats (cache, KZ_CACHE_TIER_BASIC, &stats);
  g_assert_cmpuint (stats.entries, ==, 1);
  g_assert_cmpuint (stats.approx_bytes, >, churn_bytes (0) + strlen (key));

  return stats.approx_bytes - churn_bytes (0) - strlen (key);
}

/* The statistics of @tier against what the threads counted; returns
 * how many items sweeps took from it. */
static guint64
check_churn_tier (ChurnRun    *run,
                  ChurnThread *threads,
                  guint        tier,
                  gsize        overhead)
{
  TierCount sum = { 0, };
  KzCacheTierStats stats;
  guint present = 0;
  gsize bytes = 0;

  for (guint i = 0; i < CHURN_THREADS; i++)
    {
      sum.lookups += threads[i].count[tier].lookups;
      sum.hits += threads[i].count[tier].hits;
      sum.inserts += threads[i].count[tier].inserts;
      sum.invalidated += threads[i].count[tier].invalidated;
    }

  for (guint index = 0; index < churn_tiers[tier].n_keys; index++)
    {
      g_autofree char *key = churn_key (tier, index);
      g_autoptr(GObject) value = kz_cache_lookup (run->cache, tier, key);

      sum.lookups++;
      if (value != NULL)
        {
          g_assert_true (value == run->values[index % N_VALUES]);
          sum.hits++;
          present++;
          bytes += churn_bytes (index) + strlen (key) + overhead;
        }
    }

  kz_cache_get_stats (run->cache, tier, &stats);
  g_test_message ("%s: %u entries, %" G_GUINT64_FORMAT " lookups, %" G_GUINT64_FORMAT " hits, "
                  "%" G_GUINT64_FORMAT " expired, %" G_GUINT64_FORMAT " insertions, "
                  "%" G_GUINT64_FORMAT " evictions, %" G_GUINT64_FORMAT " swept, "
                  "%" G_GUINT64_FORMAT " invalidated",
                  kz_cache_tier_to_string (tier), stats.entries, sum.lookups, stats.hits,
                  stats.expired, stats.insertions, stats.evictions, stats.swept,
                  sum.invalidated);

  g_assert_cmpuint (stats.hits, ==, sum.hits);
  g_assert_cmpuint (stats.hits + stats.misses, ==, sum.lookups);
  g_assert_cmpuint (stats.expired, <=, stats.misses);
  g_assert_cmpuint (stats.insertions, ==, sum.inserts);
  g_assert_cmpuint (stats.entries, ==, present);
  g_assert_cmpuint (stats.entries, <=, churn_tiers[tier].max_entries);
  g_assert_cmpuint (stats.approx_bytes, ==, bytes);
  /* Each item leaves one way only, and replacing a key adds none */
  g_assert_cmpuint (stats.evictions + stats.swept + sum.invalidated + stats.entries, <=,
                    stats.insertions);
  /* Each path was taken */
  g_assert_cmpuint (stats.evictions, >, 0);
  g_assert_cmpuint (stats.expired, >, 0);
  g_assert_cmpuint (sum.invalidated, >, 0);
  g_assert_cmpuint (stats.hits, >, 0);

  return stats.swept;
}

static void
test_load_cache_churn (void)
{
  guint total_ops = under_valgrind () ? 40000 : 1000000;
  g_autoptr(KzCache) cache = kz_cache_new ();
  ChurnRun run = { 0, };
  ChurnThread threads[CHURN_THREADS];
  GThread *workers[CHURN_THREADS];
  GThread *sampler;
  gsize overhead = churn_item_overhead ();
  guint64 swept = 0;
  guint64 total_swept = 0;
  gint64 started = g_get_monotonic_time ();

  run.cache = cache;
  run.now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  run.ops_per_thread = total_ops / CHURN_THREADS;
  kz_cache_set_clock (cache, fixed_now, &run.now);
  for (guint i = 0; i < N_VALUES; i++)
    run.values[i] = g_object_new (G_TYPE_OBJECT, NULL);
  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    {
      kz_cache_set_max_entries (cache, t, churn_tiers[t].max_entries);
      kz_cache_set_ttl (cache, t, churn_tiers[t].ttl_usec);
    }

  sampler = g_thread_new ("kz-churn-sampler", churn_sampler, &run);
  for (guint i = 0; i < CHURN_THREADS; i++)
    {
      memset (&threads[i], 0, sizeof threads[i]);
      threads[i].run = &run;
      threads[i].seed = 1000 + i;
      workers[i] = g_thread_new ("kz-churn", churn_worker, &threads[i]);
    }
  for (guint i = 0; i < CHURN_THREADS; i++)
    g_thread_join (workers[i]);
  g_atomic_int_set (&run.done, 1);
  g_thread_join (sampler);

  g_test_message ("%u operations on %u threads in %.1f s; %" G_GUINT64_FORMAT " samples, "
                  "largest tiers seen %u/%u, %u/%u, %u/%u",
                  total_ops, CHURN_THREADS,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, run.n_samples,
                  run.max_seen[0], churn_tiers[0].max_entries,
                  run.max_seen[1], churn_tiers[1].max_entries,
                  run.max_seen[2], churn_tiers[2].max_entries);

  /* Within bounds at every sample, and the bounds were reached */
  g_assert_cmpuint (run.n_samples, >, 0);
  g_assert_cmpuint (run.over_bound, ==, 0);
  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    g_assert_cmpuint (run.max_seen[t], ==, churn_tiers[t].max_entries);

  /* Drop what has expired, then count what is really there: every key
   * left answers a lookup. */
  swept = kz_cache_sweep (cache);
  for (guint i = 0; i < CHURN_THREADS; i++)
    swept += threads[i].swept;

  for (guint t = 0; t < KZ_CACHE_N_TIERS; t++)
    total_swept += check_churn_tier (&run, threads, t, overhead);
  g_assert_cmpuint (total_swept, ==, swept);
  g_assert_cmpuint (total_swept, >, 0);

  for (guint i = 0; i < N_VALUES; i++)
    g_object_unref (run.values[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/load/concurrent-basic", test_load_concurrent_basic);
  g_test_add_func ("/kz/load/cache-churn", test_load_cache_churn);

  return g_test_run ();
}
