/* kz-cover-image.h: a title's cover, or a placeholder in its colour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kz-context.h"

G_BEGIN_DECLS

#define KZ_TYPE_COVER_IMAGE (kz_cover_image_get_type ())

/* Decoded covers larger than this on either side are refused. */
#define KZ_COVER_IMAGE_MAX_SOURCE_SIZE 4096

G_DECLARE_FINAL_TYPE (KzCoverImage, kz_cover_image, KZ, COVER_IMAGE, GtkWidget)

GtkWidget *kz_cover_image_new        (KzContext    *context,
                                      int           width,
                                      int           height);
void       kz_cover_image_set_entry  (KzCoverImage *self,
                                      KzEntry      *entry);
KzEntry   *kz_cover_image_get_entry  (KzCoverImage *self);
gboolean   kz_cover_image_get_loaded (KzCoverImage *self);

/* Blocking, for worker threads: decodes @bytes scaled down to cover
 * @width×@height pixels; refuses images over the maximum source size. */
GdkTexture *kz_cover_image_decode    (GBytes       *bytes,
                                      int           width,
                                      int           height,
                                      GCancellable *cancellable,
                                      GError      **error);

G_END_DECLS
