/* kz-sidebar-slot.c
 *
 * KzSidebarSlot: one row of the search results. The title in it changes
 * from one search to the next while the row made for it stays: making
 * rows is what a new list of results would cost most.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-sidebar"

#include "config.h"

#include "kz-sidebar-slot.h"

struct _KzSidebarSlot
{
  GObject  parent_instance;
  KzEntry *entry;
};

enum {
  PROP_0,
  PROP_ENTRY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KzSidebarSlot, kz_sidebar_slot, G_TYPE_OBJECT)

static void
kz_sidebar_slot_finalize (GObject *object)
{
  KzSidebarSlot *self = (KzSidebarSlot *)object;

  g_clear_object (&self->entry);

  G_OBJECT_CLASS (kz_sidebar_slot_parent_class)->finalize (object);
}

static void
kz_sidebar_slot_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KzSidebarSlot *self = (KzSidebarSlot *)object;

  switch (prop_id)
    {
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_sidebar_slot_class_init (KzSidebarSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kz_sidebar_slot_finalize;
  object_class->get_property = kz_sidebar_slot_get_property;

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL,
                         KZ_TYPE_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kz_sidebar_slot_init (KzSidebarSlot *self)
{
}

KzSidebarSlot *
kz_sidebar_slot_new (void)
{
  return g_object_new (KZ_TYPE_SIDEBAR_SLOT, NULL);
}

/* Returns: (transfer none) (nullable): the title in the slot */
KzEntry *
kz_sidebar_slot_get_entry (KzSidebarSlot *self)
{
  g_return_val_if_fail (KZ_IS_SIDEBAR_SLOT (self), NULL);

  return self->entry;
}

/* Notifies "entry" when the title changes. */
void
kz_sidebar_slot_set_entry (KzSidebarSlot *self,
                           KzEntry       *entry)
{
  g_return_if_fail (KZ_IS_SIDEBAR_SLOT (self));

  if (g_set_object (&self->entry, entry))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
}
