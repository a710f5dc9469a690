/* kz-provider.h: a remote source of anime entries (AniList, Jikan, …)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kz-entry.h"

G_BEGIN_DECLS

#define KZ_TYPE_PROVIDER (kz_provider_get_type ())
#define KZ_PROVIDER_ERROR (kz_provider_error_quark ())

G_DECLARE_INTERFACE (KzProvider, kz_provider, KZ, PROVIDER, GObject)

typedef enum {
  KZ_PROVIDER_ERROR_NETWORK = 1,     /* no connection, refused, dropped */
  KZ_PROVIDER_ERROR_TIMEOUT,         /* no complete answer in time */
  KZ_PROVIDER_ERROR_RATE_LIMITED,    /* 429 and the wait is too long */
  KZ_PROVIDER_ERROR_UNAVAILABLE,     /* 5xx, or AniList's 403 "disabled" */
  KZ_PROVIDER_ERROR_NOT_FOUND,       /* the id does not exist */
  KZ_PROVIDER_ERROR_INVALID_RESPONSE,/* malformed or truncated JSON */
  KZ_PROVIDER_ERROR_TOO_LARGE,       /* response over the size cap */
  KZ_PROVIDER_ERROR_QUERY,           /* the service rejected the query */
  KZ_PROVIDER_ERROR_COMPLEXITY,      /* query too complex: split it */
  KZ_PROVIDER_ERROR_INSECURE,        /* non-loopback endpoint without https */
} KzProviderError;

/* Work that a person waits for goes before background refreshes. */
typedef enum {
  KZ_PRIORITY_USER,
  KZ_PRIORITY_BACKGROUND,
} KzPriority;

typedef struct {
  guint64  requests_sent;
  guint    requests_waiting;   /* queued behind the rate limiter now */
  guint64  rate_limited;       /* 429 answers received */
  guint64  failures;
  gint64   wait_usec;          /* spent waiting on the rate limiter */
  gint64   paused_until;       /* monotonic time a 429 pauses to, or 0 */
  char    *last_error;         /* NULL when none */
} KzProviderStats;

/* An edge one level further out than a fetch asked for: @from is a
 * related entry of a fetched one, which relates to @to. Only for planning
 * the next fetch of a walk: it may be stale, and the full entry of @from
 * is the truth. */
typedef struct {
  gint64          from;
  gint64          to;
  KzRelationType  type;
  KzMediaType     to_media_type;
} KzRelationHint;

struct _KzProviderInterface
{
  GTypeInterface parent_iface;

  const char *(*get_name)     (KzProvider           *self);
  void        (*fetch_async)  (KzProvider           *self,
                               const gint64         *ids,
                               guint                 n_ids,
                               KzPriority            priority,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  GPtrArray  *(*fetch_finish) (KzProvider           *self,
                               GAsyncResult         *result,
                               GError              **error);
  void        (*search_async) (KzProvider           *self,
                               const char           *text,
                               guint                 limit,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  GPtrArray  *(*search_finish)(KzProvider           *self,
                               GAsyncResult         *result,
                               GError              **error);
  void        (*get_stats)    (KzProvider           *self,
                               KzProviderStats      *stats);

  /* Optional: when each id last changed at the provider, for far less
   * than a fetch costs. */
  void        (*check_updated_async)  (KzProvider          *self,
                                       const gint64        *ids,
                                       guint                n_ids,
                                       KzPriority           priority,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
  GHashTable *(*check_updated_finish) (KzProvider          *self,
                                       GAsyncResult        *result,
                                       GError             **error);

  /* Optional: a fetch that also brings the relations of each related
   * entry, as hints. get_lookahead_batch gives the ids such a fetch can
   * take per request now, 0 when it cannot (any more). */
  guint       (*get_lookahead_batch)    (KzProvider          *self);
  void        (*fetch_lookahead_async)  (KzProvider          *self,
                                         const gint64        *ids,
                                         guint                n_ids,
                                         KzPriority           priority,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  GPtrArray  *(*fetch_lookahead_finish) (KzProvider          *self,
                                         GAsyncResult        *result,
                                         GArray             **hints,
                                         GError             **error);
};

GQuark      kz_provider_error_quark (void);

const char *kz_provider_get_name      (KzProvider           *self);
/* Full entries for every id that exists, in no particular order; ids
 * that do not exist are missing from the array. */
void        kz_provider_fetch_async   (KzProvider           *self,
                                       const gint64         *ids,
                                       guint                 n_ids,
                                       KzPriority            priority,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray  *kz_provider_fetch_finish  (KzProvider           *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        kz_provider_search_async  (KzProvider           *self,
                                       const char           *text,
                                       guint                 limit,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray  *kz_provider_search_finish (KzProvider           *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        kz_provider_get_stats     (KzProvider           *self,
                                       KzProviderStats      *stats);

/* The cheap freshness check, where the provider has one: the table maps
 * each id it knows (a gint64 key, g_int64_hash) to its last change in
 * unix seconds (a gint64 value, 0 when the provider did not say); ids
 * it does not know are missing. Without it, _async fails with
 * G_IO_ERROR_NOT_SUPPORTED. */
gboolean    kz_provider_can_check_updated    (KzProvider           *self);
void        kz_provider_check_updated_async  (KzProvider           *self,
                                              const gint64         *ids,
                                              guint                 n_ids,
                                              KzPriority            priority,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GHashTable *kz_provider_check_updated_finish (KzProvider           *self,
                                              GAsyncResult         *result,
                                              GError              **error);
/* The fetch with a look one level further out, where the provider has
 * it: @hints (KzRelationHint) gets the edges of the fetched entries'
 * related entries. Without it, or while get_lookahead_batch is 0, this
 * is kz_provider_fetch_async() and the hints come back empty. */
guint       kz_provider_get_lookahead_batch    (KzProvider           *self);
void        kz_provider_fetch_lookahead_async  (KzProvider           *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                KzPriority            priority,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray  *kz_provider_fetch_lookahead_finish (KzProvider           *self,
                                                GAsyncResult         *result,
                                                GArray              **hints,
                                                GError              **error);
void        kz_provider_stats_clear   (KzProviderStats      *stats);

G_END_DECLS
