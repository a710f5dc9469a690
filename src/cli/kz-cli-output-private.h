/* kz-cli-output-private.h: pieces the text, JSON and dot views share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-cli-output.h"

G_BEGIN_DECLS

/* One relation of an entry, as the relations views list it */
typedef struct {
  KzRelationType  type;
  const char     *raw_type;
  KzEntry        *target;   /* the full node when known, else the stub */
} KzCliRelationRow;

/* "(TV, 2013)", "(TV)" or "(2013)" after separator; nothing when
 * neither is known. */
void     _kz_cli_append_format_year  (GString             *out,
                                      const char          *separator,
                                      KzEntry             *entry);
/* The values joined with ", " for one line, or NULL when there are none */
char    *_kz_cli_join_line           (const char * const  *values);
char    *_kz_cli_description_to_text (const char          *description);

/* The entry relations are shown for: the graph's root when there is one */
KzEntry *_kz_cli_relations_subject   (KzEntry             *entry,
                                      KzFranchiseGraph    *graph);
/* KzCliRelationRow items, story line first */
GArray  *_kz_cli_collect_relations   (KzEntry             *entry,
                                      KzFranchiseGraph    *graph);
/* The root's title made safe, or "" */
char    *_kz_cli_dup_root_title      (KzFranchiseGraph    *graph,
                                      KzTitleLanguage      language);

G_END_DECLS
