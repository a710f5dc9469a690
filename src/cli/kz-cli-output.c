/* kz-cli-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kz-cli-output.h"

/* Text safety */

static char *
sanitize (const char *text,
          gboolean    keep_breaks)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\t' || c == '\r')
        {
          /* \r would let a title overwrite what came before it */
          if (keep_breaks && c != '\r')
            g_string_append_unichar (out, c);
          else
            g_string_append_c (out, ' ');
        }
      else if (!g_unichar_iscntrl (c))
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

char *
kz_cli_sanitize_line (const char *text)
{
  return sanitize (text, FALSE);
}

char *
kz_cli_sanitize_text (const char *text)
{
  return sanitize (text, TRUE);
}

/* For the inside of a double-quoted dot string. */
char *
kz_cli_escape_dot (const char *text)
{
  g_autofree char *clean = kz_cli_sanitize_line (text);
  GString *out = g_string_sized_new (strlen (clean) + 8);

  for (const char *p = clean; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* Descriptions normally arrive cleaned by the ingest step; an older
 * library row may still hold AniList's HTML. */
static char *
description_to_text (const char *description)
{
  static const char * const markers[] = {
    "<br", "<i>", "<b>", "</", "&amp;", "&quot;", "&#", "&lt;", "&gt;",
  };

  if (description == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (strstr (description, markers[i]) != NULL)
      return kz_text_from_html (description);

  return g_strdup (description);
}

/* Small formatting pieces */

const char *
kz_cli_relation_name (KzRelationType  type,
                      const char     *raw_type)
{
  if (type == KZ_RELATION_UNKNOWN && raw_type != NULL && *raw_type != '\0')
    return raw_type;

  return kz_relation_type_to_string (type);
}

char *
kz_cli_format_date (const KzDate *date)
{
  if (date->year == 0)
    return NULL;
  if (date->month == 0)
    return g_strdup_printf ("%04d", date->year);
  if (date->day == 0)
    return g_strdup_printf ("%04d-%02d", date->year, date->month);

  return g_strdup_printf ("%04d-%02d-%02d", date->year, date->month, date->day);
}

char *
kz_cli_format_entry_line (KzEntry         *entry,
                          KzTitleLanguage  language)
{
  g_autofree char *title = kz_cli_sanitize_line (kz_entry_get_title (entry, language));
  KzFormat format = kz_entry_get_format (entry);
  int year = kz_entry_get_year (entry);
  GString *out = g_string_new (title);

  if (format != KZ_FORMAT_UNKNOWN && year > 0)
    g_string_append_printf (out, " (%s, %d)", kz_format_to_label (format), year);
  else if (format != KZ_FORMAT_UNKNOWN)
    g_string_append_printf (out, " (%s)", kz_format_to_label (format));
  else if (year > 0)
    g_string_append_printf (out, " (%d)", year);

  g_string_append_printf (out, " [%" G_GINT64_FORMAT "]", kz_entry_get_id (entry));

  return g_string_free (out, FALSE);
}

static void
append_padded (GString    *out,
               const char *text,
               guint       width)
{
  guint len = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (; len < width; len++)
    g_string_append_c (out, ' ');
}

/* Lists */

void
kz_cli_append_entry_list (GString         *out,
                          GPtrArray       *entries,
                          KzTitleLanguage  language)
{
  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *line = kz_cli_format_entry_line (g_ptr_array_index (entries, i), language);

      g_string_append_printf (out, "%s\n", line);
    }
}

void
kz_cli_append_library (GString         *out,
                       GPtrArray       *entries,
                       KzTitleLanguage  language)
{
  int id_width = 1;

  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             kz_entry_get_id (g_ptr_array_index (entries, i)));

      id_width = MAX (id_width, (int) strlen (id));
    }

  g_string_append_printf (out,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%u title in the library\n",
                                       "%u titles in the library\n",
                                       entries->len),
                          entries->len);

  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *title = kz_cli_sanitize_line (kz_entry_get_title (entry, language));
      KzFormat format = kz_entry_get_format (entry);
      int year = kz_entry_get_year (entry);

      g_string_append_printf (out, "%*" G_GINT64_FORMAT "  %s",
                              id_width, kz_entry_get_id (entry), title);
      if (format != KZ_FORMAT_UNKNOWN && year > 0)
        g_string_append_printf (out, " (%s, %d)", kz_format_to_label (format), year);
      else if (format != KZ_FORMAT_UNKNOWN)
        g_string_append_printf (out, " (%s)", kz_format_to_label (format));
      else if (year > 0)
        g_string_append_printf (out, " (%d)", year);
      g_string_append_c (out, '\n');
    }
}

/* One title in full */

typedef struct {
  const char *label;
  char       *value;
} Field;

static void
field_clear (gpointer data)
{
  g_free (((Field *) data)->value);
}

static void
add_field (GArray     *fields,
           const char *label,
           char       *value)
{
  Field field = { label, value };

  if (value == NULL || *value == '\0')
    {
      g_free (value);
      return;
    }

  g_array_append_val (fields, field);
}

void
kz_cli_append_entry_details (GString         *out,
                             KzEntry         *entry,
                             KzTitleLanguage  language)
{
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
  g_autofree char *title = kz_cli_sanitize_line (kz_entry_get_title (entry, language));
  g_autofree char *description = NULL;
  const char *titles[] = {
    kz_entry_get_title_romaji (entry),
    kz_entry_get_title_english (entry),
    kz_entry_get_title_native (entry),
  };
  const char *title_labels[] = { _("Romaji"), _("English"), _("Native") };
  const char * const *synonyms = kz_entry_get_synonyms (entry);
  const char * const *genres = kz_entry_get_genres (entry);
  KzDate start = kz_entry_get_start_date (entry);
  KzDate end = kz_entry_get_end_date (entry);
  g_autofree char *start_text = kz_cli_format_date (&start);
  g_autofree char *end_text = kz_cli_format_date (&end);
  guint width = 0;
  int episodes = kz_entry_get_episodes (entry);
  int duration = kz_entry_get_duration (entry);
  int score = kz_entry_get_average_score (entry);

  g_array_set_clear_func (fields, field_clear);

  g_string_append_printf (out, "%s\n", title);

  /* The other languages below the preferred one */
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *other = NULL;

      if (titles[i] == NULL || *titles[i] == '\0' || g_strcmp0 (titles[i], kz_entry_get_title (entry, language)) == 0)
        continue;
      other = kz_cli_sanitize_line (titles[i]);
      g_string_append_printf (out, "  %s: %s\n", title_labels[i], other);
    }
  if (synonyms != NULL && synonyms[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) synonyms);
      g_autofree char *clean = kz_cli_sanitize_line (joined);

      g_string_append_printf (out, "  %s: %s\n", _("Also known as"), clean);
    }
  g_string_append_c (out, '\n');

  if (kz_entry_get_format (entry) != KZ_FORMAT_UNKNOWN)
    add_field (fields, _("Format"), g_strdup (kz_format_to_label (kz_entry_get_format (entry))));
  if (kz_entry_get_status (entry) != KZ_STATUS_UNKNOWN)
    add_field (fields, _("Status"), g_strdup (kz_status_to_label (kz_entry_get_status (entry))));
  if (episodes == 1 && duration > 0)
    add_field (fields, _("Episodes"),
               g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "1 (%d minute)", "1 (%d minutes)", duration),
                                duration));
  else if (episodes > 0 && duration > 0)
    add_field (fields, _("Episodes"),
               g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d (%d minute each)", "%d (%d minutes each)", duration),
                                episodes, duration));
  else if (episodes > 0)
    add_field (fields, _("Episodes"), g_strdup_printf ("%d", episodes));
  if (kz_entry_get_season (entry) != KZ_SEASON_UNKNOWN && kz_entry_get_season_year (entry) > 0)
    add_field (fields, _("Season"),
               g_strdup_printf ("%s %d", kz_season_to_label (kz_entry_get_season (entry)),
                                kz_entry_get_season_year (entry)));
  else if (kz_entry_get_season_year (entry) > 0)
    add_field (fields, _("Season"), g_strdup_printf ("%d", kz_entry_get_season_year (entry)));
  if (start_text != NULL && end_text != NULL && g_strcmp0 (start_text, end_text) != 0)
    /* TRANSLATORS: a range of two dates */
    add_field (fields, _("Aired"), g_strdup_printf (_("%s to %s"), start_text, end_text));
  else if (start_text != NULL)
    add_field (fields, _("Aired"), g_strdup (start_text));
  if (score > 0)
    add_field (fields, _("Score"), g_strdup_printf ("%d%%", score));
  if (genres != NULL && genres[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) genres);

      add_field (fields, _("Genres"), kz_cli_sanitize_line (joined));
    }
  add_field (fields, _("Adult"), g_strdup (kz_entry_get_is_adult (entry) ? _("yes") : _("no")));
  add_field (fields, _("Link"), kz_cli_sanitize_line (kz_entry_get_site_url (entry)));
  add_field (fields, _("ID"), g_strdup_printf ("%" G_GINT64_FORMAT, kz_entry_get_id (entry)));

  for (guint i = 0; i < fields->len; i++)
    width = MAX (width, g_utf8_strlen (g_array_index (fields, Field, i).label, -1) + 1);
  for (guint i = 0; i < fields->len; i++)
    {
      const Field *field = &g_array_index (fields, Field, i);
      g_autofree char *label = g_strconcat (field->label, ":", NULL);

      append_padded (out, label, width + 1);
      g_string_append_printf (out, "%s\n", field->value);
    }

  description = description_to_text (kz_entry_get_description (entry));
  if (description != NULL && *description != '\0')
    {
      g_autofree char *clean = kz_cli_sanitize_text (description);

      g_strchomp (clean);
      g_string_append_printf (out, "\n%s\n", clean);
    }
}

/* Relations */

typedef struct {
  KzRelationType  type;
  const char     *raw_type;
  KzEntry        *target;   /* the full node when known, else the stub */
} RelationRow;

static int
compare_relation_rows (gconstpointer a,
                       gconstpointer b)
{
  const RelationRow *ra = a;
  const RelationRow *rb = b;
  guint rank_a = kz_relation_type_get_rank (ra->type);
  guint rank_b = kz_relation_type_get_rank (rb->type);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  if (ra->type == KZ_RELATION_UNKNOWN && rb->type == KZ_RELATION_UNKNOWN)
    {
      int cmp = g_strcmp0 (ra->raw_type, rb->raw_type);

      if (cmp != 0)
        return cmp;
    }

  return kz_entry_compare_release (ra->target, rb->target);
}

/* The entry's relations, story line first; full nodes from graph where
 * it has them. */
static GArray *
collect_relations (KzEntry          *entry,
                   KzFranchiseGraph *graph)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (RelationRow));
  const KzRelation *relations;
  guint n_relations = 0;

  relations = kz_entry_get_relations (entry, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    {
      RelationRow row = { relations[i].type, relations[i].raw_type, relations[i].target };

      if (graph != NULL)
        {
          KzEntry *full = kz_franchise_graph_lookup (graph, kz_entry_get_id (row.target));

          if (full != NULL)
            row.target = full;
        }
      g_array_append_val (rows, row);
    }

  g_array_sort (rows, compare_relation_rows);

  return rows;
}

void
kz_cli_append_relations (GString          *out,
                         KzEntry          *entry,
                         KzFranchiseGraph *graph,
                         KzTitleLanguage   language)
{
  g_autoptr(GArray) rows = NULL;
  g_autofree char *head = NULL;
  guint width = 0;

  if (graph != NULL)
    {
      KzEntry *root = kz_franchise_graph_get_root (graph);

      if (root != NULL)
        entry = root;
    }

  rows = collect_relations (entry, graph);
  head = kz_cli_format_entry_line (entry, language);
  g_string_append_printf (out, "%s\n", head);

  if (rows->len == 0)
    {
      g_string_append_printf (out, "  %s\n", _("No related titles"));
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      const RelationRow *row = &g_array_index (rows, RelationRow, i);
      g_autofree char *name = kz_cli_sanitize_line (kz_cli_relation_name (row->type, row->raw_type));

      width = MAX (width, g_utf8_strlen (name, -1));
    }

  for (guint i = 0; i < rows->len; i++)
    {
      const RelationRow *row = &g_array_index (rows, RelationRow, i);
      g_autofree char *name = kz_cli_sanitize_line (kz_cli_relation_name (row->type, row->raw_type));
      g_autofree char *line = kz_cli_format_entry_line (row->target, language);

      g_string_append (out, "  ");
      append_padded (out, name, width + 2);
      g_string_append_printf (out, "%s\n", line);

      if (graph != NULL && kz_entry_get_detail (row->target) == KZ_ENTRY_DETAIL_FULL)
        {
          g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
          int episodes = kz_entry_get_episodes (row->target);
          int score = kz_entry_get_average_score (row->target);
          const char * const *genres = kz_entry_get_genres (row->target);

          if (kz_entry_get_status (row->target) != KZ_STATUS_UNKNOWN)
            g_ptr_array_add (parts, g_strdup (kz_status_to_label (kz_entry_get_status (row->target))));
          if (episodes > 0)
            g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d episode", "%d episodes", episodes),
                                                     episodes));
          if (score > 0)
            g_ptr_array_add (parts, g_strdup_printf (_("score %d%%"), score));
          if (genres != NULL && genres[0] != NULL)
            {
              g_autofree char *joined = g_strjoinv (", ", (char **) genres);

              g_ptr_array_add (parts, kz_cli_sanitize_line (joined));
            }
          g_ptr_array_add (parts, NULL);

          if (parts->len > 1)
            {
              g_autofree char *joined = g_strjoinv (" · ", (char **) parts->pdata);

              g_string_append (out, "  ");
              append_padded (out, "", width + 2);
              g_string_append_printf (out, "%s\n", joined);
            }
        }
    }
}

/* Franchise views */

void
kz_cli_append_franchise_tree (GString          *out,
                              KzFranchiseGraph *graph,
                              KzTitleLanguage   language)
{
  g_autoptr(GArray) tree = kz_franchise_graph_dup_tree (graph);
  g_autofree gboolean *is_last = NULL;
  g_autofree gboolean *ancestor_last = NULL;
  guint max_depth = 0;
  guint n_nodes = kz_franchise_graph_get_n_nodes (graph);

  if (tree == NULL || tree->len == 0)
    return;

  for (guint i = 0; i < tree->len; i++)
    max_depth = MAX (max_depth, g_array_index (tree, KzTreeItem, i).depth);

  /* An item is the last of its siblings when no later item at its depth
   * comes before the walk climbs back above it. */
  is_last = g_new0 (gboolean, tree->len);
  for (guint i = 0; i < tree->len; i++)
    {
      guint depth = g_array_index (tree, KzTreeItem, i).depth;

      is_last[i] = TRUE;
      for (guint j = i + 1; j < tree->len; j++)
        {
          guint other = g_array_index (tree, KzTreeItem, j).depth;

          if (other < depth)
            break;
          if (other == depth)
            {
              is_last[i] = FALSE;
              break;
            }
        }
    }

  ancestor_last = g_new0 (gboolean, max_depth + 1);
  for (guint i = 0; i < tree->len; i++)
    {
      const KzTreeItem *item = &g_array_index (tree, KzTreeItem, i);
      g_autofree char *line = kz_cli_format_entry_line (item->entry, language);

      ancestor_last[item->depth] = is_last[i];

      if (item->depth == 0)
        {
          g_string_append_printf (out, "%s\n", line);
          continue;
        }

      for (guint level = 1; level < item->depth; level++)
        g_string_append (out, ancestor_last[level] ? "    " : "│   ");
      g_string_append (out, is_last[i] ? "└── " : "├── ");

      {
        g_autofree char *name = kz_cli_sanitize_line (kz_cli_relation_name (item->relation, item->raw_type));

        g_string_append_printf (out, "%s  %s\n", name, line);
      }
    }

  g_string_append_c (out, '\n');
  g_string_append_printf (out,
                          g_dngettext (GETTEXT_PACKAGE, "%u title", "%u titles", n_nodes),
                          n_nodes);
  if (!kz_franchise_graph_is_complete (graph))
    g_string_append_printf (out, " (%s)", _("stopped at the depth or size limit; more may exist"));
  g_string_append_c (out, '\n');
}

static gboolean
has_edge (const KzEdge   *edges,
          guint           n_edges,
          gint64          from,
          gint64          to,
          KzRelationType  type)
{
  for (guint i = 0; i < n_edges; i++)
    if (edges[i].from == from && edges[i].to == to && edges[i].type == type)
      return TRUE;

  return FALSE;
}

/* PREQUEL one way and SEQUEL the other say the same thing: draw one. */
static gboolean
is_redundant_edge (const KzEdge *edges,
                   guint         n_edges,
                   const KzEdge *edge)
{
  KzRelationType inverse = kz_relation_type_inverse (edge->type);

  if (inverse == KZ_RELATION_UNKNOWN)
    return FALSE;
  if (!has_edge (edges, n_edges, edge->to, edge->from, inverse))
    return FALSE;
  if (inverse == edge->type)
    return edge->from > edge->to;

  return edge->type < inverse;
}

void
kz_cli_append_franchise_dot (GString          *out,
                             KzFranchiseGraph *graph,
                             KzTitleLanguage   language)
{
  guint n_nodes = kz_franchise_graph_get_n_nodes (graph);
  gint64 root_id = kz_franchise_graph_get_root_id (graph);
  const KzEdge *edges;
  guint n_edges = 0;

  g_string_append (out, "digraph franchise {\n");
  g_string_append (out, "  graph [rankdir=LR];\n");
  g_string_append (out, "  node [shape=box, fontname=\"sans-serif\"];\n");
  g_string_append (out, "  edge [fontname=\"sans-serif\", fontsize=10];\n");

  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *entry = kz_franchise_graph_get_node (graph, i);
      g_autofree char *title = kz_cli_escape_dot (kz_entry_get_title (entry, language));
      KzFormat format = kz_entry_get_format (entry);
      int year = kz_entry_get_year (entry);
      gint64 id = kz_entry_get_id (entry);

      g_string_append_printf (out, "  n%" G_GINT64_FORMAT " [label=\"%s", id, title);
      if (format != KZ_FORMAT_UNKNOWN && year > 0)
        g_string_append_printf (out, "\\n(%s, %d)", kz_format_to_label (format), year);
      else if (format != KZ_FORMAT_UNKNOWN)
        g_string_append_printf (out, "\\n(%s)", kz_format_to_label (format));
      else if (year > 0)
        g_string_append_printf (out, "\\n(%d)", year);
      g_string_append_c (out, '"');
      if (id == root_id)
        g_string_append (out, ", peripheries=2");
      g_string_append (out, "];\n");
    }

  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      g_autofree char *label = NULL;

      if (is_redundant_edge (edges, n_edges, &edges[i]))
        continue;

      label = kz_cli_escape_dot (kz_cli_relation_name (edges[i].type, edges[i].raw_type));
      g_string_append_printf (out,
                              "  n%" G_GINT64_FORMAT " -> n%" G_GINT64_FORMAT " [label=\"%s\"];\n",
                              edges[i].from, edges[i].to, label);
    }

  g_string_append (out, "}\n");
}

/* JSON */

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL || *value == '\0')
    {
      json_builder_add_null_value (builder);
    }
  else
    {
      g_autofree char *clean = kz_cli_sanitize_text (value);

      json_builder_add_string_value (builder, clean);
    }
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_strv_member (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *clean = kz_cli_sanitize_text (values[i]);

      json_builder_add_string_value (builder, clean);
    }
  json_builder_end_array (builder);
}

static void
add_enum_member (JsonBuilder *builder,
                 const char  *name,
                 gboolean     known,
                 const char  *wire)
{
  json_builder_set_member_name (builder, name);
  if (known)
    json_builder_add_string_value (builder, wire);
  else
    json_builder_add_null_value (builder);
}

static void
add_date_member (JsonBuilder  *builder,
                 const char   *name,
                 const KzDate *date)
{
  g_autofree char *text = kz_cli_format_date (date);

  add_string_member (builder, name, text);
}

/* id, title, format, year: what every list shows */
static void
add_brief_members (JsonBuilder     *builder,
                   KzEntry         *entry,
                   KzTitleLanguage  language)
{
  KzFormat format = kz_entry_get_format (entry);

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, kz_entry_get_id (entry));
  add_string_member (builder, "title", kz_entry_get_title (entry, language));
  add_enum_member (builder, "format", format != KZ_FORMAT_UNKNOWN, kz_format_to_string (format));
  add_int_member (builder, "year", kz_entry_get_year (entry));
}

static void
add_full_members (JsonBuilder     *builder,
                  KzEntry         *entry,
                  KzTitleLanguage  language)
{
  KzDate start = kz_entry_get_start_date (entry);
  KzDate end = kz_entry_get_end_date (entry);
  KzStatus status = kz_entry_get_status (entry);
  KzSeason season = kz_entry_get_season (entry);
  KzMediaType media_type = kz_entry_get_media_type (entry);
  g_autofree char *description = description_to_text (kz_entry_get_description (entry));

  add_int_member (builder, "id_mal", kz_entry_get_id_mal (entry));
  json_builder_set_member_name (builder, "titles");
  json_builder_begin_object (builder);
  add_string_member (builder, "romaji", kz_entry_get_title_romaji (entry));
  add_string_member (builder, "english", kz_entry_get_title_english (entry));
  add_string_member (builder, "native", kz_entry_get_title_native (entry));
  json_builder_end_object (builder);
  add_strv_member (builder, "synonyms", kz_entry_get_synonyms (entry));
  add_enum_member (builder, "media_type", media_type != KZ_MEDIA_TYPE_UNKNOWN, kz_media_type_to_string (media_type));
  add_enum_member (builder, "status", status != KZ_STATUS_UNKNOWN, kz_status_to_string (status));
  add_int_member (builder, "episodes", kz_entry_get_episodes (entry));
  add_int_member (builder, "duration", kz_entry_get_duration (entry));
  add_enum_member (builder, "season", season != KZ_SEASON_UNKNOWN, kz_season_to_string (season));
  add_int_member (builder, "season_year", kz_entry_get_season_year (entry));
  add_date_member (builder, "start_date", &start);
  add_date_member (builder, "end_date", &end);
  add_int_member (builder, "average_score", kz_entry_get_average_score (entry));
  add_strv_member (builder, "genres", kz_entry_get_genres (entry));
  json_builder_set_member_name (builder, "is_adult");
  json_builder_add_boolean_value (builder, kz_entry_get_is_adult (entry));
  add_string_member (builder, "description", description);
  add_string_member (builder, "site_url", kz_entry_get_site_url (entry));
  add_string_member (builder, "cover_url", kz_entry_get_cover_url (entry, KZ_COVER_SIZE_LARGE));
}

static void
add_relations_member (JsonBuilder      *builder,
                      KzEntry          *entry,
                      KzFranchiseGraph *graph,
                      KzTitleLanguage   language)
{
  g_autoptr(GArray) rows = collect_relations (entry, graph);

  json_builder_set_member_name (builder, "relations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      const RelationRow *row = &g_array_index (rows, RelationRow, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "type", kz_cli_relation_name (row->type, row->raw_type));
      add_brief_members (builder, row->target, language);
      if (graph != NULL && kz_entry_get_detail (row->target) == KZ_ENTRY_DETAIL_FULL)
        add_full_members (builder, row->target, language);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonNode *
kz_cli_entry_to_json (KzEntry         *entry,
                      KzTitleLanguage  language,
                      gboolean         full)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_brief_members (builder, entry, language);
  if (full)
    {
      add_full_members (builder, entry, language);
      add_relations_member (builder, entry, NULL, language);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
kz_cli_entry_list_to_json (const char      *list_name,
                           GPtrArray       *entries,
                           KzTitleLanguage  language)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, entries->len);
  json_builder_set_member_name (builder, list_name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      json_builder_begin_object (builder);
      add_brief_members (builder, g_ptr_array_index (entries, i), language);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
kz_cli_relations_to_json (KzEntry          *entry,
                          KzFranchiseGraph *graph,
                          KzTitleLanguage   language)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (graph != NULL && kz_franchise_graph_get_root (graph) != NULL)
    entry = kz_franchise_graph_get_root (graph);

  json_builder_begin_object (builder);
  add_brief_members (builder, entry, language);
  add_relations_member (builder, entry, graph, language);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
kz_cli_franchise_to_json (KzFranchiseGraph        *graph,
                          const KzCliFetchSummary *summary,
                          KzTitleLanguage          language)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n_nodes = kz_franchise_graph_get_n_nodes (graph);
  const KzEdge *edges;
  guint n_edges = 0;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "root");
  json_builder_add_int_value (builder, kz_franchise_graph_get_root_id (graph));
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, kz_franchise_graph_is_complete (graph));

  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *entry = kz_franchise_graph_get_node (graph, i);

      json_builder_begin_object (builder);
      add_brief_members (builder, entry, language);
      json_builder_set_member_name (builder, "depth");
      json_builder_add_int_value (builder,
                                  kz_franchise_graph_get_node_depth (graph, kz_entry_get_id (entry)));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  edges = kz_franchise_graph_get_edges (graph, &n_edges);
  for (guint i = 0; i < n_edges; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "from");
      json_builder_add_int_value (builder, edges[i].from);
      json_builder_set_member_name (builder, "to");
      json_builder_add_int_value (builder, edges[i].to);
      add_string_member (builder, "type", kz_cli_relation_name (edges[i].type, edges[i].raw_type));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "stats");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, summary->requests);
  json_builder_set_member_name (builder, "cache_hits");
  json_builder_add_int_value (builder, summary->cache_hits);
  json_builder_set_member_name (builder, "library_hits");
  json_builder_add_int_value (builder, summary->library_hits);
  json_builder_set_member_name (builder, "provider_fetches");
  json_builder_add_int_value (builder, summary->provider_fetches);
  json_builder_set_member_name (builder, "stale");
  json_builder_add_boolean_value (builder, summary->stale);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, summary->source);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
kz_cli_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

/* Statistics */

JsonNode *
kz_cli_stats_to_json (KzCache            *cache,
                      KzProvider         *provider,
                      KzRelationsService *service)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  KzServiceStats service_stats = { 0 };

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "cache");
  json_builder_begin_object (builder);
  for (guint tier = 0; tier < KZ_CACHE_N_TIERS; tier++)
    {
      KzCacheTierStats stats = { 0 };

      if (cache != NULL)
        kz_cache_get_stats (cache, tier, &stats);
      json_builder_set_member_name (builder, kz_cache_tier_to_string (tier));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, stats.entries);
      json_builder_set_member_name (builder, "max_entries");
      json_builder_add_int_value (builder, stats.max_entries);
      json_builder_set_member_name (builder, "hits");
      json_builder_add_int_value (builder, stats.hits);
      json_builder_set_member_name (builder, "misses");
      json_builder_add_int_value (builder, stats.misses);
      json_builder_set_member_name (builder, "expired");
      json_builder_add_int_value (builder, stats.expired);
      json_builder_set_member_name (builder, "insertions");
      json_builder_add_int_value (builder, stats.insertions);
      json_builder_set_member_name (builder, "evictions");
      json_builder_add_int_value (builder, stats.evictions);
      json_builder_set_member_name (builder, "approx_bytes");
      json_builder_add_int_value (builder, stats.approx_bytes);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "provider");
  if (provider != NULL)
    {
      KzProviderStats stats = { 0 };

      kz_provider_get_stats (provider, &stats);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, kz_provider_get_name (provider));
      json_builder_set_member_name (builder, "requests_sent");
      json_builder_add_int_value (builder, stats.requests_sent);
      json_builder_set_member_name (builder, "rate_limited");
      json_builder_add_int_value (builder, stats.rate_limited);
      json_builder_set_member_name (builder, "failures");
      json_builder_add_int_value (builder, stats.failures);
      json_builder_set_member_name (builder, "wait_usec");
      json_builder_add_int_value (builder, stats.wait_usec);
      json_builder_set_member_name (builder, "last_error");
      if (stats.last_error != NULL)
        {
          g_autofree char *clean = kz_cli_sanitize_line (stats.last_error);

          json_builder_add_string_value (builder, clean);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      kz_provider_stats_clear (&stats);
    }
  else
    json_builder_add_null_value (builder);

  if (service != NULL)
    kz_relations_service_get_stats (service, &service_stats);
  json_builder_set_member_name (builder, "service");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "provider_fetches");
  json_builder_add_int_value (builder, service_stats.provider_fetches);
  json_builder_set_member_name (builder, "coalesced");
  json_builder_add_int_value (builder, service_stats.coalesced);
  json_builder_set_member_name (builder, "cache_hits");
  json_builder_add_int_value (builder, service_stats.cache_hits);
  json_builder_set_member_name (builder, "library_hits");
  json_builder_add_int_value (builder, service_stats.library_hits);
  json_builder_set_member_name (builder, "stale_returned");
  json_builder_add_int_value (builder, service_stats.stale_returned);
  json_builder_set_member_name (builder, "ingest");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entries_in");
  json_builder_add_int_value (builder, service_stats.ingest.entries_in);
  json_builder_set_member_name (builder, "entries_dropped");
  json_builder_add_int_value (builder, service_stats.ingest.entries_dropped);
  json_builder_set_member_name (builder, "years_fixed");
  json_builder_add_int_value (builder, service_stats.ingest.years_fixed);
  json_builder_set_member_name (builder, "counts_fixed");
  json_builder_add_int_value (builder, service_stats.ingest.counts_fixed);
  json_builder_set_member_name (builder, "self_loops_removed");
  json_builder_add_int_value (builder, service_stats.ingest.self_loops_removed);
  json_builder_set_member_name (builder, "duplicate_edges_merged");
  json_builder_add_int_value (builder, service_stats.ingest.duplicate_edges_merged);
  json_builder_set_member_name (builder, "reverse_edges_added");
  json_builder_add_int_value (builder, service_stats.ingest.reverse_edges_added);
  json_builder_set_member_name (builder, "descriptions_cleaned");
  json_builder_add_int_value (builder, service_stats.ingest.descriptions_cleaned);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
kz_cli_append_stats (GString            *out,
                     KzCache            *cache,
                     KzProvider         *provider,
                     KzRelationsService *service)
{
  KzServiceStats service_stats = { 0 };

  g_string_append_printf (out, "%s\n", _("Cache:"));
  for (guint tier = 0; tier < KZ_CACHE_N_TIERS; tier++)
    {
      KzCacheTierStats stats = { 0 };

      if (cache != NULL)
        kz_cache_get_stats (cache, tier, &stats);
      g_string_append_printf (out, _("  %-10s %u/%u entries, %" G_GUINT64_FORMAT " hits, %" G_GUINT64_FORMAT " misses, "
                                     "%" G_GUINT64_FORMAT " expired, %" G_GUINT64_FORMAT " insertions, "
                                     "%" G_GUINT64_FORMAT " evictions, %" G_GSIZE_FORMAT " KiB\n"),
                              kz_cache_tier_to_string (tier), stats.entries, stats.max_entries,
                              stats.hits, stats.misses, stats.expired, stats.insertions,
                              stats.evictions, (stats.approx_bytes + 1023) / 1024);
    }

  if (provider != NULL)
    {
      KzProviderStats stats = { 0 };

      kz_provider_get_stats (provider, &stats);
      g_string_append_printf (out, _("Provider %s: %" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " rate limited, "
                                     "%" G_GUINT64_FORMAT " failures, %.1f s waiting\n"),
                              kz_provider_get_name (provider), stats.requests_sent,
                              stats.rate_limited, stats.failures,
                              (double) stats.wait_usec / G_USEC_PER_SEC);
      if (stats.last_error != NULL)
        {
          g_autofree char *clean = kz_cli_sanitize_line (stats.last_error);

          g_string_append_printf (out, _("  last error: %s\n"), clean);
        }
      kz_provider_stats_clear (&stats);
    }
  else
    g_string_append_printf (out, "%s\n", _("Provider: none (offline)"));

  if (service != NULL)
    kz_relations_service_get_stats (service, &service_stats);
  g_string_append_printf (out, _("Service: %" G_GUINT64_FORMAT " provider fetches, %" G_GUINT64_FORMAT " coalesced, "
                                 "%" G_GUINT64_FORMAT " cache hits, %" G_GUINT64_FORMAT " library hits, "
                                 "%" G_GUINT64_FORMAT " stale\n"),
                          service_stats.provider_fetches, service_stats.coalesced, service_stats.cache_hits,
                          service_stats.library_hits, service_stats.stale_returned);
  g_string_append_printf (out, _("Ingest: %u entries in, %u dropped, %u years fixed, %u counts fixed, "
                                 "%u self-loops removed, %u duplicate edges merged, %u reverse edges added, "
                                 "%u descriptions cleaned\n"),
                          service_stats.ingest.entries_in, service_stats.ingest.entries_dropped,
                          service_stats.ingest.years_fixed, service_stats.ingest.counts_fixed,
                          service_stats.ingest.self_loops_removed, service_stats.ingest.duplicate_edges_merged,
                          service_stats.ingest.reverse_edges_added, service_stats.ingest.descriptions_cleaned);
}
