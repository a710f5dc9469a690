/* kz-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-provider"

#include "config.h"

#include "kz-provider.h"

G_DEFINE_QUARK (kz-provider-error-quark, kz_provider_error)
G_DEFINE_INTERFACE (KzProvider, kz_provider, G_TYPE_OBJECT)

static void
kz_provider_default_init (KzProviderInterface *iface)
{
}

const char *
kz_provider_get_name (KzProvider *self)
{
  g_return_val_if_fail (KZ_IS_PROVIDER (self), NULL);

  return KZ_PROVIDER_GET_IFACE (self)->get_name (self);
}

void
kz_provider_fetch_async (KzProvider          *self,
                         const gint64        *ids,
                         guint                n_ids,
                         KzPriority           priority,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (KZ_IS_PROVIDER (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  KZ_PROVIDER_GET_IFACE (self)->fetch_async (self, ids, n_ids, priority,
                                             cancellable, callback, user_data);
}

GPtrArray *
kz_provider_fetch_finish (KzProvider    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (KZ_IS_PROVIDER (self), NULL);

  return KZ_PROVIDER_GET_IFACE (self)->fetch_finish (self, result, error);
}

void
kz_provider_search_async (KzProvider          *self,
                          const char          *text,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (KZ_IS_PROVIDER (self));
  g_return_if_fail (text != NULL);

  KZ_PROVIDER_GET_IFACE (self)->search_async (self, text, limit,
                                              cancellable, callback, user_data);
}

GPtrArray *
kz_provider_search_finish (KzProvider    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (KZ_IS_PROVIDER (self), NULL);

  return KZ_PROVIDER_GET_IFACE (self)->search_finish (self, result, error);
}

void
kz_provider_get_stats (KzProvider      *self,
                       KzProviderStats *stats)
{
  g_return_if_fail (KZ_IS_PROVIDER (self));
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  if (KZ_PROVIDER_GET_IFACE (self)->get_stats != NULL)
    KZ_PROVIDER_GET_IFACE (self)->get_stats (self, stats);
}

gboolean
kz_provider_can_check_updated (KzProvider *self)
{
  g_return_val_if_fail (KZ_IS_PROVIDER (self), FALSE);

  return KZ_PROVIDER_GET_IFACE (self)->check_updated_async != NULL;
}

void
kz_provider_check_updated_async (KzProvider          *self,
                                 const gint64        *ids,
                                 guint                n_ids,
                                 KzPriority           priority,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  KzProviderInterface *iface;

  g_return_if_fail (KZ_IS_PROVIDER (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  iface = KZ_PROVIDER_GET_IFACE (self);
  if (iface->check_updated_async == NULL)
    {
      g_task_report_new_error (self, callback, user_data, kz_provider_check_updated_async,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s cannot tell what changed without fetching it",
                               kz_provider_get_name (self));
      return;
    }

  iface->check_updated_async (self, ids, n_ids, priority, cancellable, callback, user_data);
}

GHashTable *
kz_provider_check_updated_finish (KzProvider    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (KZ_IS_PROVIDER (self), NULL);

  if (g_async_result_is_tagged (result, kz_provider_check_updated_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return KZ_PROVIDER_GET_IFACE (self)->check_updated_finish (self, result, error);
}

static gboolean
has_lookahead (KzProvider *self)
{
  KzProviderInterface *iface = KZ_PROVIDER_GET_IFACE (self);

  return iface->fetch_lookahead_async != NULL && iface->fetch_lookahead_finish != NULL &&
         iface->get_lookahead_batch != NULL;
}

guint
kz_provider_get_lookahead_batch (KzProvider *self)
{
  g_return_val_if_fail (KZ_IS_PROVIDER (self), 0);

  if (!has_lookahead (self))
    return 0;

  return KZ_PROVIDER_GET_IFACE (self)->get_lookahead_batch (self);
}

void
kz_provider_fetch_lookahead_async (KzProvider          *self,
                                   const gint64        *ids,
                                   guint                n_ids,
                                   KzPriority           priority,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (KZ_IS_PROVIDER (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  if (!has_lookahead (self))
    {
      KZ_PROVIDER_GET_IFACE (self)->fetch_async (self, ids, n_ids, priority,
                                                 cancellable, callback, user_data);
      return;
    }

  KZ_PROVIDER_GET_IFACE (self)->fetch_lookahead_async (self, ids, n_ids, priority,
                                                       cancellable, callback, user_data);
}

GPtrArray *
kz_provider_fetch_lookahead_finish (KzProvider    *self,
                                    GAsyncResult  *result,
                                    GArray       **hints,
                                    GError       **error)
{
  GPtrArray *entries;

  g_return_val_if_fail (KZ_IS_PROVIDER (self), NULL);

  if (hints != NULL)
    *hints = NULL;

  if (has_lookahead (self))
    return KZ_PROVIDER_GET_IFACE (self)->fetch_lookahead_finish (self, result, hints, error);

  entries = KZ_PROVIDER_GET_IFACE (self)->fetch_finish (self, result, error);
  if (entries != NULL && hints != NULL)
    *hints = g_array_new (FALSE, FALSE, sizeof (KzRelationHint));

  return entries;
}

void
kz_provider_stats_clear (KzProviderStats *stats)
{
  g_clear_pointer (&stats->last_error, g_free);
}
