/* test-ui-context.c: the object that hands the core to the widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "kz-context.h"
#include "kz-store-ratings.h"

#define N_BUNDLED 180
#define CONAN_ID  235
#define ADULT_ID  320  /* the one adult title in the bundled snapshot */

typedef struct {
  char      *dir;
  GSettings *settings;
  KzContext *context;
} Fixture;

static void
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static KzContext *
open_context (GSettings   *settings,
              const char  *dir,
              const char  *endpoint,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kz_context_new_async (settings, dir, endpoint, NULL, store_result, &result);
  wait_for (&result);

  return kz_context_new_finish (result, error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kizuna-context-XXXXXX", &error);
  g_assert_no_error (error);

  /* A backend of its own: settings changed by one test stay there. */
  fixture->settings = g_settings_new_full (g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                                                            SCHEMA_ID, TRUE),
                                           backend, NULL);
  fixture->context = open_context (fixture->settings, fixture->dir, "http://127.0.0.1:9/", &error);
  g_assert_no_error (error);
  g_assert_true (KZ_IS_CONTEXT (fixture->context));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->context);
  g_clear_object (&fixture->settings);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static GPtrArray *
list_library (KzContext *context)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  kz_relations_service_list_library_async (kz_context_get_service (context), 0, 0,
                                           NULL, store_result, &result);
  wait_for (&result);
  entries = kz_relations_service_list_library_finish (kz_context_get_service (context), result, &error);
  g_assert_no_error (error);

  return entries;
}

static KzEntry *
find_entry (GPtrArray *entries,
            gint64     id)
{
  for (guint i = 0; i < entries->len; i++)
    if (kz_entry_get_id (g_ptr_array_index (entries, i)) == id)
      return g_ptr_array_index (entries, i);

  return NULL;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
count_signal (KzContext *context,
              guint     *count)
{
  (*count)++;
}

static void
test_seeding (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = list_library (fixture->context);
  g_autoptr(KzContext) again = NULL;
  g_autoptr(GPtrArray) entries_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (fixture->dir, "library.db", NULL);
  KzEntry *conan;

  g_assert_cmpuint (entries->len, ==, N_BUNDLED);
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));

  conan = find_entry (entries, CONAN_ID);
  g_assert_nonnull (conan);
  g_assert_cmpstr (kz_entry_get_title_romaji (conan), ==, "Meitantei Conan");
  g_assert_cmpint (kz_entry_get_detail (conan), ==, KZ_ENTRY_DETAIL_FULL);

  g_assert_true (KZ_IS_RELATIONS_SERVICE (kz_context_get_service (fixture->context)));
  g_assert_true (KZ_IS_CACHE (kz_context_get_cache (fixture->context)));
  g_assert_true (KZ_IS_COVER_CACHE (kz_context_get_covers (fixture->context)));
  g_assert_true (KZ_IS_PROVIDER (kz_context_get_provider (fixture->context)));
  g_assert_true (kz_context_get_settings (fixture->context) == fixture->settings);

  /* Opening the same library again seeds nothing twice. */
  again = open_context (fixture->settings, fixture->dir, "http://127.0.0.1:9/", &error);
  g_assert_no_error (error);
  entries_again = list_library (again);
  g_assert_cmpuint (entries_again->len, ==, N_BUNDLED);
}

static void
test_insecure_endpoint (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(KzContext) context = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  /* Browsing without AniList still works. */
  g_test_expect_message ("kz-context", G_LOG_LEVEL_WARNING, "Not connecting to AniList*");
  context = open_context (fixture->settings, fixture->dir, "http://example.invalid/graphql", &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_assert_null (kz_context_get_provider (context));
  entries = list_library (context);
  g_assert_cmpuint (entries->len, ==, N_BUNDLED);
}

static void
test_open_failure (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "not-a-folder", NULL);
  g_autoptr(KzContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));

  context = open_context (fixture->settings, file, "http://127.0.0.1:9/", &error);
  g_assert_null (context);
  g_assert_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_OPEN);
}

static void
test_title_language (Fixture       *fixture,
                     gconstpointer  data)
{
  guint notified = 0;
  int language = -1;

  g_assert_cmpint (kz_context_get_title_language (fixture->context), ==, KZ_TITLE_LANGUAGE_ROMAJI);
  g_signal_connect (fixture->context, "notify::title-language", G_CALLBACK (count_notify), &notified);

  g_settings_set_enum (fixture->settings, "title-language", KZ_TITLE_LANGUAGE_ENGLISH);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (kz_context_get_title_language (fixture->context), ==, KZ_TITLE_LANGUAGE_ENGLISH);
  g_object_get (fixture->context, "title-language", &language, NULL);
  g_assert_cmpint (language, ==, KZ_TITLE_LANGUAGE_ENGLISH);

  /* The same value again is no change. */
  g_settings_set_enum (fixture->settings, "title-language", KZ_TITLE_LANGUAGE_ENGLISH);
  g_assert_cmpuint (notified, ==, 1);

  g_settings_set_string (fixture->settings, "title-language", "native");
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpint (kz_context_get_title_language (fixture->context), ==, KZ_TITLE_LANGUAGE_NATIVE);

  g_signal_handlers_disconnect_by_data (fixture->context, &notified);
}

static void
test_show_adult (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = list_library (fixture->context);
  KzEntry *adult = find_entry (entries, ADULT_ID);
  KzEntry *conan = find_entry (entries, CONAN_ID);
  guint notified = 0;
  guint n_visible = 0;
  gboolean show_adult = TRUE;

  g_assert_nonnull (adult);
  g_assert_true (kz_entry_get_is_adult (adult));
  g_assert_false (kz_entry_get_is_adult (conan));

  g_assert_false (kz_context_get_show_adult (fixture->context));
  g_assert_false (kz_context_entry_is_visible (fixture->context, adult));
  g_assert_true (kz_context_entry_is_visible (fixture->context, conan));

  for (guint i = 0; i < entries->len; i++)
    n_visible += kz_context_entry_is_visible (fixture->context, g_ptr_array_index (entries, i));
  g_assert_cmpuint (n_visible, ==, N_BUNDLED - 1);

  g_signal_connect (fixture->context, "notify::show-adult", G_CALLBACK (count_notify), &notified);
  g_settings_set_boolean (fixture->settings, "show-adult", TRUE);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (fixture->context, "show-adult", &show_adult, NULL);
  g_assert_true (show_adult);
  g_assert_true (kz_context_entry_is_visible (fixture->context, adult));
  g_assert_true (kz_context_entry_is_visible (fixture->context, conan));

  g_settings_set_boolean (fixture->settings, "show-adult", FALSE);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_false (kz_context_entry_is_visible (fixture->context, adult));

  g_signal_handlers_disconnect_by_data (fixture->context, &notified);
}

/* A title AniList does not mark adult but MyAnimeList rates Rx is
 * hidden all the same. */
static void
test_rx_rating (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "library.db", NULL);
  g_autoptr(KzStore) store = NULL;
  g_autoptr(KzEntry) stored = NULL;
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(KzContext) context = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzEntry *rated;
  KzEntry *other;
  guint n_visible = 0;

  /* The library the fixture seeded, with what MyAnimeList said */
  store = kz_store_open (path, &error);
  g_assert_no_error (error);
  stored = kz_store_get_entry (store, CONAN_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_false (kz_entry_get_is_adult (stored));
  g_assert_cmpint (kz_entry_get_id_mal (stored), >, 0);

  info = kz_rating_info_new (CONAN_ID, kz_entry_get_id_mal (stored));
  info->rating = g_strdup ("Rx - Hentai");
  info->fetched_at = g_get_real_time ();
  kz_store_save_rating (store, info, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  context = open_context (fixture->settings, fixture->dir, "http://127.0.0.1:9/", &error);
  g_assert_no_error (error);
  entries = list_library (context);
  g_assert_cmpuint (entries->len, ==, N_BUNDLED);
  rated = find_entry (entries, CONAN_ID);
  g_assert_nonnull (rated);
  g_assert_cmpstr (kz_entry_get_age_rating (rated), ==, "Rx - Hentai");
  g_assert_false (kz_entry_get_is_adult (rated));
  other = find_entry (entries, ADULT_ID);
  g_assert_nonnull (other);

  g_assert_false (kz_context_get_show_adult (context));
  g_assert_false (kz_context_entry_is_visible (context, rated));
  g_assert_false (kz_context_entry_is_visible (context, other));
  for (guint i = 0; i < entries->len; i++)
    n_visible += kz_context_entry_is_visible (context, g_ptr_array_index (entries, i));
  /* the adult one and the Rx one */
  g_assert_cmpuint (n_visible, ==, N_BUNDLED - 2);

  g_settings_set_boolean (fixture->settings, "show-adult", TRUE);
  g_assert_true (kz_context_get_show_adult (context));
  g_assert_true (kz_context_entry_is_visible (context, rated));

  g_settings_set_boolean (fixture->settings, "show-adult", FALSE);
  g_assert_false (kz_context_entry_is_visible (context, rated));
}

static void
test_franchise_options (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *some[] = { "SEQUEL", "PREQUEL", "CHARACTER", NULL };
  const char *none[] = { NULL };
  const char *unknown[] = { "NOT_A_RELATION", NULL };
  KzFranchiseOptions options;
  KzFranchiseOptions defaults;

  kz_franchise_options_init_default (&defaults);

  kz_context_get_franchise_options (fixture->context, &options);
  g_assert_cmphex (options.relations, ==, KZ_RELATION_MASK_DEFAULT);
  g_assert_cmpuint (options.max_depth, ==, defaults.max_depth);
  g_assert_cmpuint (options.max_nodes, ==, defaults.max_nodes);
  g_assert_false (options.include_non_anime);

  g_settings_set_strv (fixture->settings, "franchise-relations", some);
  kz_context_get_franchise_options (fixture->context, &options);
  g_assert_cmphex (options.relations, ==,
                   KZ_RELATION_MASK (KZ_RELATION_SEQUEL) |
                   KZ_RELATION_MASK (KZ_RELATION_PREQUEL) |
                   KZ_RELATION_MASK (KZ_RELATION_CHARACTER));
  g_assert_cmpuint (options.max_depth, ==, defaults.max_depth);

  /* Nothing usable left: the default set, not a walk that goes nowhere. */
  g_settings_set_strv (fixture->settings, "franchise-relations", none);
  kz_context_get_franchise_options (fixture->context, &options);
  g_assert_cmphex (options.relations, ==, KZ_RELATION_MASK_DEFAULT);

  g_settings_set_strv (fixture->settings, "franchise-relations", unknown);
  kz_context_get_franchise_options (fixture->context, &options);
  g_assert_cmphex (options.relations, ==, KZ_RELATION_MASK_DEFAULT);
}

static void
test_cache_lifetimes (Fixture       *fixture,
                      gconstpointer  data)
{
  KzCache *cache = kz_context_get_cache (fixture->context);

  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_BASIC), ==, G_GINT64_CONSTANT (60) * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_FRANCHISE), ==,
                   G_GINT64_CONSTANT (1440) * 60 * G_USEC_PER_SEC);

  g_settings_set_uint (fixture->settings, "ttl-basic-minutes", 5);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_BASIC), ==, G_GINT64_CONSTANT (5) * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_DETAILED), ==, G_GINT64_CONSTANT (360) * 60 * G_USEC_PER_SEC);
}

static void
test_library_changed (Fixture       *fixture,
                      gconstpointer  data)
{
  guint emitted = 0;

  g_signal_connect (fixture->context, "library-changed", G_CALLBACK (count_signal), &emitted);
  kz_context_library_changed (fixture->context);
  kz_context_library_changed (fixture->context);
  g_assert_cmpuint (emitted, ==, 2);
  g_signal_handlers_disconnect_by_data (fixture->context, &emitted);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    return 77;
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/kz/ui/context/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("seeding", test_seeding);
  ADD ("insecure-endpoint", test_insecure_endpoint);
  ADD ("open-failure", test_open_failure);
  ADD ("title-language", test_title_language);
  ADD ("show-adult", test_show_adult);
  ADD ("rx-rating", test_rx_rating);
  ADD ("franchise-options", test_franchise_options);
  ADD ("cache-lifetimes", test_cache_lifetimes);
  ADD ("library-changed", test_library_changed);

#undef ADD

  return g_test_run ();
}
