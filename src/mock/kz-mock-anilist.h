/* kz-mock-anilist.h: a local stand-in for AniList's GraphQL API
 *
 * A SoupServer on 127.0.0.1 that answers Kizuna's requests from a
 * snapshot (the bundled one by default) and can be told to misbehave.
 * It runs on the thread-default main context it was started on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KZ_TYPE_MOCK_ANILIST (kz_mock_anilist_get_type ())

G_DECLARE_FINAL_TYPE (KzMockAniList, kz_mock_anilist, KZ, MOCK_ANILIST, GObject)

typedef enum {
  KZ_MOCK_FAULT_NONE,
  KZ_MOCK_FAULT_SERVER_ERROR,   /* 500 */
  KZ_MOCK_FAULT_DISABLED,       /* 403 "The AniList API has been temporarily disabled…" */
  KZ_MOCK_FAULT_GRAPHQL_ERROR,  /* 200 with {"data": null, "errors": [...]} */
  KZ_MOCK_FAULT_NOT_FOUND,      /* 404 with a "Not Found." error */
  KZ_MOCK_FAULT_MALFORMED,      /* 200 with a body that is not JSON */
  KZ_MOCK_FAULT_TRUNCATED,      /* 200, the JSON cut in half */
  KZ_MOCK_FAULT_OVERSIZED,      /* 200, a valid answer padded past 16 MiB */
  KZ_MOCK_FAULT_HANG,           /* headers, then a body that never finishes */
  KZ_MOCK_FAULT_DROP,           /* the connection closed without an answer */
} KzMockFault;

KzMockAniList *kz_mock_anilist_new                (void);
KzMockAniList *kz_mock_anilist_new_from_snapshot  (GBytes         *snapshot,
                                                   GError        **error);
gboolean       kz_mock_anilist_start              (KzMockAniList  *self,
                                                   guint           port,
                                                   GError        **error);
char          *kz_mock_anilist_dup_url            (KzMockAniList  *self);

/* Counters (safe to read from any thread) */
guint          kz_mock_anilist_get_request_count  (KzMockAniList  *self);
guint          kz_mock_anilist_get_rate_limited_count (KzMockAniList *self);
guint          kz_mock_anilist_get_ids_requested  (KzMockAniList  *self);
guint          kz_mock_anilist_get_max_batch_seen (KzMockAniList  *self);
guint          kz_mock_anilist_get_nested_count   (KzMockAniList  *self);
void           kz_mock_anilist_reset_counters     (KzMockAniList  *self);

/* Misbehaviour */
void           kz_mock_anilist_set_latency        (KzMockAniList  *self,
                                                   guint           milliseconds);
void           kz_mock_anilist_set_rate_limit     (KzMockAniList  *self,
                                                   guint           max_requests,
                                                   guint           window_seconds);
void           kz_mock_anilist_set_fault          (KzMockAniList  *self,
                                                   KzMockFault     fault,
                                                   guint           n_requests);
void           kz_mock_anilist_set_max_batch      (KzMockAniList  *self,
                                                   guint           max_ids);
void           kz_mock_anilist_set_max_nested_batch (KzMockAniList *self,
                                                   guint           max_ids);
void           kz_mock_anilist_set_nesting_refused (KzMockAniList *self,
                                                   gboolean        refused);
KzMockFault    kz_mock_fault_from_string          (const char     *name);

/* Changes the served data, as an edit on AniList would */
gboolean       kz_mock_anilist_touch              (KzMockAniList  *self,
                                                   gint64          id,
                                                   const char     *new_title);

G_END_DECLS
