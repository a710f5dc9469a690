/* kz-entry-private.h: building entries, for the parser and the library only
 *
 * An entry is filled in by whoever creates it and never changed once it
 * is handed to anyone else: threads then share it by reference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-entry.h"

G_BEGIN_DECLS

struct _KzEntry
{
  GObject        parent_instance;

  gint64         id;
  gint64         id_mal;
  gint64         updated_at;

  char          *title_romaji;
  char          *title_english;
  char          *title_native;
  char         **synonyms;
  char         **genres;
  char          *description;
  char          *site_url;
  char          *age_rating;
  char          *cover_extra_large;
  char          *cover_large;
  char          *cover_medium;
  char          *cover_color;
  char          *banner_url;

  KzDate         start_date;
  KzDate         end_date;
  int            episodes;
  int            duration;
  int            season_year;
  int            average_score;
  /* MyAnimeList's score out of 10, as Jikan reports it; 0 when unknown */
  double         mal_score;

  KzMediaType    media_type : 4;
  KzFormat       format : 5;
  KzStatus       status : 4;
  KzSeason       season : 4;
  KzEntryDetail  detail : 2;
  guint          is_adult : 1;

  /* KzRelation, targets owned */
  GArray        *relations;
};

KzEntry *_kz_entry_new             (gint64          id,
                                    KzEntryDetail   detail);
void     _kz_entry_add_relation    (KzEntry        *self,
                                    KzRelationType  type,
                                    const char     *raw_type,
                                    KzEntry        *target);
void     _kz_entry_remove_relation (KzEntry        *self,
                                    guint           index);
KzEntry *_kz_entry_copy_as_stub    (KzEntry        *self);

G_END_DECLS
