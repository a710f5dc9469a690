/* test-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kz-text.h"

static void
assert_text (const char *html,
             const char *expected)
{
  g_autofree char *text = kz_text_from_html (html);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_text_null (void)
{
  g_assert_null (kz_text_from_html (NULL));
  assert_text ("", "");
  assert_text ("   \n\t ", "");
  assert_text ("<br><p></p>", "");
}

static void
test_text_tags (void)
{
  assert_text ("<b>Bold</b> and <i>italic</i>", "Bold and italic");
  assert_text ("<a href=\"https://anilist.co/anime/1\">link</a>", "link");
  assert_text ("<span foreground='red'>x</span> & <b>", "x &");
  assert_text ("a<!-- hidden <b> -->b", "ab");
  assert_text ("<!DOCTYPE html><?xml version=\"1.0\"?>text", "text");
  /* Not a tag: "<" before a digit or a space is text, as in HTML. */
  assert_text ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2");
  assert_text ("a <3 b", "a <3 b");
}

static void
test_text_line_breaks (void)
{
  assert_text ("a<br>b<br/>c<br />d</p>e<BR>f</P>g", "a\nb\nc\nd\ne\nf\ng");
  assert_text ("<p>One</p><p>Two</p>", "One\nTwo");
  assert_text ("a<br><br><br><br>b", "a\n\nb");
  /* <b> and <brx> are not line breaks. */
  assert_text ("a<b>b</b><brx>c", "abc");
  assert_text ("Centuries ago, mankind was slaughtered by Titans.<br><br>\n"
               "(Source: Crunchyroll)<br><br>\n<i>Note: Includes 3 OADs.</i>",
               "Centuries ago, mankind was slaughtered by Titans.\n\n"
               "(Source: Crunchyroll)\n\nNote: Includes 3 OADs.");
  assert_text ("one\r\ntwo\rthree", "one\ntwo\nthree");
}

static void
test_text_entities (void)
{
  assert_text ("&amp; &lt; &gt; &quot; &#39; &apos;", "& < > \" ' '");
  assert_text ("a&nbsp;&nbsp;b", "a b");
  /* Decoded text is not read as markup again. */
  assert_text ("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>");
  assert_text ("&amp;amp;", "&amp;");
  /* Unknown or incomplete entities stay as written. */
  assert_text ("&copy; &foo; & bar AT&T &amp", "&copy; &foo; & bar AT&T &amp");
  assert_text ("&averyveryverylongname;", "&averyveryverylongname;");
  assert_text ("trailing &", "trailing &");
}

static void
test_text_numeric_entities (void)
{
  assert_text ("&#65;&#x42;&#X43;&#0068;", "ABCD");
  assert_text ("&#12354;&#x1F600;", "\xe3\x81\x82\xf0\x9f\x98\x80");
  assert_text ("a&#10;b&#32;&#9;c", "a\nb c");
  /* NUL, surrogates and code points past Unicode are dropped. */
  assert_text ("a&#0;b&#xD800;c&#xDFFF;d&#x110000;e&#99999999999;f", "abcdef");
  assert_text ("&#x10FFFF;", "\xf4\x8f\xbf\xbf");
  /* Control characters too, raw or encoded. */
  assert_text ("a\x01" "b&#7;c&#x85;d", "abcd");
  /* Not numbers: kept as written. */
  assert_text ("&#; &#x; &#12a; &#xG1;", "&#; &#x; &#12a; &#xG1;");
}

static void
test_text_whitespace (void)
{
  assert_text ("  a \t\t b  \n\n\n\n  c  ", "a b\n\nc");
  assert_text ("a \n b", "a\nb");
  assert_text ("a\xc2\xa0\xc2\xa0" "b", "a b");
  assert_text ("<br>  lead and trail  <br>", "lead and trail");
  assert_text ("<i>a</i> <i>b</i>", "a b");
}

static void
test_text_invalid_utf8 (void)
{
  g_autofree char *text = kz_text_from_html ("ab\xff\xfe<b>cd</b>\xc3");

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "ab\xef\xbf\xbd\xef\xbf\xbd" "cd\xef\xbf\xbd");
}

static void
test_text_unterminated (void)
{
  assert_text ("Text <i>end</i> <a href=\"x", "Text end");
  assert_text ("Text <", "Text <");
  assert_text ("Text <!-- never closed", "Text");
  assert_text ("Text </", "Text");
}

static char *
repeat (const char *unit,
        gsize       times)
{
  gsize unit_len = strlen (unit);
  char *str = g_malloc (unit_len * times + 1);

  for (gsize i = 0; i < times; i++)
    memcpy (str + i * unit_len, unit, unit_len);
  str[unit_len * times] = '\0';

  return str;
}

static void
test_text_long_input (void)
{
  const gsize size = 1024 * 1024;
  g_autofree char *lt = repeat ("<", size);
  g_autofree char *open_tags = repeat ("<a", size / 2);
  g_autofree char *comments = repeat ("<!--", size / 4);
  g_autofree char *amps = repeat ("&#", size / 2);
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *text3 = NULL;
  g_autofree char *text4 = NULL;
  gint64 start = g_get_monotonic_time ();

  text1 = kz_text_from_html (lt);
  g_assert_cmpuint (strlen (text1), ==, size);
  g_assert_cmpint (text1[size - 1], ==, '<');

  text2 = kz_text_from_html (open_tags);
  g_assert_cmpstr (text2, ==, "");

  text3 = kz_text_from_html (comments);
  g_assert_cmpstr (text3, ==, "");

  text4 = kz_text_from_html (amps);
  g_assert_cmpuint (strlen (text4), ==, size);

  /* The scan is linear; a quadratic one would take minutes here. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* Whatever comes in, what goes out is valid UTF-8, trimmed, with at
 * most two line breaks in a row and no runs of spaces. */
static void
test_text_random (void)
{
  static const char *pieces[] = {
    "<", ">", "&", ";", "#", "x", "/", "br", "p", "amp", "lt", "nbsp",
    " ", "\t", "\n", "\r", "a", "Z", "9", "\xc3", "\xa9", "\xff", "\xe3\x81\x82",
    "!--", "-->", "'", "\"", "\x01",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240607);

  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr(GString) html = g_string_new (NULL);
      g_autofree char *text = NULL;
      guint n = g_rand_int_range (rand, 0, 60);
      gsize len;

      for (guint i = 0; i < n; i++)
        g_string_append (html, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);

      text = kz_text_from_html (html->str);
      g_assert_nonnull (text);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_null (strstr (text, "\n\n\n"));
      g_assert_null (strstr (text, "  "));
      g_assert_null (strchr (text, '\t'));
      g_assert_null (strchr (text, '\r'));
      len = strlen (text);
      if (len > 0)
        {
          g_assert_false (g_ascii_isspace (text[0]));
          g_assert_false (g_ascii_isspace (text[len - 1]));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/text/null-and-empty", test_text_null);
  g_test_add_func ("/kz/text/tags", test_text_tags);
  g_test_add_func ("/kz/text/line-breaks", test_text_line_breaks);
  g_test_add_func ("/kz/text/entities", test_text_entities);
  g_test_add_func ("/kz/text/numeric-entities", test_text_numeric_entities);
  g_test_add_func ("/kz/text/whitespace", test_text_whitespace);
  g_test_add_func ("/kz/text/invalid-utf8", test_text_invalid_utf8);
  g_test_add_func ("/kz/text/unterminated-tag", test_text_unterminated);
  g_test_add_func ("/kz/text/long-input", test_text_long_input);
  g_test_add_func ("/kz/text/random-input", test_text_random);

  return g_test_run ();
}
