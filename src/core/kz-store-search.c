/* kz-store-search.c: finding entries by title
 *
 * Every title and synonym is in an FTS5 index (see the triggers in
 * kz-store-migrations.c); what a person types becomes a MATCH query
 * that cannot be a syntax error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store.h"

#include "kz-store-private.h"

/* bm25 is only allowed next to its MATCH, hence the materialised
 * step; an entry ranks by its best matching title. */
static const char search_sql[] =
  "WITH hits AS MATERIALIZED ("
  "  SELECT rowid AS title_id, bm25 (titles_fts) AS score"
  "  FROM titles_fts WHERE titles_fts MATCH ?1)"
  " SELECT t.entry_id FROM hits"
  " JOIN titles t ON t.id = hits.title_id"
  " JOIN entries e ON e.id = t.entry_id"
  " GROUP BY t.entry_id"
  " ORDER BY max (e.detail) DESC, min (hits.score), t.entry_id"
  " LIMIT ?2";

/* Each word becomes a quoted prefix term, "word"*, with its own quotes
 * doubled: whatever a person types, the MATCH syntax stays valid, and
 * FTS5 operators are searched as words. NULL when nothing is left. */
static char *
build_match_query (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *query = g_string_new (NULL);
  GString *word = g_string_new (NULL);
  gboolean word_has_text = FALSE;

  for (const char *p = valid; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0 || g_unichar_isspace (c))
        {
          if (word_has_text)
            g_string_append_printf (query, "%s\"%s\"*", query->len ? " " : "", word->str);
          g_string_truncate (word, 0);
          word_has_text = FALSE;
          if (c == 0)
            break;
          continue;
        }

      if (c == '"')
        g_string_append (word, "\"\"");
      else
        g_string_append_unichar (word, c);

      if (g_unichar_isalnum (c))
        word_has_text = TRUE;
    }

  g_string_free (word, TRUE);
  if (query->len == 0)
    {
      g_string_free (query, TRUE);
      return NULL;
    }

  return g_string_free (query, FALSE);
}

/**
 * kz_store_search:
 * @text: what a person typed
 * @limit: the most entries to return; 0 for no limit
 *
 * Prefix search over every title and synonym, best match first, entries
 * stored in full before stubs.
 */
GPtrArray *
kz_store_search (KzStore     *self,
                 const char  *text,
                 guint        limit,
                 GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *match = NULL;
  GPtrArray *entries = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(match = build_match_query (text)))
    return g_ptr_array_new_with_free_func (g_object_unref);

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_read (self, error))
    return NULL;

  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, search_sql, error);

    if (stmt != NULL)
      {
        _kz_store_bind_text (stmt, 1, match);
        sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64)limit : -1);
        entries = _kz_store_get_entries_by_query (self, stmt, error);
      }
  }

  return _kz_store_end_read (self, entries, error);
}

