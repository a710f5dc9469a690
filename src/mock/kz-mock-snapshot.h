/* kz-mock-snapshot.h: made-up snapshots for the stand-ins, for tests and
 * benchmarks that need a franchise shape the bundled one lacks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An edge from media @from to @to; a list of them ends with a NULL
 * @relation. */
typedef struct {
  gint64      from;
  const char *relation;   /* AniList's relationType, e.g. "SEQUEL" */
  gint64      to;
  gint64      stale_to;   /* an out-of-date SEQUEL edge nested in the
                           * node @to, as a cache of its edges might
                           * still say; 0 for none */
} KzMockEdge;

GBytes *kz_mock_snapshot_new       (gint64            first,
                                    gint64            last,
                                    const KzMockEdge *edges);
GBytes *kz_mock_snapshot_new_chain (gint64            first,
                                    guint             length);

G_END_DECLS
