/* kz-store-private.h: what the library's source files share
 *
 * kz-store.c owns the connection, its lock and the statement cache;
 * kz-store-upsert.c writes entries, kz-store-entries.c reads them back,
 * kz-store-search.c and kz-store-franchise.c build on both. Every
 * function here that takes a KzStore expects the caller to hold its lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kz-store.h"

G_BEGIN_DECLS

/* Written into every library file, so that another program's SQLite
 * file is not mistaken for ours ("Kzna"). */
#define KZ_STORE_APPLICATION_ID 0x4b7a6e61

struct _KzStore
{
  GObject        parent_instance;

  GMutex         lock;
  char          *path;
  sqlite3       *db;
  /* prepared statements, keyed by the address of their static SQL */
  GHashTable    *stmts;
  guint64        n_queries;
  int            schema_version;
  /* changes to the search indexes, applied when the transaction
   * commits (see schema version 3) */
  GArray        *pending_search;
};

/* Title kinds in the titles table; one row per language, synonyms in
 * their order. */
#define KZ_STORE_TITLE_ROMAJI  "romaji"
#define KZ_STORE_TITLE_ENGLISH "english"
#define KZ_STORE_TITLE_NATIVE  "native"
#define KZ_STORE_TITLE_SYNONYM "synonym"

/* Columns of KZ_STORE_ENTRY_COLUMNS; the upserts bind parameter
 * ?(column + 1), so a stub and a full upsert share one numbering. */
enum {
  KZ_STORE_COL_ID,
  KZ_STORE_COL_ID_MAL,
  KZ_STORE_COL_DETAIL,
  KZ_STORE_COL_MEDIA_TYPE,
  KZ_STORE_COL_FORMAT,
  KZ_STORE_COL_STATUS,
  KZ_STORE_COL_SEASON,
  KZ_STORE_COL_SEASON_YEAR,
  KZ_STORE_COL_START_YEAR,
  KZ_STORE_COL_START_MONTH,
  KZ_STORE_COL_START_DAY,
  KZ_STORE_COL_END_YEAR,
  KZ_STORE_COL_END_MONTH,
  KZ_STORE_COL_END_DAY,
  KZ_STORE_COL_EPISODES,
  KZ_STORE_COL_DURATION,
  KZ_STORE_COL_AVERAGE_SCORE,
  KZ_STORE_COL_IS_ADULT,
  KZ_STORE_COL_AGE_RATING,
  KZ_STORE_COL_DESCRIPTION,
  KZ_STORE_COL_SITE_URL,
  KZ_STORE_COL_COVER_EXTRA_LARGE,
  KZ_STORE_COL_COVER_LARGE,
  KZ_STORE_COL_COVER_MEDIUM,
  KZ_STORE_COL_COVER_COLOR,
  KZ_STORE_COL_BANNER_URL,
  KZ_STORE_COL_GENRES,
  KZ_STORE_COL_TITLE_ROMAJI,
  KZ_STORE_COL_TITLE_ENGLISH,
  KZ_STORE_COL_TITLE_NATIVE,
  KZ_STORE_COL_SYNONYMS,
  KZ_STORE_COL_UPDATED_AT,  /* read only, from fetch_meta */
};

#define KZ_STORE_ENTRY_COLUMNS                                          \
  "id, id_mal, detail, media_type, format, status, season, season_year, " \
  "start_year, start_month, start_day, end_year, end_month, end_day, "  \
  "episodes, duration, average_score, is_adult, age_rating, description, " \
  "site_url, cover_extra_large, cover_large, cover_medium, cover_color, " \
  "banner_url, genres, title_romaji, title_english, title_native, synonyms"

/* A cached statement on loan: reset and unbound when it goes out of
 * scope, ready for the next call. */
typedef sqlite3_stmt KzStoreStmt;

static inline void
_kz_store_stmt_release (KzStoreStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KzStoreStmt, _kz_store_stmt_release)

static inline void
_kz_store_bind_text (sqlite3_stmt *stmt,
                     int           param,
                     const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, param, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, param);
}

static inline const char *
_kz_store_column_text (sqlite3_stmt *stmt,
                       int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

static inline char *
_kz_store_column_dup_text (sqlite3_stmt *stmt,
                           int           column)
{
  return g_strdup (_kz_store_column_text (stmt, column));
}

/* kz-store-migrations.c */

/* Step i takes a file from schema version i to i + 1; the number of
 * steps is the newest version this build knows. */
const char * const *_kz_store_get_migrations    (guint   *n_migrations);

/* kz-store-search.c */

/* A title's slot in its search key: romaji, english, native, then the
 * synonyms in their order; synonyms past the last slot are not indexed. */
#define KZ_STORE_SLOT_ROMAJI      0
#define KZ_STORE_SLOT_ENGLISH     1
#define KZ_STORE_SLOT_NATIVE      2
#define KZ_STORE_SLOT_SYNONYM     3
#define KZ_STORE_SLOT_MAX         4095

/* See schema version 3 in kz-store-migrations.c. */
gint64              _kz_store_search_key        (gboolean       full,
                                                 int            average_score,
                                                 const char    *text,
                                                 gint64         entry_id,
                                                 guint          slot);
char               *_kz_store_search_head       (const char    *text);

/* kz-store.c */

/* Queues a title's row in the search indexes, added or removed, for
 * the commit of the current write transaction. */
void                _kz_store_queue_search      (KzStore       *self,
                                                 gboolean       add,
                                                 gint64         search_key,
                                                 const char    *text,
                                                 const char    *head);

/* Data statements run so far (transaction control not counted): lets
 * tests check how many queries a call costs. */
guint64             _kz_store_get_n_queries     (KzStore *self);

/* @sql must be static: the cache keeps its address. Counts as a query. */
sqlite3_stmt       *_kz_store_stmt              (KzStore       *self,
                                                 const char    *sql,
                                                 GError       **error);
gboolean            _kz_store_step_done         (KzStore       *self,
                                                 sqlite3_stmt  *stmt,
                                                 GError       **error);
gboolean            _kz_store_check_done        (KzStore       *self,
                                                 int            rc,
                                                 GError       **error);
void                _kz_store_set_query_error   (KzStore       *self,
                                                 int            rc,
                                                 GError       **error);
gboolean            _kz_store_begin_read        (KzStore       *self,
                                                 GError       **error);
gboolean            _kz_store_begin_write       (KzStore       *self,
                                                 GError       **error);
gboolean            _kz_store_commit            (KzStore       *self,
                                                 GError       **error);
void                _kz_store_rollback          (KzStore       *self);
gpointer            _kz_store_end_read          (KzStore       *self,
                                                 gpointer       result,
                                                 GDestroyNotify free_result,
                                                 GError       **error);

/* kz-store-upsert.c */

gboolean            _kz_store_upsert_stub       (KzStore       *self,
                                                 KzEntry       *entry,
                                                 GError       **error);
char               *_kz_store_strv_to_json      (char         **strv);

/* kz-store-entries.c */

/* The strings of a JSON array, other elements skipped; NULL for NULL
 * or anything but an array. */
char              **_kz_store_strv_from_json    (const char    *json);

GPtrArray          *_kz_store_get_entries_locked (KzStore      *self,
                                                  const gint64 *ids,
                                                  guint         n_ids,
                                                  GError      **error);
GPtrArray          *_kz_store_get_entries_by_query (KzStore       *self,
                                                    sqlite3_stmt  *stmt,
                                                    GError       **error);

G_END_DECLS
