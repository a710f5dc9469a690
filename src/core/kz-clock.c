/* kz-clock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-clock"

#include "config.h"

#include "kz-clock.h"

#include <time.h>

gint64
kz_clock_real_now (gpointer user_data)
{
  return g_get_real_time ();
}

/* The wall clock as of the last timer tick: a few nanoseconds to read
 * instead of a few tens, for callers whose deadlines are minutes or hours
 * (cache TTLs). Never ahead of kz_clock_real_now(), and behind it by at
 * most kz_clock_coarse_granularity_usec(). Falls back to the exact clock
 * where the system has no coarse one. */
gint64
kz_clock_coarse_now (gpointer user_data)
{
#ifdef CLOCK_REALTIME_COARSE
  struct timespec ts;

  if (G_LIKELY (clock_gettime (CLOCK_REALTIME_COARSE, &ts) == 0))
    return (gint64) ts.tv_sec * KZ_USEC_PER_SECOND + ts.tv_nsec / 1000;
#endif

  return g_get_real_time ();
}

/* How far kz_clock_coarse_now() may lag, in microseconds (at least 1). */
gint64
kz_clock_coarse_granularity_usec (void)
{
#ifdef CLOCK_REALTIME_COARSE
  struct timespec res;

  if (clock_getres (CLOCK_REALTIME_COARSE, &res) == 0)
    return MAX ((gint64) res.tv_sec * KZ_USEC_PER_SECOND + (res.tv_nsec + 999) / 1000, 1);
#endif

  return 1;
}
