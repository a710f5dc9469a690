/* kz-cover-image.c: a title's cover, or a placeholder in its colour
 *
 * The placeholder (the title's initials on the cover colour AniList
 * gives) shows at once; the image replaces it when the cover cache has
 * the bytes and a worker thread has decoded them. Adult titles keep the
 * placeholder unless adult titles are shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cover-image"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kz-cover-image.h"

/* Bytes handed to the decoder at a time, so that an oversized image is
 * refused after its header instead of after all of it. */
#define DECODE_CHUNK_SIZE 4096
#define LARGE_COVER_HEIGHT 120

struct _KzCoverImage
{
  GtkWidget     parent_instance;

  KzContext    *context;
  KzEntry      *entry;
  GdkTexture   *texture;
  GCancellable *cancellable;

  char         *initials;
  GdkRGBA       color;

  int           width;
  int           height;
};

G_DEFINE_FINAL_TYPE (KzCoverImage, kz_cover_image, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_COVER_WIDTH,
  PROP_COVER_HEIGHT,
  PROP_ENTRY,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Colours for titles that have none, after GNOME's palette. */
static const char * const fallback_colors[] = {
  "#3584e4", "#2ec27e", "#e5a50a", "#e66100", "#c01c28", "#813d9c", "#865e3c",
};

/* Decoding, in a worker thread */

typedef struct {
  GBytes *bytes;
  int     width;    /* device pixels the cover will fill */
  int     height;
} DecodeData;

typedef struct {
  int      width;
  int      height;
  gboolean rejected;
} SizeCheck;

static void
decode_data_free (gpointer data)
{
  DecodeData *decode = data;

  g_bytes_unref (decode->bytes);
  g_free (decode);
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeCheck *check = user_data;
  double scale;

  if (width <= 0 || height <= 0 ||
      width > KZ_COVER_IMAGE_MAX_SOURCE_SIZE || height > KZ_COVER_IMAGE_MAX_SOURCE_SIZE)
    {
      /* A size of zero tells the loader to stop before it allocates. */
      check->rejected = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  /* Scaled while decoding to just cover the widget: a cover is drawn
   * cropped to fill its box, never letterboxed. */
  scale = MAX ((double) check->width / width, (double) check->height / height);
  if (scale < 1.0)
    gdk_pixbuf_loader_set_size (loader,
                                MAX (1, (int) (width * scale + 0.5)),
                                MAX (1, (int) (height * scale + 0.5)));
}

/* The decoder by the file's signature, so that decoding does not hang
 * on the desktop's MIME database; covers are PNG, JPEG, GIF or WebP. */
static GdkPixbufLoader *
create_loader (const guint8 *data,
               gsize         size)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };
  const char *type = NULL;
  GdkPixbufLoader *loader = NULL;

  if (size >= sizeof png && memcmp (data, png, sizeof png) == 0)
    type = "png";
  else if (size >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
    type = "jpeg";
  else if (size >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    type = "gif";
  else if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    type = "webp";

  if (type != NULL)
    loader = gdk_pixbuf_loader_new_with_type (type, NULL);

  return loader != NULL ? loader : gdk_pixbuf_loader_new ();
}

GdkTexture *
kz_cover_image_decode (GBytes        *bytes,
                       int            width,
                       int            height,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  SizeCheck check = { width, height, FALSE };
  GError *local_error = NULL;
  GdkPixbuf *pixbuf;
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  data = g_bytes_get_data (bytes, &size);
  loader = create_loader (data, size);
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &check);

  for (gsize offset = 0; offset < size; offset += DECODE_CHUNK_SIZE)
    {
      gboolean written = gdk_pixbuf_loader_write (loader, data + offset,
                                                  MIN (DECODE_CHUNK_SIZE, size - offset),
                                                  &local_error);

      if (check.rejected)
        {
          g_clear_error (&local_error);
          break;
        }

      if (!written || g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

  if (check.rejected)
    {
      gdk_pixbuf_loader_close (loader, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The cover is larger than %d×%d pixels",
                   KZ_COVER_IMAGE_MAX_SOURCE_SIZE, KZ_COVER_IMAGE_MAX_SOURCE_SIZE);
      return NULL;
    }

  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The cover could not be decoded");
      return NULL;
    }

  return gdk_texture_new_for_pixbuf (pixbuf);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DecodeData *decode = task_data;
  GdkTexture *texture;
  GError *error = NULL;

  texture = kz_cover_image_decode (decode->bytes, decode->width, decode->height,
                                   cancellable, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

/* Loading */

static void
set_texture (KzCoverImage *self,
             GdkTexture   *texture)
{
  gboolean was_loaded = self->texture != NULL;

  if (!g_set_object (&self->texture, texture))
    return;

  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (was_loaded != (texture != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
cancel_loading (KzCoverImage *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

static void
cover_decoded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KzCoverImage *self = KZ_COVER_IMAGE (object);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  /* A cancelled task reports G_IO_ERROR_CANCELLED even when it decoded:
   * a result for an entry no longer shown is never applied. */
  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Keeping the placeholder cover: %s", error->message);
      return;
    }

  set_texture (self, texture);
}

static void
cover_fetched (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KzCoverImage *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  DecodeData *decode;
  int scale;

  /* @self is not referenced while the download runs, so that a widget
   * going away cancels it: look at it only when not cancelled. */
  bytes = kz_cover_cache_fetch_finish (KZ_COVER_CACHE (object), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Keeping the placeholder cover: %s", error->message);
      return;
    }

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  decode = g_new0 (DecodeData, 1);
  decode->bytes = g_steal_pointer (&bytes);
  decode->width = self->width * scale;
  decode->height = self->height * scale;

  task = g_task_new (self, self->cancellable, cover_decoded, NULL);
  g_task_set_source_tag (task, cover_fetched);
  g_task_set_task_data (task, decode, decode_data_free);
  g_task_run_in_thread (task, decode_thread);
}

static KzCoverSize
cover_size (KzCoverImage *self)
{
  return self->height >= LARGE_COVER_HEIGHT ? KZ_COVER_SIZE_LARGE : KZ_COVER_SIZE_MEDIUM;
}

/* Starts over for the current entry. @keep_texture: leave the image up
 * meanwhile (the same cover at another scale). */
static void
load (KzCoverImage *self,
      gboolean      keep_texture)
{
  const char *url;

  cancel_loading (self);
  if (!keep_texture)
    set_texture (self, NULL);

  if (self->entry == NULL || self->context == NULL)
    return;

  if (!kz_context_entry_is_visible (self->context, self->entry))
    {
      set_texture (self, NULL);
      return;
    }

  url = kz_entry_get_cover_url (self->entry, cover_size (self));
  if (url == NULL || *url == '\0')
    return;

  self->cancellable = g_cancellable_new ();
  kz_cover_cache_fetch_async (kz_context_get_covers (self->context), url, self->cancellable,
                              cover_fetched, self);
}

/* The placeholder */

static char *
dup_initials (const char *title)
{
  GString *out = g_string_new (NULL);
  gboolean in_word = FALSE;
  guint n = 0;

  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    return g_string_free (out, FALSE);

  for (const char *p = title; *p != '\0' && n < 2; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c))
        {
          in_word = FALSE;
          continue;
        }

      if (!in_word)
        {
          g_string_append_unichar (out, g_unichar_toupper (c));
          /* One wide character (kanji, kana) already fills the box. */
          n += g_unichar_iswide (c) ? 2 : 1;
        }
      in_word = TRUE;
    }

  return g_string_free (out, FALSE);
}

static void
update_placeholder (KzCoverImage *self)
{
  const char *color = NULL;
  const char *title = NULL;

  g_clear_pointer (&self->initials, g_free);

  if (self->entry != NULL)
    {
      KzTitleLanguage language = KZ_TITLE_LANGUAGE_ROMAJI;

      if (self->context != NULL)
        language = kz_context_get_title_language (self->context);
      title = kz_entry_get_title (self->entry, language);
      color = kz_entry_get_cover_color (self->entry);
      self->initials = dup_initials (title);
    }

  /* AniList's colour is any CSS colour; an empty row is plain grey. */
  if (self->entry == NULL)
    self->color = (GdkRGBA) { 0.5, 0.5, 0.5, 0.25 };
  else if (color == NULL || !gdk_rgba_parse (&self->color, color))
    gdk_rgba_parse (&self->color,
                    fallback_colors[(guint64) kz_entry_get_id (self->entry) % G_N_ELEMENTS (fallback_colors)]);
  else
    self->color.alpha = 1.0;

  if (title != NULL && *title != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("Cover of “%s”"), title);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
    }
  else
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cover"),
                                      -1);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_title_language_changed (KzCoverImage *self)
{
  update_placeholder (self);
}

static void
on_show_adult_changed (KzCoverImage *self)
{
  if (self->entry != NULL && kz_entry_get_is_adult (self->entry))
    load (self, FALSE);
}

static void
on_scale_factor_changed (KzCoverImage *self)
{
  if (self->texture != NULL)
    load (self, TRUE);
}

/* Drawing */

static void
append_initials (KzCoverImage          *self,
                 GtkSnapshot           *snapshot,
                 const graphene_rect_t *bounds)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  PangoRectangle extents;
  GdkRGBA ink;
  double luminance;

  if (self->initials == NULL || *self->initials == '\0')
    return;

  /* Dark ink on light covers, light ink on dark ones. */
  luminance = 0.299 * self->color.red + 0.587 * self->color.green + 0.114 * self->color.blue;
  if (luminance > 0.6)
    ink = (GdkRGBA) { 0.0, 0.0, 0.0, 0.65 };
  else
    ink = (GdkRGBA) { 1.0, 1.0, 1.0, 0.92 };

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->initials);
  font = pango_font_description_new ();
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, MAX (6.0, self->width * 0.32) * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_get_pixel_extents (layout, NULL, &extents);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (bounds->origin.x + (bounds->size.width - extents.width) / 2.0f - extents.x,
                                                bounds->origin.y + (bounds->size.height - extents.height) / 2.0f - extents.y));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
}

static void
kz_cover_image_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  KzCoverImage *self = KZ_COVER_IMAGE (widget);
  const GdkRGBA outline = { 0.0, 0.0, 0.0, 0.1 };
  const float outline_widths[4] = { 1, 1, 1, 1 };
  const GdkRGBA outline_colors[4] = { outline, outline, outline, outline };
  float width = MIN (self->width, gtk_widget_get_width (widget));
  float height = MIN (self->height, gtk_widget_get_height (widget));
  float radius = self->height >= LARGE_COVER_HEIGHT ? 10.0f : 6.0f;
  graphene_rect_t bounds;
  GskRoundedRect clip;

  if (width <= 0 || height <= 0)
    return;

  graphene_rect_init (&bounds,
                      (gtk_widget_get_width (widget) - width) / 2.0f,
                      (gtk_widget_get_height (widget) - height) / 2.0f,
                      width, height);
  gsk_rounded_rect_init_from_rect (&clip, &bounds, radius);

  gtk_snapshot_push_rounded_clip (snapshot, &clip);

  if (self->texture != NULL)
    {
      float tw = gdk_texture_get_width (self->texture);
      float th = gdk_texture_get_height (self->texture);
      float scale = MAX (width / tw, height / th);
      graphene_rect_t area;

      graphene_rect_init (&area,
                          bounds.origin.x + (width - tw * scale) / 2.0f,
                          bounds.origin.y + (height - th * scale) / 2.0f,
                          tw * scale, th * scale);
      gtk_snapshot_append_texture (snapshot, self->texture, &area);
    }
  else
    {
      gtk_snapshot_append_color (snapshot, &self->color, &bounds);
      append_initials (self, snapshot, &bounds);
    }

  gtk_snapshot_pop (snapshot);

  gtk_snapshot_append_border (snapshot, &clip, outline_widths, outline_colors);
}

static void
kz_cover_image_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  KzCoverImage *self = KZ_COVER_IMAGE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = self->width;
  else
    *minimum = *natural = self->height;
}

/* The object */

static void
kz_cover_image_constructed (GObject *object)
{
  KzCoverImage *self = KZ_COVER_IMAGE (object);

  G_OBJECT_CLASS (kz_cover_image_parent_class)->constructed (object);

  if (self->context != NULL)
    {
      g_signal_connect_object (self->context, "notify::title-language",
                               G_CALLBACK (on_title_language_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->context, "notify::show-adult",
                               G_CALLBACK (on_show_adult_changed), self, G_CONNECT_SWAPPED);
    }

  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed), NULL);
  update_placeholder (self);
}

static void
kz_cover_image_dispose (GObject *object)
{
  KzCoverImage *self = KZ_COVER_IMAGE (object);

  cancel_loading (self);
  g_clear_object (&self->texture);
  g_clear_object (&self->entry);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_cover_image_parent_class)->dispose (object);
}

static void
kz_cover_image_finalize (GObject *object)
{
  KzCoverImage *self = KZ_COVER_IMAGE (object);

  g_free (self->initials);

  G_OBJECT_CLASS (kz_cover_image_parent_class)->finalize (object);
}

static void
kz_cover_image_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KzCoverImage *self = KZ_COVER_IMAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_COVER_WIDTH:
      g_value_set_int (value, self->width);
      break;

    case PROP_COVER_HEIGHT:
      g_value_set_int (value, self->height);
      break;

    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->texture != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_cover_image_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KzCoverImage *self = KZ_COVER_IMAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_COVER_WIDTH:
      self->width = g_value_get_int (value);
      break;

    case PROP_COVER_HEIGHT:
      self->height = g_value_get_int (value);
      break;

    case PROP_ENTRY:
      kz_cover_image_set_entry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_cover_image_class_init (KzCoverImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_cover_image_constructed;
  object_class->dispose = kz_cover_image_dispose;
  object_class->finalize = kz_cover_image_finalize;
  object_class->get_property = kz_cover_image_get_property;
  object_class->set_property = kz_cover_image_set_property;

  widget_class->snapshot = kz_cover_image_snapshot;
  widget_class->measure = kz_cover_image_measure;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_COVER_WIDTH] =
    g_param_spec_int ("cover-width", NULL, NULL,
                      1, 1024, 40,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_COVER_HEIGHT] =
    g_param_spec_int ("cover-height", NULL, NULL,
                      1, 1024, 56,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL,
                         KZ_TYPE_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kz_cover_image_init (KzCoverImage *self)
{
  self->width = 40;
  self->height = 56;
  gtk_widget_add_css_class (GTK_WIDGET (self), "cover");
}

GtkWidget *
kz_cover_image_new (KzContext *context,
                    int        width,
                    int        height)
{
  g_return_val_if_fail (!context || KZ_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  return g_object_new (KZ_TYPE_COVER_IMAGE,
                       "context", context,
                       "cover-width", width,
                       "cover-height", height,
                       NULL);
}

/* @entry NULL: an empty placeholder. Starts loading the cover when the
 * entry has one that may be shown; what was loading is cancelled. */
void
kz_cover_image_set_entry (KzCoverImage *self,
                          KzEntry      *entry)
{
  g_return_if_fail (KZ_IS_COVER_IMAGE (self));
  g_return_if_fail (!entry || KZ_IS_ENTRY (entry));

  if (self->entry == entry)
    return;

  /* The same title again (a stub replaced by the full entry) keeps its
   * image if the address did not change. */
  if (self->entry != NULL && entry != NULL && self->texture != NULL &&
      kz_entry_get_id (self->entry) == kz_entry_get_id (entry) &&
      g_strcmp0 (kz_entry_get_cover_url (self->entry, cover_size (self)),
                 kz_entry_get_cover_url (entry, cover_size (self))) == 0 &&
      kz_entry_get_is_adult (self->entry) == kz_entry_get_is_adult (entry))
    {
      g_set_object (&self->entry, entry);
      update_placeholder (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
      return;
    }

  g_set_object (&self->entry, entry);
  update_placeholder (self);
  load (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
}

KzEntry *
kz_cover_image_get_entry (KzCoverImage *self)
{
  g_return_val_if_fail (KZ_IS_COVER_IMAGE (self), NULL);

  return self->entry;
}

/* Whether the image (not the placeholder) is shown. */
gboolean
kz_cover_image_get_loaded (KzCoverImage *self)
{
  g_return_val_if_fail (KZ_IS_COVER_IMAGE (self), FALSE);

  return self->texture != NULL;
}
