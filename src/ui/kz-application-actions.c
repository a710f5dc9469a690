/* kz-application-actions.c: the application's actions and shortcuts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-app"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-application-private.h"
#include "kz-debug-panel.h"
#include "kz-preferences-window.h"

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* A window that belongs with the main one: on top of it, and gone when
 * it closes. */
static void
attach_to_active_window (KzApplication *self,
                         GtkWindow     *window)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (parent != NULL && parent != window)
    {
      gtk_window_set_transient_for (window, parent);
      gtk_window_set_destroy_with_parent (window, TRUE);
    }
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  KzApplication *self = user_data;

  if (self->context == NULL)
    return;

  if (self->preferences == NULL)
    {
      g_set_weak_pointer (&self->preferences, kz_preferences_window_new (self->context));
      attach_to_active_window (self, self->preferences);
    }

  gtk_window_present (self->preferences);
}

static void
debug_panel_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  KzApplication *self = user_data;

  if (self->context == NULL)
    return;

  if (self->debug_panel == NULL)
    {
      g_set_weak_pointer (&self->debug_panel, kz_debug_panel_new (self->context));
      attach_to_active_window (self, self->debug_panel);
    }

  gtk_window_present (self->debug_panel);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "The Kizuna developers", NULL };
  KzApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Kizuna"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Kizuna developers"),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PACKAGE_URL,
                        "issue-url", PACKAGE_URL "/issues",
                        "comments", _("Explore how anime titles relate: sequels, side stories, "
                                      "watch orders and whole franchises."),
                        "translator-credits", _("translator-credits"),
                        NULL);

  /* AniList's terms ask that its data be credited and not redistributed
   * in bulk; the section says where the data comes from. */
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Data from AniList"),
                                      NULL,
                                      GTK_LICENSE_CUSTOM,
                                      _("Anime information and cover art come from "
                                        "<a href=\"https://anilist.co\">AniList</a> "
                                        "and are used under the "
                                        "<a href=\"https://docs.anilist.co/guide/terms-of-use\">"
                                        "AniList API Terms of Use</a>. Kizuna is not "
                                        "affiliated with AniList."));
  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about),
                                                _("Data"),
                                                (const char *[]) { "AniList https://anilist.co", NULL });

  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "debug-panel", .activate = debug_panel_activated },
  { .name = "about", .activate = about_activated },
};

static const struct {
  const char *action;
  const char *accels[2];
} shortcuts[] = {
  { "app.quit",        { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.debug-panel", { "<Control><Shift>d", NULL } },
  { "win.refresh",     { "<Control>r", NULL } },
  { "win.back",        { "<Alt>Left", NULL } },
  { "win.search",      { "<Control>f", NULL } },
};

void
_kz_application_add_actions (KzApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           shortcuts[i].action, shortcuts[i].accels);

  _kz_application_update_actions (self);
}

/* Preferences and the debug panel need the library. */
void
_kz_application_update_actions (KzApplication *self)
{
  static const char *needs_context[] = { "preferences", "debug-panel" };

  for (guint i = 0; i < G_N_ELEMENTS (needs_context); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), needs_context[i]);

      if (action != NULL)
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->context != NULL);
    }
}
