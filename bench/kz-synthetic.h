/* kz-synthetic.h: a seeded library of made-up franchises for benchmarks
 *
 * Everything it makes is synthetic and must be labelled so wherever it
 * is reported. The same seed and sizes give the same library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-entry.h"

G_BEGIN_DECLS

#define KZ_SYNTHETIC_DEFAULT_SEED 20260501u

typedef struct {
  guint32 seed;
  guint   n_entries;     /* full anime entries */
  guint   n_relations;   /* directed relation edges to aim for */
} KzSyntheticOptions;

typedef struct {
  GPtrArray *entries;            /* full KzEntry, grouped by franchise */
  guint      n_relations;        /* directed edges, both ends counted */
  guint      n_franchises;
  guint      n_standalone;       /* franchises of one entry */
  guint      largest_franchise;  /* entries */
  guint      longest_chain;      /* seasons in one sequel line */
  guint      n_cycles;           /* sequel lines that loop back */
  guint      n_crossovers;       /* CHARACTER/OTHER edges between franchises */
  guint      n_adult;            /* adult entries */
} KzSyntheticLibrary;

KzSyntheticLibrary *kz_synthetic_library_generate (const KzSyntheticOptions *options);
void                kz_synthetic_library_free     (KzSyntheticLibrary       *library);

/* The first @length letters (lower case) of a word of some title, as a
 * person starts typing it. */
char               *kz_synthetic_library_pick_prefix (KzSyntheticLibrary *library,
                                                      GRand              *rand,
                                                      guint               length);

/* A whole word of at least @min_length letters from some title. */
char               *kz_synthetic_library_pick_word   (KzSyntheticLibrary *library,
                                                      GRand              *rand,
                                                      guint               min_length);

/* A deep copy, with a stub of its own for every relation target, as
 * the parser builds an entry from a response. */
KzEntry            *kz_synthetic_copy_entry          (KzEntry            *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KzSyntheticLibrary, kz_synthetic_library_free)

G_END_DECLS
