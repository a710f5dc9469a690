/* kz-library-sidebar.c
 *
 * The widget: its pages, the search, the keyboard and the rows. The
 * rows come from a KzSidebarList (the library) and KzSidebarSlots (the
 * search results); the library is sorted by kz-library-sorter.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-sidebar"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kz-library-sidebar.h"

#include "kz-entry-row.h"
#include "kz-library-sorter.h"
#include "kz-sidebar-list.h"
#include "kz-sidebar-slot.h"

/* What the search asks for; the library search caps it at 50 too. */
#define SEARCH_LIMIT 50

/* The title a list item stands for, in either list. */
static KzEntry *
item_entry (gpointer item)
{
  if (KZ_IS_SIDEBAR_SLOT (item))
    return kz_sidebar_slot_get_entry (KZ_SIDEBAR_SLOT (item));

  return item;
}

/* The sidebar */

struct _KzLibrarySidebar
{
  GtkWidget           parent_instance;

  KzContext          *context;
  GCancellable       *list_cancellable;    /* listing and sorting the library */
  GCancellable       *search_cancellable;  /* an online search */
  GCancellable       *dispose_cancellable; /* library searches, only cancelled at dispose */

  /* Every stored title by title, and the same by id (IdEntry) to find
   * the current object of a title; NULL until loaded. */
  GPtrArray          *library;
  GArray             *library_ids;
  /* The library without what the adult filter hides. */
  GPtrArray          *library_visible;
  /* The search's titles in rank order, and those the filter lets
   * through; NULL when not searching or before the first results. */
  GPtrArray          *results;
  GPtrArray          *results_visible;

  /* What each list view shows (titles; slots), and what is shown */
  KzSidebarList      *library_list;
  GListStore         *results_slots;
  KzSidebarList      *shown;

  /* Each change of the search text takes a number; results are shown
   * only for the latest, so a slow earlier search never overwrites a
   * newer one. */
  guint               search_serial;
  guint               shown_serial;
  /* The title open in the window; 0 for none */
  gint64              current_id;
  guint               end_search_source;
  guint               library_step_source;
  guint               fill_slots_source;

  guint               loaded : 1;
  guint               loading : 1;
  guint               searching_online : 1;
  /* One library search runs at a time; the text typed meanwhile is
   * searched when it ends. */
  guint               search_running : 1;
  guint               search_pending : 1;

  /* template */
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  GtkListView        *results_view;
  AdwStatusPage      *no_results_page;
  GtkRevealer        *online_revealer;
  GtkButton          *online_button;
  GtkLabel           *online_label;
  GtkStack           *online_icon_stack;
  GtkSpinner         *online_spinner;
};

G_DEFINE_FINAL_TYPE (KzLibrarySidebar, kz_library_sidebar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  TITLE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
search_text (KzLibrarySidebar *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

static gboolean
has_search_text (KzLibrarySidebar *self)
{
  const char *text = search_text (self);

  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return TRUE;

  return FALSE;
}

static void
show_toast (KzLibrarySidebar *self,
            const char       *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = NULL;

  if (overlay == NULL)
    {
      g_message ("%s", title);
      return;
    }

  /* Toast titles are markup; messages may hold anything. */
  escaped = g_markup_escape_text (title, -1);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

static void
update_page (KzLibrarySidebar *self)
{
  guint n_stored = self->library != NULL ? self->library->len : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  gboolean searching = self->results != NULL && has_search_text (self);
  const char *page;

  if (!self->loaded)
    page = "loading";
  else if (n_shown > 0)
    page = "list";
  else if (searching)
    page = "no-results";
  else if (n_stored == 0 || !has_search_text (self))
    page = "empty";
  else
    page = "list";  /* a search is on its way */

  if (g_str_equal (page, "no-results"))
    {
      g_autofree char *description =
        g_markup_printf_escaped (_("Nothing in your library matches “%s”."), search_text (self));

      adw_status_page_set_description (self->no_results_page, description);
    }

  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_online_button (KzLibrarySidebar *self)
{
  gboolean has_text = has_search_text (self);
  gboolean online = kz_context_get_provider (self->context) != NULL;

  gtk_revealer_set_reveal_child (self->online_revealer, has_text && online);
  gtk_widget_set_sensitive (GTK_WIDGET (self->online_button), !self->searching_online);
  gtk_spinner_set_spinning (self->online_spinner, self->searching_online);
  gtk_stack_set_visible_child_name (self->online_icon_stack,
                                    self->searching_online ? "spinner" : "icon");

  if (self->searching_online)
    {
      gtk_label_set_text (self->online_label, _("Searching AniList…"));
    }
  else if (has_text)
    {
      g_autofree char *label = g_strdup_printf (_("Search AniList for “%s”"), search_text (self));

      gtk_label_set_text (self->online_label, label);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->online_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (self->online_label),
                                  -1);
}

/* What is shown */

/* About the rows a tall window shows at once. */
#define FIRST_SLOTS 30

/* A list view of GTK 4.8 makes rows for up to about 200 items at once:
 * the first time the library is shown, they are made a few at a time,
 * with frames drawn in between. */
#define STEPPED_ROWS 200
#define ROWS_PER_STEP 25

/* Shows some more of the library; FALSE once it is all shown. */
static gboolean
show_more_library (KzLibrarySidebar *self)
{
  GPtrArray *visible = self->library_visible;
  guint n_next = g_list_model_get_n_items (G_LIST_MODEL (self->library_list)) + ROWS_PER_STEP;
  g_autoptr(GPtrArray) first = NULL;

  if (visible == NULL || n_next >= MIN (visible->len, STEPPED_ROWS))
    {
      kz_sidebar_list_set_items (self->library_list, visible);
      return FALSE;
    }

  first = g_ptr_array_new_full (n_next, g_object_unref);
  for (guint i = 0; i < n_next; i++)
    g_ptr_array_add (first, g_object_ref (g_ptr_array_index (visible, i)));
  kz_sidebar_list_set_items (self->library_list, first);

  return TRUE;
}

static gboolean
show_library_step (gpointer user_data)
{
  KzLibrarySidebar *self = user_data;

  if (show_more_library (self))
    return G_SOURCE_CONTINUE;

  self->library_step_source = 0;
  return G_SOURCE_REMOVE;
}

static void
show_library (KzLibrarySidebar *self)
{
  if (self->library_step_source != 0)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->library_list)) == 0 &&
      self->library_visible != NULL && self->library_visible->len > ROWS_PER_STEP)
    {
      show_more_library (self);
      self->library_step_source = g_idle_add (show_library_step, self);
      return;
    }

  kz_sidebar_list_set_items (self->library_list, self->library_visible);
}

/* The titles of @entries the adult filter lets through; a new reference
 * on @entries itself when that is all of them. */
static GPtrArray *
filter_visible (KzLibrarySidebar *self,
                GPtrArray        *entries)
{
  GPtrArray *visible;

  if (entries == NULL)
    return NULL;

  if (kz_context_get_show_adult (self->context))
    return g_ptr_array_ref (entries);

  visible = g_ptr_array_new_full (entries->len, g_object_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);

      if (kz_context_entry_is_visible (self->context, entry))
        g_ptr_array_add (visible, g_object_ref (entry));
    }

  if (visible->len == entries->len)
    {
      g_ptr_array_unref (visible);
      return g_ptr_array_ref (entries);
    }

  return visible;
}

/* The first @n_fill results into the slots that are there; slots are
 * added or removed only for the difference in number. */
static void
fill_slots (KzLibrarySidebar *self,
            GPtrArray        *entries,
            guint             n_fill)
{
  GListModel *slots = G_LIST_MODEL (self->results_slots);
  guint n_old = g_list_model_get_n_items (slots);
  guint n_new = entries->len;

  for (guint i = 0; i < MIN (n_old, n_fill); i++)
    {
      g_autoptr(KzSidebarSlot) slot = g_list_model_get_item (slots, i);

      kz_sidebar_slot_set_entry (slot, g_ptr_array_index (entries, i));
    }

  if (n_fill > n_old)
    {
      g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = n_old; i < n_fill; i++)
        {
          KzSidebarSlot *slot = kz_sidebar_slot_new ();

          kz_sidebar_slot_set_entry (slot, g_ptr_array_index (entries, i));
          g_ptr_array_add (added, slot);
        }
      g_list_store_splice (self->results_slots, n_old, 0, added->pdata, added->len);
    }
  else if (n_old > n_new)
    {
      g_list_store_splice (self->results_slots, n_new, n_old - n_new, NULL, 0);
    }
}

static gboolean
fill_slots_cb (gpointer user_data)
{
  KzLibrarySidebar *self = user_data;

  self->fill_slots_source = 0;
  if (self->results_visible != NULL)
    fill_slots (self, self->results_visible, self->results_visible->len);

  return G_SOURCE_REMOVE;
}

/* The rows a window shows at once are filled with the new results right
 * away; those below, after the frame is drawn. */
static void
show_results (KzLibrarySidebar *self)
{
  GPtrArray *entries = self->results_visible;
  guint n_first = MIN (entries->len, FIRST_SLOTS);

  gtk_selection_model_unselect_all (gtk_list_view_get_model (self->results_view));
  fill_slots (self, entries, n_first);

  if (n_first < entries->len && self->fill_slots_source == 0)
    self->fill_slots_source = g_idle_add (fill_slots_cb, self);
}

/* Shows the results while searching, the library otherwise. Each list
 * keeps its rows while the other is shown. */
static void
show_current (KzLibrarySidebar *self)
{
  if (self->results_visible != NULL)
    {
      show_results (self);
      kz_sidebar_list_set_items (self->shown, self->results_visible);
      gtk_stack_set_visible_child_name (self->list_stack, "results");
    }
  else
    {
      kz_sidebar_list_set_items (self->shown, self->library_visible);
      gtk_stack_set_visible_child_name (self->list_stack, "library");
    }

  /* Kept current while hidden too: a reload changes few of its rows. */
  show_library (self);

  update_page (self);
}

/* Selects the title open in the window in the library list and scrolls
 * to it, so that ending a search comes back to where the person is. */
static void
select_current (KzLibrarySidebar *self)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view));
  guint n_listed = g_list_model_get_n_items (G_LIST_MODEL (self->library_list));
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; self->current_id > 0 && i < n_listed; i++)
    if (kz_entry_get_id (g_ptr_array_index (self->library_visible, i)) == self->current_id)
      {
        position = i;
        break;
      }

  /* Without autoselect, an invalid position leaves nothing selected. */
  gtk_single_selection_set_selected (selection, position);
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
refilter_library (KzLibrarySidebar *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->library_visible);
  gint64 start = g_get_monotonic_time ();
  gint64 filtered;

  self->library_visible = filter_visible (self, self->library);
  g_clear_pointer (&self->results_visible, g_ptr_array_unref);
  self->results_visible = filter_visible (self, self->results);
  filtered = g_get_monotonic_time ();
  show_current (self);

  g_debug ("Showing %u of %u titles: %.2f ms to filter, %.2f ms to show",
           self->library_visible != NULL ? self->library_visible->len : 0,
           self->library != NULL ? self->library->len : 0,
           (filtered - start) / 1000.0, (g_get_monotonic_time () - filtered) / 1000.0);

  /* Shown no more: the old array goes now, off the main thread. */
  kz_library_sorter_release (g_steal_pointer (&old), NULL);
}

/* @entries in rank order, NULL to end the search. */
static void
set_search_results (KzLibrarySidebar *self,
                    GPtrArray        *entries)
{
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->results_visible, g_ptr_array_unref);

  if (entries != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autofree gint64 *ids = g_new (gint64, MAX (entries->len, 1));

      /* Online results may name a title twice; the best rank wins. */
      self->results = g_ptr_array_new_full (entries->len, g_object_unref);
      for (guint i = 0; i < entries->len; i++)
        {
          KzEntry *entry = g_ptr_array_index (entries, i);

          ids[i] = kz_entry_get_id (entry);
          if (g_hash_table_add (seen, &ids[i]))
            g_ptr_array_add (self->results, g_object_ref (entry));
        }

      self->results_visible = filter_visible (self, self->results);
    }

  self->shown_serial = self->search_serial;
  show_current (self);
}

/* @entries with the library's own object for each title it holds: the
 * same object in both lists, and from one search to the next, lets the
 * list views keep the row made for it. */
static GPtrArray *
library_objects (KzLibrarySidebar *self,
                 GPtrArray        *entries)
{
  GPtrArray *objects = g_ptr_array_new_full (entries->len, g_object_unref);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      KzEntry *stored = kz_library_sorter_find_by_id (self->library_ids, kz_entry_get_id (entry));

      g_ptr_array_add (objects, g_object_ref (stored != NULL ? stored : entry));
    }

  return objects;
}

/* After a reload, the results point to the library's new objects. */
static void
refresh_results (KzLibrarySidebar *self)
{
  GPtrArray *refreshed;

  if (self->results == NULL)
    return;

  refreshed = library_objects (self, self->results);
  g_ptr_array_unref (self->results);
  self->results = refreshed;
}

/* Loading: the list is read and sorted off the main thread, which then
 * only filters it and shows it. */

static void
library_sorted (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KzLibrarySidebar) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) old_library = NULL;
  g_autoptr(GArray) old_ids = NULL;
  g_autoptr(GError) error = NULL;

  if (!kz_library_sorter_sort_finish (result, &entries, &ids, &error))
    return;  /* cancelled: a newer list is on its way */

  old_library = g_steal_pointer (&self->library);
  old_ids = g_steal_pointer (&self->library_ids);
  self->library = g_steal_pointer (&entries);
  self->library_ids = g_steal_pointer (&ids);

  self->loading = FALSE;
  self->loaded = TRUE;
  g_debug ("Library: %u titles", self->library->len);

  refresh_results (self);
  refilter_library (self);

  kz_library_sorter_release (g_steal_pointer (&old_library), g_steal_pointer (&old_ids));
}

static void
sort_library (KzLibrarySidebar *self,
              GPtrArray        *entries)
{
  self->loading = TRUE;
  kz_library_sorter_sort_async (entries,
                                kz_context_get_title_language (self->context),
                                self->library, self->library_ids,
                                self->list_cancellable, library_sorted,
                                g_object_ref (self));
}

static void
library_listed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KzLibrarySidebar) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kz_relations_service_list_library_finish (KZ_RELATIONS_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (entries == NULL)
    {
      self->loading = FALSE;
      self->loaded = TRUE;
      g_warning ("Could not list the library: %s", error->message);
      show_toast (self, error->message);
      update_page (self);
      return;
    }

  sort_library (self, entries);
}

static void
restart_list (KzLibrarySidebar *self)
{
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
}

/**
 * kz_library_sidebar_set_current:
 * @id: the title the window shows, or 0
 *
 * Selects it in the library list (scrolled into view), and again when a
 * search ends.
 */
void
kz_library_sidebar_set_current (KzLibrarySidebar *self,
                                gint64            id)
{
  g_return_if_fail (KZ_IS_LIBRARY_SIDEBAR (self));

  self->current_id = id;
  if (self->results_visible == NULL && self->library_visible != NULL)
    select_current (self);
}

void
kz_library_sidebar_reload (KzLibrarySidebar *self)
{
  g_return_if_fail (KZ_IS_LIBRARY_SIDEBAR (self));

  restart_list (self);
  self->loading = TRUE;

  kz_relations_service_list_library_async (kz_context_get_service (self->context), 0, 0,
                                           self->list_cancellable, library_listed,
                                           g_object_ref (self));
}

/* Searching */

typedef struct {
  KzLibrarySidebar *self;
  guint             serial;
} SearchCall;

static SearchCall *
search_call_new (KzLibrarySidebar *self)
{
  SearchCall *call = g_new (SearchCall, 1);

  call->self = g_object_ref (self);
  call->serial = self->search_serial;

  return call;
}

static void
search_call_free (SearchCall *call)
{
  g_object_unref (call->self);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SearchCall, search_call_free)

static void start_library_search (KzLibrarySidebar *self);

static void
library_searched (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SearchCall) call = user_data;
  KzLibrarySidebar *self = call->self;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kz_relations_service_search_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->search_running = FALSE;

  if (call->serial != self->search_serial)
    {
      /* The text changed meanwhile: these results are for an older one. */
      if (self->search_pending)
        start_library_search (self);
      return;
    }

  if (entries == NULL)
    {
      g_warning ("Could not search the library: %s", error->message);
      show_toast (self, error->message);
      entries = g_ptr_array_new ();
    }
  else
    {
      GPtrArray *objects = library_objects (self, entries);

      g_ptr_array_unref (entries);
      entries = objects;
    }

  set_search_results (self, entries);
}

static void
start_library_search (KzLibrarySidebar *self)
{
  self->search_pending = FALSE;

  if (self->search_running)
    {
      self->search_pending = TRUE;
      return;
    }

  self->search_running = TRUE;
  kz_relations_service_search_async (kz_context_get_service (self->context),
                                     search_text (self), SEARCH_LIMIT, KZ_FETCH_OFFLINE,
                                     self->dispose_cancellable, library_searched,
                                     search_call_new (self));
}

static void
cancel_online_search (KzLibrarySidebar *self)
{
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->searching_online = FALSE;
}

static gboolean
end_search_cb (gpointer user_data)
{
  KzLibrarySidebar *self = user_data;

  self->end_search_source = 0;

  /* The whole list again: it is kept, so this costs nothing. */
  self->search_pending = FALSE;
  set_search_results (self, NULL);
  select_current (self);
  update_online_button (self);

  return G_SOURCE_REMOVE;
}

/* Runs as the text changes: no delay, since a search only costs its
 * results here, and the searches asked for while one runs are merged. */
static void
search_changed_cb (KzLibrarySidebar *self)
{
  self->search_serial++;
  cancel_online_search (self);

  if (has_search_text (self))
    {
      g_clear_handle_id (&self->end_search_source, g_source_remove);
      start_library_search (self);
      update_online_button (self);
    }
  else if (self->end_search_source == 0)
    {
      /* Replacing the text empties it first: the search ends only if
       * nothing is typed in the same breath. */
      self->end_search_source = g_idle_add_full (G_PRIORITY_HIGH, end_search_cb, self, NULL);
    }
}

static void
online_searched (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SearchCall) call = user_data;
  KzLibrarySidebar *self = call->self;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entries = kz_relations_service_search_finish (KZ_RELATIONS_SERVICE (object), result, &flags, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      call->serial != self->search_serial)
    return;

  self->searching_online = FALSE;
  update_online_button (self);

  if (entries == NULL)
    {
      self->shown_serial = self->search_serial;
      show_toast (self, error->message);
      return;
    }

  if (flags & KZ_RESULT_STALE)
    show_toast (self, _("AniList cannot be reached: showing titles from your library"));

  set_search_results (self, entries);

  /* The results are stored now: every list of stored titles reloads,
   * this one included. */
  if (flags & KZ_RESULT_FROM_PROVIDER)
    kz_context_library_changed (self->context);
}

void
kz_library_sidebar_search_online (KzLibrarySidebar *self)
{
  g_return_if_fail (KZ_IS_LIBRARY_SIDEBAR (self));

  if (!has_search_text (self))
    return;

  cancel_online_search (self);
  self->search_serial++;
  self->search_pending = FALSE;
  self->search_cancellable = g_cancellable_new ();
  self->searching_online = TRUE;
  update_online_button (self);

  kz_relations_service_search_async (kz_context_get_service (self->context),
                                     search_text (self), SEARCH_LIMIT, KZ_FETCH_DEFAULT,
                                     self->search_cancellable, online_searched,
                                     search_call_new (self));
}

static void
online_clicked_cb (KzLibrarySidebar *self)
{
  kz_library_sidebar_search_online (self);
}

static void
stop_search_cb (KzLibrarySidebar *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Activation */

static void
activate_position (KzLibrarySidebar *self,
                   guint             position)
{
  g_autoptr(KzEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

  if (entry != NULL)
    g_signal_emit (self, signals[TITLE_ACTIVATED], 0, kz_entry_get_id (entry));
}

static void
list_activate_cb (KzLibrarySidebar *self,
                  guint             position)
{
  g_autoptr(KzEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->library_list), position);

  if (entry != NULL)
    g_signal_emit (self, signals[TITLE_ACTIVATED], 0, kz_entry_get_id (entry));
}

static void
results_activate_cb (KzLibrarySidebar *self,
                     guint             position)
{
  g_autoptr(KzSidebarSlot) slot = g_list_model_get_item (G_LIST_MODEL (self->results_slots), position);

  KzEntry *entry = slot != NULL ? kz_sidebar_slot_get_entry (slot) : NULL;

  if (entry != NULL)
    g_signal_emit (self, signals[TITLE_ACTIVATED], 0, kz_entry_get_id (entry));
}

/* Enter in the search entry opens the best match. */
static void
search_activate_cb (KzLibrarySidebar *self)
{
  if (!kz_library_sidebar_get_busy (self) && has_search_text (self))
    activate_position (self, 0);
}

static gboolean
search_key_pressed_cb (KzLibrarySidebar      *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  GtkWidget *list = gtk_stack_get_visible_child (self->list_stack);

  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    return gtk_widget_child_focus (list, GTK_DIR_TAB_FORWARD);

  return GDK_EVENT_PROPAGATE;
}

/* One click opens a title, as in other sidebars; the keyboard moves
 * through the list and opens with Enter. */
static void
row_released_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkListItem     *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *sidebar = gtk_widget_get_ancestor (row, KZ_TYPE_LIBRARY_SIDEBAR);
  KzEntry *entry = item_entry (gtk_list_item_get_item (list_item));

  if (n_press == 1 && entry != NULL && sidebar != NULL)
    g_signal_emit (sidebar, signals[TITLE_ACTIVATED], 0, kz_entry_get_id (entry));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KzLibrarySidebar         *self)
{
  GtkWidget *row = kz_entry_row_new (self->context);
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (row_released_cb), list_item, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, row);
}

static void
slot_changed_cb (KzSidebarSlot *slot,
                 GParamSpec    *pspec,
                 KzEntryRow    *row)
{
  kz_entry_row_set_entry (row, kz_sidebar_slot_get_entry (slot));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KzLibrarySidebar         *self)
{
  gpointer item = gtk_list_item_get_item (list_item);
  KzEntryRow *row = KZ_ENTRY_ROW (gtk_list_item_get_child (list_item));

  kz_entry_row_set_entry (row, item_entry (item));
  if (KZ_IS_SIDEBAR_SLOT (item))
    g_signal_connect_object (item, "notify::entry", G_CALLBACK (slot_changed_cb), row, 0);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KzLibrarySidebar         *self)
{
  gpointer item = gtk_list_item_get_item (list_item);

  if (KZ_IS_SIDEBAR_SLOT (item))
    g_signal_handlers_disconnect_by_func (item, slot_changed_cb, gtk_list_item_get_child (list_item));
}

/* Settings that change what is shown */

static void
show_adult_changed (KzLibrarySidebar *self)
{
  refilter_library (self);
}

/* The order follows the titles shown: sorted again, off the main
 * thread, while the old order stays on screen. */
static void
title_language_changed (KzLibrarySidebar *self)
{
  /* A list on its way may be sorted for the other language already. */
  if (self->loading)
    {
      kz_library_sidebar_reload (self);
      return;
    }

  if (self->library == NULL)
    return;

  restart_list (self);
  sort_library (self, self->library);
}

static void
set_up_list_view (GtkListView        *list_view,
                  GListModel         *list,
                  GtkListItemFactory *factory)
{
  g_autoptr(GtkSingleSelection) selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (list)));

  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_list_view_set_model (list_view, GTK_SELECTION_MODEL (selection));
  gtk_list_view_set_factory (list_view, factory);
}

/* GObject */

static void
kz_library_sidebar_constructed (GObject *object)
{
  KzLibrarySidebar *self = (KzLibrarySidebar *)object;
  GtkListItemFactory *factory;

  G_OBJECT_CLASS (kz_library_sidebar_parent_class)->constructed (object);

  g_assert (KZ_IS_CONTEXT (self->context));

  self->library_list = kz_sidebar_list_new ();
  self->results_slots = g_list_store_new (KZ_TYPE_SIDEBAR_SLOT);
  self->shown = kz_sidebar_list_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  set_up_list_view (self->list_view, G_LIST_MODEL (self->library_list), factory);
  set_up_list_view (self->results_view, G_LIST_MODEL (self->results_slots), factory);
  g_object_unref (factory);

  g_signal_connect_object (self->context, "notify::show-adult",
                           G_CALLBACK (show_adult_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::title-language",
                           G_CALLBACK (title_language_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "library-changed",
                           G_CALLBACK (kz_library_sidebar_reload), self, G_CONNECT_SWAPPED);

  update_page (self);
  update_online_button (self);

  /* The first frame does not wait for the list. */
  kz_library_sidebar_reload (self);
}

static void
kz_library_sidebar_dispose (GObject *object)
{
  KzLibrarySidebar *self = (KzLibrarySidebar *)object;

  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_cancellable_cancel (self->dispose_cancellable);
  g_clear_handle_id (&self->end_search_source, g_source_remove);
  g_clear_handle_id (&self->library_step_source, g_source_remove);
  g_clear_handle_id (&self->fill_slots_source, g_source_remove);

  if (self->list_view != NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_list_view_set_factory (self->list_view, NULL);
    }
  if (self->results_view != NULL)
    {
      gtk_list_view_set_model (self->results_view, NULL);
      gtk_list_view_set_factory (self->results_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_LIBRARY_SIDEBAR);

  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->shown);
  g_clear_object (&self->results_slots);
  g_clear_object (&self->library_list);
  g_clear_pointer (&self->results_visible, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  kz_library_sorter_release (g_steal_pointer (&self->library_visible), NULL);
  kz_library_sorter_release (g_steal_pointer (&self->library), g_steal_pointer (&self->library_ids));
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_library_sidebar_parent_class)->dispose (object);
}

static void
kz_library_sidebar_finalize (GObject *object)
{
  KzLibrarySidebar *self = (KzLibrarySidebar *)object;

  g_clear_object (&self->dispose_cancellable);

  G_OBJECT_CLASS (kz_library_sidebar_parent_class)->finalize (object);
}

static void
kz_library_sidebar_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KzLibrarySidebar *self = KZ_LIBRARY_SIDEBAR (object);

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
kz_library_sidebar_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KzLibrarySidebar *self = KZ_LIBRARY_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
kz_library_sidebar_grab_focus (GtkWidget *widget)
{
  KzLibrarySidebar *self = KZ_LIBRARY_SIDEBAR (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kz_library_sidebar_class_init (KzLibrarySidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_library_sidebar_constructed;
  object_class->dispose = kz_library_sidebar_dispose;
  object_class->finalize = kz_library_sidebar_finalize;
  object_class->get_property = kz_library_sidebar_get_property;
  object_class->set_property = kz_library_sidebar_set_property;

  widget_class->grab_focus = kz_library_sidebar_grab_focus;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KzLibrarySidebar::title-activated:
   * @id: the AniList id of the title
   *
   * A title was chosen, by a click, Enter in the list, or Enter in the
   * search entry (the best match).
   */
  signals[TITLE_ACTIVATED] =
    g_signal_new ("title-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-library-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, stack);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, spinner);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, results_view);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, online_revealer);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, online_button);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, online_label);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, online_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, online_spinner);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, results_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, online_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kz_library_sidebar_init (KzLibrarySidebar *self)
{
  self->dispose_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kz_library_sidebar_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_LIBRARY_SIDEBAR, "context", context, NULL);
}

void
kz_library_sidebar_focus_search (KzLibrarySidebar *self)
{
  g_return_if_fail (KZ_IS_LIBRARY_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * kz_library_sidebar_get_model:
 *
 * Returns: (transfer none): the titles shown, in the order shown
 */
GListModel *
kz_library_sidebar_get_model (KzLibrarySidebar *self)
{
  g_return_val_if_fail (KZ_IS_LIBRARY_SIDEBAR (self), NULL);
  return G_LIST_MODEL (self->shown);
}

GtkEditable *
kz_library_sidebar_get_search_entry (KzLibrarySidebar *self)
{
  g_return_val_if_fail (KZ_IS_LIBRARY_SIDEBAR (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

/* "loading", "list", "empty" or "no-results" */
const char *
kz_library_sidebar_get_visible_page (KzLibrarySidebar *self)
{
  g_return_val_if_fail (KZ_IS_LIBRARY_SIDEBAR (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
kz_library_sidebar_get_busy (KzLibrarySidebar *self)
{
  g_return_val_if_fail (KZ_IS_LIBRARY_SIDEBAR (self), FALSE);
  return self->loading || self->library_step_source != 0 ||
         self->searching_online || self->shown_serial != self->search_serial;
}
