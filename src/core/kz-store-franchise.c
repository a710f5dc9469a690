/* kz-store-franchise.c: franchise snapshots
 *
 * A snapshot keeps a walk's nodes, depths and edges under a key, so that
 * a franchise opens without walking it again; its entries are read back
 * from the library's own rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store.h"

#include <glib/gi18n-lib.h>

#include "kz-entry-private.h"
#include "kz-store-private.h"

static const char upsert_franchise_sql[] =
  "INSERT INTO franchises (key, root_id, saved_at, complete) VALUES (?1, ?2, ?3, ?4)"
  " ON CONFLICT (key) DO UPDATE SET root_id = excluded.root_id,"
  " saved_at = excluded.saved_at, complete = excluded.complete";

static const char delete_franchise_nodes_sql[] =
  "DELETE FROM franchise_nodes WHERE franchise_key = ?1";

static const char delete_franchise_edges_sql[] =
  "DELETE FROM franchise_edges WHERE franchise_key = ?1";

static const char insert_franchise_node_sql[] =
  "INSERT INTO franchise_nodes (franchise_key, position, entry_id, depth)"
  " VALUES (?1, ?2, ?3, ?4)";

static const char insert_franchise_edge_sql[] =
  "INSERT INTO franchise_edges (franchise_key, position, from_id, to_id, type, raw_type)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static const char select_franchise_sql[] =
  "SELECT root_id, saved_at, complete FROM franchises WHERE key = ?1";

static const char select_franchise_nodes_sql[] =
  "SELECT entry_id, depth FROM franchise_nodes WHERE franchise_key = ?1 ORDER BY position";

static const char select_franchise_edges_sql[] =
  "SELECT from_id, to_id, type, raw_type FROM franchise_edges"
  " WHERE franchise_key = ?1 ORDER BY position";

static gboolean
run_with_key (KzStore     *self,
              const char  *sql,
              const char  *key,
              GError     **error)
{
  g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _kz_store_bind_text (stmt, 1, key);

  return _kz_store_step_done (self, stmt, error);
}

static gboolean
write_franchise (KzStore           *self,
                 const char        *key,
                 KzFranchiseGraph  *graph,
                 gint64             saved_at,
                 GError           **error)
{
  const KzEdge *edges;
  guint n_edges;
  guint n_nodes = kz_franchise_graph_get_n_nodes (graph);

  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, upsert_franchise_sql, error);

    if (stmt == NULL)
      return FALSE;
    _kz_store_bind_text (stmt, 1, key);
    sqlite3_bind_int64 (stmt, 2, kz_franchise_graph_get_root_id (graph));
    sqlite3_bind_int64 (stmt, 3, saved_at);
    sqlite3_bind_int (stmt, 4, kz_franchise_graph_is_complete (graph) ? 1 : 0);
    if (!_kz_store_step_done (self, stmt, error))
      return FALSE;
  }

  if (!run_with_key (self, delete_franchise_nodes_sql, key, error) ||
      !run_with_key (self, delete_franchise_edges_sql, key, error))
    return FALSE;

  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (graph, i);
      g_autoptr(KzStoreStmt) stmt = NULL;

      /* a node not saved yet is kept at least as a stub, so that the
       * snapshot can be read back whole */
      if (!_kz_store_upsert_stub (self, node, error))
        return FALSE;

      if (!(stmt = _kz_store_stmt (self, insert_franchise_node_sql, error)))
        return FALSE;
      _kz_store_bind_text (stmt, 1, key);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_int64 (stmt, 3, node->id);
      sqlite3_bind_int (stmt, 4, kz_franchise_graph_get_node_depth (graph, node->id));
      if (!_kz_store_step_done (self, stmt, error))
        return FALSE;
    }

  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, insert_franchise_edge_sql, error);

      if (stmt == NULL)
        return FALSE;
      _kz_store_bind_text (stmt, 1, key);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_int64 (stmt, 3, edges[i].from);
      sqlite3_bind_int64 (stmt, 4, edges[i].to);
      _kz_store_bind_text (stmt, 5, kz_relation_type_to_string (edges[i].type));
      _kz_store_bind_text (stmt, 6, edges[i].raw_type ? edges[i].raw_type
                                                      : kz_relation_type_to_string (edges[i].type));
      if (!_kz_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * kz_store_save_franchise:
 * @key: names the snapshot (root and walk options)
 *
 * Replaces the snapshot under @key: nodes with their depths, edges and
 * whether the walk was complete. Nodes missing from the library are
 * added as stubs; stored entries are left as they are.
 */
gboolean
kz_store_save_franchise (KzStore           *self,
                         const char        *key,
                         KzFranchiseGraph  *graph,
                         gint64             saved_at,
                         GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (KZ_IS_FRANCHISE_GRAPH (graph), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_write (self, error))
    return FALSE;

  if (!write_franchise (self, key, graph, saved_at, error))
    {
      _kz_store_rollback (self);
      g_prefix_error (error, _("Could not save the franchise “%s”: "), key);
      return FALSE;
    }

  return _kz_store_commit (self, error);
}

typedef struct {
  gint64 root_id;
  gint64 saved_at;
  gboolean complete;
  GArray *node_ids;     /* gint64 */
  GArray *node_depths;  /* guint */
  GPtrArray *entries;   /* KzEntry, in node order, missing skipped */
  GArray *edges;        /* KzEdge */
} FranchiseRows;

static void
franchise_rows_clear (FranchiseRows *rows)
{
  g_clear_pointer (&rows->node_ids, g_array_unref);
  g_clear_pointer (&rows->node_depths, g_array_unref);
  g_clear_pointer (&rows->entries, g_ptr_array_unref);
  g_clear_pointer (&rows->edges, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FranchiseRows, franchise_rows_clear)

/* Sets *found to FALSE, without an error, when there is no snapshot. */
static gboolean
read_franchise (KzStore        *self,
                const char     *key,
                FranchiseRows  *rows,
                gboolean       *found,
                GError        **error)
{
  int rc;

  *found = FALSE;

  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_franchise_sql, error);

    if (stmt == NULL)
      return FALSE;
    _kz_store_bind_text (stmt, 1, key);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      return _kz_store_check_done (self, rc, error);

    rows->root_id = sqlite3_column_int64 (stmt, 0);
    rows->saved_at = sqlite3_column_int64 (stmt, 1);
    rows->complete = sqlite3_column_int (stmt, 2) != 0;
  }

  rows->node_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  rows->node_depths = g_array_new (FALSE, FALSE, sizeof (guint));
  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_franchise_nodes_sql, error);

    if (stmt == NULL)
      return FALSE;
    _kz_store_bind_text (stmt, 1, key);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        guint depth = (guint)sqlite3_column_int64 (stmt, 1);

        g_array_append_val (rows->node_ids, id);
        g_array_append_val (rows->node_depths, depth);
      }
    if (!_kz_store_check_done (self, rc, error))
      return FALSE;
  }

  rows->edges = g_array_new (FALSE, FALSE, sizeof (KzEdge));
  {
    g_autoptr(KzStoreStmt) stmt = _kz_store_stmt (self, select_franchise_edges_sql, error);

    if (stmt == NULL)
      return FALSE;
    _kz_store_bind_text (stmt, 1, key);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        KzEdge edge;

        edge.from = sqlite3_column_int64 (stmt, 0);
        edge.to = sqlite3_column_int64 (stmt, 1);
        edge.type = kz_relation_type_from_string (_kz_store_column_text (stmt, 2));
        edge.raw_type = g_intern_string (_kz_store_column_text (stmt, 3));
        g_array_append_val (rows->edges, edge);
      }
    if (!_kz_store_check_done (self, rc, error))
      return FALSE;
  }

  rows->entries = _kz_store_get_entries_locked (self,
                                                (const gint64 *)(gpointer)rows->node_ids->data,
                                                rows->node_ids->len, error);
  if (rows->entries == NULL)
    return FALSE;

  *found = TRUE;
  return TRUE;
}

static KzFranchiseGraph *
graph_from_rows (FranchiseRows *rows)
{
  KzFranchiseGraph *graph = kz_franchise_graph_new (rows->root_id);
  gboolean whole = TRUE;
  guint next = 0;

  /* entries come in node order, with missing ones skipped */
  for (guint i = 0; i < rows->node_ids->len; i++)
    {
      gint64 id = g_array_index (rows->node_ids, gint64, i);
      KzEntry *entry = next < rows->entries->len ? g_ptr_array_index (rows->entries, next) : NULL;

      if (entry == NULL || entry->id != id)
        {
          whole = FALSE;
          continue;
        }

      kz_franchise_graph_add_node (graph, entry, g_array_index (rows->node_depths, guint, i));
      next++;
    }

  for (guint i = 0; i < rows->edges->len; i++)
    {
      const KzEdge *edge = &g_array_index (rows->edges, KzEdge, i);

      kz_franchise_graph_add_edge (graph, edge->from, edge->to, edge->type, edge->raw_type);
    }

  /* a snapshot that lost a node is no longer the whole franchise */
  kz_franchise_graph_set_complete (graph, rows->complete && whole);

  return graph;
}

/**
 * kz_store_load_franchise:
 * @saved_at: (out) (optional): when the snapshot was saved
 *
 * Returns: (transfer full) (nullable): the snapshot under @key, or NULL
 *   without an error when there is none.
 */
KzFranchiseGraph *
kz_store_load_franchise (KzStore     *self,
                         const char  *key,
                         gint64      *saved_at,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_auto(FranchiseRows) rows = { 0 };
  gboolean found;

  g_return_val_if_fail (KZ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (saved_at != NULL)
    *saved_at = 0;

  locker = g_mutex_locker_new (&self->lock);

  if (!_kz_store_begin_read (self, error))
    return NULL;

  if (!read_franchise (self, key, &rows, &found, error))
    {
      _kz_store_rollback (self);
      return NULL;
    }

  if (!_kz_store_commit (self, error) || !found)
    return NULL;

  g_clear_pointer (&locker, g_mutex_locker_free);

  if (saved_at != NULL)
    *saved_at = rows.saved_at;

  return graph_from_rows (&rows);
}

