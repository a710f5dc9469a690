/* test-bundled.c: the library snapshot compiled into Kizuna
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kizuna-core.h"
#include "kz-anilist-parser.h"
#include "kz-bundled-private.h"

/* 2026-11-01 00:00 UTC, what make-snapshot.py writes */
#define GENERATED_AT G_GINT64_CONSTANT (1793491200)

/* The raw snapshot, as the tests read it independently of the parser. */
typedef struct {
  JsonParser *parser;
  JsonArray  *media;
  GHashTable *by_id;        /* gint64 id -> JsonObject media */
} Snapshot;

static void
snapshot_clear (Snapshot *s)
{
  g_clear_pointer (&s->by_id, g_hash_table_unref);
  g_clear_object (&s->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Snapshot, snapshot_clear)

static void
snapshot_load (Snapshot *s)
{
  g_autoptr(GBytes) bytes = kz_bundled_get_snapshot ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  gsize length;
  const char *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &length);

  s->parser = json_parser_new ();
  json_parser_load_from_data (s->parser, data, length, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (s->parser));
  s->media = json_object_get_array_member (root, "media");
  s->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (s->media); i++)
    {
      JsonObject *media = json_array_get_object_element (s->media, i);
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member (media, "id");
      g_hash_table_insert (s->by_id, id, media);
    }
}

static JsonArray *
media_edges (JsonObject *media)
{
  return json_object_get_array_member (json_object_get_object_member (media, "relations"),
                                       "edges");
}

static gboolean
string_is_empty (JsonObject *object,
                 const char *member)
{
  return json_object_get_null_member (object, member) ||
         *json_object_get_string_member (object, member) == '\0';
}

static void
test_snapshot_header (void)
{
  g_autoptr(GBytes) bytes = kz_bundled_get_snapshot ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  gsize length;
  const char *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &length);
  g_assert_cmpuint (length, >, 100000);

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "kizuna-snapshot");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (root, "generated_at"), ==, GENERATED_AT);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "media")), >=, 150);
}

static void
test_snapshot_entries (void)
{
  g_auto(Snapshot) s = { 0 };
  guint n_adult = 0, n_releasing = 0, n_unreleased = 0, n_no_english = 0;

  snapshot_load (&s);

  /* Unique, positive ids and real titles on every top-level entry. */
  g_assert_cmpuint (g_hash_table_size (s.by_id), ==, json_array_get_length (s.media));
  for (guint i = 0; i < json_array_get_length (s.media); i++)
    {
      JsonObject *media = json_array_get_object_element (s.media, i);
      JsonObject *title = json_object_get_object_member (media, "title");
      g_autofree char *site = NULL;
      gint64 id = json_object_get_int_member (media, "id");
      const char *status = json_object_get_string_member (media, "status");

      g_assert_cmpint (id, >, 0);
      g_assert_cmpstr (json_object_get_string_member (media, "type"), ==, "ANIME");
      g_assert_false (string_is_empty (title, "romaji"));
      g_assert_false (string_is_empty (title, "userPreferred"));
      g_assert_true (json_object_get_null_member (title, "english") ||
                     !string_is_empty (title, "english"));

      site = g_strdup_printf ("https://anilist.co/anime/%" G_GINT64_FORMAT, id);
      g_assert_cmpstr (json_object_get_string_member (media, "siteUrl"), ==, site);
      g_assert_true (json_object_get_null_member (json_object_get_object_member (media, "coverImage"),
                                                  "large"));
      g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (media, "coverImage"),
                                                       "color"));
      g_assert_cmpint (json_object_get_int_member (media, "updatedAt"), >=, 1735689600);
      g_assert_cmpint (json_object_get_int_member (media, "updatedAt"), <, GENERATED_AT);

      if (json_object_get_boolean_member (media, "isAdult"))
        n_adult++;
      if (json_object_get_null_member (title, "english"))
        n_no_english++;
      if (g_str_equal (status, "RELEASING"))
        {
          n_releasing++;
          g_assert_true (json_object_get_null_member (json_object_get_object_member (media, "endDate"),
                                                      "year"));
        }
      if (g_str_equal (status, "NOT_YET_RELEASED"))
        {
          n_unreleased++;
          g_assert_true (json_object_get_null_member (media, "episodes"));
          g_assert_true (json_object_get_null_member (json_object_get_object_member (media, "endDate"),
                                                      "year"));
        }
    }

  g_assert_cmpuint (n_adult, >=, 1);
  g_assert_cmpuint (n_releasing, >=, 1);
  g_assert_cmpuint (n_unreleased, >=, 1);
  g_assert_cmpuint (n_no_english, >=, 3);
}

static void
test_snapshot_relations (void)
{
  g_auto(Snapshot) s = { 0 };
  guint n_dangling = 0, n_prequels = 0, n_non_anime = 0, n_manga_formats = 0;

  snapshot_load (&s);

  for (guint i = 0; i < json_array_get_length (s.media); i++)
    {
      JsonObject *media = json_array_get_object_element (s.media, i);
      gint64 id = json_object_get_int_member (media, "id");
      JsonArray *edges = media_edges (media);

      for (guint j = 0; j < json_array_get_length (edges); j++)
        {
          JsonObject *edge = json_array_get_object_element (edges, j);
          JsonObject *node = json_object_get_object_member (edge, "node");
          const char *type = json_object_get_string_member (edge, "relationType");
          gint64 target = json_object_get_int_member (node, "id");
          JsonObject *other;

          g_assert_cmpint (target, !=, id);
          g_assert_cmpint (kz_relation_type_from_string (type), !=, KZ_RELATION_UNKNOWN);

          if (!g_str_equal (json_object_get_string_member (node, "type"), "ANIME"))
            {
              const char *format = json_object_get_string_member (node, "format");

              n_non_anime++;
              if (g_str_equal (format, "MANGA") || g_str_equal (format, "NOVEL"))
                n_manga_formats++;
              g_assert_cmpstr (type, ==, "SOURCE");
              /* Never a top-level entry. */
              g_assert_false (g_hash_table_contains (s.by_id, &target));
              continue;
            }

          other = g_hash_table_lookup (s.by_id, &target);
          if (other == NULL)
            {
              n_dangling++;
              continue;
            }

          /* The stub says what the target's own entry says. */
          g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (node, "title"), "romaji"),
                           ==,
                           json_object_get_string_member (json_object_get_object_member (other, "title"), "romaji"));
          g_assert_cmpstr (json_object_get_string_member (node, "format"), ==,
                           json_object_get_string_member (other, "format"));

          if (g_str_equal (type, "PREQUEL") || g_str_equal (type, "SEQUEL"))
            {
              const char *want = g_str_equal (type, "PREQUEL") ? "SEQUEL" : "PREQUEL";
              JsonArray *back = media_edges (other);
              gboolean found = FALSE;

              n_prequels++;
              for (guint k = 0; k < json_array_get_length (back) && !found; k++)
                {
                  JsonObject *b = json_array_get_object_element (back, k);

                  found = json_object_get_int_member (json_object_get_object_member (b, "node"), "id") == id &&
                          g_str_equal (json_object_get_string_member (b, "relationType"), want);
                }
              if (!found)
                g_test_message ("%" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT " %s has no %s back",
                                id, target, type, want);
              g_assert_true (found);
            }
        }
    }

  g_assert_cmpuint (n_dangling, ==, 0);
  g_assert_cmpuint (n_prequels, >=, 100);
  g_assert_cmpuint (n_non_anime, >=, 5);
  g_assert_cmpuint (n_manga_formats, ==, n_non_anime);
}

/* Franchises: connected components over the default relation types,
 * between the entries themselves (manga nodes are left out). */
typedef struct {
  GPtrArray  *entries;      /* KzEntry, borrowed */
  GHashTable *index;        /* gint64 id -> position + 1 */
  guint      *component;    /* per position */
  guint       n_components;
} Franchises;

static guint
lookup_position (Franchises *f,
                 gint64      id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->index, &id));
}

static gboolean
follows_default (const KzRelation *relation)
{
  return (KZ_RELATION_MASK_DEFAULT & KZ_RELATION_MASK (relation->type)) != 0 &&
         kz_entry_get_media_type (relation->target) == KZ_MEDIA_TYPE_ANIME;
}

static void
franchises_build (Franchises *f,
                  GPtrArray  *entries)
{
  f->entries = entries;
  f->index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  f->component = g_new0 (guint, entries->len);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 *key = g_new (gint64, 1);

      *key = kz_entry_get_id (entry);
      g_hash_table_insert (f->index, key, GUINT_TO_POINTER (i + 1));
    }

  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr(GQueue) queue = NULL;

      if (f->component[i] != 0)
        continue;

      f->n_components++;
      f->component[i] = f->n_components;
      queue = g_queue_new ();
      g_queue_push_tail (queue, GUINT_TO_POINTER (i));

      while (!g_queue_is_empty (queue))
        {
          KzEntry *entry = g_ptr_array_index (entries, GPOINTER_TO_UINT (g_queue_pop_head (queue)));
          const KzRelation *relations;
          guint n_relations;

          relations = kz_entry_get_relations (entry, &n_relations);
          for (guint r = 0; r < n_relations; r++)
            {
              guint pos;

              if (!follows_default (&relations[r]))
                continue;
              pos = lookup_position (f, kz_entry_get_id (relations[r].target));
              g_assert_cmpuint (pos, >, 0);
              if (f->component[pos - 1] == 0)
                {
                  f->component[pos - 1] = f->n_components;
                  g_queue_push_tail (queue, GUINT_TO_POINTER (pos - 1));
                }
            }
        }
    }
}

static void
franchises_clear (Franchises *f)
{
  g_clear_pointer (&f->index, g_hash_table_unref);
  g_clear_pointer (&f->component, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Franchises, franchises_clear)

/* Breadth-first distances from one entry; returns the largest. */
static guint
max_depth_from (Franchises *f,
                guint       root)
{
  g_autofree guint *depth = g_new (guint, f->entries->len);
  g_autoptr(GQueue) queue = g_queue_new ();
  guint deepest = 0;

  for (guint i = 0; i < f->entries->len; i++)
    depth[i] = G_MAXUINT;
  depth[root] = 0;
  g_queue_push_tail (queue, GUINT_TO_POINTER (root));

  while (!g_queue_is_empty (queue))
    {
      guint cur = GPOINTER_TO_UINT (g_queue_pop_head (queue));
      const KzRelation *relations;
      guint n_relations;

      relations = kz_entry_get_relations (g_ptr_array_index (f->entries, cur), &n_relations);
      for (guint r = 0; r < n_relations; r++)
        {
          guint pos;

          if (!follows_default (&relations[r]))
            continue;
          pos = lookup_position (f, kz_entry_get_id (relations[r].target)) - 1;
          if (depth[pos] == G_MAXUINT)
            {
              depth[pos] = depth[cur] + 1;
              deepest = MAX (deepest, depth[pos]);
              g_queue_push_tail (queue, GUINT_TO_POINTER (pos));
            }
        }
    }

  return deepest;
}

static GPtrArray *
load_entries (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kz_bundled_load_entries (&error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static void
test_load_entries (void)
{
  g_autoptr(GPtrArray) entries = load_entries ();
  g_auto(Snapshot) s = { 0 };
  KzEntry *conan = NULL;

  snapshot_load (&s);
  g_assert_cmpuint (entries->len, ==, json_array_get_length (s.media));

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      gint64 id = kz_entry_get_id (entry);

      g_assert_true (g_hash_table_contains (s.by_id, &id));
      g_assert_cmpint (kz_entry_get_detail (entry), ==, KZ_ENTRY_DETAIL_FULL);
      g_assert_cmpint (kz_entry_get_media_type (entry), ==, KZ_MEDIA_TYPE_ANIME);
      g_assert_nonnull (kz_entry_get_title_romaji (entry));
      if (id == 235)
        conan = entry;
    }

  g_assert_nonnull (conan);
  g_assert_cmpstr (kz_entry_get_title_romaji (conan), ==, "Meitantei Conan");
  g_assert_cmpstr (kz_entry_get_title_english (conan), ==, "Case Closed");
  g_assert_cmpstr (kz_entry_get_title_native (conan), ==, "名探偵コナン");
  g_assert_cmpint (kz_entry_get_status (conan), ==, KZ_STATUS_RELEASING);
  g_assert_cmpint (kz_entry_get_format (conan), ==, KZ_FORMAT_TV);
  g_assert_cmpint (kz_entry_get_season (conan), ==, KZ_SEASON_WINTER);
  g_assert_cmpint (kz_entry_get_season_year (conan), ==, 1996);
  g_assert_cmpint (kz_entry_get_start_date (conan).year, ==, 1996);
  g_assert_cmpint (kz_entry_get_end_date (conan).year, ==, 0);
  g_assert_cmpint (kz_entry_get_id_mal (conan), ==, 235);
  /* Ingest turned the description's HTML into text. */
  g_assert_null (strstr (kz_entry_get_description (conan), "<br>"));
}

/* The snapshot needs no repair: ingest finds nothing to fix. */
static void
test_ingest_clean (void)
{
  g_auto(Snapshot) s = { 0 };
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  KzIngestReport report = { 0 };

  snapshot_load (&s);
  for (guint i = 0; i < json_array_get_length (s.media); i++)
    {
      g_autoptr(GError) error = NULL;
      KzEntry *entry = kz_anilist_parse_media (json_array_get_object_element (s.media, i), &error);

      g_assert_no_error (error);
      g_ptr_array_add (entries, entry);
    }

  kz_ingest_normalise (entries, &report);
  g_assert_cmpuint (report.entries_in, ==, json_array_get_length (s.media));
  g_assert_cmpuint (report.entries_dropped, ==, 0);
  g_assert_cmpuint (report.years_fixed, ==, 0);
  g_assert_cmpuint (report.counts_fixed, ==, 0);
  g_assert_cmpuint (report.self_loops_removed, ==, 0);
  g_assert_cmpuint (report.duplicate_edges_merged, ==, 0);
  g_assert_cmpuint (report.reverse_edges_added, ==, 0);
  g_assert_cmpuint (entries->len, ==, json_array_get_length (s.media));
}

static void
test_franchises (void)
{
  g_autoptr(GPtrArray) entries = load_entries ();
  g_auto(Franchises) f = { 0 };
  g_autofree guint *sizes = NULL;
  g_autofree guint *n_pairs = NULL;
  guint largest = 0, root = G_MAXUINT, n_crossings = 0, n_cyclic = 0;

  franchises_build (&f, entries);
  g_assert_cmpuint (f.n_components, >=, 12);

  sizes = g_new0 (guint, f.n_components + 1);
  n_pairs = g_new0 (guint, f.n_components + 1);
  for (guint i = 0; i < entries->len; i++)
    sizes[f.component[i]]++;
  for (guint c = 1; c <= f.n_components; c++)
    if (sizes[c] > sizes[largest])
      largest = c;
  g_assert_cmpuint (sizes[largest], >=, 40);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      const KzRelation *relations;
      guint n_relations;

      /* The root of the big franchise: its earliest TV series. */
      if (f.component[i] == largest && kz_entry_get_format (entry) == KZ_FORMAT_TV &&
          (root == G_MAXUINT ||
           kz_entry_compare_release (entry, g_ptr_array_index (entries, root)) < 0))
        root = i;

      relations = kz_entry_get_relations (entry, &n_relations);
      for (guint r = 0; r < n_relations; r++)
        {
          guint pos = lookup_position (&f, kz_entry_get_id (relations[r].target));

          if (pos == 0)
            continue;
          /* Each undirected pair once. */
          if (follows_default (&relations[r]) &&
              kz_entry_get_id (entry) < kz_entry_get_id (relations[r].target))
            n_pairs[f.component[i]]++;
          if ((relations[r].type == KZ_RELATION_CHARACTER ||
               relations[r].type == KZ_RELATION_OTHER) &&
              f.component[pos - 1] != f.component[i])
            n_crossings++;
        }
    }

  g_assert_cmpuint (root, !=, G_MAXUINT);
  g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (entries, root)), ==, 235);
  g_assert_cmpuint (max_depth_from (&f, root), >=, 5);

  /* A component with as many distinct links as entries holds a cycle. */
  for (guint c = 1; c <= f.n_components; c++)
    if (n_pairs[c] >= sizes[c])
      n_cyclic++;
  g_assert_cmpuint (n_cyclic, >=, 1);

  /* Crossovers join franchises only through CHARACTER or OTHER. */
  g_assert_cmpuint (n_crossings, >=, 1);
}

static void
expect_load_error (const char *json,
                   GQuark      domain,
                   int         code)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 generated_at = 0;

  entries = _kz_bundled_load_snapshot (json, strlen (json), &generated_at, &error);
  g_assert_null (entries);
  g_assert_error (error, domain, code);
}

static void
test_malformed (void)
{
  static const char good[] =
    "{\"format\": \"kizuna-snapshot\", \"version\": 1, \"generated_at\": 1793491200,"
    " \"media\": [{\"id\": 1, \"type\": \"ANIME\", \"format\": \"TV\","
    " \"title\": {\"romaji\": \"Cowboy Bebop\"}, \"relations\": {\"edges\": []}}]}";
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 generated_at = 0;

  entries = _kz_bundled_load_snapshot (good, strlen (good), &generated_at, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (generated_at, ==, GENERATED_AT);
  g_assert_cmpstr (kz_entry_get_title_romaji (g_ptr_array_index (entries, 0)), ==, "Cowboy Bebop");

  expect_load_error ("not json at all", G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("[1, 2, 3]", G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("{\"format\": \"anilist-dump\", \"version\": 1, \"generated_at\": 1, \"media\": []}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("{\"version\": 1, \"generated_at\": 1, \"media\": []}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("{\"format\": \"kizuna-snapshot\", \"version\": 2, \"generated_at\": 1, \"media\": []}",
                     G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  expect_load_error ("{\"format\": \"kizuna-snapshot\", \"version\": \"1\", \"generated_at\": 1, \"media\": []}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("{\"format\": \"kizuna-snapshot\", \"version\": 1, \"media\": []}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("{\"format\": \"kizuna-snapshot\", \"version\": 1, \"generated_at\": 1, \"media\": {}}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  expect_load_error ("{\"format\": \"kizuna-snapshot\", \"version\": 1, \"generated_at\": 1, \"media\": [7]}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* An entry the parser rejects (no id) spoils the whole snapshot. */
  expect_load_error ("{\"format\": \"kizuna-snapshot\", \"version\": 1, \"generated_at\": 1,"
                     " \"media\": [{\"title\": {\"romaji\": \"x\"}}]}",
                     G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

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
test_seed_store (void)
{
  g_autoptr(GPtrArray) entries = load_entries ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzEntry) conan = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  KzFetchInfo info = { 0 };
  KzStoreStats stats = { 0 };
  guint n_added = G_MAXUINT;

  dir = g_dir_make_tmp ("kizuna-bundled-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "library.db", NULL);

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kz_store_is_empty (store, &error));
  g_assert_no_error (error);

  g_assert_true (kz_bundled_seed_store (store, &n_added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, entries->len);
  g_assert_false (kz_store_is_empty (store, &error));
  g_assert_no_error (error);

  /* Old data: dated at the snapshot, so any refresh replaces it. */
  g_assert_true (kz_store_get_fetch_info (store, 235, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.fetched_at, ==, GENERATED_AT * G_USEC_PER_SEC);

  conan = kz_store_get_entry (store, 235, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conan);
  g_assert_cmpstr (kz_entry_get_title_romaji (conan), ==, "Meitantei Conan");

  g_assert_true (kz_store_get_stats (store, GENERATED_AT * G_USEC_PER_SEC + 1, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_full_entries, ==, entries->len);
  g_assert_cmpuint (stats.n_stale, ==, entries->len);

  /* A library with entries is left alone. */
  n_added = G_MAXUINT;
  g_assert_true (kz_bundled_seed_store (store, &n_added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, 0);

  g_clear_object (&store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/bundled/snapshot/header", test_snapshot_header);
  g_test_add_func ("/kz/bundled/snapshot/entries", test_snapshot_entries);
  g_test_add_func ("/kz/bundled/snapshot/relations", test_snapshot_relations);
  g_test_add_func ("/kz/bundled/load/entries", test_load_entries);
  g_test_add_func ("/kz/bundled/load/ingest-clean", test_ingest_clean);
  g_test_add_func ("/kz/bundled/load/franchises", test_franchises);
  g_test_add_func ("/kz/bundled/load/malformed", test_malformed);
  g_test_add_func ("/kz/bundled/seed/store", test_seed_store);

  return g_test_run ();
}
