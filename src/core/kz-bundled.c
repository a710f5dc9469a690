/* kz-bundled.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bundled"

#include "config.h"

#include "kz-bundled-private.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>

#include "kz-anilist-parser.h"
#include "kz-bundled-resources.h"
#include "kz-ingest.h"

#define SNAPSHOT_PATH    "/io/github/kizuna/Kizuna/bundled/library.json"
#define SNAPSHOT_FORMAT  "kizuna-snapshot"
#define SNAPSHOT_VERSION 1

GBytes *
kz_bundled_get_snapshot (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = g_resource_lookup_data (kz_bundled_get_resource (), SNAPSHOT_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  /* The file is compiled in: missing means a broken build. */
  if (bytes == NULL)
    g_critical ("The bundled library is missing: %s", error->message);

  return bytes;
}

static gboolean
set_malformed (GError     **error,
               const char  *what)
{
  /* Translators: %s says what is wrong, in English; it is for bug reports. */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The bundled library is damaged (%s); reinstall Kizuna"), what);
  return FALSE;
}

static gboolean
check_header (JsonObject  *root,
              gint64      *generated_at,
              GError     **error)
{
  JsonNode *node;

  node = json_object_get_member (root, "format");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (node), SNAPSHOT_FORMAT) != 0)
    return set_malformed (error, "not a Kizuna snapshot");

  /* json-glib reads integers as gint64. */
  node = json_object_get_member (root, "version");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return set_malformed (error, "no version");
  if (json_node_get_int (node) != SNAPSHOT_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The bundled library has version %" PRId64
                     ", this Kizuna reads version %d"),
                   json_node_get_int (node), SNAPSHOT_VERSION);
      return FALSE;
    }

  node = json_object_get_member (root, "generated_at");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) <= 0)
    return set_malformed (error, "no generation time");
  *generated_at = json_node_get_int (node);

  node = json_object_get_member (root, "media");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return set_malformed (error, "no media list");

  return TRUE;
}

GPtrArray *
_kz_bundled_load_snapshot (const char  *data,
                           gsize        length,
                           gint64      *generated_at,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  KzIngestReport report = { 0 };
  JsonNode *root;
  JsonArray *media;
  guint n_media;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      set_malformed (error, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_malformed (error, "not a JSON object");
      return NULL;
    }

  if (!check_header (json_node_get_object (root), generated_at, error))
    return NULL;

  media = json_object_get_array_member (json_node_get_object (root), "media");
  n_media = json_array_get_length (media);
  entries = g_ptr_array_new_full (n_media, g_object_unref);

  for (guint i = 0; i < n_media; i++)
    {
      JsonNode *element = json_array_get_element (media, i);
      KzEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_malformed (error, "an entry is not an object");
          return NULL;
        }

      entry = kz_anilist_parse_media (json_node_get_object (element), &local_error);
      if (entry == NULL)
        {
          set_malformed (error, local_error->message);
          return NULL;
        }
      g_ptr_array_add (entries, entry);
    }

  kz_ingest_normalise (entries, &report);
  g_debug ("Loaded %u bundled entries (%u dropped, %u reverse edges added, "
           "%u descriptions cleaned)",
           entries->len, report.entries_dropped, report.reverse_edges_added,
           report.descriptions_cleaned);

  return g_steal_pointer (&entries);
}

GPtrArray *
kz_bundled_load_entries (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gint64 generated_at = 0;
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(bytes = kz_bundled_get_snapshot ()))
    {
      set_malformed (error, "missing from the program");
      return NULL;
    }

  data = g_bytes_get_data (bytes, &length);
  return _kz_bundled_load_snapshot (data, length, &generated_at, error);
}

gboolean
kz_bundled_seed_store (KzStore  *store,
                       guint    *n_added,
                       GError  **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 generated_at = 0;
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (KZ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_added != NULL)
    *n_added = 0;

  if (!kz_store_is_empty (store, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("The library has entries; not seeding it");
      return TRUE;
    }

  if (!(bytes = kz_bundled_get_snapshot ()))
    return set_malformed (error, "missing from the program");

  data = g_bytes_get_data (bytes, &length);
  if (!(entries = _kz_bundled_load_snapshot (data, length, &generated_at, error)))
    return FALSE;

  /* Dated at the snapshot's creation, so that a refresh replaces it. */
  if (!kz_store_upsert_entries (store, entries, generated_at * G_USEC_PER_SEC, error))
    return FALSE;

  g_debug ("Seeded the library with %u bundled entries", entries->len);
  if (n_added != NULL)
    *n_added = entries->len;

  return TRUE;
}
