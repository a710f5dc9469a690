/* kz-store-upsert.c: saving entries
 *
 * A full entry replaces its row, titles, fetch time, MAL id and
 * relations; anything thinner (a stub, a relation's target) only adds
 * or refreshes a stub row, so that a full row is never downgraded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store.h"

#include <glib/gi18n-lib.h>

#include "kz-entry-private.h"
#include "kz-store-private.h"

#define MAL_SITE "mal"

/* The parameter of a column, in both upserts. */
#define P(column) ((column) + 1)

static const char upsert_full_sql[] =
  "INSERT INTO entries (" KZ_STORE_ENTRY_COLUMNS ") VALUES ("
  " ?1, ?2, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
  " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)"
  " ON CONFLICT (id) DO UPDATE SET"
  " id_mal = excluded.id_mal, detail = 1, media_type = excluded.media_type,"
  " format = excluded.format, status = excluded.status, season = excluded.season,"
  " season_year = excluded.season_year, start_year = excluded.start_year,"
  " start_month = excluded.start_month, start_day = excluded.start_day,"
  " end_year = excluded.end_year, end_month = excluded.end_month,"
  " end_day = excluded.end_day, episodes = excluded.episodes,"
  " duration = excluded.duration, average_score = excluded.average_score,"
  " is_adult = excluded.is_adult, age_rating = excluded.age_rating,"
  " description = excluded.description, site_url = excluded.site_url,"
  " cover_extra_large = excluded.cover_extra_large,"
  " cover_large = excluded.cover_large, cover_medium = excluded.cover_medium,"
  " cover_color = excluded.cover_color, banner_url = excluded.banner_url,"
  " genres = excluded.genres, title_romaji = excluded.title_romaji,"
  " title_english = excluded.title_english, title_native = excluded.title_native,"
  " synonyms = excluded.synonyms";

/* What the library holds of a relation's target before a stub is saved
 * over it. */
static const char select_stub_state_sql[] =
  "SELECT detail, title_romaji, title_english, title_native FROM entries WHERE id = ?1";

/* A stub only ever fills or refreshes a stub row: never a full one. */
static const char upsert_stub_sql[] =
  "INSERT INTO entries (id, id_mal, detail, media_type, format, status,"
  " season_year, start_year, start_month, start_day, episodes, is_adult,"
  " cover_medium, cover_color, title_romaji, title_english, title_native) VALUES ("
  " ?1, ?2, 0, ?4, ?5, ?6, ?8, ?9, ?10, ?11, ?15, ?18, ?24, ?25, ?28, ?29, ?30)"
  " ON CONFLICT (id) DO UPDATE SET"
  " id_mal = excluded.id_mal, media_type = excluded.media_type,"
  " format = excluded.format, status = excluded.status,"
  " season_year = excluded.season_year, start_year = excluded.start_year,"
  " start_month = excluded.start_month, start_day = excluded.start_day,"
  " episodes = excluded.episodes, is_adult = excluded.is_adult,"
  " cover_medium = excluded.cover_medium, cover_color = excluded.cover_color,"
  " title_romaji = excluded.title_romaji, title_english = excluded.title_english,"
  " title_native = excluded.title_native"
  " WHERE entries.detail = 0";

static const char select_title_keys_sql[] =
  "SELECT search_key, text, head FROM titles WHERE entry_id = ?1";

static const char delete_titles_sql[] =
  "DELETE FROM titles WHERE entry_id = ?1";

static const char insert_title_sql[] =
  "INSERT INTO titles (entry_id, kind, position, text, search_key, head)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static const char delete_relations_sql[] =
  "DELETE FROM relations WHERE source_id = ?1";

static const char insert_relation_sql[] =
  "INSERT INTO relations (source_id, target_id, type, raw_type, position)"
  " VALUES (?1, ?2, ?3, ?4, ?5)"
  " ON CONFLICT (source_id, target_id, raw_type) DO NOTHING";

static const char upsert_fetch_meta_sql[] =
  "INSERT INTO fetch_meta (entry_id, fetched_at, updated_at) VALUES (?1, ?2, ?3)"
  " ON CONFLICT (entry_id) DO UPDATE SET"
  " fetched_at = excluded.fetched_at, updated_at = excluded.updated_at";

static const char delete_external_id_sql[] =
  "DELETE FROM external_ids WHERE entry_id = ?1 AND site = ?2";

static const char insert_external_id_sql[] =
  "INSERT INTO external_ids (entry_id, site, external_id) VALUES (?1, ?2, ?3)";

/* Values */

static void
bind_text_copy (sqlite3_stmt *stmt,
                int           param,
                const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, param, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, param);
}

/* Lists of strings (genres, synonyms) are stored as JSON arrays; see
 * _kz_store_strv_from_json() for reading them back. */
char *
_kz_store_strv_to_json (char **strv)
{
  GString *json;

  if (strv == NULL)
    return NULL;

  json = g_string_new ("[");
  for (guint i = 0; strv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      g_string_append_c (json, '"');
      for (const char *p = strv[i]; *p != '\0'; p++)
        {
          guchar c = (guchar)*p;

          if (c == '"' || c == '\\')
            {
              g_string_append_c (json, '\\');
              g_string_append_c (json, (char)c);
            }
          else if (c < 0x20)
            g_string_append_printf (json, "\\u%04x", c);
          else
            g_string_append_c (json, (char)c);
        }
      g_string_append_c (json, '"');
    }
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

static const char *
wire_or_null (const char *wire,
              gboolean    known)
{
  return known ? wire : NULL;
}

/* What a relation edge tells about its target, for both upserts. */
static void
bind_stub_fields (sqlite3_stmt *stmt,
                  KzEntry      *entry)
{
  sqlite3_bind_int64 (stmt, P (KZ_STORE_COL_ID), entry->id);
  sqlite3_bind_int64 (stmt, P (KZ_STORE_COL_ID_MAL), entry->id_mal);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_MEDIA_TYPE),
                       wire_or_null (kz_media_type_to_string (entry->media_type),
                                     entry->media_type != KZ_MEDIA_TYPE_UNKNOWN));
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_FORMAT),
                       wire_or_null (kz_format_to_string (entry->format),
                                     entry->format != KZ_FORMAT_UNKNOWN));
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_STATUS),
                       wire_or_null (kz_status_to_string (entry->status),
                                     entry->status != KZ_STATUS_UNKNOWN));
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_SEASON_YEAR), entry->season_year);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_START_YEAR), entry->start_date.year);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_START_MONTH), entry->start_date.month);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_START_DAY), entry->start_date.day);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_EPISODES), entry->episodes);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_IS_ADULT), entry->is_adult ? 1 : 0);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_COVER_MEDIUM), entry->cover_medium);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_COVER_COLOR), entry->cover_color);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_TITLE_ROMAJI), entry->title_romaji);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_TITLE_ENGLISH), entry->title_english);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_TITLE_NATIVE), entry->title_native);
}

static void
bind_full_fields (sqlite3_stmt *stmt,
                  KzEntry      *entry)
{
  g_autofree char *genres = _kz_store_strv_to_json (entry->genres);
  g_autofree char *synonyms = _kz_store_strv_to_json (entry->synonyms);

  bind_stub_fields (stmt, entry);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_SEASON),
                       wire_or_null (kz_season_to_string (entry->season),
                                     entry->season != KZ_SEASON_UNKNOWN));
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_END_YEAR), entry->end_date.year);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_END_MONTH), entry->end_date.month);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_END_DAY), entry->end_date.day);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_DURATION), entry->duration);
  sqlite3_bind_int (stmt, P (KZ_STORE_COL_AVERAGE_SCORE), entry->average_score);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_AGE_RATING), entry->age_rating);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_DESCRIPTION), entry->description);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_SITE_URL), entry->site_url);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_COVER_EXTRA_LARGE), entry->cover_extra_large);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_COVER_LARGE), entry->cover_large);
  _kz_store_bind_text (stmt, P (KZ_STORE_COL_BANNER_URL), entry->banner_url);
  bind_text_copy (stmt, P (KZ_STORE_COL_GENRES), genres);
  bind_text_copy (stmt, P (KZ_STORE_COL_SYNONYMS), synonyms);
}

/* Writing; the caller holds the lock and a write transaction. */

static gboolean
insert_title (KzStore     *self,
              KzEntry     *entry,
              gboolean     full,
              const char  *kind,
              guint        position,
              guint        slot,
              const char  *text,
              GError     **error)
{
  g_autoptr(KzStoreStmt) stmt = NULL;
  g_autofree char *head = NULL;
  gint64 key;

  if (text == NULL)
    return TRUE;

  if (!(stmt = _kz_store_stmt (self, insert_title_sql, error)))
    return FALSE;

  head = _kz_store_search_head (text);
  key = _kz_store_search_key (full, full ? entry->average_score : 0, text, entry->id, slot);
  sqlite3_bind_int64 (stmt, 1, entry->id);
  _kz_store_bind_text (stmt, 2, kind);
  sqlite3_bind_int (stmt, 3, position);
  _kz_store_bind_text (stmt, 4, text);
  sqlite3_bind_int64 (stmt, 5, key);
  _kz_store_bind_text (stmt, 6, head);

  if (!_kz_store_step_done (self, stmt, error))
    return FALSE;

  _kz_store_queue_search (self, TRUE, key, text, head);
  return TRUE;
}

/* Takes the entry's titles out of the search indexes (at the commit),
 * with the values they were indexed with. */
static gboolean
unindex_titles (KzStore  *self,
                gint64    entry_id,
                GError  **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_title_keys_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    _kz_store_queue_search (self, FALSE, sqlite3_column_int64 (stmt, 0),
                            _kz_store_column_text (stmt, 1), _kz_store_column_text (stmt, 2));

  return _kz_store_check_done (self, rc, error);
}

/* The search indexes follow when the transaction commits. @full says
 * what the entry's row now is: it ranks the titles (see
 * _kz_store_search_key()). */
static gboolean
replace_titles (KzStore   *self,
                KzEntry   *entry,
                gboolean   full,
                GError   **error)
{
  const struct {
    const char *kind;
    guint       slot;
    const char *text;
  } titles[] = {
    { KZ_STORE_TITLE_ROMAJI, KZ_STORE_SLOT_ROMAJI, entry->title_romaji },
    { KZ_STORE_TITLE_ENGLISH, KZ_STORE_SLOT_ENGLISH, entry->title_english },
    { KZ_STORE_TITLE_NATIVE, KZ_STORE_SLOT_NATIVE, entry->title_native },
  };

  if (!unindex_titles (self, entry->id, error))
    return FALSE;

  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, delete_titles_sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, entry->id);
    if (!_kz_store_step_done (self, stmt, error))
      return FALSE;
  }

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (!insert_title (self, entry, full, titles[i].kind, 0, titles[i].slot, titles[i].text, error))
      return FALSE;

  /* stubs carry no synonyms; the row keeps any past the last slot */
  if (full && entry->synonyms != NULL)
    for (guint i = 0; entry->synonyms[i] != NULL && KZ_STORE_SLOT_SYNONYM + i <= KZ_STORE_SLOT_MAX; i++)
      if (!insert_title (self, entry, full, KZ_STORE_TITLE_SYNONYM, i,
                         KZ_STORE_SLOT_SYNONYM + i, entry->synonyms[i], error))
        return FALSE;

  return TRUE;
}

typedef enum {
  STUB_NEW,            /* no row yet */
  STUB_SAME_TITLES,    /* a stub row with the same titles */
  STUB_OTHER_TITLES,   /* a stub row with other titles */
  STUB_FULL,           /* a full row: left alone */
} StubState;

static gboolean
read_stub_state (KzStore    *self,
                 KzEntry    *entry,
                 StubState  *state,
                 GError    **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_stub_state_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *state = STUB_NEW;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      _kz_store_set_query_error (self, rc, error);
      return FALSE;
    }

  if (sqlite3_column_int (stmt, 0) != 0)
    *state = STUB_FULL;
  else if (g_strcmp0 (_kz_store_column_text (stmt, 1), entry->title_romaji) == 0 &&
           g_strcmp0 (_kz_store_column_text (stmt, 2), entry->title_english) == 0 &&
           g_strcmp0 (_kz_store_column_text (stmt, 3), entry->title_native) == 0)
    *state = STUB_SAME_TITLES;
  else
    *state = STUB_OTHER_TITLES;

  return TRUE;
}

/* Inserts the stub when the id is unknown and refreshes a stored stub;
 * leaves a full row alone. Every edge to an entry reaches here, so its
 * titles (and their search index) are rewritten only when they
 * changed. */
gboolean
_kz_store_upsert_stub (KzStore  *self,
                       KzEntry  *entry,
                       GError  **error)
{
  StubState state;

  if (!read_stub_state (self, entry, &state, error))
    return FALSE;

  if (state == STUB_FULL)
    return TRUE;

  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, upsert_stub_sql, error);

    if (stmt == NULL)
      return FALSE;
    bind_stub_fields (stmt, entry);
    if (!_kz_store_step_done (self, stmt, error))
      return FALSE;
  }

  return state == STUB_SAME_TITLES || replace_titles (self, entry, FALSE, error);
}

static gboolean
write_full_row (KzStore  *self,
                KzEntry  *entry,
                GError  **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, upsert_full_sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_full_fields (stmt, entry);

  return _kz_store_step_done (self, stmt, error);
}

static gboolean
write_fetch_meta (KzStore  *self,
                  KzEntry  *entry,
                  gint64    fetched_at,
                  GError  **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, upsert_fetch_meta_sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->id);
  sqlite3_bind_int64 (stmt, 2, fetched_at);
  sqlite3_bind_int64 (stmt, 3, entry->updated_at);

  return _kz_store_step_done (self, stmt, error);
}

static gboolean
write_mal_id (KzStore  *self,
              KzEntry  *entry,
              GError  **error)
{
  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, delete_external_id_sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, entry->id);
    _kz_store_bind_text (stmt, 2, MAL_SITE);
    if (!_kz_store_step_done (self, stmt, error))
      return FALSE;
  }

  if (entry->id_mal > 0)
    {
      g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, insert_external_id_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry->id);
      _kz_store_bind_text (stmt, 2, MAL_SITE);
      sqlite3_bind_int64 (stmt, 3, entry->id_mal);
      if (!_kz_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
replace_relations (KzStore  *self,
                   KzEntry  *entry,
                   GError  **error)
{
  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, delete_relations_sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, entry->id);
    if (!_kz_store_step_done (self, stmt, error))
      return FALSE;
  }

  if (entry->relations == NULL)
    return TRUE;

  for (guint i = 0; i < entry->relations->len; i++)
    {
      const KzRelation *relation = &g_array_index (entry->relations, KzRelation, i);
      g_autoptr(KzStoreStmt) stmt = NULL;

      /* the edge's foreign key needs its target's row first */
      if (!_kz_store_upsert_stub (self, relation->target, error))
        return FALSE;

      if (!(stmt = _kz_store_stmt (self, insert_relation_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry->id);
      sqlite3_bind_int64 (stmt, 2, relation->target->id);
      _kz_store_bind_text (stmt, 3, kz_relation_type_to_string (relation->type));
      _kz_store_bind_text (stmt, 4, relation->raw_type ? relation->raw_type
                                                       : kz_relation_type_to_string (relation->type));
      sqlite3_bind_int (stmt, 5, i);
      if (!_kz_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
upsert_full (KzStore  *self,
             KzEntry  *entry,
             gint64    fetched_at,
             GError  **error)
{
  return write_full_row (self, entry, error) &&
         replace_titles (self, entry, TRUE, error) &&
         write_fetch_meta (self, entry, fetched_at, error) &&
         write_mal_id (self, entry, error) &&
         replace_relations (self, entry, error);
}

/**
 * kz_store_upsert_entries:
 * @entries: (element-type KzEntry): full entries, or stubs
 * @fetched_at: when the full entries were fetched, microseconds
 *
 * Saves the whole batch in one transaction, or nothing of it. A full
 * entry replaces its row, titles, relations and fetch time; relation
 * targets and stubs in @entries only add or refresh stub rows.
 */
gboolean
kz_store_upsert_entries (KzStore    *self,
                         GPtrArray  *entries,
                         gint64      fetched_at,
                         GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_write (self, error))
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gboolean saved;

      if (entry->detail == KZ_ENTRY_DETAIL_FULL)
        saved = upsert_full (self, entry, fetched_at, error);
      else
        saved = _kz_store_upsert_stub (self, entry, error);

      if (!saved)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, entry->id);

          _kz_store_rollback (self);
          g_prefix_error (error, _("Could not save entry %s: "), id);
          return FALSE;
        }
    }

  if (!_kz_store_commit (self, error))
    return FALSE;

  g_debug ("Saved %u entries", entries->len);
  return TRUE;
}
