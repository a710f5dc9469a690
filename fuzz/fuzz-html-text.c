/* fuzz-html-text.c: the description sanitiser on any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-text.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *html = g_strndup ((const char *)data, size);
  g_autofree char *text = kz_text_from_html (html);

  /* Text out whatever came in, always valid UTF-8 (g_strndup stops at a
   * NUL, as a C string from JSON would). */
  g_assert (text != NULL);
  g_assert (g_utf8_validate (text, -1, NULL));

  return 0;
}
