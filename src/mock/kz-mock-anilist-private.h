/* kz-mock-anilist-private.h: what the stand-in's source files share
 *
 * kz-mock-anilist.c owns the object, the server, the counters and the
 * misbehaviour settings, and routes each request; kz-mock-query.c reads
 * what a client asked; kz-mock-answers.c answers it from the snapshot;
 * kz-mock-faults.c refuses, misbehaves and holds answers back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kz-mock-anilist.h"

G_BEGIN_DECLS

#define KZ_MOCK_MAX_COMPLEXITY        500

/* The complexity rule, a simplified model of AniList's (which prices a
 * query from its text and variables before running it): 1 for the page,
 * plus for each media the page can hold (perPage) KZ_MOCK_COST_BARE when
 * no relations are asked for, KZ_MOCK_COST_RELATIONS with relation nodes,
 * and KZ_MOCK_COST_NESTED when those nodes name their own relations too.
 * Past KZ_MOCK_MAX_COMPLEXITY the query is refused with AniList's message:
 * a full page of 50 passes in one level (451), the two-level form passes
 * up to 26 per page (495). */
#define KZ_MOCK_COST_BARE             2
#define KZ_MOCK_COST_RELATIONS        9
#define KZ_MOCK_COST_NESTED           19

/* libsoup 3.2 has no name for it */
#define KZ_MOCK_HTTP_TOO_MANY_REQUESTS 429

typedef struct {
  gint64     id;
  JsonNode  *node;          /* borrowed from the snapshot tree */
  char      *type;          /* "ANIME", "MANGA" or NULL */
  gboolean   nests_edges;   /* some relation node has relations itself */
  GPtrArray *folded_names;  /* titles and synonyms, case-folded */
} KzMockMedia;

typedef enum {
  KZ_MOCK_QUERY_INVALID,
  KZ_MOCK_QUERY_BY_IDS,
  KZ_MOCK_QUERY_SEARCH,
} KzMockQueryKind;

typedef struct {
  KzMockQueryKind  kind;
  char            *error;   /* why an invalid query was refused */
  GArray          *ids;     /* gint64, as requested */
  char            *search;
  const char      *type;    /* static string, or NULL for any type */
  guint            page;
  guint            per_page;
  gboolean         relations;  /* asks for relation edges */
  gboolean         nested;     /* and for the edges of each edge's node */
} KzMockQuery;

typedef enum {
  KZ_MOCK_OUTCOME_ANSWERED,
  KZ_MOCK_OUTCOME_HANG,
  KZ_MOCK_OUTCOME_DROP,
} KzMockOutcome;

struct _KzMockAniList
{
  GObject       parent_instance;

  JsonNode     *snapshot;
  GHashTable   *media_by_id;    /* gint64* → KzMockMedia* (owned) */
  GPtrArray    *media;          /* KzMockMedia*, snapshot order */

  SoupServer   *server;
  GMainContext *context;
  guint         port;
  GList        *pending;        /* Pending* (kz-mock-faults.c), only touched on context */

  /* Settings may be changed from another thread than the server's. */
  GMutex        lock;
  guint         latency_ms;
  guint         rate_max;       /* 0: not enforced */
  guint         rate_window;
  gint64        window_start;   /* monotonic µs; 0 before any request */
  guint         window_used;
  KzMockFault   fault;
  guint         fault_remaining;  /* 0 with a fault set: until cleared */
  guint         max_batch;
  guint         max_nested_batch;  /* 0: only the complexity rule */
  gboolean      nesting_refused;

  /* Counters, read from any thread */
  gint          request_count;
  gint          rate_limited_count;
  gint          ids_requested;
  gint          max_batch_seen;
  gint          nested_count;
};

/* JSON helpers that tolerate whatever a client sends */

static inline JsonNode *
_kz_mock_member_node (JsonObject *object,
                      const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;

  return json_object_get_member (object, name);
}

static inline const char *
_kz_mock_member_string (JsonObject *object,
                        const char *name)
{
  JsonNode *node = _kz_mock_member_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static inline gboolean
_kz_mock_node_int (JsonNode *node,
                   gint64   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);
  return TRUE;
}

static inline gboolean
_kz_mock_member_int (JsonObject *object,
                     const char *name,
                     gint64     *out)
{
  return _kz_mock_node_int (_kz_mock_member_node (object, name), out);
}

static inline JsonObject *
_kz_mock_member_object (JsonObject *object,
                        const char *name)
{
  JsonNode *node = _kz_mock_member_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

static inline JsonArray *
_kz_mock_member_array (JsonObject *object,
                       const char *name)
{
  JsonNode *node = _kz_mock_member_node (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

/* kz-mock-query.c */
KzMockQuery   *_kz_mock_query_parse          (SoupServerMessage  *msg);
void           _kz_mock_query_free           (KzMockQuery        *query);
guint64        _kz_mock_query_cost           (const KzMockQuery  *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KzMockQuery, _kz_mock_query_free)

/* kz-mock-answers.c */
gboolean       _kz_mock_load_snapshot        (KzMockAniList      *self,
                                              GBytes             *snapshot,
                                              GError            **error);
void           _kz_mock_media_free           (KzMockMedia        *media);
JsonNode      *_kz_mock_build_answer         (KzMockAniList      *self,
                                              KzMockQuery        *query);
char          *_kz_mock_generate             (JsonNode           *root,
                                              gsize              *length);
void           _kz_mock_set_json_response    (SoupServerMessage  *msg,
                                              guint               status,
                                              JsonNode           *root);
void           _kz_mock_set_uint_header      (SoupMessageHeaders *headers,
                                              const char         *name,
                                              guint64             value);

/* kz-mock-faults.c */
void           _kz_mock_respond_rate_limited (SoupServerMessage  *msg,
                                              guint64             wait_us);
void           _kz_mock_respond_invalid      (SoupServerMessage  *msg,
                                              const char         *message);
void           _kz_mock_respond_too_complex  (SoupServerMessage  *msg,
                                              guint64             complexity);
KzMockOutcome  _kz_mock_respond_query        (KzMockAniList      *self,
                                              SoupServerMessage  *msg,
                                              KzMockQuery        *query,
                                              KzMockFault         fault);
void           _kz_mock_hold_back            (KzMockAniList      *self,
                                              SoupServerMessage  *msg,
                                              KzMockOutcome       outcome,
                                              guint               latency_ms);
void           _kz_mock_release_held         (KzMockAniList      *self);

G_END_DECLS
