/* kz-ingest.h: data-quality checks between a provider and the library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint entries_in;
  guint entries_dropped;        /* no usable id, or a duplicate */
  guint years_fixed;            /* impossible years and dates cleared */
  guint counts_fixed;           /* negative or absurd episodes, durations, scores */
  guint self_loops_removed;
  guint duplicate_edges_merged;
  guint reverse_edges_added;    /* PREQUEL without its SEQUEL, and back */
  guint descriptions_cleaned;   /* HTML turned into plain text */
} KzIngestReport;

/* Fixes the (not yet shared) entries in place and removes the unusable
 * ones from the array. The report is added to, not reset. */
void kz_ingest_normalise (GPtrArray      *entries,
                          KzIngestReport *report);
void kz_ingest_report_add (KzIngestReport       *total,
                           const KzIngestReport *part);

G_END_DECLS
