/* kz-library-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-sidebar"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kz-entry-row.h"
#include "kz-library-sidebar.h"

/* What the search asks for; the library search caps it at 50 too. */
#define SEARCH_LIMIT 50

struct _KzLibrarySidebar
{
  GtkWidget           parent_instance;

  KzContext          *context;
  GCancellable       *list_cancellable;
  GCancellable       *search_cancellable;

  GListStore         *store;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
  GtkCustomFilter    *filter;
  GtkCustomSorter    *sorter;

  /* id → rank (1 = best) of the current search; NULL when not searching */
  GHashTable         *search_ranks;
  /* entry → collation key of its title in the current language */
  GHashTable         *sort_keys;

  guint               loaded : 1;
  guint               loading : 1;
  guint               searching : 1;
  guint               searching_online : 1;

  /* template */
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  GtkListView        *list_view;
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
  guint n_stored = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));
  gboolean searching = self->search_ranks != NULL && has_search_text (self);
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

/* Filtering and sorting */

static gboolean
filter_entry (gpointer item,
              gpointer user_data)
{
  KzLibrarySidebar *self = user_data;
  KzEntry *entry = item;
  gint64 id = kz_entry_get_id (entry);

  if (!kz_context_entry_is_visible (self->context, entry))
    return FALSE;

  return self->search_ranks == NULL || g_hash_table_contains (self->search_ranks, &id);
}

static const char *
sort_key (KzLibrarySidebar *self,
          KzEntry          *entry)
{
  const char *key = g_hash_table_lookup (self->sort_keys, entry);

  if (key == NULL)
    {
      KzTitleLanguage language = kz_context_get_title_language (self->context);
      g_autofree char *folded = g_utf8_casefold (kz_entry_get_title (entry, language), -1);

      key = g_utf8_collate_key (folded, -1);
      g_hash_table_insert (self->sort_keys, entry, (char *)key);
    }

  return key;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  KzLibrarySidebar *self = user_data;
  KzEntry *entry_a = (KzEntry *)a;
  KzEntry *entry_b = (KzEntry *)b;
  int result;

  /* Best match first while searching, by title otherwise. */
  if (self->search_ranks != NULL)
    {
      gint64 id_a = kz_entry_get_id (entry_a);
      gint64 id_b = kz_entry_get_id (entry_b);
      guint rank_a = GPOINTER_TO_UINT (g_hash_table_lookup (self->search_ranks, &id_a));
      guint rank_b = GPOINTER_TO_UINT (g_hash_table_lookup (self->search_ranks, &id_b));

      if (rank_a != rank_b)
        return rank_a < rank_b ? -1 : 1;
    }

  result = strcmp (sort_key (self, entry_a), sort_key (self, entry_b));
  if (result != 0)
    return result;

  return kz_entry_get_id (entry_a) < kz_entry_get_id (entry_b) ? -1 : 1;
}

static void
set_search_results (KzLibrarySidebar *self,
                    GPtrArray        *entries)
{
  g_clear_pointer (&self->search_ranks, g_hash_table_unref);

  if (entries != NULL)
    {
      self->search_ranks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

      for (guint i = 0; i < entries->len; i++)
        {
          gint64 id = kz_entry_get_id (g_ptr_array_index (entries, i));

          if (!g_hash_table_contains (self->search_ranks, &id))
            g_hash_table_insert (self->search_ranks, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (i + 1));
        }
    }

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  update_page (self);
}

/* Loading */

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

  self->loading = FALSE;
  self->loaded = TRUE;

  if (entries == NULL)
    {
      g_warning ("Could not list the library: %s", error->message);
      show_toast (self, error->message);
    }
  else
    {
      g_hash_table_remove_all (self->sort_keys);
      g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                           entries->pdata, entries->len);
      g_debug ("Library: %u titles", entries->len);
    }

  update_page (self);
}

void
kz_library_sidebar_reload (KzLibrarySidebar *self)
{
  g_return_if_fail (KZ_IS_LIBRARY_SIDEBAR (self));

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  self->loading = TRUE;

  kz_relations_service_list_library_async (kz_context_get_service (self->context), 0, 0,
                                           self->list_cancellable, library_listed,
                                           g_object_ref (self));
}

/* Searching */

static void
library_searched (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KzLibrarySidebar) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kz_relations_service_search_finish (KZ_RELATIONS_SERVICE (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->searching = FALSE;

  if (entries == NULL)
    {
      g_warning ("Could not search the library: %s", error->message);
      show_toast (self, error->message);
      entries = g_ptr_array_new ();
    }

  set_search_results (self, entries);
}

static void
cancel_search (KzLibrarySidebar *self)
{
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->searching = FALSE;
  self->searching_online = FALSE;
}

static void
search_changed_cb (KzLibrarySidebar *self)
{
  cancel_search (self);

  if (!has_search_text (self))
    {
      set_search_results (self, NULL);
    }
  else
    {
      self->search_cancellable = g_cancellable_new ();
      self->searching = TRUE;
      kz_relations_service_search_async (kz_context_get_service (self->context),
                                         search_text (self), SEARCH_LIMIT, KZ_FETCH_OFFLINE,
                                         self->search_cancellable, library_searched,
                                         g_object_ref (self));
    }

  update_online_button (self);
}

static void
online_searched (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KzLibrarySidebar) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzResultFlags flags = 0;

  entries = kz_relations_service_search_finish (KZ_RELATIONS_SERVICE (object), result, &flags, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->searching = FALSE;
  self->searching_online = FALSE;
  update_online_button (self);

  if (entries == NULL)
    {
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

  cancel_search (self);
  self->search_cancellable = g_cancellable_new ();
  self->searching = TRUE;
  self->searching_online = TRUE;
  update_online_button (self);

  kz_relations_service_search_async (kz_context_get_service (self->context),
                                     search_text (self), SEARCH_LIMIT, KZ_FETCH_DEFAULT,
                                     self->search_cancellable, online_searched,
                                     g_object_ref (self));
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
  g_autoptr(KzEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->sort_model), position);

  if (entry != NULL)
    g_signal_emit (self, signals[TITLE_ACTIVATED], 0, kz_entry_get_id (entry));
}

static void
list_activate_cb (KzLibrarySidebar *self,
                  guint             position)
{
  activate_position (self, position);
}

/* Enter in the search entry opens the best match. */
static void
search_activate_cb (KzLibrarySidebar *self)
{
  if (!self->searching && has_search_text (self))
    activate_position (self, 0);
}

static gboolean
search_key_pressed_cb (KzLibrarySidebar      *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)) > 0)
    return gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);

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
  KzEntry *entry = gtk_list_item_get_item (list_item);

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
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KzLibrarySidebar         *self)
{
  kz_entry_row_set_entry (KZ_ENTRY_ROW (gtk_list_item_get_child (list_item)),
                          gtk_list_item_get_item (list_item));
}

/* Settings that change what is shown */

static void
show_adult_changed (KzLibrarySidebar *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);
}

static void
title_language_changed (KzLibrarySidebar *self)
{
  g_hash_table_remove_all (self->sort_keys);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
items_changed_cb (KzLibrarySidebar *self)
{
  if (self->loaded)
    update_page (self);
}

/* GObject */

static void
kz_library_sidebar_constructed (GObject *object)
{
  KzLibrarySidebar *self = (KzLibrarySidebar *)object;
  GtkListItemFactory *factory;
  GtkSingleSelection *selection;

  G_OBJECT_CLASS (kz_library_sidebar_parent_class)->constructed (object);

  g_assert (KZ_IS_CONTEXT (self->context));

  self->store = g_list_store_new (KZ_TYPE_ENTRY);
  self->filter = gtk_custom_filter_new (filter_entry, self, NULL);
  self->sorter = gtk_custom_sorter_new (compare_entries, self, NULL);
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->store)),
                                                  GTK_FILTER (g_object_ref (self->filter)));
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filter_model)),
                                              GTK_SORTER (g_object_ref (self->sorter)));
  g_signal_connect_object (self->sort_model, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);

  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sort_model)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
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

  if (self->list_view != NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_list_view_set_factory (self->list_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_LIBRARY_SIDEBAR);

  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_pointer (&self->search_ranks, g_hash_table_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_library_sidebar_parent_class)->dispose (object);
}

static void
kz_library_sidebar_finalize (GObject *object)
{
  KzLibrarySidebar *self = (KzLibrarySidebar *)object;

  g_hash_table_unref (self->sort_keys);

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
  gtk_widget_class_bind_template_child (widget_class, KzLibrarySidebar, list_view);
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
  gtk_widget_class_bind_template_callback (widget_class, online_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kz_library_sidebar_init (KzLibrarySidebar *self)
{
  self->sort_keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);

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
  return G_LIST_MODEL (self->sort_model);
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
  return self->loading || self->searching;
}
