/* kz-store-ratings.c: MyAnimeList's age ratings and scores
 *
 * One row per AniList entry in the ratings table (schema version 2).
 * Reading entries joins it in (kz-store-entries.c), so that an entry
 * from the library carries its rating and score.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store-ratings.h"

#include "kz-store-private.h"

#define RATING_COLUMNS \
  "entry_id, mal_id, rating, mal_score, etag, fetched_at, failed_at, failure_code, failure"

enum {
  COL_ENTRY_ID,
  COL_MAL_ID,
  COL_RATING,
  COL_MAL_SCORE,
  COL_ETAG,
  COL_FETCHED_AT,
  COL_FAILED_AT,
  COL_FAILURE_CODE,
  COL_FAILURE,
};

static const char select_rating_sql[] =
  "SELECT " RATING_COLUMNS " FROM ratings WHERE entry_id = ?1";

/* The array index comes back with each row, to keep the order of @ids. */
static const char select_ratings_sql[] =
  "SELECT " RATING_COLUMNS " FROM json_each (?1) ids"
  " JOIN ratings r ON r.entry_id = ids.value ORDER BY ids.key";

static const char save_rating_sql[] =
  "INSERT INTO ratings (" RATING_COLUMNS ")"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
  " ON CONFLICT (entry_id) DO UPDATE SET"
  " mal_id = excluded.mal_id, rating = excluded.rating,"
  " mal_score = excluded.mal_score, etag = excluded.etag,"
  " fetched_at = excluded.fetched_at, failed_at = excluded.failed_at,"
  " failure_code = excluded.failure_code, failure = excluded.failure";

KzRatingInfo *
kz_rating_info_new (gint64 entry_id,
                    gint64 mal_id)
{
  KzRatingInfo *info = g_new0 (KzRatingInfo, 1);

  info->entry_id = entry_id;
  info->mal_id = mal_id;

  return info;
}

KzRatingInfo *
kz_rating_info_copy (const KzRatingInfo *info)
{
  KzRatingInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->rating = g_strdup (info->rating);
  copy->etag = g_strdup (info->etag);
  copy->failure = g_strdup (info->failure);

  return copy;
}

void
kz_rating_info_free (KzRatingInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->rating);
  g_free (info->etag);
  g_free (info->failure);
  g_free (info);
}

gboolean
kz_age_rating_is_restricted (const char *rating)
{
  /* "Rx - Hentai"; "R - 17+" and "R+ - Mild Nudity" are not */
  return rating != NULL && g_ascii_strncasecmp (rating, "Rx", 2) == 0;
}

static KzRatingInfo *
info_from_row (sqlite3_stmt *stmt)
{
  KzRatingInfo *info = kz_rating_info_new (sqlite3_column_int64 (stmt, COL_ENTRY_ID),
                                           sqlite3_column_int64 (stmt, COL_MAL_ID));

  info->rating = _kz_store_column_dup_text (stmt, COL_RATING);
  info->mal_score = sqlite3_column_double (stmt, COL_MAL_SCORE);
  info->etag = _kz_store_column_dup_text (stmt, COL_ETAG);
  info->fetched_at = sqlite3_column_int64 (stmt, COL_FETCHED_AT);
  info->failed_at = sqlite3_column_int64 (stmt, COL_FAILED_AT);
  info->failure_code = sqlite3_column_int (stmt, COL_FAILURE_CODE);
  info->failure = _kz_store_column_dup_text (stmt, COL_FAILURE);

  return info;
}

KzRatingInfo *
kz_store_get_rating (KzStore  *self,
                     gint64    entry_id,
                     GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, select_rating_sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, entry_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return info_from_row (stmt);

  _kz_store_check_done (self, rc, error);
  return NULL;
}

static char *
ids_to_json (const gint64 *ids,
             guint         n_ids)
{
  GString *json = g_string_sized_new (n_ids * 8 + 2);

  g_string_append_c (json, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

/**
 * kz_store_get_ratings:
 *
 * Returns: (transfer container) (element-type KzRatingInfo): the stored
 *   ratings among @entry_ids.
 */
GPtrArray *
kz_store_get_ratings (KzStore       *self,
                      const gint64  *entry_ids,
                      guint          n_ids,
                      GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autofree char *ids_json = NULL;
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (entry_ids != NULL || n_ids == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  infos = g_ptr_array_new_with_free_func ((GDestroyNotify) kz_rating_info_free);
  if (n_ids == 0)
    return g_steal_pointer (&infos);

  ids_json = ids_to_json (entry_ids, n_ids);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, select_ratings_sql, error)))
    return NULL;
  _kz_store_bind_text (stmt, 1, ids_json);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (infos, info_from_row (stmt));

  if (!_kz_store_check_done (self, rc, error))
    return NULL;

  return g_steal_pointer (&infos);
}

gboolean
kz_store_save_rating (KzStore             *self,
                      const KzRatingInfo  *info,
                      GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (info->entry_id > 0 && info->mal_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, save_rating_sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1 + COL_ENTRY_ID, info->entry_id);
  sqlite3_bind_int64 (stmt, 1 + COL_MAL_ID, info->mal_id);
  _kz_store_bind_text (stmt, 1 + COL_RATING, info->rating);
  sqlite3_bind_double (stmt, 1 + COL_MAL_SCORE, info->mal_score);
  _kz_store_bind_text (stmt, 1 + COL_ETAG, info->etag);
  sqlite3_bind_int64 (stmt, 1 + COL_FETCHED_AT, info->fetched_at);
  sqlite3_bind_int64 (stmt, 1 + COL_FAILED_AT, info->failed_at);
  sqlite3_bind_int (stmt, 1 + COL_FAILURE_CODE, info->failure_code);
  _kz_store_bind_text (stmt, 1 + COL_FAILURE, info->failure);

  if (!_kz_store_step_done (self, stmt, error))
    return FALSE;

  g_debug ("Saved the rating of entry %" G_GINT64_FORMAT ": %s",
           info->entry_id, info->rating ? info->rating : "(none)");
  return TRUE;
}
