/* kz-bench-discovery.c: discovering a franchise from the provider, two
 * levels per request where AniList allows, against one request per entry
 * and one request per level, and the same franchise again from the local
 * library; then a deep made-up sequel chain, two levels per request
 * against one
 *
 * The stand-ins serve the bundled snapshot (and the chain) in process
 * with AniList's latency; every walk gets a limiter of its own with the
 * same pace.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <math.h>


#include "kz-bench.h"
#include "kz-mock-anilist.h"
#include "kz-mock-snapshot.h"
#include "kz-relations-service-private.h"

/* Detective Conan: the largest franchise in the bundled snapshot. */
#define ROOT_ID 235
#define LATENCY_MS 150
#define QUICK_LATENCY_MS 10
#define QUICK_RPM 6000.0
/* The made-up chain: seasons CHAIN_FIRST … , each the sequel of the last */
#define CHAIN_FIRST 900001
#define CHAIN_LENGTH 20

typedef struct {
  double        seconds;
  guint         requests;
  guint         n_nodes;
  guint         depth;
  gboolean      complete;
  KzResultFlags flags;
} Walk;

typedef struct {
  KzMockAniList *mock;
  double         rpm;
  guint          burst;
  gint64         root_id;
  const KzFranchiseOptions *options;  /* NULL: the app's defaults */
} StandIn;

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* @two_levels FALSE: the provider asks one level per request. */
static KzProvider *
new_provider (KzBench  *bench,
              StandIn  *stand_in,
              gboolean  two_levels)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (stand_in->rpm, stand_in->burst);
  g_autofree char *url = kz_mock_anilist_dup_url (stand_in->mock);
  g_autoptr(GError) error = NULL;
  KzAniListProvider *provider;

  if (!(provider = kz_anilist_provider_new (url, limiter, &error)))
    kz_bench_error (bench, "cannot talk to the stand-in: %s", error->message);
  else if (!two_levels)
    kz_anilist_provider_set_lookahead_batch (provider, 0);

  return (KzProvider *) provider;
}

static KzStore *
open_store (KzBench    *bench,
            const char *name)
{
  g_autofree char *path = g_build_filename (bench->work_dir, name, "library.db", NULL);
  g_autoptr(GError) error = NULL;
  KzStore *store;

  if (!(store = kz_store_open (path, &error)))
    kz_bench_error (bench, "cannot create a library: %s", error->message);

  return store;
}

/* Asks @service for the franchise of the stand-in's root and waits. */
static gboolean
run_walk (KzBench            *bench,
          KzRelationsService *service,
          StandIn            *stand_in,
          Walk               *walk)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  double start;

  kz_mock_anilist_reset_counters (stand_in->mock);

  start = kz_bench_seconds ();
  kz_relations_service_get_franchise_async (service, stand_in->root_id, stand_in->options, KZ_FETCH_DEFAULT,
                                            NULL, NULL, NULL, store_result, &result);
  kz_bench_await (&result);
  graph = kz_relations_service_get_franchise_finish (service, result, &walk->flags, &error);
  walk->seconds = kz_bench_seconds () - start;
  walk->requests = kz_mock_anilist_get_request_count (stand_in->mock);

  if (graph == NULL)
    {
      kz_bench_error (bench, "franchise of %" G_GINT64_FORMAT ": %s", stand_in->root_id, error->message);
      return FALSE;
    }

  walk->n_nodes = kz_franchise_graph_get_n_nodes (graph);
  walk->depth = kz_franchise_graph_get_max_depth (graph);
  walk->complete = kz_franchise_graph_is_complete (graph);

  return TRUE;
}

/* A cold walk: empty cache, empty library. */
static gboolean
cold_walk (KzBench    *bench,
           StandIn    *stand_in,
           const char *name,
           guint       batch_size,
           gboolean    two_levels,
           KzStore   **store_out,
           Walk       *walk)
{
  g_autoptr(KzProvider) provider = new_provider (bench, stand_in, two_levels);
  g_autoptr(KzStore) store = open_store (bench, name);
  g_autoptr(KzCache) cache = kz_cache_new ();
  g_autoptr(KzRelationsService) service = NULL;

  if (provider == NULL || store == NULL)
    return FALSE;

  service = kz_relations_service_new (cache, store, provider);
  _kz_relations_service_set_batch_size (service, batch_size);

  if (!run_walk (bench, service, stand_in, walk))
    return FALSE;

  if (walk->flags != KZ_RESULT_FROM_PROVIDER || !walk->complete)
    kz_bench_error (bench, "the %s walk was not a complete walk of the provider (flags %x)", name, walk->flags);

  if (store_out != NULL)
    *store_out = g_steal_pointer (&store);

  return TRUE;
}

static void
measure_library (KzBench *bench,
                 StandIn *stand_in,
                 KzStore *store,
                 Walk    *cold)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(KzProvider) provider = new_provider (bench, stand_in, TRUE);
  guint n_rounds = bench->quick ? 3 : 15;
  KzBenchFigure *figure;
  double library_ms, cold_ms = cold->seconds * 1000;

  for (guint round = 0; round < n_rounds && provider != NULL; round++)
    {
      g_autoptr(KzCache) cache = kz_cache_new ();
      g_autoptr(KzRelationsService) service = kz_relations_service_new (cache, store, provider);
      Walk walk = { 0, };
      double ms;

      if (!run_walk (bench, service, stand_in, &walk))
        return;

      if (walk.flags != KZ_RESULT_FROM_LIBRARY || walk.requests != 0 || walk.n_nodes != cold->n_nodes)
        kz_bench_error (bench, "the franchise did not come whole from the library "
                        "(flags %x, %u requests, %u entries)", walk.flags, walk.requests, walk.n_nodes);

      ms = walk.seconds * 1000;
      g_array_append_val (times, ms);
    }

  library_ms = kz_bench_percentile (times, 50);

  figure = kz_bench_add_figure (bench, "library-franchise", "Franchise from the library, memory cache empty");
  kz_bench_figure_set_value (figure, library_ms, "ms");
  kz_bench_figure_set_reference (figure, cold_ms, "ms", "cold discovery");
  kz_bench_figure_set_goal (figure, cold_ms / library_ms, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (figure,
                        "`get_franchise` with a new, empty cache over the library the cold walk filled; "
                        "median of %u, no request sent. Ratio: how many times faster than discovering it.",
                        n_rounds);
}

/* The deep chain, two levels per request against one, same pacing. */
static void
measure_chain (KzBench       *bench,
               const StandIn *pace,
               const char    *setting)
{
  g_autoptr(GBytes) snapshot = kz_mock_snapshot_new_chain (CHAIN_FIRST, CHAIN_LENGTH);
  g_autoptr(GError) error = NULL;
  StandIn stand_in = *pace;
  KzFranchiseOptions options;
  Walk two = { 0, };
  Walk one = { 0, };
  KzBenchFigure *figure;
  guint levels;

  /* The app stops at depth 12 by default; the chain is walked whole. */
  kz_franchise_options_init_default (&options);
  options.max_depth = 0;
  stand_in.options = &options;
  stand_in.root_id = CHAIN_FIRST;
  stand_in.mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  if (stand_in.mock == NULL || !kz_mock_anilist_start (stand_in.mock, 0, &error))
    {
      kz_bench_error (bench, "cannot start the chain's stand-in: %s", error->message);
      goto out;
    }
  kz_mock_anilist_set_latency (stand_in.mock, bench->quick ? QUICK_LATENCY_MS : LATENCY_MS);

  g_print ("Discovery: a %u-season chain, two levels per request, then one…\n", CHAIN_LENGTH);
  if (!cold_walk (bench, &stand_in, "chain-two-levels", 0, TRUE, NULL, &two) ||
      !cold_walk (bench, &stand_in, "chain-one-level", 0, FALSE, NULL, &one))
    goto out;

  if (two.n_nodes != CHAIN_LENGTH || one.n_nodes != CHAIN_LENGTH)
    kz_bench_error (bench, "the chain walks found %u and %u seasons, not %u",
                    two.n_nodes, one.n_nodes, CHAIN_LENGTH);

  levels = two.depth + 1;
  figure = kz_bench_add_figure (bench, "chain-requests", "Deep sequel chain: requests *(synthetic)*");
  kz_bench_figure_set_value (figure, two.requests, "requests");
  kz_bench_figure_set_reference (figure, levels, "requests", "its levels (depth + 1)");
  kz_bench_figure_set_goal (figure, (double) two.requests / levels, KZ_BENCH_GOAL_AT_MOST, 0.99);
  kz_bench_figure_note (figure,
                        "A made-up chain of %u seasons (SEQUEL/PREQUEL), depth %u, served by its own "
                        "stand-in. Goal: fewer requests than levels; the one-level walk took %u. %s",
                        CHAIN_LENGTH, two.depth, one.requests, setting);

  figure = kz_bench_add_figure (bench, "chain-time", "Deep sequel chain: wall time *(synthetic)*");
  kz_bench_figure_set_value (figure, two.seconds, "s");
  kz_bench_figure_set_reference (figure, one.seconds, "s", "one level per request");
  kz_bench_figure_set_goal (figure, one.seconds / two.seconds, KZ_BENCH_GOAL_NONE, NAN);

out:
  g_clear_object (&stand_in.mock);
}

void
kz_bench_run_discovery (KzBench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KzStore) batched_store = NULL;
  StandIn stand_in = { NULL, };
  Walk batched = { 0, };
  Walk one_level = { 0, };
  Walk naive = { 0, };
  KzBenchFigure *figure;
  g_autofree char *setting = NULL;
  guint bound;

  stand_in.mock = kz_mock_anilist_new ();
  stand_in.root_id = ROOT_ID;
  if (!kz_mock_anilist_start (stand_in.mock, 0, &error))
    {
      kz_bench_error (bench, "cannot start the stand-in: %s", error->message);
      g_clear_object (&stand_in.mock);
      return;
    }

  if (bench->quick)
    {
      kz_mock_anilist_set_latency (stand_in.mock, QUICK_LATENCY_MS);
      stand_in.rpm = QUICK_RPM;
      stand_in.burst = KZ_ANILIST_DEFAULT_BURST;
      setting = g_strdup_printf ("Quick run: %u ms latency and a fast limiter (%.0f/min, burst %u), "
                                 "not AniList's pacing.", QUICK_LATENCY_MS, QUICK_RPM, stand_in.burst);
    }
  else
    {
      kz_mock_anilist_set_latency (stand_in.mock, LATENCY_MS);
      stand_in.rpm = KZ_ANILIST_DEFAULT_RPM;
      stand_in.burst = KZ_ANILIST_DEFAULT_BURST;
      setting = g_strdup_printf ("Stand-in in process, %u ms latency; both walks paced at AniList's "
                                 "%.0f/min with a burst of %u (a fresh limiter each).",
                                 LATENCY_MS, stand_in.rpm, stand_in.burst);
    }

  g_print ("Discovery: batched walk, two levels per request…\n");
  if (!cold_walk (bench, &stand_in, "discovery-batched", 0, TRUE, &batched_store, &batched))
    goto out;

  g_print ("Discovery: batched walk, one level per request…\n");
  if (!cold_walk (bench, &stand_in, "discovery-one-level", 0, FALSE, NULL, &one_level))
    goto out;

  g_print ("Discovery: one request per entry (%s)…\n",
           bench->quick ? "quick pacing" : "about two minutes at AniList's pace");
  if (!cold_walk (bench, &stand_in, "discovery-naive", 1, FALSE, NULL, &naive))
    goto out;

  if (naive.n_nodes != batched.n_nodes || one_level.n_nodes != batched.n_nodes)
    kz_bench_error (bench, "the walks disagree: %u entries batched, %u one level at a time, %u one by one",
                    batched.n_nodes, one_level.n_nodes, naive.n_nodes);

  bound = batched.depth + 1 + (batched.n_nodes + 49) / 50;

  figure = kz_bench_add_figure (bench, "discovery-requests", "Cold franchise discovery: requests");
  kz_bench_figure_set_value (figure, batched.requests, "requests");
  kz_bench_figure_set_reference (figure, naive.requests, "requests", "one per entry");
  kz_bench_figure_set_goal (figure, (double) naive.requests / batched.requests, KZ_BENCH_GOAL_AT_LEAST, 8.0);
  kz_bench_figure_note (figure, "Detective Conan (AniList %d) from the bundled snapshot: %u entries, depth %u. "
                        "Two levels per request where AniList's complexity cap allows. %s",
                        ROOT_ID, batched.n_nodes, batched.depth, setting);

  figure = kz_bench_add_figure (bench, "discovery-requests-levels", "Cold franchise discovery: requests, two levels per request");
  kz_bench_figure_set_value (figure, batched.requests, "requests");
  kz_bench_figure_set_reference (figure, one_level.requests, "requests", "one level per request");
  kz_bench_figure_set_goal (figure, (double) one_level.requests / batched.requests, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (figure, "The same walk with the provider asking one level per request "
                        "took %.2f s.", one_level.seconds);

  figure = kz_bench_add_figure (bench, "discovery-request-bound", "Cold franchise discovery: requests against the bound");
  kz_bench_figure_set_value (figure, batched.requests, "requests");
  kz_bench_figure_set_reference (figure, bound, "requests", "depth + 1 + ⌈entries/50⌉");
  kz_bench_figure_set_goal (figure, (double) batched.requests / bound, KZ_BENCH_GOAL_AT_MOST, 1.0);

  figure = kz_bench_add_figure (bench, "discovery-time", "Cold franchise discovery: wall time");
  kz_bench_figure_set_value (figure, batched.seconds, "s");
  kz_bench_figure_set_reference (figure, naive.seconds, "s", "one per entry");
  kz_bench_figure_set_goal (figure, naive.seconds / batched.seconds, KZ_BENCH_GOAL_AT_LEAST, 5.0);
  kz_bench_figure_note (figure, "Both walks under the same pacing; the time is mostly waiting for the limiter.");

  measure_library (bench, &stand_in, batched_store, &batched);
  measure_chain (bench, &stand_in, setting);

out:
  g_clear_object (&stand_in.mock);
}
