/* kz-store-recovery.h: opening a library that may be damaged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-store.h"

G_BEGIN_DECLS

/* Like kz_store_open(), but a damaged library (truncated, garbage,
 * failing SQLite's quick check) is moved aside, never deleted, and
 * replaced by a fresh one seeded from the bundled snapshot.
 * @recovered_path is then set to where the old file now is, for the
 * caller to tell the person; NULL otherwise. A library from a newer
 * Kizuna, another program's database or a file another program still
 * has open is never moved: those fail with kz_store_open()'s errors.
 * Blocks on disk. */
KzStore *kz_store_open_or_recover (const char  *path,
                                   char       **recovered_path,
                                   GError     **error);

G_END_DECLS
