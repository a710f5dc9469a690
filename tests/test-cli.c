/* test-cli.c: kizuna-cli as a person runs it, against a local AniList
 *
 * Each test runs the built binary ($KIZUNA_CLI) with a fresh library
 * folder, and a KzMockAniList in this process answers it on 127.0.0.1;
 * the main context is iterated while the tool runs so the mock can.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "kizuna-core.h"
#include "kz-mock-anilist.h"
#include "kz-store-ratings.h"

/* A small franchise that is in no bundled snapshot, so that a fresh
 * library must ask the mock for it: a TV series with a sequel and a
 * side story. The English title carries a terminal escape. */
#define TEST_ROOT_ID       990001
#define TEST_SEQUEL_ID     990002
#define TEST_SIDE_STORY_ID 990003
#define TEST_SEARCH_WORD   "Hoshikuzuya"
#define MISSING_ID         999999

#define NODE(id, format, year, romaji) \
  "{\"id\": " #id ", \"type\": \"ANIME\", \"format\": \"" format "\", \"status\": \"FINISHED\"," \
  " \"title\": {\"romaji\": \"" romaji "\", \"english\": null, \"native\": null}," \
  " \"startDate\": {\"year\": " #year ", \"month\": 4, \"day\": 1}, \"seasonYear\": " #year "}"

static const char *test_media[] = {
  "{\"id\": 990001, \"idMal\": null, \"type\": \"ANIME\", \"format\": \"TV\", \"status\": \"FINISHED\","
  " \"title\": {\"romaji\": \"" TEST_SEARCH_WORD " no Kioku\", \"english\": \"Stardust \\u001b[2JMemories\","
  "   \"native\": \"星屑屋の記憶\", \"userPreferred\": \"" TEST_SEARCH_WORD " no Kioku\"},"
  " \"episodes\": 12, \"duration\": 24, \"season\": \"SPRING\", \"seasonYear\": 2015,"
  " \"startDate\": {\"year\": 2015, \"month\": 4, \"day\": 5}, \"endDate\": {\"year\": 2015, \"month\": 6, \"day\": 21},"
  " \"genres\": [\"Drama\", \"Sci-Fi\"], \"synonyms\": [], \"averageScore\": 77, \"isAdult\": false,"
  " \"updatedAt\": 1700000000, \"siteUrl\": \"https://anilist.co/anime/990001\","
  " \"description\": \"A keeper of <i>fallen stars</i>.<br>Twelve nights.\","
  " \"coverImage\": {\"extraLarge\": null, \"large\": null, \"medium\": null, \"color\": null},"
  " \"relations\": {\"edges\": ["
  "   {\"relationType\": \"SIDE_STORY\", \"node\": " NODE (990003, "OVA", 2016, TEST_SEARCH_WORD " no Kioku: Yoru no Hanashi") "},"
  "   {\"relationType\": \"SEQUEL\", \"node\": " NODE (990002, "TV", 2017, TEST_SEARCH_WORD " no Kioku 2") "}"
  " ]}}",

  "{\"id\": 990002, \"type\": \"ANIME\", \"format\": \"TV\", \"status\": \"FINISHED\","
  " \"title\": {\"romaji\": \"" TEST_SEARCH_WORD " no Kioku 2\"},"
  " \"episodes\": 12, \"seasonYear\": 2017, \"startDate\": {\"year\": 2017, \"month\": 4, \"day\": 1},"
  " \"updatedAt\": 1700000000, \"siteUrl\": \"https://anilist.co/anime/990002\","
  " \"relations\": {\"edges\": ["
  "   {\"relationType\": \"PREQUEL\", \"node\": " NODE (990001, "TV", 2015, TEST_SEARCH_WORD " no Kioku") "}"
  " ]}}",

  "{\"id\": 990003, \"type\": \"ANIME\", \"format\": \"OVA\", \"status\": \"FINISHED\","
  " \"title\": {\"romaji\": \"" TEST_SEARCH_WORD " no Kioku: Yoru no Hanashi\"},"
  " \"episodes\": 1, \"seasonYear\": 2016, \"startDate\": {\"year\": 2016, \"month\": 4, \"day\": 1},"
  " \"updatedAt\": 1700000000, \"siteUrl\": \"https://anilist.co/anime/990003\","
  " \"relations\": {\"edges\": ["
  "   {\"relationType\": \"PARENT\", \"node\": " NODE (990001, "TV", 2015, TEST_SEARCH_WORD " no Kioku") "}"
  " ]}}",
};

typedef struct {
  KzMockAniList *mock;
  char          *url;
  char          *data_dir;
} Fixture;

typedef struct {
  gboolean  done;
  gboolean  exited;
  int       status;
  char     *out;
  char     *err;
  GError   *error;
} CliRun;

static void
cli_run_free (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_error (&run->error);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

/* The bundled snapshot with the test franchise added. */
static GBytes *
build_snapshot (void)
{
  g_autoptr(GBytes) bundled = kz_bundled_get_snapshot ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *media;
  char *data;
  gsize length;

  g_assert_nonnull (bundled);
  json_parser_load_from_data (parser, g_bytes_get_data (bundled, NULL),
                              g_bytes_get_size (bundled), &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  media = json_object_get_array_member (root, "media");
  g_assert_nonnull (media);

  for (guint i = 0; i < G_N_ELEMENTS (test_media); i++)
    {
      g_autoptr(JsonParser) one = json_parser_new ();

      json_parser_load_from_data (one, test_media[i], -1, &error);
      g_assert_no_error (error);
      json_array_add_element (media, json_node_copy (json_parser_get_root (one)));
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GBytes) snapshot = build_snapshot ();
  g_autoptr(GError) error = NULL;

  fixture->mock = kz_mock_anilist_new_from_snapshot (snapshot, &error);
  g_assert_no_error (error);
  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);
  fixture->url = kz_mock_anilist_dup_url (fixture->mock);
  g_assert_true (g_str_has_prefix (fixture->url, "http://127.0.0.1:"));

  fixture->data_dir = g_dir_make_tmp ("kizuna-cli-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }

  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_free (fixture->url);
  g_clear_object (&fixture->mock);
}

static void
communicate_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  CliRun *run = user_data;

  g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err, &run->error);
  run->exited = g_subprocess_get_if_exited (process);
  run->status = run->exited ? g_subprocess_get_exit_status (process) : -1;
  run->done = TRUE;
}

static GSubprocess *
spawn_cli (Fixture            *fixture,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("KIZUNA_CLI");
  GSubprocess *process;

  g_assert_nonnull (binary);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_URL", fixture->url, TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_RPM", "6000", TRUE);
  /* Even a run that ignored --data-dir stays in the test's folder */
  g_subprocess_launcher_setenv (launcher, "KIZUNA_DATA_DIR", fixture->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, fixture->data_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

static void
wait_for_run (CliRun *run)
{
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (run->error);
  g_assert_nonnull (run->out);
  g_assert_nonnull (run->err);
}

/* Runs kizuna-cli --data-dir DIR ARGS… to its end. */
static CliRun *
run_cli_argv (Fixture            *fixture,
              const char * const *args)
{
  g_autoptr(GSubprocess) process = spawn_cli (fixture, args);
  CliRun *run = g_new0 (CliRun, 1);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_done, run);
  wait_for_run (run);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);

  return run;
}

#define run_cli(fixture, ...) \
  run_cli_argv ((fixture), (const char * const[]) { __VA_ARGS__, NULL })

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    if (*p == '\n')
      n++;

  return n;
}

static void
assert_one_line (const char *text)
{
  g_assert_cmpuint (strlen (text), >, 1);
  g_assert_cmpuint (count_lines (text), ==, 1);
  g_assert_true (g_str_has_suffix (text, "\n"));
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_node_get_object (root);
}

/* Bundled data, to choose ids from and compare with */

typedef struct {
  GPtrArray  *entries;
  GHashTable *ids;       /* every id, stubs included */
  gint64      franchise_id;
  gint64      airing_id;     /* trusted for an hour only: soon stale */
  char       *search_word;
} Bundled;

static Bundled bundled;

static gboolean
is_bundled_full (gint64 id)
{
  KzEntry *entry = g_hash_table_lookup (bundled.ids, &id);

  return entry != NULL && kz_entry_get_detail (entry) == KZ_ENTRY_DETAIL_FULL;
}

/* Every bundled id, and the first anime (by snapshot order) with a
 * sequel that is bundled in full. */
static void
index_bundled (void)
{
  g_autoptr(GError) error = NULL;

  bundled.entries = kz_bundled_load_entries (&error);
  g_assert_no_error (error);
  g_assert_nonnull (bundled.entries);
  bundled.ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  /* Full entries first, so that a stub never hides one */
  for (guint i = 0; i < bundled.entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (bundled.entries, i);
      gint64 *key = g_new (gint64, 1);

      *key = kz_entry_get_id (entry);
      g_hash_table_replace (bundled.ids, key, entry);
    }
  for (guint i = 0; i < bundled.entries->len; i++)
    {
      const KzRelation *relations;
      guint n_relations = 0;

      relations = kz_entry_get_relations (g_ptr_array_index (bundled.entries, i), &n_relations);
      for (guint j = 0; j < n_relations; j++)
        {
          gint64 id = kz_entry_get_id (relations[j].target);

          if (!g_hash_table_contains (bundled.ids, &id))
            {
              gint64 *key = g_new (gint64, 1);

              *key = id;
              g_hash_table_insert (bundled.ids, key, relations[j].target);
            }
        }
    }

  for (guint i = 0; i < bundled.entries->len && bundled.franchise_id == 0; i++)
    {
      KzEntry *entry = g_ptr_array_index (bundled.entries, i);
      const KzRelation *relations;
      guint n_relations = 0;

      if (kz_entry_get_media_type (entry) != KZ_MEDIA_TYPE_ANIME)
        continue;

      relations = kz_entry_get_relations (entry, &n_relations);
      for (guint j = 0; j < n_relations; j++)
        if (relations[j].type == KZ_RELATION_SEQUEL &&
            is_bundled_full (kz_entry_get_id (relations[j].target)))
          {
            bundled.franchise_id = kz_entry_get_id (entry);
            break;
          }
    }
  g_assert_cmpint (bundled.franchise_id, >, 0);

  bundled.airing_id = bundled.franchise_id;
  for (guint i = 0; i < bundled.entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (bundled.entries, i);

      if (kz_entry_get_media_type (entry) == KZ_MEDIA_TYPE_ANIME &&
          kz_entry_get_status (entry) == KZ_STATUS_RELEASING)
        {
          bundled.airing_id = kz_entry_get_id (entry);
          break;
        }
    }

  /* The longest word of its romaji title finds it in a search */
  {
    KzEntry *entry = g_hash_table_lookup (bundled.ids, &bundled.franchise_id);
    g_auto(GStrv) words = g_regex_split_simple ("[^[:alnum:]]+", kz_entry_get_title_romaji (entry), 0, 0);

    for (guint i = 0; words[i] != NULL; i++)
      if (strlen (words[i]) > (bundled.search_word ? strlen (bundled.search_word) : 3))
        {
          g_free (bundled.search_word);
          bundled.search_word = g_strdup (words[i]);
        }
    g_assert_nonnull (bundled.search_word);
  }

  g_test_message ("bundled franchise %" G_GINT64_FORMAT ", search word “%s”",
                  bundled.franchise_id, bundled.search_word);
}

static void
franchise_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KzFranchiseGraph **graph = user_data;
  g_autoptr(GError) error = NULL;

  *graph = kz_relations_service_get_franchise_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*graph);
}

/* What this process makes of the bundled franchise, offline. */
static guint
count_bundled_franchise (gint64 id)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzCache) cache = NULL;
  g_autoptr(KzRelationsService) service = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzFranchiseOptions options;
  guint n_added = 0;
  guint n_nodes;

  dir = g_dir_make_tmp ("kizuna-cli-ref-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "library.db", NULL);
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  kz_bundled_seed_store (store, &n_added, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, >, 0);

  cache = kz_cache_new ();
  service = kz_relations_service_new (cache, store, NULL);
  kz_franchise_options_init_default (&options);
  kz_relations_service_get_franchise_async (service, id, &options, KZ_FETCH_OFFLINE,
                                            NULL, NULL, NULL, franchise_done, &graph);
  while (graph == NULL)
    g_main_context_iteration (NULL, TRUE);

  n_nodes = kz_franchise_graph_get_n_nodes (graph);
  g_clear_object (&graph);
  g_clear_object (&service);
  g_clear_object (&store);
  remove_tree (dir);

  return n_nodes;
}

/* Tests */

static void
test_version (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(CliRun) run = run_cli (fixture, "--version");

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, "kizuna-cli " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run->out, ==, "kizuna-cli 0.1.0\n");
  g_assert_cmpstr (run->err, ==, "");
}

static void
test_bad_usage (Fixture       *fixture,
                gconstpointer  user_data)
{
  static const struct {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { "frobnicate", "1" }, "Unknown command" },
    { { NULL }, "No command given" },
    { { "franchise", "abc" }, "not an AniList id" },
    { { "show", "0" }, "not an AniList id" },
    { { "franchise", "5114", "--format", "xml" }, "Unknown format" },
    { { "--max-depth", "deep", "franchise", "5114" }, "--max-depth" },
    { { "franchise", "5114", "--relations", "SEQUEL,BOGUS" }, "BOGUS" },
    { { "--language", "klingon", "show", "5114" }, "klingon" },
    { { "--no-such-option", "library" }, "no-such-option" },
    { { "show" }, "needs an AniList id" },
    { { "show", "1", "2" }, "Unexpected argument" },
    { { "show", "1", "--detailed" }, "--detailed" },
    { { "--offline", "refresh", "1" }, "--offline" },
    /* found by fuzzing: the message quotes the argument; what reaches
     * the terminal must still be one clean line */
    { { "--off\x1f\x88\xfa" "x", "library" }, "--off" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliRun) run = run_cli_argv (fixture, cases[i].args);
      g_auto(GStrv) lines = g_strsplit (run->err, "\n", -1);

      g_assert_cmpint (run->status, ==, 1);
      g_assert_cmpstr (run->out, ==, "");
      /* The message, then the hint */
      g_assert_cmpuint (count_lines (run->err), ==, 2);
      g_assert_nonnull (strstr (lines[0], cases[i].message));
      g_assert_cmpstr (lines[1], ==, "Try 'kizuna-cli --help'");
      g_assert_true (g_utf8_validate (lines[0], -1, NULL));
      for (const char *p = lines[0]; *p; p = g_utf8_next_char (p))
        g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
    }

  /* Nothing was contacted for any of that */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
}

static void
test_offline_franchise (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bundled.franchise_id);
  g_autoptr(CliRun) run = NULL;
  g_autoptr(CliRun) tree = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *root_marker = NULL;
  JsonObject *object;
  JsonArray *nodes;
  guint expected = count_bundled_franchise (bundled.franchise_id);

  g_assert_cmpuint (expected, >=, 2);

  run = run_cli (fixture, "--offline", "franchise", id, "--format", "json");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");

  object = parse_object (parser, run->out);
  g_assert_cmpint (json_object_get_int_member (object, "root"), ==, bundled.franchise_id);
  nodes = json_object_get_array_member (object, "nodes");
  g_assert_cmpuint (json_array_get_length (nodes), ==, expected);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "stats"), "requests"), ==, 0);

  /* The tree shows the same titles, one per line, under the root */
  tree = run_cli (fixture, "franchise", "--offline", id);
  g_assert_cmpint (tree->status, ==, 0);
  root_marker = g_strdup_printf ("[%s]\n", id);
  g_assert_nonnull (strstr (tree->out, root_marker));
  g_assert_true (strstr (tree->out, root_marker) < strstr (tree->out, "── "));
  {
    g_auto(GStrv) lines = g_strsplit (tree->out, "\n", -1);
    guint n_titles = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_suffix (lines[i], "]"))
        n_titles++;
    g_assert_cmpuint (n_titles, ==, expected);
  }

  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
}

static void
test_franchise_json (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(CliRun) first = NULL;
  g_autoptr(CliRun) second = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  g_autoptr(GHashTable) depths = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  JsonObject *object;
  JsonObject *stats;
  JsonArray *nodes;
  JsonArray *edges;
  gboolean seen_sequel = FALSE;
  gboolean seen_side_story = FALSE;

  first = run_cli (fixture, "franchise", G_STRINGIFY (TEST_ROOT_ID), "--format", "json");
  g_assert_cmpint (first->status, ==, 0);
  g_assert_cmpstr (first->err, ==, "");

  object = parse_object (parser, first->out);
  g_assert_cmpint (json_object_get_int_member (object, "root"), ==, TEST_ROOT_ID);
  g_assert_true (json_object_get_boolean_member (object, "complete"));

  nodes = json_object_get_array_member (object, "nodes");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member (node, "id");
      g_assert_true (json_object_has_member (node, "title"));
      g_assert_true (json_object_has_member (node, "format"));
      g_assert_true (json_object_has_member (node, "year"));
      g_hash_table_insert (depths, id, GINT_TO_POINTER ((int) json_object_get_int_member (node, "depth")));
    }
  {
    gint64 root = TEST_ROOT_ID, sequel = TEST_SEQUEL_ID, side = TEST_SIDE_STORY_ID;

    g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (depths, &root)), ==, 0);
    g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (depths, &sequel)), ==, 1);
    g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (depths, &side)), ==, 1);
  }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (nodes, 0), "format"), !=, NULL);

  edges = json_object_get_array_member (object, "edges");
  g_assert_cmpuint (json_array_get_length (edges), >=, 2);
  for (guint i = 0; i < json_array_get_length (edges); i++)
    {
      JsonObject *edge = json_array_get_object_element (edges, i);
      const char *type = json_object_get_string_member (edge, "type");

      if (json_object_get_int_member (edge, "from") == TEST_ROOT_ID &&
          json_object_get_int_member (edge, "to") == TEST_SEQUEL_ID)
        seen_sequel = g_strcmp0 (type, "SEQUEL") == 0;
      if (json_object_get_int_member (edge, "from") == TEST_ROOT_ID &&
          json_object_get_int_member (edge, "to") == TEST_SIDE_STORY_ID)
        seen_side_story = g_strcmp0 (type, "SIDE_STORY") == 0;
    }
  g_assert_true (seen_sequel);
  g_assert_true (seen_side_story);

  stats = json_object_get_object_member (object, "stats");
  g_assert_cmpint (json_object_get_int_member (stats, "requests"), >, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "provider_fetches"), >, 0);
  g_assert_false (json_object_get_boolean_member (stats, "stale"));
  g_assert_cmpstr (json_object_get_string_member (stats, "source"), ==, "provider");
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >, 0);

  /* A second run finds it all in the library */
  kz_mock_anilist_reset_counters (fixture->mock);
  second = run_cli (fixture, "--json", "franchise", G_STRINGIFY (TEST_ROOT_ID), "--stats");
  g_assert_cmpint (second->status, ==, 0);
  object = parse_object (parser2, second->out);
  stats = json_object_get_object_member (object, "stats");
  g_assert_cmpint (json_object_get_int_member (stats, "requests"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "provider_fetches"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (stats, "source"), ==, "library");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "nodes")), ==, 3);
  /* --stats adds the full statistics to the same member */
  g_assert_true (json_object_has_member (stats, "cache"));
  g_assert_true (json_object_has_member (stats, "service"));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
}

static void
test_franchise_dot (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(CliRun) run = run_cli (fixture, "franchise", G_STRINGIFY (TEST_ROOT_ID), "--format", "dot");

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "digraph"));
  g_assert_true (g_str_has_suffix (run->out, "}\n"));
  g_assert_nonnull (strstr (run->out, "n990001 [label=\"" TEST_SEARCH_WORD " no Kioku\\n(TV, 2015)\""));
  g_assert_nonnull (strstr (run->out, "n990001 -> n990002 [label=\"SEQUEL\"]"));
  g_assert_nonnull (strstr (run->out, "n990001 -> n990003 [label=\"SIDE_STORY\"]"));
  /* PREQUEL back from the sequel says nothing new */
  g_assert_null (strstr (run->out, "n990002 -> n990001 [label=\"PREQUEL\"]"));
}

static void
test_show_missing (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(CliRun) run = NULL;
  gint64 missing = MISSING_ID;

  g_assert_false (g_hash_table_contains (bundled.ids, &missing));

  run = run_cli (fixture, "show", G_STRINGIFY (MISSING_ID));
  g_assert_cmpint (run->status, ==, 3);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpstr (run->err, ==, "no such anime: 999999\n");
}

static void
test_show (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(CliRun) run = NULL;
  g_autoptr(CliRun) english = NULL;
  g_autoptr(CliRun) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  run = run_cli (fixture, "show", "https://anilist.co/anime/990001/Hoshikuzuya");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, TEST_SEARCH_WORD " no Kioku\n"));
  g_assert_nonnull (strstr (run->out, "English: Stardust "));
  g_assert_nonnull (strstr (run->out, "Native: 星屑屋の記憶\n"));
  g_assert_nonnull (strstr (run->out, "Spring 2015"));
  g_assert_nonnull (strstr (run->out, "2015-04-05 to 2015-06-21"));
  g_assert_nonnull (strstr (run->out, "77%"));
  g_assert_nonnull (strstr (run->out, "Drama, Sci-Fi"));
  g_assert_nonnull (strstr (run->out, "https://anilist.co/anime/990001"));
  g_assert_nonnull (strstr (run->out, "A keeper of fallen stars."));
  g_assert_null (strstr (run->out, "<i>"));
  /* The escape in the English title never reaches the terminal */
  g_assert_null (strchr (run->out, '\033'));

  english = run_cli (fixture, "--language", "english", "show", "990001");
  g_assert_cmpint (english->status, ==, 0);
  g_assert_true (g_str_has_prefix (english->out, "Stardust "));
  g_assert_null (strchr (english->out, '\033'));
  g_assert_nonnull (strstr (english->out, "Romaji: " TEST_SEARCH_WORD " no Kioku\n"));

  json = run_cli (fixture, "--json", "show", "990001");
  g_assert_cmpint (json->status, ==, 0);
  object = parse_object (parser, json->out);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, TEST_ROOT_ID);
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "TV");
  g_assert_cmpint (json_object_get_int_member (object, "episodes"), ==, 12);
  g_assert_false (json_object_get_boolean_member (object, "is_adult"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "relations")), ==, 2);
  /* MyAnimeList was never asked about it */
  g_assert_true (json_object_has_member (object, "rating"));
  g_assert_true (json_object_get_null_member (object, "rating"));
  g_assert_true (json_object_has_member (object, "mal_score"));
  g_assert_true (json_object_get_null_member (object, "mal_score"));
  g_assert_null (strstr (run->out, "\nRating:"));
  g_assert_null (strstr (run->out, "\nMAL score:"));
}

/* The value of the "LABEL:   value" line of `show`, or NULL. */
static char *
dup_field (const char *out,
           const char *label)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autofree char *prefix = g_strconcat (label, ":", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (g_strchug (lines[i] + strlen (prefix)));

  return NULL;
}

/* A bundled anime that links a MyAnimeList page. */
static KzEntry *
find_bundled_with_mal_id (void)
{
  for (guint i = 0; i < bundled.entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (bundled.entries, i);

      if (kz_entry_get_detail (entry) == KZ_ENTRY_DETAIL_FULL &&
          kz_entry_get_media_type (entry) == KZ_MEDIA_TYPE_ANIME &&
          kz_entry_get_id_mal (entry) > 0)
        return entry;
    }

  return NULL;
}

static void
test_show_rating (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const char rating[] = "R - 17+ (violence & profanity)";
  KzEntry *entry = find_bundled_with_mal_id ();
  g_autofree char *id = NULL;
  g_autofree char *path = g_build_filename (fixture->data_dir, "library.db", NULL);
  g_autofree char *rating_value = NULL;
  g_autofree char *score_value = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CliRun) run = NULL;
  g_autoptr(CliRun) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  guint n_added = 0;

  g_assert_nonnull (entry);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, kz_entry_get_id (entry));

  /* The library as the tool would seed it, with what MyAnimeList said */
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  kz_bundled_seed_store (store, &n_added, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, >, 0);
  info = kz_rating_info_new (kz_entry_get_id (entry), kz_entry_get_id_mal (entry));
  info->rating = g_strdup (rating);
  info->mal_score = 8.62;
  info->fetched_at = g_get_real_time ();
  kz_store_save_rating (store, info, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  run = run_cli (fixture, "--offline", "show", id);
  g_assert_cmpint (run->status, ==, 0);
  rating_value = dup_field (run->out, "Rating");
  score_value = dup_field (run->out, "MAL score");
  g_assert_cmpstr (rating_value, ==, rating);
  g_assert_cmpstr (score_value, ==, "8.62");

  json = run_cli (fixture, "--offline", "--json", "show", id);
  g_assert_cmpint (json->status, ==, 0);
  object = parse_object (parser, json->out);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, kz_entry_get_id (entry));
  g_assert_cmpstr (json_object_get_string_member (object, "rating"), ==, rating);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "mal_score"), 8.62, 1e-9);

  /* Nothing of that came from AniList */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);

  /* Fetched again from AniList, the title keeps the rating the library has */
  {
    g_autoptr(CliRun) online = run_cli (fixture, "show", id);
    g_autofree char *online_rating = NULL;

    g_assert_cmpint (online->status, ==, 0);
    g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >, 0);
    online_rating = dup_field (online->out, "Rating");
    g_assert_cmpstr (online_rating, ==, rating);
  }
}

static void
test_relations (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(CliRun) run = NULL;
  g_autoptr(CliRun) detailed = NULL;
  const char *sequel;
  const char *side_story;

  run = run_cli (fixture, "relations", G_STRINGIFY (TEST_ROOT_ID));
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, TEST_SEARCH_WORD " no Kioku (TV, 2015) [990001]\n"));

  /* The snapshot lists the side story first; the story line comes first */
  sequel = strstr (run->out, "\n  SEQUEL ");
  side_story = strstr (run->out, "\n  SIDE_STORY ");
  g_assert_nonnull (sequel);
  g_assert_nonnull (side_story);
  g_assert_true (sequel < side_story);
  g_assert_nonnull (strstr (run->out, TEST_SEARCH_WORD " no Kioku 2 (TV, 2017) [990002]\n"));
  g_assert_nonnull (strstr (run->out, "Yoru no Hanashi (OVA, 2016) [990003]\n"));

  detailed = run_cli (fixture, "relations", G_STRINGIFY (TEST_ROOT_ID), "--detailed");
  g_assert_cmpint (detailed->status, ==, 0);
  g_assert_true (strstr (detailed->out, "\n  SEQUEL ") < strstr (detailed->out, "\n  SIDE_STORY "));
  /* Full neighbours bring their episode counts */
  g_assert_nonnull (strstr (detailed->out, "12 episodes"));
  g_assert_nonnull (strstr (detailed->out, "1 episode"));
}

static void
test_provider_failure (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(CliRun) run = NULL;
  gint64 id = TEST_ROOT_ID;

  g_assert_false (g_hash_table_contains (bundled.ids, &id));

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 0);
  run = run_cli (fixture, "franchise", G_STRINGIFY (TEST_ROOT_ID));
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  assert_one_line (run->err);
  g_assert_nonnull (strstr (run->err, "AniList"));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >, 0);
}

static void
test_stale_copy (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bundled.airing_id);
  g_autoptr(CliRun) run = NULL;
  g_autofree char *marker = NULL;

  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_SERVER_ERROR, 0);
  run = run_cli (fixture, "show", id);
  g_assert_cmpint (run->status, ==, 0);
  marker = g_strdup_printf ("%" G_GINT64_FORMAT "\n", bundled.airing_id);
  g_assert_nonnull (strstr (run->out, marker));
  assert_one_line (run->err);
  g_assert_true (g_str_has_prefix (run->err, "AniList is unreachable; showing the "));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >, 0);
}

static void
test_library (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(CliRun) run = run_cli (fixture, "library");
  g_autoptr(CliRun) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *id_prefix = g_strdup_printf ("%" G_GINT64_FORMAT "  ", bundled.franchise_id);
  g_auto(GStrv) lines = NULL;
  gboolean listed = FALSE;
  JsonObject *object;
  guint64 n = 0;
  char *end = NULL;

  g_assert_cmpint (run->status, ==, 0);
  n = g_ascii_strtoull (run->out, &end, 10);
  g_assert_true (g_str_has_prefix (end, " titles in the library\n"));
  g_assert_cmpuint (n, >=, 150);
  g_assert_cmpuint (count_lines (run->out), ==, n + 1);
  lines = g_strsplit (run->out, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_str_has_prefix (g_strchug (lines[i]), id_prefix))
      listed = TRUE;
  g_assert_true (listed);

  json = run_cli (fixture, "--json", "--stats", "library");
  g_assert_cmpint (json->status, ==, 0);
  object = parse_object (parser, json->out);
  g_assert_cmpint (json_object_get_int_member (object, "count"), ==, (gint64) n);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "entries")), ==, n);
  g_assert_true (json_object_has_member (json_object_get_object_member (object, "stats"), "cache"));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *marker = g_strdup_printf ("[%" G_GINT64_FORMAT "]\n", bundled.franchise_id);
  g_autoptr(CliRun) offline = NULL;
  g_autoptr(CliRun) online = NULL;
  g_autoptr(CliRun) nothing = NULL;

  offline = run_cli (fixture, "--offline", "search", bundled.search_word, "--limit", "50");
  g_assert_cmpint (offline->status, ==, 0);
  g_assert_nonnull (strstr (offline->out, marker));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 0);

  /* Only AniList knows the test franchise */
  online = run_cli (fixture, "search", TEST_SEARCH_WORD);
  g_assert_cmpint (online->status, ==, 0);
  g_assert_cmpstr (online->err, ==, "");
  g_assert_nonnull (strstr (online->out, "[990001]\n"));
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);

  nothing = run_cli (fixture, "--offline", "search", "Qxzzyqq");
  g_assert_cmpint (nothing->status, ==, 0);
  g_assert_cmpstr (nothing->out, ==, "No titles match “Qxzzyqq”\n");
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(CliRun) first = run_cli (fixture, "franchise", G_STRINGIFY (TEST_ROOT_ID));
  g_autoptr(CliRun) refresh = NULL;

  g_assert_cmpint (first->status, ==, 0);
  kz_mock_anilist_reset_counters (fixture->mock);

  refresh = run_cli (fixture, "refresh", G_STRINGIFY (TEST_ROOT_ID));
  g_assert_cmpint (refresh->status, ==, 0);
  assert_one_line (refresh->out);
  g_assert_true (g_str_has_prefix (refresh->out, "Refreshed 3 titles of " TEST_SEARCH_WORD " no Kioku ("));
  g_assert_nonnull (strstr (refresh->out, "nothing changed"));
  /* Cache and library were passed by */
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), >, 0);
}

static void
test_interrupt (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(CliRun) run = g_new0 (CliRun, 1);

  /* The first answer never ends: the tool waits until interrupted. */
  kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_HANG, 0);
  process = spawn_cli (fixture, (const char * const[]) { "franchise", G_STRINGIFY (TEST_ROOT_ID), NULL });
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_done, run);

  while (kz_mock_anilist_get_request_count (fixture->mock) == 0 && !run->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (run->done);

  g_subprocess_send_signal (process, SIGINT);
  wait_for_run (run);

  g_assert_true (run->exited);
  g_assert_cmpint (run->status, ==, 130);
  g_assert_cmpstr (run->out, ==, "");
  assert_one_line (run->err);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  index_bundled ();

  g_test_add ("/kz/cli/version", Fixture, NULL, fixture_set_up, test_version, fixture_tear_down);
  g_test_add ("/kz/cli/bad-usage", Fixture, NULL, fixture_set_up, test_bad_usage, fixture_tear_down);
  g_test_add ("/kz/cli/franchise/offline", Fixture, NULL, fixture_set_up, test_offline_franchise, fixture_tear_down);
  g_test_add ("/kz/cli/franchise/json", Fixture, NULL, fixture_set_up, test_franchise_json, fixture_tear_down);
  g_test_add ("/kz/cli/franchise/dot", Fixture, NULL, fixture_set_up, test_franchise_dot, fixture_tear_down);
  g_test_add ("/kz/cli/show/details", Fixture, NULL, fixture_set_up, test_show, fixture_tear_down);
  g_test_add ("/kz/cli/show/rating", Fixture, NULL, fixture_set_up, test_show_rating, fixture_tear_down);
  g_test_add ("/kz/cli/show/not-found", Fixture, NULL, fixture_set_up, test_show_missing, fixture_tear_down);
  g_test_add ("/kz/cli/relations/order", Fixture, NULL, fixture_set_up, test_relations, fixture_tear_down);
  g_test_add ("/kz/cli/errors/provider-failure", Fixture, NULL, fixture_set_up, test_provider_failure, fixture_tear_down);
  g_test_add ("/kz/cli/errors/stale-copy", Fixture, NULL, fixture_set_up, test_stale_copy, fixture_tear_down);
  g_test_add ("/kz/cli/errors/interrupt", Fixture, NULL, fixture_set_up, test_interrupt, fixture_tear_down);
  g_test_add ("/kz/cli/library", Fixture, NULL, fixture_set_up, test_library, fixture_tear_down);
  g_test_add ("/kz/cli/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/kz/cli/refresh", Fixture, NULL, fixture_set_up, test_refresh, fixture_tear_down);

  status = g_test_run ();

  g_clear_pointer (&bundled.entries, g_ptr_array_unref);
  g_clear_pointer (&bundled.ids, g_hash_table_unref);
  g_clear_pointer (&bundled.search_word, g_free);

  return status;
}
