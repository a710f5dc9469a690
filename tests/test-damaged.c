/* test-damaged.c: a damaged library is kept, replaced and reported
 *
 * Each test damages a real library file one way, opens it the way the
 * app and kizuna-cli do (kz_store_open_or_recover), and checks what
 * became of the old file, that the new library holds the bundled titles,
 * and that opening it again is an ordinary open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "kizuna-core.h"
#include "kz-entry-private.h"
#include "kz-store-private.h"
#include "kz-store-recovery.h"

/* Not in the bundled snapshot: what the person had saved. */
#define OWN_FIRST_ID G_GINT64_CONSTANT (880001)
#define OWN_COUNT    300

typedef struct {
  char *dir;
  char *path;
} Fixture;

/* The bundled snapshot, as the fresh library must hold it */
static guint n_bundled_full;
static gint64 a_bundled_id;

static void
remove_tree (const char *path)
{
  GDir *dir;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (path);
      return;
    }

  if ((dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kizuna-damaged-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "library.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* A library a person built up: OWN_COUNT titles, checkpointed and closed. */
static void
build_library (const char *path)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = kz_store_open (path, &error);
  g_assert_no_error (error);

  for (gint64 i = 0; i < OWN_COUNT; i++)
    {
      KzEntry *entry = _kz_entry_new (OWN_FIRST_ID + i, KZ_ENTRY_DETAIL_FULL);

      entry->title_romaji = g_strdup_printf ("Own title %" G_GINT64_FORMAT, i);
      entry->media_type = KZ_MEDIA_TYPE_ANIME;
      entry->format = KZ_FORMAT_TV;
      entry->description = g_strnfill (400, 'a' + i % 26);
      g_ptr_array_add (batch, entry);
    }

  g_assert_true (kz_store_upsert_entries (store, batch, 1, &error));
  g_assert_no_error (error);
}

static char *
checksum_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
assert_unchanged (const char *path,
                  const char *sum)
{
  g_autofree char *now = checksum_file (path);

  g_assert_cmpstr (now, ==, sum);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

/* Overwrites @length bytes at @offset with a pattern no page holds. */
static void
scribble (const char *path,
          goffset     offset,
          gsize       length)
{
  g_autofree guint8 *noise = g_malloc (length);
  FILE *file;

  for (gsize i = 0; i < length; i++)
    noise[i] = (guint8) (0xa5 ^ (i * 31));

  file = fopen (path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseeko (file, offset, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (noise, 1, length, file), ==, length);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* The names in @dir that start with library.db.damaged-. */
static GPtrArray *
list_damaged (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "library.db.damaged-"))
      g_ptr_array_add (names, g_strdup (name));

  return names;
}

static void
assert_seeded (KzStore *store)
{
  g_autoptr(KzEntry) bundled = NULL;
  g_autoptr(KzEntry) own = NULL;
  g_autoptr(GError) error = NULL;
  KzStoreStats stats;

  g_assert_true (kz_store_get_stats (store, 0, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_full_entries, ==, n_bundled_full);

  bundled = kz_store_get_entry (store, a_bundled_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bundled);
  g_assert_cmpint (kz_entry_get_detail (bundled), ==, KZ_ENTRY_DETAIL_FULL);

  /* the fresh library knows nothing of the old one */
  own = kz_store_get_entry (store, OWN_FIRST_ID, &error);
  g_assert_no_error (error);
  g_assert_null (own);
}

/* Opens @f's library the way the app does, expecting a recovery; checks
 * that the damaged file was kept byte for byte. Returns the new name. */
static char *
recover (Fixture    *f,
         const char *damaged_sum)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) pattern = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *recovered = NULL;
  g_autofree char *kept_sum = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *again = NULL;

  store = kz_store_open_or_recover (f->path, &recovered, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_nonnull (recovered);

  /* next to the library, with the time in its name */
  basename = g_path_get_basename (recovered);
  pattern = g_regex_new ("^library\\.db\\.damaged-[0-9]{8}-[0-9]{6}(-[0-9]+)?$", 0, 0, NULL);
  g_assert_true (g_regex_match (pattern, basename, 0, NULL));
  g_assert_true (g_str_has_prefix (recovered, f->path));
  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, >=, 1);
  g_assert_true (g_ptr_array_find_with_equal_func (damaged, basename, g_str_equal, NULL));

  /* kept exactly as it was found, and private */
  kept_sum = checksum_file (recovered);
  g_assert_cmpstr (kept_sum, ==, damaged_sum);
  {
    GStatBuf buf;

    g_assert_cmpint (g_stat (recovered, &buf), ==, 0);
    g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  }

  assert_seeded (store);
  g_clear_object (&store);

  /* no loop: the next start opens the new library as it is */
  store = kz_store_open_or_recover (f->path, &again, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (again);
  assert_seeded (store);
  {
    g_autoptr(GPtrArray) after = list_damaged (f);

    g_assert_cmpuint (after->len, ==, damaged->len);
  }

  return g_steal_pointer (&recovered);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *aside = NULL;
  gint64 size;

  build_library (f->path);
  size = file_size (f->path);
  g_assert_cmpint (size, >, 32 * 1024);
  /* cut mid-page, as a full disk or a bad copy would */
  g_assert_cmpint (truncate (f->path, size / 2 + 100), ==, 0);
  sum = checksum_file (f->path);

  /* kz_store_open() alone refuses it as damaged */
  store = kz_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  aside = recover (f, sum);
  g_assert_cmpint (file_size (aside), ==, size / 2 + 100);
}

static void
test_header_only (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *sum = NULL;
  g_autofree char *aside = NULL;

  /* the first page's header and nothing after it */
  build_library (f->path);
  g_assert_cmpint (truncate (f->path, 100), ==, 0);
  sum = checksum_file (f->path);

  aside = recover (f, sum);
  g_assert_cmpint (file_size (aside), ==, 100);
}

static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  g_autofree guint8 *noise = g_malloc (64 * 1024);
  g_autofree char *sum = NULL;
  g_autofree char *aside = NULL;

  for (guint i = 0; i < 64 * 1024; i++)
    noise[i] = (guint8) g_test_rand_int_range (0, 256);
  g_assert_true (g_file_set_contents (f->path, (const char *) noise, 64 * 1024, NULL));
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  sum = checksum_file (f->path);

  aside = recover (f, sum);
  g_assert_cmpint (file_size (aside), ==, 64 * 1024);
}

/* A sound header, a damaged page in the middle, and a write-ahead log
 * with the last commits: all three move together, untouched. */
static void
test_corrupt_page (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *copy_dir = g_build_filename (f->dir, "open", NULL);
  g_autofree char *open_path = g_build_filename (copy_dir, "library.db", NULL);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *sum = NULL;
  g_autofree char *wal_sum = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_wal = NULL;
  g_autofree char *aside_shm = NULL;
  g_autofree char *kept_wal_sum = NULL;
  g_autofree char *new_wal_sum = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  int page_size;
  gint64 size;

  /* a library with commits still in its log, as a crashed app leaves it */
  g_assert_cmpint (g_mkdir (copy_dir, 0700), ==, 0);
  build_library (open_path);
  store = kz_store_open (open_path, &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < 10; i++)
    {
      KzEntry *entry = _kz_entry_new (OWN_FIRST_ID + OWN_COUNT + i, KZ_ENTRY_DETAIL_FULL);

      entry->title_romaji = g_strdup ("In the log");
      g_ptr_array_add (more, entry);
    }
  g_assert_true (kz_store_upsert_entries (store, more, 2, &error));
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *from = g_strconcat (open_path, suffixes[i], NULL);
        g_autofree char *to = g_strconcat (f->path, suffixes[i], NULL);
        g_autofree char *contents = NULL;
        gsize length;

        g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
        g_assert_true (g_file_set_contents (to, contents, length, NULL));
        g_assert_cmpint (g_chmod (to, 0600), ==, 0);
      }
  }
  g_clear_object (&store);
  g_assert_cmpint (file_size (wal), >, 0);

  /* one page in the middle of the main file */
  page_size = 4096;
  size = file_size (f->path);
  g_assert_cmpint (size / page_size, >, 20);
  scribble (f->path, (size / page_size / 2) * page_size, page_size);
  sum = checksum_file (f->path);
  wal_sum = checksum_file (wal);

  store = kz_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* refusing it wrote nothing into it */
  assert_unchanged (f->path, sum);

  aside = recover (f, sum);
  aside_wal = g_strconcat (aside, "-wal", NULL);
  aside_shm = g_strconcat (aside, "-shm", NULL);
  kept_wal_sum = checksum_file (aside_wal);
  g_assert_cmpstr (kept_wal_sum, ==, wal_sum);
  g_assert_true (g_file_test (aside_shm, G_FILE_TEST_IS_REGULAR));

  /* the new library has a log of its own, not the old one */
  new_wal_sum = checksum_file (wal);
  g_assert_cmpstr (new_wal_sum, !=, wal_sum);
}

/* SQLite reads an empty file as an empty database, and it is what
 * kz_store_open() itself creates first: a new library, not damage. */
static void
test_zero_length (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *recovered = NULL;
  guint n_added = 0;

  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));

  store = kz_store_open_or_recover (f->path, &recovered, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (recovered);
  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 0);

  /* seeded as any new library is */
  g_assert_true (kz_bundled_seed_store (store, &n_added, &error));
  g_assert_cmpuint (n_added, >, 0);
  assert_seeded (store);
}

/* Not damaged: a library this version must not touch. */
static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *recovered = NULL;
  g_autofree char *sum = NULL;
  sqlite3 *db = NULL;

  build_library (f->path);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  sum = checksum_file (f->path);

  store = kz_store_open_or_recover (f->path, &recovered, &error);
  g_assert_null (store);
  g_assert_null (recovered);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Kizuna"));
  g_assert_nonnull (strstr (error->message, f->path));

  /* neither moved nor downgraded nor written to */
  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 0);
  assert_unchanged (f->path, sum);
}

/* Another program's database at our path is not ours to rename. */
static void
test_foreign (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *recovered = NULL;
  g_autofree char *sum = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA application_id = 7; CREATE TABLE notes (text)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  sum = checksum_file (f->path);

  store = kz_store_open_or_recover (f->path, &recovered, &error);
  g_assert_null (store);
  g_assert_null (recovered);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "another program"));

  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 0);
  assert_unchanged (f->path, sum);
}

/* Damaged, but another process has it open: moving it would split the
 * library between two files. Refused until that process lets go. */
static void
test_in_use (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "kz-test-writer", NULL);
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *recovered = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *aside = NULL;
  gint64 size;

  build_library (f->path);
  size = file_size (f->path);
  scribble (f->path, (size / 4096 / 2) * 4096, 4096);
  sum = checksum_file (f->path);

  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             writer, "hold", f->path, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  ready = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ready, ==, "ready");

  store = kz_store_open_or_recover (f->path, &recovered, &error);
  g_assert_null (store);
  g_assert_null (recovered);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "another program still has it open"));
  g_clear_error (&error);
  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 0);
  assert_unchanged (f->path, sum);

  /* once it has closed the file, the recovery goes ahead */
  g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (holder, NULL, &error);
  g_assert_no_error (error);

  aside = recover (f, sum);
}

/* A second recovery in the same second gets a name of its own. */
static void
test_twice (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *first_sum = NULL;
  g_autofree char *second_sum = NULL;
  g_autoptr(GPtrArray) damaged = NULL;

  g_assert_true (g_file_set_contents (f->path, "not a database, the first time", -1, NULL));
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  first_sum = checksum_file (f->path);
  first = recover (f, first_sum);

  g_assert_true (g_file_set_contents (f->path, "not a database, the second time", -1, NULL));
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  second_sum = checksum_file (f->path);
  second = recover (f, second_sum);

  g_assert_cmpstr (first, !=, second);
  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 2);
  assert_unchanged (first, first_sum);
}

/* The folder is gone and a file stands where it was: nothing to move,
 * nothing to create, a clear error and no crash. */
static void
test_cannot_create (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "data", NULL);
  g_autofree char *path = g_build_filename (blocker, "library.db", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *recovered = NULL;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));

  store = kz_store_open_or_recover (path, &recovered, &error);
  g_assert_null (store);
  g_assert_null (recovered);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, blocker));
}

/* kizuna-cli */

typedef struct {
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_free (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

static CliRun *
run_cli (Fixture    *f,
         const char *command)
{
  const char *binary = g_getenv ("KIZUNA_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CliRun *run = g_new0 (CliRun, 1);

  g_assert_nonnull (binary);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_DATA_DIR", f->dir, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, binary, "--offline", "--data-dir", f->dir,
                                         command, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);

  return run;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';

  return n;
}

static void
test_cli_recovers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CliRun) first = NULL;
  g_autoptr(CliRun) second = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *kept_sum = NULL;

  g_assert_true (g_file_set_contents (f->path, "garbage where the library was", -1, NULL));
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  sum = checksum_file (f->path);

  /* it works, and says once, on one line of stderr, where the old file is */
  first = run_cli (f, "library");
  g_assert_cmpint (first->status, ==, 0);
  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 1);
  aside = g_build_filename (f->dir, damaged->pdata[0], NULL);
  kept_sum = checksum_file (aside);
  g_assert_cmpstr (kept_sum, ==, sum);
  g_assert_cmpuint (count_lines (first->err), ==, 1);
  g_assert_nonnull (strstr (first->err, "damaged"));
  g_assert_nonnull (strstr (first->err, aside));
  g_assert_cmpuint (strlen (first->out), >, 0);

  second = run_cli (f, "library");
  g_assert_cmpint (second->status, ==, 0);
  g_assert_cmpstr (second->err, ==, "");
  g_assert_cmpstr (second->out, ==, first->out);
}

static void
test_cli_too_new (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CliRun) run = NULL;
  g_autoptr(GPtrArray) damaged = NULL;
  g_autofree char *sum = NULL;
  sqlite3 *db = NULL;

  build_library (f->path);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  sum = checksum_file (f->path);

  run = run_cli (f, "library");
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpuint (count_lines (run->err), ==, 1);
  g_assert_nonnull (strstr (run->err, "newer version of Kizuna"));

  damaged = list_damaged (f);
  g_assert_cmpuint (damaged->len, ==, 0);
  assert_unchanged (f->path, sum);
}

static void
load_bundled (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kz_bundled_load_entries (&error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);

      if (kz_entry_get_detail (entry) != KZ_ENTRY_DETAIL_FULL)
        continue;
      n_bundled_full++;
      if (a_bundled_id == 0)
        a_bundled_id = kz_entry_get_id (entry);
    }

  g_assert_cmpuint (n_bundled_full, >, 0);
}

#define add_test(path, func) \
  g_test_add ("/kz/damaged/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  load_bundled ();

  add_test ("truncated", test_truncated);
  add_test ("header-only", test_header_only);
  add_test ("garbage", test_garbage);
  add_test ("corrupt-page", test_corrupt_page);
  add_test ("zero-length", test_zero_length);
  add_test ("too-new", test_too_new);
  add_test ("foreign", test_foreign);
  add_test ("in-use", test_in_use);
  add_test ("twice", test_twice);
  add_test ("cannot-create", test_cannot_create);
  add_test ("cli-recovers", test_cli_recovers);
  add_test ("cli-too-new", test_cli_too_new);

  return g_test_run ();
}
