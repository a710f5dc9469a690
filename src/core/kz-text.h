/* kz-text.h: provider HTML to plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tags dropped (<br> and </p> become line breaks), entities decoded,
 * runs of blank space folded, always valid UTF-8. NULL gives NULL. */
char *kz_text_from_html (const char *html);

G_END_DECLS
