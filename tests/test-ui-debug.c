/* test-ui-debug.c: the debug panel and the preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kz-context.h"
#include "kz-debug-panel.h"
#include "kz-mock-anilist.h"
#include "kz-preferences-window.h"

#define DETECTIVE_CONAN 235
#define CONAN_MOVIE_1   779
#define BUNDLED_TITLES  180
/* The bundled snapshot's generated_at: its titles were fetched then. */
#define SNAPSHOT_TIME   (G_GINT64_CONSTANT (1793491200) * G_USEC_PER_SEC)
#define WAIT_SECONDS    20

typedef struct {
  char          *data_dir;
  KzMockAniList *mock;
  GSettings     *settings;
  KzContext     *context;
  gint64         cache_now;
} Fixture;

/* Main loop helpers */

static gboolean
timed_out (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
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
await (GAsyncResult **slot,
       const char    *what)
{
  guint guard = g_timeout_add_seconds (WAIT_SECONDS, timed_out, (gpointer) what);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (guard);
  return *slot;
}

static void
iterate_pending (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A clock the tests move: the library's titles look a month old, so
 * the service asks the provider, whatever today's date is. */
static gint64
month_after_snapshot (gpointer user_data)
{
  return SNAPSHOT_TIME + 30 * KZ_USEC_PER_DAY;
}

static gint64
fixture_cache_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->cache_now;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
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
fixture_open_context (Fixture    *fixture,
                      const char *endpoint)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kz_context_new_async (fixture->settings, fixture->data_dir, endpoint, NULL, store_result, &result);
  fixture->context = kz_context_new_finish (await (&result, "the context"), &error);
  g_assert_no_error (error);
  g_assert_true (KZ_IS_CONTEXT (fixture->context));

  kz_relations_service_set_clock (kz_context_get_service (fixture->context),
                                  month_after_snapshot, NULL);
  fixture->cache_now = g_get_real_time ();
  kz_cache_set_clock (kz_context_get_cache (fixture->context), fixture_cache_clock, fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const keys[] = {
    "title-language", "show-adult", "franchise-relations", "anilist-endpoint",
    "ttl-basic-minutes", "ttl-detailed-minutes", "ttl-franchise-minutes",
  };
  g_autoptr(GError) error = NULL;

  fixture->data_dir = g_dir_make_tmp ("kz-ui-debug-XXXXXX", &error);
  g_assert_no_error (error);

  /* The memory backend lives as long as the process: start each test
   * from the defaults. */
  fixture->settings = g_settings_new (SCHEMA_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
}

static void
fixture_set_up_online (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fixture_set_up (fixture, data);

  fixture->mock = kz_mock_anilist_new ();
  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);
  url = kz_mock_anilist_dup_url (fixture->mock);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  fixture_open_context (fixture, url);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->context);
  iterate_pending ();
  g_clear_object (&fixture->mock);
  g_clear_object (&fixture->settings);
  remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
}

/* Widget helpers */

typedef gboolean (*WidgetMatch) (GtkWidget *widget,
                                 gconstpointer data);

static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_action_button (GtkWidget     *widget,
                  gconstpointer  action_name)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  GtkWidget *row = find_widget (root, is_row_titled, title);

  g_assert_nonnull (row);
  return row;
}

static GtkWidget *
find_in_row (GtkWidget  *root,
             const char *title,
             GType       type)
{
  GtkWidget *found = find_widget (find_row (root, title), is_of_type, GSIZE_TO_POINTER (type));

  g_assert_nonnull (found);
  return found;
}

static void
count_click (GtkButton *button,
             guint     *n_clicks)
{
  (*n_clicks)++;
}

/* As the keyboard would: a mapped button shows itself pressed for a
 * moment before it emits ::clicked. */
static void
activate_action_button (GtkWidget  *window,
                        const char *action_name)
{
  GtkWidget *button = find_widget (window, is_action_button, action_name);
  guint n_clicks = 0;
  gulong handler;
  guint guard;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));

  handler = g_signal_connect (button, "clicked", G_CALLBACK (count_click), &n_clicks);
  guard = g_timeout_add_seconds (WAIT_SECONDS, timed_out, (gpointer) action_name);
  g_assert_true (gtk_widget_activate (button));
  while (n_clicks == 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  g_signal_handler_disconnect (button, handler);

  g_assert_cmpuint (n_clicks, ==, 1);
  iterate_pending ();
}

/* Debug panel helpers */

static KzEntry *
get_basic (Fixture       *fixture,
           gint64         id,
           KzResultFlags *flags)
{
  KzRelationsService *service = kz_context_get_service (fixture->context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzEntry *entry;

  kz_relations_service_get_basic_async (service, id, KZ_FETCH_DEFAULT, NULL, store_result, &result);
  entry = kz_relations_service_get_basic_finish (service, await (&result, "a basic entry"), flags, &error);
  g_assert_no_error (error);
  g_assert_true (KZ_IS_ENTRY (entry));
  g_assert_cmpint (kz_entry_get_id (entry), ==, id);

  return entry;
}

static void
wait_for_library (KzDebugPanel *panel)
{
  guint guard = g_timeout_add_seconds (WAIT_SECONDS, timed_out, (gpointer) "the library's numbers");

  while (g_str_equal (kz_debug_panel_get_value (panel, "library.titles"), "—"))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (guard);
}

static GtkWidget *
open_panel (Fixture *fixture)
{
  GtkWidget *panel = GTK_WIDGET (kz_debug_panel_new (fixture->context));

  gtk_window_present (GTK_WINDOW (panel));
  iterate_pending ();

  return panel;
}

/* Every count the panel shows as a plain number equals the JSON's. */
static void
assert_json_matches (KzDebugPanel *panel,
                     JsonObject   *root)
{
  static const char * const counts[] = {
    "basic.hits", "basic.misses", "basic.expired", "basic.evictions",
    "detailed.hits", "detailed.misses", "detailed.expired", "detailed.evictions",
    "franchise.hits", "franchise.misses", "franchise.expired", "franchise.evictions",
    "provider.requests", "provider.waiting", "provider.rate_limited",
    "library.titles", "library.rows", "library.relations", "library.franchises", "library.stale",
    "service.fetches", "service.coalesced", "service.cache_hits", "service.library_hits",
    "service.stale", "service.ingest_fixes",
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_auto(GStrv) parts = g_strsplit (counts[i], ".", 2);
      JsonObject *group = json_object_get_object_member (root, parts[0]);
      g_autofree char *number = NULL;

      g_assert_nonnull (group);
      g_assert_true (json_object_has_member (group, parts[1]));
      number = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (group, parts[1]));
      g_assert_cmpstr (kz_debug_panel_get_value (panel, counts[i]), ==, number);
    }
}

/* Debug panel tests */

static void
test_debug_counts (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *panel = open_panel (fixture);
  KzDebugPanel *debug = KZ_DEBUG_PANEL (panel);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(KzEntry) first = NULL;
  g_autoptr(KzEntry) second = NULL;
  KzResultFlags flags = 0;
  JsonObject *root;
  JsonObject *basic;

  g_assert_true (gtk_widget_get_mapped (panel));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (panel)), ==, "Debug Panel");
  g_assert_null (kz_debug_panel_get_value (debug, "basic.nonsense"));
  /* Nothing looked up yet: no rate to show. */
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "basic.hit_rate"), ==, "—");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.last_error"), ==, "None");
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (find_row (panel, "Requests Sent"), ADW_TYPE_PREFERENCES_GROUP))),
                   ==, "AniList");

  first = get_basic (fixture, DETECTIVE_CONAN, &flags);
  g_assert_true (flags & KZ_RESULT_FROM_PROVIDER);
  second = get_basic (fixture, DETECTIVE_CONAN, &flags);
  g_assert_true (flags & KZ_RESULT_FROM_CACHE);

  kz_debug_panel_update (debug);
  wait_for_library (debug);

  g_assert_cmpstr (kz_debug_panel_get_value (debug, "basic.hits"), ==, "1");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "basic.misses"), ==, "1");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "basic.hit_rate"), ==, "50.0%");
  g_assert_true (g_str_has_prefix (kz_debug_panel_get_value (debug, "basic.entries"), "1 of "));
  g_assert_true (g_str_has_prefix (kz_debug_panel_get_value (debug, "basic.memory"), "≈ "));
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "detailed.hit_rate"), ==, "—");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.requests"), ==, "1");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.rate_limited"), ==, "0");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.paused_until"), ==, "—");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "service.fetches"), ==, "1");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "service.cache_hits"), ==, "1");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "library.titles"), ==, "180");
  g_assert_cmpuint (g_ascii_strtoull (kz_debug_panel_get_value (debug, "library.rows"), NULL, 10), >=, BUNDLED_TITLES);
  g_assert_cmpuint (g_ascii_strtoull (kz_debug_panel_get_value (debug, "library.relations"), NULL, 10), >, 0);
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "library.size"), !=, "—");
  g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture->mock), ==, 1);

  json = kz_debug_panel_dup_json (debug);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  basic = json_object_get_object_member (root, "basic");
  g_assert_cmpint (json_object_get_int_member (basic, "hits"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (basic, "misses"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (basic, "entries"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (basic, "hit_rate"), 0.5, 1e-9);
  g_assert_cmpint (json_object_get_int_member (basic, "ttl_seconds"), ==, 3600);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "library"), "titles"),
                   ==, BUNDLED_TITLES);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "provider"), "name"),
                   ==, "AniList");
  g_assert_true (json_object_get_null_member (json_object_get_object_member (root, "detailed"), "hit_rate"));
  assert_json_matches (debug, root);

  activate_action_button (panel, "debug.clear-cache");
  g_assert_true (g_str_has_prefix (kz_debug_panel_get_value (debug, "basic.entries"), "0 of "));
  /* Clearing forgets values, not what happened. */
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "basic.hits"), ==, "1");

  gtk_window_destroy (GTK_WINDOW (panel));
  iterate_pending ();
}

static void
clipboard_text_read (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*text);
}

static void
test_debug_copy (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *panel = open_panel (fixture);
  g_autofree char *expected = NULL;
  g_autofree char *copied = NULL;
  guint guard;

  kz_debug_panel_update (KZ_DEBUG_PANEL (panel));
  wait_for_library (KZ_DEBUG_PANEL (panel));

  activate_action_button (panel, "debug.copy");
  expected = kz_debug_panel_dup_json (KZ_DEBUG_PANEL (panel));

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (panel), NULL, clipboard_text_read, &copied);
  guard = g_timeout_add_seconds (WAIT_SECONDS, timed_out, (gpointer) "the clipboard");
  while (copied == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);

  g_assert_cmpstr (copied, ==, expected);
  g_assert_true (strstr (copied, "\"titles\" : 180") != NULL);

  gtk_window_destroy (GTK_WINDOW (panel));
  iterate_pending ();
}

static void
test_debug_sweep (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *panel = open_panel (fixture);
  KzDebugPanel *debug = KZ_DEBUG_PANEL (panel);
  g_autoptr(KzEntry) entry = NULL;

  entry = get_basic (fixture, DETECTIVE_CONAN, NULL);
  kz_debug_panel_update (debug);
  g_assert_true (g_str_has_prefix (kz_debug_panel_get_value (debug, "basic.entries"), "1 of "));

  /* Past the basic tier's hour, not the others'. */
  fixture->cache_now += 2 * KZ_USEC_PER_HOUR;
  activate_action_button (panel, "debug.sweep");
  g_assert_true (g_str_has_prefix (kz_debug_panel_get_value (debug, "basic.entries"), "0 of "));
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "basic.misses"), ==, "1");

  gtk_window_destroy (GTK_WINDOW (panel));
  iterate_pending ();
}

static void
test_debug_ttl_description (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *panel = open_panel (fixture);
  AdwPreferencesGroup *group;

  group = ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (find_row (panel, "Entries"),
                                                          ADW_TYPE_PREFERENCES_GROUP));
  g_assert_cmpstr (adw_preferences_group_get_title (group), ==, "Basic Relations");
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==, "Kept for 1 hour");

  g_settings_set_uint (fixture->settings, "ttl-basic-minutes", 2880);
  kz_debug_panel_update (KZ_DEBUG_PANEL (panel));
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==, "Kept for 2 days");

  g_settings_set_uint (fixture->settings, "ttl-basic-minutes", 90);
  kz_debug_panel_update (KZ_DEBUG_PANEL (panel));
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==, "Kept for 90 minutes");

  gtk_window_destroy (GTK_WINDOW (panel));
  iterate_pending ();
}

static void
test_debug_rate_limited (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *panel = open_panel (fixture);
  KzDebugPanel *debug = KZ_DEBUG_PANEL (panel);
  KzRelationsService *service = kz_context_get_service (fixture->context);
  g_autoptr(KzEntry) first = NULL;
  g_autoptr(KzEntry) second = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  /* One request in a long window: the second is answered 429 with a wait
   * too long to retry, and the provider pauses its queue. */
  kz_mock_anilist_set_rate_limit (fixture->mock, 1, 600);
  kz_anilist_provider_set_max_retry_wait (KZ_ANILIST_PROVIDER (kz_context_get_provider (fixture->context)), 1);
  first = get_basic (fixture, DETECTIVE_CONAN, NULL);

  kz_relations_service_get_basic_async (service, CONAN_MOVIE_1, KZ_FETCH_DEFAULT, NULL, store_result, &result);
  second = kz_relations_service_get_basic_finish (service, await (&result, "a rate-limited entry"), &flags, &error);
  g_assert_cmpuint (kz_mock_anilist_get_rate_limited_count (fixture->mock), ==, 1);

  kz_debug_panel_update (debug);
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.rate_limited"), ==, "1");
  g_assert_true (g_str_has_prefix (kz_debug_panel_get_value (debug, "provider.paused_until"), "in "));
  g_assert_true (g_str_has_suffix (kz_debug_panel_get_value (debug, "provider.paused_until"), " s"));
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.last_error"), !=, "None");
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "provider.last_error"), !=, "—");

  /* The library's older copy stands in when the provider fails. */
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_true (flags & KZ_RESULT_STALE);
  g_assert_cmpstr (kz_debug_panel_get_value (debug, "service.stale"), ==, "1");

  gtk_window_destroy (GTK_WINDOW (panel));
  iterate_pending ();
}

static void
test_debug_offline (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  GtkWidget *panel;
  JsonObject *root;

  /* An insecure endpoint leaves the context without a provider. */
  g_test_expect_message ("kz-context", G_LOG_LEVEL_WARNING, "Not connecting to AniList*");
  fixture_open_context (fixture, "http://example.com/graphql");
  g_test_assert_expected_messages ();
  g_assert_null (kz_context_get_provider (fixture->context));

  panel = open_panel (fixture);
  g_assert_cmpstr (kz_debug_panel_get_value (KZ_DEBUG_PANEL (panel), "provider.requests"), ==, "—");
  g_assert_cmpstr (kz_debug_panel_get_value (KZ_DEBUG_PANEL (panel), "provider.last_error"), ==, "—");
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (find_row (panel, "Requests Sent"), ADW_TYPE_PREFERENCES_GROUP))),
                   ==, "Offline");

  json = kz_debug_panel_dup_json (KZ_DEBUG_PANEL (panel));
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_null_member (root, "provider"));

  gtk_window_destroy (GTK_WINDOW (panel));
  iterate_pending ();
}

/* Preferences tests */

static GtkWidget *
open_preferences (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (kz_preferences_window_new (fixture->context));

  gtk_window_present (GTK_WINDOW (window));
  iterate_pending ();

  return window;
}

static void
wait_for_switch (GtkSwitch *toggle,
                 gboolean   active)
{
  guint guard = g_timeout_add_seconds (WAIT_SECONDS, timed_out, (gpointer) "a switch");

  while (gtk_switch_get_active (toggle) != active)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (guard);
}

static void
test_preferences_general (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *window = open_preferences (fixture);
  AdwComboRow *language = ADW_COMBO_ROW (find_row (window, "Title Language"));
  GtkSwitch *adult = GTK_SWITCH (find_in_row (window, "Show Adult Titles", GTK_TYPE_SWITCH));
  g_autofree char *nick = NULL;

  g_assert_true (adw_preferences_window_get_search_enabled (ADW_PREFERENCES_WINDOW (window)));
  g_assert_cmpuint (adw_combo_row_get_selected (language), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (language)), ==, 3);

  adw_combo_row_set_selected (language, 1);
  nick = g_settings_get_string (fixture->settings, "title-language");
  g_assert_cmpstr (nick, ==, "english");
  g_assert_cmpint (kz_context_get_title_language (fixture->context), ==, KZ_TITLE_LANGUAGE_ENGLISH);

  /* And back: a change made elsewhere shows here. */
  g_settings_set_enum (fixture->settings, "title-language", KZ_TITLE_LANGUAGE_NATIVE);
  g_assert_cmpuint (adw_combo_row_get_selected (language), ==, 2);

  g_assert_false (gtk_switch_get_active (adult));
  g_assert_false (g_settings_get_boolean (fixture->settings, "show-adult"));
  /* Activating the row flips the switch, after its short animation. */
  g_assert_true (gtk_widget_activate (find_row (window, "Show Adult Titles")));
  wait_for_switch (adult, TRUE);
  g_assert_true (g_settings_get_boolean (fixture->settings, "show-adult"));
  g_assert_true (kz_context_get_show_adult (fixture->context));

  g_settings_set_boolean (fixture->settings, "show-adult", FALSE);
  g_assert_false (gtk_switch_get_active (adult));

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_pending ();
}

static gboolean
strv_has (GSettings  *settings,
          const char *name)
{
  g_auto(GStrv) names = g_settings_get_strv (settings, "franchise-relations");

  return g_strv_contains ((const char * const *) names, name);
}

static void
test_preferences_relations (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *window = open_preferences (fixture);
  const char *sequel_label = kz_relation_type_to_label (KZ_RELATION_SEQUEL);
  GtkSwitch *sequel = GTK_SWITCH (find_in_row (window, sequel_label, GTK_TYPE_SWITCH));
  GtkSwitch *character = GTK_SWITCH (find_in_row (window, kz_relation_type_to_label (KZ_RELATION_CHARACTER),
                                                  GTK_TYPE_SWITCH));
  AdwActionRow *other = ADW_ACTION_ROW (find_row (window, kz_relation_type_to_label (KZ_RELATION_OTHER)));
  const char *wire_names[] = { "SEQUEL", NULL };
  guint n_rows = 0;

  /* One row per relation type, UNKNOWN aside. */
  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    if (find_widget (window, is_row_titled, kz_relation_type_to_label (type)) != NULL)
      n_rows++;
  g_assert_cmpuint (n_rows, ==, KZ_RELATION_N_TYPES - 1);

  g_assert_cmpstr (adw_action_row_get_subtitle (other), ==, "May merge unrelated franchises through crossovers");
  g_assert_true (gtk_switch_get_active (sequel));
  g_assert_false (gtk_switch_get_active (character));

  gtk_switch_set_active (sequel, FALSE);
  g_assert_false (strv_has (fixture->settings, "SEQUEL"));
  g_assert_true (strv_has (fixture->settings, "PREQUEL"));
  g_assert_false (strv_has (fixture->settings, "CHARACTER"));

  gtk_switch_set_active (character, TRUE);
  g_assert_true (strv_has (fixture->settings, "CHARACTER"));

  /* From the setting to the switches; the only one left cannot be
   * turned off. */
  g_settings_set_strv (fixture->settings, "franchise-relations", wire_names);
  g_assert_true (gtk_switch_get_active (sequel));
  g_assert_false (gtk_switch_get_active (character));
  g_assert_false (gtk_widget_get_sensitive (find_row (window, sequel_label)));
  g_assert_true (gtk_widget_get_sensitive (find_row (window, kz_relation_type_to_label (KZ_RELATION_CHARACTER))));

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_pending ();
}

static void
test_preferences_endpoint (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *window = open_preferences (fixture);
  GtkWidget *row = find_row (window, "Endpoint");
  g_autofree char *insecure = NULL;
  g_autofree char *secure = NULL;
  g_autofree char *cleared = NULL;

  g_assert_true (ADW_IS_ENTRY_ROW (row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  gtk_editable_set_text (GTK_EDITABLE (row), "http://example.com");
  g_signal_emit_by_name (row, "apply");
  insecure = g_settings_get_string (fixture->settings, "anilist-endpoint");
  g_assert_cmpstr (insecure, ==, "");
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  gtk_editable_set_text (GTK_EDITABLE (row), "https://example.com/graphql");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (row, "apply");
  secure = g_settings_get_string (fixture->settings, "anilist-endpoint");
  g_assert_cmpstr (secure, ==, "https://example.com/graphql");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Empty means AniList itself. */
  gtk_editable_set_text (GTK_EDITABLE (row), "  ");
  g_signal_emit_by_name (row, "apply");
  cleared = g_settings_get_string (fixture->settings, "anilist-endpoint");
  g_assert_cmpstr (cleared, ==, "");

  g_settings_set_string (fixture->settings, "anilist-endpoint", "http://127.0.0.1:8080/");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "http://127.0.0.1:8080/");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_pending ();
}

static void
test_preferences_ttl (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *window = open_preferences (fixture);
  GtkSpinButton *basic = GTK_SPIN_BUTTON (find_in_row (window, "Relations", GTK_TYPE_SPIN_BUTTON));
  GtkSpinButton *franchise = GTK_SPIN_BUTTON (find_in_row (window, "Franchises", GTK_TYPE_SPIN_BUTTON));
  double lower, upper;
  KzCache *cache = kz_context_get_cache (fixture->context);

  g_assert_cmpfloat (gtk_spin_button_get_value (basic), ==, 60);
  gtk_spin_button_get_range (franchise, &lower, &upper);
  g_assert_cmpfloat (lower, ==, 1);
  g_assert_cmpfloat (upper, ==, 43200);

  gtk_spin_button_set_value (basic, 90);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "ttl-basic-minutes"), ==, 90);
  g_assert_cmpint (kz_cache_get_ttl (cache, KZ_CACHE_TIER_BASIC), ==, G_GINT64_CONSTANT (90) * 60 * G_USEC_PER_SEC);

  g_settings_set_uint (fixture->settings, "ttl-franchise-minutes", 720);
  g_assert_cmpfloat (gtk_spin_button_get_value (franchise), ==, 720);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_pending ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Without a session bus, GTK warns when it cannot reach the
   * accessibility bus; these tests do not need it. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "none", FALSE);
  if (!gtk_init_check ())
    return 77;
  adw_init ();

  g_test_add ("/kz/ui/debug-panel/counts", Fixture, NULL,
              fixture_set_up_online, test_debug_counts, fixture_tear_down);
  g_test_add ("/kz/ui/debug-panel/copy", Fixture, NULL,
              fixture_set_up_online, test_debug_copy, fixture_tear_down);
  g_test_add ("/kz/ui/debug-panel/sweep", Fixture, NULL,
              fixture_set_up_online, test_debug_sweep, fixture_tear_down);
  g_test_add ("/kz/ui/debug-panel/ttl-description", Fixture, NULL,
              fixture_set_up_online, test_debug_ttl_description, fixture_tear_down);
  g_test_add ("/kz/ui/debug-panel/rate-limited", Fixture, NULL,
              fixture_set_up_online, test_debug_rate_limited, fixture_tear_down);
  g_test_add ("/kz/ui/debug-panel/offline", Fixture, NULL,
              fixture_set_up, test_debug_offline, fixture_tear_down);
  g_test_add ("/kz/ui/preferences/general", Fixture, NULL,
              fixture_set_up_online, test_preferences_general, fixture_tear_down);
  g_test_add ("/kz/ui/preferences/relations", Fixture, NULL,
              fixture_set_up_online, test_preferences_relations, fixture_tear_down);
  g_test_add ("/kz/ui/preferences/endpoint", Fixture, NULL,
              fixture_set_up_online, test_preferences_endpoint, fixture_tear_down);
  g_test_add ("/kz/ui/preferences/ttl", Fixture, NULL,
              fixture_set_up_online, test_preferences_ttl, fixture_tear_down);

  return g_test_run ();
}
