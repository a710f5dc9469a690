/* kz-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-rating-enricher.h"
#include "kz-window-private.h"

/* Titles remembered for going back. */
#define MAX_HISTORY 100

/* A start faster than this shows no loading page at all, so that it
 * does not flash. */
#define LOADING_PAGE_DELAY_MS 300

G_DEFINE_FINAL_TYPE (KzWindow, kz_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One open title's requests. */
typedef struct {
  KzWindow     *self;
  guint         serial;
  gint64        id;
  KzFetchFlags  flags;
  guint         pending;
  gboolean      pushed;        /* the title before went onto the history */
  gboolean      reported;      /* an error was shown */
  gboolean      stale;         /* some answer was an older copy */
} Load;

static void
load_clear (Load *load)
{
  g_object_unref (load->self);
}

static Load *
load_ref (Load *load)
{
  return g_rc_box_acquire (load);
}

static void
load_unref (Load *load)
{
  g_rc_box_release_full (load, (GDestroyNotify)load_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_unref)

static gboolean
load_is_current (Load *load)
{
  return load->serial == load->self->load_serial;
}

/* Messages */

static void
show_toast (KzWindow   *self,
            const char *text)
{
  /* Toast titles are markup; messages may hold anything. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

/* The provider says how long to wait in its message; keep the number,
 * say the rest in the person's language. */
static char *
describe_error (const GError *error)
{
  if (g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_RATE_LIMITED))
    {
      const char *p = error->message;

      while (*p != '\0' && !g_ascii_isdigit (*p))
        p++;

      if (*p != '\0')
        {
          g_autofree char *seconds = g_strndup (p, strspn (p, "0123456789"));

          return g_strdup_printf (_("AniList is rate limiting: retry in %s s"), seconds);
        }
    }

  return g_strdup (error->message);
}

static gboolean
error_is_not_found (const GError *error)
{
  return g_error_matches (error, KZ_RELATIONS_SERVICE_ERROR, KZ_RELATIONS_SERVICE_ERROR_NOT_FOUND) ||
         g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NOT_FOUND);
}

/* Offline, or AniList failing: nothing stored to fall back on. */
static gboolean
error_is_unreachable (const GError *error)
{
  if (error->domain == KZ_RELATIONS_SERVICE_ERROR)
    return error->code == KZ_RELATIONS_SERVICE_ERROR_NOT_STORED;

  return error->domain == KZ_PROVIDER_ERROR && !error_is_not_found (error);
}

/* State */

static void
update_actions (KzWindow *self)
{
  gboolean busy = self->franchise_busy || self->library_busy;
  gboolean can_go_back;
  GAction *action;

  if (self->back_button == NULL)
    return;  /* still building the template */

  /* Every window action works on the library. */
  if (self->context == NULL)
    {
      static const char *names[] = { "back", "refresh", "refresh-library", "retry", "cancel", "search" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          action = g_action_map_lookup_action (G_ACTION_MAP (self), names[i]);
          g_simple_action_set_enabled (G_SIMPLE_ACTION (action), FALSE);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
      return;
    }

  can_go_back = self->history->len > 0 ||
                (adw_leaflet_get_folded (self->leaflet) &&
                 g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "content") == 0);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "back");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), can_go_back);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), can_go_back);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "refresh");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->title_id != 0);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "refresh-library");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), !self->library_busy);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "cancel");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "retry");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "search");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);
}

static void
update_progress (KzWindow *self)
{
  gboolean busy = self->franchise_busy || self->library_busy;

  /* A library refresh is the longer job: it owns the bar while it runs. */
  if (self->library_busy)
    gtk_progress_bar_set_fraction (self->progress_bar, self->library_fraction);
  else if (self->franchise_busy)
    gtk_progress_bar_set_fraction (self->progress_bar, self->franchise_fraction);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  update_actions (self);
}

static void
show_page (KzWindow   *self,
           const char *name)
{
  gboolean views = g_str_equal (name, "views");

  gtk_stack_set_visible_child_name (self->main_stack, name);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, views);

  if (!views)
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Kizuna"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Kizuna"));
    }
}

void
_kz_window_show_entry (KzWindow *self,
                       KzEntry  *entry)
{
  KzTitleLanguage language = kz_context_get_title_language (self->context);
  const char *title = kz_entry_get_title (entry, language);

  g_set_object (&self->entry, entry);
  kz_title_page_set_entry (self->title_page, entry);

  adw_view_switcher_title_set_title (self->switcher_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  show_page (self, "views");
}

static void
franchise_rated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n_rated;

  n_rated = kz_rating_enricher_enrich_many_finish (KZ_RATING_ENRICHER (object), result, &error);
  if (error != NULL)
    {
      /* The views are complete without ratings. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No age ratings for the franchise: %s", error->message);
      return;
    }

  g_debug ("%u titles of the franchise have an age rating", n_rated);
}

static void
cancel_franchise_ratings (KzWindow *self)
{
  g_cancellable_cancel (self->ratings_cancellable);
  g_clear_object (&self->ratings_cancellable);
}

/* MyAnimeList's ratings of every anime of the franchise, in the
 * background: one Rx-rated leaves the lists through the context
 * while adult titles are hidden. */
static void
request_franchise_ratings (KzWindow         *self,
                           KzFranchiseGraph *graph)
{
  g_autoptr(KzRatingEnricher) ratings = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint n_nodes;

  cancel_franchise_ratings (self);

  if (graph == NULL || self->context == NULL)
    return;

  g_object_get (self->context, "rating-enricher", &ratings, NULL);
  if (ratings == NULL)
    return;

  n_nodes = kz_franchise_graph_get_n_nodes (graph);
  entries = g_ptr_array_new_full (n_nodes, g_object_unref);
  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (graph, i);

      /* Jikan is asked about anime only */
      if (node != NULL && kz_entry_get_media_type (node) == KZ_MEDIA_TYPE_ANIME &&
          kz_entry_get_id_mal (node) > 0)
        g_ptr_array_add (entries, g_object_ref (node));
    }

  if (entries->len == 0)
    return;

  self->ratings_cancellable = g_cancellable_new ();
  kz_rating_enricher_enrich_many_async (ratings, entries, KZ_PRIORITY_BACKGROUND,
                                        self->ratings_cancellable, franchise_rated, NULL);
}

void
_kz_window_set_franchise (KzWindow         *self,
                          KzFranchiseGraph *graph)
{
  g_set_object (&self->franchise, graph);
  kz_franchise_tree_set_graph (self->franchise_tree, graph);
  kz_watch_order_set_graph (self->watch_order, graph);
  kz_timeline_view_set_graph (self->timeline_view, graph);
  request_franchise_ratings (self, graph);
}

static void
title_language_changed (KzWindow *self)
{
  if (self->entry != NULL && g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "views"))
    _kz_window_show_entry (self, self->entry);
}

/* Loading a title */

static void
load_note_result (Load          *load,
                  KzResultFlags  flags)
{
  if ((flags & KZ_RESULT_STALE) && !load->stale && !load->reported)
    {
      load->stale = TRUE;
      show_toast (load->self, _("Offline — showing saved data"));
    }
}

static void
load_report_error (Load         *load,
                   const GError *error)
{
  g_autofree char *message = NULL;

  if (load->reported)
    return;

  load->reported = TRUE;
  message = describe_error (error);
  show_toast (load->self, message);
}

/* Each of the three requests ends here, whatever its outcome. */
static void
load_done_one (Load *load)
{
  KzWindow *self = load->self;

  g_assert (load->pending > 0);

  if (--load->pending > 0 || !load_is_current (load))
    return;

  self->load_pending = 0;

  if ((load->flags & KZ_FETCH_REFRESH) && !load->reported && !load->stale &&
      !g_cancellable_is_cancelled (self->load_cancellable))
    show_toast (self, _("Refreshed"));
}

static void
show_basic (Load         *load,
            KzEntry      *entry,
            KzResultFlags flags,
            const GError *error)
{
  KzWindow *self = load->self;

  if (entry != NULL)
    {
      /* A franchise the new title is not part of goes at once, not when
       * the new one arrives. */
      if (self->franchise != NULL && kz_franchise_graph_lookup (self->franchise, load->id) == NULL)
        _kz_window_set_franchise (self, NULL);

      _kz_window_show_entry (self, entry);
      load_note_result (load, flags);
    }
  else if (error_is_not_found (error))
    {
      /* Stay on what was open before. */
      load_report_error (load, error);
      g_cancellable_cancel (self->load_cancellable);
      if (load->pushed && self->history->len > 0)
        {
          self->title_id = g_array_index (self->history, gint64, self->history->len - 1);
          g_array_set_size (self->history, self->history->len - 1);
        }
      else if (self->entry == NULL)
        {
          self->title_id = 0;
        }
    }
  else
    {
      g_clear_object (&self->entry);
      _kz_window_set_franchise (self, NULL);
      show_page (self, "not-stored");

      /* The page says "offline"; other failures say more. */
      if (!g_error_matches (error, KZ_RELATIONS_SERVICE_ERROR, KZ_RELATIONS_SERVICE_ERROR_NOT_STORED) &&
          !g_error_matches (error, KZ_PROVIDER_ERROR, KZ_PROVIDER_ERROR_NETWORK))
        load_report_error (load, error);
      else
        load->reported = TRUE;
    }
}

static void
basic_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(KzEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entry = kz_relations_service_get_basic_finish (KZ_RELATIONS_SERVICE (object), result, &flags, &error);
  if (!load_is_current (load))
    return;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_basic (load, entry, flags, error);

  load_done_one (load);
}

static void
detailed_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(KzFranchiseGraph) detailed = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  detailed = kz_relations_service_get_detailed_finish (KZ_RELATIONS_SERVICE (object), result, &flags, &error);
  if (!load_is_current (load))
    return;

  if (detailed != NULL)
    {
      kz_title_page_set_details (load->self->title_page, detailed);
      g_set_object (&load->self->details, detailed);
      load_note_result (load, flags);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           !error_is_unreachable (error))
    {
      load_report_error (load, error);
    }

  load_done_one (load);
}

static void
franchise_progress (guint             depth,
                    KzFranchiseGraph *partial,
                    GPtrArray        *new_entries,
                    gpointer          user_data)
{
  Load *load = user_data;
  KzWindow *self = load->self;
  g_autofree char *tooltip = NULL;
  guint n_nodes;

  if (!load_is_current (load))
    return;

  /* How deep a franchise goes is only known at the end: each level
   * brings the bar closer to full. */
  self->franchise_fraction = 1.0 - 1.0 / (depth + 2.0);
  update_progress (self);

  n_nodes = kz_franchise_graph_get_n_nodes (partial);
  tooltip = g_strdup_printf (ngettext ("Discovering the franchise: %u title so far",
                                       "Discovering the franchise: %u titles so far",
                                       n_nodes),
                             n_nodes);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->progress_bar), tooltip);
}

static void
franchise_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  KzWindow *self = load->self;
  g_autoptr(KzFranchiseGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  graph = kz_relations_service_get_franchise_finish (KZ_RELATIONS_SERVICE (object), result, &flags, &error);
  if (!load_is_current (load))
    return;

  self->franchise_busy = FALSE;
  update_progress (self);

  if (graph != NULL)
    {
      _kz_window_set_franchise (self, graph);
      load_note_result (load, flags);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           !error_is_unreachable (error))
    {
      load_report_error (load, error);
    }

  load_done_one (load);
}

static void
load_title (KzWindow     *self,
            gint64        id,
            KzFetchFlags  flags,
            gboolean      push)
{
  KzRelationsService *service = kz_context_get_service (self->context);
  KzFranchiseOptions options;
  Load *load;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->load_serial++;
  _kz_window_cancel_franchise_update (self);
  kz_library_sidebar_set_current (self->sidebar, id);

  load = g_rc_box_new0 (Load);
  load->self = g_object_ref (self);
  load->serial = self->load_serial;
  load->id = id;
  load->flags = flags;
  load->pending = 3;
  self->load_pending = load->pending;

  /* The ratings asked for belong to the title shown so far. */
  if (self->title_id != id)
    cancel_franchise_ratings (self);

  if (push && self->title_id != 0 && self->title_id != id)
    {
      g_array_append_val (self->history, self->title_id);
      if (self->history->len > MAX_HISTORY)
        g_array_remove_index (self->history, 0);
      load->pushed = TRUE;
    }

  self->title_id = id;
  self->franchise_busy = TRUE;
  self->franchise_fraction = 0.05;
  update_progress (self);

  kz_context_get_franchise_options (self->context, &options);

  kz_relations_service_get_basic_async (service, id, flags, self->load_cancellable,
                                        basic_done, load_ref (load));
  kz_relations_service_get_detailed_async (service, id, flags, self->load_cancellable,
                                           detailed_done, load_ref (load));
  kz_relations_service_get_franchise_async (service, id, &options, flags,
                                            franchise_progress, load,
                                            self->load_cancellable,
                                            franchise_done, load);
}

/* Actions */

static void
go_back (KzWindow *self)
{
  if (self->history->len > 0)
    {
      gint64 id = g_array_index (self->history, gint64, self->history->len - 1);

      g_array_set_size (self->history, self->history->len - 1);
      load_title (self, id, KZ_FETCH_DEFAULT, FALSE);
    }
  else if (adw_leaflet_get_folded (self->leaflet))
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
    }
}

static void
back_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  go_back (KZ_WINDOW (user_data));
}

/* The back button some mice have (button 8) goes back too. */
static void
mouse_back_pressed_cb (KzWindow        *self,
                       int              n_press,
                       double           x,
                       double           y,
                       GtkGestureClick *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  go_back (self);
}

static void
refresh_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  KzWindow *self = user_data;

  if (self->title_id != 0)
    load_title (self, self->title_id, KZ_FETCH_REFRESH, FALSE);
}

static void
retry_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  KzWindow *self = user_data;

  if (self->title_id != 0)
    load_title (self, self->title_id, KZ_FETCH_DEFAULT, FALSE);
}

static void
library_refresh_progress (guint    done,
                          guint    total,
                          gpointer user_data)
{
  KzWindow *self = user_data;

  self->library_fraction = total > 0 ? (double)done / total : 1.0;
  update_progress (self);
}

static void
library_refreshed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KzWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_refreshed;

  n_refreshed = kz_relations_service_refresh_library_finish (KZ_RELATIONS_SERVICE (object), result, &error);
  if (self->context == NULL)
    return;  /* the window was closed */

  self->library_busy = FALSE;
  g_clear_object (&self->library_cancellable);
  update_progress (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Whatever was saved before stopping is in the library. */
      kz_context_library_changed (self->context);
      return;
    }

  if (error != NULL)
    {
      g_autofree char *message = describe_error (error);

      show_toast (self, message);
      return;
    }

  if (n_refreshed == 0)
    {
      show_toast (self, _("Library is up to date"));
    }
  else
    {
      g_autofree char *message = g_strdup_printf (ngettext ("Refreshed %u title",
                                                            "Refreshed %u titles",
                                                            n_refreshed),
                                                  n_refreshed);
      show_toast (self, message);
    }

  kz_context_library_changed (self->context);
}

static void
refresh_library_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  KzWindow *self = user_data;

  if (self->library_busy)
    return;

  self->library_busy = TRUE;
  self->library_fraction = 0.0;
  self->library_cancellable = g_cancellable_new ();
  update_progress (self);

  kz_relations_service_refresh_library_async (kz_context_get_service (self->context),
                                              library_refresh_progress, self,
                                              self->library_cancellable,
                                              library_refreshed, g_object_ref (self));
}

static void
cancel_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  KzWindow *self = user_data;

  if (self->franchise_busy)
    g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->library_cancellable);
}

static void
search_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  KzWindow *self = user_data;

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");

  kz_library_sidebar_focus_search (self->sidebar);
}

static const GActionEntry win_actions[] = {
  { .name = "back", .activate = back_activated },
  { .name = "refresh", .activate = refresh_activated },
  { .name = "refresh-library", .activate = refresh_library_activated },
  { .name = "retry", .activate = retry_activated },
  { .name = "cancel", .activate = cancel_activated },
  { .name = "search", .activate = search_activated },
};

/* Signals from the children */

static void
open_title_cb (KzWindow *self,
               gint64    id)
{
  kz_window_open_title (self, id);
}

static void
sidebar_title_activated_cb (KzWindow *self,
                            gint64    id)
{
  kz_window_open_title (self, id);
}

static void
visible_child_changed_cb (KzWindow *self)
{
  update_actions (self);
}

/* Becoming narrow with a title open shows the title. */
static void
folded_changed_cb (KzWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet) && self->title_id != 0)
    adw_leaflet_set_visible_child_name (self->leaflet, "content");

  update_actions (self);
}

/* GObject */

static void
add_view (KzWindow   *self,
          GtkWidget  *view,
          const char *name,
          const char *title,
          const char *icon_name)
{
  AdwViewStackPage *page = adw_view_stack_add_titled (self->view_stack, view, name, title);

  adw_view_stack_page_set_icon_name (page, icon_name);
  g_signal_connect_object (view, "open-title", G_CALLBACK (open_title_cb), self, G_CONNECT_SWAPPED);
}

/* KIZUNA_REPORT_FIRST_FRAME=1: print "first-frame <CLOCK_MONOTONIC µs>"
 * once the first frame is painted, and "library-shown <µs>" once a
 * painted frame has the library in it (the context, and the sidebar's
 * list), for the start-up benchmark, which compares them with the time
 * it started the app. */
static gboolean
library_is_shown (KzWindow *self)
{
  return self->sidebar != NULL &&
         !kz_library_sidebar_get_busy (self->sidebar) &&
         g_strcmp0 (kz_library_sidebar_get_visible_page (self->sidebar), "loading") != 0;
}

static void
frame_painted_cb (GdkFrameClock *frame_clock,
                  KzWindow      *self)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->first_frame_reported)
    {
      self->first_frame_reported = TRUE;
      g_print ("first-frame %" G_GINT64_FORMAT "\n", now);
    }

  if (library_is_shown (self))
    {
      g_signal_handlers_disconnect_by_func (frame_clock, frame_painted_cb, self);
      g_print ("library-shown %" G_GINT64_FORMAT "\n", now);
    }

  fflush (stdout);
}

static gboolean
report_frames_cb (GtkWidget     *widget,
                  GdkFrameClock *frame_clock,
                  gpointer       user_data)
{
  g_signal_connect_object (frame_clock, "after-paint", G_CALLBACK (frame_painted_cb), widget, 0);
  return G_SOURCE_REMOVE;
}

/* The library was damaged and has been replaced at start-up: say so,
 * and where the old file is, once the window is on screen. */
static gboolean
tell_library_replaced (gpointer user_data)
{
  KzWindow *self = user_data;
  g_autofree char *recovered_path = NULL;
  GtkWidget *dialog;

  if (self->context == NULL)
    return G_SOURCE_REMOVE;

  g_object_get (self->context, "recovered-path", &recovered_path, NULL);
  if (recovered_path == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;

  /* the body is plain text: the path is shown as it is */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Library Replaced"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Your library was damaged and has been replaced; "
                                    "the old file was kept as “%s”."),
                                  recovered_path);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_OK"));
  gtk_window_present (GTK_WINDOW (dialog));

  return G_SOURCE_REMOVE;
}

static void
schedule_library_replaced (KzWindow *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, tell_library_replaced,
                   g_object_ref (self), g_object_unref);
}

/* After the window's own presentation, so that the dialog comes on top. */
static void
window_mapped_cb (KzWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, window_mapped_cb, NULL);
  schedule_library_replaced (self);
}

static void
bind_settings (KzWindow  *self,
               GSettings *settings)
{
  if (self->settings == settings)
    return;

  if (self->settings != NULL)
    {
      g_settings_unbind (self, "default-width");
      g_settings_unbind (self, "default-height");
      g_settings_unbind (self, "maximized");
    }

  g_set_object (&self->settings, settings);
  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static gboolean
show_loading_page_cb (gpointer user_data)
{
  KzWindow *self = user_data;

  self->loading_timeout_id = 0;
  gtk_spinner_start (self->loading_spinner);
  show_page (self, "loading");

  return G_SOURCE_REMOVE;
}

static void
stop_loading_page (KzWindow *self)
{
  g_clear_handle_id (&self->loading_timeout_id, g_source_remove);
  gtk_spinner_stop (self->loading_spinner);
}

/* What the window shows of a library: built once the library is open. */
static void
build_library (KzWindow *self)
{
  GtkWidget *focus;
  gboolean had_focus;

  stop_loading_page (self);
  bind_settings (self, kz_context_get_settings (self->context));

  self->sidebar = KZ_LIBRARY_SIDEBAR (kz_library_sidebar_new (self->context));
  gtk_widget_set_vexpand (GTK_WIDGET (self->sidebar), TRUE);
  gtk_box_append (self->sidebar_box, GTK_WIDGET (self->sidebar));
  g_signal_connect_object (self->sidebar, "title-activated",
                           G_CALLBACK (sidebar_title_activated_cb), self, G_CONNECT_SWAPPED);

  self->title_page = KZ_TITLE_PAGE (kz_title_page_new (self->context));
  self->franchise_tree = KZ_FRANCHISE_TREE (kz_franchise_tree_new (self->context));
  self->watch_order = KZ_WATCH_ORDER (kz_watch_order_new (self->context));
  self->timeline_view = KZ_TIMELINE_VIEW (kz_timeline_view_new (self->context));

  add_view (self, GTK_WIDGET (self->title_page), "overview", _("Overview"), "view-reveal-symbolic");
  add_view (self, GTK_WIDGET (self->franchise_tree), "tree", _("Tree"), "view-list-bullet-symbolic");
  add_view (self, GTK_WIDGET (self->watch_order), "watch-order", _("Watch Order"), "view-list-ordered-symbolic");
  add_view (self, GTK_WIDGET (self->timeline_view), "timeline", _("Timeline"), "x-office-calendar-symbolic");

  g_signal_connect_object (self->context, "notify::title-language",
                           G_CALLBACK (title_language_changed), self, G_CONNECT_SWAPPED);
  _kz_window_follow_franchise_updates (self);

  /* Whoever had the keyboard on the loading page loses it: give it to
   * the library as a window that starts with one would. */
  focus = gtk_window_get_focus (GTK_WINDOW (self));
  had_focus = focus != NULL && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->main_stack)) &&
              gtk_widget_get_mapped (focus);

  /* Narrow, the list comes first, as in a window that starts with it. */
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_box), TRUE);
  gtk_widget_set_visible (self->sidebar_separator, TRUE);
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  show_page (self, "empty");
  update_progress (self);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (!had_focus)
        {
          gtk_window_set_focus (GTK_WINDOW (self), NULL);
          gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
        }
      schedule_library_replaced (self);
    }
  else
    {
      g_signal_connect (self, "map", G_CALLBACK (window_mapped_cb), NULL);
    }
}

static void
kz_window_constructed (GObject *object)
{
  KzWindow *self = (KzWindow *)object;
  g_autoptr(GSettings) settings = NULL;

  G_OBJECT_CLASS (kz_window_parent_class)->constructed (object);

  self->constructed = TRUE;

  if (g_strcmp0 (g_getenv ("KIZUNA_REPORT_FIRST_FRAME"), "1") == 0)
    gtk_widget_add_tick_callback (GTK_WIDGET (self), report_frames_cb, NULL, NULL);

  if (self->context != NULL)
    {
      build_library (self);
      return;
    }

  /* Until the library opens: the header bar, and after a moment a
   * spinner. The size is restored now, so that the window does not
   * change size when the library arrives. */
  settings = g_settings_new (SCHEMA_ID);
  bind_settings (self, settings);
  show_page (self, "starting");
  update_progress (self);
  self->loading_timeout_id = g_timeout_add (LOADING_PAGE_DELAY_MS, show_loading_page_cb, self);
}

static void
kz_window_dispose (GObject *object)
{
  KzWindow *self = (KzWindow *)object;

  /* Whatever still arrives belongs to no title shown. */
  self->load_serial++;
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->library_cancellable);
  _kz_window_cancel_franchise_update (self);
  cancel_franchise_ratings (self);
  g_clear_handle_id (&self->loading_timeout_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_WINDOW);

  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->library_cancellable);
  g_clear_object (&self->update_cancellable);
  g_clear_object (&self->entry);
  g_clear_object (&self->franchise);
  g_clear_object (&self->details);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kz_window_parent_class)->dispose (object);
}

static void
kz_window_finalize (GObject *object)
{
  KzWindow *self = (KzWindow *)object;

  g_array_unref (self->history);

  G_OBJECT_CLASS (kz_window_parent_class)->finalize (object);
}

static void
kz_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KzWindow *self = KZ_WINDOW (object);

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
kz_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  KzWindow *self = KZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      if (g_value_get_object (value) != NULL)
        kz_window_set_context (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_window_class_init (KzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_window_constructed;
  object_class->dispose = kz_window_dispose;
  object_class->finalize = kz_window_finalize;
  object_class->get_property = kz_window_get_property;
  object_class->set_property = kz_window_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KzWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, KzWindow, loading_spinner);
  gtk_widget_class_bind_template_callback (widget_class, mouse_back_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_child_changed_cb);
}

static void
kz_window_init (KzWindow *self)
{
  self->history = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * kz_window_new:
 * @context: (nullable): the library, or %NULL while it is still opening:
 *   the window then waits for kz_window_set_context() or
 *   kz_window_set_error()
 */
KzWindow *
kz_window_new (KzApplication *app,
               KzContext     *context)
{
  g_return_val_if_fail (KZ_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (!context || KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_WINDOW,
                       "application", app,
                       "context", context,
                       NULL);
}

/**
 * kz_window_set_context:
 * @context: the library, now open
 *
 * Fills a window made without a library: the sidebar, the title page
 * and the franchise views, its saved size, and the keyboard focus. A
 * window shows one library for its whole life.
 */
void
kz_window_set_context (KzWindow  *self,
                       KzContext *context)
{
  g_return_if_fail (KZ_IS_WINDOW (self));
  g_return_if_fail (KZ_IS_CONTEXT (context));

  if (self->context == context)
    return;
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);

  /* During construction, constructed() builds it. */
  if (!self->constructed)
    return;

  build_library (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
}

KzContext *
kz_window_get_context (KzWindow *self)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), NULL);
  return self->context;
}

/**
 * kz_window_set_error:
 * @error: why the library could not be opened
 *
 * Shows, in a window made without a library, that there will be none.
 */
void
kz_window_set_error (KzWindow     *self,
                     const GError *error)
{
  g_autofree char *description = NULL;

  g_return_if_fail (KZ_IS_WINDOW (self));
  g_return_if_fail (error != NULL);
  g_return_if_fail (self->context == NULL);

  stop_loading_page (self);

  /* The description is markup; the message is plain text. */
  description = g_markup_escape_text (error->message, -1);
  adw_status_page_set_description (self->error_page, description);
  show_page (self, "error");
}

/**
 * kz_window_open_title:
 * @id: an AniList id
 *
 * Shows the title and discovers its franchise; the title open before
 * goes onto the history that win.back returns through.
 */
void
kz_window_open_title (KzWindow *self,
                      gint64    id)
{
  g_return_if_fail (KZ_IS_WINDOW (self));
  g_return_if_fail (id > 0);

  /* On a narrow window the title replaces the list. (Wide, the focus
   * stays where it is.) */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");

  /* Already shown or on its way (a double click): nothing to do. */
  if (id == self->title_id &&
      (self->load_pending > 0 || (self->entry != NULL && kz_entry_get_id (self->entry) == id)))
    return;

  load_title (self, id, KZ_FETCH_DEFAULT, TRUE);
}

gint64
kz_window_get_title_id (KzWindow *self)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), 0);
  return self->title_id;
}

/**
 * kz_window_get_franchise:
 *
 * Returns: (transfer none) (nullable): the franchise the views show
 */
KzFranchiseGraph *
kz_window_get_franchise (KzWindow *self)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), NULL);
  return self->franchise;
}

/* "starting" (the library is opening), "loading" (the same, after a
 * moment), "error" (it could not be opened), "empty", "not-stored" or
 * "views" */
const char *
kz_window_get_visible_page (KzWindow *self)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

/* TRUE while a title, its franchise or a library refresh is loading. */
gboolean
kz_window_get_busy (KzWindow *self)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), FALSE);
  return self->load_pending > 0 || self->franchise_busy || self->library_busy;
}

KzLibrarySidebar *
kz_window_get_sidebar (KzWindow *self)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), NULL);
  return self->sidebar;
}

/* @name: "overview", "tree", "watch-order" or "timeline" */
GtkWidget *
kz_window_get_view (KzWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (KZ_IS_WINDOW (self), NULL);
  return adw_view_stack_get_child_by_name (self->view_stack, name);
}
