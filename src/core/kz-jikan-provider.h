/* kz-jikan-provider.h: Jikan v4, a read-only mirror of MyAnimeList
 *
 * Used next to AniList for what AniList does not have: MyAnimeList's age
 * rating and score. As a KzProvider its ids are MyAnimeList ids (see
 * kz-jikan-parser.h). Every request goes through one rate limiter, at
 * most one a second by default; a 429 pauses it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-provider.h"
#include "kz-rate-limiter.h"

G_BEGIN_DECLS

#define KZ_TYPE_JIKAN_PROVIDER (kz_jikan_provider_get_type ())

#define KZ_JIKAN_DEFAULT_ENDPOINT "https://api.jikan.moe/v4/"
/* Jikan documents 60 a minute and 3 a second, but answers 429 at about
 * one request per 1.1 s: one a second, never two at once. */
#define KZ_JIKAN_DEFAULT_RPM      60.0
#define KZ_JIKAN_DEFAULT_BURST    1

G_DECLARE_FINAL_TYPE (KzJikanProvider, kz_jikan_provider, KZ, JIKAN_PROVIDER, GObject)

/* One answer of /anime/{id}/full. */
typedef struct {
  KzEntry  *entry;         /* NULL when not modified */
  char     *etag;          /* to send back as If-None-Match; may be NULL */
  gboolean  not_modified;  /* 304: what the caller holds is still right */
} KzJikanLookup;

void             kz_jikan_lookup_free                  (KzJikanLookup       *lookup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KzJikanLookup, kz_jikan_lookup_free)

/* endpoint NULL: $KIZUNA_JIKAN_URL or the public one; limiter NULL: a
 * new one at the default pace. Fails with KZ_PROVIDER_ERROR_INSECURE
 * for a plain-http endpoint off loopback. */
KzJikanProvider *kz_jikan_provider_new                 (const char          *endpoint,
                                                        KzRateLimiter       *limiter,
                                                        GError             **error);
const char      *kz_jikan_provider_get_endpoint        (KzJikanProvider     *self);
KzRateLimiter   *kz_jikan_provider_get_rate_limiter    (KzJikanProvider     *self);
void             kz_jikan_provider_set_timeout         (KzJikanProvider     *self,
                                                        guint                seconds);
void             kz_jikan_provider_set_max_retry_wait  (KzJikanProvider     *self,
                                                        guint                seconds);
/* "Not modified" answers received so far. */
guint64          kz_jikan_provider_get_n_not_modified  (KzJikanProvider     *self);

/* One request for @mal_id, sent with If-None-Match: @etag when given. */
void             kz_jikan_provider_lookup_async        (KzJikanProvider     *self,
                                                        gint64               mal_id,
                                                        const char          *etag,
                                                        KzPriority           priority,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
KzJikanLookup   *kz_jikan_provider_lookup_finish       (KzJikanProvider     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
