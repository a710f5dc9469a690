/* kz-entry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-entry"

#include "config.h"

#include "kz-entry-private.h"

G_DEFINE_FINAL_TYPE (KzEntry, kz_entry, G_TYPE_OBJECT)

static void
clear_relation (gpointer data)
{
  KzRelation *relation = data;

  g_clear_object (&relation->target);
}

static void
kz_entry_finalize (GObject *object)
{
  KzEntry *self = (KzEntry *)object;

  g_free (self->title_romaji);
  g_free (self->title_english);
  g_free (self->title_native);
  g_strfreev (self->synonyms);
  g_strfreev (self->genres);
  g_free (self->description);
  g_free (self->site_url);
  g_free (self->age_rating);
  g_free (self->cover_extra_large);
  g_free (self->cover_large);
  g_free (self->cover_medium);
  g_free (self->cover_color);
  g_free (self->banner_url);
  g_clear_pointer (&self->relations, g_array_unref);

  G_OBJECT_CLASS (kz_entry_parent_class)->finalize (object);
}

static void
kz_entry_class_init (KzEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kz_entry_finalize;
}

static void
kz_entry_init (KzEntry *self)
{
}

KzEntry *
_kz_entry_new (gint64        id,
               KzEntryDetail detail)
{
  KzEntry *self = g_object_new (KZ_TYPE_ENTRY, NULL);

  self->id = id;
  self->detail = detail;

  return self;
}

void
_kz_entry_add_relation (KzEntry        *self,
                        KzRelationType  type,
                        const char     *raw_type,
                        KzEntry        *target)
{
  KzRelation relation;

  g_return_if_fail (KZ_IS_ENTRY (self));
  g_return_if_fail (KZ_IS_ENTRY (target));

  if (self->relations == NULL)
    {
      self->relations = g_array_sized_new (FALSE, FALSE, sizeof (KzRelation), 4);
      g_array_set_clear_func (self->relations, clear_relation);
    }

  relation.type = type;
  relation.raw_type = g_intern_string (raw_type ? raw_type : kz_relation_type_to_string (type));
  relation.target = g_object_ref (target);
  g_array_append_val (self->relations, relation);
}

void
_kz_entry_remove_relation (KzEntry *self,
                           guint    index)
{
  g_return_if_fail (KZ_IS_ENTRY (self));
  g_return_if_fail (self->relations != NULL && index < self->relations->len);

  g_array_remove_index (self->relations, index);
}

/* What another entry's relation edge needs to know about this one. */
KzEntry *
_kz_entry_copy_as_stub (KzEntry *self)
{
  KzEntry *stub = _kz_entry_new (self->id, KZ_ENTRY_DETAIL_STUB);

  stub->id_mal = self->id_mal;
  stub->updated_at = self->updated_at;
  stub->title_romaji = g_strdup (self->title_romaji);
  stub->title_english = g_strdup (self->title_english);
  stub->title_native = g_strdup (self->title_native);
  stub->cover_medium = g_strdup (self->cover_medium);
  stub->cover_color = g_strdup (self->cover_color);
  stub->start_date = self->start_date;
  stub->season_year = self->season_year;
  stub->episodes = self->episodes;
  stub->media_type = self->media_type;
  stub->format = self->format;
  stub->status = self->status;
  stub->is_adult = self->is_adult;

  return stub;
}

gint64
kz_entry_get_id (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->id;
}

gint64
kz_entry_get_id_mal (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->id_mal;
}

KzEntryDetail
kz_entry_get_detail (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), KZ_ENTRY_DETAIL_STUB);
  return self->detail;
}

static gboolean
has_text (const char *str)
{
  return str != NULL && *str != '\0';
}

/* The preferred language first, then romaji, English and native; never
 * NULL, so that lists always have something to show. */
const char *
kz_entry_get_title (KzEntry         *self,
                    KzTitleLanguage  preferred)
{
  const char *by_language[] = {
    [KZ_TITLE_LANGUAGE_ROMAJI] = self->title_romaji,
    [KZ_TITLE_LANGUAGE_ENGLISH] = self->title_english,
    [KZ_TITLE_LANGUAGE_NATIVE] = self->title_native,
  };

  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);

  if ((guint) preferred < G_N_ELEMENTS (by_language) && has_text (by_language[preferred]))
    return by_language[preferred];

  for (guint i = 0; i < G_N_ELEMENTS (by_language); i++)
    if (has_text (by_language[i]))
      return by_language[i];

  if (self->synonyms != NULL && has_text (self->synonyms[0]))
    return self->synonyms[0];

  return "";
}

const char *
kz_entry_get_title_romaji (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->title_romaji;
}

const char *
kz_entry_get_title_english (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->title_english;
}

const char *
kz_entry_get_title_native (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->title_native;
}

const char * const *
kz_entry_get_synonyms (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return (const char * const *)self->synonyms;
}

KzMediaType
kz_entry_get_media_type (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), KZ_MEDIA_TYPE_UNKNOWN);
  return self->media_type;
}

KzFormat
kz_entry_get_format (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), KZ_FORMAT_UNKNOWN);
  return self->format;
}

KzStatus
kz_entry_get_status (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), KZ_STATUS_UNKNOWN);
  return self->status;
}

int
kz_entry_get_episodes (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->episodes;
}

int
kz_entry_get_duration (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->duration;
}

KzSeason
kz_entry_get_season (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), KZ_SEASON_UNKNOWN);
  return self->season;
}

int
kz_entry_get_season_year (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->season_year;
}

KzDate
kz_entry_get_start_date (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), (KzDate) { 0 });
  return self->start_date;
}

KzDate
kz_entry_get_end_date (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), (KzDate) { 0 });
  return self->end_date;
}

/* The year it started, or its season's year; 0 when unknown. */
int
kz_entry_get_year (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->start_date.year ? self->start_date.year : self->season_year;
}

const char *
kz_entry_get_cover_url (KzEntry     *self,
                        KzCoverSize  size)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);

  switch (size)
    {
    case KZ_COVER_SIZE_EXTRA_LARGE:
      if (self->cover_extra_large)
        return self->cover_extra_large;
      G_GNUC_FALLTHROUGH;
    case KZ_COVER_SIZE_LARGE:
      if (self->cover_large)
        return self->cover_large;
      G_GNUC_FALLTHROUGH;
    case KZ_COVER_SIZE_MEDIUM:
    default:
      return self->cover_medium ? self->cover_medium
           : self->cover_large ? self->cover_large
           : self->cover_extra_large;
    }
}

const char *
kz_entry_get_cover_color (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->cover_color;
}

const char *
kz_entry_get_banner_url (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->banner_url;
}

gboolean
kz_entry_get_is_adult (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), FALSE);
  return self->is_adult;
}

const char *
kz_entry_get_age_rating (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->age_rating;
}

const char * const *
kz_entry_get_genres (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return (const char * const *)self->genres;
}

int
kz_entry_get_average_score (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->average_score;
}

const char *
kz_entry_get_description (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->description;
}

const char *
kz_entry_get_site_url (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  return self->site_url;
}

gint64
kz_entry_get_updated_at (KzEntry *self)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);
  return self->updated_at;
}

const KzRelation *
kz_entry_get_relations (KzEntry *self,
                        guint   *n_relations)
{
  g_return_val_if_fail (KZ_IS_ENTRY (self), NULL);
  g_return_val_if_fail (n_relations != NULL, NULL);

  if (self->relations == NULL)
    {
      *n_relations = 0;
      return NULL;
    }

  *n_relations = self->relations->len;
  return (const KzRelation *)(gpointer)self->relations->data;
}

static gsize
string_size (const char *str)
{
  return str ? strlen (str) + 1 : 0;
}

static gsize
strv_size (char **strv)
{
  gsize size = 0;

  if (strv == NULL)
    return 0;

  for (guint i = 0; strv[i]; i++)
    size += sizeof (char *) + string_size (strv[i]);

  return size + sizeof (char *);
}

/* Heap bytes held by this entry and the stubs only it holds; for the
 * cache's statistics, not exact. */
gsize
kz_entry_get_approx_size (KzEntry *self)
{
  gsize size;

  g_return_val_if_fail (KZ_IS_ENTRY (self), 0);

  size = sizeof *self
       + string_size (self->title_romaji)
       + string_size (self->title_english)
       + string_size (self->title_native)
       + strv_size (self->synonyms)
       + strv_size (self->genres)
       + string_size (self->description)
       + string_size (self->site_url)
       + string_size (self->age_rating)
       + string_size (self->cover_extra_large)
       + string_size (self->cover_large)
       + string_size (self->cover_medium)
       + string_size (self->cover_color)
       + string_size (self->banner_url);

  if (self->relations != NULL)
    {
      size += sizeof (GArray) + self->relations->len * sizeof (KzRelation);
      for (guint i = 0; i < self->relations->len; i++)
        {
          KzEntry *target = g_array_index (self->relations, KzRelation, i).target;

          if (target->relations == NULL)
            size += kz_entry_get_approx_size (target);
        }
    }

  return size;
}

/* Unknown parts sort after known ones: an announced title with no date
 * goes last in release order. */
int
kz_date_compare (const KzDate *a,
                 const KzDate *b)
{
  const int pa[] = { a->year, a->month, a->day };
  const int pb[] = { b->year, b->month, b->day };

  for (guint i = 0; i < G_N_ELEMENTS (pa); i++)
    {
      if (pa[i] == pb[i])
        continue;
      if (pa[i] == 0)
        return 1;
      if (pb[i] == 0)
        return -1;
      return pa[i] < pb[i] ? -1 : 1;
    }

  return 0;
}

int
kz_entry_compare_release (KzEntry *a,
                          KzEntry *b)
{
  KzDate da = a->start_date;
  KzDate db = b->start_date;
  int cmp;

  if (da.year == 0)
    da.year = a->season_year;
  if (db.year == 0)
    db.year = b->season_year;

  cmp = kz_date_compare (&da, &db);
  if (cmp != 0)
    return cmp;

  return (a->id > b->id) - (a->id < b->id);
}
