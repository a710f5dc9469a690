/* kz-synthetic-private.h: what the generator's source files share
 *
 * kz-synthetic.c shapes franchises and their relations; kz-synthetic-names.c
 * makes the titles, synonyms and descriptions. Both draw from one GRand,
 * so the order of the calls is part of what a seed means.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-synthetic.h"

G_BEGIN_DECLS

typedef struct {
  char *romaji;
  char *english;   /* NULL: no English title */
  char *native;
} Names;

typedef enum {
  SEASON_STYLE_ORDINAL,   /* "Title 2nd Season" */
  SEASON_STYLE_NUMBER,    /* "Title Season 2" */
  SEASON_STYLE_SUBTITLE,  /* "Title: Subtitle" */
  SEASON_STYLE_ROMAN,     /* "Title II" */
} SeasonStyle;

#define N_SEASON_STYLES 4

static inline guint
rand_below (GRand *rand,
            guint  n)
{
  return (guint) g_rand_int_range (rand, 0, (gint32) n);
}

static inline guint
rand_between (GRand *rand,
              guint  low,
              guint  high)
{
  return low + rand_below (rand, high - low + 1);
}

static inline gboolean
chance (GRand  *rand,
        double  probability)
{
  return g_rand_double (rand) < probability;
}

static inline const char *
pick (GRand              *rand,
      const char * const *words,
      guint               n_words)
{
  return words[rand_below (rand, n_words)];
}

#define PICK(rand, array) pick ((rand), (array), G_N_ELEMENTS (array))

void   _kz_synthetic_names_clear       (Names       *names);
void   _kz_synthetic_make_base_names   (GRand       *rand,
                                        Names       *names);
void   _kz_synthetic_make_subtitle     (GRand       *rand,
                                        Names       *names);
/* Season @number (2 for the first sequel) of @base. */
void   _kz_synthetic_make_season_names (GRand       *rand,
                                        const Names *base,
                                        SeasonStyle  style,
                                        guint        number,
                                        Names       *names);
void   _kz_synthetic_make_movie_names  (GRand       *rand,
                                        const Names *base,
                                        guint        number,
                                        Names       *names);
/* An OVA, a special or another extra of @parent. */
void   _kz_synthetic_make_extra_names  (GRand       *rand,
                                        const Names *parent,
                                        Names       *names);
char  *_kz_synthetic_make_description  (GRand       *rand,
                                        const char  *title);
char **_kz_synthetic_make_synonyms     (GRand       *rand,
                                        const Names *names);

G_END_DECLS
