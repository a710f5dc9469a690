/* test-faults.c: every way AniList can fail, against every service call
 *
 * Each case starts a fresh stand-in, library and service, arms one fault
 * and makes one call, with an empty library or one holding an older copy
 * of everything. Whatever happens, the call ends with a clear error or a
 * stale copy, and the library is byte for byte what it was. A franchise
 * walk whose provider fails half-way is never kept as if it were whole.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "kizuna-core.h"
#include "kz-mock-anilist.h"

/* The provider gives up on a silent connection after this long; the
 * stand-in's latency is well past it. */
#define TIMEOUT_SECONDS   1
#define LATENCY_MS        2500
/* Longest a single call may take before the test calls it stuck. */
#define DEADLINE_SECONDS  20

typedef enum {
  FAULT_LATENCY,
  FAULT_RATE_STORM,
  FAULT_SERVER_ERROR,
  FAULT_DISABLED,
  FAULT_GRAPHQL_ERROR,
  FAULT_NOT_FOUND,
  FAULT_MALFORMED,
  FAULT_TRUNCATED,
  FAULT_OVERSIZED,
  FAULT_HANG,
  FAULT_REFUSED,
  FAULT_DROP,
} FaultKind;

typedef struct {
  const char      *name;
  FaultKind        kind;
  KzMockFault      mock_fault;   /* for the faults the stand-in plays */
  KzProviderError  code;         /* what the caller is told */
} FaultSpec;

static const FaultSpec faults[] = {
  { "latency",       FAULT_LATENCY,       KZ_MOCK_FAULT_NONE,          KZ_PROVIDER_ERROR_TIMEOUT },
  { "429-storm",     FAULT_RATE_STORM,    KZ_MOCK_FAULT_NONE,          KZ_PROVIDER_ERROR_RATE_LIMITED },
  { "500",           FAULT_SERVER_ERROR,  KZ_MOCK_FAULT_SERVER_ERROR,  KZ_PROVIDER_ERROR_UNAVAILABLE },
  { "403-disabled",  FAULT_DISABLED,      KZ_MOCK_FAULT_DISABLED,      KZ_PROVIDER_ERROR_UNAVAILABLE },
  { "graphql-error", FAULT_GRAPHQL_ERROR, KZ_MOCK_FAULT_GRAPHQL_ERROR, KZ_PROVIDER_ERROR_QUERY },
  { "not-found",     FAULT_NOT_FOUND,     KZ_MOCK_FAULT_NOT_FOUND,     KZ_PROVIDER_ERROR_NOT_FOUND },
  { "malformed",     FAULT_MALFORMED,     KZ_MOCK_FAULT_MALFORMED,     KZ_PROVIDER_ERROR_INVALID_RESPONSE },
  { "truncated",     FAULT_TRUNCATED,     KZ_MOCK_FAULT_TRUNCATED,     KZ_PROVIDER_ERROR_INVALID_RESPONSE },
  { "oversized",     FAULT_OVERSIZED,     KZ_MOCK_FAULT_OVERSIZED,     KZ_PROVIDER_ERROR_TOO_LARGE },
  { "never-ending",  FAULT_HANG,          KZ_MOCK_FAULT_HANG,          KZ_PROVIDER_ERROR_TIMEOUT },
  { "refused",       FAULT_REFUSED,       KZ_MOCK_FAULT_NONE,          KZ_PROVIDER_ERROR_NETWORK },
  { "dropped",       FAULT_DROP,          KZ_MOCK_FAULT_DROP,          KZ_PROVIDER_ERROR_NETWORK },
};

typedef enum {
  CALL_BASIC,
  CALL_DETAILED,
  CALL_FRANCHISE,
  CALL_SEARCH,
  CALL_REFRESH,
  CALL_FRANCHISE_HALF_WAY,
} CallKind;

static const char * const call_names[] = {
  "basic", "detailed", "franchise", "search", "refresh", "franchise-half-way",
};

typedef struct {
  const FaultSpec *fault;
  CallKind         call;
  gboolean         stored;   /* the library holds an older copy */
} Case;

/* Chosen once from the bundled snapshot, which the stand-in serves */
static gint64 root_id;
static guint  root_levels;
static char  *search_word;

/* A library seeded once from the same snapshot, copied for each case
 * that starts with one: seeding is the slow part of a case. */
static char  *template_dir;
static char  *template_path;
static guint  template_n_stored;

typedef struct {
  const Case         *test;
  char               *dir;
  char               *library_path;
  KzMockAniList      *mock;
  char               *url;
  KzProvider         *provider;
  KzStore            *store;
  KzCache            *cache;
  KzRelationsService *service;
  gint64              now;
  guint               n_stored;
} Fixture;

typedef struct {
  GError        *error;
  KzResultFlags  flags;
  GObject       *value;      /* entry or graph */
  GPtrArray     *entries;    /* search */
  guint          refreshed;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_error (&outcome->error);
  g_clear_object (&outcome->value);
  g_clear_pointer (&outcome->entries, g_ptr_array_unref);
  outcome->flags = 0;
  outcome->refreshed = 0;
}

static gint64
fake_now (gpointer data)
{
  return *(gint64 *) data;
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

/* Iterates until @slot is filled; a call that never ends is a failure,
 * not a hung test run. */
static GAsyncResult *
await (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint deadline = g_timeout_add_seconds (DEADLINE_SECONDS, on_deadline, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (deadline);
  g_assert_false (timed_out);

  return *slot;
}

/* Choosing the test franchise */

/* Levels of the default walk from @start over the snapshot. */
static guint
count_levels (GHashTable *by_id,
              KzEntry    *start)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) level = g_ptr_array_new ();
  guint levels = 0;

  g_hash_table_add (seen, g_memdup2 (&(gint64) { kz_entry_get_id (start) }, sizeof (gint64)));
  g_ptr_array_add (level, start);

  while (level->len > 0)
    {
      g_autoptr(GPtrArray) next = g_ptr_array_new ();

      levels++;
      for (guint i = 0; i < level->len; i++)
        {
          const KzRelation *relations;
          guint n;

          relations = kz_entry_get_relations (g_ptr_array_index (level, i), &n);
          for (guint j = 0; j < n; j++)
            {
              gint64 target = kz_entry_get_id (relations[j].target);
              KzEntry *found;

              if (!(KZ_RELATION_MASK_DEFAULT & KZ_RELATION_MASK (relations[j].type)) ||
                  kz_entry_get_media_type (relations[j].target) != KZ_MEDIA_TYPE_ANIME ||
                  g_hash_table_contains (seen, &target))
                continue;

              g_hash_table_add (seen, g_memdup2 (&target, sizeof target));
              if ((found = g_hash_table_lookup (by_id, &target)) != NULL)
                g_ptr_array_add (next, found);
            }
        }

      g_ptr_array_set_size (level, 0);
      g_ptr_array_extend (level, next, NULL, NULL);
    }

  return levels;
}

/* The bundled title whose franchise is deepest: a walk that fails after
 * its second level still has levels to go. */
static void
choose_root (void)
{
  g_autoptr(GPtrArray) entries = kz_bundled_load_entries (NULL);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  KzEntry *best = NULL;
  const char *title;

  g_assert_nonnull (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);

      if (kz_entry_get_detail (entry) == KZ_ENTRY_DETAIL_FULL)
        g_hash_table_insert (by_id, g_memdup2 (&(gint64) { kz_entry_get_id (entry) }, sizeof (gint64)),
                             entry);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      guint levels;

      if (kz_entry_get_detail (entry) != KZ_ENTRY_DETAIL_FULL)
        continue;

      levels = count_levels (by_id, entry);
      if (levels > root_levels)
        {
          root_levels = levels;
          best = entry;
        }
    }

  g_assert_nonnull (best);
  g_assert_cmpuint (root_levels, >=, 4);
  root_id = kz_entry_get_id (best);

  title = kz_entry_get_title_romaji (best);
  search_word = g_strndup (title, strcspn (title, " :-!?"));
  g_assert_cmpuint (strlen (search_word), >=, 3);
}

/* The library as it is on disk */

static const char * const dump_queries[] = {
  "SELECT * FROM entries ORDER BY id",
  "SELECT * FROM titles ORDER BY entry_id, kind, position",
  "SELECT * FROM relations ORDER BY source_id, target_id, raw_type",
  "SELECT * FROM external_ids ORDER BY entry_id, site",
  "SELECT * FROM fetch_meta ORDER BY entry_id",
  "SELECT * FROM franchises ORDER BY key",
  "SELECT * FROM franchise_nodes ORDER BY franchise_key, position",
  "SELECT * FROM franchise_edges ORDER BY franchise_key, position",
};

/* Every row of every table, read through a connection of its own: a
 * digest of the rows and their count per table. */
static char *
dump_library (const char *path)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) counts = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  for (guint i = 0; i < G_N_ELEMENTS (dump_queries); i++)
    {
      sqlite3_stmt *stmt = NULL;
      guint n_rows = 0;
      int rc;

      g_assert_cmpint (sqlite3_prepare_v2 (db, dump_queries[i], -1, &stmt, NULL), ==, SQLITE_OK);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          for (int column = 0; column < sqlite3_column_count (stmt); column++)
            {
              const guchar *text = sqlite3_column_text (stmt, column);

              g_checksum_update (checksum, text ? text : (const guchar *) "\1NULL", -1);
              g_checksum_update (checksum, (const guchar *) "\0", 1);
            }
          n_rows++;
        }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
      g_string_append_printf (counts, "%u ", n_rows);
    }

  sqlite3_close (db);
  g_string_append (counts, g_checksum_get_string (checksum));

  return g_string_free (g_steal_pointer (&counts), FALSE);
}

typedef struct {
  KzStoreStats  stats;
  char         *dump;
} LibraryState;

static void
library_state_read (Fixture      *fixture,
                    LibraryState *state)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kz_store_get_stats (fixture->store, 0, &state->stats, &error));
  g_assert_no_error (error);
  state->dump = dump_library (fixture->library_path);
}

static void
assert_library_unchanged (Fixture      *fixture,
                          LibraryState *before)
{
  LibraryState after = { 0 };

  library_state_read (fixture, &after);
  g_assert_cmpuint (after.stats.n_entries, ==, before->stats.n_entries);
  g_assert_cmpuint (after.stats.n_full_entries, ==, before->stats.n_full_entries);
  g_assert_cmpuint (after.stats.n_relations, ==, before->stats.n_relations);
  g_assert_cmpuint (after.stats.n_franchises, ==, before->stats.n_franchises);
  g_assert_cmpuint (after.stats.n_stale, ==, before->stats.n_stale);
  g_assert_cmpstr (after.dump, ==, before->dump);
  g_free (after.dump);
}

/* Setting up */

/* A port on 127.0.0.1 that nothing listens on any more. */
static char *
dup_closed_port_url (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_close (listener);

  return g_strdup_printf ("http://127.0.0.1:%u/", port);
}

static KzProvider *
new_provider (const char *url)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (60000, 100);
  g_autoptr(GError) error = NULL;
  KzAniListProvider *provider;

  provider = kz_anilist_provider_new (url, limiter, &error);
  g_assert_no_error (error);
  kz_anilist_provider_set_timeout (provider, TIMEOUT_SECONDS);
  /* A 429 asks for a minute: fail rather than wait it out. */
  kz_anilist_provider_set_max_retry_wait (provider, 1);

  return KZ_PROVIDER (provider);
}

static void
fixture_set_up (Fixture    *fixture,
                const Case *test)
{
  g_autoptr(GError) error = NULL;

  fixture->test = test;
  fixture->now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  fixture->dir = g_dir_make_tmp ("kizuna-faults-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->library_path = g_build_filename (fixture->dir, "library.db", NULL);

  if (test->stored)
    {
      g_autofree char *contents = NULL;
      gsize length;

      g_file_get_contents (template_path, &contents, &length, &error);
      g_assert_no_error (error);
      g_file_set_contents_full (fixture->library_path, contents, length,
                                G_FILE_SET_CONTENTS_NONE, 0600, &error);
      g_assert_no_error (error);
      fixture->n_stored = template_n_stored;
    }

  fixture->store = kz_store_open (fixture->library_path, &error);
  g_assert_no_error (error);

  fixture->mock = kz_mock_anilist_new ();
  kz_mock_anilist_start (fixture->mock, 0, &error);
  g_assert_no_error (error);

  /* Refused from the start; half-way, the stand-in goes away instead. */
  if (test->fault->kind == FAULT_REFUSED && test->call != CALL_FRANCHISE_HALF_WAY)
    fixture->url = dup_closed_port_url ();
  else
    fixture->url = kz_mock_anilist_dup_url (fixture->mock);
  fixture->provider = new_provider (fixture->url);

  fixture->cache = kz_cache_new ();
  kz_cache_set_clock (fixture->cache, fake_now, &fixture->now);
  fixture->service = kz_relations_service_new (fixture->cache, fixture->store, fixture->provider);
  kz_relations_service_set_clock (fixture->service, fake_now, &fixture->now);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static void
drain_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_tear_down (Fixture *fixture)
{
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->mock);
  drain_main_context ();
  remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->library_path);
  g_free (fixture->url);
}

/* Uses up the stand-in's one request a minute with a client of its
 * own, so that every request of the service is answered 429. */
static void
use_up_rate_limit (Fixture *fixture)
{
  g_autoptr(KzProvider) other = new_provider (fixture->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  kz_provider_fetch_async (other, &root_id, 1, KZ_PRIORITY_USER, NULL, store_result, &result);
  entries = kz_provider_fetch_finish (other, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  kz_mock_anilist_reset_counters (fixture->mock);
}

/* The fault starts now, for every request from here on. */
static void
arm_fault (Fixture  *fixture,
           gboolean  use_up)
{
  const FaultSpec *fault = fixture->test->fault;

  switch (fault->kind)
    {
    case FAULT_LATENCY:
      kz_mock_anilist_set_latency (fixture->mock, LATENCY_MS);
      break;

    case FAULT_RATE_STORM:
      kz_mock_anilist_set_rate_limit (fixture->mock, 1, 60);
      if (use_up)
        use_up_rate_limit (fixture);
      break;

    case FAULT_REFUSED:
      /* Closes the listening socket and every connection to it */
      g_clear_object (&fixture->mock);
      break;

    case FAULT_SERVER_ERROR:
    case FAULT_DISABLED:
    case FAULT_GRAPHQL_ERROR:
    case FAULT_NOT_FOUND:
    case FAULT_MALFORMED:
    case FAULT_TRUNCATED:
    case FAULT_OVERSIZED:
    case FAULT_HANG:
    case FAULT_DROP:
      kz_mock_anilist_set_fault (fixture->mock, fault->mock_fault, 0);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Back to normal, where that is possible at once: a 429 pauses the
 * provider for the minute it asked for, and a closed port stays closed. */
static gboolean
disarm_fault (Fixture *fixture)
{
  switch (fixture->test->fault->kind)
    {
    case FAULT_LATENCY:
      kz_mock_anilist_set_latency (fixture->mock, 0);
      return TRUE;

    case FAULT_RATE_STORM:
    case FAULT_REFUSED:
      return FALSE;

    case FAULT_SERVER_ERROR:
    case FAULT_DISABLED:
    case FAULT_GRAPHQL_ERROR:
    case FAULT_NOT_FOUND:
    case FAULT_MALFORMED:
    case FAULT_TRUNCATED:
    case FAULT_OVERSIZED:
    case FAULT_HANG:
    case FAULT_DROP:
      kz_mock_anilist_set_fault (fixture->mock, KZ_MOCK_FAULT_NONE, 0);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Calls */

typedef struct {
  Fixture *fixture;
  guint    armed_after;   /* G_MAXUINT: never */
  gboolean armed;
  guint    levels_seen;
} HalfWay;

static void
on_level (guint             depth,
          KzFranchiseGraph *partial,
          GPtrArray        *new_entries,
          gpointer          user_data)
{
  HalfWay *half_way = user_data;

  half_way->levels_seen++;
  if (depth == half_way->armed_after && !half_way->armed)
    {
      half_way->armed = TRUE;
      arm_fault (half_way->fixture, FALSE);
    }
}

static void
franchise_options (KzFranchiseOptions *options)
{
  kz_franchise_options_init_default (options);
  options->max_depth = 0;
  options->max_nodes = 0;
}

static void
run_call (Fixture  *fixture,
          CallKind  call,
          HalfWay  *half_way,
          Outcome  *outcome)
{
  KzRelationsService *service = fixture->service;
  g_autoptr(GAsyncResult) result = NULL;
  KzFranchiseOptions options;

  switch (call)
    {
    case CALL_BASIC:
      kz_relations_service_get_basic_async (service, root_id, KZ_FETCH_DEFAULT, NULL,
                                            store_result, &result);
      outcome->value = G_OBJECT (kz_relations_service_get_basic_finish (service, await (&result),
                                                                        &outcome->flags,
                                                                        &outcome->error));
      break;

    case CALL_DETAILED:
      kz_relations_service_get_detailed_async (service, root_id, KZ_FETCH_DEFAULT, NULL,
                                               store_result, &result);
      outcome->value = G_OBJECT (kz_relations_service_get_detailed_finish (service, await (&result),
                                                                           &outcome->flags,
                                                                           &outcome->error));
      break;

    case CALL_FRANCHISE:
    case CALL_FRANCHISE_HALF_WAY:
      franchise_options (&options);
      kz_relations_service_get_franchise_async (service, root_id, &options, KZ_FETCH_DEFAULT,
                                                half_way ? on_level : NULL, half_way, NULL,
                                                store_result, &result);
      outcome->value = G_OBJECT (kz_relations_service_get_franchise_finish (service, await (&result),
                                                                            &outcome->flags,
                                                                            &outcome->error));
      break;

    case CALL_SEARCH:
      kz_relations_service_search_async (service, search_word, 10, KZ_FETCH_DEFAULT, NULL,
                                         store_result, &result);
      outcome->entries = kz_relations_service_search_finish (service, await (&result),
                                                             &outcome->flags, &outcome->error);
      break;

    case CALL_REFRESH:
      kz_relations_service_refresh_library_async (service, NULL, NULL, NULL, store_result, &result);
      outcome->refreshed = kz_relations_service_refresh_library_finish (service, await (&result),
                                                                        &outcome->error);
      break;

    default:
      g_assert_not_reached ();
    }

  /* Let whatever the call left behind (a save, a closing stream) end. */
  drain_main_context ();
}

/* Checks */

/* One line a person can act on: names the service, says what happened,
 * no stack of wrapped messages, no control characters. */
static void
assert_clear_message (const GError *error)
{
  const char *message = error->message;

  g_test_message ("error: %s", message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (message, -1), >=, 20);
  g_assert_cmpuint (g_utf8_strlen (message, -1), <=, 200);
  g_assert_true (g_unichar_isupper (g_utf8_get_char (message)));
  g_assert_nonnull (strstr (message, "AniList"));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

static void
assert_provider_error (const Fixture *fixture,
                       const GError  *error)
{
  g_assert_error (error, KZ_PROVIDER_ERROR, (gint) fixture->test->fault->code);
  assert_clear_message (error);
}

static char *
id_key (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Neither in memory nor in the library as a whole franchise. */
static void
assert_franchise_not_kept (Fixture *fixture)
{
  g_autoptr(KzFranchiseGraph) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  KzFranchiseOptions options;
  gint64 saved_at = 0;

  franchise_options (&options);
  key = kz_franchise_options_to_key (&options, root_id);
  g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_FRANCHISE, key));

  saved = kz_store_load_franchise (fixture->store, key, &saved_at, &error);
  g_assert_no_error (error);
  g_assert_true (saved == NULL || !kz_franchise_graph_is_complete (saved));
}

static void
assert_stale_not_cached (Fixture  *fixture,
                         CallKind  call,
                         Outcome  *outcome)
{
  g_autofree char *key = id_key (root_id);

  g_assert_no_error (outcome->error);
  g_assert_true (outcome->flags & KZ_RESULT_STALE);
  g_assert_true (outcome->flags & KZ_RESULT_FROM_LIBRARY);
  g_assert_false (outcome->flags & KZ_RESULT_FROM_PROVIDER);

  switch (call)
    {
    case CALL_BASIC:
      g_assert_cmpint (kz_entry_get_id (KZ_ENTRY (outcome->value)), ==, root_id);
      g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_BASIC, key));
      break;

    case CALL_DETAILED:
      g_assert_cmpint (kz_franchise_graph_get_root_id (KZ_FRANCHISE_GRAPH (outcome->value)), ==, root_id);
      g_assert_cmpuint (kz_franchise_graph_get_n_nodes (KZ_FRANCHISE_GRAPH (outcome->value)), >, 1);
      g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_DETAILED, key));
      g_assert_null (kz_cache_lookup (fixture->cache, KZ_CACHE_TIER_BASIC, key));
      break;

    case CALL_FRANCHISE:
    case CALL_FRANCHISE_HALF_WAY:
      g_assert_cmpint (kz_franchise_graph_get_root_id (KZ_FRANCHISE_GRAPH (outcome->value)), ==, root_id);
      assert_franchise_not_kept (fixture);
      break;

    case CALL_SEARCH:
      g_assert_cmpuint (outcome->entries->len, >, 0);
      break;

    case CALL_REFRESH:
    default:
      g_assert_not_reached ();
    }
}

/* The test itself */

static void
test_fault (gconstpointer data)
{
  const Case *test = data;
  Fixture fixture = { 0 };
  Outcome outcome = { 0 };
  LibraryState before = { 0 };

  fixture_set_up (&fixture, test);
  arm_fault (&fixture, TRUE);
  library_state_read (&fixture, &before);

  run_call (&fixture, test->call, NULL, &outcome);

  if (test->call == CALL_REFRESH)
    {
      if (test->stored)
        {
          /* Nothing older to fall back on: the error itself. */
          assert_provider_error (&fixture, outcome.error);
          g_assert_cmpuint (outcome.refreshed, ==, 0);
        }
      else
        {
          /* Nothing is due, so nothing is asked. */
          g_assert_no_error (outcome.error);
          g_assert_cmpuint (outcome.refreshed, ==, 0);
          if (fixture.mock != NULL)
            g_assert_cmpuint (kz_mock_anilist_get_request_count (fixture.mock), ==, 0);
        }
    }
  else if (test->call == CALL_SEARCH)
    {
      /* Search falls back on the library, empty or not, and says so. */
      g_assert_no_error (outcome.error);
      g_assert_cmpuint (outcome.flags, ==, KZ_RESULT_FROM_LIBRARY | KZ_RESULT_STALE);
      if (test->stored)
        assert_stale_not_cached (&fixture, test->call, &outcome);
      else
        g_assert_cmpuint (outcome.entries->len, ==, 0);
    }
  else if (test->stored)
    {
      assert_stale_not_cached (&fixture, test->call, &outcome);
    }
  else
    {
      g_assert_null (outcome.value);
      assert_provider_error (&fixture, outcome.error);
      if (test->call == CALL_FRANCHISE)
        assert_franchise_not_kept (&fixture);
    }

  assert_library_unchanged (&fixture, &before);

  /* The failure was not remembered: once AniList is back, the same
   * call asks again and gets the real thing. */
  if (disarm_fault (&fixture))
    {
      outcome_clear (&outcome);
      fixture.now += G_USEC_PER_SEC;
      run_call (&fixture, test->call, NULL, &outcome);
      g_assert_no_error (outcome.error);
      if (test->call == CALL_REFRESH)
        g_assert_cmpuint (outcome.refreshed, ==, test->stored ? fixture.n_stored : 0);
      else
        g_assert_true (outcome.flags & KZ_RESULT_FROM_PROVIDER);
      g_assert_false (outcome.flags & KZ_RESULT_STALE);
    }

  outcome_clear (&outcome);
  g_free (before.dump);
  fixture_tear_down (&fixture);
}

/* The provider fails after the walk's second level: what came before is
 * kept as titles, but the franchise is neither cached nor saved whole. */
static void
test_half_way (gconstpointer data)
{
  const Case *test = data;
  Fixture fixture = { 0 };
  Outcome outcome = { 0 };
  HalfWay half_way = { &fixture, 1, FALSE, 0 };
  KzFranchiseGraph *graph;

  fixture_set_up (&fixture, test);

  run_call (&fixture, CALL_FRANCHISE_HALF_WAY, &half_way, &outcome);
  g_assert_true (half_way.armed);
  g_assert_cmpuint (half_way.levels_seen, >=, 3);

  /* Whatever was found is shown, marked as not current. */
  g_assert_no_error (outcome.error);
  graph = KZ_FRANCHISE_GRAPH (outcome.value);
  g_assert_cmpint (kz_franchise_graph_get_root_id (graph), ==, root_id);
  g_assert_true (outcome.flags & KZ_RESULT_STALE);
  if (!test->stored)
    g_assert_false (kz_franchise_graph_is_complete (graph));
  assert_franchise_not_kept (&fixture);

  /* Asked again once AniList is back, the walk is whole and kept. */
  if (disarm_fault (&fixture))
    {
      outcome_clear (&outcome);
      run_call (&fixture, CALL_FRANCHISE, NULL, &outcome);
      g_assert_no_error (outcome.error);
      g_assert_true (outcome.flags & KZ_RESULT_FROM_PROVIDER);
      g_assert_false (outcome.flags & KZ_RESULT_STALE);
      g_assert_true (kz_franchise_graph_is_complete (KZ_FRANCHISE_GRAPH (outcome.value)));
      g_assert_cmpuint (kz_franchise_graph_get_max_depth (KZ_FRANCHISE_GRAPH (outcome.value)), >=, 3);
    }

  outcome_clear (&outcome);
  fixture_tear_down (&fixture);
}

/* The snapshot's copies are years older than the test's clock. */
static void
seed_template (void)
{
  g_autoptr(KzStore) store = NULL;
  g_autoptr(GError) error = NULL;

  template_dir = g_dir_make_tmp ("kizuna-faults-template-XXXXXX", &error);
  g_assert_no_error (error);
  template_path = g_build_filename (template_dir, "library.db", NULL);

  store = kz_store_open (template_path, &error);
  g_assert_no_error (error);
  g_assert_true (kz_bundled_seed_store (store, &template_n_stored, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (template_n_stored, >, 50);

  /* Closing the last connection folds the log back into the file */
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (template_path, "-wal", NULL);

    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  int status;

  /* Every address here is on this computer: no proxy settings apply. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  /* A warning (a library that could not be read or saved) is a failure */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  choose_root ();
  seed_template ();

  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    for (guint c = 0; c < G_N_ELEMENTS (call_names); c++)
      for (guint stored = 0; stored <= 1; stored++)
        {
          Case *test = g_new0 (Case, 1);
          g_autofree char *path = NULL;

          test->fault = &faults[f];
          test->call = c;
          test->stored = stored;
          g_ptr_array_add (cases, test);

          path = g_strdup_printf ("/kz/faults/%s/%s/%s", faults[f].name, call_names[c],
                                  stored ? "stored" : "empty");
          g_test_add_data_func (path, test,
                                c == CALL_FRANCHISE_HALF_WAY ? test_half_way : test_fault);
        }

  status = g_test_run ();

  remove_dir (template_dir);
  g_free (template_dir);
  g_free (template_path);
  g_free (search_word);

  return status;
}
