/* kz-relations-service-private.h: knobs for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-relations-service.h"

G_BEGIN_DECLS

/* Ids per provider call; 0 (the default) lets the provider batch as it
 * can. 1 gives the one-request-per-entry walk that benchmarks compare
 * against. */
void _kz_relations_service_set_batch_size (KzRelationsService *self,
                                           guint               batch_size);

gint64 _kz_relations_service_now          (KzRelationsService   *self);
void   _kz_relations_service_add_ingest   (KzRelationsService   *self,
                                           const KzIngestReport *report);

G_END_DECLS
