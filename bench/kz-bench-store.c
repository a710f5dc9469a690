/* kz-bench-store.c: the SQLite library at 50,000 entries: import,
 * batched reads and title search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include "kz-bench.h"

/* Entries per transaction while importing. */
#define IMPORT_BATCH 1000
#define SEARCH_LIMIT 50

static gboolean
import_library (KzBench *bench)
{
  KzSyntheticLibrary *library = kz_bench_get_library (bench);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  KzBenchFigure *figure;
  KzStoreStats stats;
  gint64 fetched_at = g_get_real_time ();
  double start, elapsed, rows;

  bench->store_dir = g_build_filename (bench->work_dir, "large", NULL);
  path = g_build_filename (bench->store_dir, "library.db", NULL);
  if (!(bench->store = kz_store_open (path, &error)))
    {
      kz_bench_error (bench, "cannot create the library: %s", error->message);
      return FALSE;
    }

  start = kz_bench_seconds ();
  for (guint offset = 0; offset < library->entries->len; offset += IMPORT_BATCH)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = offset; i < MIN (offset + IMPORT_BATCH, library->entries->len); i++)
        g_ptr_array_add (batch, g_ptr_array_index (library->entries, i));

      if (!kz_store_upsert_entries (bench->store, batch, fetched_at, &error))
        {
          kz_bench_error (bench, "import failed: %s", error->message);
          g_clear_object (&bench->store);
          return FALSE;
        }
    }
  elapsed = kz_bench_seconds () - start;

  if (!kz_store_get_stats (bench->store, 0, &stats, &error))
    {
      kz_bench_error (bench, "cannot read the library's statistics: %s", error->message);
      return FALSE;
    }
  if (stats.n_full_entries != library->entries->len || stats.n_relations != library->n_relations)
    kz_bench_error (bench, "import stored %u entries and %u relations, expected %u and %u",
                    stats.n_full_entries, stats.n_relations, library->entries->len, library->n_relations);

  rows = (double) library->entries->len + library->n_relations;
  figure = kz_bench_add_figure (bench, "import", "Import (`kz_store_upsert_entries`)");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, rows / elapsed, "rows/s");
  kz_bench_figure_note (figure,
                        "%u entries and %u relations (%.0f rows) in %.2f s, %u entries per transaction; "
                        "the file is %.1f MB.",
                        library->entries->len, library->n_relations, rows, elapsed, IMPORT_BATCH,
                        stats.file_size / 1e6);

  return TRUE;
}

static gint64
random_id (KzBench *bench)
{
  KzSyntheticLibrary *library = bench->library;

  return kz_entry_get_id (g_ptr_array_index (library->entries,
                                             g_rand_int_range (bench->rand, 0, (gint32) library->entries->len)));
}

static void
pick_distinct_ids (KzBench *bench,
                   gint64  *ids,
                   guint    n_ids)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < n_ids; )
    {
      ids[i] = random_id (bench);
      if (g_hash_table_add (seen, &ids[i]))
        i++;
    }
}

static double
time_batch_read (KzBench      *bench,
                 const gint64 *ids,
                 guint         n_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  double start = kz_bench_seconds ();
  double elapsed;

  entries = kz_store_get_entries (bench->store, ids, n_ids, &error);
  elapsed = kz_bench_seconds () - start;

  if (entries == NULL)
    kz_bench_error (bench, "batch read failed: %s", error->message);
  else if (entries->len != n_ids)
    kz_bench_error (bench, "batch read gave %u entries of %u", entries->len, n_ids);

  return elapsed * 1000;
}

static double
time_single_reads (KzBench      *bench,
                   const gint64 *ids,
                   guint         n_ids)
{
  double start = kz_bench_seconds ();
  guint found = 0;

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KzEntry) entry = kz_store_get_entry (bench->store, ids[i], &error);

      if (error != NULL)
        kz_bench_error (bench, "single read failed: %s", error->message);
      found += entry != NULL;
    }

  if (found != n_ids)
    kz_bench_error (bench, "single reads found %u entries of %u", found, n_ids);

  return (kz_bench_seconds () - start) * 1000;
}

static void
measure_batch_read (KzBench *bench)
{
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) single = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_rounds = bench->quick ? 30 : 200;
  KzBenchFigure *figure;
  double batch_ms, single_ms;

  for (guint round = 0; round < n_rounds; round++)
    {
      gint64 ids[50];
      double ms;

      pick_distinct_ids (bench, ids, G_N_ELEMENTS (ids));

      /* Alternate which goes first, so neither always finds the pages warm. */
      if (round % 2 == 0)
        {
          ms = time_batch_read (bench, ids, G_N_ELEMENTS (ids));
          g_array_append_val (batch, ms);
          ms = time_single_reads (bench, ids, G_N_ELEMENTS (ids));
          g_array_append_val (single, ms);
        }
      else
        {
          ms = time_single_reads (bench, ids, G_N_ELEMENTS (ids));
          g_array_append_val (single, ms);
          ms = time_batch_read (bench, ids, G_N_ELEMENTS (ids));
          g_array_append_val (batch, ms);
        }
    }

  batch_ms = kz_bench_percentile (batch, 50);
  single_ms = kz_bench_percentile (single, 50);

  figure = kz_bench_add_figure (bench, "batch-read", "Batch read of 50 ids (`kz_store_get_entries`)");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, batch_ms, "ms");
  kz_bench_figure_set_reference (figure, single_ms, "ms", "50 × `kz_store_get_entry`");
  kz_bench_figure_set_goal (figure, single_ms / batch_ms, KZ_BENCH_GOAL_AT_LEAST, 5.0);
  kz_bench_figure_note (figure, "Medians over %u sets of 50 random ids; full entries with their relations.",
                        n_rounds);
}

static void
measure_assembly (KzBench *bench)
{
  KzSyntheticLibrary *library = bench->library;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_rounds = bench->quick ? 30 : 200;
  KzBenchFigure *figure;
  double p95, median;

  for (guint round = 0; round < n_rounds; round++)
    {
      gint64 ids[60];
      guint first = (guint) g_rand_int_range (bench->rand, 0, (gint32) (library->entries->len - G_N_ELEMENTS (ids)));
      double ms;

      /* Sixty neighbours in generation order: a large franchise and the
       * ones around it, as a franchise view loads them. */
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        ids[i] = kz_entry_get_id (g_ptr_array_index (library->entries, first + i));

      ms = time_batch_read (bench, ids, G_N_ELEMENTS (ids));
      g_array_append_val (times, ms);
    }

  median = kz_bench_percentile (times, 50);
  p95 = kz_bench_percentile (times, 95);

  figure = kz_bench_add_figure (bench, "assemble-60", "Assembling 60 entries from SQLite, p95");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_AT_MOST, 0.25);
  kz_bench_figure_note (figure,
                        "`kz_store_get_entries` of 60 ids, %u rounds, median %.2f ms. \"Well under a frame\" "
                        "is taken as a quarter of one.",
                        n_rounds, median);
}

static void
measure_search (KzBench *bench)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_rounds = bench->quick ? 60 : 300;
  guint64 n_results = 0;
  KzBenchFigure *figure;
  double p95, median;

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autofree char *prefix = kz_synthetic_library_pick_prefix (bench->library, bench->rand, 2 + round % 3);
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(GError) error = NULL;
      double start = kz_bench_seconds ();
      double ms;

      entries = kz_store_search (bench->store, prefix, SEARCH_LIMIT, &error);
      ms = (kz_bench_seconds () - start) * 1000;
      g_array_append_val (times, ms);

      if (entries == NULL)
        kz_bench_error (bench, "search for \"%s\" failed: %s", prefix, error->message);
      else if (entries->len == 0)
        kz_bench_error (bench, "search for \"%s\" found nothing", prefix);
      else
        n_results += entries->len;
    }

  median = kz_bench_percentile (times, 50);
  p95 = kz_bench_percentile (times, 95);

  figure = kz_bench_add_figure (bench, "search-p95", "Title prefix search (FTS5), p95");
  figure->synthetic = TRUE;
  kz_bench_figure_set_value (figure, p95, "ms");
  kz_bench_figure_set_reference (figure, KZ_BENCH_FRAME_MS, "ms", "one frame");
  kz_bench_figure_set_goal (figure, p95 / KZ_BENCH_FRAME_MS, KZ_BENCH_GOAL_AT_MOST, 0.2);
  kz_bench_figure_note (figure,
                        "`kz_store_search` of %u prefixes of 2, 3 and 4 letters taken from the titles, at "
                        "most %u results (the search's own cap), full entries built; median %.2f ms, "
                        "%.1f results on average.",
                        n_rounds, SEARCH_LIMIT, median, (double) n_results / n_rounds);
}

void
kz_bench_run_store (KzBench *bench)
{
  g_print ("Library: import, batched reads, search…\n");

  if (!import_library (bench))
    return;

  measure_batch_read (bench);
  measure_assembly (bench);
  measure_search (bench);
}
