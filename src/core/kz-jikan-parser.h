/* kz-jikan-parser.h: Jikan v4 (MyAnimeList) answers to entries
 *
 * Pure functions with no I/O, so that they can be fuzzed. Jikan knows
 * MyAnimeList ids only: its entries carry the MAL id as both their id
 * and their MAL id, and relation targets are stubs named the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kz-entry.h"

G_BEGIN_DECLS

/* One anime object: the "data" of /anime/{id}/full, or an element of a
 * search's "data" array. */
KzEntry        *kz_jikan_parse_anime             (JsonObject   *anime,
                                                  GError      **error);
/* A whole answer of /anime/{id}/full: maps the HTTP status and Jikan's
 * {status, type, message, error} body to KZ_PROVIDER_ERROR codes. */
KzEntry        *kz_jikan_parse_anime_response    (guint         http_status,
                                                  const char   *body,
                                                  gsize         length,
                                                  GError      **error);
/* A whole answer of /anime?q=…: the entries of its "data" array. */
GPtrArray      *kz_jikan_parse_search_response   (guint         http_status,
                                                  const char   *body,
                                                  gsize         length,
                                                  GError      **error);
/* "Sequel", "Side Story", "Spin-Off", "Alternative Version", …, in any
 * case; KZ_RELATION_UNKNOWN for words this build does not know. */
KzRelationType  kz_jikan_relation_type_from_string (const char *relation);

G_END_DECLS
