/* kz-rate-limiter.h: paces requests to a provider
 *
 * A token bucket with a small burst, shared by every request to one
 * provider. A 429 pauses the whole queue. Waiters with a lower priority
 * value go first. Lives on the thread-default main context it was made on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kz-provider.h"

G_BEGIN_DECLS

#define KZ_TYPE_RATE_LIMITER (kz_rate_limiter_get_type ())

G_DECLARE_FINAL_TYPE (KzRateLimiter, kz_rate_limiter, KZ, RATE_LIMITER, GObject)

KzRateLimiter *kz_rate_limiter_new             (double               requests_per_minute,
                                                guint                burst);
double         kz_rate_limiter_get_rate        (KzRateLimiter       *self);
guint          kz_rate_limiter_get_burst       (KzRateLimiter       *self);
void           kz_rate_limiter_acquire_async   (KzRateLimiter       *self,
                                                KzPriority           priority,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       kz_rate_limiter_acquire_finish  (KzRateLimiter       *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void           kz_rate_limiter_pause_until     (KzRateLimiter       *self,
                                                gint64               monotonic_usec);
gint64         kz_rate_limiter_get_paused_until(KzRateLimiter       *self);
guint          kz_rate_limiter_get_n_waiting   (KzRateLimiter       *self);
gint64         kz_rate_limiter_get_wait_usec   (KzRateLimiter       *self);

G_END_DECLS
