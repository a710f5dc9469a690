/* kz-library-sorter.c
 *
 * The library is read and sorted off the main thread, which then only
 * filters it and shows it; large arrays are let go of there too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-sidebar"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kz-library-sorter.h"

/* Arrays this long are let go on a worker thread: freeing 50,000
 * titles takes longer than a frame. */
#define RELEASE_IN_THREAD_MIN 1000

typedef struct {
  gint64   id;
  KzEntry *entry;  /* owned by the library array */
} IdEntry;

/* Letting go of large arrays */

typedef struct {
  GArray    *ids;
  GPtrArray *entries;
} Released;

static void
release_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Released *released = task_data;

  /* The id array points into the entries: it goes first. The entries
   * may hold the last references to their titles. */
  g_clear_pointer (&released->ids, g_array_unref);
  g_clear_pointer (&released->entries, g_ptr_array_unref);
  g_free (released);

  g_task_return_boolean (task, TRUE);
}

void
kz_library_sorter_release (GPtrArray *entries,
                           GArray    *ids)
{
  g_autoptr(GTask) task = NULL;
  Released *released;

  if ((entries == NULL || entries->len < RELEASE_IN_THREAD_MIN) &&
      (ids == NULL || ids->len < RELEASE_IN_THREAD_MIN))
    {
      g_clear_pointer (&ids, g_array_unref);
      g_clear_pointer (&entries, g_ptr_array_unref);
      return;
    }

  released = g_new (Released, 1);
  released->ids = ids;
  released->entries = entries;

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, kz_library_sorter_release);
  g_task_set_task_data (task, released, NULL);
  g_task_run_in_thread (task, release_thread);
}

/* Finding a title by id */

static int
compare_id_entries (gconstpointer a,
                    gconstpointer b)
{
  gint64 id_a = ((const IdEntry *)a)->id;
  gint64 id_b = ((const IdEntry *)b)->id;

  return id_a < id_b ? -1 : id_a > id_b;
}

KzEntry *
kz_library_sorter_find_by_id (GArray *ids,
                              gint64  id)
{
  IdEntry key = { id, NULL };
  IdEntry *found;

  if (ids == NULL)
    return NULL;

  found = bsearch (&key, ids->data, ids->len, sizeof (IdEntry), compare_id_entries);
  return found != NULL ? found->entry : NULL;
}

/* Sorting */

typedef struct {
  GPtrArray       *entries;      /* as listed */
  KzTitleLanguage  language;
  GPtrArray       *old_entries;  /* the library shown until now, or NULL */
  GArray          *old_ids;
} SortData;

typedef struct {
  GPtrArray *entries;  /* by title */
  GArray    *ids;      /* IdEntry, by id */
} SortedLibrary;

typedef struct {
  char    *key;
  KzEntry *entry;
} SortItem;

static void
sort_data_free (gpointer data)
{
  SortData *sort = data;

  g_clear_pointer (&sort->old_ids, g_array_unref);
  g_clear_pointer (&sort->old_entries, g_ptr_array_unref);
  g_clear_pointer (&sort->entries, g_ptr_array_unref);
  g_free (sort);
}

static void
sorted_library_free (gpointer data)
{
  SortedLibrary *sorted = data;

  g_clear_pointer (&sorted->ids, g_array_unref);
  g_clear_pointer (&sorted->entries, g_ptr_array_unref);
  g_free (sorted);
}

static int
compare_sort_items (const void *a,
                    const void *b)
{
  const SortItem *item_a = a;
  const SortItem *item_b = b;
  int result = strcmp (item_a->key, item_b->key);

  if (result != 0)
    return result;

  return kz_entry_get_id (item_a->entry) < kz_entry_get_id (item_b->entry) ? -1 : 1;
}

/* Whether a row made for @a would show @b the same. */
static gboolean
same_in_rows (KzEntry *a,
              KzEntry *b)
{
  return kz_entry_get_updated_at (a) == kz_entry_get_updated_at (b) &&
         kz_entry_get_detail (a) == kz_entry_get_detail (b) &&
         kz_entry_get_is_adult (a) == kz_entry_get_is_adult (b) &&
         kz_entry_get_format (a) == kz_entry_get_format (b) &&
         kz_entry_get_year (a) == kz_entry_get_year (b) &&
         g_strcmp0 (kz_entry_get_age_rating (a), kz_entry_get_age_rating (b)) == 0 &&
         g_strcmp0 (kz_entry_get_title_romaji (a), kz_entry_get_title_romaji (b)) == 0 &&
         g_strcmp0 (kz_entry_get_title_english (a), kz_entry_get_title_english (b)) == 0 &&
         g_strcmp0 (kz_entry_get_title_native (a), kz_entry_get_title_native (b)) == 0 &&
         g_strcmp0 (kz_entry_get_cover_url (a, KZ_COVER_SIZE_MEDIUM),
                    kz_entry_get_cover_url (b, KZ_COVER_SIZE_MEDIUM)) == 0 &&
         g_strcmp0 (kz_entry_get_cover_url (a, KZ_COVER_SIZE_LARGE),
                    kz_entry_get_cover_url (b, KZ_COVER_SIZE_LARGE)) == 0 &&
         g_strcmp0 (kz_entry_get_cover_color (a), kz_entry_get_cover_color (b)) == 0;
}

static void
sort_library_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  SortData *sort = task_data;
  guint n = sort->entries->len;
  g_autofree SortItem *items = g_new (SortItem, MAX (n, 1));
  SortedLibrary *sorted;

  for (guint i = 0; i < n; i++)
    {
      KzEntry *entry = g_ptr_array_index (sort->entries, i);
      KzEntry *old = kz_library_sorter_find_by_id (sort->old_ids, kz_entry_get_id (entry));
      g_autofree char *folded = NULL;
      const char *title;

      /* A title that did not change keeps its object, and so its row. */
      if (old != NULL && same_in_rows (old, entry))
        entry = old;

      title = kz_entry_get_title (entry, sort->language);
      folded = g_utf8_casefold (title != NULL ? title : "", -1);

      items[i].key = g_utf8_collate_key (folded, -1);
      items[i].entry = entry;
    }

  qsort (items, n, sizeof (SortItem), compare_sort_items);

  sorted = g_new0 (SortedLibrary, 1);
  sorted->entries = g_ptr_array_new_full (n, g_object_unref);
  sorted->ids = g_array_sized_new (FALSE, FALSE, sizeof (IdEntry), n);
  for (guint i = 0; i < n; i++)
    {
      IdEntry id_entry = { kz_entry_get_id (items[i].entry), items[i].entry };

      g_ptr_array_add (sorted->entries, g_object_ref (items[i].entry));
      g_array_append_val (sorted->ids, id_entry);
      g_free (items[i].key);
    }
  g_array_sort (sorted->ids, compare_id_entries);

  g_task_return_pointer (task, sorted, sorted_library_free);
}

void
kz_library_sorter_sort_async (GPtrArray           *entries,
                              KzTitleLanguage      language,
                              GPtrArray           *old_entries,
                              GArray              *old_ids,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SortData *sort;

  g_return_if_fail (entries != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  sort = g_new0 (SortData, 1);
  sort->entries = g_ptr_array_ref (entries);
  sort->language = language;
  if (old_entries != NULL && old_ids != NULL)
    {
      sort->old_entries = g_ptr_array_ref (old_entries);
      sort->old_ids = g_array_ref (old_ids);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_library_sorter_sort_async);
  g_task_set_task_data (task, sort, sort_data_free);
  g_task_run_in_thread (task, sort_library_thread);
}

gboolean
kz_library_sorter_sort_finish (GAsyncResult  *result,
                               GPtrArray    **entries,
                               GArray       **ids,
                               GError       **error)
{
  SortData *sort;
  SortedLibrary *sorted;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_library_sorter_sort_async, FALSE);
  g_return_val_if_fail (entries != NULL && ids != NULL, FALSE);

  /* The task may hold the last references to the library it replaces,
   * and to the listed titles the old ones stand in for. */
  sort = g_task_get_task_data (G_TASK (result));
  kz_library_sorter_release (g_steal_pointer (&sort->old_entries), g_steal_pointer (&sort->old_ids));
  kz_library_sorter_release (g_steal_pointer (&sort->entries), NULL);

  sorted = g_task_propagate_pointer (G_TASK (result), error);
  if (sorted == NULL)
    return FALSE;

  *entries = g_steal_pointer (&sorted->entries);
  *ids = g_steal_pointer (&sorted->ids);
  sorted_library_free (sorted);

  return TRUE;
}
