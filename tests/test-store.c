/* test-store.c: the local library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "kz-bundled.h"
#include "kz-entry-private.h"
#include "kz-store-private.h"

typedef struct {
  char    *dir;
  char    *path;
  KzStore *store;
} Fixture;

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

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("kizuna-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = make_temp_dir ();
  f->path = g_build_filename (f->dir, "library.db", NULL);
  f->store = kz_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Entries */

static KzEntry *
make_stub (gint64      id,
           const char *romaji)
{
  KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_STUB);

  entry->title_romaji = g_strdup (romaji);
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->format = KZ_FORMAT_TV;
  entry->status = KZ_STATUS_FINISHED;
  entry->season_year = 2000 + (int)(id % 20);
  entry->start_date = (KzDate) { (gint16)(2000 + id % 20), 4, 6 };
  entry->cover_medium = g_strdup_printf ("https://img.example/medium/%" G_GINT64_FORMAT ".jpg", id);
  entry->cover_color = g_strdup ("#e4a15d");

  return entry;
}

static KzEntry *
make_full (gint64      id,
           const char *romaji,
           const char *english,
           const char *native)
{
  KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);

  entry->title_romaji = g_strdup (romaji);
  entry->title_english = g_strdup (english);
  entry->title_native = g_strdup (native);
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->format = KZ_FORMAT_TV;
  entry->status = KZ_STATUS_FINISHED;
  entry->episodes = 12;
  entry->season_year = 2010;
  entry->start_date = (KzDate) { 2010, 1, 2 };
  entry->description = g_strdup_printf ("Entry %" G_GINT64_FORMAT, id);
  entry->updated_at = 1700000000 + id;

  return entry;
}

static void
add_relation (KzEntry        *source,
              KzRelationType  type,
              const char     *raw_type,
              KzEntry        *target)
{
  _kz_entry_add_relation (source, type, raw_type, target);
  g_object_unref (target);
}

static void
upsert (KzStore *store,
        gint64   fetched_at,
        ...)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  KzEntry *entry;
  va_list args;

  va_start (args, fetched_at);
  while ((entry = va_arg (args, KzEntry *)) != NULL)
    g_ptr_array_add (batch, entry);
  va_end (args);

  g_assert_true (kz_store_upsert_entries (store, batch, fetched_at, &error));
  g_assert_no_error (error);
}

static KzEntry *
get_entry (KzStore *store,
           gint64   id)
{
  g_autoptr(GError) error = NULL;
  KzEntry *entry = kz_store_get_entry (store, id, &error);

  g_assert_no_error (error);
  return entry;
}

static GPtrArray *
search (KzStore    *store,
        const char *text,
        guint       limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kz_store_search (store, text, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

/* "1,2,3" */
static char *
ids_of (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            kz_entry_get_id (g_ptr_array_index (entries, i)));

  return g_string_free (out, FALSE);
}

static void
assert_search (KzStore    *store,
               const char *text,
               guint       limit,
               const char *expected_ids)
{
  g_autoptr(GPtrArray) entries = search (store, text, limit);
  g_autofree char *ids = ids_of (entries);

  g_assert_cmpstr (ids, ==, expected_ids);
}

static gint64
raw_query_int (const char *path,
               const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* Tests */

static void
test_migrate_empty (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzEntry) read = NULL;
  g_autoptr(GError) error = NULL;
  guint n_steps;

  _kz_store_get_migrations (&n_steps);
  g_assert_cmpuint (n_steps, >=, 1);

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_store_get_path (store), ==, path);
  g_assert_cmpint (kz_store_get_schema_version (store), ==, (int)n_steps);
  g_assert_true (kz_store_is_empty (store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, n_steps);
  g_assert_cmpint (raw_query_int (path, "PRAGMA application_id"), ==, KZ_STORE_APPLICATION_ID);
  g_assert_cmpint (raw_query_int (path,
                                  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                  "('entries', 'titles', 'titles_fts', 'titles_head_fts', 'relations', "
                                  "'external_ids', 'fetch_meta', 'ratings', "
                                  "'franchises', 'franchise_nodes', 'franchise_edges')"), ==, 11);
  /* the store keeps the search indexes in step itself */
  g_assert_cmpint (raw_query_int (path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), ==, 0);
  g_assert_cmpint (raw_query_int (path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), ==, 1);

  upsert (store, 1000, make_full (1, "Mushishi", NULL, NULL), NULL);
  g_clear_object (&store);

  /* reopening keeps the data and runs no step again */
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kz_store_get_schema_version (store), ==, (int)n_steps);
  read = get_entry (store, 1);
  g_assert_nonnull (read);
  g_assert_cmpstr (kz_entry_get_title_romaji (read), ==, "Mushishi");
  g_assert_false (kz_store_is_empty (store, NULL));

  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_default_path (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("KIZUNA_DATA_DIR"));
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "kizuna", "library.db", NULL);
  g_autofree char *from_env = NULL;
  g_autofree char *from_xdg = NULL;

  g_setenv ("KIZUNA_DATA_DIR", "/srv/kizuna-data", TRUE);
  from_env = kz_store_dup_default_path ();
  g_assert_cmpstr (from_env, ==, "/srv/kizuna-data/library.db");

  g_unsetenv ("KIZUNA_DATA_DIR");
  from_xdg = kz_store_dup_default_path ();
  g_assert_cmpstr (from_xdg, ==, expected);

  if (saved != NULL)
    g_setenv ("KIZUNA_DATA_DIR", saved, TRUE);
}

static void
test_too_new (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autofree char *known = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint n_steps;

  _kz_store_get_migrations (&n_steps);
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  raw_exec (path, "PRAGMA user_version = 99");

  store = kz_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "99"));
  known = g_strdup_printf ("up to %u", n_steps);
  g_assert_nonnull (strstr (error->message, known));

  /* the file was not touched */
  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, 99);

  remove_tree (dir);
}

static void
test_not_a_database (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *garbage = g_build_filename (dir, "garbage.db", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.db", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  g_autofree char *blocked = g_build_filename (dir, "a-file", "library.db", NULL);
  g_autofree char *blocker = g_build_filename (dir, "a-file", NULL);
  g_autofree char *noise = g_malloc (8192);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf buf;

  /* not a database at all */
  for (guint i = 0; i < 8192; i++)
    noise[i] = (char)(i * 7919 % 251);
  g_assert_true (g_file_set_contents (garbage, noise, 8192, NULL));
  store = kz_store_open (garbage, &error);
  g_assert_null (store);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, garbage));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* a real library cut in half */
  store = kz_store_open (truncated, &error);
  g_assert_no_error (error);
  for (gint64 id = 1; id <= 200; id++)
    {
      KzEntry *entry = make_full (id, "A title long enough to fill some pages", NULL, NULL);

      g_free (entry->description);
      entry->description = g_strnfill (300, 'x');
      g_ptr_array_add (batch, entry);
    }
  g_assert_true (kz_store_upsert_entries (store, batch, 1, &error));
  g_clear_object (&store);
  g_assert_cmpint (g_stat (truncated, &buf), ==, 0);
  g_assert_cmpint (buf.st_size, >, 16384);
  g_assert_cmpint (truncate (truncated, buf.st_size / 2), ==, 0);

  store = kz_store_open (truncated, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (error->domain == KZ_STORE_ERROR);
  g_assert_true (error->code == KZ_STORE_ERROR_CORRUPT || error->code == KZ_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, truncated));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* another program's database */
  raw_exec (foreign, "PRAGMA application_id = 1; CREATE TABLE t (x)");
  store = kz_store_open (foreign, &error);
  g_assert_null (store);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, foreign));
  g_clear_error (&error);

  /* the folder cannot be made: a file stands in its way */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  store = kz_store_open (blocked, &error);
  g_assert_null (store);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, blocker));
  g_clear_error (&error);

  remove_tree (dir);
}

static void
test_upsert_roundtrip (Fixture       *f,
                       gconstpointer  data)
{
  KzEntry *entry = _kz_entry_new (16498, KZ_ENTRY_DETAIL_FULL);
  g_autoptr(KzEntry) read = NULL;
  g_autoptr(KzEntry) target = NULL;
  const char * const *strv;
  const KzRelation *relations;
  guint n_relations;
  KzEntry *stub;
  KzDate date;

  entry->id_mal = 16498;
  entry->updated_at = 1712345678;
  entry->title_romaji = g_strdup ("Shingeki no Kyojin");
  entry->title_english = g_strdup ("Attack on Titan");
  entry->title_native = g_strdup ("進撃の巨人");
  entry->synonyms = g_strsplit ("AoT|SnK|L'Attaque des Titans", "|", -1);
  entry->genres = g_strsplit ("Action|Drama|Fantasy", "|", -1);
  entry->description = g_strdup ("Centuries ago, mankind was slaughtered…\n\"quoted\" <i>text</i>");
  entry->site_url = g_strdup ("https://anilist.example/anime/16498");
  entry->age_rating = g_strdup ("R - 17+");
  entry->cover_extra_large = g_strdup ("https://img.example/xl.jpg");
  entry->cover_large = g_strdup ("https://img.example/l.jpg");
  entry->cover_medium = g_strdup ("https://img.example/m.jpg");
  entry->cover_color = g_strdup ("#e4a15d");
  entry->banner_url = g_strdup ("https://img.example/banner.jpg");
  entry->start_date = (KzDate) { 2013, 4, 7 };
  entry->end_date = (KzDate) { 2013, 9, 28 };
  entry->episodes = 25;
  entry->duration = 24;
  entry->season_year = 2013;
  entry->average_score = 85;
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->format = KZ_FORMAT_TV;
  entry->status = KZ_STATUS_FINISHED;
  entry->season = KZ_SEASON_SPRING;
  entry->is_adult = TRUE;

  stub = make_stub (20958, "Shingeki no Kyojin 2");
  stub->title_english = g_strdup ("Attack on Titan Season 2");
  stub->title_native = g_strdup ("進撃の巨人 Season2");
  stub->format = KZ_FORMAT_TV;
  stub->status = KZ_STATUS_RELEASING;
  stub->start_date = (KzDate) { 2017, 4, 1 };
  stub->season_year = 2017;
  stub->is_adult = TRUE;
  add_relation (entry, KZ_RELATION_SEQUEL, "SEQUEL", stub);

  stub = make_stub (53390, "Shingeki no Kyojin");
  stub->media_type = KZ_MEDIA_TYPE_MANGA;
  stub->format = KZ_FORMAT_MANGA;
  stub->start_date = (KzDate) { 2009, 9, 9 };
  stub->season_year = 0;
  add_relation (entry, KZ_RELATION_SOURCE, "SOURCE", stub);

  /* a relation type this build does not know keeps its word */
  stub = make_stub (99001, "Kyojin Chuugakkou");
  stub->format = KZ_FORMAT_ONA;
  add_relation (entry, KZ_RELATION_UNKNOWN, "FAN_CUT", stub);

  upsert (f->store, 5000, entry, NULL);

  read = get_entry (f->store, 16498);
  g_assert_nonnull (read);
  g_assert_cmpint (kz_entry_get_detail (read), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpint (kz_entry_get_id_mal (read), ==, 16498);
  g_assert_cmpint (kz_entry_get_updated_at (read), ==, 1712345678);
  g_assert_cmpstr (kz_entry_get_title_romaji (read), ==, "Shingeki no Kyojin");
  g_assert_cmpstr (kz_entry_get_title_english (read), ==, "Attack on Titan");
  g_assert_cmpstr (kz_entry_get_title_native (read), ==, "進撃の巨人");
  strv = kz_entry_get_synonyms (read);
  g_assert_nonnull (strv);
  g_assert_cmpuint (g_strv_length ((char **)strv), ==, 3);
  g_assert_cmpstr (strv[0], ==, "AoT");
  g_assert_cmpstr (strv[1], ==, "SnK");
  g_assert_cmpstr (strv[2], ==, "L'Attaque des Titans");
  strv = kz_entry_get_genres (read);
  g_assert_nonnull (strv);
  g_assert_cmpuint (g_strv_length ((char **)strv), ==, 3);
  g_assert_cmpstr (strv[0], ==, "Action");
  g_assert_cmpstr (strv[2], ==, "Fantasy");
  g_assert_cmpstr (kz_entry_get_description (read), ==,
                   "Centuries ago, mankind was slaughtered…\n\"quoted\" <i>text</i>");
  g_assert_cmpstr (kz_entry_get_site_url (read), ==, "https://anilist.example/anime/16498");
  g_assert_cmpstr (kz_entry_get_age_rating (read), ==, "R - 17+");
  g_assert_cmpstr (kz_entry_get_cover_url (read, KZ_COVER_SIZE_EXTRA_LARGE), ==, "https://img.example/xl.jpg");
  g_assert_cmpstr (kz_entry_get_cover_url (read, KZ_COVER_SIZE_LARGE), ==, "https://img.example/l.jpg");
  g_assert_cmpstr (kz_entry_get_cover_url (read, KZ_COVER_SIZE_MEDIUM), ==, "https://img.example/m.jpg");
  g_assert_cmpstr (kz_entry_get_cover_color (read), ==, "#e4a15d");
  g_assert_cmpstr (kz_entry_get_banner_url (read), ==, "https://img.example/banner.jpg");
  date = kz_entry_get_start_date (read);
  g_assert_cmpint (date.year, ==, 2013);
  g_assert_cmpint (date.month, ==, 4);
  g_assert_cmpint (date.day, ==, 7);
  date = kz_entry_get_end_date (read);
  g_assert_cmpint (date.year, ==, 2013);
  g_assert_cmpint (date.month, ==, 9);
  g_assert_cmpint (date.day, ==, 28);
  g_assert_cmpint (kz_entry_get_episodes (read), ==, 25);
  g_assert_cmpint (kz_entry_get_duration (read), ==, 24);
  g_assert_cmpint (kz_entry_get_season_year (read), ==, 2013);
  g_assert_cmpint (kz_entry_get_average_score (read), ==, 85);
  g_assert_cmpint (kz_entry_get_media_type (read), ==, KZ_MEDIA_TYPE_ANIME);
  g_assert_cmpint (kz_entry_get_format (read), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_status (read), ==, KZ_STATUS_FINISHED);
  g_assert_cmpint (kz_entry_get_season (read), ==, KZ_SEASON_SPRING);
  g_assert_true (kz_entry_get_is_adult (read));

  relations = kz_entry_get_relations (read, &n_relations);
  g_assert_cmpuint (n_relations, ==, 3);

  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_SEQUEL);
  g_assert_cmpstr (relations[0].raw_type, ==, "SEQUEL");
  stub = relations[0].target;
  g_assert_cmpint (kz_entry_get_id (stub), ==, 20958);
  g_assert_cmpint (kz_entry_get_detail (stub), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpstr (kz_entry_get_title_romaji (stub), ==, "Shingeki no Kyojin 2");
  g_assert_cmpstr (kz_entry_get_title_english (stub), ==, "Attack on Titan Season 2");
  g_assert_cmpstr (kz_entry_get_title_native (stub), ==, "進撃の巨人 Season2");
  g_assert_cmpint (kz_entry_get_media_type (stub), ==, KZ_MEDIA_TYPE_ANIME);
  g_assert_cmpint (kz_entry_get_format (stub), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_status (stub), ==, KZ_STATUS_RELEASING);
  g_assert_cmpint (kz_entry_get_season_year (stub), ==, 2017);
  g_assert_cmpint (kz_entry_get_start_date (stub).year, ==, 2017);
  g_assert_cmpint (kz_entry_get_start_date (stub).month, ==, 4);
  g_assert_cmpint (kz_entry_get_start_date (stub).day, ==, 1);
  g_assert_cmpstr (kz_entry_get_cover_url (stub, KZ_COVER_SIZE_MEDIUM), ==,
                   "https://img.example/medium/20958.jpg");
  g_assert_cmpstr (kz_entry_get_cover_color (stub), ==, "#e4a15d");
  g_assert_true (kz_entry_get_is_adult (stub));

  g_assert_cmpint (relations[1].type, ==, KZ_RELATION_SOURCE);
  stub = relations[1].target;
  g_assert_cmpint (kz_entry_get_id (stub), ==, 53390);
  g_assert_cmpint (kz_entry_get_media_type (stub), ==, KZ_MEDIA_TYPE_MANGA);
  g_assert_cmpint (kz_entry_get_format (stub), ==, KZ_FORMAT_MANGA);
  g_assert_cmpint (kz_entry_get_year (stub), ==, 2009);

  g_assert_cmpint (relations[2].type, ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpstr (relations[2].raw_type, ==, "FAN_CUT");
  g_assert_cmpint (kz_entry_get_format (relations[2].target), ==, KZ_FORMAT_ONA);

  /* targets are rows of their own, as stubs */
  target = get_entry (f->store, 20958);
  g_assert_nonnull (target);
  g_assert_cmpint (kz_entry_get_detail (target), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpstr (kz_entry_get_title_english (target), ==, "Attack on Titan Season 2");
  g_assert_null (get_entry (f->store, 424242));

  g_assert_cmpint (raw_query_int (f->path, "SELECT external_id FROM external_ids "
                                           "WHERE entry_id = 16498 AND site = 'mal'"), ==, 16498);

  /* a second save replaces titles and relations, it does not add to them */
  g_clear_object (&read);
  entry = make_full (16498, "Shingeki no Kyojin", NULL, NULL);
  add_relation (entry, KZ_RELATION_SEQUEL, "SEQUEL", make_stub (20958, "Shingeki no Kyojin 2"));
  upsert (f->store, 6000, entry, NULL);

  read = get_entry (f->store, 16498);
  g_assert_null (kz_entry_get_title_english (read));
  g_assert_null (kz_entry_get_synonyms (read));
  g_assert_null (kz_entry_get_genres (read));
  relations = kz_entry_get_relations (read, &n_relations);
  g_assert_cmpuint (n_relations, ==, 1);
  g_assert_cmpint (kz_entry_get_id (relations[0].target), ==, 20958);
  assert_search (f->store, "attack titan", 0, "");
  assert_search (f->store, "snk", 0, "");
  /* the full entry first, then the stubs, closest title first */
  assert_search (f->store, "shingeki kyojin", 0, "16498,53390,20958");
}

static void
test_stub_never_downgrades (Fixture       *f,
                            gconstpointer  data)
{
  KzEntry *full = make_full (1, "Fullmetal Alchemist", "Fullmetal Alchemist", "鋼の錬金術師");
  KzEntry *other;
  KzEntry *stub;
  g_autoptr(KzEntry) read = NULL;
  KzFetchInfo info;

  full->synonyms = g_strsplit ("Hagaren|FMA", "|", -1);
  full->format = KZ_FORMAT_TV;
  full->episodes = 51;
  upsert (f->store, 100, full, NULL);

  /* another entry points back at it with thinner, different data */
  other = make_full (2, "Fullmetal Alchemist: Brotherhood", NULL, NULL);
  stub = make_stub (1, "Wrong Title");
  stub->format = KZ_FORMAT_MOVIE;
  add_relation (other, KZ_RELATION_ALTERNATIVE, NULL, stub);
  upsert (f->store, 200, other, NULL);

  /* and a stub arrives on its own */
  upsert (f->store, 300, make_stub (1, "Also Wrong"), NULL);

  read = get_entry (f->store, 1);
  g_assert_cmpint (kz_entry_get_detail (read), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpstr (kz_entry_get_title_romaji (read), ==, "Fullmetal Alchemist");
  g_assert_cmpstr (kz_entry_get_title_native (read), ==, "鋼の錬金術師");
  g_assert_cmpuint (g_strv_length ((char **)kz_entry_get_synonyms (read)), ==, 2);
  g_assert_cmpint (kz_entry_get_format (read), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_episodes (read), ==, 51);
  g_assert_cmpstr (kz_entry_get_description (read), ==, "Entry 1");
  g_assert_true (kz_store_get_fetch_info (f->store, 1, &info, NULL));
  g_assert_cmpint (info.fetched_at, ==, 100);
  assert_search (f->store, "wrong", 0, "");
  assert_search (f->store, "hagaren", 0, "1");

  /* a stub still a stub is refreshed by newer stub data */
  other = make_full (3, "Conqueror of Shamballa", NULL, NULL);
  add_relation (other, KZ_RELATION_PREQUEL, NULL, make_stub (10, "Old Stub Title"));
  upsert (f->store, 400, other, NULL);
  other = make_full (4, "Sacred Star of Milos", NULL, NULL);
  stub = make_stub (10, "New Stub Title");
  stub->format = KZ_FORMAT_SPECIAL;
  add_relation (other, KZ_RELATION_SIDE_STORY, NULL, stub);
  upsert (f->store, 500, other, NULL);

  g_clear_object (&read);
  read = get_entry (f->store, 10);
  g_assert_cmpint (kz_entry_get_detail (read), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpstr (kz_entry_get_title_romaji (read), ==, "New Stub Title");
  g_assert_cmpint (kz_entry_get_format (read), ==, KZ_FORMAT_SPECIAL);
  assert_search (f->store, "old stub", 0, "");
  assert_search (f->store, "new stub", 0, "10");

  /* and a full save upgrades it */
  upsert (f->store, 600, make_full (10, "Full At Last", NULL, NULL), NULL);
  g_clear_object (&read);
  read = get_entry (f->store, 10);
  g_assert_cmpint (kz_entry_get_detail (read), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpstr (kz_entry_get_title_romaji (read), ==, "Full At Last");
}

static void
test_batch_read (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) wanted = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint64 before;
  gint64 one = 7;

  for (gint64 id = 1; id <= 200; id++)
    {
      g_autofree char *title = g_strdup_printf ("Series %03" G_GINT64_FORMAT, id);
      KzEntry *entry = make_full (id, title, NULL, NULL);

      add_relation (entry, KZ_RELATION_SEQUEL, NULL, make_stub (id + 1000, "Next"));
      g_ptr_array_add (batch, entry);
    }
  g_assert_true (kz_store_upsert_entries (f->store, batch, 1, &error));
  g_assert_no_error (error);

  /* 50 ids in a scrambled order, every tenth one unknown */
  for (guint i = 0; i < 50; i++)
    {
      gint64 id = (i % 10 == 9) ? 5000 + i : (gint64)((i * 37) % 200) + 1;

      g_array_append_val (wanted, id);
      if (id < 5000)
        g_array_append_val (expected, id);
    }

  before = _kz_store_get_n_queries (f->store);
  entries = kz_store_get_entries (f->store, (const gint64 *)(gpointer)wanted->data, wanted->len, &error);
  g_assert_no_error (error);
  /* entries (titles included), relations: one statement each, whatever the count */
  g_assert_cmpuint (_kz_store_get_n_queries (f->store) - before, ==, 2);

  g_assert_cmpuint (entries->len, ==, expected->len);
  g_assert_cmpuint (entries->len, ==, 45);
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 id = g_array_index (expected, gint64, i);
      g_autofree char *title = g_strdup_printf ("Series %03" G_GINT64_FORMAT, id);
      const KzRelation *relations;
      guint n_relations;

      g_assert_cmpint (kz_entry_get_id (entry), ==, id);
      g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, title);
      relations = kz_entry_get_relations (entry, &n_relations);
      g_assert_cmpuint (n_relations, ==, 1);
      g_assert_cmpint (kz_entry_get_id (relations[0].target), ==, id + 1000);
      g_assert_cmpstr (kz_entry_get_title_romaji (relations[0].target), ==, "Next");
    }

  g_clear_pointer (&entries, g_ptr_array_unref);
  before = _kz_store_get_n_queries (f->store);
  entries = kz_store_get_entries (f->store, &one, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_kz_store_get_n_queries (f->store) - before, ==, 2);
  g_assert_cmpuint (entries->len, ==, 1);

  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = kz_store_get_entries (f->store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
add_search_corpus (KzStore *store)
{
  KzEntry *aot = make_full (1, "Shingeki no Kyojin", "Attack on Titan", "進撃の巨人");
  KzEntry *kny = make_full (3, "Kimetsu no Yaiba", "Demon Slayer", "鬼滅の刃");

  aot->synonyms = g_strsplit ("AoT|SnK", "|", -1);
  add_relation (kny, KZ_RELATION_OTHER, NULL, make_stub (4, "Shingeki no Bahamut"));

  upsert (store, 1, aot,
          make_full (2, "Shingeki no Kyojin Season 2", "Attack on Titan Season 2", NULL),
          kny,
          make_full (5, "Pokémon", "Pokémon", "ポケットモンスター"),
          make_full (6, "akira", "Akira", NULL),
          NULL);
}

static void
test_fts_search (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const hostile[] = {
    "\"", "shing\"", "\"shing", "AND", "OR NOT", "*", "(", ")", "NEAR(a b)",
    "^shing", "text:shing", "kyo:jin", "a\"b\"c", "\"\"\"", "-", "+", "{text}: x",
    "shing* OR 1=1; DROP TABLE entries; --", "\xff\xfe invalid utf-8",
  };
  g_autoptr(GPtrArray) entries = NULL;

  add_search_corpus (f->store);

  /* prefix, full entries before the stub */
  entries = search (f->store, "shing", 0);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpint (kz_entry_get_detail (g_ptr_array_index (entries, 0)), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpint (kz_entry_get_detail (g_ptr_array_index (entries, 1)), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (entries, 2)), ==, 4);
  g_assert_cmpint (kz_entry_get_detail (g_ptr_array_index (entries, 2)), ==, KZ_ENTRY_DETAIL_STUB);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* the shorter, closer title ranks first */
  assert_search (f->store, "shingeki kyojin", 0, "1,2");
  assert_search (f->store, "Shingeki no Kyojin", 0, "1,2");
  assert_search (f->store, "attack tit", 0, "1,2");
  assert_search (f->store, "demon", 0, "3");
  assert_search (f->store, "進撃", 0, "1");
  assert_search (f->store, "鬼滅の刃", 0, "3");
  assert_search (f->store, "snk", 0, "1");
  assert_search (f->store, "AOT", 0, "1");
  assert_search (f->store, "pokemon", 0, "5");
  assert_search (f->store, "POKÉ", 0, "5");
  assert_search (f->store, "bahamut", 0, "4");
  assert_search (f->store, "kyojin   season\t2", 0, "2");
  assert_search (f->store, "nothing like this", 0, "");
  assert_search (f->store, "", 0, "");
  assert_search (f->store, "   ", 0, "");

  /* the limit holds, and keeps the best */
  assert_search (f->store, "shing", 1, "1");
  assert_search (f->store, "shing", 2, "1,2");

  /* whatever is typed, it is a search and never a syntax error */
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GError) error = NULL;

      entries = kz_store_search (f->store, hostile[i], 10, &error);
      g_assert_no_error (error);
      g_assert_nonnull (entries);
      g_clear_pointer (&entries, g_ptr_array_unref);
    }
  assert_search (f->store, "shing\"", 0, "1,2,4");
  assert_search (f->store, "AND", 0, "");
  assert_search (f->store, "kyo:jin", 0, "");

  /* a renamed entry is found by its new title only: the index follows */
  upsert (f->store, 2, make_full (5, "Pocket Monsters", NULL, NULL), NULL);
  assert_search (f->store, "pokemon", 0, "");
  assert_search (f->store, "pocket", 0, "5");
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM titles_fts"), ==,
                   raw_query_int (f->path, "SELECT count(*) FROM titles"));
  raw_exec (f->path, "INSERT INTO titles_fts (titles_fts, rank) VALUES ('integrity-check', 1)");
}

static void
test_list_entries (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *ids = NULL;
  g_autoptr(GError) error = NULL;

  add_search_corpus (f->store);

  /* romaji order regardless of case; the stub (4) is not listed */
  entries = kz_store_list_entries (f->store, 0, 0, &error);
  g_assert_no_error (error);
  ids = ids_of (entries);
  g_assert_cmpstr (ids, ==, "6,3,5,1,2");
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_clear_pointer (&ids, g_free);

  entries = kz_store_list_entries (f->store, 1, 2, &error);
  g_assert_no_error (error);
  ids = ids_of (entries);
  g_assert_cmpstr (ids, ==, "3,5");
  g_clear_pointer (&entries, g_ptr_array_unref);

  entries = kz_store_list_entries (f->store, 10, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_franchise_snapshot (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(KzFranchiseGraph) graph = kz_franchise_graph_new (1);
  g_autoptr(KzFranchiseGraph) loaded = NULL;
  g_autoptr(KzFranchiseGraph) smaller = NULL;
  g_autoptr(KzEntry) root = make_full (1, "Monogatari", NULL, NULL);
  g_autoptr(KzEntry) second = make_full (2, "Nisemonogatari", NULL, NULL);
  g_autoptr(KzEntry) side = make_full (3, "Nekomonogatari", NULL, NULL);
  g_autoptr(KzEntry) unsaved = make_stub (4, "Kizumonogatari");
  g_autoptr(GError) error = NULL;
  const KzEdge *edges;
  const KzEdge *loaded_edges;
  guint n_edges;
  guint n_loaded_edges;
  gint64 saved_at = -1;
  guint64 before;
  KzStoreStats stats;

  upsert (f->store, 1, g_object_ref (root), g_object_ref (second), g_object_ref (side), NULL);

  kz_franchise_graph_add_node (graph, root, 0);
  kz_franchise_graph_add_node (graph, second, 1);
  kz_franchise_graph_add_node (graph, side, 1);
  kz_franchise_graph_add_node (graph, unsaved, 2);
  kz_franchise_graph_add_edge (graph, 1, 2, KZ_RELATION_SEQUEL, "SEQUEL");
  kz_franchise_graph_add_edge (graph, 2, 1, KZ_RELATION_PREQUEL, "PREQUEL");
  kz_franchise_graph_add_edge (graph, 1, 3, KZ_RELATION_SIDE_STORY, "SIDE_STORY");
  kz_franchise_graph_add_edge (graph, 2, 4, KZ_RELATION_UNKNOWN, "FAN_CUT");
  kz_franchise_graph_set_complete (graph, TRUE);

  g_assert_true (kz_store_save_franchise (f->store, "1:default", graph, 123456789, &error));
  g_assert_no_error (error);

  before = _kz_store_get_n_queries (f->store);
  loaded = kz_store_load_franchise (f->store, "1:default", &saved_at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  /* snapshot, nodes, edges, then one batch read of the entries */
  g_assert_cmpuint (_kz_store_get_n_queries (f->store) - before, ==, 3 + 2);

  g_assert_cmpint (saved_at, ==, 123456789);
  g_assert_cmpint (kz_franchise_graph_get_root_id (loaded), ==, 1);
  g_assert_true (kz_franchise_graph_is_complete (loaded));
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (loaded), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      KzEntry *want = kz_franchise_graph_get_node (graph, i);
      KzEntry *got = kz_franchise_graph_get_node (loaded, i);

      g_assert_cmpint (kz_entry_get_id (got), ==, kz_entry_get_id (want));
      g_assert_cmpstr (kz_entry_get_title_romaji (got), ==, kz_entry_get_title_romaji (want));
      g_assert_cmpuint (kz_franchise_graph_get_node_depth (loaded, kz_entry_get_id (got)), ==,
                        kz_franchise_graph_get_node_depth (graph, kz_entry_get_id (want)));
    }
  g_assert_cmpint (kz_entry_get_detail (kz_franchise_graph_lookup (loaded, 1)), ==, KZ_ENTRY_DETAIL_FULL);
  g_assert_cmpint (kz_entry_get_detail (kz_franchise_graph_lookup (loaded, 4)), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpuint (kz_franchise_graph_get_node_depth (loaded, 4), ==, 2);

  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  loaded_edges = kz_franchise_graph_get_edges (loaded, &n_loaded_edges);
  g_assert_cmpuint (n_loaded_edges, ==, 4);
  g_assert_cmpuint (n_loaded_edges, ==, n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      g_assert_cmpint (loaded_edges[i].from, ==, edges[i].from);
      g_assert_cmpint (loaded_edges[i].to, ==, edges[i].to);
      g_assert_cmpint (loaded_edges[i].type, ==, edges[i].type);
      g_assert_cmpstr (loaded_edges[i].raw_type, ==, edges[i].raw_type);
    }
  g_assert_cmpstr (loaded_edges[3].raw_type, ==, "FAN_CUT");

  /* unknown key: nothing, and no error */
  g_clear_object (&loaded);
  loaded = kz_store_load_franchise (f->store, "2:default", &saved_at, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
  g_assert_cmpint (saved_at, ==, 0);

  /* saving again replaces the snapshot */
  smaller = kz_franchise_graph_new (1);
  kz_franchise_graph_add_node (smaller, root, 0);
  kz_franchise_graph_add_node (smaller, second, 1);
  kz_franchise_graph_add_edge (smaller, 1, 2, KZ_RELATION_SEQUEL, NULL);
  g_assert_true (kz_store_save_franchise (f->store, "1:default", smaller, 987, &error));
  g_assert_no_error (error);
  loaded = kz_store_load_franchise (f->store, "1:default", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (loaded), ==, 2);
  kz_franchise_graph_get_edges (loaded, &n_loaded_edges);
  g_assert_cmpuint (n_loaded_edges, ==, 1);
  g_assert_false (kz_franchise_graph_is_complete (loaded));

  g_assert_true (kz_store_get_stats (f->store, 0, &stats, &error));
  g_assert_cmpuint (stats.n_franchises, ==, 1);
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KzStoreStats stats;
  KzEntry *entry;
  GStatBuf buf;

  g_assert_true (kz_store_get_stats (f->store, 0, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_entries, ==, 0);
  g_assert_cmpuint (stats.n_full_entries, ==, 0);
  g_assert_true (kz_store_is_empty (f->store, &error));

  /* stubs alone do not make a library */
  upsert (f->store, 50, make_stub (90, "Lonely Stub"), NULL);
  g_assert_true (kz_store_is_empty (f->store, &error));
  g_assert_no_error (error);

  entry = make_full (1, "One", NULL, NULL);
  add_relation (entry, KZ_RELATION_SEQUEL, NULL, make_stub (2, "Two"));
  add_relation (entry, KZ_RELATION_SIDE_STORY, NULL, make_stub (11, "Eleven"));
  upsert (f->store, 100, entry, NULL);
  entry = make_full (2, "Two", NULL, NULL);
  add_relation (entry, KZ_RELATION_PREQUEL, NULL, make_stub (1, "One"));
  upsert (f->store, 200, entry, NULL);
  upsert (f->store, 300, make_full (3, "Three", NULL, NULL), NULL);

  g_assert_false (kz_store_is_empty (f->store, &error));
  g_assert_true (kz_store_get_stats (f->store, 250, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_entries, ==, 5);  /* 1, 2, 3, stubs 11 and 90 */
  g_assert_cmpuint (stats.n_full_entries, ==, 3);
  g_assert_cmpuint (stats.n_relations, ==, 3);
  g_assert_cmpuint (stats.n_franchises, ==, 0);
  g_assert_cmpuint (stats.n_stale, ==, 2);
  g_assert_cmpint (g_stat (f->path, &buf), ==, 0);
  g_assert_cmpint (stats.file_size, >=, buf.st_size);
  g_assert_cmpint (stats.file_size, >, 0);

  g_assert_true (kz_store_get_stats (f->store, 0, &stats, NULL));
  g_assert_cmpuint (stats.n_stale, ==, 0);
  g_assert_true (kz_store_get_stats (f->store, G_MAXINT64, &stats, NULL));
  g_assert_cmpuint (stats.n_stale, ==, 3);
}

static void
test_fetch_info (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KzEntry *entry = make_full (7, "Seven", NULL, NULL);
  KzFetchInfo info = { -1, -1 };

  entry->updated_at = 1700000123;
  add_relation (entry, KZ_RELATION_SEQUEL, NULL, make_stub (8, "Eight"));
  upsert (f->store, 1000, entry, NULL);

  g_assert_true (kz_store_get_fetch_info (f->store, 7, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.fetched_at, ==, 1000);
  g_assert_cmpint (info.updated_at, ==, 1700000123);

  /* never fetched in full: zeros, not an error */
  info = (KzFetchInfo) { -1, -1 };
  g_assert_true (kz_store_get_fetch_info (f->store, 8, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.fetched_at, ==, 0);
  g_assert_cmpint (info.updated_at, ==, 0);
  info = (KzFetchInfo) { -1, -1 };
  g_assert_true (kz_store_get_fetch_info (f->store, 12345, &info, &error));
  g_assert_cmpint (info.fetched_at, ==, 0);

  entry = make_full (7, "Seven", NULL, NULL);
  entry->updated_at = 1700000999;
  upsert (f->store, 2000, entry, NULL);
  g_assert_true (kz_store_get_fetch_info (f->store, 7, &info, &error));
  g_assert_cmpint (info.fetched_at, ==, 2000);
  g_assert_cmpint (info.updated_at, ==, 1700000999);
}

static void
assert_fetch_info (GArray *infos,
                   guint   index,
                   gint64  fetched_at,
                   gint64  updated_at)
{
  const KzFetchInfo *info = &g_array_index (infos, KzFetchInfo, index);

  g_assert_cmpint (info->fetched_at, ==, fetched_at);
  g_assert_cmpint (info->updated_at, ==, updated_at);
}

static void
test_fetch_infos (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) many = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  /* unknown ids, a stub and a repeated id, out of order */
  const gint64 ids[] = { 9, 8, 12345, 7, 9, 0 };
  KzEntry *entry;
  guint64 before;

  entry = make_full (7, "Seven", NULL, NULL);
  entry->updated_at = 1700000123;
  add_relation (entry, KZ_RELATION_SEQUEL, NULL, make_stub (8, "Eight"));
  upsert (f->store, 1000, entry, NULL);
  entry = make_full (9, "Nine", NULL, NULL);
  entry->updated_at = 1700000999;
  upsert (f->store, 3000, entry, NULL);

  before = _kz_store_get_n_queries (f->store);
  infos = kz_store_get_fetch_infos (f->store, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
  g_assert_nonnull (infos);
  g_assert_cmpuint (_kz_store_get_n_queries (f->store) - before, ==, 1);

  g_assert_cmpuint (infos->len, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (g_array_get_element_size (infos), ==, sizeof (KzFetchInfo));
  assert_fetch_info (infos, 0, 3000, 1700000999);
  assert_fetch_info (infos, 1, 0, 0);
  assert_fetch_info (infos, 2, 0, 0);
  assert_fetch_info (infos, 3, 1000, 1700000123);
  assert_fetch_info (infos, 4, 3000, 1700000999);
  assert_fetch_info (infos, 5, 0, 0);
  g_clear_pointer (&infos, g_array_unref);

  /* a later fetch shows through */
  entry = make_full (7, "Seven", NULL, NULL);
  entry->updated_at = 1700000555;
  upsert (f->store, 5000, entry, NULL);
  infos = kz_store_get_fetch_infos (f->store, ids, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, 4);
  assert_fetch_info (infos, 0, 3000, 1700000999);
  assert_fetch_info (infos, 3, 5000, 1700000555);
  g_clear_pointer (&infos, g_array_unref);

  /* still one statement for 300 ids, and it agrees with the single read */
  for (gint64 id = 100; id < 300; id++)
    {
      g_autofree char *title = g_strdup_printf ("Series %03" G_GINT64_FORMAT, id);

      g_ptr_array_add (batch, make_full (id, title, NULL, NULL));
    }
  g_assert_true (kz_store_upsert_entries (f->store, batch, 7000, &error));
  g_assert_no_error (error);
  for (gint64 id = 399; id >= 100; id--)
    g_array_append_val (many, id);

  before = _kz_store_get_n_queries (f->store);
  infos = kz_store_get_fetch_infos (f->store, (const gint64 *)(gpointer)many->data, many->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_kz_store_get_n_queries (f->store) - before, ==, 1);
  g_assert_cmpuint (infos->len, ==, 300);
  for (guint i = 0; i < many->len; i++)
    {
      gint64 id = g_array_index (many, gint64, i);
      KzFetchInfo single = { -1, -1 };

      if (id >= 300)
        assert_fetch_info (infos, i, 0, 0);
      else
        assert_fetch_info (infos, i, 7000, 1700000000 + id);

      g_assert_true (kz_store_get_fetch_info (f->store, id, &single, NULL));
      assert_fetch_info (infos, i, single.fetched_at, single.updated_at);
    }
  g_clear_pointer (&infos, g_array_unref);

  /* no ids: an empty array, and no statement at all */
  before = _kz_store_get_n_queries (f->store);
  infos = kz_store_get_fetch_infos (f->store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (infos);
  g_assert_cmpuint (infos->len, ==, 0);
  g_assert_cmpuint (_kz_store_get_n_queries (f->store) - before, ==, 0);
}

static void
test_transaction_rollback (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(KzEntry) kept = NULL;
  KzStoreStats stats;
  KzFetchInfo info;
  KzEntry *entry;

  upsert (f->store, 10, make_full (7, "Original Title", NULL, NULL), NULL);

  entry = make_full (5, "First Of Batch", NULL, NULL);
  add_relation (entry, KZ_RELATION_SEQUEL, NULL, make_stub (6, "Its Sequel"));
  g_ptr_array_add (batch, entry);
  g_ptr_array_add (batch, make_full (7, "Renamed Title", NULL, NULL));
  g_ptr_array_add (batch, make_full (-1, "Invalid Id", NULL, NULL));  /* fails id > 0 */
  g_ptr_array_add (batch, make_full (8, "After The Failure", NULL, NULL));

  g_assert_false (kz_store_upsert_entries (f->store, batch, 20, &error));
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "-1"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_null (get_entry (f->store, 5));
  g_assert_null (get_entry (f->store, 6));
  g_assert_null (get_entry (f->store, 8));
  kept = get_entry (f->store, 7);
  g_assert_cmpstr (kz_entry_get_title_romaji (kept), ==, "Original Title");
  g_assert_true (kz_store_get_fetch_info (f->store, 7, &info, NULL));
  g_assert_cmpint (info.fetched_at, ==, 10);
  assert_search (f->store, "original", 0, "7");
  assert_search (f->store, "renamed", 0, "");
  assert_search (f->store, "first", 0, "");

  g_assert_true (kz_store_get_stats (f->store, 0, &stats, &error));
  g_assert_cmpuint (stats.n_entries, ==, 1);
  g_assert_cmpuint (stats.n_relations, ==, 0);

  /* a bad relation target fails the batch the same way */
  g_ptr_array_set_size (batch, 0);
  entry = make_full (9, "Bad Edge", NULL, NULL);
  add_relation (entry, KZ_RELATION_SEQUEL, NULL, make_stub (0, "Nothing"));
  g_ptr_array_add (batch, entry);
  g_assert_false (kz_store_upsert_entries (f->store, batch, 30, &error));
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_QUERY);
  g_assert_null (get_entry (f->store, 9));

  /* and the store still works afterwards */
  g_clear_error (&error);
  upsert (f->store, 40, make_full (9, "Good Now", NULL, NULL), NULL);
  assert_search (f->store, "good", 0, "9");
}


static void
assert_search_ids (KzStore    *store,
                   const char *text,
                   guint       limit,
                   const char *expected_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kz_store_search_ids (store, text, limit, &error);
  GString *out = g_string_new (NULL);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (ids, gint64, i));
  joined = g_string_free (out, FALSE);
  g_assert_cmpstr (joined, ==, expected_ids);

  /* the full search finds the same, in the same order */
  assert_search (store, text, limit, expected_ids);
}

static KzEntry *
make_scored (gint64      id,
             const char *romaji,
             const char *english,
             int         score)
{
  KzEntry *entry = make_full (id, romaji, english, NULL);

  entry->average_score = score;
  return entry;
}

static void
test_search_ranking (Fixture       *f,
                     gconstpointer  data)
{
  KzEntry *source = make_full (900, "Unrelated Source", NULL, NULL);

  /* a stub that starts with the text, reached through a relation */
  add_relation (source, KZ_RELATION_OTHER, NULL, make_stub (442, "Naruto Movie"));
  upsert (f->store, 1, source,
          make_scored (97938, "Boruto: Naruto Next Generations", NULL, 60),
          make_scored (1735, "Naruto: Shippuuden", NULL, 80),
          make_scored (20, "Naruto", NULL, 79),
          make_scored (150, "Road of Naruto", NULL, 90),
          make_scored (11, "Kanon", NULL, 80),
          make_scored (10, "Kanon", NULL, 70),
          make_scored (12, "Kanon", NULL, 70),
          make_scored (30, "Ao no Exorcist: Kyoto Fujouou-hen", NULL, 10),
          make_scored (31, "Blue Ao", NULL, 95),
          make_scored (40, "Shingeki no Kyojin", "Attack on Titan", 84),
          NULL);

  /* full entries whose title starts with the text, shortest first;
   * then those with a word that starts with it; the stub last */
  assert_search_ids (f->store, "naru", 0, "20,1735,150,97938,442");
  assert_search_ids (f->store, "NARUTO", 0, "20,1735,150,97938,442");
  assert_search_ids (f->store, "naruto shipp", 0, "1735");
  assert_search_ids (f->store, "naruto: ship", 0, "1735");
  /* the limit keeps the best */
  assert_search_ids (f->store, "naru", 2, "20,1735");
  assert_search_ids (f->store, "naru", 3, "20,1735,150");

  /* same length: the better score, then the lower id */
  assert_search_ids (f->store, "kanon", 0, "11,10,12");

  /* starting with the text beats a shorter, better scored title that
   * only contains it */
  assert_search_ids (f->store, "ao", 0, "30,31");

  /* any title counts, English included */
  assert_search_ids (f->store, "attack on", 0, "40");
  assert_search_ids (f->store, "titan", 0, "40");

  /* once stored in full, the stub ranks among the full entries, by its
   * length */
  upsert (f->store, 2, make_scored (442, "Naruto Movie", NULL, 50), NULL);
  assert_search_ids (f->store, "naru", 0, "20,442,1735,150,97938");

  /* a renamed entry ranks by its new title */
  upsert (f->store, 3, make_scored (1735, "Shippuuden: Naruto, the Long Version", NULL, 80), NULL);
  assert_search_ids (f->store, "naru", 0, "20,442,150,97938,1735");
  assert_search_ids (f->store, "shippu", 0, "1735");

  assert_search_ids (f->store, "", 0, "");
  assert_search_ids (f->store, "!?", 0, "");
  assert_search_ids (f->store, "zzz", 0, "");

  /* both indexes hold one row per title, and are sound */
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM titles_fts"), ==,
                   raw_query_int (f->path, "SELECT count(*) FROM titles"));
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM titles_head_fts"), ==,
                   raw_query_int (f->path, "SELECT count(*) FROM titles"));
  raw_exec (f->path, "INSERT INTO titles_fts (titles_fts, rank) VALUES ('integrity-check', 1)");
  raw_exec (f->path, "INSERT INTO titles_head_fts (titles_head_fts, rank) VALUES ('integrity-check', 1)");
}

static void
test_search_key (void)
{
  gint64 full_short = _kz_store_search_key (TRUE, 50, "Kanon", 10, KZ_STORE_SLOT_ROMAJI);
  gint64 full_long = _kz_store_search_key (TRUE, 50, "Kanon 2006", 10, KZ_STORE_SLOT_ROMAJI);
  gint64 stub_short = _kz_store_search_key (FALSE, 0, "K", 1, KZ_STORE_SLOT_ROMAJI);
  gint64 scored = _kz_store_search_key (TRUE, 90, "Kanon", 99, KZ_STORE_SLOT_ROMAJI);
  gint64 synonym = _kz_store_search_key (TRUE, 50, "Kanon", 10, KZ_STORE_SLOT_SYNONYM + 7);
  g_autofree char *head = _kz_store_search_head ("Re:Zero − Starting Life (2016)");
  g_autofree char *cjk = _kz_store_search_head ("進撃の巨人 Season 2");

  g_assert_cmpint (full_short, >, 0);
  g_assert_cmpint (full_short, <, full_long);
  g_assert_cmpint (full_long, <, stub_short);
  g_assert_cmpint (scored, <, full_short);
  g_assert_cmpint (synonym, >, full_short);
  g_assert_cmpint (synonym - full_short, ==, KZ_STORE_SLOT_SYNONYM + 7);
  /* the entry id comes back out of the key */
  g_assert_cmpint ((full_short >> 12) & G_GINT64_CONSTANT (0x7ffffffff), ==, 10);
  g_assert_cmpint ((stub_short >> 12) & G_GINT64_CONSTANT (0x7ffffffff), ==, 1);
  /* lengths count characters, as SQLite does, and stop at 255 */
  g_assert_cmpint (_kz_store_search_key (TRUE, 0, "進撃", 1, 0), ==,
                   _kz_store_search_key (TRUE, 0, "ab", 1, 0));
  {
    g_autofree char *long_a = g_strnfill (300, 'a');
    g_autofree char *long_b = g_strnfill (400, 'b');

    g_assert_cmpint (_kz_store_search_key (TRUE, 0, long_a, 1, 0), ==,
                     _kz_store_search_key (TRUE, 0, long_b, 1, 0));
  }

  g_assert_cmpstr (head, ==, "ReZeroStartingLife2016");
  g_assert_cmpstr (cjk, ==, "進撃の巨人Season2");
}

static void
test_string_lists (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const odd[] = {
    "plain", "with \"quotes\"", "back\\slash", "tab\tand\nnewline", "control \x01 char",
    "é and 進撃", "emoji 😀", "", "trailing \\", NULL,
  };
  KzEntry *entry = make_full (5, "Lists", NULL, NULL);
  g_autoptr(KzEntry) read = NULL;
  const char * const *genres;
  const char * const *synonyms;
  g_auto(GStrv) parsed = NULL;
  g_autofree char *json = NULL;

  entry->genres = g_strdupv ((char **)odd);
  entry->synonyms = g_strdupv ((char **)odd);
  upsert (f->store, 1, entry, NULL);

  /* SQLite agrees the stored text is JSON */
  g_assert_cmpint (raw_query_int (f->path, "SELECT json_valid (genres) AND json_valid (synonyms)"
                                           " AND json_array_length (synonyms) = 9 FROM entries WHERE id = 5"), ==, 1);

  read = get_entry (f->store, 5);
  genres = kz_entry_get_genres (read);
  synonyms = kz_entry_get_synonyms (read);
  g_assert_cmpuint (g_strv_length ((char **)genres), ==, 9);
  g_assert_cmpuint (g_strv_length ((char **)synonyms), ==, 9);
  for (guint i = 0; odd[i] != NULL; i++)
    {
      g_assert_cmpstr (genres[i], ==, odd[i]);
      g_assert_cmpstr (synonyms[i], ==, odd[i]);
    }
  /* every synonym is searchable, the empty one aside */
  assert_search (f->store, "emoji", 0, "5");
  assert_search (f->store, "newline", 0, "5");

  /* what other writers may have stored: escapes, spacing, other values */
  parsed = _kz_store_strv_from_json (" [ \"caf\\u00e9\" , \"\\ud83d\\ude00\", \"a\\/b\" ] ");
  g_assert_cmpuint (g_strv_length (parsed), ==, 3);
  g_assert_cmpstr (parsed[0], ==, "café");
  g_assert_cmpstr (parsed[1], ==, "😀");
  g_assert_cmpstr (parsed[2], ==, "a/b");
  g_clear_pointer (&parsed, g_strfreev);

  parsed = _kz_store_strv_from_json ("[1, \"kept\", null, {\"a\": 1}, \"also kept\"]");
  g_assert_cmpuint (g_strv_length (parsed), ==, 2);
  g_assert_cmpstr (parsed[0], ==, "kept");
  g_assert_cmpstr (parsed[1], ==, "also kept");
  g_clear_pointer (&parsed, g_strfreev);

  parsed = _kz_store_strv_from_json ("[]");
  g_assert_nonnull (parsed);
  g_assert_cmpuint (g_strv_length (parsed), ==, 0);
  g_clear_pointer (&parsed, g_strfreev);

  g_assert_null (_kz_store_strv_from_json (NULL));
  g_assert_null (_kz_store_strv_from_json ("not json"));
  g_assert_null (_kz_store_strv_from_json ("{\"an\": \"object\"}"));
  g_assert_null (_kz_store_strv_from_json ("[\"unterminated"));
  /* a damaged file's bytes never come back as invalid UTF-8 */
  g_assert_null (_kz_store_strv_from_json ("[\"bad \xff byte\"]"));

  json = _kz_store_strv_to_json ((char **)odd);
  parsed = _kz_store_strv_from_json (json);
  g_assert_true (g_strv_equal ((const char * const *)parsed, odd));
  g_assert_null (_kz_store_strv_to_json (NULL));
}

/* The columns of entries in schema version 2. */
#define V2_ENTRY_COLUMNS                                                \
  "id, id_mal, detail, media_type, format, status, season, season_year, " \
  "start_year, start_month, start_day, end_year, end_month, end_day, "  \
  "episodes, duration, average_score, is_adult, age_rating, description, " \
  "site_url, cover_extra_large, cover_large, cover_medium, cover_color, " \
  "banner_url, genres"

/* A library at schema version 2, as that version's own steps build it,
 * holding what @seeded holds. */
static void
write_v2_library (const char *path,
                  const char *seeded)
{
  const char * const *steps;
  guint n_steps;
  sqlite3 *db = NULL;
  char *message = NULL;
  g_autofree char *sql = NULL;

  steps = _kz_store_get_migrations (&n_steps);
  g_assert_cmpuint (n_steps, >=, 3);

  sql = g_strdup_printf ("BEGIN;"
                         "%s;%s;"
                         "PRAGMA user_version = 2; PRAGMA application_id = %d;"
                         "COMMIT;"
                         "ATTACH '%s' AS seeded;"
                         "BEGIN;"
                         "INSERT INTO entries (" V2_ENTRY_COLUMNS ")"
                         "  SELECT " V2_ENTRY_COLUMNS " FROM seeded.entries;"
                         "INSERT INTO titles (id, entry_id, kind, position, text)"
                         "  SELECT id, entry_id, kind, position, text FROM seeded.titles ORDER BY id;"
                         "INSERT INTO relations SELECT * FROM seeded.relations;"
                         "INSERT INTO external_ids SELECT * FROM seeded.external_ids;"
                         "INSERT INTO fetch_meta SELECT * FROM seeded.fetch_meta;"
                         "INSERT INTO ratings SELECT * FROM seeded.ratings;"
                         "COMMIT;"
                         "DETACH seeded;",
                         steps[0], steps[1], KZ_STORE_APPLICATION_ID, seeded);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);
}

static void
assert_same_entry (KzEntry *a,
                   KzEntry *b)
{
  const KzRelation *relations_a, *relations_b;
  guint n_a, n_b;

  g_assert_cmpint (kz_entry_get_id (a), ==, kz_entry_get_id (b));
  g_assert_cmpint (kz_entry_get_detail (a), ==, kz_entry_get_detail (b));
  g_assert_cmpstr (kz_entry_get_title_romaji (a), ==, kz_entry_get_title_romaji (b));
  g_assert_cmpstr (kz_entry_get_title_english (a), ==, kz_entry_get_title_english (b));
  g_assert_cmpstr (kz_entry_get_title_native (a), ==, kz_entry_get_title_native (b));
  g_assert_true ((kz_entry_get_synonyms (a) == NULL) == (kz_entry_get_synonyms (b) == NULL));
  if (kz_entry_get_synonyms (a) != NULL)
    g_assert_true (g_strv_equal (kz_entry_get_synonyms (a), kz_entry_get_synonyms (b)));
  g_assert_true ((kz_entry_get_genres (a) == NULL) == (kz_entry_get_genres (b) == NULL));
  if (kz_entry_get_genres (a) != NULL)
    g_assert_true (g_strv_equal (kz_entry_get_genres (a), kz_entry_get_genres (b)));
  g_assert_cmpstr (kz_entry_get_description (a), ==, kz_entry_get_description (b));
  g_assert_cmpint (kz_entry_get_average_score (a), ==, kz_entry_get_average_score (b));
  g_assert_cmpint (kz_entry_get_updated_at (a), ==, kz_entry_get_updated_at (b));

  relations_a = kz_entry_get_relations (a, &n_a);
  relations_b = kz_entry_get_relations (b, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpint (relations_a[i].type, ==, relations_b[i].type);
      g_assert_cmpint (kz_entry_get_id (relations_a[i].target), ==, kz_entry_get_id (relations_b[i].target));
      g_assert_cmpstr (kz_entry_get_title_romaji (relations_a[i].target), ==,
                       kz_entry_get_title_romaji (relations_b[i].target));
      g_assert_cmpstr (kz_entry_get_title_english (relations_a[i].target), ==,
                       kz_entry_get_title_english (relations_b[i].target));
    }
}

static void
test_migrate_from_v2 (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *seeded_path = g_build_filename (dir, "seeded.db", NULL);
  g_autofree char *old_path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(KzStore) seeded = NULL;
  g_autoptr(KzStore) upgraded = NULL;
  g_autoptr(GPtrArray) from_seeded = NULL;
  g_autoptr(GPtrArray) from_upgraded = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  static const char * const queries[] = { "co", "detective", "ko", "shingeki no", "a", "the" };
  KzStoreStats stats_seeded, stats_upgraded;
  guint n_added = 0;
  guint n_steps;
  g_autofree char *attach = NULL;

  _kz_store_get_migrations (&n_steps);

  /* the bundled titles, saved by this version */
  seeded = kz_store_open (seeded_path, &error);
  g_assert_no_error (error);
  g_assert_true (kz_bundled_seed_store (seeded, &n_added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, >, 100);
  g_clear_object (&seeded);

  /* the same data in a library the previous version wrote */
  write_v2_library (old_path, seeded_path);
  g_assert_cmpint (raw_query_int (old_path, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (raw_query_int (old_path, "SELECT count(*) FROM titles_fts WHERE titles_fts MATCH 'conan'"), >, 0);

  upgraded = kz_store_open (old_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kz_store_get_schema_version (upgraded), ==, (int)n_steps);
  g_assert_cmpint (raw_query_int (old_path, "PRAGMA user_version"), ==, n_steps);
  seeded = kz_store_open (seeded_path, &error);
  g_assert_no_error (error);

  g_assert_true (kz_store_get_stats (seeded, 0, &stats_seeded, NULL));
  g_assert_true (kz_store_get_stats (upgraded, 0, &stats_upgraded, NULL));
  g_assert_cmpuint (stats_upgraded.n_entries, ==, stats_seeded.n_entries);
  g_assert_cmpuint (stats_upgraded.n_full_entries, ==, stats_seeded.n_full_entries);
  g_assert_cmpuint (stats_upgraded.n_relations, ==, stats_seeded.n_relations);

  /* every entry reads back as this version wrote it */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (seeded_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM entries ORDER BY id", -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (ids, id);
      }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  g_assert_cmpuint (ids->len, ==, stats_seeded.n_entries);

  from_seeded = kz_store_get_entries (seeded, (const gint64 *)(gpointer)ids->data, ids->len, &error);
  g_assert_no_error (error);
  from_upgraded = kz_store_get_entries (upgraded, (const gint64 *)(gpointer)ids->data, ids->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_upgraded->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    assert_same_entry (g_ptr_array_index (from_seeded, i), g_ptr_array_index (from_upgraded, i));

  /* search works, and ranks as in a library made by this version: the
   * upgrade gave every title the key and head the code gives it */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GArray) expected = kz_store_search_ids (seeded, queries[i], 20, NULL);
      g_autoptr(GArray) found = kz_store_search_ids (upgraded, queries[i], 20, NULL);

      g_assert_cmpuint (found->len, >, 0);
      g_assert_cmpuint (found->len, ==, expected->len);
      g_assert_cmpmem (found->data, found->len * sizeof (gint64), expected->data, expected->len * sizeof (gint64));
    }
  g_clear_object (&seeded);
  g_clear_object (&upgraded);

  attach = g_strdup_printf ("ATTACH '%s' AS seeded;", seeded_path);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (old_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "SELECT count(*), sum (a.search_key IS NOT b.search_key OR a.head IS NOT b.head)"
                                         " FROM titles a JOIN seeded.titles b ON b.id = a.id",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, raw_query_int (seeded_path, "SELECT count(*) FROM titles"));
    g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  g_assert_cmpint (raw_query_int (old_path, "SELECT count(*) FROM titles_fts"), ==,
                   raw_query_int (old_path, "SELECT count(*) FROM titles"));
  raw_exec (old_path, "INSERT INTO titles_fts (titles_fts, rank) VALUES ('integrity-check', 1)");
  raw_exec (old_path, "INSERT INTO titles_head_fts (titles_head_fts, rank) VALUES ('integrity-check', 1)");

  remove_tree (dir);
}

#define N_THREADS 4
#define N_BATCHES 25

typedef struct {
  KzStore *store;
  guint    index;
  gint    *failures;
} ThreadData;

static gpointer
thread_func (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint b = 0; b < N_BATCHES; b++)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) read = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;
      gint64 ids[2];

      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *title = NULL;
          KzEntry *entry;

          ids[k] = (data->index + 1) * 1000 + b * 2 + k;
          title = g_strdup_printf ("Thread%u Entry %" G_GINT64_FORMAT, data->index, ids[k]);
          entry = make_full (ids[k], title, NULL, NULL);
          /* threads share relation targets, to contend on the same rows */
          add_relation (entry, KZ_RELATION_OTHER, NULL, make_stub (90000 + b, "Shared Target"));
          g_ptr_array_add (batch, entry);
        }

      if (!kz_store_upsert_entries (data->store, batch, b, &error))
        {
          g_printerr ("thread %u: %s\n", data->index, error->message);
          g_atomic_int_inc (data->failures);
          continue;
        }

      read = kz_store_get_entries (data->store, ids, 2, &error);
      if (read == NULL || read->len != 2)
        g_atomic_int_inc (data->failures);

      found = kz_store_search (data->store, "shared", 0, &error);
      if (found == NULL || found->len == 0)
        g_atomic_int_inc (data->failures);
    }

  return NULL;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  GThread *threads[N_THREADS];
  ThreadData thread_data[N_THREADS];
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzStoreStats stats;
  gint failures = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      thread_data[i] = (ThreadData) { f->store, i, &failures };
      threads[i] = g_thread_new ("store-test", thread_func, &thread_data[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (failures, ==, 0);

  for (guint t = 0; t < N_THREADS; t++)
    for (gint64 k = 0; k < N_BATCHES * 2; k++)
      {
        gint64 id = (t + 1) * 1000 + k;

        g_array_append_val (ids, id);
      }
  entries = kz_store_get_entries (f->store, (const gint64 *)(gpointer)ids->data, ids->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, N_THREADS * N_BATCHES * 2);
  for (guint i = 0; i < entries->len; i++)
    {
      guint n_relations;

      g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (entries, i)), ==, g_array_index (ids, gint64, i));
      kz_entry_get_relations (g_ptr_array_index (entries, i), &n_relations);
      g_assert_cmpuint (n_relations, ==, 1);
    }

  g_assert_true (kz_store_get_stats (f->store, 0, &stats, &error));
  g_assert_cmpuint (stats.n_full_entries, ==, N_THREADS * N_BATCHES * 2);
  g_assert_cmpuint (stats.n_entries, ==, N_THREADS * N_BATCHES * 2 + N_BATCHES);
}

static void
test_permissions (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *outer = g_build_filename (dir, "data", NULL);
  g_autofree char *inner = g_build_filename (dir, "data", "kizuna", NULL);
  g_autofree char *path = g_build_filename (inner, "library.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf buf;

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  upsert (store, 1, make_full (1, "Private", NULL, NULL), NULL);

  g_assert_cmpint (g_stat (outer, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (inner, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);

  g_clear_object (&store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/kz/store/migrate-empty", test_migrate_empty);
  g_test_add_func ("/kz/store/default-path", test_default_path);
  g_test_add_func ("/kz/store/too-new", test_too_new);
  g_test_add_func ("/kz/store/not-a-database", test_not_a_database);
  ADD_FIXTURE_TEST ("/kz/store/upsert-roundtrip", test_upsert_roundtrip);
  ADD_FIXTURE_TEST ("/kz/store/stub-never-downgrades", test_stub_never_downgrades);
  ADD_FIXTURE_TEST ("/kz/store/batch-read", test_batch_read);
  ADD_FIXTURE_TEST ("/kz/store/fts-search", test_fts_search);
  ADD_FIXTURE_TEST ("/kz/store/search-ranking", test_search_ranking);
  g_test_add_func ("/kz/store/search-key", test_search_key);
  ADD_FIXTURE_TEST ("/kz/store/string-lists", test_string_lists);
  g_test_add_func ("/kz/store/migrate-from-v2", test_migrate_from_v2);
  ADD_FIXTURE_TEST ("/kz/store/list-entries", test_list_entries);
  ADD_FIXTURE_TEST ("/kz/store/franchise-snapshot", test_franchise_snapshot);
  ADD_FIXTURE_TEST ("/kz/store/stats", test_stats);
  ADD_FIXTURE_TEST ("/kz/store/fetch-info", test_fetch_info);
  ADD_FIXTURE_TEST ("/kz/store/fetch-infos", test_fetch_infos);
  ADD_FIXTURE_TEST ("/kz/store/transaction-rollback", test_transaction_rollback);
  ADD_FIXTURE_TEST ("/kz/store/threads", test_threads);
  g_test_add_func ("/kz/store/permissions", test_permissions);

  return g_test_run ();
}
