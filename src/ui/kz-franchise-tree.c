/* kz-franchise-tree.c
 *
 * The franchise's spanning tree from its root title: each row says how
 * it relates to the row it hangs from ("Sequel", "Side Story").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-franchise-tree"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kz-franchise-tree.h"

#include "kz-entry-row.h"

/* The tree, as the GtkTreeListModel asks for it: shared with the model,
 * which may outlive a change of graph. */
typedef struct {
  KzFranchiseGraph *graph;      /* keeps the entries alive */
  GListStore       *roots;      /* KzEntry */
  GHashTable       *children;   /* gint64 id → GListStore of KzEntry */
  GHashTable       *relations;  /* gint64 id → KzRelationType + 1 */
  guint             n_rows;
} TreeData;

struct _KzFranchiseTree
{
  GtkWidget         parent_instance;

  KzContext        *context;
  KzFranchiseGraph *graph;
  TreeData         *data;
  GtkTreeListModel *tree_model;

  GtkStack         *stack;
  GtkLabel         *empty_label;
  GtkListView      *list_view;
};

G_DEFINE_FINAL_TYPE (KzFranchiseTree, kz_franchise_tree, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_GRAPH,
  N_PROPS
};

enum {
  OPEN_TITLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
tree_data_clear (gpointer pointer)
{
  TreeData *data = pointer;

  g_clear_pointer (&data->children, g_hash_table_unref);
  g_clear_pointer (&data->relations, g_hash_table_unref);
  g_clear_object (&data->roots);
  g_clear_object (&data->graph);
}

static void
tree_data_unref (gpointer data)
{
  g_rc_box_release_full (data, tree_data_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TreeData, tree_data_unref)

static gint64 *
dup_id (gint64 id)
{
  gint64 *key = g_new (gint64, 1);

  *key = id;
  return key;
}

/* The tree items come depth-first, each after its parent: a title that
 * is hidden takes its whole subtree with it. */
static TreeData *
tree_data_new (KzFranchiseGraph *graph,
               KzContext        *context)
{
  g_autoptr(TreeData) data = g_rc_box_new0 (TreeData);
  g_autoptr(GArray) items = kz_franchise_graph_dup_tree (graph);
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  data->graph = g_object_ref (graph);
  data->roots = g_list_store_new (KZ_TYPE_ENTRY);
  data->children = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  data->relations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const KzTreeItem *item = &g_array_index (items, KzTreeItem, i);
      gint64 id = kz_entry_get_id (item->entry);
      GListStore *siblings;

      if (!kz_context_entry_is_visible (context, item->entry))
        continue;

      if (item->parent_id == 0)
        {
          siblings = data->roots;
        }
      else
        {
          if (!g_hash_table_contains (shown, &item->parent_id))
            continue;

          siblings = g_hash_table_lookup (data->children, &item->parent_id);
          if (siblings == NULL)
            {
              siblings = g_list_store_new (KZ_TYPE_ENTRY);
              g_hash_table_insert (data->children, dup_id (item->parent_id), siblings);
            }

          g_hash_table_insert (data->relations, dup_id (id), GUINT_TO_POINTER (item->relation + 1));
        }

      g_list_store_append (siblings, item->entry);
      g_hash_table_add (shown, dup_id (id));
      data->n_rows++;
    }

  return g_steal_pointer (&data);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  TreeData *data = user_data;
  gint64 id = kz_entry_get_id (KZ_ENTRY (item));
  GListStore *children = g_hash_table_lookup (data->children, &id);

  return children != NULL ? g_object_ref (G_LIST_MODEL (children)) : NULL;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KzFranchiseTree          *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *row = kz_entry_row_new (self->context);

  gtk_widget_set_margin_top (row, 3);
  gtk_widget_set_margin_bottom (row, 3);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), row);
  gtk_list_item_set_child (list_item, expander);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KzFranchiseTree          *self)
{
  GtkTreeListRow *list_row = gtk_list_item_get_item (list_item);
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));
  KzEntryRow *row = KZ_ENTRY_ROW (gtk_tree_expander_get_child (expander));
  g_autoptr(KzEntry) entry = gtk_tree_list_row_get_item (list_row);
  gint64 id = kz_entry_get_id (entry);
  guint relation = 0;

  if (self->data != NULL)
    relation = GPOINTER_TO_UINT (g_hash_table_lookup (self->data->relations, &id));

  gtk_tree_expander_set_list_row (expander, list_row);
  kz_entry_row_set_entry (row, entry);
  /* The root relates to nothing above it. */
  kz_entry_row_set_relation (row, relation > 0 ? kz_relation_type_to_label (relation - 1) : NULL);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KzFranchiseTree          *self)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));

  gtk_tree_expander_set_list_row (expander, NULL);
  kz_entry_row_set_entry (KZ_ENTRY_ROW (gtk_tree_expander_get_child (expander)), NULL);
}

static void
row_activated_cb (KzFranchiseTree *self,
                  guint            position,
                  GtkListView     *list_view)
{
  g_autoptr(GtkTreeListRow) list_row = NULL;
  g_autoptr(KzEntry) entry = NULL;

  if (self->tree_model == NULL ||
      !(list_row = g_list_model_get_item (G_LIST_MODEL (self->tree_model), position)))
    return;

  entry = gtk_tree_list_row_get_item (list_row);
  g_signal_emit (self, signals[OPEN_TITLE], 0, kz_entry_get_id (entry));
}

/* The row that has the keyboard, if it is one of ours. */
static GtkTreeListRow *
get_focused_row (KzFranchiseTree *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *expander;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return NULL;

  /* The focus is on the list item around the expander, or inside it. */
  expander = gtk_widget_get_ancestor (focus, GTK_TYPE_TREE_EXPANDER);
  for (GtkWidget *child = gtk_widget_get_first_child (focus);
       expander == NULL && child != NULL;
       child = gtk_widget_get_first_child (child))
    if (GTK_IS_TREE_EXPANDER (child))
      expander = child;

  return expander != NULL ? gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander)) : NULL;
}

/* The list has no call to focus a row: the row's widget takes it. */
static gboolean
focus_row (KzFranchiseTree *self,
           GtkTreeListRow  *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                              gtk_tree_list_row_get_position (row));

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *expander = gtk_widget_get_first_child (item);

      if (GTK_IS_TREE_EXPANDER (expander) &&
          gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander)) == row)
        return gtk_widget_grab_focus (item);
    }

  return FALSE;
}

/* Right or + opens a row, Left or - folds it; Left on a folded row goes
 * to the row it hangs from, as in other trees. */
static gboolean
key_pressed_cb (KzFranchiseTree       *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkTreeListRow *row;
  g_autoptr(GtkTreeListRow) parent = NULL;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || !(row = get_focused_row (self)))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
    case GDK_KEY_asterisk:
    case GDK_KEY_KP_Multiply:
      if (!gtk_tree_list_row_is_expandable (row) || gtk_tree_list_row_get_expanded (row))
        return FALSE;
      gtk_tree_list_row_set_expanded (row, TRUE);
      return TRUE;

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      if (gtk_tree_list_row_get_expanded (row))
        {
          gtk_tree_list_row_set_expanded (row, FALSE);
          return TRUE;
        }
      if (keyval == GDK_KEY_minus || keyval == GDK_KEY_KP_Subtract ||
          !(parent = gtk_tree_list_row_get_parent (row)))
        return FALSE;
      return focus_row (self, parent);

    default:
      return FALSE;
    }
}

static void
rebuild (KzFranchiseTree *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_clear_pointer (&self->data, tree_data_unref);
  g_clear_object (&self->tree_model);

  if (self->graph != NULL && self->context != NULL)
    self->data = tree_data_new (self->graph, self->context);

  if (self->data == NULL || self->data->n_rows == 0)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_label_set_text (self->empty_label,
                          self->graph == NULL ? _("No Franchise Open") : _("No Titles to Show"));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* Open all the way down at first; people fold what they do not need. */
  self->tree_model = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->data->roots)),
                                              FALSE, TRUE,
                                              create_children,
                                              g_rc_box_acquire (self->data),
                                              tree_data_unref);

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree_model)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->stack, "tree");
}

/* The titles whose rows are folded, so that a newer copy of the same
 * franchise comes back folded the same way. */
static GHashTable *
dup_folded_ids (KzFranchiseTree *self)
{
  GHashTable *folded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GListModel *rows = G_LIST_MODEL (self->tree_model);
  guint n_rows = rows != NULL ? g_list_model_get_n_items (rows) : 0;

  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);

      if (gtk_tree_list_row_is_expandable (row) && !gtk_tree_list_row_get_expanded (row))
        {
          g_autoptr(KzEntry) entry = gtk_tree_list_row_get_item (row);
          gint64 id = kz_entry_get_id (entry);

          g_hash_table_add (folded, g_memdup2 (&id, sizeof id));
        }
    }

  return folded;
}

static void
fold_rows (KzFranchiseTree *self,
           GHashTable      *folded)
{
  GListModel *rows = G_LIST_MODEL (self->tree_model);
  guint n_rows = rows != NULL ? g_list_model_get_n_items (rows) : 0;

  /* From the end: folding a row only removes rows after it. */
  for (guint i = n_rows; i-- > 0;)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(KzEntry) entry = gtk_tree_list_row_get_item (row);
      gint64 id = kz_entry_get_id (entry);

      if (g_hash_table_contains (folded, &id))
        gtk_tree_list_row_set_expanded (row, FALSE);
    }
}

static void
kz_franchise_tree_constructed (GObject *object)
{
  KzFranchiseTree *self = KZ_FRANCHISE_TREE (object);

  G_OBJECT_CLASS (kz_franchise_tree_parent_class)->constructed (object);

  g_return_if_fail (KZ_IS_CONTEXT (self->context));

  /* Rows follow the title language themselves; hiding changes rows. */
  g_signal_connect_object (self->context, "notify::show-adult",
                           G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
}

static void
kz_franchise_tree_dispose (GObject *object)
{
  KzFranchiseTree *self = KZ_FRANCHISE_TREE (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_FRANCHISE_TREE);

  g_clear_object (&self->tree_model);
  g_clear_pointer (&self->data, tree_data_unref);
  g_clear_object (&self->graph);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_franchise_tree_parent_class)->dispose (object);
}

static void
kz_franchise_tree_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KzFranchiseTree *self = KZ_FRANCHISE_TREE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_franchise_tree_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  KzFranchiseTree *self = KZ_FRANCHISE_TREE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_GRAPH:
      kz_franchise_tree_set_graph (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_franchise_tree_class_init (KzFranchiseTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_franchise_tree_constructed;
  object_class->dispose = kz_franchise_tree_dispose;
  object_class->get_property = kz_franchise_tree_get_property;
  object_class->set_property = kz_franchise_tree_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL,
                         KZ_TYPE_FRANCHISE_GRAPH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KzFranchiseTree::open-title:
   * @id: the AniList id of the title whose row was activated
   */
  signals[OPEN_TITLE] =
    g_signal_new ("open-title",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (ADW_TYPE_CLAMP_SCROLLABLE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-franchise-tree.ui");
  gtk_widget_class_bind_template_child (widget_class, KzFranchiseTree, stack);
  gtk_widget_class_bind_template_child (widget_class, KzFranchiseTree, empty_label);
  gtk_widget_class_bind_template_child (widget_class, KzFranchiseTree, list_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_set_css_name (widget_class, "franchisetree");
}

static void
kz_franchise_tree_init (KzFranchiseTree *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Before the list's own bindings, which take Left and Right. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);
}

GtkWidget *
kz_franchise_tree_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_FRANCHISE_TREE, "context", context, NULL);
}

/* @graph NULL empties the tree. */
void
kz_franchise_tree_set_graph (KzFranchiseTree  *self,
                             KzFranchiseGraph *graph)
{
  g_autoptr(GHashTable) folded = NULL;

  g_return_if_fail (KZ_IS_FRANCHISE_TREE (self));
  g_return_if_fail (!graph || KZ_IS_FRANCHISE_GRAPH (graph));

  /* A newer copy of the franchise shown (a background update) keeps
   * what the person folded. */
  if (self->graph != NULL && graph != NULL && self->graph != graph &&
      kz_franchise_graph_get_root_id (self->graph) == kz_franchise_graph_get_root_id (graph))
    folded = dup_folded_ids (self);

  if (!g_set_object (&self->graph, graph))
    return;

  rebuild (self);
  if (folded != NULL && g_hash_table_size (folded) > 0)
    fold_rows (self, folded);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPH]);
}

KzFranchiseGraph *
kz_franchise_tree_get_graph (KzFranchiseTree *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_TREE (self), NULL);
  return self->graph;
}

guint
kz_franchise_tree_get_n_rows (KzFranchiseTree *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_TREE (self), 0);
  return self->data != NULL ? self->data->n_rows : 0;
}

GListModel *
kz_franchise_tree_get_model (KzFranchiseTree *self)
{
  g_return_val_if_fail (KZ_IS_FRANCHISE_TREE (self), NULL);
  return self->tree_model != NULL ? G_LIST_MODEL (self->tree_model) : NULL;
}
