/* kz-cli-text.c: kizuna-cli's text views
 *
 * Lists, one title in full, its relations, the franchise as a tree, the
 * refresh report and the statistics, as a person reads them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-output-private.h"
#include "kz-entry-private.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

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

/* MyAnimeList's score, which an entry read from the library carries;
 * 0 when unknown. kz-entry.h has no getter for it. */
static double
entry_get_mal_score (KzEntry *entry)
{
  return entry->mal_score;
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

      g_string_append_printf (out, "%*" G_GINT64_FORMAT "  %s",
                              id_width, kz_entry_get_id (entry), title);
      _kz_cli_append_format_year (out, " ", entry);
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
  g_autofree char *synonyms = _kz_cli_join_line (kz_entry_get_synonyms (entry));
  KzDate start = kz_entry_get_start_date (entry);
  KzDate end = kz_entry_get_end_date (entry);
  g_autofree char *start_text = kz_cli_format_date (&start);
  g_autofree char *end_text = kz_cli_format_date (&end);
  guint width = 0;
  int episodes = kz_entry_get_episodes (entry);
  int duration = kz_entry_get_duration (entry);
  int score = kz_entry_get_average_score (entry);
  double mal_score = entry_get_mal_score (entry);

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
  if (synonyms != NULL)
    g_string_append_printf (out, "  %s: %s\n", _("Also known as"), synonyms);
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
               g_strdup_printf (C_("season year", "%s %d"), kz_season_to_label (kz_entry_get_season (entry)),
                                kz_entry_get_season_year (entry)));
  else if (kz_entry_get_season_year (entry) > 0)
    add_field (fields, _("Season"), g_strdup_printf ("%d", kz_entry_get_season_year (entry)));
  if (start_text != NULL && end_text != NULL && g_strcmp0 (start_text, end_text) != 0)
    /* TRANSLATORS: a range of two dates */
    add_field (fields, _("Aired"), g_strdup_printf (_("%s to %s"), start_text, end_text));
  else if (start_text != NULL)
    add_field (fields, _("Aired"), g_strdup (start_text));
  if (score > 0)
    add_field (fields, _("Score"), g_strdup_printf (_("%d%%"), score));
  if (mal_score > 0)
    add_field (fields, _("MAL score"), g_strdup_printf ("%.2f", mal_score));
  add_field (fields, _("Genres"), _kz_cli_join_line (kz_entry_get_genres (entry)));
  add_field (fields, _("Adult"), g_strdup (kz_entry_get_is_adult (entry) ? _("yes") : _("no")));
  /* MyAnimeList's age rating, e.g. "PG-13 - Teens 13 or older" */
  add_field (fields, _("Rating"), kz_cli_sanitize_line (kz_entry_get_age_rating (entry)));
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

  description = _kz_cli_description_to_text (kz_entry_get_description (entry));
  if (description != NULL && *description != '\0')
    {
      g_autofree char *clean = kz_cli_sanitize_text (description);

      g_strchomp (clean);
      g_string_append_printf (out, "\n%s\n", clean);
    }
}

/* Relations */

/* "Finished · 12 episodes · score 77% · Drama, Sci-Fi" for a full
 * neighbour, or NULL when nothing is known */
static char *
format_neighbour_summary (KzEntry *target)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  int episodes = kz_entry_get_episodes (target);
  int score = kz_entry_get_average_score (target);
  char *genres = _kz_cli_join_line (kz_entry_get_genres (target));

  if (kz_entry_get_status (target) != KZ_STATUS_UNKNOWN)
    g_ptr_array_add (parts, g_strdup (kz_status_to_label (kz_entry_get_status (target))));
  if (episodes > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d episode", "%d episodes", episodes),
                                             episodes));
  if (score > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("score %d%%"), score));
  if (genres != NULL)
    g_ptr_array_add (parts, genres);

  if (parts->len == 0)
    return NULL;

  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

void
kz_cli_append_relations (GString          *out,
                         KzEntry          *entry,
                         KzFranchiseGraph *graph,
                         KzTitleLanguage   language)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = NULL;
  guint width = 0;

  entry = _kz_cli_relations_subject (entry, graph);
  rows = _kz_cli_collect_relations (entry, graph);
  head = kz_cli_format_entry_line (entry, language);
  g_string_append_printf (out, "%s\n", head);

  if (rows->len == 0)
    {
      g_string_append_printf (out, "  %s\n", _("No related titles"));
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      const KzCliRelationRow *row = &g_array_index (rows, KzCliRelationRow, i);
      char *name = kz_cli_sanitize_line (kz_cli_relation_name (row->type, row->raw_type));

      width = MAX (width, g_utf8_strlen (name, -1));
      g_ptr_array_add (names, name);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      const KzCliRelationRow *row = &g_array_index (rows, KzCliRelationRow, i);
      g_autofree char *line = kz_cli_format_entry_line (row->target, language);

      g_string_append (out, "  ");
      append_padded (out, g_ptr_array_index (names, i), width + 2);
      g_string_append_printf (out, "%s\n", line);

      if (graph != NULL && kz_entry_get_detail (row->target) == KZ_ENTRY_DETAIL_FULL)
        {
          g_autofree char *summary = format_neighbour_summary (row->target);

          if (summary != NULL)
            {
              g_string_append (out, "  ");
              append_padded (out, "", width + 2);
              g_string_append_printf (out, "%s\n", summary);
            }
        }
    }
}

/* Franchise tree */

/* An item is the last of its siblings when no later item at its depth
 * comes before the walk climbs back above it. */
static gboolean *
find_last_siblings (GArray *tree)
{
  gboolean *is_last = g_new0 (gboolean, tree->len);

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

  return is_last;
}

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

  is_last = find_last_siblings (tree);
  ancestor_last = g_new0 (gboolean, max_depth + 1);
  for (guint i = 0; i < tree->len; i++)
    {
      const KzTreeItem *item = &g_array_index (tree, KzTreeItem, i);
      g_autofree char *line = kz_cli_format_entry_line (item->entry, language);
      g_autofree char *name = NULL;

      ancestor_last[item->depth] = is_last[i];

      if (item->depth == 0)
        {
          g_string_append_printf (out, "%s\n", line);
          continue;
        }

      for (guint level = 1; level < item->depth; level++)
        g_string_append (out, ancestor_last[level] ? "    " : "│   ");
      g_string_append (out, is_last[i] ? "└── " : "├── ");

      name = kz_cli_sanitize_line (kz_cli_relation_name (item->relation, item->raw_type));
      g_string_append_printf (out, "%s  %s\n", name, line);
    }

  g_string_append_c (out, '\n');
  g_string_append_printf (out,
                          g_dngettext (GETTEXT_PACKAGE, "%u title", "%u titles", n_nodes),
                          n_nodes);
  if (!kz_franchise_graph_is_complete (graph))
    g_string_append_printf (out, " (%s)", _("stopped at the depth or size limit; more may exist"));
  g_string_append_c (out, '\n');
}

/* Refresh */

void
kz_cli_append_refresh (GString                   *out,
                       KzFranchiseGraph          *graph,
                       const KzCliRefreshSummary *summary,
                       KzTitleLanguage            language)
{
  g_autofree char *title = _kz_cli_dup_root_title (graph, language);
  g_autofree char *titles_part = NULL;
  g_autofree char *requests_part = NULL;

  /* TRANSLATORS: the start of "Refreshed 42 titles of Title (3 requests)" */
  titles_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Refreshed %u title of %s",
                                              "Refreshed %u titles of %s", summary->titles),
                                 summary->titles, title);
  requests_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%" PRIu64 " request",
                                                "%" PRIu64 " requests",
                                                (gulong) MIN (summary->requests, G_MAXULONG)),
                                   summary->requests);
  g_string_append_printf (out, "%s (%s)", titles_part, requests_part);
  if (summary->compared && summary->n_new + summary->n_updated + summary->n_removed == 0)
    g_string_append_printf (out, ": %s", _("nothing changed"));
  else if (summary->compared)
    /* TRANSLATORS: what a refresh changed, e.g. "2 new, 5 updated, 0 removed" */
    g_string_append_printf (out, _(": %u new, %u updated, %u removed"),
                            summary->n_new, summary->n_updated, summary->n_removed);
  g_string_append_c (out, '\n');
}

/* Statistics */

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
      g_string_append_printf (out, _("  %-10s %u/%u entries, %" PRIu64 " hits, %" PRIu64 " misses, "
                                     "%" PRIu64 " expired, %" PRIu64 " insertions, "
                                     "%" PRIu64 " evictions, %zu KiB\n"),
                              kz_cache_tier_to_string (tier), stats.entries, stats.max_entries,
                              stats.hits, stats.misses, stats.expired, stats.insertions,
                              stats.evictions, (stats.approx_bytes + 1023) / 1024);
    }

  if (provider != NULL)
    {
      KzProviderStats stats = { 0 };

      kz_provider_get_stats (provider, &stats);
      g_string_append_printf (out, _("Provider %s: %" PRIu64 " requests, %" PRIu64 " rate limited, "
                                     "%" PRIu64 " failures, %.1f s waiting\n"),
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
  g_string_append_printf (out, _("Service: %" PRIu64 " provider fetches, %" PRIu64 " coalesced, "
                                 "%" PRIu64 " cache hits, %" PRIu64 " library hits, "
                                 "%" PRIu64 " stale\n"),
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
