/* kz-store-entries.c: reading entries back
 *
 * Batch reads cost a fixed number of statements whatever the number of
 * ids: each takes a JSON array of ids as its one parameter. An entry's
 * row holds its titles and synonyms, so that an entry, or a relation's
 * target, is one row: reading 50 entries is two statements, one row
 * per entry and one per relation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store.h"

#include <json-glib/json-glib.h>

#include "kz-entry-private.h"
#include "kz-store-private.h"

/* Columns of select_relations_sql: the edge, then its target's stub. */
enum {
  REL_SOURCE_ID,
  REL_TYPE,
  REL_RAW_TYPE,
  REL_TARGET_ID,
  REL_ID_MAL,
  REL_MEDIA_TYPE,
  REL_FORMAT,
  REL_STATUS,
  REL_SEASON_YEAR,
  REL_START_YEAR,
  REL_START_MONTH,
  REL_START_DAY,
  REL_EPISODES,
  REL_IS_ADULT,
  REL_COVER_MEDIUM,
  REL_COVER_COLOR,
  REL_ROMAJI,
  REL_ENGLISH,
  REL_NATIVE,
  REL_MAL_RATING,
};

/* After KZ_STORE_COL_UPDATED_AT: what MyAnimeList says, from ratings. */
enum {
  COL_MAL_RATING = KZ_STORE_COL_UPDATED_AT + 1,
  COL_MAL_SCORE,
};

/* ?1 is a JSON array of ids: one statement for any number of them. A
 * rating counts only while the entry still links the same MAL id. */
static const char select_entries_sql[] =
  "SELECT " KZ_STORE_ENTRY_COLUMNS ","
  " (SELECT updated_at FROM fetch_meta WHERE fetch_meta.entry_id = entries.id),"
  " r.rating, r.mal_score"
  " FROM entries LEFT JOIN ratings r ON r.entry_id = entries.id AND r.mal_id = entries.id_mal"
  " WHERE id IN (SELECT value FROM json_each (?1))";

static const char select_relations_sql[] =
  "SELECT r.source_id, r.type, r.raw_type, t.id, t.id_mal, t.media_type,"
  " t.format, t.status, t.season_year, t.start_year, t.start_month,"
  " t.start_day, t.episodes, t.is_adult, t.cover_medium, t.cover_color,"
  " t.title_romaji, t.title_english, t.title_native, mal.rating"
  " FROM relations r JOIN entries t ON t.id = r.target_id"
  " LEFT JOIN ratings mal ON mal.entry_id = t.id AND mal.mal_id = t.id_mal"
  " WHERE r.source_id IN (SELECT value FROM json_each (?1))"
  " ORDER BY r.source_id, r.position";

static const char select_fetch_meta_sql[] =
  "SELECT fetched_at, updated_at FROM fetch_meta WHERE entry_id = ?1";

/* The array index of each id comes back with its row, so that the
 * result lines up with the ids, duplicates included. */
static const char select_fetch_infos_sql[] =
  "SELECT ids.key, m.fetched_at, m.updated_at"
  " FROM json_each (?1) ids JOIN fetch_meta m ON m.entry_id = ids.value";

static const char list_stale_sql[] =
  "SELECT e.id FROM entries e JOIN fetch_meta m ON m.entry_id = e.id"
  " WHERE e.detail = 1"
  "   AND m.fetched_at < ?1 - CASE WHEN e.status IN ('FINISHED', 'CANCELLED') THEN ?2 ELSE ?3 END"
  " ORDER BY m.fetched_at, e.id"
  " LIMIT ?4";

static const char list_sql[] =
  "SELECT id FROM entries WHERE detail = 1"
  " ORDER BY title_romaji IS NULL, title_romaji COLLATE NOCASE, id"
  " LIMIT ?2 OFFSET ?1";

/* Values */

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


/* Lists of strings (genres, synonyms) are stored as JSON arrays. Every
 * read of an entry decodes them, so the common case is parsed here
 * without building a document; anything unusual goes to json-glib. */

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const char **p,
           gunichar    *value)
{
  *value = 0;
  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value ((*p)[i]);

      if (digit < 0)
        return FALSE;
      *value = (*value << 4) | (gunichar)digit;
    }
  *p += 4;

  return TRUE;
}

/* One string from its opening quote; NULL when it is not one this
 * parser is sure about. */
static char *
parse_json_string (const char **p)
{
  GString *out = g_string_new (NULL);
  const char *q = *p + 1;

  for (;;)
    {
      guchar c = (guchar)*q;

      if (c == '"')
        break;
      if (c == '\0' || c < 0x20)
        goto fail;

      if (c != '\\')
        {
          g_string_append_c (out, (char)c);
          q++;
          continue;
        }

      q++;
      switch (*q++)
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/': g_string_append_c (out, '/'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar u, low;

            if (!read_hex4 (&q, &u))
              goto fail;
            if (u >= 0xd800 && u < 0xdc00)
              {
                if (q[0] != '\\' || q[1] != 'u')
                  goto fail;
                q += 2;
                if (!read_hex4 (&q, &low) || low < 0xdc00 || low >= 0xe000)
                  goto fail;
                u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              }
            else if (u >= 0xdc00 && u < 0xe000)
              goto fail;
            if (u == 0)
              goto fail;
            g_string_append_unichar (out, u);
          }
          break;
        default:
          goto fail;
        }
    }

  *p = q + 1;
  return g_string_free (out, FALSE);

fail:
  g_string_free (out, TRUE);
  return NULL;
}

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static gboolean
parse_strv_fast (const char *json,
                 GPtrArray  *strings)
{
  const char *p = skip_space (json);

  /* Bytes are copied as they are: a damaged file must not hand out
   * invalid UTF-8. */
  if (*p++ != '[' || !g_utf8_validate (p, -1, NULL))
    return FALSE;

  p = skip_space (p);
  if (*p == ']')
    return *skip_space (p + 1) == '\0';

  for (;;)
    {
      char *str;

      if (*p != '"' || !(str = parse_json_string (&p)))
        return FALSE;
      g_ptr_array_add (strings, str);

      p = skip_space (p);
      if (*p == ']')
        return *skip_space (p + 1) == '\0';
      if (*p++ != ',')
        return FALSE;
      p = skip_space (p);
    }
}

static gboolean
parse_strv_slow (const char *json,
                 GPtrArray  *strings)
{
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (strings, g_strdup (json_node_get_string (node)));
    }

  return TRUE;
}

/* The strings of a JSON array, other elements skipped; NULL for NULL
 * or anything but an array. */
char **
_kz_store_strv_from_json (const char *json)
{
  g_autoptr(GPtrArray) strings = NULL;

  if (json == NULL)
    return NULL;

  strings = g_ptr_array_new_with_free_func (g_free);
  if (!parse_strv_fast (json, strings))
    {
      g_ptr_array_set_size (strings, 0);
      if (!parse_strv_slow (json, strings))
        return NULL;
    }

  g_ptr_array_set_free_func (strings, NULL);
  g_ptr_array_add (strings, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&strings), FALSE);
}

static KzDate
make_date (int year,
           int month,
           int day)
{
  KzDate date = { (gint16)year, (gint8)month, (gint8)day };

  return date;
}

static KzEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  KzEntry *entry;

  entry = _kz_entry_new (sqlite3_column_int64 (stmt, KZ_STORE_COL_ID),
                         sqlite3_column_int (stmt, KZ_STORE_COL_DETAIL) ? KZ_ENTRY_DETAIL_FULL
                                                               : KZ_ENTRY_DETAIL_STUB);
  entry->id_mal = sqlite3_column_int64 (stmt, KZ_STORE_COL_ID_MAL);
  entry->updated_at = sqlite3_column_int64 (stmt, KZ_STORE_COL_UPDATED_AT);
  entry->media_type = kz_media_type_from_string (_kz_store_column_text (stmt, KZ_STORE_COL_MEDIA_TYPE));
  entry->format = kz_format_from_string (_kz_store_column_text (stmt, KZ_STORE_COL_FORMAT));
  entry->status = kz_status_from_string (_kz_store_column_text (stmt, KZ_STORE_COL_STATUS));
  entry->season = kz_season_from_string (_kz_store_column_text (stmt, KZ_STORE_COL_SEASON));
  entry->season_year = sqlite3_column_int (stmt, KZ_STORE_COL_SEASON_YEAR);
  entry->start_date = make_date (sqlite3_column_int (stmt, KZ_STORE_COL_START_YEAR),
                                 sqlite3_column_int (stmt, KZ_STORE_COL_START_MONTH),
                                 sqlite3_column_int (stmt, KZ_STORE_COL_START_DAY));
  entry->end_date = make_date (sqlite3_column_int (stmt, KZ_STORE_COL_END_YEAR),
                               sqlite3_column_int (stmt, KZ_STORE_COL_END_MONTH),
                               sqlite3_column_int (stmt, KZ_STORE_COL_END_DAY));
  entry->episodes = sqlite3_column_int (stmt, KZ_STORE_COL_EPISODES);
  entry->duration = sqlite3_column_int (stmt, KZ_STORE_COL_DURATION);
  entry->average_score = sqlite3_column_int (stmt, KZ_STORE_COL_AVERAGE_SCORE);
  entry->is_adult = sqlite3_column_int (stmt, KZ_STORE_COL_IS_ADULT) != 0;
  /* MyAnimeList's word first: it is what an age rating means here */
  entry->age_rating = _kz_store_column_dup_text (stmt, COL_MAL_RATING);
  if (entry->age_rating == NULL)
    entry->age_rating = _kz_store_column_dup_text (stmt, KZ_STORE_COL_AGE_RATING);
  entry->mal_score = sqlite3_column_double (stmt, COL_MAL_SCORE);
  entry->description = _kz_store_column_dup_text (stmt, KZ_STORE_COL_DESCRIPTION);
  entry->site_url = _kz_store_column_dup_text (stmt, KZ_STORE_COL_SITE_URL);
  entry->cover_extra_large = _kz_store_column_dup_text (stmt, KZ_STORE_COL_COVER_EXTRA_LARGE);
  entry->cover_large = _kz_store_column_dup_text (stmt, KZ_STORE_COL_COVER_LARGE);
  entry->cover_medium = _kz_store_column_dup_text (stmt, KZ_STORE_COL_COVER_MEDIUM);
  entry->cover_color = _kz_store_column_dup_text (stmt, KZ_STORE_COL_COVER_COLOR);
  entry->banner_url = _kz_store_column_dup_text (stmt, KZ_STORE_COL_BANNER_URL);
  entry->genres = _kz_store_strv_from_json (_kz_store_column_text (stmt, KZ_STORE_COL_GENRES));
  entry->title_romaji = _kz_store_column_dup_text (stmt, KZ_STORE_COL_TITLE_ROMAJI);
  entry->title_english = _kz_store_column_dup_text (stmt, KZ_STORE_COL_TITLE_ENGLISH);
  entry->title_native = _kz_store_column_dup_text (stmt, KZ_STORE_COL_TITLE_NATIVE);
  entry->synonyms = _kz_store_strv_from_json (_kz_store_column_text (stmt, KZ_STORE_COL_SYNONYMS));

  return entry;
}

/* Always a stub, even when the target is stored in full: relations hold
 * only what a list row shows, and never form reference cycles. */
static KzEntry *
stub_from_relation_row (sqlite3_stmt *stmt)
{
  KzEntry *stub = _kz_entry_new (sqlite3_column_int64 (stmt, REL_TARGET_ID),
                                 KZ_ENTRY_DETAIL_STUB);

  stub->id_mal = sqlite3_column_int64 (stmt, REL_ID_MAL);
  stub->media_type = kz_media_type_from_string (_kz_store_column_text (stmt, REL_MEDIA_TYPE));
  stub->format = kz_format_from_string (_kz_store_column_text (stmt, REL_FORMAT));
  stub->status = kz_status_from_string (_kz_store_column_text (stmt, REL_STATUS));
  stub->season_year = sqlite3_column_int (stmt, REL_SEASON_YEAR);
  stub->start_date = make_date (sqlite3_column_int (stmt, REL_START_YEAR),
                                sqlite3_column_int (stmt, REL_START_MONTH),
                                sqlite3_column_int (stmt, REL_START_DAY));
  stub->episodes = sqlite3_column_int (stmt, REL_EPISODES);
  stub->is_adult = sqlite3_column_int (stmt, REL_IS_ADULT) != 0;
  stub->cover_medium = _kz_store_column_dup_text (stmt, REL_COVER_MEDIUM);
  stub->cover_color = _kz_store_column_dup_text (stmt, REL_COVER_COLOR);
  stub->title_romaji = _kz_store_column_dup_text (stmt, REL_ROMAJI);
  stub->title_english = _kz_store_column_dup_text (stmt, REL_ENGLISH);
  stub->title_native = _kz_store_column_dup_text (stmt, REL_NATIVE);
  /* so that lists of neighbours can hide Rx titles */
  stub->age_rating = _kz_store_column_dup_text (stmt, REL_MAL_RATING);

  return stub;
}

/* Reading; the caller holds the lock, and a read transaction when it
 * runs more than one statement. */

static gboolean
read_entry_rows (KzStore     *self,
                 const char  *ids_json,
                 GHashTable  *by_id,
                 GError     **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_entries_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _kz_store_bind_text (stmt, 1, ids_json);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KzEntry *entry = entry_from_row (stmt);

      g_hash_table_replace (by_id, &entry->id, entry);
    }

  return _kz_store_check_done (self, rc, error);
}

static gboolean
read_relations (KzStore     *self,
                const char  *ids_json,
                GHashTable  *by_id,
                GError     **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_relations_sql, error);
  g_autoptr(GHashTable) stubs = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  _kz_store_bind_text (stmt, 1, ids_json);

  /* one stub per target, shared by every edge that reaches it */
  stubs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 source_id = sqlite3_column_int64 (stmt, REL_SOURCE_ID);
      gint64 target_id = sqlite3_column_int64 (stmt, REL_TARGET_ID);
      KzEntry *source = g_hash_table_lookup (by_id, &source_id);
      KzEntry *target;

      if (source == NULL)
        continue;

      if (!(target = g_hash_table_lookup (stubs, &target_id)))
        {
          target = stub_from_relation_row (stmt);
          g_hash_table_insert (stubs, &target->id, target);
        }

      _kz_entry_add_relation (source,
                              kz_relation_type_from_string (_kz_store_column_text (stmt, REL_TYPE)),
                              _kz_store_column_text (stmt, REL_RAW_TYPE),
                              target);
    }

  return _kz_store_check_done (self, rc, error);
}

/* Two statements whatever the number of ids: the entries, then their
 * relations with the targets' stubs. */
GPtrArray *
_kz_store_get_entries_locked (KzStore       *self,
                              const gint64  *ids,
                              guint          n_ids,
                              GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_id = NULL;
  g_autofree char *ids_json = NULL;

  if (n_ids == 0)
    return g_steal_pointer (&result);

  ids_json = ids_to_json (ids, n_ids);
  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);

  if (!read_entry_rows (self, ids_json, by_id, error))
    return NULL;

  if (g_hash_table_size (by_id) > 0 &&
      !read_relations (self, ids_json, by_id, error))
    return NULL;

  for (guint i = 0; i < n_ids; i++)
    {
      KzEntry *entry = g_hash_table_lookup (by_id, &ids[i]);

      if (entry != NULL)
        g_ptr_array_add (result, g_object_ref (entry));
    }

  return g_steal_pointer (&result);
}

/* Runs an id query (search, list) and reads what it found, in one read
 * transaction. */
GPtrArray *
_kz_store_get_entries_by_query (KzStore       *self,
                                sqlite3_stmt  *stmt,
                                GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  if (!_kz_store_check_done (self, rc, error))
    return NULL;

  return _kz_store_get_entries_locked (self, (const gint64 *)(gpointer)ids->data, ids->len, error);
}

/**
 * kz_store_get_entries:
 *
 * Returns: (transfer container) (element-type KzEntry): the stored
 *   entries among @ids, in the order of @ids; unknown ids are skipped.
 */
GPtrArray *
kz_store_get_entries (KzStore       *self,
                      const gint64  *ids,
                      guint          n_ids,
                      GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GPtrArray *entries;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_ids == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_read (self, error))
    return NULL;

  entries = _kz_store_get_entries_locked (self, ids, n_ids, error);
  return _kz_store_end_read (self, entries, (GDestroyNotify) g_ptr_array_unref, error);
}

/* Returns: (transfer full) (nullable): NULL without an error when the id
 * is not in the library. */
KzEntry *
kz_store_get_entry (KzStore  *self,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);

  entries = kz_store_get_entries (self, &id, 1, error);
  if (entries == NULL || entries->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (entries, 0));
}

/* An entry never fetched in full gives TRUE with zeros. */
gboolean
kz_store_get_fetch_info (KzStore      *self,
                         gint64        id,
                         KzFetchInfo  *info,
                         GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info->fetched_at = 0;
  info->updated_at = 0;

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, select_fetch_meta_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      info->fetched_at = sqlite3_column_int64 (stmt, 0);
      info->updated_at = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }

  return _kz_store_check_done (self, rc, error);
}

/**
 * kz_store_get_fetch_infos:
 *
 * Like kz_store_get_fetch_info() for many ids, in one statement.
 *
 * Returns: (transfer full) (element-type KzFetchInfo): one info per id,
 *   in the order of @ids; zeros for an id never fetched in full.
 */
GArray *
kz_store_get_fetch_infos (KzStore       *self,
                          const gint64  *ids,
                          guint          n_ids,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *ids_json = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  g_autoptr(GArray) infos = NULL;
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* cleared, so that an id without a row keeps its zeros */
  infos = g_array_sized_new (FALSE, TRUE, sizeof (KzFetchInfo), n_ids);
  g_array_set_size (infos, n_ids);
  if (n_ids == 0)
    return g_steal_pointer (&infos);

  ids_json = ids_to_json (ids, n_ids);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, select_fetch_infos_sql, error)))
    return NULL;
  _kz_store_bind_text (stmt, 1, ids_json);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 index = sqlite3_column_int64 (stmt, 0);
      KzFetchInfo *info;

      if (index < 0 || index >= (gint64)n_ids)
        continue;

      info = &g_array_index (infos, KzFetchInfo, index);
      info->fetched_at = sqlite3_column_int64 (stmt, 1);
      info->updated_at = sqlite3_column_int64 (stmt, 2);
    }

  if (!_kz_store_check_done (self, rc, error))
    return NULL;

  return g_steal_pointer (&infos);
}

GArray *
kz_store_list_stale_ids (KzStore  *self,
                         gint64    now,
                         gint64    finished_max_age,
                         gint64    airing_max_age,
                         guint     limit,
                         GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(KzStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);

  if (!(stmt = _kz_store_stmt (self, list_stale_sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, finished_max_age);
  sqlite3_bind_int64 (stmt, 3, airing_max_age);
  sqlite3_bind_int64 (stmt, 4, limit > 0 ? (gint64) limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }

  if (!_kz_store_check_done (self, rc, error))
    return NULL;

  return g_steal_pointer (&ids);
}

/**
 * kz_store_list_entries:
 * @limit: the most entries to return; 0 for no limit
 *
 * The entries stored in full, by romaji title regardless of case.
 */
GPtrArray *
kz_store_list_entries (KzStore  *self,
                       guint     offset,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GPtrArray *entries = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_read (self, error))
    return NULL;

  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, list_sql, error);

    if (stmt != NULL)
      {
        sqlite3_bind_int64 (stmt, 1, offset);
        sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64)limit : -1);
        entries = _kz_store_get_entries_by_query (self, stmt, error);
      }
  }

  return _kz_store_end_read (self, entries, (GDestroyNotify) g_ptr_array_unref, error);
}

