/* kz-refresh-worker.h: keeps the stored titles fresh in the background
 *
 * Now and then, the titles of the library that are due by the refresh
 * policy are checked with the provider's cheap updatedAt query, 50 to a
 * request; only those that changed are fetched again, 50 to a request,
 * and the others are marked as checked. Every request waits behind the
 * person's own (KZ_PRIORITY_BACKGROUND), and nothing is asked that is
 * not already stored. Lives on the main context it was started on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-relations-service.h"

G_BEGIN_DECLS

#define KZ_TYPE_REFRESH_WORKER (kz_refresh_worker_get_type ())

G_DECLARE_FINAL_TYPE (KzRefreshWorker, kz_refresh_worker, KZ, REFRESH_WORKER, GObject)

/* Seconds; a run also starts shortly after the app does */
#define KZ_REFRESH_DEFAULT_FIRST_DELAY  60
#define KZ_REFRESH_DEFAULT_INTERVAL     (10 * 60)
/* Titles one run looks at, oldest first; the next run goes on. */
#define KZ_REFRESH_MAX_PER_RUN          500

typedef struct {
  guint checked;     /* asked about with the cheap query */
  guint changed;     /* changed since stored, or not checkable */
  guint fetched;     /* fetched again and saved */
  guint unchanged;   /* found current: only marked as checked */
} KzRefreshCounts;

KzRefreshWorker *kz_refresh_worker_new          (KzRelationsService  *service);
KzRelationsService *kz_refresh_worker_get_service (KzRefreshWorker   *self);
/* How old a stored title may get, in microseconds: finished and
 * cancelled ones, and the others (airing, upcoming, on hiatus). */
void             kz_refresh_worker_set_policy   (KzRefreshWorker     *self,
                                                 gint64               finished_max_age,
                                                 gint64               airing_max_age);
void             kz_refresh_worker_get_policy   (KzRefreshWorker     *self,
                                                 gint64              *finished_max_age,
                                                 gint64              *airing_max_age);
void             kz_refresh_worker_set_schedule (KzRefreshWorker     *self,
                                                 guint                first_delay_seconds,
                                                 guint                interval_seconds);
/* Runs after the first delay, then an interval after each run ends.
 * Stopping cancels the run under way; so does disposing. */
void             kz_refresh_worker_start        (KzRefreshWorker     *self);
void             kz_refresh_worker_stop         (KzRefreshWorker     *self);
gboolean         kz_refresh_worker_is_started   (KzRefreshWorker     *self);
gboolean         kz_refresh_worker_is_busy      (KzRefreshWorker     *self);

/* One run now, whatever the schedule. */
void             kz_refresh_worker_run_async    (KzRefreshWorker     *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         kz_refresh_worker_run_finish   (KzRefreshWorker     *self,
                                                 GAsyncResult        *result,
                                                 KzRefreshCounts     *counts,
                                                 GError             **error);

/* Shared with kz_relations_service_refresh_library_async(): refreshes up
 * to @limit (0: every) stored titles due by the policy, as above. */
void             _kz_refresh_due_async          (KzRelationsService  *service,
                                                 gint64               finished_max_age,
                                                 gint64               airing_max_age,
                                                 guint                limit,
                                                 KzRefreshProgress    progress,
                                                 gpointer             progress_data,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         _kz_refresh_due_finish         (GAsyncResult        *result,
                                                 KzRefreshCounts     *counts,
                                                 GError             **error);

G_END_DECLS
