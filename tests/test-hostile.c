/* test-hostile.c: what a hostile or broken service may send
 *
 * Titles and descriptions full of markup, control characters and bytes
 * that are not UTF-8 come out of the parser and the library as valid
 * plain text, and the command-line tool prints them as they are. Cover
 * addresses cannot name a file outside the cover cache, downloads are
 * capped, plain http off this computer is refused, the library and the
 * cover cache are private to the user, and no value ever becomes part
 * of an SQL statement.
 *
 * Everything is served by a SoupServer of this test on 127.0.0.1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

#include "kizuna-core.h"
#include "kz-anilist-parser.h"
#include "kz-store-private.h"

#define HOSTILE_ID 777001
#define SEQUEL_ID  777002
#define WEIRD_ID   777003

/* Markup that would turn red, bold, or fail to parse at all (the lone
 * "&" and "<") if it ever reached Pango. */
#define MARKUP_TITLE "<span foreground=\"red\">Kz</span> &amp; <b>Bold</b> & AT&T < 3"
#define MARKUP_TITLE_JSON "<span foreground=\\\"red\\\">Kz</span> &amp; <b>Bold</b> & AT&T < 3"
#define INJECTION    "Robert'); DROP TABLE entries;--"

/* A bell, a terminal escape, a tab, a line break, a C1 control (CSI)
 * and DEL, in JSON's own escapes. */
#define CONTROL_TITLE_JSON "Bell\\u0007 Esc\\u001b[2J Tab\\tNew\\nline\\u009bC1\\u007fDEL"
#define CONTROL_TITLE      "Bell Esc[2J Tab New lineC1DEL"

/* Raw bytes that are not UTF-8, inside JSON strings: a stray 0xff 0xfe,
 * a lead byte before "(", and a sequence cut short. */
#define BROKEN_NATIVE "\xff" "\xfe" " Kz \xc3" "( \xe2\x82"

#define DESCRIPTION_JSON \
  "<span foreground=\\\"red\\\">Dz</span> &amp; <b>bold</b> AT&T 1 < 2<br>line \\u0007two \xff end"
#define DESCRIPTION_TEXT "Dz & bold AT&T 1 < 2\nline two \xef\xbf\xbd end"

static const char hostile_body[] =
  "{\"data\": {\"Page\": {\"pageInfo\": {\"hasNextPage\": false}, \"media\": [{"
  "  \"id\": 777001, \"idMal\": 1, \"type\": \"ANIME\", \"format\": \"TV\","
  "  \"status\": \"FINISHED\", \"episodes\": 12, \"seasonYear\": 2015,"
  "  \"startDate\": {\"year\": 2015, \"month\": 4, \"day\": 5},"
  "  \"title\": {\"romaji\": \"" MARKUP_TITLE_JSON "\","
  "             \"english\": \"" CONTROL_TITLE_JSON "\","
  "             \"native\": \"" BROKEN_NATIVE "\"},"
  "  \"synonyms\": [\"<i>Syn</i> &lt;\", \"\\u001b]0;pwned\\u0007Title\"],"
  "  \"genres\": [\"<b>Action</b>\", \"Drama\\r\\n\"],"
  "  \"description\": \"" DESCRIPTION_JSON "\","
  "  \"siteUrl\": \"https://anilist.co/anime/777001\","
  "  \"updatedAt\": 1700000000,"
  "  \"coverImage\": {\"extraLarge\": null, \"large\": null,"
  "                  \"medium\": \"http://127.0.0.1:9/../../etc/passwd\", \"color\": \"#f00\"},"
  "  \"relations\": {\"edges\": ["
  "    {\"relationType\": \"SEQUEL\", \"node\": {\"id\": 777002, \"type\": \"ANIME\","
  "      \"format\": \"TV\", \"title\": {\"romaji\": \"" INJECTION "\"},"
  "      \"startDate\": {\"year\": 2016}}},"
  "    {\"relationType\": \"<b>WEIRD</b>\\u0007\", \"node\": {\"id\": 777003, \"type\": \"ANIME\","
  "      \"format\": \"OVA\", \"title\": {\"romaji\": \"<i>Side</i>\\u001b[31m\"}}}"
  "  ]}"
  "}]}}}";

/* Checks */

static void
assert_plain_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

/* Line breaks are the one control a description keeps. */
static void
assert_plain_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_true (c == '\n' || !g_unichar_iscntrl (c));
    }
}

static void
assert_plain_strv (const char * const *strv)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    assert_plain_line (strv[i]);
}

static const KzRelation *
find_relation (KzEntry *entry,
               gint64   target_id)
{
  const KzRelation *relations;
  guint n;

  relations = kz_entry_get_relations (entry, &n);
  for (guint i = 0; i < n; i++)
    if (kz_entry_get_id (relations[i].target) == target_id)
      return &relations[i];

  return NULL;
}

/* The hostile entry as the parser and ingest leave it, or as the
 * library gives it back. */
static void
assert_hostile_entry (KzEntry *entry)
{
  const char * const *synonyms = kz_entry_get_synonyms (entry);
  const char * const *genres = kz_entry_get_genres (entry);
  const KzRelation *sequel;
  const KzRelation *weird;

  g_assert_cmpint (kz_entry_get_id (entry), ==, HOSTILE_ID);

  /* Markup in a title is text: kept exactly, never decoded */
  g_assert_cmpstr (kz_entry_get_title_romaji (entry), ==, MARKUP_TITLE);
  assert_plain_line (kz_entry_get_title_romaji (entry));

  /* Controls go; the blanks among them become spaces */
  g_assert_cmpstr (kz_entry_get_title_english (entry), ==, CONTROL_TITLE);

  /* Broken bytes become U+FFFD, the rest stays */
  assert_plain_line (kz_entry_get_title_native (entry));
  g_assert_nonnull (strstr (kz_entry_get_title_native (entry), " Kz "));
  g_assert_nonnull (strstr (kz_entry_get_title_native (entry), "\xef\xbf\xbd"));

  g_assert_nonnull (synonyms);
  g_assert_cmpstr (synonyms[0], ==, "<i>Syn</i> &lt;");
  g_assert_cmpstr (synonyms[1], ==, "]0;pwnedTitle");
  g_assert_null (synonyms[2]);
  assert_plain_strv (synonyms);

  g_assert_nonnull (genres);
  g_assert_cmpstr (genres[0], ==, "<b>Action</b>");
  g_assert_cmpstr (genres[1], ==, "Drama");
  assert_plain_strv (genres);

  /* A description is HTML: tags go, entities are decoded, once */
  g_assert_cmpstr (kz_entry_get_description (entry), ==, DESCRIPTION_TEXT);
  assert_plain_text (kz_entry_get_description (entry));

  sequel = find_relation (entry, SEQUEL_ID);
  g_assert_nonnull (sequel);
  g_assert_cmpint (sequel->type, ==, KZ_RELATION_SEQUEL);
  g_assert_cmpstr (kz_entry_get_title_romaji (sequel->target), ==, INJECTION);

  weird = find_relation (entry, WEIRD_ID);
  g_assert_nonnull (weird);
  g_assert_cmpint (weird->type, ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpstr (weird->raw_type, ==, "<b>WEIRD</b>");
  g_assert_cmpstr (kz_entry_get_title_romaji (weird->target), ==, "<i>Side</i>[31m");
}

static GPtrArray *
parse_hostile (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;
  KzIngestReport report = { 0 };

  g_assert_false (g_utf8_validate (hostile_body, -1, NULL));

  entries = kz_anilist_parse_response (200, hostile_body, strlen (hostile_body), &error);
  g_assert_no_error (error);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 1);

  kz_ingest_normalise (entries, &report);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpuint (report.descriptions_cleaned, ==, 1);

  return entries;
}

static void
test_parse (void)
{
  g_autoptr(GPtrArray) entries = parse_hostile ();

  assert_hostile_entry (g_ptr_array_index (entries, 0));
}

/* A server of the test's own: every POST gets @media_body, every GET
 * an image; /redirect… sends the client on to /followed. */

typedef struct {
  SoupServer *server;
  char       *base_url;     /* http://127.0.0.1:PORT/ */
  GBytes     *media_body;
  GBytes     *image;
  guint       posts;
  guint       images;
  guint       followed;
} HostServer;

/* A PNG of 1×1 pixel: the signature, IHDR, one IDAT and IEND. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
  0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
  0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
  0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static void
host_callback (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  HostServer *host = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_has_prefix (path, "/redirect"))
    {
      g_autofree char *target = g_strconcat (host->base_url, "followed", NULL);

      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, target);
      return;
    }

  if (g_str_equal (path, "/followed"))
    host->followed++;

  if (g_str_equal (method, "POST"))
    {
      host->posts++;
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (host->media_body, NULL),
                                        g_bytes_get_size (host->media_body));
      return;
    }

  host->images++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (g_str_has_prefix (path, "/chunked"))
    {
      /* No length up front: the cap has to hold while reading. */
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Content-Type", "image/png");
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), host->image);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
    }
  else
    {
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (host->image, NULL),
                                        g_bytes_get_size (host->image));
    }
}

static void
host_start (HostServer *host)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  host->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (host->server, NULL, host_callback, host, NULL);
  soup_server_listen_local (host->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (host->server);
  g_assert_nonnull (uris);
  host->base_url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  host->media_body = g_bytes_new_static (hostile_body, strlen (hostile_body));
  host->image = g_bytes_new_static (tiny_png, sizeof tiny_png);
}

static void
host_stop (HostServer *host)
{
  soup_server_disconnect (host->server);
  g_clear_object (&host->server);
  g_clear_pointer (&host->base_url, g_free);
  g_clear_pointer (&host->media_body, g_bytes_unref);
  g_clear_pointer (&host->image, g_bytes_unref);
}

/* Waiting */

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
await (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint deadline = g_timeout_add_seconds (20, on_deadline, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (deadline);
  g_assert_false (timed_out);

  return *slot;
}

static void
drain_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("kizuna-hostile-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static guint
file_mode (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_mode & 07777;
}

/* From the network to the library and back */

static KzProvider *
new_provider (const char  *url,
              GError     **error)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (60000, 100);
  KzAniListProvider *provider = kz_anilist_provider_new (url, limiter, error);

  if (provider != NULL)
    kz_anilist_provider_set_timeout (provider, 5);

  return KZ_PROVIDER (provider);
}

/* The raw bytes come over HTTP, are read by the provider, cleaned by
 * ingest, stored, and read back: valid plain text at every step. */
static void
test_provider_to_library (void)
{
  HostServer host = { 0 };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(KzProvider) provider = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(KzEntry) stored = NULL;
  g_autoptr(KzEntry) stub = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = HOSTILE_ID;
  KzIngestReport report = { 0 };

  host_start (&host);
  provider = new_provider (host.base_url, &error);
  g_assert_no_error (error);

  kz_provider_fetch_async (provider, &id, 1, KZ_PRIORITY_USER, NULL, store_result, &result);
  entries = kz_provider_fetch_finish (provider, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host.posts, ==, 1);
  g_assert_cmpuint (entries->len, ==, 1);

  kz_ingest_normalise (entries, &report);
  assert_hostile_entry (g_ptr_array_index (entries, 0));

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kz_store_upsert_entries (store, entries, g_get_real_time (), &error));
  g_assert_no_error (error);

  stored = kz_store_get_entry (store, HOSTILE_ID, &error);
  g_assert_no_error (error);
  assert_hostile_entry (stored);

  /* The relation's stub, with the injection for a title, is a row like
   * any other, and found by its words. */
  stub = kz_store_get_entry (store, SEQUEL_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_title_romaji (stub), ==, INJECTION);
  found = kz_store_search (store, "Robert DROP", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (found, 0)), ==, SEQUEL_ID);

  g_clear_object (&store);
  remove_tree (dir);
  g_clear_object (&provider);
  drain_main_context ();
  host_stop (&host);
}

/* The command-line tool */

typedef struct {
  gboolean  done;
  int       status;
  GBytes   *out;
  GBytes   *err;
  GError   *error;
} CliRun;

static void
communicate_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  CliRun *run = user_data;

  g_subprocess_communicate_finish (process, result, &run->out, &run->err, &run->error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->done = TRUE;
}

/* Runs kizuna-cli against @host with a library in @dir; the server
 * answers on this thread, so the main context turns meanwhile. Returns
 * standard output, checked to be valid text. */
static char *
run_cli (HostServer         *host,
         const char         *dir,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("KIZUNA_CLI");
  CliRun run = { 0 };
  const char *out;
  gsize length;
  char *text;

  g_assert_nonnull (binary);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_URL", host->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_ANILIST_RPM", "6000", TRUE);
  g_subprocess_launcher_setenv (launcher, "KIZUNA_DATA_DIR", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, communicate_done, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (run.error);
  out = g_bytes_get_data (run.out, &length);
  g_test_message ("exit %d\n%.*s%.*s", run.status, (int) length, out,
                  (int) g_bytes_get_size (run.err), (const char *) g_bytes_get_data (run.err, NULL));
  g_assert_cmpint (run.status, ==, 0);

  /* Whatever the service sent, the terminal gets valid text and not
   * one escape or other control character. */
  g_assert_true (g_utf8_validate_len (out, length, NULL));
  for (gsize i = 0; i < length; i++)
    g_assert_true (out[i] == '\n' || !g_ascii_iscntrl (out[i]));

  text = g_strndup (out, length);
  g_bytes_unref (run.out);
  g_bytes_unref (run.err);

  return text;
}

static void
test_cli_literal (void)
{
  HostServer host = { 0 };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *shown = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonObject *titles;

  host_start (&host);

  shown = run_cli (&host, dir, (const char * const[]) { "show", G_STRINGIFY (HOSTILE_ID), NULL });
  g_assert_cmpuint (host.posts, >=, 1);
  /* Markup printed as it is, not stripped, not escaped */
  g_assert_nonnull (strstr (shown, MARKUP_TITLE));
  g_assert_nonnull (strstr (shown, CONTROL_TITLE));
  g_assert_nonnull (strstr (shown, "<i>Syn</i> &lt;"));
  g_assert_nonnull (strstr (shown, "<b>Action</b>"));
  g_assert_nonnull (strstr (shown, "Dz & bold AT&T 1 < 2"));
  g_assert_null (strstr (shown, "&amp;lt;"));
  g_assert_null (strstr (shown, "<span foreground=\"red\">Dz"));

  json = run_cli (&host, dir, (const char * const[]) { "--json", "--offline", "show", G_STRINGIFY (HOSTILE_ID), NULL });
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "title"), ==, MARKUP_TITLE);
  titles = json_object_get_object_member (root, "titles");
  g_assert_nonnull (titles);
  g_assert_cmpstr (json_object_get_string_member (titles, "romaji"), ==, MARKUP_TITLE);
  g_assert_cmpstr (json_object_get_string_member (titles, "english"), ==, CONTROL_TITLE);

  remove_tree (dir);
  host_stop (&host);
}

/* Covers */

static GBytes *
fetch_cover (KzCoverCache  *covers,
             const char    *url,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_cover_cache_fetch_async (covers, url, NULL, store_result, &result);
  return kz_cover_cache_fetch_finish (covers, await (&result), error);
}

static gboolean
is_hashed_name (const char *name)
{
  if (strlen (name) != 64 + strlen (".img") || !g_str_has_suffix (name, ".img"))
    return FALSE;

  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (name[i]) || g_ascii_isupper (name[i]))
      return FALSE;

  return TRUE;
}

static guint
count_children (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* Whatever the address, the file is the hash of it, in the cache
 * folder and nowhere else; folder and files are the user's alone. */
static void
test_cover_file_names (void)
{
  HostServer host = { 0 };
  g_autofree char *root = make_tmp_dir ();
  g_autofree char *covers_dir = g_build_filename (root, "cache", "kizuna", "covers", NULL);
  g_autoptr(KzCoverCache) covers = kz_cover_cache_new (covers_dir);
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = g_strnfill (3000, 'a');
  const char *name;
  guint n_files = 0;

  host_start (&host);
  g_ptr_array_add (urls, g_strconcat (host.base_url, "covers/../../../../escape.png", NULL));
  g_ptr_array_add (urls, g_strconcat (host.base_url, "covers/%2e%2e%2f%2e%2e%2fescape.png", NULL));
  g_ptr_array_add (urls, g_strconcat (host.base_url, "covers/..%5c..%5cescape.png", NULL));
  g_ptr_array_add (urls, g_strconcat (host.base_url, "covers/a.png?name=../../escape.png#/../x", NULL));
  g_ptr_array_add (urls, g_strconcat (host.base_url, "covers/", long_name, ".png", NULL));
  g_ptr_array_add (urls, g_strconcat (host.base_url, "covers/%00nul%0a.png", NULL));

  /* The server itself refuses some of these paths: those fail, and
   * leave nothing behind either. */
  for (guint i = 0; i < urls->len; i++)
    {
      g_autoptr(GBytes) bytes = fetch_cover (covers, g_ptr_array_index (urls, i), &error);

      g_test_message ("%s: %s", (const char *) g_ptr_array_index (urls, i),
                      error ? error->message : "saved");
      if (bytes == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
          g_clear_error (&error);
          g_free (g_ptr_array_steal_index (urls, i--));
          continue;
        }

      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, sizeof tiny_png);
    }
  g_assert_cmpuint (urls->len, >=, 4);
  g_assert_cmpuint (host.images, ==, urls->len);

  /* One file per address, each named by its hash */
  dir = g_dir_open (covers_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (covers_dir, name, NULL);

      g_assert_true (is_hashed_name (name));
      g_assert_cmpuint (file_mode (path), ==, 0600);
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, urls->len);

  for (guint i = 0; i < urls->len; i++)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, g_ptr_array_index (urls, i), -1);
      g_autofree char *file = g_strconcat (hash, ".img", NULL);
      g_autofree char *path = g_build_filename (covers_dir, file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  /* Nothing anywhere else, and every folder made is private */
  g_assert_cmpuint (count_children (root), ==, 1);
  g_assert_cmpuint (file_mode (covers_dir), ==, 0700);
  {
    g_autofree char *parent = g_path_get_dirname (covers_dir);
    g_autofree char *grandparent = g_path_get_dirname (parent);

    g_assert_cmpuint (file_mode (parent), ==, 0700);
    g_assert_cmpuint (file_mode (grandparent), ==, 0700);
    g_assert_cmpuint (count_children (parent), ==, 1);
  }

  g_clear_object (&covers);
  drain_main_context ();
  remove_tree (root);
  host_stop (&host);
}

/* A cover larger than the cap fails while it downloads, whether the
 * server says its length or not, and nothing is written. */
static void
test_cover_byte_cap (void)
{
  HostServer host = { 0 };
  g_autofree char *root = make_tmp_dir ();
  g_autofree char *covers_dir = g_build_filename (root, "covers", NULL);
  g_autoptr(KzCoverCache) covers = kz_cover_cache_new (covers_dir);
  guint8 *big = g_malloc0 (256 * 1024);
  const char * const paths[] = { "covers/big.png", "chunked/big.png" };
  KzCoverCacheStats stats;

  host_start (&host);
  /* A PNG signature, then zeros: only its size matters here */
  memcpy (big, tiny_png, sizeof tiny_png);
  g_bytes_unref (host.image);
  host.image = g_bytes_new_take (big, 256 * 1024);
  kz_cover_cache_set_max_bytes (covers, 64 * 1024);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (host.base_url, paths[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = fetch_cover (covers, url, &error);

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
      g_assert_null (bytes);
    }

  kz_cover_cache_get_stats (covers, &stats);
  g_assert_cmpuint (stats.failures, ==, G_N_ELEMENTS (paths));
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (count_children (covers_dir), ==, 0);

  g_clear_object (&covers);
  drain_main_context ();
  remove_tree (root);
  host_stop (&host);
}

/* Endpoints */

static void
test_endpoints_refused (void)
{
  static const char * const refused[] = {
    "http://example.com/",
    "HTTP://graphql.anilist.co/",
    "http://127.0.0.1.example.com/",
    "http://localhost.example.com/",
    "http://127.0.0.1@example.com/",
    "http://example.com:80@127.0.0.1.example.org/",
    "http://10.0.0.1/",
    "http://192.168.1.1:8080/",
    "ftp://127.0.0.1/",
    "file:///etc/passwd",
    "data:application/json,{}",
    "javascript:alert(1)",
    "graphql.anilist.co",
    "",
  };
  static const char * const accepted[] = {
    "https://graphql.anilist.co",
    "https://example.com:8443/graphql",
    "http://127.0.0.1:9/",
    "http://127.1.2.3:9/",
    "http://localhost:9/",
    "http://[::1]:9/",
  };
  g_autoptr(KzCoverCache) covers = kz_cover_cache_new (NULL);
  g_autofree char *saved_env = g_strdup (g_getenv ("KIZUNA_ANILIST_URL"));
  KzCoverCacheStats stats;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(KzProvider) provider = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      g_test_message ("refused: %s", refused[i]);
      g_assert_false (kz_endpoint_is_acceptable (refused[i], &error));
      g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE);
      g_clear_error (&error);

      /* For the provider, no address at all means AniList's own */
      if (*refused[i] != '\0')
        {
          provider = new_provider (refused[i], &error);
          g_assert_null (provider);
          g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE);
          g_clear_error (&error);

          /* The same address in the environment is refused too */
          g_setenv ("KIZUNA_ANILIST_URL", refused[i], TRUE);
          provider = new_provider (NULL, &error);
          g_assert_null (provider);
          g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INSECURE);
          g_clear_error (&error);
        }

      /* Covers: refused before any connection is tried */
      bytes = fetch_cover (covers, refused[i], &error);
      g_assert_null (bytes);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
    }

  if (saved_env != NULL)
    g_setenv ("KIZUNA_ANILIST_URL", saved_env, TRUE);
  else
    g_unsetenv ("KIZUNA_ANILIST_URL");

  kz_cover_cache_get_stats (covers, &stats);
  g_assert_cmpuint (stats.failures, ==, G_N_ELEMENTS (refused));
  g_assert_cmpuint (stats.downloads, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(KzProvider) provider = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("accepted: %s", accepted[i]);
      g_assert_true (kz_endpoint_is_acceptable (accepted[i], &error));
      g_assert_no_error (error);
      provider = new_provider (accepted[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (provider);
    }
}

/* A redirect could lead anywhere, unchecked: neither AniList's client
 * nor the cover cache follows one. */
static void
test_no_redirects (void)
{
  HostServer host = { 0 };
  g_autofree char *root = make_tmp_dir ();
  g_autoptr(KzCoverCache) covers = kz_cover_cache_new (root);
  g_autofree char *endpoint = NULL;
  g_autofree char *cover_url = NULL;
  g_autoptr(KzProvider) provider = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = HOSTILE_ID;

  host_start (&host);
  endpoint = g_strconcat (host.base_url, "redirect", NULL);
  cover_url = g_strconcat (host.base_url, "redirect/cover.png", NULL);

  provider = new_provider (endpoint, &error);
  g_assert_no_error (error);
  kz_provider_fetch_async (provider, &id, 1, KZ_PRIORITY_USER, NULL, store_result, &result);
  entries = kz_provider_fetch_finish (provider, await (&result), &error);
  g_assert_null (entries);
  g_assert_error (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  bytes = fetch_cover (covers, cover_url, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);

  g_assert_cmpuint (host.followed, ==, 0);
  g_assert_cmpuint (host.posts, ==, 0);
  g_assert_cmpuint (host.images, ==, 0);

  g_clear_object (&provider);
  g_clear_object (&covers);
  drain_main_context ();
  remove_tree (root);
  host_stop (&host);
}

/* Private folders and files */

static void
assert_library_private (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpuint (file_mode (folder), ==, 0700);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  /* SQLite gives its side files the mode of the library itself */
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);
}

static void
write_something (KzStore *store)
{
  g_autoptr(GPtrArray) entries = parse_hostile ();
  g_autoptr(GError) error = NULL;

  g_assert_true (kz_store_upsert_entries (store, entries, g_get_real_time (), &error));
  g_assert_no_error (error);
}

/* With the usual umask, which would make both readable by everyone. */
static void
test_private_library (void)
{
  g_autofree char *root = make_tmp_dir ();
  g_autofree char *path = g_build_filename (root, "data", "kizuna", "library.db", NULL);
  g_autofree char *default_path = NULL;
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzStore) default_store = NULL;
  g_autoptr(GError) error = NULL;
  mode_t saved_umask = umask (022);

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  write_something (store);
  assert_library_private (path);
  {
    g_autofree char *data = g_build_filename (root, "data", NULL);
    g_assert_cmpuint (file_mode (data), ==, 0700);
  }

  /* The default place, under the (test's own) user data folder */
  default_path = kz_store_dup_default_path ();
  g_assert_true (g_str_has_prefix (default_path, g_get_user_data_dir ()));
  default_store = kz_store_open (default_path, &error);
  g_assert_no_error (error);
  write_something (default_store);
  assert_library_private (default_path);

  umask (saved_umask);
  g_clear_object (&store);
  g_clear_object (&default_store);
  remove_tree (root);
}

static void
test_private_covers (void)
{
  HostServer host = { 0 };
  g_autoptr(KzCoverCache) covers = kz_cover_cache_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "kizuna", "covers", NULL);
  g_autofree char *parent = g_path_get_dirname (expected);
  g_autofree char *url = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  mode_t saved_umask = umask (022);

  host_start (&host);
  g_assert_cmpstr (kz_cover_cache_get_directory (covers), ==, expected);

  url = g_strconcat (host.base_url, "covers/1.png", NULL);
  bytes = fetch_cover (covers, url, &error);
  g_assert_no_error (error);
  g_clear_object (&covers);
  drain_main_context ();

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  file = g_strconcat (hash, ".img", NULL);
  path = g_build_filename (expected, file, NULL);
  g_assert_cmpuint (file_mode (parent), ==, 0700);
  g_assert_cmpuint (file_mode (expected), ==, 0700);
  g_assert_cmpuint (file_mode (path), ==, 0600);

  umask (saved_umask);
  remove_tree (parent);
  host_stop (&host);
}

/* SQL */

#define MARKER "KzMarker4242"

typedef struct {
  guint      n_statements;
  GPtrArray *leaks;   /* statement texts that held a value */
} Trace;

static int
on_trace (unsigned int  type,
          void         *context,
          void         *p,
          void         *x)
{
  Trace *trace = context;
  const char *sql = x;
  const char *unexpanded = sqlite3_sql (p);

  if (type != SQLITE_TRACE_STMT)
    return 0;

  trace->n_statements++;
  if (strstr (sql, MARKER) != NULL || (unexpanded != NULL && strstr (unexpanded, MARKER) != NULL))
    g_ptr_array_add (trace->leaks, g_strdup (sql));

  return 0;
}

/* An entry whose every text holds the marker, most an injection too. */
static KzEntry *
build_marked_entry (gint64      id,
                    const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  GPtrArray *parsed;
  KzEntry *entry;
  GString *json = g_string_new (NULL);

  g_string_append_printf (json,
    "{\"data\": {\"Page\": {\"media\": [{\"id\": %" G_GINT64_FORMAT ", \"type\": \"ANIME\","
    " \"format\": \"TV\", \"status\": \"FINISHED\", \"episodes\": 1,"
    " \"title\": {\"romaji\": \"%s\", \"english\": \"" MARKER " ' \\\" ; --\", \"native\": \"" MARKER "\"},"
    " \"synonyms\": [\"" MARKER "');--\"], \"genres\": [\"" MARKER "\"],"
    " \"description\": \"" MARKER " x'); DELETE FROM titles;--\","
    " \"siteUrl\": \"https://anilist.co/" MARKER "'\", \"updatedAt\": 1,"
    " \"coverImage\": {\"medium\": \"https://x/" MARKER "'\", \"color\": \"" MARKER "\"},"
    " \"relations\": {\"edges\": [{\"relationType\": \"" MARKER "'); DROP TABLE relations;--\","
    "   \"node\": {\"id\": %" G_GINT64_FORMAT ", \"type\": \"ANIME\", \"title\": {\"romaji\": \"" MARKER "\"}}}]}"
    "}]}}}",
    id, title, id + 1);
  body = g_string_free (json, FALSE);

  parsed = kz_anilist_parse_response (200, body, strlen (body), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, 1);
  entry = g_object_ref (g_ptr_array_index (parsed, 0));
  g_ptr_array_unref (parsed);

  return entry;
}

/* Every statement that runs is one of the library's own texts: the
 * values go in as bound parameters, so the injection is stored as the
 * title it claims to be, and every table survives. */
static void
test_sql_bound_parameters (void)
{
  g_autofree char *root = make_tmp_dir ();
  g_autofree char *path = g_build_filename (root, "library.db", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KzEntry) back = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GArray) stale = NULL;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(KzFranchiseGraph) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const char *franchise_key = MARKER "'); DROP TABLE franchises;--";
  Trace trace = { 0, g_ptr_array_new_with_free_func (g_free) };
  KzStoreStats stats;
  KzFetchInfo info;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 saved_at = 0;
  gint64 ids[] = { 881001, 881003 };

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  sqlite3_trace_v2 (store->db, SQLITE_TRACE_STMT, on_trace, &trace);

  g_ptr_array_add (entries, build_marked_entry (881001, INJECTION " " MARKER));
  g_ptr_array_add (entries, build_marked_entry (881003, MARKER "'); DELETE FROM entries WHERE '1'='1"));
  g_assert_true (kz_store_upsert_entries (store, entries, 1000, &error));
  g_assert_no_error (error);
  /* Twice: the second time every row is an update */
  g_assert_true (kz_store_upsert_entries (store, entries, 2000, &error));
  g_assert_no_error (error);

  back = kz_store_get_entry (store, 881001, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kz_entry_get_title_romaji (back), ==, INJECTION " " MARKER);
  g_clear_object (&back);

  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = kz_store_get_entries (store, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);

  found = kz_store_search (store, INJECTION " " MARKER, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, >=, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = kz_store_search (store, MARKER "\" OR \"a\" NEAR(x y) * ^ title: -", 10, &error);
  g_assert_no_error (error);
  g_clear_pointer (&found, g_ptr_array_unref);

  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = kz_store_list_entries (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);

  g_assert_true (kz_store_get_fetch_info (store, 881001, &info, &error));
  g_assert_cmpint (info.fetched_at, ==, 2000);
  stale = kz_store_list_stale_ids (store, G_MAXINT64 / 2, 1, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stale->len, ==, 2);

  graph = kz_franchise_graph_new (881001);
  kz_franchise_graph_add_node (graph, g_ptr_array_index (entries, 0), 0);
  kz_franchise_graph_add_node (graph, g_ptr_array_index (entries, 1), 1);
  kz_franchise_graph_add_edge (graph, 881001, 881003, KZ_RELATION_UNKNOWN, MARKER "'); DROP TABLE franchise_edges;--");
  kz_franchise_graph_set_complete (graph, TRUE);
  g_assert_true (kz_store_save_franchise (store, franchise_key, graph, 3000, &error));
  g_assert_no_error (error);
  loaded = kz_store_load_franchise (store, franchise_key, &saved_at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpint (saved_at, ==, 3000);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (loaded), ==, 2);

  g_assert_true (kz_store_get_stats (store, 0, &stats, &error));
  g_assert_no_error (error);

  sqlite3_trace_v2 (store->db, 0, NULL, NULL);
  g_test_message ("%u statements traced", trace.n_statements);
  g_assert_cmpuint (trace.n_statements, >=, 20);
  for (guint i = 0; i < trace.leaks->len; i++)
    g_test_message ("statement holding a value: %s", (const char *) g_ptr_array_index (trace.leaks, i));
  g_assert_cmpuint (trace.leaks->len, ==, 0);

  /* Every table is there and whole, the values exactly as given */
  g_assert_cmpuint (stats.n_entries, ==, 4);
  g_assert_cmpuint (stats.n_full_entries, ==, 2);
  g_assert_cmpuint (stats.n_relations, ==, 2);
  g_assert_cmpuint (stats.n_franchises, ==, 1);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                           " AND name IN ('entries', 'titles', 'relations', 'fetch_meta',"
                                           " 'franchises', 'franchise_nodes', 'franchise_edges')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 7);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_ptr_array_unref (trace.leaks);
  remove_tree (root);
}

/* Next to the runtime check, which only sees the statements a test
 * runs: no source file of the library builds SQL with SQLite's own
 * printf family, the usual way a value slips into a statement. */
static void
test_sql_no_printf (void)
{
  static const char * const forbidden[] = {
    "sqlite3_mprintf", "sqlite3_vmprintf", "sqlite3_snprintf", "sqlite3_vsnprintf",
    "sqlite3_str_appendf", "%q", "%Q",
  };
  g_autofree char *core = g_test_build_filename (G_TEST_DIST, "..", "src", "core", NULL);
  g_autoptr(GDir) dir = g_dir_open (core, 0, NULL);
  const char *name;
  guint n_files = 0;

  if (dir == NULL)
    {
      g_test_skip ("The library's sources are not here");
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_prefix (name, "kz-store") || !g_str_has_suffix (name, ".c"))
        continue;

      path = g_build_filename (core, name, NULL);
      g_file_get_contents (path, &contents, NULL, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
        {
          if (strstr (contents, forbidden[i]) != NULL)
            g_test_message ("%s uses %s", name, forbidden[i]);
          g_assert_null (strstr (contents, forbidden[i]));
        }
      n_files++;
    }

  g_assert_cmpuint (n_files, >=, 5);
}

/* Whatever a person types into search is searched for, never an error. */
static void
test_search_text (void)
{
  static const char * const texts[] = {
    "\"", "\"\"", "*", "-", "^", "NEAR(a b)", "a OR b", "a AND NOT b", "title: x",
    "{titles_fts}", "'", "';--", INJECTION, "\xff\xfe", "(", ")", "a*b", "\\",
  };
  g_autofree char *root = make_tmp_dir ();
  g_autofree char *path = g_build_filename (root, "library.db", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  write_something (store);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) found = NULL;

      g_autofree char *shown = g_strescape (texts[i], NULL);

      g_test_message ("search: %s", shown);
      found = kz_store_search (store, texts[i], 10, &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
    }

  g_clear_object (&store);
  remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = make_tmp_dir ();
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *cache_home = g_build_filename (home, "cache", NULL);
  int status;

  g_setenv ("LC_ALL", "C", TRUE);
  /* The user folders of the test's own, for the default library and
   * cover cache: set before GLib first reads them. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_unsetenv ("KIZUNA_DATA_DIR");
  /* Every address here is on this computer: no proxy settings apply. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_assert_cmpstr (g_get_user_data_dir (), ==, data_home);
  g_assert_cmpstr (g_get_user_cache_dir (), ==, cache_home);

  g_test_add_func ("/kz/hostile/parse/markup-controls-utf8", test_parse);
  g_test_add_func ("/kz/hostile/provider/to-library", test_provider_to_library);
  g_test_add_func ("/kz/hostile/cli/literal", test_cli_literal);
  g_test_add_func ("/kz/hostile/covers/file-names", test_cover_file_names);
  g_test_add_func ("/kz/hostile/covers/byte-cap", test_cover_byte_cap);
  g_test_add_func ("/kz/hostile/endpoints/refused", test_endpoints_refused);
  g_test_add_func ("/kz/hostile/endpoints/no-redirects", test_no_redirects);
  g_test_add_func ("/kz/hostile/private/library", test_private_library);
  g_test_add_func ("/kz/hostile/private/covers", test_private_covers);
  g_test_add_func ("/kz/hostile/sql/bound-parameters", test_sql_bound_parameters);
  g_test_add_func ("/kz/hostile/sql/no-sql-printf", test_sql_no_printf);
  g_test_add_func ("/kz/hostile/sql/search-text", test_search_text);

  status = g_test_run ();
  remove_tree (home);

  return status;
}
