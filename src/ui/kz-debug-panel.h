/* kz-debug-panel.h: live numbers from the caches, the provider and the library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_DEBUG_PANEL (kz_debug_panel_get_type ())

G_DECLARE_FINAL_TYPE (KzDebugPanel, kz_debug_panel, KZ, DEBUG_PANEL, AdwWindow)

GtkWindow  *kz_debug_panel_new       (KzContext    *context);

/* Reads every number again; the library's arrive a little later. */
void        kz_debug_panel_update    (KzDebugPanel *self);

/* What "Copy as JSON" puts on the clipboard. */
char       *kz_debug_panel_dup_json  (KzDebugPanel *self);

/* The text shown for a row, by key: "basic.hits", "provider.requests",
 * "library.titles", …; NULL for an unknown key. */
const char *kz_debug_panel_get_value (KzDebugPanel *self,
                                      const char   *key);

G_END_DECLS
