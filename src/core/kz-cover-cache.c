/* kz-cover-cache.c: cover images, downloaded once into a disk cache
 *
 * Every fetch of a URL goes through one Pending operation while it is in
 * flight: the first caller starts it (look on disk in a thread, else
 * download on the main context and write in a thread), later callers for
 * the same URL wait on it. A caller that cancels leaves at once; the
 * operation itself is cancelled when nobody waits for it any more.
 *
 * All bookkeeping (the pending table, the statistics) happens on the
 * main context the cache is used from; threads only read and write files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-covers"

#include "config.h"

#include "kz-cover-cache.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kz-anilist-provider.h"

#define TIMEOUT_SECONDS  20
#define READ_CHUNK_SIZE  (64 * 1024)
#define USER_AGENT       PACKAGE_NAME "/" PACKAGE_VERSION " (+" PACKAGE_URL ")"
#define FILE_SUFFIX      ".img"

struct _KzCoverCache
{
  GObject      parent_instance;

  char        *directory;
  gsize        max_bytes;
  gboolean     local_only;
  SoupSession *session;
  GHashTable  *pending;     /* URL → Pending, while a fetch is in flight */
  KzCoverCacheStats stats;
};

G_DEFINE_FINAL_TYPE (KzCoverCache, kz_cover_cache, G_TYPE_OBJECT)

/* One fetch of one URL, shared by everyone asking for it meanwhile. */
typedef struct {
  KzCoverCache *self;
  char         *url;
  char         *path;
  gsize         max_bytes;
  GCancellable *cancellable;
  GList        *waiters;    /* GTask, in the order they asked */
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *received;
} Pending;

/* A caller's task data */
typedef struct {
  Pending *pending;
  GSource *cancelled;
} Waiter;

static void
pending_clear (Pending *p)
{
  if (p->stream != NULL && !g_input_stream_is_closed (p->stream))
    g_input_stream_close_async (p->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&p->stream);
  g_clear_object (&p->message);
  g_clear_pointer (&p->received, g_byte_array_unref);
  g_clear_object (&p->cancellable);
  g_clear_object (&p->self);
  g_free (p->url);
  g_free (p->path);
  g_assert (p->waiters == NULL);
}

static Pending *
pending_ref (Pending *p)
{
  return g_rc_box_acquire (p);
}

static void
pending_unref (Pending *p)
{
  g_rc_box_release_full (p, (GDestroyNotify) pending_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_unref)

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  if (waiter->cancelled != NULL)
    {
      g_source_destroy (waiter->cancelled);
      g_source_unref (waiter->cancelled);
    }
  g_clear_pointer (&waiter->pending, pending_unref);
  g_free (waiter);
}

/* Takes the operation out of the table so that a later fetch of the same
 * URL starts afresh. */
static void
pending_detach (Pending *p)
{
  if (g_hash_table_lookup (p->self->pending, p->url) == p)
    g_hash_table_remove (p->self->pending, p->url);
}

static void
waiter_stop_watching (GTask *task)
{
  Waiter *waiter = g_task_get_task_data (task);

  if (waiter->cancelled != NULL)
    {
      g_source_destroy (waiter->cancelled);
      g_clear_pointer (&waiter->cancelled, g_source_unref);
    }
}

/* Answers every waiter, either with @bytes or with @error. */
static void
pending_finish (Pending      *p,
                GBytes       *bytes,
                const GError *error)
{
  GList *waiters;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      p->self->stats.failures++;
      g_debug ("Cover %s failed: %s", p->url, error->message);
    }

  /* Detached first: a callback may fetch the same URL again. */
  pending_detach (p);
  waiters = g_steal_pointer (&p->waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      waiter_stop_watching (task);
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
    }

  g_list_free_full (waiters, g_object_unref);
}

static void
pending_fail (Pending *p,
              GError  *error)
{
  pending_finish (p, NULL, error);
  g_error_free (error);
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  Pending *p = waiter->pending;
  GList *link = g_list_find (p->waiters, task);

  waiter_stop_watching (task);
  if (link == NULL)
    return G_SOURCE_REMOVE;

  p->waiters = g_list_delete_link (p->waiters, link);
  if (p->waiters == NULL)
    {
      g_debug ("Nobody waits for cover %s any more; stopping", p->url);
      pending_detach (p);
      g_cancellable_cancel (p->cancellable);
    }

  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
has_image_signature (const guint8 *data,
                     gsize         size)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };

  if (size >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return TRUE;
  if (size >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
    return TRUE;
  if (size >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return TRUE;
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return TRUE;

  return FALSE;
}

/* Writing */

typedef struct {
  char   *directory;
  char   *path;
  GBytes *bytes;
} WriteData;

static void
write_data_free (gpointer data)
{
  WriteData *write = data;

  g_free (write->directory);
  g_free (write->path);
  g_bytes_unref (write->bytes);
  g_free (write);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteData *write = task_data;
  GError *error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (write->bytes, &size);

  if (g_mkdir_with_parents (write->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "Cannot create the cover folder %s: %s",
                               write->directory, g_strerror (saved_errno));
      return;
    }

  /* CONSISTENT writes a temporary file and renames it over the name, so
   * a reader never sees half a cover. */
  if (!g_file_set_contents_full (write->path, data, size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  WriteData *write = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    p->self->stats.bytes_on_disk += g_bytes_get_size (write->bytes);
  else
    /* The image is still good; it only will be downloaded again. */
    g_warning ("Could not save cover %s: %s", p->url, error->message);

  pending_finish (p, write->bytes, NULL);
}

static void
pending_write (Pending *p,
               GBytes  *bytes)
{
  g_autoptr(GTask) task = NULL;
  WriteData *write = g_new0 (WriteData, 1);

  write->directory = g_strdup (p->self->directory);
  write->path = g_strdup (p->path);
  write->bytes = g_bytes_ref (bytes);

  /* Not cancellable: once the bytes are here, keeping them is cheap. */
  task = g_task_new (p->self, NULL, on_written, pending_ref (p));
  g_task_set_source_tag (task, pending_write);
  g_task_set_task_data (task, write, write_data_free);
  g_task_run_in_thread (task, write_in_thread);
}

/* Downloading */

static GError *
too_large_error (Pending *p)
{
  g_autofree char *limit = g_format_size (p->max_bytes);

  return g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                      "The cover at %s is larger than %s", p->url, limit);
}

static void
pending_received (Pending *p)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size = p->received->len;

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&p->received));
  g_input_stream_close_async (p->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&p->stream);

  if (!has_image_signature (g_bytes_get_data (bytes, NULL), size))
    {
      pending_fail (p, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                    "The file at %s is not a PNG, JPEG, GIF or WebP image",
                                    p->url));
      return;
    }

  g_debug ("Downloaded cover %s (%" G_GSIZE_FORMAT " bytes)", p->url, size);
  p->self->stats.downloads++;
  pending_write (p, bytes);
}

static void pending_read_next (Pending *p);

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      pending_fail (p, error);
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      pending_received (p);
      return;
    }

  if (size > p->max_bytes - MIN (p->received->len, p->max_bytes))
    {
      pending_fail (p, too_large_error (p));
      return;
    }

  g_byte_array_append (p->received, g_bytes_get_data (bytes, NULL), size);
  pending_read_next (p);
}

static void
pending_read_next (Pending *p)
{
  g_input_stream_read_bytes_async (p->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   p->cancellable, on_read, pending_ref (p));
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  SoupMessageHeaders *headers;
  GError *error = NULL;
  guint status;

  p->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (p->stream == NULL)
    {
      pending_fail (p, error);
      return;
    }

  /* Redirects are not followed: they could lead anywhere, unchecked. */
  status = soup_message_get_status (p->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      pending_fail (p, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    "The server refused the cover at %s: HTTP %u %s",
                                    p->url, status,
                                    soup_message_get_reason_phrase (p->message)));
      return;
    }

  headers = soup_message_get_response_headers (p->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) MIN (p->max_bytes, G_MAXINT64))
    {
      pending_fail (p, too_large_error (p));
      return;
    }

  p->received = g_byte_array_new ();
  pending_read_next (p);
}

static void
pending_download (Pending *p)
{
  if (p->self->local_only && !kz_endpoint_is_loopback (p->url))
    {
      pending_fail (p, g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                    "Not downloading the cover at “%s”: covers come only "
                                    "from this computer here", p->url));
      return;
    }

  p->message = soup_message_new (SOUP_METHOD_GET, p->url);
  if (p->message == NULL)
    {
      pending_fail (p, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                    "“%s” is not a web address a cover can be loaded from",
                                    p->url));
      return;
    }

  soup_message_add_flags (p->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (p->message),
                                "Accept", "image/png, image/jpeg, image/gif, image/webp");

  soup_session_send_async (p->self->session, p->message, G_PRIORITY_LOW,
                           p->cancellable, on_sent, pending_ref (p));
}

/* Reading from disk */

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  char *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_error_free (error);
          g_task_return_pointer (task, NULL, NULL);
        }
      else
        {
          g_task_return_error (task, error);
        }
      return;
    }

  /* A damaged or foreign file is treated as missing and replaced. */
  if (!has_image_signature ((const guint8 *) contents, size))
    {
      g_debug ("Ignoring %s: not an image", path);
      g_free (contents);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_return_pointer (task, g_bytes_new_take (contents, size),
                         (GDestroyNotify) g_bytes_unref);
}

static void
on_disk_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (error != NULL)
    {
      g_prefix_error (&error, "Cannot read the cached cover for %s: ", p->url);
      pending_fail (p, error);
      return;
    }

  if (bytes != NULL)
    {
      p->self->stats.disk_hits++;
      pending_finish (p, bytes, NULL);
      return;
    }

  if (g_cancellable_set_error_if_cancelled (p->cancellable, &error))
    {
      pending_fail (p, error);
      return;
    }

  pending_download (p);
}

static void
pending_start (Pending *p)
{
  g_autoptr(GTask) task = g_task_new (p->self, p->cancellable, on_disk_read, pending_ref (p));

  g_task_set_source_tag (task, pending_start);
  g_task_set_task_data (task, g_strdup (p->path), g_free);
  g_task_run_in_thread (task, read_in_thread);
}

/* The object */

static void
kz_cover_cache_dispose (GObject *object)
{
  KzCoverCache *self = KZ_COVER_CACHE (object);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (((Pending *) value)->cancellable);
  g_hash_table_remove_all (self->pending);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (kz_cover_cache_parent_class)->dispose (object);
}

static void
kz_cover_cache_finalize (GObject *object)
{
  KzCoverCache *self = KZ_COVER_CACHE (object);

  g_hash_table_unref (self->pending);
  g_free (self->directory);

  G_OBJECT_CLASS (kz_cover_cache_parent_class)->finalize (object);
}

static void
kz_cover_cache_class_init (KzCoverCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_cover_cache_dispose;
  object_class->finalize = kz_cover_cache_finalize;
}

static void
kz_cover_cache_init (KzCoverCache *self)
{
  self->max_bytes = KZ_COVER_CACHE_DEFAULT_MAX_BYTES;
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) pending_unref);
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT,
                                                 "timeout", TIMEOUT_SECONDS,
                                                 NULL);
}

/* Nothing is created on disk until the first cover is saved. The cache
 * belongs to the main context it is created in. */
KzCoverCache *
kz_cover_cache_new (const char *directory)
{
  KzCoverCache *self = g_object_new (KZ_TYPE_COVER_CACHE, NULL);

  if (directory != NULL)
    self->directory = g_strdup (directory);
  else
    self->directory = g_build_filename (g_get_user_cache_dir (), "kizuna", "covers", NULL);

  return self;
}

void
kz_cover_cache_set_local_only (KzCoverCache *self,
                               gboolean      local_only)
{
  g_return_if_fail (KZ_IS_COVER_CACHE (self));
  self->local_only = !!local_only;
}

const char *
kz_cover_cache_get_directory (KzCoverCache *self)
{
  g_return_val_if_fail (KZ_IS_COVER_CACHE (self), NULL);

  return self->directory;
}

/* Larger covers fail with G_IO_ERROR_MESSAGE_TOO_LARGE; 0 restores the
 * default. Applies to downloads started from now on. */
void
kz_cover_cache_set_max_bytes (KzCoverCache *self,
                              gsize         max_bytes)
{
  g_return_if_fail (KZ_IS_COVER_CACHE (self));

  self->max_bytes = max_bytes > 0 ? max_bytes : KZ_COVER_CACHE_DEFAULT_MAX_BYTES;
}

void
kz_cover_cache_fetch_async (KzCoverCache        *self,
                            const char          *url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Pending *p;
  Waiter *waiter;

  g_return_if_fail (KZ_IS_COVER_CACHE (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_cover_cache_fetch_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The same rule as for AniList itself: never fetch over plain http
   * from another machine, and nothing but http(s). */
  if (!kz_endpoint_is_acceptable (url, NULL))
    {
      self->stats.failures++;
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               "Not loading the cover at “%s”: only https:// addresses "
                               "are allowed (plain http only to this computer)", url);
      return;
    }

  p = g_hash_table_lookup (self->pending, url);
  if (p == NULL)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
      g_autofree char *basename = g_strconcat (hash, FILE_SUFFIX, NULL);

      p = g_rc_box_new0 (Pending);
      p->self = g_object_ref (self);
      p->url = g_strdup (url);
      p->path = g_build_filename (self->directory, basename, NULL);
      p->max_bytes = self->max_bytes;
      p->cancellable = g_cancellable_new ();
      g_hash_table_insert (self->pending, p->url, p);
      pending_start (p);
    }
  else
    {
      g_debug ("Joining the fetch of cover %s", url);
    }

  waiter = g_new0 (Waiter, 1);
  waiter->pending = pending_ref (p);
  g_task_set_task_data (task, waiter, waiter_free);

  /* A source rather than a signal handler: the caller may cancel from
   * any thread, and the waiter list lives on this context. */
  if (cancellable != NULL)
    {
      waiter->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancelled, G_SOURCE_FUNC (on_waiter_cancelled),
                             task, NULL);
      g_source_set_static_name (waiter->cancelled, "[kizuna] cover fetch cancelled");
      g_source_attach (waiter->cancelled, g_task_get_context (task));
    }

  p->waiters = g_list_append (p->waiters, g_steal_pointer (&task));
}

/* Returns: (transfer full): the image's bytes, not decoded */
GBytes *
kz_cover_cache_fetch_finish (KzCoverCache  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (KZ_IS_COVER_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kz_cover_cache_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* bytes_on_disk counts what this cache object has written, not what an
 * earlier run left in the folder. */
void
kz_cover_cache_get_stats (KzCoverCache      *self,
                          KzCoverCacheStats *stats)
{
  g_return_if_fail (KZ_IS_COVER_CACHE (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}
