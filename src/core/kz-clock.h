/* kz-clock.h: the default wall clocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-types.h"

G_BEGIN_DECLS

#define KZ_USEC_PER_SECOND G_GINT64_CONSTANT (1000000)
#define KZ_USEC_PER_HOUR   (G_GINT64_CONSTANT (3600) * KZ_USEC_PER_SECOND)
#define KZ_USEC_PER_DAY    (G_GINT64_CONSTANT (24) * KZ_USEC_PER_HOUR)

gint64 kz_clock_real_now                (gpointer user_data);
gint64 kz_clock_coarse_now              (gpointer user_data);
gint64 kz_clock_coarse_granularity_usec (void);

G_END_DECLS
