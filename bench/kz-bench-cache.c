/* kz-bench-cache.c: the memory cache's hit cost, reader scaling and
 * memory per entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kz-bench.h"

#include "kz-entry-private.h"

#define N_KEYS 1000
/* Lookups cycle through this many precomputed key positions. */
#define ORDER_LENGTH 4096
#define N_ROUNDS 5

/* What the timed loops fold their results into, so no lookup is
 * optimised away. */
static volatile guintptr sink;

typedef struct {
  KzCache     *cache;
  GHashTable  *table;     /* the same keys and values, no cache around them */
  char       **keys;
  GPtrArray   *values;
} HitSet;

static guint *
make_order (GRand *rand)
{
  guint *order = g_new (guint, ORDER_LENGTH);

  for (guint i = 0; i < ORDER_LENGTH; i++)
    order[i] = (guint) g_rand_int_range (rand, 0, N_KEYS);

  return order;
}

static void
hit_set_init (HitSet *set,
              GRand  *rand)
{
  set->cache = kz_cache_new ();
  set->table = g_hash_table_new (g_str_hash, g_str_equal);
  set->keys = g_new0 (char *, N_KEYS + 1);
  set->values = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_KEYS; i++)
    {
      /* Keys as the service makes them for the basic tier: the id. */
      gint64 id = g_rand_int_range (rand, 1, 200000) * (gint64) N_KEYS + i;
      KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);

      set->keys[i] = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      g_ptr_array_add (set->values, entry);
      kz_cache_insert (set->cache, KZ_CACHE_TIER_BASIC, set->keys[i], entry, kz_entry_get_approx_size (entry));
      g_hash_table_insert (set->table, set->keys[i], entry);
    }
}

static void
hit_set_clear (HitSet *set)
{
  g_clear_object (&set->cache);
  g_clear_pointer (&set->table, g_hash_table_unref);
  g_clear_pointer (&set->values, g_ptr_array_unref);
  g_clear_pointer (&set->keys, g_strfreev);
}

/* Nanoseconds per lookup. */
static double
time_bare_lookups (HitSet      *set,
                   const guint *order,
                   guint64      n_lookups)
{
  guintptr folded = 0;
  double start = kz_bench_seconds ();

  for (guint64 i = 0; i < n_lookups; i++)
    folded ^= (guintptr) g_hash_table_lookup (set->table, set->keys[order[i & (ORDER_LENGTH - 1)]]);

  sink ^= folded;
  return (kz_bench_seconds () - start) * 1e9 / (double) n_lookups;
}

static double
time_cache_lookups (HitSet      *set,
                    const guint *order,
                    guint64      n_lookups,
                    guint64     *n_hits)
{
  guintptr folded = 0;
  guint64 hits = 0;
  double start = kz_bench_seconds ();

  for (guint64 i = 0; i < n_lookups; i++)
    {
      GObject *value = kz_cache_lookup (set->cache, KZ_CACHE_TIER_BASIC,
                                        set->keys[order[i & (ORDER_LENGTH - 1)]]);

      if (value != NULL)
        {
          hits++;
          folded ^= (guintptr) value;
          g_object_unref (value);
        }
    }

  sink ^= folded;
  *n_hits = hits;
  return (kz_bench_seconds () - start) * 1e9 / (double) n_lookups;
}

static void
measure_hit_cost (KzBench *bench,
                  HitSet  *set)
{
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cached = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree guint *order = make_order (bench->rand);
  guint64 n_lookups = bench->quick ? 200000 : 2000000;
  KzBenchFigure *figure;
  double bare_ns, cached_ns;

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      guint64 hits = 0;
      double ns;

      ns = time_bare_lookups (set, order, n_lookups);
      g_array_append_val (bare, ns);
      ns = time_cache_lookups (set, order, n_lookups, &hits);
      g_array_append_val (cached, ns);

      if (hits != n_lookups)
        kz_bench_error (bench, "cache hit: %" G_GUINT64_FORMAT " hits of %" G_GUINT64_FORMAT " lookups",
                        hits, n_lookups);
    }

  bare_ns = kz_bench_percentile (bare, 50);
  cached_ns = kz_bench_percentile (cached, 50);

  figure = kz_bench_add_figure (bench, "cache-hit", "Cache hit (`kz_cache_lookup`, TTL check, ref and unref)");
  kz_bench_figure_set_value (figure, cached_ns, "ns");
  kz_bench_figure_set_reference (figure, bare_ns, "ns", "bare `g_hash_table_lookup`");
  kz_bench_figure_set_goal (figure, cached_ns / bare_ns, KZ_BENCH_GOAL_AT_MOST, 3.0);
  kz_bench_figure_note (figure,
                        "Median of %u rounds of %" G_GUINT64_FORMAT " lookups of %u present string keys "
                        "(AniList ids, as the service keys the basic tier), one thread.",
                        N_ROUNDS, n_lookups, N_KEYS);
}

/* Each reader on its own cache line: the main thread reads the results
 * only after joining, and the readers never write near each other. */
typedef struct {
  _Alignas (64)
  HitSet  *set;
  guint   *order;
  guint64  n_lookups;
  guint64  hits;
  gint    *go;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *reader = data;
  guintptr folded = 0;
  guint64 hits = 0;

  while (!g_atomic_int_get (reader->go))
    ;

  for (guint64 i = 0; i < reader->n_lookups; i++)
    {
      GObject *value = kz_cache_lookup (reader->set->cache, KZ_CACHE_TIER_BASIC,
                                        reader->set->keys[reader->order[i & (ORDER_LENGTH - 1)]]);

      if (value != NULL)
        {
          hits++;
          folded ^= (guintptr) value;
          g_object_unref (value);
        }
    }

  reader->hits = hits;
  sink ^= folded;
  return NULL;
}

/* Like make_order(), but only keys whose position is @part modulo
 * @n_parts, so readers given different parts share no value. */
static guint *
make_partial_order (GRand *rand,
                    guint  part,
                    guint  n_parts)
{
  guint *order = g_new (guint, ORDER_LENGTH);

  for (guint i = 0; i < ORDER_LENGTH; i++)
    order[i] = (guint) g_rand_int_range (rand, 0, N_KEYS / n_parts) * n_parts + part;

  return order;
}

/* Lookups per second over @n_threads readers started together, each in
 * its own random order; with @separate, over disjoint halves of the keys. */
static double
run_readers (KzBench  *bench,
             HitSet   *set,
             guint     n_threads,
             guint64   n_lookups,
             gboolean  separate)
{
  Reader readers[2];
  GThread *threads[2];
  gint go = 0;
  double start, elapsed;

  g_assert (n_threads <= G_N_ELEMENTS (readers));

  for (guint i = 0; i < n_threads; i++)
    {
      readers[i].set = set;
      readers[i].order = separate ? make_partial_order (bench->rand, i, n_threads) : make_order (bench->rand);
      readers[i].n_lookups = n_lookups;
      readers[i].hits = 0;
      readers[i].go = &go;
      threads[i] = g_thread_new ("bench-reader", reader_thread, &readers[i]);
    }

  start = kz_bench_seconds ();
  g_atomic_int_set (&go, 1);
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  elapsed = kz_bench_seconds () - start;

  for (guint i = 0; i < n_threads; i++)
    {
      if (readers[i].hits != n_lookups)
        kz_bench_error (bench, "cache readers: %" G_GUINT64_FORMAT " hits of %" G_GUINT64_FORMAT,
                        readers[i].hits, n_lookups);
      g_free (readers[i].order);
    }

  return (double) (n_threads * n_lookups) / elapsed;
}

static double
load_average (void)
{
  double load[1];

  return getloadavg (load, 1) == 1 ? load[0] : NAN;
}

static void
measure_reader_scaling (KzBench *bench,
                        HitSet  *set)
{
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) two = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) two_separate = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 n_lookups = bench->quick ? 300000 : 10000000;
  KzBenchFigure *figure;
  double one_rate, two_rate, separate_rate;
  double load_before, load_after;

  load_before = load_average ();

  /* Interleaved, so a change in the machine's load hits all three. */
  for (guint round = 0; round < N_ROUNDS; round++)
    {
      double rate;

      rate = run_readers (bench, set, 1, n_lookups, FALSE) / 1e6;
      g_array_append_val (one, rate);
      rate = run_readers (bench, set, 2, n_lookups, FALSE) / 1e6;
      g_array_append_val (two, rate);
      rate = run_readers (bench, set, 2, n_lookups, TRUE) / 1e6;
      g_array_append_val (two_separate, rate);
    }

  load_after = load_average ();
  one_rate = kz_bench_percentile (one, 50);
  two_rate = kz_bench_percentile (two, 50);
  separate_rate = kz_bench_percentile (two_separate, 50);

  figure = kz_bench_add_figure (bench, "cache-threads", "Cache hit throughput, 2 reader threads");
  kz_bench_figure_set_value (figure, two_rate, "M lookups/s");
  kz_bench_figure_set_reference (figure, one_rate, "M lookups/s", "1 reader thread");
  kz_bench_figure_set_goal (figure, two_rate / one_rate, KZ_BENCH_GOAL_AT_LEAST, 1.6);
  kz_bench_figure_note (figure,
                        "Median of %u rounds; each thread does %" G_GUINT64_FORMAT " lookups of the same %u keys "
                        "in its own random order, both released together. Every hit writes the value's "
                        "reference count (the reference the caller gets and drops), so two threads "
                        "using the same values move those cache lines between processors. %u processors "
                        "here, load average %.1f before and %.1f after: two readers can only scale when "
                        "nothing else runs.",
                        N_ROUNDS, n_lookups, N_KEYS, g_get_num_processors (), load_before, load_after);

  figure = kz_bench_add_figure (bench, "cache-threads-separate",
                                "Cache hit throughput, 2 reader threads on separate keys");
  kz_bench_figure_set_value (figure, separate_rate, "M lookups/s");
  kz_bench_figure_set_reference (figure, one_rate, "M lookups/s", "1 reader thread");
  kz_bench_figure_set_goal (figure, separate_rate / one_rate, KZ_BENCH_GOAL_NONE, NAN);
  kz_bench_figure_note (figure,
                        "As above, but each thread looks up its own half of the keys, so no value is "
                        "shared: what the cache itself costs two readers, without the values' "
                        "reference counts moving between processors.");
}

typedef struct {
  gsize own;           /* the entry's fields */
  gsize description;
  gsize stubs;         /* its relation targets */
  guint relations;
} EntrySize;

static void
add_entry_size (EntrySize *size,
                KzEntry   *entry)
{
  gsize total = kz_entry_get_approx_size (entry);
  gsize stubs = 0;
  guint n_relations;
  const KzRelation *relations = kz_entry_get_relations (entry, &n_relations);

  for (guint i = 0; i < n_relations; i++)
    stubs += kz_entry_get_approx_size (relations[i].target);

  size->own += total - stubs;
  size->stubs += stubs;
  size->relations += n_relations;
  if (kz_entry_get_description (entry) != NULL)
    size->description += strlen (kz_entry_get_description (entry)) + 1;
}

static void
measure_memory (KzBench *bench)
{
  KzSyntheticLibrary *library = kz_bench_get_library (bench);
  guint n_entries = MIN (bench->quick ? 500 : 5000, library->entries->len);
  g_autoptr(KzCache) cache = kz_cache_new ();
  g_autoptr(GPtrArray) copies = g_ptr_array_sized_new (n_entries);
  g_auto(GStrv) keys = g_new0 (char *, n_entries + 1);
  guint stride = library->entries->len / n_entries;
  EntrySize size = { 0, };
  KzCacheTierStats stats;
  KzBenchFigure *figure;
  size_t before, built, after;
  double per_entry, heap_per_entry, cache_share;

  for (guint i = 0; i < n_entries; i++)
    keys[i] = g_strdup_printf ("%" G_GINT64_FORMAT,
                               kz_entry_get_id (g_ptr_array_index (library->entries, i * stride)));

  /* mallinfo2 sees the main thread's arena: build and insert here. */
  before = mallinfo2 ().uordblks;
  for (guint i = 0; i < n_entries; i++)
    g_ptr_array_add (copies, kz_synthetic_copy_entry (g_ptr_array_index (library->entries, i * stride)));
  built = mallinfo2 ().uordblks;

  for (guint i = 0; i < n_entries; i++)
    {
      KzEntry *entry = g_ptr_array_index (copies, i);

      add_entry_size (&size, entry);
      kz_cache_insert (cache, KZ_CACHE_TIER_BASIC, keys[i], entry, kz_entry_get_approx_size (entry));
      g_object_unref (entry);
    }
  g_ptr_array_set_size (copies, 0);
  after = mallinfo2 ().uordblks;

  kz_cache_get_stats (cache, KZ_CACHE_TIER_BASIC, &stats);
  if (stats.entries != n_entries)
    kz_bench_error (bench, "cache memory: %u entries in the basic tier, expected %u", stats.entries, n_entries);

  per_entry = (double) stats.approx_bytes / n_entries;
  heap_per_entry = ((double) after - (double) before) / n_entries;
  cache_share = ((double) after - (double) built) / n_entries;

  figure = kz_bench_add_figure (bench, "cache-memory", "Cache memory per basic entry (the tier's accounting)");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, per_entry, "B");
  kz_bench_figure_set_reference (figure, 500, "B", "original estimate");
  kz_bench_figure_set_goal (figure, per_entry / 500.0, KZ_BENCH_GOAL_AT_MOST, 1.0);
  kz_bench_figure_note (figure,
                        "%u full synthetic entries with %.1f relations each, every relation target a stub "
                        "of its own as the parser builds them. Per entry: own fields %.0f B (of which the "
                        "description %.0f B), relation stubs %.0f B, cache item and key %.0f B.",
                        n_entries, (double) size.relations / n_entries,
                        (double) size.own / n_entries, (double) size.description / n_entries,
                        (double) size.stubs / n_entries,
                        per_entry - (double) (size.own + size.stubs) / n_entries);

  figure = kz_bench_add_figure (bench, "cache-memory-heap", "Cache memory per basic entry (heap growth, mallinfo2)");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, heap_per_entry, "B");
  kz_bench_figure_set_reference (figure, 500, "B", "original estimate");
  kz_bench_figure_set_goal (figure, heap_per_entry / 500.0, KZ_BENCH_GOAL_AT_MOST, 1.0);
  kz_bench_figure_note (figure,
                        "In-use heap bytes from before building the %u entries to after inserting them "
                        "and dropping every other reference; the cache's own share (items, keys, table "
                        "slots) is %.0f B per entry.",
                        n_entries, cache_share);
}

void
kz_bench_run_cache (KzBench *bench)
{
  HitSet set = { NULL, };

  g_print ("Cache: hit cost, reader threads, memory…\n");

  hit_set_init (&set, bench->rand);
  measure_hit_cost (bench, &set);
  measure_reader_scaling (bench, &set);
  hit_set_clear (&set);

  measure_memory (bench);
}
