/* kz-types.h: forward declarations shared by the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _KzAniListProvider  KzAniListProvider;
typedef struct _KzCache            KzCache;
typedef struct _KzEntry            KzEntry;
typedef struct _KzFranchiseGraph   KzFranchiseGraph;
typedef struct _KzProvider         KzProvider;
typedef struct _KzRateLimiter      KzRateLimiter;
typedef struct _KzRelationsService KzRelationsService;
typedef struct _KzStore            KzStore;

/* Microseconds of wall-clock time, like g_get_real_time(). Injectable so
 * tests can move time instead of sleeping. */
typedef gint64 (*KzClockFunc) (gpointer user_data);

G_END_DECLS
