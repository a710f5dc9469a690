/* kz-test-batch.h: the batches kz-test-writer saves and test-crash checks
 *
 * Batch K holds BATCH_SIZE full entries with consecutive ids from
 * batch_first_id (K), each with a sequel edge to the next one and an
 * edge to a stub of its own from batch_first_stub_id (K). Every write,
 * first import or refresh, has a revision number R of its own: all of
 * the batch's romaji titles read "batch K rev R", its fetch times are R,
 * and its stub edges are spin-offs when R is odd, side stories when even.
 * A franchise "batch-K" holds the batch's entries, saved just after the
 * import.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-entry-private.h"

#define BATCH_SIZE     200
#define BATCH_STRIDE   1000
#define BATCH_BASE_ID  G_GINT64_CONSTANT (10000000)
#define BATCH_STUB_GAP 500

static inline gint64
batch_first_id (guint batch)
{
  return BATCH_BASE_ID + (gint64) batch * BATCH_STRIDE;
}

static inline gint64
batch_first_stub_id (guint batch)
{
  return batch_first_id (batch) + BATCH_STUB_GAP;
}

static inline KzRelationType
batch_stub_relation (guint64 revision)
{
  return revision % 2 == 1 ? KZ_RELATION_SPIN_OFF : KZ_RELATION_SIDE_STORY;
}

static inline char *
batch_title (guint   batch,
             guint64 revision)
{
  return g_strdup_printf ("batch %u rev %" G_GUINT64_FORMAT, batch, revision);
}

static inline char *
batch_franchise_key (guint batch)
{
  return g_strdup_printf ("batch-%u", batch);
}

/* The entries of one write of a batch, in id order. */
static inline GPtrArray *
batch_build (guint   batch,
             guint64 revision)
{
  GPtrArray *entries = g_ptr_array_new_full (BATCH_SIZE, g_object_unref);
  g_autofree char *title = batch_title (batch, revision);

  for (guint i = 0; i < BATCH_SIZE; i++)
    {
      KzEntry *entry = _kz_entry_new (batch_first_id (batch) + i, KZ_ENTRY_DETAIL_FULL);
      g_autoptr(KzEntry) stub = _kz_entry_new (batch_first_stub_id (batch) + i, KZ_ENTRY_DETAIL_STUB);

      entry->title_romaji = g_strdup (title);
      entry->title_english = g_strdup_printf ("Entry %u of batch %u", i, batch);
      entry->media_type = KZ_MEDIA_TYPE_ANIME;
      entry->format = KZ_FORMAT_TV;
      entry->status = KZ_STATUS_FINISHED;
      entry->episodes = 12;
      entry->start_date = (KzDate) { 2000 + batch % 25, 1 + i % 12, 1 };
      entry->description = g_strdup_printf ("Revision %" G_GUINT64_FORMAT " of entry %u", revision, i);
      entry->updated_at = (gint64) revision;

      stub->title_romaji = g_strdup ("stub");
      stub->media_type = KZ_MEDIA_TYPE_ANIME;
      _kz_entry_add_relation (entry, batch_stub_relation (revision), NULL, stub);

      if (i + 1 < BATCH_SIZE)
        {
          g_autoptr(KzEntry) next = _kz_entry_new (batch_first_id (batch) + i + 1, KZ_ENTRY_DETAIL_STUB);

          next->media_type = KZ_MEDIA_TYPE_ANIME;
          _kz_entry_add_relation (entry, KZ_RELATION_SEQUEL, NULL, next);
        }

      g_ptr_array_add (entries, entry);
    }

  return entries;
}
