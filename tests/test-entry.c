/* test-entry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-entry-private.h"

static void
test_title_fallback (void)
{
  g_autoptr(KzEntry) entry = _kz_entry_new (1, KZ_ENTRY_DETAIL_FULL);
  g_autoptr(KzEntry) empty = _kz_entry_new (2, KZ_ENTRY_DETAIL_FULL);

  entry->title_romaji = g_strdup ("Shingeki no Kyojin");
  entry->title_native = g_strdup ("進撃の巨人");

  g_assert_cmpstr (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_NATIVE), ==, "進撃の巨人");
  /* no English title: romaji comes next */
  g_assert_cmpstr (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ENGLISH), ==, "Shingeki no Kyojin");

  entry->title_english = g_strdup ("");
  g_assert_cmpstr (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ENGLISH), ==, "Shingeki no Kyojin");

  g_assert_cmpstr (kz_entry_get_title (empty, KZ_TITLE_LANGUAGE_ROMAJI), ==, "");
}

static void
test_relations_and_stub (void)
{
  g_autoptr(KzEntry) entry = _kz_entry_new (10, KZ_ENTRY_DETAIL_FULL);
  g_autoptr(KzEntry) sequel = _kz_entry_new (11, KZ_ENTRY_DETAIL_FULL);
  g_autoptr(KzEntry) stub = NULL;
  const KzRelation *relations;
  guint n = 99;

  g_assert_null (kz_entry_get_relations (entry, &n));
  g_assert_cmpuint (n, ==, 0);

  sequel->title_romaji = g_strdup ("Two");
  sequel->description = g_strdup ("long text");
  sequel->format = KZ_FORMAT_MOVIE;
  sequel->start_date = (KzDate) { 2013, 4, 7 };
  stub = _kz_entry_copy_as_stub (sequel);
  g_assert_cmpint (kz_entry_get_detail (stub), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpstr (kz_entry_get_title_romaji (stub), ==, "Two");
  g_assert_null (kz_entry_get_description (stub));
  g_assert_cmpint (kz_entry_get_format (stub), ==, KZ_FORMAT_MOVIE);
  g_assert_cmpint (kz_entry_get_year (stub), ==, 2013);

  _kz_entry_add_relation (entry, KZ_RELATION_SEQUEL, NULL, stub);
  _kz_entry_add_relation (entry, KZ_RELATION_UNKNOWN, "FUTURE_KIND", stub);
  relations = kz_entry_get_relations (entry, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_SEQUEL);
  g_assert_cmpstr (relations[0].raw_type, ==, "SEQUEL");
  g_assert_true (relations[0].target == stub);
  g_assert_cmpstr (relations[1].raw_type, ==, "FUTURE_KIND");

  g_assert_cmpuint (kz_entry_get_approx_size (entry), >, sizeof (KzEntry));

  _kz_entry_remove_relation (entry, 0);
  relations = kz_entry_get_relations (entry, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (relations[0].raw_type, ==, "FUTURE_KIND");
}

static void
test_release_order (void)
{
  KzDate a = { 2013, 4, 7 };
  KzDate b = { 2013, 4, 0 };
  KzDate c = { 0, 0, 0 };
  KzDate d = { 2009, 10, 3 };
  g_autoptr(KzEntry) known = _kz_entry_new (5, KZ_ENTRY_DETAIL_FULL);
  g_autoptr(KzEntry) season_only = _kz_entry_new (4, KZ_ENTRY_DETAIL_FULL);

  g_assert_cmpint (kz_date_compare (&a, &a), ==, 0);
  g_assert_cmpint (kz_date_compare (&d, &a), <, 0);
  g_assert_cmpint (kz_date_compare (&a, &b), <, 0);   /* unknown day sorts later */
  g_assert_cmpint (kz_date_compare (&c, &d), >, 0);

  known->start_date = (KzDate) { 2012, 1, 1 };
  season_only->season_year = 2011;
  g_assert_cmpint (kz_entry_compare_release (season_only, known), <, 0);
  g_assert_cmpint (kz_entry_get_year (season_only), ==, 2011);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/entry/title-fallback", test_title_fallback);
  g_test_add_func ("/kz/entry/relations-and-stub", test_relations_and_stub);
  g_test_add_func ("/kz/entry/release-order", test_release_order);

  return g_test_run ();
}
