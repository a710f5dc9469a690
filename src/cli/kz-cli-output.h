/* kz-cli-output.h: what kizuna-cli prints, as text, JSON and Graphviz dot
 *
 * Everything here only formats: it never touches the network or the
 * library. Text goes into a GString the caller writes out.
 *
 * kz-cli-output.c holds the pieces every view uses, kz-cli-text.c,
 * kz-cli-json.c and kz-cli-dot.c one view each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kizuna-core.h"

G_BEGIN_DECLS

/* Where a franchise came from and what it cost, for its JSON "stats". */
typedef struct {
  guint64     requests;          /* the provider's requests_sent */
  guint64     cache_hits;
  guint64     library_hits;
  guint64     provider_fetches;
  gboolean    stale;
  const char *source;            /* "cache", "library" or "provider" */
} KzCliFetchSummary;

/* What a refresh found, for its one-line report. */
typedef struct {
  gint64      root_id;           /* the id asked for */
  guint       titles;
  guint64     requests;          /* the provider's requests_sent */
  gboolean    compared;          /* a saved copy was there to compare with */
  guint       n_new;
  guint       n_updated;
  guint       n_removed;
} KzCliRefreshSummary;

/* Provider text made safe for a terminal: valid UTF-8 with no control
 * characters. _line also turns newlines and tabs into spaces. */
char       *kz_cli_sanitize_line          (const char        *text);
char       *kz_cli_sanitize_text          (const char        *text);

const char *kz_cli_relation_name          (KzRelationType     type,
                                           const char        *raw_type);
/* "Title (TV, 2013) [16498]" */
char       *kz_cli_format_entry_line      (KzEntry           *entry,
                                           KzTitleLanguage    language);
char       *kz_cli_format_date            (const KzDate      *date);

/* Text */
void        kz_cli_append_entry_list      (GString           *out,
                                           GPtrArray         *entries,
                                           KzTitleLanguage    language);
void        kz_cli_append_library         (GString           *out,
                                           GPtrArray         *entries,
                                           KzTitleLanguage    language);
void        kz_cli_append_entry_details   (GString           *out,
                                           KzEntry           *entry,
                                           KzTitleLanguage    language);
/* graph may be NULL; when given, its full nodes are shown for the
 * neighbours of entry (a get_detailed result). */
void        kz_cli_append_relations       (GString           *out,
                                           KzEntry           *entry,
                                           KzFranchiseGraph  *graph,
                                           KzTitleLanguage    language);
void        kz_cli_append_franchise_tree  (GString           *out,
                                           KzFranchiseGraph  *graph,
                                           KzTitleLanguage    language);
void        kz_cli_append_refresh         (GString                   *out,
                                           KzFranchiseGraph          *graph,
                                           const KzCliRefreshSummary *summary,
                                           KzTitleLanguage            language);

/* Graphviz dot */
char       *kz_cli_escape_dot             (const char        *text);
void        kz_cli_append_franchise_dot   (GString           *out,
                                           KzFranchiseGraph  *graph,
                                           KzTitleLanguage    language);

/* JSON */
JsonNode   *kz_cli_entry_to_json          (KzEntry           *entry,
                                           KzTitleLanguage    language,
                                           gboolean           full);
JsonNode   *kz_cli_entry_list_to_json     (const char        *list_name,
                                           GPtrArray         *entries,
                                           KzTitleLanguage    language);
JsonNode   *kz_cli_relations_to_json      (KzEntry           *entry,
                                           KzFranchiseGraph  *graph,
                                           KzTitleLanguage    language);
JsonNode   *kz_cli_franchise_to_json      (KzFranchiseGraph        *graph,
                                           const KzCliFetchSummary *summary,
                                           KzTitleLanguage          language);
JsonNode   *kz_cli_refresh_to_json        (KzFranchiseGraph          *graph,
                                           const KzCliRefreshSummary *summary,
                                           KzTitleLanguage            language);
char       *kz_cli_json_to_string         (JsonNode          *node);

/* Cache tiers, provider and service; provider and service may be NULL. */
JsonNode   *kz_cli_stats_to_json          (KzCache            *cache,
                                           KzProvider         *provider,
                                           KzRelationsService *service);
void        kz_cli_append_stats           (GString            *out,
                                           KzCache            *cache,
                                           KzProvider         *provider,
                                           KzRelationsService *service);

G_END_DECLS
