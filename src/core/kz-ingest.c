/* kz-ingest.c
 *
 * Providers send what their users typed in: impossible dates, negative
 * episode counts, edges to the entry itself, PREQUEL without the
 * matching SEQUEL. Fixing that once here keeps every later step (graph
 * walks, sorting, display) simple.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-ingest"

#include "config.h"

#include <string.h>

#include "kz-ingest.h"
#include "kz-entry-private.h"
#include "kz-text.h"

#define FIRST_YEAR     1900
#define YEARS_AHEAD    10   /* announcements reach a few years out */
#define MAX_EPISODES   10000
#define MAX_DURATION   1000 /* minutes */
#define MAX_SCORE      100

/* TRUE when anything was cleared. A bad year takes its month and day
 * with it; a bad month takes its day. */
static gboolean
fix_date (KzDate *date,
          int     last_year)
{
  gboolean fixed = FALSE;

  if (date->year != 0 && (date->year < FIRST_YEAR || date->year > last_year))
    {
      *date = (KzDate) { 0, 0, 0 };
      return TRUE;
    }

  if (date->month != 0 && (date->month < 1 || date->month > 12))
    {
      date->month = 0;
      date->day = 0;
      fixed = TRUE;
    }

  if (date->day != 0 && (date->day < 1 || date->day > 31))
    {
      date->day = 0;
      fixed = TRUE;
    }

  return fixed;
}

static gboolean
fix_count (int *value,
           int  max)
{
  if (*value >= 0 && *value <= max)
    return FALSE;

  *value = 0;
  return TRUE;
}

/* Dates and counts, on full entries and on the stubs of their edges. */
static void
fix_values (KzEntry        *entry,
            int             last_year,
            KzIngestReport *report)
{
  if (fix_date (&entry->start_date, last_year))
    report->years_fixed++;
  if (fix_date (&entry->end_date, last_year))
    report->years_fixed++;
  if (entry->season_year != 0 &&
      (entry->season_year < FIRST_YEAR || entry->season_year > last_year))
    {
      entry->season_year = 0;
      report->years_fixed++;
    }

  if (fix_count (&entry->episodes, MAX_EPISODES))
    report->counts_fixed++;
  if (fix_count (&entry->duration, MAX_DURATION))
    report->counts_fixed++;
  if (fix_count (&entry->average_score, MAX_SCORE))
    report->counts_fixed++;
}

static void
clean_description (KzEntry        *entry,
                   KzIngestReport *report)
{
  g_autofree char *text = NULL;

  if (entry->description == NULL)
    return;

  text = kz_text_from_html (entry->description);
  if (strcmp (text, entry->description) == 0)
    return;

  g_free (entry->description);
  entry->description = g_steal_pointer (&text);
  report->descriptions_cleaned++;
}

/* Unknown types differ by their provider's word, so that two new kinds
 * of edge to one target are not taken for one. */
static gboolean
same_edge (const KzRelation *a,
           const KzRelation *b)
{
  return a->target->id == b->target->id &&
         a->type == b->type &&
         (a->type != KZ_RELATION_UNKNOWN || a->raw_type == b->raw_type);
}

static void
fix_edges (KzEntry        *entry,
           KzIngestReport *report)
{
  guint i = 0;

  if (entry->relations == NULL)
    return;

  while (i < entry->relations->len)
    {
      const KzRelation *relation = &g_array_index (entry->relations, KzRelation, i);
      gboolean duplicate = FALSE;

      if (relation->target->id == entry->id)
        {
          _kz_entry_remove_relation (entry, i);
          report->self_loops_removed++;
          continue;
        }

      /* The first edge stays; later copies go. */
      for (guint j = 0; j < i && !duplicate; j++)
        duplicate = same_edge (&g_array_index (entry->relations, KzRelation, j), relation);

      if (duplicate)
        {
          _kz_entry_remove_relation (entry, i);
          report->duplicate_edges_merged++;
          continue;
        }

      i++;
    }
}

static gboolean
has_edge (KzEntry        *entry,
          KzRelationType  type,
          gint64          target_id)
{
  if (entry->relations == NULL)
    return FALSE;

  for (guint i = 0; i < entry->relations->len; i++)
    {
      const KzRelation *relation = &g_array_index (entry->relations, KzRelation, i);

      if (relation->type == type && relation->target->id == target_id)
        return TRUE;
    }

  return FALSE;
}

/* A PREQUEL edge A→B within the batch means B has A as its SEQUEL, and
 * the other way round; AniList sometimes records only one side. */
static void
add_reverse_edges (GPtrArray      *entries,
                   GHashTable     *by_id,
                   KzIngestReport *report)
{
  for (guint i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);
      guint n_relations;

      if (entry->relations == NULL)
        continue;

      /* Edges added below go to other entries, never to this one. */
      n_relations = entry->relations->len;
      for (guint j = 0; j < n_relations; j++)
        {
          const KzRelation *relation = &g_array_index (entry->relations, KzRelation, j);
          KzRelationType inverse;
          KzEntry *other;
          g_autoptr(KzEntry) stub = NULL;

          if (relation->type != KZ_RELATION_PREQUEL && relation->type != KZ_RELATION_SEQUEL)
            continue;

          other = g_hash_table_lookup (by_id, &relation->target->id);
          if (other == NULL || other == entry)
            continue;

          inverse = kz_relation_type_inverse (relation->type);
          if (has_edge (other, inverse, entry->id))
            continue;

          stub = _kz_entry_copy_as_stub (entry);
          _kz_entry_add_relation (other, inverse, NULL, stub);
          report->reverse_edges_added++;
        }
    }
}

static int
get_last_year (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_get_year (now) + YEARS_AHEAD;
}

void
kz_ingest_normalise (GPtrArray      *entries,
                     KzIngestReport *report)
{
  g_autoptr(GHashTable) by_id = NULL;
  KzIngestReport local = { 0 };
  int last_year;
  guint i = 0;

  g_return_if_fail (entries != NULL);

  if (report == NULL)
    report = &local;

  report->entries_in += entries->len;
  last_year = get_last_year ();
  by_id = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* Removing from the array drops the array's reference. */
  while (i < entries->len)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);

      if (!KZ_IS_ENTRY (entry) || entry->id <= 0 ||
          g_hash_table_contains (by_id, &entry->id))
        {
          if (KZ_IS_ENTRY (entry))
            g_debug ("Dropping %s entry %" G_GINT64_FORMAT,
                     entry->id <= 0 ? "an invalid" : "a second", entry->id);
          g_ptr_array_remove_index (entries, i);
          report->entries_dropped++;
          continue;
        }

      /* Keys point into the entries, which the array keeps alive. */
      g_hash_table_add (by_id, &entry->id);
      i++;
    }

  g_hash_table_remove_all (by_id);
  for (i = 0; i < entries->len; i++)
    {
      KzEntry *entry = g_ptr_array_index (entries, i);

      g_hash_table_insert (by_id, &entry->id, entry);

      fix_values (entry, last_year, report);
      clean_description (entry, report);
      fix_edges (entry, report);

      if (entry->relations != NULL)
        for (guint j = 0; j < entry->relations->len; j++)
          fix_values (g_array_index (entry->relations, KzRelation, j).target, last_year, report);
    }

  add_reverse_edges (entries, by_id, report);
}

void
kz_ingest_report_add (KzIngestReport       *total,
                      const KzIngestReport *part)
{
  g_return_if_fail (total != NULL);
  g_return_if_fail (part != NULL);

  total->entries_in += part->entries_in;
  total->entries_dropped += part->entries_dropped;
  total->years_fixed += part->years_fixed;
  total->counts_fixed += part->counts_fixed;
  total->self_loops_removed += part->self_loops_removed;
  total->duplicate_edges_merged += part->duplicate_edges_merged;
  total->reverse_edges_added += part->reverse_edges_added;
  total->descriptions_cleaned += part->descriptions_cleaned;
}
