/* test-cover-cache.c
 *
 * KzCoverCache against a SoupServer on 127.0.0.1 in the same main
 * context: what is downloaded, what lands on disk and with which modes,
 * what is refused, and how shared and cancelled fetches behave.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kz-cover-cache.h"

/* A valid 1×1 RGBA PNG */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
  0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xdf, 0xc0, 0xf0,
  0x1f, 0x00, 0x06, 0x80, 0x02, 0x7f, 0x10, 0x4c, 0x1b, 0xe1, 0x00, 0x00,
  0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* The same size as tiny_png, but a GIF: tells the two covers apart */
static const guint8 tiny_gif[] = {
  'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
  0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00,
  0x3b,
};

#define BIG_SIZE 1000

typedef struct {
  char          *root;       /* a fresh folder holding only the cache folder */
  char          *directory;  /* root/covers, not created yet */
  SoupServer    *server;
  char          *base;       /* http://127.0.0.1:PORT */
  GHashTable    *requests;   /* path → count */
  guint          n_requests;
  GPtrArray     *held;       /* SoupServerMessage paused on /gate.png */
  guint8        *big;
  KzCoverCache  *cache;
} Fixture;

static void
count_request (Fixture    *fixture,
               const char *path)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (fixture->requests, path));

  g_hash_table_insert (fixture->requests, g_strdup (path), GUINT_TO_POINTER (count + 1));
  fixture->n_requests++;
}

static guint
requests_for (Fixture    *fixture,
              const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fixture->requests, path));
}

static void
serve_chunked (SoupServerMessage *msg,
               const guint8      *data,
               gsize              size)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  for (gsize offset = 0; offset < size; offset += 250)
    soup_message_body_append (body, SOUP_MEMORY_COPY, data + offset, MIN (250, size - offset));
  soup_message_body_complete (body);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;

  count_request (fixture, path);

  if (g_str_equal (path, "/big.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        (const char *) fixture->big, BIG_SIZE);
    }
  else if (g_str_equal (path, "/big-chunked.png"))
    {
      serve_chunked (msg, fixture->big, BIG_SIZE);
    }
  else if (g_str_equal (path, "/text.png"))
    {
      static const char text[] = "<html><body>Not an image at all</body></html>";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                        text, sizeof text - 1);
    }
  else if (g_str_equal (path, "/missing.png"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }
  else if (g_str_equal (path, "/moved.png"))
    {
      g_autofree char *location = g_strconcat (fixture->base, "/cover.png", NULL);

      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
    }
  else if (g_str_equal (path, "/gate.png"))
    {
      /* Answered when the test releases it */
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->held, g_object_ref (msg));
    }
  else if (g_str_equal (path, "/other.gif"))
    {
      serve_chunked (msg, tiny_gif, sizeof tiny_gif);
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                        (const char *) tiny_png, sizeof tiny_png);
    }
}

static void
on_request_done (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;

  if (g_ptr_array_remove (fixture->held, msg))
    g_object_unref (msg);
}

static void
release_held (Fixture *fixture)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&fixture->held);

  fixture->held = g_ptr_array_new ();
  for (guint i = 0; i < held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (held, i);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                        (const char *) tiny_png, sizeof tiny_png);
      soup_server_message_unpause (msg);
      g_object_unref (msg);
    }
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  fixture->root = g_dir_make_tmp ("kizuna-covers-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->directory = g_build_filename (fixture->root, "covers", NULL);

  fixture->big = g_malloc (BIG_SIZE);
  memset (fixture->big, 'x', BIG_SIZE);
  memcpy (fixture->big, tiny_png, 8);

  fixture->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->held = g_ptr_array_new ();

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, on_request, fixture, NULL);
  g_signal_connect (fixture->server, "request-finished", G_CALLBACK (on_request_done), fixture);
  g_signal_connect (fixture->server, "request-aborted", G_CALLBACK (on_request_done), fixture);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  g_assert_nonnull (uris);
  fixture->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture->cache = kz_cover_cache_new (fixture->directory);
}

static gboolean
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        remove_tree (child);
      }

  return g_remove (path) == 0;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->cache);

  release_held (fixture);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);

  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_true (remove_tree (fixture->root));
  g_ptr_array_unref (fixture->held);
  g_hash_table_unref (fixture->requests);
  g_free (fixture->big);
  g_free (fixture->base);
  g_free (fixture->directory);
  g_free (fixture->root);
}

static gboolean
on_deadline (gpointer user_data)
{
  g_error ("%s did not happen in time", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the main context until *done turns TRUE, for 20 s at most */
static void
run_until (gboolean   *done,
           const char *what)
{
  GSource *deadline = g_timeout_source_new_seconds (20);

  g_source_set_callback (deadline, on_deadline, (gpointer) what, NULL);
  g_source_attach (deadline, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (deadline);
  g_source_unref (deadline);
}

typedef struct {
  gboolean  done;
  GBytes   *bytes;
  GError   *error;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->bytes, g_bytes_unref);
  g_clear_error (&result->error);
  result->done = FALSE;
}

static void
on_fetched (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  Result *result = user_data;

  g_assert_false (result->done);
  result->bytes = kz_cover_cache_fetch_finish (KZ_COVER_CACHE (object), res, &result->error);
  g_assert_true ((result->bytes == NULL) != (result->error == NULL));
  result->done = TRUE;
}

static char *
url_for (Fixture    *fixture,
         const char *path)
{
  return g_strconcat (fixture->base, path, NULL);
}

static void
fetch (Fixture      *fixture,
       const char   *url,
       GCancellable *cancellable,
       Result       *result)
{
  kz_cover_cache_fetch_async (fixture->cache, url, cancellable, on_fetched, result);
  run_until (&result->done, url);
}

static char *
expected_path (Fixture    *fixture,
               const char *url)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  g_autofree char *basename = g_strconcat (hash, ".img", NULL);

  return g_build_filename (fixture->directory, basename, NULL);
}

/* The names in @path; empty when it does not exist */
static GPtrArray *
list_dir (const char *path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      g_ptr_array_add (names, g_strdup (name));


  return names;
}

static void
assert_no_files (Fixture *fixture)
{
  g_autoptr(GPtrArray) names = list_dir (fixture->directory);
  g_autoptr(GPtrArray) top = list_dir (fixture->root);

  g_assert_cmpuint (names->len, ==, 0);
  /* Nothing outside the cache folder either */
  g_assert_cmpuint (top->len, <=, 1);
  if (top->len == 1)
    g_assert_cmpstr (g_ptr_array_index (top, 0), ==, "covers");
}

static void
assert_stats (Fixture *fixture,
              guint64  downloads,
              guint64  disk_hits,
              guint64  failures,
              guint64  bytes_on_disk)
{
  KzCoverCacheStats stats = { 0, };

  kz_cover_cache_get_stats (fixture->cache, &stats);
  g_assert_cmpuint (stats.downloads, ==, downloads);
  g_assert_cmpuint (stats.disk_hits, ==, disk_hits);
  g_assert_cmpuint (stats.failures, ==, failures);
  g_assert_cmpuint (stats.bytes_on_disk, ==, bytes_on_disk);
}

static void
assert_is_tiny_png (GBytes *bytes)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   tiny_png, sizeof tiny_png);
}

static void
test_download_then_disk (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/cover.png");
  Result first = { 0, };
  Result second = { 0, };

  fetch (fixture, url, NULL, &first);
  g_assert_no_error (first.error);
  assert_is_tiny_png (first.bytes);
  g_assert_cmpuint (requests_for (fixture, "/cover.png"), ==, 1);
  assert_stats (fixture, 1, 0, 0, sizeof tiny_png);

  fetch (fixture, url, NULL, &second);
  g_assert_no_error (second.error);
  g_assert_true (g_bytes_equal (first.bytes, second.bytes));
  g_assert_cmpuint (requests_for (fixture, "/cover.png"), ==, 1);
  assert_stats (fixture, 1, 1, 0, sizeof tiny_png);

  result_clear (&first);
  result_clear (&second);
}

static void
test_disk_survives_new_object (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/cover.png");
  Result result = { 0, };

  fetch (fixture, url, NULL, &result);
  g_assert_no_error (result.error);
  result_clear (&result);

  /* A new run of the app finds the file without asking the server */
  g_clear_object (&fixture->cache);
  fixture->cache = kz_cover_cache_new (fixture->directory);

  fetch (fixture, url, NULL, &result);
  g_assert_no_error (result.error);
  assert_is_tiny_png (result.bytes);
  g_assert_cmpuint (fixture->n_requests, ==, 1);
  assert_stats (fixture, 0, 1, 0, 0);
  result_clear (&result);
}

static void
test_file_layout (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/cover.png");
  g_autofree char *other_url = url_for (fixture, "/other.gif");
  g_autofree char *path = expected_path (fixture, url);
  g_autofree char *other_path = expected_path (fixture, other_url);
  g_autofree char *expected_name = g_path_get_basename (path);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) top = NULL;
  g_autofree char *contents = NULL;
  gsize size = 0;
  Result result = { 0, };
  GStatBuf st;

  g_assert_cmpstr (kz_cover_cache_get_directory (fixture->cache), ==, fixture->directory);
  g_assert_false (g_file_test (fixture->directory, G_FILE_TEST_EXISTS));

  fetch (fixture, url, NULL, &result);
  g_assert_no_error (result.error);
  result_clear (&result);

  names = list_dir (fixture->directory);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, expected_name);
  g_assert_cmpuint (strlen (expected_name), ==, 64 + strlen (".img"));
  top = list_dir (fixture->root);
  g_assert_cmpuint (top->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (top, 0), ==, "covers");

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpmem (contents, size, tiny_png, sizeof tiny_png);

  g_assert_cmpint (g_stat (fixture->directory, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A second cover, a GIF sent in chunks: its own file, bytes added up */
  fetch (fixture, other_url, NULL, &result);
  g_assert_no_error (result.error);
  g_assert_cmpmem (g_bytes_get_data (result.bytes, NULL), g_bytes_get_size (result.bytes),
                   tiny_gif, sizeof tiny_gif);
  result_clear (&result);
  g_assert_true (g_file_test (other_path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&names, g_ptr_array_unref);
  names = list_dir (fixture->directory);
  g_assert_cmpuint (names->len, ==, 2);
  assert_stats (fixture, 2, 0, 0, sizeof tiny_png + sizeof tiny_gif);
}

static void
test_default_directory (void)
{
  g_autoptr(KzCoverCache) cache = kz_cover_cache_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "kizuna", "covers", NULL);
  KzCoverCacheStats stats;

  g_assert_cmpstr (kz_cover_cache_get_directory (cache), ==, expected);

  memset (&stats, 0xff, sizeof stats);
  kz_cover_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (stats.disk_hits, ==, 0);
  g_assert_cmpuint (stats.failures, ==, 0);
  g_assert_cmpuint (stats.bytes_on_disk, ==, 0);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  const char *paths[] = { "/big.png", "/big-chunked.png" };
  Result result = { 0, };

  kz_cover_cache_set_max_bytes (fixture->cache, 100);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = url_for (fixture, paths[i]);

      fetch (fixture, url, NULL, &result);
      g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
      g_assert_null (result.bytes);
      g_assert_cmpuint (requests_for (fixture, paths[i]), ==, 1);
      result_clear (&result);
      assert_no_files (fixture);
    }

  assert_stats (fixture, 0, 0, 2, 0);

  /* 0 restores the default cap, well above 1000 bytes */
  kz_cover_cache_set_max_bytes (fixture->cache, 0);
  {
    g_autofree char *url = url_for (fixture, "/big-chunked.png");

    fetch (fixture, url, NULL, &result);
    g_assert_no_error (result.error);
    g_assert_cmpuint (g_bytes_get_size (result.bytes), ==, BIG_SIZE);
    result_clear (&result);
  }
  assert_stats (fixture, 1, 0, 2, BIG_SIZE);
}

static void
test_not_an_image (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/text.png");
  Result result = { 0, };

  fetch (fixture, url, NULL, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (requests_for (fixture, "/text.png"), ==, 1);
  result_clear (&result);
  assert_no_files (fixture);
  assert_stats (fixture, 0, 0, 1, 0);

  /* Failures are not remembered: the next fetch asks again */
  fetch (fixture, url, NULL, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (requests_for (fixture, "/text.png"), ==, 2);
  result_clear (&result);
  assert_stats (fixture, 0, 0, 2, 0);
}

static void
test_damaged_file_replaced (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/cover.png");
  g_autofree char *path = expected_path (fixture, url);
  g_autofree char *contents = NULL;
  gsize size = 0;
  Result result = { 0, };

  g_assert_cmpint (g_mkdir (fixture->directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "truncated", -1, NULL));

  fetch (fixture, url, NULL, &result);
  g_assert_no_error (result.error);
  assert_is_tiny_png (result.bytes);
  g_assert_cmpuint (requests_for (fixture, "/cover.png"), ==, 1);
  result_clear (&result);
  assert_stats (fixture, 1, 0, 0, sizeof tiny_png);

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpmem (contents, size, tiny_png, sizeof tiny_png);
}

static void
test_http_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *missing = url_for (fixture, "/missing.png");
  g_autofree char *moved = url_for (fixture, "/moved.png");
  Result result = { 0, };

  fetch (fixture, missing, NULL, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (result.error->message, "404"));
  g_assert_cmpuint (requests_for (fixture, "/missing.png"), ==, 1);
  result_clear (&result);

  /* A redirect is not followed */
  fetch (fixture, moved, NULL, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (result.error->message, "302"));
  g_assert_cmpuint (requests_for (fixture, "/moved.png"), ==, 1);
  g_assert_cmpuint (requests_for (fixture, "/cover.png"), ==, 0);
  result_clear (&result);

  assert_no_files (fixture);
  assert_stats (fixture, 0, 0, 2, 0);
}

static void
test_refused_urls (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *urls[] = {
    /* Reserved names that never resolve, should the check ever slip */
    "http://example.invalid/x.png",
    "http://127.0.0.1.example.invalid/x.png",
    "http://localhost.example.invalid/x.png",
    "file:///etc/passwd",
    "ftp://127.0.0.1/x.png",
    "/etc/passwd",
    "not a url",
    "",
  };
  Result result = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      fetch (fixture, urls[i], NULL, &result);
      g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_null (result.bytes);
      result_clear (&result);
    }

  g_assert_cmpuint (fixture->n_requests, ==, 0);
  assert_no_files (fixture);
  assert_stats (fixture, 0, 0, G_N_ELEMENTS (urls), 0);
}

static void
test_traversal (Fixture       *fixture,
                gconstpointer  data)
{
  const char *paths[] = {
    "/../../../x.png",
    "/x.png?name=..%2F..%2F..%2Fx.png",
    "/x.png?name=../../covers/../x.png",
    "/x.png#/../../x.png",
    "/..\\..\\x.png",
  };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) top = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = url_for (fixture, paths[i]);
      g_autofree char *path = expected_path (fixture, url);
      Result result = { 0, };

      fetch (fixture, url, NULL, &result);
      g_assert_no_error (result.error);
      assert_is_tiny_png (result.bytes);
      result_clear (&result);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  names = list_dir (fixture->directory);
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (paths));
  for (guint i = 0; i < names->len; i++)
    g_assert_true (g_str_has_suffix (g_ptr_array_index (names, i), ".img"));
  top = list_dir (fixture->root);
  g_assert_cmpuint (top->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (top, 0), ==, "covers");
  assert_stats (fixture, G_N_ELEMENTS (paths), 0, 0, G_N_ELEMENTS (paths) * sizeof tiny_png);
}

static void
test_concurrent (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/cover.png");
  g_autofree char *other = url_for (fixture, "/other.gif");
  Result results[4] = { { 0, }, };
  Result other_result = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    kz_cover_cache_fetch_async (fixture->cache, url, NULL, on_fetched, &results[i]);
  kz_cover_cache_fetch_async (fixture->cache, other, NULL, on_fetched, &other_result);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    run_until (&results[i].done, url);
  run_until (&other_result.done, other);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_no_error (results[i].error);
      assert_is_tiny_png (results[i].bytes);
      result_clear (&results[i]);
    }
  g_assert_no_error (other_result.error);
  g_assert_cmpuint (g_bytes_get_size (other_result.bytes), ==, sizeof tiny_gif);
  result_clear (&other_result);

  g_assert_cmpuint (requests_for (fixture, "/cover.png"), ==, 1);
  g_assert_cmpuint (requests_for (fixture, "/other.gif"), ==, 1);
  assert_stats (fixture, 2, 0, 0, sizeof tiny_png + sizeof tiny_gif);
}

static gboolean
server_holds_one (Fixture *fixture)
{
  return fixture->held->len == 1;
}

static void
run_until_held (Fixture *fixture)
{
  GSource *deadline = g_timeout_source_new_seconds (20);

  g_source_set_callback (deadline, on_deadline, (gpointer) "the gated request", NULL);
  g_source_attach (deadline, NULL);

  while (!server_holds_one (fixture))
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (deadline);
  g_source_unref (deadline);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/gate.png");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result result = { 0, };

  kz_cover_cache_fetch_async (fixture->cache, url, cancellable, on_fetched, &result);
  run_until_held (fixture);
  g_assert_false (result.done);

  g_cancellable_cancel (cancellable);
  run_until (&result.done, "the cancelled fetch");
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&result);

  /* The server answering late changes nothing */
  release_held (fixture);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  assert_no_files (fixture);
  assert_stats (fixture, 0, 0, 0, 0);

  /* A fetch after the cancelled one starts a new download */
  kz_cover_cache_fetch_async (fixture->cache, url, NULL, on_fetched, &result);
  run_until_held (fixture);
  release_held (fixture);
  run_until (&result.done, "the second fetch");
  g_assert_no_error (result.error);
  assert_is_tiny_png (result.bytes);
  result_clear (&result);
  g_assert_cmpuint (requests_for (fixture, "/gate.png"), ==, 2);
  assert_stats (fixture, 1, 0, 0, sizeof tiny_png);
}

static void
test_cancel_one_waiter (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/gate.png");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result cancelled = { 0, };
  Result kept = { 0, };

  kz_cover_cache_fetch_async (fixture->cache, url, cancellable, on_fetched, &cancelled);
  kz_cover_cache_fetch_async (fixture->cache, url, NULL, on_fetched, &kept);
  run_until_held (fixture);

  g_cancellable_cancel (cancellable);
  run_until (&cancelled.done, "the cancelled fetch");
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (kept.done);

  release_held (fixture);
  run_until (&kept.done, "the other fetch");
  g_assert_no_error (kept.error);
  assert_is_tiny_png (kept.bytes);

  g_assert_cmpuint (requests_for (fixture, "/gate.png"), ==, 1);
  assert_stats (fixture, 1, 0, 0, sizeof tiny_png);

  result_clear (&cancelled);
  result_clear (&kept);
}

static void
test_cancel_before (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "/cover.png");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result result = { 0, };

  g_cancellable_cancel (cancellable);
  fetch (fixture, url, cancellable, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&result);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->n_requests, ==, 0);
  assert_no_files (fixture);
  assert_stats (fixture, 0, 0, 0, 0);
}

/* Local only: nothing is downloaded from another machine, but a cover
 * already on disk is still read. */
static void
test_local_only (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *remote = "https://s4.anilist.co/file/anilistcdn/media/anime/cover/medium/bx235.png";
  g_autofree char *local = url_for (fixture, "/cover.png");
  g_autofree char *stored = expected_path (fixture, remote);
  g_autoptr(GError) error = NULL;
  Result refused = { 0, };
  Result nearby = { 0, };
  Result on_disk = { 0, };

  kz_cover_cache_set_local_only (fixture->cache, TRUE);

  fetch (fixture, remote, NULL, &refused);
  g_assert_error (refused.error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_null (refused.bytes);

  fetch (fixture, local, NULL, &nearby);
  g_assert_no_error (nearby.error);
  assert_is_tiny_png (nearby.bytes);
  g_assert_cmpuint (requests_for (fixture, "/cover.png"), ==, 1);

  g_assert_cmpint (g_mkdir_with_parents (fixture->directory, 0700), ==, 0);
  g_file_set_contents (stored, (const char *) tiny_png, sizeof tiny_png, &error);
  g_assert_no_error (error);
  fetch (fixture, remote, NULL, &on_disk);
  g_assert_no_error (on_disk.error);
  assert_is_tiny_png (on_disk.bytes);

  result_clear (&refused);
  result_clear (&nearby);
  result_clear (&on_disk);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/kz/cover-cache/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("download-then-disk", test_download_then_disk);
  ADD ("disk-survives-new-object", test_disk_survives_new_object);
  ADD ("file-layout", test_file_layout);
  g_test_add_func ("/kz/cover-cache/default-directory", test_default_directory);
  ADD ("too-large", test_too_large);
  ADD ("not-an-image", test_not_an_image);
  ADD ("damaged-file-replaced", test_damaged_file_replaced);
  ADD ("http-errors", test_http_errors);
  ADD ("refused-urls", test_refused_urls);
  ADD ("traversal", test_traversal);
  ADD ("concurrent", test_concurrent);
  ADD ("cancel", test_cancel);
  ADD ("cancel-one-waiter", test_cancel_one_waiter);
  ADD ("cancel-before", test_cancel_before);
  ADD ("local-only", test_local_only);

#undef ADD

  return g_test_run ();
}
