/* kz-store-ratings.h: MyAnimeList's age ratings and scores in the library
 *
 * Like every other library call, these block on disk: call them from a
 * worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-store.h"

G_BEGIN_DECLS

/* What Jikan last told about one AniList entry's MyAnimeList page. */
typedef struct {
  gint64  entry_id;      /* AniList id */
  gint64  mal_id;
  char   *rating;        /* "PG-13 - Teens 13 or older", …; NULL when unknown */
  double  mal_score;     /* out of 10; 0 when unscored */
  char   *etag;          /* to revalidate with If-None-Match; NULL when none */
  gint64  fetched_at;    /* last answer (fresh or "not modified"), our clock, µs; 0: never */
  gint64  failed_at;     /* last failed lookup, our clock, µs; 0: none since the answer */
  int     failure_code;  /* KzProviderError of that failure */
  char   *failure;       /* its message */
} KzRatingInfo;

KzRatingInfo *kz_rating_info_new          (gint64               entry_id,
                                           gint64               mal_id);
KzRatingInfo *kz_rating_info_copy         (const KzRatingInfo  *info);
void          kz_rating_info_free         (KzRatingInfo        *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KzRatingInfo, kz_rating_info_free)

/* "Rx - Hentai" and anything else MyAnimeList marks Rx. */
gboolean      kz_age_rating_is_restricted (const char          *rating);

/* NULL without an error when nothing is stored for @entry_id. */
KzRatingInfo *kz_store_get_rating         (KzStore             *self,
                                           gint64               entry_id,
                                           GError             **error);
/* One statement for all ids; only the ids with a row, in the order of
 * @ids. */
GPtrArray    *kz_store_get_ratings        (KzStore             *self,
                                           const gint64        *entry_ids,
                                           guint                n_ids,
                                           GError             **error);
/* Replaces the row of info->entry_id with @info as it is. */
gboolean      kz_store_save_rating        (KzStore             *self,
                                           const KzRatingInfo  *info,
                                           GError             **error);

G_END_DECLS
