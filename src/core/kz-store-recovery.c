/* kz-store-recovery.c
 *
 * A library that cannot be read is never deleted and never repaired in
 * place: it is renamed, with the time in its name, so that nothing the
 * person built up is lost, and a fresh library takes its place. Renaming
 * a file another process still has open would split the library in two,
 * so the file is locked the way SQLite locks it before it is moved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-store"

#include "config.h"

#include "kz-store-recovery.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kz-bundled.h"
#include "kz-store-private.h"

/* SQLite's own locks on Unix: the pending byte at 1 GiB, then the
 * reserved byte and the shared range. Every connection to a WAL library
 * holds a read lock in there for as long as it is open; a write lock on
 * all of it is what SQLite itself takes for exclusive access. */
#define SQLITE_LOCK_START  0x40000000
#define SQLITE_LOCK_LENGTH 512

/* Another program may be moving the same file aside right now, or
 * closing it: wait for it a little before giving up. */
#define LOCK_ATTEMPTS      20
#define LOCK_RETRY_USEC    (100 * 1000)

/* Opening again after the file changed under us: enough for another
 * program's recovery to finish, never a loop. */
#define OPEN_ATTEMPTS      3

#define SQLITE_HEADER        "SQLite format 3"
#define HEADER_SIZE          100
#define APPLICATION_ID_AT    68

/* They move with the library: the old copy keeps its last commits, and
 * the new library never picks up a journal that is not its own. */
static const char * const companion_suffixes[] = { "-wal", "-shm", "-journal" };

typedef enum {
  ASIDE_MOVED,     /* the file and its companions were renamed */
  ASIDE_CHANGED,   /* another file took the path meanwhile: open again */
  ASIDE_KEEP,      /* not ours to move: report the open error */
  ASIDE_FAILED,    /* @error is set */
} AsideResult;

static gboolean
same_file (const GStatBuf *a,
           const GStatBuf *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A valid SQLite header naming another application: a file we must not
 * rename, even at our library's path. */
static gboolean
is_foreign_database (int fd)
{
  guint8 header[HEADER_SIZE];
  guint32 application_id;

  if (pread (fd, header, sizeof header, 0) != (ssize_t) sizeof header ||
      memcmp (header, SQLITE_HEADER, sizeof SQLITE_HEADER) != 0)
    return FALSE;

  /* big-endian in the file */
  application_id = ((guint32) header[APPLICATION_ID_AT] << 24) |
                   ((guint32) header[APPLICATION_ID_AT + 1] << 16) |
                   ((guint32) header[APPLICATION_ID_AT + 2] << 8) |
                   (guint32) header[APPLICATION_ID_AT + 3];

  return application_id != 0 && application_id != KZ_STORE_APPLICATION_ID;
}

/* TRUE once this process holds SQLite's lock range for writing. A file
 * system without locks cannot tell us about other programs: go ahead,
 * as SQLite there could not have shared the file anyway. */
static gboolean
lock_exclusively (int fd)
{
  for (guint i = 0; i < LOCK_ATTEMPTS; i++)
    {
      struct flock lock = { 0 };

      lock.l_type = F_WRLCK;
      lock.l_whence = SEEK_SET;
      lock.l_start = SQLITE_LOCK_START;
      lock.l_len = SQLITE_LOCK_LENGTH;

      if (fcntl (fd, F_SETLK, &lock) == 0)
        return TRUE;
      if (errno != EACCES && errno != EAGAIN && errno != EINTR)
        {
          g_debug ("Cannot lock the library (%s); moving it aside unlocked",
                   g_strerror (errno));
          return TRUE;
        }

      g_usleep (LOCK_RETRY_USEC);
    }

  return FALSE;
}

static gboolean
path_is_free (const char *path)
{
  GStatBuf buf;

  return g_lstat (path, &buf) != 0 && errno == ENOENT;
}

/* library.db.damaged-YYYYMMDD-HHMMSS, with a number after it when two
 * recoveries share a second; none of its companions may exist either. */
static char *
choose_aside_path (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  for (guint n = 1; ; n++)
    {
      g_autofree char *candidate = NULL;
      gboolean is_free;

      if (n == 1)
        candidate = g_strdup_printf ("%s.damaged-%s", path, stamp);
      else
        candidate = g_strdup_printf ("%s.damaged-%s-%u", path, stamp, n);

      is_free = path_is_free (candidate);
      for (guint i = 0; is_free && i < G_N_ELEMENTS (companion_suffixes); i++)
        {
          g_autofree char *companion = g_strconcat (candidate, companion_suffixes[i], NULL);

          is_free = path_is_free (companion);
        }

      if (is_free)
        return g_steal_pointer (&candidate);
    }
}

/* The renames reach the disk before the fresh library is written. */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("Could not sync %s: %s", dir, g_strerror (errno));
  g_close (fd, NULL);
}

static gboolean
rename_or_error (const char  *from,
                 const char  *to,
                 gboolean     may_be_missing,
                 const char  *library,
                 GError     **error)
{
  int saved_errno;

  if (g_rename (from, to) == 0)
    return TRUE;

  saved_errno = errno;
  if (may_be_missing && saved_errno == ENOENT)
    return TRUE;

  g_set_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT,
               _("The library “%s” is damaged and could not be moved aside: %s. "
                 "Check that its folder can be written."),
               library, g_strerror (saved_errno));
  return FALSE;
}

/* Companions first: stopped half-way, the library path then still holds
 * the damaged file, found again at the next start, and a fresh library
 * never sits next to an old write-ahead log. */
static gboolean
move_files (const char  *path,
            const char  *aside,
            GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, companion_suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, companion_suffixes[i], NULL);

      if (!rename_or_error (from, to, TRUE, path, error))
        return FALSE;
    }

  if (!rename_or_error (path, aside, FALSE, path, error))
    return FALSE;

  sync_folder (path);
  return TRUE;
}

/* @found_damaged: the file kz_store_open() read, NULL if it made it. */
static AsideResult
move_aside (const char      *path,
            const GStatBuf  *found_damaged,
            char           **aside,
            GError         **error)
{
  GStatBuf opened;
  GStatBuf current;
  AsideResult result;
  int fd;

  fd = g_open (path, O_RDWR | O_CLOEXEC, 0);
  if (fd < 0)
    return ASIDE_CHANGED;

  if (found_damaged == NULL || fstat (fd, &opened) != 0 || !same_file (&opened, found_damaged))
    {
      result = ASIDE_CHANGED;
    }
  else if (is_foreign_database (fd))
    {
      result = ASIDE_KEEP;
    }
  else if (!lock_exclusively (fd))
    {
      g_set_error (error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT,
                   _("The library “%s” is damaged, and another program still has it open. "
                     "Close Kizuna and kizuna-cli, then try again."),
                   path);
      result = ASIDE_FAILED;
    }
  else if (g_stat (path, &current) != 0 || !same_file (&current, &opened))
    {
      /* another program moved it aside while we waited for the lock */
      result = ASIDE_CHANGED;
    }
  else
    {
      *aside = choose_aside_path (path);
      if (move_files (path, *aside, error))
        {
          result = ASIDE_MOVED;
        }
      else
        {
          g_clear_pointer (aside, g_free);
          result = ASIDE_FAILED;
        }
    }

  /* closing the descriptor lets go of the lock */
  g_close (fd, NULL);

  return result;
}

KzStore *
kz_store_open_or_recover (const char  *path,
                          char       **recovered_path,
                          GError     **error)
{
  g_autofree char *aside = NULL;
  g_autoptr(GError) open_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (recovered_path != NULL)
    *recovered_path = NULL;

  for (guint attempt = 0; attempt < OPEN_ATTEMPTS; attempt++)
    {
      g_autoptr(KzStore) store = NULL;
      GStatBuf found;
      gboolean had_file;
      guint n_added = 0;

      g_clear_error (&open_error);
      had_file = g_stat (path, &found) == 0;
      store = kz_store_open (path, &open_error);

      if (store != NULL && aside == NULL)
        return g_steal_pointer (&store);

      if (store != NULL)
        {
          if (!kz_bundled_seed_store (store, &n_added, error))
            {
              g_prefix_error (error, _("The damaged library was moved to “%s”; "), aside);
              return NULL;
            }

          g_debug ("Replaced the damaged library %s (kept as %s) with %u bundled titles",
                   path, aside, n_added);
          if (recovered_path != NULL)
            *recovered_path = g_steal_pointer (&aside);

          return g_steal_pointer (&store);
        }

      /* once replaced, a file that still fails is not damage we can fix:
       * say so rather than move file after file aside */
      if (aside != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&open_error),
                                      _("The damaged library was moved to “%s”, "
                                        "but a new one could not be made: "),
                                      aside);
          return NULL;
        }

      if (!g_error_matches (open_error, KZ_STORE_ERROR, KZ_STORE_ERROR_CORRUPT))
        break;

      g_debug ("The library %s cannot be used: %s", path, open_error->message);

      switch (move_aside (path, had_file ? &found : NULL, &aside, error))
        {
        case ASIDE_MOVED:
        case ASIDE_CHANGED:
          break;

        case ASIDE_KEEP:
          g_propagate_error (error, g_steal_pointer (&open_error));
          return NULL;

        case ASIDE_FAILED:
          return NULL;

        default:
          g_assert_not_reached ();
        }
    }

  g_propagate_error (error, g_steal_pointer (&open_error));
  return NULL;
}
