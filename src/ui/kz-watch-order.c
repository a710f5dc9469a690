/* kz-watch-order.c
 *
 * The franchise in the order it came out, numbered, with a switch down
 * to the main story: the sequel and prequel line through the root.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-watch-order"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kz-watch-order.h"

#include "kz-entry-row.h"
#include "kz-timeline.h"

struct _KzWatchOrder
{
  GtkWidget           parent_instance;

  KzContext          *context;
  KzFranchiseGraph   *graph;
  GListStore         *release_order;  /* KzEntry */
  GListStore         *main_story;     /* KzEntry */
  GtkSingleSelection *selection;

  GtkWidget          *header_clamp;
  GtkStack           *stack;
  GtkLabel           *empty_label;
  GtkListView        *list_view;
  GtkWidget          *main_story_row;
  GtkSwitch          *main_story_switch;
};

G_DEFINE_FINAL_TYPE (KzWatchOrder, kz_watch_order, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_GRAPH,
  PROP_MAIN_STORY,
  N_PROPS
};

enum {
  OPEN_TITLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KzWatchOrder             *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *position = gtk_label_new (NULL);
  GtkWidget *row = kz_entry_row_new (self->context);
  GtkWidget *date = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  /* Right-aligned, so that 9. and 10. line up. */
  gtk_label_set_width_chars (GTK_LABEL (position), 3);
  gtk_label_set_xalign (GTK_LABEL (position), 1);
  gtk_widget_add_css_class (position, "numeric");
  gtk_widget_add_css_class (position, "dim-label");

  gtk_widget_set_hexpand (row, TRUE);

  gtk_label_set_xalign (GTK_LABEL (date), 1);
  gtk_label_set_width_chars (GTK_LABEL (date), 9);
  gtk_widget_add_css_class (date, "numeric");
  gtk_widget_add_css_class (date, "dim-label");

  gtk_box_append (GTK_BOX (box), position);
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), date);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KzWatchOrder             *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *position = gtk_widget_get_first_child (box);
  GtkWidget *row = gtk_widget_get_next_sibling (position);
  GtkWidget *date = gtk_widget_get_next_sibling (row);
  KzEntry *entry = gtk_list_item_get_item (list_item);
  g_autofree char *number = NULL;
  g_autofree char *release = NULL;

  /* Translators: a position in the watch order, as in "1." */
  number = g_strdup_printf (_("%u."), gtk_list_item_get_position (list_item) + 1);
  release = kz_timeline_dup_release_label (entry);

  gtk_label_set_text (GTK_LABEL (position), number);
  kz_entry_row_set_entry (KZ_ENTRY_ROW (row), entry);
  gtk_label_set_text (GTK_LABEL (date), release);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KzWatchOrder             *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *row = gtk_widget_get_next_sibling (gtk_widget_get_first_child (box));

  kz_entry_row_set_entry (KZ_ENTRY_ROW (row), NULL);
}

static void
row_activated_cb (KzWatchOrder *self,
                  guint         position,
                  GtkListView  *list_view)
{
  g_autoptr(KzEntry) entry = g_list_model_get_item (kz_watch_order_get_model (self), position);

  if (entry != NULL)
    g_signal_emit (self, signals[OPEN_TITLE], 0, kz_entry_get_id (entry));
}

static void
fill_store (KzWatchOrder *self,
            GListStore   *store,
            GPtrArray    *entries)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_sized_new (entries ? entries->len : 0);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    if (kz_context_entry_is_visible (self->context, g_ptr_array_index (entries, i)))
      g_ptr_array_add (shown, g_ptr_array_index (entries, i));

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       shown->pdata, shown->len);
}

/* Numbers are bound once per row: a new list gets new rows. */
static void
show_model (KzWatchOrder *self)
{
  GListModel *model = kz_watch_order_get_model (self);
  gboolean empty = g_list_model_get_n_items (model) == 0;

  gtk_single_selection_set_model (self->selection, NULL);
  gtk_single_selection_set_model (self->selection, model);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  if (self->graph == NULL)
    gtk_label_set_text (self->empty_label, _("No Franchise Open"));
  else if (empty)
    gtk_label_set_text (self->empty_label, _("No Titles to Show"));

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  gtk_widget_set_sensitive (self->main_story_row, self->graph != NULL);
}

static void
rebuild (KzWatchOrder *self)
{
  g_autoptr(GPtrArray) release_order = NULL;
  g_autoptr(GPtrArray) main_story = NULL;

  if (self->graph != NULL && self->context != NULL)
    {
      release_order = kz_franchise_graph_dup_release_order (self->graph);
      main_story = kz_franchise_graph_dup_main_story (self->graph);
    }

  fill_store (self, self->release_order, release_order);
  fill_store (self, self->main_story, main_story);
  show_model (self);
}

static void
main_story_changed_cb (KzWatchOrder *self)
{
  show_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAIN_STORY]);
}

static void
kz_watch_order_constructed (GObject *object)
{
  KzWatchOrder *self = KZ_WATCH_ORDER (object);

  G_OBJECT_CLASS (kz_watch_order_parent_class)->constructed (object);

  g_return_if_fail (KZ_IS_CONTEXT (self->context));

  /* Rows follow the title language themselves; hiding changes rows. */
  g_signal_connect_object (self->context, "notify::show-adult",
                           G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
}

static void
kz_watch_order_dispose (GObject *object)
{
  KzWatchOrder *self = KZ_WATCH_ORDER (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_WATCH_ORDER);

  g_clear_object (&self->selection);
  g_clear_object (&self->release_order);
  g_clear_object (&self->main_story);
  g_clear_object (&self->graph);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_watch_order_parent_class)->dispose (object);
}

static void
kz_watch_order_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KzWatchOrder *self = KZ_WATCH_ORDER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;

    case PROP_MAIN_STORY:
      g_value_set_boolean (value, kz_watch_order_get_main_story (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_watch_order_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KzWatchOrder *self = KZ_WATCH_ORDER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_GRAPH:
      kz_watch_order_set_graph (self, g_value_get_object (value));
      break;

    case PROP_MAIN_STORY:
      kz_watch_order_set_main_story (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_watch_order_class_init (KzWatchOrderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_watch_order_constructed;
  object_class->dispose = kz_watch_order_dispose;
  object_class->get_property = kz_watch_order_get_property;
  object_class->set_property = kz_watch_order_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL,
                         KZ_TYPE_FRANCHISE_GRAPH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MAIN_STORY] =
    g_param_spec_boolean ("main-story", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KzWatchOrder::open-title:
   * @id: the AniList id of the title whose row was activated
   */
  signals[OPEN_TITLE] =
    g_signal_new ("open-title",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (ADW_TYPE_ACTION_ROW);
  g_type_ensure (ADW_TYPE_CLAMP);
  g_type_ensure (ADW_TYPE_CLAMP_SCROLLABLE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-watch-order.ui");
  gtk_widget_class_bind_template_child (widget_class, KzWatchOrder, header_clamp);
  gtk_widget_class_bind_template_child (widget_class, KzWatchOrder, stack);
  gtk_widget_class_bind_template_child (widget_class, KzWatchOrder, empty_label);
  gtk_widget_class_bind_template_child (widget_class, KzWatchOrder, list_view);
  gtk_widget_class_bind_template_child (widget_class, KzWatchOrder, main_story_row);
  gtk_widget_class_bind_template_child (widget_class, KzWatchOrder, main_story_switch);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_set_css_name (widget_class, "watchorder");
}

static void
kz_watch_order_init (KzWatchOrder *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->release_order = g_list_store_new (KZ_TYPE_ENTRY);
  self->main_story = g_list_store_new (KZ_TYPE_ENTRY);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->main_story_switch, "notify::active",
                           G_CALLBACK (main_story_changed_cb), self, G_CONNECT_SWAPPED);

  show_model (self);
}

GtkWidget *
kz_watch_order_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_WATCH_ORDER, "context", context, NULL);
}

/* @graph NULL empties the list. */
void
kz_watch_order_set_graph (KzWatchOrder     *self,
                          KzFranchiseGraph *graph)
{
  g_return_if_fail (KZ_IS_WATCH_ORDER (self));
  g_return_if_fail (!graph || KZ_IS_FRANCHISE_GRAPH (graph));

  if (!g_set_object (&self->graph, graph))
    return;

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPH]);
}

KzFranchiseGraph *
kz_watch_order_get_graph (KzWatchOrder *self)
{
  g_return_val_if_fail (KZ_IS_WATCH_ORDER (self), NULL);
  return self->graph;
}

GListModel *
kz_watch_order_get_model (KzWatchOrder *self)
{
  g_return_val_if_fail (KZ_IS_WATCH_ORDER (self), NULL);

  if (gtk_switch_get_active (self->main_story_switch))
    return G_LIST_MODEL (self->main_story);

  return G_LIST_MODEL (self->release_order);
}

gboolean
kz_watch_order_get_main_story (KzWatchOrder *self)
{
  g_return_val_if_fail (KZ_IS_WATCH_ORDER (self), FALSE);
  return gtk_switch_get_active (self->main_story_switch);
}

void
kz_watch_order_set_main_story (KzWatchOrder *self,
                               gboolean      main_story)
{
  g_return_if_fail (KZ_IS_WATCH_ORDER (self));

  /* The switch tells everyone else. */
  gtk_switch_set_active (self->main_story_switch, main_story);
}
