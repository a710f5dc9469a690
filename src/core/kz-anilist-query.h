/* kz-anilist-query.h: the GraphQL requests Kizuna sends to AniList
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KZ_ANILIST_MAX_PER_PAGE 50

/* Request bodies ({"query": …, "variables": …}), ready to POST. */
GBytes *kz_anilist_query_by_ids (const gint64 *ids,
                                 guint         n_ids);
GBytes *kz_anilist_query_updated_at (const gint64 *ids,
                                     guint         n_ids);
GBytes *kz_anilist_query_search (const char   *text,
                                 guint         limit);

G_END_DECLS
