/* kz-store-search.c: finding entries by title
 *
 * Two contentless FTS5 indexes share each title's search key as rowid
 * (see schema version 3 in kz-store-migrations.c): titles_head_fts
 * holds each whole title as one word, titles_fts each word of it. A
 * search walks them in rowid order, which is already rank order, and
 * stops once it has its entries:
 *
 *   1. entries stored in full whose title starts with the text,
 *   2. entries stored in full with a title word starting with each word,
 *   3. and 4. the same for stubs.
 *
 * Within each step, shorter titles come first, then better scored
 * entries, then lower ids. What a person types never reaches the MATCH
 * syntax unquoted, so it cannot be a syntax error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store.h"

#include <string.h>

#include "kz-store-private.h"

#define KEY_STUB_SHIFT   62
#define KEY_LENGTH_SHIFT 54
#define KEY_SCORE_SHIFT  47
#define KEY_ID_SHIFT     12
#define KEY_ID_MASK      G_GINT64_CONSTANT (0x7ffffffff)  /* 35 bits */
#define KEY_MAX_LENGTH   255

/* Stubs sort after every entry stored in full. */
#define KEY_FIRST_STUB   (G_GINT64_CONSTANT (1) << KEY_STUB_SHIFT)

static const char search_heads_sql[] =
  "SELECT rowid FROM titles_head_fts"
  " WHERE titles_head_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3"
  " ORDER BY rowid";

static const char search_words_sql[] =
  "SELECT rowid FROM titles_fts"
  " WHERE titles_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3"
  " ORDER BY rowid";

/* Keys */

/* Characters as SQLite's length() counts them, so that the upgrade's
 * SQL and this code give every title the same key. */
static guint
sqlite_length (const char *text)
{
  guint n = 0;

  for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
    n += (*p & 0xc0) != 0x80;

  return n;
}

gint64
_kz_store_search_key (gboolean    full,
                      int         average_score,
                      const char *text,
                      gint64      entry_id,
                      guint       slot)
{
  gint64 length = MIN (sqlite_length (text), KEY_MAX_LENGTH);
  gint64 score = CLAMP (average_score, 0, 100);

  g_return_val_if_fail (slot <= KZ_STORE_SLOT_MAX, 0);

  return ((gint64)(full ? 0 : 1) << KEY_STUB_SHIFT)
         | (length << KEY_LENGTH_SHIFT)
         | ((100 - score) << KEY_SCORE_SHIFT)
         | ((entry_id & KEY_ID_MASK) << KEY_ID_SHIFT)
         | (gint64)slot;
}

static gint64
entry_id_of_key (gint64 key)
{
  return (key >> KEY_ID_SHIFT) & KEY_ID_MASK;
}

/* The letters and digits of @text run together: one word for the
 * tokenizer, which folds case and diacritics itself. Typed text and
 * stored titles go through the same function. */
char *
_kz_store_search_head (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *head = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (head, c);
    }

  return g_string_free (head, FALSE);
}

/* Queries */

/* Each word becomes a quoted prefix term, "word"*, with its own quotes
 * doubled: whatever a person types, the MATCH syntax stays valid, and
 * FTS5 operators are searched as words. NULL when nothing is left. */
static char *
build_words_query (const char *text)
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

/* The head holds only letters and digits: no quote to escape. */
static char *
build_head_query (const char *text)
{
  g_autofree char *head = _kz_store_search_head (text);

  if (*head == '\0')
    return NULL;

  return g_strdup_printf ("\"%s\"*", head);
}

typedef struct {
  GArray     *ids;
  GHashTable *seen;
  guint       limit;   /* 0: no limit */
} Hits;

static gboolean
hits_full (Hits *hits)
{
  return hits->limit > 0 && hits->ids->len >= hits->limit;
}

/* Adds the entries of one step, best first, until the limit. */
static gboolean
collect (KzStore     *self,
         const char  *sql,
         const char  *match,
         gint64       first_key,
         gint64       last_key,
         Hits        *hits,
         GError     **error)
{
  g_autoptr(KzStoreStmt) stmt = NULL;
  int rc = SQLITE_DONE;

  if (match == NULL || hits_full (hits))
    return TRUE;

  if (!(stmt = _kz_store_stmt (self, sql, error)))
    return FALSE;
  _kz_store_bind_text (stmt, 1, match);
  sqlite3_bind_int64 (stmt, 2, first_key);
  sqlite3_bind_int64 (stmt, 3, last_key);

  while (!hits_full (hits) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = entry_id_of_key (sqlite3_column_int64 (stmt, 0));

      if (g_hash_table_add (hits->seen, GSIZE_TO_POINTER ((gsize)id)))
        g_array_append_val (hits->ids, id);
    }

  return hits_full (hits) || _kz_store_check_done (self, rc, error);
}

/* The caller holds the lock and a read transaction. */
static GArray *
search_ids_locked (KzStore     *self,
                   const char  *head_match,
                   const char  *words_match,
                   guint        limit,
                   GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  Hits hits = { ids, seen, limit };
  const struct {
    gint64 first;
    gint64 last;
  } ranges[] = {
    { 0, KEY_FIRST_STUB - 1 },
    { KEY_FIRST_STUB, G_MAXINT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (!collect (self, search_heads_sql, head_match, ranges[i].first, ranges[i].last, &hits, error) ||
        !collect (self, search_words_sql, words_match, ranges[i].first, ranges[i].last, &hits, error))
      return NULL;

  return g_steal_pointer (&ids);
}

static gboolean
build_queries (const char  *text,
               char       **head_match,
               char       **words_match)
{
  *words_match = build_words_query (text);
  if (*words_match == NULL)
    {
      *head_match = NULL;
      return FALSE;
    }

  *head_match = build_head_query (text);
  return TRUE;
}

/**
 * kz_store_search_ids:
 * @text: what a person typed
 * @limit: the most entries to return; 0 for no limit
 *
 * The ids kz_store_search() would return, in the same order, without
 * reading the entries.
 *
 * Returns: (transfer full) (element-type gint64): entry ids, best first
 */
GArray *
kz_store_search_ids (KzStore     *self,
                     const char  *text,
                     guint        limit,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *head_match = NULL;
  g_autofree char *words_match = NULL;
  GArray *ids;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!build_queries (text, &head_match, &words_match))
    return g_array_new (FALSE, FALSE, sizeof (gint64));

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_read (self, error))
    return NULL;

  ids = search_ids_locked (self, head_match, words_match, limit, error);
  return _kz_store_end_read (self, ids, (GDestroyNotify) g_array_unref, error);
}

/**
 * kz_store_search:
 * @text: what a person typed
 * @limit: the most entries to return; 0 for no limit
 *
 * Prefix search over every title and synonym. Entries stored in full
 * come before stubs; among each, titles that start with the text come
 * before titles with words that start with its words; then shorter
 * titles, better scores and lower ids first.
 */
GPtrArray *
kz_store_search (KzStore     *self,
                 const char  *text,
                 guint        limit,
                 GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *head_match = NULL;
  g_autofree char *words_match = NULL;
  g_autoptr(GArray) ids = NULL;
  GPtrArray *entries = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!build_queries (text, &head_match, &words_match))
    return g_ptr_array_new_with_free_func (g_object_unref);

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_read (self, error))
    return NULL;

  ids = search_ids_locked (self, head_match, words_match, limit, error);
  if (ids != NULL)
    entries = _kz_store_get_entries_locked (self, (const gint64 *)(gpointer)ids->data, ids->len, error);

  return _kz_store_end_read (self, entries, (GDestroyNotify) g_ptr_array_unref, error);
}
