/* test-ingest.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kz-anilist-parser.h"
#include "kz-entry-private.h"
#include "kz-ingest.h"

static KzEntry *
add_entry (GPtrArray *entries,
           gint64     id)
{
  KzEntry *entry = _kz_entry_new (id, KZ_ENTRY_DETAIL_FULL);

  g_ptr_array_add (entries, entry);
  return entry;
}

static KzEntry *
add_edge (KzEntry        *entry,
          KzRelationType  type,
          const char     *raw_type,
          gint64          target_id)
{
  g_autoptr(KzEntry) stub = _kz_entry_new (target_id, KZ_ENTRY_DETAIL_STUB);

  _kz_entry_add_relation (entry, type, raw_type, stub);
  return stub;
}

static GPtrArray *
new_batch (void)
{
  return g_ptr_array_new_with_free_func (g_object_unref);
}

static int
current_year (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_get_year (now);
}

static void
assert_date (KzDate date,
             int    year,
             int    month,
             int    day)
{
  g_assert_cmpint (date.year, ==, year);
  g_assert_cmpint (date.month, ==, month);
  g_assert_cmpint (date.day, ==, day);
}

static void
assert_report_empty_but (const KzIngestReport *report,
                         guint                 entries_in)
{
  g_assert_cmpuint (report->entries_in, ==, entries_in);
  g_assert_cmpuint (report->entries_dropped, ==, 0);
  g_assert_cmpuint (report->years_fixed, ==, 0);
  g_assert_cmpuint (report->counts_fixed, ==, 0);
  g_assert_cmpuint (report->self_loops_removed, ==, 0);
  g_assert_cmpuint (report->duplicate_edges_merged, ==, 0);
  g_assert_cmpuint (report->reverse_edges_added, ==, 0);
  g_assert_cmpuint (report->descriptions_cleaned, ==, 0);
}

static void
test_ingest_drop_ids (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  KzEntry *first;

  first = add_entry (entries, 5);
  first->title_romaji = g_strdup ("First");
  add_entry (entries, 0);
  add_entry (entries, -1);
  add_entry (entries, 5)->title_romaji = g_strdup ("Second");
  add_entry (entries, 7);
  add_entry (entries, 7);

  kz_ingest_normalise (entries, &report);

  g_assert_cmpuint (report.entries_in, ==, 6);
  g_assert_cmpuint (report.entries_dropped, ==, 4);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_true (g_ptr_array_index (entries, 0) == first);
  g_assert_cmpstr (kz_entry_get_title_romaji (first), ==, "First");
  g_assert_cmpint (kz_entry_get_id (g_ptr_array_index (entries, 1)), ==, 7);
}

static void
test_ingest_years (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  int last_year = current_year () + 10;
  KzEntry *a = add_entry (entries, 1);
  KzEntry *b = add_entry (entries, 2);
  KzEntry *c = add_entry (entries, 3);

  a->start_date = (KzDate) { 1850, 4, 7 };      /* year: all cleared */
  a->end_date = (KzDate) { 2013, 13, 5 };       /* month: month and day */
  a->season_year = 3000;

  b->start_date = (KzDate) { 2013, 2, 45 };     /* day only */
  b->end_date = (KzDate) { last_year, 12, 31 }; /* the last year allowed */
  b->season_year = last_year + 1;

  c->start_date = (KzDate) { 0, 5, 0 };         /* partly known: kept */
  c->end_date = (KzDate) { 1900, -3, 1 };
  c->season_year = 1900;

  kz_ingest_normalise (entries, &report);

  assert_date (a->start_date, 0, 0, 0);
  assert_date (a->end_date, 2013, 0, 0);
  g_assert_cmpint (a->season_year, ==, 0);
  assert_date (b->start_date, 2013, 2, 0);
  assert_date (b->end_date, last_year, 12, 31);
  g_assert_cmpint (b->season_year, ==, 0);
  assert_date (c->start_date, 0, 5, 0);
  assert_date (c->end_date, 1900, 0, 0);
  g_assert_cmpint (c->season_year, ==, 1900);

  g_assert_cmpuint (report.years_fixed, ==, 6);
  g_assert_cmpuint (report.counts_fixed, ==, 0);
  g_assert_cmpuint (report.entries_dropped, ==, 0);
}

static void
test_ingest_counts (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  KzEntry *bad = add_entry (entries, 1);
  KzEntry *edge = add_entry (entries, 2);
  KzEntry *high = add_entry (entries, 3);
  KzEntry *stub;

  bad->episodes = -1;
  bad->duration = 1001;
  bad->average_score = 101;

  edge->episodes = 10000;
  edge->duration = 1000;
  edge->average_score = 100;
  /* Relation stubs are checked too. */
  stub = add_edge (edge, KZ_RELATION_SIDE_STORY, NULL, 40);
  stub->episodes = -4;
  stub->start_date = (KzDate) { 1066, 10, 14 };

  high->episodes = 10001;
  high->duration = 24;
  high->average_score = -5;

  kz_ingest_normalise (entries, &report);

  g_assert_cmpint (bad->episodes, ==, 0);
  g_assert_cmpint (bad->duration, ==, 0);
  g_assert_cmpint (bad->average_score, ==, 0);
  g_assert_cmpint (edge->episodes, ==, 10000);
  g_assert_cmpint (edge->duration, ==, 1000);
  g_assert_cmpint (edge->average_score, ==, 100);
  g_assert_cmpint (stub->episodes, ==, 0);
  assert_date (stub->start_date, 0, 0, 0);
  g_assert_cmpint (high->episodes, ==, 0);
  g_assert_cmpint (high->duration, ==, 24);
  g_assert_cmpint (high->average_score, ==, 0);

  g_assert_cmpuint (report.counts_fixed, ==, 6);
  g_assert_cmpuint (report.years_fixed, ==, 1);
}

static void
test_ingest_self_loops (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  KzEntry *entry = add_entry (entries, 1);
  const KzRelation *relations;
  guint n = 0;

  add_edge (entry, KZ_RELATION_SEQUEL, NULL, 1);
  add_edge (entry, KZ_RELATION_SEQUEL, NULL, 2);
  add_edge (entry, KZ_RELATION_SIDE_STORY, NULL, 1);

  kz_ingest_normalise (entries, &report);

  relations = kz_entry_get_relations (entry, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_SEQUEL);
  g_assert_cmpint (kz_entry_get_id (relations[0].target), ==, 2);
  g_assert_cmpuint (report.self_loops_removed, ==, 2);
  g_assert_cmpuint (report.duplicate_edges_merged, ==, 0);
}

static void
test_ingest_duplicate_edges (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  KzEntry *entry = add_entry (entries, 1);
  KzEntry *first_stub;
  const KzRelation *relations;
  guint n = 0;

  first_stub = add_edge (entry, KZ_RELATION_SEQUEL, NULL, 2);
  add_edge (entry, KZ_RELATION_SEQUEL, NULL, 2);
  add_edge (entry, KZ_RELATION_SIDE_STORY, NULL, 2);
  add_edge (entry, KZ_RELATION_UNKNOWN, "FUTURE_A", 3);
  add_edge (entry, KZ_RELATION_UNKNOWN, "FUTURE_B", 3);
  add_edge (entry, KZ_RELATION_UNKNOWN, "FUTURE_A", 3);
  add_edge (entry, KZ_RELATION_SEQUEL, NULL, 2);

  kz_ingest_normalise (entries, &report);

  relations = kz_entry_get_relations (entry, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (relations[0].type, ==, KZ_RELATION_SEQUEL);
  g_assert_true (relations[0].target == first_stub);
  g_assert_cmpint (relations[1].type, ==, KZ_RELATION_SIDE_STORY);
  g_assert_cmpstr (relations[2].raw_type, ==, "FUTURE_A");
  g_assert_cmpstr (relations[3].raw_type, ==, "FUTURE_B");
  g_assert_cmpuint (report.duplicate_edges_merged, ==, 3);
  g_assert_cmpuint (report.self_loops_removed, ==, 0);
}

static void
test_ingest_descriptions (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  KzEntry *html = add_entry (entries, 1);
  KzEntry *plain = add_entry (entries, 2);
  KzEntry *none = add_entry (entries, 3);
  KzEntry *spaced = add_entry (entries, 4);

  html->description = g_strdup ("First line.<br><br>\n<i>(Source: AniList)</i> &amp; more");
  plain->description = g_strdup ("Plain text.\n\nSecond paragraph.");
  spaced->description = g_strdup ("  padded  ");

  kz_ingest_normalise (entries, &report);

  g_assert_cmpstr (html->description, ==, "First line.\n\n(Source: AniList) & more");
  g_assert_cmpstr (plain->description, ==, "Plain text.\n\nSecond paragraph.");
  g_assert_null (none->description);
  g_assert_cmpstr (spaced->description, ==, "padded");
  g_assert_cmpuint (report.descriptions_cleaned, ==, 2);
}

static KzEntry *
find_target (KzEntry        *entry,
             KzRelationType  type,
             gint64          target_id)
{
  guint n = 0;
  const KzRelation *relations = kz_entry_get_relations (entry, &n);
  KzEntry *found = NULL;

  for (guint i = 0; i < n; i++)
    if (relations[i].type == type && kz_entry_get_id (relations[i].target) == target_id)
      {
        g_assert_null (found);
        found = relations[i].target;
      }

  return found;
}

static guint
count_relations (KzEntry *entry)
{
  guint n = 0;

  kz_entry_get_relations (entry, &n);
  return n;
}

static void
test_ingest_reverse_edges (void)
{
  g_autoptr(GPtrArray) entries = new_batch ();
  KzIngestReport report = { 0 };
  KzIngestReport again = { 0 };
  KzEntry *one = add_entry (entries, 1);
  KzEntry *two = add_entry (entries, 2);
  KzEntry *three = add_entry (entries, 3);
  KzEntry *four = add_entry (entries, 4);
  KzEntry *five = add_entry (entries, 5);
  KzEntry *seven = add_entry (entries, 7);
  KzEntry *eight = add_entry (entries, 8);
  KzEntry *stub;

  one->title_romaji = g_strdup ("Part Two");
  one->format = KZ_FORMAT_TV;
  one->start_date = (KzDate) { 2017, 4, 1 };
  one->description = g_strdup ("Not copied to stubs.");

  /* 2 is the prequel of 1, but 2 does not say 1 is its sequel. */
  add_edge (one, KZ_RELATION_PREQUEL, NULL, 2);
  /* Both sides present: nothing to add. */
  add_edge (three, KZ_RELATION_SEQUEL, NULL, 4);
  add_edge (four, KZ_RELATION_PREQUEL, NULL, 3);
  /* 6 is not in the batch. */
  add_edge (five, KZ_RELATION_SEQUEL, NULL, 6);
  /* 8 knows 7 only as a side story. */
  add_edge (seven, KZ_RELATION_SEQUEL, NULL, 8);
  add_edge (eight, KZ_RELATION_SIDE_STORY, NULL, 7);

  kz_ingest_normalise (entries, &report);

  g_assert_cmpuint (report.reverse_edges_added, ==, 2);

  stub = find_target (two, KZ_RELATION_SEQUEL, 1);
  g_assert_nonnull (stub);
  g_assert_true (stub != one);
  g_assert_cmpint (kz_entry_get_detail (stub), ==, KZ_ENTRY_DETAIL_STUB);
  g_assert_cmpstr (kz_entry_get_title_romaji (stub), ==, "Part Two");
  g_assert_cmpint (kz_entry_get_format (stub), ==, KZ_FORMAT_TV);
  assert_date (kz_entry_get_start_date (stub), 2017, 4, 1);
  g_assert_null (kz_entry_get_description (stub));
  g_assert_cmpuint (count_relations (two), ==, 1);

  g_assert_cmpuint (count_relations (three), ==, 1);
  g_assert_cmpuint (count_relations (four), ==, 1);
  g_assert_cmpuint (count_relations (five), ==, 1);

  g_assert_nonnull (find_target (eight, KZ_RELATION_PREQUEL, 7));
  g_assert_nonnull (find_target (eight, KZ_RELATION_SIDE_STORY, 7));
  g_assert_cmpuint (count_relations (eight), ==, 2);
  g_assert_cmpuint (count_relations (seven), ==, 1);

  /* A second pass finds nothing left to do. */
  kz_ingest_normalise (entries, &again);
  assert_report_empty_but (&again, 7);
}

static void
test_ingest_report_add (void)
{
  KzIngestReport total = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const KzIngestReport part = { 10, 20, 30, 40, 50, 60, 70, 80 };

  kz_ingest_report_add (&total, &part);

  g_assert_cmpuint (total.entries_in, ==, 11);
  g_assert_cmpuint (total.entries_dropped, ==, 22);
  g_assert_cmpuint (total.years_fixed, ==, 33);
  g_assert_cmpuint (total.counts_fixed, ==, 44);
  g_assert_cmpuint (total.self_loops_removed, ==, 55);
  g_assert_cmpuint (total.duplicate_edges_merged, ==, 66);
  g_assert_cmpuint (total.reverse_edges_added, ==, 77);
  g_assert_cmpuint (total.descriptions_cleaned, ==, 88);
}

static void
test_ingest_accumulates (void)
{
  g_autoptr(GPtrArray) first = new_batch ();
  g_autoptr(GPtrArray) second = new_batch ();
  g_autoptr(GPtrArray) empty = new_batch ();
  KzIngestReport report = { 0 };

  add_entry (first, 1)->episodes = -1;
  add_entry (second, 1)->episodes = -1;
  add_entry (second, 0);

  kz_ingest_normalise (first, &report);
  kz_ingest_normalise (second, &report);
  kz_ingest_normalise (empty, &report);
  /* No report wanted. */
  kz_ingest_normalise (first, NULL);

  g_assert_cmpuint (report.entries_in, ==, 3);
  g_assert_cmpuint (report.entries_dropped, ==, 1);
  g_assert_cmpuint (report.counts_fixed, ==, 2);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpuint (second->len, ==, 1);
}

/* What the parser makes of a real page goes through unchanged apart
 * from the descriptions. */
static void
test_ingest_parsed_page (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "anilist", "page-three.json", NULL);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KzIngestReport report = { 0 };
  gsize length = 0;

  g_file_get_contents (path, &body, &length, &error);
  g_assert_no_error (error);
  entries = kz_anilist_parse_response (200, body, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);

  kz_ingest_normalise (entries, &report);

  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpuint (report.entries_in, ==, 3);
  g_assert_cmpuint (report.descriptions_cleaned, ==, 2);
  g_assert_cmpuint (report.reverse_edges_added, ==, 0);
  g_assert_cmpuint (report.years_fixed + report.counts_fixed + report.entries_dropped +
                    report.self_loops_removed + report.duplicate_edges_merged, ==, 0);
  g_assert_cmpstr (kz_entry_get_description (g_ptr_array_index (entries, 0)), ==,
                   "Several hundred years ago, humans were nearly exterminated by titans.\n\n"
                   "(Source: AniList)");
  g_assert_cmpstr (kz_entry_get_description (g_ptr_array_index (entries, 1)), ==,
                   "The second season & more.");
  g_assert_null (kz_entry_get_description (g_ptr_array_index (entries, 2)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/ingest/drop-ids", test_ingest_drop_ids);
  g_test_add_func ("/kz/ingest/years", test_ingest_years);
  g_test_add_func ("/kz/ingest/counts", test_ingest_counts);
  g_test_add_func ("/kz/ingest/self-loops", test_ingest_self_loops);
  g_test_add_func ("/kz/ingest/duplicate-edges", test_ingest_duplicate_edges);
  g_test_add_func ("/kz/ingest/descriptions", test_ingest_descriptions);
  g_test_add_func ("/kz/ingest/reverse-edges", test_ingest_reverse_edges);
  g_test_add_func ("/kz/ingest/report-add", test_ingest_report_add);
  g_test_add_func ("/kz/ingest/accumulates", test_ingest_accumulates);
  g_test_add_func ("/kz/ingest/parsed-page", test_ingest_parsed_page);

  return g_test_run ();
}
