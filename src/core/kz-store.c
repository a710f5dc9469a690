/* kz-store.c
 *
 * One SQLite connection per store, behind one lock: every public call
 * takes the lock for its whole length, so transactions never interleave
 * and the cached statements are never shared between threads.
 *
 * This file opens, checks and upgrades the library and holds what the
 * other kz-store-*.c files share: errors, statements, transactions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kz-store-private.h"

#define BUSY_TIMEOUT_MS 5000
/* Page cache per connection, and how much of the file reads may map. */
#define CACHE_SIZE_KIB 16000
#define MMAP_SIZE_BYTES 268435456

/* Transaction control: cached like any statement, not counted as queries. */
static const char begin_read_sql[] = "BEGIN";
static const char begin_write_sql[] = "BEGIN IMMEDIATE";
static const char commit_sql[] = "COMMIT";
static const char rollback_sql[] = "ROLLBACK";

/* The search indexes are contentless: a removal names the exact values
 * that were added. */
static const char search_add_words_sql[] =
  "INSERT INTO titles_fts (rowid, text) VALUES (?1, ?2)";
static const char search_add_head_sql[] =
  "INSERT INTO titles_head_fts (rowid, head) VALUES (?1, ?3)";
static const char search_remove_words_sql[] =
  "INSERT INTO titles_fts (titles_fts, rowid, text) VALUES ('delete', ?1, ?2)";
static const char search_remove_head_sql[] =
  "INSERT INTO titles_head_fts (titles_head_fts, rowid, head) VALUES ('delete', ?1, ?3)";

typedef struct {
  gint64    key;
  char     *text;
  char     *head;
  gboolean  add;
} SearchChange;

static const char stats_sql[] =
  "SELECT (SELECT count(*) FROM entries),"
  " (SELECT count(*) FROM entries WHERE detail = 1),"
  " (SELECT count(*) FROM relations),"
  " (SELECT count(*) FROM franchises),"
  " (SELECT count(*) FROM entries e JOIN fetch_meta m ON m.entry_id = e.id"
  "  WHERE e.detail = 1 AND m.fetched_at < ?1)";
static const char has_full_entries_sql[] =
  "SELECT EXISTS (SELECT 1 FROM entries WHERE detail = 1)";

G_DEFINE_FINAL_TYPE (KzStore, kz_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (kz-store-error-quark, kz_store_error)

static void
stmt_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
search_change_clear (gpointer data)
{
  SearchChange *change = data;

  g_free (change->text);
  g_free (change->head);
}

static void
kz_store_finalize (GObject *object)
{
  KzStore *self = (KzStore *)object;

  g_clear_pointer (&self->pending_search, g_array_unref);

  /* every statement goes before the connection they belong to */
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kz_store_parent_class)->finalize (object);
}

static void
kz_store_class_init (KzStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kz_store_finalize;
}

static void
kz_store_init (KzStore *self)
{
  g_mutex_init (&self->lock);
  self->stmts = g_hash_table_new_full (NULL, NULL, NULL, stmt_free);
  self->pending_search = g_array_new (FALSE, FALSE, sizeof (SearchChange));
  g_array_set_clear_func (self->pending_search, search_change_clear);
}

/* Errors */

static gboolean
is_corruption (int rc)
{
  int primary = rc & 0xff;

  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

static const char *
error_hint (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return _("Free some disk space and try again.");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return _("Another program is using the library; try again in a moment.");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      return _("Check that the file and its folder can be written.");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return _("Move the file away and Kizuna will start a new, empty library.");
    case SQLITE_IOERR:
      return _("Check the disk for errors.");
    default:
      return NULL;
    }
}

/* The message, then what the person can do about it. */
static void
set_error_with_hint (GError     **error,
                     KzStoreError code,
                     int          rc,
                     const char  *message)
{
  const char *hint = error_hint (rc);

  if (hint != NULL)
    g_set_error (error, KZ_STORE_ERROR, code, "%s %s", message, hint);
  else
    g_set_error_literal (error, KZ_STORE_ERROR, code, message);
}

static const char *
db_message (sqlite3 *db,
            int      rc)
{
  return db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
}

/* A statement failed on an open library. */
void
_kz_store_set_query_error (KzStore  *self,
                           int       rc,
                           GError  **error)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("Could not use the library “%s”: %s."),
                             self->path, db_message (self->db, rc));
  set_error_with_hint (error,
                       is_corruption (rc) ? KZ_STORE_ERROR_CORRUPT : KZ_STORE_ERROR_QUERY,
                       rc, message);
}

/* The library could not be opened, checked or upgraded. */
static void
set_open_error (KzStore  *self,
                int       rc,
                GError  **error)
{
  g_autofree char *message = NULL;

  if (is_corruption (rc))
    message = g_strdup_printf (_("The library “%s” is damaged or is not a database (%s)."),
                               self->path, db_message (self->db, rc));
  else
    message = g_strdup_printf (_("Could not open the library “%s”: %s."),
                               self->path, db_message (self->db, rc));

  set_error_with_hint (error,
                       is_corruption (rc) ? KZ_STORE_ERROR_CORRUPT : KZ_STORE_ERROR_OPEN,
                       rc, message);
}

/* Statements */

static sqlite3_stmt *
lookup_stmt (KzStore     *self,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          _kz_store_set_query_error (self, rc, error);
          return NULL;
        }
      g_hash_table_insert (self->stmts, (gpointer)sql, stmt);
    }

  return stmt;
}

sqlite3_stmt *
_kz_store_stmt (KzStore     *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = lookup_stmt (self, sql, error);

  if (stmt != NULL)
    self->n_queries++;

  return stmt;
}

gboolean
_kz_store_step_done (KzStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;

  _kz_store_set_query_error (self, rc, error);
  return FALSE;
}

/* After a loop of sqlite3_step() that stopped on something else than a row. */
gboolean
_kz_store_check_done (KzStore  *self,
                      int       rc,
                      GError  **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;

  _kz_store_set_query_error (self, rc, error);
  return FALSE;
}

/* Transactions */

static gboolean
run_control (KzStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(KzStoreStmt) stmt = lookup_stmt (self, sql, error);

  return stmt != NULL && _kz_store_step_done (self, stmt, error);
}

gboolean
_kz_store_begin_read (KzStore  *self,
                      GError  **error)
{
  return run_control (self, begin_read_sql, error);
}

gboolean
_kz_store_begin_write (KzStore  *self,
                       GError  **error)
{
  return run_control (self, begin_write_sql, error);
}

void
_kz_store_queue_search (KzStore    *self,
                        gboolean    add,
                        gint64      search_key,
                        const char *text,
                        const char *head)
{
  SearchChange change = { search_key, g_strdup (text), g_strdup (head), add };

  g_array_append_val (self->pending_search, change);
}

static gboolean
run_search_change (KzStore       *self,
                   const char    *sql,
                   SearchChange  *change,
                   GError       **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change->key);
  _kz_store_bind_text (stmt, 2, change->text);
  _kz_store_bind_text (stmt, 3, change->head);

  return _kz_store_step_done (self, stmt, error);
}

/* In the order queued, one row at a time: single-row writes open no
 * statement savepoint, so FTS5 keeps them in memory until the commit. */
static gboolean
apply_search_changes (KzStore  *self,
                      GError  **error)
{
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < self->pending_search->len; i++)
    {
      SearchChange *change = &g_array_index (self->pending_search, SearchChange, i);

      if (change->add)
        ok = run_search_change (self, search_add_words_sql, change, error) &&
             run_search_change (self, search_add_head_sql, change, error);
      else
        ok = run_search_change (self, search_remove_words_sql, change, error) &&
             run_search_change (self, search_remove_head_sql, change, error);
    }
  g_array_set_size (self->pending_search, 0);

  return ok;
}

/* Some failures (disk full, I/O) already ended the transaction. */
void
_kz_store_rollback (KzStore *self)
{
  g_autoptr(GError) error = NULL;

  g_array_set_size (self->pending_search, 0);

  if (sqlite3_get_autocommit (self->db))
    return;

  if (!run_control (self, rollback_sql, &error))
    g_warning ("%s", error->message);
}

gboolean
_kz_store_commit (KzStore  *self,
                  GError  **error)
{
  if (apply_search_changes (self, error) && run_control (self, commit_sql, error))
    return TRUE;

  _kz_store_rollback (self);
  return FALSE;
}

/* Ends the read transaction a public call opened, keeping its @result
 * only when everything in it succeeded (NULL: it failed). */
gpointer
_kz_store_end_read (KzStore        *self,
                    gpointer        result,
                    GDestroyNotify  free_result,
                    GError        **error)
{
  if (result == NULL)
    {
      _kz_store_rollback (self);
      return NULL;
    }

  if (!_kz_store_commit (self, error))
    {
      free_result (result);
      return NULL;
    }

  return result;
}

/* Opening */

static int
read_pragma_int (sqlite3    *db,
                 const char *sql,
                 int        *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *value = 0;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  return rc;
}

static gboolean
check_integrity (KzStore  *self,
                 GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *problem = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check (1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          const char *result = _kz_store_column_text (stmt, 0);

          /* SQLite's report spans lines; messages here are one line */
          if (g_strcmp0 (result, "ok") != 0)
            problem = g_strstrip (g_strdelimit (g_strdup (result ? result : "?"), "\n", ' '));
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      set_open_error (self, rc, error);
      return FALSE;
    }

  if (problem != NULL)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The library “%s” is damaged (%s)."), self->path, problem);
      set_error_with_hint (error, KZ_STORE_ERROR_CORRUPT, SQLITE_CORRUPT, message);
      return FALSE;
    }

  return TRUE;
}

static void
set_too_new_error (KzStore  *self,
                   int       version,
                   int       known,
                   GError  **error)
{
  g_set_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_TOO_NEW,
               _("The library “%s” was written by a newer version of Kizuna "
                 "(schema version %d; this version knows up to %d). "
                 "Update Kizuna, or move the file away to start a new library."),
               self->path, version, known);
}

static gboolean
exec_or_error (KzStore     *self,
               const char  *sql,
               GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;

  set_open_error (self, rc, error);
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

  return FALSE;
}

/* One transaction per step; the version is read again inside it, so that
 * two programs opening the same old file upgrade it only once. */
static gboolean
migrate (KzStore  *self,
         GError  **error)
{
  guint n_steps;
  const char * const *steps = _kz_store_get_migrations (&n_steps);

  for (;;)
    {
      g_autofree char *bump = NULL;
      int version;
      int rc;

      if (!exec_or_error (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      rc = read_pragma_int (self->db, "PRAGMA user_version", &version);
      if (rc != SQLITE_OK)
        {
          set_open_error (self, rc, error);
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      if (version < 0 || (guint)version > n_steps)
        {
          set_too_new_error (self, version, n_steps, error);
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      if ((guint)version == n_steps)
        {
          self->schema_version = version;
          return exec_or_error (self, "COMMIT", error);
        }

      g_debug ("Upgrading the library %s from schema version %d to %d",
               self->path, version, version + 1);

      /* numbers from this file, not data: safe to print into SQL */
      bump = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                              version + 1, KZ_STORE_APPLICATION_ID);

      if (!exec_or_error (self, steps[version], error) ||
          !exec_or_error (self, bump, error) ||
          !exec_or_error (self, "COMMIT", error))
        {
          g_prefix_error (error, _("Could not upgrade the library to schema version %d: "),
                          version + 1);
          return FALSE;
        }
    }
}

/* A library of 50,000 titles is over 100 MB, and reads land anywhere in
 * it: SQLite's default 2 MB page cache then spends its time copying
 * pages in with pread(). Mapping the file lets reads use the kernel's
 * page cache directly; the larger private cache keeps the pages writes
 * dirty. Both are per connection and change nothing in the file, and
 * a failure only leaves SQLite's defaults. */
static void
tune_connection (KzStore *self)
{
  char *message = NULL;

  if (sqlite3_exec (self->db,
                    "PRAGMA cache_size = -" G_STRINGIFY (CACHE_SIZE_KIB) ";"
                    "PRAGMA mmap_size = " G_STRINGIFY (MMAP_SIZE_BYTES) ";",
                    NULL, NULL, &message) != SQLITE_OK)
    g_debug ("Could not tune the library's connection: %s", message);
  sqlite3_free (message);
}

/* kz_search_head (text): what titles_head_fts indexes for a title. The
 * upgrade to schema version 3 fills existing titles with it; the file
 * itself never refers to it, so other tools can still write a library. */
static void
search_head_function (sqlite3_context  *context,
                      int               argc,
                      sqlite3_value   **argv)
{
  const char *text = (const char *)sqlite3_value_text (argv[0]);

  if (text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }

  sqlite3_result_text (context, _kz_store_search_head (text), -1, g_free);
}

static gboolean
register_functions (KzStore  *self,
                    GError  **error)
{
  int rc = sqlite3_create_function_v2 (self->db, "kz_search_head", 1,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                       NULL, search_head_function, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;

  set_open_error (self, rc, error);
  return FALSE;
}

/* SQLite would create the file with the umask's mode (usually 0644);
 * create it first so the library stays private. An empty file is a
 * valid empty database. */
static gboolean
ensure_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_OPEN,
                   _("Could not create the folder “%s” for the library: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Could not open the library “%s”: %s."),
                                 path, g_strerror (saved_errno));
      set_error_with_hint (error, KZ_STORE_ERROR_OPEN, SQLITE_CANTOPEN, message);
      return FALSE;
    }
  g_close (fd, NULL);

  return TRUE;
}

char *
kz_store_dup_default_path (void)
{
  const char *dir = g_getenv ("KIZUNA_DATA_DIR");

  if (dir != NULL && *dir != '\0')
    return g_build_filename (dir, "library.db", NULL);

  return g_build_filename (g_get_user_data_dir (), "kizuna", "library.db", NULL);
}

/**
 * kz_store_open:
 * @path: the library file; its folder is created when missing
 *
 * Opens the library, creating or upgrading it as needed. Blocks on disk.
 */
KzStore *
kz_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(KzStore) self = NULL;
  int application_id;
  int version;
  guint n_steps;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ensure_private_file (path, error))
    return NULL;

  self = g_object_new (KZ_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_open_error (self, rc, error);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  tune_connection (self);
  if (!register_functions (self, error))
    return NULL;

  /* Until the file is known to be a sound library of ours, closing it
   * must not write into it: a damaged or newer library is kept exactly
   * as it was found, write-ahead log included. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  /* the first read of the header: a file that is not a database fails here */
  if ((rc = read_pragma_int (self->db, "PRAGMA user_version", &version)) != SQLITE_OK ||
      (rc = read_pragma_int (self->db, "PRAGMA application_id", &application_id)) != SQLITE_OK)
    {
      set_open_error (self, rc, error);
      return NULL;
    }

  if (application_id != 0 && application_id != KZ_STORE_APPLICATION_ID)
    {
      g_set_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT,
                   _("“%s” is another program’s database, not a Kizuna library. "
                     "Choose another file for the library."),
                   path);
      return NULL;
    }

  _kz_store_get_migrations (&n_steps);
  if (version < 0 || (guint)version > n_steps)
    {
      set_too_new_error (self, version, n_steps, error);
      return NULL;
    }

  if (!check_integrity (self, error))
    return NULL;

  /* foreign keys are switched on only after the upgrade steps, which may
   * need to rebuild tables */
  if (!exec_or_error (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_or_error (self, "PRAGMA synchronous = NORMAL", error) ||
      !migrate (self, error) ||
      !exec_or_error (self, "PRAGMA foreign_keys = ON", error))
    return NULL;

  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);

  g_debug ("Opened the library %s (schema version %d)", path, self->schema_version);

  return g_steal_pointer (&self);
}

const char *
kz_store_get_path (KzStore *self)
{
  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  return self->path;
}

int
kz_store_get_schema_version (KzStore *self)
{
  g_return_val_if_fail (KZ_IS_STORE (self), 0);
  return self->schema_version;
}

/* Counters */

guint64
_kz_store_get_n_queries (KzStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  return self->n_queries;
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  if (g_stat (path, &buf) != 0)
    return 0;

  return buf.st_size;
}

gboolean
kz_store_get_stats (KzStore       *self,
                    gint64         stale_before,
                    KzStoreStats  *stats,
                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  g_autofree char *wal_path = NULL;
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (stats, 0, sizeof *stats);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, stats_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stale_before);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _kz_store_set_query_error (self, rc, error);
      return FALSE;
    }

  stats->n_entries = sqlite3_column_int (stmt, 0);
  stats->n_full_entries = sqlite3_column_int (stmt, 1);
  stats->n_relations = sqlite3_column_int (stmt, 2);
  stats->n_franchises = sqlite3_column_int (stmt, 3);
  stats->n_stale = sqlite3_column_int (stmt, 4);

  wal_path = g_strconcat (self->path, "-wal", NULL);
  stats->file_size = file_size (self->path) + file_size (wal_path);

  return TRUE;
}

/* TRUE when no entry is stored in full (stubs alone do not count). */
gboolean
kz_store_is_empty (KzStore  *self,
                   GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, has_full_entries_sql, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _kz_store_set_query_error (self, rc, error);
      return FALSE;
    }

  return sqlite3_column_int (stmt, 0) == 0;
}
