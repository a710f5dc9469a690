/* kz-context.h: everything a window needs from the core, in one object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kizuna-core.h"
#include "kz-cover-cache.h"

G_BEGIN_DECLS

#define KZ_TYPE_CONTEXT (kz_context_get_type ())

G_DECLARE_FINAL_TYPE (KzContext, kz_context, KZ, CONTEXT, GObject)

/* Opens the library (off the main thread) in @data_dir (NULL: the
 * default, honouring $KIZUNA_DATA_DIR), seeds it from the bundled
 * snapshot when empty, and talks to AniList at @endpoint (NULL:
 * $KIZUNA_ANILIST_URL, then the "anilist-endpoint" setting, then AniList
 * itself). @settings NULL: the application's schema. */
void                kz_context_new_async             (GSettings            *settings,
                                                      const char           *data_dir,
                                                      const char           *endpoint,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
KzContext          *kz_context_new_finish            (GAsyncResult         *result,
                                                      GError              **error);

KzRelationsService *kz_context_get_service           (KzContext            *self);
KzCache            *kz_context_get_cache             (KzContext            *self);
KzProvider         *kz_context_get_provider          (KzContext            *self);
KzCoverCache       *kz_context_get_covers            (KzContext            *self);
GSettings          *kz_context_get_settings          (KzContext            *self);

KzTitleLanguage     kz_context_get_title_language    (KzContext            *self);
gboolean            kz_context_get_show_adult        (KzContext            *self);
gboolean            kz_context_entry_is_visible      (KzContext            *self,
                                                      KzEntry              *entry);
void                kz_context_get_franchise_options (KzContext            *self,
                                                      KzFranchiseOptions   *options);

/* Emits ::library-changed, for lists of stored titles to reload. */
void                kz_context_library_changed       (KzContext            *self);

G_END_DECLS
