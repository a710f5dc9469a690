/* kz-synthetic-names.c: titles, synonyms and descriptions made of
 * syllables
 *
 * A romaji title is a few words of two to four syllables with particles
 * between them; the native title writes the same syllables in kana; about
 * half of the franchises get an English title from a small vocabulary.
 * Sequels, movies and extras derive their titles from the franchise's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <string.h>

#include "kz-synthetic.h"

#include "kz-synthetic-private.h"

typedef struct {
  const char *romaji;
  const char *hiragana;
  const char *katakana;
} Syllable;

static const Syllable syllables[] = {
  { "a", "あ", "ア" }, { "i", "い", "イ" }, { "u", "う", "ウ" }, { "e", "え", "エ" }, { "o", "お", "オ" },
  { "ka", "か", "カ" }, { "ki", "き", "キ" }, { "ku", "く", "ク" }, { "ke", "け", "ケ" }, { "ko", "こ", "コ" },
  { "sa", "さ", "サ" }, { "shi", "し", "シ" }, { "su", "す", "ス" }, { "se", "せ", "セ" }, { "so", "そ", "ソ" },
  { "ta", "た", "タ" }, { "chi", "ち", "チ" }, { "tsu", "つ", "ツ" }, { "te", "て", "テ" }, { "to", "と", "ト" },
  { "na", "な", "ナ" }, { "ni", "に", "ニ" }, { "nu", "ぬ", "ヌ" }, { "ne", "ね", "ネ" }, { "no", "の", "ノ" },
  { "ha", "は", "ハ" }, { "hi", "ひ", "ヒ" }, { "fu", "ふ", "フ" }, { "he", "へ", "ヘ" }, { "ho", "ほ", "ホ" },
  { "ma", "ま", "マ" }, { "mi", "み", "ミ" }, { "mu", "む", "ム" }, { "me", "め", "メ" }, { "mo", "も", "モ" },
  { "ya", "や", "ヤ" }, { "yu", "ゆ", "ユ" }, { "yo", "よ", "ヨ" },
  { "ra", "ら", "ラ" }, { "ri", "り", "リ" }, { "ru", "る", "ル" }, { "re", "れ", "レ" }, { "ro", "ろ", "ロ" },
  { "wa", "わ", "ワ" },
  { "ga", "が", "ガ" }, { "gi", "ぎ", "ギ" }, { "gu", "ぐ", "グ" }, { "ge", "げ", "ゲ" }, { "go", "ご", "ゴ" },
  { "za", "ざ", "ザ" }, { "ji", "じ", "ジ" }, { "zu", "ず", "ズ" }, { "ze", "ぜ", "ゼ" }, { "zo", "ぞ", "ゾ" },
  { "da", "だ", "ダ" }, { "de", "で", "デ" }, { "do", "ど", "ド" },
  { "ba", "ば", "バ" }, { "bi", "び", "ビ" }, { "bu", "ぶ", "ブ" }, { "be", "べ", "ベ" }, { "bo", "ぼ", "ボ" },
  { "pa", "ぱ", "パ" }, { "pi", "ぴ", "ピ" }, { "po", "ぽ", "ポ" },
  { "kyo", "きょ", "キョ" }, { "sha", "しゃ", "シャ" }, { "sho", "しょ", "ショ" }, { "shu", "しゅ", "シュ" },
  { "cho", "ちょ", "チョ" }, { "ryu", "りゅ", "リュ" }, { "ryo", "りょ", "リョ" }, { "jo", "じょ", "ジョ" },
};

/* Particles between romaji words, and how the native title writes them. */
static const Syllable particles[] = {
  { "no", "の", NULL }, { "to", "と", NULL }, { "wa", "は", NULL },
  { "ga", "が", NULL }, { "ni", "に", NULL }, { "de", "で", NULL },
};

static const char * const english_adjectives[] = {
  "Silver", "Crimson", "Last", "Eternal", "Broken", "Hidden", "Lonely", "Iron",
  "Distant", "Golden", "Burning", "Quiet", "Wandering", "Forgotten", "Little",
  "Endless", "Scarlet", "Frozen", "Wild", "Secret", "Blue", "Sacred",
};

static const char * const english_nouns[] = {
  "Blade", "Academy", "Hero", "Chronicles", "Sky", "Witch", "Knight", "Garden",
  "Detective", "Kingdom", "Summer", "Requiem", "Alchemist", "Pilot", "Dragon",
  "Idol", "Café", "Apartment", "Frontier", "Saga", "Labyrinth", "Orchestra",
  "Railway", "Princess", "Festival", "Shrine", "Empire", "Moon", "Girls", "Club",
};

static const char * const filler_words[] = {
  "the", "a", "young", "girl", "boy", "world", "must", "finds", "school", "power",
  "city", "secret", "war", "friends", "journey", "mysterious", "ancient", "discovers",
  "after", "when", "their", "his", "her", "new", "life", "battle", "against", "demon",
  "kingdom", "academy", "team", "dream", "family", "village", "night", "sister",
  "brother", "memory", "promise", "sword", "magic", "spirit", "summer", "winter",
  "ship", "island", "contract", "future", "past", "truth", "lost", "begins",
  "together", "alone", "strange", "everyday", "club", "and", "of", "in", "with",
  "to", "from", "an", "old", "first", "final", "beyond", "under", "her", "its",
};


static const char * const ordinals[] = { "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th" };
static const char * const roman_numerals[] = {
  "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
  "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
};

typedef struct {
  const char *romaji;
  const char *english;
  const char *native;
} Extra;

static const Extra extras[] = {
  { "OVA", "OVA", "OVA" },
  { "Specials", "Specials", "特別編" },
  { "Picture Drama", "Picture Drama", "ピクチャードラマ" },
  { "Mini Anime", "Mini Anime", "ミニアニメ" },
  { "Bangaihen", "Extra Episodes", "番外編" },
  { "Tokubetsu-hen", "Special Episode", "特別篇" },
};

void
_kz_synthetic_names_clear (Names *names)
{
  g_clear_pointer (&names->romaji, g_free);
  g_clear_pointer (&names->english, g_free);
  g_clear_pointer (&names->native, g_free);
}

/* Titles */

static void
append_word (GRand     *rand,
             GString   *romaji,
             GString   *native,
             gboolean   katakana)
{
  guint n_syllables = rand_between (rand, 2, 4);
  gsize start = romaji->len;

  for (guint i = 0; i < n_syllables; i++)
    {
      const Syllable *syllable = &syllables[rand_below (rand, G_N_ELEMENTS (syllables))];

      g_string_append (romaji, syllable->romaji);
      g_string_append (native, katakana ? syllable->katakana : syllable->hiragana);

      /* A closing n now and then, as in "Kenshin" or "Ranma". */
      if (i > 0 && chance (rand, 0.12))
        {
          g_string_append_c (romaji, 'n');
          g_string_append (native, katakana ? "ン" : "ん");
        }
    }

  romaji->str[start] = g_ascii_toupper (romaji->str[start]);
}

static void
append_particle (GRand     *rand,
                 GString   *romaji,
                 GString   *native)
{
  const Syllable *particle = &particles[rand_below (rand, G_N_ELEMENTS (particles))];

  g_string_append_printf (romaji, " %s ", particle->romaji);
  g_string_append (native, particle->hiragana);
}

/* A subtitle of one or two words, for seasons, movies and spin-offs. */
void
_kz_synthetic_make_subtitle (GRand *rand,
                             Names *names)
{
  g_autoptr(GString) romaji = g_string_new (NULL);
  g_autoptr(GString) native = g_string_new (NULL);
  gboolean katakana = chance (rand, 0.5);

  append_word (rand, romaji, native, katakana);
  if (chance (rand, 0.5))
    {
      append_particle (rand, romaji, native);
      append_word (rand, romaji, native, katakana);
    }

  names->romaji = g_strdup (romaji->str);
  names->native = g_strdup (native->str);
  names->english = chance (rand, 0.5)
    ? g_strdup_printf ("%s %s", PICK (rand, english_adjectives), PICK (rand, english_nouns))
    : g_strdup (romaji->str);
}

void
_kz_synthetic_make_base_names (GRand *rand,
                               Names *names)
{
  g_autoptr(GString) romaji = g_string_new (NULL);
  g_autoptr(GString) native = g_string_new (NULL);
  gboolean katakana = chance (rand, 0.5);
  guint pattern = rand_below (rand, 100);

  append_word (rand, romaji, native, katakana);
  if (pattern < 30)
    {
      g_string_append_c (romaji, ' ');
      append_word (rand, romaji, native, !katakana);
    }
  else if (pattern < 55)
    {
      append_particle (rand, romaji, native);
      append_word (rand, romaji, native, katakana);
    }
  else if (pattern < 85)
    {
      if (pattern >= 70)
        {
          g_string_append_c (romaji, ' ');
          append_word (rand, romaji, native, katakana);
        }
      g_string_append (romaji, ": ");
      g_string_append (native, " ");
      append_word (rand, romaji, native, !katakana);
      append_particle (rand, romaji, native);
      append_word (rand, romaji, native, !katakana);
    }
  /* else one word alone */

  names->romaji = g_strdup (romaji->str);
  names->native = g_strdup (native->str);

  if (chance (rand, 0.55))
    {
      switch (rand_below (rand, 4))
        {
        case 0:
          names->english = g_strdup_printf ("The %s %s", PICK (rand, english_adjectives), PICK (rand, english_nouns));
          break;
        case 1:
          names->english = g_strdup_printf ("%s of the %s", PICK (rand, english_nouns), PICK (rand, english_nouns));
          break;
        case 2:
          {
            /* The romaji's first word with an English noun: "Kazuma Blade". */
            const char *space = strpbrk (romaji->str, " :");
            gsize length = space ? (gsize) (space - romaji->str) : romaji->len;

            names->english = g_strdup_printf ("%.*s %s", (int) length, romaji->str, PICK (rand, english_nouns));
          }
          break;
        default:
          names->english = g_strdup_printf ("%s %s", PICK (rand, english_adjectives), PICK (rand, english_nouns));
          break;
        }
    }
}

void
_kz_synthetic_make_season_names (GRand       *rand,
                                 const Names *base,
                                 SeasonStyle  style,
                                 guint        number,
                                 Names       *names)
{
  switch (style)
    {
    case SEASON_STYLE_ORDINAL:
      names->romaji = number - 2 < G_N_ELEMENTS (ordinals)
        ? g_strdup_printf ("%s %s Season", base->romaji, ordinals[number - 2])
        : g_strdup_printf ("%s Season %u", base->romaji, number);
      names->native = g_strdup_printf ("%s 第%u期", base->native, number);
      break;

    case SEASON_STYLE_NUMBER:
      names->romaji = g_strdup_printf ("%s Season %u", base->romaji, number);
      names->native = g_strdup_printf ("%s 第%u期", base->native, number);
      break;

    case SEASON_STYLE_SUBTITLE:
      {
        Names subtitle = { NULL, };

        _kz_synthetic_make_subtitle (rand, &subtitle);
        names->romaji = g_strdup_printf ("%s: %s", base->romaji, subtitle.romaji);
        names->native = g_strdup_printf ("%s %s", base->native, subtitle.native);
        _kz_synthetic_names_clear (&subtitle);
      }
      break;

    case SEASON_STYLE_ROMAN:
    default:
      names->romaji = g_strdup_printf ("%s %s", base->romaji,
                                       roman_numerals[MIN (number - 2, G_N_ELEMENTS (roman_numerals) - 1)]);
      names->native = g_strdup_printf ("%s %s", base->native,
                                       roman_numerals[MIN (number - 2, G_N_ELEMENTS (roman_numerals) - 1)]);
      break;
    }

  if (base->english != NULL)
    names->english = g_strdup_printf ("%s Season %u", base->english, number);
}

void
_kz_synthetic_make_movie_names (GRand       *rand,
                                const Names *base,
                                guint        number,
                                Names       *names)
{
  Names subtitle = { NULL, };

  _kz_synthetic_make_subtitle (rand, &subtitle);
  if (chance (rand, 0.5))
    names->romaji = g_strdup_printf ("Gekijouban %s: %s", base->romaji, subtitle.romaji);
  else
    names->romaji = g_strdup_printf ("%s Movie %u: %s", base->romaji, number, subtitle.romaji);
  names->native = g_strdup_printf ("劇場版 %s %s", base->native, subtitle.native);
  if (base->english != NULL)
    names->english = g_strdup_printf ("%s the Movie: %s", base->english, subtitle.english);
  _kz_synthetic_names_clear (&subtitle);
}

void
_kz_synthetic_make_extra_names (GRand       *rand,
                                const Names *parent,
                                Names       *names)
{
  const Extra *extra = &extras[rand_below (rand, G_N_ELEMENTS (extras))];

  names->romaji = g_strdup_printf ("%s %s", parent->romaji, extra->romaji);
  names->native = g_strdup_printf ("%s %s", parent->native, extra->native);
  if (parent->english != NULL)
    names->english = g_strdup_printf ("%s %s", parent->english, extra->english);
}

/* Sentences of a synopsis, with AniList's <br> and <i> markup and
 * now and then a name from @title. */
char *
_kz_synthetic_make_description (GRand      *rand,
                                const char *title)
{
  GString *text = g_string_new (NULL);
  guint n_sentences = rand_between (rand, 3, 10);

  for (guint i = 0; i < n_sentences; i++)
    {
      guint n_words = rand_between (rand, 8, 18);

      if (i > 0)
        g_string_append (text, i % 3 == 0 && chance (rand, 0.6) ? "<br><br>" : " ");

      for (guint j = 0; j < n_words; j++)
        {
          gsize start;

          if (j > 0)
            g_string_append_c (text, ' ');
          start = text->len;

          if (chance (rand, 0.08))
            {
              /* A name from the title, sometimes in italics. */
              const char *end = strpbrk (title, " :");
              int length = end ? (int) (end - title) : (int) strlen (title);

              if (chance (rand, 0.3))
                g_string_append_printf (text, "<i>%.*s</i>", length, title);
              else
                g_string_append_printf (text, "%.*s", length, title);
            }
          else
            {
              g_string_append (text, PICK (rand, filler_words));
            }

          if (j == 0)
            text->str[start] = g_ascii_toupper (text->str[start]);
        }
      g_string_append_c (text, '.');
    }

  if (chance (rand, 0.3))
    g_string_append (text, "<br><br>(Source: Crunchyroll)");

  return g_string_free (text, FALSE);
}

char **
_kz_synthetic_make_synonyms (GRand       *rand,
                             const Names *names)
{
  GPtrArray *synonyms = g_ptr_array_new ();

  /* Initials, as fans abbreviate: "Kono Subarashii …" → "KS". */
  if (chance (rand, 0.15))
    {
      GString *initials = g_string_new (NULL);
      gboolean at_word = TRUE;

      for (const char *p = names->romaji; *p != '\0'; p++)
        {
          if (at_word && g_ascii_isalpha (*p))
            g_string_append_c (initials, g_ascii_toupper (*p));
          at_word = *p == ' ';
        }

      if (initials->len >= 2)
        g_ptr_array_add (synonyms, g_string_free (initials, FALSE));
      else
        g_string_free (initials, TRUE);
    }

  if (chance (rand, 0.08))
    g_ptr_array_add (synonyms, g_strdup_printf ("%s %s", PICK (rand, english_adjectives), PICK (rand, english_nouns)));

  if (synonyms->len == 0)
    {
      g_ptr_array_free (synonyms, TRUE);
      return NULL;
    }

  g_ptr_array_add (synonyms, NULL);
  return (char **) g_ptr_array_free (synonyms, FALSE);
}
