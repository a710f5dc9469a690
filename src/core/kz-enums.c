/* kz-enums.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-enums"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kz-enums.h"

typedef struct {
  const char *wire;   /* AniList's spelling */
  const char *label;  /* for people, translatable */
} KzEnumName;

static const KzEnumName media_type_names[] = {
  [KZ_MEDIA_TYPE_UNKNOWN] = { "UNKNOWN", N_("Unknown") },
  [KZ_MEDIA_TYPE_ANIME]   = { "ANIME",   N_("Anime") },
  [KZ_MEDIA_TYPE_MANGA]   = { "MANGA",   N_("Manga") },
};

static const KzEnumName format_names[] = {
  [KZ_FORMAT_UNKNOWN]  = { "UNKNOWN",  N_("Unknown") },
  [KZ_FORMAT_TV]       = { "TV",       N_("TV") },
  [KZ_FORMAT_TV_SHORT] = { "TV_SHORT", N_("TV Short") },
  [KZ_FORMAT_MOVIE]    = { "MOVIE",    N_("Movie") },
  [KZ_FORMAT_SPECIAL]  = { "SPECIAL",  N_("Special") },
  [KZ_FORMAT_OVA]      = { "OVA",      N_("OVA") },
  [KZ_FORMAT_ONA]      = { "ONA",      N_("ONA") },
  [KZ_FORMAT_MUSIC]    = { "MUSIC",    N_("Music") },
  [KZ_FORMAT_MANGA]    = { "MANGA",    N_("Manga") },
  [KZ_FORMAT_NOVEL]    = { "NOVEL",    N_("Light Novel") },
  [KZ_FORMAT_ONE_SHOT] = { "ONE_SHOT", N_("One Shot") },
};

static const KzEnumName status_names[] = {
  [KZ_STATUS_UNKNOWN]          = { "UNKNOWN",          N_("Unknown") },
  [KZ_STATUS_FINISHED]         = { "FINISHED",         N_("Finished") },
  [KZ_STATUS_RELEASING]        = { "RELEASING",        N_("Airing") },
  [KZ_STATUS_NOT_YET_RELEASED] = { "NOT_YET_RELEASED", N_("Not Yet Aired") },
  [KZ_STATUS_CANCELLED]        = { "CANCELLED",        N_("Cancelled") },
  [KZ_STATUS_HIATUS]           = { "HIATUS",           N_("On Hiatus") },
};

static const KzEnumName season_names[] = {
  [KZ_SEASON_UNKNOWN] = { "UNKNOWN", N_("Unknown") },
  [KZ_SEASON_WINTER]  = { "WINTER",  N_("Winter") },
  [KZ_SEASON_SPRING]  = { "SPRING",  N_("Spring") },
  [KZ_SEASON_SUMMER]  = { "SUMMER",  N_("Summer") },
  [KZ_SEASON_FALL]    = { "FALL",    N_("Fall") },
};

static const KzEnumName relation_names[] = {
  [KZ_RELATION_UNKNOWN]       = { "UNKNOWN",       N_("Related") },
  [KZ_RELATION_ADAPTATION]    = { "ADAPTATION",    N_("Adaptation") },
  [KZ_RELATION_PREQUEL]       = { "PREQUEL",       N_("Prequel") },
  [KZ_RELATION_SEQUEL]        = { "SEQUEL",        N_("Sequel") },
  [KZ_RELATION_PARENT]        = { "PARENT",        N_("Parent Story") },
  [KZ_RELATION_SIDE_STORY]    = { "SIDE_STORY",    N_("Side Story") },
  [KZ_RELATION_CHARACTER]     = { "CHARACTER",     N_("Shared Characters") },
  [KZ_RELATION_SUMMARY]       = { "SUMMARY",       N_("Summary") },
  [KZ_RELATION_ALTERNATIVE]   = { "ALTERNATIVE",   N_("Alternative Version") },
  [KZ_RELATION_SPIN_OFF]      = { "SPIN_OFF",      N_("Spin-off") },
  [KZ_RELATION_OTHER]         = { "OTHER",         N_("Other") },
  [KZ_RELATION_SOURCE]        = { "SOURCE",        N_("Source") },
  [KZ_RELATION_COMPILATION]   = { "COMPILATION",   N_("Compilation") },
  [KZ_RELATION_CONTAINS]      = { "CONTAINS",      N_("Contains") },
  [KZ_RELATION_SAME_UNIVERSE] = { "SAME_UNIVERSE", N_("Same Universe") },
};

/* Other providers' words for the same relations (Jikan/MyAnimeList). */
static const struct {
  const char *alias;
  KzRelationType type;
} relation_aliases[] = {
  { "ALTERNATIVE_VERSION", KZ_RELATION_ALTERNATIVE },
  { "ALTERNATIVE_SETTING", KZ_RELATION_ALTERNATIVE },
  { "PARENT_STORY",        KZ_RELATION_PARENT },
  { "FULL_STORY",          KZ_RELATION_PARENT },
  { "SPINOFF",             KZ_RELATION_SPIN_OFF },
};

/* "Side Story", "side-story" and "SIDE_STORY" all name one value. */
static char *
normalise_wire_name (const char *str)
{
  GString *out = g_string_new (NULL);

  for (const char *p = str; *p; p++)
    {
      if (*p == ' ' || *p == '-')
        g_string_append_c (out, '_');
      else
        g_string_append_c (out, g_ascii_toupper (*p));
    }

  return g_string_free (out, FALSE);
}

static guint
lookup_wire (const KzEnumName *names,
             guint             n_names,
             const char       *str)
{
  g_autofree char *wire = NULL;

  if (str == NULL)
    return 0;

  wire = normalise_wire_name (str);
  for (guint i = 1; i < n_names; i++)
    if (g_str_equal (names[i].wire, wire))
      return i;

  return 0;
}

#define WIRE(table, value) \
  (((guint) (value) < G_N_ELEMENTS (table)) ? table[value].wire : table[0].wire)
#define LABEL(table, value) \
  g_dgettext (GETTEXT_PACKAGE, ((guint) (value) < G_N_ELEMENTS (table)) ? table[value].label : table[0].label)

const char *
kz_media_type_to_string (KzMediaType type)
{
  return WIRE (media_type_names, type);
}

KzMediaType
kz_media_type_from_string (const char *str)
{
  return lookup_wire (media_type_names, G_N_ELEMENTS (media_type_names), str);
}

const char *
kz_format_to_string (KzFormat format)
{
  return WIRE (format_names, format);
}

const char *
kz_format_to_label (KzFormat format)
{
  return LABEL (format_names, format);
}

KzFormat
kz_format_from_string (const char *str)
{
  return lookup_wire (format_names, G_N_ELEMENTS (format_names), str);
}

const char *
kz_status_to_string (KzStatus status)
{
  return WIRE (status_names, status);
}

const char *
kz_status_to_label (KzStatus status)
{
  return LABEL (status_names, status);
}

KzStatus
kz_status_from_string (const char *str)
{
  return lookup_wire (status_names, G_N_ELEMENTS (status_names), str);
}

const char *
kz_season_to_string (KzSeason season)
{
  return WIRE (season_names, season);
}

const char *
kz_season_to_label (KzSeason season)
{
  return LABEL (season_names, season);
}

KzSeason
kz_season_from_string (const char *str)
{
  return lookup_wire (season_names, G_N_ELEMENTS (season_names), str);
}

const char *
kz_relation_type_to_string (KzRelationType type)
{
  return WIRE (relation_names, type);
}

const char *
kz_relation_type_to_label (KzRelationType type)
{
  return LABEL (relation_names, type);
}

KzRelationType
kz_relation_type_from_string (const char *str)
{
  g_autofree char *wire = NULL;
  KzRelationType type;

  type = lookup_wire (relation_names, G_N_ELEMENTS (relation_names), str);
  if (type != KZ_RELATION_UNKNOWN || str == NULL)
    return type;

  wire = normalise_wire_name (str);
  for (guint i = 0; i < G_N_ELEMENTS (relation_aliases); i++)
    if (g_str_equal (relation_aliases[i].alias, wire))
      return relation_aliases[i].type;

  return KZ_RELATION_UNKNOWN;
}

/* Only the pairs whose reverse is unambiguous. */
KzRelationType
kz_relation_type_inverse (KzRelationType type)
{
  switch (type)
    {
    case KZ_RELATION_PREQUEL:     return KZ_RELATION_SEQUEL;
    case KZ_RELATION_SEQUEL:      return KZ_RELATION_PREQUEL;
    case KZ_RELATION_SOURCE:      return KZ_RELATION_ADAPTATION;
    case KZ_RELATION_ADAPTATION:  return KZ_RELATION_SOURCE;
    case KZ_RELATION_COMPILATION: return KZ_RELATION_CONTAINS;
    case KZ_RELATION_CONTAINS:    return KZ_RELATION_COMPILATION;
    case KZ_RELATION_CHARACTER:   return KZ_RELATION_CHARACTER;
    case KZ_RELATION_ALTERNATIVE: return KZ_RELATION_ALTERNATIVE;
    case KZ_RELATION_SAME_UNIVERSE: return KZ_RELATION_SAME_UNIVERSE;
    case KZ_RELATION_UNKNOWN:
    case KZ_RELATION_PARENT:
    case KZ_RELATION_SIDE_STORY:
    case KZ_RELATION_SUMMARY:
    case KZ_RELATION_SPIN_OFF:
    case KZ_RELATION_OTHER:
    case KZ_RELATION_N_TYPES:
    default:
      return KZ_RELATION_UNKNOWN;
    }
}

/* Display order of relation groups: the story line first. */
guint
kz_relation_type_get_rank (KzRelationType type)
{
  static const KzRelationType order[] = {
    KZ_RELATION_PREQUEL, KZ_RELATION_SEQUEL, KZ_RELATION_PARENT,
    KZ_RELATION_SIDE_STORY, KZ_RELATION_SPIN_OFF, KZ_RELATION_ALTERNATIVE,
    KZ_RELATION_SUMMARY, KZ_RELATION_COMPILATION, KZ_RELATION_CONTAINS,
    KZ_RELATION_SAME_UNIVERSE, KZ_RELATION_CHARACTER, KZ_RELATION_ADAPTATION,
    KZ_RELATION_SOURCE, KZ_RELATION_OTHER, KZ_RELATION_UNKNOWN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i] == type)
      return i;

  return G_N_ELEMENTS (order);
}

KzRelationMask
kz_relation_mask_parse (const char  *list,
                        GError     **error)
{
  g_auto(GStrv) words = NULL;
  KzRelationMask mask = 0;

  g_return_val_if_fail (list != NULL, 0);

  if (g_ascii_strcasecmp (list, "all") == 0)
    return KZ_RELATION_MASK_ALL & ~KZ_RELATION_MASK (KZ_RELATION_UNKNOWN);
  if (g_ascii_strcasecmp (list, "default") == 0)
    return KZ_RELATION_MASK_DEFAULT;

  words = g_strsplit (list, ",", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = g_strstrip (words[i]);
      KzRelationType type;

      if (*word == '\0')
        continue;

      type = kz_relation_type_from_string (word);
      if (type == KZ_RELATION_UNKNOWN)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown relation type “%s” (try SEQUEL, PREQUEL, SIDE_STORY, …)"),
                       word);
          return 0;
        }
      mask |= KZ_RELATION_MASK (type);
    }

  if (mask == 0)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("No relation types given"));

  return mask;
}

char *
kz_relation_mask_to_string (KzRelationMask mask)
{
  GString *out = g_string_new (NULL);

  for (guint type = 1; type < KZ_RELATION_N_TYPES; type++)
    {
      if ((mask & KZ_RELATION_MASK (type)) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, relation_names[type].wire);
    }

  return g_string_free (out, FALSE);
}
