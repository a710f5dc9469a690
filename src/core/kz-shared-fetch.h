/* kz-shared-fetch.h: one piece of work that several callers wait on
 *
 * The first caller for a key starts the work; later callers with the same
 * key join it and get the same answer. Each caller may cancel on its own;
 * the work itself is cancelled once nobody waits for it. Belongs to one
 * main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kz-relations-service.h"

G_BEGIN_DECLS

typedef struct _KzSharedFetch KzSharedFetch;

/* Answers carry a value and the KzResultFlags that say where it came from. */
void           _kz_task_return_result         (GTask          *task,
                                               gpointer        value,
                                               GDestroyNotify  value_free,
                                               KzResultFlags   flags);
gpointer       _kz_task_propagate_result      (GAsyncResult   *result,
                                               gpointer        source_tag,
                                               KzResultFlags  *flags,
                                               GError        **error);

KzSharedFetch *_kz_shared_fetch_join          (GHashTable     *fetches,
                                               const char     *key,
                                               GTask          *task,
                                               gboolean       *started);
GCancellable  *_kz_shared_fetch_get_cancellable (KzSharedFetch *fetch);
void           _kz_shared_fetch_complete      (KzSharedFetch  *fetch,
                                               GObject        *value,
                                               KzResultFlags   flags,
                                               const GError   *error);

G_END_DECLS
