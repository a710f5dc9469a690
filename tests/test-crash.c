/* test-crash.c: a library survives its writer being killed
 *
 * kz-test-writer imports and refreshes batches (kz-test-batch.h) into a
 * library and is killed with SIGKILL at a random moment, again and
 * again. After each kill the library must open, pass SQLite's full
 * integrity check, and hold every batch either whole or not at all, at a
 * revision the writer really wrote, and no older than the last one it
 * saw committed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "kizuna-core.h"
#include "kz-test-batch.h"

#define N_KILLS          60
/* The writer is killed after a random number of its lines (up to six
 * make a batch, its franchise and a refresh), a random time later: at
 * any point of a write, whatever the machine's speed. */
#define MAX_LINES        8
#define MAX_DELAY_MS     25
/* One kill in this many comes without waiting for the first write, so
 * that some land while the library is opened and its log replayed. */
#define EARLY_KILL_EVERY 5

/* What the writer said, over all its runs. */
typedef struct {
  GArray     *committed;   /* guint64 per batch: newest revision committed, 0 none */
  GArray     *franchised;  /* gboolean per batch: franchise committed */
  GHashTable *begun;       /* "K R" of every write started */
  GHashTable *touched;     /* batches the last run began to write */
  guint64     max_revision;
  guint       n_refreshes; /* refreshes begun */
  guint       n_mid_write; /* kills that came between "begin" and its commit */
} Ledger;

static void
ledger_clear (Ledger *ledger)
{
  g_clear_pointer (&ledger->committed, g_array_unref);
  g_clear_pointer (&ledger->franchised, g_array_unref);
  g_clear_pointer (&ledger->begun, g_hash_table_unref);
  g_clear_pointer (&ledger->touched, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ledger, ledger_clear)

static void
ledger_init (Ledger *ledger)
{
  ledger->committed = g_array_new (FALSE, TRUE, sizeof (guint64));
  ledger->franchised = g_array_new (FALSE, TRUE, sizeof (gboolean));
  ledger->begun = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ledger->touched = g_hash_table_new (NULL, NULL);
}

static void
ledger_grow (Ledger *ledger,
             guint   batch)
{
  if (ledger->committed->len <= batch)
    g_array_set_size (ledger->committed, batch + 1);
  if (ledger->franchised->len <= batch)
    g_array_set_size (ledger->franchised, batch + 1);
}

static char *
begun_key (guint   batch,
           guint64 revision)
{
  return g_strdup_printf ("%u %" G_GUINT64_FORMAT, batch, revision);
}

/* One run's stdout; the last line may be cut short by the kill. */
static void
ledger_read (Ledger     *ledger,
             const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  const char *last = NULL;

  g_hash_table_remove_all (ledger->touched);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      guint batch;
      guint64 revision;

      if (*line == '\0')
        continue;
      last = line;

      if (sscanf (line, "begin refresh %u %" G_GUINT64_FORMAT, &batch, &revision) == 2)
        ledger->n_refreshes++;

      if (sscanf (line, "begin import %u %" G_GUINT64_FORMAT, &batch, &revision) == 2 ||
          sscanf (line, "begin refresh %u %" G_GUINT64_FORMAT, &batch, &revision) == 2)
        {
          g_hash_table_add (ledger->begun, begun_key (batch, revision));
          g_hash_table_add (ledger->touched, GUINT_TO_POINTER (batch));
          ledger->max_revision = MAX (ledger->max_revision, revision);
        }
      else if (sscanf (line, "import %u %" G_GUINT64_FORMAT, &batch, &revision) == 2 ||
               sscanf (line, "refresh %u %" G_GUINT64_FORMAT, &batch, &revision) == 2)
        {
          ledger_grow (ledger, batch);
          g_array_index (ledger->committed, guint64, batch) =
            MAX (g_array_index (ledger->committed, guint64, batch), revision);
        }
      else if (sscanf (line, "franchise %u", &batch) == 1)
        {
          ledger_grow (ledger, batch);
          g_array_index (ledger->franchised, gboolean, batch) = TRUE;
        }
    }

  if (last != NULL && g_str_has_prefix (last, "begin "))
    ledger->n_mid_write++;
}

/* Raw SQLite, so that what is checked does not depend on the code under test */

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

static char *
query_text (sqlite3    *db,
            const char *sql,
            gint64      a,
            gint64      b)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

/* Every row whose ids fall in [a, b]: nothing of an absent batch may
 * be left behind. */
static gint64
count_rows_between (sqlite3 *db,
                    gint64   a,
                    gint64   b)
{
  return query_int (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?2", a, b) +
         query_int (db, "SELECT count(*) FROM titles WHERE entry_id BETWEEN ?1 AND ?2", a, b) +
         query_int (db, "SELECT count(*) FROM relations WHERE source_id BETWEEN ?1 AND ?2"
                        " OR target_id BETWEEN ?1 AND ?2", a, b) +
         query_int (db, "SELECT count(*) FROM fetch_meta WHERE entry_id BETWEEN ?1 AND ?2", a, b) +
         query_int (db, "SELECT count(*) FROM franchise_nodes WHERE entry_id BETWEEN ?1 AND ?2", a, b);
}

/* Returns the batch's revision, 0 when it is absent. */
static guint64
check_batch (sqlite3 *db,
             guint    batch)
{
  gint64 lo = batch_first_id (batch);
  gint64 hi = lo + BATCH_SIZE - 1;
  gint64 stub_lo = batch_first_stub_id (batch);
  gint64 stub_hi = stub_lo + BATCH_SIZE - 1;
  g_autofree char *title = NULL;
  g_autofree char *expected_title = NULL;
  g_autofree char *description = NULL;
  const char *stub_type;
  guint title_batch;
  guint64 revision;

  if (query_int (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?2 AND detail = 1", lo, hi) == 0)
    {
      g_assert_cmpint (count_rows_between (db, lo, lo + BATCH_STRIDE - 1), ==, 0);
      return 0;
    }

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?2 AND detail = 1",
                              lo, hi), ==, BATCH_SIZE);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?2 AND detail = 0",
                              stub_lo, stub_hi), ==, BATCH_SIZE);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?2",
                              lo, lo + BATCH_STRIDE - 1), ==, 2 * BATCH_SIZE);

  /* one revision for all titles */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM titles WHERE entry_id BETWEEN ?1 AND ?2"
                                  " AND kind = 'romaji'", lo, hi), ==, BATCH_SIZE);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT text) FROM titles WHERE entry_id BETWEEN ?1 AND ?2"
                                  " AND kind = 'romaji'", lo, hi), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM titles WHERE entry_id BETWEEN ?1 AND ?2"
                                  " AND kind = 'english'", lo, hi), ==, BATCH_SIZE);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM titles WHERE entry_id BETWEEN ?1 AND ?2",
                              stub_lo, stub_hi), ==, BATCH_SIZE);
  title = query_text (db, "SELECT min(text) FROM titles WHERE entry_id BETWEEN ?1 AND ?2"
                          " AND kind = 'romaji'", lo, hi);
  g_assert_cmpint (sscanf (title, "batch %u rev %" G_GUINT64_FORMAT, &title_batch, &revision), ==, 2);
  g_assert_cmpuint (title_batch, ==, batch);
  expected_title = batch_title (batch, revision);
  g_assert_cmpstr (title, ==, expected_title);

  /* the same revision everywhere else */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM fetch_meta WHERE entry_id BETWEEN ?1 AND ?2",
                              lo, hi), ==, BATCH_SIZE);
  g_assert_cmpint (query_int (db, "SELECT min(fetched_at) FROM fetch_meta WHERE entry_id BETWEEN ?1 AND ?2",
                              lo, hi), ==, (gint64) revision);
  g_assert_cmpint (query_int (db, "SELECT max(fetched_at) FROM fetch_meta WHERE entry_id BETWEEN ?1 AND ?2",
                              lo, hi), ==, (gint64) revision);
  description = g_strdup_printf ("Revision %" G_GUINT64_FORMAT " of entry %%", revision);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM entries WHERE id BETWEEN ?1 AND ?2"
                                             " AND description LIKE ?3", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, lo);
    sqlite3_bind_int64 (stmt, 2, hi);
    sqlite3_bind_text (stmt, 3, description, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, BATCH_SIZE);
    sqlite3_finalize (stmt);
  }

  /* relations: the sequel chain, and stub edges of this revision's kind */
  stub_type = kz_relation_type_to_string (batch_stub_relation (revision));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM relations WHERE source_id BETWEEN ?1 AND ?2",
                              lo, hi), ==, 2 * BATCH_SIZE - 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM relations WHERE source_id BETWEEN ?1 AND ?2"
                                  " AND type = 'SEQUEL' AND target_id = source_id + 1", lo, hi), ==, BATCH_SIZE - 1);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM relations WHERE source_id BETWEEN ?1 AND ?2"
                                             " AND target_id = source_id + ?3 AND type = ?4",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, lo);
    sqlite3_bind_int64 (stmt, 2, hi);
    sqlite3_bind_int64 (stmt, 3, BATCH_STUB_GAP);
    sqlite3_bind_text (stmt, 4, stub_type, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, BATCH_SIZE);
    sqlite3_finalize (stmt);
  }

  return revision;
}

/* Returns TRUE when the batch's franchise is stored (then whole). */
static gboolean
check_franchise (sqlite3 *db,
                 guint    batch)
{
  g_autofree char *key = batch_franchise_key (batch);
  sqlite3_stmt *stmt = NULL;
  gboolean present;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT f.complete, f.root_id,"
                                       " (SELECT count(*) FROM franchise_nodes n WHERE n.franchise_key = f.key),"
                                       " (SELECT count(*) FROM franchise_edges e WHERE e.franchise_key = f.key)"
                                       " FROM franchises f WHERE f.key = ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  present = rc == SQLITE_ROW;
  if (present)
    {
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, batch_first_id (batch));
      g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, BATCH_SIZE);
      g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, BATCH_SIZE - 1);
    }
  else
    {
      g_assert_cmpint (rc, ==, SQLITE_DONE);
    }
  sqlite3_finalize (stmt);

  return present;
}

static void
check_integrity (sqlite3 *db)
{
  g_autofree char *result = query_text (db, "PRAGMA integrity_check", 0, 0);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpstr (result, ==, "ok");

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* Returns the number of batches stored: 1 … n whole, nothing after.
 * Batches the last run did not write are looked at in full only when
 * @everything: the whole file's integrity and totals always are. */
static guint
check_library (const char *path,
               Ledger     *ledger,
               gboolean    everything)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  guint n_batches = 0;
  gint64 max_id;

  /* the way the app opens it: replays the log, checks, finds no damage */
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  check_integrity (db);

  max_id = query_int (db, "SELECT coalesce (max(id), 0) FROM entries WHERE detail = 1", 0, 0);
  if (max_id > 0)
    n_batches = (guint) ((max_id - BATCH_BASE_ID) / BATCH_STRIDE);

  for (guint batch = 1; batch <= n_batches; batch++)
    {
      g_autofree char *key = NULL;
      guint64 revision;
      guint64 committed = batch < ledger->committed->len
        ? g_array_index (ledger->committed, guint64, batch) : 0;
      gboolean franchised = batch < ledger->franchised->len &&
        g_array_index (ledger->franchised, gboolean, batch);

      if (!everything && !g_hash_table_contains (ledger->touched, GUINT_TO_POINTER (batch)))
        continue;

      revision = check_batch (db, batch);
      /* the writer starts a batch only once the one before is saved */
      g_assert_cmpuint (revision, >, 0);
      /* a write it really began, and nothing it saw committed undone */
      key = begun_key (batch, revision);
      g_assert_true (g_hash_table_contains (ledger->begun, key));
      g_assert_cmpuint (revision, >=, committed);

      /* a run killed between a batch and its franchise leaves the
       * batch without one: never with half of one */
      if (!check_franchise (db, batch))
        g_assert_false (franchised);
    }

  /* what was committed is there */
  for (guint batch = n_batches + 1; batch < ledger->committed->len; batch++)
    g_assert_cmpuint (g_array_index (ledger->committed, guint64, batch), ==, 0);
  g_assert_cmpint (count_rows_between (db, batch_first_id (n_batches + 1), G_MAXINT64), ==, 0);

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM entries", 0, 0), ==, 2 * BATCH_SIZE * n_batches);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM relations", 0, 0), ==, (2 * BATCH_SIZE - 1) * n_batches);

  sqlite3_close (db);

  return n_batches;
}

static GSubprocess *
spawn_writer (const char *path,
              guint       first_batch,
              guint64     first_revision)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "kz-test-writer", NULL);
  g_autofree char *batch = g_strdup_printf ("%u", first_batch);
  g_autofree char *revision = g_strdup_printf ("%" G_GUINT64_FORMAT, first_revision);
  g_autofree char *seed = g_strdup_printf ("%u", g_test_rand_int ());
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              writer, "import", path, batch, revision, seed, NULL);
  g_assert_no_error (error);

  return process;
}

static char *
read_all (GInputStream *stream)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint8 buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (data, buffer, n);
  g_assert_no_error (error);
  g_byte_array_append (data, (const guint8 *) "", 1);

  return (char *) g_byte_array_free (g_steal_pointer (&data), FALSE);
}

/* Blocks until the writer has said @n_lines lines. */
static char *
read_lines (GInputStream *stream,
            guint         n_lines)
{
  GString *lines = g_string_new (NULL);
  char c;

  while (n_lines > 0 && g_input_stream_read (stream, &c, 1, NULL, NULL) == 1)
    {
      g_string_append_c (lines, c);
      if (c == '\n')
        n_lines--;
    }

  return g_string_free (lines, FALSE);
}

static void
test_kill_while_writing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kizuna-crash-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_auto(Ledger) ledger = { 0 };
  guint n_batches = 0;
  gint64 started = g_get_monotonic_time ();

  g_assert_no_error (error);
  path = g_build_filename (dir, "library.db", NULL);
  ledger_init (&ledger);

  for (guint kill = 0; kill < N_KILLS; kill++)
    {
      g_autoptr(GSubprocess) writer = spawn_writer (path, n_batches + 1, ledger.max_revision + 1);
      GInputStream *out = g_subprocess_get_stdout_pipe (writer);
      g_autofree char *first = NULL;
      g_autofree char *rest = NULL;
      g_autofree char *output = NULL;

      if (kill % EARLY_KILL_EVERY == EARLY_KILL_EVERY - 1)
        first = g_strdup ("");
      else
        first = read_lines (out, g_test_rand_int_range (1, MAX_LINES));
      g_usleep (g_test_rand_int_range (0, MAX_DELAY_MS * 1000));

      g_subprocess_send_signal (writer, SIGKILL);
      g_subprocess_wait (writer, NULL, &error);
      g_assert_no_error (error);
      /* killed, not stopped by a failure of its own */
      g_assert_true (g_subprocess_get_if_signaled (writer));
      g_assert_cmpint (g_subprocess_get_term_sig (writer), ==, SIGKILL);

      rest = read_all (out);
      output = g_strconcat (first, rest, NULL);
      ledger_read (&ledger, output);

      n_batches = check_library (path, &ledger, kill % 10 == 9);
    }
  g_assert_cmpuint (check_library (path, &ledger, TRUE), ==, n_batches);

  g_test_message ("%u kills in %.1f s: %u batches of %u entries, %u refreshes begun, "
                  "%u kills in the middle of a write",
                  N_KILLS, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                  n_batches, BATCH_SIZE, ledger.n_refreshes, ledger.n_mid_write);

  /* the kills really came during writes, of both kinds */
  g_assert_cmpuint (n_batches, >=, N_KILLS / 4);
  g_assert_cmpuint (ledger.n_refreshes, >=, N_KILLS / 4);
  g_assert_cmpuint (ledger.n_mid_write, >=, N_KILLS / 4);

  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/crash/kill-while-writing", test_kill_while_writing);

  return g_test_run ();
}
