/* kz-bundled.h: the library snapshot compiled into Kizuna
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-store.h"

G_BEGIN_DECLS

/* {"format": "kizuna-snapshot", "version": 1, "media": [AniList Media, …]} */
GBytes    *kz_bundled_get_snapshot     (void);
GPtrArray *kz_bundled_load_entries     (GError  **error);
/* Seeds an empty library; does nothing to one that has entries. Returns
 * the number of entries added. */
gboolean   kz_bundled_seed_store       (KzStore  *store,
                                        guint    *n_added,
                                        GError  **error);

G_END_DECLS
