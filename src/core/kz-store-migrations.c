/* kz-store-migrations.c: the library's schema, one step per version
 *
 * Each step runs in its own transaction, with foreign keys not yet
 * enforced, and the store bumps PRAGMA user_version after it. Never edit
 * a step that has shipped: add the next one to the end of the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store-private.h"

/* Version 1: the whole first schema. Enumerations are stored as
 * AniList's wire names (NULL when unknown) so that reordering the C
 * enums never changes what a file means. */
static const char schema_v1[] =
  "CREATE TABLE entries ("
  "  id                INTEGER PRIMARY KEY CHECK (id > 0),"
  "  id_mal            INTEGER NOT NULL DEFAULT 0,"
  "  detail            INTEGER NOT NULL DEFAULT 0 CHECK (detail IN (0, 1)),"
  "  media_type        TEXT,"
  "  format            TEXT,"
  "  status            TEXT,"
  "  season            TEXT,"
  "  season_year       INTEGER NOT NULL DEFAULT 0,"
  "  start_year        INTEGER NOT NULL DEFAULT 0,"
  "  start_month       INTEGER NOT NULL DEFAULT 0,"
  "  start_day         INTEGER NOT NULL DEFAULT 0,"
  "  end_year          INTEGER NOT NULL DEFAULT 0,"
  "  end_month         INTEGER NOT NULL DEFAULT 0,"
  "  end_day           INTEGER NOT NULL DEFAULT 0,"
  "  episodes          INTEGER NOT NULL DEFAULT 0,"
  "  duration          INTEGER NOT NULL DEFAULT 0,"
  "  average_score     INTEGER NOT NULL DEFAULT 0,"
  "  is_adult          INTEGER NOT NULL DEFAULT 0 CHECK (is_adult IN (0, 1)),"
  "  age_rating        TEXT,"
  "  description       TEXT,"
  "  site_url          TEXT,"
  "  cover_extra_large TEXT,"
  "  cover_large       TEXT,"
  "  cover_medium      TEXT,"
  "  cover_color       TEXT,"
  "  banner_url        TEXT,"
  "  genres            TEXT CHECK (genres IS NULL OR json_valid (genres))"
  ");"
  "CREATE INDEX entries_by_detail ON entries (detail);"

  /* Synonyms keep their order through position. */
  "CREATE TABLE titles ("
  "  id       INTEGER PRIMARY KEY,"
  "  entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,"
  "  kind     TEXT NOT NULL CHECK (kind IN ('romaji', 'english', 'native', 'synonym')),"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  text     TEXT NOT NULL,"
  "  UNIQUE (entry_id, kind, position)"
  ");"
  "CREATE INDEX titles_by_kind ON titles (kind, text COLLATE NOCASE);"

  /* The search index reads its text from titles; the triggers keep it in
   * step inside whatever transaction changes a title. */
  "CREATE VIRTUAL TABLE titles_fts USING fts5 ("
  "  text, content = 'titles', content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE TRIGGER titles_fts_insert AFTER INSERT ON titles BEGIN"
  "  INSERT INTO titles_fts (rowid, text) VALUES (new.id, new.text);"
  "END;"
  "CREATE TRIGGER titles_fts_delete AFTER DELETE ON titles BEGIN"
  "  INSERT INTO titles_fts (titles_fts, rowid, text) VALUES ('delete', old.id, old.text);"
  "END;"
  "CREATE TRIGGER titles_fts_update AFTER UPDATE ON titles BEGIN"
  "  INSERT INTO titles_fts (titles_fts, rowid, text) VALUES ('delete', old.id, old.text);"
  "  INSERT INTO titles_fts (rowid, text) VALUES (new.id, new.text);"
  "END;"

  /* type is KzRelationType's wire name, raw_type the provider's word,
   * which may be one this build does not know. */
  "CREATE TABLE relations ("
  "  source_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,"
  "  target_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,"
  "  type      TEXT NOT NULL,"
  "  raw_type  TEXT NOT NULL,"
  "  position  INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (source_id, target_id, raw_type)"
  ") WITHOUT ROWID;"
  "CREATE INDEX relations_by_target ON relations (target_id);"

  /* One id per site and entry; AniList links a few MAL ids to more than
   * one entry, so the reverse lookup is an index, not a constraint. */
  "CREATE TABLE external_ids ("
  "  entry_id    INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,"
  "  site        TEXT NOT NULL,"
  "  external_id INTEGER NOT NULL,"
  "  PRIMARY KEY (entry_id, site)"
  ") WITHOUT ROWID;"
  "CREATE INDEX external_ids_by_site ON external_ids (site, external_id);"

  /* fetched_at: our clock, microseconds; updated_at: the provider's,
   * unix seconds. */
  "CREATE TABLE fetch_meta ("
  "  entry_id   INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,"
  "  fetched_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX fetch_meta_by_time ON fetch_meta (fetched_at);"

  "CREATE TABLE franchises ("
  "  key      TEXT PRIMARY KEY,"
  "  root_id  INTEGER NOT NULL,"
  "  saved_at INTEGER NOT NULL,"
  "  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1))"
  ") WITHOUT ROWID;"
  "CREATE TABLE franchise_nodes ("
  "  franchise_key TEXT NOT NULL REFERENCES franchises (key) ON DELETE CASCADE,"
  "  position      INTEGER NOT NULL,"
  "  entry_id      INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,"
  "  depth         INTEGER NOT NULL,"
  "  PRIMARY KEY (franchise_key, position),"
  "  UNIQUE (franchise_key, entry_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX franchise_nodes_by_entry ON franchise_nodes (entry_id);"
  "CREATE TABLE franchise_edges ("
  "  franchise_key TEXT NOT NULL REFERENCES franchises (key) ON DELETE CASCADE,"
  "  position      INTEGER NOT NULL,"
  "  from_id       INTEGER NOT NULL,"
  "  to_id         INTEGER NOT NULL,"
  "  type          TEXT NOT NULL,"
  "  raw_type      TEXT NOT NULL,"
  "  PRIMARY KEY (franchise_key, position)"
  ") WITHOUT ROWID;";

/* Version 2: what MyAnimeList (through Jikan) says about an entry: its
 * age rating and score, the ETag to revalidate them with, when they
 * were last confirmed and when a lookup last failed. A row per AniList
 * entry, without a foreign key: a rating may arrive for an entry the
 * library only holds in memory. An age rating an older build kept on
 * the entry moves over, marked as never confirmed so that it is
 * checked again. */
static const char schema_v2[] =
  "CREATE TABLE ratings ("
  "  entry_id     INTEGER PRIMARY KEY CHECK (entry_id > 0),"
  "  mal_id       INTEGER NOT NULL CHECK (mal_id > 0),"
  "  rating       TEXT,"
  "  mal_score    REAL NOT NULL DEFAULT 0,"
  "  etag         TEXT,"
  "  fetched_at   INTEGER NOT NULL DEFAULT 0,"
  "  failed_at    INTEGER NOT NULL DEFAULT 0,"
  "  failure_code INTEGER NOT NULL DEFAULT 0,"
  "  failure      TEXT"
  ");"
  "CREATE INDEX ratings_by_mal_id ON ratings (mal_id);"
  "INSERT INTO ratings (entry_id, mal_id, rating)"
  "  SELECT id, id_mal, age_rating FROM entries"
  "  WHERE age_rating IS NOT NULL AND id_mal > 0;";

/* Version 3: reads and searches that stay fast at 50,000 titles.
 *
 * An entry's row carries its three titles and its synonyms (a JSON
 * array), so that reading an entry, or a relation's target, takes one
 * row and no title lookups; the titles table stays the source of the
 * search indexes.
 *
 * Each title gets a search key, the rowid of both search indexes: from
 * the high bits down, stub (1) or stored in full (0), the title's
 * length in characters (at most 255), 100 minus the entry's score, the
 * entry id (35 bits) and the title's slot (romaji 0, english 1, native
 * 2, synonym 3 + position). Walking an index in rowid order therefore
 * meets full entries first, shorter (closer) titles first, better
 * scored ones first, and yields the entry id without a lookup, so a
 * search stops after the first matches it needs instead of scoring
 * every one. kz-store-upsert.c computes the same key for new titles.
 *
 * titles_fts indexes every word of a title; titles_head_fts indexes the
 * whole title as one word (its letters and digits run together, from
 * kz_search_head(), which the store registers before upgrading), so
 * that "titles starting with the text" is a prefix query of its own.
 * Both are contentless, kept in step by the store rather than by
 * triggers: FTS5 writes its pending changes out at every statement
 * savepoint, which made each title written a segment of its own. The
 * store queues the changes of a transaction and applies them just
 * before it commits, taking the exact values to delete from titles'
 * own columns. */
static const char schema_v3[] =
  "ALTER TABLE entries ADD COLUMN title_romaji TEXT;"
  "ALTER TABLE entries ADD COLUMN title_english TEXT;"
  "ALTER TABLE entries ADD COLUMN title_native TEXT;"
  "ALTER TABLE entries ADD COLUMN synonyms TEXT;"
  "UPDATE entries SET"
  "  title_romaji = (SELECT text FROM titles t"
  "                  WHERE t.entry_id = entries.id AND t.kind = 'romaji' AND t.position = 0),"
  "  title_english = (SELECT text FROM titles t"
  "                   WHERE t.entry_id = entries.id AND t.kind = 'english' AND t.position = 0),"
  "  title_native = (SELECT text FROM titles t"
  "                  WHERE t.entry_id = entries.id AND t.kind = 'native' AND t.position = 0),"
  "  synonyms = (SELECT CASE WHEN count (*) > 0 THEN json_group_array (text) END FROM"
  "              (SELECT text FROM titles t"
  "               WHERE t.entry_id = entries.id AND t.kind = 'synonym' ORDER BY t.position));"

  "DROP TRIGGER titles_fts_insert;"
  "DROP TRIGGER titles_fts_delete;"
  "DROP TRIGGER titles_fts_update;"
  "DROP TABLE titles_fts;"

  /* the key's slot has 12 bits; no real entry comes near that many
   * synonyms, and the entry's row keeps them all */
  "DELETE FROM titles WHERE kind = 'synonym' AND position >= 4093;"
  "ALTER TABLE titles ADD COLUMN search_key INTEGER;"
  "ALTER TABLE titles ADD COLUMN head TEXT;"
  "UPDATE titles SET"
  "  search_key = (SELECT ((1 - e.detail) << 62)"
  "                       | (min (length (titles.text), 255) << 54)"
  "                       | ((100 - max (0, min (e.average_score, 100))) << 47)"
  "                       | ((titles.entry_id & 34359738367) << 12)"
  "                       | CASE titles.kind WHEN 'romaji' THEN 0 WHEN 'english' THEN 1"
  "                                          WHEN 'native' THEN 2 ELSE 3 + titles.position END"
  "                FROM entries e WHERE e.id = titles.entry_id),"
  "  head = kz_search_head (text);"
  "CREATE UNIQUE INDEX titles_by_search_key ON titles (search_key);"
  /* lists sort on the entry's own romaji title now */
  "DROP INDEX titles_by_kind;"

  "CREATE VIRTUAL TABLE titles_fts USING fts5 ("
  "  text, content = '', prefix = '2 3 4',"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE VIRTUAL TABLE titles_head_fts USING fts5 ("
  "  head, content = '', prefix = '2 3 4',"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "INSERT INTO titles_fts (rowid, text) SELECT search_key, text FROM titles;"
  "INSERT INTO titles_head_fts (rowid, head) SELECT search_key, head FROM titles;";

static const char * const migrations[] = {
  schema_v1,
  schema_v2,
  schema_v3,
};

const char * const *
_kz_store_get_migrations (guint *n_migrations)
{
  g_return_val_if_fail (n_migrations != NULL, NULL);

  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
