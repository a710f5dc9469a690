/* kz-bundled-private.h: loading any snapshot, for tests of damaged ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-bundled.h"

G_BEGIN_DECLS

GPtrArray *_kz_bundled_load_snapshot (const char  *data,
                                      gsize        length,
                                      gint64      *generated_at,
                                      GError     **error);

G_END_DECLS
