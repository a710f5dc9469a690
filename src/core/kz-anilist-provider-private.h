/* kz-anilist-provider-private.h: what the provider's source files share
 *
 * kz-anilist-provider.c owns the object, its settings and its statistics,
 * and turns each fetch or search into an operation: a GTask whose task
 * data is a KzAniListOperation. kz-anilist-request.c runs the requests
 * that make up an operation, each from the rate limiter's queue to its
 * parsed answer. Everything here runs on the context the operation was
 * started on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "kz-anilist-provider.h"

G_BEGIN_DECLS

struct _KzAniListProvider
{
  GObject        parent_instance;

  char          *endpoint;
  GUri          *uri;
  KzRateLimiter *limiter;
  SoupSession   *session;

  /* GCancellable of every operation in flight, cancelled on dispose */
  GHashTable    *operations;

  /* Ids per two-level request; lowered for the rest of the session when
   * AniList finds the form too complex, 0 once even a few are refused. */
  guint          lookahead_batch;

  gsize          max_response_size;
  guint          max_retry_wait;
  guint          timeout;

  guint64        requests_sent;
  guint64        rate_limited;
  guint64        failures;
  char          *last_error;
};

/* One fetch or search. Its batches run side by side and share one
 * cancellable, so that the first failure stops the others. */
typedef struct {
  GCancellable *cancellable;
  GSource      *caller_cancelled;
  GPtrArray    *entries;
  GError       *error;
  GArray       *hints;        /* KzRelationHint; only for a lookahead fetch */
  KzPriority    priority;
  guint         n_pending;
} KzAniListOperation;

/* kz-anilist-provider.c */

/* Returns the operation's entries or its first error to the caller and
 * counts the failure; called once n_pending has dropped to 0. */
void _kz_anilist_operation_complete      (GTask        *operation);

/* kz-anilist-request.c */

/* Each counts one more pending request in @operation and starts it; the
 * last request to finish completes the operation. @nested asks for the
 * two-level form (only for a lookahead fetch). */
void _kz_anilist_request_start_for_ids   (GTask        *operation,
                                          const gint64 *ids,
                                          guint         n_ids,
                                          gboolean      nested);
void _kz_anilist_request_start_search    (GTask        *operation,
                                          GBytes       *body);

G_END_DECLS
