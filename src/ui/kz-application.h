/* kz-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_APPLICATION (kz_application_get_type ())

G_DECLARE_FINAL_TYPE (KzApplication, kz_application, KZ, APPLICATION, AdwApplication)

KzApplication *kz_application_new         (void);
KzContext     *kz_application_get_context (KzApplication *self);
void           kz_application_set_context (KzApplication *self,
                                           KzContext     *context);

G_END_DECLS
