/* kz-franchise-walk.h: breadth-first franchise discovery, one batched
 * lookup per level, or per two levels where the provider can look ahead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-entry-resolver.h"

G_BEGIN_DECLS

typedef struct {
  KzResultFlags  flags;
  guint          provider_calls;
  guint          levels;
  KzIngestReport ingest;
} KzWalkReport;

void              _kz_franchise_walk_async  (const KzResolveContext   *context,
                                             gint64                    root_id,
                                             const KzFranchiseOptions *options,
                                             KzDiscoveryProgress       progress,
                                             gpointer                  progress_data,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
KzFranchiseGraph *_kz_franchise_walk_finish (GAsyncResult             *result,
                                             KzWalkReport             *report,
                                             GError                  **error);

GError           *_kz_resolve_missing_error (const KzResolveContext   *context,
                                             KzResolveResult          *result,
                                             gint64                    id);

G_END_DECLS
