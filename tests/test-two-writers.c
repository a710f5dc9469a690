/* test-two-writers.c: the app and kizuna-cli on one library at once
 *
 * This process plays the app: one KzStore, a relations service fetching
 * franchises from a KzMockAniList on 127.0.0.1, and an import thread
 * saving batches (kz-test-batch.h) all along. In each round two
 * kizuna-cli processes fetch and refresh other franchises into the same
 * library, while a plain SQLite connection holds the write lock for a
 * while, as a long save would. Everyone must succeed, waiting for the
 * lock rather than failing, and everything all of them saved must be in
 * the library afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "kizuna-core.h"
#include "kz-mock-anilist.h"
#include "kz-store-recovery.h"
#include "kz-test-batch.h"

#define N_ROUNDS        8
/* Franchise f: a TV series (its root), a sequel and a side story. */
#define FRANCHISE_BASE  960000
#define N_FRANCHISES    (3 * N_ROUNDS)
/* How long the plain connection keeps others waiting for the lock: well
 * within the library's busy timeout. */
#define LOCK_HOLD_MS    300

static gint64
franchise_root (guint franchise)
{
  return FRANCHISE_BASE + 10 * franchise + 1;
}

static void
append_media (GString    *json,
              gint64      id,
              const char *format,
              int         year,
              guint       franchise,
              const char *part,
              const char *edges)
{
  g_string_append_printf (json,
                          "{\"id\": %" G_GINT64_FORMAT ", \"type\": \"ANIME\", \"format\": \"%s\","
                          " \"status\": \"FINISHED\","
                          " \"title\": {\"romaji\": \"Futari Kakite %u: %s\"},"
                          " \"episodes\": 12, \"seasonYear\": %d,"
                          " \"startDate\": {\"year\": %d, \"month\": 4, \"day\": 1},"
                          " \"updatedAt\": 1700000000,"
                          " \"siteUrl\": \"https://anilist.co/anime/%" G_GINT64_FORMAT "\","
                          " \"relations\": {\"edges\": [%s]}}",
                          id, format, franchise, part, year, year, id, edges);
}

static char *
edge (const char *type,
      gint64      id,
      const char *format,
      int         year)
{
  return g_strdup_printf ("{\"relationType\": \"%s\", \"node\": {\"id\": %" G_GINT64_FORMAT ","
                          " \"type\": \"ANIME\", \"format\": \"%s\", \"status\": \"FINISHED\","
                          " \"title\": {\"romaji\": \"Futari Kakite\"},"
                          " \"startDate\": {\"year\": %d, \"month\": 4, \"day\": 1},"
                          " \"seasonYear\": %d}}",
                          type, id, format, year, year);
}

/* The bundled snapshot with the test's franchises added. */
static GBytes *
build_snapshot (void)
{
  g_autoptr(GBytes) bundled = kz_bundled_get_snapshot ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *media;
  char *data;
  gsize length;

  json_parser_load_from_data (parser, g_bytes_get_data (bundled, NULL), g_bytes_get_size (bundled), &error);
  g_assert_no_error (error);
  media = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "media");
  g_assert_nonnull (media);

  for (guint f = 0; f < N_FRANCHISES; f++)
    {
      gint64 root = franchise_root (f);
      int year = 2001 + f % 20;
      g_autofree char *to_sequel = edge ("SEQUEL", root + 1, "TV", year + 2);
      g_autofree char *to_side = edge ("SIDE_STORY", root + 2, "OVA", year + 1);
      g_autofree char *to_root_prequel = edge ("PREQUEL", root, "TV", year);
      g_autofree char *to_root_parent = edge ("PARENT", root, "TV", year);
      g_autofree char *root_edges = g_strconcat (to_sequel, ", ", to_side, NULL);
      struct {
        gint64      id;
        const char *format;
        int         year;
        const char *part;
        const char *edges;
      } parts[] = {
        { root, "TV", year, "Hajimari", root_edges },
        { root + 1, "TV", year + 2, "Tsuzuki", to_root_prequel },
        { root + 2, "OVA", year + 1, "Yoru no Hanashi", to_root_parent },
      };

      for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
        {
          g_autoptr(GString) json = g_string_new (NULL);
          g_autoptr(JsonParser) one = json_parser_new ();

          append_media (json, parts[p].id, parts[p].format, parts[p].year, f, parts[p].part, parts[p].edges);
          json_parser_load_from_data (one, json->str, json->len, &error);
          g_assert_no_error (error);
          json_array_add_element (media, json_node_copy (json_parser_get_root (one)));
        }
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

/* The import thread */

typedef struct {
  KzStore  *store;
  gint      stop;
  gint      n_batches;  /* saved so far */
} Importer;

static gpointer
import_thread (gpointer data)
{
  Importer *importer = data;

  for (guint batch = 1; !g_atomic_int_get (&importer->stop); batch++)
    {
      g_autoptr(GPtrArray) entries = batch_build (batch, batch);
      g_autoptr(GError) error = NULL;
      gint64 began = g_get_monotonic_time ();

      g_assert_true (kz_store_upsert_entries (importer->store, entries, batch, &error));
      g_assert_no_error (error);
      g_atomic_int_set (&importer->n_batches, (gint) batch);

      /* an app saves between other work, not back to back: at most half
       * of the time, however slow the machine (or valgrind) is */
      g_usleep (MAX (5 * 1000, g_get_monotonic_time () - began));
    }

  return NULL;
}

/* A plain connection holding the write lock */

static gpointer
hold_lock_thread (gpointer data)
{
  const char *path = data;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10 * 1000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_usleep (LOCK_HOLD_MS * 1000);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  return NULL;
}

/* kizuna-cli */

typedef struct {
  gboolean  done;
  int       status;
  char     *out;
  char     *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
communicate_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  run->done = TRUE;
}

static void
spawn_cli (const char *url,
           const char *data_dir,
           const char *command,
           gint64      id,
           CliRun     *run)
{
  const char *binary = g_getenv ("KIZUNA_CLI");
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (binary);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_URL", url, TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_RPM", "6000", TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, binary, "--data-dir", data_dir,
                                         command, id_text, NULL);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_done, run);
}

/* The app's side */

typedef struct {
  gboolean          done;
  KzFranchiseGraph *graph;
  KzResultFlags     flags;
  GError           *error;
} Fetch;

static void
franchise_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fetch *fetch = user_data;

  fetch->graph = kz_relations_service_get_franchise_finish (KZ_RELATIONS_SERVICE (object), result,
                                                            &fetch->flags, &fetch->error);
  fetch->done = TRUE;
}

/* Checking, with a connection of its own */

static gint64
query_int (sqlite3    *db,
           const char *sql,
           gint64      a,
           gint64      b)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* All three titles in full, and the franchise saved whole. */
static void
assert_franchise_stored (sqlite3 *db,
                         guint    franchise,
                         gint64   fetched_after)
{
  gint64 root = franchise_root (franchise);

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?1 + 2"
                                  " AND detail = 1", root, 0), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT min(fetched_at) FROM fetch_meta WHERE entry_id BETWEEN ?1 AND ?1 + 2",
                              root, 0), >=, fetched_after);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM franchises f WHERE f.root_id = ?1 AND f.complete = 1"
                                  " AND (SELECT count(*) FROM franchise_nodes n WHERE n.franchise_key = f.key) = 3",
                              root, 0), >=, 1);
}

static void
test_app_and_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("kizuna-two-writers-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) snapshot = build_snapshot ();
  g_autoptr(KzMockAniList) mock = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzCache) cache = NULL;
  g_autoptr(KzAniListProvider) provider = NULL;
  g_autoptr(KzRelationsService) service = NULL;
  g_autofree char *recovered = NULL;
  gint64 started = g_get_real_time ();
  gint64 round_started[N_ROUNDS];
  Importer importer = { 0 };
  GThread *importing;
  sqlite3 *db = NULL;
  guint n_added = 0;
  guint n_cli = 0;

  g_assert_no_error (error);
  path = g_build_filename (data_dir, "library.db", NULL);

  mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  g_assert_no_error (error);
  g_assert_true (kz_mock_anilist_start (mock, 0, &error));
  g_assert_no_error (error);
  url = kz_mock_anilist_dup_url (mock);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  /* the app starts first, as a person would have it */
  store = kz_store_open_or_recover (path, &recovered, &error);
  g_assert_no_error (error);
  g_assert_null (recovered);
  g_assert_true (kz_bundled_seed_store (store, &n_added, &error));
  g_assert_cmpuint (n_added, >, 0);
  cache = kz_cache_new ();
  provider = kz_anilist_provider_new (url, NULL, &error);
  g_assert_no_error (error);
  service = kz_relations_service_new (cache, store, KZ_PROVIDER (provider));

  importer.store = store;
  importing = g_thread_new ("import", import_thread, &importer);

  /* round r: the app fetches franchise 3r, one kizuna-cli 3r + 1, and the
   * other refreshes 3r - 2, which the first fetched a round before */
  for (guint r = 0; r < N_ROUNDS; r++)
    {
      KzFranchiseOptions options;
      CliRun fetch_run = { 0 };
      CliRun refresh_run = { 0 };
      Fetch fetch = { 0 };
      GThread *holding;
      gint imported = g_atomic_int_get (&importer.n_batches);

      round_started[r] = g_get_real_time ();
      holding = g_thread_new ("hold", hold_lock_thread, path);

      spawn_cli (url, data_dir, "franchise", franchise_root (3 * r + 1), &fetch_run);
      n_cli++;
      if (r > 0)
        {
          spawn_cli (url, data_dir, "refresh", franchise_root (3 * r - 2), &refresh_run);
          n_cli++;
        }
      else
        refresh_run.done = TRUE;

      kz_franchise_options_init_default (&options);
      kz_relations_service_get_franchise_async (service, franchise_root (3 * r), &options,
                                                KZ_FETCH_REFRESH, NULL, NULL, NULL,
                                                franchise_done, &fetch);

      while (!fetch.done || !fetch_run.done || !refresh_run.done)
        g_main_context_iteration (NULL, TRUE);
      g_thread_join (holding);
      /* the import thread began a save during the round too */
      while (g_atomic_int_get (&importer.n_batches) <= imported + 1)
        g_usleep (10 * 1000);

      g_assert_no_error (fetch.error);
      g_assert_nonnull (fetch.graph);
      g_assert_cmpuint (kz_franchise_graph_get_n_nodes (fetch.graph), ==, 3);
      g_assert_true (fetch.flags & KZ_RESULT_FROM_PROVIDER);
      g_assert_false (fetch.flags & KZ_RESULT_STALE);
      g_clear_object (&fetch.graph);

      /* both runs succeeded, without a word on stderr (a save that
       * failed would have warned there) */
      g_test_message ("round %u: franchise: %s%s", r, fetch_run.out, fetch_run.err);
      g_assert_cmpint (fetch_run.status, ==, 0);
      g_assert_cmpstr (fetch_run.err, ==, "");
      g_assert_nonnull (strstr (fetch_run.out, "Futari Kakite"));
      if (r > 0)
        {
          g_test_message ("round %u: refresh: %s%s", r, refresh_run.out, refresh_run.err);
          g_assert_cmpint (refresh_run.status, ==, 0);
          g_assert_cmpstr (refresh_run.err, ==, "");
          g_assert_true (g_str_has_prefix (refresh_run.out, "Refreshed 3 titles of Futari Kakite"));
        }

      cli_run_clear (&fetch_run);
      cli_run_clear (&refresh_run);
    }

  g_atomic_int_set (&importer.stop, TRUE);
  g_thread_join (importing);
  g_assert_cmpint (importer.n_batches, >=, 2 * N_ROUNDS);
  g_test_message ("%u kizuna-cli runs, %u franchises fetched here, %d batches imported here",
                  n_cli, N_ROUNDS, importer.n_batches);

  g_clear_object (&service);
  g_clear_object (&store);

  /* everything everyone saved */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE detail = 1 AND id < ?1", FRANCHISE_BASE, 0),
                   ==, n_added);
  for (guint r = 0; r < N_ROUNDS; r++)
    {
      /* the app's fetch; the cli's, refreshed in the next round but the last */
      assert_franchise_stored (db, 3 * r, round_started[r]);
      assert_franchise_stored (db, 3 * r + 1,
                               r + 1 < N_ROUNDS ? round_started[r + 1] : round_started[r]);
      /* nobody fetched the third */
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE id = ?1",
                                  franchise_root (3 * r + 2), 0), ==, 0);
    }
  for (guint batch = 1; batch <= (guint) importer.n_batches; batch++)
    g_assert_cmpint (query_int (db, "SELECT count(*) FROM fetch_meta WHERE entry_id BETWEEN ?1 AND ?1 + 199"
                                    " AND fetched_at = ?2",
                                batch_first_id (batch), batch), ==, BATCH_SIZE);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE detail = 1 AND id >= ?1", BATCH_BASE_ID, 0),
                   ==, (gint64) importer.n_batches * BATCH_SIZE);
  sqlite3_close (db);

  g_test_message ("took %.1f s", (g_get_real_time () - started) / (double) G_USEC_PER_SEC);

  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

        g_remove (file);
      }
  }
  g_assert_cmpint (g_rmdir (data_dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* the stand-in answers at once: no need to pace requests to it */
  g_setenv ("KIZUNA_ANILIST_RPM", "6000", TRUE);

  g_test_add_func ("/kz/two-writers/app-and-cli", test_app_and_cli);

  return g_test_run ();
}
