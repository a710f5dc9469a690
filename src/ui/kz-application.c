/* kz-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-app"

#include "config.h"

#include "kz-application-private.h"
#include "kz-window.h"

G_DEFINE_FINAL_TYPE (KzApplication, kz_application, ADW_TYPE_APPLICATION)

static KzWindow *
find_main_window (KzApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (KZ_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* The windows made before the library was open, still without it. */
static GPtrArray *
dup_waiting_windows (KzApplication *self)
{
  GPtrArray *waiting = g_ptr_array_new ();

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (KZ_IS_WINDOW (l->data) && kz_window_get_context (l->data) == NULL)
      g_ptr_array_add (waiting, l->data);

  return waiting;
}

static void
context_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KzApplication) self = user_data;
  g_autoptr(KzContext) context = NULL;
  g_autoptr(GError) error = NULL;

  self->loading = FALSE;
  context = kz_context_new_finish (result, &error);

  if (context != NULL)
    {
      kz_application_set_context (self, context);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Without a library there is nothing to browse: the window says
       * why rather than leaving the person with nothing. */
      g_autoptr(GPtrArray) waiting = dup_waiting_windows (self);

      g_warning ("Could not open the library: %s", error->message);
      for (guint i = 0; i < waiting->len; i++)
        kz_window_set_error (g_ptr_array_index (waiting, i), error);
    }

  g_application_release (G_APPLICATION (self));
}

static void
kz_application_activate (GApplication *app)
{
  KzApplication *self = KZ_APPLICATION (app);
  KzWindow *window = find_main_window (self);

  /* The window comes first; the library fills it once it is open. */
  if (window == NULL)
    window = kz_window_new (self, self->context);
  gtk_window_present (GTK_WINDOW (window));

  if (self->context != NULL || self->loading)
    return;

  /* The library opens on a worker thread (a large one takes a while to
   * check). After a failure, activating again tries again. */
  self->loading = TRUE;
  g_application_hold (app);
  kz_context_new_async (NULL, NULL, NULL, self->cancellable, context_ready, g_object_ref (self));
}

static void
kz_application_startup (GApplication *app)
{
  KzApplication *self = KZ_APPLICATION (app);

  G_APPLICATION_CLASS (kz_application_parent_class)->startup (app);

  /* AdwApplication adds style.css from the resource base path and
   * GtkApplication the shortcuts window from gtk/help-overlay.ui. */
  gtk_window_set_default_icon_name (APPLICATION_ID);
  _kz_application_add_actions (self);
}

static void
kz_application_shutdown (GApplication *app)
{
  KzApplication *self = KZ_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);

  /* The window's size is bound to the settings: write it out. */
  g_settings_sync ();

  G_APPLICATION_CLASS (kz_application_parent_class)->shutdown (app);
}

static void
kz_application_dispose (GObject *object)
{
  KzApplication *self = (KzApplication *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->debug_panel);
  g_clear_weak_pointer (&self->preferences);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kz_application_parent_class)->dispose (object);
}

static void
kz_application_class_init (KzApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kz_application_dispose;

  app_class->activate = kz_application_activate;
  app_class->startup = kz_application_startup;
  app_class->shutdown = kz_application_shutdown;
}

static void
kz_application_init (KzApplication *self)
{
  self->cancellable = g_cancellable_new ();
}

KzApplication *
kz_application_new (void)
{
  /* The resource path is fixed even when a .Devel id would suggest
   * another one. */
  return g_object_new (KZ_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * kz_application_get_context:
 *
 * Returns: (transfer none) (nullable): the context, or %NULL while the
 *   library is still opening or when it could not be opened
 */
KzContext *
kz_application_get_context (KzApplication *self)
{
  g_return_val_if_fail (KZ_IS_APPLICATION (self), NULL);
  return self->context;
}

/* For a context made elsewhere (tests, or a library opened early);
 * windows made before it show it too. */
void
kz_application_set_context (KzApplication *self,
                            KzContext     *context)
{
  g_return_if_fail (KZ_IS_APPLICATION (self));
  g_return_if_fail (!context || KZ_IS_CONTEXT (context));

  if (!g_set_object (&self->context, context))
    return;

  _kz_application_update_actions (self);

  /* Windows still waiting for the library get this one. */
  if (context != NULL)
    {
      g_autoptr(GPtrArray) waiting = dup_waiting_windows (self);

      for (guint i = 0; i < waiting->len; i++)
        kz_window_set_context (g_ptr_array_index (waiting, i), context);
    }
}
