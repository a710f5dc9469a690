/* kz-cli-json.c: kizuna-cli's JSON output
 *
 * Members that are not known are null rather than missing, so that a
 * reader can rely on the shape.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-output-private.h"
#include "kz-entry-private.h"

/* Members */

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

/* A count, an id or a year: null unless positive */
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

/* A number that is always there, zero included */
static void
add_number_member (JsonBuilder *builder,
                   const char  *name,
                   gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* A score: null unless positive */
static void
add_score_member (JsonBuilder *builder,
                  const char  *name,
                  double       value)
{
  json_builder_set_member_name (builder, name);
  if (value > 0)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_boolean_member (JsonBuilder *builder,
                    const char  *name,
                    gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
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

/* Entries */

/* MyAnimeList's score, which an entry read from the library carries;
 * 0 when unknown. kz-entry.h has no getter for it. */
static double
entry_get_mal_score (KzEntry *entry)
{
  return entry->mal_score;
}

/* id, title, format, year: what every list shows */
static void
add_brief_members (JsonBuilder     *builder,
                   KzEntry         *entry,
                   KzTitleLanguage  language)
{
  KzFormat format = kz_entry_get_format (entry);

  add_number_member (builder, "id", kz_entry_get_id (entry));
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
  g_autofree char *description = _kz_cli_description_to_text (kz_entry_get_description (entry));

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
  add_boolean_member (builder, "is_adult", kz_entry_get_is_adult (entry));
  add_string_member (builder, "rating", kz_entry_get_age_rating (entry));
  add_score_member (builder, "mal_score", entry_get_mal_score (entry));
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
  g_autoptr(GArray) rows = _kz_cli_collect_relations (entry, graph);

  json_builder_set_member_name (builder, "relations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      const KzCliRelationRow *row = &g_array_index (rows, KzCliRelationRow, i);

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
  add_number_member (builder, "count", entries->len);
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

  entry = _kz_cli_relations_subject (entry, graph);

  json_builder_begin_object (builder);
  add_brief_members (builder, entry, language);
  add_relations_member (builder, entry, graph, language);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Franchises */

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

  add_number_member (builder, "root", kz_franchise_graph_get_root_id (graph));
  add_boolean_member (builder, "complete", kz_franchise_graph_is_complete (graph));

  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *entry = kz_franchise_graph_get_node (graph, i);

      json_builder_begin_object (builder);
      add_brief_members (builder, entry, language);
      add_number_member (builder, "depth",
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
      add_number_member (builder, "from", edges[i].from);
      add_number_member (builder, "to", edges[i].to);
      add_string_member (builder, "type", kz_cli_relation_name (edges[i].type, edges[i].raw_type));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "stats");
  json_builder_begin_object (builder);
  add_number_member (builder, "requests", summary->requests);
  add_number_member (builder, "cache_hits", summary->cache_hits);
  add_number_member (builder, "library_hits", summary->library_hits);
  add_number_member (builder, "provider_fetches", summary->provider_fetches);
  add_boolean_member (builder, "stale", summary->stale);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, summary->source);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
kz_cli_refresh_to_json (KzFranchiseGraph          *graph,
                        const KzCliRefreshSummary *summary,
                        KzTitleLanguage            language)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *title = _kz_cli_dup_root_title (graph, language);

  json_builder_begin_object (builder);
  add_number_member (builder, "root", summary->root_id);
  /* Always a string, "" when the root is not known */
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  add_number_member (builder, "titles", summary->titles);
  add_number_member (builder, "requests", summary->requests);
  add_number_member (builder, "new", summary->n_new);
  add_number_member (builder, "updated", summary->n_updated);
  add_number_member (builder, "removed", summary->n_removed);
  add_boolean_member (builder, "complete", kz_franchise_graph_is_complete (graph));
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

static void
add_cache_member (JsonBuilder *builder,
                  KzCache     *cache)
{
  json_builder_set_member_name (builder, "cache");
  json_builder_begin_object (builder);
  for (guint tier = 0; tier < KZ_CACHE_N_TIERS; tier++)
    {
      KzCacheTierStats stats = { 0 };

      if (cache != NULL)
        kz_cache_get_stats (cache, tier, &stats);
      json_builder_set_member_name (builder, kz_cache_tier_to_string (tier));
      json_builder_begin_object (builder);
      add_number_member (builder, "entries", stats.entries);
      add_number_member (builder, "max_entries", stats.max_entries);
      add_number_member (builder, "hits", stats.hits);
      add_number_member (builder, "misses", stats.misses);
      add_number_member (builder, "expired", stats.expired);
      add_number_member (builder, "insertions", stats.insertions);
      add_number_member (builder, "evictions", stats.evictions);
      add_number_member (builder, "approx_bytes", stats.approx_bytes);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static void
add_provider_member (JsonBuilder *builder,
                     KzProvider  *provider)
{
  KzProviderStats stats = { 0 };

  json_builder_set_member_name (builder, "provider");
  if (provider == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  kz_provider_get_stats (provider, &stats);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, kz_provider_get_name (provider));
  add_number_member (builder, "requests_sent", stats.requests_sent);
  add_number_member (builder, "rate_limited", stats.rate_limited);
  add_number_member (builder, "failures", stats.failures);
  add_number_member (builder, "wait_usec", stats.wait_usec);
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

static void
add_service_member (JsonBuilder        *builder,
                    KzRelationsService *service)
{
  KzServiceStats stats = { 0 };

  if (service != NULL)
    kz_relations_service_get_stats (service, &stats);
  json_builder_set_member_name (builder, "service");
  json_builder_begin_object (builder);
  add_number_member (builder, "provider_fetches", stats.provider_fetches);
  add_number_member (builder, "coalesced", stats.coalesced);
  add_number_member (builder, "cache_hits", stats.cache_hits);
  add_number_member (builder, "library_hits", stats.library_hits);
  add_number_member (builder, "stale_returned", stats.stale_returned);
  json_builder_set_member_name (builder, "ingest");
  json_builder_begin_object (builder);
  add_number_member (builder, "entries_in", stats.ingest.entries_in);
  add_number_member (builder, "entries_dropped", stats.ingest.entries_dropped);
  add_number_member (builder, "years_fixed", stats.ingest.years_fixed);
  add_number_member (builder, "counts_fixed", stats.ingest.counts_fixed);
  add_number_member (builder, "self_loops_removed", stats.ingest.self_loops_removed);
  add_number_member (builder, "duplicate_edges_merged", stats.ingest.duplicate_edges_merged);
  add_number_member (builder, "reverse_edges_added", stats.ingest.reverse_edges_added);
  add_number_member (builder, "descriptions_cleaned", stats.ingest.descriptions_cleaned);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

JsonNode *
kz_cli_stats_to_json (KzCache            *cache,
                      KzProvider         *provider,
                      KzRelationsService *service)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_cache_member (builder, cache);
  add_provider_member (builder, provider);
  add_service_member (builder, service);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
