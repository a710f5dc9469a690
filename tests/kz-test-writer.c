/* kz-test-writer.c: a second process on the library, for the tests
 *
 *   kz-test-writer import PATH FIRST_BATCH FIRST_REVISION SEED
 *     Imports batch after batch (kz-test-batch.h), saves each one's
 *     franchise, and refreshes an earlier batch after each, until it is
 *     killed. One line on stdout before each write ("begin …") and one
 *     after its commit ("import K R", "franchise K", "refresh K R").
 *
 *   kz-test-writer hold PATH
 *     Opens the file with SQLite alone, as another program would, prints
 *     "ready" and keeps it open until stdin closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "kizuna-core.h"
#include "kz-test-batch.h"

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

/* Whole lines, flushed at once: the test reads them after a SIGKILL. */
static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
check (gboolean     ok,
       const char  *what,
       GError      *error)
{
  if (ok)
    return;

  fprintf (stderr, "kz-test-writer: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

static KzFranchiseGraph *
batch_franchise (guint batch)
{
  g_autoptr(GPtrArray) entries = batch_build (batch, 0);
  KzFranchiseGraph *graph = kz_franchise_graph_new (batch_first_id (batch));

  for (guint i = 0; i < entries->len; i++)
    kz_franchise_graph_add_node (graph, g_ptr_array_index (entries, i), i);
  for (guint i = 0; i + 1 < entries->len; i++)
    kz_franchise_graph_add_edge (graph, batch_first_id (batch) + i, batch_first_id (batch) + i + 1,
                                 KZ_RELATION_SEQUEL, NULL);
  kz_franchise_graph_set_complete (graph, TRUE);

  return graph;
}

static int
run_import (const char *path,
            guint       first_batch,
            guint64     revision,
            guint32     seed)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GError *error = NULL;

  store = kz_store_open (path, &error);
  check (store != NULL, "open", error);

  for (guint batch = first_batch; ; batch++)
    {
      g_autoptr(GPtrArray) entries = batch_build (batch, revision);
      g_autoptr(KzFranchiseGraph) graph = batch_franchise (batch);
      g_autofree char *key = batch_franchise_key (batch);

      say ("begin import %u %" G_GUINT64_FORMAT, batch, revision);
      check (kz_store_upsert_entries (store, entries, (gint64) revision, &error), "import", error);
      say ("import %u %" G_GUINT64_FORMAT, batch, revision);
      revision++;

      say ("begin franchise %u", batch);
      check (kz_store_save_franchise (store, key, graph, (gint64) revision, &error), "franchise", error);
      say ("franchise %u", batch);

      if (batch > 1)
        {
          guint earlier = g_rand_int_range (rand, 1, batch);
          g_autoptr(GPtrArray) refreshed = batch_build (earlier, revision);

          say ("begin refresh %u %" G_GUINT64_FORMAT, earlier, revision);
          check (kz_store_upsert_entries (store, refreshed, (gint64) revision, &error), "refresh", error);
          say ("refresh %u %" G_GUINT64_FORMAT, earlier, revision);
          revision++;
        }
    }

  return 0;
}

static int
run_hold (const char *path)
{
  sqlite3 *db = NULL;
  char line[64];

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "kz-test-writer: cannot open %s: %s\n", path, sqlite3_errmsg (db));
      return 1;
    }

  say ("ready");
  while (fgets (line, sizeof line, stdin) != NULL)
    ;

  /* as found: no checkpoint into a file under test */
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_close (db);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 6 && g_str_equal (argv[1], "import"))
    return run_import (argv[2],
                       (guint) g_ascii_strtoull (argv[3], NULL, 10),
                       g_ascii_strtoull (argv[4], NULL, 10),
                       (guint32) g_ascii_strtoull (argv[5], NULL, 10));

  if (argc == 3 && g_str_equal (argv[1], "hold"))
    return run_hold (argv[2]);

  fprintf (stderr, "usage: kz-test-writer import PATH FIRST_BATCH FIRST_REVISION SEED\n"
                   "       kz-test-writer hold PATH\n");
  return 2;
}
