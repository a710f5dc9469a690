/* kz-sidebar-list.c
 *
 * KzSidebarList: the rows shown, over an array that is never changed
 * once shown. Showing another array is one items-changed, however long
 * either is, and reading a row is an index.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-sidebar"

#include "config.h"

#include "kz-sidebar-list.h"

#include "kizuna-core.h"
#include "kz-library-sorter.h"

struct _KzSidebarList
{
  GObject    parent_instance;
  GPtrArray *items;  /* of KzEntry; NULL: none */
};

static GType
kz_sidebar_list_get_item_type (GListModel *model)
{
  return KZ_TYPE_ENTRY;
}

static guint
kz_sidebar_list_get_n_items (GListModel *model)
{
  KzSidebarList *self = (KzSidebarList *)model;

  return self->items != NULL ? self->items->len : 0;
}

static gpointer
kz_sidebar_list_get_item (GListModel *model,
                          guint       position)
{
  KzSidebarList *self = (KzSidebarList *)model;

  if (self->items == NULL || position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
kz_sidebar_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kz_sidebar_list_get_item_type;
  iface->get_n_items = kz_sidebar_list_get_n_items;
  iface->get_item = kz_sidebar_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (KzSidebarList, kz_sidebar_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kz_sidebar_list_model_init))

static void
kz_sidebar_list_finalize (GObject *object)
{
  KzSidebarList *self = (KzSidebarList *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (kz_sidebar_list_parent_class)->finalize (object);
}

static void
kz_sidebar_list_class_init (KzSidebarListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kz_sidebar_list_finalize;
}

static void
kz_sidebar_list_init (KzSidebarList *self)
{
}

KzSidebarList *
kz_sidebar_list_new (void)
{
  return g_object_new (KZ_TYPE_SIDEBAR_LIST, NULL);
}

/* Takes a reference on @items, which must not change afterwards; the
 * one on the array shown before is dropped off the main thread.
 *
 * Only the range that differs is reported: the list view keeps the rows
 * of the titles before and after it, and takes back the rows of titles
 * that stay within it. */
void
kz_sidebar_list_set_items (KzSidebarList *self,
                           GPtrArray     *items)
{
  GPtrArray *old;
  guint n_old, n_new, start = 0, end = 0;

  g_return_if_fail (KZ_IS_SIDEBAR_LIST (self));

  if (items == self->items)
    return;

  old = g_steal_pointer (&self->items);
  n_old = old != NULL ? old->len : 0;
  self->items = items != NULL ? g_ptr_array_ref (items) : NULL;
  n_new = items != NULL ? items->len : 0;

  while (start < n_old && start < n_new &&
         old->pdata[start] == items->pdata[start])
    start++;
  while (end < n_old - start && end < n_new - start &&
         old->pdata[n_old - 1 - end] == items->pdata[n_new - 1 - end])
    end++;

  if (n_old - start - end > 0 || n_new - start - end > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), start, n_old - start - end, n_new - start - end);

  kz_library_sorter_release (old, NULL);
}
