/* kz-application-private.h: what the application's action table shares
 * with the class
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-application.h"

G_BEGIN_DECLS

struct _KzApplication
{
  AdwApplication  parent_instance;

  KzContext      *context;
  GCancellable   *cancellable;   /* opening the library */
  GtkWindow      *debug_panel;   /* weak: one at a time */
  GtkWindow      *preferences;   /* weak: one at a time */
  gboolean        loading;
};

void _kz_application_add_actions (KzApplication *self);
void _kz_application_update_actions (KzApplication *self);

G_END_DECLS
