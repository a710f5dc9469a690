/* kz-entry-resolver.h: full entries for a set of ids, from the library
 * while fresh, else from the provider, else an older library copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-clock.h"
#include "kz-ingest.h"
#include "kz-provider.h"
#include "kz-relations-service.h"
#include "kz-store.h"

G_BEGIN_DECLS

/* What a peer desktop tracker does: a finished series changes rarely,
 * an airing one weekly or faster. */
#define KZ_FINISHED_MAX_AGE (7 * KZ_USEC_PER_DAY)
#define KZ_AIRING_MAX_AGE   (KZ_USEC_PER_HOUR)

typedef struct {
  KzStore      *store;
  KzProvider   *provider;     /* NULL: library only */
  KzFetchFlags  flags;
  KzPriority    priority;
  guint         batch_size;   /* ids per provider call; 0: no limit */
  gint64        now;          /* wall clock, microseconds */
  gboolean      lookahead;    /* ask for the related entries' relations
                               * too (kz_provider_fetch_lookahead_async) */
} KzResolveContext;

typedef struct {
  GPtrArray      *entries;         /* full KzEntry, in no particular order */
  KzResultFlags   flags;
  GError         *provider_error;  /* the provider failed for some ids */
  guint           provider_calls;
  KzIngestReport  ingest;
  GArray         *hints;           /* KzRelationHint from our own fetches
                                    * (with lookahead), possibly stale */
} KzResolveResult;

gboolean         _kz_entry_is_fresh            (KzEntry                *entry,
                                                gint64                  fetched_at,
                                                gint64                  now);
void             _kz_entry_resolver_run_async  (const KzResolveContext *context,
                                                const gint64           *ids,
                                                guint                   n_ids,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
KzResolveResult *_kz_entry_resolver_run_finish (GAsyncResult           *result,
                                                GError                **error);
void             _kz_resolve_result_free       (KzResolveResult        *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KzResolveResult, _kz_resolve_result_free)

G_END_DECLS
