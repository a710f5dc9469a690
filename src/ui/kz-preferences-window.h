/* kz-preferences-window.h: the settings a person may change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_PREFERENCES_WINDOW (kz_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (KzPreferencesWindow, kz_preferences_window, KZ, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWindow *kz_preferences_window_new (KzContext *context);

G_END_DECLS
