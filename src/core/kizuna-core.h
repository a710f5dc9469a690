/* kizuna-core.h: everything the app, the command-line tool and the tests use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kz-anilist-provider.h"
#include "kz-bundled.h"
#include "kz-cache.h"
#include "kz-clock.h"
#include "kz-cover-cache.h"
#include "kz-entry.h"
#include "kz-enums.h"
#include "kz-franchise-graph.h"
#include "kz-ingest.h"
#include "kz-provider.h"
#include "kz-rate-limiter.h"
#include "kz-relations-service.h"
#include "kz-store.h"
#include "kz-text.h"
