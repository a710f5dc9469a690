/* kz-rating-enricher.h: MyAnimeList's age rating and score for entries
 *
 * Asks Jikan about an entry with a MAL id only when the library has no
 * answer yet, or one older than the maximum age (then with
 * If-None-Match, so that an unchanged answer costs a 304). One request
 * per entry at a time however many callers ask; a failure is remembered
 * and retried only after the retry delay. Answers and failures go into
 * the library. Lives on the thread-default main context it was made
 * on; the library is only touched from worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kz-jikan-provider.h"
#include "kz-store-ratings.h"

G_BEGIN_DECLS

#define KZ_TYPE_RATING_ENRICHER (kz_rating_enricher_get_type ())

#define KZ_RATING_DEFAULT_MAX_AGE     (G_GINT64_CONSTANT (7) * 24 * 60 * 60 * G_USEC_PER_SEC)
#define KZ_RATING_DEFAULT_RETRY_DELAY (G_GINT64_CONSTANT (24) * 60 * 60 * G_USEC_PER_SEC)

G_DECLARE_FINAL_TYPE (KzRatingEnricher, kz_rating_enricher, KZ, RATING_ENRICHER, GObject)

typedef struct {
  guint64 requests;       /* lookups sent to Jikan */
  guint64 not_modified;   /* of those, answered 304 */
  guint64 failures;       /* of those, failed */
  guint64 from_library;   /* answered by the library without a request */
  guint64 from_memory;    /* answered from what this enricher already knew */
  guint64 coalesced;      /* joined a lookup already under way */
} KzRatingEnricherStats;

KzRatingEnricher *kz_rating_enricher_new             (KzStore               *store,
                                                      KzJikanProvider       *jikan);
KzJikanProvider  *kz_rating_enricher_get_provider    (KzRatingEnricher      *self);
void              kz_rating_enricher_set_clock       (KzRatingEnricher      *self,
                                                      KzClockFunc            clock,
                                                      gpointer               clock_data);
/* Microseconds; an answer older than @max_age is revalidated, a failure
 * younger than @retry_delay is not retried. */
void              kz_rating_enricher_set_max_age     (KzRatingEnricher      *self,
                                                      gint64                 max_age);
void              kz_rating_enricher_set_retry_delay (KzRatingEnricher      *self,
                                                      gint64                 retry_delay);
void              kz_rating_enricher_get_stats       (KzRatingEnricher      *self,
                                                      KzRatingEnricherStats *stats);

/* The rating of one entry. An entry without a MAL id completes at once
 * with an info that has no rating. */
void              kz_rating_enricher_enrich_async    (KzRatingEnricher      *self,
                                                      KzEntry               *entry,
                                                      KzPriority             priority,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
KzRatingInfo     *kz_rating_enricher_enrich_finish   (KzRatingEnricher      *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);
/* Every entry of @entries (a franchise, a title's neighbours), the
 * library read once for all of them; failures of single entries are
 * not errors. Returns how many of them have a rating now. */
void              kz_rating_enricher_enrich_many_async  (KzRatingEnricher   *self,
                                                         GPtrArray          *entries,
                                                         KzPriority          priority,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
guint             kz_rating_enricher_enrich_many_finish (KzRatingEnricher   *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

/* What this enricher knows already, without any I/O; NULL when nothing. */
const char       *kz_rating_enricher_peek_rating     (KzRatingEnricher      *self,
                                                      gint64                 entry_id);
/* TRUE for an entry MyAnimeList rates Rx, by the entry's own rating or
 * by what this enricher learnt. */
gboolean          kz_rating_enricher_is_restricted   (KzRatingEnricher      *self,
                                                      KzEntry               *entry);

G_END_DECLS
