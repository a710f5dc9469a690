/* kz-clock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-clock"

#include "config.h"

#include "kz-clock.h"

gint64
kz_clock_real_now (gpointer user_data)
{
  return g_get_real_time ();
}
