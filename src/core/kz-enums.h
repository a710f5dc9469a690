/* kz-enums.h: AniList's enumerations, with their wire names and labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  KZ_MEDIA_TYPE_UNKNOWN,
  KZ_MEDIA_TYPE_ANIME,
  KZ_MEDIA_TYPE_MANGA,
} KzMediaType;

typedef enum {
  KZ_FORMAT_UNKNOWN,
  KZ_FORMAT_TV,
  KZ_FORMAT_TV_SHORT,
  KZ_FORMAT_MOVIE,
  KZ_FORMAT_SPECIAL,
  KZ_FORMAT_OVA,
  KZ_FORMAT_ONA,
  KZ_FORMAT_MUSIC,
  KZ_FORMAT_MANGA,
  KZ_FORMAT_NOVEL,
  KZ_FORMAT_ONE_SHOT,
} KzFormat;

typedef enum {
  KZ_STATUS_UNKNOWN,
  KZ_STATUS_FINISHED,
  KZ_STATUS_RELEASING,
  KZ_STATUS_NOT_YET_RELEASED,
  KZ_STATUS_CANCELLED,
  KZ_STATUS_HIATUS,
} KzStatus;

typedef enum {
  KZ_SEASON_UNKNOWN,
  KZ_SEASON_WINTER,
  KZ_SEASON_SPRING,
  KZ_SEASON_SUMMER,
  KZ_SEASON_FALL,
} KzSeason;

/* Every relationType(version: 2) value; UNKNOWN keeps the raw string
 * on the edge so that new provider values survive a round trip. */
typedef enum {
  KZ_RELATION_UNKNOWN,
  KZ_RELATION_ADAPTATION,
  KZ_RELATION_PREQUEL,
  KZ_RELATION_SEQUEL,
  KZ_RELATION_PARENT,
  KZ_RELATION_SIDE_STORY,
  KZ_RELATION_CHARACTER,
  KZ_RELATION_SUMMARY,
  KZ_RELATION_ALTERNATIVE,
  KZ_RELATION_SPIN_OFF,
  KZ_RELATION_OTHER,
  KZ_RELATION_SOURCE,
  KZ_RELATION_COMPILATION,
  KZ_RELATION_CONTAINS,
  KZ_RELATION_SAME_UNIVERSE,
  KZ_RELATION_N_TYPES,
} KzRelationType;

typedef guint32 KzRelationMask;

#define KZ_RELATION_MASK(type) (((KzRelationMask) 1) << (type))
#define KZ_RELATION_MASK_ALL   ((KzRelationMask) (KZ_RELATION_MASK (KZ_RELATION_N_TYPES) - 1))

/* What a franchise walk follows unless told otherwise: CHARACTER, OTHER
 * and crossovers would merge unrelated franchises. */
#define KZ_RELATION_MASK_DEFAULT                  \
  (KZ_RELATION_MASK (KZ_RELATION_PREQUEL)       | \
   KZ_RELATION_MASK (KZ_RELATION_SEQUEL)        | \
   KZ_RELATION_MASK (KZ_RELATION_PARENT)        | \
   KZ_RELATION_MASK (KZ_RELATION_SIDE_STORY)    | \
   KZ_RELATION_MASK (KZ_RELATION_SPIN_OFF)      | \
   KZ_RELATION_MASK (KZ_RELATION_ALTERNATIVE)   | \
   KZ_RELATION_MASK (KZ_RELATION_SUMMARY)       | \
   KZ_RELATION_MASK (KZ_RELATION_COMPILATION)   | \
   KZ_RELATION_MASK (KZ_RELATION_CONTAINS))

const char     *kz_media_type_to_string    (KzMediaType     type);
KzMediaType     kz_media_type_from_string  (const char     *str);

const char     *kz_format_to_string        (KzFormat        format);
const char     *kz_format_to_label         (KzFormat        format);
KzFormat        kz_format_from_string      (const char     *str);

const char     *kz_status_to_string        (KzStatus        status);
const char     *kz_status_to_label         (KzStatus        status);
KzStatus        kz_status_from_string      (const char     *str);

const char     *kz_season_to_string        (KzSeason        season);
const char     *kz_season_to_label         (KzSeason        season);
KzSeason        kz_season_from_string      (const char     *str);

const char     *kz_relation_type_to_string (KzRelationType  type);
const char     *kz_relation_type_to_label  (KzRelationType  type);
KzRelationType  kz_relation_type_from_string (const char   *str);
KzRelationType  kz_relation_type_inverse   (KzRelationType  type);
guint           kz_relation_type_get_rank  (KzRelationType  type);

KzRelationMask  kz_relation_mask_parse     (const char     *list,
                                            GError        **error);
char           *kz_relation_mask_to_string (KzRelationMask  mask);

G_END_DECLS
