/* test-enums.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-enums.h"

static void
test_relation_round_trip (void)
{
  for (guint type = 1; type < KZ_RELATION_N_TYPES; type++)
    g_assert_cmpint (kz_relation_type_from_string (kz_relation_type_to_string (type)), ==, type);
}

static void
test_relation_spellings (void)
{
  g_assert_cmpint (kz_relation_type_from_string ("SIDE_STORY"), ==, KZ_RELATION_SIDE_STORY);
  g_assert_cmpint (kz_relation_type_from_string ("Side Story"), ==, KZ_RELATION_SIDE_STORY);
  g_assert_cmpint (kz_relation_type_from_string ("spin-off"), ==, KZ_RELATION_SPIN_OFF);
  g_assert_cmpint (kz_relation_type_from_string ("Alternative Version"), ==, KZ_RELATION_ALTERNATIVE);
  g_assert_cmpint (kz_relation_type_from_string ("Parent story"), ==, KZ_RELATION_PARENT);
  g_assert_cmpint (kz_relation_type_from_string ("FUTURE_KIND"), ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpint (kz_relation_type_from_string (""), ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpint (kz_relation_type_from_string (NULL), ==, KZ_RELATION_UNKNOWN);
}

static void
test_relation_inverse (void)
{
  g_assert_cmpint (kz_relation_type_inverse (KZ_RELATION_PREQUEL), ==, KZ_RELATION_SEQUEL);
  g_assert_cmpint (kz_relation_type_inverse (KZ_RELATION_SEQUEL), ==, KZ_RELATION_PREQUEL);
  g_assert_cmpint (kz_relation_type_inverse (KZ_RELATION_SOURCE), ==, KZ_RELATION_ADAPTATION);
  g_assert_cmpint (kz_relation_type_inverse (KZ_RELATION_SIDE_STORY), ==, KZ_RELATION_UNKNOWN);
  g_assert_cmpuint (kz_relation_type_get_rank (KZ_RELATION_PREQUEL), <, kz_relation_type_get_rank (KZ_RELATION_SEQUEL));
  g_assert_cmpuint (kz_relation_type_get_rank (KZ_RELATION_SEQUEL), <, kz_relation_type_get_rank (KZ_RELATION_SIDE_STORY));
}

static void
test_mask_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  KzRelationMask mask;

  mask = kz_relation_mask_parse ("sequel, PREQUEL,Side Story", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mask, ==, KZ_RELATION_MASK (KZ_RELATION_SEQUEL) |
                              KZ_RELATION_MASK (KZ_RELATION_PREQUEL) |
                              KZ_RELATION_MASK (KZ_RELATION_SIDE_STORY));
  text = kz_relation_mask_to_string (mask);
  g_assert_cmpstr (text, ==, "PREQUEL,SEQUEL,SIDE_STORY");

  g_assert_cmpuint (kz_relation_mask_parse ("default", NULL), ==, KZ_RELATION_MASK_DEFAULT);
  g_assert_false (KZ_RELATION_MASK_DEFAULT & KZ_RELATION_MASK (KZ_RELATION_CHARACTER));
  g_assert_false (KZ_RELATION_MASK_DEFAULT & KZ_RELATION_MASK (KZ_RELATION_OTHER));

  mask = kz_relation_mask_parse ("SEQUEL,BOGUS", &error);
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_cmpuint (mask, ==, 0);
  g_assert_nonnull (strstr (error->message, "BOGUS"));
  g_clear_error (&error);

  g_assert_cmpuint (kz_relation_mask_parse (" , ", &error), ==, 0);
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

static void
test_other_enums (void)
{
  g_assert_cmpint (kz_format_from_string ("TV_SHORT"), ==, KZ_FORMAT_TV_SHORT);
  g_assert_cmpint (kz_format_from_string ("ONE_SHOT"), ==, KZ_FORMAT_ONE_SHOT);
  g_assert_cmpint (kz_format_from_string ("VHS"), ==, KZ_FORMAT_UNKNOWN);
  g_assert_cmpstr (kz_format_to_string (KZ_FORMAT_MOVIE), ==, "MOVIE");
  g_assert_cmpstr (kz_format_to_label (KZ_FORMAT_TV_SHORT), ==, "TV Short");
  g_assert_cmpstr (kz_format_to_string (99), ==, "UNKNOWN");
  g_assert_cmpint (kz_status_from_string ("NOT_YET_RELEASED"), ==, KZ_STATUS_NOT_YET_RELEASED);
  g_assert_cmpint (kz_season_from_string ("fall"), ==, KZ_SEASON_FALL);
  g_assert_cmpint (kz_media_type_from_string ("MANGA"), ==, KZ_MEDIA_TYPE_MANGA);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/enums/relation-round-trip", test_relation_round_trip);
  g_test_add_func ("/kz/enums/relation-spellings", test_relation_spellings);
  g_test_add_func ("/kz/enums/relation-inverse", test_relation_inverse);
  g_test_add_func ("/kz/enums/mask-parse", test_mask_parse);
  g_test_add_func ("/kz/enums/others", test_other_enums);

  return g_test_run ();
}
