/* kz-library-sorter.h: the library's arrays, sorted and let go of off
 * the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kz-entry.h"

G_BEGIN_DECLS

/* Sorts @entries by their title in @language on a worker thread. With
 * the arrays of an earlier sort as @old_entries and @old_ids (or NULL),
 * a title that did not change keeps the object it had there, and so the
 * row made for it. The arrays are referenced and must not change. */
void      kz_library_sorter_sort_async  (GPtrArray            *entries,
                                         KzTitleLanguage       language,
                                         GPtrArray            *old_entries,
                                         GArray               *old_ids,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* @entries: (out) (transfer full): the titles, by title
 * @ids: (out) (transfer full): the same titles by id, pointing into
 * @entries, for kz_library_sorter_find_by_id() */
gboolean  kz_library_sorter_sort_finish (GAsyncResult         *result,
                                         GPtrArray           **entries,
                                         GArray              **ids,
                                         GError              **error);

/* The title with @id in @ids (NULL: none), or NULL. */
KzEntry  *kz_library_sorter_find_by_id  (GArray               *ids,
                                         gint64                id);

/* Drops a reference on @entries and on @ids, on a worker thread when
 * they are large. Either may be NULL. */
void      kz_library_sorter_release     (GPtrArray            *entries,
                                         GArray               *ids);

G_END_DECLS
