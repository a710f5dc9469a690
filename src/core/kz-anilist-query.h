/* kz-anilist-query.h: the GraphQL requests Kizuna sends to AniList
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KZ_ANILIST_MAX_PER_PAGE 50

/* Ids per request in the two-level form. Its cost grows with every
 * object a page holds, and nesting each relation node's own edges about
 * doubles the objects per entry; the one-level form fits 50 under
 * AniList's cap of 500, so half a page keeps the same headroom. Users of
 * the API report a similar figure (about 25 per request) for queries with
 * sub-selections per entry. A refusal still lowers it (see
 * kz-anilist-request.c). */
#define KZ_ANILIST_NESTED_PER_PAGE 25

/* Request bodies ({"query": …, "variables": …}), ready to POST. */
GBytes *kz_anilist_query_by_ids (const gint64 *ids,
                                 guint         n_ids);
GBytes *kz_anilist_query_by_ids_nested (const gint64 *ids,
                                        guint         n_ids);
GBytes *kz_anilist_query_updated_at (const gint64 *ids,
                                     guint         n_ids);
GBytes *kz_anilist_query_search (const char   *text,
                                 guint         limit);

G_END_DECLS
