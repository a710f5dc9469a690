/* kz-anilist-provider.h: AniList's GraphQL API over libsoup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-provider.h"
#include "kz-rate-limiter.h"

G_BEGIN_DECLS

#define KZ_TYPE_ANILIST_PROVIDER (kz_anilist_provider_get_type ())

#define KZ_ANILIST_DEFAULT_ENDPOINT "https://graphql.anilist.co"
#define KZ_ANILIST_DEFAULT_RPM      25.0
#define KZ_ANILIST_DEFAULT_BURST    3

G_DECLARE_FINAL_TYPE (KzAniListProvider, kz_anilist_provider, KZ, ANILIST_PROVIDER, GObject)

/* endpoint NULL: $KIZUNA_ANILIST_URL or the public one; limiter NULL: a
 * new one at $KIZUNA_ANILIST_RPM or the default pace. Fails with
 * KZ_PROVIDER_ERROR_INSECURE for a plain-http endpoint off loopback. */
KzAniListProvider *kz_anilist_provider_new              (const char         *endpoint,
                                                         KzRateLimiter      *limiter,
                                                         GError            **error);
const char        *kz_anilist_provider_get_endpoint     (KzAniListProvider  *self);
KzRateLimiter     *kz_anilist_provider_get_rate_limiter (KzAniListProvider  *self);
void               kz_anilist_provider_set_timeout      (KzAniListProvider  *self,
                                                         guint               seconds);
void               kz_anilist_provider_set_max_response_size (KzAniListProvider *self,
                                                         gsize               bytes);
void               kz_anilist_provider_set_max_retry_wait (KzAniListProvider *self,
                                                         guint               seconds);
void               kz_anilist_provider_set_lookahead_batch (KzAniListProvider *self,
                                                         guint               max_ids);
guint              kz_anilist_provider_get_lookahead_batch (KzAniListProvider *self);

gboolean           kz_endpoint_is_acceptable            (const char         *uri,
                                                         GError            **error);
gboolean           kz_endpoint_is_loopback              (const char         *uri);

G_END_DECLS
