/* fuzz-anilist-response.c: whatever AniList sends, through the parser
 * and the data-quality checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-anilist-parser.h"
#include "kz-ingest.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  /* The first byte picks the HTTP status, so error paths get fuzzed too. */
  static const guint statuses[] = { 200, 200, 200, 400, 403, 404, 429, 500, 503 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KzIngestReport report = { 0 };
  guint status;

  if (size == 0)
    return 0;

  status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  entries = kz_anilist_parse_response (status, (const char *)data + 1, size - 1, &error);

  g_assert ((entries == NULL) == (error != NULL));
  if (entries != NULL)
    {
      kz_ingest_normalise (entries, &report);
      for (guint i = 0; i < entries->len; i++)
        {
          KzEntry *entry = g_ptr_array_index (entries, i);
          const char *description = kz_entry_get_description (entry);

          g_assert (kz_entry_get_id (entry) > 0);
          g_assert (g_utf8_validate (kz_entry_get_title (entry, KZ_TITLE_LANGUAGE_ROMAJI), -1, NULL));
          g_assert (description == NULL || g_utf8_validate (description, -1, NULL));
        }
    }

  return 0;
}
