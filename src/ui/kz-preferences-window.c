/* kz-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-preferences-window.h"

#include "kz-anilist-provider.h"
#include "kz-ui-resources.h"

struct _KzPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  KzContext            *context;
  GSettings            *settings;

  GtkSwitch            *relation_switches[KZ_RELATION_N_TYPES];
  gboolean              reading_relations;

  /* Template widgets */
  AdwComboRow          *language_row;
  GtkSwitch            *adult_switch;
  AdwPreferencesGroup  *relations_group;
  AdwEntryRow          *endpoint_row;
  GtkAdjustment        *ttl_basic_adjustment;
  GtkAdjustment        *ttl_detailed_adjustment;
  GtkAdjustment        *ttl_franchise_adjustment;
};

G_DEFINE_FINAL_TYPE (KzPreferencesWindow, kz_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the combo row's model and of KzTitleLanguage. */
static const char * const language_nicks[] = { "romaji", "english", "native" };

/* Title language */

static gboolean
language_from_setting (GValue   *value,
                       GVariant *variant,
                       gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (language_nicks); i++)
    {
      if (g_str_equal (nick, language_nicks[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
language_to_setting (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (language_nicks))
    return NULL;

  return g_variant_new_string (language_nicks[selected]);
}

/* Franchise relations */

static KzRelationMask
relations_from_setting (KzPreferencesWindow *self)
{
  g_auto(GStrv) names = g_settings_get_strv (self->settings, "franchise-relations");
  KzRelationMask mask = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      KzRelationType type = kz_relation_type_from_string (names[i]);

      if (type != KZ_RELATION_UNKNOWN)
        mask |= KZ_RELATION_MASK (type);
    }

  /* An empty list means the default set, as the franchise walk reads it. */
  return mask != 0 ? mask : KZ_RELATION_MASK_DEFAULT;
}

/* The last relation left on cannot be turned off: a franchise needs at
 * least one way from one title to the next. */
static void
update_relation_sensitivity (KzPreferencesWindow *self)
{
  guint n_active = 0;

  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    if (gtk_switch_get_active (self->relation_switches[type]))
      n_active++;

  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (self->relation_switches[type]),
                                                ADW_TYPE_ACTION_ROW);
      gboolean locked = n_active == 1 && gtk_switch_get_active (self->relation_switches[type]);

      gtk_widget_set_sensitive (row, !locked);
    }
}

static void
read_relations (KzPreferencesWindow *self)
{
  KzRelationMask mask = relations_from_setting (self);

  self->reading_relations = TRUE;
  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    gtk_switch_set_active (self->relation_switches[type],
                           (mask & KZ_RELATION_MASK (type)) != 0);
  self->reading_relations = FALSE;

  update_relation_sensitivity (self);
}

static void
write_relations (KzPreferencesWindow *self)
{
  g_auto(GStrv) current = g_settings_get_strv (self->settings, "franchise-relations");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  /* Names this version does not know stay as they are. */
  for (guint i = 0; current[i] != NULL; i++)
    if (kz_relation_type_from_string (current[i]) == KZ_RELATION_UNKNOWN)
      g_strv_builder_add (builder, current[i]);

  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    if (gtk_switch_get_active (self->relation_switches[type]))
      g_strv_builder_add (builder, kz_relation_type_to_string (type));

  names = g_strv_builder_end (builder);
  if (!g_strv_equal ((const char * const *) names, (const char * const *) current))
    g_settings_set_strv (self->settings, "franchise-relations", (const char * const *) names);
}

static void
relation_switch_changed (KzPreferencesWindow *self)
{
  if (self->reading_relations)
    return;

  write_relations (self);
  update_relation_sensitivity (self);
}

static const char *
relation_explanation (KzRelationType type)
{
  switch (type)
    {
    case KZ_RELATION_CHARACTER:
    case KZ_RELATION_OTHER:
      return _("May merge unrelated franchises through crossovers");

    case KZ_RELATION_ADAPTATION:
    case KZ_RELATION_SOURCE:
      return _("Mostly leads to manga and novels, which franchises leave out");

    case KZ_RELATION_UNKNOWN:
    case KZ_RELATION_PREQUEL:
    case KZ_RELATION_SEQUEL:
    case KZ_RELATION_PARENT:
    case KZ_RELATION_SIDE_STORY:
    case KZ_RELATION_SUMMARY:
    case KZ_RELATION_ALTERNATIVE:
    case KZ_RELATION_SPIN_OFF:
    case KZ_RELATION_COMPILATION:
    case KZ_RELATION_CONTAINS:
    case KZ_RELATION_SAME_UNIVERSE:
    case KZ_RELATION_N_TYPES:
    default:
      return NULL;
    }
}

static void
build_relation_rows (KzPreferencesWindow *self)
{
  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    {
      const char *label = kz_relation_type_to_label (type);
      const char *explanation = relation_explanation (type);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      if (explanation != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), explanation);

      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (self->relations_group, row);

      self->relation_switches[type] = GTK_SWITCH (toggle);
    }
}

/* Endpoint */

static void
show_toast (KzPreferencesWindow *self,
            const char          *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 4);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
read_endpoint (KzPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "anilist-endpoint");

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row)), endpoint) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);

  gtk_widget_remove_css_class (GTK_WIDGET (self->endpoint_row), "error");
}

static void
endpoint_apply_cb (KzPreferencesWindow *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row)));
  g_autofree char *current = g_settings_get_string (self->settings, "anilist-endpoint");
  g_autoptr(GError) error = NULL;

  g_strstrip (text);

  /* Empty means AniList itself; anything else must pass the same check
   * the provider makes when it starts. */
  if (text[0] != '\0' && !kz_endpoint_is_acceptable (text, &error))
    {
      g_debug ("Not saving the endpoint: %s", error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->endpoint_row), "error");
      show_toast (self, _("Use https for addresses other than this computer"));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->endpoint_row), "error");
  if (!g_str_equal (text, gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row))))
    gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), text);

  if (!g_str_equal (text, current))
    {
      g_settings_set_string (self->settings, "anilist-endpoint", text);
      show_toast (self, _("Saved; Kizuna uses it from its next start"));
    }
}

static void
endpoint_changed_cb (KzPreferencesWindow *self)
{
  /* The mark goes as soon as the address is edited again. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->endpoint_row), "error");
}

/* GObject */

static void
kz_preferences_window_constructed (GObject *object)
{
  KzPreferencesWindow *self = KZ_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (kz_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (KZ_IS_CONTEXT (self->context));

  self->settings = g_object_ref (kz_context_get_settings (self->context));

  g_settings_bind_with_mapping (self->settings, "title-language",
                                self->language_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                language_from_setting, language_to_setting,
                                NULL, NULL);
  g_settings_bind (self->settings, "show-adult",
                   self->adult_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ttl-basic-minutes",
                   self->ttl_basic_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ttl-detailed-minutes",
                   self->ttl_detailed_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ttl-franchise-minutes",
                   self->ttl_franchise_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);

  read_relations (self);
  for (guint type = KZ_RELATION_UNKNOWN + 1; type < KZ_RELATION_N_TYPES; type++)
    g_signal_connect_object (self->relation_switches[type], "notify::active",
                             G_CALLBACK (relation_switch_changed), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::franchise-relations",
                           G_CALLBACK (read_relations), self,
                           G_CONNECT_SWAPPED);

  read_endpoint (self);
  g_signal_connect_object (self->settings, "changed::anilist-endpoint",
                           G_CALLBACK (read_endpoint), self,
                           G_CONNECT_SWAPPED);
}

static void
kz_preferences_window_dispose (GObject *object)
{
  KzPreferencesWindow *self = KZ_PREFERENCES_WINDOW (object);

  /* Bindings hold the settings, not the widgets: undo them first. */
  if (self->language_row != NULL)
    {
      g_settings_unbind (self->language_row, "selected");
      g_settings_unbind (self->adult_switch, "active");
      g_settings_unbind (self->ttl_basic_adjustment, "value");
      g_settings_unbind (self->ttl_detailed_adjustment, "value");
      g_settings_unbind (self->ttl_franchise_adjustment, "value");
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_preferences_window_parent_class)->dispose (object);
}

static void
kz_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  KzPreferencesWindow *self = KZ_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  KzPreferencesWindow *self = KZ_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_preferences_window_class_init (KzPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_preferences_window_constructed;
  object_class->dispose = kz_preferences_window_dispose;
  object_class->get_property = kz_preferences_window_get_property;
  object_class->set_property = kz_preferences_window_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Naming the resource links it in from the static library, and it
   * registers itself. */
  if (kz_ui_get_resource () == NULL)
    g_error ("The user interface resources are missing");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, adult_switch);
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, relations_group);
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, ttl_basic_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, ttl_detailed_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KzPreferencesWindow, ttl_franchise_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, endpoint_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, endpoint_changed_cb);
}

static void
kz_preferences_window_init (KzPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  build_relation_rows (self);
}

GtkWindow *
kz_preferences_window_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_PREFERENCES_WINDOW,
                       "context", context,
                       NULL);
}
