/* kz-anilist-parser.h: AniList GraphQL responses to entries
 *
 * Pure functions with no I/O, so that they can be fuzzed. Descriptions
 * are kept as the provider sent them; kz_ingest_normalise() cleans them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kz-entry.h"
#include "kz-provider.h"

G_BEGIN_DECLS

/* One Media object (with its relations' nodes as stubs). */
KzEntry   *kz_anilist_parse_media    (JsonObject  *media,
                                      GError     **error);
/* A whole HTTP answer: maps the status and the "errors" array to
 * KZ_PROVIDER_ERROR codes; returns the entries of data.Page.media. */
GPtrArray *kz_anilist_parse_response (guint        http_status,
                                      const char  *body,
                                      gsize        length,
                                      GError     **error);
/* The two-level answer: entries, and @hints (KzRelationHint) appended
 * with the edges nested in each relation's node. */
GPtrArray *kz_anilist_parse_response_with_hints (guint        http_status,
                                                 const char  *body,
                                                 gsize        length,
                                                 GArray      *hints,
                                                 GError     **error);
/* The cap and the cost of a "Max query complexity should be N but got
 * M." message; FALSE when @message does not say. */
gboolean   kz_anilist_parse_complexity (const char  *message,
                                        guint       *limit,
                                        guint       *cost);
/* The answer to the updatedAt check: stubs with an id and updatedAt. */
GPtrArray *kz_anilist_parse_updated_response (guint        http_status,
                                              const char  *body,
                                              gsize        length,
                                              GError     **error);

G_END_DECLS
