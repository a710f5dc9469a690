/* kz-cli-output.c: what every kizuna-cli view uses
 *
 * Making provider text safe for a terminal, the one-line form of a
 * title, and the relations of an entry in the order they are shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-output-private.h"

#include <string.h>

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

char *
_kz_cli_join_line (const char * const *values)
{
  g_autofree char *joined = NULL;

  if (values == NULL || values[0] == NULL)
    return NULL;

  joined = g_strjoinv (", ", (char **) values);

  return kz_cli_sanitize_line (joined);
}

/* Descriptions normally arrive cleaned by the ingest step; an older
 * library row may still hold AniList's HTML. */
char *
_kz_cli_description_to_text (const char *description)
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

void
_kz_cli_append_format_year (GString    *out,
                            const char *separator,
                            KzEntry    *entry)
{
  KzFormat format = kz_entry_get_format (entry);
  int year = kz_entry_get_year (entry);

  if (format != KZ_FORMAT_UNKNOWN && year > 0)
    g_string_append_printf (out, "%s(%s, %d)", separator, kz_format_to_label (format), year);
  else if (format != KZ_FORMAT_UNKNOWN)
    g_string_append_printf (out, "%s(%s)", separator, kz_format_to_label (format));
  else if (year > 0)
    g_string_append_printf (out, "%s(%d)", separator, year);
}

char *
kz_cli_format_entry_line (KzEntry         *entry,
                          KzTitleLanguage  language)
{
  g_autofree char *title = kz_cli_sanitize_line (kz_entry_get_title (entry, language));
  GString *out = g_string_new (title);

  _kz_cli_append_format_year (out, " ", entry);
  g_string_append_printf (out, " [%" G_GINT64_FORMAT "]", kz_entry_get_id (entry));

  return g_string_free (out, FALSE);
}

char *
_kz_cli_dup_root_title (KzFranchiseGraph *graph,
                        KzTitleLanguage   language)
{
  KzEntry *root = kz_franchise_graph_get_root (graph);

  return kz_cli_sanitize_line (root != NULL ? kz_entry_get_title (root, language) : "");
}

/* Relations */

KzEntry *
_kz_cli_relations_subject (KzEntry          *entry,
                           KzFranchiseGraph *graph)
{
  if (graph != NULL && kz_franchise_graph_get_root (graph) != NULL)
    return kz_franchise_graph_get_root (graph);

  return entry;
}

static int
compare_relation_rows (gconstpointer a,
                       gconstpointer b)
{
  const KzCliRelationRow *ra = a;
  const KzCliRelationRow *rb = b;
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
GArray *
_kz_cli_collect_relations (KzEntry          *entry,
                           KzFranchiseGraph *graph)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (KzCliRelationRow));
  const KzRelation *relations;
  guint n_relations = 0;

  relations = kz_entry_get_relations (entry, &n_relations);
  for (guint i = 0; i < n_relations; i++)
    {
      KzCliRelationRow row = { relations[i].type, relations[i].raw_type, relations[i].target };

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
