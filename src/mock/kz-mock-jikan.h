/* kz-mock-jikan.h: a local stand-in for Jikan v4 (MyAnimeList)
 *
 * A SoupServer on 127.0.0.1 that answers /v4/anime/{id}/full and
 * /v4/anime?q= for the MAL ids of a snapshot (the bundled one by
 * default), with an age rating and a score made up from each entry's
 * AniList data (Rx for adult entries). Answers carry an ETag and a
 * matching If-None-Match gets 304. It can be told to rate limit and to
 * fail. It runs on the thread-default main context it was started on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KZ_TYPE_MOCK_JIKAN (kz_mock_jikan_get_type ())

G_DECLARE_FINAL_TYPE (KzMockJikan, kz_mock_jikan, KZ, MOCK_JIKAN, GObject)

typedef enum {
  KZ_MOCK_JIKAN_FAULT_NONE,
  KZ_MOCK_JIKAN_FAULT_SERVER_ERROR,  /* 500, "upstream" failure */
  KZ_MOCK_JIKAN_FAULT_MAINTENANCE,   /* 503 */
  KZ_MOCK_JIKAN_FAULT_MALFORMED,     /* 200 with a body that is not JSON */
  KZ_MOCK_JIKAN_FAULT_NOT_FOUND,     /* 404 "Resource does not exist" */
} KzMockJikanFault;

KzMockJikan      *kz_mock_jikan_new                 (void);
KzMockJikan      *kz_mock_jikan_new_from_snapshot   (GBytes       *snapshot,
                                                     GError      **error);
gboolean          kz_mock_jikan_start               (KzMockJikan  *self,
                                                     guint         port,
                                                     GError      **error);
/* "http://127.0.0.1:PORT/v4/", or NULL before start() */
char             *kz_mock_jikan_dup_url             (KzMockJikan  *self);
/* The rating served for @mal_id (NULL when it has none or is unknown) */
const char       *kz_mock_jikan_get_rating          (KzMockJikan  *self,
                                                     gint64        mal_id);

/* Counters (safe to read from any thread) */
guint             kz_mock_jikan_get_request_count       (KzMockJikan *self);
guint             kz_mock_jikan_get_not_modified_count  (KzMockJikan *self);
guint             kz_mock_jikan_get_rate_limited_count  (KzMockJikan *self);
/* Monotonic times (µs) at which each request arrived, in order */
GArray           *kz_mock_jikan_dup_request_times       (KzMockJikan *self);
/* The If-None-Match of the latest request, or NULL */
char             *kz_mock_jikan_dup_last_if_none_match  (KzMockJikan *self);
void              kz_mock_jikan_reset_counters          (KzMockJikan *self);

/* Misbehaviour */
void              kz_mock_jikan_set_latency         (KzMockJikan      *self,
                                                     guint             milliseconds);
/* 429 past @max_requests in a window of @window_seconds; 0 turns it off */
void              kz_mock_jikan_set_rate_limit      (KzMockJikan      *self,
                                                     guint             max_requests,
                                                     guint             window_seconds);
/* The next @n_requests answers (0: all, until cleared) */
void              kz_mock_jikan_set_fault           (KzMockJikan      *self,
                                                     KzMockJikanFault  fault,
                                                     guint             n_requests);
KzMockJikanFault  kz_mock_jikan_fault_from_string   (const char       *name,
                                                     gboolean         *known);

G_END_DECLS
