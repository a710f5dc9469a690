/* kz-entry-row.c: one title in a list: cover, title, format and year
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-entry-row"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-entry-row.h"

#include "kz-cover-image.h"
#include "kz-ui-resources.h"

#define COVER_WIDTH  40
#define COVER_HEIGHT 56

struct _KzEntryRow
{
  GtkWidget  parent_instance;

  KzContext *context;
  KzEntry   *entry;
  GtkWidget *cover;

  GtkWidget *text_box;
  GtkLabel  *relation_label;
  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
};

G_DEFINE_FINAL_TYPE (KzEntryRow, kz_entry_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_ENTRY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "TV · 2013"; either part alone when the other is unknown. */
static char *
dup_subtitle (KzEntry *entry)
{
  KzFormat format = kz_entry_get_format (entry);
  int year = kz_entry_get_year (entry);

  if (format != KZ_FORMAT_UNKNOWN && year > 0)
    /* Translators: a title's format and the year it started, as in "TV · 2013" */
    return g_strdup_printf (_("%s · %d"), kz_format_to_label (format), year);
  if (format != KZ_FORMAT_UNKNOWN)
    return g_strdup (kz_format_to_label (format));
  if (year > 0)
    return g_strdup_printf ("%d", year);

  return g_strdup ("");
}

static void
update_accessible_label (KzEntryRow *self)
{
  const char *relation = gtk_label_get_text (self->relation_label);
  const char *subtitle = gtk_label_get_text (self->subtitle_label);
  GString *label = g_string_new (gtk_label_get_text (self->title_label));

  if (gtk_widget_get_visible (GTK_WIDGET (self->relation_label)) && *relation != '\0')
    g_string_append_printf (label, ", %s", relation);
  if (*subtitle != '\0')
    g_string_append_printf (label, ", %s", subtitle);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label->str,
                                  -1);
  g_string_free (label, TRUE);
}

static void
update_labels (KzEntryRow *self)
{
  g_autofree char *subtitle = NULL;
  KzTitleLanguage language;

  if (self->entry == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      update_accessible_label (self);
      return;
    }

  language = self->context ? kz_context_get_title_language (self->context) : KZ_TITLE_LANGUAGE_ROMAJI;
  subtitle = dup_subtitle (self->entry);

  /* Titles come from the network: plain text, never markup. */
  gtk_label_set_text (self->title_label, kz_entry_get_title (self->entry, language));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), *subtitle != '\0');
  update_accessible_label (self);
}

static void
on_title_language_changed (KzEntryRow *self)
{
  update_labels (self);
}

static void
kz_entry_row_constructed (GObject *object)
{
  KzEntryRow *self = KZ_ENTRY_ROW (object);

  G_OBJECT_CLASS (kz_entry_row_parent_class)->constructed (object);

  /* The title says what the cover shows; it is not read out twice. */
  self->cover = g_object_new (KZ_TYPE_COVER_IMAGE,
                              "context", self->context,
                              "cover-width", COVER_WIDTH,
                              "cover-height", COVER_HEIGHT,
                              "valign", GTK_ALIGN_CENTER,
                              "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                              NULL);
  gtk_widget_insert_after (self->cover, GTK_WIDGET (self), NULL);
  if (self->entry != NULL)
    kz_cover_image_set_entry (KZ_COVER_IMAGE (self->cover), self->entry);

  if (self->context != NULL)
    g_signal_connect_object (self->context, "notify::title-language",
                             G_CALLBACK (on_title_language_changed), self, G_CONNECT_SWAPPED);

  update_labels (self);
}

static void
kz_entry_row_dispose (GObject *object)
{
  KzEntryRow *self = KZ_ENTRY_ROW (object);

  g_clear_pointer (&self->cover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_ENTRY_ROW);
  g_clear_object (&self->entry);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_entry_row_parent_class)->dispose (object);
}

static void
kz_entry_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KzEntryRow *self = KZ_ENTRY_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_entry_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  KzEntryRow *self = KZ_ENTRY_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_ENTRY:
      kz_entry_row_set_entry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_entry_row_class_init (KzEntryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_entry_row_constructed;
  object_class->dispose = kz_entry_row_dispose;
  object_class->get_property = kz_entry_row_get_property;
  object_class->set_property = kz_entry_row_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL,
                         KZ_TYPE_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Naming the resource links it in from the static library, and it
   * registers itself. */
  if (kz_ui_get_resource () == NULL)
    g_error ("The user interface resources are missing");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-entry-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KzEntryRow, text_box);
  gtk_widget_class_bind_template_child (widget_class, KzEntryRow, relation_label);
  gtk_widget_class_bind_template_child (widget_class, KzEntryRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, KzEntryRow, subtitle_label);

  gtk_widget_class_set_css_name (widget_class, "entryrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kz_entry_row_init (KzEntryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kz_entry_row_new (KzContext *context)
{
  g_return_val_if_fail (!context || KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_ENTRY_ROW, "context", context, NULL);
}

/* @entry NULL: an empty row, as list items are while recycled. */
void
kz_entry_row_set_entry (KzEntryRow *self,
                        KzEntry    *entry)
{
  g_return_if_fail (KZ_IS_ENTRY_ROW (self));
  g_return_if_fail (!entry || KZ_IS_ENTRY (entry));

  if (!g_set_object (&self->entry, entry))
    return;

  if (self->cover != NULL)
    kz_cover_image_set_entry (KZ_COVER_IMAGE (self->cover), entry);
  update_labels (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
}

KzEntry *
kz_entry_row_get_entry (KzEntryRow *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY_ROW (self), NULL);

  return self->entry;
}

/* @label: how the title relates to another ("Sequel"), shown above the
 * title; NULL or "" hides it. */
void
kz_entry_row_set_relation (KzEntryRow *self,
                           const char *label)
{
  g_return_if_fail (KZ_IS_ENTRY_ROW (self));

  gtk_label_set_text (self->relation_label, label ? label : "");
  gtk_widget_set_visible (GTK_WIDGET (self->relation_label), label != NULL && *label != '\0');
  update_accessible_label (self);
}

const char *
kz_entry_row_get_title (KzEntryRow *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY_ROW (self), NULL);

  return gtk_label_get_text (self->title_label);
}

const char *
kz_entry_row_get_subtitle (KzEntryRow *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY_ROW (self), NULL);

  return gtk_label_get_text (self->subtitle_label);
}
