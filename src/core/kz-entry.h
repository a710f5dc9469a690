/* kz-entry.h: one anime (or, as a relation target, manga) entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-enums.h"
#include "kz-types.h"

G_BEGIN_DECLS

#define KZ_TYPE_ENTRY (kz_entry_get_type ())

G_DECLARE_FINAL_TYPE (KzEntry, kz_entry, KZ, ENTRY, GObject)

typedef enum {
  KZ_TITLE_LANGUAGE_ROMAJI,
  KZ_TITLE_LANGUAGE_ENGLISH,
  KZ_TITLE_LANGUAGE_NATIVE,
} KzTitleLanguage;

typedef enum {
  KZ_COVER_SIZE_MEDIUM,
  KZ_COVER_SIZE_LARGE,
  KZ_COVER_SIZE_EXTRA_LARGE,
} KzCoverSize;

/* STUB: what a relation edge tells about its target (id, type, titles,
 * format, status, dates, cover); FULL: a fetched Media object. */
typedef enum {
  KZ_ENTRY_DETAIL_STUB,
  KZ_ENTRY_DETAIL_FULL,
} KzEntryDetail;

/* 0 means unknown for each part. */
typedef struct {
  gint16 year;
  gint8  month;
  gint8  day;
} KzDate;

/* A typed, directed edge from the entry that holds it. */
typedef struct {
  KzRelationType  type;
  const char     *raw_type;  /* the provider's word, interned */
  KzEntry        *target;    /* at least a stub */
} KzRelation;

gint64              kz_entry_get_id            (KzEntry         *self);
gint64              kz_entry_get_id_mal        (KzEntry         *self);
KzEntryDetail       kz_entry_get_detail        (KzEntry         *self);
const char         *kz_entry_get_title         (KzEntry         *self,
                                                KzTitleLanguage  preferred);
const char         *kz_entry_get_title_romaji  (KzEntry         *self);
const char         *kz_entry_get_title_english (KzEntry         *self);
const char         *kz_entry_get_title_native  (KzEntry         *self);
const char * const *kz_entry_get_synonyms      (KzEntry         *self);
KzMediaType         kz_entry_get_media_type    (KzEntry         *self);
KzFormat            kz_entry_get_format        (KzEntry         *self);
KzStatus            kz_entry_get_status        (KzEntry         *self);
int                 kz_entry_get_episodes      (KzEntry         *self);
int                 kz_entry_get_duration      (KzEntry         *self);
KzSeason            kz_entry_get_season        (KzEntry         *self);
int                 kz_entry_get_season_year   (KzEntry         *self);
KzDate              kz_entry_get_start_date    (KzEntry         *self);
KzDate              kz_entry_get_end_date      (KzEntry         *self);
int                 kz_entry_get_year          (KzEntry         *self);
const char         *kz_entry_get_cover_url     (KzEntry         *self,
                                                KzCoverSize      size);
const char         *kz_entry_get_cover_color   (KzEntry         *self);
const char         *kz_entry_get_banner_url    (KzEntry         *self);
gboolean            kz_entry_get_is_adult      (KzEntry         *self);
const char         *kz_entry_get_age_rating    (KzEntry         *self);
const char * const *kz_entry_get_genres        (KzEntry         *self);
int                 kz_entry_get_average_score (KzEntry         *self);
const char         *kz_entry_get_description   (KzEntry         *self);
const char         *kz_entry_get_site_url      (KzEntry         *self);
gint64              kz_entry_get_updated_at    (KzEntry         *self);
const KzRelation   *kz_entry_get_relations     (KzEntry         *self,
                                                guint           *n_relations);
gsize               kz_entry_get_approx_size   (KzEntry         *self);

int                 kz_date_compare            (const KzDate    *a,
                                                const KzDate    *b);
int                 kz_entry_compare_release   (KzEntry         *a,
                                                KzEntry         *b);

G_END_DECLS
