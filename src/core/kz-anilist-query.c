/* kz-anilist-query.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-anilist"

#include "config.h"

#include <json-glib/json-glib.h>

#include "kz-anilist-query.h"

/* Relation nodes ask for only what a stub shows: every nested field
 * adds to the query's complexity, which AniList caps. */
#define RELATION_NODE_FIELDS                                             \
  "id idMal type format status episodes seasonYear isAdult "             \
  "title { romaji english native } startDate { year month day } "        \
  "coverImage { medium color } "

#define MEDIA_FIELDS                                                     \
  "id idMal type format status episodes duration season seasonYear "     \
  "isAdult updatedAt averageScore siteUrl genres synonyms "              \
  "title { romaji english native userPreferred } "                       \
  "startDate { year month day } endDate { year month day } "             \
  "coverImage { extraLarge large medium color } bannerImage "            \
  "description(asHtml: false) "

#define MEDIA_FRAGMENT                                                   \
  "fragment media on Media { "                                           \
    MEDIA_FIELDS                                                         \
    "relations { edges { relationType(version: 2) node { "               \
      RELATION_NODE_FIELDS "} } } "                                      \
  "}"

/* The two-level form: each relation node also names its own edges, with
 * no more than a walk needs to plan the next request (id and type). */
#define NESTED_MEDIA_FRAGMENT                                            \
  "fragment media on Media { "                                           \
    MEDIA_FIELDS                                                         \
    "relations { edges { relationType(version: 2) node { "               \
      RELATION_NODE_FIELDS                                               \
      "relations { edges { relationType(version: 2) node { id type } } } " \
    "} } } "                                                             \
  "}"

#define PAGE_INFO "pageInfo { hasNextPage total } "

static const char by_ids_query[] =
  "query ($ids: [Int], $page: Int, $perPage: Int) { "
    "Page(page: $page, perPage: $perPage) { "
      PAGE_INFO
      "media(id_in: $ids, type: ANIME) { ...media } "
    "} "
  "} "
  MEDIA_FRAGMENT;

static const char by_ids_nested_query[] =
  "query ($ids: [Int], $page: Int, $perPage: Int) { "
    "Page(page: $page, perPage: $perPage) { "
      PAGE_INFO
      "media(id_in: $ids, type: ANIME) { ...media } "
    "} "
  "} "
  NESTED_MEDIA_FRAGMENT;

/* The cheap freshness check: no relations, so it costs AniList little
 * however many ids it names. */
static const char updated_at_query[] =
  "query ($ids: [Int], $page: Int, $perPage: Int) { "
    "Page(page: $page, perPage: $perPage) { "
      PAGE_INFO
      "media(id_in: $ids, type: ANIME) { id updatedAt } "
    "} "
  "}";

static const char search_query[] =
  "query ($search: String, $page: Int, $perPage: Int) { "
    "Page(page: $page, perPage: $perPage) { "
      PAGE_INFO
      "media(search: $search, type: ANIME, sort: SEARCH_MATCH) { ...media } "
    "} "
  "} "
  MEDIA_FRAGMENT;

/* Opens {"query": …, "variables": { and leaves the builder inside the
 * variables object. */
static JsonBuilder *
begin_request (const char *query)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "variables");
  json_builder_begin_object (builder);

  return builder;
}

static GBytes *
end_request (JsonBuilder *builder,
             guint        per_page)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *data;
  gsize length = 0;

  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "perPage");
  json_builder_add_int_value (builder, per_page);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

static GBytes *
query_for_ids (const char   *query,
               const gint64 *ids,
               guint         n_ids)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (n_ids > KZ_ANILIST_MAX_PER_PAGE)
    g_debug ("%u ids asked for in one request; only the first page of %d comes back",
             n_ids, KZ_ANILIST_MAX_PER_PAGE);

  builder = begin_request (query);
  json_builder_set_member_name (builder, "ids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_ids; i++)
    json_builder_add_int_value (builder, ids[i]);
  json_builder_end_array (builder);

  return end_request (builder, CLAMP (n_ids, 1, KZ_ANILIST_MAX_PER_PAGE));
}

/* One page of up to KZ_ANILIST_MAX_PER_PAGE entries: callers split
 * longer lists into batches. */
GBytes *
kz_anilist_query_by_ids (const gint64 *ids,
                         guint         n_ids)
{
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  return query_for_ids (by_ids_query, ids, n_ids);
}

/* Like kz_anilist_query_by_ids(), in the two-level form: the relations
 * of each related entry come too, as bare edges. At most
 * KZ_ANILIST_NESTED_PER_PAGE ids fit under AniList's complexity cap. */
GBytes *
kz_anilist_query_by_ids_nested (const gint64 *ids,
                                guint         n_ids)
{
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  return query_for_ids (by_ids_nested_query, ids, n_ids);
}

/* Only id and updatedAt of each entry, to tell which stored copies are
 * out of date; batched like kz_anilist_query_by_ids(). */
GBytes *
kz_anilist_query_updated_at (const gint64 *ids,
                             guint         n_ids)
{
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  return query_for_ids (updated_at_query, ids, n_ids);
}

GBytes *
kz_anilist_query_search (const char *text,
                         guint       limit)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *valid = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  /* The text travels as a variable, never inside the query itself. */
  valid = g_utf8_make_valid (text, -1);
  builder = begin_request (search_query);
  json_builder_set_member_name (builder, "search");
  json_builder_add_string_value (builder, valid);

  return end_request (builder, CLAMP (limit, 1, KZ_ANILIST_MAX_PER_PAGE));
}
