/* kz-synthetic.c: a seeded library of made-up franchises for benchmarks
 *
 * Shapes follow what AniList's data looks like: many titles stand alone,
 * most franchises are a short sequel line with a few specials, a few run
 * to twenty seasons with dozens of movies and side stories around them.
 * Sequel lines sometimes loop back, movies sometimes sit between two
 * seasons, remakes point at their originals, spin-offs grow small trees
 * of their own, and CHARACTER/OTHER edges cross from one franchise to
 * another. Titles are syllables: romaji words, a kana rendering of the
 * same syllables as the native title, and an English title for about
 * half of the franchises. Only anime: no manga or novel nodes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <math.h>
#include <string.h>

#include "kz-synthetic.h"

#include "kz-synthetic-private.h"

#include "kz-entry-private.h"

/* The generated library's "today": what is newer has not aired yet. */
#define NOW_YEAR  2026
#define NOW_MONTH 5
#define FIRST_YEAR 1970

static const char * const genre_names[] = {
  "Action", "Adventure", "Comedy", "Drama", "Ecchi", "Fantasy", "Horror",
  "Mahou Shoujo", "Mecha", "Music", "Mystery", "Psychological", "Romance",
  "Sci-Fi", "Slice of Life", "Sports", "Supernatural", "Thriller",
};

typedef struct {
  Names        names;
  SeasonStyle  style;
  char       **genres;
  gboolean     adult;
} Franchise;

typedef struct {
  guint          from;
  guint          to;
  KzRelationType forward;
  KzRelationType backward;
} Edge;

typedef struct {
  const KzSyntheticOptions *options;
  GRand              *rand;
  KzSyntheticLibrary *library;
  guint              *ids;          /* shuffled, options->n_entries used */
  GArray             *edges;        /* Edge */
  GPtrArray          *neighbours;   /* per entry: GArray of guint, or NULL */
  GArray             *franchise_of; /* guint per entry */
  GArray             *is_main;      /* gboolean per entry: on a sequel line */
  GArray             *franchise_first;  /* guint per franchise */
  GArray             *franchise_size;   /* guint per franchise */
} Generator;

static guint
room (Generator *gen)
{
  return gen->options->n_entries - gen->library->entries->len;
}

/* Entries */

static char *
make_image_hash (Generator *gen)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char hash[13];

  for (guint i = 0; i < 12; i++)
    hash[i] = alphabet[rand_below (gen->rand, sizeof alphabet - 1)];
  hash[12] = '\0';

  return g_strdup (hash);
}


static void
set_episodes (Generator *gen,
              KzEntry   *entry)
{
  static const int tv_lengths[] = { 10, 11, 12, 12, 12, 12, 13, 13, 13, 24, 24, 25, 26, 26, 39, 50, 51 };

  switch (entry->format)
    {
    case KZ_FORMAT_TV:
      entry->episodes = tv_lengths[rand_below (gen->rand, G_N_ELEMENTS (tv_lengths))];
      entry->duration = chance (gen->rand, 0.9) ? 24 : 23;
      break;
    case KZ_FORMAT_TV_SHORT:
      entry->episodes = chance (gen->rand, 0.5) ? 12 : 24;
      entry->duration = (int) rand_between (gen->rand, 2, 12);
      break;
    case KZ_FORMAT_MOVIE:
      entry->episodes = 1;
      entry->duration = (int) rand_between (gen->rand, 60, 140);
      break;
    case KZ_FORMAT_SPECIAL:
      entry->episodes = (int) rand_between (gen->rand, 1, 6);
      entry->duration = (int) rand_between (gen->rand, 4, 25);
      break;
    case KZ_FORMAT_OVA:
      entry->episodes = (int) rand_between (gen->rand, 1, 6);
      entry->duration = (int) rand_between (gen->rand, 24, 32);
      break;
    case KZ_FORMAT_ONA:
      entry->episodes = (int) rand_between (gen->rand, 6, 24);
      entry->duration = (int) rand_between (gen->rand, 10, 24);
      break;
    case KZ_FORMAT_MUSIC:
      entry->episodes = 1;
      entry->duration = (int) rand_between (gen->rand, 3, 6);
      break;
    case KZ_FORMAT_UNKNOWN:
    case KZ_FORMAT_MANGA:
    case KZ_FORMAT_NOVEL:
    case KZ_FORMAT_ONE_SHOT:
    default:
      break;
    }
}

static KzSeason
season_of_month (int month)
{
  if (month <= 3)
    return KZ_SEASON_WINTER;
  if (month <= 6)
    return KZ_SEASON_SPRING;
  if (month <= 9)
    return KZ_SEASON_SUMMER;
  return KZ_SEASON_FALL;
}

static void
set_dates (Generator *gen,
           KzEntry   *entry,
           int        year)
{
  int month = (int) rand_between (gen->rand, 1, 12);
  int day = (int) rand_between (gen->rand, 1, 28);
  gboolean aired = year < NOW_YEAR || (year == NOW_YEAR && month <= NOW_MONTH);

  entry->season_year = year;
  entry->season = season_of_month (month);

  if (!aired)
    {
      /* Announced: the year, perhaps the month, no day, no score. */
      entry->status = KZ_STATUS_NOT_YET_RELEASED;
      entry->start_date.year = (gint16) year;
      entry->start_date.month = (gint8) (chance (gen->rand, 0.5) ? month : 0);
      if (chance (gen->rand, 0.7))
        entry->episodes = 0;
      return;
    }

  entry->start_date.year = (gint16) year;
  entry->start_date.month = (gint8) month;
  entry->start_date.day = (gint8) day;
  entry->average_score = (int) rand_between (gen->rand, 45, 90);

  if (year == NOW_YEAR && entry->episodes > 1)
    {
      entry->status = KZ_STATUS_RELEASING;
      if (chance (gen->rand, 0.4))
        entry->episodes = 0;
      return;
    }

  if (chance (gen->rand, 0.005))
    entry->status = KZ_STATUS_CANCELLED;
  else if (chance (gen->rand, 0.005))
    entry->status = KZ_STATUS_HIATUS;
  else
    entry->status = KZ_STATUS_FINISHED;

  if (entry->status != KZ_STATUS_HIATUS)
    {
      int weeks = MAX (entry->episodes, 1);
      int end_month = month + (weeks > 1 ? (weeks + 3) / 4 : 0);

      entry->end_date.year = (gint16) (year + (end_month - 1) / 12);
      entry->end_date.month = (gint8) ((end_month - 1) % 12 + 1);
      entry->end_date.day = (gint8) rand_between (gen->rand, 1, 28);
    }
}

/* Adds a full entry; @names are taken. Returns its index. */
static guint
add_entry (Generator *gen,
           guint      franchise_index,
           Franchise *franchise,
           KzFormat   format,
           int        year,
           gboolean   main_line,
           Names     *names)
{
  KzSyntheticLibrary *library = gen->library;
  guint index = library->entries->len;
  g_autofree char *hash = make_image_hash (gen);
  KzEntry *entry;

  g_assert (room (gen) > 0);

  entry = _kz_entry_new (gen->ids[index], KZ_ENTRY_DETAIL_FULL);
  entry->media_type = KZ_MEDIA_TYPE_ANIME;
  entry->format = format;
  entry->title_romaji = g_steal_pointer (&names->romaji);
  entry->title_english = g_steal_pointer (&names->english);
  entry->title_native = g_steal_pointer (&names->native);
  entry->synonyms = _kz_synthetic_make_synonyms (gen->rand, &(Names) { entry->title_romaji, entry->title_english, entry->title_native });
  entry->genres = g_strdupv (franchise->genres);
  entry->is_adult = franchise->adult;

  set_episodes (gen, entry);
  set_dates (gen, entry, MIN (year, NOW_YEAR));

  if (chance (gen->rand, 0.92))
    entry->description = _kz_synthetic_make_description (gen->rand, franchise->names.romaji);
  entry->cover_extra_large = g_strdup_printf ("https://s4.anilist.co/file/anilistcdn/media/anime/cover/large/bx%" G_GINT64_FORMAT "-%s.jpg", entry->id, hash);
  entry->cover_large = g_strdup_printf ("https://s4.anilist.co/file/anilistcdn/media/anime/cover/medium/bx%" G_GINT64_FORMAT "-%s.jpg", entry->id, hash);
  entry->cover_medium = g_strdup_printf ("https://s4.anilist.co/file/anilistcdn/media/anime/cover/small/bx%" G_GINT64_FORMAT "-%s.jpg", entry->id, hash);
  if (chance (gen->rand, 0.9))
    entry->cover_color = g_strdup_printf ("#%06x", rand_below (gen->rand, 0x1000000));
  if (chance (gen->rand, 0.45))
    entry->banner_url = g_strdup_printf ("https://s4.anilist.co/file/anilistcdn/media/anime/banner/%" G_GINT64_FORMAT "-%s.jpg", entry->id, hash);
  entry->site_url = g_strdup_printf ("https://anilist.co/anime/%" G_GINT64_FORMAT, entry->id);
  if (chance (gen->rand, 0.8))
    entry->id_mal = rand_between (gen->rand, 1, 60000);
  entry->updated_at = 1500000000 + (gint64) rand_below (gen->rand, 276000000);

  if (entry->is_adult)
    library->n_adult++;

  g_ptr_array_add (library->entries, entry);
  g_ptr_array_add (gen->neighbours, NULL);
  g_array_append_val (gen->franchise_of, franchise_index);
  g_array_append_val (gen->is_main, main_line);

  return index;
}

/* Edges */

static gboolean
has_edge (Generator *gen,
          guint      a,
          guint      b)
{
  GArray *neighbours = g_ptr_array_index (gen->neighbours, a);

  for (guint i = 0; neighbours != NULL && i < neighbours->len; i++)
    if (g_array_index (neighbours, guint, i) == b)
      return TRUE;

  return FALSE;
}

static void
note_neighbour (Generator *gen,
                guint      a,
                guint      b)
{
  GArray *neighbours = g_ptr_array_index (gen->neighbours, a);

  if (neighbours == NULL)
    {
      neighbours = g_array_sized_new (FALSE, FALSE, sizeof (guint), 4);
      g_ptr_array_index (gen->neighbours, a) = neighbours;
    }
  g_array_append_val (neighbours, b);
}

/* @from lists @to as @forward, and @to lists @from as @backward. */
static gboolean
add_edge (Generator      *gen,
          guint           from,
          guint           to,
          KzRelationType  forward,
          KzRelationType  backward)
{
  Edge edge = { from, to, forward, backward };

  if (from == to || has_edge (gen, from, to))
    return FALSE;

  g_array_append_val (gen->edges, edge);
  note_neighbour (gen, from, to);
  note_neighbour (gen, to, from);
  gen->library->n_relations += 2;

  return TRUE;
}

/* Franchises */

static int
pick_start_year (Generator *gen)
{
  /* More titles every decade: the square root leans towards recent years. */
  return FIRST_YEAR + (int) ((NOW_YEAR - FIRST_YEAR) * sqrt (g_rand_double (gen->rand)));
}

static int
next_year (Generator *gen,
           int        year)
{
  return year + (chance (gen->rand, 0.6) ? 1 : (int) rand_between (gen->rand, 2, 4));
}

static char **
make_genres (Generator *gen,
             gboolean  *adult)
{
  GPtrArray *genres = g_ptr_array_new ();
  guint n_genres = rand_between (gen->rand, 2, 4);

  while (genres->len < n_genres)
    {
      const char *genre = PICK (gen->rand, genre_names);
      gboolean seen = FALSE;

      for (guint i = 0; i < genres->len; i++)
        seen = seen || g_str_equal (g_ptr_array_index (genres, i), genre);
      if (!seen)
        g_ptr_array_add (genres, g_strdup (genre));
    }

  *adult = chance (gen->rand, 0.04);
  if (*adult)
    g_ptr_array_add (genres, g_strdup ("Hentai"));

  g_ptr_array_add (genres, NULL);
  return (char **) g_ptr_array_free (genres, FALSE);
}

static KzFormat
pick_first_format (Generator *gen,
                   gboolean   adult)
{
  double roll = g_rand_double (gen->rand);

  if (adult)
    return roll < 0.75 ? KZ_FORMAT_OVA : KZ_FORMAT_TV_SHORT;

  if (roll < 0.68)
    return KZ_FORMAT_TV;
  if (roll < 0.78)
    return KZ_FORMAT_ONA;
  if (roll < 0.86)
    return KZ_FORMAT_MOVIE;
  if (roll < 0.93)
    return KZ_FORMAT_OVA;
  if (roll < 0.97)
    return KZ_FORMAT_TV_SHORT;
  return KZ_FORMAT_MUSIC;
}

/* Appends to @line a sequel line of up to @n_seasons entries, stopping
 * at today's year or when the library is full. */
static void
add_sequel_line (Generator *gen,
                 guint      franchise_index,
                 Franchise *franchise,
                 guint      n_seasons,
                 int        year,
                 GArray    *line)
{
  KzFormat format = pick_first_format (gen, franchise->adult);

  /* Movies and music videos rarely get numbered seasons. */
  if (format == KZ_FORMAT_MOVIE || format == KZ_FORMAT_MUSIC)
    n_seasons = MIN (n_seasons, 2);

  for (guint k = 0; k < n_seasons && room (gen) > 0 && year <= NOW_YEAR; k++)
    {
      Names names = { NULL, };
      guint index;

      if (k == 0)
        {
          names.romaji = g_strdup (franchise->names.romaji);
          names.english = g_strdup (franchise->names.english);
          names.native = g_strdup (franchise->names.native);
        }
      else
        {
          _kz_synthetic_make_season_names (gen->rand, &franchise->names, franchise->style, k + 1, &names);
        }

      index = add_entry (gen, franchise_index, franchise, format, year, TRUE, &names);
      if (line->len > 0)
        add_edge (gen, g_array_index (line, guint, line->len - 1), index,
                  KZ_RELATION_SEQUEL, KZ_RELATION_PREQUEL);
      g_array_append_val (line, index);
      year = next_year (gen, year);
    }
}

static Names
names_of (KzEntry *entry)
{
  Names view = { entry->title_romaji, entry->title_english, entry->title_native };

  return view;
}

/* Something around season @position of @line: a special, a movie, a
 * recap, a remake, a music video; sometimes with a special of its own. */
static void
add_satellite (Generator *gen,
               guint      franchise_index,
               Franchise *franchise,
               GArray    *line,
               guint      position,
               guint     *n_movies)
{
  guint season = g_array_index (line, guint, position);
  KzEntry *season_entry = g_ptr_array_index (gen->library->entries, season);
  Names season_names = names_of (season_entry);
  int year = season_entry->season_year + (int) rand_below (gen->rand, 2);
  double roll = g_rand_double (gen->rand);
  Names names = { NULL, };
  guint index;

  if (room (gen) == 0)
    return;

  if (roll < 0.40)
    {
      _kz_synthetic_make_extra_names (gen->rand, &season_names, &names);
      index = add_entry (gen, franchise_index, franchise,
                         chance (gen->rand, 0.5) ? KZ_FORMAT_SPECIAL : KZ_FORMAT_OVA, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_SIDE_STORY, KZ_RELATION_PARENT);
    }
  else if (roll < 0.62)
    {
      _kz_synthetic_make_movie_names (gen->rand, &franchise->names, ++*n_movies, &names);
      index = add_entry (gen, franchise_index, franchise, KZ_FORMAT_MOVIE, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_SIDE_STORY, KZ_RELATION_PARENT);
    }
  else if (roll < 0.70 && position + 1 < line->len)
    {
      /* A movie between two seasons: a diamond in the sequel line. */
      _kz_synthetic_make_movie_names (gen->rand, &franchise->names, ++*n_movies, &names);
      index = add_entry (gen, franchise_index, franchise, KZ_FORMAT_MOVIE, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_SEQUEL, KZ_RELATION_PREQUEL);
      add_edge (gen, index, g_array_index (line, guint, position + 1),
                KZ_RELATION_SEQUEL, KZ_RELATION_PREQUEL);
    }
  else if (roll < 0.78)
    {
      names.romaji = g_strdup_printf ("%s Soushuuhen", season_names.romaji);
      names.native = g_strdup_printf ("%s 総集編", season_names.native);
      if (season_names.english != NULL)
        names.english = g_strdup_printf ("%s Recap", season_names.english);
      index = add_entry (gen, franchise_index, franchise,
                         chance (gen->rand, 0.5) ? KZ_FORMAT_MOVIE : KZ_FORMAT_SPECIAL, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_SUMMARY, KZ_RELATION_PARENT);
    }
  else if (roll < 0.83 && season_entry->season_year + 10 <= NOW_YEAR)
    {
      /* A remake, titled like AniList tells them apart: "Title (2011)". */
      year = season_entry->season_year + (int) rand_between (gen->rand, 10, 25);
      year = MIN (year, NOW_YEAR);
      names.romaji = g_strdup_printf ("%s (%d)", season_names.romaji, year);
      names.native = g_strdup_printf ("%s (%d)", season_names.native, year);
      if (season_names.english != NULL)
        names.english = g_strdup_printf ("%s (%d)", season_names.english, year);
      index = add_entry (gen, franchise_index, franchise, KZ_FORMAT_TV, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_ALTERNATIVE, KZ_RELATION_ALTERNATIVE);
    }
  else if (roll < 0.88)
    {
      names.romaji = g_strdup_printf ("%s Music Video", season_names.romaji);
      names.native = g_strdup_printf ("%s ミュージックビデオ", season_names.native);
      index = add_entry (gen, franchise_index, franchise, KZ_FORMAT_MUSIC, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_OTHER, KZ_RELATION_OTHER);
    }
  else
    {
      _kz_synthetic_make_extra_names (gen->rand, &season_names, &names);
      index = add_entry (gen, franchise_index, franchise, KZ_FORMAT_ONA, year, FALSE, &names);
      add_edge (gen, season, index, KZ_RELATION_SIDE_STORY, KZ_RELATION_PARENT);
    }

  /* Trees grow deeper than one level now and then. */
  if (room (gen) > 0 && chance (gen->rand, 0.12))
    {
      KzEntry *entry = g_ptr_array_index (gen->library->entries, index);
      Names parent_names = names_of (entry);
      Names sub_names = { NULL, };
      guint sub;

      _kz_synthetic_make_extra_names (gen->rand, &parent_names, &sub_names);
      sub = add_entry (gen, franchise_index, franchise, KZ_FORMAT_SPECIAL,
                       entry->season_year, FALSE, &sub_names);
      add_edge (gen, index, sub, KZ_RELATION_SIDE_STORY, KZ_RELATION_PARENT);
    }
}

static void
add_satellites (Generator *gen,
                guint      franchise_index,
                Franchise *franchise,
                GArray    *line,
                double     mean,
                guint     *n_movies)
{
  for (guint position = 0; position < line->len; position++)
    {
      guint n = (guint) mean + (chance (gen->rand, mean - (guint) mean) ? 1 : 0);

      for (guint i = 0; i < n; i++)
        add_satellite (gen, franchise_index, franchise, line, position, n_movies);
    }
}

/* A spin-off with a short sequel line and a few extras of its own. */
static void
add_spin_off (Generator *gen,
              guint      franchise_index,
              Franchise *franchise,
              GArray    *line)
{
  g_autoptr(GArray) spin_line = g_array_new (FALSE, FALSE, sizeof (guint));
  guint parent = g_array_index (line, guint, rand_below (gen->rand, line->len));
  KzEntry *parent_entry = g_ptr_array_index (gen->library->entries, parent);
  Franchise spin = { { NULL, }, };
  Names subtitle = { NULL, };
  guint n_movies = 0;

  _kz_synthetic_make_subtitle (gen->rand, &subtitle);
  spin.names.romaji = g_strdup_printf ("%s Gaiden: %s", franchise->names.romaji, subtitle.romaji);
  spin.names.native = g_strdup_printf ("%s外伝 %s", franchise->names.native, subtitle.native);
  if (franchise->names.english != NULL)
    spin.names.english = g_strdup_printf ("%s: %s", franchise->names.english, subtitle.english);
  spin.style = (SeasonStyle) rand_below (gen->rand, N_SEASON_STYLES);
  spin.genres = franchise->genres;
  spin.adult = franchise->adult;
  _kz_synthetic_names_clear (&subtitle);

  add_sequel_line (gen, franchise_index, &spin, rand_between (gen->rand, 1, 3),
                   parent_entry->season_year + (int) rand_between (gen->rand, 1, 3), spin_line);
  if (spin_line->len > 0)
    {
      guint first = g_array_index (spin_line, guint, 0);

      add_edge (gen, parent, first, KZ_RELATION_SPIN_OFF, KZ_RELATION_PARENT);
      add_satellites (gen, franchise_index, &spin, spin_line, 0.5, &n_movies);
    }

  _kz_synthetic_names_clear (&spin.names);
}

static void
generate_franchise (Generator *gen)
{
  KzSyntheticLibrary *library = gen->library;
  g_autoptr(GArray) line = g_array_new (FALSE, FALSE, sizeof (guint));
  guint franchise_index = gen->franchise_first->len;
  guint first = library->entries->len;
  Franchise franchise = { { NULL, }, };
  double roll = g_rand_double (gen->rand);
  guint n_seasons;
  guint n_spin_offs = 0;
  guint n_movies = 0;
  double satellites;
  guint size;

  _kz_synthetic_make_base_names (gen->rand, &franchise.names);
  franchise.style = (SeasonStyle) rand_below (gen->rand, N_SEASON_STYLES);
  franchise.genres = make_genres (gen, &franchise.adult);

  if (roll < 0.36)
    {
      n_seasons = 1;
      satellites = 0.0;
    }
  else if (roll < 0.70)
    {
      n_seasons = rand_between (gen->rand, 1, 2);
      satellites = 0.6;
    }
  else if (roll < 0.92)
    {
      n_seasons = rand_between (gen->rand, 2, 5);
      satellites = 1.2;
      n_spin_offs = chance (gen->rand, 0.15) ? 1 : 0;
    }
  else if (roll < 0.985)
    {
      n_seasons = rand_between (gen->rand, 4, 10);
      satellites = 1.8;
      n_spin_offs = chance (gen->rand, 0.5) ? 1 : 0;
    }
  else
    {
      /* The long runners: twenty seasons and a movie every year. */
      n_seasons = rand_between (gen->rand, 10, 20);
      satellites = 3.0;
      n_spin_offs = rand_between (gen->rand, 1, 2);
    }

  g_array_append_val (gen->franchise_first, first);

  add_sequel_line (gen, franchise_index, &franchise, n_seasons, pick_start_year (gen), line);
  add_satellites (gen, franchise_index, &franchise, line, satellites, &n_movies);

  for (guint i = 0; i < n_spin_offs && room (gen) > 0; i++)
    add_spin_off (gen, franchise_index, &franchise, line);

  /* A compilation movie made of the first two seasons. */
  if (line->len >= 2 && room (gen) > 0 && chance (gen->rand, 0.04))
    {
      Names names = { NULL, };
      guint index;

      names.romaji = g_strdup_printf ("%s Compilation", franchise.names.romaji);
      names.native = g_strdup_printf ("%s 総集編", franchise.names.native);
      if (franchise.names.english != NULL)
        names.english = g_strdup_printf ("%s Compilation Movie", franchise.names.english);
      index = add_entry (gen, franchise_index, &franchise, KZ_FORMAT_MOVIE,
                         ((KzEntry *) g_ptr_array_index (library->entries, g_array_index (line, guint, 1)))->season_year,
                         FALSE, &names);
      add_edge (gen, g_array_index (line, guint, 0), index, KZ_RELATION_COMPILATION, KZ_RELATION_CONTAINS);
      add_edge (gen, g_array_index (line, guint, 1), index, KZ_RELATION_COMPILATION, KZ_RELATION_CONTAINS);
    }

  /* Some sequel lines loop back to where they began. */
  if (line->len >= 3 && chance (gen->rand, 0.05) &&
      add_edge (gen, g_array_index (line, guint, line->len - 1), g_array_index (line, guint, 0),
                KZ_RELATION_SEQUEL, KZ_RELATION_PREQUEL))
    library->n_cycles++;

  size = library->entries->len - first;
  g_array_append_val (gen->franchise_size, size);
  library->n_franchises++;
  if (size == 1)
    library->n_standalone++;
  library->largest_franchise = MAX (library->largest_franchise, size);
  library->longest_chain = MAX (library->longest_chain, line->len);

  _kz_synthetic_names_clear (&franchise.names);
  g_strfreev (franchise.genres);
}

/* Second links up to the wanted edge count: a special that also belongs
 * to another season, characters shared between entries, and crossovers
 * between franchises. */
static void
add_secondary_edges (Generator *gen)
{
  KzSyntheticLibrary *library = gen->library;
  guint n_entries = library->entries->len;
  guint64 attempts = (guint64) gen->options->n_relations * 8;

  while (library->n_relations + 2 <= gen->options->n_relations && attempts-- > 0)
    {
      guint a = rand_below (gen->rand, n_entries);
      guint franchise = g_array_index (gen->franchise_of, guint, a);
      guint size = g_array_index (gen->franchise_size, guint, franchise);
      gboolean a_main = g_array_index (gen->is_main, gboolean, a);
      gboolean b_main;
      guint b;

      if (chance (gen->rand, 0.05))
        {
          KzRelationType type = chance (gen->rand, 0.6) ? KZ_RELATION_CHARACTER : KZ_RELATION_OTHER;

          b = rand_below (gen->rand, n_entries);
          if (g_array_index (gen->franchise_of, guint, b) != franchise &&
              add_edge (gen, a, b, type, type))
            library->n_crossovers++;
          continue;
        }

      if (size < 3)
        continue;

      b = g_array_index (gen->franchise_first, guint, franchise) + rand_below (gen->rand, size);
      b_main = g_array_index (gen->is_main, gboolean, b);

      if (a_main && !b_main)
        add_edge (gen, a, b, KZ_RELATION_SIDE_STORY, KZ_RELATION_PARENT);
      else if (!a_main && b_main)
        add_edge (gen, b, a, KZ_RELATION_SIDE_STORY, KZ_RELATION_PARENT);
      else if (chance (gen->rand, 0.5))
        add_edge (gen, a, b, KZ_RELATION_CHARACTER, KZ_RELATION_CHARACTER);
      else
        add_edge (gen, a, b, KZ_RELATION_OTHER, KZ_RELATION_OTHER);
    }
}

/* Relation targets are stubs, as in a provider's answer; one stub per
 * target is shared by every edge to it. */
static void
attach_relations (Generator *gen)
{
  GPtrArray *entries = gen->library->entries;
  g_autoptr(GPtrArray) stubs = g_ptr_array_new_full (entries->len, g_object_unref);

  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (stubs, _kz_entry_copy_as_stub (g_ptr_array_index (entries, i)));

  for (guint i = 0; i < gen->edges->len; i++)
    {
      const Edge *edge = &g_array_index (gen->edges, Edge, i);

      _kz_entry_add_relation (g_ptr_array_index (entries, edge->from), edge->forward, NULL,
                              g_ptr_array_index (stubs, edge->to));
      _kz_entry_add_relation (g_ptr_array_index (entries, edge->to), edge->backward, NULL,
                              g_ptr_array_index (stubs, edge->from));
    }
}

/* Distinct AniList-like ids, spread over four times as many numbers. */
static guint *
shuffle_ids (Generator *gen,
             guint      n_ids)
{
  guint range = n_ids * 4 + 16;
  guint *ids = g_new (guint, range);

  for (guint i = 0; i < range; i++)
    ids[i] = i + 1;

  for (guint i = 0; i < n_ids; i++)
    {
      guint j = i + rand_below (gen->rand, range - i);
      guint swap = ids[i];

      ids[i] = ids[j];
      ids[j] = swap;
    }

  return ids;
}

static void
clear_neighbours (gpointer data)
{
  if (data != NULL)
    g_array_unref (data);
}

KzSyntheticLibrary *
kz_synthetic_library_generate (const KzSyntheticOptions *options)
{
  Generator gen = { 0, };
  KzSyntheticLibrary *library;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->n_entries > 0, NULL);

  library = g_new0 (KzSyntheticLibrary, 1);
  library->entries = g_ptr_array_new_full (options->n_entries, g_object_unref);

  gen.options = options;
  gen.rand = g_rand_new_with_seed (options->seed);
  gen.library = library;
  gen.ids = shuffle_ids (&gen, options->n_entries);
  gen.edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  gen.neighbours = g_ptr_array_new_full (options->n_entries, clear_neighbours);
  gen.franchise_of = g_array_new (FALSE, FALSE, sizeof (guint));
  gen.is_main = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gen.franchise_first = g_array_new (FALSE, FALSE, sizeof (guint));
  gen.franchise_size = g_array_new (FALSE, FALSE, sizeof (guint));

  while (room (&gen) > 0)
    generate_franchise (&gen);

  add_secondary_edges (&gen);
  attach_relations (&gen);

  g_rand_free (gen.rand);
  g_free (gen.ids);
  g_array_unref (gen.edges);
  g_ptr_array_unref (gen.neighbours);
  g_array_unref (gen.franchise_of);
  g_array_unref (gen.is_main);
  g_array_unref (gen.franchise_first);
  g_array_unref (gen.franchise_size);

  return library;
}

void
kz_synthetic_library_free (KzSyntheticLibrary *library)
{
  if (library == NULL)
    return;

  g_ptr_array_unref (library->entries);
  g_free (library);
}

/* A word of @min_length ASCII letters or more from a random title. */
static const char *
find_word (KzSyntheticLibrary  *library,
           GRand               *rand,
           guint                min_length,
           char              ***words_out)
{
  for (guint attempt = 0; attempt < 1000; attempt++)
    {
      KzEntry *entry = g_ptr_array_index (library->entries,
                                          g_rand_int_range (rand, 0, (gint32) library->entries->len));
      g_auto(GStrv) words = g_strsplit_set (entry->title_romaji, " :()", -1);
      guint n_words = g_strv_length (words);
      const char *word = words[g_rand_int_range (rand, 0, (gint32) n_words)];
      gboolean letters = strlen (word) >= min_length;

      for (guint i = 0; letters && i < min_length; i++)
        letters = g_ascii_isalpha (word[i]);

      if (letters)
        {
          *words_out = g_steal_pointer (&words);
          return word;
        }
    }

  return NULL;
}

char *
kz_synthetic_library_pick_prefix (KzSyntheticLibrary *library,
                                  GRand              *rand,
                                  guint               length)
{
  g_auto(GStrv) words = NULL;
  const char *word;

  g_return_val_if_fail (library != NULL && library->entries->len > 0, NULL);
  g_return_val_if_fail (length > 0, NULL);

  if (!(word = find_word (library, rand, length, &words)))
    return g_strndup ("kanata", length);

  return g_ascii_strdown (word, length);
}

char *
kz_synthetic_library_pick_word (KzSyntheticLibrary *library,
                                GRand              *rand,
                                guint               min_length)
{
  g_auto(GStrv) words = NULL;
  const char *word;

  g_return_val_if_fail (library != NULL && library->entries->len > 0, NULL);

  if (!(word = find_word (library, rand, min_length, &words)))
    return g_strdup ("kanata");

  return g_ascii_strdown (word, -1);
}

KzEntry *
kz_synthetic_copy_entry (KzEntry *entry)
{
  KzEntry *copy;

  g_return_val_if_fail (KZ_IS_ENTRY (entry), NULL);

  copy = _kz_entry_new (entry->id, entry->detail);
  copy->id_mal = entry->id_mal;
  copy->updated_at = entry->updated_at;
  copy->title_romaji = g_strdup (entry->title_romaji);
  copy->title_english = g_strdup (entry->title_english);
  copy->title_native = g_strdup (entry->title_native);
  copy->synonyms = g_strdupv (entry->synonyms);
  copy->genres = g_strdupv (entry->genres);
  copy->description = g_strdup (entry->description);
  copy->site_url = g_strdup (entry->site_url);
  copy->age_rating = g_strdup (entry->age_rating);
  copy->cover_extra_large = g_strdup (entry->cover_extra_large);
  copy->cover_large = g_strdup (entry->cover_large);
  copy->cover_medium = g_strdup (entry->cover_medium);
  copy->cover_color = g_strdup (entry->cover_color);
  copy->banner_url = g_strdup (entry->banner_url);
  copy->start_date = entry->start_date;
  copy->end_date = entry->end_date;
  copy->episodes = entry->episodes;
  copy->duration = entry->duration;
  copy->season_year = entry->season_year;
  copy->average_score = entry->average_score;
  copy->media_type = entry->media_type;
  copy->format = entry->format;
  copy->status = entry->status;
  copy->season = entry->season;
  copy->is_adult = entry->is_adult;

  for (guint i = 0; entry->relations != NULL && i < entry->relations->len; i++)
    {
      const KzRelation *relation = &g_array_index (entry->relations, KzRelation, i);
      g_autoptr(KzEntry) stub = _kz_entry_copy_as_stub (relation->target);

      _kz_entry_add_relation (copy, relation->type, relation->raw_type, stub);
    }

  return copy;
}
